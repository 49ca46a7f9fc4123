//go:build e2e

package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// siteBar is what the per-site protocol gives on one platform, as the
// README reports it: draw 0's F1 and share of ham rejected after 300 and
// after 1,000 labels.
type siteBar struct {
	platform   string
	balance    bool       // the base trained with -balance
	f1, hamRej [2]float64 // after 300, after 1,000 labels
}

// TestSiteBars runs the per-site protocol of the README ("A site's own
// labels on top of a base") on the two platforms: a base trained on
// testdata/comments and every other folder of ../shared/data, then the
// learning curve's draw 0 at 300 and 1,000 labels. It checks that the
// figures are the README's, and logs which bars they meet.
func TestSiteBars(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("trains four bases on 37,000 comments each: run without -short and without -race (CI's -tags e2e suite does)")
	}
	data := sharedPath(t, "data")
	for _, tc := range []siteBar{
		{platform: "instagram-scamspot", f1: [2]float64{0.2961, 0.7653}, hamRej: [2]float64{0, 0.0075}},
		{platform: "instagram-scamspot", balance: true, f1: [2]float64{0.3204, 0.7918}, hamRej: [2]float64{0.0009, 0.0122}},
		{platform: "x-janitr", f1: [2]float64{0.6744, 0.8297}, hamRej: [2]float64{0.0054, 0.0138}},
		{platform: "x-janitr", balance: true, f1: [2]float64{0.7605, 0.8550}, hamRej: [2]float64{0.0114, 0.0168}},
	} {
		name := tc.platform
		if tc.balance {
			name += "/balance"
		}
		t.Run(name, func(t *testing.T) {
			entries, err := os.ReadDir(data)
			if err != nil {
				t.Fatal(err)
			}
			base := filepath.Join(t.TempDir(), "base.model")
			args := []string{"train", "-q", "-trained-at", "2026-01-01T00:00:00Z", fmt.Sprintf("-balance=%v", tc.balance), "-o", base, corpus}
			for _, e := range entries {
				if e.IsDir() && e.Name() != tc.platform {
					args = append(args, filepath.Join(data, e.Name()))
				}
			}
			mustRun(t, "", args...)
			out := mustRun(t, "", "eval", "-q", "-json", "-learning-curve", "-base", base, "-labels", "300,1000", "-draws", "1",
				"-max-ham-rejected", "1", filepath.Join(data, tc.platform))
			var r curveReport
			if err := json.Unmarshal([]byte(out), &r); err != nil {
				t.Fatal(err)
			}
			for i, k := range []int{300, 1000} {
				m := r.Points[i+1].Draws[0]
				if r.Points[i+1].Labels != k {
					t.Fatalf("point %d is %d labels, want %d", i+1, r.Points[i+1].Labels, k)
				}
				f1, ham := float64(m.F1), float64(m.HamRejected)
				met := f1 >= []float64{0.80, 0.85}[i] && ham <= 0.01
				t.Logf("%s, %d labels: F1 %.4f, ham rejected %.2f%% (%d of %d); bar (F1 ≥ %.2f, ≤ 1%%) met: %v",
					tc.platform, k, f1, 100*ham, m.Confusion.FP, m.Ham, []float64{0.80, 0.85}[i], met)
				if math.Abs(f1-tc.f1[i]) > 5e-5 || math.Abs(ham-tc.hamRej[i]) > 5e-5 {
					t.Errorf("%d labels: F1 %.4f, ham rejected %.4f; the README says %.4f and %.4f", k, f1, ham, tc.f1[i], tc.hamRej[i])
				}
			}
		})
	}
}
