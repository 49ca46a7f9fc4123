package main

import (
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/spamcheck/spamcheck/model"
	"github.com/spamcheck/spamcheck/model/labeled"
)

// learnFlags registers the flags shared by train and eval and returns a
// function that turns them into learnOptions once parsed.
func learnFlags(fs *flag.FlagSet) func() (learnOptions, error) {
	p := model.DefaultParams()
	tc := model.DefaultTokenizer()
	maxHam := fs.Float64("max-ham-rejected", 0.5, "pick the reject threshold so that at most this `percent` of ham is rejected in held-out scores (with -base: of the site's ham to come)")
	review := fs.Float64("review", 0, "set the review threshold at this spam `probability` (0: the k-fold threshold when held-out sources set a stricter reject threshold; with -base, the threshold picked for twice -max-ham-rejected of the site's ham to come; -1: no review band)")
	folds := fs.Int("folds", 5, "cross-validation `folds` used to calibrate and pick the threshold")
	weights := newWeightFlag()
	fs.Var(weights, "weight", "`NAME=W`: multiply the evidence of the source NAME (the base name of a DATA path, or its last elements where two share a base name: a/comments.csv) by W; NAME:spam=W or NAME:ham=W: of its spam or its ham only, in place of NAME's weight (repeatable)")
	kfold := fs.Bool("kfold-threshold", false, "pick the reject threshold on k-fold scores even when several sources could be held out")
	seed := fs.Uint64("seed", 1, "random `seed` for the cross-validation folds")
	fs.Float64Var(&p.Smoothing, "smoothing", p.Smoothing, "additive smoothing `alpha`, in comments: a whole number of hundredths, at least 0.01")
	fs.BoolVar(&p.Balance, "balance", p.Balance, "weigh every source (each DATA argument) and within it both classes equally")
	fs.IntVar(&p.Window, "window", p.Window, "also score comments of more than 2·`n` words by n-word windows (0 = off)")
	fs.Float64Var(&p.WindowPenalty, "window-penalty", p.WindowPenalty, "`nats` a window must beat the whole comment by")
	fs.IntVar(&p.MinSources, "min-sources", p.MinSources, "with at least `n` sources, drop tokens seen in fewer (0 = off)")
	fs.IntVar(&p.MaxTokens, "max-tokens", p.MaxTokens, "keep only the `n` most informative tokens (0 = all)")
	fs.StringVar(&p.PruneBy, "prune-by", p.PruneBy, "rank tokens for -max-tokens by `criterion`: |weight|×df (empty), df or mi (mutual information)")
	fs.BoolVar(&p.Binary, "binary", p.Binary, "count a token once per comment")
	fs.IntVar(&p.MinCount, "min-count", p.MinCount, "drop tokens seen fewer than `n` times")
	fs.Float64Var(&p.MaxWeight, "max-weight", p.MaxWeight, "cap on each token's log-likelihood ratio (0 = none, else at least 0.1)")
	fs.IntVar(&p.Reasons, "reasons", p.Reasons, "`n` reasons per verdict")
	fs.BoolVar(&tc.Bigrams, "bigrams", tc.Bigrams, "add word-pair tokens")
	fs.BoolVar(&tc.Style, "style", tc.Style, "add writing-style tokens (Title Case, shouting, links)")
	fs.BoolVar(&tc.Metadata, "metadata", tc.Metadata, "use author name, URL and e-mail domain")
	var unlabeled listFlag
	fs.Var(&unlabeled, "unlabeled", "adapt to the platform whose comments, without labels, are in this `file` (one per line, as classify reads them; repeatable) by self-training on them (see the package doc)")
	return func() (learnOptions, error) {
		if !(*maxHam >= 0 && *maxHam < 100) {
			return learnOptions{}, usagef("-max-ham-rejected %v: want a percentage in [0, 100)", *maxHam)
		}
		if *review != -1 && !(*review >= 0 && *review < 1) {
			return learnOptions{}, usagef("-review %v: want a probability in (0, 1), 0 or -1", *review)
		}
		if *folds < 2 {
			return learnOptions{}, usagef("-folds %d: want at least 2", *folds)
		}
		if err := p.ValidateNew(); err != nil {
			return learnOptions{}, usageError{err.Error()}
		}
		var comments []model.Comment
		skipped := 0
		for _, path := range unlabeled {
			cs, n, err := readComments(path)
			if err != nil {
				return learnOptions{}, fmt.Errorf("-unlabeled: %w", err)
			}
			comments, skipped = append(comments, cs...), skipped+n
		}
		if len(unlabeled) > 0 && len(comments) == 0 {
			return learnOptions{}, usagef("-unlabeled %s: no comments", strings.Join(unlabeled, ", "))
		}
		return learnOptions{maxHamRejected: max(*maxHam/100, 1e-9), review: *review, folds: *folds, seed: *seed,
			params: &p, tokenizer: &tc, kfoldThreshold: *kfold, weights: weights, unlabeled: comments, unlabeledSkipped: skipped}, nil
	}
}

func runTrain(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("train", "-o MODEL [flags] DATA...", stderr)
	out := fs.String("o", "", "write the model to `file` (required)")
	at := fs.String("trained-at", "", "record this RFC 3339 `time` as the training date (default: $SOURCE_DATE_EPOCH, else now)")
	quiet := fs.Bool("q", false, "do not list skipped rows")
	opts := learnFlags(fs)
	site := siteFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usagef("train: -o MODEL is required")
	}
	if fs.NArg() == 0 {
		return usagef("train: no training data given")
	}
	if err := checkOutput(*out); err != nil {
		return err
	}
	o, err := opts()
	if err != nil {
		return err
	}
	if err := site.apply(fs, &o); err != nil {
		return err
	}
	if o.trainedAt, err = trainedAt(*at); err != nil {
		return err
	}
	if f, ok := stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		o.progress = progressLine(stderr)
		defer fmt.Fprint(stderr, "\r\033[K")
	}
	d, err := loadGroupedProgress(fs.Args(), "", stderr, *quiet, o.progress)
	if err == nil {
		err = site.selectData(d, stderr)
	}
	if err != nil {
		return err
	}
	if err := requireClasses(d, o.base != nil); err != nil {
		return err
	}
	if err := checkWeights(o.weights, d); err != nil {
		return err
	}
	// Training needs the examples only; the records they were made from
	// weigh as much again on a large corpus. Where each came from stays,
	// for the labels to check.
	d.Data = &labeled.Data{From: d.From, Line: d.Line}
	start := time.Now()
	c, rep, err := learn(d.examples, o)
	if err != nil {
		return fmt.Errorf("train: %w", err)
	}

	if err := writeModel(*out, c); err != nil {
		return err
	}
	if o.progress != nil {
		fmt.Fprint(stderr, "\r\033[K")
	}
	th := c.Info().Thresholds
	fmt.Fprintf(stdout, "wrote %s in %v\n%s\n", *out, time.Since(start).Round(time.Millisecond), c)
	switch {
	case o.base != nil:
		printSiteReport(stdout, o.base, rep, d)
		switch {
		case rep.Folds > 0 && rep.Fallback == "":
			fmt.Fprintf(stdout, "threshold: reject at P(spam) ≥ %.6g (%d of the site's %d held-out ham above it)\n", th.Reject, rep.SiteHamAbove, rep.SiteHam)
			fmt.Fprintf(stdout, "  picked so, a threshold rejects a new site ham with probability about %.2g%% on average over the draws of the labels, within the %.2g%% asked: approximate, as fold models stand in for this one and their scores also chose the site's weight; one model's rate varies around that\n",
				100*rep.SiteRejectBound, o.maxHamRejected*100)
		case rep.Folds > 0:
			fmt.Fprintf(stdout, "threshold: reject at P(spam) ≥ %.6g (above every held-out site ham: see the note)\n", th.Reject)
		default:
			fmt.Fprintf(stdout, "threshold: reject at P(spam) ≥ %.6g\n", th.Reject)
		}
	case rep.Folds == 0:
		fmt.Fprintf(stdout, "threshold: reject at P(spam) ≥ %.6g, uncalibrated: %s\n", th.Reject, rep.Fallback)
	case rep.HeldOutSources > 0:
		fmt.Fprintf(stdout, "threshold: reject at P(spam) ≥ %.6g (≤ %.2g%% ham rejected with each of the %d sources held out in turn; calibrated by %d-fold cross-validation)\n",
			th.Reject, o.maxHamRejected*100, rep.HeldOutSources, rep.Folds)
	default:
		fmt.Fprintf(stdout, "threshold: reject at P(spam) ≥ %.6g (≤ %.2g%% ham rejected in %d-fold cross-validation)\n",
			th.Reject, o.maxHamRejected*100, rep.Folds)
		if rep.Fallback != "" {
			fmt.Fprintf(stdout, "note: %s\n", rep.Fallback)
		}
	}
	siteBand := o.base != nil && o.review == 0 && rep.Folds > 0
	switch {
	case th.Review != 0 && siteBand:
		fmt.Fprintf(stdout, "review band: P(spam) ≥ %.6g (%d of the site's %d held-out ham above it)\n", th.Review, rep.SiteHamAboveReview, rep.SiteHam)
		fmt.Fprintf(stdout, "  picked as the reject threshold at twice the rate: a new site ham reaches review or reject with probability about %.2g%% on average\n",
			100*rep.SiteReviewBound)
	case th.Review != 0:
		fmt.Fprintf(stdout, "review band: P(spam) ≥ %.6g\n", th.Review)
	case siteBand:
		fmt.Fprintf(stdout, "no review band: at twice the rate, the threshold would flag no more of the site's %d held-out ham than the reject threshold; more ham labels give one\n", rep.SiteHam)
	}
	if o.review > 0 && th.Review == 0 {
		fmt.Fprintf(stdout, "no review band: -review %v is not below the reject threshold\n", o.review)
	}
	printSelfTrain(stdout, rep.SelfTrain, len(o.unlabeled), o.unlabeledSkipped)
	return nil
}

// printSelfTrain says what self-training on -unlabeled took, round by
// round.
func printSelfTrain(w io.Writer, rounds []model.SelfTrainRound, n, skipped int) {
	if n == 0 {
		return
	}
	fmt.Fprintf(w, "self-training on %d unlabeled comments (source %q, never held out: the thresholds above come from the labeled sources):\n", n, model.UnlabeledSource)
	if skipped > 0 {
		fmt.Fprintf(w, "  %d unreadable lines of -unlabeled skipped (no text, or not a comment record)\n", skipped)
	}
	for i, r := range rounds {
		fmt.Fprintf(w, "  round %d: the %d the model before it rejects, counted as spam\n", i+1, r.Spam)
	}
	if len(rounds) == 0 {
		fmt.Fprintln(w, "  the model rejects none of them: nothing to learn from, so the model is the one the labels give")
	}
}

// trainedAt resolves the training date: the flag, else SOURCE_DATE_EPOCH,
// else now.
func trainedAt(flagValue string) (time.Time, error) {
	if flagValue != "" {
		t, err := time.Parse(time.RFC3339, flagValue)
		if err != nil {
			return t, usagef("-trained-at: %v", err)
		}
		return t, nil
	}
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return time.Time{}, usagef("SOURCE_DATE_EPOCH=%q: %v", s, err)
		}
		return time.Unix(n, 0).UTC(), nil
	}
	return time.Now(), nil
}

// maxSkipsListed is how many skipped rows load lists before it only counts
// the rest: enough to see what went wrong, short enough to scroll past.
const maxSkipsListed = 50

// load reads labeled data and reports what was read and skipped on
// stderr.
func load(paths []string, stderr io.Writer, quiet bool) (*dataset, error) {
	return loadGrouped(paths, "", stderr, quiet)
}

// loadGrouped is load that also keeps the CSV column groupColumn of every
// row (see labeled.Data.GroupColumn).
func loadGrouped(paths []string, groupColumn string, stderr io.Writer, quiet bool) (*dataset, error) {
	return loadGroupedProgress(paths, groupColumn, stderr, quiet, nil)
}

// loadGroupedProgress is loadGrouped that tells progress, when set, how
// many bytes of files it has read (stage "reading").
func loadGroupedProgress(paths []string, groupColumn string, stderr io.Writer, quiet bool, progress func(stage string, done, total int)) (*dataset, error) {
	var read func(n int64)
	if progress != nil {
		var bytes int64
		read = func(n int64) {
			bytes += n
			progress("reading", int(bytes), 0)
		}
	}
	d, err := readDataProgress(paths, groupColumn, read)
	if err != nil {
		return nil, err
	}
	if progress != nil {
		// The report starts on a line of its own.
		fmt.Fprint(stderr, "\r\033[K")
	}
	spam, ham := countClasses(labelsOf(d.examples))
	// Rows, the rests of files and whole files are counted apart: a
	// README.md beside the data in a folder is not a row that went
	// missing, and the lines after a CSV error were never read as rows.
	rowSkips, rests := 0, 0
	for _, s := range d.Skipped {
		switch {
		case s.Reason == labeled.RestOfFile:
			rests++
		case s.Line != 0:
			rowSkips++
		}
	}
	var notRead []string
	switch n := len(d.Skipped) - rowSkips - rests; n {
	case 0:
	case 1:
		notRead = append(notRead, "1 other file or folder not read")
	default:
		notRead = append(notRead, fmt.Sprintf("%d other files or folders not read", n))
	}
	switch rests {
	case 0:
	case 1:
		notRead = append(notRead, "the rest of 1 file not read after a CSV error")
	default:
		notRead = append(notRead, fmt.Sprintf("the rest of %d files not read after a CSV error", rests))
	}
	otherFiles := ""
	for i, s := range notRead {
		if i == len(notRead)-1 {
			otherFiles += ", and " + s
		} else {
			otherFiles += ", " + s
		}
	}
	files := "files"
	if d.Files == 1 {
		files = "file"
	}
	fmt.Fprintf(stderr, "read %d rows from %d %s: %d spam, %d ham, %d skipped%s\n", d.Rows, d.Files, files, spam, ham, rowSkips, otherFiles)
	for i, s := range d.Skipped {
		if quiet {
			fmt.Fprintf(stderr, "  (run without -q to list what was skipped)\n")
			break
		}
		if i == maxSkipsListed {
			fmt.Fprintf(stderr, "  … and %d more skipped\n", len(d.Skipped)-i)
			break
		}
		fmt.Fprintf(stderr, "  skipped %s\n", s)
	}
	return d, nil
}

// requireClasses fails unless d, to be trained on, holds spam and ham,
// so that a run stops before any work; where a model with both classes
// is already there (onBase: a base to train on, a model to judge), it
// requires some data.
func requireClasses(d *dataset, onBase bool) error {
	spam, ham := countClasses(labelsOf(d.examples))
	if onBase && spam+ham > 0 || spam > 0 && ham > 0 {
		return nil
	}
	return fmt.Errorf("%w (have %d spam, %d ham)", model.ErrNoData, spam, ham)
}

// writeModel saves c to name atomically (see writeAtomic).
func writeModel(name string, c *model.Classifier) error {
	if err := writeAtomic(name, c.Save); err != nil {
		return fmt.Errorf("write model %s: %w", name, err)
	}
	return nil
}

// tempFile is what writeAtomic needs of its temporary file.
type tempFile interface {
	io.Writer
	Name() string
	Sync() error
	Close() error
}

// createTemp creates writeAtomic's temporary file. Tests replace it to
// make writes fail as they do on a full disk.
var createTemp = func(dir, pattern string) (tempFile, error) {
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return nil, err
	}
	return f, nil
}

// checkOutput says, before any data is read, what would keep a model from
// being written to name: a folder there, or no folder to write it in.
func checkOutput(name string) error {
	if st, err := os.Stat(name); err == nil && st.IsDir() {
		return fmt.Errorf("-o %s: a folder; name the model file to write", name)
	}
	if st, err := os.Stat(filepath.Dir(name)); err != nil || !st.IsDir() {
		return fmt.Errorf("-o %s: no folder %s to write it in", name, filepath.Dir(name))
	}
	return nil
}

// writeAtomic has write fill a temporary file in name's directory, syncs
// it and renames it over name, so that name is either what it was or the
// whole new content, however the write ends. On failure the temporary
// file is removed.
func writeAtomic(name string, write func(io.Writer) error) (err error) {
	f, err := createTemp(filepath.Dir(name), "."+filepath.Base(name)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err = write(f); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Chmod(f.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(f.Name(), name)
}

// progressLine returns a model.Fit progress function that keeps one line
// on a terminal up to date with what training is doing and how far it is:
// tokenizing (with comments per second), fold k of n, source k of n held
// out, writing. Reading the files is fast; these are the slow parts.
func progressLine(w io.Writer) func(stage string, done, total int) {
	var start time.Time // of tokenizing
	prefix := ""        // eval's: which of its models is being trained
	return func(stage string, done, total int) {
		switch stage {
		case "model":
			prefix, start = fmt.Sprintf("model %d of %d: ", done+1, total), time.Time{}
			fmt.Fprintf(w, "\r\033[K%s", prefix)
		case "reading":
			fmt.Fprintf(w, "\r\033[Kreading: %.1f MB", float64(done)/1e6)
		case "tokenizing":
			if start.IsZero() {
				start = time.Now()
			}
			rate := float64(done) / max(time.Since(start).Seconds(), 1e-3)
			fmt.Fprintf(w, "\r\033[K%stokenizing and counting: %d of %d comments (%.0f comments/s)", prefix, done, total, rate)
		case "fold":
			fmt.Fprintf(w, "\r\033[K%scross-validation: fold %d of %d", prefix, done+1, total)
		case "source":
			fmt.Fprintf(w, "\r\033[K%sholding out source %d of %d to pick the threshold", prefix, done+1, total)
		case "weight":
			fmt.Fprintf(w, "\r\033[K%schoosing the site's weight: fold %d of %d", prefix, done+1, total)
		default:
			fmt.Fprintf(w, "\r\033[K%s%s", prefix, stage)
		}
	}
}

// weightFlag collects -weight NAME=W, the weight of a source, and
// NAME:spam=W or NAME:ham=W, the weight of one of its classes. Which a
// name is depends on the data's sources (a source may itself be named
// x:spam), so the flag keeps the names as given and resolve sorts them
// once the data is read.
type weightFlag struct {
	given  map[string]float64
	source map[string]float64
	class  map[string][2]float64
}

func newWeightFlag() *weightFlag { return &weightFlag{given: map[string]float64{}} }

func (w *weightFlag) String() string {
	if w == nil {
		return ""
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(w.given)) {
		parts = append(parts, fmt.Sprintf("%s=%g", k, w.given[k]))
	}
	return strings.Join(parts, ",")
}

func (w *weightFlag) Set(s string) error {
	name, v, ok := strings.Cut(s, "=")
	x, err := strconv.ParseFloat(v, 64)
	if !ok || name == "" || name == ":spam" || name == ":ham" || err != nil || !(x > 0 && x <= 1e6) {
		return fmt.Errorf("want NAME=W, NAME:spam=W or NAME:ham=W with W in (0, 1e6], got %q", s)
	}
	w.given[name] = x
	return nil
}

// resolve sorts the names given into sources and classes of sources of
// the data, whose source names are names: a name that is a source's
// weighs it whole, even if it ends in :spam; else NAME:spam and NAME:ham
// weigh a class of the source NAME. A name that is neither is an error.
func (w *weightFlag) resolve(names map[string]bool) error {
	w.source, w.class = map[string]float64{}, map[string][2]float64{}
	for _, name := range slices.Sorted(maps.Keys(w.given)) {
		x := w.given[name]
		if names[name] {
			w.source[name] = x
			continue
		}
		found := false
		for c, suffix := range []string{":ham", ":spam"} {
			if src, ok := strings.CutSuffix(name, suffix); ok && names[src] {
				cw := w.class[src]
				cw[c] = x
				w.class[src] = cw
				found = true
			}
		}
		if !found {
			src, _ := strings.CutSuffix(strings.TrimSuffix(name, ":ham"), ":spam")
			return usagef("-weight %s=%g: no source is named %q; the sources are %s", name, x, src, strings.Join(slices.Sorted(maps.Keys(names)), ", "))
		}
	}
	for src, cw := range w.class {
		if x, ok := w.source[src]; ok && cw[0] != 0 && cw[1] != 0 {
			return usagef("-weight %s=%g weighs nothing: %s:ham and %s:spam are both given", src, x, src, src)
		}
	}
	return nil
}
