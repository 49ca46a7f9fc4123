package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spamcheck/spamcheck/model/labeled"
)

// TestBrokenRows: rows that cannot be used are each listed with file and
// line on train's standard error, and train still learns from the good
// rows around them. (model/labeled tests the readers themselves.)
func TestBrokenRows(t *testing.T) {
	dir := t.TempDir()
	files := []struct {
		name, content string
		skips         []string
	}{
		{
			name: "broken.jsonl",
			content: `{"text":"cheap pills online","label":"spam"}` + "\n" +
				`{"text":"good point", "label":` + "\n" +
				`{"text":"thanks, that helps","label":"ham"}` + "\n",
			skips: []string{"broken.jsonl:2: bad JSON: unexpected end of JSON input"},
		},
		{
			// A quoting error in the middle of a YouTube-style file:
			// encoding/csv cannot find the next row after it, so
			// the lines that follow are reported, not guessed at.
			name: "broken.csv",
			content: "COMMENT_ID,AUTHOR,DATE,CONTENT,CLASS\r\n" +
				"z1,Some One,2014-01-01,\"Check out my channel, please subscribe!\",1\r\n" +
				"z2,Other,2014-01-02,Love this song&#39;s beat<br />,0\r\n" +
				"z3,Bad,2014-01-03,\"a \"quoted\" word\",1\r\n" +
				"z4,Lost,2014-01-04,never read,0\r\n" +
				"z5,Lost,2014-01-05,never read either,1\r\n",
			skips: []string{
				`broken.csv:4: bad CSV: parse error on line 4, column 22: extraneous or missing " in quoted-field`,
				"broken.csv:5: " + labeled.RestOfFile,
			},
		},
		{
			name:    "broken.tsv",
			content: "ham\tSee you at lunch\nspam WIN a FREE prize, text WIN to 80000\nspam\tFree entry, text WIN now\n",
			skips:   []string{"broken.tsv:2: no tab between label and text"},
		},
	}
	var paths, allSkips []string
	for _, f := range files {
		paths = append(paths, writeFile(t, dir, f.name, f.content))
		for _, s := range f.skips {
			allSkips = append(allSkips, filepath.Join(dir, s))
		}
	}

	m := filepath.Join(t.TempDir(), "m")
	_, stderr, err := runCLI(t, "", append([]string{"train", "-o", m}, paths...)...)
	if err != nil {
		t.Fatalf("train: %v\n%s", err, stderr)
	}
	if want := "read 9 rows from 3 files: 3 spam, 3 ham, 3 skipped, and the rest of 1 file not read after a CSV error\n"; !strings.Contains(stderr, want) {
		t.Errorf("train's summary lacks %q:\n%s", want, stderr)
	}

	// A folder's README is a file not read, not a row skipped.
	writeFile(t, dir, "README.md", "# labels\n")
	if _, stderr, err = runCLI(t, "", "train", "-o", m, dir); err != nil {
		t.Fatalf("train: %v\n%s", err, stderr)
	}
	if want := "read 9 rows from 3 files: 3 spam, 3 ham, 3 skipped, 1 other file or folder not read, and the rest of 1 file not read after a CSV error\n"; !strings.Contains(stderr, want) {
		t.Errorf("train's summary lacks %q:\n%s", want, stderr)
	}
	for _, s := range allSkips {
		if !strings.Contains(stderr, "skipped "+s+"\n") {
			t.Errorf("train's standard error does not list %q:\n%s", s, stderr)
		}
	}
}

// Two DATA paths with the same base name, two platforms' comments.csv, are
// two sources, named by as much of their paths as tells them apart; a
// path named once keeps its base name.
func TestSameBaseNameTwoSources(t *testing.T) {
	dir := t.TempDir()
	write := func(name, rows string) string {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("text,label\n"+rows), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a := write("a/comments.csv", "cheap pills,spam\nnice post,ham\n")
	b := write("b/comments.csv", "buy followers,spam\ngood read,ham\n")
	c := write("c/other.csv", "win cash,spam\nthanks,ham\n")
	d, err := readData([]string{a, b, c}, "")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"a/comments.csv", "a/comments.csv", "b/comments.csv", "b/comments.csv", "other.csv", "other.csv"}
	for i, ex := range d.examples {
		if ex.Source != want[i] || d.source[i] != want[i] {
			t.Errorf("comment %d: source %q, file %q; want %q", i, ex.Source, d.source[i], want[i])
		}
	}
	names := shortNames([]string{"x/comments.csv", "comments.csv", "/y/x/comments.csv"})
	if names["comments.csv"] != "comments.csv" || names["x/comments.csv"] != "x/comments.csv" || names["/y/x/comments.csv"] != "y/x/comments.csv" {
		t.Errorf("names %v", names)
	}
}
