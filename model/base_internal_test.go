package model

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

var fixedTime = time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)

// synthetic returns n comments of source src, a share of them spam, drawn
// from small vocabularies (some words shared by both classes) with a
// seeded generator, so that held-out scores vary.
func synthetic(src string, n int, spamShare float64, spamWords, hamWords []string, seed uint64) []Example {
	rng := rand.New(rand.NewPCG(seed, 7))
	shared := []string{"the", "and", "this", "video", "today", "really", "people", "time", "watch", "check"}
	out := make([]Example, n)
	for i := range out {
		label, words := Ham, hamWords
		if rng.Float64() < spamShare {
			label, words = Spam, spamWords
		}
		var b []string
		for range 4 + rng.IntN(8) {
			if rng.IntN(3) == 0 {
				b = append(b, shared[rng.IntN(len(shared))])
			} else {
				b = append(b, words[rng.IntN(len(words))])
			}
		}
		out[i] = Example{Comment: Comment{Text: strings.Join(b, " ")}, Label: label, Source: src}
	}
	return out
}

var (
	baseSpam = []string{"free", "money", "prize", "click", "win", "claim", "offer", "cash", "bonus", "link"}
	baseHam  = []string{"song", "guitar", "love", "melody", "great", "voice", "lyrics", "beat", "album", "crypto", "wallet", "token"}
	// The site's spam speaks of what the base's ham does.
	siteSpam = []string{"crypto", "wallet", "token", "airdrop", "connect", "seed", "phrase", "support"}
	siteHam  = []string{"recipe", "oven", "flour", "butter", "bake", "great", "love", "dough"}
)

func baseExamples() []Example {
	ex := synthetic("forum", 300, 0.4, baseSpam, baseHam, 1)
	return append(ex, synthetic("chat", 200, 0.3, baseSpam, append(baseHam, "oven"), 2)...)
}

func mustFitBase(t *testing.T, params *Params) *Classifier {
	t.Helper()
	c, _, err := Fit(baseExamples(), FitOptions{Params: params, TrainedAt: fixedTime})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The fast held-out scores are the scores of the fold's whole model, to
// the bit, whatever the settings that change which tokens are kept and
// how sources weigh.
func TestQuickHeldOutIsHeldOut(t *testing.T) {
	examples := append(baseExamples(), synthetic("site", 120, 0.5, siteSpam, siteHam, 3)...)
	// Comments long enough to be scored by windows too.
	for i := 0; i+6 <= 60; i += 6 {
		long := examples[len(examples)-1-i]
		for _, ex := range examples[len(examples)-i-6 : len(examples)-i-1] {
			long.Text += " " + ex.Text
		}
		examples = append(examples, long)
	}
	for _, tc := range []struct {
		name string
		edit func(*Params)
	}{
		{"default", func(*Params) {}},
		{"balance", func(p *Params) { p.Balance = !p.Balance }},
		{"min count and sources", func(p *Params) { p.MinCount = 3; p.MinSources = 2 }},
		{"no cap, no window", func(p *Params) { p.MaxWeight = 0; p.Window = 0 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := DefaultParams()
			tc.edit(&p)
			cfg := DefaultTokenizer()
			toks, err := tokenizeAll(examples, cfg, p, nil)
			if err != nil {
				t.Fatal(err)
			}
			tl := newTally()
			h := &holdOut{examples: examples, toks: toks, t: tl, cfg: cfg, params: p, stats: statsOf(examples, fixedTime),
				src: make([]int, len(examples)), labels: make([]bool, len(examples))}
			for i, ex := range examples {
				h.src[i] = tl.source(ex.Source)
				h.labels[i] = ex.Label == Spam
				tl.add(h.src[i], labelIndex(ex.Label), toks[i], 1)
			}
			tl.sources[2].Weight = 7
			fold := StratifiedFolds(h.labels, 4, 9)
			for f := range 4 {
				in := func(i int) bool { return fold[i] == f && examples[i].Source == "site" }
				slow, quick := make([]float64, len(examples)), make([]float64, len(examples))
				if err := h.heldOut(in, slow); err != nil {
					t.Fatal(err)
				}
				if err := h.quickHeldOut(in, quick); err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(slow, quick) {
					for i := range slow {
						if slow[i] != quick[i] {
							t.Fatalf("fold %d, example %d %q: quick score %v, the fold model's %v", f, i, examples[i].Text, quick[i], slow[i])
						}
					}
				}
			}
		})
	}
}

// A model's counts come back from its file as training tallied them.
func TestCountsRoundTrip(t *testing.T) {
	examples := baseExamples()
	c, err := Train(examples, TrainOptions{TrainedAt: fixedTime})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.counts()
	if err != nil {
		t.Fatal(err)
	}
	toks, _ := tokenizeAll(examples, c.cfg, c.params, nil)
	tl := newTally()
	for i, ex := range examples {
		tl.add(tl.source(ex.Source), labelIndex(ex.Label), toks[i], 1)
	}
	want := tl.table()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("decoded table differs: %d tokens, %v sources; want %d tokens, %v sources", len(got.vocab), got.sources, len(want.vocab), want.sources)
	}
}

// A pruned model keeps, per source and class, the counts of the tokens it
// dropped: with the kept tokens' they add up to the whole table's, and
// the model of its counts weighs each kept token as the pruned model does.
func TestPrunedTotals(t *testing.T) {
	examples := readComments(t)
	p := DefaultParams()
	whole, err := Train(examples, TrainOptions{TrainedAt: fixedTime})
	if err != nil {
		t.Fatal(err)
	}
	p.MaxTokens = 1000
	pruned, err := Train(examples, TrainOptions{Params: &p, TrainedAt: fixedTime})
	if err != nil {
		t.Fatal(err)
	}
	wt, err := whole.counts()
	if err != nil {
		t.Fatal(err)
	}
	pt, err := pruned.counts()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := pruned.stats.PrunedTokens, len(wt.vocab)-1000; got != want || len(pt.vocab) != 1000 {
		t.Fatalf("%d tokens kept, %d recorded as pruned; want 1000 and %d", len(pt.vocab), got, want)
	}
	sums := func(tb *table) [][2]uint64 {
		out := make([][2]uint64, len(tb.sources))
		for _, cs := range tb.counts {
			for _, c := range cs {
				out[c.src][0] += c.n[0]
				out[c.src][1] += c.n[1]
			}
		}
		return out
	}
	ws, ps := sums(wt), sums(pt)
	for s, so := range pt.sources {
		if got := [2]uint64{ps[s][0] + so.PrunedHam, ps[s][1] + so.PrunedSpam}; got != ws[s] {
			t.Errorf("source %s: kept %v + pruned %d/%d = %v, want the whole table's %v", so.Name, ps[s], so.PrunedHam, so.PrunedSpam, got, ws[s])
		}
	}
	rebuilt, err := build(pruned.cfg, pruned.params, pruned.thresholds, pruned.calib, pruned.stats, pt)
	if err != nil {
		t.Fatal(err)
	}
	worst := 0.0
	for _, tok := range pt.vocab {
		_, a, _ := pruned.lookup(tok)
		_, b, _ := rebuilt.lookup(tok)
		worst = math.Max(worst, math.Abs(a-b))
	}
	if worst > 1e-3 {
		t.Errorf("the model of the pruned model's counts weighs a token up to %.2g nats otherwise", worst)
	}
	// The library's estimate, shifted for the pruned tokens, and
	// estimate's own agree.
	lib, err := estimate(pt, pt.sources, pruned.params, pruned.stats.PrunedTokens, true)
	if err != nil {
		t.Fatal(err)
	}
	own, err := estimate(pt, pt.sources, pruned.params, pruned.stats.PrunedTokens, false)
	if err != nil {
		t.Fatal(err)
	}
	for i := range lib {
		if math.Abs(lib[i]-own[i]) > 1e-9 {
			t.Fatalf("%q: the library's weight %v, estimate's own %v", pt.vocab[i], lib[i], own[i])
		}
	}
}

// Merging models trained on two halves gives the model trained on the
// whole: the same table, count for count, and with the same thresholds,
// calibration and statistics the same bytes.
func TestMergeHalvesIsWhole(t *testing.T) {
	examples := baseExamples()
	for i := range examples {
		examples[i].Source = "all"
	}
	half := len(examples) / 2
	whole, err := Train(examples, TrainOptions{TrainedAt: fixedTime, Thresholds: Thresholds{Reject: 0.9}, Calibration: Calibration{A: 0.5, B: -1}})
	if err != nil {
		t.Fatal(err)
	}
	a, err := Train(examples[:half], TrainOptions{TrainedAt: fixedTime})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Train(examples[half:], TrainOptions{TrainedAt: fixedTime})
	if err != nil {
		t.Fatal(err)
	}
	m, err := Merge([]*Classifier{a, b}, MergeOptions{Thresholds: whole.thresholds, Calibration: whole.calib, TrainedAt: fixedTime})
	if err != nil {
		t.Fatal(err)
	}
	mt, _ := m.counts()
	wt, _ := whole.counts()
	if !reflect.DeepEqual(mt, wt) {
		t.Fatalf("merged table: %d tokens, sources %v; whole: %d tokens, sources %v", len(mt.vocab), mt.sources, len(wt.vocab), wt.sources)
	}
	stats := whole.stats
	stats.Tokens, stats.Vocabulary = nil, 0 // parse's, not the file's
	body := m.raw[m.body : len(m.raw)-32]
	same, err := encode(m.version, header{Tokenizer: m.cfg, Params: m.params, Thresholds: m.thresholds, Calibration: m.calib, Stats: stats},
		len(body), func(w *fileWriter) { w.writeString(body) })
	if err != nil {
		t.Fatal(err)
	}
	if string(same) != whole.raw {
		t.Fatal("the merged model, with the whole's statistics, is not the whole model byte for byte")
	}
	if m.thresholds != whole.thresholds || m.calib != whole.calib || m.stats.Documents[Spam] != whole.stats.Documents[Spam] {
		t.Fatalf("merged %v %v %v; whole %v %v %v", m.thresholds, m.calib, m.stats.Documents, whole.thresholds, whole.calib, whole.stats.Documents)
	}
}

// Limits that dropped nothing do not stop a merge: a vocabulary within
// -max-tokens and fewer sources than -min-sources asks merge into the
// model of the whole, and -min-sources refuses a model it filtered.
func TestMergeLimitsThatDroppedNothing(t *testing.T) {
	examples := baseExamples()
	for i := range examples {
		examples[i].Source = "all"
	}
	p := DefaultParams()
	p.MaxTokens, p.MinSources = 1_000_000, 3
	train := func(ex []Example) *Classifier {
		c, err := Train(ex, TrainOptions{TrainedAt: fixedTime, Params: &p})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	half := len(examples) / 2
	whole := train(examples)
	m, err := Merge([]*Classifier{train(examples[:half]), train(examples[half:])}, MergeOptions{TrainedAt: fixedTime})
	if err != nil {
		t.Fatal(err)
	}
	mt, _ := m.counts()
	wt, _ := whole.counts()
	if !reflect.DeepEqual(mt, wt) {
		t.Fatalf("merged table: %d tokens; whole: %d tokens", len(mt.vocab), len(wt.vocab))
	}
	for i := range examples {
		examples[i].Source = fmt.Sprint("s", i%3)
	}
	_, err = Merge([]*Classifier{train(examples[:half]), train(examples[half:])}, MergeOptions{})
	if !errors.Is(err, ErrNotMergeable) || !strings.Contains(err.Error(), "fewer than 3 of its 3 sources") {
		t.Fatalf("Merge of models -min-sources filtered: %v; want ErrNotMergeable", err)
	}
}

func TestMergeRefuses(t *testing.T) {
	examples := baseExamples()
	train := func(p Params, cfg TokenizerConfig) *Classifier {
		c, err := Train(examples, TrainOptions{TrainedAt: fixedTime, Params: &p, Tokenizer: &cfg})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	p, cfg := DefaultParams(), DefaultTokenizer()
	plain := train(p, cfg)
	// Two sites' models on one base hold the base's counts twice.
	onBase := func(site []Example) *Classifier {
		c, _, err := Fit(site, FitOptions{Base: plain, TrainedAt: fixedTime})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	pruned := p
	pruned.MaxTokens = 10
	minCount := p
	minCount.MinCount = 2
	noBigrams := cfg
	noBigrams.Bigrams = false
	smoother := p
	smoother.Smoothing = p.Smoothing * 2
	for _, tc := range []struct {
		name   string
		models []*Classifier
		want   string
	}{
		{"none", nil, "no models"},
		{"one model twice", []*Classifier{plain, plain}, "trained on the same data"},
		{"pruned", []*Classifier{train(pruned, cfg), train(pruned, cfg)}, "pruned to its 10 best tokens"},
		{"min count", []*Classifier{train(minCount, cfg), train(minCount, cfg)}, "-min-count"},
		{"tokenizer", []*Classifier{plain, train(p, noBigrams)}, "other tokenizer settings"},
		{"params", []*Classifier{plain, train(smoother, cfg)}, "other parameters"},
		{"on top of a base", []*Classifier{onBase(synthetic("a.example", 60, 0.4, siteSpam, siteHam, 31)), onBase(synthetic("b.example", 60, 0.4, siteSpam, siteHam, 32))}, "trained on top of the base model"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Merge(tc.models, MergeOptions{})
			if !errors.Is(err, ErrNotMergeable) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Merge: %v; want ErrNotMergeable saying %q", err, tc.want)
			}
		})
	}
}

// On top of a base that learned crypto words as ham, a few hundred site
// labels that call them spam win: the site model rejects the site's
// spam the base keeps, and still keeps the site's ham.
func TestFitOnBaseOutvotesTheBase(t *testing.T) {
	base := mustFitBase(t, nil)
	labels := synthetic("example.org", 200, 0.4, siteSpam, siteHam, 11)
	test := synthetic("example.org", 200, 0.4, siteSpam, siteHam, 12)
	c, rep, err := Fit(labels, FitOptions{Base: base, TrainedAt: fixedTime, MaxHamRejected: 0.01})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Folds != 5 || len(rep.WeightTrials) != 2*len(siteWeights) || rep.Fallback != "" {
		t.Fatalf("report %+v: want 5 folds, %d weights tried with the base's cap and without, no fallback", rep, len(siteWeights))
	}
	ham := 0
	for _, ex := range labels {
		if ex.Label == Ham {
			ham++
		}
	}
	if rep.SiteHam != ham || rep.SiteHamAbove > newHamRejections(ham, 0.01) {
		t.Fatalf("threshold over %d of %d site ham, want %d ham and at most %d above it", rep.SiteHamAbove, rep.SiteHam, ham, newHamRejections(ham, 0.01))
	}
	// The review band is the same rule at twice the rate, on the site's
	// calibration: never the base's band, which is a probability on the
	// base's.
	th := c.Thresholds()
	if rep.SiteHamAboveReview < rep.SiteHamAbove || rep.SiteHamAboveReview > newHamRejections(ham, 0.02) ||
		th.Review >= th.Reject || (th.Review == 0) != (rep.SiteHamAboveReview == rep.SiteHamAbove) || th.Review != 0 && th.Review == base.thresholds.Review {
		t.Fatalf("review band %v under reject %v over %d of %d site ham (reject: %d), want at most %d and a band exactly when it flags more ham than reject (base's band: %v)",
			th.Review, th.Reject, rep.SiteHamAboveReview, ham, rep.SiteHamAbove, newHamRejections(ham, 0.02), base.thresholds.Review)
	}
	t.Logf("reject %v over %d of %d site ham, review %v over %d", th.Reject, rep.SiteHamAbove, ham, th.Review, rep.SiteHamAboveReview)
	chosen := rep.WeightTrials[bestTrial(rep.WeightTrials)]
	if rep.SiteWeight != chosen.Weight || rep.MaxWeight != chosen.MaxWeight || c.params.MaxWeight != rep.MaxWeight {
		t.Fatalf("site weight %v, cap %v (model: %v) are not the best trial's: %+v", rep.SiteWeight, rep.MaxWeight, c.params.MaxWeight, rep.WeightTrials)
	}
	for i, tr := range rep.WeightTrials {
		if want := []float64{base.params.MaxWeight, 0}[i/len(siteWeights)]; tr.MaxWeight != want || tr.Weight != siteWeights[i%len(siteWeights)] {
			t.Fatalf("trial %d: %+v, want weight %v and cap %v", i, tr, siteWeights[i%len(siteWeights)], want)
		}
	}
	// The site weighs rep.SiteWeight base comments: the base is scaled
	// down by it, the site's labels keep the smoothing's units.
	info := c.Info()
	srcs := info.Stats.Sources
	if info.Stats.Base != base.Info().ID || len(srcs) != 3 || srcs[2].Name != "example.org" || srcs[2].weight() != 1 ||
		srcs[0].weight() != 1/rep.SiteWeight || srcs[1].weight() != 1/rep.SiteWeight {
		t.Fatalf("stats %+v: want base %s scaled by 1/%v and the site as a third source of weight 1", info.Stats, base.Info().ID, rep.SiteWeight)
	}
	rejected := func(c *Classifier, l Label) (n, of int) {
		for _, ex := range test {
			if ex.Label == l {
				of++
				if c.Score(ex.Comment).Verdict == Reject {
					n++
				}
			}
		}
		return n, of
	}
	bs, ns := rejected(base, Spam)
	ss, _ := rejected(c, Spam)
	sh, nh := rejected(c, Ham)
	if ss < ns*9/10 || ss <= bs || sh > nh/50 {
		t.Fatalf("site spam rejected: base %d, site model %d of %d; site ham rejected %d of %d", bs, ss, ns, sh, nh)
	}
	// The base's own comments are still told apart.
	for _, ex := range synthetic("forum", 100, 0.4, baseSpam, []string{"song", "guitar", "melody", "voice"}, 13) {
		if got := c.Score(ex.Comment).Verdict == Reject; got != (ex.Label == Spam) {
			t.Fatalf("base-like comment %q (%s): rejected %v", ex.Text, ex.Label, got)
		}
	}
}

func TestFitOnBaseFallbackAndRefusals(t *testing.T) {
	base := mustFitBase(t, nil)
	few := synthetic("example.org", 12, 0.5, siteSpam, siteHam, 21)
	c, rep, err := Fit(few, FitOptions{Base: base, TrainedAt: fixedTime})
	if err != nil {
		t.Fatal(err)
	}
	// The base's calibration, and its prior: the calibration takes off
	// what the site's labels add to the prior.
	if rep.Folds != 0 || !strings.Contains(rep.Fallback, "too few") || rep.SiteWeight != defaultSiteWeight ||
		c.thresholds != base.thresholds || math.Abs(c.calib.A-base.calib.A) > 1e-9 ||
		math.Abs(c.calib.A*c.prior+c.calib.B-(base.calib.A*base.prior+base.calib.B)) > 1e-9 {
		t.Fatalf("with %d labels: report %+v, thresholds %v calibration %v prior %v; want the base's %v %v prior %v and a fallback",
			len(few), rep, c.thresholds, c.calib, c.prior, base.thresholds, base.calib, base.prior)
	}
	// The base's thresholds still fit the model: on the base's own
	// comments, which the site's labels barely touch, it scores as the
	// base does (a base scaled down by the site weight would be off by
	// 1.35 nats on average).
	var diff float64
	ex := baseExamples()
	for _, e := range ex {
		diff += math.Abs(c.Score(e.Comment).LogOdds - base.Score(e.Comment).LogOdds)
	}
	if diff /= float64(len(ex)); diff > 0.5 {
		t.Errorf("with %d labels the model's log-odds differ from the base's by %.2f on average on the base's comments: its thresholds no longer fit", len(few), diff)
	}
	// A review band asked for holds in the fallback too.
	for _, asked := range []float64{0.3, base.thresholds.Reject} {
		want := asked
		if asked >= base.thresholds.Reject {
			want = 0 // not below the reject threshold: no band
		}
		if c, _, err := Fit(few, FitOptions{Base: base, Review: asked, TrainedAt: fixedTime}); err != nil {
			t.Error(err)
		} else if c.thresholds.Review != want {
			t.Errorf("review %v with %d labels: thresholds %+v, want review at %v", asked, len(few), c.thresholds, want)
		}
	}
	// A site weight so small that the base's sources, scaled down by
	// it, would weigh more than a source may is the caller's mistake.
	if _, _, err := Fit(synthetic("example.org", 100, 0.4, siteSpam, siteHam, 24), FitOptions{Base: base, SiteWeight: 1e-7}); err == nil ||
		errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "too small") {
		t.Errorf("site weight 1e-7: %v, want an error saying it is too small", err)
	}
	// With too few labels the base is not scaled: any weight will do.
	if _, _, err := Fit(few, FitOptions{Base: base, SiteWeight: 1e-7}); err != nil {
		t.Errorf("site weight 1e-7 with %d labels: %v", len(few), err)
	}
	// A site that reports only spam teaches its spam's words, but does
	// not move every other comment towards spam: comments of words its
	// spam never used score about as the base scores them (-0.04 nats;
	// before, its 30 spam moved them by +1.36).
	onlySpam := synthetic("example.org", 30, 1, siteSpam, siteHam, 22)
	spamOnly, _, err := Fit(onlySpam, FitOptions{Base: base})
	if err != nil {
		t.Fatalf("a site with only spam labels: %v", err)
	}
	diff = 0
	others := []string{"song guitar melody voice", "free money prize click", "lyrics beat album", "claim cash bonus offer", "great love"}
	for _, text := range others {
		cm := Comment{Text: text}
		diff += spamOnly.Score(cm).LogOdds - base.Score(cm).LogOdds
	}
	if diff /= float64(len(others)); math.Abs(diff) > 0.2 {
		t.Errorf("a site with only spam labels moves comments of other words by %+.2f nats on average, want within 0.2", diff)
	}
	other := DefaultTokenizer()
	other.Style = false
	p := DefaultParams()
	p.Balance = !p.Balance
	clash := synthetic("forum", 40, 0.5, siteSpam, siteHam, 23)
	for name, o := range map[string]FitOptions{
		"tokenizer":   {Base: base, Tokenizer: &other},
		"params":      {Base: base, Params: &p},
		"source name": {Base: base},
	} {
		ex := few
		if name == "source name" {
			ex = clash
		}
		if _, _, err := Fit(ex, o); !errors.Is(err, ErrBaseSettings) {
			t.Errorf("%s: %v, want ErrBaseSettings", name, err)
		}
	}
}

// A format-3 model (one pseudo-source of counts) is a base too.
func TestFitOnFormat3Base(t *testing.T) {
	v4 := mustFitBase(t, nil)
	tb, _ := v4.counts()
	var entries []byte
	k := uint64(math.Round(1 / v4.params.Smoothing))
	for i, tok := range tb.vocab {
		var n [2]uint64
		for _, c := range tb.counts[i] {
			n[0] += c.n[0]
			n[1] += c.n[1]
		}
		entries = appendV3Entry(entries, tok, n[0]*k, n[1]*k)
	}
	raw := v3File(t, v4, entries, len(tb.vocab))
	old, err := parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	// Format 3 predates the totals of pruned tokens: a file that claims
	// them is corrupt, not a base whose totals would go unchecked.
	claims := &Classifier{cfg: v4.cfg, params: v4.params, thresholds: v4.thresholds, calib: v4.calib, stats: v4.stats}
	claims.stats.PrunedTokens = 5
	if _, err := parse(v3File(t, claims, entries, len(tb.vocab))); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("format 3 with pruned tokens: %v, want ErrCorrupt", err)
	}
	c, _, err := Fit(synthetic("example.org", 100, 0.4, siteSpam, siteHam, 31), FitOptions{Base: old, TrainedAt: fixedTime})
	if err != nil {
		t.Fatal(err)
	}
	if src := c.Info().Stats.Sources; len(src) != 2 || src[0].Name != pseudoSource || src[0].Ham != v4.stats.Documents[Ham] {
		t.Fatalf("sources %+v: want the format-3 counts as one source %q", src, pseudoSource)
	}
}

func appendV3Entry(b []byte, tok string, ham, spam uint64) []byte {
	b = appendUvarint(b, uint64(len(tok)))
	b = append(b, tok...)
	b = appendUvarint(b, ham)
	b = appendUvarint(b, spam)
	return append(b, 0, 0, 0, 0) // weight 0: only the counts matter to a base
}

func appendUvarint(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

// v3File assembles a version-3 model file with c's header and the given
// entries, and an index over them.
func v3File(t *testing.T, c *Classifier, entries []byte, n int) string {
	t.Helper()
	var offsets []uint32
	d := decoder{s: string(entries)}
	toks := []string{}
	for range n {
		offsets = append(offsets, uint32(d.pos))
		toks = append(toks, d.chunk())
		d.uvarint()
		d.uvarint()
		d.weight()
	}
	if d.err != nil {
		t.Fatal(d.err)
	}
	m := 1
	for m < 2*n {
		m <<= 1
	}
	slots := make([]uint32, m)
	for i, tok := range toks {
		s := int(fnv1a(tok) & uint64(m-1))
		for slots[s] != 0 {
			s = (s + 1) & (m - 1)
		}
		slots[s] = offsets[i] + 1
	}
	body := appendUvarint(nil, uint64(n))
	body = appendUvarint(body, uint64(len(entries)))
	body = append(body, entries...)
	body = appendUvarint(body, uint64(m))
	for _, s := range slots {
		body = append(body, byte(s>>24), byte(s>>16), byte(s>>8), byte(s))
	}
	stats := c.stats
	stats.Sources = nil
	raw, err := encode(oldVersion, header{Tokenizer: c.cfg, Params: c.params, Thresholds: c.thresholds, Calibration: c.calib, Stats: stats},
		len(body), func(w *fileWriter) { w.write(body) })
	if err != nil {
		t.Fatal(fmt.Errorf("encode: %w", err))
	}
	return string(raw)
}

func TestLowRejectRecall(t *testing.T) {
	// Ten ham scored 10..1, ten spam scored 0.5..9.5 in steps of 1.
	var scores []float64
	var spam []bool
	for i := range 10 {
		scores = append(scores, float64(10-i), float64(i)+0.5)
		spam = append(spam, false, true)
	}
	// k = 5 (1% of 10 ham is 0, raised to minRejectedHam): the mean
	// over the thresholds just above the ham scored 10, 9, …, 5 of the
	// share of spam scored above them.
	want := 0.0
	for j := 0; j <= minRejectedHam; j++ {
		h := float64(10 - j)
		n := 0
		for i := range 10 {
			if float64(i)+0.5 > h {
				n++
			}
		}
		want += float64(n) / 10
	}
	want /= minRejectedHam + 1
	if got := lowRejectRecall(scores, spam, 0.01); got != want {
		t.Fatalf("lowRejectRecall = %v, want %v", got, want)
	}
	if got := lowRejectRecall(scores[:1], spam[:1], 0.01); got != 0 {
		t.Fatalf("without spam: %v, want 0", got)
	}
	// The weights are compared up to 5% of the ham at least: with 200
	// ham, over the 10 highest-scored rather than the 5 that 0.5% is
	// raised to, whose spam above differ.
	scores, spam = nil, nil
	for i := range 200 {
		scores = append(scores, float64(200-i))
		spam = append(spam, false)
	}
	for _, s := range []float64{195.5, 192.5, 190.5, 150, 100} {
		scores = append(scores, s)
		spam = append(spam, true)
	}
	at5, atHalf := lowRejectRecall(scores, spam, weightFPR), lowRejectRecall(scores, spam, 0.005)
	if got := weightRecall(scores, spam, 0.005); got != at5 || at5 == atHalf {
		t.Errorf("weightRecall at 0.5%% = %v, want the recall up to 5%% of the ham, %v (up to 0.5%%: %v)", got, at5, atHalf)
	}
	if got, want := weightRecall(scores, spam, 0.1), lowRejectRecall(scores, spam, 0.1); got != want {
		t.Errorf("weightRecall at 10%% = %v, want %v", got, want)
	}
}

// suspectLabels lists the ham scored above the median spam, highest
// first, then the spam scored below the median ham, lowest first, at most
// maxSuspects of each.
func TestSuspectLabels(t *testing.T) {
	//            0     1    2     3    4    5     6    7
	scores := []float64{-3, 4, -2, 5, 1, -4, 2.5, 3}
	spam := []bool{false, true, false, true, false, true, false, true}
	// spam 4, 5, -4, 3: median 4 (the upper of the middle two); ham -3,
	// -2, 1, 2.5: median 1.
	got := suspectLabels(scores, spam)
	want := []Suspect{{Index: 5, Label: Spam, P: Sigmoid(-4)}}
	if !slices.Equal(got, want) {
		t.Fatalf("suspects %+v, want %+v", got, want)
	}
	// Two ham above every spam but one: ham median now 4.5, so three
	// spam fall below it.
	scores[0] = 6
	scores[4] = 4.5
	got = suspectLabels(scores, spam)
	want = []Suspect{{Index: 0, Label: Ham, P: Sigmoid(6)}, {Index: 4, Label: Ham, P: Sigmoid(4.5)},
		{Index: 5, Label: Spam, P: Sigmoid(-4)}, {Index: 7, Label: Spam, P: Sigmoid(3)}, {Index: 1, Label: Spam, P: Sigmoid(4)}}
	if !slices.Equal(got, want) {
		t.Fatalf("suspects %+v, want %+v", got, want)
	}
	many := make([]float64, 40)
	labels := make([]bool, 40)
	for i := range many {
		labels[i] = i%2 == 0
		many[i] = float64(i % 4) // spam 0 and 2 (median 2), ham 1 and 3 (median 3)
	}
	got = suspectLabels(many, labels)
	if len(got) != 2*maxSuspects || got[0].Label != Ham || got[0].P != Sigmoid(3) || got[maxSuspects].Label != Spam || got[maxSuspects].P != Sigmoid(0) {
		t.Fatalf("suspects %+v: want %d ham scored 3, then %d spam from the lowest", got, maxSuspects, maxSuspects)
	}
	if suspectLabels([]float64{1, 2}, []bool{true, true}) != nil {
		t.Fatal("suspects without ham")
	}
	// Above a log-odds of about 37 P rounds to 1: the order and the cut
	// must still follow the scores, the worst ham first.
	var high []float64
	var hl []bool
	for i := range maxSuspects + 2 {
		high, hl = append(high, 37+float64(i)), append(hl, false)
	}
	high, hl = append(high, 0, 1), append(hl, true, true)
	got = suspectLabels(high, hl)
	if got[0].Index != maxSuspects+1 || got[1].Index != maxSuspects || got[maxSuspects-1].Index != 2 {
		t.Fatalf("suspects %+v: want the ham from the highest score down, %d first", got, maxSuspects+1)
	}
}

// TestOnBaseScalePrunedDefault: the default model is pruned to its best
// tokens. Its counts, with the pruned tokens' totals it keeps, give back
// its own scores; a pruned file without them (as files were before
// Source.PrunedHam) gives scores off its scale, which onBaseScale maps
// back for the few-labels fallback.
func TestOnBaseScalePrunedDefault(t *testing.T) {
	base, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if base.stats.PrunedTokens == 0 {
		t.Fatal("the default model records no pruned tokens")
	}
	ex := readComments(t)
	// off returns how far c's scores are from the default model's on
	// average, how many verdicts agree, and how many of those that do
	// not are more than roundingNats apart: a comment the two score
	// within rounding of each other may still fall on either side of a
	// threshold.
	const roundingNats = 0.01
	off := func(c *Classifier) (diff float64, agree, apart int) {
		for _, e := range ex {
			a, b := c.Score(e.Comment), base.Score(e.Comment)
			d := math.Abs(a.LogOdds - b.LogOdds)
			diff += d
			switch {
			case a.Verdict == b.Verdict:
				agree++
			case d > roundingNats:
				apart++
			}
		}
		return diff / float64(len(ex)), agree, apart
	}
	// asBase returns the model of b's counts with the default model's
	// calibration, and with the calibration onBaseScale fits.
	asBase := func(b *Classifier) (same, mapped *Classifier) {
		bt, err := b.counts()
		if err != nil {
			t.Fatal(err)
		}
		k, err := onBaseScale(b, bt, nil)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := build(b.cfg, b.params, b.thresholds, Calibration{A: 1}, b.stats, bt)
		if err != nil {
			t.Fatal(err)
		}
		if same, err = raw.with(b.thresholds, b.calib); err != nil {
			t.Fatal(err)
		}
		if mapped, err = raw.with(b.thresholds, k); err != nil {
			t.Fatal(err)
		}
		return same, mapped
	}
	same, _ := asBase(base)
	d, a, apart := off(same)
	t.Logf("on the corpus's %d comments, against the default model: its counts with its calibration are off by %.4f nats on average and agree on %d verdicts", len(ex), d, a)
	// The README's figures: "off by 0.0034 nats on average …, and every
	// verdict … the same", "off by 2.45 nats", "brings that to 0.58".
	if got := fmt.Sprintf("%.4f %d", d, len(ex)-a); got != "0.0034 0" {
		t.Errorf("off by and verdicts changed: %s, the README says 0.0034 0", got)
	}
	if d > roundingNats || apart > 0 {
		t.Errorf("the default model's counts, with its pruned totals: off by %.4f nats on average, %d of %d verdicts the same, %d of the others more than %g nats apart; want within %g, and every verdict the same but where the scores are within it",
			d, a, len(ex), apart, roundingNats, roundingNats)
	}

	old := *base
	old.stats.PrunedTokens = 0
	old.stats.Sources = slices.Clone(base.stats.Sources)
	for i := range old.stats.Sources {
		old.stats.Sources[i].PrunedHam, old.stats.Sources[i].PrunedSpam = 0, 0
	}
	same, mapped := asBase(&old)
	d0, a0, _ := off(same)
	d1, a1, _ := off(mapped)
	t.Logf("without its pruned totals: off by %.2f nats on average and agree on %d verdicts; calibrated onto its scale, %.2f and %d", d0, a0, d1, a1)
	if got := fmt.Sprintf("%.2f %.2f", d0, d1); got != "2.45 0.58" {
		t.Errorf("without its pruned totals, off by and calibrated: %s, the README says 2.45 0.58", got)
	}
	if d1 > 0.75 || 100*a1 < 95*len(ex) || d1 > d0/2 {
		t.Errorf("calibrated onto the default model's scale: off by %.2f nats on average, %d of %d verdicts the same; want within 0.75 and 95%%, and half the %.2f uncalibrated", d1, a1, len(ex), d0)
	}
}

// TestConformalRank pins the rank PickThresholdForNewHam keeps above its
// threshold, and the fewest ham that make a target possible.
func TestConformalRank(t *testing.T) {
	for _, c := range []struct {
		n      int
		maxHam float64
		rank   int // negative: the rate cannot be promised
	}{
		{98, 0.01, -1}, {99, 0.01, 0}, {198, 0.005, -1}, {199, 0.005, 0}, {398, 0.005, 0}, {399, 0.005, 1},
		{250, 0.01, 1}, {252, 0.005, 0}, {850, 0.005, 3}, {10, 0.15, 0},
	} {
		if got := conformalRank(c.n, c.maxHam); got != c.rank {
			t.Errorf("conformalRank(%d, %v) = %d, want %d", c.n, c.maxHam, got, c.rank)
		}
		if got := newHamRejections(c.n, c.maxHam); got != max(c.rank, 0) {
			t.Errorf("newHamRejections(%d, %v) = %d, want %d", c.n, c.maxHam, got, max(c.rank, 0))
		}
	}
	for _, maxHam := range []float64{0.003, 0.005, 0.01, 0.02, 0.15, 0.5} {
		n := MinNewHam(maxHam)
		if conformalRank(n-1, maxHam) >= 0 || conformalRank(n, maxHam) != 0 {
			t.Errorf("MinNewHam(%v) = %d: ranks %d below it and %d at it, want negative and 0", maxHam, n, conformalRank(n-1, maxHam), conformalRank(n, maxHam))
		}
	}
	if MinNewHam(0.005) != 199 || MinNewHam(0.01) != 99 {
		t.Errorf("MinNewHam: %d at 0.5%%, %d at 1%%; want 199 and 99", MinNewHam(0.005), MinNewHam(0.01))
	}
	if got := MinNewHam(1e-20); got != 1<<31-1 {
		t.Errorf("MinNewHam(1e-20) = %d, want the cap 2³¹ − 1, not an overflow", got)
	}
}

// rocAUC breaks ties between site weights: the share of (spam, ham)
// pairs the spam wins, ties counting half.
func TestRocAUC(t *testing.T) {
	for _, c := range []struct {
		scores []float64
		spam   []bool
		want   float64
	}{
		{[]float64{0.9, 0.8, 0.7, 0.1}, []bool{true, false, true, false}, 0.75},
		{[]float64{1, 2}, []bool{true, false}, 0},
		{[]float64{0.5, 0.5, 0.9}, []bool{true, false, true}, 0.75},
		{[]float64{0.3, 0.3}, []bool{true, true}, 0}, // no ham: nothing to rank
	} {
		if got := rocAUC(c.scores, c.spam); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("rocAUC(%v, %v) = %v, want %v", c.scores, c.spam, got, c.want)
		}
	}
}

// A weight the options accept but the library cannot count to fails
// naming the weights, not as a bad count of one token.
func TestWeightTooLargeForTheLibrary(t *testing.T) {
	var ex []Example
	for i := range 30 {
		for _, src := range []string{"a", "b"} {
			ex = append(ex, Example{Comment: Comment{Text: fmt.Sprintf("thanks for the video %d", i)}, Label: Ham, Source: src})
			ex = append(ex, Example{Comment: Comment{Text: fmt.Sprintf("buy cheap followers %d", i)}, Label: Spam, Source: src})
		}
	}
	_, _, err := Fit(ex, FitOptions{TrainedAt: fixedTime, SourceWeights: map[string]float64{"a": 1e5}})
	if err == nil || !strings.Contains(err.Error(), "-weight") {
		t.Fatalf("Fit with a weight of 1e5: %v; want an error naming the weights", err)
	}
}

// Options the library takes are refused where they are given, with their
// name, never as a corrupt file after training: a cap on a token's
// weight too small for a storable calibration, or not finite; a
// calibration beyond what a file holds; and with two bad source weights,
// always the first by name.
func TestOptionsRefusedUpFront(t *testing.T) {
	ex := baseExamples()
	for _, mw := range []float64{0.01, math.Inf(1), math.NaN(), -1} {
		p := DefaultParams()
		p.MaxWeight = mw
		if _, _, err := Fit(ex, FitOptions{Params: &p, TrainedAt: fixedTime}); err == nil || !strings.Contains(err.Error(), "max weight") || errors.Is(err, ErrCorrupt) {
			t.Errorf("MaxWeight %v: %v; want an error naming max weight", mw, err)
		}
	}
	if _, err := Train(ex, TrainOptions{Calibration: Calibration{A: 150}}); err == nil || errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "calibration") {
		t.Errorf("Train with calibration slope 150: %v; want an error naming the calibration, not a corrupt file", err)
	}
	if k := FitCalibration([]float64{-0.001, -0.002, 0.001, 0.002}, []bool{false, false, true, true}); k.validate() != nil {
		t.Errorf("FitCalibration on tiny scores: %+v, which no file can hold", k)
	}
	for range 20 {
		_, _, err := Fit(ex, FitOptions{TrainedAt: fixedTime, SourceWeights: map[string]float64{"b": 0, "a": -1}})
		if err == nil || !strings.Contains(err.Error(), `source "a"`) {
			t.Fatalf("two bad source weights: %v; want the first by name, a", err)
		}
	}
}

// A source that holds all of a class (one file of spam beside files of
// ham) cannot be held out: Fit trains with the k-fold threshold and says
// why, where it failed as if the data had no spam.
func TestFitSourceWithAllOfAClass(t *testing.T) {
	ex := baseExamples()
	for i := range ex {
		ex[i].Source = "spam"
		if ex[i].Label == Ham {
			ex[i].Source = fmt.Sprint("ham-", i%2)
		}
	}
	_, rep, err := Fit(ex, FitOptions{TrainedAt: fixedTime})
	if err != nil || rep.HeldOutSources != 0 || !strings.Contains(rep.Fallback, `source "spam" holds all the labeled spam`) {
		t.Fatalf("Fit: %v, report %+v", err, rep)
	}
}

// A file whose checksum holds but whose content does not is refused: an
// index with two slots at one entry (a token lost to lookups), and
// sources whose counts would overflow when summed.
func TestLoadRefusesInconsistentFiles(t *testing.T) {
	c, err := Train([]Example{
		{Comment: Comment{Text: "buy cheap pills now"}, Label: Spam},
		{Comment: Comment{Text: "win money fast"}, Label: Spam},
		{Comment: Comment{Text: "nice article thanks"}, Label: Ham},
		{Comment: Comment{Text: "I disagree with the author"}, Label: Ham},
	}, TrainOptions{TrainedAt: fixedTime})
	if err != nil {
		t.Fatal(err)
	}
	raw := []byte(c.raw[:len(c.raw)-sha256.Size])
	var filled []int
	for s := 0; s < c.slots; s++ {
		if c.slot(s) != 0 {
			filled = append(filled, s)
		}
	}
	a, b := filled[0], filled[1]
	copy(raw[c.index+4*a:c.index+4*a+4], raw[c.index+4*b:c.index+4*b+4])
	sum := sha256.Sum256(raw)
	if _, err := Load(bytes.NewReader(append(raw, sum[:]...))); !errors.Is(err, ErrCorrupt) {
		t.Errorf("two index slots at one entry: Load = %v, want ErrCorrupt", err)
	}

	st := c.stats
	st.Sources = append([]Source(nil), c.stats.Sources...)
	const big = int(^uint(0) >> 1)
	st.Sources[0].Ham += 2 // + 2·MaxInt wraps to −2
	st.Sources = append(st.Sources, Source{Name: "x", Ham: big}, Source{Name: "y", Ham: big})
	body := c.raw[c.body : len(c.raw)-sha256.Size]
	file, err := encode(c.version, header{Tokenizer: c.cfg, Params: c.params, Thresholds: c.thresholds, Calibration: c.calib, Stats: st},
		len(body), func(w *fileWriter) { w.writeString(body) })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Load(bytes.NewReader([]byte(file))); !errors.Is(err, ErrCorrupt) {
		t.Errorf("sources that overflow: Load = %v, want ErrCorrupt", err)
	}
}

// A source's classes weighed alike by ClassWeights are the source weighed
// by SourceWeights; weighing its spam alone more moves the spam side of
// every token it holds, and the file records the weights per class.
func TestClassWeights(t *testing.T) {
	ex := baseExamples()
	names := map[string]bool{}
	for _, e := range ex {
		names[e.Source] = true
	}
	if len(names) < 2 {
		t.Fatalf("baseExamples have sources %v: want at least 2", names)
	}
	src := slices.Sorted(maps.Keys(names))[0]
	whole, _, err := Fit(ex, FitOptions{TrainedAt: fixedTime, SourceWeights: map[string]float64{src: 3}})
	if err != nil {
		t.Fatal(err)
	}
	alike, _, err := Fit(ex, FitOptions{TrainedAt: fixedTime, ClassWeights: map[string][2]float64{src: {3, 3}}})
	if err != nil {
		t.Fatal(err)
	}
	spammy, _, err := Fit(ex, FitOptions{TrainedAt: fixedTime, SourceWeights: map[string]float64{src: 3}, ClassWeights: map[string][2]float64{src: {0, 9}}})
	if err != nil {
		t.Fatal(err)
	}
	// Weighed alike, the classes are the source weighed whole, in the
	// same file: version 4, readable by builds that know no class weights.
	if alike.raw != whole.raw {
		t.Errorf("classes weighed alike: model %s, version %d; the source weighed whole: %s, version %d", alike.id, alike.version, whole.id, whole.version)
	}
	moved := 0
	for _, e := range ex {
		w, a, s := whole.Score(e.Comment).LogOdds, alike.Score(e.Comment).LogOdds, spammy.Score(e.Comment).LogOdds
		if w != a {
			t.Errorf("%q: %v with the classes weighed alike, %v with the source weighed whole", e.Text, a, w)
		}
		if s != w {
			moved++
		}
	}
	if moved == 0 {
		t.Errorf("weighing %s's spam 9 and its ham 3 moved no score", src)
	}
	if whole.version != noClassWeights || spammy.version != formatVersion {
		t.Errorf("versions %d and %d: want %d without class weights, %d with", whole.version, spammy.version, noClassWeights, formatVersion)
	}
	for _, tc := range []struct {
		weight, ham, spam float64
		want              Source
	}{
		{0, 0, 0, Source{}},
		{0, 1, 1, Source{}},
		{5, 5, 15, Source{Weight: 5, SpamWeight: 15}},
		{5, 3, 3, Source{Weight: 3}},
		{0, 2, 0, Source{HamWeight: 2}},
	} {
		if got := (Source{Weight: tc.weight}).withClassWeights(tc.ham, tc.spam); got != tc.want {
			t.Errorf("weight %g with ham %g, spam %g: %+v, want %+v", tc.weight, tc.ham, tc.spam, got, tc.want)
		}
	}
	for _, so := range spammy.Info().Stats.Sources {
		if so.Name == src && (so.Weight != 3 || so.HamWeight != 0 || so.SpamWeight != 9 || so.classWeight(0) != 3 || so.classWeight(1) != 9) {
			t.Errorf("source %+v: want weight 3, spam weight 9", so)
		}
	}
	// On top of it, a site's labels scale the base down by the site's
	// weight, each class of the base's source keeping its share.
	site, rep, err := Fit(synthetic("site", 120, 0.5, siteSpam, siteHam, 3), FitOptions{TrainedAt: fixedTime, Base: spammy, SiteWeight: 4})
	if err != nil || rep.Folds == 0 {
		t.Fatalf("Fit on top of a base weighing its classes apart: %v (report %+v)", err, rep)
	}
	for _, so := range site.Info().Stats.Sources {
		if so.Name == src && (so.classWeight(0) != 3.0/4 || so.classWeight(1) != 9.0/4) {
			t.Errorf("the base's source on top of a site weighing 4: %+v, want ham 3/4, spam 9/4", so)
		}
	}
	if _, _, err := Fit(ex, FitOptions{TrainedAt: fixedTime, ClassWeights: map[string][2]float64{src: {0, -1}}}); err == nil || !strings.Contains(err.Error(), "spam weight") {
		t.Errorf("a negative spam weight: %v; want an error naming it", err)
	}

	// Scaled down under a site's labels, each class keeps its share.
	if s := (Source{SpamWeight: 9}).scaled(3); s.classWeight(0) != 1.0/3 || s.classWeight(1) != 3 {
		t.Errorf("spam weight 9 scaled by 3: %+v, want ham 1/3, spam 3", s)
	}

	// A site weight too small for the base is refused as such, whichever
	// of a source's weights it would push past the bound; a source weight
	// that both class weights override weighs nothing, and does not count.
	siteEx := synthetic("site", 120, 0.5, siteSpam, siteHam, 3)
	heavy, _, err := Fit(ex, FitOptions{TrainedAt: fixedTime, SourceWeights: map[string]float64{src: 3}, ClassWeights: map[string][2]float64{src: {1e3, 2}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := Fit(siteEx, FitOptions{TrainedAt: fixedTime, Base: heavy, SiteWeight: 1e-4}); err == nil || !strings.Contains(err.Error(), "too small for this base") {
		t.Errorf("site weight 1e-4 on a base whose source's ham weighs 1e3: %v; want the site weight refused", err)
	}
	overridden, _, err := Fit(ex, FitOptions{TrainedAt: fixedTime, SourceWeights: map[string]float64{src: 1e6}, ClassWeights: map[string][2]float64{src: {1, 2}}})
	if err != nil {
		t.Fatal(err)
	}
	at := slices.IndexFunc(overridden.stats.Sources, func(s Source) bool { return s.Name == src })
	if s := overridden.stats.Sources[at]; s.classWeight(0) != 1 || s.classWeight(1) != 2 || s.weight() != 1 {
		t.Errorf("weight 1e6 with ham 1, spam 2: %+v, want the 1e6 dropped", s)
	}
	if _, _, err := Fit(siteEx, FitOptions{TrainedAt: fixedTime, Base: overridden, SiteWeight: 0.5}); err != nil {
		t.Errorf("site weight 0.5 on a base whose source's classes weigh 1 and 2: %v", err)
	}

	// Halves whose source weighs its spam apart in one only do not merge.
	var even, odd []Example
	for i, e := range ex {
		if i%2 == 0 {
			even = append(even, e)
		} else {
			odd = append(odd, e)
		}
	}
	a, _, err := Fit(even, FitOptions{TrainedAt: fixedTime, ClassWeights: map[string][2]float64{src: {0, 2}}})
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := Fit(odd, FitOptions{TrainedAt: fixedTime})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Merge([]*Classifier{a, b}, MergeOptions{}); !errors.Is(err, ErrNotMergeable) || !strings.Contains(err.Error(), "weighs 1 in") || !strings.Contains(err.Error(), "ham 1, spam 2") {
		t.Errorf("Merge of halves weighed apart: %v; want ErrNotMergeable naming both weights", err)
	}
}

// A tokenizer cap beyond any comment is refused where it is given, with
// its name, not as a corrupt file after training; 0 or less is the
// default, as ever.
func TestTokenizerCapRefusedUpFront(t *testing.T) {
	ex := baseExamples()
	cfg := DefaultTokenizer()
	cfg.MaxTokens = 1 << 21
	if _, err := Train(ex, TrainOptions{Tokenizer: &cfg, TrainedAt: fixedTime}); err == nil || errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "tokenizer max tokens") {
		t.Errorf("Train with a cap of 2^21 tokens: %v; want the cap named, not a corrupt file", err)
	}
	if _, _, err := Fit(ex, FitOptions{Tokenizer: &cfg, TrainedAt: fixedTime}); err == nil || errors.Is(err, ErrCorrupt) {
		t.Errorf("Fit with a cap of 2^21 tokens: %v; want it refused up front", err)
	}
	cfg.MaxTokens = -1
	if _, err := Train(ex, TrainOptions{Tokenizer: &cfg, TrainedAt: fixedTime}); err != nil {
		t.Errorf("Train with a cap of -1 (the default): %v", err)
	}
}
