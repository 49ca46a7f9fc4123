package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"unicode"
)

// Error codes. Each is answered with the status the statuses table gives
// it; a handler only says which code and why.
const (
	CodeInvalidJSON          = "invalid_json"
	CodeInvalidUTF8          = "invalid_utf8"
	CodeMissingContent       = "missing_content"
	CodeEmptyContent         = "empty_content"
	CodeInvalidField         = "invalid_field"
	CodeInvalidBatch         = "invalid_batch"
	CodeMissingLabel         = "missing_label"
	CodeInvalidLabel         = "invalid_label"
	CodeUnreadableBody       = "unreadable_body"
	CodeInvalidEvent         = "invalid_event"
	CodeInvalidBase64        = "invalid_base64"
	CodeInvalidRequest       = "invalid_request"
	CodeInvalidForm          = "invalid_form"
	CodeMissingField         = "missing_field"
	CodeUnauthorized         = "unauthorized"
	CodeNotFound             = "not_found"
	CodeMethodNotAllowed     = "method_not_allowed"
	CodeBodyTooLarge         = "body_too_large"
	CodeUnsupportedMediaType = "unsupported_media_type"
	CodeInternal             = "internal"
	CodeFeedbackDisabled     = "feedback_disabled"
	CodeMisdirected          = "misdirected_request"
	CodeForbiddenSite        = "forbidden_site"
)

// status is what one error code answers: the HTTP status of the native
// API, and that of the Akismet routes, whose clients expect 200 and the
// word "invalid" for every mistake of theirs except transport-level ones
// (a body that is not a form, or is too large). Zero means the code is
// never answered on that side.
type status struct{ native, akismet int }

// statuses is the one table from error code to HTTP status.
var statuses = map[string]status{
	CodeInvalidJSON:          {http.StatusBadRequest, 0},
	CodeInvalidUTF8:          {http.StatusBadRequest, http.StatusOK},
	CodeMissingContent:       {http.StatusBadRequest, 0},
	CodeEmptyContent:         {http.StatusBadRequest, http.StatusBadRequest},
	CodeInvalidField:         {http.StatusBadRequest, 0},
	CodeInvalidBatch:         {http.StatusBadRequest, 0},
	CodeMissingLabel:         {http.StatusBadRequest, 0},
	CodeInvalidLabel:         {http.StatusBadRequest, 0},
	CodeUnreadableBody:       {http.StatusBadRequest, http.StatusBadRequest},
	CodeInvalidEvent:         {http.StatusBadRequest, 0},
	CodeInvalidBase64:        {http.StatusBadRequest, 0},
	CodeInvalidRequest:       {http.StatusBadRequest, 0},
	CodeInvalidForm:          {0, http.StatusBadRequest},
	CodeMissingField:         {0, http.StatusOK},
	CodeUnauthorized:         {http.StatusUnauthorized, http.StatusOK},
	CodeNotFound:             {http.StatusNotFound, 0},
	CodeMethodNotAllowed:     {http.StatusMethodNotAllowed, 0},
	CodeBodyTooLarge:         {http.StatusRequestEntityTooLarge, http.StatusRequestEntityTooLarge},
	CodeUnsupportedMediaType: {http.StatusUnsupportedMediaType, http.StatusUnsupportedMediaType},
	CodeInternal:             {http.StatusInternalServerError, http.StatusInternalServerError},
	CodeFeedbackDisabled:     {http.StatusServiceUnavailable, 0},
	CodeMisdirected:          {http.StatusMisdirectedRequest, http.StatusMisdirectedRequest},
	CodeForbiddenSite:        {http.StatusForbidden, http.StatusOK},
}

// Error is a mistake of the caller's: its code and message are safe to
// show and say what to fix. Any other error a handler returns is a fault
// of ours, logged with its detail and answered only "internal error".
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Errorf returns an *Error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Status returns the HTTP status the native API answers code with (500
// for a code it does not know).
func Status(code string) int {
	if st := statuses[code].native; st != 0 {
		return st
	}
	return http.StatusInternalServerError
}

// NativeCodes returns every error code the native API (and the Lambda
// adapter) can answer, with its status.
func NativeCodes() map[string]int {
	out := map[string]int{}
	for code, st := range statuses {
		if st.native != 0 {
			out[code] = st.native
		}
	}
	return out
}

// decodeError says what is wrong with a JSON body that did not decode
// into what (say "a comment"), in the caller's terms: a field of the
// wrong type is invalid_field and names the field; anything else is
// invalid_json. No message names a Go type.
func decodeError(err error, what string) *Error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		if te.Field == "" {
			return Errorf(CodeInvalidJSON, "%s must be a JSON object, not %s", what, te.Value)
		}
		// Field is a path through the Go structs; its last element
		// is the JSON name the caller sent.
		field := te.Field[strings.LastIndexByte(te.Field, '.')+1:]
		return Errorf(CodeInvalidField, "field %q must be %s, not %s", field, jsonKind(te.Type), te.Value)
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return Errorf(CodeInvalidJSON, "%s is not valid JSON: %v (at byte %d)", what, se, se.Offset)
	}
	return Errorf(CodeInvalidJSON, "%s is not valid JSON", what)
}

// jsonKind names what a field of Go type t takes, in JSON's terms.
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8,
		reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	}
	return "an object"
}

// errorBody is the JSON shape of every native error answer.
type errorBody struct {
	Error *Error `json:"error"`
}

// errInternal is what a caller sees of a fault of ours.
var errInternal = &Error{Code: CodeInternal, Message: "internal error"}

// WriteError writes e as a native JSON error answer, without logging. It
// is for the Lambda adapter's answers to events that never became a
// request.
func WriteError(w http.ResponseWriter, e *Error) {
	_ = writeJSON(w, Status(e.Code), errorBody{e}) // the adapter's recorder cannot fail
}

// classify turns a handler's error into what the caller may see, logging
// it: an *Error at Info (a caller's mistake is not our problem), anything
// else at Error with its detail.
func (s *Server) classify(ctx context.Context, route string, err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		s.log.InfoContext(ctx, "request rejected", "route", route, "code", e.Code)
		return e
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		// Nobody is left to read the answer: not a fault of ours.
		s.log.WarnContext(ctx, "request abandoned", "route", route, "error", err.Error())
		return errInternal
	}
	s.log.ErrorContext(ctx, "internal error", "route", route, "error", err.Error())
	return errInternal
}

// nativeError answers err as a JSON error, deciding status, log and body.
func (s *Server) nativeError(w http.ResponseWriter, r *http.Request, err error) {
	if s.writeFailed(r, err) {
		return
	}
	e := s.classify(r.Context(), clip(r.URL.Path), err)
	s.writeFailed(r, writeJSON(w, Status(e.Code), errorBody{e}))
}

// writeFailed logs err if it is a failure to write an answer (the client
// went away), reporting whether it was.
func (s *Server) writeFailed(r *http.Request, err error) bool {
	var we *writeError
	if !errors.As(err, &we) {
		return false
	}
	s.log.WarnContext(r.Context(), "answer not delivered", "route", clip(r.URL.Path), "error", we.err.Error())
	return true
}

// akismetError answers err the way Akismet does: the word "invalid" with
// the message in X-akismet-debug-help, or a bare "internal error".
func (s *Server) akismetError(w http.ResponseWriter, r *http.Request, err error) {
	if s.writeFailed(r, err) {
		return
	}
	e := s.classify(r.Context(), clip(r.URL.Path), err)
	st := statuses[e.Code].akismet
	if st == 0 || e.Code == CodeInternal {
		s.writeFailed(r, writeText(w, http.StatusInternalServerError, "internal error"))
		return
	}
	w.Header().Set("X-akismet-debug-help", headerValue(e.Message))
	s.writeFailed(r, writeText(w, st, "invalid"))
}

// headerValue returns s fit for a header value whatever the request put
// in it: control characters, C0 and C1 (a line break that would start a
// header of the caller's choosing, a NUL that clients refuse), and the
// Unicode line and paragraph separators become spaces, and bytes that
// are not UTF-8 the replacement character. net/http does part of this
// for the local server; a Lambda answer's headers are a map the function
// fills itself. The messages quote what they name from the request
// (%+q) already: this is the guard for one that does not.
func headerValue(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}

// handlerFunc is a route that says what went wrong by returning an error;
// the wrapper decides status, logging and body.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// native wraps a native route.
func (s *Server) native(h handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.nativeError(w, r, err)
		}
	}
}

// akismet wraps an Akismet route.
func (s *Server) akismet(h handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.akismetError(w, r, err)
		}
	}
}

// safeHeaders are set on every answer: answers are never sniffed as
// another type, and never cached (they depend on the model in force).
func safeHeaders(h http.Header) {
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
}

// writeJSON writes v as the answer. Encoding our own values cannot fail;
// a write error means the client is gone, and there is no one left to
// answer, so it is only reported to the caller for logging.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"error":{"code":"internal","message":"internal error"}}`)
	}
	safeHeaders(w.Header())
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)+1))
	w.WriteHeader(status)
	if _, werr := w.Write(append(b, '\n')); werr != nil {
		return &writeError{werr}
	}
	if err != nil {
		return fmt.Errorf("encode answer: %w", err)
	}
	return nil
}

func writeText(w http.ResponseWriter, status int, body string) error {
	safeHeaders(w.Header())
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if _, err := io.WriteString(w, body); err != nil {
		return &writeError{err}
	}
	return nil
}

// writeError is a failure to send an answer already begun: it is logged,
// never answered.
type writeError struct{ err error }

func (e *writeError) Error() string { return "write answer: " + e.err.Error() }
func (e *writeError) Unwrap() error { return e.err }
