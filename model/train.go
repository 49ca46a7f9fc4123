package model

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
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

// DefaultParams returns the settings new models are trained with; they
// were chosen by leave-one-video-out evaluation on the YouTube Spam
// Collection (see the README).
func DefaultParams() Params {
	return Params{Smoothing: 0.2, Binary: true, MinCount: 1, MaxWeight: 5, LengthNorm: 0.5,
		Window: 20, WindowPenalty: 2, Reasons: 5}
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

// Train learns a classifier from labeled examples. It needs at least one
// spam and one ham example, and rejects labels other than Spam and Ham
// (the library would panic on them).
func Train(examples []Example, opts TrainOptions) (*Classifier, error) {
	cfg := DefaultTokenizer()
	if opts.Tokenizer != nil {
		cfg = *opts.Tokenizer
	}
	params := DefaultParams()
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
	slices.Sort(vocab)
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
	// Up to 64 tokens (most comments), comparing with every kept token
	// costs less than building a map.
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
		empty := Spam
		if total[0] == 0 {
			empty = Ham
		}
		return nil, fmt.Errorf("%w: the %s comments have no tokens left to learn from", ErrNoData, empty)
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
