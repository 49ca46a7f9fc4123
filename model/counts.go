package model

import (
	"cmp"
	"fmt"
	"math"
	"slices"
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
	// HamWeight and SpamWeight, when not 0, replace Weight for the
	// source's comments of that class: a corpus written to cover every
	// family of spam can weigh its spam as several platforms' while its
	// ham weighs as the platforms it was written for. (Model files
	// before version 5 have neither.)
	HamWeight  float64 `json:"ham_weight,omitempty"`
	SpamWeight float64 `json:"spam_weight,omitempty"`
	// PrunedHam and PrunedSpam are the source's counts of the tokens
	// pruning dropped (Params.MaxTokens), summed over those tokens: the
	// model's weights were estimated with them in each class's total,
	// so a model trained on top of this one puts them back there (see
	// estimate) and its kept tokens weigh what they weighed here.
	PrunedHam  uint64 `json:"pruned_ham,omitempty"`
	PrunedSpam uint64 `json:"pruned_spam,omitempty"`
}

// pruned returns the source's pruned counts of class k (0 ham, 1 spam).
func (s Source) pruned(k int) uint64 {
	if k == 1 {
		return s.PrunedSpam
	}
	return s.PrunedHam
}

// docs returns the source's comment count for class k (0 ham, 1 spam).
func (s Source) docs(k int) int {
	if k == 1 {
		return s.Spam
	}
	return s.Ham
}

// maxSourceWeight bounds a source's weight (Source.Weight), and so a
// site's weight against its base.
const maxSourceWeight = 1e6

// weight returns the source's weight, 1 when unset.
func (s Source) weight() float64 {
	if s.Weight == 0 {
		return 1
	}
	return s.Weight
}

// classWeight returns the weight of the source's comments of class k (0
// ham, 1 spam): HamWeight or SpamWeight when set, else weight.
func (s Source) classWeight(k int) float64 {
	w := s.HamWeight
	if k == 1 {
		w = s.SpamWeight
	}
	if w == 0 {
		return s.weight()
	}
	return w
}

// weights describes the source's weights: "5", or "ham 5, spam 15"
// when its classes weigh differently.
func (s Source) weights() string {
	h, sp := s.classWeight(0), s.classWeight(1)
	if h != sp {
		return fmt.Sprintf("ham %g, spam %g", h, sp)
	}
	return fmt.Sprintf("%g", h)
}

// withClassWeights returns s with its classes weighing ham and spam (0:
// the source's weight; both set, the source's weight is dropped), kept as
// Weight alone where that says the same: a
// class weight is set only where it differs from the source's weight, so
// that only a model whose classes weigh apart needs format version 5.
func (s Source) withClassWeights(ham, spam float64) Source {
	if ham != 0 && spam != 0 && ham != s.weight() {
		s.Weight = ham // each class has its own: the source's weighs nothing
	}
	s.HamWeight, s.SpamWeight = ham, spam
	if s.HamWeight == s.weight() {
		s.HamWeight = 0
	}
	if s.SpamWeight == s.weight() {
		s.SpamWeight = 0
	}
	if s.HamWeight != 0 && s.HamWeight == s.SpamWeight {
		s.Weight, s.HamWeight, s.SpamWeight = s.HamWeight, 0, 0
	}
	return s
}

// scaled returns s with every weight it has divided by d, those it does
// not have left unset unless Weight's default of 1 must become 1/d.
func (s Source) scaled(d float64) Source {
	s.Weight = s.weight() / d
	for _, w := range []*float64{&s.HamWeight, &s.SpamWeight} {
		if *w != 0 {
			*w /= d
		}
	}
	return s
}

// count is one source's number of comments of each class (ham, spam) that
// hold a token.
type count struct {
	src int
	n   [2]uint64
}

// table is counts held token by token: for each token, in sorted order,
// its counts per source. A model file decodes to one (Classifier.counts),
// and tables add up exactly.
type table struct {
	sources []Source
	vocab   []string
	counts  [][]count // counts[i] is sorted by source, without zero entries
}

func (t *table) numTokens() int                          { return len(t.vocab) }
func (t *table) token(i int) string                      { return t.vocab[i] }
func (t *table) appendCounts(buf []count, i int) []count { return append(buf, t.counts[i]...) }

// tokenCounts is what a model is built from: tokens in increasing order,
// each with its counts by source: a table, or the counts of the comments
// training has seen (see corpus), read in place so that a million
// comments' counts are not copied to be estimated, or a subset of them.
type tokenCounts interface {
	numTokens() int
	token(i int) string
	// appendCounts appends token i's non-zero counts by source, in
	// increasing order of source, to buf.
	appendCounts(buf []count, i int) []count
}

// subset is the tokens of all at the increasing indexes idx: what
// minCount and prune keep.
type subset struct {
	all tokenCounts
	idx []uint32
}

func (s subset) numTokens() int     { return len(s.idx) }
func (s subset) token(i int) string { return s.all.token(int(s.idx[i])) }
func (s subset) appendCounts(buf []count, i int) []count {
	return s.all.appendCounts(buf, int(s.idx[i]))
}

// pick returns the tokens of tc at the increasing indexes idx, as a
// subset of what tc is drawn from, and the index of each in that.
func pick(tc tokenCounts, idx []uint32) subset {
	if s, ok := tc.(subset); ok {
		for j, i := range idx {
			idx[j] = s.idx[i]
		}
		return subset{all: s.all, idx: idx}
	}
	return subset{all: tc, idx: idx}
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
			w[i][k] = s.classWeight(k)
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

// sequentialEstimate is the vocabulary above which estimate fills the
// library's two classifiers one after the other.
const sequentialEstimate = 2_000_000

// library estimates through the naive Bayes library (package bayes's
// LogFrequencies), once UseLibrary gave it; nil, estimate computes the
// library's estimate itself, to the bit.
var library func(size int, token func(int) string, counter func() func(int) [2]int, sequential bool) [2][]float64

// UseLibrary makes the models Train and Fit return estimated by f, which
// is bayes.LogFrequencies: the library the model is built around, kept
// in a package of its own so that a program that only scores (the
// function) does not link it. Without it they compute the library's
// estimate themselves, and agree with it bit for bit (a test checks
// that), so a model is the same either way. Call it before training,
// once: the training CLI does.
func UseLibrary(f func(size int, token func(int) string, counter func() func(int) [2]int, sequential bool) [2][]float64) {
	library = f
}

// estimate feeds the weighted counts of tc's tokens to the library (see
// UseLibrary) and turns its smoothed per-class estimates into capped
// log-likelihood ratios, one per token. Without the library (viaLibrary
// false, or none given) it
// computes the library's estimate itself, (count+1)/(total+vocabulary)
// per class on the same integers in the same order: Fit scores its folds
// with models estimated so, which costs a pass over the counts rather
// than a library classifier of every token per fold. A test checks the
// two agree bit for bit; the model Fit returns is estimated by the
// library. prunedTokens tokens that a base model pruned (Params.MaxTokens)
// count in each class's total and vocabulary as they did when its weights
// were estimated, their counts being the sources' pruned counts. A token
// the base dropped that a site's labels hold again counts twice in the
// vocabulary, once as pruned and once as the site's: which tokens were
// dropped is not kept. On 1,000 Instagram or X labels on top of the
// default model of 2026-11-29's corpus of 2,941 comments that was at
// most 11,301 or 19,567 tokens of 347,715, and counting none of them
// twice moved the site model's scores by 0.009 or 0.003 nats on
// average, no verdict changed.
func estimate(tc tokenCounts, sources []Source, p Params, prunedTokens int, viaLibrary bool) ([]float64, error) {
	cw := p.classWeights(sources)
	pseudo := math.Round(p.Smoothing*countUnit) - 1
	prunedUnits, err := prunedTotals(cw, pseudo, sources, prunedTokens)
	if err != nil {
		return nil, err
	}
	// scaled returns token i's weighted counts, n, and the library's
	// counts, v; buf is scratch space.
	scaled := func(buf *[]count, i int) (n, v [2]float64) {
		*buf = tc.appendCounts((*buf)[:0], i)
		return observed(cw, pseudo, *buf)
	}
	var buf []count
	var total [2]float64
	var libTotal [2]int
	size := tc.numTokens()
	for i := range size {
		n, v := scaled(&buf, i)
		for k := range 2 {
			if v[k] > math.MaxInt32 {
				return nil, fmt.Errorf("model: %q weighs %.3g hundredths of a comment once the sources' weights and balancing are applied, more than the %d the library counts to: a source's weight (-weight, or -site-weight, which scales the site up or the base down) is too far from 1", tc.token(i), v[k], math.MaxInt32)
			}
			total[k] += n[k]
			libTotal[k] += int(v[k])
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
	weights := make([]float64, size)
	if size == 0 {
		return weights, nil
	}
	// logProb[k][i] is log P(token i | class k), the library's.
	var logProb [2][]float64
	viaLibrary = viaLibrary && library != nil
	if viaLibrary {
		counter := func() func(int) [2]int {
			var buf []count
			return func(i int) [2]int {
				_, v := scaled(&buf, i)
				return [2]int{int(v[0]), int(v[1])}
			}
		}
		logProb = library(size, tc.token, counter, size > sequentialEstimate)
	} else {
		// The difference goes into weights at once: no second row.
		for i := range size {
			_, v := scaled(&buf, i)
			var lp [2]float64
			for k := range 2 {
				// The library's classData.getWordProb.
				prob := (v[k] + 1) / (float64(libTotal[k]+prunedUnits[k]) + float64(size+prunedTokens))
				if libTotal[k] == 0 {
					prob = 1e-11
				}
				lp[k] = math.Log(prob)
			}
			weights[i] = lp[1] - lp[0]
		}
	}
	// The library divides each class's counts by its total and
	// vocabulary, which the tokens a base pruned are missing from: the
	// same factor for every token of the class, so one shift per weight
	// puts them back.
	prunedShift := 0.0
	if viaLibrary && prunedTokens > 0 {
		var shift [2]float64 // added to each class's log-probability
		for k := range 2 {
			had := float64(libTotal[k]) + float64(size)
			shift[k] = math.Log(had / (had + float64(prunedUnits[k]) + float64(prunedTokens)))
		}
		prunedShift = shift[1] - shift[0]
	}
	for i := range weights {
		w := weights[i]
		if viaLibrary {
			w = logProb[1][i] - logProb[0][i] + prunedShift
		}
		if p.MaxWeight > 0 {
			w = math.Max(-p.MaxWeight, math.Min(p.MaxWeight, w))
		}
		weights[i] = w
	}
	return weights, nil
}

// prunedTotals returns what the tokens pruned from sources' counts add to
// the library's total of each class: their weighted counts in units of
// 1/countUnit, plus each one's pseudo-counts, as estimate observed them
// before they were dropped (up to the rounding of each to a unit).
func prunedTotals(cw [][2]float64, pseudo float64, sources []Source, prunedTokens int) ([2]int, error) {
	var out [2]int
	if prunedTokens == 0 {
		return out, nil
	}
	for k := range 2 {
		mass := 0.0
		for s, so := range sources {
			mass += cw[s][k] * float64(so.pruned(k))
		}
		// Within the integers a float64 holds exactly, as the
		// library's totals must be.
		units := math.Round(mass*countUnit) + pseudo*float64(prunedTokens)
		if !(units >= 0 && units < 1<<53) {
			return out, fmt.Errorf("model: the pruned tokens' %s total %v is out of range", []string{"ham", "spam"}[k], units)
		}
		out[k] = int(units)
	}
	return out, nil
}

// observed returns a token's weighted comment counts per class (ham,
// spam) and what estimate observes for it in the library: the counts in
// units of 1/countUnit, plus the pseudo-counts that make the library's
// add-one smoothing add-α.
func observed(cw [][2]float64, pseudo float64, cs []count) (n, v [2]float64) {
	for _, c := range cs {
		for k := range 2 {
			n[k] += cw[c.src][k] * float64(c.n[k])
		}
	}
	for k := range 2 {
		v[k] = math.Round(n[k]*countUnit) + pseudo
	}
	return n, v
}

// prune keeps the p.MaxTokens tokens of tc that carry the most evidence.
// By default it ranks them by |weight| × the number of (weighted)
// comments holding the token: the expected contribution of the token to
// the scores of the training comments, so rare tokens and tokens that say
// little both go. Params.PruneBy can rank by that number alone ("df") or
// by the mutual information between holding the token and the class
// ("mi"). Ties keep the token that sorts first, so pruning is
// deterministic. It also returns the sources with the counts of the
// dropped tokens added to their pruned counts, and how many it dropped.
func prune(tc tokenCounts, sources []Source, p Params, weights []float64) (tokenCounts, []float64, []Source, int) {
	if p.MaxTokens <= 0 || tc.numTokens() <= p.MaxTokens {
		return tc, weights, sources, 0
	}
	cw := p.classWeights(sources)
	// docs[k] is the weighted number of comments of class k.
	var docs [2]float64
	for s, so := range sources {
		for k := range 2 {
			docs[k] += cw[s][k] * float64(so.docs(k))
		}
	}
	gain := make([]float64, tc.numTokens())
	var buf []count
	for i := range gain {
		buf = tc.appendCounts(buf[:0], i)
		df, held := 0.0, [2]float64{}
		for _, c := range buf {
			df += cw[c.src][0]*float64(c.n[0]) + cw[c.src][1]*float64(c.n[1])
			for k := range 2 {
				held[k] += cw[c.src][k] * float64(c.n[k])
			}
		}
		switch p.PruneBy {
		case "df":
			gain[i] = df
		case "mi":
			gain[i] = mutualInformation(held, docs)
		default:
			gain[i] = math.Abs(weights[i]) * df
		}
	}
	keep := mostInformative(gain, p.MaxTokens)
	idx := make([]uint32, len(keep))
	w := make([]float64, len(keep))
	for j, i := range keep {
		idx[j], w[j] = uint32(i), weights[i]
	}
	out := slices.Clone(sources)
	next := 0 // keep is in increasing order
	for i := range tc.numTokens() {
		if next < len(keep) && keep[next] == i {
			next++
			continue
		}
		buf = tc.appendCounts(buf[:0], i)
		for _, c := range buf {
			out[c.src].PrunedHam += c.n[0]
			out[c.src].PrunedSpam += c.n[1]
		}
	}
	return pick(tc, idx), w, out, tc.numTokens() - len(keep)
}

// mutualInformation returns the mutual information, in nats, between
// holding a token and the class, from the (weighted) comments of each
// class that hold it and of each class in all.
func mutualInformation(held, docs [2]float64) float64 {
	total := docs[0] + docs[1]
	in := held[0] + held[1]
	mi := 0.0
	for k := range 2 {
		for _, cell := range [2][2]float64{{held[k], in}, {docs[k] - held[k], total - in}} {
			n, marginal := cell[0], cell[1]
			if n > 0 {
				mi += n / total * math.Log(n*total/(marginal*docs[k]))
			}
		}
	}
	return mi
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

// minCount drops tokens no comment holds, tokens held by fewer than
// p.MinCount comments in all, and, when sources has at least p.MinSources
// sources with comments, tokens seen in fewer sources than that: a token
// only one platform uses is that platform's topic, not evidence that
// carries to the next one.
func minCount(tc tokenCounts, sources []Source, p Params) tokenCounts {
	minSources := p.minSources(sources)
	var idx []uint32
	var buf []count
	for i := range tc.numTokens() {
		buf = tc.appendCounts(buf[:0], i)
		if len(buf) > 0 && kept(p, minSources, buf) {
			idx = append(idx, uint32(i))
		}
	}
	if len(idx) == tc.numTokens() {
		return tc
	}
	return pick(tc, idx)
}

// kept reports whether minCount keeps a token with counts cs (without
// zero entries).
func kept(p Params, minSources int, cs []count) bool {
	var n uint64
	for _, c := range cs {
		n += c.n[0] + c.n[1]
	}
	return n >= uint64(p.MinCount) && len(cs) >= minSources
}

// mostInformative returns, in increasing order, the indexes of the n
// largest gains; among equal gains the lower index wins.
func mostInformative(gain []float64, n int) []int {
	// The n-th largest gain; every token above it is kept, and as many
	// of those equal to it as fit, first ones first.
	sorted := slices.Clone(gain)
	slices.SortFunc(sorted, func(a, b float64) int { return cmp.Compare(b, a) })
	cut := sorted[n-1]
	above := 0
	for _, g := range sorted[:n] {
		if g > cut {
			above++
		}
	}
	ties := n - above
	keep := make([]int, 0, n)
	for i, g := range gain {
		if g > cut || g == cut && ties > 0 {
			if g == cut {
				ties--
			}
			keep = append(keep, i)
		}
	}
	return keep
}

// tally accumulates a table from tokenized comments.
type tally struct {
	sources []Source
	index   map[string]int // source name → position in sources
	counts  map[string][]count
}

func newTally() *tally {
	return &tally{index: map[string]int{}, counts: map[string][]count{}}
}

// source returns the position of the named source, adding it if new.
func (t *tally) source(name string) int {
	i, ok := t.index[name]
	if !ok {
		i = len(t.sources)
		t.index[name] = i
		t.sources = append(t.sources, Source{Name: name})
	}
	return i
}

// add counts one comment of class k (0 ham, 1 spam) from source src
// holding toks, each once, or subtracts it when sign is -1.
func (t *tally) add(src, k int, toks []string, sign int) {
	if k == 1 {
		t.sources[src].Spam += sign
	} else {
		t.sources[src].Ham += sign
	}
	for _, tok := range toks {
		cs := t.counts[tok]
		j := slices.IndexFunc(cs, func(c count) bool { return c.src == src })
		if j < 0 {
			cs = append(cs, count{src: src})
			j = len(cs) - 1
		}
		cs[j].n[k] = uint64(int64(cs[j].n[k]) + int64(sign))
		t.counts[tok] = cs
	}
}

// table freezes the tally into a sorted table; zero entries are dropped.
func (t *tally) table() *table {
	out := &table{sources: slices.Clone(t.sources), vocab: make([]string, 0, len(t.counts))}
	for tok := range t.counts {
		out.vocab = append(out.vocab, tok)
	}
	slices.Sort(out.vocab)
	out.counts = make([][]count, 0, len(out.vocab))
	kept := out.vocab[:0]
	for _, tok := range out.vocab {
		var cs []count
		for _, c := range t.counts[tok] {
			if c.n[0] != 0 || c.n[1] != 0 {
				cs = append(cs, c)
			}
		}
		if len(cs) == 0 {
			continue
		}
		slices.SortFunc(cs, func(a, b count) int { return cmp.Compare(a.src, b.src) })
		kept = append(kept, tok)
		out.counts = append(out.counts, cs)
	}
	out.vocab = kept
	return out
}
