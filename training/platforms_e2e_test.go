//go:build e2e

package main

import (
	"bytes"
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
		"youtube-spam-collection": {0.92, 0.37},
		"instagram-scamspot":      {0.89, 0.19},
		"x-janitr":                {0.77, 0.17},
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

// defaultModelRecipe is how the default model is trained, besides the
// output file and the date: the corpus, weighed five times a platform, and
// every platform beside the checkout; the 20,000 most informative tokens.
// The README gives the same command.
var defaultModelRecipe = []string{"train", "-q", "-weight", "comments=5", "-max-tokens", "20000"}

// defaultModelSources are the folders of ../shared/data the default model
// is trained on, besides the project's own corpus, in the README's order.
var defaultModelSources = []string{"instagram-scamspot", "judol-youtube-id", "sms-spam-collection",
	"wordpress-spam", "x-janitr", "youtube-spam-collection"}

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
