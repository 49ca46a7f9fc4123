package labeled

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

// writeFile writes content to name under dir and returns the path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// FuzzReadData feeds arbitrary bytes to the training file readers under
// each extension (and none, where the format is sniffed). Whatever the
// input, Read must not panic, and every data row it counts must come
// out as a record or as a skip naming the file and line: nothing is
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
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, ext := range []string{".jsonl", ".csv", ".tsv", ""} {
			// In memory: writing and stating four files an execution
			// cost more than parsing them.
			name := "data" + ext
			d := &Data{}
			if err := d.readData(name, bytes.Clone(data)); err != nil {
				// A file that cannot be read as a whole (an unknown
				// format, a CSV without a usable header) is an error
				// for the whole run, which is not silent either.
				continue
			}
			if msg := checkData(d, name, data); msg != "" {
				t.Errorf("extension %q: %s", ext, msg)
			}
		}
	})
}

// checkData returns what is wrong with d, read from the one file name
// holding data, or "" when it keeps Read's promises.
func checkData(d *Data, name string, data []byte) string {
	if d.Files != 1 {
		return fmt.Sprintf("read %d files, want 1", d.Files)
	}
	if len(d.From) != len(d.Records) {
		return fmt.Sprintf("%d origins for %d records", len(d.From), len(d.Records))
	}
	lines := bytes.Count(data, []byte("\n")) + 1
	rowSkips, last := 0, 0
	for _, s := range d.Skipped {
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
		if s.Reason != RestOfFile {
			rowSkips++
		}
	}
	if d.Rows != len(d.Records)+rowSkips {
		return fmt.Sprintf("counted %d rows, but %d records + %d skipped rows = %d; skipped: %v",
			d.Rows, len(d.Records), rowSkips, len(d.Records)+rowSkips, d.Skipped)
	}
	// In JSON Lines and TSV every non-blank line is a row.
	if f := sniff(name, data); f == formatJSONL || f == formatTSV {
		want := 0
		for _, l := range strings.Split(string(bytes.TrimPrefix(data, []byte("\ufeff"))), "\n") {
			if strings.TrimSpace(l) != "" {
				want++
			}
		}
		if d.Rows != want {
			return fmt.Sprintf("counted %d rows in %d non-blank lines", d.Rows, want)
		}
	}
	for i, r := range d.Records {
		if r.Label != model.Spam && r.Label != model.Ham {
			return fmt.Sprintf("record %d has label %q", i, r.Label)
		}
		if !utf8.ValidString(r.Text) || strings.TrimSpace(r.Text) == "" {
			return fmt.Sprintf("record %d has text %q: want valid UTF-8, not blank", i, r.Text)
		}
		if d.From[i] != name {
			return fmt.Sprintf("record %d comes from %q, want %q", i, d.From[i], name)
		}
	}
	return ""
}

// brokenFiles are files with rows that cannot be used, the records read
// around them, and the skips reported, by file name and line.
var brokenFiles = []struct {
	name, content string
	records       int
	skips         []string
}{
	{
		name: "broken.jsonl",
		content: `{"text":"cheap pills online","label":"spam"}` + "\n" +
			`{"text":"good point", "label":` + "\n" +
			`{"text":"thanks, that helps","label":"ham"}` + "\n",
		records: 2,
		skips:   []string{"broken.jsonl:2: bad JSON: unexpected end of JSON input"},
	},
	{
		// A quoting error in the middle of a YouTube-style file:
		// encoding/csv cannot find the next row after it, so the lines
		// that follow are reported, not guessed at.
		name: "broken.csv",
		content: "COMMENT_ID,AUTHOR,DATE,CONTENT,CLASS\r\n" +
			"z1,Some One,2014-01-01,\"Check out my channel, please subscribe!\",1\r\n" +
			"z2,Other,2014-01-02,Love this song&#39;s beat<br />,0\r\n" +
			"z3,Bad,2014-01-03,\"a \"quoted\" word\",1\r\n" +
			"z4,Lost,2014-01-04,never read,0\r\n" +
			"z5,Lost,2014-01-05,never read either,1\r\n",
		records: 2,
		skips: []string{
			`broken.csv:4: bad CSV: parse error on line 4, column 22: extraneous or missing " in quoted-field`,
			"broken.csv:5: " + RestOfFile,
		},
	},
	{
		name:    "broken.tsv",
		content: "ham\tSee you at lunch\nspam WIN a FREE prize, text WIN to 80000\nspam\tFree entry, text WIN now\n",
		records: 2,
		skips:   []string{"broken.tsv:2: no tab between label and text"},
	},
}

// TestBrokenRows: rows that cannot be used are each reported with file and
// line, and the good rows around them are read.
func TestBrokenRows(t *testing.T) {
	dir := t.TempDir()
	for _, f := range brokenFiles {
		p := writeFile(t, dir, f.name, f.content)
		t.Run(f.name, func(t *testing.T) {
			d, err := Read([]string{p}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Records) != f.records {
				t.Errorf("read %d records, want %d", len(d.Records), f.records)
			}
			var got []string
			for _, s := range d.Skipped {
				got = append(got, strings.TrimPrefix(s.String(), dir+string(filepath.Separator)))
			}
			if strings.Join(got, "\n") != strings.Join(f.skips, "\n") {
				t.Errorf("skipped:\n%q\nwant:\n%q", got, f.skips)
			}
			if msg := checkData(d, p, []byte(f.content)); msg != "" {
				t.Error(msg)
			}
		})
	}
}

// TestReadFormats: a directory of the three formats, with a file that is
// not data, is read in name order with every skip reported.
func TestReadFormats(t *testing.T) {
	dir := t.TempDir()
	// The YouTube Spam Collection's layout, CRLF line ends, HTML and a
	// quoted comma.
	writeFile(t, dir, "video.csv", "COMMENT_ID,AUTHOR,DATE,CONTENT,CLASS\r\n"+
		"a1,Some One,2014-01-01,\"Check out my channel, please subscribe!\",1\r\n"+
		"a2,Other,2014-01-02,Love this song&#39;s beat<br />,0\r\n"+
		"a3,Third,2014-01-03,this row has a bad label,maybe\r\n"+
		"a4,Fourth,2014-01-04,   ,0\r\n")
	writeFile(t, dir, "sms", "ham\tSee you at lunch\nspam\tWIN a FREE prize, text WIN to 80000\nnot a row\n\n")
	writeFile(t, dir, "feedback.jsonl", `{"text":"cheap pills online","label":"spam","author_email":"x@pills.example","site":"blog.example.com","key_id":"k-1"}`+"\n"+
		`{"text":"good point","label":"ham"}`+"\n"+
		`{"text":"broken json`+"\n"+
		`{"label":"ham"}`+"\n"+
		`{"text":"no label"}`+"\n"+
		`{"text":"numeric label","label":1}`+"\n")
	writeFile(t, dir, "notes.md", "# not data\n")

	d, err := Read([]string{dir}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var spam, ham int
	for _, r := range d.Records {
		switch r.Label {
		case model.Spam:
			spam++
		case model.Ham:
			ham++
		}
	}
	if spam != 4 || ham != 3 {
		t.Errorf("read %d spam, %d ham, want 4 and 3", spam, ham)
	}
	if d.Files != 3 || d.Rows != 13 {
		t.Errorf("read %d files, %d rows, want 3 files, 13 rows", d.Files, d.Rows)
	}
	var skips []string
	for _, s := range d.Skipped {
		skips = append(skips, strings.TrimPrefix(s.String(), dir+string(filepath.Separator)))
	}
	want := []string{
		"feedback.jsonl:3: bad JSON: unexpected end of JSON input",
		`feedback.jsonl:4: no "text" field`,
		`feedback.jsonl:5: no "label" field`,
		"notes.md: not a data file (extension .md)",
		"sms:3: no tab between label and text",
		`video.csv:4: label "maybe" is neither spam nor ham`,
		"video.csv:5: empty text",
	}
	if strings.Join(skips, "\n") != strings.Join(want, "\n") {
		t.Errorf("skipped:\n%s\nwant:\n%s", strings.Join(skips, "\n"), strings.Join(want, "\n"))
	}
	for i, r := range d.Records {
		from := filepath.Base(d.From[i])
		if from == "video.csv" && r.Label == model.Spam && r.Author != "Some One" {
			t.Errorf("CSV author = %q, want the AUTHOR column", r.Author)
		}
		if from == "feedback.jsonl" && r.Text == "cheap pills online" &&
			(r.AuthorEmail != "x@pills.example" || r.Site != "blog.example.com" || r.KeyID != "k-1") {
			t.Errorf("JSONL record = %+v, want author_email, site and key_id kept", r)
		}
	}
}

// TestCSVColumnNames: the likelier name wins wherever its column stands:
// label over an earlier category, text over an earlier body, author_url
// over an earlier url.
func TestCSVColumnNames(t *testing.T) {
	for _, tc := range []struct {
		header      []string
		text, label int
	}{
		{[]string{"id", "category", "text", "label"}, 2, 3},
		{[]string{"body", "CLASS", "Text"}, 2, 1},
		{[]string{"COMMENT_ID", "AUTHOR", "DATE", "CONTENT", "CLASS"}, 3, 4},
	} {
		c, err := csvColumns(tc.header, true)
		if err != nil || c.text != tc.text || c.label != tc.label {
			t.Errorf("%q: text %d, label %d (%v); want %d and %d", tc.header, c.text, c.label, err, tc.text, tc.label)
		}
	}
	// The author fields too, as CommentColumns lists them and the web
	// page takes them: the likeliest name, else the first column of it.
	for _, tc := range []struct {
		header             []string
		author, email, url int
	}{
		{[]string{"text", "author_url", "url"}, -1, -1, 1},
		{[]string{"text", "url", "author_url"}, -1, -1, 2},
		{[]string{"text", "comment_author", "author", "email", "comment_author_email"}, 2, 4, -1},
		{[]string{"text", "author", "author"}, 1, -1, -1},
	} {
		c, err := csvColumns(tc.header, false)
		if err != nil || c.author != tc.author || c.email != tc.email || c.url != tc.url {
			t.Errorf("%q: author %d, email %d, url %d (%v); want %d, %d, %d", tc.header, c.author, c.email, c.url, err, tc.author, tc.email, tc.url)
		}
	}
}

// TestReadFileOnce: a file named twice, directly or through its folder or
// a symbolic link, is an error naming both, not twice its records.
func TestReadFileOnce(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "site")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(sub, "a.jsonl")
	if err := os.WriteFile(file, []byte(`{"text":"hi","label":"ham"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.jsonl")
	if err := os.Symlink(file, link); err != nil {
		t.Fatal(err)
	}
	for _, paths := range [][]string{{file, file}, {sub, file}, {file, link}} {
		_, err := Read(paths, nil)
		if err == nil || !strings.Contains(err.Error(), "the same file as "+file) {
			t.Errorf("Read(%q): %v, want an error naming the file read already", paths, err)
		}
	}
	if d, err := Read([]string{sub}, nil); err != nil || len(d.Records) != 1 {
		t.Errorf("Read of the folder once: %v", err)
	}
}
