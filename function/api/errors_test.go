package api

import (
	"encoding/json"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestErrorContract: the same mistake gets the same code on every route,
// and no message names a Go type.
func TestErrorContract(t *testing.T) {
	s, _ := testServer(t, Options{Feedback: discardStore{}})
	tests := []struct {
		name, path, body, code string
		msg                    string // in the message, if set
	}{
		{"check: explain not a boolean", "/v1/check", `{"content": "hi", "explain": "yes"}`, CodeInvalidField, `field "explain" must be true or false, not string`},
		{"batch: site not a string", "/v1/check", `{"comments": [{"content": "hi"}], "site": 5}`, CodeInvalidField, `field "site" must be a string, not number`},
		{"check: author not a string", "/v1/check", `{"content": "hi", "author": 5}`, CodeInvalidField, ""},
		{"feedback: author not a string", "/v1/feedback", `{"content": "hi", "author": 5, "label": "spam"}`, CodeInvalidField, ""},
		{"feedback: label not a string", "/v1/feedback", `{"content": "hi", "label": 1}`, CodeInvalidField, ""},
		{"feedback: content not a string", "/v1/feedback", `{"content": ["hi"], "label": "ham"}`, CodeInvalidField, ""},
		{"check: array body", "/v1/check", `[1, 2]`, CodeInvalidJSON, ""},
		{"feedback: array body", "/v1/feedback", `[1, 2]`, CodeInvalidJSON, ""},
		{"check: truncated", "/v1/check", `{"content": `, CodeInvalidJSON, ""},
		{"feedback: truncated", "/v1/feedback", `{"content": `, CodeInvalidJSON, ""},
		{"batch: array of numbers", "/v1/check", `{"comments": [1]}`, CodeInvalidJSON, ""},
		{"batch and content", "/v1/check", `{"content": "dropped?", "comments": [{"content": "hi"}]}`, CodeInvalidBatch, `not both`},
		{"batch and content, other cases", "/v1/check", `{"Content": "dropped?", "COMMENTS": [{"content": "hi"}]}`, CodeInvalidBatch, `not both`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := postJSON(s, tt.path, tt.body)
			var e errorBody
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error == nil {
				t.Fatalf("answer %d %s is not an error", rec.Code, rec.Body)
			}
			if e.Error.Code != tt.code || rec.Code != Status(tt.code) || !strings.Contains(e.Error.Message, tt.msg) {
				t.Errorf("answer %d %q %q, want %d %q saying %q", rec.Code, e.Error.Code, e.Error.Message, Status(tt.code), tt.code, tt.msg)
			}
			for _, goism := range []string{"Go value", "Go struct", "json.RawMessage", "map[string]", "feedbackRequest", "CheckRequest"} {
				if strings.Contains(e.Error.Message, goism) {
					t.Errorf("message %q names Go internals (%q)", e.Error.Message, goism)
				}
			}
		})
	}
}

// TestREADMEErrorTable: the README's error table lists exactly the codes
// and statuses the native API (and the Lambda adapter) can answer.
func TestREADMEErrorTable(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	// The table starts after the sentence introducing the error shape.
	_, rest, ok := strings.Cut(string(readme), "Errors are JSON, `{\"error\": {\"code\"")
	if !ok {
		t.Fatal("README has no error table")
	}
	row := regexp.MustCompile(`^\| (\d{3}) \| ([^|]+) \|`)
	code := regexp.MustCompile("`([a-z0-9_]+)`")
	documented := map[string]int{}
	for _, line := range strings.Split(rest, "\n")[2:] {
		if !strings.HasPrefix(line, "|") {
			if len(documented) > 0 {
				break
			}
			continue
		}
		m := row.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		st, _ := strconv.Atoi(m[1])
		for _, c := range code.FindAllStringSubmatch(m[2], -1) {
			documented[c[1]] = st
		}
	}
	want := NativeCodes()
	for c, st := range want {
		if documented[c] != st {
			t.Errorf("code %q: README says %d, the code answers %d", c, documented[c], st)
		}
	}
	for c, st := range documented {
		if _, ok := want[c]; !ok {
			t.Errorf("README lists %d %q, which the code never answers", st, c)
		}
	}
}

// TestHeaderValue: whatever a message holds, the header value has no
// character that could end the header or that clients refuse.
func TestHeaderValue(t *testing.T) {
	for in, want := range map[string]string{
		"plain message":                  "plain message",
		"a\r\nSet-Cookie: evil=1":        "a  Set-Cookie: evil=1",
		"nul\x00 and del\x7f":            "nul  and del ",
		"c1 \u0085 next line":            "c1   next line",
		"separators \u2028\u2029 here":   "separators    here",
		"not utf-8 \xff\xfe":             "not utf-8 \uFFFD",
		"tab\tstays a space":             "tab stays a space",
		"accents stay: café, 😀, Ünïcode": "accents stay: café, 😀, Ünïcode",
	} {
		if got := headerValue(in); got != want {
			t.Errorf("headerValue(%q) = %q, want %q", in, got, want)
		}
	}
}
