package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/spamcheck/spamcheck/model"
)

// FuzzReadData feeds arbitrary bytes to the training file readers under
// each extension (and none, where the format is sniffed). Whatever the
// input, readData must not panic, and every data row it counts must come
// out as an example or as a skip naming the file and line: nothing is
// dropped silently.
func FuzzReadData(f *testing.F) {
	seeds := []string{
		// JSON Lines, as the function's feedback store writes them.
		`{"text":"cheap pills online","label":"spam","author_email":"x@pills.example"}` + "\n" +
			`{"content":"good point","label":"ham","author":"Ann"}` + "\n" +
			`{"text":"numeric label","label":1}` + "\n" +
			`{"text":"broken json` + "\n" +
			`{"label":"ham"}` + "\n\n" +
			`{"text":"bool label","label":false}`,
		// The YouTube Spam Collection's layout: CRLF, quotes, HTML,
		// a comma and a line break inside a quoted field.
		"\ufeffCOMMENT_ID,AUTHOR,DATE,CONTENT,CLASS\r\n" +
			"z13,Some One,2014-01-01,\"Check out my channel, please subscribe!\",1\r\n" +
			"z14,Other,2014-01-02,Love this song&#39;s beat<br />,0\r\n" +
			"z15,\"Quote \"\"Man\"\"\",2014-01-03,\"two\r\nlines\",0\r\n" +
			"z16,Short\r\n" +
			"z17,Bad,2014-01-04,\"a \"quoted\" word\",1\r\n" +
			"z18,Lost,2014-01-05,after the error,0\r\n",
		"label,text\nspam,\"unterminated\n",
		// The SMS Spam Collection's layout.
		"ham\tSee you at lunch\nspam\tWIN a FREE prize, text WIN to 80000\nnot a row\n\n" +
			"yes\tcarriage return\r\n1\t\n",
		"",
		"\n \n",
		"\xff\xfe\tinvalid \xc3\x28 UTF-8\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, ext := range []string{".jsonl", ".csv", ".tsv", ""} {
			name := filepath.Join(dir, "data"+ext)
			if err := os.WriteFile(name, data, 0o644); err != nil {
				t.Fatal(err)
			}
			d, err := readData([]string{name}, nil)
			if err != nil {
				// A file that cannot be read as a whole (an unknown
				// format, a CSV without a usable header) is an error
				// for the whole run, which is not silent either.
				continue
			}
			if msg := checkDataset(d, name, data); msg != "" {
				t.Errorf("extension %q: %s", ext, msg)
			}
		}
	})
}

// checkDataset returns what is wrong with d, read from the one file name
// holding data, or "" when it keeps readData's promises.
func checkDataset(d *dataset, name string, data []byte) string {
	if d.files != 1 {
		return fmt.Sprintf("read %d files, want 1", d.files)
	}
	if len(d.source) != len(d.examples) {
		return fmt.Sprintf("%d sources for %d examples", len(d.source), len(d.examples))
	}
	lines := bytes.Count(data, []byte("\n")) + 1
	rowSkips, last := 0, 0
	for _, s := range d.skipped {
		if s.File != name {
			return fmt.Sprintf("skip %q names file %q, want %q", s, s.File, name)
		}
		if s.Line < 1 || s.Line > lines {
			return fmt.Sprintf("skip %q is at line %d of a %d-line file", s, s.Line, lines)
		}
		if s.Line <= last {
			return fmt.Sprintf("skip %q does not come after line %d", s, last)
		}
		last = s.Line
		if s.Reason != restOfFile {
			rowSkips++
		}
	}
	if d.rows != len(d.examples)+rowSkips {
		return fmt.Sprintf("counted %d rows, but %d examples + %d skipped rows = %d; skipped: %v",
			d.rows, len(d.examples), rowSkips, len(d.examples)+rowSkips, d.skipped)
	}
	// In JSON Lines and TSV every non-blank line is a row.
	if f := sniff(name, data); f == formatJSONL || f == formatTSV {
		want := 0
		for _, l := range strings.Split(string(bytes.TrimPrefix(data, []byte("\ufeff"))), "\n") {
			if strings.TrimSpace(l) != "" {
				want++
			}
		}
		if d.rows != want {
			return fmt.Sprintf("counted %d rows in %d non-blank lines", d.rows, want)
		}
	}
	for i, ex := range d.examples {
		if ex.Label != model.Spam && ex.Label != model.Ham {
			return fmt.Sprintf("example %d has label %q", i, ex.Label)
		}
		if !utf8.ValidString(ex.Text) || strings.TrimSpace(ex.Text) == "" {
			return fmt.Sprintf("example %d has text %q: want valid UTF-8, not blank", i, ex.Text)
		}
		if d.source[i] != filepath.Base(name) {
			return fmt.Sprintf("example %d comes from %q, want %q", i, d.source[i], filepath.Base(name))
		}
	}
	return ""
}

// TestBrokenRows: rows that cannot be used are each reported with file and
// line, by readData and on train's standard error, and the good rows
// around them are read.
func TestBrokenRows(t *testing.T) {
	dir := t.TempDir()
	files := []struct {
		name, content string
		examples      int
		skips         []string
	}{
		{
			name: "broken.jsonl",
			content: `{"text":"cheap pills online","label":"spam"}` + "\n" +
				`{"text":"good point", "label":` + "\n" +
				`{"text":"thanks, that helps","label":"ham"}` + "\n",
			examples: 2,
			skips:    []string{"broken.jsonl:2: bad JSON: unexpected end of JSON input"},
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
			examples: 2,
			skips: []string{
				`broken.csv:4: bad CSV: parse error on line 4, column 22: extraneous or missing " in quoted-field`,
				"broken.csv:5: " + restOfFile,
			},
		},
		{
			name:     "broken.tsv",
			content:  "ham\tSee you at lunch\nspam WIN a FREE prize, text WIN to 80000\nspam\tFree entry, text WIN now\n",
			examples: 2,
			skips:    []string{"broken.tsv:2: no tab between label and text"},
		},
	}
	var paths, allSkips []string
	for _, f := range files {
		p := writeFile(t, dir, f.name, f.content)
		paths = append(paths, p)
		t.Run(f.name, func(t *testing.T) {
			d, err := readData([]string{p}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(d.examples) != f.examples {
				t.Errorf("read %d examples, want %d", len(d.examples), f.examples)
			}
			var got []string
			for _, s := range d.skipped {
				got = append(got, strings.TrimPrefix(s.String(), dir+string(filepath.Separator)))
			}
			if strings.Join(got, "\n") != strings.Join(f.skips, "\n") {
				t.Errorf("skipped:\n%q\nwant:\n%q", got, f.skips)
			}
			if msg := checkDataset(d, p, []byte(f.content)); msg != "" {
				t.Error(msg)
			}
		})
		for _, s := range f.skips {
			allSkips = append(allSkips, filepath.Join(dir, s))
		}
	}

	// train lists every skip on standard error and still trains on the
	// rows that were good.
	m := filepath.Join(t.TempDir(), "m")
	_, stderr, err := runCLI(t, "", append([]string{"train", "-o", m}, paths...)...)
	if err != nil {
		t.Fatalf("train: %v\n%s", err, stderr)
	}
	if want := "read 9 rows from 3 files: 3 spam, 3 ham, 4 skipped"; !strings.Contains(stderr, want) {
		t.Errorf("train's summary lacks %q:\n%s", want, stderr)
	}
	for _, s := range allSkips {
		if !strings.Contains(stderr, "skipped "+s+"\n") {
			t.Errorf("train's standard error does not list %q:\n%s", s, stderr)
		}
	}
}
