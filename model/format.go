package model

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"unicode/utf8"
)

// The model file format, version 1:
//
//	magic       "SPAMCHECK-NB\n\x00\x00\x00" (16 bytes)
//	version     uint32, big endian
//	header      uvarint length, then JSON: tokenizer, params, thresholds,
//	            calibration, training statistics
//	vocabulary  uvarint count, then per token in strictly increasing
//	            order: uvarint length, UTF-8 bytes, uvarint scaled ham
//	            count, uvarint scaled spam count
//	checksum    SHA-256 of everything before it (32 bytes)
//
// The vocabulary is the library's learned state, written in a canonical
// order (the library's own gob encoding follows map order, so two saves
// of one model would differ). Everything is checked before a classifier is
// built, so a damaged file is an error, never a half-loaded model.
const (
	magic         = "SPAMCHECK-NB\n\x00\x00\x00"
	formatVersion = 1
	// maxModelBytes bounds what Load reads, so a wrong file cannot
	// exhaust memory.
	maxModelBytes = 512 << 20
)

type header struct {
	Tokenizer   TokenizerConfig `json:"tokenizer"`
	Params      Params          `json:"params"`
	Thresholds  Thresholds      `json:"thresholds"`
	Calibration Calibration     `json:"calibration"`
	Stats       Stats           `json:"training"`
}

// Save writes the model to w in the format Load reads. The output depends
// only on the model, so saving the same model twice gives the same bytes.
func (c *Classifier) Save(w io.Writer) error {
	var buf bytes.Buffer
	buf.WriteString(magic)
	buf.Write(binary.BigEndian.AppendUint32(nil, formatVersion))
	h, err := json.Marshal(header{Tokenizer: c.cfg, Params: c.params, Thresholds: c.thresholds, Calibration: c.calib, Stats: c.stats})
	if err != nil {
		return fmt.Errorf("model: encode header: %w", err)
	}
	buf.Write(binary.AppendUvarint(nil, uint64(len(h))))
	buf.Write(h)
	buf.Write(binary.AppendUvarint(nil, uint64(len(c.vocab))))
	var tmp []byte
	for i, t := range c.vocab {
		tmp = binary.AppendUvarint(tmp[:0], uint64(len(t)))
		tmp = append(tmp, t...)
		tmp = binary.AppendUvarint(tmp, c.counts[i][0])
		tmp = binary.AppendUvarint(tmp, c.counts[i][1])
		buf.Write(tmp)
	}
	sum := sha256.Sum256(buf.Bytes())
	buf.Write(sum[:])
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("model: write: %w", err)
	}
	return nil
}

// Load reads a model written by Save. A file that is not a model, has an
// unsupported version, is truncated or is corrupt gives an error wrapping
// ErrFormat, ErrVersion or ErrCorrupt.
func Load(r io.Reader) (*Classifier, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxModelBytes+1))
	if err != nil {
		return nil, fmt.Errorf("model: read: %w", err)
	}
	if len(data) > maxModelBytes {
		return nil, fmt.Errorf("%w: larger than %d bytes", ErrFormat, maxModelBytes)
	}
	if len(data) < len(magic)+4 || string(data[:len(magic)]) != magic {
		return nil, ErrFormat
	}
	if v := binary.BigEndian.Uint32(data[len(magic):]); v != formatVersion {
		return nil, fmt.Errorf("%w: file is version %d, this build reads version %d", ErrVersion, v, formatVersion)
	}
	if len(data) < len(magic)+4+sha256.Size {
		return nil, fmt.Errorf("%w: truncated", ErrCorrupt)
	}
	body, sum := data[:len(data)-sha256.Size], data[len(data)-sha256.Size:]
	if want := sha256.Sum256(body); !bytes.Equal(sum, want[:]) {
		return nil, fmt.Errorf("%w: checksum mismatch (truncated or modified)", ErrCorrupt)
	}
	rd := bufio.NewReader(bytes.NewReader(body[len(magic)+4:]))
	hdrBytes, err := readChunk(rd, len(body))
	if err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrCorrupt, err)
	}
	var h header
	if err := json.Unmarshal(hdrBytes, &h); err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrCorrupt, err)
	}
	n, err := binary.ReadUvarint(rd)
	if err != nil || n > uint64(len(body)) {
		return nil, fmt.Errorf("%w: vocabulary size", ErrCorrupt)
	}
	vocab := make([]string, 0, n)
	counts := make([][2]uint64, 0, n)
	for i := uint64(0); i < n; i++ {
		t, err := readChunk(rd, len(body))
		if err != nil {
			return nil, fmt.Errorf("%w: token %d: %v", ErrCorrupt, i, err)
		}
		var cnt [2]uint64
		for k := range cnt {
			if cnt[k], err = binary.ReadUvarint(rd); err != nil {
				return nil, fmt.Errorf("%w: token %d: %v", ErrCorrupt, i, err)
			}
		}
		tok := string(t)
		if !utf8.ValidString(tok) || (len(vocab) > 0 && vocab[len(vocab)-1] >= tok) {
			return nil, fmt.Errorf("%w: token %d out of order or not UTF-8", ErrCorrupt, i)
		}
		vocab = append(vocab, tok)
		counts = append(counts, cnt)
	}
	if _, err := rd.ReadByte(); err != io.EOF {
		return nil, fmt.Errorf("%w: trailing data", ErrCorrupt)
	}
	if !sort.StringsAreSorted(vocab) {
		return nil, fmt.Errorf("%w: vocabulary not sorted", ErrCorrupt)
	}
	c, err := build(h.Tokenizer, h.Params, h.Thresholds, h.Calibration, h.Stats, vocab, counts)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	return c, nil
}

func readChunk(rd *bufio.Reader, limit int) ([]byte, error) {
	n, err := binary.ReadUvarint(rd)
	if err != nil {
		return nil, err
	}
	if n > uint64(limit) {
		return nil, fmt.Errorf("length %d out of range", n)
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(rd, b); err != nil {
		return nil, err
	}
	return b, nil
}
