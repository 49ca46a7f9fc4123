package model_test

import (
	"math"
	"strings"
	"testing"

	"github.com/spamcheck/spamcheck/model"
)

// A pitch of 24 words after 78 of a reader's, so that a window decides.
const (
	windowPitch = "Single Mom Of 3 Now Makes 12000 Dollars A Month From Home With An Online Job She Found On The Internet visit here now"
	windowPad   = "The sanctions will hurt Moscow more than they admit and the markets know it. I watched the whole interview twice and the part about negotiations was interesting. "
)

// TestWindowScoredBeforeCalibration: a comment a window decides scores
// A·x + B, x being the uncalibrated score with the penalty taken off,
// which is what Fit calibrated and priced the thresholds on; as does one
// scored whole.
func TestWindowScoredBeforeCalibration(t *testing.T) {
	c := mustDefault(t)
	k := c.Info().Calibration
	raw, err := c.WithCalibration(model.Calibration{A: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{windowPitch, strings.Repeat(windowPad, 3) + windowPitch} {
		x := raw.Score(model.Comment{Text: text}).LogOdds
		if got, want := c.Score(model.Comment{Text: text}).LogOdds, k.A*x+k.B; math.Abs(got-want) > 1e-9 {
			t.Errorf("%d words: log-odds %.4f, want A·x + B = %.4f", len(strings.Fields(text)), got, want)
		}
	}
}

// TestExplainOnlyTheDecidingWindow: when a window decides, the words
// before it, which the score did not use, are not marked (a word the
// window also holds, such as "the", is, as each occurrence of a token
// is).
func TestExplainOnlyTheDecidingWindow(t *testing.T) {
	c := mustDefault(t)
	first := "Our neighbour's garden flooded after last week's storm, and the council still has not cleared the drains on Elm Road. "
	pad := first + strings.Repeat(windowPad, 2)
	text := pad + windowPitch
	padRunes := len([]rune(pad))
	spans := c.Explain(model.Comment{Text: text})
	inPitch := 0
	outside := map[string]bool{"neighbour's": true, "garden": true, "flooded": true, "storm": true, "council": true, "cleared": true, "drains": true}
	for _, s := range spans {
		if w := strings.ToLower(string([]rune(text)[s.Start:s.End])); s.End <= len([]rune(first)) && outside[w] {
			t.Errorf("span %+v marks %q, before the deciding window", s, w)
		}
		if s.Start >= padRunes {
			inPitch++
		}
	}
	if inPitch == 0 {
		t.Errorf("no word of the pitch marked: %+v", spans)
	}
}
