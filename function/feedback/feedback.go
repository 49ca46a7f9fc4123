// Package feedback is where moderator decisions go: the record format,
// which `training train` reads, and the stores that keep records (a
// directory here; S3 in package s3store, so that only that package
// imports the AWS SDK).
//
// Records are only ever written: nothing reads them back into the running
// model, so feedback cannot poison it; an operator retrains explicitly.
package feedback

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/spamcheck/spamcheck/model"
)

// Record is one moderator decision, stored as one line of JSON in the
// format `training train` reads (text, label and the author fields); the
// other fields are context for whoever curates the data and are ignored by
// training.
//
// Personal data: the author's name and URL are kept, since they are public
// on the comment and the model learns from them; of the e-mail address
// only the domain is kept ("@example.org", see EmailDomain), which is all
// the model uses; the commenter's IP address and user agent are never
// stored.
type Record struct {
	Text        string      `json:"text"`
	Label       model.Label `json:"label"`
	Author      string      `json:"author,omitempty"`
	AuthorURL   string      `json:"author_url,omitempty"`
	AuthorEmail string      `json:"author_email,omitempty"`
	Permalink   string      `json:"permalink,omitempty"`
	Type        string      `json:"type,omitempty"`
	Source      string      `json:"source"`
	ReceivedAt  time.Time   `json:"received_at"`
	Model       string      `json:"model"`
}

// EmailDomain reduces an e-mail address to "@domain".
func EmailDomain(email string) string {
	email = strings.TrimSpace(email)
	at := strings.LastIndexByte(email, '@')
	if at < 0 || at == len(email)-1 {
		return ""
	}
	return "@" + strings.ToLower(email[at+1:])
}

// Store keeps records under keys.
type Store interface {
	Put(ctx context.Context, key string, data []byte) error
	String() string
}

// Save stores one record under a new key, YYYY/MM/DD/<time>-<random>.jsonl,
// so a day's feedback sorts in arrival order and concurrent writers never
// collide, and returns the key.
func Save(ctx context.Context, st Store, rec Record) (string, error) {
	line, err := json.Marshal(rec)
	if err != nil {
		return "", err
	}
	var rnd [6]byte
	rand.Read(rnd[:])
	t := rec.ReceivedAt.UTC()
	key := path.Join(t.Format("2006/01/02"), t.Format("150405.000000000")+"-"+hex.EncodeToString(rnd[:])+".jsonl")
	if err := st.Put(ctx, key, append(line, '\n')); err != nil {
		return "", fmt.Errorf("store feedback in %s: %w", st, err)
	}
	return key, nil
}

// Dir keeps records as files under a directory, for running locally.
type Dir struct{ dir string }

// OpenDir returns the store in dir, creating dir if needed.
func OpenDir(dir string) (*Dir, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return &Dir{dir}, nil
}

func (d *Dir) String() string { return d.dir }

// Put writes data to the file named by key under the directory.
func (d *Dir) Put(_ context.Context, key string, data []byte) error {
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
