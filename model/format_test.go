package model_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/spamcheck/spamcheck/model"
)

// The layout documented in format.go: magic, version, header, vocabulary,
// SHA-256 of everything before it.
const (
	fileMagic  = "SPAMCHECK-NB\n\x00\x00\x00"
	versionEnd = len(fileMagic) + 4
)

// probes are the comments round-trip tests compare scores on.
var probes = []model.Comment{
	{},
	{Text: "win free money prize, click now"},
	{Text: "love this song, great guitar"},
	{Text: "Hot singles in your area are waiting www.localhotdates-now.com"},
	{Text: "Great article, thanks."},
	{Text: "A Divorced Mom With Four Kids Lost Her Job!! $500 a day", Author: "Promo Bot", AuthorURL: "http://promo.example", AuthorEmail: "x@promo.example"},
	{Text: "Привет 日本語 \xff"},
}

func mustSave(tb testing.TB, c *model.Classifier) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := c.Save(&buf); err != nil {
		tb.Fatalf("Save: %v", err)
	}
	return buf.Bytes()
}

func mustLoad(tb testing.TB, data []byte) *model.Classifier {
	tb.Helper()
	c, err := model.Load(bytes.NewReader(data))
	if err != nil {
		tb.Fatalf("Load: %v", err)
	}
	return c
}

// smallModel returns a model with a review band, a calibration and
// non-default params, so every header field has a non-zero value.
func smallModel(tb testing.TB) *model.Classifier {
	tb.Helper()
	p := model.DefaultParams()
	p.Reasons = 3
	return mustTrain(tb, balanced, model.TrainOptions{
		Params:      &p,
		Thresholds:  model.Thresholds{Reject: 0.9, Review: 0.6},
		Calibration: model.Calibration{A: 0.8, B: -0.25},
	})
}

// withChecksum appends the SHA-256 trailer to body.
func withChecksum(body []byte) []byte {
	sum := sha256.Sum256(body)
	return append(bytes.Clone(body), sum[:]...)
}

type entry struct {
	tok    string
	weight float64
	counts []srcCount
}

// srcCount is one source's counts of a token.
type srcCount struct{ src, ham, spam uint64 }

// parts is a model file taken apart, to be edited and put back together
// with a valid checksum.
type parts struct {
	version uint32
	header  []byte
	n       uint64 // declared vocabulary size
	vocab   []entry
	extra   []byte // appended after the vocabulary
}

func split(tb testing.TB, data []byte) parts {
	tb.Helper()
	if !bytes.HasPrefix(data, []byte(fileMagic)) {
		tb.Fatalf("saved model starts with %q, want the magic %q", data[:min(len(data), len(fileMagic))], fileMagic)
	}
	p := parts{version: binary.BigEndian.Uint32(data[len(fileMagic):])}
	r := bytes.NewReader(data[versionEnd : len(data)-sha256.Size])
	chunk := func() []byte {
		n, err := binary.ReadUvarint(r)
		if err != nil || n > uint64(r.Len()) {
			tb.Fatalf("split: bad length %d: %v", n, err)
		}
		b := make([]byte, n)
		r.Read(b)
		return b
	}
	uvarint := func() uint64 {
		n, err := binary.ReadUvarint(r)
		if err != nil {
			tb.Fatalf("split: %v", err)
		}
		return n
	}
	p.header = chunk()
	p.n = uvarint()
	uvarint() // the vocabulary's byte length, recomputed by encode
	for i := uint64(0); i < p.n; i++ {
		e := entry{tok: string(chunk())}
		var w [4]byte
		if n, _ := r.Read(w[:]); n != len(w) {
			tb.Fatalf("split: token %q: short weight", e.tok)
		}
		e.weight = float64(math.Float32frombits(binary.BigEndian.Uint32(w[:])))
		for k := uvarint(); k > 0; k-- {
			e.counts = append(e.counts, srcCount{uvarint(), uvarint(), uvarint()})
		}
		p.vocab = append(p.vocab, e)
	}
	m := uvarint() // the index, rebuilt by encode
	if uint64(r.Len()) < 4*m {
		tb.Fatalf("split: index of %d slots, %d bytes left", m, r.Len())
	}
	r.Seek(int64(4*m), io.SeekCurrent)
	if r.Len() != 0 {
		tb.Fatalf("split: %d bytes left over", r.Len())
	}
	return p
}

// encode puts the parts back together, with the vocabulary's byte length
// and the hash index (64-bit FNV-1a, linear probing; see format.go)
// computed for the entries as they now are.
func (p parts) encode() []byte {
	b := []byte(fileMagic)
	b = binary.BigEndian.AppendUint32(b, p.version)
	b = binary.AppendUvarint(b, uint64(len(p.header)))
	b = append(b, p.header...)
	b = binary.AppendUvarint(b, p.n)
	var entries []byte
	offsets := make([]uint32, len(p.vocab))
	for i, e := range p.vocab {
		offsets[i] = uint32(len(entries))
		entries = binary.AppendUvarint(entries, uint64(len(e.tok)))
		entries = append(entries, e.tok...)
		entries = binary.BigEndian.AppendUint32(entries, math.Float32bits(float32(e.weight)))
		entries = binary.AppendUvarint(entries, uint64(len(e.counts)))
		for _, c := range e.counts {
			entries = binary.AppendUvarint(entries, c.src)
			entries = binary.AppendUvarint(entries, c.ham)
			entries = binary.AppendUvarint(entries, c.spam)
		}
	}
	b = binary.AppendUvarint(b, uint64(len(entries)))
	b = append(b, entries...)
	m := 0
	if len(p.vocab) > 0 {
		m = 1
		for m < 2*len(p.vocab) {
			m <<= 1
		}
	}
	slots := make([]uint32, m)
	for i, e := range p.vocab {
		h := uint64(14695981039346656037)
		for j := 0; j < len(e.tok); j++ {
			h ^= uint64(e.tok[j])
			h *= 1099511628211
		}
		k := int(h & uint64(m-1))
		for slots[k] != 0 {
			k = (k + 1) & (m - 1)
		}
		slots[k] = offsets[i] + 1
	}
	b = binary.AppendUvarint(b, uint64(m))
	for _, v := range slots {
		b = binary.BigEndian.AppendUint32(b, v)
	}
	return withChecksum(append(b, p.extra...))
}

// editHeader decodes the JSON header, lets edit change it and encodes it
// again.
func (p *parts) editHeader(tb testing.TB, edit func(h map[string]map[string]any)) {
	tb.Helper()
	var h map[string]map[string]any
	if err := json.Unmarshal(p.header, &h); err != nil {
		tb.Fatalf("header: %v", err)
	}
	edit(h)
	b, err := json.Marshal(h)
	if err != nil {
		tb.Fatalf("header: %v", err)
	}
	p.header = b
}

// checkLoadFails asserts that Load rejects data with one of the package's
// errors and without a classifier.
func checkLoadFails(tb testing.TB, data []byte, want ...error) {
	tb.Helper()
	c, err := model.Load(bytes.NewReader(data))
	if c != nil {
		tb.Errorf("Load returned a classifier (err %v), want nil", err)
	}
	for _, w := range want {
		if errors.Is(err, w) {
			return
		}
	}
	tb.Errorf("Load: got error %v, want one wrapping %v", err, want)
}

// sameInfo compares two Infos, the training time by instant.
func sameInfo(a, b model.Info) bool {
	if !a.Stats.TrainedAt.Equal(b.Stats.TrainedAt) {
		return false
	}
	a.Stats.TrainedAt, b.Stats.TrainedAt = time.Time{}, time.Time{}
	return reflect.DeepEqual(a, b)
}

func TestSaveLoadRoundTrip(t *testing.T) {
	binaryOff := model.DefaultParams()
	binaryOff.Binary, binaryOff.LengthNorm, binaryOff.MaxWeight, binaryOff.MinCount = false, 0, 0, 2
	binaryOffPruned := binaryOff
	binaryOffPruned.MinCount, binaryOffPruned.MaxTokens = 1, 2
	repeated := append(examples(model.Ham, strings.Repeat("la lovely song ", 30), "so so so good"),
		examples(model.Spam, "win win win free money money now", "free free free spins")...)
	models := []struct {
		name string
		c    *model.Classifier
	}{
		{name: "defaults", c: mustTrain(t, balanced, model.TrainOptions{})},
		{name: "plain tokenizer", c: mustTrain(t, lopsided, plainOpts())},
		{name: "review band and calibration", c: smallModel(t)},
		{name: "textbook params", c: mustTrain(t, balanced, model.TrainOptions{Params: &binaryOff})},
		// Without binary counts a word counts as often as it occurs:
		// more times than the source has comments, also in the totals
		// of the tokens pruned.
		{name: "textbook params, repeated words", c: mustTrain(t, repeated, model.TrainOptions{Params: &binaryOff})},
		{name: "textbook params, repeated words, pruned", c: mustTrain(t, repeated, model.TrainOptions{Params: &binaryOffPruned})},
		{name: "Default", c: mustDefault(t)},
	}
	for _, m := range models {
		t.Run(m.name, func(t *testing.T) {
			data := mustSave(t, m.c)
			got := mustLoad(t, data)
			if a, b := got.Info(), m.c.Info(); !sameInfo(a, b) {
				t.Errorf("loaded Info = %+v\nwant %+v", a, b)
			}
			for _, cm := range probes {
				if a, b := got.Score(cm), m.c.Score(cm); !reflect.DeepEqual(a, b) {
					t.Errorf("Score(%q) after Load = %+v, before Save %+v", cm.Text, a, b)
				}
			}
			if again := mustSave(t, got); !bytes.Equal(again, data) {
				t.Errorf("saving the loaded model gives different bytes (%d vs %d)", len(again), len(data))
			}
			sum := sha256.Sum256(data[:len(data)-sha256.Size])
			if want := "nb-" + hex.EncodeToString(sum[:6]); got.Info().ID != want || m.c.Info().ID != want {
				t.Errorf("IDs before Save %q and after Load %q, want %q (the start of the checksum)", m.c.Info().ID, got.Info().ID, want)
			}
		})
	}
}

func TestSaveIsReproducible(t *testing.T) {
	c := smallModel(t)
	if a, b := mustSave(t, c), mustSave(t, c); !bytes.Equal(a, b) {
		t.Errorf("two saves of one model differ")
	}
	if a, b := mustSave(t, smallModel(t)), mustSave(t, smallModel(t)); !bytes.Equal(a, b) {
		t.Errorf("saves of two models trained alike differ")
	}
	file, err := os.ReadFile("default.model")
	if err != nil {
		t.Fatal(err)
	}
	if got := mustSave(t, mustDefault(t)); !bytes.Equal(got, file) {
		t.Errorf("Save(Default()) differs from default.model (%d vs %d bytes)", len(got), len(file))
	}
}

func TestTrainedAtChangesBytesNotScores(t *testing.T) {
	a := mustTrain(t, balanced, model.TrainOptions{TrainedAt: trainedAt})
	b := mustTrain(t, balanced, model.TrainOptions{TrainedAt: trainedAt.Add(24 * time.Hour)})
	if bytes.Equal(mustSave(t, a), mustSave(t, b)) {
		t.Errorf("models trained at different times saved to the same bytes")
	}
	for _, cm := range probes {
		if sa, sb := a.Score(cm), b.Score(cm); !reflect.DeepEqual(sa, sb) {
			t.Errorf("Score(%q) = %+v and %+v", cm.Text, sa, sb)
		}
	}
}

func TestLoadTruncated(t *testing.T) {
	t.Run("every prefix", func(t *testing.T) {
		data := mustSave(t, smallModel(t))
		for n := 0; n < len(data); n++ {
			checkLoadFails(t, data[:n], model.ErrFormat, model.ErrCorrupt)
		}
	})
	t.Run("prefixes of the default model", func(t *testing.T) {
		data := mustSave(t, mustDefault(t))
		for n := 0; n < len(data); n += 4999 {
			checkLoadFails(t, data[:n], model.ErrFormat, model.ErrCorrupt)
		}
		checkLoadFails(t, data[:len(data)-1], model.ErrCorrupt)
	})
	t.Run("every prefix of the body with a valid checksum", func(t *testing.T) {
		data := mustSave(t, smallModel(t))
		body := data[:len(data)-sha256.Size]
		for n := versionEnd; n < len(body); n++ {
			checkLoadFails(t, withChecksum(body[:n]), model.ErrCorrupt)
		}
	})
}

func TestLoadFlippedByte(t *testing.T) {
	t.Run("every byte", func(t *testing.T) {
		data := mustSave(t, smallModel(t))
		for i := range data {
			for _, mask := range []byte{0x01, 0x80, 0xff} {
				bad := bytes.Clone(data)
				bad[i] ^= mask
				checkLoadFails(t, bad, model.ErrFormat, model.ErrVersion, model.ErrCorrupt)
			}
		}
	})
	t.Run("bytes of the default model", func(t *testing.T) {
		data := mustSave(t, mustDefault(t))
		for i := 0; i < len(data); i += 997 {
			bad := bytes.Clone(data)
			bad[i] ^= 0x01
			checkLoadFails(t, bad, model.ErrFormat, model.ErrVersion, model.ErrCorrupt)
		}
	})
}

func TestLoadWrongVersion(t *testing.T) {
	data := mustSave(t, smallModel(t))
	if p := split(t, data); p.version != 4 {
		t.Fatalf("saved version = %d, want 4 (no source weighs its classes apart)", p.version)
	}
	for _, v := range []uint32{0, 1, 2, 6, math.MaxUint32} {
		t.Run(fmt.Sprint(v), func(t *testing.T) {
			p := split(t, data)
			p.version = v
			checkLoadFails(t, p.encode(), model.ErrVersion)
		})
	}
}

// Version 4 is version 5 without weights per class of a source: a model
// without them is written as version 4 and scores the same read as 5,
// and a class weight in version 5 moves the prior, which is why a model
// with one is version 5, which builds that read only 4 refuse.
func TestLoadVersion4(t *testing.T) {
	data := mustSave(t, smallModel(t))
	want := mustLoad(t, data)
	p := split(t, data)
	p.version = 5
	as5 := mustLoad(t, p.encode())
	weighed := split(t, data)
	weighed.version = 5
	weighed.editHeader(t, func(h map[string]map[string]any) {
		h["training"]["sources"].([]any)[0].(map[string]any)["spam_weight"] = 3
	})
	heavier := mustLoad(t, weighed.encode())
	for _, text := range []string{"free money click here", "thanks for the recipe"} {
		cm := model.Comment{Text: text}
		if got, w := as5.Score(cm).LogOdds, want.Score(cm).LogOdds; got != w {
			t.Errorf("%q: version 5 scores %v, version 4 %v", text, got, w)
		}
		if got, w := heavier.Score(cm).LogOdds, want.Score(cm).LogOdds; !(got > w) {
			t.Errorf("%q: with the spam weighing 3, log-odds %v, want above %v", text, got, w)
		}
	}
}

func TestLoadNotAModel(t *testing.T) {
	var gob bytes.Buffer
	if err := learnLibrary(balanced, plain).WriteGob(&gob); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data []byte
	}{
		{name: "empty", data: nil},
		{name: "garbage", data: []byte("garbage")},
		{name: "magic only", data: []byte(fileMagic)},
		{name: "magic and half a version", data: []byte(fileMagic + "\x00\x00")},
		{name: "library gob", data: gob.Bytes()},
		{name: "json", data: []byte(`{"tokenizer":{},"params":{}}`)},
		{name: "magic in other case", data: []byte(strings.ToLower(fileMagic) + "\x00\x00\x00\x01")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkLoadFails(t, tt.data, model.ErrFormat)
		})
	}
}

func TestLoadReadError(t *testing.T) {
	c, err := model.Load(iotest.ErrReader(errors.New("disk on fire")))
	if c != nil || err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Errorf("Load(failing reader) = %v, %v; want nil and the read error", c, err)
	}
}

func TestSaveWriteError(t *testing.T) {
	w := failingWriter{}
	if err := smallModel(t).Save(w); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("Save(failing writer) = %v, want the write error", err)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// TestLoadCorruptWithValidChecksum rebuilds files whose checksum is right
// but whose content is not, as a buggy writer might produce.
func TestLoadCorruptWithValidChecksum(t *testing.T) {
	data := mustSave(t, smallModel(t))
	set := func(section, key string, v any) func(*testing.T, *parts) {
		return func(t *testing.T, p *parts) {
			p.editHeader(t, func(h map[string]map[string]any) { h[section][key] = v })
		}
	}
	tests := []struct {
		name string
		edit func(*testing.T, *parts)
	}{
		{name: "reject threshold above 1", edit: set("thresholds", "reject", 1.5)},
		{name: "reject threshold 0", edit: set("thresholds", "reject", 0)},
		{name: "review threshold above reject", edit: set("thresholds", "review", 0.95)},
		{name: "smoothing 0", edit: set("params", "smoothing", 0)},
		{name: "smoothing below the count unit", edit: set("params", "smoothing", 0.001)},
		{name: "negative reasons", edit: set("params", "reasons", -1)},
		{name: "calibration slope 0", edit: set("calibration", "a", 0)},
		{name: "calibration slope of wrong type", edit: set("calibration", "a", "one")},
		{name: "no spam documents", edit: set("training", "documents", map[string]int{"ham": 5})},
		{name: "header not JSON", edit: func(_ *testing.T, p *parts) { p.header = []byte("{") }},
		{name: "header empty", edit: func(_ *testing.T, p *parts) { p.header = nil }},
		{name: "vocabulary out of order", edit: func(_ *testing.T, p *parts) {
			p.vocab[0], p.vocab[1] = p.vocab[1], p.vocab[0]
		}},
		{name: "vocabulary with a duplicate", edit: func(_ *testing.T, p *parts) {
			p.vocab[1] = p.vocab[0]
		}},
		{name: "token not UTF-8", edit: func(_ *testing.T, p *parts) {
			p.vocab[len(p.vocab)-1].tok = "\xff\xfe"
		}},
		{name: "count out of range", edit: func(_ *testing.T, p *parts) {
			p.vocab[0].counts[0].ham = math.MaxUint64
		}},
		{name: "count above the source's comments", edit: func(_ *testing.T, p *parts) {
			p.vocab[0].counts[0].ham += 1000
		}},
		{name: "zero counts", edit: func(_ *testing.T, p *parts) {
			p.vocab[0].counts[0].ham, p.vocab[0].counts[0].spam = 0, 0
		}},
		{name: "source out of range", edit: func(_ *testing.T, p *parts) {
			p.vocab[0].counts[0].src = 7
		}},
		{name: "no sources for a token", edit: func(_ *testing.T, p *parts) {
			p.vocab[0].counts = nil
		}},
		{name: "sources not adding up", edit: set("training", "sources", []map[string]any{{"name": "x", "ham": 1, "spam": 1}})},
		{name: "pruned tokens in a model not pruned", edit: set("training", "pruned_tokens", 5)},
		{name: "negative pruned tokens", edit: set("training", "pruned_tokens", -1)},
		{name: "tokenizer max tokens beyond any comment", edit: set("tokenizer", "max_tokens", 1<<30)},
		{name: "pruned counts without pruned tokens", edit: func(t *testing.T, p *parts) {
			p.editHeader(t, func(h map[string]map[string]any) {
				h["training"]["sources"].([]any)[0].(map[string]any)["pruned_spam"] = 3
			})
		}},
		{name: "negative class weight", edit: func(t *testing.T, p *parts) {
			p.editHeader(t, func(h map[string]map[string]any) {
				h["training"]["sources"].([]any)[0].(map[string]any)["spam_weight"] = -1
			})
		}},
		{name: "class weight in version 4", edit: func(t *testing.T, p *parts) {
			p.version = 4
			p.editHeader(t, func(h map[string]map[string]any) {
				h["training"]["sources"].([]any)[0].(map[string]any)["ham_weight"] = 2
			})
		}},
		// Weights so small that a class's mass underflows to nothing
		// make the prior NaN: every score would be NaN.
		{name: "a class without weight", edit: func(t *testing.T, p *parts) {
			p.editHeader(t, func(h map[string]map[string]any) {
				sources := h["training"]["sources"].([]any)
				for _, s := range sources {
					s := s.(map[string]any)
					s["weight"], s["ham"], s["spam"] = 5e-324, 1<<40, 1<<40
				}
				n := len(sources) << 40
				h["training"]["documents"] = map[string]any{"ham": n, "spam": n}
			})
		}},
		{name: "weight NaN", edit: func(_ *testing.T, p *parts) { p.vocab[0].weight = math.NaN() }},
		{name: "weight infinite", edit: func(_ *testing.T, p *parts) { p.vocab[0].weight = math.Inf(-1) }},
		{name: "weight above the cap", edit: func(_ *testing.T, p *parts) { p.vocab[0].weight = 5.5 }},
		{name: "vocabulary size too large", edit: func(_ *testing.T, p *parts) { p.n++ }},
		{name: "vocabulary size too small", edit: func(_ *testing.T, p *parts) { p.n-- }},
		{name: "vocabulary size beyond the file", edit: func(_ *testing.T, p *parts) { p.n = 1 << 40 }},
		{name: "trailing data", edit: func(_ *testing.T, p *parts) { p.extra = []byte{0} }},
	}
	// The rebuilding itself must not break the file, or the cases below
	// would prove nothing.
	t.Run("unchanged", func(t *testing.T) {
		if got := split(t, data).encode(); !bytes.Equal(got, data) {
			t.Fatalf("split and encode changed the file")
		}
	})
	t.Run("header re-encoded", func(t *testing.T) {
		p := split(t, data)
		p.editHeader(t, func(map[string]map[string]any) {})
		got, want := mustLoad(t, p.encode()), mustLoad(t, data)
		gi, wi := got.Info(), want.Info()
		gi.ID, wi.ID = "", "" // the ID is the start of the checksum
		if !sameInfo(gi, wi) {
			t.Errorf("rebuilt model Info = %+v, want %+v", gi, wi)
		}
	})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := split(t, data)
			tt.edit(t, &p)
			checkLoadFails(t, p.encode(), model.ErrCorrupt)
		})
	}
}

// TestLoadCorruptPrunedTotals: the totals a pruned model keeps of the
// tokens it dropped must be ones training could give: each dropped token
// held by at least one comment and by at most every comment of a class.
func TestLoadCorruptPrunedTotals(t *testing.T) {
	p := model.DefaultParams()
	p.MaxTokens = 5
	c := mustTrain(t, balanced, model.TrainOptions{Params: &p})
	info := c.Info()
	pruned, src := info.Stats.PrunedTokens, info.Stats.Sources[0]
	if pruned == 0 || src.PrunedHam == 0 {
		t.Fatalf("pruned %d tokens, source %+v: nothing to corrupt", pruned, src)
	}
	data := mustSave(t, c)
	setSource := func(key string, v uint64) func(map[string]map[string]any) {
		return func(h map[string]map[string]any) { h["training"]["sources"].([]any)[0].(map[string]any)[key] = v }
	}
	for _, tc := range []struct {
		name string
		edit func(map[string]map[string]any)
	}{
		{"pruned ham above every ham comment holding every pruned token", setSource("pruned_ham", uint64(pruned*src.Ham+1))},
		{"pruned spam above every spam comment holding every pruned token", setSource("pruned_spam", uint64(pruned*src.Spam+1))},
		{"pruned tokens held by no comment", func(h map[string]map[string]any) {
			setSource("pruned_ham", 0)(h)
			setSource("pruned_spam", 0)(h)
		}},
		{"pruned tokens beyond any vocabulary", func(h map[string]map[string]any) { h["training"]["pruned_tokens"] = uint64(1<<32 + 1) }},
		// Held by enough comments: only the bound on the vocabulary
		// itself refuses it.
		{"pruned tokens beyond any vocabulary, each held", func(h map[string]map[string]any) {
			h["training"]["pruned_tokens"] = uint64(1<<32 + 1)
			setSource("pruned_ham", uint64(1<<32+1))(h)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := split(t, data)
			p.editHeader(t, tc.edit)
			checkLoadFails(t, p.encode(), model.ErrCorrupt)
		})
	}
	// Without binary counts a pruned token may count more often than
	// the source has comments, but not more than an entry may hold.
	t.Run("pruned counts beyond any entry, without binary counts", func(t *testing.T) {
		p := model.DefaultParams()
		p.Binary, p.MaxTokens = false, 2
		c := mustTrain(t, append(examples(model.Ham, strings.Repeat("la lovely song ", 30), "so so so good"),
			examples(model.Spam, "win win free money now", "free free spins")...), model.TrainOptions{Params: &p})
		pruned := uint64(c.Info().Stats.PrunedTokens)
		parts := split(t, mustSave(t, c))
		parts.editHeader(t, setSource("pruned_ham", pruned*math.MaxInt32+1))
		checkLoadFails(t, parts.encode(), model.ErrCorrupt)
	})
	// The bound itself is not a failure: every pruned token in every
	// comment of both classes.
	t.Run("at the bound", func(t *testing.T) {
		p := split(t, data)
		p.editHeader(t, func(h map[string]map[string]any) {
			setSource("pruned_ham", uint64(pruned*src.Ham))(h)
			setSource("pruned_spam", uint64(pruned*src.Spam))(h)
		})
		mustLoad(t, p.encode())
	})
}

func TestDefault(t *testing.T) {
	c := mustDefault(t)
	info := c.Info()
	if info.Stats.Documents[model.Spam] <= 0 || info.Stats.Documents[model.Ham] <= 0 {
		t.Errorf("Default documents per class = %v, want both > 0", info.Stats.Documents)
	}
	if err := info.Thresholds.Validate(); err != nil {
		t.Errorf("Default thresholds: %v", err)
	}
	if info.Format != 4 || info.Stats.Vocabulary == 0 || !strings.HasPrefix(info.ID, "nb-") {
		t.Errorf("Default Info = %+v: want format 4, a vocabulary and an nb- ID", info)
	}
	if info.Tokenizer != model.DefaultTokenizer() {
		t.Errorf("Default tokenizer = %+v, want %+v", info.Tokenizer, model.DefaultTokenizer())
	}
	tests := []struct {
		text string
		want model.Verdict
	}{
		{text: "Hot singles in your area are waiting to chat, find someone tonight >>> www.localhotdates-now.com", want: model.Reject},
		{text: "I made $12,000 last month working from home!! Message me on WhatsApp +1 555 0123 4567", want: model.Reject},
		{text: "Great article, thanks.", want: model.Keep},
		{text: "I disagree with the author about sanctions, but the history section was useful.", want: model.Keep},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			if got := c.Score(model.Comment{Text: tt.text}); got.Verdict != tt.want {
				t.Errorf("Default().Score(%q) = %q (p=%.3f), want %q", tt.text, got.Verdict, got.SpamProbability, tt.want)
			}
		})
	}
}

// FuzzLoad feeds Load arbitrary bytes. With fixChecksum the input is
// taken as the file body and given a valid trailer, so the fuzzer reaches
// the parser behind the checksum.
func FuzzLoad(f *testing.F) {
	data := mustSave(f, smallModel(f))
	body := data[:len(data)-sha256.Size]
	f.Add(data, false)
	f.Add(body, true)
	for _, n := range []int{0, 10, len(fileMagic), versionEnd, versionEnd + 1, versionEnd + 40, len(body) / 2, len(data) - 1} {
		f.Add(data[:n], false)
		f.Add(body[:min(n, len(body))], true)
	}
	f.Add([]byte("garbage"), false)
	f.Fuzz(func(t *testing.T, in []byte, fixChecksum bool) {
		if fixChecksum {
			in = withChecksum(in)
		}
		c, err := model.Load(bytes.NewReader(in))
		if err != nil {
			if c != nil {
				t.Fatalf("Load returned a classifier with error %v", err)
			}
			if !errors.Is(err, model.ErrFormat) && !errors.Is(err, model.ErrVersion) && !errors.Is(err, model.ErrCorrupt) {
				t.Fatalf("Load error %v wraps none of ErrFormat, ErrVersion, ErrCorrupt", err)
			}
			return
		}
		for _, cm := range probes {
			s := c.Score(cm)
			if !(s.SpamProbability >= 0 && s.SpamProbability <= 1) {
				t.Errorf("Score(%q).SpamProbability = %v", cm.Text, s.SpamProbability)
			}
			if s.Verdict != model.Keep && s.Verdict != model.Review && s.Verdict != model.Reject {
				t.Errorf("Score(%q).Verdict = %q", cm.Text, s.Verdict)
			}
		}
		// Whatever Load accepts, Save must write back loadably, as the same
		// model. Save writes the bytes Load read, so the ID (the start of
		// the file's checksum) cannot change either; the IDs are compared
		// through the bytes below.
		saved := mustSave(t, c)
		again := mustLoad(t, saved)
		a, b := again.Info(), c.Info()
		a.ID, b.ID = "", ""
		if !sameInfo(a, b) {
			t.Errorf("Save then Load changed Info from %+v to %+v", b, a)
		}
		if resaved := mustSave(t, again); !bytes.Equal(resaved, saved) {
			t.Errorf("saving a loaded canonical file changed its bytes")
		}
		for _, cm := range probes {
			if x, y := c.Score(cm), again.Score(cm); !reflect.DeepEqual(x, y) {
				t.Errorf("Score(%q) = %+v before Save, %+v after Load", cm.Text, x, y)
			}
		}
	})
}

// TestLoadSmoothingBetweenHundredths: training refuses a smoothing between
// two hundredths, but a file that records one (trained before that rule,
// or format 3's 1/k) still loads.
func TestLoadSmoothingBetweenHundredths(t *testing.T) {
	p := split(t, mustSave(t, smallModel(t)))
	p.editHeader(t, func(h map[string]map[string]any) { h["params"]["smoothing"] = 0.125 })
	if _, err := model.Load(bytes.NewReader(p.encode())); err != nil {
		t.Fatalf("a model with smoothing 0.125: %v, want it to load", err)
	}
}

// TestPrunedToNothing: pruning a small data set hard leaves a fold's
// model, which keeps only the tokens of the comments it holds out, with
// no token at all. Such a model is valid (it scores on its prior alone)
// and loads; Fit used to fail on it with "model file is corrupt: index".
func TestPrunedToNothing(t *testing.T) {
	examples := []model.Example{
		{Comment: model.Comment{Text: "cheap pills online now"}, Label: model.Spam},
		{Comment: model.Comment{Text: "win money fast click here"}, Label: model.Spam},
		{Comment: model.Comment{Text: "nice article about the river"}, Label: model.Ham},
		{Comment: model.Comment{Text: "i agree with the author on this"}, Label: model.Ham},
	}
	for _, maxTokens := range []int{1, 5, 10} {
		p := model.DefaultParams()
		p.MaxTokens = maxTokens
		c, _, err := model.Fit(examples, model.FitOptions{Params: &p, Seed: 1})
		if err != nil {
			t.Fatalf("-max-tokens %d: %v", maxTokens, err)
		}
		var buf bytes.Buffer
		if err := c.Save(&buf); err != nil {
			t.Fatal(err)
		}
		if _, err := model.Load(&buf); err != nil {
			t.Errorf("-max-tokens %d: the model does not load: %v", maxTokens, err)
		}
	}
}
