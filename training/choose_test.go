package main

import (
	"encoding/json"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestEvalModelProposesThresholds: eval -m proposes a reject threshold
// for each rate of new ham rejected, and judged again at one with
// -reject, the model rejects on the labels what the proposal said.
func TestEvalModelProposesThresholds(t *testing.T) {
	const fresh = "../testdata/fresh"
	var r struct {
		Overall metrics           `json:"overall"`
		Choices []thresholdChoice `json:"reject_thresholds_for_these_labels"`
	}
	if err := json.Unmarshal([]byte(mustRun(t, "", "eval", "-q", "-json", "-m", "default", fresh)), &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Choices) != len(chooseRates) {
		t.Fatalf("%d proposals, want one per rate: %+v", len(r.Choices), r.Choices)
	}
	tried := 0
	for _, c := range r.Choices {
		if r.Overall.Ham < c.MinHam {
			if c.Reject.defined() {
				t.Errorf("%v: a threshold from %d ham, fewer than the %d the rate needs", c.MaxHamRejected, r.Overall.Ham, c.MinHam)
			}
			continue
		}
		if !c.Reject.defined() || !(c.Reject > 0 && c.Reject < 1) {
			t.Fatalf("%v: reject %v, want a probability", c.MaxHamRejected, c.Reject)
		}
		// Conformal: at most ⌊rate·(n+1)⌋ − 1 of the n ham are rejected,
		// under the rate itself.
		if float64(c.HamRejected) >= c.MaxHamRejected {
			t.Errorf("%v: %v of these ham rejected, want under the rate", c.MaxHamRejected, c.HamRejected)
		}
		out := mustRun(t, "", "eval", "-q", "-json", "-m", "default", "-reject", strconv.FormatFloat(float64(c.Reject), 'f', -1, 64), "-review", "-1", fresh)
		var again struct {
			Overall    metrics   `json:"overall"`
			Thresholds []float64 `json:"reject_thresholds"`
		}
		if err := json.Unmarshal([]byte(out), &again); err != nil {
			t.Fatal(err)
		}
		if again.Thresholds[0] != float64(c.Reject) || again.Overall.SpamReview+again.Overall.HamReview != 0 {
			t.Errorf("-reject %v -review -1: thresholds %v, %d sent to review", c.Reject, again.Thresholds, again.Overall.SpamReview+again.Overall.HamReview)
		}
		if math.Abs(float64(again.Overall.Recall-c.SpamRejected)) > 1e-12 || math.Abs(float64(again.Overall.HamRejected-c.HamRejected)) > 1e-12 {
			t.Errorf("-reject %v: recall %v and ham rejected %v, where the proposal said %v and %v",
				c.Reject, again.Overall.Recall, again.Overall.HamRejected, c.SpamRejected, c.HamRejected)
		}
		tried++
	}
	if tried < 3 {
		t.Errorf("only %d of the rates had a threshold with %d ham", tried, r.Overall.Ham)
	}
	text := mustRun(t, "", "eval", "-q", "-m", "default", fresh)
	if !strings.Contains(text, "reject thresholds for these labels") || !strings.Contains(text, "needs 999 ham, has 340") {
		t.Errorf("the text report lacks the proposals or says nothing of the rate it cannot promise:\n%s", text)
	}
	// The README shows the table: each of its rows as eval prints it.
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	shown := map[string]bool{}
	for _, l := range strings.Split(string(readme), "\n") {
		shown[strings.Join(strings.Fields(strings.TrimPrefix(l, "#")), " ")] = true
	}
	rows := 0
	for _, l := range strings.Split(text[strings.Index(text, "new ham rejected at most"):], "\n") {
		if l = strings.Join(strings.Fields(l), " "); l == "" {
			continue
		}
		rows++
		if !shown[l] {
			t.Errorf("the README's table of thresholds for testdata/fresh lacks %q", l)
		}
	}
	if rows != len(chooseRates)+1 {
		t.Errorf("%d lines of proposals, want a head and %d rows:\n%s", rows, len(chooseRates), text)
	}
	for _, bad := range [][]string{
		{"eval", "-reject", "0.9", corpus},
		{"eval", "-m", "default", "-reject", "1", corpus},
		{"eval", "-m", "default", "-review", "0.999", corpus},
	} {
		if _, _, err := runCLI(t, "", bad...); err == nil {
			t.Errorf("training %s: no error", strings.Join(bad, " "))
		}
	}
}
