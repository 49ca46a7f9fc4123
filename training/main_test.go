package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spamcheck/spamcheck/model"
)

// runCLI runs the command line and returns stdout, stderr and the error.
func runCLI(t *testing.T, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(args, strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), err
}

// mustRun runs the command line and fails the test on error.
func mustRun(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	out, errOut, err := runCLI(t, stdin, args...)
	if err != nil {
		t.Fatalf("training %s: %v\nstderr:\n%s", strings.Join(args, " "), err, errOut)
	}
	return out
}

// writeFile writes content to name under dir and returns the path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const corpus = "../testdata/comments"

func TestTrainClassifyRoundTrip(t *testing.T) {
	dir := t.TempDir()
	m := filepath.Join(dir, "m.bin")
	out := mustRun(t, "", "train", "-o", m, "-trained-at", "2026-01-02T03:04:05Z", corpus)
	if !strings.Contains(out, "wrote "+m) || !strings.Contains(out, "reject at P(spam) ≥") {
		t.Errorf("train output = %q, want the model path and threshold", out)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("train left %d files in the output directory, want just the model", len(entries))
	}
	in := strings.Join([]string{
		`{"text": "Earn 9000 Dollars A Week From Home, It's Easy Just Follow The Instructions On My Page, Visit Here", "author_url": "http://easy-cash-home.biz"}`,
		`The sanctions will hurt Moscow far more than they admit, and NATO knows it.`,
		``,
		`{"content": "Thanks for the reply, that makes sense."}`,
	}, "\n")
	out = mustRun(t, in, "classify", "-m", m)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 {
		t.Fatalf("classify wrote %d lines, want 3 (one per non-blank input):\n%s", len(lines), out)
	}
	wantVerdict := []model.Verdict{model.Reject, model.Keep, model.Keep}
	wantLine := []int{1, 2, 4}
	for i, l := range lines {
		var got struct {
			Line            int            `json:"line"`
			SpamProbability *float64       `json:"spam_probability"`
			LogOdds         *float64       `json:"log_odds"`
			Verdict         model.Verdict  `json:"verdict"`
			Reasons         []model.Reason `json:"reasons"`
			Model           string         `json:"model"`
		}
		if err := json.Unmarshal([]byte(l), &got); err != nil {
			t.Fatalf("line %d: %v: %q", i+1, err, l)
		}
		if got.SpamProbability == nil || got.LogOdds == nil || got.Model == "" || len(got.Reasons) == 0 {
			t.Errorf("line %d = %q, want spam_probability, log_odds, reasons and model", i+1, l)
		}
		if got.Verdict != wantVerdict[i] || got.Line != wantLine[i] {
			t.Errorf("line %d: verdict %q at input line %d, want %q at %d", i+1, got.Verdict, got.Line, wantVerdict[i], wantLine[i])
		}
	}
}

func TestTrainIsReproducible(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	mustRun(t, "", "train", "-q", "-o", a, "-trained-at", "2026-01-02T03:04:05Z", corpus)
	t.Setenv("SOURCE_DATE_EPOCH", "1767323045") // the same instant
	mustRun(t, "", "train", "-q", "-o", b, corpus)
	ba, _ := os.ReadFile(a)
	bb, _ := os.ReadFile(b)
	if !bytes.Equal(ba, bb) {
		t.Errorf("two trainings on the same data and date differ (%d vs %d bytes)", len(ba), len(bb))
	}
}

func TestErrors(t *testing.T) {
	dir := t.TempDir()
	onlySpam := writeFile(t, dir, "spam.jsonl", `{"text":"buy now","label":"spam"}`+"\n")
	unknown := writeFile(t, dir, "data.csv", "foo,bar\n1,2\n")
	unknownExt := writeFile(t, dir, "mystery", "just some words\n")
	tests := []struct {
		name  string
		args  []string
		usage bool   // want a usage error (exit status 2)
		want  string // in the error text
	}{
		{"no command", nil, true, "no command"},
		{"unknown command", []string{"fly"}, true, `unknown command "fly"`},
		{"bad flag", []string{"train", "-bogus"}, true, "flag provided but not defined"},
		{"no output", []string{"train", corpus}, true, "-o MODEL is required"},
		{"no data", []string{"train", "-o", filepath.Join(dir, "m")}, true, "no training data"},
		{"bad threshold target", []string{"train", "-o", filepath.Join(dir, "m"), "-max-ham-rejected", "120", corpus}, true, "-max-ham-rejected"},
		{"bad smoothing", []string{"train", "-o", filepath.Join(dir, "m"), "-smoothing", "0.001", corpus}, true, "smoothing"},
		{"output is a folder", []string{"train", "-o", dir, "no-such-data"}, false, "a folder"},
		{"by-source with a class in one file", []string{"eval", "-by-source", onlySpam, corpus + "/ham-short-replies.jsonl"}, true, "holding out spam.jsonl leaves no spam to train on"},
		{"holdout 0", []string{"eval", "-holdout", "0", corpus}, true, "-holdout 0"},
		{"negative errors", []string{"eval", "-errors", "-1", corpus}, true, "-errors -1"},
		{"smoothing between hundredths", []string{"train", "-o", filepath.Join(dir, "m"), "-smoothing", "0.015", corpus}, true, "whole number of hundredths"},
		{"bad reasons", []string{"train", "-o", filepath.Join(dir, "m"), "-reasons", "500", corpus}, true, "reasons 500 must be in [0, 100]"},
		{"bad window", []string{"train", "-o", filepath.Join(dir, "m"), "-window", "5000", corpus}, true, "window 5000 must be in [0, 2000]"},
		{"bad date", []string{"train", "-o", filepath.Join(dir, "m"), "-trained-at", "yesterday", corpus}, true, "-trained-at"},
		{"unreadable file", []string{"train", "-o", filepath.Join(dir, "m"), filepath.Join(dir, "missing.jsonl")}, false, "no such file"},
		{"unknown CSV header", []string{"train", "-o", filepath.Join(dir, "m"), unknown}, false, "no text and label columns"},
		{"unknown format", []string{"train", "-o", filepath.Join(dir, "m"), unknownExt}, false, "unknown format"},
		{"empty training set", []string{"train", "-o", filepath.Join(dir, "m"), onlySpam}, false, "at least one spam and one ham"},
		// Said before any data is read.
		{"unwritable output", []string{"train", "-o", filepath.Join(dir, "no", "such", "dir", "m"), corpus}, false, "no folder"},
		{"source weight on a base", []string{"train", "-o", filepath.Join(dir, "m"), "-base", "default", "-weight", "comments=2", corpus}, true, "drop [-weight]"},
		{"k-fold threshold on a base", []string{"train", "-o", filepath.Join(dir, "m"), "-base", "default", "-kfold-threshold", corpus}, true, "drop [-kfold-threshold]"},
		{"eval two protocols", []string{"eval", "-by-source", "-holdout", "0.3", corpus}, true, "choose one"},
		{"eval one source", []string{"eval", "-by-source", onlySpam}, false, "at least one spam and one ham"},
		{"eval holdout NaN", []string{"eval", "-holdout", "NaN", corpus}, true, "-holdout NaN: want a fraction"},
		{"eval holdout too small", []string{"eval", "-holdout", "0.0001", corpus}, true, "leaves 0 comments to test on"},
		{"eval -m with training flags", []string{"eval", "-m", "default", "-base", "default", "-smoothing", "2", corpus}, true, "drop [-base -smoothing]"},
		{"eval -write-split with another protocol", []string{"eval", "-write-split", filepath.Join(dir, "s"), "-by-source", corpus}, true, "choose one"},
		{"eval -write-split with -json", []string{"eval", "-write-split", filepath.Join(dir, "s"), "-json", corpus}, true, "only writes the split"},
		{"eval -learning-curve without -base", []string{"eval", "-learning-curve", "-write-split", filepath.Join(dir, "s"), corpus}, true, "needs -base"},
		{"eval -group without the column", []string{"eval", "-holdout", "0.5", "-group", "video_id", corpus}, true, "rows have no video_id"},
		{"review NaN", []string{"train", "-o", filepath.Join(dir, "m"), "-review", "NaN", corpus}, true, "-review NaN"},
		{"eval plot not SVG", []string{"eval", "-plot", filepath.Join(dir, "roc.png"), corpus}, true, "must end in .svg"},
		{"eval plot unwritable", []string{"eval", "-k", "2", "-plot", filepath.Join(dir, "no", "such", "dir", "roc.svg"), corpus}, false, "write plot"},
		{"classify missing model", []string{"classify", "-m", filepath.Join(dir, "nope")}, false, "no such file"},
		{"classify not a model", []string{"classify", "-m", onlySpam}, false, "not a model file"},
		{"classify two inputs", []string{"classify", "a", "b"}, true, "at most one input"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := runCLI(t, "", tt.args...)
			if err == nil {
				t.Fatalf("training %q succeeded, want an error containing %q", tt.args, tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %q, want it to contain %q", err, tt.want)
			}
			var u usageError
			if got := errors.As(err, &u); got != tt.usage {
				t.Errorf("usage error = %v, want %v (exit status 2 vs 1)", got, tt.usage)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "m")); !os.IsNotExist(err) {
		t.Errorf("a failed train left a model file behind: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("a failed train left a temporary file %s", e.Name())
		}
	}
}

func TestEvalJSON(t *testing.T) {
	out := mustRun(t, "", "eval", "-json", "-k", "3", corpus)
	var r report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("eval -json: %v\n%s", err, out)
	}
	m := r.Overall
	if m.N != m.Spam+m.Ham || m.N < 400 || len(r.Thresholds) != 3 {
		t.Errorf("eval counted %d comments (%d spam, %d ham) with %d thresholds, want all of the corpus in 3 folds", m.N, m.Spam, m.Ham, len(r.Thresholds))
	}
	c := m.Confusion
	if c.TP+c.FN != m.Spam || c.FP+c.TN != m.Ham {
		t.Errorf("confusion matrix %+v does not add up to %d spam, %d ham", c, m.Spam, m.Ham)
	}
	if len(r.Sources) < 20 {
		t.Errorf("per-source breakdown has %d rows, want one per corpus file", len(r.Sources))
	}
	// On its own corpus the model must do far better than chance; the
	// real bars are in quality_test.go.
	if m.AUC < 0.9 || m.Accuracy < 0.85 {
		t.Errorf("3-fold on the corpus: AUC %.3f, accuracy %.3f; want ≥ 0.9 and ≥ 0.85", m.AUC, m.Accuracy)
	}
}

func TestEvalText(t *testing.T) {
	dir := t.TempDir()
	test := writeFile(t, dir, "held.jsonl", `{"text":"Make $5000 weekly from home, visit my page now","label":"spam"}`+"\n"+
		`{"text":"I disagree, the sanctions came far too late.","label":"ham"}`+"\n")
	out := mustRun(t, "", "eval", "-errors", "3", "-test", test, corpus)
	for _, want := range []string{"protocol:", "accuracy", "precision", "recall", "F1", "ham rejected", "MCC", "ROC AUC",
		"recall at ≤1% ham rejected", "best F1 at ≤1% ham rejected", "confusion matrix", "held.jsonl", "spam kept ("} {
		if !strings.Contains(out, want) {
			t.Errorf("eval output lacks %q:\n%s", want, out)
		}
	}
}

func TestMetrics(t *testing.T) {
	scores := []float64{3, 2, 1, 0, -1, -2}
	spam := []bool{true, true, false, true, false, false}
	rej := []bool{true, true, true, false, false, false}
	m := measure(scores, spam, rej, []bool{false, false, false, true, true, false})
	if m.Confusion != (confusion{TP: 2, FN: 1, FP: 1, TN: 2}) {
		t.Errorf("confusion = %+v", m.Confusion)
	}
	if m.SpamReview != 1 || m.HamReview != 1 {
		t.Errorf("sent to review: %d spam, %d ham; want 1 and 1", m.SpamReview, m.HamReview)
	}
	if got, want := float64(m.AUC), 8.0/9; math.Abs(got-want) > 1e-12 {
		t.Errorf("AUC = %v, want %v", got, want)
	}
	if got, want := float64(m.MCC), 1.0/3; math.Abs(got-want) > 1e-12 {
		t.Errorf("MCC = %v, want %v", got, want)
	}
	if got, _ := atMostHam(scores, spam, 0); got != 2.0/3 {
		t.Errorf("recall at 0%% ham rejected = %v, want 2/3", got)
	}
	// No ham rejected: the top two, F1 = 2·2/(2·2+0+1); one ham of three
	// allowed: the top four, F1 = 2·3/(2·3+1+0).
	if _, got := atMostHam(scores, spam, 0); math.Abs(got-4.0/5) > 1e-12 {
		t.Errorf("best F1 at 0%% ham rejected = %v, want 4/5", got)
	}
	if _, got := atMostHam(scores, spam, 1.0/3); math.Abs(got-6.0/7) > 1e-12 {
		t.Errorf("best F1 at ≤ 1/3 ham rejected = %v, want 6/7", got)
	}
	if got := rocAUC([]float64{1, 1}, []bool{true, false}); got != 0.5 {
		t.Errorf("AUC with a tie = %v, want 0.5", got)
	}
}

func TestPickThreshold(t *testing.T) {
	scores := []float64{-5, -4, -3, -2, 1, 2, 3, 5}
	spam := []bool{false, false, false, false, true, false, true, true}
	if got := model.PickThreshold(scores, spam, 0); got != 2.5 {
		t.Errorf("threshold rejecting no ham = %v, want 2.5 (between the top ham, 2, and the next score, 3)", got)
	}
	if got := model.PickThreshold(scores, spam, 0.25); got != -0.5 {
		t.Errorf("threshold rejecting ≤ 25%% ham = %v, want -0.5 (one of five ham, 2, may go; between -2 and 1)", got)
	}
}

// TestTrainWithoutOptionalFeatures: the optional token kinds (bigrams,
// style, metadata) can be turned off from the command line and the model
// still works. (Deobfuscation, length normalisation and windows have no
// flag.)
func TestTrainWithoutOptionalFeatures(t *testing.T) {
	m := filepath.Join(t.TempDir(), "plain.model")
	mustRun(t, "", "train", "-q", "-o", m, "-style=false", "-bigrams=false", "-metadata=false", corpus)
	out := mustRun(t, "Make $5000 weekly from home, visit my page now\n", "classify", "-m", m)
	if !strings.Contains(out, `"verdict":"reject"`) {
		t.Errorf("a model without bigrams, style or metadata tokens kept obvious spam: %s", out)
	}
}

// TestClassifyAnswersAroundBadLines: a malformed line gets an error object
// in its place, the lines around it are still answered in order, and the
// run ends with a failure (exit status 1) that counts the bad lines.
func TestClassifyAnswersAroundBadLines(t *testing.T) {
	in := strings.Join([]string{
		`{"text": "Thanks for the reply, that makes sense."}`,
		`{"text": "broken json`,
		``,
		`plain text, like the rest of the thread`,
		`{"label": "spam"}`,
		`{"content": "Earn 9000 Dollars A Week From Home, Visit Here", "label": "not a label"}`,
		`{"text": "  "}`,
	}, "\n")
	out, stderr, err := runCLI(t, in, "classify")
	var u usageError
	if err == nil || errors.As(err, &u) {
		t.Fatalf("classify with bad lines: err = %v, want a failure that is not a usage error", err)
	}
	if want := "3 of 6 lines unreadable"; !strings.Contains(err.Error(), want) {
		t.Errorf("classify's error = %q, want it to say %q", err, want)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	wantLine := []int{1, 2, 4, 5, 6, 7}
	wantError := []string{"", "bad JSON", "", `no "text" field`, "", "empty text"}
	if len(lines) != len(wantLine) {
		t.Fatalf("classify wrote %d lines, want %d (one per non-blank input):\n%s", len(lines), len(wantLine), out)
	}
	for i, l := range lines {
		var got struct {
			Line    int           `json:"line"`
			Error   string        `json:"error"`
			Verdict model.Verdict `json:"verdict"`
		}
		if err := json.Unmarshal([]byte(l), &got); err != nil {
			t.Fatalf("output line %d: %v: %q", i+1, err, l)
		}
		if got.Line != wantLine[i] {
			t.Errorf("output line %d answers input line %d, want %d", i+1, got.Line, wantLine[i])
		}
		if wantError[i] == "" && (got.Error != "" || got.Verdict == "") {
			t.Errorf("output line %d = %s, want a verdict", i+1, l)
		}
		if wantError[i] != "" && (!strings.HasPrefix(got.Error, wantError[i]) || got.Verdict != "") {
			t.Errorf("output line %d = %s, want only an error starting %q", i+1, l, wantError[i])
		}
		if wantError[i] != "" && !strings.Contains(stderr, fmt.Sprintf("line %d: %s", got.Line, wantError[i])) {
			t.Errorf("standard error does not list line %d:\n%s", got.Line, stderr)
		}
	}
}

// TestEvalUndefinedMetrics: where the test comments are of one class, the
// metrics that need both (AUC, MCC) or the missing one (recall and F1
// without spam) print as "–" and are null in JSON, never a measured-looking 0.
func TestEvalUndefinedMetrics(t *testing.T) {
	m := measure([]float64{-3, -1, 2}, []bool{false, false, false}, []bool{false, false, true}, nil)
	for name, f := range map[string]figure{"recall": m.Recall, "F1": m.F1, "MCC": m.MCC, "AUC": m.AUC, "recall at 1%": m.RecallAt1} {
		if f.defined() {
			t.Errorf("ham only: %s = %v, want undefined", name, float64(f))
		}
	}
	// Spam only: recall is measured, the figures at a share of ham are not.
	sp := measure([]float64{-3, -1, 2}, []bool{true, true, true}, []bool{false, false, true}, nil)
	if sp.Recall != figure(1.0/3) || sp.RecallAt1.defined() || sp.BestF1At1.defined() || sp.AUC.defined() {
		t.Errorf("spam only: recall %v, at ≤ 1%% ham rejected %v, best F1 %v, AUC %v; want 1/3 and three undefined",
			sp.Recall, sp.RecallAt1, sp.BestF1At1, sp.AUC)
	}
	// One ham rejected: precision is a measured 0 here; F1, the harmonic
	// mean of it and a recall there is no spam to measure, is not, as it
	// is not when no ham is rejected.
	if m.Accuracy != figure(2.0/3) || m.HamRejected != figure(1.0/3) || m.Precision != 0 {
		t.Errorf("ham only: accuracy %v, ham rejected %v, precision %v; want 2/3, 1/3 and 0",
			m.Accuracy, m.HamRejected, m.Precision)
	}
	if none := measure([]float64{-3, -1}, []bool{false, false}, []bool{false, false}, nil); none.F1.defined() {
		t.Errorf("ham only, none rejected: F1 %v, want undefined", none.F1)
	}

	dir := t.TempDir()
	hamOnly := writeFile(t, dir, "ham-only.jsonl", `{"text":"I disagree, the sanctions came far too late.","label":"ham"}`+"\n"+
		`{"text":"Thanks for the reply, that makes sense.","label":"ham"}`+"\n")
	out := mustRun(t, "", "eval", "-test", hamOnly, corpus)
	var row []string
	for _, l := range strings.Split(out, "\n") {
		if f := strings.Fields(l); len(f) > 0 && f[0] == hamOnly {
			row = f
		}
	}
	// source comments spam ham accuracy precision recall F1 ham-rejected MCC AUC
	// (this model has no review band)
	if len(row) != 11 {
		t.Fatalf("no 11-column row for %s in:\n%s", hamOnly, out)
	}
	// With a review band (the default model's), two more: the shares of
	// spam and of ham sent to review.
	withBand := mustRun(t, "", "eval", "-m", "default", hamOnly)
	found := false
	for _, l := range strings.Split(withBand, "\n") {
		if f := strings.Fields(l); len(f) > 0 && f[0] == filepath.Base(hamOnly) {
			found = true
			if len(f) != 13 || f[11] != "–" || f[12] != "0.00%" {
				t.Errorf("ham-only row with a review band: %q; want 13 columns ending in – and 0.00%%\n%s", f, withBand)
			}
		}
	}
	if !found {
		t.Errorf("no row for %s in:\n%s", hamOnly, withBand)
	}
	for i, col := range []string{"recall", "MCC", "AUC"} {
		if got := row[[]int{6, 9, 10}[i]]; got != "–" {
			t.Errorf("ham-only row: %s = %q, want –\n%s", col, got, out)
		}
	}
	if row[4] == "–" || row[8] == "–" {
		t.Errorf("ham-only row: accuracy %q and ham rejected %q are defined\n%s", row[4], row[8], out)
	}

	out = mustRun(t, "", "eval", "-json", "-test", hamOnly, corpus)
	var r struct {
		Sources []map[string]any `json:"sources"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil || len(r.Sources) != 1 {
		t.Fatalf("eval -json: %v, %d sources\n%s", err, len(r.Sources), out)
	}
	for _, k := range []string{"recall", "mcc", "roc_auc", "recall_at_1pct_ham_rejected"} {
		if v, ok := r.Sources[0][k]; !ok || v != nil {
			t.Errorf("eval -json: %s = %v, want null", k, v)
		}
	}
	for _, k := range []string{"accuracy", "ham_rejected"} {
		if _, ok := r.Sources[0][k].(float64); !ok {
			t.Errorf("eval -json: %s = %v, want a number", k, r.Sources[0][k])
		}
	}
}

// TestHelp: -h on the program or on any command is not an error (exit
// status 0), and a command's help shows its arguments and its flags.
func TestHelp(t *testing.T) {
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"-h"}, []string{"training train -o MODEL [flags] DATA..."}},
		{[]string{"help"}, []string{"training eval [flags] DATA..."}},
		{[]string{"train", "-h"}, []string{"usage: training train -o MODEL [flags] DATA...", "-max-ham-rejected", "-trained-at"}},
		{[]string{"eval", "-help"}, []string{"usage: training eval [flags] DATA...", "-by-source", "-plot"}},
		{[]string{"classify", "--help"}, []string{"usage: training classify [-m MODEL] [FILE|-]", "-m file"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			out, stderr, err := runCLI(t, "", tt.args...)
			if err != nil {
				t.Fatalf("err = %v, want none (exit status 0)", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(out+stderr, w) {
					t.Errorf("help lacks %q:\n%s%s", w, out, stderr)
				}
			}
		})
	}
}

// TestEvalTestDirectoryIsOneSource: -test of a feedback tree (many
// one-record files in dated folders, as `aws s3 sync` leaves them) is one
// row of the per-source table per path given, not one per record file.
func TestEvalTestDirectoryIsOneSource(t *testing.T) {
	dir := t.TempDir()
	feedback := filepath.Join(dir, "feedback")
	comments := []string{
		`{"text":"Make $5000 weekly from home, visit my page now","label":"spam","source":"api"}`,
		`{"text":"I disagree, the sanctions came far too late.","label":"ham","source":"api"}`,
		`{"text":"Cheap followers and likes, visit fast-growth.biz today","label":"spam","source":"akismet"}`,
		`{"text":"Thanks for the reply, that makes sense.","label":"ham","source":"akismet"}`,
	}
	for i, c := range comments {
		day := filepath.Join(feedback, "2026", "11", fmt.Sprintf("%02d", 27+i%2))
		if err := os.MkdirAll(day, 0o755); err != nil {
			t.Fatal(err)
		}
		writeFile(t, day, fmt.Sprintf("1430%02d.000000000-%d.jsonl", i, i), c+"\n")
	}
	held := writeFile(t, dir, "held.jsonl", comments[0]+"\n"+comments[1]+"\n")

	out := mustRun(t, "", "eval", "-json", "-test", feedback, "-test", held, corpus)
	var r report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("eval -json: %v\n%s", err, out)
	}
	var got []string
	for _, s := range r.Sources {
		got = append(got, fmt.Sprintf("%s %d", s.Source, s.N))
	}
	want := []string{feedback + " 4", held + " 2"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("sources:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestFlagsThatWouldDoNothing: a -weight that names no source is refused
// with the sources' names, and judging a model (-m) on a spam queue alone
// works, since it trains nothing.
func TestFlagsThatWouldDoNothing(t *testing.T) {
	_, errOut, err := runCLI(t, "", "train", "-q", "-o", filepath.Join(t.TempDir(), "m.model"), "-weight", "testdata/comments=5", corpus)
	if err == nil || !strings.Contains(err.Error(), `no source is named "testdata/comments"; the sources are comments`) {
		t.Errorf("train -weight with a path: %v\n%s", err, errOut)
	}
	_, errOut, err = runCLI(t, "", "train", "-q", "-o", filepath.Join(t.TempDir(), "m.model"), "-weight", "comment:spam=5", corpus)
	if err == nil || !strings.Contains(err.Error(), `-weight comment:spam=5: no source is named "comment"; the sources are comments`) {
		t.Errorf("train -weight with a misspelt name and a class: %v\n%s", err, errOut)
	}
	for _, bad := range []string{"comments:spam=0", ":spam=2", "comments:spam"} {
		if _, _, err := runCLI(t, "", "train", "-q", "-o", filepath.Join(t.TempDir(), "m.model"), "-weight", bad, corpus); err == nil || !strings.Contains(err.Error(), "want NAME=W, NAME:spam=W or NAME:ham=W") {
			t.Errorf("-weight %s: %v", bad, err)
		}
	}
	// A source named like a class of another is weighed whole.
	dir := t.TempDir()
	for _, f := range []struct{ name, rows string }{
		{"corp:spam/a.jsonl", `{"text":"cheap followers at fastfans.example","label":"spam"}` + "\n" + `{"text":"lovely photo","label":"ham"}` + "\n"},
		{"forum/b.jsonl", `{"text":"win a prize now, claim it at prize.example","label":"spam"}` + "\n" + `{"text":"see you at the match","label":"ham"}` + "\n"},
	} {
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(f.name)), 0o755); err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(dir, filepath.Dir(f.name)), filepath.Base(f.name), f.rows)
	}
	m := filepath.Join(t.TempDir(), "m.model")
	if _, errOut, err := runCLI(t, "", "train", "-q", "-o", m, "-weight", "corp:spam=3", filepath.Join(dir, "corp:spam"), filepath.Join(dir, "forum")); err != nil {
		t.Fatalf("-weight corp:spam=3 with a source of that name: %v\n%s", err, errOut)
	}
	sources := loadModelFile(t, m).Info().Stats.Sources
	if at := slices.IndexFunc(sources, func(s model.Source) bool { return s.Name == "corp:spam" }); at < 0 {
		t.Errorf("sources %+v: no corp:spam", sources)
	} else if so := sources[at]; so.Weight != 3 || so.HamWeight != 0 || so.SpamWeight != 0 {
		t.Errorf("source %+v: want it weighed 3 whole", so)
	}
	// A source's weight that both of its class weights override would
	// weigh nothing.
	_, errOut, err = runCLI(t, "", "train", "-q", "-o", filepath.Join(t.TempDir(), "m.model"), "-weight", "comments=7", "-weight", "comments:ham=2", "-weight", "comments:spam=3", corpus)
	if err == nil || !strings.Contains(err.Error(), "-weight comments=7 weighs nothing: comments:ham and comments:spam are both given") {
		t.Errorf("train -weight NAME=W with both class weights: %v\n%s", err, errOut)
	}
	if out := mustRun(t, `{"text":"hi there"}`+"\n", "classify", "-m", "default", "-"); !strings.Contains(out, `"verdict"`) {
		t.Errorf("classify -m default: %s", out)
	}
	queue := writeFile(t, t.TempDir(), "queue.jsonl", `{"text":"win a free phone, claim now at http://prize.example","label":"spam"}`+"\n")
	out := mustRun(t, "", "eval", "-q", "-m", "default", queue)
	if !strings.Contains(out, "test comments: 1 (1 spam, 0 ham)") || !strings.Contains(out, "recall at ≤1% ham rejected  –") {
		t.Errorf("eval -m default on a spam queue:\n%s", out)
	}
}

// TestHeldGroupsLeaveSomeToTrain: however large the fraction, one group
// at least is held out and one at least is left to train on.
func TestHeldGroupsLeaveSomeToTrain(t *testing.T) {
	for _, tc := range []struct {
		groups []string
		frac   float64
		want   int
	}{
		{[]string{"a", "b"}, 0.8, 1}, {[]string{"a", "b", "c"}, 0.99, 2}, {[]string{"a", "b", "c", "d"}, 0.01, 1}, {[]string{"a", "b", "c", "d"}, 0.5, 2},
	} {
		held, n := heldGroups(tc.groups, tc.frac, 1)
		if n != len(tc.groups) || len(held) != tc.want {
			t.Errorf("%d groups at %g: %d held out, want %d", n, tc.frac, len(held), tc.want)
		}
	}
}

// TestEvalCountsTextsSeenInTraining: a test comment whose text training
// also holds is counted, and said.
func TestEvalCountsTextsSeenInTraining(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("text,label\n")
	for i := range 20 {
		fmt.Fprintf(&b, "buy cheap pills %d now,spam\nnice video number %d,ham\n", i, i)
	}
	b.WriteString("win a free phone today,spam\nwin a free phone today,spam\n")
	data := writeFile(t, dir, "d.csv", b.String())
	train := writeFile(t, dir, "train.csv", "text,label\nwin a free phone today,spam\nlovely song,ham\nbuy cheap pills now,spam\nthanks for sharing,ham\n")
	test := writeFile(t, dir, "test.csv", "text,label\nwin a free phone today,spam\nlovely song,ham\nsomething new,ham\n")
	out := mustRun(t, "", "eval", "-q", "-test", test, train, data)
	if !strings.Contains(out, "test comments: 3 (1 spam, 2 ham); 2 with a text their model was trained on") {
		t.Errorf("eval -test:\n%s", out)
	}
}

// TestEvalTooFewLabels: cross-validation with one comment of a class says
// so, rather than failing in a fold that has nothing to train on.
func TestEvalTooFewLabels(t *testing.T) {
	two := writeFile(t, t.TempDir(), "two.jsonl", `{"text":"win cash now at fastcash.example","label":"spam"}`+"\n"+`{"text":"nice article, thanks","label":"ham"}`+"\n")
	for _, args := range [][]string{{"eval", "-q", two}, {"eval", "-q", "-base", "default", "-source", "site", two}} {
		_, errOut, err := runCLI(t, "", args...)
		if err == nil || !strings.Contains(err.Error(), "cross-validation needs at least 2 comments of each class") || !strings.Contains(err.Error(), "1 spam and 1 ham") {
			t.Errorf("%q: %v\n%s", args, err, errOut)
		}
	}
}

// TestClassifyCSV: a .csv file is read as the web page reads one, by its
// header (a text or content column; author, author_url and site used; a
// label ignored), one answer per row, numbered by its line (a quoted
// line break included); a header without a text column is a clear error,
// not a comment.
func TestClassifyCSV(t *testing.T) {
	dir := t.TempDir()
	csvFile := writeFile(t, dir, "comments.csv", "label,Author,content,author_url\n"+
		"ham,Dana,\"Thanks for the recipe, it worked, even with whole wheat flour\",\n"+
		"spam,Spammer,\"Earn 7000 Dollars Weekly From Home, Just Follow The Steps On My Page. Visit here\",\n"+
		"ham,Nobody,,\n"+
		"ham,Lee,\"Multi-line\ncomment, quoted\",https://lee.example\n")
	out, _, err := runCLI(t, "", "classify", csvFile)
	if err == nil || !strings.Contains(err.Error(), "1 of 4 lines unreadable") {
		t.Errorf("classify of a CSV with an empty row: err = %v, want one unreadable line", err)
	}
	type answer struct {
		Line    int           `json:"line"`
		Error   string        `json:"error"`
		Verdict model.Verdict `json:"verdict"`
	}
	var got []answer
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var one answer
		if err := json.Unmarshal([]byte(l), &one); err != nil {
			t.Fatalf("%v: %q", err, l)
		}
		got = append(got, one)
	}
	if len(got) != 4 || got[0].Line != 2 || got[0].Verdict != model.Keep || got[1].Line != 3 || got[1].Verdict != model.Reject ||
		got[2].Line != 4 || got[2].Error != "empty text" || got[3].Line != 5 || got[3].Verdict == "" {
		t.Errorf("classify of a CSV: want rows 2 to 5 answered (keep, reject, empty text, a verdict), got\n%s", out)
	}
	// The header is not a comment, and a file without a text column says so.
	bad := writeFile(t, dir, "numbers.csv", "a,b\n1,2\n")
	if _, _, err := runCLI(t, "", "classify", bad); err == nil || !strings.Contains(err.Error(), "has no text column") {
		t.Errorf("classify of a CSV without a text column: %v, want an error naming the columns it looks for", err)
	}
}
