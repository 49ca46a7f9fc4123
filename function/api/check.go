package api

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"runtime/debug"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spamcheck/spamcheck/model"
	"github.com/spamcheck/spamcheck/model/labeled"
)

// MaxBatch is the most comments one batch request may carry.
const MaxBatch = 100

// CheckRequest is one comment as a platform sends it. Only Content is
// required; Permalink and Type are accepted for Akismet-style clients and
// not used by the model.
type CheckRequest struct {
	Content     *string `json:"content"`
	Author      string  `json:"author"`
	AuthorEmail string  `json:"author_email"`
	AuthorURL   string  `json:"author_url"`
	Permalink   string  `json:"permalink"`
	Type        string  `json:"type"`
	// Explain asks for the answer's Spans.
	Explain bool `json:"explain"`
	// Site is the host name of the site the comment was posted on: its
	// own model scores it, if there is one (else the default model).
	Site string `json:"site"`
}

// batchRequest carries up to MaxBatch comments, of Site unless a comment
// names its own.
type batchRequest struct {
	Comments []json.RawMessage `json:"comments"`
	Site     string            `json:"site"`
}

// CheckResult is the answer for one comment.
type CheckResult struct {
	Verdict         model.Verdict  `json:"verdict"`
	SpamProbability float64        `json:"spam_probability"`
	LogOdds         float64        `json:"log_odds"`
	Reasons         []model.Reason `json:"reasons"`
	Model           string         `json:"model"`
	// WouldBe is set in shadow mode: the verdict enforcement would have
	// given.
	WouldBe model.Verdict `json:"shadow_verdict,omitempty"`
	// Spans, when the request asked to explain, mark the words of the
	// comment's content that decided, in code points (model.Explain).
	Spans []model.Span `json:"spans,omitzero"`
}

// BatchResult is the answer for a batch, in the order of its comments.
type BatchResult struct {
	Results []CheckResult `json:"results"`
	// Model is the model of the batch's site; a comment that names
	// another site says in its own result which model decided it.
	Model string `json:"model"`
}

func (s *Server) check(w http.ResponseWriter, r *http.Request) error {
	start := time.Now()
	body, err := s.readJSON(w, r)
	if err != nil {
		return err
	}
	out, n, err := s.answer(r.Context(), body, r.URL.Query().Get("site"), s.keySite(requestKey(r)))
	if err != nil {
		return err
	}
	s.logVerdicts(r.Context(), r.URL.Path, out, n, len(body), start)
	return writeJSON(w, http.StatusOK, out)
}

// Direct answers a Lambda direct invoke whose payload is the body of a
// check: the same object POST /v1/check answers, or its error object.
func (s *Server) Direct(ctx context.Context, payload []byte) (answer any) {
	// A panic is an internal error, as on the HTTP routes: logged, and
	// answered "internal error", never a function error with a stack.
	defer func() {
		if v := recover(); v != nil {
			answer = errorBody{s.classify(ctx, "direct invoke", fmt.Errorf("panic: %v\n%s", v, debug.Stack()))}
		}
	}()
	start := time.Now()
	if int64(len(payload)) > s.maxBody {
		return errorBody{s.classify(ctx, "direct invoke", Errorf(CodeBodyTooLarge, "the payload is %d bytes; the limit is %d", len(payload), s.maxBody))}
	}
	out, n, err := s.answer(ctx, payload, "", "")
	if err != nil {
		return errorBody{s.classify(ctx, "direct invoke", err)}
	}
	s.logVerdicts(ctx, "direct invoke", out, n, len(payload), start)
	return out
}

// answer decodes a check body (one comment or a batch) and scores it,
// returning a CheckResult or a BatchResult and the number of comments.
// site (the ?site= parameter) applies unless the body names a site; with
// a key tied to keySite, every comment is keySite's (see scopedSite).
// Between the comments of a batch it checks ctx, so that a request its
// client abandoned, or an invoke past its deadline, stops costing CPU.
func (s *Server) answer(ctx context.Context, body []byte, site, keySite string) (any, int, error) {
	if !utf8.Valid(body) {
		return nil, 0, Errorf(CodeInvalidUTF8, "the body is not valid UTF-8")
	}
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(body, &probe); err != nil {
		return nil, 0, decodeError(err, "the body")
	}
	// Field names match in any case, as encoding/json decodes them.
	field := func(name string) (json.RawMessage, bool) {
		for k, v := range probe {
			if strings.EqualFold(k, name) {
				return v, true
			}
		}
		return nil, false
	}
	if raw, ok := field("comments"); ok {
		// A batch's comments are in its array: a content beside it
		// would be dropped without a word.
		if _, both := field("content"); both {
			return nil, 0, Errorf(CodeInvalidBatch, `a body is one comment ("content") or a batch ("comments"), not both`)
		}
		var b batchRequest
		err := json.Unmarshal(body, &b)
		// A batch's own field of the wrong type ("site": 5) is that
		// field's mistake, not the comments'.
		if te := (*json.UnmarshalTypeError)(nil); errors.As(err, &te) && te.Field != "" && !strings.HasPrefix(te.Field, "comments") {
			return nil, 0, decodeError(err, "the body")
		}
		if err != nil || raw == nil || string(raw) == "null" {
			return nil, 0, Errorf(CodeInvalidBatch, `"comments" must be an array of comment objects`)
		}
		if len(b.Comments) == 0 || len(b.Comments) > MaxBatch {
			return nil, 0, Errorf(CodeInvalidBatch, "a batch holds 1 to %d comments, got %d", MaxBatch, len(b.Comments))
		}
		site, serr := scopedSite(siteOr(b.Site, site), keySite)
		if serr != nil {
			return nil, 0, serr
		}
		res := BatchResult{Results: make([]CheckResult, len(b.Comments)), Model: s.model(site).id}
		for i, c := range b.Comments {
			if err := ctx.Err(); err != nil {
				return nil, 0, fmt.Errorf("batch abandoned after %d of %d comments: %w", i, len(b.Comments), err)
			}
			cm, own, explain, err := decodeComment(c)
			if err != nil {
				err.Message = fmt.Sprintf("comments[%d]: %s", i, err.Message)
				return nil, 0, err
			}
			own, serr := scopedSite(siteOr(own, site), keySite)
			if serr != nil {
				serr.Message = fmt.Sprintf("comments[%d]: %s", i, serr.Message)
				return nil, 0, serr
			}
			res.Results[i] = s.explain(cm, own, explain)
		}
		return res, len(res.Results), nil
	}
	cm, own, explain, err := decodeComment(body)
	if err != nil {
		return nil, 0, err
	}
	own, serr := scopedSite(siteOr(own, site), keySite)
	if serr != nil {
		return nil, 0, serr
	}
	return s.explain(cm, own, explain), 1, nil
}

// siteOr is the site own names, or outer when own is absent or names no
// host (blank, say): the batch's or the query's stays in force. Most
// comments name none, and pay nothing for it.
func siteOr(own, outer string) string {
	if own == "" {
		return outer
	}
	return cmp.Or(labeled.SiteName(own), outer)
}

// decodeComment decodes one comment object, requiring a string content,
// and returns it with the site it names and whether it asks to explain.
func decodeComment(raw json.RawMessage) (model.Comment, string, bool, *Error) {
	var c CheckRequest
	if err := json.Unmarshal(raw, &c); err != nil {
		return model.Comment{}, "", false, decodeError(err, "a comment")
	}
	if err := checkContent(c.Content, raw); err != nil {
		return model.Comment{}, "", false, err
	}
	return model.Comment{Text: *c.Content, Author: c.Author, AuthorEmail: c.AuthorEmail, AuthorURL: c.AuthorURL}, c.Site, c.Explain, nil
}

// explain scores c with site's model and adds the spans of c to the
// answer when asked (an empty list when no word decided).
func (s *Server) explain(c model.Comment, site string, asked bool) CheckResult {
	res := s.score(c, site)
	if asked {
		res.Spans = s.model(site).clf.Explain(c)
		if res.Spans == nil {
			res.Spans = []model.Span{}
		}
	}
	return res
}

// checkContent requires a comment text with something besides white
// space: there is nothing to score, or to learn from, in an empty one.
// raw is the object it was decoded from: one that names the text "text",
// as the training files do, is told the API's name for it.
func checkContent(content *string, raw []byte) *Error {
	if content == nil {
		var alt struct {
			Text *string `json:"text"`
		}
		if json.Unmarshal(raw, &alt) == nil && alt.Text != nil {
			return Errorf(CodeMissingContent, `field "content" (the comment text) is required; this API names it "content", not "text"`)
		}
		return Errorf(CodeMissingContent, `field "content" (the comment text) is required`)
	}
	if strings.TrimSpace(*content) == "" {
		return Errorf(CodeEmptyContent, `field "content" is empty; send the comment's text`)
	}
	return nil
}

// score scores c with the model of site.
func (s *Server) score(c model.Comment, site string) CheckResult {
	m := s.model(site)
	sc := m.clf.Score(c)
	res := CheckResult{Verdict: sc.Verdict, SpamProbability: sc.SpamProbability, LogOdds: sc.LogOdds, Reasons: sc.Reasons, Model: m.id}
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
func (s *Server) logVerdicts(ctx context.Context, route string, out any, n, size int, start time.Time) {
	attrs := []any{"route", route, "comments", n, "bytes", size, "latency_us", time.Since(start).Microseconds()}
	switch v := out.(type) {
	case BatchResult:
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
	case CheckResult:
		attrs = append(attrs, "verdict", v.Verdict, "spam_probability", v.SpamProbability)
		if s.shadow {
			attrs = append(attrs, "shadow_verdict", v.WouldBe)
		}
		s.log.InfoContext(ctx, "checked", attrs...)
	}
}

// readJSON checks the content type and size of a request and returns its
// body.
func (s *Server) readJSON(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	ct := r.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
		return nil, Errorf(CodeUnsupportedMediaType, "send the comment as JSON with Content-Type: application/json (got %q)", clip(ct))
	}
	if r.ContentLength > s.maxBody {
		return nil, Errorf(CodeBodyTooLarge, "the body is %d bytes; the limit is %d", r.ContentLength, s.maxBody)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.maxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, Errorf(CodeBodyTooLarge, "the body is over the limit of %d bytes", s.maxBody)
		}
		return nil, Errorf(CodeUnreadableBody, "could not read the body: %v", err)
	}
	return body, nil
}
