package model

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// readComments reads testdata/comments, each file a source. (The readers
// of package labeled import this package, so this test reads the JSON
// itself.)
func readComments(tb testing.TB) []Example {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join("..", "testdata", "comments", "*.jsonl"))
	if err != nil || len(files) == 0 {
		tb.Fatalf("no comment files: %v", err)
	}
	var out []Example
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			var r struct{ Text, Label, Author, Author_URL string }
			if err := json.Unmarshal([]byte(line), &r); err != nil {
				tb.Fatalf("%s: %v", f, err)
			}
			out = append(out, Example{Comment: Comment{Text: r.Text, Author: r.Author, AuthorURL: r.Author_URL},
				Label: Label(r.Label), Source: filepath.Base(f)})
		}
	}
	return out
}

// TestHeldOutWeightsAreTheLibrarys checks that the weights a fold's model
// is scored with, computed without the library, are bit for bit those the
// library gives on the same counts, whatever tokens the settings keep —
// with every source, and with one source held out as Fit holds it out.
func TestHeldOutWeightsAreTheLibrarys(t *testing.T) {
	examples := readComments(t)
	for _, tc := range []struct {
		name   string
		change func(p *Params)
	}{
		{"default", func(p *Params) {}},
		{"balance", func(p *Params) { p.Balance = true }},
		{"min-count", func(p *Params) { p.MinCount = 3 }},
		{"min-sources", func(p *Params) { p.MinSources = 2 }},
		{"max-tokens", func(p *Params) { p.MaxTokens = 500 }},
		{"counts", func(p *Params) { p.Binary = false; p.Smoothing = 1; p.MaxWeight = 0 }},
		{"weighted", func(p *Params) { p.Balance = true; p.MaxTokens = 2000; p.MinCount = 2 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := DefaultParams()
			tc.change(&p)
			c, err := newCorpus(examples, DefaultTokenizer(), p, nil)
			if err != nil {
				t.Fatal(err)
			}
			compare := func(t *testing.T) {
				kept := minCount(c, c.sources, p)
				got, err := estimate(kept, c.sources, p, 0, false)
				if err != nil {
					t.Fatal(err)
				}
				want, err := estimate(kept, c.sources, p, 0, true)
				if err != nil {
					t.Fatal(err)
				}
				if kept.numTokens() == 0 || kept.numTokens() == c.numTokens() && (p.MinCount > 1 || p.MinSources > 1) {
					t.Fatalf("kept %d of %d tokens", kept.numTokens(), c.numTokens())
				}
				for j := range got {
					if math.Float64bits(got[j]) != math.Float64bits(want[j]) {
						t.Fatalf("%q: got %v, the library %v", kept.token(j), got[j], want[j])
					}
				}
			}
			t.Run("all", compare)
			held := c.src[0]
			for i := range c.end {
				if c.src[i] == held {
					c.add(i, -1)
				}
			}
			t.Run("held-out", compare)
		})
	}
}

// TestPruneKeepsTheBudget checks that -max-tokens keeps exactly that many
// tokens whichever criterion ranks them, that the criterion is stored with
// the model, and that an unknown one is refused.
func TestPruneKeepsTheBudget(t *testing.T) {
	examples := readComments(t)
	for _, by := range []string{"", "df", "mi"} {
		p := DefaultParams()
		p.MaxTokens, p.PruneBy = 700, by
		c, err := Train(examples, TrainOptions{Params: &p})
		if err != nil {
			t.Fatal(err)
		}
		if info := c.Info(); info.Stats.Vocabulary != 700 || info.Params.PruneBy != by {
			t.Errorf("prune by %q: %d tokens, criterion %q stored", by, info.Stats.Vocabulary, info.Params.PruneBy)
		}
	}
	p := DefaultParams()
	p.PruneBy = "chi2"
	if _, err := Train(examples, TrainOptions{Params: &p}); err == nil {
		t.Error("prune by chi2: no error")
	}
}

// TestMutualInformation checks the criterion at its extremes: a token
// every spam comment and no ham holds tells the class (log 2 nats for
// even classes); a token held evenly tells nothing.
func TestMutualInformation(t *testing.T) {
	if got := mutualInformation([2]float64{0, 50}, [2]float64{50, 50}); math.Abs(got-math.Log(2)) > 1e-12 {
		t.Errorf("decisive token: %v nats, want log 2", got)
	}
	if got := mutualInformation([2]float64{10, 10}, [2]float64{50, 50}); math.Abs(got) > 1e-12 {
		t.Errorf("even token: %v nats, want 0", got)
	}
}

// TestCorpusSameOnAnyCores: the cores tokenize batches of comments in
// parallel, but the tokens are numbered in the comments' order, so the
// corpus (and the model) is the same whatever the number of cores.
func TestCorpusSameOnAnyCores(t *testing.T) {
	examples := readComments(t)
	if len(examples) <= tokenizeBatch {
		t.Fatalf("%d comments: too few to span batches of %d", len(examples), tokenizeBatch)
	}
	build := func(procs int) *corpus {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		c, err := newCorpus(examples, DefaultTokenizer(), DefaultParams(), nil)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	one, many := build(1), build(5)
	if !slices.Equal(one.vocab, many.vocab) || !slices.Equal(one.arena, many.arena) || !slices.Equal(one.end, many.end) {
		t.Fatalf("1 core: %d tokens, %d ids; 5 cores: %d tokens, %d ids", len(one.vocab), len(one.arena), len(many.vocab), len(many.arena))
	}
	for s := range one.counts {
		if !slices.Equal(one.counts[s], many.counts[s]) {
			t.Fatalf("source %d: counts differ", s)
		}
	}
}
