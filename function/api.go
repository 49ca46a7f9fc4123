package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"runtime/debug"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spamcheck/spamcheck/model"
)

// maxBatch is the most comments one batch request may carry.
const maxBatch = 100

// server answers the HTTP API. It holds only read-only state, so one server
// serves any number of concurrent requests.
type server struct {
	clf      *model.Classifier
	modelID  string
	shadow   bool
	maxBody  int64
	keys     []string
	discard  float64
	feedback feedbackStore // nil when feedback is not stored
	log      *slog.Logger
	mux      *http.ServeMux
}

func newServer(clf *model.Classifier, cfg config, feedback feedbackStore, log *slog.Logger) *server {
	s := &server{clf: clf, modelID: clf.Info().ID, shadow: cfg.shadow, maxBody: cfg.maxBody,
		keys: cfg.keys, discard: cfg.discard, feedback: feedback, log: log}
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("POST /v1/check", s.requireKey(s.check))
	s.mux.HandleFunc("POST /v1/feedback", s.requireKey(s.postFeedback))
	s.mux.HandleFunc("GET /v1/health", s.health)
	s.akismetRoutes()
	return s
}

// requireKey guards a native route with the configured API keys, sent as
// "Authorization: Bearer KEY" or "X-Api-Key: KEY". Without configured keys
// the route is open (an HTTP API with IAM authorization, or a laptop).
func (s *server) requireKey(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if len(s.keys) == 0 {
			h(w, r)
			return
		}
		key := r.Header.Get("X-Api-Key")
		if v, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
			key = strings.TrimSpace(v)
		}
		if !s.validKey(key) {
			s.log.InfoContext(r.Context(), "unauthorized", "route", r.URL.Path, "key_given", key != "")
			writeError(w, errorf(http.StatusUnauthorized, "unauthorized", "send a valid API key as \"Authorization: Bearer KEY\" or \"X-Api-Key: KEY\""))
			return
		}
		h(w, r)
	}
}

// apiError is an error answered to the caller: its code and message are
// safe to show and say what to fix.
type apiError struct {
	Status  int    `json:"-"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

func errorf(status int, code, format string, args ...any) *apiError {
	return &apiError{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

// ServeHTTP routes a request, answering unknown routes and wrong methods
// with JSON errors and turning any panic into a logged 500, so that no
// request can take the process down.
func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if v := recover(); v != nil {
			s.log.ErrorContext(r.Context(), "panic serving request", "route", r.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			writeError(w, errorf(http.StatusInternalServerError, "internal", "internal error"))
		}
	}()
	h, pattern := s.mux.Handler(r)
	if pattern == "" {
		// The mux's own 404 and 405 answers are plain text; ours are
		// JSON. A 405 from the mux already carries an Allow header.
		rec := &headerRecorder{header: http.Header{}}
		h.ServeHTTP(rec, r)
		if rec.status == http.StatusMethodNotAllowed {
			w.Header().Set("Allow", rec.header.Get("Allow"))
			writeError(w, errorf(http.StatusMethodNotAllowed, "method_not_allowed", "%s is not allowed on %s; use %s", r.Method, r.URL.Path, rec.header.Get("Allow")))
			return
		}
		writeError(w, errorf(http.StatusNotFound, "not_found", "no route %s %s; see POST /v1/check, POST /v1/feedback, GET /v1/health and Akismet's POST /1.1/...", r.Method, r.URL.Path))
		return
	}
	h.ServeHTTP(w, r)
}

// headerRecorder captures the status and headers of the mux's fallback
// handlers without writing anything.
type headerRecorder struct {
	header http.Header
	status int
}

func (h *headerRecorder) Header() http.Header         { return h.header }
func (h *headerRecorder) Write(b []byte) (int, error) { return len(b), nil }
func (h *headerRecorder) WriteHeader(status int)      { h.status = status }

// checkRequest is one comment as a platform sends it. Only Content is
// required; Permalink and Type are accepted for Akismet-style clients and
// not used by the model.
type checkRequest struct {
	Content     *string `json:"content"`
	Author      string  `json:"author"`
	AuthorEmail string  `json:"author_email"`
	AuthorURL   string  `json:"author_url"`
	Permalink   string  `json:"permalink"`
	Type        string  `json:"type"`
}

// batchRequest carries up to maxBatch comments.
type batchRequest struct {
	Comments []json.RawMessage `json:"comments"`
}

// checkResult is the answer for one comment.
type checkResult struct {
	Verdict         model.Verdict  `json:"verdict"`
	SpamProbability float64        `json:"spam_probability"`
	LogOdds         float64        `json:"log_odds"`
	Reasons         []model.Reason `json:"reasons"`
	Model           string         `json:"model"`
	// WouldBe is set in shadow mode: the verdict enforcement would have
	// given.
	WouldBe model.Verdict `json:"shadow_verdict,omitempty"`
}

type batchResult struct {
	Results []checkResult `json:"results"`
	Model   string        `json:"model"`
}

func (s *server) check(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	body, aerr := s.readJSON(w, r)
	if aerr != nil {
		s.log.InfoContext(r.Context(), "check rejected", "status", aerr.Status, "code", aerr.Code, "bytes", r.ContentLength)
		writeError(w, aerr)
		return
	}
	out, n, aerr := s.answer(body)
	if aerr != nil {
		s.log.InfoContext(r.Context(), "check rejected", "status", aerr.Status, "code", aerr.Code, "bytes", len(body))
		writeError(w, aerr)
		return
	}
	s.logVerdicts(r.Context(), r.URL.Path, out, n, len(body), start)
	writeJSON(w, http.StatusOK, out)
}

// answer decodes a check body (one comment or a batch) and scores it. It
// is shared by the HTTP routes and direct invokes.
func (s *server) answer(body []byte) (any, int, *apiError) {
	if !utf8.Valid(body) {
		return nil, 0, errorf(http.StatusBadRequest, "invalid_utf8", "the body is not valid UTF-8")
	}
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(body, &probe); err != nil {
		return nil, 0, errorf(http.StatusBadRequest, "invalid_json", "the body is not a JSON object: %v", err)
	}
	if raw, ok := probe["comments"]; ok {
		var b batchRequest
		if err := json.Unmarshal(body, &b); err != nil || raw == nil || string(raw) == "null" {
			return nil, 0, errorf(http.StatusBadRequest, "invalid_batch", `"comments" must be an array of comment objects`)
		}
		if len(b.Comments) == 0 || len(b.Comments) > maxBatch {
			return nil, 0, errorf(http.StatusBadRequest, "invalid_batch", "a batch holds 1 to %d comments, got %d", maxBatch, len(b.Comments))
		}
		res := batchResult{Results: make([]checkResult, len(b.Comments)), Model: s.modelID}
		for i, c := range b.Comments {
			cm, aerr := decodeComment(c)
			if aerr != nil {
				aerr.Message = fmt.Sprintf("comments[%d]: %s", i, aerr.Message)
				return nil, 0, aerr
			}
			res.Results[i] = s.score(cm)
		}
		return res, len(res.Results), nil
	}
	cm, aerr := decodeComment(body)
	if aerr != nil {
		return nil, 0, aerr
	}
	return s.score(cm), 1, nil
}

// decodeComment decodes one comment object, requiring a string content.
func decodeComment(raw json.RawMessage) (model.Comment, *apiError) {
	var c checkRequest
	if err := json.Unmarshal(raw, &c); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return model.Comment{}, errorf(http.StatusBadRequest, "invalid_field", "field %q must be a %s", te.Field, "string")
		}
		return model.Comment{}, errorf(http.StatusBadRequest, "invalid_json", "a comment must be a JSON object: %v", err)
	}
	if c.Content == nil {
		return model.Comment{}, errorf(http.StatusBadRequest, "missing_content", `field "content" (the comment text) is required`)
	}
	return model.Comment{Text: *c.Content, Author: c.Author, AuthorEmail: c.AuthorEmail, AuthorURL: c.AuthorURL}, nil
}

func (s *server) score(c model.Comment) checkResult {
	sc := s.clf.Score(c)
	res := checkResult{Verdict: sc.Verdict, SpamProbability: sc.SpamProbability, LogOdds: sc.LogOdds, Reasons: sc.Reasons, Model: s.modelID}
	if res.Reasons == nil {
		res.Reasons = []model.Reason{}
	}
	if s.shadow {
		res.WouldBe = sc.Verdict
		res.Verdict = model.Keep
	}
	return res
}

// logVerdicts logs one line per request: sizes, timing and verdicts, never
// the comment text or its author.
func (s *server) logVerdicts(ctx context.Context, route string, out any, n, size int, start time.Time) {
	attrs := []any{"route", route, "comments", n, "bytes", size, "latency_us", time.Since(start).Microseconds()}
	var first checkResult
	switch v := out.(type) {
	case checkResult:
		first = v
	case batchResult:
		counts := map[model.Verdict]int{}
		for _, res := range v.Results {
			counts[res.Verdict]++
			if res.WouldBe != "" {
				counts["shadow_"+res.WouldBe]++
			}
		}
		attrs = append(attrs, "keep", counts[model.Keep], "review", counts[model.Review], "reject", counts[model.Reject])
		if s.shadow {
			attrs = append(attrs, "shadow_review", counts["shadow_review"], "shadow_reject", counts["shadow_reject"])
		}
		s.log.InfoContext(ctx, "checked batch", attrs...)
		return
	}
	attrs = append(attrs, "verdict", first.Verdict, "spam_probability", first.SpamProbability)
	if s.shadow {
		attrs = append(attrs, "shadow_verdict", first.WouldBe)
	}
	s.log.InfoContext(ctx, "checked", attrs...)
}

// readJSON checks the content type and size of a request and returns its
// body.
func (s *server) readJSON(w http.ResponseWriter, r *http.Request) ([]byte, *apiError) {
	ct := r.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
		return nil, errorf(http.StatusUnsupportedMediaType, "unsupported_media_type", "send the comment as JSON with Content-Type: application/json (got %q)", ct)
	}
	if r.ContentLength > s.maxBody {
		return nil, errorf(http.StatusRequestEntityTooLarge, "body_too_large", "the body is %d bytes; the limit is %d", r.ContentLength, s.maxBody)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.maxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, errorf(http.StatusRequestEntityTooLarge, "body_too_large", "the body is over the limit of %d bytes", s.maxBody)
		}
		return nil, errorf(http.StatusBadRequest, "unreadable_body", "could not read the body: %v", err)
	}
	return body, nil
}

// healthResponse describes the running model.
type healthResponse struct {
	Status     string           `json:"status"`
	Model      string           `json:"model"`
	TrainedAt  time.Time        `json:"trained_at"`
	Thresholds model.Thresholds `json:"thresholds"`
	Mode       string           `json:"mode"`
	Documents  map[string]int   `json:"training_documents"`
}

func (s *server) health(w http.ResponseWriter, r *http.Request) {
	info := s.clf.Info()
	mode := "enforce"
	if s.shadow {
		mode = "shadow"
	}
	docs := map[string]int{}
	for l, n := range info.Stats.Documents {
		docs[string(l)] = n
	}
	writeJSON(w, http.StatusOK, healthResponse{Status: "ok", Model: info.ID, TrainedAt: info.Stats.TrainedAt,
		Thresholds: info.Thresholds, Mode: mode, Documents: docs})
}

func writeError(w http.ResponseWriter, e *apiError) {
	writeJSON(w, e.Status, map[string]*apiError{"error": e})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"error":{"code":"internal","message":"internal error"}}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", fmt.Sprint(len(b)+1))
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}
