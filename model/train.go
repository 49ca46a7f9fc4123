package model

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"time"
)

// Params are the learning settings of a model, stored with it.
type Params struct {
	// Smoothing is the additive (Lidstone) smoothing constant α, in
	// (weighted) comments; 1 is Laplace smoothing. The library smooths
	// with 1, so counts are scaled and pseudo-counts added (see doc.go);
	// α must be at least 0.01.
	Smoothing float64 `json:"smoothing"`
	// Balance weighs every source (platform, site, file given to the
	// CLI) equally, and within it both classes, instead of every comment:
	// each class of each source counts as sourceMass comments. One large
	// platform then cannot define the vocabulary, and a token that is
	// spammy on one platform and ordinary on the others stays weak.
	Balance bool `json:"balance,omitempty"`
	// MinSources, when above 1 and the training data has at least that
	// many sources, drops tokens seen in fewer sources (see
	// minCount).
	MinSources int `json:"min_sources,omitempty"`
	// MaxTokens, when not 0, keeps only the tokens that carry the most
	// evidence (see prune), bounding the model's size.
	MaxTokens int `json:"max_tokens,omitempty"`
	// PruneBy is how MaxTokens ranks tokens: "" (|weight| × weighted
	// document frequency, the default), "df" (weighted document
	// frequency) or "mi" (mutual information between holding the token
	// and the class). See prune and the README's Performance
	// section for how they compare.
	PruneBy string `json:"prune_by,omitempty"`
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
	// WindowPenalty, in nats of the uncalibrated log-odds, is subtracted
	// from the best stretch's: the best of many stretches scores higher
	// than a typical one by chance, and a stretch should win only when
	// clearly spammier than the comment it is part of. The defaults, 20
	// words and half a nat, keep the seed spam rejected however many
	// ordinary words follow it and leave the share of ham rejected in
	// the quality figures as it was (model/adversarial_test.go). (Scores
	// once took the penalty off after calibration, a slope of 1.44 for
	// the default model, where Fit took it off before: 1 nat after was
	// about 0.7 before, and half a nat keeps padded spam as well caught.)
	WindowPenalty float64 `json:"window_penalty,omitempty"`
	// Reasons is how many reasons Score returns.
	Reasons int `json:"reasons"`
}

// DefaultParams returns the settings new models are trained with. They
// were chosen on held-out platforms (train on the corpus and every other
// platform, test on one never seen; see the README's Quality section):
// each source and class weighs the same (Balance), add-1 smoothing in
// weighted comments, and a cap of 2 nats per token, so that no word learned
// on one platform decides a comment on another. The YouTube
// leave-one-video-out and SMS figures stay within their bars with them.
func DefaultParams() Params {
	return Params{Smoothing: 1, Balance: true, Binary: true, MinCount: 1, MaxWeight: 2, LengthNorm: 0.5,
		Window: 20, WindowPenalty: 0.5, Reasons: 5}
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

// Train learns a classifier from labeled examples with fixed thresholds
// and calibration; Fit is the whole training procedure, which picks both.
// It needs at least one spam and one ham example, and rejects labels other
// than Spam and Ham (the library would panic on them).
func Train(examples []Example, opts TrainOptions) (*Classifier, error) {
	cfg, params := opts.settings()
	if err := params.ValidateNew(); err != nil {
		return nil, err
	}
	if err := cfg.validate(); err != nil {
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
	if err := calib.validate(); err != nil {
		return nil, err
	}
	c, err := newCorpus(examples, cfg, params, nil)
	if err != nil {
		return nil, err
	}
	return buildFrom(cfg, params, th, calib, statsOf(examples, opts.TrainedAt), c.sources, c)
}

// settings returns the tokenizer and learning settings of opts, with the
// defaults filled in.
func (opts TrainOptions) settings() (TokenizerConfig, Params) {
	cfg := DefaultTokenizer()
	if opts.Tokenizer != nil {
		cfg = *opts.Tokenizer
	}
	params := DefaultParams()
	if opts.Params != nil {
		params = *opts.Params
	}
	return cfg, params
}

// labelIndex maps a validated label to its class index: 0 ham, 1 spam.
func labelIndex(l Label) int {
	if l == Spam {
		return 1
	}
	return 0
}

// tokenizeAll checks every label and tokenizes every example, each token
// once per comment when counts are binary. progress, when set, is told
// how many examples are done.
func tokenizeAll(examples []Example, cfg TokenizerConfig, params Params, progress func(done int)) ([][]string, error) {
	var docs [2]int
	out := make([][]string, len(examples))
	for i, ex := range examples {
		if ex.Label != Ham && ex.Label != Spam {
			return nil, fmt.Errorf("example %d: %w: %q", i, ErrBadLabel, ex.Label)
		}
		docs[labelIndex(ex.Label)]++
		toks := Tokenize(ex.Comment, cfg)
		if params.Binary {
			toks = dedupe(toks)
		}
		out[i] = toks
		if progress != nil && i%1024 == 1023 {
			progress(i + 1)
		}
	}
	if docs[0] == 0 || docs[1] == 0 {
		return out, ErrNoData // out for a caller that has the other class elsewhere
	}
	return out, nil
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

// statsOf describes the training examples: per-label counts, the training
// date and a digest of the data in the order learned.
func statsOf(examples []Example, at time.Time) Stats {
	if at.IsZero() {
		at = time.Now()
	}
	digest := sha256.New()
	docs := map[Label]int{}
	for _, ex := range examples {
		docs[ex.Label]++
		fmt.Fprintf(digest, "%s\x00%s\x00%s\x00%s\x00%s\x1e", ex.Label, ex.Text, ex.Author, ex.AuthorEmail, ex.AuthorURL)
	}
	return Stats{Documents: docs, TrainedAt: at.UTC().Truncate(time.Second), DataDigest: hex.EncodeToString(digest.Sum(nil))}
}

// minMaxWeight is the smallest cap on a token's weight Validate takes.
const minMaxWeight = 0.1

// ValidateNew is Validate for a model about to be trained, not one loaded
// or trained on top of: counts are kept in hundredths of a comment, so a
// smoothing between two hundredths would be rounded, and the file would
// record what was not used. (Files from before, and format 3's 1/k, still
// load and score as they did.)
func (p Params) ValidateNew() error {
	if err := p.Validate(); err != nil {
		return err
	}
	if u := p.Smoothing * countUnit; math.Abs(u-math.Round(u)) > 1e-9*u {
		return fmt.Errorf("model: smoothing %v must be a whole number of hundredths (0.01, 0.25, 1…): counts are kept in hundredths of a comment", p.Smoothing)
	}
	return nil
}

// Validate reports whether p can be used for training.
func (p Params) Validate() error {
	if !(p.Smoothing*countUnit >= 1 && p.Smoothing <= 100) {
		return fmt.Errorf("model: smoothing %v must be in [%v, 100]", p.Smoothing, 1.0/countUnit)
	}
	// A cap of a hundredth of a nat leaves scores so small that their
	// calibration's slope passes the 100 a model file may hold.
	if !(p.MaxWeight == 0 || p.MaxWeight >= minMaxWeight && p.MaxWeight <= 100) {
		return fmt.Errorf("model: max weight %v must be 0 (no cap) or in [%v, 100]", p.MaxWeight, minMaxWeight)
	}
	// Each bound names the parameter, as the CLI's flag of the same name.
	for _, c := range []struct {
		bad  bool
		name string
		v    any
		want string
	}{
		{p.Reasons < 0 || p.Reasons > 100, "reasons", p.Reasons, "in [0, 100]"},
		{p.MinCount < 0, "min count", p.MinCount, "at least 0"},
		{!(p.LengthNorm >= 0 && p.LengthNorm <= 1), "length norm", p.LengthNorm, "in [0, 1]"},
		{p.Window < 0 || p.Window > DefaultMaxTokens, "window", p.Window, fmt.Sprintf("in [0, %d]", DefaultMaxTokens)},
		{!(p.WindowPenalty >= 0 && p.WindowPenalty <= 100), "window penalty", p.WindowPenalty, "in [0, 100]"},
		{p.MaxTokens < 0, "max tokens", p.MaxTokens, "at least 0"},
		{p.MinSources < 0, "min sources", p.MinSources, "at least 0"},
		{p.PruneBy != "" && p.PruneBy != "df" && p.PruneBy != "mi", "prune by", fmt.Sprintf("%q", p.PruneBy), `"", "df" or "mi"`},
	} {
		if c.bad {
			return fmt.Errorf("model: %s %v must be %s", c.name, c.v, c.want)
		}
	}
	return nil
}

// build learns a classifier from a table of counts (see buildFrom).
func build(cfg TokenizerConfig, params Params, th Thresholds, calib Calibration, stats Stats, t *table) (*Classifier, error) {
	return buildFrom(cfg, params, th, calib, stats, t.sources, t)
}

// buildFrom learns a classifier from the counts of sources' comments: it
// drops rare tokens, has the library estimate the weights, keeps the most
// informative tokens and encodes the model file, which it then parses, so
// that Train and Load end in the same place and a loaded model scores
// exactly like the one that was saved.
func buildFrom(cfg TokenizerConfig, params Params, th Thresholds, calib Calibration, stats Stats, sources []Source, tc tokenCounts) (*Classifier, error) {
	if err := params.Validate(); err != nil {
		return nil, err
	}
	tc = minCount(tc, sources, params)
	weights, err := estimate(tc, sources, params, stats.PrunedTokens, true)
	if err != nil {
		return nil, err
	}
	var dropped int
	tc, weights, sources, dropped = prune(tc, sources, params, weights)
	stats.PrunedTokens += dropped
	return assemble(cfg, params, th, calib, stats, sources, tc, weights)
}

// assemble encodes a model file from the counts of its tokens and their
// weights, and parses it.
func assemble(cfg TokenizerConfig, params Params, th Thresholds, calib Calibration, stats Stats, sources []Source, tc tokenCounts, weights []float64) (*Classifier, error) {
	stats.Sources = slices.Clone(sources)
	stats.Documents = map[Label]int{}
	for _, s := range sources {
		stats.Documents[Ham] += s.Ham
		stats.Documents[Spam] += s.Spam
	}
	size, body := encodeBody(tc, weights)
	// Only a model whose sources weigh their classes apart needs version
	// 5; any other stays readable by builds that read version 4.
	version := noClassWeights
	if slices.ContainsFunc(sources, func(s Source) bool { return s.HamWeight != 0 || s.SpamWeight != 0 }) {
		version = formatVersion
	}
	raw, err := encode(version, header{Tokenizer: cfg, Params: params, Thresholds: th, Calibration: calib, Stats: stats}, size, body)
	if err != nil {
		return nil, err
	}
	return parse(raw)
}
