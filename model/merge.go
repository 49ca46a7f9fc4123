package model

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"time"
)

// ErrNotMergeable is returned by Merge for models whose counts do not add
// up to the counts of training on all their data at once.
var ErrNotMergeable = errors.New("model: models cannot be merged exactly")

// MergeOptions control Merge. The zero value keeps the first model's
// thresholds and calibration and records the time of the merge.
type MergeOptions struct {
	Thresholds  Thresholds
	Calibration Calibration
	// TrainedAt is recorded in the model; the zero value means now.
	TrainedAt time.Time
}

// Merge adds up the counts of models trained with the same tokenizer and
// parameters, source by source (sources are matched by name, in the
// order they first appear), and estimates the weights from the sum as
// training does: merging models trained on parts of a data set gives the
// model trained on the whole, count for count. So shards can be trained
// anywhere and combined.
//
// Models that dropped tokens cannot be merged exactly — a token below
// -min-count or -min-sources in each shard can be above it in the whole,
// and a pruned model (-max-tokens) kept only its best tokens — so Merge
// refuses them with ErrNotMergeable, as it refuses settings that differ
// and a source whose weight differs between models, two models trained
// on the same data (a shard given twice; the check is on the digest of
// the data as read, so the same files read in another order pass it), and
// a model trained on top of a base, which holds the base's counts. A model trained with
// -max-tokens or -min-sources that dropped nothing (a vocabulary within
// the limit, fewer sources than -min-sources asks) merges: the sum is
// pruned and filtered as training on the whole would. -min-count above 1
// is refused whatever it dropped, which the file does not record.
//
// The merged model's thresholds and calibration are the first model's
// unless o sets them: they were picked on held-out scores that only the
// training data can give again.
func Merge(models []*Classifier, o MergeOptions) (*Classifier, error) {
	if len(models) == 0 {
		return nil, fmt.Errorf("%w: no models", ErrNotMergeable)
	}
	first := models[0]
	cfg, params := first.cfg, first.params
	digest := sha256.New()
	merged := newTally()
	trainedOn := map[string]string{} // data digest → the model that has it
	for _, c := range models {
		switch {
		case c.cfg != cfg:
			return nil, fmt.Errorf("%w: %s has other tokenizer settings than %s (%+v, not %+v)", ErrNotMergeable, c.id, first.id, c.cfg, cfg)
		case c.params != params:
			return nil, fmt.Errorf("%w: %s has other parameters than %s (%+v, not %+v)", ErrNotMergeable, c.id, first.id, c.params, params)
		case c.stats.PrunedTokens > 0:
			return nil, fmt.Errorf("%w: %s is pruned to its %d best tokens (-max-tokens), and dropped %d; merge models that dropped none", ErrNotMergeable, c.id, params.MaxTokens, c.stats.PrunedTokens)
		case params.MinCount > 1:
			// Which tokens fell below the count is not recorded.
			return nil, fmt.Errorf("%w: %s may have dropped tokens seen fewer than %d times (-min-count); merge models trained with -min-count 1", ErrNotMergeable, c.id, params.MinCount)
		case c.stats.Base != "":
			// Each holds the base's counts: merged, they would count
			// once per model.
			return nil, fmt.Errorf("%w: %s was trained on top of the base model %s, whose counts it holds (as would any other model trained on it): merge the shards of the site's labels trained without -base, or train on top of the base once with all of them", ErrNotMergeable, c.id, c.stats.Base)
		case params.minSources(c.stats.Sources) > 0:
			return nil, fmt.Errorf("%w: %s dropped tokens seen in fewer than %d of its %d sources (-min-sources); merge models trained without it, or with fewer sources each than it asks", ErrNotMergeable, c.id, params.MinSources, len(c.stats.Sources))
		}
		if d := c.stats.DataDigest; d != "" {
			if other, ok := trainedOn[d]; ok {
				return nil, fmt.Errorf("%w: %s and %s were trained on the same data (digest %.12s…): merged, it would count twice", ErrNotMergeable, other, c.id, d)
			}
			trainedOn[d] = c.id
		}
		t, err := c.counts()
		if err != nil {
			return nil, err
		}
		// remap[j] is the merged position of c's source j.
		remap := make([]int, len(t.sources))
		for j, s := range t.sources {
			_, seen := merged.index[s.Name]
			k := merged.source(s.Name)
			m := &merged.sources[k]
			if seen && (m.classWeight(0) != s.classWeight(0) || m.classWeight(1) != s.classWeight(1)) {
				return nil, fmt.Errorf("%w: source %q weighs %s in %s and %s in an earlier model", ErrNotMergeable, s.Name, s.weights(), c.id, m.weights())
			}
			m.Weight, m.HamWeight, m.SpamWeight = s.Weight, s.HamWeight, s.SpamWeight
			m.Ham += s.Ham
			m.Spam += s.Spam
			remap[j] = k
		}
		for i, tok := range t.vocab {
			cs := merged.counts[tok]
			for _, n := range t.counts[i] {
				k := remap[n.src]
				j := slices.IndexFunc(cs, func(c count) bool { return c.src == k })
				if j < 0 {
					cs = append(cs, count{src: k})
					j = len(cs) - 1
				}
				cs[j].n[0] += n.n[0]
				cs[j].n[1] += n.n[1]
			}
			merged.counts[tok] = cs
		}
		digest.Write([]byte(c.stats.DataDigest))
	}
	th, calib := first.thresholds, first.calib
	if o.Thresholds != (Thresholds{}) {
		if err := o.Thresholds.Validate(); err != nil {
			return nil, err
		}
		th = o.Thresholds
	}
	if o.Calibration != (Calibration{}) {
		if err := o.Calibration.validate(); err != nil {
			return nil, err
		}
		calib = o.Calibration
	}
	at := o.TrainedAt
	if at.IsZero() {
		at = time.Now()
	}
	// The digest of a merge is the digest of its parts' digests, in
	// order: it tells merges apart without the data.
	stats := Stats{TrainedAt: at.UTC().Truncate(time.Second), DataDigest: hex.EncodeToString(digest.Sum(nil))}
	return build(cfg, params, th, calib, stats, merged.table())
}
