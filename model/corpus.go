package model

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
)

// corpus is the training comments as counting needs them, compactly: every
// distinct token is stored once and numbered, each comment is the ids of
// its tokens (distinct ones when counts are binary) in one arena, and the
// counts are arrays indexed by id, one per source. Tokenizing happens once;
// a fold's counts are the total less the fold's comments, subtracted from
// the arena and added back.
type corpus struct {
	// vocab[id] is the token numbered id; after freeze, ids follow the
	// tokens' sorted order, so sorting ids sorts tokens.
	vocab []string
	// arena holds the token ids of every comment, comment after comment;
	// comment i's are arena[end[i-1]:end[i]].
	arena []uint32
	end   []int
	// src and class are each comment's source and class (0 ham, 1 spam).
	src   []int32
	class []uint8
	// sources have the comment counts of the comments counted now.
	sources []Source
	// counts[s][id] is how many comments of each class (ham, spam) of
	// source s hold token id; set by freeze.
	counts [][][2]uint32
}

// newCorpus checks every label, tokenizes every example once and numbers
// its tokens. progress, when set, is told how many examples are done.
func newCorpus(examples []Example, cfg TokenizerConfig, params Params, progress func(done int)) (*corpus, error) {
	c := &corpus{end: make([]int, len(examples)), src: make([]int32, len(examples)), class: make([]uint8, len(examples))}
	ids := map[string]uint32{}
	sources := map[string]int32{}
	// seen[id] is 1 + the last comment that held id, to count a token
	// once per comment without a set per comment.
	var seen []uint32
	var tk tokenizer
	var docs [2]int
	for i, ex := range examples {
		if ex.Label != Ham && ex.Label != Spam {
			return nil, fmt.Errorf("example %d: %w: %q", i, ErrBadLabel, ex.Label)
		}
		k := labelIndex(ex.Label)
		docs[k]++
		s, ok := sources[ex.Source]
		if !ok {
			s = int32(len(c.sources))
			sources[ex.Source] = s
			c.sources = append(c.sources, Source{Name: ex.Source})
		}
		c.src[i], c.class[i] = s, uint8(k)
		for _, tok := range tk.run(ex.Comment, cfg).all {
			id, ok := ids[tok]
			if !ok {
				if len(c.vocab) == math.MaxUint32 {
					return nil, fmt.Errorf("model: more than %d distinct tokens", math.MaxUint32)
				}
				id = uint32(len(c.vocab))
				// The token may point into the comment's text: keep
				// only its own bytes.
				tok = strings.Clone(tok)
				ids[tok] = id
				c.vocab = append(c.vocab, tok)
				seen = append(seen, 0)
			}
			if params.Binary {
				if seen[id] == uint32(i+1) {
					continue
				}
				seen[id] = uint32(i + 1)
			}
			c.arena = append(c.arena, id)
		}
		c.end[i] = len(c.arena)
		if progress != nil && i%1024 == 1023 {
			progress(i + 1)
		}
	}
	if docs[0] == 0 || docs[1] == 0 {
		return nil, ErrNoData
	}
	c.freeze()
	return c, nil
}

// ids returns the token ids of comment i.
func (c *corpus) ids(i int) []uint32 {
	start := 0
	if i > 0 {
		start = c.end[i-1]
	}
	return c.arena[start:c.end[i]]
}

// freeze renumbers the tokens in sorted order and counts every comment.
func (c *corpus) freeze() {
	order := make([]uint32, len(c.vocab))
	for i := range order {
		order[i] = uint32(i)
	}
	slices.SortFunc(order, func(a, b uint32) int { return strings.Compare(c.vocab[a], c.vocab[b]) })
	rank := make([]uint32, len(order))
	sorted := make([]string, len(order))
	for r, id := range order {
		rank[id] = uint32(r)
		sorted[r] = c.vocab[id]
	}
	c.vocab = sorted
	for j, id := range c.arena {
		c.arena[j] = rank[id]
	}
	c.counts = make([][][2]uint32, len(c.sources))
	for s := range c.counts {
		c.counts[s] = make([][2]uint32, len(c.vocab))
	}
	for i := range c.end {
		c.add(i, 1)
	}
}

// add counts comment i once more (sign 1) or once less (sign -1).
func (c *corpus) add(i int, sign int) {
	s, k := c.src[i], c.class[i]
	if k == 1 {
		c.sources[s].Spam += sign
	} else {
		c.sources[s].Ham += sign
	}
	n := c.counts[s]
	for _, id := range c.ids(i) {
		n[id][k] = uint32(int64(n[id][k]) + int64(sign))
	}
}

// table returns the current counts as a table: the tokens some comment
// holds, each with its non-zero counts by source.
func (c *corpus) table() *table {
	held := 0
	entries := 0
	for id := range c.vocab {
		k := 0
		for s := range c.counts {
			if c.counts[s][id] != [2]uint32{} {
				k++
			}
		}
		if k > 0 {
			held++
			entries += k
		}
	}
	t := &table{sources: slices.Clone(c.sources), vocab: make([]string, 0, held), counts: make([][]count, 0, held)}
	// One backing array for all tokens' counts.
	all := make([]count, 0, entries)
	for id, tok := range c.vocab {
		from := len(all)
		for s := range c.counts {
			if n := c.counts[s][id]; n != [2]uint32{} {
				all = append(all, count{src: s, n: [2]uint64{uint64(n[0]), uint64(n[1])}})
			}
		}
		if len(all) > from {
			t.vocab = append(t.vocab, tok)
			t.counts = append(t.counts, all[from:len(all):len(all)])
		}
	}
	return t
}

// estimate is what build computes before it encodes, on the current
// counts: the tokens that table.minCount keeps, their weights as
// table.estimate gets them from the library, and, when Params.MaxTokens
// bounds the model, only the tokens table.prune keeps. It computes the
// library's estimate itself — (count+1)/(total+vocabulary) per class, on
// the same integers in the same order — so that a fold's model costs a
// pass over arrays rather than a library classifier of every token; a
// test checks the two agree bit for bit, and the final model's weights
// still come from the library.
func (c *corpus) estimate(p Params) (keep []uint32, weights []float64, err error) {
	cw := p.classWeights(c.sources)
	minSources := p.minSources(c.sources)
	pseudo := math.Round(p.Smoothing*countUnit) - 1
	// scaled returns the token's weighted counts, scaled as the library
	// is given them, and whether minCount keeps it.
	scaled := func(id int) (v [2]float64, n [2]float64, ok bool) {
		var total uint64
		live := 0
		for s := range c.counts {
			cnt := c.counts[s][id]
			if cnt == [2]uint32{} {
				continue
			}
			live++
			for k := range 2 {
				n[k] += cw[s][k] * float64(cnt[k])
				total += uint64(cnt[k])
			}
		}
		if live == 0 || (p.MinCount > 1 || minSources > 0) && (total < uint64(p.MinCount) || live < minSources) {
			return v, n, false
		}
		for k := range 2 {
			v[k] = math.Round(n[k]*countUnit) + pseudo
		}
		return v, n, true
	}
	var total [2]float64
	var libTotal [2]int
	for id := range c.vocab {
		v, n, ok := scaled(id)
		if !ok {
			continue
		}
		for k := range 2 {
			if v[k] > math.MaxInt32 {
				return nil, nil, fmt.Errorf("model: count %v for %q out of range", v[k], c.vocab[id])
			}
			total[k] += n[k]
			libTotal[k] += int(v[k])
		}
		keep = append(keep, uint32(id))
	}
	if total[0] == 0 || total[1] == 0 {
		empty := Spam
		if total[0] == 0 {
			empty = Ham
		}
		return nil, nil, fmt.Errorf("%w: the %s comments have no tokens left to learn from", ErrNoData, empty)
	}
	weights = make([]float64, len(keep))
	var df []float64
	if p.MaxTokens > 0 && len(keep) > p.MaxTokens {
		df = make([]float64, len(keep))
	}
	for j, id := range keep {
		v, _, _ := scaled(int(id))
		var prob [2]float64
		for k := range 2 {
			// The library's classData.getWordProb.
			prob[k] = (v[k] + 1) / (float64(libTotal[k]) + float64(len(keep)))
			if libTotal[k] == 0 {
				prob[k] = 1e-11
			}
		}
		w := math.Log(prob[1]) - math.Log(prob[0])
		if p.MaxWeight > 0 {
			w = math.Max(-p.MaxWeight, math.Min(p.MaxWeight, w))
		}
		weights[j] = w
		if df != nil {
			for s := range c.counts {
				if cnt := c.counts[s][id]; cnt != [2]uint32{} {
					df[j] += cw[s][0]*float64(cnt[0]) + cw[s][1]*float64(cnt[1])
				}
			}
		}
	}
	if df == nil {
		return keep, weights, nil
	}
	top := mostInformative(weights, df, p.MaxTokens)
	for j, i := range top {
		keep[j], weights[j] = keep[i], weights[i]
	}
	return keep[:len(top)], weights[:len(top)], nil
}

// heldOutModel returns the model of the current counts, uncalibrated,
// restricted to the tokens of the comments for which in holds: it scores
// them exactly as the model of every token would, since a token a comment
// does not hold adds nothing to its score, whereas encoding every token
// for every fold would cost more than the rest of the fold.
func (c *corpus) heldOutModel(in func(i int) bool, cfg TokenizerConfig, params Params, stats Stats) (*Classifier, error) {
	if err := params.Validate(); err != nil {
		return nil, err
	}
	keep, weights, err := c.estimate(params)
	if err != nil {
		return nil, err
	}
	scored := make([]bool, len(c.vocab))
	for i := range c.end {
		if in(i) {
			for _, id := range c.ids(i) {
				scored[id] = true
			}
		}
	}
	var ids []uint32
	var w []float64
	for j, id := range keep {
		if scored[id] {
			ids = append(ids, id)
			w = append(w, weights[j])
		}
	}
	t := &table{sources: slices.Clone(c.sources), vocab: make([]string, len(ids)), counts: make([][]count, len(ids))}
	for j, id := range ids {
		t.vocab[j] = c.vocab[id]
		for s := range c.counts {
			if n := c.counts[s][id]; n != [2]uint32{} {
				t.counts[j] = append(t.counts[j], count{src: s, n: [2]uint64{uint64(n[0]), uint64(n[1])}})
			}
		}
	}
	return assemble(cfg, params, Thresholds{Reject: 0.5}, Calibration{A: 1}, stats, t, w)
}

// mostInformative returns, in increasing order, the indexes of the n
// tokens with the largest gain |weight| × df (see table.prune); among
// equal gains the lower index wins.
func mostInformative(weights, df []float64, n int) []int {
	gain := make([]float64, len(weights))
	for i := range gain {
		gain[i] = math.Abs(weights[i]) * df[i]
	}
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
