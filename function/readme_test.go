package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// readmeCheck is one /v1/check example of the README: the request body and
// the verdicts (with the spam probabilities' leading digits, where shown)
// its answer comment gives.
type readmeCheck struct {
	body    string
	answers []readmeAnswer
}

type readmeAnswer struct{ verdict, probability string }

var (
	readmeBlock   = regexp.MustCompile("(?s)```sh\n(.*?)```")
	readmePayload = regexp.MustCompile(`(?s)localhost:3000/v1/check .*?-d '(.*?)'`)
	readmeAnswerR = regexp.MustCompile(`"verdict":"(\w+)"(?:,"spam_probability":([0-9.]+)…)?`)
)

// readmeChecks returns the README's /v1/check examples.
func readmeChecks(t *testing.T) []readmeCheck {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	var out []readmeCheck
	for _, block := range readmeBlock.FindAllStringSubmatch(string(b), -1) {
		p := readmePayload.FindStringSubmatch(block[1])
		if p == nil {
			continue
		}
		c := readmeCheck{body: p[1]}
		for _, line := range strings.Split(block[1], "\n") {
			if !strings.HasPrefix(line, "# ") {
				continue
			}
			for _, m := range readmeAnswerR.FindAllStringSubmatch(line, -1) {
				c.answers = append(c.answers, readmeAnswer{m[1], m[2]})
			}
		}
		out = append(out, c)
	}
	return out
}

// TestREADMEExamples sends the README's /v1/check examples to the
// function with the default model and checks that the answers are the ones
// the README shows: each verdict, and each spam probability it prints.
func TestREADMEExamples(t *testing.T) {
	s, _, _ := testServer(t, nil)
	checks := readmeChecks(t)
	if len(checks) < 3 {
		t.Fatalf("found %d /v1/check examples in the README, want at least 3", len(checks))
	}
	for _, c := range checks {
		req := httptest.NewRequest(http.MethodPost, "/v1/check", strings.NewReader(c.body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		var got struct {
			Verdict         string  `json:"verdict"`
			SpamProbability float64 `json:"spam_probability"`
			Results         []struct {
				Verdict         string  `json:"verdict"`
				SpamProbability float64 `json:"spam_probability"`
			} `json:"results"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || rec.Code != http.StatusOK {
			t.Fatalf("%.60q: status %d, %s", c.body, rec.Code, rec.Body)
		}
		var answers []readmeAnswer
		if got.Results == nil {
			answers = append(answers, readmeAnswer{got.Verdict, jsonNumber(got.SpamProbability)})
		}
		for _, r := range got.Results {
			answers = append(answers, readmeAnswer{r.Verdict, jsonNumber(r.SpamProbability)})
		}
		if len(answers) != len(c.answers) {
			t.Errorf("%.60q: %d answers, the README shows %d", c.body, len(answers), len(c.answers))
			continue
		}
		for i, want := range c.answers {
			if answers[i].verdict != want.verdict || !strings.HasPrefix(answers[i].probability, want.probability) {
				t.Errorf("%.60q: answer %d is %s with P(spam) %s, the README shows %s with %s…", c.body, i, answers[i].verdict, answers[i].probability, want.verdict, want.probability)
			}
		}
	}
}

// jsonNumber formats x as encoding/json does.
func jsonNumber(x float64) string {
	b, _ := json.Marshal(x)
	return string(b)
}
