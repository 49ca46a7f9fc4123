package main

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/spamcheck/spamcheck/model"
)

// Akismet wire compatibility: the routes, parameter names and answers of
// Akismet's REST API 1.1, so a platform that already speaks Akismet switches
// by changing a host name.
//
// Akismet answers in plain text with status 200, errors included ("invalid"
// plus an X-akismet-debug-help header), and clients parse exactly that; so
// do we, except that a wrong content type or an oversized body also carries
// its HTTP status (415, 413).

// Akismet's documented test triggers.
const (
	akismetSpamAuthor = "viagra-test-123"
	akismetSpamEmail  = "akismet-guaranteed-spam@example.com"
	akismetThanks     = "Thanks for making the web a better place."
)

func (s *server) akismetRoutes() {
	s.mux.HandleFunc("POST /1.1/verify-key", s.akismetVerifyKey)
	s.mux.HandleFunc("POST /1.1/comment-check", s.akismetCommentCheck)
	s.mux.HandleFunc("POST /1.1/submit-spam", func(w http.ResponseWriter, r *http.Request) { s.akismetSubmit(w, r, model.Spam) })
	s.mux.HandleFunc("POST /1.1/submit-ham", func(w http.ResponseWriter, r *http.Request) { s.akismetSubmit(w, r, model.Ham) })
}

// akismetInvalid answers Akismet's error: "invalid" and a hint for the
// developer.
func akismetInvalid(w http.ResponseWriter, status int, help string) {
	w.Header().Set("X-akismet-debug-help", help)
	writeText(w, status, "invalid")
}

func writeText(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write([]byte(body))
}

// akismetForm parses a form-encoded Akismet request within the body limit,
// answering the error itself when it cannot.
func (s *server) akismetForm(w http.ResponseWriter, r *http.Request) (url.Values, bool) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/x-www-form-urlencoded" {
		akismetInvalid(w, http.StatusUnsupportedMediaType, "Send the parameters form-encoded (Content-Type: application/x-www-form-urlencoded).")
		return nil, false
	}
	if r.ContentLength > s.maxBody {
		akismetInvalid(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("The request body is over the limit of %d bytes.", s.maxBody))
		return nil, false
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.maxBody)
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			akismetInvalid(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("The request body is over the limit of %d bytes.", s.maxBody))
			return nil, false
		}
		akismetInvalid(w, http.StatusBadRequest, "The request body is not valid form encoding.")
		return nil, false
	}
	return r.PostForm, true
}

// akismetKey returns the API key of a request: the api_key field, the older
// key field, or — as Akismet's first clients send it — the first label of
// the host name (KEY.rest.akismet.com) when that is a configured key (any
// host name has a first label: API Gateway's is the API's id).
func (s *server) akismetKey(r *http.Request, form url.Values) string {
	if k := form.Get("api_key"); k != "" {
		return k
	}
	if k := form.Get("key"); k != "" {
		return k
	}
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if label, rest, ok := strings.Cut(host, "."); ok && rest != "" && net.ParseIP(host) == nil && s.validKey(label) {
		return label
	}
	return ""
}

// validKey reports whether key is one of the configured API keys, in time
// independent of where a wrong key differs.
func (s *server) validKey(key string) bool {
	ok := false
	for _, k := range s.keys {
		if subtle.ConstantTimeCompare([]byte(k), []byte(key)) == 1 {
			ok = true
		}
	}
	return key != "" && ok
}

// akismetAuth checks the key and the required fields, answering the error
// itself when one fails.
func (s *server) akismetAuth(w http.ResponseWriter, r *http.Request, form url.Values, required ...string) bool {
	key := s.akismetKey(r, form)
	switch {
	case len(s.keys) == 0:
		akismetInvalid(w, http.StatusOK, "No API keys are configured on this server (API_KEYS).")
		return false
	case key == "":
		akismetInvalid(w, http.StatusOK, `Empty "api_key" value.`)
		return false
	case !s.validKey(key):
		akismetInvalid(w, http.StatusOK, "Your API key is not valid.")
		return false
	}
	for _, f := range required {
		if strings.TrimSpace(form.Get(f)) == "" {
			akismetInvalid(w, http.StatusOK, fmt.Sprintf("Missing required field: %s.", f))
			return false
		}
	}
	return true
}

func (s *server) akismetVerifyKey(w http.ResponseWriter, r *http.Request) {
	form, ok := s.akismetForm(w, r)
	if !ok {
		return
	}
	valid := s.akismetAuth(w, r, form)
	s.log.InfoContext(r.Context(), "akismet verify-key", "valid", valid)
	if valid {
		writeText(w, http.StatusOK, "valid")
	}
}

// commentFromForm reads the comment fields Akismet clients send.
func commentFromForm(form url.Values) model.Comment {
	return model.Comment{
		Text:        form.Get("comment_content"),
		Author:      form.Get("comment_author"),
		AuthorEmail: form.Get("comment_author_email"),
		AuthorURL:   form.Get("comment_author_url"),
	}
}

func (s *server) akismetCommentCheck(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	form, ok := s.akismetForm(w, r)
	if !ok || !s.akismetAuth(w, r, form, "blog", "user_ip") {
		s.log.InfoContext(r.Context(), "akismet comment-check rejected")
		return
	}
	w.Header().Set("X-akismet-guid", newGUID())
	cm := commentFromForm(form)
	var spam, discard bool
	var why string
	var prob float64
	switch {
	case strings.EqualFold(cm.Author, akismetSpamAuthor) || strings.EqualFold(cm.AuthorEmail, akismetSpamEmail):
		spam, prob, why = true, 1, "akismet test trigger"
	case form.Get("user_role") == "administrator":
		spam, prob, why = false, 0, "akismet test trigger (administrator)"
	case honeypotFilled(form):
		spam, discard, prob, why = true, true, 1, "honeypot field filled"
	default:
		res := s.score(cm)
		verdict := res.Verdict
		if s.shadow {
			verdict = res.WouldBe
		}
		prob = res.SpamProbability
		spam = verdict != model.Keep
		discard = verdict == model.Reject && prob >= s.discard
		why = reasonsHeader(res.Reasons)
		if s.shadow {
			w.Header().Set("X-Spamcheck-Shadow-Verdict", string(verdict))
			spam, discard = false, false
		}
	}
	w.Header().Set("X-Spamcheck-Probability", strconv.FormatFloat(prob, 'f', 6, 64))
	w.Header().Set("X-Spamcheck-Reasons", why)
	if discard {
		w.Header().Set("X-akismet-pro-tip", "discard")
	}
	s.log.InfoContext(r.Context(), "akismet comment-check", "spam", spam, "discard", discard,
		"spam_probability", prob, "bytes", len(cm.Text), "latency_us", time.Since(start).Microseconds())
	writeText(w, http.StatusOK, strconv.FormatBool(spam))
}

// honeypotFilled reports whether the form's honeypot field, a field hidden
// from people that bots fill in, has a value.
func honeypotFilled(form url.Values) bool {
	name := form.Get("honeypot_field_name")
	return name != "" && strings.TrimSpace(form.Get(name)) != ""
}

// reasonsHeader renders reasons as "token=weight; token=weight", tokens
// percent-encoded so the header stays ASCII.
func reasonsHeader(rs []model.Reason) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = url.QueryEscape(r.Token) + "=" + strconv.FormatFloat(r.Weight, 'f', 3, 64)
	}
	return strings.Join(parts, "; ")
}

func newGUID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func (s *server) akismetSubmit(w http.ResponseWriter, r *http.Request, label model.Label) {
	form, ok := s.akismetForm(w, r)
	if !ok || !s.akismetAuth(w, r, form, "blog", "user_ip") {
		s.log.InfoContext(r.Context(), "akismet submit rejected", "label", label)
		return
	}
	cm := commentFromForm(form)
	if form.Get("is_test") == "1" || form.Get("is_test") == "true" {
		s.log.InfoContext(r.Context(), "akismet submit (test, not stored)", "label", label)
		writeText(w, http.StatusOK, akismetThanks)
		return
	}
	key, err := s.saveFeedback(r.Context(), feedbackRecord{
		Text: cm.Text, Label: label, Author: cm.Author, AuthorURL: cm.AuthorURL,
		AuthorEmail: emailDomain(cm.AuthorEmail), Permalink: form.Get("permalink"), Type: form.Get("comment_type"),
		Source: "akismet", ReceivedAt: time.Now(), Model: s.modelID,
	})
	switch {
	case errors.Is(err, errNoFeedbackStore):
		// Akismet clients treat anything but the thanks as failure;
		// the operator learns from the log that nothing was kept.
		s.log.WarnContext(r.Context(), "akismet submit not stored: "+err.Error(), "label", label)
	case err != nil:
		s.log.ErrorContext(r.Context(), "akismet submit not stored", "label", label, "error", err.Error())
		writeText(w, http.StatusInternalServerError, "internal error")
		return
	default:
		s.log.InfoContext(r.Context(), "feedback stored", "label", label, "key", key, "source", "akismet")
	}
	writeText(w, http.StatusOK, akismetThanks)
}
