//go:build unix

package labeled

import (
	"fmt"
	"os"
	"testing"
)

// TestReadPipe: data read from a pipe (/dev/stdin, <(…)) is read once, by
// the name it was given, without the check that refuses a regular file
// named twice (whose symbolic links a pipe's /dev/fd name does not
// resolve).
func TestReadPipe(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	name := fmt.Sprintf("/dev/fd/%d", r.Fd())
	if _, err := os.Stat(name); err != nil {
		t.Skipf("no %s here: %v", name, err)
	}
	go func() {
		w.WriteString(`{"text":"hi","label":"ham"}` + "\n" + `{"text":"buy now","label":"spam"}` + "\n")
		w.Close()
	}()
	d, err := Read([]string{name}, nil)
	if err != nil || len(d.Records) != 2 {
		t.Fatalf("Read of %s, a pipe: %v, %d records; want 2", name, err, len(d.Records))
	}
}
