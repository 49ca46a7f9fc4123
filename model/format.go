package model

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"unicode/utf8"
)

// The model file format, version 2 (version 1 had no weights):
//
//	magic       "SPAMCHECK-NB\n\x00\x00\x00" (16 bytes)
//	version     uint32, big endian
//	header      uvarint length, then JSON: tokenizer, params, thresholds,
//	            calibration, training statistics
//	vocabulary  uvarint count, then per token in strictly increasing
//	            order: uvarint length, UTF-8 bytes, uvarint scaled ham
//	            count, uvarint scaled spam count, float64 weight (IEEE 754
//	            bits, big endian)
//	checksum    SHA-256 of everything before it (32 bytes)
//
// The counts are the library's learned state, written in a canonical order
// (the library's own gob encoding follows map order, so two saves of one
// model would differ); the weights are the estimates derived from them at
// training time, stored so that loading is a table fill rather than a
// retraining. The model's ID is the start of the checksum. Everything is
// checked before a classifier is built, so a damaged file is an error,
// never a half-loaded model.
const (
	magic         = "SPAMCHECK-NB\n\x00\x00\x00"
	formatVersion = 2
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
		tmp = binary.BigEndian.AppendUint64(tmp, math.Float64bits(c.weights[i]))
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
	return parse(data)
}

// parse decodes a model file held in memory.
func parse(data []byte) (*Classifier, error) {
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
	d := decoder{b: body[len(magic)+4:]}
	var h header
	if err := json.Unmarshal(d.chunk(), &h); d.err != nil || err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrCorrupt, errors.Join(d.err, err))
	}
	n := d.uvarint()
	// Each entry takes at least 11 bytes (length, one byte of token, two
	// counts, the weight), which bounds what a damaged size may allocate.
	if d.err != nil || n > uint64(len(d.b))/11 {
		return nil, fmt.Errorf("%w: vocabulary size", ErrCorrupt)
	}
	// One string holds every token; the vocabulary slices it, saving an
	// allocation per token.
	all := string(d.b)
	base := len(d.b)
	vocab := make([]string, n)
	counts := make([][2]uint64, n)
	weights := make([]float64, n)
	for i := range vocab {
		t := d.chunk()
		off := base - len(d.b) - len(t)
		counts[i] = [2]uint64{d.uvarint(), d.uvarint()}
		weights[i] = math.Float64frombits(d.uint64())
		if d.err != nil {
			return nil, fmt.Errorf("%w: token %d: %v", ErrCorrupt, i, d.err)
		}
		vocab[i] = all[off : off+len(t)]
		if !utf8.ValidString(vocab[i]) || (i > 0 && vocab[i-1] >= vocab[i]) {
			return nil, fmt.Errorf("%w: token %d out of order or not UTF-8", ErrCorrupt, i)
		}
	}
	if len(d.b) != 0 {
		return nil, fmt.Errorf("%w: %d bytes of trailing data", ErrCorrupt, len(d.b))
	}
	c, err := assemble(h.Tokenizer, h.Params, h.Thresholds, h.Calibration, h.Stats, vocab, counts, weights, sum)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	return c, nil
}

// decoder reads the model file's fields from a byte slice, remembering the
// first error.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = errors.New("bad varint")
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) uint64() uint64 {
	if d.err != nil {
		return 0
	}
	if len(d.b) < 8 {
		d.err = io.ErrUnexpectedEOF
		return 0
	}
	v := binary.BigEndian.Uint64(d.b)
	d.b = d.b[8:]
	return v
}

// chunk reads a length-prefixed byte string.
func (d *decoder) chunk() []byte {
	n := d.uvarint()
	if d.err != nil {
		return nil
	}
	if n > uint64(len(d.b)) {
		d.err = fmt.Errorf("length %d out of range", n)
		return nil
	}
	v := d.b[:n]
	d.b = d.b[n:]
	return v
}
