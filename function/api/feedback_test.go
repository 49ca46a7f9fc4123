package api

import (
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spamcheck/spamcheck/function/feedback"
)

// readRecords returns every feedback record stored under dir.
func readRecords(t *testing.T, dir string) []feedback.Record {
	t.Helper()
	var recs []feedback.Record
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if !strings.HasSuffix(p, ".jsonl") {
			t.Errorf("unexpected file %s in the feedback directory", p)
			return nil
		}
		b, _ := os.ReadFile(p)
		for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			var r feedback.Record
			if err := json.Unmarshal([]byte(line), &r); err != nil {
				t.Errorf("%s: %v", p, err)
			}
			recs = append(recs, r)
		}
		return nil
	})
	return recs
}

func TestNativeKeyAndFeedback(t *testing.T) {
	dir := t.TempDir()
	s, _ := testServer(t, Options{Keys: []string{goodKey}, Feedback: mustOpenDir(t, dir)})
	send := func(path, body string, header ...string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		return rec
	}
	check := `{"content": "hello"}`
	for _, tt := range []struct {
		name   string
		header []string
		want   int
	}{
		{"no key", nil, 401},
		{"wrong key", []string{"X-Api-Key", "nope"}, 401},
		{"X-Api-Key", []string{"X-Api-Key", goodKey}, 200},
		{"bearer", []string{"Authorization", "Bearer " + goodKey}, 200},
		{"bearer in lower case", []string{"Authorization", "bearer " + goodKey}, 200},
		{"another scheme", []string{"Authorization", "Basic " + goodKey}, 401},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if rec := send("/v1/check", check, tt.header...); rec.Code != tt.want {
				t.Errorf("status %d, want %d: %s", rec.Code, tt.want, rec.Body)
			}
		})
	}
	auth := []string{"X-Api-Key", goodKey}
	for _, tt := range []struct {
		name, body string
		want       int
		code       string
	}{
		{"spam", `{"content": "cheap pills", "label": "spam", "author_email": "x@pills.example"}`, 202, ""},
		{"ham", `{"content": "thanks for this", "label": "ham"}`, 202, ""},
		{"no label", `{"content": "x"}`, 400, "missing_label"},
		{"bad label", `{"content": "x", "label": "maybe"}`, 400, "invalid_label"},
		{"no content", `{"label": "spam"}`, 400, "missing_content"},
		{"a data file's alias", `{"content": "x", "label": "no"}`, 400, "invalid_label"},
		{"a data file's number", `{"content": "x", "label": "1"}`, 400, "invalid_label"},
	} {
		t.Run("feedback "+tt.name, func(t *testing.T) {
			rec := send("/v1/feedback", tt.body, auth...)
			if rec.Code != tt.want || (tt.code != "" && !strings.Contains(rec.Body.String(), tt.code)) {
				t.Errorf("answer %d %s, want %d %s", rec.Code, rec.Body, tt.want, tt.code)
			}
		})
	}
	if recs := readRecords(t, dir); len(recs) != 2 {
		t.Errorf("stored %d records, want 2", len(recs))
	}
	// Without a store the route says so.
	bare, _ := testServer(t, Options{})
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("POST", "/v1/feedback", strings.NewReader(`{"content": "x", "label": "ham"}`))
	req.Header.Set("Content-Type", "application/json")
	bare.ServeHTTP(rec, req)
	if rec.Code != 503 || !strings.Contains(rec.Body.String(), "FEEDBACK_BUCKET") {
		t.Errorf("feedback without a store answered %d %s, want 503 naming FEEDBACK_BUCKET", rec.Code, rec.Body)
	}
}

// TestFeedbackSiteNamed: a feedback answer names the site its record is
// stored for, and a record stored without one although the request gave
// one (an internationalized name not in its xn-- form), which train
// -site will never select, is logged, on both APIs.
func TestFeedbackSiteNamed(t *testing.T) {
	dir := t.TempDir()
	s, logs := testServer(t, Options{Keys: []string{goodKey}, Feedback: mustOpenDir(t, dir)})
	for _, c := range []struct{ path, body, site string }{
		{"/v1/feedback", `{"content": "thanks", "label": "ham", "site": "https://www.Example.org/blog"}`, "example.org"},
		{"/v1/feedback?site=xn--bcher-kva.example", `{"content": "danke", "label": "ham"}`, "xn--bcher-kva.example"},
		{"/v1/feedback", `{"content": "danke schön", "label": "ham", "site": "bücher.example"}`, ""},
	} {
		req := httptest.NewRequest("POST", c.path, strings.NewReader(c.body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Api-Key", goodKey)
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		var answer struct {
			Stored bool
			Site   string
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &answer); err != nil || rec.Code != 202 || !answer.Stored || answer.Site != c.site {
			t.Errorf("%s %s: %d %s, want stored for site %q", c.path, c.body, rec.Code, rec.Body, c.site)
		}
	}
	if n := strings.Count(logs.String(), "feedback stored without a site"); n != 1 {
		t.Errorf("%d warnings of a site that names no host, want 1:\n%s", n, logs)
	}
	form := akismetForm("danke für den Artikel")
	form.Set("blog", "https://bücher.example/")
	if rec := postForm(s, "/1.1/submit-ham", form); rec.Body.String() != AkismetThanks {
		t.Fatalf("submit-ham answered %q", rec.Body)
	}
	if n := strings.Count(logs.String(), "feedback stored without a site"); n != 2 {
		t.Errorf("Akismet's blog naming no host: %d warnings in all, want 2:\n%s", n, logs)
	}
}
