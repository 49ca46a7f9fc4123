package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
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
		out := mustRun(t, "", "eval", "-q", "-json", "-m", "default", "-reject", strconv.FormatFloat(float64(c.Reject), 'f', -1, 64), fresh)
		var again struct {
			Overall    metrics   `json:"overall"`
			Thresholds []float64 `json:"reject_thresholds"`
		}
		if err := json.Unmarshal([]byte(out), &again); err != nil {
			t.Fatal(err)
		}
		if again.Thresholds[0] != float64(c.Reject) {
			t.Errorf("-reject %v: thresholds %v", c.Reject, again.Thresholds)
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
	table := strings.Split(text[strings.Index(text, "new ham rejected at most"):], "\n")[:len(chooseRates)+1]
	for _, l := range table {
		if l = strings.Join(strings.Fields(l), " "); !shown[l] {
			t.Errorf("the README's table of thresholds for testdata/fresh lacks %q", l)
		}
	}
	if !strings.Contains(text, "set one as REJECT_THRESHOLD") {
		t.Errorf("the default model's proposals do not say where they go:\n%s", text)
	}
	for _, bad := range [][]string{
		{"eval", "-reject", "0.9", corpus},
		{"eval", "-m", "default", "-reject", "1", corpus},
		{"eval", "-m", "default", "-review", "0.999", corpus},
		{"eval", "-m", "default", "-review", "-1", corpus}, // the function has no such setting
	} {
		if _, _, err := runCLI(t, "", bad...); err == nil {
			t.Errorf("training %s: no error", strings.Join(bad, " "))
		}
	}
}

// TestProposalsCountATextOnce: a ham text labeled ten times is one ham
// to the promise, a site model's proposals say that REJECT_THRESHOLD is
// not where its threshold goes, and labels without spam get proposals
// too, their spam rejected undefined.
func TestProposalsCountATextOnce(t *testing.T) {
	dir := t.TempDir()
	var ham strings.Builder
	for i := range 20 {
		for range 10 {
			fmt.Fprintf(&ham, "{\"text\": \"thanks for the recipe, number %d worked for me\", \"label\": \"ham\"}\n", i)
		}
	}
	hamFile := writeFile(t, dir, "ham.jsonl", ham.String())
	spam := "../testdata/fresh/spam-service-offers.jsonl"
	out := mustRun(t, "", "eval", "-q", "-m", "default", hamFile, spam)
	for _, want := range []string{"needs 199 ham, has 20 distinct", "(180 of the 200 ham are texts labeled again, counted once)"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in:\n%s", want, out)
		}
	}
	site := filepath.Join(dir, "example.org.model")
	mustRun(t, "", "train", "-q", "-base", "default", "-o", site, "../testdata/fresh")
	out = mustRun(t, "", "eval", "-q", "-m", site, "../testdata/fresh")
	if !strings.Contains(out, "as a site's model in MODELS_DIR it keeps the thresholds") || strings.Contains(out, "set one as REJECT_THRESHOLD") {
		t.Errorf("a site model's proposals send the operator to REJECT_THRESHOLD, which does not reach it:\n%s", out)
	}
	var r struct {
		Choices []thresholdChoice `json:"reject_thresholds_for_these_labels"`
	}
	if err := json.Unmarshal([]byte(mustRun(t, "", "eval", "-q", "-json", "-m", "default", "../testdata/fresh/ham-community-forums.jsonl", "../testdata/fresh/ham-social-replies.jsonl")), &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Choices) != len(chooseRates) || !r.Choices[2].Reject.defined() || r.Choices[2].SpamRejected.defined() {
		t.Errorf("ham only: proposals %+v, want one at 1%% with no spam rejected figure", r.Choices)
	}
}
