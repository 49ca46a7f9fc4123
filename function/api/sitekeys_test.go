package api

import (
	"cmp"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/spamcheck/spamcheck/model"
)

// TestSiteKeys: a key of KeySites is one site's. Its comments and
// feedback records that name no site are that site's (its model scores
// them, its records carry it), one that names another site is refused
// with forbidden_site on the native API and "invalid" on Akismet's, and
// nothing is stored; a key of Keys alone may name any site.
func TestSiteKeys(t *testing.T) {
	const (
		anyKey  = "any-site-key-0123456789"
		siteKey = "example-org-key-0123456789"
	)
	def, err := model.Default()
	if err != nil {
		t.Fatal(err)
	}
	own, err := def.WithThresholds(model.Thresholds{Reject: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	s, logs := testServerWith(t, def, Options{Keys: []string{anyKey, siteKey}, KeySites: map[string]string{siteKey: "www.Example.org"},
		Sites: map[string]*model.Classifier{"example.org": own}, Feedback: mustOpenDir(t, dir)})
	send := func(key, path, body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Api-Key", key)
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		return rec
	}
	siteID, defID := own.Info().ID, def.Info().ID
	for _, c := range []struct {
		key, path, body string
		status          int
		model           string // the answer's model, or the error code
	}{
		{siteKey, "/v1/check", `{"content": "hello"}`, 200, siteID},
		{siteKey, "/v1/check", `{"content": "hello", "site": "https://www.example.org/blog"}`, 200, siteID},
		{siteKey, "/v1/check?site=other.example", `{"content": "hello"}`, 403, "forbidden_site"},
		{siteKey, "/v1/check", `{"content": "hello", "site": "other.example"}`, 403, "forbidden_site"},
		{siteKey, "/v1/check", `{"comments": [{"content": "a"}, {"content": "b", "site": "other.example"}]}`, 403, "forbidden_site"},
		{siteKey, "/v1/check", `{"comments": [{"content": "a"}], "site": "other.example"}`, 403, "forbidden_site"},
		{siteKey, "/v1/check", `{"comments": [{"content": "a"}]}`, 200, siteID},
		{anyKey, "/v1/check", `{"content": "hello"}`, 200, defID},
		{anyKey, "/v1/check", `{"content": "hello", "site": "example.org"}`, 200, siteID},
		{anyKey, "/v1/check", `{"content": "hello", "site": "other.example"}`, 200, defID},
	} {
		rec := send(c.key, c.path, c.body)
		var answer struct {
			Model string
			Error struct{ Code, Message string }
		}
		json.Unmarshal(rec.Body.Bytes(), &answer)
		if got := cmp.Or(answer.Model, answer.Error.Code); rec.Code != c.status || got != c.model {
			t.Errorf("%s %s with the %s key: %d %s, want %d %s", c.path, c.body, c.key[:3], rec.Code, rec.Body, c.status, c.model)
		}
	}
	// Feedback: the site key's record is its site's, whatever it names
	// but another site, which stores nothing.
	if rec := send(siteKey, "/v1/feedback", `{"content": "great post", "label": "ham"}`); rec.Code != 202 || !strings.Contains(rec.Body.String(), `"site":"example.org"`) {
		t.Errorf("site key's feedback: %d %s, want 202 stored for example.org", rec.Code, rec.Body)
	}
	for _, body := range []string{`{"content": "x", "label": "ham", "site": "other.example"}`} {
		if rec := send(siteKey, "/v1/feedback", body); rec.Code != 403 || !strings.Contains(rec.Body.String(), "forbidden_site") {
			t.Errorf("site key's feedback for another site: %d %s, want 403 forbidden_site", rec.Code, rec.Body)
		}
		if rec := send(siteKey, "/v1/feedback?site=other.example", `{"content": "x", "label": "ham"}`); rec.Code != 403 {
			t.Errorf("site key's feedback for ?site=other.example: %d %s, want 403", rec.Code, rec.Body)
		}
	}
	// A site that names no host is the key's site, and no warning of a
	// record stored without one.
	if rec := send(siteKey, "/v1/feedback", `{"content": "danke", "label": "ham", "site": "bücher.example"}`); rec.Code != 202 ||
		!strings.Contains(rec.Body.String(), `"site":"example.org"`) || strings.Contains(logs.String(), "without a site") {
		t.Errorf("site key's feedback naming no host: %d %s, want it stored for example.org without a warning", rec.Code, rec.Body)
	}
	if rec := send(anyKey, "/v1/feedback", `{"content": "y", "label": "spam", "site": "other.example"}`); rec.Code != 202 {
		t.Errorf("the any-site key's feedback for another site: %d %s, want 202", rec.Code, rec.Body)
	}
	recs := readRecords(t, dir)
	if len(recs) != 3 {
		t.Fatalf("%d records stored, want 3: %+v", len(recs), recs)
	}
	for _, r := range recs {
		if want := map[string]string{"great post": "example.org", "danke": "example.org", "y": "other.example"}[r.Text]; r.Site != want {
			t.Errorf("record %q stored for %q, want %q", r.Text, r.Site, want)
		}
	}
	// Akismet: the blog must be the key's site.
	form := akismetForm(onTopicHam)
	form.Set("api_key", siteKey)
	for blog, want := range map[string]string{"https://news.example.org": "invalid", "https://example.org/": "false"} {
		form.Set("blog", blog)
		for _, path := range []string{"/1.1/comment-check", "/1.1/submit-ham"} {
			rec := postForm(s, path, form)
			if path == "/1.1/submit-ham" && want == "false" {
				want = AkismetThanks
			}
			if rec.Body.String() != want || want == "invalid" && !strings.Contains(rec.Header().Get("X-akismet-debug-help"), "news.example.org") {
				t.Errorf("%s blog=%s with the site key: %q (%s), want %q", path, blog, rec.Body, rec.Header().Get("X-akismet-debug-help"), want)
			}
		}
	}
	if n := len(readRecords(t, dir)); n != 4 {
		t.Errorf("%d records after Akismet's submissions, want 4: the other blog's stores nothing", n)
	}
}
