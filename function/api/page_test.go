package api

import (
	"encoding/json"
	"io/fs"
	"net/http/httptest"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/spamcheck/spamcheck/model"
	"github.com/spamcheck/spamcheck/model/labeled"
)

// maxPageBytes bounds the page's three files together: it ships in the
// function's binary.
const maxPageBytes = 24 << 10

// TestPage: GET / answers the HTML page, and it and its script and style
// sheet carry a Content-Security-Policy that allows nothing but this
// server, with no inline script or style.
func TestPage(t *testing.T) {
	s, _ := testServer(t, Options{Keys: []string{"k"}})
	for path, ctype := range map[string]string{"/": "text/html", "/app.js": "text/javascript", "/style.css": "text/css", "/favicon.svg": "image/svg+xml"} {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), ctype) {
			t.Fatalf("GET %s answered %d %q, want 200 %s", path, rec.Code, rec.Header().Get("Content-Type"), ctype)
		}
		csp := rec.Header().Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("GET %s: CSP %q lacks %q", path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe") {
			t.Errorf("GET %s: CSP %q allows unsafe sources", path, csp)
		}
		if rec.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: no nosniff", path)
		}
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("POST", "/", nil))
	if rec.Code != 405 {
		t.Errorf("POST / answered %d, want 405", rec.Code)
	}
}

// TestPageSelfContained: the page loads nothing from another host, runs
// no inline script or style, never writes HTML from strings, and stays
// small.
func TestPageSelfContained(t *testing.T) {
	total := 0
	err := fs.WalkDir(web, "web", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := web.ReadFile(path)
		if err != nil {
			return err
		}
		total += len(b)
		src := string(b)
		// (The SVG namespace is a name, never fetched.)
		src = strings.ReplaceAll(src, `xmlns="http://www.w3.org/2000/svg"`, "")
		if m := regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}`).FindString(src); m != "" {
			t.Errorf("%s refers to another host: %q", path, m)
		}
		for _, bad := range []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "localStorage"} {
			if strings.Contains(src, bad) {
				t.Errorf("%s uses %s", path, bad)
			}
		}
		if strings.HasSuffix(path, ".html") && (regexp.MustCompile(`<script>|<style|\son[a-z]+=|style=`).MatchString(src)) {
			t.Errorf("%s has inline script or style, which the CSP forbids", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if total > maxPageBytes {
		t.Errorf("the page is %d bytes, over its budget of %d", total, maxPageBytes)
	}
}

// TestCheckExplain: "explain": true adds spans over the submitted text
// (code points, HTML as sent), in a single check and in a batch; without
// it there are none.
func TestCheckExplain(t *testing.T) {
	s, _ := testServer(t, Options{})
	text := "🎉 <b>Visit</b> my channel &amp; subscribe"
	body, _ := json.Marshal(map[string]any{"content": text, "explain": true})
	var one CheckResult
	if rec := postJSON(s, "/v1/check", string(body)); rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &one) != nil {
		t.Fatalf("answered %d %s", rec.Code, rec.Body)
	}
	rs := []rune(text)
	var marked []string
	for _, sp := range one.Spans {
		marked = append(marked, string(rs[sp.Start:sp.End]))
	}
	if want := []string{"Visit", "channel", "subscribe"}; !containsAll(marked, want) {
		t.Errorf("marked %q, want %q among them", marked, want)
	}

	batch := `{"comments": [{"content": "subscribe to my channel", "explain": true}, {"content": "subscribe to my channel"}, {"content": "zzqx", "explain": true}]}`
	rec := postJSON(s, "/v1/check", batch)
	var res struct {
		Results []map[string]json.RawMessage `json:"results"`
	}
	if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &res) != nil || len(res.Results) != 3 {
		t.Fatalf("batch answered %d %s", rec.Code, rec.Body)
	}
	var spans []model.Span
	if json.Unmarshal(res.Results[0]["spans"], &spans) != nil || len(spans) == 0 {
		t.Errorf("first comment: spans %s, want some", res.Results[0]["spans"])
	}
	if _, ok := res.Results[1]["spans"]; ok {
		t.Errorf("second comment did not ask to explain, got spans %s", res.Results[1]["spans"])
	}
	if got := string(res.Results[2]["spans"]); got != "[]" {
		t.Errorf("a comment without known words: spans %s, want []", got)
	}
	if rec := postJSON(s, "/v1/check", `{"content": "hi", "explain": "yes"}`); rec.Code != 400 || !strings.Contains(rec.Body.String(), CodeInvalidField) {
		t.Errorf(`"explain": "yes" answered %d %s, want 400 %s`, rec.Code, rec.Body, CodeInvalidField)
	}
}

func containsAll(have, want []string) bool {
	for _, w := range want {
		found := false
		for _, h := range have {
			found = found || h == w
		}
		if !found {
			return false
		}
	}
	return true
}

// TestPageReadsCSVAsTheCLI: the page's script takes a CSV file's
// columns by the names, and in the order of likelihood, the training
// CLI's readers take them, so that a file is read alike in both (a file
// with text and content columns was scored on different text).
func TestPageReadsCSVAsTheCLI(t *testing.T) {
	js, err := fs.ReadFile(web, "web/app.js")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?s)const ALIASES = (\{.*?\});`).FindSubmatch(js)
	if m == nil {
		t.Fatal("no ALIASES in app.js")
	}
	// The object literal, in JSON: quoted keys and strings.
	lit := regexp.MustCompile(`(\w+):`).ReplaceAllString(strings.ReplaceAll(string(m[1]), "'", `"`), `"$1":`)
	var page map[string][]string
	if err := json.Unmarshal([]byte(lit), &page); err != nil {
		t.Fatalf("ALIASES as JSON: %v\n%s", err, lit)
	}
	cli := labeled.CommentColumns()
	cli["content"] = cli["text"] // the page's name for it, as the API's
	delete(cli, "text")
	if !reflect.DeepEqual(page, cli) {
		t.Errorf("the page reads columns %v, the CLI %v", page, cli)
	}
}
