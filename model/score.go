package model

import (
	"math"
	"slices"
	"strings"
	"sync"
)

// scratch is the state Score reuses between calls: a tokenizer's
// buffers, and the entry offsets of the tokens found in the vocabulary.
type scratch struct {
	tk tokenizer
	// known holds the entry offsets of the known tokens, pos every
	// token's offset (-1 when unknown) in token order.
	known, pos []int
}

var scratches = sync.Pool{New: func() any { return new(scratch) }}

// Score classifies a comment. It never panics, whatever the input, and is
// safe for concurrent use.
func (c *Classifier) Score(cm Comment) Score {
	s, _ := c.score(cm, nil)
	return s
}

// score is Score, also returning the factor that turned the deciding
// tokens' weights into their shares of the log-odds, and, when used is
// not nil, setting it to the entry offsets of the tokens that decided:
// the whole comment's, or the deciding window's (Explain uses both).
func (c *Classifier) score(cm Comment, used *[]int) (Score, float64) {
	sc := scratches.Get().(*scratch)
	defer scratches.Put(sc)
	toks := sc.tk.run(cm, c.cfg)
	// The known tokens by entry offset, sorted so that repeats sit
	// together: counted once (binary) or with their multiplicity, and
	// named in one reason each. Long comments also keep each token's
	// offset (-1 when unknown) in order, for the windows.
	known, pos := sc.known[:0], sc.pos[:0]
	defer func() { sc.known, sc.pos = known[:0], pos[:0] }()
	windowed := c.params.Window > 0 && toks.words.len() > 2*c.params.Window
	for _, t := range toks.all {
		off, _, ok := c.lookup(t)
		if ok {
			known = append(known, off)
		} else {
			off = -1
		}
		if windowed {
			pos = append(pos, off)
		}
	}
	slices.Sort(known)
	sum, n, top := c.evidence(known, make([]Reason, 0, c.params.Reasons+1))
	lo, scale := c.logOdds(sum, n)
	if used != nil {
		*used = append((*used)[:0], known...)
	}
	if windowed {
		var at int
		at, known = c.bestWindow(toks, pos, known)
		known = c.window(toks, pos, known[:0], at)
		sum, n, wtop := c.evidence(known, make([]Reason, 0, c.params.Reasons+1))
		// The penalty is in the units of the uncalibrated scores Fit
		// calibrated and priced the thresholds on, where a window won
		// when its score less the penalty beat the whole comment's:
		// calibrated, it is A times the penalty.
		penalty := c.calib.A * c.params.WindowPenalty
		if wlo, wscale := c.logOdds(sum, n); wlo-penalty > lo {
			lo, scale, top = wlo-penalty, wscale, wtop
			if used != nil {
				*used = append((*used)[:0], known...)
			}
		}
	}
	// Each token's share of the log-odds, after length normalisation and
	// calibration, so the reasons add up (with the prior, less the window
	// penalty times the calibration's slope when a window decided) to
	// LogOdds.
	for i := range top {
		top[i].Weight = round3(top[i].Weight * scale)
		if strings.HasPrefix(top[i].Token, tokAuthor) {
			// A word of the author's name counts, but is never named:
			// reasons end up in logs and answers, and the names the
			// model learned are those of real people.
			top[i].Token = tokAuthorName
		}
	}
	return Score{SpamProbability: Sigmoid(lo), LogOdds: lo, Verdict: c.thresholds.verdict(lo), Reasons: top}, scale
}

// evidence sums the weights of the tokens at the sorted entry offsets
// offs, counting repeats once (binary) or with their multiplicity, and
// returns the sum, the number of tokens counted and top with the
// strongest of them appended as reasons (weights not yet scaled); top
// may be nil when no reasons are wanted.
func (c *Classifier) evidence(offs []int, top []Reason) (float64, int, []Reason) {
	sum, n := 0.0, 0
	for i := 0; i < len(offs); {
		j := i + 1
		for j < len(offs) && offs[j] == offs[i] {
			j++
		}
		tok, w := c.entryAt(offs[i])
		if c.params.Binary {
			n++
		} else {
			w *= float64(j - i)
			n += j - i
		}
		sum += w
		if top != nil && c.params.Reasons > 0 {
			top = pushReason(top, Reason{Token: tok, Weight: w}, c.params.Reasons)
		}
		i = j
	}
	return sum, n, top
}

// logOdds turns the summed evidence of n tokens into calibrated log-odds,
// and returns the factor each token's weight was scaled by.
func (c *Classifier) logOdds(sum float64, n int) (lo, scale float64) {
	scale = c.calib.A
	if c.params.LengthNorm > 0 && n > 1 {
		scale /= math.Pow(float64(n), c.params.LengthNorm)
	}
	return c.calib.A*c.prior + scale*sum + c.calib.B, scale
}

// bestWindow returns the first word of the spammiest window of a comment
// of more than Params.Window words. Windows start every half window, the
// last one ending with the comment. pos holds each token's entry offset or
// -1, in token order; buf is scratch space, returned for reuse.
func (c *Classifier) bestWindow(toks tokens, pos, buf []int) (int, []int) {
	size, words := c.params.Window, toks.words.len()
	best, bestAt := math.Inf(-1), 0
	for at := 0; ; at += max(size/2, 1) {
		at = min(at, words-size)
		buf = c.window(toks, pos, buf[:0], at)
		if lo, _ := c.logOdds(c.sum(buf)); lo > best {
			best, bestAt = lo, at
		}
		if at+size >= words {
			return bestAt, buf
		}
	}
}

// window appends to buf, sorted, the entry offsets of the tokens of the
// window of Params.Window words from word at: its words, the bigrams
// inside it and the tokens of the whole comment (links, style, metadata).
func (c *Classifier) window(toks tokens, pos, buf []int, at int) []int {
	size, w, b := c.params.Window, toks.words, toks.bigrams
	for _, r := range [...]span{
		{0, w.start},                        // the text's links and style
		{w.start + at, w.start + at + size}, // the window's words
		{b.start + min(at, b.len()), b.start + min(at+size-1, b.len())}, // the bigrams inside it
		{b.end, len(pos)}, // #links, #obfuscated, metadata
	} {
		for _, off := range pos[r.start:r.end] {
			if off >= 0 {
				buf = append(buf, off)
			}
		}
	}
	slices.Sort(buf)
	return buf
}

// sum is evidence without reasons.
func (c *Classifier) sum(offs []int) (float64, int) {
	s, n, _ := c.evidence(offs, nil)
	return s, n
}

// pushReason keeps top as the n reasons of largest |weight|, strongest
// first; ties keep the token that sorts first.
func pushReason(top []Reason, r Reason, n int) []Reason {
	if len(top) == n && math.Abs(r.Weight) <= math.Abs(top[n-1].Weight) {
		return top
	}
	i := len(top)
	for i > 0 && math.Abs(top[i-1].Weight) < math.Abs(r.Weight) {
		i--
	}
	top = slices.Insert(top, i, r)
	if len(top) > n {
		top = top[:n]
	}
	return top
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }
