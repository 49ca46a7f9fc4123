package model

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
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

// tokenizeBatch is how many comments newCorpus has tokenized at a time:
// enough to keep every core busy, few enough that their token lists stay
// a small share of the corpus.
const tokenizeBatch = 2048

// newCorpus checks every label, tokenizes every example once and numbers
// its tokens. progress, when set, is told how many examples are done.
//
// Tokenizing is most of the work and needs no shared state, so the cores
// tokenize one batch of comments while this goroutine numbers the tokens
// of the batch before, in the examples' order: the ids, and so the model,
// are the same whatever the number of cores.
func newCorpus(examples []Example, cfg TokenizerConfig, params Params, progress func(done int)) (*corpus, error) {
	c := &corpus{end: make([]int, len(examples)), src: make([]int32, len(examples)), class: make([]uint8, len(examples))}
	var docs [2]int
	sources := map[string]int32{}
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
	}
	if docs[0] == 0 || docs[1] == 0 {
		return nil, ErrNoData
	}
	var ids interner
	// seen[id] is 1 + the last comment that held id, to count a token
	// once per comment without a set per comment.
	var seen []uint32
	if progress != nil {
		progress(0)
	}
	next := tokenizeAsync(examples, 0, cfg)
	for lo := 0; lo < len(examples); lo += tokenizeBatch {
		toks := next()
		if hi := lo + tokenizeBatch; hi < len(examples) {
			next = tokenizeAsync(examples, hi, cfg)
		}
		for j, comment := range toks {
			i := lo + j
			for _, tok := range comment {
				id, ok := ids.find(c.vocab, tok)
				if !ok {
					if len(c.vocab) == math.MaxUint32-1 {
						return nil, fmt.Errorf("model: more than %d distinct tokens", math.MaxUint32-1)
					}
					id = uint32(len(c.vocab))
					// The token may point into the comment's text:
					// keep only its own bytes.
					c.vocab = append(c.vocab, strings.Clone(tok))
					ids.add(c.vocab, id)
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
		}
		if progress != nil {
			progress(lo + len(toks))
		}
	}
	c.freeze()
	return c, nil
}

// tokenizeAsync starts tokenizing the batch of examples from lo, one share
// per core, and returns a function that waits for the batch's tokens.
func tokenizeAsync(examples []Example, lo int, cfg TokenizerConfig) func() [][]string {
	batch := examples[lo:min(lo+tokenizeBatch, len(examples))]
	out := make([][]string, len(batch))
	var wg sync.WaitGroup
	workers := min(runtime.GOMAXPROCS(0), len(batch))
	for w := range workers {
		wg.Go(func() {
			var tk tokenizer
			for j := w; j < len(batch); j += workers {
				out[j] = slices.Clone(tk.run(batch[j].Comment, cfg).all)
			}
		})
	}
	return func() [][]string { wg.Wait(); return out }
}

// interner finds a token's id: an open-addressing hash set of ids (plus
// one; 0 is an empty slot) keyed by the tokens they number, at 4 to 8
// bytes per token where a map from token to id takes about 40.
type interner struct {
	slots []uint32
	n     int
}

// find returns the id of tok among vocab.
func (in *interner) find(vocab []string, tok string) (uint32, bool) {
	if len(in.slots) == 0 {
		return 0, false
	}
	mask := uint64(len(in.slots) - 1)
	for s := fnv1a(tok) & mask; ; s = (s + 1) & mask {
		v := in.slots[s]
		if v == 0 {
			return 0, false
		}
		if vocab[v-1] == tok {
			return v - 1, true
		}
	}
}

// add enters id, the number of vocab[id], keeping the table at most half
// full.
func (in *interner) add(vocab []string, id uint32) {
	if 2*(in.n+1) > len(in.slots) {
		old := in.slots
		in.slots = make([]uint32, max(1024, 2*len(old)))
		for _, v := range old {
			if v != 0 {
				in.put(vocab[v-1], v)
			}
		}
	}
	in.put(vocab[id], id+1)
	in.n++
}

func (in *interner) put(tok string, v uint32) {
	mask := uint64(len(in.slots) - 1)
	s := fnv1a(tok) & mask
	for in.slots[s] != 0 {
		s = (s + 1) & mask
	}
	in.slots[s] = v
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
	// Sorting by the first 8 bytes, held beside the id, compares most
	// pairs without reaching into the strings: with ten million tokens,
	// chasing pointers for every comparison is most of the sort.
	type keyed struct {
		prefix uint64
		id     uint32
	}
	keys := make([]keyed, len(c.vocab))
	for i, tok := range c.vocab {
		var b [8]byte
		copy(b[:], tok)
		keys[i] = keyed{binary.BigEndian.Uint64(b[:]), uint32(i)}
	}
	slices.SortFunc(keys, func(a, b keyed) int {
		if a.prefix != b.prefix {
			return cmp.Compare(a.prefix, b.prefix)
		}
		return strings.Compare(c.vocab[a.id], c.vocab[b.id])
	})
	order := make([]uint32, len(keys))
	for i, k := range keys {
		order[i] = k.id
	}
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

// forgetComments drops what the folds needed, the tokens of each comment,
// once only the counts are needed.
func (c *corpus) forgetComments() { c.arena, c.end = nil, nil }

func (c *corpus) numTokens() int     { return len(c.vocab) }
func (c *corpus) token(i int) string { return c.vocab[i] }

// appendCounts appends token i's current non-zero counts by source.
func (c *corpus) appendCounts(buf []count, i int) []count {
	for s := range c.counts {
		if n := c.counts[s][i]; n != [2]uint32{} {
			buf = append(buf, count{src: s, n: [2]uint64{uint64(n[0]), uint64(n[1])}})
		}
	}
	return buf
}

// heldOutModel returns the model of the current counts, uncalibrated,
// restricted to the tokens of the comments for which in holds: it scores
// them exactly as the model of every token would, since a token a comment
// does not hold adds nothing to its score, whereas encoding every token
// for every fold would cost more than the rest of the fold. Its weights
// are the library's, computed without it (see estimate).
func (c *corpus) heldOutModel(in func(i int) bool, cfg TokenizerConfig, params Params, stats Stats) (*Classifier, error) {
	if err := params.Validate(); err != nil {
		return nil, err
	}
	kept := minCount(c, c.sources, params)
	weights, err := estimate(kept, c.sources, params, 0, false)
	if err != nil {
		return nil, err
	}
	kept, weights, _, _ = prune(kept, c.sources, params, weights)
	scored := make([]bool, len(c.vocab))
	for i := range c.end {
		if in(i) {
			for _, id := range c.ids(i) {
				scored[id] = true
			}
		}
	}
	sub := subset{all: c}
	var w []float64
	for j := range kept.numTokens() {
		id := j // kept is c or, flattened by pick, a subset of it
		if s, ok := kept.(subset); ok {
			id = int(s.idx[j])
		}
		if scored[id] {
			sub.idx = append(sub.idx, uint32(id))
			w = append(w, weights[j])
		}
	}
	return assemble(cfg, params, Thresholds{Reject: 0.5}, Calibration{A: 1}, stats, c.sources, sub, w)
}
