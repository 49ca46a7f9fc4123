package api

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spamcheck/spamcheck/function/feedback"
	"github.com/spamcheck/spamcheck/model"
	"github.com/spamcheck/spamcheck/model/labeled"
)

// Akismet wire compatibility: the routes, parameter names and answers of
// Akismet's REST API 1.1, so a platform that already speaks Akismet switches
// by changing a host name.
//
// Akismet answers in plain text with status 200, errors included ("invalid"
// plus an X-akismet-debug-help header), and clients parse exactly that; so
// do we, except that a wrong content type, an oversized body or a body that
// is not form encoding also carries its HTTP status (415, 413, 400).

// Akismet's documented test triggers.
const (
	akismetSpamAuthor = "viagra-test-123"
	akismetSpamEmail  = "akismet-guaranteed-spam@example.com"
	// AkismetThanks is what submit-spam and submit-ham answer.
	AkismetThanks = "Thanks for making the web a better place."
)

// akismetForm parses a form-encoded Akismet request within the body limit.
func (s *Server) akismetForm(w http.ResponseWriter, r *http.Request) (url.Values, error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/x-www-form-urlencoded" {
		return nil, Errorf(CodeUnsupportedMediaType, "Send the parameters form-encoded (Content-Type: application/x-www-form-urlencoded).")
	}
	tooLarge := Errorf(CodeBodyTooLarge, "The request body is over the limit of %d bytes.", s.maxBody)
	if r.ContentLength > s.maxBody {
		return nil, tooLarge
	}
	// The body alone: Akismet's parameters come in it, and a query
	// string that does not parse is not the body's fault.
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.maxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, tooLarge
		}
		return nil, Errorf(CodeUnreadableBody, "The request body could not be read: %v", err)
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, Errorf(CodeInvalidForm, "The request body is not valid form encoding.")
	}
	return form, decodeCharset(form)
}

// latin1Names are the blog_charset values read as Windows-1252, as
// browsers read ISO-8859-1 (WHATWG's Encoding Standard): the charsets of
// the older blogs that do not send UTF-8. golang.org/x/text has every
// encoding, but linking its tables (charmap's alone) takes the arm64
// bootstrap over its 10 MB budget, so this one is a table of 32 runes.
var latin1Names = []string{"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "windows-1252", "cp1252", "us-ascii", "ascii"}

// cp1252 is what Windows-1252 puts at 0x80–0x9F (U+FFFD where it puts
// nothing); every other byte is the code point of its value.
var cp1252 = [32]rune{
	'€', '\ufffd', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\ufffd', 'Ž', '\ufffd',
	'\ufffd', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\ufffd', 'ž', 'Ÿ',
}

// fromCP1252 decodes s from Windows-1252.
func fromCP1252(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x80 && c < 0xa0 {
			b.WriteRune(cp1252[c-0x80])
		} else {
			b.WriteRune(rune(c))
		}
	}
	return b.String()
}

// decodeCharset turns form's values into UTF-8 from the encoding its
// blog_charset names when it is Latin-1 or Windows-1252 (a blog in
// ISO-8859-1 sends "café" as caf%E9), and refuses a value that is still
// not UTF-8: the text is scored and may be stored for training, where a
// replacement character would stand in for what was written.
func decodeCharset(form url.Values) error {
	if cs := strings.ToLower(strings.TrimSpace(form.Get("blog_charset"))); slices.Contains(latin1Names, cs) {
		for _, vs := range form {
			for i, v := range vs {
				if !utf8.ValidString(v) {
					vs[i] = fromCP1252(v)
				}
			}
		}
	}
	for name, vs := range form {
		for _, v := range vs {
			if !utf8.ValidString(v) {
				return Errorf(CodeInvalidUTF8, "%+q is not valid UTF-8: send UTF-8, or say blog_charset=ISO-8859-1 or Windows-1252 if it is one of those.", clip(name))
			}
		}
	}
	return nil
}

// akismetKey returns the API key of a request: the api_key field, the older
// key field, or — as Akismet's first clients send it — the first label of
// the host name (KEY.rest.akismet.com) when that is a configured key (any
// host name has a first label: API Gateway's is the API's id).
func (s *Server) akismetKey(r *http.Request, form url.Values) string {
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

// akismetRequest parses the form and checks the key and the required
// fields.
func (s *Server) akismetRequest(w http.ResponseWriter, r *http.Request, required ...string) (url.Values, error) {
	form, err := s.akismetForm(w, r)
	if err != nil {
		return nil, err
	}
	key := s.akismetKey(r, form)
	switch {
	case len(s.keys) == 0:
		return nil, Errorf(CodeUnauthorized, "No API keys are configured on this server (API_KEYS).")
	case key == "":
		return nil, Errorf(CodeUnauthorized, `Empty "api_key" value.`)
	case !s.validKey(key):
		return nil, Errorf(CodeUnauthorized, "Your API key is not valid.")
	}
	for _, f := range required {
		if strings.TrimSpace(form.Get(f)) == "" {
			return nil, Errorf(CodeMissingField, "Missing required field: %s.", f)
		}
	}
	return form, nil
}

func (s *Server) akismetVerifyKey(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.akismetRequest(w, r); err != nil {
		return err
	}
	s.log.InfoContext(r.Context(), "akismet verify-key", "valid", true)
	return writeText(w, http.StatusOK, "valid")
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

func (s *Server) akismetCommentCheck(w http.ResponseWriter, r *http.Request) error {
	start := time.Now()
	form, err := s.akismetRequest(w, r, "blog", "user_ip")
	if err != nil {
		return err
	}
	w.Header().Set("X-akismet-guid", newGUID())
	cm := commentFromForm(form)
	// verdict is what enforcement answers; in shadow mode every answer
	// is false, test triggers included, and the header says what
	// enforcement would have answered.
	var verdict model.Verdict
	var discard bool
	var why string
	var prob float64
	switch {
	case strings.EqualFold(cm.Author, akismetSpamAuthor) || strings.EqualFold(cm.AuthorEmail, akismetSpamEmail):
		verdict, prob, why = model.Reject, 1, "akismet test trigger"
	case form.Get("user_role") == "administrator":
		verdict, prob, why = model.Keep, 0, "akismet test trigger (administrator)"
	case honeypotFilled(form):
		verdict, discard, prob, why = model.Reject, true, 1, "honeypot field filled"
	default:
		site, serr := scopedSite(form.Get("blog"), s.keySite(s.akismetKey(r, form)))
		if serr != nil {
			return serr
		}
		res := s.score(cm, site)
		verdict = res.Verdict
		if s.shadow {
			verdict = res.WouldBe
		}
		prob = res.SpamProbability
		discard = verdict == model.Reject && prob >= s.discard
		why = reasonsHeader(res.Reasons)
	}
	spam := verdict != model.Keep
	attrs := []any{}
	if s.shadow {
		w.Header().Set("X-Spamcheck-Shadow-Verdict", string(verdict))
		attrs = append(attrs, "shadow_verdict", verdict, "shadow_spam", spam)
		spam, discard = false, false
	}
	w.Header().Set("X-Spamcheck-Probability", strconv.FormatFloat(prob, 'f', 6, 64))
	w.Header().Set("X-Spamcheck-Reasons", why)
	if discard {
		w.Header().Set("X-akismet-pro-tip", "discard")
	}
	s.log.InfoContext(r.Context(), "akismet comment-check", append([]any{"spam", spam, "discard", discard,
		"spam_probability", prob, "bytes", len(cm.Text), "latency_us", time.Since(start).Microseconds()}, attrs...)...)
	return writeText(w, http.StatusOK, strconv.FormatBool(spam))
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

// isTest reports whether a submission says it is a test (is_test): any
// value of the field but an empty one or a no ("0", "false", "no", "off",
// in any case), as clients send it: "1", "true", Python's "True". A test
// must never become training data, so a field given twice is a test if
// either says so.
func isTest(form url.Values) bool {
	for _, v := range form["is_test"] {
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "", "0", "false", "no", "off":
		default:
			return true
		}
	}
	return false
}

// akismetSubmit returns the handler of submit-spam or submit-ham.
func (s *Server) akismetSubmit(label model.Label) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		form, err := s.akismetRequest(w, r, "blog", "user_ip")
		if err != nil {
			return err
		}
		cm := commentFromForm(form)
		site, serr := scopedSite(form.Get("blog"), s.keySite(s.akismetKey(r, form)))
		if serr != nil {
			return serr
		}
		if strings.TrimSpace(cm.Text) == "" {
			return Errorf(CodeEmptyContent, "comment_content is empty; send the comment's text.")
		}
		switch {
		case isTest(form):
			s.log.InfoContext(r.Context(), "akismet submit (test, not stored)", "label", label)
			w.Header().Set("X-Spamcheck-Feedback", "not-stored")
		case s.feedback == nil:
			// Akismet clients treat anything but the thanks as
			// failure; the operator learns from the log that nothing
			// was kept.
			s.log.WarnContext(r.Context(), "akismet submit not stored: "+errNoFeedbackStore.Message, "label", label)
			w.Header().Set("X-Spamcheck-Feedback", "not-stored")
		default:
			keyID, err := s.writer(r, s.akismetKey(r, form))
			if err != nil {
				return err
			}
			if site != "" && labeled.SiteName(site) == "" {
				s.warnNoSite(r, site)
			}
			key, err := feedback.Save(r.Context(), s.feedback, feedback.Record{
				Text: cm.Text, Label: label, Author: cm.Author, AuthorURL: cm.AuthorURL,
				AuthorEmail: feedback.EmailDomain(cm.AuthorEmail), Permalink: form.Get("permalink"), Type: form.Get("comment_type"),
				Site: labeled.SiteName(site), Source: "akismet", ReceivedAt: time.Now(), Model: s.model(site).id, KeyID: keyID,
			})
			if err != nil {
				return err
			}
			s.log.InfoContext(r.Context(), "feedback stored", "label", label, "key", key, "source", "akismet")
			w.Header().Set("X-Spamcheck-Feedback", "stored")
		}
		return writeText(w, http.StatusOK, AkismetThanks)
	}
}
