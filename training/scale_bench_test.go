//go:build linux

package main

import (
	"cmp"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spamcheck/spamcheck/model"
)

// sklearnScript fits scikit-learn's CountVectorizer (word 1–2-grams,
// binary) and MultinomialNB on the texts of a synthetic corpus: the
// baseline `train` is compared with, when scikit-learn is installed.
const sklearnScript = `
import json, sys
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.naive_bayes import MultinomialNB
texts, labels = [], []
with open(sys.argv[1]) as f:
    for line in f:
        r = json.loads(line)
        texts.append(r["text"])
        labels.append(r["label"] == "spam")
X = CountVectorizer(ngram_range=(1, 2), binary=True).fit_transform(texts)
MultinomialNB().fit(X, labels)
`

// child is what running a command in a child process cost.
type child struct {
	wall, cpu time.Duration
	peakRSS   int64 // bytes
}

// runChild runs cmd and measures it; the peak RSS is the child's own
// (getrusage's maximum resident set size, in KiB on Linux).
func runChild(b *testing.B, cmd *exec.Cmd) child {
	b.Helper()
	start := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("%v: %v\n%s", cmd.Args, err, out)
	}
	wall := time.Since(start)
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	return child{wall: wall, cpu: cpu, peakRSS: ru.Maxrss << 10}
}

// BenchmarkTrainSynthetic runs `training train` as an operator would, in
// a child process built from this package, on the synthetic corpus
// (`training synth`, seed 1) of each size in SPAMCHECK_SYNTH_SIZES
// (comma-separated; default 100000,200000), and reports the wall and CPU
// time, the peak RSS, the comments per second, and the model's tokens and
// size. It prints figures and asserts none. When python3 (or
// $SPAMCHECK_PYTHON) can import scikit-learn, it also fits
// CountVectorizer + MultinomialNB on the same texts, in the same run, as
// the baseline. Run it once per size:
//
//	go test -run=NONE -bench=TrainSynthetic -benchtime=1x -timeout=1h ./training/
func BenchmarkTrainSynthetic(b *testing.B) {
	sizes := []int{100_000, 200_000}
	if s := os.Getenv("SPAMCHECK_SYNTH_SIZES"); s != "" {
		sizes = nil
		for _, f := range strings.Split(s, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n <= 0 {
				b.Fatalf("SPAMCHECK_SYNTH_SIZES=%q: want comment counts", s)
			}
			sizes = append(sizes, n)
		}
	}
	dir := b.TempDir()
	exe := filepath.Join(dir, "training")
	if out, err := exec.Command("go", "build", "-o", exe, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	// SPAMCHECK_PYTHON names the interpreter to try, for a machine
	// whose python3 on PATH is not the one with scikit-learn.
	python := cmp.Or(os.Getenv("SPAMCHECK_PYTHON"), "python3")
	sklearn := exec.Command(python, "-c", "import sklearn").Run() == nil
	for _, n := range sizes {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			corpus := filepath.Join(dir, fmt.Sprintf("synth-%d.jsonl", n))
			f, err := os.Create(corpus)
			if err != nil {
				b.Fatal(err)
			}
			if err := writeSynth(f, n, 1); err != nil {
				b.Fatal(err)
			}
			if err := f.Close(); err != nil {
				b.Fatal(err)
			}
			out := filepath.Join(dir, "model.bin")
			var last child
			b.ResetTimer()
			for range b.N {
				last = runChild(b, exec.Command(exe, "train", "-q", "-o", out, "-trained-at", "2026-01-01T00:00:00Z", corpus))
			}
			b.StopTimer()
			raw, err := os.ReadFile(out)
			if err != nil {
				b.Fatal(err)
			}
			c, err := model.Load(strings.NewReader(string(raw)))
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(last.wall.Seconds(), "wall-s")
			b.ReportMetric(last.cpu.Seconds(), "cpu-s")
			b.ReportMetric(float64(last.peakRSS)/1e6, "peak-RSS-MB")
			b.ReportMetric(float64(n)/last.wall.Seconds(), "comments/s")
			b.ReportMetric(float64(c.Info().Stats.Vocabulary), "tokens")
			b.ReportMetric(float64(len(raw))/1e6, "model-MB")
			if !sklearn {
				b.Log("scikit-learn is not installed: no baseline measured")
				return
			}
			sk := runChild(b, exec.Command(python, "-c", sklearnScript, corpus))
			b.ReportMetric(sk.wall.Seconds(), "sklearn-wall-s")
			b.ReportMetric(sk.cpu.Seconds(), "sklearn-cpu-s")
			b.ReportMetric(float64(sk.peakRSS)/1e6, "sklearn-peak-RSS-MB")
		})
	}
}
