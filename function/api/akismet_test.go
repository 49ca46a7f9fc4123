package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/spamcheck/spamcheck/function/feedback"
)

const (
	goodKey = "k-123456"
	// seedStyleSpam is written for these tests in the style of the seed
	// page's spam comment.
	seedStyleSpam = "A Retired Teacher With 3 Grandkids Lost Her Pension In The Crisis, But Now Makes 11000 Dollars " +
		"Every Week From Home With An Online Job She Found On The Internet. It's simple, just follow the steps " +
		"on the home page, read them carefully Check The Details...... Visit here"
	onTopicHam = "Putin asked for the call, which says something. Sanctions plus NATO unity is the only leverage that has worked so far."
)

// akismetForm is a complete, valid comment-check request.
func akismetForm(content string) url.Values {
	return url.Values{
		"api_key": {goodKey}, "blog": {"https://news.example.org"}, "user_ip": {"203.0.113.7"},
		"user_agent": {"Mozilla/5.0"}, "referrer": {"https://news.example.org/"}, "permalink": {"https://news.example.org/story"},
		"comment_type": {"comment"}, "comment_author": {"Pat"}, "comment_author_email": {"pat@example.org"},
		"comment_content": {content}, "blog_lang": {"en"}, "blog_charset": {"UTF-8"}, "unknown_field": {"ignored"},
	}
}

// postForm sends a form to the server and returns the response.
func postForm(s http.Handler, path string, form url.Values, mutate ...func(*http.Request)) *httptest.ResponseRecorder {
	req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, m := range mutate {
		m(req)
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	return rec
}

func TestAkismetVerifyKey(t *testing.T) {
	s, _ := testServer(t, Options{Keys: []string{"other", goodKey}})
	tests := []struct {
		name   string
		form   url.Values
		host   string
		want   string
		helped bool // X-akismet-debug-help set
	}{
		{"api_key", url.Values{"api_key": {goodKey}, "blog": {"b"}}, "", "valid", false},
		{"older key field", url.Values{"key": {goodKey}, "blog": {"b"}}, "", "valid", false},
		{"key in host name", url.Values{"blog": {"b"}}, goodKey + ".localhost:3000", "valid", false},
		{"wrong key", url.Values{"api_key": {"nope"}, "blog": {"b"}}, "", "invalid", true},
		{"wrong key in host name", url.Values{"blog": {"b"}}, "nope.rest.akismet.com", "invalid", true},
		{"no key", url.Values{"blog": {"b"}}, "localhost:3000", "invalid", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := postForm(s, "/1.1/verify-key", tt.form, func(r *http.Request) {
				if tt.host != "" {
					r.Host = tt.host
				}
			})
			if got := rec.Body.String(); rec.Code != 200 || got != tt.want {
				t.Errorf("answer %d %q, want 200 %q", rec.Code, got, tt.want)
			}
			if got := rec.Header().Get("X-akismet-debug-help") != ""; got != tt.helped {
				t.Errorf("X-akismet-debug-help present = %v, want %v", got, tt.helped)
			}
		})
	}
	t.Run("no keys configured", func(t *testing.T) {
		open, _ := testServer(t, Options{})
		rec := postForm(open, "/1.1/verify-key", url.Values{"api_key": {goodKey}, "blog": {"b"}})
		if rec.Body.String() != "invalid" || !strings.Contains(rec.Header().Get("X-akismet-debug-help"), "API_KEYS") {
			t.Errorf("answer %q (%q), want invalid naming API_KEYS", rec.Body, rec.Header().Get("X-akismet-debug-help"))
		}
	})
}

func TestAkismetCommentCheck(t *testing.T) {
	s, logs := testServer(t, Options{Keys: []string{goodKey}, Discard: 0.99})
	with := func(content string, kv ...string) url.Values {
		f := akismetForm(content)
		for i := 0; i+1 < len(kv); i += 2 {
			f.Set(kv[i], kv[i+1])
		}
		return f
	}
	tests := []struct {
		name    string
		form    url.Values
		want    string
		discard bool
	}{
		{"seed-style spam", with(seedStyleSpam), "true", true},
		{"on-topic comment", with(onTopicHam), "false", false},
		{"test trigger author", with(onTopicHam, "comment_author", "viagra-test-123"), "true", false},
		{"test trigger e-mail", with(onTopicHam, "comment_author_email", "akismet-guaranteed-spam@example.com"), "true", false},
		{"administrator is never spam", with(seedStyleSpam, "user_role", "administrator"), "false", false},
		{"honeypot filled", with(onTopicHam, "honeypot_field_name", "hp_url", "hp_url", "http://bot.example"), "true", true},
		{"honeypot empty", with(onTopicHam, "honeypot_field_name", "hp_url", "hp_url", ""), "false", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := postForm(s, "/1.1/comment-check", tt.form)
			if got := rec.Body.String(); rec.Code != 200 || got != tt.want {
				t.Fatalf("answer %d %q, want 200 %q (probability %s)", rec.Code, got, tt.want, rec.Header().Get("X-Spamcheck-Probability"))
			}
			if got := rec.Header().Get("X-akismet-pro-tip") == "discard"; got != tt.discard {
				t.Errorf("discard pro-tip = %v, want %v (probability %s)", got, tt.discard, rec.Header().Get("X-Spamcheck-Probability"))
			}
			if len(rec.Header().Get("X-akismet-guid")) != 32 || rec.Header().Get("X-Spamcheck-Reasons") == "" {
				t.Errorf("headers %v lack X-akismet-guid or X-Spamcheck-Reasons", rec.Header())
			}
		})
	}
	if strings.Contains(logs.String(), "Grandkids") || strings.Contains(logs.String(), "pat@example.org") {
		t.Errorf("logs contain comment data:\n%s", logs)
	}
}

// TestAkismetErrors: Akismet's error behaviour, never a crash: "invalid"
// with a debug hint.
func TestAkismetErrors(t *testing.T) {
	s, _ := testServer(t, Options{Keys: []string{goodKey}, MaxBody: 4096})
	without := func(field string) url.Values { f := akismetForm(onTopicHam); f.Del(field); return f }
	wrongKey := akismetForm(onTopicHam)
	wrongKey.Set("api_key", "nope")
	tests := []struct {
		name   string
		path   string
		form   url.Values
		ctype  string
		status int
		help   string
	}{
		{"no key", "/1.1/comment-check", without("api_key"), "", 200, "api_key"},
		{"wrong key", "/1.1/comment-check", wrongKey, "", 200, "not valid"},
		{"no blog", "/1.1/comment-check", without("blog"), "", 200, "blog"},
		{"no user_ip", "/1.1/comment-check", without("user_ip"), "", 200, "user_ip"},
		{"submit without blog", "/1.1/submit-spam", without("blog"), "", 200, "blog"},
		{"JSON instead of a form", "/1.1/comment-check", akismetForm(onTopicHam), "application/json", 415, "form-encoded"},
		{"oversized body", "/1.1/comment-check", akismetForm(strings.Repeat("spam ", 2000)), "", 413, "limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := postForm(s, tt.path, tt.form, func(r *http.Request) {
				if tt.ctype != "" {
					r.Header.Set("Content-Type", tt.ctype)
				}
			})
			if rec.Code != tt.status || rec.Body.String() != "invalid" || !strings.Contains(rec.Header().Get("X-akismet-debug-help"), tt.help) {
				t.Errorf("answer %d %q, help %q; want %d invalid with help mentioning %q", rec.Code, rec.Body, rec.Header().Get("X-akismet-debug-help"), tt.status, tt.help)
			}
		})
	}
	rec := postForm(s, "/1.1/comment-check", akismetForm(onTopicHam))
	if rec.Body.String() != "false" {
		t.Errorf("after the bad requests a good one answered %q", rec.Body)
	}
}

func TestAkismetSubmitStoresFeedback(t *testing.T) {
	dir := t.TempDir()
	s, _ := testServer(t, Options{Keys: []string{goodKey}, Feedback: mustOpenDir(t, dir)})
	spam := akismetForm(seedStyleSpam)
	spam.Set("comment_author_url", "http://homeprofit-daily.biz")
	for _, c := range []struct {
		path string
		form url.Values
	}{{"/1.1/submit-spam", spam}, {"/1.1/submit-ham", akismetForm(onTopicHam)}} {
		rec := postForm(s, c.path, c.form)
		if rec.Code != 200 || rec.Body.String() != AkismetThanks {
			t.Fatalf("%s answered %d %q", c.path, rec.Code, rec.Body)
		}
	}
	test := akismetForm("a test submission")
	test.Set("is_test", "1")
	if rec := postForm(s, "/1.1/submit-spam", test); rec.Body.String() != AkismetThanks {
		t.Fatalf("is_test submit answered %q", rec.Body)
	}
	recs := readRecords(t, dir)
	if len(recs) != 2 {
		t.Fatalf("stored %d records, want 2 (is_test=1 stores nothing): %+v", len(recs), recs)
	}
	byLabel := map[string]feedback.Record{}
	for _, r := range recs {
		byLabel[string(r.Label)] = r
	}
	sp := byLabel["spam"]
	if sp.Text != seedStyleSpam || sp.Author != "Pat" || sp.AuthorURL != "http://homeprofit-daily.biz" || sp.Source != "akismet" || sp.Model == "" {
		t.Errorf("spam record = %+v, want the comment unchanged with its author", sp)
	}
	if sp.AuthorEmail != "@example.org" {
		t.Errorf("stored author_email %q, want only the domain", sp.AuthorEmail)
	}
	if byLabel["ham"].Text != onTopicHam {
		t.Errorf("ham record = %+v", byLabel["ham"])
	}
	raw, _ := json.Marshal(recs)
	if strings.Contains(string(raw), "203.0.113.7") || strings.Contains(string(raw), "Mozilla") {
		t.Errorf("records keep the IP address or user agent: %s", raw)
	}
}

// TestAkismetShadowMode: in shadow mode comment-check always answers
// false, the test triggers and the honeypot included, and says what
// enforcement would have answered.
func TestAkismetShadowMode(t *testing.T) {
	s, logs := testServer(t, Options{Keys: []string{goodKey}, Shadow: true})
	with := func(content string, kv ...string) url.Values {
		f := akismetForm(content)
		for i := 0; i+1 < len(kv); i += 2 {
			f.Set(kv[i], kv[i+1])
		}
		return f
	}
	for _, tt := range []struct {
		name   string
		form   url.Values
		shadow string
	}{
		{"seed-style spam", with(seedStyleSpam), "reject"},
		{"on-topic comment", with(onTopicHam), "keep"},
		{"test trigger author", with(onTopicHam, "comment_author", "viagra-test-123"), "reject"},
		{"test trigger e-mail", with(onTopicHam, "comment_author_email", "akismet-guaranteed-spam@example.com"), "reject"},
		{"honeypot filled", with(onTopicHam, "honeypot_field_name", "hp", "hp", "x"), "reject"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec := postForm(s, "/1.1/comment-check", tt.form)
			if rec.Body.String() != "false" || rec.Header().Get("X-akismet-pro-tip") != "" {
				t.Errorf("answer %q, pro-tip %q; want false and no pro-tip in shadow mode", rec.Body, rec.Header().Get("X-akismet-pro-tip"))
			}
			if got := rec.Header().Get("X-Spamcheck-Shadow-Verdict"); got != tt.shadow {
				t.Errorf("X-Spamcheck-Shadow-Verdict %q, want %q", got, tt.shadow)
			}
		})
	}
	if !strings.Contains(logs.String(), `"shadow_verdict":"reject"`) {
		t.Errorf("the log does not say what enforcement would have answered:\n%s", logs)
	}
}

// TestAkismetSubmitWithoutStore: with no store, or for a test submission,
// the thanks (which clients need) says that nothing was kept; with one, it
// says that the comment was.
func TestAkismetSubmitWithoutStore(t *testing.T) {
	s, _ := testServer(t, Options{Keys: []string{goodKey}})
	rec := postForm(s, "/1.1/submit-spam", akismetForm(seedStyleSpam))
	if rec.Body.String() != AkismetThanks || rec.Header().Get("X-Spamcheck-Feedback") != "not-stored" {
		t.Errorf("answer %q, X-Spamcheck-Feedback %q; want the thanks and not-stored", rec.Body, rec.Header().Get("X-Spamcheck-Feedback"))
	}
	store, err := feedback.OpenDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s, _ = testServer(t, Options{Keys: []string{goodKey}, Feedback: store})
	for _, tc := range []struct {
		isTest []string
		want   string
	}{
		{[]string{"1"}, "not-stored"}, {[]string{"true"}, "not-stored"}, {[]string{"True"}, "not-stored"},
		{[]string{" 1"}, "not-stored"}, {[]string{"yes"}, "not-stored"}, {[]string{"0", "1"}, "not-stored"},
		{nil, "stored"}, {[]string{"0"}, "stored"}, {[]string{"false"}, "stored"}, {[]string{""}, "stored"},
	} {
		form := akismetForm(seedStyleSpam)
		form["is_test"] = tc.isTest
		rec := postForm(s, "/1.1/submit-spam", form)
		if rec.Body.String() != AkismetThanks || rec.Header().Get("X-Spamcheck-Feedback") != tc.want {
			t.Errorf("is_test=%q: answer %q, X-Spamcheck-Feedback %q; want the thanks and %s", tc.isTest, rec.Body, rec.Header().Get("X-Spamcheck-Feedback"), tc.want)
		}
	}
}

// TestAkismetDebugHelpIsOneHeader: the debug header quotes what the
// request sent, so a field name with a line break, a NUL or bytes that
// are not UTF-8 cannot start a header of its own or make clients refuse
// the answer; a Lambda answer's headers are a map the function fills, so
// net/http's own cleaning does not reach them.
func TestAkismetDebugHelpIsOneHeader(t *testing.T) {
	s, _ := testServer(t, Options{Keys: []string{goodKey}})
	form := url.Values{"api_key": {goodKey}, "blog": {"x"}, "user_ip": {"1"}, "a\r\nSet-Cookie: evil=1\x00\xffb": {"\xff"}}
	rec := postForm(s, "/1.1/verify-key", form)
	help := rec.Header().Get("X-akismet-debug-help")
	if rec.Body.String() != "invalid" || help == "" {
		t.Fatalf("answer %q, debug help %q; want invalid and a help", rec.Body, help)
	}
	if strings.ContainsFunc(help, func(r rune) bool { return r < 0x20 || r == 0x7f || r == utf8.RuneError }) || !utf8.ValidString(help) {
		t.Errorf("debug help %q holds a control character or bytes that are not UTF-8", help)
	}
	if !strings.Contains(help, `"a\r\nSet-Cookie: evil=1\x00\xffb" is not valid UTF-8`) {
		t.Errorf("debug help %q does not quote the field's name", help)
	}
}
