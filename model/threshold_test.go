package model_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/spamcheck/spamcheck/model"
)

// TestPickThresholdForNewHam: the threshold picked on n ham is exceeded
// by a new ham, drawn like them, at most maxHam of the time on average,
// where PickThreshold's, which rejects maxHam of the n, is exceeded more
// often. Each trial draws n+1 scores from one distribution, picks the
// threshold on the first n (with as many spam above them) and checks
// the last.
func TestPickThresholdForNewHam(t *testing.T) {
	for _, c := range []struct {
		n      int
		maxHam float64
	}{{250, 0.01}, {250, 0.005}, {850, 0.005}, {120, 0.01}} {
		rng := rand.New(rand.NewPCG(uint64(c.n), 7))
		// 10,000 trials: a standard error of about 0.1 points at 1%; the
		// race detector makes each trial ten times dearer, so it checks
		// the property on 2,000 (0.22 points).
		trials, tolerance := 10000, 0.002
		if raceEnabled {
			trials, tolerance = 2000, 0.005
		}
		var aboveNew, aboveOld int
		scores := make([]float64, 2*c.n)
		spam := make([]bool, 2*c.n)
		for i := c.n; i < 2*c.n; i++ {
			spam[i] = true
		}
		for range trials {
			for i := range c.n {
				scores[i] = rng.NormFloat64()
				scores[c.n+i] = 3 + rng.NormFloat64()
			}
			next := rng.NormFloat64()
			if next > model.PickThresholdForNewHam(scores, spam, c.maxHam) {
				aboveNew++
			}
			if next > model.PickThreshold(scores, spam, c.maxHam) {
				aboveOld++
			}
		}
		rateNew, rateOld := float64(aboveNew)/float64(trials), float64(aboveOld)/float64(trials)
		t.Logf("n=%d, target %.1f%%: new ham above the threshold %.2f%% (rejecting the share of the n: %.2f%%)", c.n, c.maxHam*100, rateNew*100, rateOld*100)
		if rateNew > c.maxHam+tolerance {
			t.Errorf("n=%d, target %.1f%%: a new ham lands above PickThresholdForNewHam's threshold %.2f%% of the time", c.n, c.maxHam*100, rateNew*100)
		}
		// Nor more careful than it needs to be: k = ⌊maxHam·(n+1)⌋ − 1
		// ham above it, so a new ham lands there (k+1)/(n+1) of the time.
		k := int(math.Floor(c.maxHam*float64(c.n+1)+1e-9)) - 1
		if want := float64(k+1) / float64(c.n+1); math.Abs(rateNew-want) > tolerance {
			t.Errorf("n=%d, target %.1f%%: a new ham lands above the threshold %.2f%% of the time, want (%d+1)/(%d+1) = %.2f%%", c.n, c.maxHam*100, rateNew*100, k, c.n, want*100)
		}
		if rateOld <= rateNew {
			t.Errorf("n=%d, target %.1f%%: PickThreshold's threshold %.2f%%, not above PickThresholdForNewHam's %.2f%%", c.n, c.maxHam*100, rateOld*100, rateNew*100)
		}
	}
	// Fewer ham than the target can promise: the threshold keeps them all.
	scores := []float64{-3, -2, -1, 0, 2, 3}
	spam := []bool{false, false, false, false, true, true}
	if got := model.PickThresholdForNewHam(scores, spam, 0.1); got != 1 {
		t.Errorf("4 ham, target 10%%: threshold %v, want 1 (between the top ham, 0, and the next score, 2)", got)
	}
	// Where the two rules part: 10 ham at 15%. Rejecting 15% of them is
	// one (PickThreshold: between -1 and 0); for the ham to come,
	// ⌊0.15·11⌋ − 1 = 0 (between 0 and the spam at 2).
	scores = []float64{-9, -8, -7, -6, -5, -4, -3, -2, -1, 0, 2, 3}
	spam = make([]bool, len(scores))
	spam[10], spam[11] = true, true
	if got, old := model.PickThresholdForNewHam(scores, spam, 0.15), model.PickThreshold(scores, spam, 0.15); got != 1 || old != -0.5 {
		t.Errorf("10 ham, target 15%%: thresholds %v for the ham to come and %v for the share, want 1 and -0.5", got, old)
	}
}

// TestThresholdsOverride: an operator's thresholds replace the stored
// ones as the function's REJECT_THRESHOLD and REVIEW_THRESHOLD promise.
func TestThresholdsOverride(t *testing.T) {
	stored := model.Thresholds{Reject: 0.98, Review: 0.9}
	for _, c := range []struct {
		reject, review float64
		want           model.Thresholds
		valid          bool
	}{
		{0, 0, stored, true},
		{0.99, 0, model.Thresholds{Reject: 0.99, Review: 0.9}, true},
		{0.95, 0, model.Thresholds{Reject: 0.95, Review: 0.9}, true},
		// The band would lie above the new reject threshold: none is left.
		{0.9, 0, model.Thresholds{Reject: 0.9}, true},
		{0.8, 0, model.Thresholds{Reject: 0.8}, true},
		{0.8, 0.5, model.Thresholds{Reject: 0.8, Review: 0.5}, true},
		{0, 0.5, model.Thresholds{Reject: 0.98, Review: 0.5}, true},
		// A review threshold above the reject one is kept for Validate
		// to refuse, not silently dropped.
		{0, 0.99, model.Thresholds{Reject: 0.98, Review: 0.99}, false},
	} {
		got := stored.Override(c.reject, c.review)
		if got != c.want {
			t.Errorf("Override(%v, %v) = %+v, want %+v", c.reject, c.review, got, c.want)
		}
		if err := got.Validate(); (err == nil) != c.valid {
			t.Errorf("Override(%v, %v).Validate() = %v, want valid %v", c.reject, c.review, err, c.valid)
		}
	}
	if got := (model.Thresholds{Reject: 0.98}).Override(0.99, 0); got != (model.Thresholds{Reject: 0.99}) {
		t.Errorf("no band stays no band: %+v", got)
	}
}
