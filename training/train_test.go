package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// fullDisk is a temporary file that fails as on a full disk: Write after
// limit bytes (when limit ≥ 0), and Sync or Close when asked. It holds the
// *os.File in a field rather than embedding it, so that io.WriteString
// cannot reach the file's own WriteString around the failing Write.
type fullDisk struct {
	f                   *os.File
	limit               int
	failSync, failClose bool
}

func (d *fullDisk) Write(p []byte) (int, error) {
	if d.limit < 0 || len(p) <= d.limit {
		n, err := d.f.Write(p)
		if d.limit >= 0 {
			d.limit -= n
		}
		return n, err
	}
	n, err := d.f.Write(p[:d.limit])
	d.limit -= n
	if err == nil {
		err = d.fail("write")
	}
	return n, err
}

func (d *fullDisk) Name() string { return d.f.Name() }

func (d *fullDisk) Sync() error {
	if d.failSync {
		return d.fail("sync")
	}
	return d.f.Sync()
}

// Close releases the file even when it reports a failure, as close(2)
// does.
func (d *fullDisk) Close() error {
	err := d.f.Close()
	if d.failClose && err == nil {
		return d.fail("close")
	}
	return err
}

func (d *fullDisk) fail(op string) error {
	return &os.PathError{Op: op, Path: d.f.Name(), Err: syscall.ENOSPC}
}

// TestTrainFullDisk: when the disk fills up while train writes the model,
// train fails with an error that names the cause, the model already at -o
// is untouched and no temporary file is left behind.
func TestTrainFullDisk(t *testing.T) {
	tests := []struct {
		name     string
		disk     fullDisk
		previous bool // a model file exists at -o before the run
	}{
		{"write fails at once", fullDisk{limit: 0}, true},
		{"write fails midway", fullDisk{limit: 1000}, true},
		{"write fails midway, no previous model", fullDisk{limit: 1000}, false},
		{"sync fails", fullDisk{limit: -1, failSync: true}, true},
		{"close fails", fullDisk{limit: -1, failClose: true}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			setCreateTemp(t, func(dir, pattern string) (tempFile, error) {
				f, err := os.CreateTemp(dir, pattern)
				if err != nil {
					return nil, err
				}
				d := tt.disk
				d.f = f
				return &d, nil
			})
			dir := t.TempDir()
			out := filepath.Join(dir, "spam.model")
			previous := []byte("the model from last week")
			if tt.previous {
				if err := os.WriteFile(out, previous, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			_, _, err := runCLI(t, "", "train", "-q", "-o", out, corpus)
			if err == nil {
				t.Fatal("train on a full disk succeeded, want an error")
			}
			if msg := err.Error(); !strings.Contains(msg, "write model "+out) || !strings.Contains(msg, "no space left on device") {
				t.Errorf("error = %q, want it to name the model and say %q", msg, "no space left on device")
			}
			if !errors.Is(err, syscall.ENOSPC) {
				t.Errorf("error %q does not wrap ENOSPC", err)
			}
			var u usageError
			if errors.As(err, &u) {
				t.Errorf("error %q is a usage error, want exit status 1", err)
			}
			got, err := os.ReadFile(out)
			switch {
			case tt.previous && err != nil:
				t.Errorf("the previous model is gone: %v", err)
			case tt.previous && !bytes.Equal(got, previous):
				t.Errorf("the previous model was changed to %d bytes", len(got))
			case !tt.previous && !os.IsNotExist(err):
				t.Errorf("train left a model file (%d bytes, %v), want none", len(got), err)
			}
			assertOnlyFiles(t, dir, tt.previous)
		})
	}
}

// TestWriteAtomicCreateFails: a directory where no file can be created
// is reported and leaves nothing behind.
func TestWriteAtomicCreateFails(t *testing.T) {
	setCreateTemp(t, func(dir, pattern string) (tempFile, error) {
		return nil, &os.PathError{Op: "open", Path: filepath.Join(dir, pattern), Err: syscall.ENOSPC}
	})
	dir := t.TempDir()
	_, _, err := runCLI(t, "", "train", "-q", "-o", filepath.Join(dir, "m"), corpus)
	if err == nil || !strings.Contains(err.Error(), "no space left on device") {
		t.Errorf("error = %v, want one saying %q", err, "no space left on device")
	}
	assertOnlyFiles(t, dir, false)
}

// setCreateTemp replaces createTemp for the rest of the test.
func setCreateTemp(t *testing.T, f func(dir, pattern string) (tempFile, error)) {
	t.Helper()
	saved := createTemp
	createTemp = f
	t.Cleanup(func() { createTemp = saved })
}

// assertOnlyFiles fails t unless dir holds just the model spam.model (when
// model is true) or nothing.
func assertOnlyFiles(t *testing.T, dir string, model bool) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := ""
	if model {
		want = "spam.model"
	}
	if strings.Join(names, " ") != want {
		t.Errorf("directory holds %q, want %q: a temporary file was left behind", names, want)
	}
}

// TestTrainSaysHowTheThresholdWasPicked: train reports the folds it really
// used, says when there was too little data to cross-validate, and says
// when -review could not be honoured.
func TestTrainSaysHowTheThresholdWasPicked(t *testing.T) {
	dir := t.TempDir()
	tiny := writeFile(t, dir, "tiny.jsonl", `{"text":"cheap pills online now","label":"spam"}`+"\n"+
		`{"text":"thanks, that helps a lot","label":"ham"}`+"\n")
	three := writeFile(t, dir, "three.jsonl", strings.Repeat(`{"text":"cheap pills online now","label":"spam"}`+"\n"+
		`{"text":"thanks, that helps a lot","label":"ham"}`+"\n", 3))
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"one of each", []string{tiny}, []string{"too few to cross-validate, so the model is uncalibrated"}},
		{"three of each", []string{three}, []string{"in 3-fold cross-validation"}},
		{"corpus", []string{"-folds", "4", corpus}, []string{"in 4-fold cross-validation"}},
		{"review above reject", []string{"-review", "0.9999999", tiny}, []string{"no review band: -review 0.9999999"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := filepath.Join(t.TempDir(), "m")
			out := mustRun(t, "", append([]string{"train", "-q", "-o", m}, tt.args...)...)
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("train output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

// TestProgressLine: on a terminal, train says what it is doing and how far
// it has got, stage by stage, on one line it rewrites.
func TestProgressLine(t *testing.T) {
	var b strings.Builder
	p := progressLine(&b)
	p("reading", 2_500_000, 0)
	p("tokenizing", 1024, 4096)
	p("fold", 0, 5)
	p("source", 2, 7)
	p("writing", 0, 1)
	out := b.String()
	for _, want := range []string{
		"\r\033[Kreading: 2.5 MB",
		"\r\033[Ktokenizing and counting: 1024 of 4096 comments (",
		" comments/s)",
		"\r\033[Kcross-validation: fold 1 of 5",
		"\r\033[Kholding out source 3 of 7 to pick the threshold",
		"\r\033[Kwriting",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("progress line lacks %q:\n%q", want, out)
		}
	}
	if strings.Contains(out, "\n") {
		t.Errorf("progress line breaks lines: %q", out)
	}
}

// TestNoProgressOffTerminal: when standard error is not a terminal (a
// log, a pipe, CI), train writes no progress line.
func TestNoProgressOffTerminal(t *testing.T) {
	dir := t.TempDir()
	corpus := filepath.Join(dir, "c.jsonl")
	if err := os.WriteFile(corpus, []byte(strings.Repeat(`{"text":"win a free prize now","label":"spam"}`+"\n"+`{"text":"thanks for the recipe","label":"ham"}`+"\n", 20)), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(dir, "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := run([]string{"train", "-o", filepath.Join(dir, "m"), corpus}, nil, &bytes.Buffer{}, f); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(f.Name())
	if err != nil {
		t.Fatal(err)
	}
	if bytes.ContainsAny(got, "\r\033") || !bytes.Contains(got, []byte("read 40 rows")) {
		t.Errorf("stderr of train on a file:\n%q", got)
	}
}
