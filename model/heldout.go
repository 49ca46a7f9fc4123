package model

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// quickHeldOut scores the examples for which in(i) holds exactly as
// heldOut does, without building the fold's whole model: a score needs
// only the weights of the tokens of the comment scored, and a token's
// weight needs only its own counts and the fold's totals per class and
// vocabulary size, which one pass over the tally gives. On top of a base
// of hundreds of thousands of tokens, scoring a fold of a few hundred
// site comments then costs that pass instead of estimating and encoding
// every token. Pruning (Params.MaxTokens) ranks every token, so a pruned
// model takes heldOut's way.
func (f *holdOut) quickHeldOut(in func(i int) bool, raw []float64) error {
	p := f.params
	if p.MaxTokens > 0 {
		return f.heldOut(in, raw)
	}
	return f.without(in, raw, func() (*Classifier, error) { return f.foldModel(in) })
}

// foldModel returns, for the tally less the held-out examples, the model
// that build would return restricted to the tokens of the held-out
// examples: the same weights (estimate's, computed the way the library
// computes them) and the same prior, uncalibrated at 0.5.
func (f *holdOut) foldModel(in func(i int) bool) (*Classifier, error) {
	p := f.params
	sources := slices.Clone(f.t.sources)
	cw := p.classWeights(sources)
	pseudo := math.Round(p.Smoothing*countUnit) - 1
	minSources := p.minSources(sources)
	live := func(cs []count) []count {
		return slices.DeleteFunc(slices.Clone(cs), func(c count) bool { return c.n[0] == 0 && c.n[1] == 0 })
	}
	// The library's totals: every kept token is observed in both classes.
	// A base pruned to its best tokens, whose totals include the tokens
	// it dropped (prunedTotals), has Params.MaxTokens set and takes
	// heldOut's way.
	var total [2]int
	var mass [2]float64
	vocab := 0
	for _, cs := range f.t.counts {
		cs = live(cs)
		if len(cs) == 0 || !kept(p, minSources, cs) {
			continue
		}
		n, v := observed(cw, pseudo, cs)
		vocab++
		for k := range 2 {
			total[k] += int(v[k])
			mass[k] += n[k]
		}
	}
	if mass[0] == 0 || mass[1] == 0 {
		return nil, fmt.Errorf("%w: a class has no tokens left to learn from", ErrNoData)
	}
	sub := &table{sources: sources}
	for i := range f.examples {
		if in(i) {
			sub.vocab = append(sub.vocab, f.toks[i]...)
		}
	}
	slices.Sort(sub.vocab)
	sub.vocab = slices.Compact(sub.vocab)
	keep := sub.vocab[:0]
	var weights []float64
	for _, tok := range sub.vocab {
		cs := live(f.t.counts[tok])
		if len(cs) == 0 || !kept(p, minSources, cs) {
			continue
		}
		slices.SortFunc(cs, func(a, b count) int { return cmp.Compare(a.src, b.src) })
		_, v := observed(cw, pseudo, cs)
		// As bayesian's getWordProb: (value+1) / (total+vocabulary).
		ham := (v[0] + 1) / (float64(total[0]) + float64(vocab))
		spam := (v[1] + 1) / (float64(total[1]) + float64(vocab))
		w := math.Log(spam) - math.Log(ham)
		if p.MaxWeight > 0 {
			w = math.Max(-p.MaxWeight, math.Min(p.MaxWeight, w))
		}
		keep = append(keep, tok)
		sub.counts = append(sub.counts, cs)
		weights = append(weights, w)
	}
	sub.vocab = keep
	return assemble(f.cfg, p, Thresholds{Reject: 0.5}, Calibration{A: 1}, f.stats, sources, sub, weights)
}
