package api

import (
	"net/url"
	"strings"
	"testing"
)

// TestEmptyContent: a comment with no text is a caller's mistake on every
// route, and nothing is stored for it.
func TestEmptyContent(t *testing.T) {
	dir := t.TempDir()
	s, _ := testServer(t, Options{Keys: []string{goodKey}, Feedback: mustOpenDir(t, dir)})
	auth := []string{"X-Api-Key", goodKey}
	for _, tt := range []struct{ name, path, body string }{
		{"check empty", "/v1/check", `{"content": ""}`},
		{"check whitespace", "/v1/check", `{"content": " \n\t\u00a0"}`},
		{"batch with an empty comment", "/v1/check", `{"comments": [{"content": "fine"}, {"content": ""}]}`},
		{"feedback empty", "/v1/feedback", `{"content": "", "label": "spam"}`},
		{"feedback whitespace", "/v1/feedback", `{"content": "   ", "label": "ham"}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec := postJSON(s, tt.path, tt.body, auth...)
			if rec.Code != 400 || !containsCode(rec.Body.String(), CodeEmptyContent) {
				t.Errorf("answer %d %s, want 400 %s", rec.Code, rec.Body, CodeEmptyContent)
			}
		})
	}
	for _, path := range []string{"/1.1/submit-ham", "/1.1/submit-spam"} {
		for name, content := range map[string][]string{"without comment_content": nil, "blank comment_content": {"  "}} {
			t.Run(path+" "+name, func(t *testing.T) {
				form := akismetForm("x")
				form.Del("comment_content")
				if content != nil {
					form["comment_content"] = content
				}
				rec := postForm(s, path, form)
				if rec.Code != 400 || rec.Body.String() != "invalid" || rec.Header().Get("X-akismet-debug-help") == "" {
					t.Errorf("answer %d %q (%q), want 400 invalid with a hint", rec.Code, rec.Body, rec.Header().Get("X-akismet-debug-help"))
				}
			})
		}
	}
	// comment-check keeps Akismet's behaviour: an empty comment is
	// allowed (pingbacks have none) and scored.
	if rec := postForm(s, "/1.1/comment-check", url.Values{"api_key": {goodKey}, "blog": {"b"}, "user_ip": {"1.2.3.4"}}); rec.Code != 200 {
		t.Errorf("comment-check without content answered %d %q", rec.Code, rec.Body)
	}
	if recs := readRecords(t, dir); len(recs) != 0 {
		t.Errorf("stored %d records for empty comments: %+v", len(recs), recs)
	}
}

func containsCode(body, code string) bool {
	return strings.Contains(body, `"code":"`+code+`"`)
}

// TestContentNamedText: a comment whose text comes as "text", the
// training files' name for it, is told the API's name, on both routes
// and in a batch; one without either gets the plain message.
func TestContentNamedText(t *testing.T) {
	s, _ := testServer(t, Options{Keys: []string{goodKey}, Feedback: mustOpenDir(t, t.TempDir())})
	auth := []string{"X-Api-Key", goodKey}
	for _, tt := range []struct {
		path, body string
		hint       bool
	}{
		{"/v1/check", `{"text": "hello"}`, true},
		{"/v1/check", `{"comments": [{"text": "hello"}]}`, true},
		{"/v1/feedback", `{"text": "hello", "label": "ham"}`, true},
		{"/v1/check", `{"author": "jo"}`, false},
	} {
		rec := postJSON(s, tt.path, tt.body, auth...)
		body := rec.Body.String()
		if rec.Code != 400 || !containsCode(body, CodeMissingContent) || strings.Contains(body, `not \"text\"`) != tt.hint {
			t.Errorf("%s %s: answer %d %s, want 400 %s, with the hint about \"text\": %v", tt.path, tt.body, rec.Code, body, CodeMissingContent, tt.hint)
		}
	}
}
