package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/spamcheck/spamcheck/model"
)

// learnOptions are the settings of the whole training procedure.
type learnOptions struct {
	// maxHamRejected is the share of ham (0..1) the reject threshold may
	// reject in cross-validation.
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
}

// learn trains a model the way `train` does: cross-validation on the
// training data gives out-of-fold scores, from which it fits the
// probability calibration and picks the reject threshold; then it trains on
// all the data with both.
func learn(examples []model.Example, o learnOptions) (*model.Classifier, error) {
	spam, ham := countClasses(labelsOf(examples))
	if spam == 0 || ham == 0 {
		return nil, fmt.Errorf("%w (have %d spam, %d ham)", model.ErrNoData, spam, ham)
	}
	base := model.TrainOptions{Params: o.params, Tokenizer: o.tokenizer, TrainedAt: o.trainedAt}
	calib := model.Calibration{A: 1}
	threshold := 0.5
	folds := min(o.folds, spam, ham)
	if folds >= 2 {
		raw, err := crossScores(examples, stratifiedFolds(examples, folds, o.seed), base)
		if err != nil {
			return nil, err
		}
		labels := labelsOf(examples)
		calib = fitCalibration(raw, labels)
		cal := make([]float64, len(raw))
		for i, x := range raw {
			cal[i] = calib.A*x + calib.B
		}
		threshold = model.Sigmoid(pickThreshold(cal, labels, o.maxHamRejected))
	}
	th := model.Thresholds{Reject: clampProb(threshold)}
	if o.review > 0 && o.review < th.Reject {
		th.Review = o.review
	}
	opts := base
	opts.Thresholds = th
	opts.Calibration = calib
	return model.Train(examples, opts)
}

// clampProb keeps a threshold strictly inside (0, 1) where float64 can
// still tell it from 0 and 1.
func clampProb(p float64) float64 { return math.Max(1e-12, math.Min(1-1e-12, p)) }

func labelsOf(examples []model.Example) []bool {
	out := make([]bool, len(examples))
	for i, e := range examples {
		out[i] = e.Label == model.Spam
	}
	return out
}

// byLabel returns the indexes of the spam and of the ham examples, each
// list shuffled by rng.
func byLabel(examples []model.Example, rng *rand.Rand) [2][]int {
	var out [2][]int
	for k, l := range []model.Label{model.Spam, model.Ham} {
		for i, e := range examples {
			if e.Label == l {
				out[k] = append(out[k], i)
			}
		}
		rng.Shuffle(len(out[k]), func(a, b int) { out[k][a], out[k][b] = out[k][b], out[k][a] })
	}
	return out
}

// stratifiedFolds assigns each example to one of k folds, keeping the share
// of spam in each fold close to the whole, deterministically for a seed.
func stratifiedFolds(examples []model.Example, k int, seed uint64) []int {
	fold := make([]int, len(examples))
	for _, idx := range byLabel(examples, rand.New(rand.NewPCG(seed, 0x5eed))) {
		for j, i := range idx {
			fold[i] = j % k
		}
	}
	return fold
}

// holdoutSplit marks a stratified random fraction of examples for testing:
// round(frac·n) of each label, the same for a given seed.
func holdoutSplit(examples []model.Example, frac float64, seed uint64) []bool {
	test := make([]bool, len(examples))
	for _, idx := range byLabel(examples, rand.New(rand.NewPCG(seed, 0x7e57))) {
		for _, i := range idx[:int(math.Round(frac*float64(len(idx))))] {
			test[i] = true
		}
	}
	return test
}

// crossScores trains one model per fold on the other folds and returns the
// raw (uncalibrated) log-odds of every example from the model that did not
// see it.
func crossScores(examples []model.Example, fold []int, opts model.TrainOptions) ([]float64, error) {
	k := 0
	for _, f := range fold {
		k = max(k, f+1)
	}
	scores := make([]float64, len(examples))
	for f := 0; f < k; f++ {
		var train []model.Example
		for i, e := range examples {
			if fold[i] != f {
				train = append(train, e)
			}
		}
		c, err := model.Train(train, opts)
		if err != nil {
			return nil, fmt.Errorf("fold %d: %w", f+1, err)
		}
		for i, e := range examples {
			if fold[i] == f {
				scores[i] = c.Score(e.Comment).LogOdds
			}
		}
	}
	return scores, nil
}

// pickThreshold returns the log-odds threshold that rejects as much spam as
// possible while rejecting at most maxHam (a share) of the ham in scores.
// It sits halfway between the highest ham score that must be kept and the
// next score above it, for a margin on unseen data.
func pickThreshold(scores []float64, spam []bool, maxHam float64) float64 {
	var hams []float64
	for i, s := range scores {
		if !spam[i] {
			hams = append(hams, s)
		}
	}
	sort.Sort(sort.Reverse(sort.Float64Slice(hams)))
	allowed := int(math.Floor(maxHam*float64(len(hams)) + 1e-9))
	if allowed >= len(hams) {
		allowed = len(hams) - 1
	}
	keep := hams[allowed] // the highest ham score that must stay below
	next := math.Inf(1)
	for _, s := range scores {
		if s > keep && s < next {
			next = s
		}
	}
	if math.IsInf(next, 1) {
		return keep + 1
	}
	return (keep + next) / 2
}

// fitCalibration fits Platt scaling, p = σ(A·x + B), to raw log-odds x by
// maximum likelihood (Newton's method), with Platt's smoothed targets so
// perfectly separated data gives a finite slope.
func fitCalibration(x []float64, spam []bool) model.Calibration {
	ns, nh := countClasses(spam)
	np, nn := float64(ns), float64(nh)
	tp, tn := (np+1)/(np+2), 1/(nn+2)
	a, b := 1.0, 0.0
	loss := func(a, b float64) float64 {
		l := 0.0
		for i, xi := range x {
			t := tn
			if spam[i] {
				t = tp
			}
			z := a*xi + b
			// −[t·log σ(z) + (1−t)·log(1−σ(z))], stably
			l += math.Max(z, 0) - t*z + math.Log1p(math.Exp(-math.Abs(z)))
		}
		return l
	}
	cur := loss(a, b)
	for iter := 0; iter < 100; iter++ {
		var ga, gb, haa, hab, hbb float64
		for i, xi := range x {
			t := tn
			if spam[i] {
				t = tp
			}
			p := model.Sigmoid(a*xi + b)
			d := p - t
			w := p * (1 - p)
			ga += d * xi
			gb += d
			haa += w * xi * xi
			hab += w * xi
			hbb += w
		}
		haa += 1e-9
		hbb += 1e-9
		det := haa*hbb - hab*hab
		if det <= 0 {
			break
		}
		da := (hbb*ga - hab*gb) / det
		db := (haa*gb - hab*ga) / det
		step := 1.0
		for step > 1e-6 {
			na, nb := a-step*da, b-step*db
			if l := loss(na, nb); l <= cur && na > 0 {
				a, b, cur = na, nb, l
				break
			}
			step /= 2
		}
		if step <= 1e-6 || math.Abs(da)+math.Abs(db) < 1e-9 {
			break
		}
	}
	return model.Calibration{A: a, B: b}
}
