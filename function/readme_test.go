package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
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
	// parts are the reasons and spans the answer comment shows whole,
	// each as the answer writes it.
	parts []string
}

type readmeAnswer struct{ verdict, probability string }

var (
	readmeBlock   = regexp.MustCompile("(?s)```sh\n(.*?)```")
	readmePayload = regexp.MustCompile(`(?s)localhost:3000/v1/check .*?-d '(.*?)'`)
	readmeAnswerR = regexp.MustCompile(`"verdict":"(\w+)"(?:,"spam_probability":([0-9.]+)…)?`)
	readmePart    = regexp.MustCompile(`\{"(?:token":"[^"]*|start":\d+,"end":\d+),"weight":-?[0-9.]+\}`)
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
			c.parts = append(c.parts, readmePart.FindAllString(line, -1)...)
		}
		out = append(out, c)
	}
	return out
}

// TestREADMEExamples sends the README's /v1/check examples to the
// function with the default model and checks that the answers are the ones
// the README shows: each verdict, each spam probability it prints, and
// each reason and span it shows whole.
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
		for _, part := range c.parts {
			if !strings.Contains(rec.Body.String(), part) {
				t.Errorf("%.60q: the README shows %s, the answer is %s", c.body, part, rec.Body)
			}
		}
	}
}

// jsonNumber formats x as encoding/json does.
func jsonNumber(x float64) string {
	b, _ := json.Marshal(x)
	return string(b)
}

var (
	readmeAkismet = regexp.MustCompile(`(?s)localhost:3000/1\.1/comment-check (.*?)\n# `)
	readmeParam   = regexp.MustCompile(`(?:-d|--data-urlencode) (?:'([a-z_]+)=([^']*)'|([a-z_]+)=(\S*))`)
	readmeHeader  = regexp.MustCompile(`(?m)^# (X-Spamcheck-[A-Za-z]+): (.*)$`)
)

// TestREADMEAkismetExample sends the README's comment-check example to
// the function with the default model and checks the headers it shows
// (the spam probability and the reasons) and the answer.
func TestREADMEAkismetExample(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	var block string
	for _, m := range readmeBlock.FindAllStringSubmatch(string(b), -1) {
		if strings.Contains(m[1], "localhost:3000/1.1/comment-check") {
			block = m[1]
			break
		}
	}
	cmd := readmeAkismet.FindStringSubmatch(block)
	if cmd == nil {
		t.Fatal("no comment-check example in the README")
	}
	form := url.Values{}
	for _, p := range readmeParam.FindAllStringSubmatch(cmd[1], -1) {
		form.Add(p[1]+p[3], p[2]+p[4]) // quoted or not
	}
	if form.Get("api_key") == "" || form.Get("comment_content") == "" {
		t.Fatalf("the example's parameters %v: want api_key and comment_content", form)
	}
	s, _, _ := testServer(t, map[string]string{"API_KEYS": "key1,key2"})
	req := httptest.NewRequest(http.MethodPost, "/1.1/comment-check", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if !strings.Contains(block, "\n# "+rec.Body.String()+"\n") {
		t.Errorf("answer %q, not the README's", rec.Body)
	}
	headers := readmeHeader.FindAllStringSubmatch(block, -1)
	if len(headers) < 2 {
		t.Fatalf("the example shows %d X-Spamcheck headers, want the probability and the reasons", len(headers))
	}
	for _, h := range headers {
		if got := rec.Header().Get(h[1]); got != h[2] {
			t.Errorf("%s: %s, the README shows %s", h[1], got, h[2])
		}
	}
}
