package model

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
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
