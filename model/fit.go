package model

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"time"
)

// FitOptions control Fit. The zero value fits with the default tokenizer
// and parameters, 5 folds, seed 0 and a reject threshold that rejects at
// most 0.5% of ham.
type FitOptions struct {
	Tokenizer *TokenizerConfig
	Params    *Params
	// MaxHamRejected is the share of ham (0..1) the reject threshold may
	// reject in the held-out scores; 0 means 0.005. On top of a Base,
	// where the threshold comes from a few hundred of the site's ham, it
	// is the probability that a new site ham lands above the threshold
	// (see PickThresholdForNewHam); with too few site labels to
	// cross-validate, the base's threshold is kept and it has no effect.
	MaxHamRejected float64
	// Review, when in (0, Reject), is a fixed review threshold. When it
	// is 0 and the reject threshold comes from held-out sources, the
	// review threshold is the one the k-fold scores would give: what
	// the model is sure of within its own sources but not across them.
	// On top of a Base it is the threshold a new site ham reaches with
	// probability about twice MaxHamRejected (the base's with too few
	// site labels). A negative Review, or one at or above the reject
	// threshold, means no review band.
	Review float64
	// SourceWeights multiplies the evidence of the named sources (see
	// Source.Weight); sources not named weigh 1.
	SourceWeights map[string]float64
	// ClassWeights weighs the classes of the named sources apart (see
	// Source.HamWeight and SpamWeight): [0] for the ham, [1] for the
	// spam, 0 leaving that class at the source's weight.
	ClassWeights map[string][2]float64
	// KFoldThreshold picks the reject threshold from the k-fold scores
	// even when there are several sources.
	KFoldThreshold bool
	// Folds is the number of cross-validation folds; 0 means 5.
	Folds int
	// Seed makes the folds reproducible.
	Seed uint64
	// TrainedAt is recorded in the model; the zero value means now.
	TrainedAt time.Time
	// Progress, when set, is told what Fit is doing: a stage ("reading"
	// is not Fit's; "tokenizing", "fold", "source", "weight" on top of a
	// Base, "writing") and how far it is (done of total, in comments for
	// tokenizing, folds or sources, or, for "weight", folds of every
	// site weight and cap tried).
	Progress func(stage string, done, total int)
	// Base, when set, is a model to train on top of (see fitOnBase):
	// its counts per source stay on the training side of every fold,
	// its tokenizer and params are the new model's, and the examples
	// are the site's own labels.
	Base *Classifier
	// SiteWeight is the weight of each example against a comment of
	// Base, which is scaled down by it (with too few examples to
	// cross-validate, the examples are scaled up by it instead, so the
	// base's thresholds keep their meaning); 0 chooses it by
	// cross-validation (see fitOnBase).
	SiteWeight float64
	// Unlabeled are comments of the platform the model is for, without
	// labels (a site's recent comments, say): when set, Fit adapts the
	// model to them by self-training (see fitSelfTrained). Not with Base.
	Unlabeled []Comment
	// SelfTrainRounds bounds the rounds of self-training; 0 means 3.
	SelfTrainRounds int
}

// FitReport says how Fit picked the thresholds.
type FitReport struct {
	// Folds is the number of cross-validation folds used (0: too few
	// comments of a class, so the model is uncalibrated at 0.5; on top
	// of a base, it keeps the base's thresholds and its scores are
	// calibrated onto the base's).
	Folds int
	// HeldOutSources counts the sources held out one at a time to pick
	// the reject threshold (0: the k-fold scores picked it).
	HeldOutSources int
	// Fallback says, in words, what Fit fell back to, or is empty.
	Fallback string
	// SiteWeight is the weight the examples' sources were given on top
	// of a base model, MaxWeight the cap on each token's weight chosen
	// with it (Params.MaxWeight), and WeightTrials how each candidate
	// did.
	SiteWeight   float64
	MaxWeight    float64
	WeightTrials []WeightTrial
	// TrialShare is the share of the site's held-out ham up to which a
	// trial's recall is averaged, over at least TrialMinHam of them
	// (see WeightTrial.Recall).
	TrialShare  float64
	TrialMinHam int
	// Suspects are the site's labels to check, worst first (see
	// suspectLabels); only training on top of a base fills it.
	Suspects []Suspect
	// SiteHam is the number of the site's held-out ham the reject
	// threshold was picked on, and SiteHamAbove how many of them it
	// rejects. Only training on top of a base with enough labels fills
	// them.
	SiteHam, SiteHamAbove int
	// SiteRejectBound is (k+1)/(n+1) for the k of the n held-out ham
	// the rule lets the reject threshold reject: the probability that a
	// new site ham lands above a threshold picked this way, on average
	// over the draws of the site's labels (see PickThresholdForNewHam),
	// were the held-out scores the final model's. They are the fold
	// models', and they also chose the site's weight and cap, which
	// flatters their ham tail: the bound is approximate, and one model's
	// rate varies around it, the threshold coming from a few hundred
	// scores.
	SiteRejectBound float64
	// SiteHamAboveReview and SiteReviewBound are the same for the
	// review threshold, picked as the reject threshold is at
	// siteReviewFactor times the rate.
	SiteHamAboveReview int
	SiteReviewBound    float64
	// SelfTrain says what self-training on FitOptions.Unlabeled did,
	// round by round; empty without unlabeled comments.
	SelfTrain []SelfTrainRound
}

// Fit is the whole training procedure. It learns the counts once, then
// scores every example with a model that did not see it: for k-fold
// cross-validation a fold's model is the total counts less the fold's
// (naive Bayes needs no retraining), and when the examples come from two
// or more sources, each source is also scored by the model of the others.
// From the k-fold scores it fits the probability calibration (Platt
// scaling); it picks the reject threshold so that at most MaxHamRejected
// of the held-out ham would have been rejected — on the held-out sources
// when there are several, which prices in the shift to a platform the
// model has never seen, else on the k-fold scores — and the review
// threshold from the k-fold scores (see FitOptions.Review). With
// FitOptions.Unlabeled it then self-trains on them (see fitSelfTrained).
func Fit(examples []Example, o FitOptions) (*Classifier, FitReport, error) {
	switch {
	case o.Base != nil && len(o.Unlabeled) > 0:
		return nil, FitReport{}, errors.New("model: unlabeled comments cannot be added on top of a base model")
	case o.Base != nil:
		return fitOnBase(examples, o)
	case len(o.Unlabeled) > 0:
		return fitSelfTrained(examples, o)
	}
	return fit(examples, o, len(examples))
}

// fit is Fit without a base or unlabeled comments, where only the first
// labeled examples are ever held out: the others (pseudo-labeled comments,
// see fitSelfTrained) stay on the training side of every fold and source
// held out, and neither the calibration nor the thresholds see their
// scores.
func fit(examples []Example, o FitOptions, labeled int) (*Classifier, FitReport, error) {
	var rep FitReport
	topts := TrainOptions{Tokenizer: o.Tokenizer, Params: o.Params, TrainedAt: o.TrainedAt}
	cfg, params := topts.settings()
	if err := params.ValidateNew(); err != nil {
		return nil, rep, err
	}
	if err := cfg.validate(); err != nil {
		return nil, rep, err
	}
	maxHam := o.MaxHamRejected
	if maxHam == 0 {
		maxHam = 0.005
	}
	if !(maxHam > 0 && maxHam < 1) {
		return nil, rep, fmt.Errorf("model: max ham rejected %v must be in (0, 1)", maxHam)
	}
	folds := cmp.Or(o.Folds, 5)
	if folds < 2 {
		return nil, rep, fmt.Errorf("model: %d folds: want at least 2", folds)
	}
	// In name order, before any work: the same mistake, the same message.
	for _, name := range slices.Sorted(maps.Keys(o.SourceWeights)) {
		if w := o.SourceWeights[name]; !(w > 0 && w <= maxSourceWeight) {
			return nil, rep, fmt.Errorf("model: source %q: weight %v must be in (0, %g]", name, w, maxSourceWeight)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(o.ClassWeights)) {
		for k, w := range o.ClassWeights[name] {
			if !(w >= 0 && w <= maxSourceWeight) {
				return nil, rep, fmt.Errorf("model: source %q: %s weight %v must be in (0, %g], or 0 for the source's", name, [2]Label{Ham, Spam}[k], w, maxSourceWeight)
			}
		}
	}
	progress := func(stage string, done, total int) {
		if o.Progress != nil {
			o.Progress(stage, done, total)
		}
	}
	corp, err := newCorpus(examples, cfg, params, func(done int) { progress("tokenizing", done, len(examples)) })
	if err != nil {
		return nil, rep, err
	}
	progress("tokenizing", len(examples), len(examples))
	labels := make([]bool, len(examples))
	for i, k := range corp.class {
		labels[i] = k == 1
	}
	stats := statsOf(examples, o.TrainedAt)
	// heldOut scores the examples for which in(i) holds with the model
	// of all the others, into raw. That model holds only the tokens of
	// the examples it scores, with the weights, prior and settings of
	// the model of all the others: a token no scored example holds
	// changes no score, and encoding every token for every fold would
	// cost more than the rest of the fold.
	heldOut := func(in func(i int) bool, raw []float64) error {
		for i := range examples {
			if in(i) {
				corp.add(i, -1)
			}
		}
		c, err := corp.heldOutModel(in, cfg, params, stats)
		for i := range examples {
			if in(i) {
				corp.add(i, 1)
			}
		}
		if err != nil {
			return err
		}
		eachOnEveryCore(len(examples), func(i int) {
			if in(i) {
				raw[i] = c.Score(examples[i].Comment).LogOdds
			}
		})
		return nil
	}
	for j, s := range corp.sources {
		if w, ok := o.SourceWeights[s.Name]; ok {
			corp.sources[j].Weight = w
		}
		if cw, ok := o.ClassWeights[s.Name]; ok {
			corp.sources[j] = corp.sources[j].withClassWeights(cw[0], cw[1])
		}
	}

	// Only the labeled examples are held out, scored and counted: lab
	// is their labels, and a source is held out only if one of them
	// comes from it.
	lab := labels[:labeled]
	heldSource := make([]bool, len(corp.sources))
	for _, s := range corp.src[:labeled] {
		heldSource[s] = true
	}
	spam, ham := countLabels(lab)
	calib := Calibration{A: 1}
	th := Thresholds{Reject: 0.5}
	rep.Folds = min(folds, spam, ham)
	if rep.Folds < 2 {
		rep.Folds = 0
		rep.Fallback = fmt.Sprintf("only %d spam and %d ham: too few to cross-validate, so the model is uncalibrated and rejects at P(spam) ≥ 0.5", spam, ham)
	} else {
		fold := StratifiedFolds(lab, rep.Folds, o.Seed)
		raw := make([]float64, len(examples))
		for f := range rep.Folds {
			progress("fold", f, rep.Folds)
			if err := heldOut(func(i int) bool { return i < labeled && fold[i] == f }, raw); err != nil {
				return nil, rep, fmt.Errorf("fold %d: %w", f+1, err)
			}
		}
		raw = raw[:labeled]
		calib = FitCalibration(raw, lab)
		kfold := Sigmoid(PickThreshold(calibrate(raw, calib), lab, maxHam))
		th.Reject = kfold
		// Sources that have ham can price the shift in.
		var held, withHam []int
		for s, so := range corp.sources {
			if !heldSource[s] {
				continue
			}
			held = append(held, s)
			if so.Ham > 0 {
				withHam = append(withHam, s)
			}
		}
		// A source that holds all of a class cannot be held out: the
		// model of the others would have none of it to learn.
		alone := -1
		for _, j := range held {
			if so := corp.sources[j]; so.Spam == spam || so.Ham == ham {
				alone = j
				break
			}
		}
		if alone >= 0 && len(held) >= 2 && len(withHam) >= 2 && !o.KFoldThreshold {
			rep.Fallback = fmt.Sprintf("source %q holds all the labeled %s, so no source is held out and the reject threshold comes from the k-fold scores",
				corp.sources[alone].Name, map[bool]string{true: "spam", false: "ham"}[corp.sources[alone].Spam == spam])
		} else if len(held) >= 2 && len(withHam) >= 2 && !o.KFoldThreshold {
			rep.HeldOutSources = len(held)
			loso := make([]float64, len(examples))
			for n, j := range held {
				progress("source", n, len(held))
				if err := heldOut(func(i int) bool { return int(corp.src[i]) == j }, loso); err != nil {
					return nil, rep, fmt.Errorf("holding out source %q: %w", corp.sources[j].Name, err)
				}
			}
			th.Reject = max(kfold, Sigmoid(PickThreshold(calibrate(loso[:labeled], calib), lab, maxHam)))
			if o.Review == 0 && kfold < th.Reject {
				th.Review = kfold
			}
		} else if len(held) >= 2 && !o.KFoldThreshold {
			rep.Fallback = "only one source has ham, so the reject threshold comes from the k-fold scores"
		}
		th.Reject = clampProb(th.Reject)
		if th.Review != 0 {
			th.Review = clampProb(th.Review)
			if th.Review >= th.Reject {
				th.Review = 0
			}
		}
	}
	th.Review = reviewAsked(th, o.Review)
	progress("writing", 0, 1)
	corp.forgetComments()
	c, err := buildFrom(cfg, params, th, calib, stats, corp.sources, corp)
	if err != nil {
		return nil, rep, err
	}
	return c, rep, nil
}

// eachOnEveryCore calls f(i) for every i below n, one share of them per
// core; f must be safe for concurrent use (Score is).
func eachOnEveryCore(n int, f func(i int)) {
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := range workers {
		wg.Go(func() {
			for i := w; i < n; i += workers {
				f(i)
			}
		})
	}
	wg.Wait()
}

// reviewAsked returns the review threshold of th once FitOptions.Review
// is applied: 0 keeps th's, a negative one or one not below the reject
// threshold leaves no band, and any other replaces it.
func reviewAsked(th Thresholds, asked float64) float64 {
	switch {
	case asked == 0:
		return th.Review
	case asked > 0 && asked < th.Reject:
		return asked
	}
	return 0
}

// holdOut holds what scoring examples with models that did not see them
// needs: the examples, their tokens, and the tally of all the counts,
// from which a fold's model is the total less the fold.
type holdOut struct {
	examples []Example
	toks     [][]string
	t        *tally
	cfg      TokenizerConfig
	params   Params
	stats    Stats
	src      []int  // src[i] is examples[i]'s source in t
	labels   []bool // labels[i]: examples[i] is spam
}

// heldOut scores the examples for which in(i) holds with the model of
// everything else in the tally, into raw (uncalibrated log-odds).
func (f *holdOut) heldOut(in func(i int) bool, raw []float64) error {
	return f.without(in, raw, func() (*Classifier, error) {
		return build(f.cfg, f.params, Thresholds{Reject: 0.5}, Calibration{A: 1}, f.stats, f.t.table())
	})
}

// without takes the examples for which in(i) holds out of the tally, has
// model build the model of the rest, puts them back, and scores them with
// it into raw.
func (f *holdOut) without(in func(i int) bool, raw []float64, model func() (*Classifier, error)) error {
	for i, ex := range f.examples {
		if in(i) {
			f.t.add(f.src[i], labelIndex(ex.Label), f.toks[i], -1)
		}
	}
	c, err := model()
	for i, ex := range f.examples {
		if in(i) {
			f.t.add(f.src[i], labelIndex(ex.Label), f.toks[i], 1)
		}
	}
	if err != nil {
		return err
	}
	for i, ex := range f.examples {
		if in(i) {
			raw[i] = c.Score(ex.Comment).LogOdds
		}
	}
	return nil
}

// calibrate maps raw log-odds through k.
func calibrate(raw []float64, k Calibration) []float64 {
	out := make([]float64, len(raw))
	for i, x := range raw {
		out[i] = k.A*x + k.B
	}
	return out
}

// clampProb keeps a threshold strictly inside (0, 1) where float64 can
// still tell it from 0 and 1.
func clampProb(p float64) float64 { return math.Max(1e-12, math.Min(1-1e-12, p)) }

// countLabels counts the spam and the ham in labels (true: spam).
func countLabels(labels []bool) (spam, ham int) {
	for _, s := range labels {
		if s {
			spam++
		} else {
			ham++
		}
	}
	return spam, ham
}

// ByLabel returns the indexes of the spam and of the ham (true: spam),
// each list shuffled by rng.
func ByLabel(labels []bool, rng *rand.Rand) [2][]int {
	var out [2][]int
	for k, want := range []bool{true, false} {
		for i, l := range labels {
			if l == want {
				out[k] = append(out[k], i)
			}
		}
		rng.Shuffle(len(out[k]), func(a, b int) { out[k][a], out[k][b] = out[k][b], out[k][a] })
	}
	return out
}

// StratifiedFolds assigns each example to one of k folds, keeping the
// share of spam in each fold close to the whole, deterministically for a
// seed.
func StratifiedFolds(labels []bool, k int, seed uint64) []int {
	fold := make([]int, len(labels))
	for _, idx := range ByLabel(labels, rand.New(rand.NewPCG(seed, 0x5eed))) {
		for j, i := range idx {
			fold[i] = j % k
		}
	}
	return fold
}

// PickThreshold returns the log-odds threshold that rejects as much spam
// as possible while rejecting at most maxHam (a share) of the ham in
// scores. It sits halfway between the highest ham score that must be kept
// and the next score above it, for a margin on unseen data.
func PickThreshold(scores []float64, spam []bool, maxHam float64) float64 {
	return thresholdKeeping(scores, spam, func(n int) int {
		return int(math.Floor(maxHam*float64(n) + 1e-9))
	})
}

// PickThresholdForNewHam returns the log-odds threshold that rejects as
// much spam as possible while a new ham, scored like the ham in scores,
// lands above it with probability at most maxHam. Rejecting k of n ham
// is not enough: a new ham is exchangeable with them, so it lands above
// the (k+1)-th highest of them with probability (k+1)/(n+1), the rank
// conformal prediction uses; with 250 ham and a target of 1%,
// PickThreshold's 2 of them are an expected 1.2% of new ham. So k is
// ⌊maxHam·(n+1)⌋ − 1, and none when even that is too many: with fewer
// than 1/maxHam − 1 ham the rate cannot be promised. A site's model on
// top of a base uses it; Fit's thresholds still reject maxHam of the
// held-out ham (see the README's "Retraining for one site").
func PickThresholdForNewHam(scores []float64, spam []bool, maxHam float64) float64 {
	return thresholdKeeping(scores, spam, func(n int) int { return newHamRejections(n, maxHam) })
}

// newHamRejections is how many of n ham PickThresholdForNewHam's
// threshold may reject: ⌊maxHam·(n+1)⌋ − 1, at least 0.
func newHamRejections(n int, maxHam float64) int {
	return max(conformalRank(n, maxHam), 0)
}

// conformalRank is ⌊maxHam·(n+1)⌋ − 1: negative when n ham are too few
// for a new one to land above even the highest of them with probability
// at most maxHam.
func conformalRank(n int, maxHam float64) int {
	return int(math.Floor(maxHam*float64(n+1)+1e-9)) - 1
}

// MinNewHam is the fewest ham on which PickThresholdForNewHam can keep
// its promise for the rate maxHam (where conformalRank is not
// negative): ⌈1/maxHam⌉ − 1 (199 at 0.5%), at most 2³¹ − 1 for a rate
// so small that the quotient would overflow an int.
func MinNewHam(maxHam float64) int {
	return int(min(math.Ceil(1/maxHam-1e-9), 1<<31)) - 1
}

// thresholdKeeping returns the threshold halfway between the highest ham
// score that must be kept, allowed(n) of the n ham being rejected, and
// the next score above it.
func thresholdKeeping(scores []float64, spam []bool, allowed func(n int) int) float64 {
	var hams []float64
	for i, s := range scores {
		if !spam[i] {
			hams = append(hams, s)
		}
	}
	if len(hams) == 0 {
		return 0
	}
	slices.SortFunc(hams, func(a, b float64) int { return cmp.Compare(b, a) })
	keep := hams[min(allowed(len(hams)), len(hams)-1)] // the highest ham score that must stay below
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

// FitCalibration fits Platt scaling, p = σ(A·x + B), to raw log-odds x by
// maximum likelihood (Newton's method), with Platt's smoothed targets so
// perfectly separated data gives a finite slope.
func FitCalibration(x []float64, spam []bool) Calibration {
	np, nn := countLabels(spam)
	tp, tn := (float64(np)+1)/(float64(np)+2), 1/(float64(nn)+2)
	target := func(i int) float64 {
		if spam[i] {
			return tp
		}
		return tn
	}
	a, b := 1.0, 0.0
	loss := func(a, b float64) float64 {
		l := 0.0
		for i, xi := range x {
			z := a*xi + b
			// −[t·log σ(z) + (1−t)·log(1−σ(z))], stably
			l += math.Max(z, 0) - target(i)*z + math.Log1p(math.Exp(-math.Abs(z)))
		}
		return l
	}
	cur := loss(a, b)
	for range 100 {
		var ga, gb, haa, hab, hbb float64
		for i, xi := range x {
			p := Sigmoid(a*xi + b)
			d := p - target(i)
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
	// Within what a model file holds (Calibration.validate), whatever
	// the scores: a fit beyond it would fail as a corrupt file.
	return Calibration{A: min(a, 100), B: max(-100, min(b, 100))}
}
