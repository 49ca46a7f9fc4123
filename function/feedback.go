package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spamcheck/spamcheck/model"
	"github.com/spamcheck/spamcheck/model/labeled"
)

// feedbackRecord is one moderator decision, stored as one line of JSON in
// the format `training train` reads (text, label and the author fields);
// the other fields are context for whoever curates the data and are
// ignored by training.
//
// Personal data: the author's name and URL are kept, since they are public
// on the comment and the model learns from them; of the e-mail address
// only the domain is kept ("@example.org"), which is all the model uses;
// the commenter's IP address and user agent are never stored.
type feedbackRecord = labeled.Record

// emailDomain reduces an e-mail address to "@domain".
func emailDomain(email string) string {
	email = strings.TrimSpace(email)
	at := strings.LastIndexByte(email, '@')
	if at < 0 || at == len(email)-1 {
		return ""
	}
	return "@" + strings.ToLower(email[at+1:])
}

// feedbackStore keeps feedback records. Records are only ever written:
// nothing reads them back into the running model, so feedback cannot
// poison it; an operator retrains explicitly.
type feedbackStore interface {
	put(ctx context.Context, key string, data []byte) error
	String() string
}

// errNoFeedbackStore is returned when no store is configured.
var errNoFeedbackStore = errors.New("feedback storage is not configured (set FEEDBACK_BUCKET or FEEDBACK_DIR)")

// saveFeedback stores one record under a new key:
// YYYY/MM/DD/<time>-<random>.jsonl, so a day's feedback sorts in arrival
// order and concurrent writers never collide.
func (s *server) saveFeedback(ctx context.Context, rec feedbackRecord) (string, error) {
	if s.feedback == nil {
		return "", errNoFeedbackStore
	}
	line, err := labeled.MarshalLine(rec)
	if err != nil {
		return "", err
	}
	var rnd [6]byte
	rand.Read(rnd[:])
	t := rec.ReceivedAt.UTC()
	key := path.Join(t.Format("2006/01/02"), t.Format("150405.000000000")+"-"+hex.EncodeToString(rnd[:])+".jsonl")
	if err := s.feedback.put(ctx, key, line); err != nil {
		return "", fmt.Errorf("store feedback in %s: %w", s.feedback, err)
	}
	return key, nil
}

// dirStore keeps records as files under a directory, for running locally.
type dirStore struct{ dir string }

func (d dirStore) String() string { return d.dir }

func (d dirStore) put(_ context.Context, key string, data []byte) error {
	name := filepath.Join(d.dir, filepath.FromSlash(key))
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	// Write to a temporary name and rename, so `training train` never
	// reads half a record.
	tmp := name + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, name)
}

// feedbackRequest is the body of POST /v1/feedback: a comment, its
// metadata and the moderator's label.
type feedbackRequest struct {
	checkRequest
	Label *string `json:"label"`
}

func (s *server) postFeedback(w http.ResponseWriter, r *http.Request) {
	body, aerr := s.readJSON(w, r)
	if aerr == nil && !utf8.Valid(body) {
		aerr = errorf(http.StatusBadRequest, "invalid_utf8", "the body is not valid UTF-8")
	}
	var req feedbackRequest
	if aerr == nil {
		if err := json.Unmarshal(body, &req); err != nil {
			aerr = errorf(http.StatusBadRequest, "invalid_json", "the body is not a feedback object: %v", err)
		}
	}
	var label model.Label
	switch {
	case aerr != nil:
	case req.Content == nil:
		aerr = errorf(http.StatusBadRequest, "missing_content", `field "content" (the comment text) is required`)
	case req.Label == nil:
		aerr = errorf(http.StatusBadRequest, "missing_label", `field "label" ("spam" or "ham") is required`)
	default:
		var err error
		if label, err = model.ParseLabel(*req.Label); err != nil {
			aerr = errorf(http.StatusBadRequest, "invalid_label", `"label" must be "spam" or "ham", got %q`, *req.Label)
		}
	}
	if aerr != nil {
		s.log.InfoContext(r.Context(), "feedback rejected", "status", aerr.Status, "code", aerr.Code)
		writeError(w, aerr)
		return
	}
	key, err := s.saveFeedback(r.Context(), feedbackRecord{
		Text: *req.Content, Label: label, Author: req.Author, AuthorURL: req.AuthorURL,
		AuthorEmail: emailDomain(req.AuthorEmail), Permalink: req.Permalink, Type: req.Type,
		Source: "api", ReceivedAt: time.Now(), Model: s.modelID,
	})
	if errors.Is(err, errNoFeedbackStore) {
		writeError(w, errorf(http.StatusServiceUnavailable, "feedback_disabled", "%v", err))
		return
	}
	if err != nil {
		s.log.ErrorContext(r.Context(), "feedback not stored", "error", err.Error())
		writeError(w, errorf(http.StatusInternalServerError, "internal", "internal error"))
		return
	}
	s.log.InfoContext(r.Context(), "feedback stored", "label", label, "key", key, "bytes", len(body))
	writeJSON(w, http.StatusAccepted, map[string]any{"stored": true, "id": key})
}
