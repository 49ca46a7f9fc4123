package main

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/spamcheck/spamcheck/model"
	"github.com/spamcheck/spamcheck/model/labeled"
)

// siteRecords returns n labeled records of a cooking site whose spam
// sells a class, every third of them spam, as JSON Lines.
func siteRecords(n int, site string, seed uint64) string {
	rng := rand.New(rand.NewPCG(seed, 1))
	ham := []string{"lovely", "recipe", "oven", "flour", "butter", "crust", "tasty", "dinner", "family", "tried", "again", "thanks"}
	spam := []string{"sourdough", "masterclass", "levain", "grandma", "rosa", "proofing", "banneton", "hydration", "autolyse", "crumb"}
	var b strings.Builder
	for i := range n {
		words, label := ham, model.Ham
		if i%3 == 0 {
			words, label = spam, model.Spam
		}
		var text []string
		for range 5 + rng.IntN(8) {
			text = append(text, words[rng.IntN(len(words))])
		}
		line, _ := labeled.MarshalLine(labeled.Record{Text: strings.Join(text, " "), Label: label, Site: site})
		b.Write(line)
	}
	return b.String()
}

func loadModelFile(t *testing.T, path string) *model.Classifier {
	t.Helper()
	c, err := openModel(path)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestTrainOnBaseForOneSite(t *testing.T) {
	dir := t.TempDir()
	fb := filepath.Join(dir, "feedback")
	os.MkdirAll(filepath.Join(fb, "2026", "01"), 0o755)
	// One pitch for the class labelled ham, as a hurried moderator
	// might: train lists it as a label to check.
	wrong, _ := labeled.MarshalLine(labeled.Record{Text: "sourdough masterclass levain grandma rosa proofing banneton hydration autolyse crumb", Label: model.Ham, Site: "example.org"})
	writeFile(t, fb, "2026/01/a.jsonl", siteRecords(89, "example.org", 1)+string(wrong))
	writeFile(t, fb, "2026/01/b.jsonl", siteRecords(30, "other.example", 2))
	out := filepath.Join(dir, "example.org.model")
	stdout, stderr, err := runCLI(t, "", "train", "-base", "default", "-site", "Example.org", "-o", out, "-trained-at", "2026-01-01T00:00:00Z", fb)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if !strings.Contains(stderr, "site example.org: 90 of 120 records") || !strings.Contains(stdout, "← chosen") ||
		!strings.Contains(stdout, "out-of-fold scores of the site's labels") ||
		// Too few ham for the default 0.5%, and the threshold line says so.
		!strings.Contains(stdout, "cannot be promised with fewer than 199") || !strings.Contains(stdout, "(above every held-out site ham: see the note)") ||
		!regexp.MustCompile(`labels to check.*\n.*\n  ham   P\(spam\) 0\.9\d\d  \S*/2026/01/a\.jsonl:90  "sourdough masterclass levain`).MatchString(stdout) {
		t.Fatalf("stdout:\n%s\nstderr:\n%s", stdout, stderr)
	}
	// With a rate its 60 ham can promise, the threshold lines give the
	// count and the promise: k = ⌊0.04·61⌋ − 1 = 1 for reject, 2/61; at
	// twice the rate, 3 for review, 4/61.
	banded := filepath.Join(dir, "banded.model")
	bandedOut := mustRun(t, "", "train", "-base", "default", "-site", "example.org", "-max-ham-rejected", "4", "-o", banded, "-trained-at", "2026-01-01T00:00:00Z", fb)
	if !regexp.MustCompile(`threshold: reject at P\(spam\) ≥ \S+ \([01] of the site's 60 held-out ham above it\)\n  picked so, a threshold rejects a new site ham with probability about 3\.3% on average over the draws of the labels, within the 4% asked: approximate`).MatchString(bandedOut) ||
		!regexp.MustCompile(`review band: P\(spam\) ≥ \S+ \([0-3] of the site's 60 held-out ham above it\)\n  picked as the reject threshold at twice the rate: a new site ham reaches review or reject with probability about 6\.6% on average`).MatchString(bandedOut) ||
		!strings.Contains(bandedOut, "mean over the thresholds that reject up to 5% of site ham, at least 5 of them") ||
		strings.Contains(bandedOut, "note:") {
		t.Fatalf("train -max-ham-rejected 4 on 60 ham: want the weight trials' share, the reject and review lines with their promises, no note\n%s", bandedOut)
	}
	if th := loadModelFile(t, banded).Thresholds(); !(th.Review > 0 && th.Review < th.Reject) {
		t.Fatalf("thresholds %+v: want a review band below reject", th)
	}
	if out := mustRun(t, "", "eval", "-q", "-m", banded, "-site", "example.org", fb); !regexp.MustCompile(`sent to review  \d+\.\d\d% of the spam \(\d+\), \d+\.\d\d% of the ham \(\d+\); counted as kept`).MatchString(out) {
		t.Errorf("eval -m of a model with a review band: want the sent-to-review line\n%s", out)
	}
	// The fallback above has no band, and says so.
	if !strings.Contains(stdout, "no review band: at twice the rate, the threshold would flag no more of the site's 60 held-out ham") {
		t.Errorf("train with too few ham for a band: want the no-review-band line\n%s", stdout)
	}
	// eval's per-source table has one row for the site, not one per
	// file of its feedback.
	evalOut := mustRun(t, "", "eval", "-q", "-m", "default", "-site", "example.org", fb)
	if !regexp.MustCompile(`\n +example\.org +90 +30 +60 `).MatchString(evalOut) || strings.Contains(evalOut, "a.jsonl") {
		t.Errorf("eval -site: want one per-source row named example.org\n%s", evalOut)
	}
	base, _ := model.Default()
	info := loadModelFile(t, out).Info()
	src := info.Stats.Sources
	last := src[len(src)-1]
	// The settings are the base's but for the cap on each token's
	// weight, which the cross-validation may lift.
	params := base.Info().Params
	params.MaxWeight = info.Params.MaxWeight
	if info.Stats.Base != base.Info().ID || last.Name != "example.org" || last.Spam+last.Ham != 90 || last.Weight != 0 ||
		info.Tokenizer != base.Info().Tokenizer || info.Params != params || info.Params.MaxWeight != 0 && info.Params.MaxWeight != base.Info().Params.MaxWeight {
		t.Fatalf("site model %+v: want the default's settings and counts plus example.org's 90 labels", info.Stats)
	}
	// The site weight scales every source of the base down alike.
	bs := base.Info().Stats.Sources
	if len(src) != len(bs)+1 {
		t.Fatalf("site model sources %+v: want the base's %+v and the site", src, bs)
	}
	weight := func(s model.Source) float64 { return cmp.Or(s.Weight, 1) }
	w := weight(bs[0]) / weight(src[0])
	for i, s := range bs {
		if src[i].Name != s.Name || src[i].Ham != s.Ham || src[i].Spam != s.Spam || w < 1 ||
			math.Abs(weight(s)/weight(src[i])-w) > 1e-9*w || !strings.Contains(stdout, fmt.Sprintf("site weight %g, %s;", w, capText(info.Params.MaxWeight))) {
			t.Fatalf("site model sources %+v: want the base's %+v scaled down alike by the chosen site weight\n%s", src, bs, stdout)
		}
	}

	// The base's settings cannot be changed, and a site without records
	// is an error, not a copy of the base.
	_, _, err = runCLI(t, "", "train", "-base", "default", "-bigrams=false", "-o", out, fb)
	var u usageError
	if !errors.As(err, &u) || !strings.Contains(err.Error(), "-bigrams") {
		t.Errorf("train -base -bigrams=false: %v, want a usage error naming the flag", err)
	}
	_, _, err = runCLI(t, "", "train", "-base", "default", "-site", "nowhere.example", "-o", out, fb)
	if !errors.Is(err, model.ErrNoData) {
		t.Errorf("train -site nowhere.example: %v, want ErrNoData", err)
	}
	// A handful of labels: the base's calibration and thresholds, said so.
	few := writeFile(t, dir, "few.jsonl", siteRecords(12, "", 3))
	stdout = mustRun(t, "", "train", "-base", "default", "-source", "example.org", "-o", out, few)
	if !strings.Contains(stdout, "too few") || loadModelFile(t, out).Thresholds() != base.Thresholds() {
		t.Fatalf("with 12 labels:\n%s", stdout)
	}
}

// Two halves of a data set trained as one source and merged score every
// comment exactly as the model of the whole, given the same thresholds.
func TestMergeHalves(t *testing.T) {
	dir := t.TempDir()
	d, err := readData([]string{corpus}, "")
	if err != nil {
		t.Fatal(err)
	}
	var halves [2]strings.Builder
	for i, r := range d.Records {
		line, _ := labeled.MarshalLine(r)
		halves[i%2].Write(line)
	}
	a := writeFile(t, dir, "a.jsonl", halves[0].String())
	b := writeFile(t, dir, "b.jsonl", halves[1].String())
	at := []string{"-trained-at", "2026-01-01T00:00:00Z", "-source", "comments"}
	train := func(out string, data ...string) string {
		p := filepath.Join(dir, out)
		mustRun(t, "", append(append([]string{"train", "-o", p}, at...), data...)...)
		return p
	}
	whole := train("whole.model", a, b)
	merged := filepath.Join(dir, "merged.model")
	stdout := mustRun(t, "", "merge", "-o", merged, "-thresholds-from", whole, train("a.model", a), train("b.model", b))
	if !strings.Contains(stdout, "source comments: ") {
		t.Fatalf("merge said:\n%s", stdout)
	}
	w, m := loadModelFile(t, whole), loadModelFile(t, merged)
	if fmt.Sprint(w.Info().Stats.Sources) != fmt.Sprint(m.Info().Stats.Sources) || w.Info().Stats.Vocabulary != m.Info().Stats.Vocabulary {
		t.Fatalf("merged sources %v, %d tokens; whole %v, %d tokens", m.Info().Stats.Sources, m.Info().Stats.Vocabulary,
			w.Info().Stats.Sources, w.Info().Stats.Vocabulary)
	}
	for _, ex := range d.examples {
		if ws, ms := w.Score(ex.Comment), m.Score(ex.Comment); ws.LogOdds != ms.LogOdds || ws.Verdict != ms.Verdict {
			t.Fatalf("%q: merged %v, whole %v", ex.Text, ms, ws)
		}
	}
	// A pruned model is refused, saying why.
	p1 := filepath.Join(dir, "p1.model")
	mustRun(t, "", "train", "-max-tokens", "100", "-o", p1, a)
	_, _, err = runCLI(t, "", "merge", "-o", merged, p1, p1)
	if !errors.Is(err, model.ErrNotMergeable) || !strings.Contains(err.Error(), "-max-tokens") {
		t.Fatalf("merging pruned models: %v", err)
	}
}

// The learning curve's draw 0 is what -write-split writes: training on
// its labels file with train -base and judging on its test file gives
// the curve's figures.
func TestLearningCurveIsReproducible(t *testing.T) {
	dir := t.TempDir()
	data := writeFile(t, dir, "site.jsonl", siteRecords(240, "", 5)+siteRecords(20, "", 5)) // 20 duplicates
	stdout := mustRun(t, "", "eval", "-learning-curve", "-base", "default", "-labels", "30,60", "-draws", "2", "-json",
		"-write-split", filepath.Join(dir, "split"), "-plot", filepath.Join(dir, "curve.svg"), data)
	var r curveReport
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatal(err)
	}
	if r.Comments != 240 || r.Duplicates != 20 || r.Test != 120 || len(r.Points) != 3 || r.Points[2].Labels != 60 || len(r.Points[2].Draws) != 2 {
		t.Fatalf("report: %+v", r)
	}
	// Each point's summaries are the means of its draws' figures, and
	// it names the weight and cap each draw chose.
	for _, p := range r.Points {
		for name, c := range map[string]struct {
			stat curveStat
			get  func(m metrics) figure
		}{
			"F1":                 {p.F1, func(m metrics) figure { return m.F1 }},
			"ham rejected":       {p.HamRejected, func(m metrics) figure { return m.HamRejected }},
			"ROC AUC":            {p.AUC, func(m metrics) figure { return m.AUC }},
			"best F1 at ≤1% ham": {p.BestF1At1, func(m metrics) figure { return m.BestF1At1 }},
		} {
			mean := (float64(c.get(p.Draws[0])) + float64(c.get(p.Draws[1]))) / 2
			if math.Abs(float64(c.stat.Mean)-mean) > 1e-9 {
				t.Errorf("%d labels: %s mean %v, the draws' mean is %v", p.Labels, name, c.stat.Mean, mean)
			}
		}
		if want := min(p.Labels, 1) * 2; len(p.SiteWeights) != want || len(p.MaxWeights) != want {
			t.Errorf("%d labels: site weights %v and caps %v, want %d of each", p.Labels, p.SiteWeights, p.MaxWeights, want)
		}
	}
	site := filepath.Join(dir, "site.model")
	mustRun(t, "", "train", "-base", "default", "-o", site, filepath.Join(dir, "split", "labels-60.jsonl"))
	test, err := readData([]string{filepath.Join(dir, "split", "test.jsonl")}, "")
	if err != nil {
		t.Fatal(err)
	}
	c := loadModelFile(t, site)
	if got, want := c.Info().Params.MaxWeight, r.Points[2].MaxWeights[0]; got != want {
		t.Errorf("train on draw 0's labels chose a cap of %v, the curve says %v", got, want)
	}
	got := judge(c, test.examples)
	if want := r.Points[2].Draws[0]; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("train + judge on the split: %+v\ncurve's draw 0: %+v", got, want)
	}
	if svg, err := os.ReadFile(filepath.Join(dir, "curve.svg")); err != nil || !strings.Contains(string(svg), "@font-face") {
		t.Fatalf("plot: %v, embeds fonts: %v", err, strings.Contains(string(svg), "@font-face"))
	}
}

// TestSiteFeedbackRepeats: one text sent many times for a site counts
// once, with the label of the latest record, the summary says how many
// records each key stored, and -exclude-key leaves a key's records out.
func TestSiteFeedbackRepeats(t *testing.T) {
	dir := t.TempDir()
	fb := filepath.Join(dir, "feedback")
	os.MkdirAll(fb, 0o755)
	var lines strings.Builder
	for _, l := range strings.SplitAfter(strings.TrimSpace(siteRecords(60, "example.org", 3)), "\n") {
		var r labeled.Record
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatal(err)
		}
		r.KeyID = "aaaaaaaa0001"
		b, _ := labeled.MarshalLine(r)
		lines.Write(b)
	}
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	// One caller sends a pitch as ham 200 times.
	for i := range 200 {
		b, _ := labeled.MarshalLine(labeled.Record{Text: "sourdough masterclass levain with grandma rosa, book now", Label: model.Ham, Site: "example.org",
			KeyID: "bbbbbbbb0002", ReceivedAt: at.Add(time.Duration(i) * time.Second)})
		lines.Write(b)
	}
	// A moderator corrects a label: the later record's counts.
	for i, label := range []model.Label{model.Spam, model.Ham} {
		b, _ := labeled.MarshalLine(labeled.Record{Text: "  tried the crust recipe, lovely  ", Label: label, Site: "example.org",
			KeyID: "aaaaaaaa0001", ReceivedAt: at.Add(time.Duration(i) * time.Hour)})
		lines.Write(b)
	}
	writeFile(t, fb, "a.jsonl", lines.String())
	out := filepath.Join(dir, "site.model")
	_, stderr, err := runCLI(t, "", "train", "-base", "default", "-site", "example.org", "-o", out, fb)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	for _, want := range []string{"site example.org: 262 of 262 records", "  by key: bbbbbbbb0002 200 (76%), aaaaaaaa0001 62 (24%)\n  200 repeated the text of another and count once"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("train -site: want %q in\n%s", want, stderr)
		}
	}
	src := loadModelFile(t, out).Info().Stats.Sources
	if last := src[len(src)-1]; last.Spam != 20 || last.Ham != 40+2 {
		t.Errorf("site source %+v: want the 60 records, the pitch once and the corrected text once, as ham (20 spam, 42 ham)", last)
	}
	_, stderr, err = runCLI(t, "", "train", "-base", "default", "-site", "example.org", "-exclude-key", "bbbbbbbb", "-o", out, fb)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if !strings.Contains(stderr, "  200 left out for their key (-exclude-key)") || !strings.Contains(stderr, "  by key: aaaaaaaa0001 62 (100%)") {
		t.Errorf("train -exclude-key: want the pitch's 200 records left out\n%s", stderr)
	}
	if last := loadModelFile(t, out).Info().Stats.Sources; last[len(last)-1].Ham != 41 {
		t.Errorf("train -exclude-key: site source %+v, want 41 ham", last[len(last)-1])
	}
	if _, _, err := runCLI(t, "", "train", "-exclude-key", "bbbbbbbb", "-o", out, fb); err == nil || !strings.Contains(err.Error(), "-exclude-key needs -site") {
		t.Errorf("train -exclude-key without -site: %v, want a usage error", err)
	}
}

// TestSiteRepeatsKeepTheirGroup: the record that stands for a repeated
// text brings its group along (eval -site -group … -holdout splits by it).
func TestSiteRepeatsKeepTheirGroup(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, dir, "fb.csv", "text,label,site,vid\n"+
		"same text,spam,x.org,G1\n"+
		"other text,ham,x.org,G2\n"+
		"same text,ham,x.org,G3\n")
	d, err := readData([]string{file}, "vid")
	if err != nil {
		t.Fatal(err)
	}
	s := &siteOptions{site: "x.org"}
	if err := s.selectData(d, io.Discard); err != nil {
		t.Fatal(err)
	}
	if len(d.Records) != 2 || d.Records[0].Text != "other text" || d.Groups[0] != "G2" ||
		d.Records[1].Text != "same text" || d.Records[1].Label != model.Ham || d.Groups[1] != "G3" {
		t.Fatalf("records %+v, groups %q: want \"other text\" (G2) and the latest \"same text\" (ham, G3)", d.Records, d.Groups)
	}
}
