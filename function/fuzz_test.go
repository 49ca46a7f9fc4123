package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spamcheck/spamcheck/function/api"
	"github.com/spamcheck/spamcheck/function/lambdaevent"
	"github.com/spamcheck/spamcheck/model"
)

// FuzzHandlers feeds arbitrary bytes to every way a request reaches the
// function: as a Lambda invoke payload (an event or a direct invoke), as
// the body of POST /v1/check and POST /v1/feedback, and as the form of each
// Akismet route. Nothing may panic (a recovered panic is logged, and fails
// the target), every answer must be well formed, and only our own faults
// may give a 500.
func FuzzHandlers(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(eventsDir, "*-*.json"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		`{"content": "Visit my page for 5000 dollars"}`, `{"comments": [{"content": "a"}, {"content": 1}]}`,
		`{"content": "x", "label": "spam"}`, "api_key=k&blog=b&user_ip=1.2.3.4&comment_content=hi",
		"comment_author=viagra-test-123&honeypot_field_name=hp&hp=x", `{"version":"2.0","rawPath":"/v1/check","requestContext":{}}`,
		`{"httpMethod":"POST","path":"/1.1/comment-check","requestContext":{},"body":"a=b"}`, "\xff\xfe", "", "null", "[]",
	} {
		f.Add([]byte(s))
	}
	clf, err := model.Default()
	if err != nil {
		f.Fatal(err)
	}
	logs := &syncBuffer{}
	// Records are encoded as usual, then dropped: a directory store would
	// fill the disk with one file per execution.
	s := api.New(clf, api.Options{Keys: []string{"k"}, Feedback: discardStore{}, Log: slog.New(slog.NewJSONHandler(logs, nil))})
	h := lambdaevent.Handler{HTTP: s, Direct: s.Direct}
	f.Fuzz(func(t *testing.T, data []byte) {
		// Each execution checks only its own log: copying the whole
		// accumulated log every time made the target quadratic.
		logs.Reset()
		out, err := h.Invoke(context.Background(), data)
		if err != nil {
			t.Fatalf("invoke returned a function error: %v", err)
		}
		if _, err := json.Marshal(out); err != nil {
			t.Fatalf("invoke answer cannot be encoded: %v", err)
		}
		for _, route := range []struct{ path, ctype string }{
			{"/v1/check", "application/json"},
			{"/v1/feedback", "application/json"},
			{"/1.1/verify-key", "application/x-www-form-urlencoded"},
			{"/1.1/comment-check", "application/x-www-form-urlencoded"},
			{"/1.1/submit-spam", "application/x-www-form-urlencoded"},
		} {
			req := httptest.NewRequest("POST", route.path, strings.NewReader(string(data)))
			req.Header.Set("Content-Type", route.ctype)
			req.Header.Set("X-Api-Key", "k")
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			if rec.Code >= 500 {
				t.Fatalf("%s answered %d %q", route.path, rec.Code, rec.Body)
			}
			if strings.HasPrefix(route.path, "/v1/") && !json.Valid(rec.Body.Bytes()) {
				t.Fatalf("%s answered non-JSON %q", route.path, rec.Body)
			}
		}
		if strings.Contains(logs.String(), "panic") {
			t.Fatalf("a handler panicked:\n%s", logs)
		}
	})
}

// TestFuzzSeedsAnswer checks the answer to one of the fuzz seeds' shapes,
// which the fuzz target only checks for panics: a form body that is not
// UTF-8 gets Akismet's "invalid".
func TestFuzzSeedsAnswer(t *testing.T) {
	s, _, _ := testServer(t, map[string]string{"API_KEYS": "k"})
	req := httptest.NewRequest("POST", "/1.1/comment-check", strings.NewReader("\xff\xfe"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || rec.Body.String() != "invalid" {
		t.Errorf("garbage form answered %d %q, want Akismet's invalid", rec.Code, rec.Body)
	}
}

// discardStore accepts records and keeps none.
type discardStore struct{}

func (discardStore) Put(context.Context, string, []byte) error { return nil }
func (discardStore) String() string                            { return "discard" }
