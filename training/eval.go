package main

import (
	"cmp"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spamcheck/spamcheck/model"
	"golang.org/x/term"
)

// report is what eval prints.
type report struct {
	Protocol string `json:"protocol"`
	// Thresholds lists each test model's own reject threshold, and
	// ReviewThresholds its review threshold (0: no review band).
	Thresholds       []float64 `json:"reject_thresholds"`
	ReviewThresholds []float64 `json:"review_thresholds"`
	Overall          metrics   `json:"overall"`
	// Sources breaks the results down by the file each test comment came
	// from.
	Sources []sourceMetrics `json:"sources"`
	// SeenInTraining counts the test comments whose text, word for word,
	// is also among the comments their model was trained on (a message
	// sent many times, a spam campaign): the protocols other than the
	// learning curve split comments, not texts, and these flatter the
	// figures.
	SeenInTraining int `json:"test_texts_seen_in_training"`
	// Choices proposes reject thresholds for these labels; only eval -m,
	// whose one model calibrates every score alike, fills it.
	Choices []thresholdChoice `json:"reject_thresholds_for_these_labels,omitempty"`
	// Seconds is the wall time of the evaluation.
	Seconds float64 `json:"seconds"`

	// overridden is set when eval -m judged at thresholds given to it.
	overridden bool
	scores     []float64
	spam       []bool
	rejected   []bool
	review     []bool
	texts      []string
	sources    []string
}

type sourceMetrics struct {
	Source string `json:"source"`
	metrics
}

// listFlag collects a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

func runEval(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("eval", "[flags] DATA...", stderr)
	k := fs.Int("k", 10, "`folds` of the outer cross-validation (the default protocol)")
	bySource := fs.Bool("by-source", false, "leave-one-source-out: test on each file with a model trained on the others")
	byPlatform := fs.Bool("by-platform", false, "leave-one-platform-out: test on each DATA path (a platform) that has both classes, with a model trained on all the others")
	holdout := fs.Float64("holdout", 0, "stratified split: test on this `fraction` of DATA (e.g. 0.3), train on the rest")
	group := fs.String("group", "", "with -holdout: split whole groups named by this CSV `column` (e.g. video_id), never rows of one group apart")
	var tests listFlag
	fs.Var(&tests, "test", "train on DATA and test on this `file` or directory (repeatable; each is one source)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	showErrors := fs.Int("errors", 0, "also list up to `n` misjudged comments of each kind, worst first")
	quiet := fs.Bool("q", false, "do not list skipped rows")
	plotFile := fs.String("plot", "", "also draw the ROC curve and the score histograms to this SVG `file`")
	scoreWith := fs.String("m", "", "judge this `model` file (\"default\": the built-in model) on all of DATA instead of training one")
	reject := fs.Float64("reject", 0, "with -m: judge at this reject `probability` instead of the model's own, as REJECT_THRESHOLD sets it in the function (with -m, -review P sets the review threshold as REVIEW_THRESHOLD does)")
	curve := fs.Bool("learning-curve", false, "with -base: the figures after -labels site labels on top of the base (see the package doc)")
	labelCounts := fs.String("labels", "50,100,300,1000", "the learning curve's `counts` of site labels")
	draws := fs.Int("draws", 5, "the learning curve's random `draws`")
	split := fs.String("write-split", "", "write the learning curve's draw 0 to `dir`: test.jsonl and labels-K.jsonl")
	opts := learnFlags(fs)
	site := siteFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usagef("eval: no data given")
	}
	protocols := 0
	for _, on := range []bool{*bySource, *byPlatform, len(tests) > 0, *holdout != 0, *curve || *split != "", *scoreWith != ""} {
		if on {
			protocols++
		}
	}
	if protocols > 1 {
		return usagef("eval: choose one of -by-source, -by-platform, -test, -holdout, -learning-curve (or -write-split) and -m")
	}
	holdoutSet := false
	fs.Visit(func(f *flag.Flag) { holdoutSet = holdoutSet || f.Name == "holdout" })
	if !(*holdout >= 0 && *holdout < 1) || holdoutSet && *holdout == 0 {
		return usagef("eval: -holdout %v: want a fraction in (0, 1)", *holdout)
	}
	if *showErrors < 0 {
		return usagef("eval: -errors %d: want a count of comments, 0 for none", *showErrors)
	}
	if *k < 2 {
		return usagef("eval: -k %d: want at least 2", *k)
	}
	if *plotFile != "" && !strings.EqualFold(filepath.Ext(*plotFile), ".svg") {
		return usagef("eval: -plot %s: the figure is SVG, so the file name must end in .svg", *plotFile)
	}
	if *scoreWith != "" {
		// Judging a model trains nothing: a flag that says how to
		// train would be read and ignored.
		judging := []string{"m", "q", "json", "errors", "plot", "site", "source", "reject", "review"}
		var set []string
		fs.Visit(func(f *flag.Flag) {
			if !slices.Contains(judging, f.Name) {
				set = append(set, "-"+f.Name)
			}
		})
		if len(set) > 0 {
			return usagef("%v: eval -m judges the model as it is and trains nothing; drop %v", set, set)
		}
	}
	if *reject != 0 && *scoreWith == "" {
		return usagef("eval: -reject %v judges a model at a threshold of your own: it needs -m", *reject)
	}
	if !(*reject >= 0 && *reject < 1) {
		return usagef("eval: -reject %v: want a probability in (0, 1)", *reject)
	}
	o, err := opts()
	if err != nil {
		return err
	}
	if *scoreWith != "" && o.review < 0 {
		return usagef("eval -m: -review %v: the function has no setting for no review band; a -reject at or below the model's review threshold leaves none", o.review)
	}
	if err := site.apply(fs, &o); err != nil {
		return err
	}
	// eval's models are never saved: a fixed date keeps runs identical.
	o.trainedAt = time.Unix(0, 0)
	if *group != "" && *holdout == 0 {
		return usagef("eval: -group %s needs -holdout", *group)
	}
	d, err := loadGrouped(fs.Args(), *group, stderr, *quiet)
	if err == nil {
		err = site.selectData(d, stderr)
	}
	if err != nil {
		return err
	}
	// Judging a model (-m) trains nothing: a spam queue alone will do.
	if err := requireClasses(d, *scoreWith != ""); err != nil {
		return err
	}
	if err := checkWeights(o.weights, d); err != nil {
		return err
	}
	if *curve || *split != "" {
		return runCurve(d, o, curveFlags{labels: *labelCounts, draws: *draws, split: *split, plot: *plotFile, json: *asJSON, curve: *curve}, stdout, stderr)
	}
	// On a terminal, a line says which model is being trained and what
	// it is doing: a protocol trains one model per fold or source, each
	// with its own cross-validation.
	if f, ok := stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) && *scoreWith == "" {
		o.progress = progressLine(stderr)
	}
	var r *report
	switch {
	case *scoreWith != "":
		r, err = evalModel(d, *scoreWith, *reject, o.review)
	case len(tests) > 0:
		t, err := load(tests, stderr, *quiet)
		if err != nil {
			return err
		}
		t.sourcePerPath()
		r, err = evalSplit(d, t, o)
		if err != nil {
			return err
		}
	case *byPlatform:
		r, err = evalByPlatform(d, o)
	case *bySource:
		r, err = evalBySource(d, o)
	case *holdout > 0 && *group != "":
		r, err = evalGroupHoldout(d, *holdout, *group, o)
	case *holdout > 0:
		r, err = evalHoldout(d, *holdout, o)
	default:
		r, err = evalKFold(d, *k, o)
	}
	if o.progress != nil {
		fmt.Fprint(stderr, "\r\033[K")
	}
	if err != nil {
		return err
	}
	if *plotFile != "" {
		if err := writeAtomic(*plotFile, r.writePlot); err != nil {
			return fmt.Errorf("write plot %s: %w", *plotFile, err)
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	r.print(stdout)
	if r.Choices != nil {
		printChoices(stdout, r.Choices, r.Overall.Ham, *scoreWith)
	}
	if *showErrors > 0 {
		r.printErrors(stdout, *showErrors)
	}
	return nil
}

// errorTextRunes is how much of a misjudged comment printErrors shows: two
// lines of a terminal, enough to recognise it.
const errorTextRunes = 160

// printErrors lists the ham rejected with the highest scores and the spam
// kept with the lowest: where a model needs more training data.
func (r *report) printErrors(w io.Writer, n int) {
	for _, kind := range []struct {
		title string
		spam  bool
	}{{"ham rejected", false}, {"spam kept", true}} {
		var idx []int
		for i := range r.scores {
			if r.spam[i] == kind.spam && r.rejected[i] != kind.spam {
				idx = append(idx, i)
			}
		}
		// Worst first: the highest-scored ham, the lowest-scored spam.
		slices.SortStableFunc(idx, func(a, b int) int {
			if kind.spam {
				return cmp.Compare(r.scores[a], r.scores[b])
			}
			return cmp.Compare(r.scores[b], r.scores[a])
		})
		fmt.Fprintf(w, "\n%s (%d):\n", kind.title, len(idx))
		for j, i := range idx {
			if j == n {
				break
			}
			fmt.Fprintf(w, "  %7.2f  %s  %q\n", r.scores[i], r.sources[i], excerpt(r.texts[i]))
		}
	}
}

// excerpt is a comment's text on one line, cut to errorTextRunes.
func excerpt(text string) string {
	text = strings.Join(strings.Fields(text), " ")
	if r := []rune(text); len(r) > errorTextRunes {
		text = string(r[:errorTextRunes]) + "…"
	}
	return text
}

// evaluator accumulates test predictions across folds.
type evaluator struct {
	r     report
	start time.Time
	// models is how many models the protocol trains, trained how many
	// so far: for the progress line.
	models, trained int
}

func newEvaluator(protocol string, models int) *evaluator {
	return &evaluator{r: report{Protocol: protocol}, start: time.Now(), models: models}
}

// test trains on train with the full train procedure and scores test.
func (e *evaluator) test(train []model.Example, test []model.Example, src []string, o learnOptions) error {
	if o.progress != nil {
		o.progress("model", e.trained, e.models)
	}
	e.trained++
	c, _, err := learn(train, o)
	if err != nil {
		return err
	}
	seen := make(map[string]bool, len(train))
	for _, ex := range train {
		seen[ex.Comment.Text] = true
	}
	for _, ex := range test {
		if seen[ex.Comment.Text] {
			e.r.SeenInTraining++
		}
	}
	e.score(c, test, src)
	return nil
}

// score scores test with c at its own threshold.
func (e *evaluator) score(c *model.Classifier, test []model.Example, src []string) {
	e.r.Thresholds = append(e.r.Thresholds, c.Thresholds().Reject)
	e.r.ReviewThresholds = append(e.r.ReviewThresholds, c.Thresholds().Review)
	for i, ex := range test {
		s := c.Score(ex.Comment)
		e.r.scores = append(e.r.scores, s.LogOdds)
		e.r.spam = append(e.r.spam, ex.Label == model.Spam)
		e.r.rejected = append(e.r.rejected, s.Verdict == model.Reject)
		e.r.review = append(e.r.review, s.Verdict == model.Review)
		e.r.texts = append(e.r.texts, ex.Text)
		e.r.sources = append(e.r.sources, src[i])
	}
}

func (e *evaluator) finish() *report {
	r := &e.r
	r.Overall = measure(r.scores, r.spam, r.rejected, r.review)
	bySrc := map[string][]int{}
	for i, s := range r.sources {
		bySrc[s] = append(bySrc[s], i)
	}
	for _, s := range slices.Sorted(maps.Keys(bySrc)) {
		var sc []float64
		var sp, rj, rv []bool
		for _, i := range bySrc[s] {
			sc = append(sc, r.scores[i])
			sp = append(sp, r.spam[i])
			rj = append(rj, r.rejected[i])
			rv = append(rv, r.review[i])
		}
		r.Sources = append(r.Sources, sourceMetrics{Source: s, metrics: measure(sc, sp, rj, rv)})
	}
	r.Seconds = time.Since(e.start).Seconds()
	return r
}

func evalKFold(d *dataset, k int, o learnOptions) (*report, error) {
	// As Fit caps its folds: a fold beyond the smaller class would test
	// on one class, and beyond the data on nothing. The protocol line
	// says how many there were.
	spam, ham := countClasses(labelsOf(d.examples))
	k = min(k, spam, ham)
	if k < 2 {
		return nil, fmt.Errorf("cross-validation needs at least 2 comments of each class, one to train on and one to test on in turn; the data has %d spam and %d ham", spam, ham)
	}
	e := newEvaluator(fmt.Sprintf("%d-fold stratified cross-validation (seed %d)", k, o.seed), k)
	// seed+1: the outer folds come from another random stream than the
	// inner folds learn draws with seed to calibrate each test model.
	fold := model.StratifiedFolds(labelsOf(d.examples), k, o.seed+1)
	for f := 0; f < k; f++ {
		train, test, src := d.split(func(i int) bool { return fold[i] == f })
		if err := e.test(train, test, src, o); err != nil {
			return nil, fmt.Errorf("fold %d: %w", f+1, err)
		}
	}
	return e.finish(), nil
}

// evalHoldout tests on a stratified random fraction of d, the same for a
// given seed, training on the rest.
func evalHoldout(d *dataset, frac float64, o learnOptions) (*report, error) {
	e := newEvaluator(fmt.Sprintf("stratified %.0f/%.0f train/test split (seed %d)", 100*(1-frac), 100*frac, o.seed), 1)
	test := holdoutSplit(d.examples, frac, o.seed)
	trainEx, testEx, src := d.split(func(i int) bool { return test[i] })
	if err := checkSplit(trainEx, testEx, fmt.Sprintf("-holdout %g", frac)); err != nil {
		return nil, err
	}
	if err := e.test(trainEx, testEx, src, o); err != nil {
		return nil, err
	}
	return e.finish(), nil
}

// evalGroupHoldout tests on a random fraction of the groups of d (by the
// CSV column named column), the same for a given seed, training on the
// others: comments under one video or post share words and spammers, so
// a split of rows would test on what training saw.
func evalGroupHoldout(d *dataset, frac float64, column string, o learnOptions) (*report, error) {
	// A row without a group would be held out or kept with every other
	// such row, as one group nobody named.
	if missing := slices.Index(d.Groups, ""); missing >= 0 {
		n := len(d.Groups) - len(slices.DeleteFunc(slices.Clone(d.Groups), func(g string) bool { return g == "" }))
		return nil, usagef("eval -group %s: %d of %d rows have no %s (the first: %s:%d): a group split needs the column in every CSV file, filled in every row",
			column, n, len(d.Groups), column, d.From[missing], d.Line[missing])
	}
	held, n := heldGroups(d.Groups, frac, o.seed)
	if n < 2 {
		return nil, usagef("eval -group %s: need at least two groups, found %d", column, n)
	}
	e := newEvaluator(fmt.Sprintf("%.0f/%.0f split of the %d groups by %s (seed %d)", 100*(1-frac), 100*frac, n, column, o.seed), 1)
	trainEx, testEx, src := d.split(func(i int) bool { return held[d.Groups[i]] })
	if err := checkSplit(trainEx, testEx, fmt.Sprintf("-holdout %g -group %s", frac, column)); err != nil {
		return nil, err
	}
	if err := e.test(trainEx, testEx, src, o); err != nil {
		return nil, err
	}
	return e.finish(), nil
}

// checkSplit fails, naming the split, when it leaves nothing to test on
// or not both classes to train on.
func checkSplit(train, test []model.Example, what string) error {
	spam, ham := countClasses(labelsOf(train))
	if len(test) == 0 || spam == 0 || ham == 0 {
		return usagef("eval %s: the split leaves %d comments to test on and %d spam and %d ham to train on; want some of each", what, len(test), spam, ham)
	}
	return nil
}

// heldGroups draws the groups to test on: round(frac·n) of the n
// different groups (at least one, and one fewer than all), the same for
// a given seed; none when there are fewer than two.
func heldGroups(groups []string, frac float64, seed uint64) (held map[string]bool, n int) {
	names := distinct(groups)
	if len(names) < 2 {
		return nil, len(names)
	}
	slices.Sort(names)
	rng := rand.New(rand.NewPCG(seed, 0x6709))
	rng.Shuffle(len(names), func(a, b int) { names[a], names[b] = names[b], names[a] })
	held = map[string]bool{}
	for _, g := range names[:min(len(names)-1, max(1, int(math.Round(frac*float64(len(names))))))] {
		held[g] = true
	}
	return held, len(names)
}

// distinct returns the different strings of xs in the order they first
// appear.
func distinct(xs []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// restHasBoth says which of held, if any, cannot be held out because the
// other sources of classes (counts of ham and spam by source) hold none
// of a class to train on.
func restHasBoth(flag string, held []string, classes map[string][2]int) error {
	var total [2]int
	for _, c := range classes {
		total[0] += c[0]
		total[1] += c[1]
	}
	for _, h := range held {
		for k, class := range []string{"ham", "spam"} {
			if total[k]-classes[h][k] == 0 {
				return usagef("eval %s: holding out %s leaves no %s to train on, as all of it is there; give other DATA with %s", flag, h, class, class)
			}
		}
	}
	return nil
}

func evalBySource(d *dataset, o learnOptions) (*report, error) {
	names := distinct(d.source)
	if len(names) < 2 {
		return nil, usagef("eval -by-source needs at least two source files, have %d", len(names))
	}
	classes := map[string][2]int{}
	for i, ex := range d.examples {
		c := classes[d.source[i]]
		c[labelIndex(ex.Label)]++
		classes[d.source[i]] = c
	}
	if err := restHasBoth("-by-source", names, classes); err != nil {
		return nil, err
	}
	e := newEvaluator(fmt.Sprintf("leave-one-source-out over %d sources", len(names)), len(names))
	for _, held := range names {
		train, test, src := d.split(func(i int) bool { return d.source[i] == held })
		if err := e.test(train, test, src, o); err != nil {
			return nil, fmt.Errorf("holding out %s: %w", held, err)
		}
	}
	return e.finish(), nil
}

// evalByPlatform holds out each DATA path given (a platform: its
// Example.Source) that has both spam and ham, trains on all the other
// paths exactly as train would, and tests on it at the test model's own
// threshold: how the model does on a platform it has never seen. A path
// with one class only (a spam queue) is always training data.
func evalByPlatform(d *dataset, o learnOptions) (*report, error) {
	var names []string
	classes := map[string][2]int{}
	for _, ex := range d.examples {
		c := classes[ex.Source]
		if c[0]+c[1] == 0 {
			names = append(names, ex.Source)
		}
		c[labelIndex(ex.Label)]++
		classes[ex.Source] = c
	}
	var held []string
	for _, n := range names {
		if c := classes[n]; c[0] > 0 && c[1] > 0 {
			held = append(held, n)
		}
	}
	if len(names) < 2 || len(held) == 0 {
		return nil, usagef("eval -by-platform needs at least two DATA paths, one of them with both spam and ham")
	}
	if err := restHasBoth("-by-platform", held, classes); err != nil {
		return nil, err
	}
	e := newEvaluator(fmt.Sprintf("leave-one-platform-out over %d of %d DATA paths", len(held), len(names)), len(held))
	for _, h := range held {
		train, test, _ := d.split(func(i int) bool { return d.examples[i].Source == h })
		src := make([]string, len(test))
		for i := range src {
			src[i] = h
		}
		if err := e.test(train, test, src, o); err != nil {
			return nil, fmt.Errorf("holding out %s: %w", h, err)
		}
	}
	return e.finish(), nil
}

// labelIndex is 1 for spam, 0 for ham.
func labelIndex(l model.Label) int {
	if l == model.Spam {
		return 1
	}
	return 0
}

// split divides d's examples into those isTest picks, with their sources,
// and the rest, for training.
func (d *dataset) split(isTest func(i int) bool) (train, test []model.Example, src []string) {
	for i, ex := range d.examples {
		if isTest(i) {
			test = append(test, ex)
			src = append(src, d.source[i])
		} else {
			train = append(train, ex)
		}
	}
	return train, test, src
}

func evalSplit(train, test *dataset, o learnOptions) (*report, error) {
	e := newEvaluator("train on DATA, test on -test files", 1)
	if err := e.test(train.examples, test.examples, test.source, o); err != nil {
		return nil, err
	}
	return e.finish(), nil
}

func (r *report) print(w io.Writer) {
	m := r.Overall
	fmt.Fprintf(w, "protocol:      %s\n", r.Protocol)
	fmt.Fprintf(w, "test comments: %d (%d spam, %d ham)", m.N, m.Spam, m.Ham)
	if r.SeenInTraining > 0 {
		fmt.Fprintf(w, "; %d with a text their model was trained on", r.SeenInTraining)
	}
	fmt.Fprintln(w)
	th := make([]string, len(r.Thresholds))
	for i, t := range r.Thresholds {
		th[i] = fmt.Sprintf("%.4g", t)
	}
	whose := "each test model's own"
	if r.overridden {
		whose = "the one given"
	}
	fmt.Fprintf(w, "thresholds:    %s: %s\n\n", whose, strings.Join(th, ", "))
	fmt.Fprintf(w, "accuracy        %.4f\n", m.Accuracy)
	fmt.Fprintf(w, "precision       %.4f\n", m.Precision)
	fmt.Fprintf(w, "recall          %.4f\n", m.Recall)
	fmt.Fprintf(w, "F1              %.4f\n", m.F1)
	fmt.Fprintf(w, "ham rejected    %s (%d of %d)\n", m.HamRejected.percent(), m.Confusion.FP, m.Ham)
	if slices.ContainsFunc(r.ReviewThresholds, func(p float64) bool { return p > 0 }) {
		fmt.Fprintf(w, "sent to review  %s of the spam (%d), %s of the ham (%d); counted as kept\n",
			share(float64(m.SpamReview), float64(m.Spam)).percent(), m.SpamReview, share(float64(m.HamReview), float64(m.Ham)).percent(), m.HamReview)
	}
	fmt.Fprintf(w, "MCC             %.4f\n", m.MCC)
	fmt.Fprintf(w, "ROC AUC         %.4f\n", m.AUC)
	fmt.Fprintf(w, "recall at ≤1%% ham rejected  %.4f\n", m.RecallAt1)
	fmt.Fprintf(w, "best F1 at ≤1%% ham rejected %.4f (threshold in hindsight)\n\n", m.BestF1At1)
	fmt.Fprintf(w, "confusion matrix   rejected   kept\n")
	fmt.Fprintf(w, "  spam             %8d %6d\n", m.Confusion.TP, m.Confusion.FN)
	fmt.Fprintf(w, "  ham              %8d %6d\n\n", m.Confusion.FP, m.Confusion.TN)
	// A metric a source cannot define (one class only: no AUC, no MCC, no
	// recall or F1 without spam) shows as "–", not as a measured 0.
	// With a review band, each source's share of spam and of ham sent to
	// review too, as the overall line gives them.
	review := slices.ContainsFunc(r.ReviewThresholds, func(p float64) bool { return p > 0 })
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := "source\tcomments\tspam\tham\taccuracy\tprecision\trecall\tF1\tham rejected\tMCC\tAUC\t"
	if review {
		head += "spam to review\tham to review\t"
	}
	fmt.Fprintln(tw, head)
	for _, s := range r.Sources {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%.4f\t%.4f\t%.4f\t%.4f\t%s\t%.4f\t%.4f\t", s.Source, s.N, s.Spam, s.Ham,
			s.Accuracy, s.Precision, s.Recall, s.F1, s.HamRejected.percent(), s.MCC, s.AUC)
		if review {
			fmt.Fprintf(tw, "%s\t%s\t", share(float64(s.SpamReview), float64(s.Spam)).percent(), share(float64(s.HamReview), float64(s.Ham)).percent())
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
}
