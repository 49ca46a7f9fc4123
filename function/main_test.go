package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/spamcheck/spamcheck/function/api"
	"github.com/spamcheck/spamcheck/function/lambdaevent"
	"github.com/spamcheck/spamcheck/model"
)

const eventsDir = "../testdata/events"

// expectation is what testdata/events/expect.json says an event must get.
type expectation struct {
	Status   int             `json:"status"`
	Verdict  model.Verdict   `json:"verdict"`
	Verdicts []model.Verdict `json:"verdicts"`
	Code     string          `json:"code"`
	// Text is the whole plain-text answer of an Akismet route.
	Text string `json:"text"`
	// Env is the function's environment for this event (API keys for
	// the Akismet events); events without one run with none.
	Env map[string]string `json:"env"`
}

// envKey names an event's environment, to group events by it.
func (e expectation) envKey() string {
	b, _ := json.Marshal(e.Env) // map keys are sorted
	return string(b)
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

// testServer returns the wired function (its HTTP API and its Lambda
// handler) on the default model with the given environment, logging into
// the returned buffer.
func testServer(t testing.TB, env map[string]string) (*api.Server, lambdaevent.Handler, *syncBuffer) {
	t.Helper()
	cfg, err := parseConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	clf, err := loadModel(cfg)
	if err != nil {
		t.Fatal(err)
	}
	sites, _, _, err := loadSiteModels(cfg.modelsDir, 0)
	if err != nil {
		t.Fatal(err)
	}
	store, err := openFeedback(cfg, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	s := newServer(clf, sites, cfg, store, slog.New(slog.NewJSONHandler(&logs, nil)))
	return s, lambdaevent.Handler{HTTP: s, Direct: s.Direct}, &logs
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

// Reset empties the buffer.
func (s *syncBuffer) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.b.Reset()
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// answer is the union of the API's response bodies.
type answer struct {
	api.CheckResult
	Results []api.CheckResult `json:"results"`
	Error   *api.Error        `json:"error"`
	Status  string            `json:"status"`
}

// checkAnswer asserts that status, content type and body meet want.
func checkAnswer(t *testing.T, want expectation, status int, ctype string, body []byte) {
	t.Helper()
	if want.Status != 0 && status != want.Status {
		t.Errorf("status %d, want %d; body %s", status, want.Status, body)
	}
	if want.Text != "" {
		if string(body) != want.Text || !strings.HasPrefix(ctype, "text/plain") {
			t.Errorf("answer %q (%s), want %q as text/plain", body, ctype, want.Text)
		}
		return
	}
	if status != 0 && ctype != "application/json" {
		t.Errorf("Content-Type %q, want application/json", ctype)
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

// readEvent returns a fixture from testdata/events.
func readEvent(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(eventsDir, name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// decodeInvokeResponse turns what invoke returned into a status and a body,
// as Lambda would serialise it.
func decodeInvokeResponse(t *testing.T, name string, out any) (int, string, []byte) {
	t.Helper()
	b, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	return responseOf(t, name, b)
}

// responseOf reads the status, content type and body from a serialised
// invoke response: an API Gateway or Function URL response, or a direct
// answer (status 0).
func responseOf(t *testing.T, name string, payload []byte) (int, string, []byte) {
	t.Helper()
	if strings.HasPrefix(name, "direct-") {
		return 0, "", payload
	}
	var r events.APIGatewayV2HTTPResponse
	if err := json.Unmarshal(payload, &r); err != nil {
		t.Fatalf("invoke response %q: %v", payload, err)
	}
	body := []byte(r.Body)
	if r.IsBase64Encoded {
		var err error
		if body, err = base64.StdEncoding.DecodeString(r.Body); err != nil {
			t.Fatal(err)
		}
	}
	return r.StatusCode, r.Headers["Content-Type"], body
}

// TestEvents invokes the handler in-process with every event in
// testdata/events, the same files `sam local invoke -e` takes.
func TestEvents(t *testing.T) {
	// One function per environment the table asks for.
	handlers := map[string]lambdaevent.Handler{}
	var logBufs []*syncBuffer
	rejected := false
	expect := loadExpectations(t)
	for _, name := range sortedNames(expect) {
		want := expect[name]
		h, ok := handlers[want.envKey()]
		if !ok {
			var l *syncBuffer
			_, h, l = testServer(t, want.Env)
			handlers[want.envKey()] = h
			logBufs = append(logBufs, l)
		}
		t.Run(strings.TrimSuffix(name, ".json"), func(t *testing.T) {
			out, err := h.Invoke(context.Background(), readEvent(t, name))
			if err != nil {
				t.Fatalf("invoke returned a function error %v; bad input must be an answer", err)
			}
			status, ctype, body := decodeInvokeResponse(t, name, out)
			checkAnswer(t, want, status, ctype, body)
			rejected = rejected || want.Verdict == model.Reject
		})
	}
	var logs strings.Builder
	for _, l := range logBufs {
		logs.WriteString(l.String())
	}
	// Logs carry verdicts and sizes, never the comment or its author.
	for _, secret := range []string{"Retired Teacher", "Carol Benton", "homeprofit", "Dmytro", "leverage", "Retired Nurse", "Nurse Jane"} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("logs contain comment data %q:\n%s", secret, logs.String())
		}
	}
	if rejected && (!strings.Contains(logs.String(), `"verdict":"reject"`) || !strings.Contains(logs.String(), `"latency_us"`)) {
		t.Errorf("logs lack verdicts or latency:\n%s", logs.String())
	}
}

func TestThresholdOverrides(t *testing.T) {
	// A review band from 0.2 and a reject threshold of 0.9999: the seed
	// style spam (P ≈ 0.9995) is held for review instead of rejected.
	s, _, _ := testServer(t, map[string]string{"REJECT_THRESHOLD": "0.99999", "REVIEW_THRESHOLD": "0.2"})
	res, ok := s.Direct(context.Background(), readEvent(t, "direct-spam.json")).(api.CheckResult)
	if !ok {
		t.Fatal("direct-spam.json got no CheckResult")
	}
	if res.SpamProbability >= 0.99999 || res.SpamProbability < 0.2 {
		t.Fatalf("fixture P(spam) = %v, outside the band this test needs", res.SpamProbability)
	}
	if res.Verdict != model.Review {
		t.Errorf("verdict %q with P(spam) %.6f, want review", res.Verdict, res.SpamProbability)
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("GET", "/v1/health", nil))
	var h struct{ Thresholds model.Thresholds }
	json.Unmarshal(rec.Body.Bytes(), &h)
	if h.Thresholds != (model.Thresholds{Reject: 0.99999, Review: 0.2}) {
		t.Errorf("health thresholds %+v, want the overrides", h.Thresholds)
	}
}

// A reject threshold set alone below the model's review band drops the
// band rather than failing start-up; one above it keeps the band.
func TestRejectThresholdAlone(t *testing.T) {
	def, err := model.Default()
	if err != nil {
		t.Fatal(err)
	}
	band := def.Thresholds().Review
	if !(band > 0.9 && band < 0.99999) {
		t.Fatalf("the default model's review threshold %v: this test needs one in (0.9, 0.99999)", band)
	}
	for reject, want := range map[string]model.Thresholds{
		"0.9":     {Reject: 0.9},
		"0.99999": {Reject: 0.99999, Review: band},
	} {
		s, _, _ := testServer(t, map[string]string{"REJECT_THRESHOLD": reject})
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest("GET", "/v1/health", nil))
		var h struct{ Thresholds model.Thresholds }
		json.Unmarshal(rec.Body.Bytes(), &h)
		if h.Thresholds != want {
			t.Errorf("REJECT_THRESHOLD=%s: health thresholds %+v, want %+v", reject, h.Thresholds, want)
		}
	}
}

func TestConfig(t *testing.T) {
	defaults := config{addr: "127.0.0.1:3000", maxBody: 64 << 10, discard: 0.999, feedbackPrefix: "feedback/"}
	tests := []struct {
		name string
		env  map[string]string
		want config // when the error is ""
		err  string // in the error
	}{
		{name: "defaults", want: defaults},
		{name: "all set", env: map[string]string{"MODE": "Shadow", "REJECT_THRESHOLD": "0.9", "REVIEW_THRESHOLD": " 0.5 ",
			"MAX_BODY_BYTES": "1024", "LOG_LEVEL": "debug", "ADDR": "127.0.0.1:8080", "MODEL_PATH": "/opt/m.bin",
			"API_KEYS": " k1, ,k2 ", "DISCARD_THRESHOLD": "0.99", "FEEDBACK_BUCKET": "b", "FEEDBACK_PREFIX": "/fb/",
			"FEEDBACK_S3_ENDPOINT": "http://127.0.0.1:5000", "AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9001"},
			want: config{addr: "127.0.0.1:8080", modelPath: "/opt/m.bin", reject: 0.9, review: 0.5, shadow: true, maxBody: 1024,
				logLevel: slog.LevelDebug, keys: []string{"k1", "k2"}, discard: 0.99, feedbackBucket: "b", feedbackPrefix: "fb/",
				feedbackEndpoint: "http://127.0.0.1:5000", lambda: true}},
		{name: "feedback dir", env: map[string]string{"FEEDBACK_DIR": "fb", "API_KEYS": "k"},
			want: func() config { c := defaults; c.feedbackDir, c.keys = "fb", []string{"k"}; return c }()},
		{name: "feedback with IAM authorization", env: map[string]string{"FEEDBACK_DIR": "fb", "IAM_AUTH": "TRUE", "KEY_ID_SALT": " s "},
			want: func() config { c := defaults; c.feedbackDir, c.iamAuth, c.keyIDSalt = "fb", true, " s "; return c }()},
		{name: "anonymous feedback", env: map[string]string{"FEEDBACK_DIR": "fb", "ALLOW_ANONYMOUS_FEEDBACK_INSECURE": "1"},
			want: func() config { c := defaults; c.feedbackDir, c.anonymousFeedback = "fb", true; return c }()},
		{name: "site keys", env: map[string]string{"FEEDBACK_DIR": "fb", "API_KEYS": "k", "SITE_KEYS": " www.Example.org=k2 , blog.example = k3 ,"},
			want: func() config {
				c := defaults
				c.feedbackDir, c.keys = "fb", []string{"k", "k2", "k3"}
				c.keySites = map[string]string{"k2": "example.org", "k3": "blog.example"}
				return c
			}()},
		{name: "site keys alone authenticate feedback", env: map[string]string{"FEEDBACK_DIR": "fb", "SITE_KEYS": "example.org=k2"},
			want: func() config {
				c := defaults
				c.feedbackDir, c.keys, c.keySites = "fb", []string{"k2"}, map[string]string{"k2": "example.org"}
				return c
			}()},
		{name: "site key without a key", env: map[string]string{"SITE_KEYS": "example.org="}, err: "SITE_KEYS: want SITE=KEY"},
		{name: "site key without a site", env: map[string]string{"SITE_KEYS": "k2"}, err: "SITE_KEYS: want SITE=KEY"},
		{name: "site key for no host", env: map[string]string{"SITE_KEYS": "bücher.example=k2"}, err: "SITE_KEYS: want SITE=KEY"},
		{name: "site key also in API_KEYS", env: map[string]string{"API_KEYS": "k2", "SITE_KEYS": "example.org=k2"}, err: "SITE_KEYS: want SITE=KEY"},
		{name: "site key for two sites", env: map[string]string{"SITE_KEYS": "a.example=k2,b.example=k2"}, err: "SITE_KEYS: want SITE=KEY"},
		{name: "bad IAM_AUTH", env: map[string]string{"IAM_AUTH": "maybe"}, err: "IAM_AUTH"},
		{name: "bad mode", env: map[string]string{"MODE": "loud"}, err: "MODE"},
		{name: "bad threshold", env: map[string]string{"REJECT_THRESHOLD": "1.5"}, err: "REJECT_THRESHOLD"},
		{name: "threshold not a number", env: map[string]string{"REVIEW_THRESHOLD": "high"}, err: "REVIEW_THRESHOLD"},
		{name: "bad body limit", env: map[string]string{"MAX_BODY_BYTES": "-1"}, err: "MAX_BODY_BYTES"},
		{name: "bad log level", env: map[string]string{"LOG_LEVEL": "chatty"}, err: "LOG_LEVEL"},
		{name: "two stores", env: map[string]string{"FEEDBACK_DIR": "a", "FEEDBACK_BUCKET": "b"}, err: "choose one"},
		{name: "bucket with a path", env: map[string]string{"FEEDBACK_BUCKET": "my bucket/x", "API_KEYS": "k"}, err: "FEEDBACK_BUCKET \"my bucket/x\" is not a bucket name"},
		{name: "endpoint without a scheme", env: map[string]string{"FEEDBACK_BUCKET": "b", "FEEDBACK_S3_ENDPOINT": "localhost:5000", "API_KEYS": "k"}, err: "FEEDBACK_S3_ENDPOINT \"localhost:5000\" is not an http"},
		{name: "endpoint unparsable", env: map[string]string{"FEEDBACK_BUCKET": "b", "FEEDBACK_S3_ENDPOINT": "http://[::1", "API_KEYS": "k"}, err: "FEEDBACK_S3_ENDPOINT"},
		{name: "every error at once", env: map[string]string{"MODE": "x", "LOG_LEVEL": "y"}, err: "MODE=\"x\": want enforce or shadow; LOG_LEVEL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseConfig(func(k string) string { return tt.env[k] })
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want one mentioning %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("error %v, want none", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("parsed\n%+v\nwant\n%+v", got, tt.want)
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
