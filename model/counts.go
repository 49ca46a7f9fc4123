package model

import (
	"fmt"
	"math"

	"github.com/jbrukh/bayesian"
)

// Source describes one source of training data (a platform, a site, a
// file given to the CLI) and how many comments of each class it gave. A
// model keeps its counts per source, so counts stay additive: merging two
// models adds their counts source by source, and a site's own labels can
// be added to a base model as a source of their own.
type Source struct {
	Name string `json:"name"`
	// Ham and Spam count the source's training comments.
	Ham  int `json:"ham"`
	Spam int `json:"spam"`
	// Weight multiplies the source's share of the evidence; 0 means 1.
	// Training on top of a base model gives the site's labels a weight
	// above 1 so that a few hundred of them can outvote the base.
	Weight float64 `json:"weight,omitempty"`
}

// docs returns the source's comment count for class k (0 ham, 1 spam).
func (s Source) docs(k int) int {
	if k == 1 {
		return s.Spam
	}
	return s.Ham
}

// weight returns the source's weight, 1 when unset.
func (s Source) weight() float64 {
	if s.Weight == 0 {
		return 1
	}
	return s.Weight
}

// count is one source's number of comments of each class (ham, spam) that
// hold a token.
type count struct {
	src int
	n   [2]uint64
}

// table is what training learns before estimation: for each token, in
// sorted order, its counts per source. Naive Bayes needs nothing else, and
// tables add up exactly.
type table struct {
	sources []Source
	vocab   []string
	counts  [][]count // counts[i] is sorted by source, without zero entries
}

// sourceMass is the evidence each class of a source contributes when
// Params.Balance is set: the same for every source, in comments, so that
// one large platform cannot define the vocabulary. minSourceDocs keeps a
// handful of comments from standing for a whole platform: a class with
// fewer comments gets proportionally less.
const (
	sourceMass    = 1000
	minSourceDocs = 100
)

// countUnit is the resolution of the weighted counts handed to the
// library: a comment of weight 1 counts countUnit. The library smooths
// with add-one; adding Smoothing·countUnit−1 pseudo-counts to every token
// of both classes turns that into add-α smoothing (see doc.go).
const countUnit = 100

// classWeights returns, per source and class, the weight of one comment.
func (p Params) classWeights(sources []Source) [][2]float64 {
	w := make([][2]float64, len(sources))
	for i, s := range sources {
		for k := range 2 {
			w[i][k] = s.weight()
			if p.Balance {
				if n := s.docs(k); n > 0 {
					w[i][k] *= sourceMass / float64(max(n, minSourceDocs))
				}
			}
		}
	}
	return w
}

// prior returns the prior log-odds of spam: from comment counts, weighted
// as the tokens are.
func (p Params) prior(sources []Source) float64 {
	var mass [2]float64
	for i, w := range p.classWeights(sources) {
		for k := range 2 {
			mass[k] += w[k] * float64(sources[i].docs(k))
		}
	}
	return math.Log(mass[1]) - math.Log(mass[0])
}

// estimate feeds the table's weighted counts to the library and turns its
// smoothed per-class estimates into capped log-likelihood ratios, one per
// token of the vocabulary.
func (t *table) estimate(p Params) ([]float64, error) {
	cw := p.classWeights(t.sources)
	pseudo := math.Round(p.Smoothing*countUnit) - 1
	nb := bayesian.NewClassifier(classHam, classSpam)
	var total [2]float64
	for i, tok := range t.vocab {
		var n [2]float64
		for _, c := range t.counts[i] {
			for k := range 2 {
				n[k] += cw[c.src][k] * float64(c.n[k])
			}
		}
		for k, class := range []bayesian.Class{classHam, classSpam} {
			v := math.Round(n[k]*countUnit) + pseudo
			if v > math.MaxInt32 {
				return nil, fmt.Errorf("model: count %v for %q out of range", v, tok)
			}
			total[k] += n[k]
			// Observing a zero count still enters the token into the
			// class's vocabulary. The library smooths each class with
			// its own vocabulary size; sharing one vocabulary makes
			// that the textbook (count+α)/(total+α|V|).
			nb.Observe(tok, int(v), class)
		}
	}
	// A class without a single token would make the library fall back to
	// a fixed 1e-11 for every word of it instead of smoothing.
	if total[0] == 0 || total[1] == 0 {
		empty := Spam
		if total[0] == 0 {
			empty = Ham
		}
		return nil, fmt.Errorf("%w: the %s comments have no tokens left to learn from", ErrNoData, empty)
	}
	weights := make([]float64, len(t.vocab))
	if len(t.vocab) == 0 {
		return weights, nil
	}
	freqs := nb.WordFrequencies(t.vocab) // rows follow the class order: ham, spam
	for i := range t.vocab {
		w := math.Log(freqs[1][i]) - math.Log(freqs[0][i])
		if p.MaxWeight > 0 {
			w = math.Max(-p.MaxWeight, math.Min(p.MaxWeight, w))
		}
		weights[i] = w
	}
	return weights, nil
}

// prune keeps the p.MaxTokens tokens that carry the most evidence, by
// |weight| × the number of (weighted) comments holding the token: the
// expected contribution of the token to the scores of the training
// comments. Rare tokens and tokens that say little both go; ties keep
// the token that sorts first, so pruning is deterministic.
func (t *table) prune(p Params, weights []float64) (*table, []float64) {
	if p.MaxTokens <= 0 || len(t.vocab) <= p.MaxTokens {
		return t, weights
	}
	cw := p.classWeights(t.sources)
	df := make([]float64, len(t.vocab))
	for i := range t.vocab {
		for _, c := range t.counts[i] {
			df[i] += cw[c.src][0]*float64(c.n[0]) + cw[c.src][1]*float64(c.n[1])
		}
	}
	keep := mostInformative(weights, df, p.MaxTokens)
	out := &table{sources: t.sources, vocab: make([]string, len(keep)), counts: make([][]count, len(keep))}
	w := make([]float64, len(keep))
	for j, i := range keep {
		out.vocab[j], out.counts[j], w[j] = t.vocab[i], t.counts[i], weights[i]
	}
	return out, w
}

// minSources returns the number of sources a token must be seen in to be
// kept (see minCount): Params.MinSources when at least that many of
// sources have comments, else 0.
func (p Params) minSources(sources []Source) int {
	if p.MinSources <= 1 {
		return 0
	}
	live := 0
	for _, s := range sources {
		if s.Ham+s.Spam > 0 {
			live++
		}
	}
	if live >= p.MinSources {
		return p.MinSources
	}
	return 0
}

// minCount drops tokens held by fewer than p.MinCount comments in all,
// and, when the table has at least p.MinSources sources with comments,
// tokens seen in fewer sources than that: a token only one platform uses
// is that platform's topic, not evidence that carries to the next one.
func (t *table) minCount(p Params) *table {
	minSources := p.minSources(t.sources)
	if p.MinCount <= 1 && minSources == 0 {
		return t
	}
	out := &table{sources: t.sources}
	for i, tok := range t.vocab {
		var n uint64
		for _, c := range t.counts[i] {
			n += c.n[0] + c.n[1]
		}
		if n >= uint64(p.MinCount) && len(t.counts[i]) >= minSources {
			out.vocab = append(out.vocab, tok)
			out.counts = append(out.counts, t.counts[i])
		}
	}
	return out
}
