package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spamcheck/spamcheck/model"
	"github.com/spamcheck/spamcheck/model/labeled"
)

// The learning curve (eval -learning-curve -base BASE SITE_DATA): how a
// site's model does after k of the site's labels on top of a base.
//
// The protocol: the site's comments, deduplicated by text (the first of
// each text kept), are shuffled with the draw's seed (-seed for draw 0,
// -seed+1 for draw 1, …); the first half (n/2, rounded down) is the test
// set, and the first k of the other half are the site's labels. For each
// k a model is trained on top of the base as `train -base` trains it and
// judged on the test half at its own threshold. Draw 0 is exactly what
// `eval -write-split DIR` writes and `train -base BASE DIR/labels-K.jsonl`
// then `classify -m SITE DIR/test.jsonl` reproduce.

// curveStat summarises one figure over the draws.
type curveStat struct {
	Mean figure `json:"mean"`
	SD   figure `json:"sd"`
	Min  figure `json:"min"`
	Max  figure `json:"max"`
}

// curvePoint is the figures after Labels site labels (0: the base alone).
type curvePoint struct {
	Labels      int       `json:"labels"`
	F1          curveStat `json:"f1"`
	HamRejected curveStat `json:"ham_rejected"`
	Recall      curveStat `json:"recall"`
	Precision   curveStat `json:"precision"`
	AUC         curveStat `json:"roc_auc"`
	// BestF1At1 is the best F1 at ≤ 1% ham rejected with the threshold
	// picked in hindsight on the test half: what the ranking allows.
	BestF1At1 curveStat `json:"best_f1_at_1pct_ham_rejected"`
	// SiteWeights are the weights chosen in each draw, and MaxWeights
	// the caps on each token's weight chosen with them (0: none).
	SiteWeights []float64 `json:"site_weights,omitempty"`
	MaxWeights  []float64 `json:"max_weights,omitempty"`
	// Draws are the figures of each draw, draw 0 first.
	Draws []metrics `json:"draws"`
}

// curveReport is what eval -learning-curve prints.
type curveReport struct {
	Protocol string `json:"protocol"`
	Base     string `json:"base"`
	// Comments is the number of distinct site comments, Duplicates how
	// many repeated texts were dropped, Test the size of each test half.
	Comments   int          `json:"comments"`
	Duplicates int          `json:"duplicates"`
	Test       int          `json:"test"`
	Points     []curvePoint `json:"points"`
	Seconds    float64      `json:"seconds"`
}

// parseLabelCounts reads -labels: increasing positive counts.
func parseLabelCounts(s string) ([]int, error) {
	var ks []int
	for _, f := range strings.Split(s, ",") {
		k, err := strconv.Atoi(strings.TrimSpace(strings.ReplaceAll(f, "_", "")))
		if err != nil || k < 1 || len(ks) > 0 && k <= ks[len(ks)-1] {
			return nil, usagef("-labels %q: want increasing positive counts such as 50,100,300,1000", s)
		}
		ks = append(ks, k)
	}
	return ks, nil
}

// siteSplit is one draw of the protocol: the test half and the pool the
// labels are taken from, in order, as indexes into the deduplicated data.
type siteSplit struct{ test, pool []int }

// dedupeTexts returns the indexes of the first example of each text.
func dedupeTexts(examples []model.Example) []int {
	return firstOfEachText(len(examples), func(i int) string { return examples[i].Text })
}

// firstOfEachText returns, of n records whose texts text gives, the
// indexes of the first record of each text.
func firstOfEachText(n int, text func(int) string) []int {
	seen := make(map[string]bool, n)
	var out []int
	for i := range n {
		if t := text(i); !seen[t] {
			seen[t] = true
			out = append(out, i)
		}
	}
	return out
}

// drawSplit shuffles the distinct comments with seed and halves them.
func drawSplit(distinct []int, seed uint64) siteSplit {
	perm := append([]int(nil), distinct...)
	rng := rand.New(rand.NewPCG(seed, 0x517e))
	rng.Shuffle(len(perm), func(a, b int) { perm[a], perm[b] = perm[b], perm[a] })
	half := len(perm) / 2
	return siteSplit{test: perm[:half], pool: perm[half:]}
}

// learningCurve runs the protocol for each k in ks over draws draws.
func learningCurve(d *dataset, o learnOptions, ks []int, draws int, progress io.Writer) (*curveReport, error) {
	start := time.Now()
	distinct := dedupeTexts(d.examples)
	r := &curveReport{Base: o.base.Info().ID, Comments: len(distinct), Duplicates: len(d.examples) - len(distinct), Test: len(distinct) / 2}
	r.Protocol = fmt.Sprintf("site comments deduplicated by text, shuffled (seed %d + draw), half for testing, the first k of the other half as labels on top of base %s; %d draws",
		o.seed, r.Base, draws)
	if len(distinct)-r.Test < ks[len(ks)-1] {
		return nil, usagef("eval -learning-curve: %d distinct comments leave %d for labels, fewer than %d", len(distinct), len(distinct)-r.Test, ks[len(ks)-1])
	}
	points := make([]curvePoint, len(ks)+1)
	for draw := range draws {
		split := drawSplit(distinct, o.seed+uint64(draw))
		test := pick(d.examples, split.test)
		for j, k := range append([]int{0}, ks...) {
			c := o.base
			if k > 0 {
				var rep model.FitReport
				var err error
				c, rep, err = learn(pick(d.examples, split.pool[:k]), o)
				if err != nil {
					return nil, fmt.Errorf("draw %d, %d labels: %w", draw, k, err)
				}
				points[j].SiteWeights = append(points[j].SiteWeights, rep.SiteWeight)
				points[j].MaxWeights = append(points[j].MaxWeights, rep.MaxWeight)
			}
			points[j].Labels = k
			points[j].Draws = append(points[j].Draws, judge(c, test))
			if progress != nil {
				fmt.Fprintf(progress, "draw %d (seed %d, %d of %d), %d labels: F1 %.4f, ham rejected %s\n", draw, o.seed+uint64(draw), draw+1, draws, k,
					points[j].Draws[draw].F1, points[j].Draws[draw].HamRejected.percent())
			}
		}
	}
	for j := range points {
		p := &points[j]
		of := func(get func(m metrics) figure) curveStat {
			var xs []float64
			for _, m := range p.Draws {
				if v := get(m); v.defined() {
					xs = append(xs, float64(v))
				}
			}
			return summarise(xs)
		}
		p.F1 = of(func(m metrics) figure { return m.F1 })
		p.HamRejected = of(func(m metrics) figure { return m.HamRejected })
		p.Recall = of(func(m metrics) figure { return m.Recall })
		p.Precision = of(func(m metrics) figure { return m.Precision })
		p.AUC = of(func(m metrics) figure { return m.AUC })
		p.BestF1At1 = of(func(m metrics) figure { return m.BestF1At1 })
	}
	r.Points = points
	r.Seconds = time.Since(start).Seconds()
	return r, nil
}

// pick returns the examples at idx, in that order.
func pick(examples []model.Example, idx []int) []model.Example {
	out := make([]model.Example, len(idx))
	for j, i := range idx {
		out[j] = examples[i]
	}
	return out
}

// judge scores test with c at its own threshold.
func judge(c *model.Classifier, test []model.Example) metrics {
	e := newEvaluator("", 0)
	e.score(c, test, make([]string, len(test)))
	r := &e.r
	return measure(r.scores, r.spam, r.rejected, r.review)
}

// summarise returns the mean, the sample standard deviation (0 for one
// value) and the range of xs.
func summarise(xs []float64) curveStat {
	if len(xs) == 0 {
		return curveStat{undefined, undefined, undefined, undefined}
	}
	mean, lo, hi := 0.0, math.Inf(1), math.Inf(-1)
	for _, x := range xs {
		mean += x
		lo, hi = math.Min(lo, x), math.Max(hi, x)
	}
	mean /= float64(len(xs))
	ss := 0.0
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	sd := 0.0
	if len(xs) > 1 {
		sd = math.Sqrt(ss / float64(len(xs)-1))
	}
	return curveStat{figure(mean), figure(sd), figure(lo), figure(hi)}
}

// print writes the curve as a table: per k, the mean ± standard deviation
// over the draws, and draw 0 alone.
func (r *curveReport) print(w io.Writer) {
	fmt.Fprintf(w, "protocol: %s\n", r.Protocol)
	fmt.Fprintf(w, "site comments: %d distinct (%d duplicates dropped), %d in each test half\n\n", r.Comments, r.Duplicates, r.Test)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "labels\tF1 mean ± sd\tham rejected mean ± sd\trecall mean\tROC AUC mean\tbest F1 at ≤1% mean\tdraw 0 F1\tdraw 0 ham rejected\tdraw 0 best F1 at ≤1%\tsite weights (* no cap)\t")
	for _, p := range r.Points {
		name := strconv.Itoa(p.Labels)
		if p.Labels == 0 {
			name = "base alone"
		}
		var ws []string
		for i, x := range p.SiteWeights {
			w := strconv.FormatFloat(x, 'g', -1, 64)
			if p.MaxWeights[i] == 0 {
				w += "*"
			}
			ws = append(ws, w)
		}
		fmt.Fprintf(tw, "%s\t%.4f ± %.4f\t%.2f%% ± %.2f%%\t%.4f\t%.4f\t%.4f\t%.4f\t%s\t%.4f\t%s\t\n", name, p.F1.Mean, p.F1.SD,
			100*p.HamRejected.Mean, 100*p.HamRejected.SD, p.Recall.Mean, p.AUC.Mean, p.BestF1At1.Mean,
			p.Draws[0].F1, p.Draws[0].HamRejected.percent(), p.Draws[0].BestF1At1, strings.Join(ws, ","))
	}
	tw.Flush()
}

// writeSplit writes draw 0 of the protocol to dir: test.jsonl and, for
// each k, labels-K.jsonl, as labeled records.
func writeSplit(dir string, d *dataset, ks []int, seed uint64, warn io.Writer) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	split := drawSplit(dedupeTexts(d.examples), seed)
	write := func(name string, idx []int) error {
		return writeAtomic(filepath.Join(dir, name), func(w io.Writer) error {
			for _, i := range idx {
				rec := d.Records[i]
				line, err := labeled.MarshalLine(labeled.Record{Text: rec.Text, Label: rec.Label, Author: rec.Author,
					AuthorURL: rec.AuthorURL, AuthorEmail: rec.AuthorEmail, Site: rec.Site})
				if err != nil {
					return err
				}
				if _, err := w.Write(line); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err := write("test.jsonl", split.test); err != nil {
		return err
	}
	for _, k := range ks {
		// A file named labels-1000.jsonl with fewer labels says so.
		if k > len(split.pool) {
			fmt.Fprintf(warn, "labels-%d.jsonl holds all %d comments of the labels' half, fewer than %d\n", k, len(split.pool), k)
		}
		if err := write(fmt.Sprintf("labels-%d.jsonl", k), split.pool[:min(k, len(split.pool))]); err != nil {
			return err
		}
	}
	return nil
}

// curveFlags are eval's flags for the learning curve.
type curveFlags struct {
	labels      string
	draws       int
	split, plot string
	json        bool
	// curve is -learning-curve: without it, -write-split only writes.
	curve bool
}

// runCurve is eval -learning-curve and -write-split.
func runCurve(d *dataset, o learnOptions, f curveFlags, stdout, stderr io.Writer) error {
	ks, err := parseLabelCounts(f.labels)
	if err != nil {
		return err
	}
	if f.curve && o.base == nil {
		return usagef("eval -learning-curve needs -base MODEL (\"default\" for the built-in model)")
	}
	if !f.curve && o.base == nil && (f.plot != "" || f.json) {
		return usagef("eval -write-split only writes the split: -plot and -json go with -learning-curve -base MODEL")
	}
	if f.split != "" {
		if err := writeSplit(f.split, d, ks, o.seed, stderr); err != nil {
			return fmt.Errorf("write split: %w", err)
		}
		fmt.Fprintf(stderr, "wrote draw 0 (seed %d) to %s\n", o.seed, f.split)
		if o.base == nil {
			return nil
		}
	}
	if o.base == nil {
		return usagef("eval -learning-curve needs -base MODEL (\"default\" for the built-in model)")
	}
	if f.draws < 1 {
		return usagef("eval -draws %d: want at least 1", f.draws)
	}
	r, err := learningCurve(d, o, ks, f.draws, stderr)
	if err != nil {
		return err
	}
	if f.plot != "" {
		if err := writeAtomic(f.plot, r.writePlot); err != nil {
			return fmt.Errorf("write plot %s: %w", f.plot, err)
		}
	}
	if f.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	r.print(stdout)
	return nil
}

// evalModel judges an existing model on all of d: the figures of a
// deployed model on the labels a new one is judged on.
// evalModel judges the model at path on d, at its own thresholds or at
// reject and review given as the function's REJECT_THRESHOLD and
// REVIEW_THRESHOLD give them (0: the model's), and proposes reject
// thresholds for d's labels.
func evalModel(d *dataset, path string, reject, review float64) (*report, error) {
	c, err := openModel(path)
	if err != nil {
		return nil, err
	}
	id, at := c.Info().ID, "at its own thresholds"
	if reject != 0 || review != 0 {
		th := c.Thresholds().Override(reject, review)
		if c, err = c.WithThresholds(th); err != nil {
			return nil, usagef("eval -m: %v", err)
		}
		at = fmt.Sprintf("at reject %v and review %v instead of its own", th.Reject, th.Review)
		if th.Review == 0 {
			at = fmt.Sprintf("at reject %v, with no review band, instead of its own thresholds", th.Reject)
		}
	}
	e := newEvaluator("judge model "+id+" on DATA, "+at, 0)
	e.score(c, d.examples, d.source)
	r := e.finish()
	r.overridden = reject != 0
	if r.Overall.Ham > 0 {
		r.Choices = chooseThresholds(r.scores, r.spam, r.texts)
	}
	return r, nil
}
