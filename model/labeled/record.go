// Package labeled reads and writes labeled comments, the training data of
// spamcheck: the JSON Lines record that the function's feedback store writes
// and that the training command reads, and the readers for the three file
// formats training accepts (JSON Lines, CSV with a header, TSV).
//
// A record is one JSON object per line:
//
//	{"text": "...", "label": "spam", "author": "...", "author_url": "...",
//	 "author_email": "@example.org", "site": "blog.example.com", "key_id": "...",
//	 "permalink": "...", "type": "comment", "source": "api",
//	 "received_at": "2026-01-02T03:04:05Z", "model": "nb-..."}
//
// Only "text" and "label" are required. The readers are lenient where people
// and other tools write the format differently: the text may be under
// "content", and the label may be a number or a boolean in any spelling
// model.ParseLabel accepts. The writer always writes the canonical form.
package labeled

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/spamcheck/spamcheck/model"
)

// Record is one labeled comment, with the context it was labeled in. Text,
// Label and the author fields are what the model learns from; the others
// are for whoever curates the data, and training ignores them.
type Record struct {
	Text        string      `json:"text"`
	Label       model.Label `json:"label"`
	Author      string      `json:"author,omitempty"`
	AuthorURL   string      `json:"author_url,omitempty"`
	AuthorEmail string      `json:"author_email,omitempty"`
	// Site is the host name of the site that sent the comment.
	Site string `json:"site,omitempty"`
	// KeyID is an opaque identifier of the API key the record was stored
	// with: it tells keys apart without revealing them.
	KeyID     string `json:"key_id,omitempty"`
	Permalink string `json:"permalink,omitempty"`
	// Type is the platform's comment type ("comment", "reply", …).
	Type string `json:"type,omitempty"`
	// Source names what stored the record ("api", "akismet").
	Source     string    `json:"source,omitempty"`
	ReceivedAt time.Time `json:"received_at,omitzero"`
	// Model is the ID of the model in force when the record was stored.
	Model string `json:"model,omitempty"`
}

// Comment returns the part of r the model reads.
func (r Record) Comment() model.Comment {
	return model.Comment{Text: r.Text, Author: r.Author, AuthorEmail: r.AuthorEmail, AuthorURL: r.AuthorURL}
}

// Example returns r as a training example.
func (r Record) Example() model.Example {
	return model.Example{Comment: r.Comment(), Label: r.Label}
}

// ErrNoLabel is returned by MarshalLine for a record that is neither spam
// nor ham: the readers would skip it.
var ErrNoLabel = errors.New("labeled: record label must be spam or ham")

// MarshalLine returns r as one line of JSON Lines, newline included, in the
// form Read and Decode read back.
func MarshalLine(r Record) ([]byte, error) {
	if r.Label != model.Spam && r.Label != model.Ham {
		return nil, fmt.Errorf("%w, got %q", ErrNoLabel, r.Label)
	}
	b, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// LabelError reports a record whose label is missing or not a label; the
// rest of the record was decoded, so a caller that needs no label (such as
// a classifier) can use it.
type LabelError struct{ Reason string }

func (e *LabelError) Error() string { return e.Reason }

// fields is Record without its methods, so that Decode can embed it.
type fields Record

// Decode parses one line of JSON Lines. It requires a JSON object with a
// "text" (or "content") string; the label may be a string, a number or a
// boolean. A missing or unknown label is a *LabelError, returned with the
// rest of the record decoded.
func Decode(line []byte) (Record, error) {
	// Text and Label here shadow the fields of the same JSON names in
	// fields, so that the lenient forms can be told apart.
	var w struct {
		fields
		Text    *string `json:"text"`
		Content *string `json:"content"`
		Label   any     `json:"label"`
	}
	if err := json.Unmarshal(line, &w); err != nil {
		return Record{}, fmt.Errorf("bad JSON: %w", err)
	}
	r := Record(w.fields)
	text := w.Text
	if text == nil {
		text = w.Content
	}
	if text == nil {
		return Record{}, errors.New(`no "text" field`)
	}
	r.Text = *text
	var label string
	switch v := w.Label.(type) {
	case string:
		label = v
	case float64, bool:
		label = fmt.Sprint(v)
	case nil:
		return r, &LabelError{`no "label" field`}
	default:
		return r, &LabelError{fmt.Sprintf("label %v is not a string", v)}
	}
	l, err := parseLabel(label)
	if err != nil {
		return r, err
	}
	r.Label = l
	return r, nil
}

// parseLabel is model.ParseLabel with the readers' error message.
func parseLabel(s string) (model.Label, error) {
	l, err := model.ParseLabel(s)
	if err != nil {
		return "", &LabelError{fmt.Sprintf("label %q is neither spam nor ham", s)}
	}
	return l, nil
}
