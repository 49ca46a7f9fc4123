package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/spamcheck/spamcheck/model"
)

const eventsDir = "../testdata/events"

// expectation is what testdata/events/expect.json says an event must get.
type expectation struct {
	Status   int             `json:"status"`
	Verdict  model.Verdict   `json:"verdict"`
	Verdicts []model.Verdict `json:"verdicts"`
	Code     string          `json:"code"`
}

// loadExpectations reads the event table shared by the in-process, local
// server and Lambda emulator tests.
func loadExpectations(t testing.TB) map[string]expectation {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(eventsDir, "expect.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]expectation
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(eventsDir, "*-*.json"))
	if len(files) != len(m) {
		t.Fatalf("expect.json lists %d events, testdata/events holds %d", len(m), len(files))
	}
	return m
}

// sortedNames returns the keys of m in order.
func sortedNames(m map[string]expectation) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// testServer returns a server on the default model with the given
// environment, logging into the returned buffer.
func testServer(t testing.TB, env map[string]string) (*server, *syncBuffer) {
	t.Helper()
	cfg, err := parseConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	clf, err := loadModel(cfg)
	if err != nil {
		t.Fatal(err)
	}
	store, err := openFeedback(cfg, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	return newServer(clf, cfg, store, slog.New(slog.NewJSONHandler(&logs, nil))), &logs
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

// answer is the union of the API's response bodies.
type answer struct {
	checkResult
	Results []checkResult `json:"results"`
	Error   *apiError     `json:"error"`
	Status  string        `json:"status"`
}

// checkAnswer asserts that status and body meet want.
func checkAnswer(t *testing.T, want expectation, status int, body []byte) {
	t.Helper()
	if want.Status != 0 && status != want.Status {
		t.Errorf("status %d, want %d; body %s", status, want.Status, body)
	}
	var a answer
	if err := json.Unmarshal(body, &a); err != nil {
		t.Fatalf("body is not JSON: %v: %q", err, body)
	}
	if want.Code != "" {
		if a.Error == nil || a.Error.Code != want.Code || a.Error.Message == "" {
			t.Errorf("error = %+v, want code %q with a message", a.Error, want.Code)
		}
		return
	}
	if a.Error != nil {
		t.Fatalf("unexpected error %+v", a.Error)
	}
	if want.Verdict != "" {
		if a.Verdict != want.Verdict || a.Model == "" || len(a.Reasons) == 0 {
			t.Errorf("verdict %q (P(spam) %.4f, model %q, %d reasons), want %q with model and reasons", a.Verdict, a.SpamProbability, a.Model, len(a.Reasons), want.Verdict)
		}
	}
	if want.Verdicts != nil {
		var got []model.Verdict
		for _, r := range a.Results {
			got = append(got, r.Verdict)
		}
		if fmt.Sprint(got) != fmt.Sprint(want.Verdicts) {
			t.Errorf("batch verdicts %v, want %v", got, want.Verdicts)
		}
	}
	if want.Verdict == "" && want.Verdicts == nil && want.Code == "" && a.Status != "ok" {
		t.Errorf("health answer %s, want status ok", body)
	}
}

// decodeInvokeResponse turns what invoke returned into a status and a body,
// as Lambda would serialise it.
func decodeInvokeResponse(t *testing.T, name string, out any) (int, []byte) {
	t.Helper()
	b, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	return responseOf(t, name, b)
}

// responseOf reads the status and body from a serialised invoke response:
// an API Gateway or Function URL response, or a direct answer (status 0).
func responseOf(t *testing.T, name string, payload []byte) (int, []byte) {
	t.Helper()
	if strings.HasPrefix(name, "direct-") {
		return 0, payload
	}
	var r events.APIGatewayV2HTTPResponse
	if err := json.Unmarshal(payload, &r); err != nil {
		t.Fatalf("invoke response %q: %v", payload, err)
	}
	if r.Headers["Content-Type"] != "application/json" {
		t.Errorf("Content-Type %q, want application/json", r.Headers["Content-Type"])
	}
	body := []byte(r.Body)
	if r.IsBase64Encoded {
		var err error
		if body, err = base64.StdEncoding.DecodeString(r.Body); err != nil {
			t.Fatal(err)
		}
	}
	return r.StatusCode, body
}

// TestEvents invokes the handler in-process with every event in
// testdata/events, the same files `sam local invoke -e` takes.
func TestEvents(t *testing.T) {
	s, logs := testServer(t, nil)
	for _, name := range sortedNames(loadExpectations(t)) {
		want := loadExpectations(t)[name]
		t.Run(strings.TrimSuffix(name, ".json"), func(t *testing.T) {
			payload, err := os.ReadFile(filepath.Join(eventsDir, name))
			if err != nil {
				t.Fatal(err)
			}
			out, err := s.invoke(context.Background(), payload)
			if err != nil {
				t.Fatalf("invoke returned a function error %v; bad input must be an answer", err)
			}
			status, body := decodeInvokeResponse(t, name, out)
			checkAnswer(t, want, status, body)
		})
	}
	// Logs carry verdicts and sizes, never the comment or its author.
	for _, secret := range []string{"Retired Teacher", "Carol Benton", "homeprofit", "Dmytro", "leverage"} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("logs contain comment data %q:\n%s", secret, logs)
		}
	}
	if !strings.Contains(logs.String(), `"verdict":"reject"`) || !strings.Contains(logs.String(), `"latency_us"`) {
		t.Errorf("logs lack verdicts or latency:\n%s", logs)
	}
}

// TestDirectInvokeMatchesHTTP: the same body as a direct invoke payload
// gets the same answer object as POST /v1/check.
func TestDirectInvokeMatchesHTTP(t *testing.T) {
	s, _ := testServer(t, nil)
	body := `{"content": "Earn 7000 Dollars Weekly From Home, Just Follow The Steps On My Page. Visit here", "author": "Jo"}`
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("POST", "/v1/check", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	s.ServeHTTP(rec, req)
	out, err := s.invoke(context.Background(), json.RawMessage(body))
	if err != nil {
		t.Fatal(err)
	}
	direct, _ := json.Marshal(out)
	if got, want := string(direct), strings.TrimSpace(rec.Body.String()); got != want {
		t.Errorf("direct invoke answered\n%s\nPOST /v1/check answered\n%s", got, want)
	}
}

func TestShadowMode(t *testing.T) {
	s, logs := testServer(t, map[string]string{"MODE": "shadow"})
	payload, _ := os.ReadFile(filepath.Join(eventsDir, "direct-spam.json"))
	out, _ := s.invoke(context.Background(), payload)
	res, ok := out.(checkResult)
	if !ok {
		t.Fatalf("answer %T, want a checkResult", out)
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

func TestThresholdOverrides(t *testing.T) {
	// A review band from 0.2 and a reject threshold of 0.9999: the seed
	// style spam (P ≈ 0.9995) is held for review instead of rejected.
	s, _ := testServer(t, map[string]string{"REJECT_THRESHOLD": "0.99999", "REVIEW_THRESHOLD": "0.2"})
	payload, _ := os.ReadFile(filepath.Join(eventsDir, "direct-spam.json"))
	out, _ := s.invoke(context.Background(), payload)
	res := out.(checkResult)
	if res.SpamProbability >= 0.99999 || res.SpamProbability < 0.2 {
		t.Fatalf("fixture P(spam) = %v, outside the band this test needs", res.SpamProbability)
	}
	if res.Verdict != model.Review {
		t.Errorf("verdict %q with P(spam) %.6f, want review", res.Verdict, res.SpamProbability)
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("GET", "/v1/health", nil))
	var h healthResponse
	json.Unmarshal(rec.Body.Bytes(), &h)
	if h.Thresholds != (model.Thresholds{Reject: 0.99999, Review: 0.2}) {
		t.Errorf("health thresholds %+v, want the overrides", h.Thresholds)
	}
}

func TestBodyLimitConfigurable(t *testing.T) {
	s, _ := testServer(t, map[string]string{"MAX_BODY_BYTES": "100"})
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

func TestConfig(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string // in the error; "" for success
	}{
		{"defaults", nil, ""},
		{"all set", map[string]string{"MODE": "shadow", "REJECT_THRESHOLD": "0.9", "REVIEW_THRESHOLD": "0.5", "MAX_BODY_BYTES": "1024", "LOG_LEVEL": "debug"}, ""},
		{"bad mode", map[string]string{"MODE": "loud"}, "MODE"},
		{"bad threshold", map[string]string{"REJECT_THRESHOLD": "1.5"}, "REJECT_THRESHOLD"},
		{"threshold not a number", map[string]string{"REVIEW_THRESHOLD": "high"}, "REVIEW_THRESHOLD"},
		{"bad body limit", map[string]string{"MAX_BODY_BYTES": "-1"}, "MAX_BODY_BYTES"},
		{"bad log level", map[string]string{"LOG_LEVEL": "chatty"}, "LOG_LEVEL"},
		{"every error at once", map[string]string{"MODE": "x", "LOG_LEVEL": "y"}, "MODE=\"x\": want enforce or shadow; LOG_LEVEL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseConfig(func(k string) string { return tt.env[k] })
			if tt.want == "" && err != nil {
				t.Fatalf("error %v, want none", err)
			}
			if tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Fatalf("error %v, want one mentioning %q", err, tt.want)
			}
		})
	}
}

func TestModelLoadErrors(t *testing.T) {
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk.model")
	os.WriteFile(junk, []byte("not a model"), 0o644)
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"missing file", map[string]string{"MODEL_PATH": filepath.Join(dir, "nope")}, "MODEL_PATH"},
		{"not a model", map[string]string{"MODEL_PATH": junk}, "not a model file"},
		{"review above reject", map[string]string{"REJECT_THRESHOLD": "0.5", "REVIEW_THRESHOLD": "0.9"}, "review threshold"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := run(func(k string) string { return tt.env[k] })
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("run = %v, want a start-up error mentioning %q", err, tt.want)
			}
		})
	}
}

// TestPanicIsInternalError: a fault inside a handler is logged with detail
// and answered with a bare 500, and the next request is served.
func TestPanicIsInternalError(t *testing.T) {
	s, logs := testServer(t, nil)
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
	s, _ := testServer(t, nil)
	bodies := []string{
		`{"content": "Visit my page and earn 5000 dollars a week from home"}`,
		`{"content": "The sanctions debate misses the point about energy."}`,
		`{"comments": [{"content": "free followers here"}, {"content": "good article"}]}`,
	}
	want := make([]string, len(bodies))
	for i, b := range bodies {
		out, _ := s.invoke(context.Background(), json.RawMessage(b))
		w, _ := json.Marshal(out)
		want[i] = string(w)
	}
	var wg sync.WaitGroup
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				k := (g + i) % len(bodies)
				out, _ := s.invoke(context.Background(), json.RawMessage(bodies[k]))
				if got, _ := json.Marshal(out); string(got) != want[k] {
					t.Errorf("concurrent answer differs: %s vs %s", got, want[k])
					return
				}
			}
		}()
	}
	wg.Wait()
}
