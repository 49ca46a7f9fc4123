package model_test

import (
	"os"
	"runtime"
	"testing"

	"github.com/spamcheck/spamcheck/model"
)

// TestLoadHoldsTheFileTwiceAtMost: loading a model file allocates about
// twice its size (a buffer of the file's size, the string the model
// scores from), not the four times a growing buffer and copies took.
//
// It counts the bytes the whole process allocates while Load runs, so it
// runs alone (not in parallel), and not under the race detector, whose
// instrumentation allocates on its own account.
func TestLoadHoldsTheFileTwiceAtMost(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates on its own account; the allocation ratio is measured without it")
	}
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
	if _, err := model.Load(f); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	ratio := float64(after.TotalAlloc-before.TotalAlloc) / float64(fi.Size())
	t.Logf("Load allocated %.2f× the file's %d bytes", ratio, fi.Size())
	if ratio > 2.5 {
		t.Errorf("Load allocated %.2f× the file's size, want about 2", ratio)
	}
}
