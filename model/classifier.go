package model

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/jbrukh/bayesian"
)

// The library's classes. They never leave this package.
const (
	classHam  bayesian.Class = "ham"
	classSpam bayesian.Class = "spam"
)

// Params are the learning settings of a model, stored with it.
type Params struct {
	// Smoothing is the additive (Lidstone) smoothing constant α; 1 is
	// Laplace smoothing. Values must be 1/k for a whole number k, because
	// the library smooths with 1 and counts are scaled by k instead.
	Smoothing float64 `json:"smoothing"`
	// Binary counts a token once per comment however often it repeats, so
	// "$$$ !!! $$$" is not ten times the evidence of "$$$".
	Binary bool `json:"binary"`
	// MinCount drops tokens seen fewer times than this in all training
	// data: they are mostly noise and make the model bigger.
	MinCount int `json:"min_count"`
	// MaxWeight caps each token's log-likelihood ratio, so no single word
	// decides a comment and a few spammy words cannot be drowned out by an
	// arbitrary number of innocuous ones. 0 means no cap.
	MaxWeight float64 `json:"max_weight"`
	// LengthNorm divides the summed evidence of the n known tokens of a
	// comment by n^LengthNorm. Naive Bayes treats the words of a comment
	// as independent, so a long comment piles up evidence it does not
	// have; 0.5 halves that effect in log space and measurably ranks
	// comments better. 0 is textbook naive Bayes.
	LengthNorm float64 `json:"length_norm"`
	// Window, when not 0, also scores each stretch of Window words (with
	// their bigrams and the comment's other tokens) of a comment longer
	// than 2·Window words, and takes the spammiest stretch, less
	// WindowPenalty, when it beats the whole comment. Padding a pitch with
	// ordinary words (a good-word attack) dilutes the whole comment's
	// evidence but not that of the stretches inside the pitch. Shorter
	// comments are scored whole, as a window would be most of them.
	// Models written before it existed have 0.
	Window int `json:"window,omitempty"`
	// WindowPenalty, in nats, is subtracted from the best stretch's
	// log-odds: the best of many stretches scores higher than a typical
	// one by chance, and a stretch should win only when clearly spammier
	// than the comment it is part of. The defaults, 20 words and 2 nats,
	// keep the seed spam rejected however many ordinary words follow it
	// and leave the share of ham rejected in the quality figures as it
	// was (model/adversarial_test.go).
	WindowPenalty float64 `json:"window_penalty,omitempty"`
	// Reasons is how many reasons Score returns.
	Reasons int `json:"reasons"`
}

// DefaultParams are the settings new models are trained with; they were
// chosen by leave-one-video-out evaluation on the YouTube Spam Collection
// (see the README).
var DefaultParams = Params{Smoothing: 0.2, Binary: true, MinCount: 1, MaxWeight: 5, LengthNorm: 0.5,
	Window: 20, WindowPenalty: 2, Reasons: 5}

// Calibration maps the naive Bayes log-odds x to calibrated log-odds
// A·x + B (Platt scaling), fitted on cross-validated scores. Naive Bayes
// counts correlated words as independent evidence, so its raw odds are far
// too confident; calibrated odds make SpamProbability mean what it says.
type Calibration struct {
	A float64 `json:"a"`
	B float64 `json:"b"`
}

// validate bounds the calibration so that scores stay finite: weights are
// at most a few nats, so a slope beyond 100 or an intercept beyond ±100
// can only come from a damaged file.
func (k Calibration) validate() error {
	if !(k.A > 0 && k.A <= 100) || !(k.B >= -100 && k.B <= 100) {
		return fmt.Errorf("model: bad calibration %+v: want 0 < a ≤ 100 and |b| ≤ 100", k)
	}
	return nil
}

// TrainOptions control Train. The zero value trains with DefaultTokenizer,
// DefaultParams, no calibration and a 0.5 reject threshold.
type TrainOptions struct {
	Tokenizer   *TokenizerConfig
	Params      *Params
	Thresholds  Thresholds
	Calibration Calibration
	// TrainedAt is recorded in the model; the zero value means now. Pass
	// a fixed time to make model files reproducible byte for byte.
	TrainedAt time.Time
}

// Classifier is a trained naive Bayes spam model. It is immutable once
// built, so Score is safe for concurrent use.
type Classifier struct {
	cfg        TokenizerConfig
	params     Params
	thresholds Thresholds
	calib      Calibration
	stats      Stats
	id         string

	// raw is the model file: the classifier scores straight from its
	// vocabulary and index (see format.go), which start at the offsets
	// entries and index; body is where the header ends.
	raw                  string
	body, entries, index int
	// n is the number of tokens, slots the size of the index.
	n, slots int
	// prior is log(spam comments / ham comments): the prior log-odds
	// from document counts, not token counts.
	prior float64
}

// Info describes a model for health checks and logs.
type Info struct {
	ID          string          `json:"id"`
	Format      int             `json:"format"`
	Thresholds  Thresholds      `json:"thresholds"`
	Calibration Calibration     `json:"calibration"`
	Tokenizer   TokenizerConfig `json:"tokenizer"`
	Params      Params          `json:"params"`
	Stats       Stats           `json:"training"`
}

// Info returns the model's identity, settings and training statistics.
func (c *Classifier) Info() Info {
	s := c.stats
	s.Documents = mapsClone(s.Documents)
	s.Tokens = mapsClone(s.Tokens)
	return Info{ID: c.id, Format: formatVersion, Thresholds: c.thresholds, Calibration: c.calib,
		Tokenizer: c.cfg, Params: c.params, Stats: s}
}

func mapsClone(m map[Label]int) map[Label]int {
	out := make(map[Label]int, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// Thresholds returns the thresholds the model's verdicts use.
func (c *Classifier) Thresholds() Thresholds { return c.thresholds }

// WithThresholds returns a copy of c that uses t, for operators who override
// the stored thresholds. The copy is a model of its own, with its own ID.
func (c *Classifier) WithThresholds(t Thresholds) (*Classifier, error) {
	if err := t.Validate(); err != nil {
		return nil, err
	}
	return c.with(t, c.calib)
}

// WithCalibration returns a copy of c with calibration k.
func (c *Classifier) WithCalibration(k Calibration) (*Classifier, error) {
	if err := k.validate(); err != nil {
		return nil, err
	}
	return c.with(c.thresholds, k)
}

// with re-encodes c with other thresholds and calibration.
func (c *Classifier) with(t Thresholds, k Calibration) (*Classifier, error) {
	raw, err := encode(header{Tokenizer: c.cfg, Params: c.params, Thresholds: t, Calibration: k, Stats: c.stats},
		[]byte(c.raw[c.body:len(c.raw)-sha256.Size]))
	if err != nil {
		return nil, err
	}
	return parse(string(raw))
}

// validateSettings checks everything but the vocabulary.
func (c *Classifier) validateSettings() error {
	if _, err := c.params.countScale(); err != nil {
		return err
	}
	if err := c.thresholds.Validate(); err != nil {
		return err
	}
	if err := c.calib.validate(); err != nil {
		return err
	}
	if c.stats.Documents[Ham] <= 0 || c.stats.Documents[Spam] <= 0 {
		return ErrNoData
	}
	return nil
}

// Train learns a classifier from labeled examples. It needs at least one
// spam and one ham example, and rejects labels other than Spam and Ham
// (the library would panic on them).
func Train(examples []Example, opts TrainOptions) (*Classifier, error) {
	cfg := DefaultTokenizer
	if opts.Tokenizer != nil {
		cfg = *opts.Tokenizer
	}
	params := DefaultParams
	if opts.Params != nil {
		params = *opts.Params
	}
	scale, err := params.countScale()
	if err != nil {
		return nil, err
	}
	th := opts.Thresholds
	if th == (Thresholds{}) {
		th = Thresholds{Reject: 0.5}
	}
	if err := th.Validate(); err != nil {
		return nil, err
	}
	calib := opts.Calibration
	if calib == (Calibration{}) {
		calib = Calibration{A: 1}
	}
	at := opts.TrainedAt
	if at.IsZero() {
		at = time.Now()
	}

	digest := sha256.New()
	docs := map[Label]int{}
	counts := map[string]*[2]uint64{}
	for i, ex := range examples {
		var k int
		switch ex.Label {
		case Ham:
			k = 0
		case Spam:
			k = 1
		default:
			return nil, fmt.Errorf("example %d: %w: %q", i, ErrBadLabel, ex.Label)
		}
		docs[ex.Label]++
		fmt.Fprintf(digest, "%s\x00%s\x00%s\x00%s\x00%s\x1e", ex.Label, ex.Text, ex.Author, ex.AuthorEmail, ex.AuthorURL)
		toks := Tokenize(ex.Comment, cfg)
		if params.Binary {
			toks = dedupe(toks)
		}
		for _, t := range toks {
			cnt := counts[t]
			if cnt == nil {
				cnt = new([2]uint64)
				counts[t] = cnt
			}
			cnt[k]++
		}
	}
	if docs[Ham] == 0 || docs[Spam] == 0 {
		return nil, ErrNoData
	}

	vocab := make([]string, 0, len(counts))
	for t, cnt := range counts {
		if cnt[0]+cnt[1] >= uint64(max(params.MinCount, 1)) {
			vocab = append(vocab, t)
		}
	}
	sort.Strings(vocab)
	scaled := make([][2]uint64, len(vocab))
	for i, t := range vocab {
		scaled[i] = [2]uint64{counts[t][0] * scale, counts[t][1] * scale}
	}
	c, err := build(cfg, params, th, calib, Stats{
		Documents:  docs,
		TrainedAt:  at.UTC().Truncate(time.Second),
		DataDigest: hex.EncodeToString(digest.Sum(nil)),
	}, vocab, scaled)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Validate reports whether p can be used for training.
func (p Params) Validate() error {
	_, err := p.countScale()
	return err
}

// countScale returns k = 1/Smoothing, the factor counts are multiplied by
// so that the library's add-one smoothing acts as add-α smoothing.
func (p Params) countScale() (uint64, error) {
	if !(p.Smoothing > 0 && p.Smoothing <= 1) {
		return 0, fmt.Errorf("model: smoothing %v must be in (0, 1]", p.Smoothing)
	}
	k := math.Round(1 / p.Smoothing)
	if math.Abs(k*p.Smoothing-1) > 1e-9 || k > 1e6 {
		return 0, fmt.Errorf("model: smoothing %v must be 1/k for a whole number k ≤ 1e6", p.Smoothing)
	}
	if p.MaxWeight < 0 || math.IsNaN(p.MaxWeight) || p.Reasons < 0 || p.Reasons > 100 || p.MinCount < 0 ||
		!(p.LengthNorm >= 0 && p.LengthNorm <= 1) || p.Window < 0 || p.Window > DefaultMaxTokens ||
		!(p.WindowPenalty >= 0 && p.WindowPenalty <= 100) {
		return 0, fmt.Errorf("model: bad params %+v", p)
	}
	return uint64(k), nil
}

func dedupe(toks []string) []string {
	if len(toks) < 2 {
		return toks
	}
	if len(toks) <= 64 {
		out := make([]string, 0, len(toks))
	next:
		for _, t := range toks {
			for _, o := range out {
				if o == t {
					continue next
				}
			}
			out = append(out, t)
		}
		return out
	}
	seen := make(map[string]struct{}, len(toks))
	out := make([]string, 0, len(toks))
	for _, t := range toks {
		if _, ok := seen[t]; !ok {
			seen[t] = struct{}{}
			out = append(out, t)
		}
	}
	return out
}

// build learns a classifier from a sorted vocabulary and its scaled
// per-class counts: it feeds them to the library and turns the library's
// smoothed estimates into the scoring table.
func build(cfg TokenizerConfig, params Params, th Thresholds, calib Calibration, stats Stats, vocab []string, counts [][2]uint64) (*Classifier, error) {
	if _, err := params.countScale(); err != nil {
		return nil, err
	}
	nb := bayesian.NewClassifier(classHam, classSpam)
	var total [2]uint64
	for i, t := range vocab {
		for k, class := range []bayesian.Class{classHam, classSpam} {
			n := counts[i][k]
			if n > math.MaxInt32 {
				return nil, fmt.Errorf("model: count %d for %q out of range", n, t)
			}
			total[k] += n
			// Observing a zero count still enters the token into the
			// class's vocabulary. The library smooths each class with
			// its own vocabulary size; sharing one vocabulary makes
			// that the textbook (count+1)/(total+|V|).
			nb.Observe(t, int(n), class)
		}
	}
	// A class without a single token would make the library fall back to
	// a fixed 1e-11 for every word of it instead of smoothing.
	if total[0] == 0 || total[1] == 0 {
		return nil, fmt.Errorf("%w: the %s comments have no tokens left to learn from", ErrNoData, map[bool]Label{true: Ham, false: Spam}[total[0] == 0])
	}
	weights := make([]float64, len(vocab))
	if len(vocab) > 0 {
		freqs := nb.WordFrequencies(vocab) // rows follow the class order: ham, spam
		for i := range vocab {
			w := math.Log(freqs[1][i]) - math.Log(freqs[0][i])
			if params.MaxWeight > 0 {
				w = math.Max(-params.MaxWeight, math.Min(params.MaxWeight, w))
			}
			weights[i] = w
		}
	}
	raw, err := encode(header{Tokenizer: cfg, Params: params, Thresholds: th, Calibration: calib, Stats: stats},
		encodeBody(vocab, counts, weights))
	if err != nil {
		return nil, err
	}
	// Train and Load end in the same place, so a loaded model scores
	// exactly like the one that was saved.
	return parse(string(raw))
}

// Score classifies a comment. It never panics, whatever the input, and is
// safe for concurrent use.
func (c *Classifier) Score(cm Comment) Score {
	tk := tokenizers.Get().(*tokenizer)
	defer tokenizers.Put(tk)
	toks := tk.run(cm, c.cfg)
	// The known tokens by entry offset, sorted so that repeats sit
	// together: counted once (binary) or with their multiplicity, and
	// named in one reason each. Long comments also keep each token's
	// offset (-1 when unknown) in order, for the windows.
	known, pos := tk.known[:0], tk.pos[:0]
	defer func() { tk.known, tk.pos = known[:0], pos[:0] }()
	windowed := c.params.Window > 0 && tk.bigramStart-tk.wordStart > 2*c.params.Window
	for _, t := range toks {
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
	if windowed {
		var at int
		at, known = c.bestWindow(tk, pos, known)
		known = c.window(tk, pos, known[:0], at)
		sum, n, wtop := c.evidence(known, make([]Reason, 0, c.params.Reasons+1))
		if wlo, wscale := c.logOdds(sum, n); wlo-c.params.WindowPenalty > lo {
			lo, scale, top = wlo-c.params.WindowPenalty, wscale, wtop
		}
	}
	// Each token's share of the log-odds, after length normalisation and
	// calibration, so the reasons add up (with the prior, less the window
	// penalty when a window decided) to LogOdds.
	for i := range top {
		top[i].Weight = round3(top[i].Weight * scale)
	}
	return Score{SpamProbability: Sigmoid(lo), LogOdds: lo, Verdict: c.thresholds.verdict(lo), Reasons: top}
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
func (c *Classifier) bestWindow(tk *tokenizer, pos, buf []int) (int, []int) {
	size, words := c.params.Window, tk.bigramStart-tk.wordStart
	best, bestAt := math.Inf(-1), 0
	for at := 0; ; at += max(size/2, 1) {
		at = min(at, words-size)
		buf = c.window(tk, pos, buf[:0], at)
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
func (c *Classifier) window(tk *tokenizer, pos, buf []int, at int) []int {
	size, pairs := c.params.Window, tk.bigramEnd-tk.bigramStart
	for _, r := range [...][2]int{
		{0, tk.wordStart},
		{tk.wordStart + at, tk.wordStart + at + size},
		{tk.bigramStart + min(at, pairs), tk.bigramStart + min(at+size-1, pairs)},
		{tk.bigramEnd, len(pos)},
	} {
		for _, off := range pos[r[0]:r[1]] {
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

// Weight returns the log-likelihood ratio the model assigns to token, and
// whether the token is known.
func (c *Classifier) Weight(token string) (float64, bool) {
	_, w, ok := c.lookup(token)
	return w * c.calib.A, ok
}

// String describes the model in one line.
func (c *Classifier) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "model %s: %d spam + %d ham comments, %d tokens, reject ≥ %.6g",
		c.id, c.stats.Documents[Spam], c.stats.Documents[Ham], c.n, c.thresholds.Reject)
	if c.thresholds.Review != 0 {
		fmt.Fprintf(&b, ", review ≥ %.6g", c.thresholds.Review)
	}
	return b.String()
}
