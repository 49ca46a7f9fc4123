// Command training trains, evaluates and runs spamcheck's naive Bayes
// comment-spam models.
//
// Usage:
//
//	training train -o MODEL [flags] DATA...
//	training eval [flags] DATA...
//	training classify [-m MODEL] [FILE|-]
//	training merge -o MODEL A.model B.model...
//	training synth -n N [-seed S] [-o FILE]
//
// DATA is a file or a directory (every data file in it and in its
// subdirectories, by name order, as `aws s3 sync` leaves feedback records).
// Three formats are read, told apart by extension or, without one, by the
// first line:
//
//   - JSON Lines (.jsonl, .ndjson, .json): one object per line with "text"
//     and "label" ("spam" or "ham"), and optionally "author",
//     "author_email" and "author_url".
//   - CSV with a header row (.csv): a text column (text, content,
//     comment_content, comment, body or message, the first of these
//     names present) and a label column (label, class, spam, is_spam or
//     category, likewise), optionally author, author_email, author_url. The YouTube Spam
//     Collection's COMMENT_ID,AUTHOR,DATE,CONTENT,CLASS files work as they
//     are.
//   - TSV (.tsv, .txt or no extension): label<TAB>text per line, as in the
//     SMS Spam Collection.
//
// Labels may be spam/ham, 1/0, true/false or yes/no. Rows that cannot be
// used (bad JSON, no label, empty text…) are reported with file and line;
// nothing is dropped silently. A quoting error in a CSV file ends the
// reading of that file, since the rows after it cannot be told apart
// reliably: the bad row and the unread rest are both reported.
//
// # train
//
// train reads DATA, runs cross-validation on it to calibrate probabilities
// and to pick the reject threshold that would have rejected at most
// -max-ham-rejected percent of the ham (0.5 by default), then trains on all
// of it and writes the model to -o atomically (a temporary file renamed into
// place, so an interrupted run never leaves a half-written model). Set
// -trained-at (or SOURCE_DATE_EPOCH) to make the output reproducible byte
// for byte. On a terminal, one line on stderr shows what training is doing and how far it is.
//
// train -base MODEL (a file, or "default" for the built-in model) trains a
// site's model on top of a base: the counts per source stored in MODEL,
// with DATA added as a source of its own, weighted so that a few hundred
// site labels can outvote the base: a site weight of w scales the base's
// counts down by w, so that what the site's labels never show fades with
// the base. The weight is chosen by 5-fold cross-validation over DATA (the
// base always on the training side): the mean share of held-out site spam
// rejected at the thresholds that reject the fewest site ham (0 up to 5%
// of it, or -max-ham-rejected if more, and at least 5 comments) decides,
// -site-weight fixes it. Each weight is tried with the base's cap on a
// token's weight and without it, and the cap stays unless dropping it
// does better. Calibration and the reject threshold come from the same
// out-of-fold scores of the site's labels, the threshold so that a new
// site ham lands above it with probability at most -max-ham-rejected:
// k = ⌊share·(n+1)⌋ − 1 of the n held-out site ham above it, not share·n,
// which would reject more of the ham to come (a promise on average over
// the draws of the labels; one model's rate varies around it). The review
// band is picked the same way at twice the rate. With fewer than 10 spam
// or 10 ham, the base's are kept and train says so. It then lists the labels to
// check: the site's ham that the out-of-fold scores put above the median
// site spam, and its spam below the median site ham, worst first. The
// tokenizer and the other learning settings are the base's; flags that
// would change them are refused. -site HOST keeps only the records whose
// "site" field is HOST (feedback as the function stores it) and names the
// source after it; -source NAME names the source of a file of labels.
//
// train -unlabeled FILE (repeatable) adapts the model to a platform from
// its comments without labels, one per line as classify reads them (a
// JSON record's label, if any, is not read; lines without text are
// skipped and counted): the model trained on DATA scores them, what it
// rejects is added to the training data as spam, as one more source named
// "#unlabeled", and the model is trained again, up to three rounds or
// until the same comments are rejected twice. Spam comes in campaigns, and
// the wording of the ones the model is sure of catches more of the rest.
// The "#unlabeled" source is never held out: calibration and thresholds
// come from DATA's sources as without it. It does not combine with -base.
// eval takes -unlabeled too, for every model it trains.
//
// # merge
//
// merge adds up, source by source, the counts of models trained with the
// same settings, and writes the model of the sum: the model of all their
// data, count for count. Models that dropped tokens (-max-tokens or
// -min-sources that dropped some, -min-count above 1) are refused. The thresholds and
// calibration are the first model's, or -thresholds-from MODEL's.
//
// # eval
//
// eval measures how well the training procedure generalises, with one of
// five protocols:
//
//   - stratified k-fold cross-validation (the default; -k folds, 10),
//   - leave-one-source-out (-by-source): each file in turn is the test set
//     and a model trained on the others is tested on it,
//   - leave-one-platform-out (-by-platform): each DATA path with both
//     classes in turn is the test set, a model trained on all the other
//     paths is tested on it, and the per-source table has one row per
//     platform: how a model does on a platform it has never seen, which is
//     how a deployed model meets a new site,
//   - a stratified train/test split (-holdout FRACTION, e.g. 0.3), or of
//     whole groups (-holdout FRACTION -group COLUMN, e.g. video_id),
//   - train on DATA, test on -test FILE or DIR (repeatable).
//
// Every test model is trained exactly as train would train it, threshold
// included, and judged at its own threshold. eval prints accuracy,
// precision, recall, F1, the share of ham rejected, MCC, ROC AUC, recall at
// ≤ 1% ham rejected, the share of each class a model's review band sends
// to a moderator (counted as kept), the confusion matrix and a per-source breakdown (by
// file, but one row per -test path, so that a directory of feedback
// records is one row); -json prints the same as JSON. A metric the test
// comments cannot define (AUC, MCC and the recall at ≤ 1% ham rejected
// need both classes, recall needs spam) prints as "–" and is null in JSON.
//
// eval -m MODEL judges an existing model on DATA instead ("default": the
// built-in one), for the figures of a running model on the labels a new
// one is judged on; it trains nothing, so flags that say how to train are
// refused. -reject P and -review P judge it at thresholds of one's own, as
// the function's REJECT_THRESHOLD and REVIEW_THRESHOLD set them. After its
// figures it proposes, for each of 0.1%, 0.5%, 1%, 2% and 5% of new ham
// rejected, the reject threshold picked on DATA's labels as train -base
// picks a site's (a new ham like them lands above it at most that often;
// a rate needs ⌈1/rate⌉ − 1 ham, a text labeled more than once counting
// once), with the spam and ham it rejects of DATA. In the other protocols -base and -site work as
// for train.
//
// eval -learning-curve -base MODEL SITE_DATA measures a site's model after
// -labels counts of the site's labels (50, 100, 300, 1000): the site's
// comments, deduplicated by text, are shuffled (seed -seed + draw) and
// halved; the first half is the test set, the first k of the other half
// the labels. It prints, per k, the mean and standard deviation over
// -draws draws (5) of F1 and ham rejected, and draw 0's figures; -json
// and -plot FILE.svg too. -write-split DIR writes draw 0's test.jsonl
// and labels-K.jsonl, which train and classify reproduce.
//
// -plot FILE.svg also draws the results as an SVG figure, titled with the
// protocol, ROC AUC, F1 and the share of ham rejected. On the left, the ROC
// curve of the pooled test scores: ham rejected (on a log scale, zero at the
// left edge) against spam recall, with a dot where the models' own
// thresholds landed and a line at 1% ham rejected. On the right, histograms
// of the scores (log-odds) of ham and of spam, each as a share of its class,
// with a dashed line at each model's reject threshold. The SVG embeds the
// font its text is laid out with, so it draws the same everywhere.
//
// # classify
//
// classify reads JSON Lines ({"text": ...}, or "content" as the API names
// it, with optional metadata) or plain
// text, one comment per line, from FILE or standard input and writes one
// JSON object per comment, in order: the input line, spam_probability,
// log_odds, verdict, reasons and the model's ID. A line it cannot read (bad
// JSON, no "text" or a blank one, which train skips and the API refuses)
// is answered in its place with {"line": N, "error": ...}
// and listed on standard error; every other line is still answered, and
// classify then exits with status 1. Without -m it uses the default model
// built into the program.
//
// # synth
//
// synth writes N synthetic labeled comments as JSON Lines, the same file
// for the same N and -seed: 8 to 40 made-up words each, drawn by a Zipf law
// from a vocabulary the generator builds, ending in a few novel words so
// that the vocabulary grows with the corpus as in real data. It is the
// input of the training benchmarks at scale (see the README's Performance
// section).
//
// Exit status is 0 on success and for -h, 2 for a usage error (bad flags,
// unknown command) and 1 for any other failure.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"runtime/debug"

	"github.com/spamcheck/spamcheck/model"
	"github.com/spamcheck/spamcheck/model/bayes"
)

// The command's models are estimated by the naive Bayes library, as the
// model package is built around it (model.UseLibrary).
func init() { model.UseLibrary(bayes.LogFrequencies) }

// gcPercent is the garbage collector's target the command runs with
// unless GOGC or GOMEMLIMIT is set: the heap may grow to 1.5 times what
// is live instead of Go's default of twice. Training's peak is a few
// large tables (the token numbering, the library's maps, the encoded
// file) that stay live together, so the default's slack is most of the
// difference between what training holds and what the machine must have:
// on a million synthetic comments, 1.77 GB of peak RSS instead of 2.38
// GB, in the same time (see the README's Performance section).
const gcPercent = 50

func main() {
	if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetGCPercent(gcPercent)
	}
	log.SetFlags(0)
	log.SetPrefix("training: ")
	err := run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	if err == nil {
		return
	}
	log.Print(err)
	var u usageError
	if errors.As(err, &u) {
		os.Exit(2)
	}
	os.Exit(1)
}

// usageError marks a mistake in how the command was called.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

const usage = `usage:
  training train -o MODEL [flags] DATA...
  training eval [flags] DATA...
  training classify [-m MODEL] [FILE|-]
  training merge -o MODEL A.model B.model...
  training synth -n N [-seed S] [-o FILE]
Run "training COMMAND -h" for a command's flags.`

// run executes the command line args (without the program name). Asking
// for help (-h) is not an error.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	err := dispatch(args, stdin, stdout, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}

func dispatch(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return usagef("no command given")
	}
	switch args[0] {
	case "train":
		return runTrain(args[1:], stdout, stderr)
	case "eval":
		return runEval(args[1:], stdout, stderr)
	case "classify":
		return runClassify(args[1:], stdin, stdout, stderr)
	case "merge":
		return runMerge(args[1:], stdout, stderr)
	case "synth":
		return runSynth(args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	fmt.Fprintln(stderr, usage)
	return usagef("unknown command %q", args[0])
}

// newFlagSet returns a flag set that reports errors instead of exiting and
// whose usage message starts with synopsis, the command's arguments.
func newFlagSet(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("training "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: training %s %s\nflags:\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args into fs, turning flag errors into usage errors.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	return nil
}
