package model

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
)

// ErrBaseSettings is returned when training on top of a base model is
// asked for settings other than the base's: the counts in the file were
// made with its tokenizer and parameters, and new counts only add up to
// them when made the same way.
var ErrBaseSettings = errors.New("model: the settings come from the base model")

// siteWeights are the weights fitOnBase tries for a site's labels: each
// site comment counts as that many comments of the base, the base being
// scaled down by the weight (see setWeight in fitOnBase). A few hundred
// labels against tens of thousands of base comments need tens to hundreds
// to outvote the base where the two disagree; 1 is plain appending.
var siteWeights = []float64{1, 3, 10, 30, 100, 300}

// minSiteLabels is the fewest site labels of each class fitOnBase
// cross-validates with: below it, held-out figures are noise.
const minSiteLabels = 10

// defaultSiteWeight is the site's weight when there are too few labels to
// choose one: the middle of siteWeights.
const defaultSiteWeight = 10

// siteReviewFactor is how many times the reject threshold's rate of new
// site ham the review band of a site's model may flag: with the default
// 0.5%, a new ham reaches review or reject with probability at most 1%.
const siteReviewFactor = 2

// pseudoSource names the one source of a format-3 model, which kept its
// counts summed over its sources.
const pseudoSource = "base"

// WeightTrial is how one candidate site weight did in fitOnBase's
// cross-validation, on the out-of-fold scores of the site's labels.
type WeightTrial struct {
	Weight float64 `json:"weight"`
	// MaxWeight is the cap on each token's weight the trial scored with
	// (Params.MaxWeight; 0 is none).
	MaxWeight float64 `json:"max_weight"`
	// Recall is the mean share of the site's spam rejected at the
	// thresholds that reject 0, 1, … k of the site's ham, k being
	// weightFPR of them or what FitOptions.MaxHamRejected allows,
	// whichever is more, but at least minRejectedHam.
	Recall float64 `json:"recall"`
	// AUC is the ROC AUC of the scores, which breaks ties.
	AUC float64 `json:"roc_auc"`
}

// counts decodes the classifier's whole table: every token with its
// counts per source. A format-3 model has one pseudo-source holding all
// its counts.
func (c *Classifier) counts() (*table, error) {
	t := &table{vocab: make([]string, 0, c.n), counts: make([][]count, 0, c.n)}
	if c.version == oldVersion {
		t.sources = []Source{{Name: pseudoSource, Ham: c.stats.Documents[Ham], Spam: c.stats.Documents[Spam]}}
	} else {
		t.sources = slices.Clone(c.stats.Sources)
	}
	seen := map[string]bool{}
	for _, s := range t.sources {
		if seen[s.Name] {
			return nil, fmt.Errorf("model %s: two sources named %q", c.id, s.Name)
		}
		seen[s.Name] = true
	}
	d := decoder{s: c.raw[:c.index], pos: c.entries}
	for range c.n {
		tok, _, cs := c.entry(&d, nil)
		if d.err != nil {
			return nil, fmt.Errorf("model %s: %w", c.id, d.err) // parse checked every entry
		}
		t.vocab = append(t.vocab, tok)
		t.counts = append(t.counts, cs)
	}
	return t, nil
}

// tally turns the table back into a tally that examples can be added to.
func (t *table) tally() *tally {
	out := newTally()
	for _, s := range t.sources {
		out.sources[out.source(s.Name)] = s
	}
	for i, tok := range t.vocab {
		out.counts[tok] = slices.Clone(t.counts[i])
	}
	return out
}

// fitOnBase is Fit on top of o.Base: the base's counts, read from its
// file, with the examples (a site's own labels) added as sources of their
// own, weighted so that a few hundred of them can outvote the base where
// the two disagree.
//
// The weight is chosen by stratified k-fold cross-validation over the
// site's labels only, the base always on the training side: for each
// candidate in siteWeights, with the base's cap on each token's weight
// and without one, the site's labels are scored by models that did not
// see them, and the weight and cap whose scores reject the most site
// spam at the thresholds that reject the fewest site ham (up to
// weightFPR of them) win (see lowRejectRecall; ties: the higher ROC AUC,
// then the base's cap, then the smaller weight). The calibration and the
// reject threshold are then fitted on those same out-of-fold scores, the
// threshold so that a new site ham lands above it with probability at
// most MaxHamRejected (PickThresholdForNewHam): on a few hundred ham,
// rejecting that share of them rejects more of the ham to come. With
// fewer than minSiteLabels labels of a class there is nothing to measure:
// the site gets defaultSiteWeight (or o.SiteWeight) and the model keeps
// the base's calibration and thresholds, which FitReport.Fallback says.
func fitOnBase(examples []Example, o FitOptions) (*Classifier, FitReport, error) {
	var rep FitReport
	base := o.Base
	cfg, params := base.cfg, base.params
	if o.Tokenizer != nil && *o.Tokenizer != cfg {
		return nil, rep, fmt.Errorf("%w: the tokenizer settings differ from the base's (%+v)", ErrBaseSettings, cfg)
	}
	if o.Params != nil && *o.Params != params {
		return nil, rep, fmt.Errorf("%w: the learning parameters differ from the base's (%+v)", ErrBaseSettings, params)
	}
	maxHam := cmp.Or(o.MaxHamRejected, 0.005)
	if !(maxHam > 0 && maxHam < 1) {
		return nil, rep, fmt.Errorf("model: max ham rejected %v must be in (0, 1)", maxHam)
	}
	nfolds := cmp.Or(o.Folds, 5)
	if nfolds < 2 {
		return nil, rep, fmt.Errorf("model: %d folds: want at least 2", nfolds)
	}
	if o.SiteWeight < 0 || o.SiteWeight > maxSourceWeight || math.IsNaN(o.SiteWeight) {
		return nil, rep, fmt.Errorf("model: site weight %v must be in (0, %g]", o.SiteWeight, maxSourceWeight)
	}
	if len(examples) == 0 {
		return nil, rep, fmt.Errorf("%w: no site examples to add to the base", ErrNoData)
	}
	progress := func(stage string, done, total int) {
		if o.Progress != nil {
			o.Progress(stage, done, total)
		}
	}
	// A site may have labelled only spam: the base has both classes.
	toks, err := tokenizeAll(examples, cfg, params, func(done int) { progress("tokenizing", done, len(examples)) })
	if err != nil && !errors.Is(err, ErrNoData) {
		return nil, rep, err
	}
	progress("tokenizing", len(examples), len(examples))
	bt, err := base.counts()
	if err != nil {
		return nil, rep, err
	}
	t := bt.tally()
	stats := statsOf(examples, o.TrainedAt)
	stats.Base, stats.PrunedTokens = base.id, base.stats.PrunedTokens
	h := &holdOut{examples: examples, toks: toks, t: t, cfg: cfg, params: params, stats: stats,
		src: make([]int, len(examples)), labels: make([]bool, len(examples))}
	var site []int // the site's sources in t
	for i, ex := range examples {
		if _, inBase := t.index[ex.Source]; inBase && !slices.Contains(site, t.index[ex.Source]) {
			return nil, rep, fmt.Errorf("%w: the base already has a source named %q; name the site's labels otherwise, or train on top of the model that one was trained on", ErrBaseSettings, ex.Source)
		}
		h.src[i] = t.source(ex.Source)
		if !slices.Contains(site, h.src[i]) {
			site = append(site, h.src[i])
		}
		h.labels[i] = ex.Label == Spam
		t.add(h.src[i], labelIndex(ex.Label), toks[i], 1)
	}
	// A site weight of w scales the base down by w rather than the site
	// up: the pseudo-counts of the smoothing stay in the site's units, so
	// a token the site never wrote keeps less of the base's evidence the
	// more its labels weigh, and the site's own vocabulary takes over.
	// Scaling the site up instead would leave every token the base alone
	// knows at its full base weight, however many site labels there are.
	// Weighted counts reach the library in hundredths of a comment, so a
	// base scaled down loses up to half a hundredth of each count to
	// rounding: against the smoothing's pseudo-count of a whole site
	// comment at the default α = 1 (a hundred hundredths), at most 0.005
	// nats of a weight.
	baseSources := slices.Clone(t.sources)
	setWeight := func(w float64) {
		for s := range t.sources {
			if !slices.Contains(site, s) {
				t.sources[s] = baseSources[s].scaled(w)
			}
		}
	}

	calib, th := base.calib, base.thresholds
	spam, ham := countLabels(h.labels)
	if spam < minSiteLabels || ham < minSiteLabels {
		rep.SiteWeight, rep.MaxWeight = cmp.Or(o.SiteWeight, defaultSiteWeight), params.MaxWeight
		rep.Fallback = fmt.Sprintf("only %d spam and %d ham of the site's: too few (fewer than %d of a class) to cross-validate, so the site's labels weigh %g and the model keeps the base's thresholds, its scores calibrated onto the base's",
			spam, ham, minSiteLabels, rep.SiteWeight)
		// The base's calibration and thresholds hold for the base's
		// scale of evidence: scaling the base down would shrink every
		// score below them. The site's labels are scaled up instead,
		// and the smoothing stays the base's.
		for _, s := range site {
			t.sources[s].Weight = rep.SiteWeight
		}
	} else {
		// A source's weight is at most maxSourceWeight: scaled down by
		// a tiny site weight, the base's heaviest would weigh more.
		heaviest := 0.0
		for s, so := range baseSources {
			if !slices.Contains(site, s) {
				heaviest = max(heaviest, so.weight(), so.classWeight(0), so.classWeight(1))
			}
		}
		if o.SiteWeight > 0 && heaviest/o.SiteWeight > maxSourceWeight {
			return nil, rep, fmt.Errorf("model: site weight %v is too small for this base, whose heaviest source weighs %g: want at least %g", o.SiteWeight, heaviest, heaviest/maxSourceWeight)
		}
		rep.Folds = min(nfolds, spam, ham)
		rep.TrialShare, rep.TrialMinHam = trialShare(maxHam), minRejectedHam
		fold := StratifiedFolds(h.labels, rep.Folds, o.Seed)
		weights := siteWeights
		if o.SiteWeight > 0 {
			weights = []float64{o.SiteWeight}
		}
		// The cap on each token's weight keeps a word learned on one
		// platform from deciding a comment on another; the site's
		// model is judged on the site its labels come from, so the
		// cross-validation also tries it without.
		caps := []float64{params.MaxWeight}
		if params.MaxWeight > 0 {
			caps = append(caps, 0)
		}
		var best []float64
		for _, maxWeight := range caps {
			h.params.MaxWeight = maxWeight
			for _, w := range weights {
				j := len(rep.WeightTrials)
				setWeight(w)
				raw := make([]float64, len(examples))
				for f := range rep.Folds {
					progress("weight", j*rep.Folds+f, len(caps)*len(weights)*rep.Folds)
					if err := h.quickHeldOut(func(i int) bool { return fold[i] == f }, raw); err != nil {
						return nil, rep, fmt.Errorf("site weight %g, cap %g, fold %d: %w", w, maxWeight, f+1, err)
					}
				}
				trial := WeightTrial{Weight: w, MaxWeight: maxWeight, Recall: weightRecall(raw, h.labels, maxHam), AUC: rocAUC(raw, h.labels)}
				rep.WeightTrials = append(rep.WeightTrials, trial)
				if bestTrial(rep.WeightTrials) == j {
					best = raw
				}
			}
		}
		chosen := rep.WeightTrials[bestTrial(rep.WeightTrials)]
		rep.SiteWeight, params.MaxWeight = chosen.Weight, chosen.MaxWeight
		rep.MaxWeight = chosen.MaxWeight
		calib = FitCalibration(best, h.labels)
		cal := calibrate(best, calib)
		reject := PickThresholdForNewHam(cal, h.labels, maxHam)
		th = Thresholds{Reject: clampProb(Sigmoid(reject))}
		// The review band is the same rule at twice the rate: a new
		// site ham reaches review or reject with probability at most
		// twice maxHam. The base's band would not do: it is a
		// probability on the base's calibration, not the site's.
		reviewRate := min(siteReviewFactor*maxHam, 1)
		review := PickThresholdForNewHam(cal, h.labels, reviewRate)
		rep.SiteHam = ham
		rep.SiteRejectBound = float64(newHamRejections(ham, maxHam)+1) / float64(ham+1)
		rep.SiteReviewBound = float64(newHamRejections(ham, reviewRate)+1) / float64(ham+1)
		for i, s := range cal {
			if !h.labels[i] && s > reject {
				rep.SiteHamAbove++
			}
			if !h.labels[i] && s > review {
				rep.SiteHamAboveReview++
			}
		}
		rep.Suspects = suspectLabels(cal, h.labels)
		if conformalRank(ham, maxHam) < 0 {
			rep.Fallback = fmt.Sprintf("with %d ham of the site's, the threshold keeps every held-out ham below it, and a new ham still lands above it with probability 1/%d: %.2g%% cannot be promised with fewer than %d", ham, ham+1, maxHam*100, MinNewHam(maxHam))
		}
		if p := clampProb(Sigmoid(review)); o.Review == 0 && p < th.Reject {
			th.Review = p
		}
	}
	th.Review = reviewAsked(th, o.Review)
	if rep.Folds > 0 {
		setWeight(rep.SiteWeight)
	} else {
		// The base's thresholds are kept, so the model must score on
		// the base's scale. Its counts give back its own scores, also
		// when it was pruned to its best tokens (-max-tokens): the file
		// keeps the totals of the tokens it dropped. A pruned file from
		// before those totals does not: its weights were estimated with
		// the whole vocabulary and come out lower from its counts. The
		// calibration maps the scores of the base's counts, estimated
		// as this model's are, onto the base's own (see onBaseScale),
		// which for any other base is close to the identity.
		if calib, err = onBaseScale(base, bt, examples); err != nil {
			return nil, rep, err
		}
		// The prior stays the base's. A site with too few labels of a
		// class is one whose feedback is mostly of the other (a site
		// that reports spam and never ham): its labels teach their
		// words, but their share of spam says nothing of the site's,
		// and would move every comment's score, neutral ones too,
		// towards the class it reported.
		calib.B -= calib.A * (params.prior(t.sources) - params.prior(bt.sources))
	}
	progress("writing", 0, 1)
	c, err := build(cfg, params, th, calib, stats, t.table())
	if err != nil {
		return nil, rep, err
	}
	return c, rep, nil
}

// bestTrial returns the index of the best trial: the highest recall, then
// the highest AUC, then the first (the base's cap, the smallest weight).
func bestTrial(trials []WeightTrial) int {
	best := 0
	for i, tr := range trials {
		b := trials[best]
		if tr.Recall > b.Recall || tr.Recall == b.Recall && tr.AUC > b.AUC {
			best = i
		}
	}
	return best
}

// Suspect is a site label that models which did not see it contradict.
type Suspect struct {
	// Index is the example's position in the examples given to Fit.
	Index int `json:"index"`
	// Label is the example's label.
	Label Label `json:"label"`
	// P is its out-of-fold spam probability.
	P float64 `json:"p_spam"`
}

// maxSuspects bounds the labels suspectLabels lists of each class.
const maxSuspects = 10

// suspectLabels returns the labels to check first: the ham the
// out-of-fold scores (calibrated log-odds) put above the median spam,
// and the spam they put below the median ham, worst first, up to
// maxSuspects of each. The reject threshold must sit above nearly every
// ham, so on a few hundred labels one spam labelled ham among the
// highest-scored decides where it lands; an operator who fixes such
// labels and trains again gets a threshold that is not priced for them.
func suspectLabels(scores []float64, spam []bool) []Suspect {
	spams, hams := byClass(scores, spam)
	if len(spams) == 0 || len(hams) == 0 {
		return nil
	}
	median := func(x []float64) float64 {
		x = slices.Clone(x)
		slices.Sort(x)
		return x[len(x)/2]
	}
	spamMid, hamMid := median(spams), median(hams)
	var ham, sp []Suspect
	for i, s := range scores {
		switch {
		case !spam[i] && s > spamMid:
			ham = append(ham, Suspect{Index: i, Label: Ham, P: Sigmoid(s)})
		case spam[i] && s < hamMid:
			sp = append(sp, Suspect{Index: i, Label: Spam, P: Sigmoid(s)})
		}
	}
	// By score, not P: P rounds to 1 above a log-odds of about 37,
	// which would leave the worst ham in index order and cut them.
	slices.SortStableFunc(ham, func(a, b Suspect) int { return cmp.Compare(scores[b.Index], scores[a.Index]) })
	slices.SortStableFunc(sp, func(a, b Suspect) int { return cmp.Compare(scores[a.Index], scores[b.Index]) })
	return append(ham[:min(len(ham), maxSuspects)], sp[:min(len(sp), maxSuspects)]...)
}

// weightFPR is the share of the site's ham up to which lowRejectRecall
// averages when fitOnBase compares weights, at least: the figure that
// matters is the recall at 1% or less, but on a few hundred labels the
// one to five highest-scored ham decide that alone, and a label or two
// wrong among them picks the weight. Up to 5% of the ham, the average
// is the area under the low end of the ROC curve, which moves with the
// weight rather than with those few comments.
const weightFPR = 0.05

// minRejectedHam is the fewest ham rejections the weight's criterion
// averages over: with 200 site ham, 1% is 2 comments, and which weight
// wins would depend on the one or two highest-scored ham.
const minRejectedHam = 5

// weightRecall is how fitOnBase compares site weights: lowRejectRecall up
// to trialShare of the site's ham.
func weightRecall(scores []float64, spam []bool, maxHam float64) float64 {
	return lowRejectRecall(scores, spam, trialShare(maxHam))
}

// trialShare is the share of the site's ham up to which weightRecall
// averages: maxHam, or weightFPR if more.
func trialShare(maxHam float64) float64 { return max(maxHam, weightFPR) }

// lowRejectRecall is fitOnBase's criterion: the mean recall over the
// thresholds that reject 0, 1, …, k of the ham (each just above the
// (j+1)-th highest ham score), k being the ham maxHam allows but at
// least minRejectedHam — the held-out recall at the shares of ham
// rejected that matter, measured on enough ham to mean something.
func lowRejectRecall(scores []float64, spam []bool, maxHam float64) float64 {
	spams, hams := byClass(scores, spam)
	if len(spams) == 0 || len(hams) == 0 {
		return 0
	}
	slices.Sort(spams)
	slices.SortFunc(hams, func(a, b float64) int { return cmp.Compare(b, a) })
	k := min(max(int(math.Floor(maxHam*float64(len(hams))+1e-9)), minRejectedHam), len(hams)-1)
	sum := 0.0
	for j := 0; j <= k; j++ {
		above, _ := slices.BinarySearch(spams, math.Nextafter(hams[j], math.Inf(1))) // spam ≤ hams[j]
		sum += float64(len(spams)-above) / float64(len(spams))
	}
	return sum / float64(k+1)
}

// rocAUC returns the probability that a random spam scores above a random
// ham (ties count half).
func rocAUC(scores []float64, spam []bool) float64 {
	sp, hm := byClass(scores, spam)
	if len(sp) == 0 || len(hm) == 0 {
		return 0
	}
	slices.Sort(hm)
	sum := 0.0
	for _, s := range sp {
		below, _ := slices.BinarySearch(hm, s)                             // ham < s
		upto, _ := slices.BinarySearch(hm, math.Nextafter(s, math.Inf(1))) // ham ≤ s
		sum += float64(below) + float64(upto-below)/2
	}
	return sum / float64(len(sp)*len(hm))
}

// byClass splits scores into those of the spam and those of the ham.
func byClass(scores []float64, spam []bool) (spams, hams []float64) {
	for i, s := range scores {
		if spam[i] {
			spams = append(spams, s)
		} else {
			hams = append(hams, s)
		}
	}
	return spams, hams
}

// onBaseScale returns the calibration that maps the raw log-odds of the
// model of bt (the base's counts) onto base's calibrated log-odds, fitted
// by least squares on the comments of examples and on baseSample's
// comments of the base's own words: a slope within a factor of four of
// base's, else base's slope and the mean difference.
func onBaseScale(base *Classifier, bt *table, examples []Example) (Calibration, error) {
	rebuilt, err := build(base.cfg, base.params, Thresholds{Reject: 0.5}, Calibration{A: 1}, base.stats, bt)
	if err != nil {
		return Calibration{}, err
	}
	var n, sx, sy, sxx, sxy float64
	add := func(cm Comment) {
		x, y := rebuilt.Score(cm).LogOdds, base.Score(cm).LogOdds
		n++
		sx, sy, sxx, sxy = sx+x, sy+y, sxx+x*x, sxy+x*y
	}
	for _, ex := range examples {
		add(ex.Comment)
	}
	for _, cm := range baseSample(bt, base.params, 1000) {
		add(cm)
	}
	k := base.calib
	if v := n*sxx - sx*sx; v > 1e-9*n*n {
		if a := (n*sxy - sx*sy) / v; a > k.A/4 && a < 4*k.A {
			k.A = a
		}
	}
	k.B = (sy - k.A*sx) / n
	return k, k.validate()
}

// baseSample returns n comments made of the words of t, in turn of its
// spam and of its ham: 4 to 40 words each, drawn as often as the class's
// (weighted) comments hold them, with a fixed seed. Only plain words are
// drawn (no bigrams or tokens of style or links), which the tokenizer
// reads back as themselves but for a few: a run of one-letter words is
// read as one spelled-out word, a look-alike letter as the letter it
// imitates (4 of the default model's 1,000 samples). onBaseScale fits
// the two models' scores of the same text, so those few cost nothing but
// a point of the fit.
func baseSample(t *table, p Params, n int) []Comment {
	cw := p.classWeights(t.sources)
	var words []string
	var cum [2][]float64
	var total [2]float64
	var buf []count
	for i, tok := range t.vocab {
		if !plainWord(tok) {
			continue
		}
		buf = t.appendCounts(buf[:0], i)
		var m [2]float64
		for _, c := range buf {
			for k := range 2 {
				m[k] += cw[c.src][k] * float64(c.n[k])
			}
		}
		words = append(words, tok)
		for k := range 2 {
			total[k] += m[k]
			cum[k] = append(cum[k], total[k])
		}
	}
	if len(words) == 0 {
		return nil
	}
	rng := rand.New(rand.NewPCG(1, 0xba5e))
	out := make([]Comment, 0, n)
	b := make([]string, 0, 40)
	for i := range n {
		k := i % 2
		if total[k] == 0 {
			continue
		}
		b = b[:0]
		for range 4 + rng.IntN(37) {
			j, _ := slices.BinarySearch(cum[k], rng.Float64()*total[k])
			b = append(b, words[min(j, len(words)-1)])
		}
		out = append(out, Comment{Text: strings.Join(b, " ")})
	}
	return out
}

// plainWord reports whether tok is a word alone, as the tokenizer reads
// words (isWordRune).
func plainWord(tok string) bool {
	return tok != "" && !strings.ContainsFunc(tok, func(r rune) bool { return !isWordRune(r) })
}
