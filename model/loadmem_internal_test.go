package model

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"os"
	"runtime"
	"strings"
	"testing"
)

// TestLoadBoundsHostileFiles: a model file built to make Load spend is
// refused before it does: a header over maxHeaderBytes (decoded first,
// it cost 24 bytes of memory per 3 of file: a 64 MB file of empty
// sources took 5 GB to refuse), more than maxSources sources, and an
// index size whose four bytes a slot overflow the arithmetic.
func TestLoadBoundsHostileFiles(t *testing.T) {
	def, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	withSources := func(sources []Source) string {
		stats := def.stats
		stats.Sources = sources
		raw, err := encode(def.version, header{Tokenizer: def.cfg, Params: def.params, Thresholds: def.thresholds, Calibration: def.calib, Stats: stats},
			0, func(w *fileWriter) {})
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	long := make([]Source, 300)
	for i := range long {
		long[i].Name = strings.Repeat("x", 4000)
	}
	for _, c := range []struct {
		name, raw, want string
	}{
		{"header over 1 MiB", withSources(long), "header of"},
		{"5,000 sources", withSources(make([]Source, 5000)), "5000 sources"},
	} {
		_, err := parse(c.raw)
		if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want a corrupt file, %q", c.name, err, c.want)
		}
	}
	// The index size m, then nothing: 4·m wrapped to 0 and the check
	// passed.
	pos := def.index - len(binary.AppendUvarint(nil, uint64(def.slots)))
	raw := def.raw[:pos] + string(binary.AppendUvarint(nil, 1<<62))
	sum := sha256.Sum256([]byte(raw))
	if _, err := parse(raw + string(sum[:])); !errors.Is(err, ErrCorrupt) || !strings.HasSuffix(err.Error(), "index") {
		t.Errorf("an index of 2⁶² slots and no slot: %v, want the index refused", err)
	}
}

// TestLoadHoldsTheFileTwiceAtMost: loading a model file allocates about
// twice its size (a buffer of the file's size, the string the model
// scores from), not the four times a growing buffer and copies took.
func TestLoadHoldsTheFileTwiceAtMost(t *testing.T) {
	f, err := os.Open("default.model")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if _, err := Load(f); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	ratio := float64(after.TotalAlloc-before.TotalAlloc) / float64(fi.Size())
	t.Logf("Load allocated %.2f× the file's %d bytes", ratio, fi.Size())
	if ratio > 2.3 {
		t.Errorf("Load allocated %.2f× the file's size, want about 2", ratio)
	}
}
