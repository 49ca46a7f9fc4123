package model

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
)

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

// maxSourceDocs bounds a source's comments of a class in a model file, so
// that no sum of them overflows: a trillion is more than any corpus.
const maxSourceDocs = 1 << 40

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
	// from (weighted) document counts, not token counts.
	prior float64
	// version is the file's format version.
	version int
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
	s.Documents = maps.Clone(s.Documents) // parse sets both, never nil
	s.Tokens = maps.Clone(s.Tokens)
	s.Sources = slices.Clone(s.Sources)
	return Info{ID: c.id, Format: c.version, Thresholds: c.thresholds, Calibration: c.calib,
		Tokenizer: c.cfg, Params: c.params, Stats: s}
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

// with re-encodes c with other thresholds and calibration.
func (c *Classifier) with(t Thresholds, k Calibration) (*Classifier, error) {
	body := c.raw[c.body : len(c.raw)-sha256.Size]
	raw, err := encode(c.version, header{Tokenizer: c.cfg, Params: c.params, Thresholds: t, Calibration: k, Stats: c.stats},
		len(body), func(w *fileWriter) { w.writeString(body) })
	if err != nil {
		return nil, err
	}
	return parse(raw)
}

// validateSettings checks everything but the vocabulary.
func (c *Classifier) validateSettings() error {
	if err := c.params.Validate(); err != nil {
		return err
	}
	if c.version == oldVersion && math.Abs(math.Round(1/c.params.Smoothing)*c.params.Smoothing-1) > 1e-9 {
		return fmt.Errorf("model: version %d smoothing %v is not 1/k", oldVersion, c.params.Smoothing)
	}
	if c.version != oldVersion {
		if len(c.stats.Sources) == 0 {
			return errors.New("model: no sources")
		}
		var docs [2]int
		pruned := uint64(c.stats.PrunedTokens)
		if c.stats.PrunedTokens < 0 || c.stats.PrunedTokens > 1<<32 || pruned > 0 && c.params.MaxTokens == 0 {
			return fmt.Errorf("model: %d pruned tokens with -max-tokens %d", c.stats.PrunedTokens, c.params.MaxTokens)
		}
		// Each pruned token was held by at most every comment of the
		// source's class (n ≤ pruned·docs, without overflowing), or,
		// without binary counts, where a token counts as often as it
		// occurs, counted at most as often as an entry may hold (n ≤
		// pruned·MaxInt32); and by at least one comment of some source.
		heldBy := func(n uint64, docs int) bool {
			if pruned == 0 {
				return n == 0
			}
			most := uint64(docs)
			if !c.params.Binary {
				most = math.MaxInt32
			}
			q, r := n/pruned, n%pruned
			return q < most || q == most && r == 0
		}
		var held uint64
		for _, s := range c.stats.Sources {
			if s.Ham < 0 || s.Spam < 0 || s.Ham > maxSourceDocs || s.Spam > maxSourceDocs || !(s.Weight >= 0 && s.Weight <= maxSourceWeight) || !heldBy(s.PrunedHam, s.Ham) || !heldBy(s.PrunedSpam, s.Spam) {
				return fmt.Errorf("model: bad source %+v", s)
			}
			if !(s.HamWeight >= 0 && s.HamWeight <= maxSourceWeight && s.SpamWeight >= 0 && s.SpamWeight <= maxSourceWeight) || c.version == noClassWeights && (s.HamWeight != 0 || s.SpamWeight != 0) {
				return fmt.Errorf("model: bad class weights in version %d: source %+v", c.version, s)
			}
			docs[0] += s.Ham
			docs[1] += s.Spam
			held = min(held+min(s.PrunedHam, pruned)+min(s.PrunedSpam, pruned), pruned) // each term ≤ 2^32: no overflow
		}
		if held < pruned {
			return fmt.Errorf("model: %d pruned tokens, held by fewer comments", pruned)
		}
		if docs[0] != c.stats.Documents[Ham] || docs[1] != c.stats.Documents[Spam] {
			return errors.New("model: sources do not add up to the documents")
		}
	} else if c.stats.PrunedTokens != 0 || slices.ContainsFunc(c.stats.Sources, func(s Source) bool { return s.PrunedHam != 0 || s.PrunedSpam != 0 }) {
		// Format 3 predates the pruned totals.
		return fmt.Errorf("model: version %d with pruned totals", c.version)
	}
	if err := c.thresholds.Validate(); err != nil {
		return err
	}
	if err := c.calib.validate(); err != nil {
		return err
	}
	if err := c.cfg.validate(); err != nil {
		return err
	}
	if c.stats.Documents[Ham] <= 0 || c.stats.Documents[Spam] <= 0 {
		return ErrNoData
	}
	return nil
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
