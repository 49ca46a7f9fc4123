//go:build e2e

package main

import (
	"bytes"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestLeaveOnePlatformOut: for each English platform beside the checkout,
// train with the default model's recipe on the corpus and every other
// platform, test on the one held out, at the test model's own threshold.
// Doing no harm comes first: at most 1% of the held-out platform's ham may
// be rejected. The ranking figures are floors at what this version
// measures (README, Quality), so that a change that loses ground on a
// platform it never saw fails; on Instagram and X the recall targets above
// them are not yet met, and the README says so.
func TestLeaveOnePlatformOut(t *testing.T) {
	floors := map[string]struct{ auc, recallAt1 figure }{
		"youtube-spam-collection": {0.93, 0.44},
		"instagram-scamspot":      {0.90, 0.21},
		"x-janitr":                {0.78, 0.21},
	}
	for _, held := range []string{"youtube-spam-collection", "instagram-scamspot", "x-janitr"} {
		t.Run(held, func(t *testing.T) {
			args := []string{"-weight", "comments=5", "-test", sharedPath(t, "data/"+held), corpus}
			for _, s := range defaultModelSources {
				if s != held {
					args = append(args, sharedPath(t, "data/"+s))
				}
			}
			r := evalJSON(t, args...)
			m := r.Overall
			t.Logf("%s held out: ROC AUC %.4f, recall at ≤1%% ham rejected %.4f, F1 %.4f, ham rejected %.2f%% at P(spam) ≥ %.4g",
				held, m.AUC, m.RecallAt1, m.F1, 100*m.HamRejected, r.Thresholds[0])
			if m.HamRejected > 0.01 {
				t.Errorf("ham rejected %.2f%%, want ≤ 1%%", 100*m.HamRejected)
			}
			f := floors[held]
			if m.AUC < f.auc || m.RecallAt1 < f.recallAt1 {
				t.Errorf("ROC AUC %.4f, recall at ≤1%% ham rejected %.4f; want at least %.2f and %.2f", m.AUC, m.RecallAt1, f.auc, f.recallAt1)
			}
		})
	}
}

// TestEveryPlatformHeldOut pins the README's table of every platform
// held out in turn (eval -by-platform): at its own threshold no held-out
// platform loses more than 1% of its ham to rejection, and the figures
// are the README's.
func TestEveryPlatformHeldOut(t *testing.T) {
	type row struct{ auc, recallAt1, f1, hamRejected, spamReview, hamReview float64 }
	want := map[string]row{ // README, Quality: "Every platform held out in turn"
		"comments":                {0.855, 0.226, 0.250, 0.0044, 0.264, 0.0323},
		"instagram-scamspot":      {0.905, 0.216, 0.242, 0.0057, 0.250, 0.0161},
		"judol-youtube-id":        {0.785, 0.155, 0.032, 0.0007, 0.066, 0.0032},
		"sms-spam-collection":     {0.736, 0.068, 0.039, 0.0004, 0.079, 0.0155},
		"x-janitr":                {0.790, 0.219, 0.117, 0.0015, 0.202, 0.0178},
		"youtube-spam-collection": {0.935, 0.465, 0.172, 0.0000, 0.183, 0.0040},
		"pooled":                  {0.706, 0.093, 0.081, 0.0015, 0.108, 0.0116},
	}
	args := []string{"-weight", "comments=5", "-by-platform", corpus}
	for _, s := range defaultModelSources {
		args = append(args, sharedPath(t, "data/"+s))
	}
	r := evalJSON(t, args...)
	got := map[string]metrics{"pooled": r.Overall}
	for _, s := range r.Sources {
		got[s.Source] = s.metrics
	}
	if len(got) != len(want) {
		t.Fatalf("rows %v, want one per platform with both classes and the pooled row", slices.Sorted(maps.Keys(got)))
	}
	for name, w := range want {
		m, ok := got[name]
		if !ok {
			t.Errorf("no row for %s", name)
			continue
		}
		if m.HamRejected > 0.01 {
			t.Errorf("%s: ham rejected %.2f%%, want ≤ 1%%", name, 100*m.HamRejected)
		}
		g := row{float64(m.AUC), float64(m.RecallAt1), float64(m.F1), float64(m.HamRejected),
			float64(m.SpamReview) / float64(m.Spam), float64(m.HamReview) / float64(m.Ham)}
		// The README rounds to three places, shares to a tenth (spam sent
		// to review) or a hundredth (ham) of a percent.
		readmeFigure(t, name+": ROC AUC", g.auc, w.auc, 5e-4)
		readmeFigure(t, name+": recall at ≤1% ham rejected", g.recallAt1, w.recallAt1, 5e-4)
		readmeFigure(t, name+": F1", g.f1, w.f1, 5e-4)
		readmeFigure(t, name+": ham rejected", g.hamRejected, w.hamRejected, 5e-5)
		readmeFigure(t, name+": spam sent to review", g.spamReview, w.spamReview, 5e-4)
		readmeFigure(t, name+": ham sent to review", g.hamReview, w.hamReview, 5e-5)
	}
}

// defaultModelRecipe is how the default model is trained, besides the
// output file and the date: the corpus, weighed five times a platform, and
// every platform beside the checkout; the 20,000 most informative tokens.
// The README gives the same command.
var defaultModelRecipe = append([]string{"train", "-q"}, defaultModelFlags...)

// defaultModelFlags are the recipe's training flags, which eval takes too.
var defaultModelFlags = []string{"-weight", "comments=5", "-max-tokens", "20000"}

// TestDefaultModelUpToDate: the committed default model is exactly what the
// documented command builds.
func TestDefaultModelUpToDate(t *testing.T) {
	out := filepath.Join(t.TempDir(), "default.model")
	args := append(slices.Clone(defaultModelRecipe), "-o", out, "-trained-at", defaultModelDate, corpus)
	for _, s := range defaultModelSources {
		args = append(args, sharedPath(t, "data/"+s))
	}
	mustRun(t, "", args...)
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("../model/default.model")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		at := 0
		for at < min(len(got), len(want)) && got[at] == want[at] {
			at++
		}
		t.Errorf("model/default.model is stale: rebuilding it gives %d bytes that differ from the committed %d at byte %d; run the command in the README", len(got), len(want), at)
	}
}

// defaultModelDate is the training date recorded in the default model, so
// that it rebuilds byte for byte.
const defaultModelDate = "2026-11-29T00:00:00Z"

// TestDefaultRecipeOnANewVideo: the default model's recipe with one
// YouTube video left out, judged on that video at its own threshold, as a
// new video of a platform the model knows would be. The threshold is the
// one priced for a platform the model has never seen, so it rejects
// almost no ham and misses most of the spam that a threshold picked in
// hindsight would catch; the figures are the README's ("A new video of
// a platform it knows").
func TestDefaultRecipeOnANewVideo(t *testing.T) {
	type row struct{ f1, hamRejected, auc, bestF1 float64 }
	want := map[string]row{ // README, Quality
		"Youtube01-Psy":       {0.259, 0.0000, 0.976, 0.782},
		"Youtube02-KatyPerry": {0.332, 0.0057, 0.959, 0.743},
		"Youtube03-LMFAO":     {0.156, 0.0000, 0.985, 0.938},
		"Youtube04-Eminem":    {0.474, 0.0000, 0.967, 0.840},
	}
	videos := sharedPath(t, "data/youtube-spam-collection")
	for _, v := range slices.Sorted(maps.Keys(want)) {
		t.Run(v, func(t *testing.T) {
			// The other three videos, as one source under the platform's
			// name, as the default model's recipe counts the platform.
			others := filepath.Join(t.TempDir(), "youtube-spam-collection")
			if err := os.Mkdir(others, 0o755); err != nil {
				t.Fatal(err)
			}
			for _, o := range slices.Sorted(maps.Keys(want)) {
				if o == v {
					continue
				}
				abs, err := filepath.Abs(filepath.Join(videos, o+".csv"))
				if err != nil {
					t.Fatal(err)
				}
				if err := os.Symlink(abs, filepath.Join(others, o+".csv")); err != nil {
					t.Fatal(err)
				}
			}
			args := append(slices.Clone(defaultModelFlags), "-test", filepath.Join(videos, v+".csv"), corpus)
			for _, s := range defaultModelSources {
				if s != "youtube-spam-collection" {
					args = append(args, sharedPath(t, "data/"+s))
				}
			}
			m := evalJSON(t, append(args, others)...).Overall
			t.Logf("%s: F1 %.4f, ham rejected %.2f%%, ROC AUC %.4f, best F1 at ≤1%% ham rejected in hindsight %.4f",
				v, m.F1, 100*m.HamRejected, m.AUC, m.BestF1At1)
			if m.HamRejected > 0.01 {
				t.Errorf("ham rejected %.2f%%, want ≤ 1%%", 100*m.HamRejected)
			}
			w := want[v]
			readmeFigure(t, "F1", float64(m.F1), w.f1, 5e-4)
			readmeFigure(t, "ham rejected", float64(m.HamRejected), w.hamRejected, 5e-5)
			readmeFigure(t, "ROC AUC", float64(m.AUC), w.auc, 5e-4)
			readmeFigure(t, "best F1 at ≤1% ham rejected", float64(m.BestF1At1), w.bestF1, 5e-4)
		})
	}
}

// readmeFigure fails t when a measured figure is further than tol (half the
// README's last printed digit) from the README's.
func readmeFigure(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol+1e-12 {
		t.Errorf("%s is %.5f, the README says %.4g", what, got, want)
	}
}
