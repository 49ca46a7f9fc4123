package main

import (
	"errors"
	"math"
	"math/rand/v2"
	"time"

	"github.com/spamcheck/spamcheck/model"
)

// learnOptions are the settings of the whole training procedure.
type learnOptions struct {
	// maxHamRejected is the share of ham (0..1) the reject threshold may
	// reject in the held-out scores.
	maxHamRejected float64
	// review, when > 0, sets a review threshold at this spam probability.
	review float64
	// folds is the number of cross-validation folds used to pick the
	// threshold and calibrate probabilities.
	folds     int
	seed      uint64
	trainedAt time.Time
	params    *model.Params
	tokenizer *model.TokenizerConfig
	// weights multiplies the evidence of the named sources, or of one
	// of their classes.
	weights *weightFlag
	// kfoldThreshold picks the threshold on k-fold scores even with
	// several sources.
	kfoldThreshold bool
	// progress, when set, shows what model.Fit is doing.
	progress func(stage string, done, total int)
	// base, when set, is the model to train on top of (-base), with
	// siteWeight the site's weight (0: chosen by cross-validation).
	base       *model.Classifier
	siteWeight float64
	// unlabeled are a platform's comments without labels to self-train
	// on (-unlabeled).
	unlabeled []model.Comment
	// unlabeledSkipped counts the lines of -unlabeled that could not
	// be read.
	unlabeledSkipped int
}

// learn trains a model the way `train` does (model.Fit).
func learn(examples []model.Example, o learnOptions) (*model.Classifier, model.FitReport, error) {
	if o.weights != nil && len(o.weights.given) > 0 && o.weights.source == nil {
		return nil, model.FitReport{}, errors.New("training: -weight was not resolved against the data (checkWeights)")
	}
	return model.Fit(examples, model.FitOptions{Tokenizer: o.tokenizer, Params: o.params,
		MaxHamRejected: o.maxHamRejected, Review: o.review, Folds: o.folds, Seed: o.seed,
		TrainedAt: o.trainedAt, Progress: o.progress, KFoldThreshold: o.kfoldThreshold, SourceWeights: o.weights.sourceWeights(), ClassWeights: o.weights.classWeights(),
		Base: o.base, SiteWeight: o.siteWeight, Unlabeled: o.unlabeled})
}

func labelsOf(examples []model.Example) []bool {
	out := make([]bool, len(examples))
	for i, e := range examples {
		out[i] = e.Label == model.Spam
	}
	return out
}

// holdoutSplit marks a stratified random fraction of examples for testing:
// round(frac·n) of each label, the same for a given seed.
func holdoutSplit(examples []model.Example, frac float64, seed uint64) []bool {
	test := make([]bool, len(examples))
	for _, idx := range model.ByLabel(labelsOf(examples), rand.New(rand.NewPCG(seed, 0x7e57))) {
		for _, i := range idx[:int(math.Round(frac*float64(len(idx))))] {
			test[i] = true
		}
	}
	return test
}

// checkWeights fails when a -weight names no source of d: a misspelled
// name, or a path where the source is its base name, would otherwise
// leave the model as if the flag were not there.
func checkWeights(weights *weightFlag, d *dataset) error {
	if weights == nil {
		return nil
	}
	names := map[string]bool{}
	for _, ex := range d.examples {
		names[ex.Source] = true
	}
	return weights.resolve(names)
}

// sourceWeights and classWeights are the flag's weights as model.Fit
// takes them, once resolved (nil without the flag).
func (w *weightFlag) sourceWeights() map[string]float64 {
	if w == nil {
		return nil
	}
	return w.source
}

func (w *weightFlag) classWeights() map[string][2]float64 {
	if w == nil {
		return nil
	}
	return w.class
}
