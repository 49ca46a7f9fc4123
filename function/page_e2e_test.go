//go:build e2e

package main

import (
	"bytes"
	"context"
	csvpkg "encoding/csv"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/spamcheck/spamcheck/function/api"
	"github.com/spamcheck/spamcheck/model"
)

// screenshotEnv names a path where TestPageInBrowser also writes its
// screenshot (it always writes one under the test's temporary directory).
const screenshotEnv = "SPAMCHECK_SCREENSHOT"

// pageSpam is typed into the page: spam, with markup the page must show
// as written.
const pageSpam = "Subscribe to my channel <b>please</b>!! I made 12000 dollars a month from home, visit fastcash-now.biz"

// startPageServer serves the API (with env as its environment) on a free
// port of 127.0.0.1 and returns its base URL.
func startPageServer(t *testing.T, env map[string]string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s, _, _ := testServer(t, env)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, ln, s, slog.New(slog.DiscardHandler)) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	return "http://" + ln.Addr().String()
}

// browser is a headless Chromium tab, and what its pages reported:
// uncaught exceptions, console errors and log entries (CSP violations
// among them).
type browser struct {
	ctx      context.Context
	mu       sync.Mutex
	problems []string
}

// newBrowser starts headless Chromium from Debian's chromium package with a
// fresh profile and nothing that calls home (the network is closed).
func newBrowser(t *testing.T) *browser {
	t.Helper()
	path := requireTool(t, "chromium")
	actx, cancel := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("window-size", "1200,1400"),
		chromedp.UserDataDir(t.TempDir()),
	)
	t.Cleanup(cancel)
	b := &browser{}
	ctx, cancel2 := chromedp.NewContext(actx, chromedp.WithListener(b.listen))
	t.Cleanup(cancel2)
	b.ctx = ctx
	if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, cdplog.Enable, cdp.Empty{})
		return err
	})); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return b
}

func (b *browser) listen(ev any) {
	var p string
	switch e := ev.(type) {
	case *runtime.EventExceptionThrown:
		p = "exception: " + e.ExceptionDetails.Text
		if e.ExceptionDetails.Exception != nil {
			p += " " + e.ExceptionDetails.Exception.Description
		}
	case *runtime.EventConsoleAPICalled:
		if e.Type == runtime.ConsoleAPICalledTypeError {
			p = "console error"
		}
	case *cdplog.EventEntryAdded:
		if e.Entry.Level == cdplog.EntryLevelError || e.Entry.Level == cdplog.EntryLevelWarning {
			p = fmt.Sprintf("log %s %s: %s", e.Entry.Level, e.Entry.Source, e.Entry.Text)
		}
	}
	if p != "" {
		b.mu.Lock()
		b.problems = append(b.problems, p)
		b.mu.Unlock()
	}
}

// do runs actions with a time limit.
func (b *browser) do(t *testing.T, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// eval evaluates a JavaScript expression into T.
func eval[T any](t *testing.T, b *browser, expr string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// checkClean fails on anything the page reported and on any request to
// another host than base.
func (b *browser) checkClean(t *testing.T, base string) {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, p := range b.problems {
		t.Errorf("the page reported: %s", p)
	}
	for _, u := range eval[[]string](t, b, `performance.getEntriesByType('resource').map((e) => e.name)`) {
		if !strings.HasPrefix(u, base+"/") {
			t.Errorf("the page requested %s, not on %s", u, base)
		}
	}
}

// explained asks the API itself what the page should show for text.
func explained(t *testing.T, base, text, author string) api.CheckResult {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"content": text, "author": author, "explain": true})
	resp, err := http.Post(base+"/v1/check", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r api.CheckResult
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil || resp.StatusCode != 200 {
		t.Fatalf("check answered %d: %v", resp.StatusCode, err)
	}
	return r
}

// mark is a highlighted word as the page shows it.
type mark struct {
	Text   string  `json:"text"`
	Class  string  `json:"cls"`
	Weight float64 `json:"weight"`
}

// TestPageInBrowser drives the page in headless Chromium: a comment typed
// and checked shows its verdict, its text as typed (markup as text) with
// the deciding words highlighted as the API's spans and reasons say, and
// an uploaded file becomes a table of verdicts that filters. The page
// raises no error and requests nothing from another host.
func TestPageInBrowser(t *testing.T) {
	b := newBrowser(t)
	base := startPageServer(t, nil)
	clf, err := model.Default()
	if err != nil {
		t.Fatal(err)
	}

	b.do(t, "load the page", chromedp.Navigate(base+"/"),
		chromedp.Poll[chromedp.Void](`document.getElementById('model').textContent.startsWith('Model nb-')`))
	if got, want := eval[string](t, b, `document.getElementById('model').textContent`), clf.Info().ID; !strings.Contains(got, want) {
		t.Errorf("model line %q does not name the model %s", got, want)
	}

	t.Run("comment", func(t *testing.T) {
		b.do(t, "type and submit a comment",
			chromedp.SendKeys(chromedp.ID("content"), pageSpam),
			chromedp.SendKeys(chromedp.ID("author"), "Cash Coach"),
			chromedp.Click(chromedp.ID("submit")),
			chromedp.WaitVisible(chromedp.ID("result")))
		want := explained(t, base, pageSpam, "Cash Coach")
		if got := eval[string](t, b, `document.getElementById('verdict').textContent`); got != string(want.Verdict) || got != "reject" {
			t.Errorf("verdict %q, want %q (the API's, for this spam: reject)", got, want.Verdict)
		}
		if got := eval[string](t, b, `document.getElementById('text').textContent`); got != pageSpam {
			t.Errorf("the page shows %q, want the comment as typed %q", got, pageSpam)
		}
		if n := eval[int](t, b, `document.querySelectorAll('#text b').length`); n != 0 {
			t.Errorf("the comment's markup became %d elements: it must be shown as text", n)
		}
		marks := eval[[]mark](t, b, `Array.from(document.querySelectorAll('#text mark')).map((m) => ({text: m.textContent, cls: m.className, weight: +m.dataset.weight}))`)
		rs := []rune(pageSpam)
		if len(marks) != len(want.Spans) {
			t.Fatalf("%d words highlighted, the API's spans are %d: %+v", len(marks), len(want.Spans), marks)
		}
		for i, s := range want.Spans {
			cls := "ham"
			if s.Weight > 0 {
				cls = "spam"
			}
			if w := string(rs[s.Start:s.End]); marks[i].Text != w || marks[i].Class != cls || marks[i].Weight != s.Weight {
				t.Errorf("highlight %d is %+v, want %q %s %v", i, marks[i], w, cls, s.Weight)
			}
		}
		// Each word among the reasons (tokens and both words of bigrams)
		// is highlighted, on the side its reason pushes.
		cfg := clf.Info().Tokenizer
		cfg.Bigrams, cfg.Style, cfg.Metadata = false, false, false
		have := map[string]bool{}
		for _, m := range marks {
			for _, tok := range model.Tokenize(model.Comment{Text: m.Text}, cfg) {
				have[tok] = true
			}
		}
		for _, r := range want.Reasons {
			for _, w := range strings.Split(r.Token, "+") {
				if !strings.HasPrefix(w, "#") && !strings.Contains(w, ":") && !have[w] {
					t.Errorf("reason %q: %q is not highlighted (highlighted: %+v)", r.Token, w, marks)
				}
			}
		}
		reasons := eval[int](t, b, `document.querySelectorAll('#reasons li').length`)
		if reasons != len(want.Reasons) {
			t.Errorf("%d reasons listed, want %d", reasons, len(want.Reasons))
		}
	})

	t.Run("file", func(t *testing.T) {
		// 150 comments of the corpus (two batch calls), one empty and one
		// quoted over two lines with a comma, as CSV.
		var rows [][2]string
		for _, f := range []string{"spam-followers.jsonl", "ham-cooking-home.jsonl", "spam-loans.jsonl", "ham-sports.jsonl", "spam-pharma.jsonl", "ham-news-ukraine.jsonl"} {
			data, err := os.ReadFile(filepath.Join("..", "testdata", "comments", f))
			if err != nil {
				t.Fatal(err)
			}
			for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
				var c struct{ Text, Author string }
				if err := json.Unmarshal([]byte(line), &c); err != nil {
					t.Fatal(err)
				}
				rows = append(rows, [2]string{c.Text, c.Author})
			}
		}
		rows = append(rows[:148], [2]string{"", "nobody"}, [2]string{"Two lines,\nand a \"quote\"", "Q"})
		var csv strings.Builder
		csv.WriteString("author,content\n")
		for _, r := range rows {
			fmt.Fprintf(&csv, "%s,%s\n", quoteCSV(r[1]), quoteCSV(r[0]))
		}
		path := filepath.Join(t.TempDir(), "comments.csv")
		if err := os.WriteFile(path, []byte(csv.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		b.do(t, "upload a file", chromedp.SetUploadFiles(chromedp.ID("file"), []string{path}),
			chromedp.WaitVisible(chromedp.ID("batch")))
		type row struct{ Verdict, Text string }
		got := eval[[]row](t, b, `Array.from(document.querySelectorAll('#rows tr')).map((r) => ({verdict: r.dataset.verdict, text: r.cells[3].textContent}))`)
		if len(got) != len(rows) {
			t.Fatalf("%d rows in the table, want %d", len(got), len(rows))
		}
		counts := map[string]int{}
		for i, r := range rows {
			want := "error" // the empty comment is not sent
			if r[0] != "" {
				want = string(clf.Score(model.Comment{Text: r[0], Author: r[1]}).Verdict)
			}
			if got[i].Verdict != want || !strings.HasPrefix(r[0], got[i].Text) {
				t.Errorf("row %d: %q %q, want %q %.40q", i+1, got[i].Verdict, got[i].Text, want, r[0])
			}
			counts[want]++
		}
		if counts["keep"] == 0 || counts["reject"] == 0 {
			t.Fatalf("the file should hold both verdicts: %v", counts)
		}
		b.do(t, "filter out keep", chromedp.Click(chromedp.CSS(`#filters input[value=keep]`)))
		shown := eval[[]string](t, b, `Array.from(document.querySelectorAll('#rows tr')).filter((r) => !r.hidden).map((r) => r.dataset.verdict)`)
		if len(shown) != len(rows)-counts["keep"] {
			t.Errorf("with keep filtered out, %d rows shown, want %d", len(shown), len(rows)-counts["keep"])
		}
		for _, v := range shown {
			if v == "keep" {
				t.Errorf("a keep row is shown with keep filtered out")
				break
			}
		}
		// The download holds one line per comment, in order, with its
		// verdict.
		dir := t.TempDir()
		b.do(t, "download the CSV", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := cdp.Call(ctx, chromedp.FromContext(ctx).Browser, cdpbrowser.SetDownloadBehavior,
				cdpbrowser.SetDownloadBehaviorParams{Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir})
			return err
		}), chromedp.Click(chromedp.ID("download")))
		data := waitFile(t, filepath.Join(dir, "verdicts.csv"))
		recs, err := csvpkg.NewReader(bytes.NewReader(data)).ReadAll()
		if err != nil || len(recs) != len(rows)+1 || recs[0][1] != "verdict" {
			t.Fatalf("downloaded CSV: %d records, header %q, error %v", len(recs), recs[0], err)
		}
		for i, r := range recs[1:] {
			// A cell that a spreadsheet would read as a formula is
			// defused with a leading apostrophe.
			text := rows[i][0]
			if text != "" && strings.ContainsRune("=+-@\t\r", rune(text[0])) {
				text = "'" + text
			}
			if want := got[i].Verdict; r[1] != want && !(want == "error" && r[1] == "") || r[5] != text {
				t.Errorf("CSV line %d: %q %.40q, want %q %.40q", i+2, r[1], r[5], want, text)
			}
		}
	})
	// The screenshot shows the checked comment and the table.
	shot := screenshot(t, b)
	if p := os.Getenv(screenshotEnv); p != "" {
		if err := os.WriteFile(p, shot, 0o644); err != nil {
			t.Error(err)
		}
	}
	b.checkClean(t, base)
}

// TestPageAsksForKey: when the API answers 401 the page shows the key
// field, and with the key the check goes through.
func TestPageAsksForKey(t *testing.T) {
	b := newBrowser(t)
	base := startPageServer(t, map[string]string{"API_KEYS": "sesame"})
	b.do(t, "check without a key", chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.ID("content")),
		chromedp.SendKeys(chromedp.ID("content"), "Lovely recipe, thank you"),
		chromedp.Click(chromedp.ID("submit")),
		chromedp.WaitVisible(chromedp.ID("key-box")))
	if got := eval[string](t, b, `document.getElementById('error').textContent`); !strings.Contains(got, "API key") {
		t.Errorf("error shown %q, want the API's message about the key", got)
	}
	b.do(t, "check with the key",
		chromedp.SendKeys(chromedp.ID("key"), "sesame"),
		chromedp.Click(chromedp.ID("submit")),
		chromedp.WaitVisible(chromedp.ID("result")))
	if got := eval[string](t, b, `document.getElementById('verdict').textContent`); got != "keep" {
		t.Errorf("verdict %q, want keep", got)
	}
}

// TestPageListsSiteModels: with models per site, the page lists each site
// with its model and reject threshold, as /v1/health names them.
func TestPageListsSiteModels(t *testing.T) {
	clf, err := model.Default()
	if err != nil {
		t.Fatal(err)
	}
	th := clf.Thresholds()
	th.Reject, th.Review = 0.95, 0
	site, err := clf.WithThresholds(th)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var buf bytes.Buffer
	if err := site.Save(&buf); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "example.org.model"), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t)
	base := startPageServer(t, map[string]string{"MODELS_DIR": dir})
	b.do(t, "load the page", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.ID("sites")))
	got := eval[[]string](t, b, `Array.from(document.querySelectorAll('#sites li')).map((li) => li.textContent)`)
	want := fmt.Sprintf("site example.org: model %s, reject at P(spam) ≥ 0.9500", site.Info().ID)
	if len(got) != 1 || got[0] != want {
		t.Errorf("sites listed %q, want [%q]", got, want)
	}
}

// screenshot saves a screenshot of the page under the test's temporary
// directory and returns it.
func screenshot(t *testing.T, b *browser) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	p := filepath.Join(t.TempDir(), "page.png")
	if err := os.WriteFile(p, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s (%d bytes)", p, len(shot))
	return shot
}

// waitFile waits for a download to complete and returns its content.
func waitFile(t *testing.T, path string) []byte {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if data, err := os.ReadFile(path); err == nil && len(data) > 0 {
			return data
		}
	}
	t.Fatalf("no download at %s", path)
	return nil
}

func quoteCSV(s string) string {
	if strings.ContainsAny(s, ",\"\n\r") {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}
