package api

import (
	"cmp"
	"encoding/json"
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/spamcheck/spamcheck/function/feedback"
	"github.com/spamcheck/spamcheck/model"
	"github.com/spamcheck/spamcheck/model/labeled"
)

// errNoFeedbackStore says that feedback is not stored.
var errNoFeedbackStore = Errorf(CodeFeedbackDisabled, "feedback storage is not configured (set FEEDBACK_BUCKET or FEEDBACK_DIR)")

// feedbackRequest is the body of POST /v1/feedback: a comment, its
// metadata and the moderator's label.
type feedbackRequest struct {
	CheckRequest
	Label *string `json:"label"`
}

func (s *Server) postFeedback(w http.ResponseWriter, r *http.Request) error {
	body, err := s.readJSON(w, r)
	if err != nil {
		return err
	}
	if !utf8.Valid(body) {
		return Errorf(CodeInvalidUTF8, "the body is not valid UTF-8")
	}
	var req feedbackRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return decodeError(err, "the body")
	}
	if err := checkContent(req.Content, body); err != nil {
		return err
	}
	if req.Label == nil {
		return Errorf(CodeMissingLabel, `field "label" ("spam" or "ham") is required`)
	}
	// Exactly the two words: the readers of data files take aliases
	// (1, yes, junk, legit…), but here a "no" or a "false" meant as
	// something else would go into training data without an error.
	label := model.Label(*req.Label)
	if label != model.Spam && label != model.Ham {
		return Errorf(CodeInvalidLabel, `"label" must be "spam" or "ham", got %q`, clip(*req.Label))
	}
	if s.feedback == nil {
		return errNoFeedbackStore
	}
	keyID, err := s.writer(r, requestKey(r))
	if err != nil {
		return err
	}
	// As in /v1/check: the body's site, or ?site= when it names none.
	// A key that is one site's stores that site's records only.
	site, serr := scopedSite(siteOr(req.Site, labeled.SiteName(r.URL.Query().Get("site"))), s.keySite(requestKey(r)))
	if serr != nil {
		return serr
	}
	if given := cmp.Or(req.Site, r.URL.Query().Get("site")); site == "" && given != "" {
		s.warnNoSite(r, given)
	}
	key, err := feedback.Save(r.Context(), s.feedback, feedback.Record{
		Text: *req.Content, Label: label, Author: req.Author, AuthorURL: req.AuthorURL,
		AuthorEmail: feedback.EmailDomain(req.AuthorEmail), Permalink: req.Permalink, Type: req.Type,
		Site: site, Source: "api", ReceivedAt: time.Now(), Model: s.model(site).id, KeyID: keyID,
	})
	if err != nil {
		return err
	}
	s.log.InfoContext(r.Context(), "feedback stored", "label", label, "key", key, "bytes", len(body))
	answer := map[string]any{"stored": true, "id": key}
	if site != "" {
		answer["site"] = site // what -site selects it by
	}
	return writeJSON(w, http.StatusAccepted, answer)
}

// warnNoSite logs a feedback record stored without a site although the
// request gave one: a name that names no host (an internationalized one
// not in its xn-- form, say), which train -site will never select.
func (s *Server) warnNoSite(r *http.Request, given string) {
	s.log.WarnContext(r.Context(), "feedback stored without a site: the site given names no host (xn-- form?)", "site", clip(given))
}
