package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestTrainUnlabeled: train -unlabeled reads comments as classify does,
// skips and counts the lines without text, says what each round of
// self-training took, and is refused on top of a base.
func TestTrainUnlabeled(t *testing.T) {
	if testing.Short() {
		t.Skip("trains on the corpus three times")
	}
	dir := t.TempDir()
	unl := filepath.Join(dir, "site.jsonl")
	lines := []string{
		`{"text": "Make $900 a day from home with my simple method!!! Visit my page www.cash-daily-home.biz and start today"}`,
		`Earn $500 every week working from home, no experience needed, click the link in my profile now`,
		``,
		`{"author": "nobody"}`,
		`{"text": "Does anyone know when the second part of this series comes out?", "label": "ham"}`,
		`thanks, this fixed my build error on windows`,
	}
	if err := os.WriteFile(unl, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	m := filepath.Join(dir, "m.model")
	out := mustRun(t, "", "train", "-q", "-o", m, "-trained-at", "2026-01-02T03:04:05Z", "-unlabeled", unl, corpus)
	for _, want := range []string{
		`self-training on 4 unlabeled comments (source "#unlabeled"`,
		"1 unreadable lines of -unlabeled skipped",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("train -unlabeled: no %q in\n%s", want, out)
		}
	}
	if !regexp.MustCompile(`round 1: the [12] the model before it rejects, counted as spam`).MatchString(out) {
		t.Errorf("train -unlabeled: round 1 does not take the spam:\n%s", out)
	}
	base := filepath.Join(dir, "base.model")
	mustRun(t, "", "train", "-q", "-o", base, "-trained-at", "2026-01-02T03:04:05Z", corpus)
	if _, _, err := runCLI(t, "", "train", "-q", "-o", filepath.Join(dir, "site.model"), "-base", base, "-unlabeled", unl, corpus); err == nil || !strings.Contains(err.Error(), "does not combine with -base") {
		t.Errorf("train -base -unlabeled: %v; want a refusal", err)
	}
}
