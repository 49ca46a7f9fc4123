package main

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spamcheck/spamcheck/model/labeled"
)

// baselinesScript is the leave-one-platform-out protocol of the README's
// Quality section run with scikit-learn instead of this model: for each
// held-out platform, train on every other source (each JSONL file in the
// directory it is given, read by `training` itself), weighted as `train`
// weighs them (each class of each source as 1,000 comments, the own
// corpus five times that), and report the ROC AUC and the recall at
// ≤ 1% ham rejected on the held-out platform. Multinomial naive Bayes
// on binary word 1–2-gram counts, and on those with character 3–5-grams;
// logistic regression on word and on word + character TF-IDF.
const baselinesScript = sklearnPy + `
data = {}
for f in sorted(glob.glob(os.path.join(sys.argv[1], "*.jsonl"))):
    data[os.path.basename(f)[:-6]] = read(f)

for test in sys.argv[2].split(","):
    X, y, w = [], [], []
    for name, (texts, labels) in data.items():
        if name != test:
            X += texts
            y += list(labels)
            w += weights(labels, 1000 * (5 if name == "comments" else 1))
    Xt, yt = data[test]
    for model in ("nb-word", "nb-word+char", "lr-word", "lr-word+char"):
        s = score(model, X, np.array(y), np.array(w), Xt)
        auc, recall, _ = figures(yt, s)
        print(test, model, "%.3f" % auc, "%.3f" % recall, flush=True)
`

// BenchmarkBaselinesByPlatform prints what scikit-learn's usual text
// classifiers reach on the README's leave-one-platform-out protocol (see
// baselinesScript): the same rows, read by this package, and the same
// weights as `train -weight comments=5`. It needs ../shared and a python3
// (or $SPAMCHECK_PYTHON) with scikit-learn, skips without them, takes
// about two minutes, and asserts nothing:
//
//	SPAMCHECK_PYTHON=/usr/bin/python3 go test -run=NONE -bench=BaselinesByPlatform -benchtime=1x ./training/
func BenchmarkBaselinesByPlatform(b *testing.B) {
	python := sklearnPython(b)
	dir := writeSources(b)
	for b.Loop() {
		printScript(b, python, baselinesScript, "held-out platform, model, ROC AUC, recall at ≤1% ham rejected:",
			dir, "youtube-spam-collection,instagram-scamspot,x-janitr")
	}
}

// writeSources writes testdata/comments and every folder of
// defaultModelSources, as this package reads them, to NAME.jsonl files (text
// and label only) in a temporary directory it returns.
func writeSources(b *testing.B) string {
	data := sharedPath(b, "data")
	dir := b.TempDir()
	sources := []string{corpus}
	for _, name := range defaultModelSources {
		sources = append(sources, filepath.Join(data, name))
	}
	for _, src := range sources {
		d, err := readData([]string{src}, "")
		if err != nil {
			b.Fatal(err)
		}
		var out strings.Builder
		for _, r := range d.Records {
			line, err := labeled.MarshalLine(labeled.Record{Text: r.Text, Label: r.Label})
			if err != nil {
				b.Fatal(err)
			}
			out.Write(line)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(src)+".jsonl"), []byte(out.String()), 0o600); err != nil {
			b.Fatal(err)
		}
	}
	return dir
}

// sklearnPython returns the python3 ($SPAMCHECK_PYTHON, else the one on
// the PATH) to run the baselines with, and skips b when it cannot import
// scikit-learn.
func sklearnPython(b *testing.B) string {
	python := cmp.Or(os.Getenv("SPAMCHECK_PYTHON"), "python3")
	if exec.Command(python, "-c", "import sklearn, scipy, numpy").Run() != nil {
		b.Skipf("%s cannot import scikit-learn (set SPAMCHECK_PYTHON to one that can)", python)
	}
	return python
}

// printScript runs script with python and args and prints what it
// prints under header, indented: printed, not logged, since a
// benchmark's log is cut at ten lines.
func printScript(b *testing.B, python, script, header string, args ...string) {
	cmd := exec.Command(python, append([]string{"-c", script}, args...)...)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		b.Fatalf("%v: %v", cmd.Args[:2], err)
	}
	fmt.Println(header)
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		fmt.Println("  " + sc.Text())
	}
}

// byVideoScript is the README's Indonesian split run with scikit-learn:
// train on train.jsonl, test on test.jsonl (the halves of the videos that
// `eval -holdout 0.5 -group video_id` uses), and report the ROC AUC, the
// recall at ≤ 1% ham rejected and the best F1 any threshold reaches at
// ≤ 1% ham rejected, picked in hindsight on the test half. Multinomial
// naive Bayes on binary word 1–2-gram counts (add-1 and add-0.1) and on
// those with character 3–5-grams; logistic regression on word and on
// word + character TF-IDF. One platform and one language: no weights.
const byVideoScript = sklearnPy + `
X, y = read(os.path.join(sys.argv[1], "train.jsonl"))
Xt, yt = read(os.path.join(sys.argv[1], "test.jsonl"))
for model in ("nb-word", "nb-word-alpha0.1", "nb-word+char", "lr-word", "lr-word+char"):
    print(model, "%.4f %.3f %.4f" % figures(yt, score(model, X, y, None, Xt)), flush=True)
`

// sklearnPy is what the scripts share: read(path) reads a JSONL file of
// labelled comments; weights(y, per_class) weighs each class of a source
// as per_class comments (a class with fewer than 100 proportionally
// less), as train's -balance does; score(model, X, y, w, Xt) fits one of
// the usual text classifiers on X, y with sample weights w and scores Xt
// (naive Bayes on binary word 1–2-gram counts, add-1 or, for
// "nb-word-alpha0.1", add-0.1; logistic regression on word TF-IDF; each
// with character 3–5-grams when the name ends in "+char"); figures(y, s)
// returns the ROC AUC, the recall at ≤ 1% ham rejected and the best F1
// any threshold reaches at ≤ 1% ham rejected, picked in hindsight.
const sklearnPy = `
import glob, json, os, sys
import numpy as np
from scipy.sparse import hstack
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.naive_bayes import MultinomialNB

def read(path):
    rows = [json.loads(l) for l in open(path)]
    return [r["text"] for r in rows], np.array([r["label"] == "spam" for r in rows])

def weights(y, per_class):
    return [per_class / max(int((y == c).sum()), 100) for c in y]

def score(model, X, y, w, Xt):
    nb = model.startswith("nb")
    vs = [CountVectorizer(ngram_range=(1, 2), binary=True) if nb else TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)]
    if model.endswith("+char"):
        vs.append(CountVectorizer(analyzer="char_wb", ngram_range=(3, 5), binary=True, min_df=2) if nb else TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=2))
    A = hstack([v.fit_transform(X) for v in vs]).tocsr()
    At = hstack([v.transform(Xt) for v in vs]).tocsr()
    if nb:
        lp = MultinomialNB(alpha=0.1 if model.endswith("alpha0.1") else 1.0).fit(A, y, sample_weight=w).predict_log_proba(At)
        return lp[:, 1] - lp[:, 0]
    return LogisticRegression(C=10, max_iter=3000).fit(A, y, sample_weight=w).decision_function(At)

def figures(y, s, fpr=0.01):
    ham = np.sort(s[~y])[::-1]
    k = int(np.floor(fpr * len(ham) + 1e-9))
    t = ham[k] if k < len(ham) else -np.inf
    order = np.argsort(-s, kind="stable")
    tp, fp = np.cumsum(y[order]), np.cumsum(~y[order])
    ok = fp <= fpr * (~y).sum() + 1e-9
    best = (2 * tp / (tp + fp + y.sum()))[ok].max()
    return roc_auc_score(y, s), float((s[y] > t).mean()), best
`

// BenchmarkBaselinesIndonesianByVideo prints what scikit-learn's usual
// text classifiers reach on the README's Indonesian split (see
// byVideoScript): the same halves of the videos as `eval -holdout 0.5
// -group video_id` with its default seed, read and split by this
// package. It needs ../shared and a python3 (or $SPAMCHECK_PYTHON) with
// scikit-learn, skips without them, takes about ten seconds, and asserts
// nothing:
//
//	SPAMCHECK_PYTHON=/usr/bin/python3 go test -run=NONE -bench=BaselinesIndonesianByVideo -benchtime=1x ./training/
func BenchmarkBaselinesIndonesianByVideo(b *testing.B) {
	src := filepath.Join(sharedPath(b, "data"), "judol-youtube-id")
	python := sklearnPython(b)
	d, err := readData([]string{src}, "video_id")
	if err != nil {
		b.Fatal(err)
	}
	held, _ := heldGroups(d.Groups, 0.5, 1) // eval's default -seed
	dir := b.TempDir()
	var train, test strings.Builder
	for i, r := range d.Records {
		line, err := labeled.MarshalLine(labeled.Record{Text: r.Text, Label: r.Label})
		if err != nil {
			b.Fatal(err)
		}
		if held[d.Groups[i]] {
			test.Write(line)
		} else {
			train.Write(line)
		}
	}
	for name, s := range map[string]string{"train.jsonl": train.String(), "test.jsonl": test.String()} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o600); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		printScript(b, python, byVideoScript, "model, ROC AUC, recall at ≤1% ham rejected, best F1 at ≤1% ham rejected (threshold in hindsight):", dir)
	}
}

// siteScript is the README's per-site protocol ("A site's own labels on
// top of a base") run with scikit-learn: for a platform P (argv[2]), draw
// 0's split (argv[3], as `eval -write-split` writes it), and the sources
// of argv[1], train on the first 300 and on the first 1,000 labels, and
// report on the test half the ROC AUC, the recall at ≤ 1% ham rejected
// and the best F1 any threshold reaches at ≤ 1% ham rejected, picked in
// hindsight. Two ways: on the site's labels alone (multinomial naive
// Bayes on binary word 1–2-gram counts, and with character 3–5-grams;
// logistic regression on word and on word + character TF-IDF), and on
// the base's sources (every one but P, weighted as `train` weighs them
// without -weight: each class of each as 1,000 comments) with the site's
// labels added, each of the site's classes counting as 20,000 comments,
// 20 times a base source's (better than 1 or 5 times in a trial on a
// base with the corpus weighed five times, before it grew to 3,092).
const siteScript = sklearnPy + `
BX, By, Bw = [], [], []
for f in sorted(glob.glob(os.path.join(sys.argv[1], "*.jsonl"))):
    if os.path.basename(f)[:-6] != sys.argv[2]:
        texts, labels = read(f)
        BX += texts
        By += list(labels)
        Bw += weights(labels, 1000)

Xt, yt = read(os.path.join(sys.argv[3], "test.jsonl"))
for k in (300, 1000):
    X, y = read(os.path.join(sys.argv[3], "labels-%d.jsonl" % k))
    for model in ("nb-word", "nb-word+char", "lr-word", "lr-word+char"):
        print(sys.argv[2], k, "site only", model, "%.4f %.3f %.4f" % figures(yt, score(model, X, y, None, Xt)), flush=True)
    for model in ("nb-word", "lr-word"):
        s = score(model, BX + X, np.array(By + list(y)), np.array(Bw + weights(y, 20000)), Xt)
        print(sys.argv[2], k, "base + site", model, "%.4f %.3f %.4f" % figures(yt, s), flush=True)
`

// BenchmarkBaselinesSite prints what scikit-learn's usual text
// classifiers reach on the README's per-site protocol (see siteScript),
// on draw 0 of Instagram and X: the same test half and the same labels
// as `eval -write-split` and TestSiteBars, and the same base sources as
// the base `train` is given there. It needs ../shared and a python3 (or
// $SPAMCHECK_PYTHON) with scikit-learn, skips without them, takes about
// half a minute, and asserts nothing:
//
//	SPAMCHECK_PYTHON=/usr/bin/python3 go test -run=NONE -bench=BaselinesSite -benchtime=1x ./training/
func BenchmarkBaselinesSite(b *testing.B) {
	python := sklearnPython(b)
	dir := writeSources(b)
	data := sharedPath(b, "data")
	splits := map[string]string{}
	for _, platform := range []string{"instagram-scamspot", "x-janitr"} {
		d, err := readData([]string{filepath.Join(data, platform)}, "")
		if err != nil {
			b.Fatal(err)
		}
		splits[platform] = filepath.Join(b.TempDir(), platform)
		if err := writeSplit(splits[platform], d, []int{300, 1000}, 1, io.Discard); err != nil { // eval's default -seed
			b.Fatal(err)
		}
	}
	for b.Loop() {
		for _, platform := range []string{"instagram-scamspot", "x-janitr"} {
			printScript(b, python, siteScript, "platform, labels, trained on, model, ROC AUC, recall at ≤1% ham rejected, best F1 at ≤1% ham rejected (threshold in hindsight):",
				dir, platform, splits[platform])
		}
	}
}
