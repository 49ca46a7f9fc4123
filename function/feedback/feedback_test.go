package feedback

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestDirPut(t *testing.T) {
	root := filepath.Join(t.TempDir(), "feedback")
	d, err := OpenDir(root)
	if err != nil {
		t.Fatal(err)
	}
	key, err := Save(context.Background(), d, Record{Text: "hi", Label: "ham", Source: "api", ReceivedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(root, filepath.FromSlash(key)))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("record mode %v, want 0600 (records hold names)", fi.Mode().Perm())
	}
	filepath.WalkDir(root, func(p string, e os.DirEntry, err error) error {
		if err == nil && e.IsDir() {
			if fi, _ := e.Info(); fi.Mode().Perm() != 0o700 {
				t.Errorf("directory %s mode %v, want 0700", p, fi.Mode().Perm())
			}
		}
		if err == nil && strings.HasSuffix(p, ".tmp") {
			t.Errorf("temporary file %s left behind", p)
		}
		return nil
	})
}

// TestDirPutFailureLeavesNothing: a record that cannot be written leaves
// no temporary file.
func TestDirPutFailureLeavesNothing(t *testing.T) {
	root := t.TempDir()
	d, err := OpenDir(root)
	if err != nil {
		t.Fatal(err)
	}
	// A directory where the record should go makes the rename fail
	// after the temporary file is written.
	if err := os.MkdirAll(filepath.Join(root, "2026", "x.jsonl"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := d.Put(context.Background(), "2026/x.jsonl", []byte("{}\n")); err == nil {
		t.Fatal("Put over a directory succeeded")
	}
	entries, _ := os.ReadDir(filepath.Join(root, "2026"))
	for _, e := range entries {
		if e.Name() != "x.jsonl" {
			t.Errorf("left behind %s", e.Name())
		}
	}
}

// TestOpenDirUnwritable: an existing directory the process cannot write
// in is refused at once.
func TestOpenDirUnwritable(t *testing.T) {
	dir := t.TempDir()
	os.Chmod(dir, 0o500)
	defer os.Chmod(dir, 0o700)
	if os.Geteuid() == 0 {
		// root writes anywhere but in /proc.
		if _, err := os.Stat("/proc/self"); err != nil {
			t.Skip("running as root without /proc: no unwritable directory to try")
		}
		dir = "/proc"
	}
	if _, err := OpenDir(dir); err == nil {
		t.Errorf("OpenDir(%s) succeeded, want an error", dir)
	}
}
