package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/spamcheck/spamcheck/function/feedback"
	"github.com/spamcheck/spamcheck/model"
)

// directSpam is a comment the default model rejects.
const directSpam = "Earn 7000 Dollars Weekly From Home, Just Follow The Steps On My Page. Visit here"

// testServer returns a server on the default model with the given options,
// logging into the returned buffer.
func testServer(t testing.TB, o Options) (*Server, *syncBuffer) {
	t.Helper()
	clf, err := model.Default()
	if err != nil {
		t.Fatal(err)
	}
	return testServerWith(t, clf, o)
}

func testServerWith(t testing.TB, clf *model.Classifier, o Options) (*Server, *syncBuffer) {
	t.Helper()
	var logs syncBuffer
	o.Log = slog.New(slog.NewJSONHandler(&logs, nil))
	return New(clf, o), &logs
}

// mustOpenDir returns a directory store in dir.
func mustOpenDir(t testing.TB, dir string) *feedback.Dir {
	t.Helper()
	d, err := feedback.OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// syncBuffer is a bytes.Buffer safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// postJSON sends body to path and returns the response.
func postJSON(h http.Handler, path, body string, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest("POST", path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// TestDirectMatchesHTTP: the same body as a direct invoke payload gets the
// same answer object as POST /v1/check.
func TestDirectMatchesHTTP(t *testing.T) {
	s, _ := testServer(t, Options{})
	body := `{"content": "` + directSpam + `", "author": "Jo"}`
	rec := postJSON(s, "/v1/check", body)
	direct, _ := json.Marshal(s.Direct(context.Background(), []byte(body)))
	if got, want := string(direct), strings.TrimSpace(rec.Body.String()); got != want {
		t.Errorf("direct invoke answered\n%s\nPOST /v1/check answered\n%s", got, want)
	}
}

func TestShadowMode(t *testing.T) {
	s, logs := testServer(t, Options{Shadow: true})
	res, ok := s.Direct(context.Background(), []byte(`{"content": "`+directSpam+`"}`)).(CheckResult)
	if !ok {
		t.Fatalf("answer is not a CheckResult")
	}
	if res.Verdict != model.Keep || res.WouldBe != model.Reject {
		t.Errorf("shadow mode: verdict %q, shadow_verdict %q; want keep and reject", res.Verdict, res.WouldBe)
	}
	if !strings.Contains(logs.String(), `"shadow_verdict":"reject"`) {
		t.Errorf("shadow mode logs do not say what would have happened:\n%s", logs)
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("GET", "/v1/health", nil))
	if !strings.Contains(rec.Body.String(), `"mode":"shadow"`) {
		t.Errorf("health in shadow mode = %s", rec.Body)
	}
}

func TestBodyLimit(t *testing.T) {
	s, _ := testServer(t, Options{MaxBody: 100})
	body := `{"content": "` + strings.Repeat("a", 200) + `"}`
	for _, chunked := range []bool{false, true} {
		req := httptest.NewRequest("POST", "/v1/check", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if chunked {
			req.ContentLength = -1 // unknown length: the limit must hold while reading
			req.Body = io.NopCloser(strings.NewReader(body))
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != http.StatusRequestEntityTooLarge {
			t.Errorf("chunked=%v: status %d, want 413", chunked, rec.Code)
		}
	}
}

// TestExplainAnswerFitsLambda: the largest body the configuration allows
// (6 MiB), a batch of 100 comments of one short word repeated, each asking
// to explain, is answered within Lambda's 6 MB limit on a synchronous
// answer: each comment's spans are capped (model.MaxSpans).
func TestExplainAnswerFitsLambda(t *testing.T) {
	const maxBody = 6 << 20
	s, _ := testServer(t, Options{MaxBody: maxBody})
	text := strings.Repeat("I ", (maxBody/MaxBatch-64)/2)
	var b strings.Builder
	b.WriteString(`{"comments":[`)
	for i := range MaxBatch {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"content":%q,"explain":true}`, text)
	}
	b.WriteString(`]}`)
	if b.Len() > maxBody {
		t.Fatalf("body of %d bytes, over the %d allowed", b.Len(), maxBody)
	}
	rec := postJSON(s, "/v1/check", b.String())
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %.300s", rec.Code, rec.Body)
	}
	var res BatchResult
	if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	for i, r := range res.Results {
		if len(r.Spans) != model.MaxSpans {
			t.Fatalf("comment %d: %d spans, want the cap of %d", i, len(r.Spans), model.MaxSpans)
		}
	}
	if n := rec.Body.Len(); n > 6_000_000 {
		t.Errorf("answer of %d bytes to a body of %d: over Lambda's 6 MB", n, b.Len())
	} else {
		t.Logf("answer of %d bytes to a body of %d", n, b.Len())
	}
}

// TestPanicIsInternalError: a fault inside a handler is logged with detail
// and answered with a bare 500, and the next request is served.
func TestPanicIsInternalError(t *testing.T) {
	s, logs := testServer(t, Options{})
	s.mux.HandleFunc("GET /boom", func(http.ResponseWriter, *http.Request) { panic("secret detail") })
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("GET", "/boom", nil))
	if rec.Code != 500 || strings.Contains(rec.Body.String(), "secret") || !strings.Contains(rec.Body.String(), `"internal"`) {
		t.Errorf("panic answered %d %s, want a bare 500 internal error", rec.Code, rec.Body)
	}
	if !strings.Contains(logs.String(), "secret detail") {
		t.Errorf("the panic was not logged:\n%s", logs)
	}
	rec = httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("GET", "/v1/health", nil))
	if rec.Code != 200 {
		t.Errorf("after a panic, health answered %d", rec.Code)
	}
}

// TestConcurrentChecks: many goroutines through one server get the same
// answers as one at a time (run with -race).
func TestConcurrentChecks(t *testing.T) {
	s, _ := testServer(t, Options{})
	bodies := []string{
		`{"content": "Visit my page and earn 5000 dollars a week from home"}`,
		`{"content": "The sanctions debate misses the point about energy."}`,
		`{"comments": [{"content": "free followers here"}, {"content": "good article"}]}`,
	}
	want := make([]string, len(bodies))
	for i, b := range bodies {
		w, _ := json.Marshal(s.Direct(context.Background(), []byte(b)))
		want[i] = string(w)
	}
	var wg sync.WaitGroup
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				k := (g + i) % len(bodies)
				if got, _ := json.Marshal(s.Direct(context.Background(), []byte(bodies[k]))); string(got) != want[k] {
					t.Errorf("concurrent answer differs: %s vs %s", got, want[k])
					return
				}
			}
		}()
	}
	wg.Wait()
}

// discardStore accepts records and keeps none.
type discardStore struct{}

func (discardStore) Put(context.Context, string, []byte) error { return nil }
func (discardStore) String() string                            { return "discard" }

// TestAnswerHeaders: every answer, errors included, is marked nosniff and
// no-store.
func TestAnswerHeaders(t *testing.T) {
	s, _ := testServer(t, Options{Keys: []string{"k"}})
	for _, rec := range []*httptest.ResponseRecorder{
		postJSON(s, "/v1/check", `{"content": "hello"}`, "X-Api-Key", "k"),
		postJSON(s, "/v1/check", `{`, "X-Api-Key", "k"),
		postJSON(s, "/nope", `{}`),
		postForm(s, "/1.1/verify-key", url.Values{"api_key": {"k"}, "blog": {"b"}}),
	} {
		if rec.Header().Get("X-Content-Type-Options") != "nosniff" || rec.Header().Get("Cache-Control") != "no-store" {
			t.Errorf("answer %d %q has headers %v", rec.Code, rec.Body, rec.Header())
		}
	}
}

// TestNonCanonicalPaths get the JSON 404, not the mux's HTML redirect,
// and a huge path or method is not echoed whole.
func TestNonCanonicalPaths(t *testing.T) {
	s, _ := testServer(t, Options{})
	for _, p := range []string{"//v1/health", "/v1/../v1/health", "/v1/./health", "/v1/health/", "/" + strings.Repeat("a", 100000)} {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest("GET", "http://x"+p, nil))
		if rec.Code != 404 || !strings.Contains(rec.Body.String(), `"not_found"`) || rec.Body.Len() > 1000 {
			t.Errorf("GET %.40q answered %d %.200q, want a short JSON 404", p, rec.Code, rec.Body)
		}
	}
	// A huge method, which a Lambda event can carry whole, is not echoed
	// whole either: on a path that is not canonical, on a route that
	// does not take it, or on no route at all.
	method := strings.Repeat("A", 30000)
	for _, p := range []string{"//v1/check", "/v1/check", "/nowhere"} {
		req := httptest.NewRequest("GET", "http://x"+p, nil)
		req.Method = method
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code/100 != 4 || rec.Body.Len() > 1000 {
			t.Errorf("a 30,000-byte method on %s answered %d with %d bytes, want a short 4xx", p, rec.Code, rec.Body.Len())
		}
	}
	// A path without its leading slash, which only a hand-made Lambda
	// event can carry.
	req := httptest.NewRequest("GET", "/", nil)
	req.URL.Path = "v1/health"
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if rec.Code != 404 || !strings.Contains(rec.Body.String(), `"not_found"`) {
		t.Errorf("GET v1/health answered %d %.200q, want the JSON 404", rec.Code, rec.Body)
	}
}

// TestDirectPanicIsInternalError: a panic while answering a direct invoke
// is an internal error answer, like on the HTTP routes.
func TestDirectPanicIsInternalError(t *testing.T) {
	s, logs := testServer(t, Options{})
	s.clf = nil // scoring now panics
	out := s.Direct(context.Background(), []byte(`{"content": "hello"}`))
	b, _ := json.Marshal(out)
	if !strings.Contains(string(b), `"code":"internal"`) || !strings.Contains(logs.String(), "panic") {
		t.Errorf("answer %s; logs %s", b, logs)
	}
}

// failingWriter is a client that went away.
type failingWriter struct{ httptest.ResponseRecorder }

func (f *failingWriter) Write([]byte) (int, error) { return 0, io.ErrClosedPipe }

// TestWriteErrorsLogged: an answer that cannot be delivered is logged as
// such, and nothing else is attempted.
func TestWriteErrorsLogged(t *testing.T) {
	s, logs := testServer(t, Options{})
	w := &failingWriter{*httptest.NewRecorder()}
	req := httptest.NewRequest("POST", "/v1/check", strings.NewReader(`{"content": "hello"}`))
	req.Header.Set("Content-Type", "application/json")
	s.ServeHTTP(w, req)
	if !strings.Contains(logs.String(), "answer not delivered") || strings.Contains(logs.String(), "internal error") {
		t.Errorf("logs:\n%s", logs)
	}
}
