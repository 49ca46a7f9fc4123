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
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/spamcheck/spamcheck/model/labeled"
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
type Record = labeled.Record

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
	line, err := labeled.MarshalLine(rec)
	if err != nil {
		return "", err
	}
	var rnd [6]byte
	rand.Read(rnd[:])
	t := rec.ReceivedAt.UTC()
	key := path.Join(t.Format("2006/01/02"), t.Format("150405.000000000")+"-"+hex.EncodeToString(rnd[:])+".jsonl")
	if err := st.Put(ctx, key, line); err != nil {
		return "", fmt.Errorf("store feedback in %s: %w", st, err)
	}
	return key, nil
}

// Dir keeps records as files under a directory, for running locally.
// Records hold author names and URLs, so files are 0600 and directories
// 0700.
type Dir struct{ dir string }

// OpenDir returns the store in dir, creating dir if needed, and checks
// that a file can be written there, so a directory the process cannot
// write stops start-up instead of failing every request.
func OpenDir(dir string) (*Dir, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(dir, ".probe-*.tmp")
	if err != nil {
		return nil, fmt.Errorf("cannot write in %s: %w", dir, err)
	}
	f.Close()
	if err := os.Remove(f.Name()); err != nil {
		return nil, err
	}
	return &Dir{dir}, nil
}

func (d *Dir) String() string { return d.dir }

// Put writes data to the file named by key under the directory, durably:
// a temporary file is written, synced and renamed, and the directory
// synced, before Put returns, so an answered request is on disk and
// `training train` never reads half a record. On error nothing is left
// behind.
func (d *Dir) Put(_ context.Context, key string, data []byte) (err error) {
	name := filepath.Join(d.dir, filepath.FromSlash(key))
	dir := filepath.Dir(name)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(name)+"-*.tmp") // mode 0600
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err := f.Write(data); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), name); err != nil {
		return err
	}
	return syncDir(dir)
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
