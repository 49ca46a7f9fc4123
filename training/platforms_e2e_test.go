//go:build e2e

package main

import (
	"testing"
)

// TestLeaveOnePlatformOut: for each English platform beside the checkout,
// train with the default model's recipe on the corpus and every other
// platform, test on the one held out, at the test model's own threshold.
// Doing no harm comes first: at most 1% of the held-out platform's ham may
// be rejected. The ranking figures are floors at what this version
// measures (README, Quality), so that a change that loses ground on a
// platform it never saw fails; the targets above them are not yet
// met and the README says so.
func TestLeaveOnePlatformOut(t *testing.T) {
	floors := map[string]struct{ auc, recallAt1 figure }{
		"youtube-spam-collection": {0.84, 0.33},
		"instagram-scamspot":      {0.89, 0.20},
		"x-janitr":                {0.78, 0.18},
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
