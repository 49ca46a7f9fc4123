package model

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"math"
	"math/bits"
	"strings"
	"unicode/utf8"
)

// The model file format, version 5 (version 1 had no weights, version 2
// no index, version 3 one scaled count per class instead of counts per
// source, version 4 no weights per class of a source; Load still reads
// versions 3 and 4):
//
//	magic       "SPAMCHECK-NB\n\x00\x00\x00" (16 bytes)
//	version     uint32, big endian
//	header      uvarint length, then JSON: tokenizer, params, thresholds,
//	            calibration, training statistics with the list of sources
//	            (and, for a pruned model, each source's counts of the
//	            tokens pruning dropped and their number: optional fields
//	            that a model trained on top of it needs to weigh the kept
//	            tokens as it does; from version 5, the weights of each
//	            source's classes when they differ from its weight)
//	vocabulary  uvarint count n, uvarint byte length, then per token in
//	            strictly increasing order: uvarint length, UTF-8 bytes,
//	            float32 weight (IEEE 754 bits, big endian), uvarint number
//	            of sources k ≥ 1, then k times: uvarint source (strictly
//	            increasing, < the number of sources), uvarint ham count,
//	            uvarint spam count (not both 0) — the number of comments
//	            of each class of that source holding the token
//	index       uvarint slot count m (a power of two above n, or 0), then
//	            m uint32 (big endian): 0 for an empty slot, else 1 + the
//	            offset of an entry in the vocabulary; open addressing with
//	            linear probing on the 64-bit FNV-1a hash of the token
//	checksum    SHA-256 of everything before it (32 bytes)
//
// The counts are the library's learned state, written in a canonical order
// (the library's own gob encoding follows map order, so two saves of one
// model would differ); the weights are the estimates derived from them at
// training time. With the index, a model is scored straight from the file's
// bytes: loading is a checksum and one validating pass, with no table to
// build, which keeps a Lambda cold start short. The model's ID is the start
// of the checksum. A damaged file is an error, never a half-loaded model.
const (
	magic         = "SPAMCHECK-NB\n\x00\x00\x00"
	formatVersion = 5
	// noClassWeights is the format before sources could weigh their
	// classes apart (Source.HamWeight, SpamWeight), and what a model
	// whose sources do not is still written as: a build that reads
	// version 4 and not 5 would score one that does with the wrong prior.
	noClassWeights = 4
	// oldVersion is the format before that, still read: its entries
	// hold the token, two scaled counts and the weight.
	oldVersion = 3
	// maxModelBytes bounds what Load reads, so a wrong file cannot
	// exhaust memory.
	maxModelBytes = 512 << 20
	// maxHeaderBytes bounds the JSON header, decoded before anything
	// else is checked: every three bytes of it ("{},") can become a
	// source of 72, and a 64 MB file of them took 5 GB to refuse. The
	// default model's is 1,252 bytes; 4,096 sources with long names fit.
	maxHeaderBytes = 1 << 20
	// maxSources bounds the sources a model file may hold (one per
	// path given to train, and the site's).
	maxSources = 4096
	// entryOverhead is the least an entry can take besides its token:
	// a length, a weight and two counts (version 3), or a source count
	// and one source's three numbers (versions 4 and 5).
	entryOverhead = 1 + 1 + 1 + 4
)

type header struct {
	Tokenizer   TokenizerConfig `json:"tokenizer"`
	Params      Params          `json:"params"`
	Thresholds  Thresholds      `json:"thresholds"`
	Calibration Calibration     `json:"calibration"`
	Stats       Stats           `json:"training"`
}

// fnv1a is the 64-bit FNV-1a hash of s, the index's hash function: fixed,
// so the index in a file stays valid for every build.
func fnv1a(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// encodeBody returns the size of the vocabulary section and its index,
// everything after the header, and a function that writes them. The
// tokens of tc must be in increasing order.
func encodeBody(tc tokenCounts, weights []float64) (int, func(*fileWriter)) {
	n := tc.numTokens()
	offsets := make([]uint32, n)
	size := 0
	var counts []count
	for i := range n {
		tok := tc.token(i)
		counts = tc.appendCounts(counts[:0], i)
		offsets[i] = uint32(size)
		size += uvarintLen(uint64(len(tok))) + len(tok) + 4 + uvarintLen(uint64(len(counts)))
		for _, c := range counts {
			size += uvarintLen(uint64(c.src)) + uvarintLen(c.n[0]) + uvarintLen(c.n[1])
		}
	}
	m := 0
	if n > 0 {
		m = 1
		for m < 2*n {
			m <<= 1
		}
	}
	total := uvarintLen(uint64(n)) + uvarintLen(uint64(size)) + size + uvarintLen(uint64(m)) + 4*m
	return total, func(w *fileWriter) {
		buf := binary.AppendUvarint(nil, uint64(n))
		buf = binary.AppendUvarint(buf, uint64(size))
		w.write(buf)
		for i := range n {
			tok := tc.token(i)
			counts = tc.appendCounts(counts[:0], i)
			buf = binary.AppendUvarint(buf[:0], uint64(len(tok)))
			buf = append(buf, tok...)
			buf = binary.BigEndian.AppendUint32(buf, math.Float32bits(float32(weights[i])))
			buf = binary.AppendUvarint(buf, uint64(len(counts)))
			for _, c := range counts {
				buf = binary.AppendUvarint(buf, uint64(c.src))
				buf = binary.AppendUvarint(buf, c.n[0])
				buf = binary.AppendUvarint(buf, c.n[1])
			}
			w.write(buf)
		}
		slots := make([]uint32, m)
		for i := range n {
			s := int(fnv1a(tc.token(i)) & uint64(m-1))
			for slots[s] != 0 {
				s = (s + 1) & (m - 1)
			}
			slots[s] = offsets[i] + 1
		}
		w.write(binary.AppendUvarint(buf[:0], uint64(m)))
		for len(slots) > 0 {
			buf = buf[:0]
			for _, s := range slots[:min(len(slots), 1024)] {
				buf = binary.BigEndian.AppendUint32(buf, s)
			}
			w.write(buf)
			slots = slots[min(len(slots), 1024):]
		}
	}
}

// uvarintLen returns the length of x as a uvarint.
func uvarintLen(x uint64) int { return 1 + (bits.Len64(x|1)-1)/7 }

// fileWriter writes a model file into memory of its final size and
// checksums it on the way, so that a model of hundreds of megabytes is
// held once while it is written, not copied from buffer to buffer.
type fileWriter struct {
	b strings.Builder
	h hash.Hash
}

func (w *fileWriter) write(p []byte) {
	w.b.Write(p)
	w.h.Write(p)
}

// writeString writes s, checksumming it in pieces so that it is not
// copied whole.
func (w *fileWriter) writeString(s string) {
	w.b.WriteString(s)
	var buf [32 << 10]byte
	for len(s) > 0 {
		n := copy(buf[:], s)
		w.h.Write(buf[:n])
		s = s[n:]
	}
}

// encode assembles a whole model file from its header and its body, which
// body writes (bodySize bytes).
func encode(version int, h header, bodySize int, body func(*fileWriter)) (string, error) {
	hj, err := json.Marshal(h)
	if err != nil {
		return "", fmt.Errorf("model: encode header: %w", err)
	}
	w := &fileWriter{h: sha256.New()}
	head := append([]byte(magic), binary.BigEndian.AppendUint32(nil, uint32(version))...)
	head = binary.AppendUvarint(head, uint64(len(hj)))
	w.b.Grow(len(head) + len(hj) + bodySize + sha256.Size)
	w.write(head)
	w.write(hj)
	body(w)
	w.b.Write(w.h.Sum(nil))
	return w.b.String(), nil
}

// Save writes the model to w in the format Load reads. The output depends
// only on the model, so saving the same model twice gives the same bytes.
func (c *Classifier) Save(w io.Writer) error {
	if _, err := io.WriteString(w, c.raw); err != nil {
		return fmt.Errorf("model: write: %w", err)
	}
	return nil
}

// Load reads a model written by Save. A file that is not a model, has an
// unsupported version, is truncated or is corrupt gives an error wrapping
// ErrFormat, ErrVersion or ErrCorrupt.
//
// A reader that can say its size (an *os.File) is read into one buffer
// of that size, so that loading holds the file about twice at most (the
// buffer and the string the model scores from), not the four times a
// growing buffer and copies would take.
func Load(r io.Reader) (*Classifier, error) {
	var buf bytes.Buffer
	if f, ok := r.(interface{ Stat() (fs.FileInfo, error) }); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() <= maxModelBytes {
			buf.Grow(int(fi.Size()) + bytes.MinRead)
		}
	}
	if _, err := buf.ReadFrom(io.LimitReader(r, maxModelBytes+1)); err != nil {
		return nil, fmt.Errorf("model: read: %w", err)
	}
	if buf.Len() > maxModelBytes {
		return nil, fmt.Errorf("%w: larger than %d bytes", ErrFormat, maxModelBytes)
	}
	return parse(buf.String())
}

// parse checks and decodes a model file held in memory. The classifier
// scores straight from raw, which it keeps.
func parse(raw string) (*Classifier, error) {
	if len(raw) < len(magic)+4 || raw[:len(magic)] != magic {
		return nil, ErrFormat
	}
	version := binary.BigEndian.Uint32([]byte(raw[len(magic) : len(magic)+4]))
	if version != formatVersion && version != noClassWeights && version != oldVersion {
		return nil, fmt.Errorf("%w: file is version %d, this build reads versions %d to %d", ErrVersion, version, oldVersion, formatVersion)
	}
	if len(raw) < len(magic)+4+sha256.Size {
		return nil, fmt.Errorf("%w: truncated", ErrCorrupt)
	}
	body := raw[:len(raw)-sha256.Size]
	// Hashed through one small buffer: []byte(body) would copy the
	// whole file.
	h256, chunk := sha256.New(), make([]byte, 32<<10)
	for i := 0; i < len(body); {
		n := copy(chunk, body[i:])
		h256.Write(chunk[:n])
		i += n
	}
	sum := h256.Sum(nil)
	if string(sum) != raw[len(body):] {
		return nil, fmt.Errorf("%w: checksum mismatch (truncated or modified)", ErrCorrupt)
	}
	d := decoder{s: body, pos: len(magic) + 4}
	var h header
	hj := d.chunk()
	if d.err != nil || len(hj) > maxHeaderBytes {
		return nil, fmt.Errorf("%w: header of %d bytes (at most %d)", ErrCorrupt, len(hj), maxHeaderBytes)
	}
	if err := json.Unmarshal([]byte(hj), &h); err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrCorrupt, err)
	}
	if len(h.Stats.Sources) > maxSources {
		return nil, fmt.Errorf("%w: %d sources (at most %d)", ErrCorrupt, len(h.Stats.Sources), maxSources)
	}
	c := &Classifier{cfg: h.Tokenizer, params: h.Params, thresholds: h.Thresholds, calib: h.Calibration, stats: h.Stats,
		raw: raw, body: d.pos, id: "nb-" + hex.EncodeToString(sum[:6]), version: int(version)}
	if err := c.validateSettings(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	n := d.uvarint()
	size := d.uvarint()
	if d.err != nil || size > uint64(len(body)-d.pos) || n > size/entryOverhead {
		return nil, fmt.Errorf("%w: vocabulary size", ErrCorrupt)
	}
	c.entries, c.n = d.pos, int(n)
	end := d.pos + int(size)
	// One pass checks every entry: order, UTF-8, counts and weights,
	// and totals the counts for the statistics.
	var tokens [2]uint64
	var buf []count // one entry's counts, reused: a model of a million tokens loads without a million allocations
	prev := ""
	// starts marks the offset of each entry, for the index's check.
	starts := make([]uint64, (size+64)/64)
	for i := 0; i < c.n; i++ {
		off := uint64(d.pos - c.entries)
		starts[off/64] |= 1 << (off % 64)
		t, w, counts := c.entry(&d, buf[:0])
		buf = counts
		switch {
		case d.err != nil || d.pos > end:
			return nil, fmt.Errorf("%w: token %d: %v", ErrCorrupt, i, cmp.Or(d.err, errors.New("truncated")))
		case i > 0 && prev >= t, !utf8.ValidString(t):
			return nil, fmt.Errorf("%w: token %d out of order or not UTF-8", ErrCorrupt, i)
		case math.IsNaN(w) || math.IsInf(w, 0) || c.params.MaxWeight > 0 && math.Abs(w) > c.params.MaxWeight*(1+1e-6):
			return nil, fmt.Errorf("%w: token %q: weight %v out of range", ErrCorrupt, t, w)
		}
		for _, n := range counts {
			tokens[0] += n.n[0]
			tokens[1] += n.n[1]
		}
		prev = t
	}
	if d.pos != end {
		return nil, fmt.Errorf("%w: vocabulary length", ErrCorrupt)
	}
	m := d.uvarint()
	if rest := uint64(len(body) - d.pos); d.err != nil || m&(m-1) != 0 || (m == 0) != (n == 0) || n > 0 && m <= n || rest%4 != 0 || rest/4 != m {
		return nil, fmt.Errorf("%w: index", ErrCorrupt)
	}
	c.index, c.slots = d.pos, int(m)
	// Every slot is empty or points at the start of an entry no other
	// slot points at (so the index holds every token once); lookups
	// check what they find there, so no index, however wrong, can make
	// one read out of bounds.
	filled := 0
	for s := 0; s < c.slots; s++ {
		if v := c.slot(s); v != 0 {
			off := uint64(v - 1)
			if off >= size || starts[off/64]&(1<<(off%64)) == 0 {
				return nil, fmt.Errorf("%w: index slot %d points at no entry, or at one another slot has", ErrCorrupt, s)
			}
			starts[off/64] &^= 1 << (off % 64)
			filled++
		}
	}
	if filled != c.n {
		return nil, fmt.Errorf("%w: index holds %d tokens, vocabulary %d", ErrCorrupt, filled, c.n)
	}
	c.stats.Tokens = map[Label]int{Ham: int(tokens[0]), Spam: int(tokens[1])}
	c.stats.Vocabulary = c.n
	if c.version == oldVersion {
		c.prior = math.Log(float64(c.stats.Documents[Spam])) - math.Log(float64(c.stats.Documents[Ham]))
	} else {
		c.prior = c.params.prior(c.stats.Sources)
	}
	if math.IsNaN(c.prior) || math.IsInf(c.prior, 0) {
		// Weights so small that a class weighs nothing: no file that
		// training writes, but one edited by hand could say so.
		return nil, fmt.Errorf("%w: the sources' weights leave a class without weight (prior log-odds %v)", ErrCorrupt, c.prior)
	}
	return c, nil
}

// slot returns the value of index slot s.
func (c *Classifier) slot(s int) uint32 {
	at := c.index + 4*s
	return uint32(c.raw[at])<<24 | uint32(c.raw[at+1])<<16 | uint32(c.raw[at+2])<<8 | uint32(c.raw[at+3])
}

// lookup finds token in the index and returns the offset of its entry
// (relative to the vocabulary) and its weight.
func (c *Classifier) lookup(token string) (int, float64, bool) {
	if c.slots == 0 {
		return 0, 0, false
	}
	mask := c.slots - 1
	for s, probes := int(fnv1a(token))&mask, 0; probes < c.slots; s, probes = (s+1)&mask, probes+1 {
		v := c.slot(s)
		if v == 0 {
			return 0, 0, false
		}
		off := int(v - 1)
		d := decoder{s: c.raw[:c.index], pos: c.entries + off}
		if t := d.chunk(); d.err == nil && t == token {
			w := c.weightAfterToken(&d)
			if d.err == nil {
				return off, w, true
			}
		}
	}
	return 0, 0, false
}

// entryAt returns the token (a substring of the file) and the weight of
// the entry at off, found by lookup.
func (c *Classifier) entryAt(off int) (string, float64) {
	d := decoder{s: c.raw[:c.index], pos: c.entries + off}
	t := d.chunk()
	return t, c.weightAfterToken(&d)
}

// weightAfterToken reads an entry's weight, d being just past its token.
func (c *Classifier) weightAfterToken(d *decoder) float64 {
	if c.version == oldVersion {
		d.uvarint()
		d.uvarint()
	}
	return d.weight()
}

// entry decodes the whole entry at d: token, weight and counts per source
// (version 3: one pseudo-source holding the scaled counts divided back),
// the counts appended to buf.
// It checks the counts; d.err says what is wrong.
func (c *Classifier) entry(d *decoder, buf []count) (string, float64, []count) {
	t := d.chunk()
	if c.version == oldVersion {
		ham, spam := d.uvarint(), d.uvarint()
		w := d.weight()
		k := uint64(math.Round(1 / c.params.Smoothing))
		if d.err == nil && (ham > math.MaxInt32 || spam > math.MaxInt32 || k == 0) {
			d.err = errors.New("counts out of range")
		}
		if k == 0 {
			return t, w, nil
		}
		return t, w, append(buf, count{src: 0, n: [2]uint64{ham / k, spam / k}})
	}
	w := d.weight()
	k := d.uvarint()
	if d.err == nil && (k == 0 || k > uint64(len(c.stats.Sources))) {
		d.err = fmt.Errorf("%d sources", k)
	}
	out := buf
	for j := uint64(0); j < k && d.err == nil; j++ {
		src, ham, spam := d.uvarint(), d.uvarint(), d.uvarint()
		switch {
		case d.err != nil:
		case src >= uint64(len(c.stats.Sources)) || j > 0 && int(src) <= out[j-1].src:
			d.err = fmt.Errorf("source %d out of order or range", src)
		case ham > math.MaxInt32 || spam > math.MaxInt32 || ham+spam == 0:
			d.err = errors.New("counts out of range")
		case c.params.Binary && (ham > uint64(c.stats.Sources[src].Ham) || spam > uint64(c.stats.Sources[src].Spam)):
			// Binary counts are comments; otherwise a token counts
			// as often as it occurs.
			d.err = errors.New("counts above the source's comments")
		}
		out = append(out, count{src: int(src), n: [2]uint64{ham, spam}})
	}
	return t, w, out
}

// decoder reads the model file's fields from a string, remembering the
// first error; it never reads out of bounds.
type decoder struct {
	s   string
	pos int
	err error
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	var v uint64
	for shift := uint(0); ; shift += 7 {
		if d.pos >= len(d.s) || shift > 63 {
			d.err = errors.New("bad varint")
			return 0
		}
		b := d.s[d.pos]
		d.pos++
		v |= uint64(b&0x7f) << shift
		if b < 0x80 {
			return v
		}
	}
}

// weight reads a float32 weight.
func (d *decoder) weight() float64 {
	if d.err != nil {
		return 0
	}
	if len(d.s)-d.pos < 4 {
		d.err = io.ErrUnexpectedEOF
		return 0
	}
	s := d.s[d.pos:]
	d.pos += 4
	return float64(math.Float32frombits(uint32(s[0])<<24 | uint32(s[1])<<16 | uint32(s[2])<<8 | uint32(s[3])))
}

// chunk reads a length-prefixed string.
func (d *decoder) chunk() string {
	n := d.uvarint()
	if d.err != nil {
		return ""
	}
	if n > uint64(len(d.s)-d.pos) {
		d.err = fmt.Errorf("length %d out of range", n)
		return ""
	}
	v := d.s[d.pos : d.pos+int(n)]
	d.pos += int(n)
	return v
}
