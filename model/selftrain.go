package model

import (
	"cmp"
	"fmt"
	"slices"
)

// UnlabeledSource names the source of the pseudo-labeled comments that
// self-training adds (see fitSelfTrained); no labeled source may use it.
const UnlabeledSource = "#unlabeled"

// defaultSelfTrainRounds is FitOptions.SelfTrainRounds's default.
const defaultSelfTrainRounds = 3

// SelfTrainRound is what one round of self-training took from the
// unlabeled comments.
type SelfTrainRound struct {
	// Spam counts the unlabeled comments the previous round's model
	// rejected, counted as spam.
	Spam int `json:"spam"`
}

// fitSelfTrained is Fit adapted to o.Unlabeled, a platform's comments
// without labels, by self-training: the model fitted on the examples
// scores them; what it rejects (at its own threshold, picked to reject
// little ham on a platform it has never seen) is added as spam, as one
// more source, UnlabeledSource; and the model is fitted again, for up to
// o.SelfTrainRounds rounds or until the pseudo-labels stop changing.
//
// Spam comes in campaigns: once a model is sure of a few of a platform's
// spam, their wording, which no other source taught it, catches more of
// the campaign. Only spam is taken: counting the comments a model scores
// lowest as ham also taught it the platform's vocabulary, but it rejected
// more of the platform's ham and, where a spam family scores like ham (on
// X), ranked that family lower still (see the README's figures). The
// pseudo-labeled comments are never held out, so the calibration and
// thresholds come from the labeled examples alone, as without them:
// self-training moves scores, not what a threshold means for labeled
// sources held out.
func fitSelfTrained(examples []Example, o FitOptions) (*Classifier, FitReport, error) {
	for _, ex := range examples {
		if ex.Source == UnlabeledSource {
			return nil, FitReport{}, fmt.Errorf("model: a labeled source is named %q, the name of the unlabeled comments' source", UnlabeledSource)
		}
	}
	rounds := cmp.Or(o.SelfTrainRounds, defaultSelfTrainRounds)
	if rounds < 1 {
		return nil, FitReport{}, fmt.Errorf("model: %d self-training rounds: want at least 1", rounds)
	}
	c, rep, err := fit(examples, o, len(examples))
	if err != nil {
		return nil, rep, err
	}
	var log []SelfTrainRound
	var prev []Label
	all := slices.Clone(examples)
	for range rounds {
		labels := pseudoLabels(c, o.Unlabeled)
		if slices.Equal(labels, prev) {
			break
		}
		prev = labels
		var r SelfTrainRound
		all = all[:len(examples)]
		for i, l := range labels {
			if l == Spam {
				r.Spam++
				all = append(all, Example{Comment: o.Unlabeled[i], Label: l, Source: UnlabeledSource})
			}
		}
		if r.Spam == 0 {
			break
		}
		log = append(log, r)
		if c, rep, err = fit(all, o, len(examples)); err != nil {
			return nil, rep, fmt.Errorf("self-training round %d: %w", len(log), err)
		}
	}
	rep.SelfTrain = log
	return c, rep, nil
}

// pseudoLabels labels each comment Spam if c rejects it, else "".
func pseudoLabels(c *Classifier, comments []Comment) []Label {
	labels := make([]Label, len(comments))
	eachOnEveryCore(len(comments), func(i int) {
		if c.Score(comments[i]).Verdict == Reject {
			labels[i] = Spam
		}
	})
	return labels
}
