package labeled

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"
)

// Data is labeled records read from one or more files.
type Data struct {
	Records []Record
	// From[i] is the path of the file Records[i] was read from, and
	// Line[i] where in it, counted as Skip.Line counts.
	From []string
	Line []int
	// Skipped lists the rows and files that were not used, in reading
	// order.
	Skipped []Skip
	// Files counts the files read; Rows counts the data rows seen, each of
	// which is either a record or a skip.
	Files, Rows int
	// GroupColumn, when set before reading, names a CSV column (such as
	// video_id) that says which thread, post or video a row belongs to,
	// for evaluations that hold whole groups out; Groups[i] is that
	// column of Records[i] ("" when the file has no such column). It is
	// never a feature.
	GroupColumn string
	Groups      []string
	group       string // the group of the row being added
	// read maps each file read, by its real path, to the name it was
	// read under.
	read map[string]string
}

// Skip records a row or file that was not used, and why.
type Skip struct {
	File   string
	Line   int // 0 for a whole file
	Reason string
}

func (s Skip) String() string {
	if s.Line == 0 {
		return fmt.Sprintf("%s: %s", s.File, s.Reason)
	}
	return fmt.Sprintf("%s:%d: %s", s.File, s.Line, s.Reason)
}

// ErrUnknownFormat is returned for a file whose format cannot be told.
var ErrUnknownFormat = errors.New("unknown format (want JSON Lines, CSV with a header, or TSV label<TAB>text)")

// dataExt lists the file extensions read when a directory is given; other
// files in it are reported as skipped.
var dataExt = map[string]bool{"": true, ".jsonl": true, ".ndjson": true, ".json": true, ".csv": true, ".tsv": true, ".txt": true}

// Read reads every path (files, or directories meaning every data file in
// them and their subdirectories, in name order) into one Data. Rows that
// cannot be used are listed in Skipped with file and line; a file whose
// format cannot be told, or a CSV file without a usable header, is an
// error. progress, when not nil, is called with the size of each file
// read.
func Read(paths []string, progress func(n int64)) (*Data, error) {
	d := &Data{}
	for _, p := range paths {
		if err := d.ReadPath(p, progress); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// ReadPath adds the records of one path, a file or a directory, to d, as
// Read does.
func (d *Data) ReadPath(p string, progress func(n int64)) error {
	st, err := os.Stat(p)
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return d.readFile(p, progress)
	}
	// WalkDir visits entries in lexical order, so the records come in the
	// same order on every machine.
	return filepath.WalkDir(p, func(name string, e os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if name == p {
			return nil
		}
		if strings.HasPrefix(e.Name(), ".") {
			d.Skipped = append(d.Skipped, Skip{File: name, Reason: "hidden"})
			if e.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if e.IsDir() {
			return nil
		}
		if ext := strings.ToLower(filepath.Ext(e.Name())); !dataExt[ext] {
			d.Skipped = append(d.Skipped, Skip{File: name, Reason: fmt.Sprintf("not a data file (extension %s)", ext)})
			return nil
		}
		return d.readFile(name, progress)
	})
}

type format int

const (
	formatUnknown format = iota
	formatJSONL
	formatCSV
	formatTSV
)

func (d *Data) readFile(name string, progress func(int64)) error {
	// A file named twice (a b b, or a folder and a file in it) would
	// count twice, and its copies would land in different folds. (A
	// pipe, /dev/stdin or <(…), is read once whatever its name.)
	if st, err := os.Stat(name); err == nil && st.Mode().IsRegular() {
		real, err := filepath.EvalSymlinks(name)
		if err == nil {
			real, err = filepath.Abs(real)
		}
		if err != nil {
			return err
		}
		if first, ok := d.read[real]; ok {
			return fmt.Errorf("%s: the same file as %s, read already: each file is read once", name, first)
		}
		if d.read == nil {
			d.read = map[string]string{}
		}
		d.read[real] = name
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	if progress != nil {
		defer progress(int64(len(data)))
	}
	return d.readData(name, data)
}

// readData adds the records of data, the content of file name.
func (d *Data) readData(name string, data []byte) error {
	d.Files++
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	switch sniff(name, data) {
	case formatJSONL:
		d.readJSONL(name, data)
	case formatCSV:
		return d.readCSV(name, data)
	case formatTSV:
		d.readTSV(name, data)
	default:
		return fmt.Errorf("%s: %w", name, ErrUnknownFormat)
	}
	return nil
}

// sniff tells a file's format from its extension or, failing that, its
// first non-blank line.
func sniff(name string, data []byte) format {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".jsonl", ".ndjson", ".json":
		return formatJSONL
	case ".csv":
		return formatCSV
	case ".tsv":
		return formatTSV
	}
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if strings.HasPrefix(line, "{") {
			return formatJSONL
		}
		if label, _, ok := strings.Cut(line, "\t"); ok {
			if _, err := parseLabel(label); err == nil {
				return formatTSV
			}
		}
		if r, err := csv.NewReader(strings.NewReader(line)).Read(); err == nil {
			if _, err := csvColumns(r, true); err == nil {
				return formatCSV
			}
		}
		return formatUnknown
	}
	return formatUnknown
}

func (d *Data) readJSONL(name string, data []byte) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), len(data)+1)
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		d.Rows++
		r, err := Decode(b)
		if err != nil {
			d.skip(name, line, err.Error())
			continue
		}
		d.add(name, line, r)
	}
}

// csvCols are the column positions of a CSV file; -1 when absent.
type csvCols struct{ text, label, author, email, url, site, keyID, group int }

// textNames and labelNames are the header names of the text and label
// columns, the likelier first: a file with both a category and a label
// column has its labels in label, wherever each stands.
var (
	textNames   = []string{"text", "content", "comment_content", "comment", "body", "message"}
	labelNames  = []string{"label", "class", "spam", "is_spam", "category"}
	authorNames = []string{"author", "comment_author", "author_name"}
	emailNames  = []string{"author_email", "comment_author_email", "email"}
	urlNames    = []string{"author_url", "comment_author_url", "url"}
	siteNames   = []string{"site"}
)

// CommentColumns returns, for each field of a comment to classify, the
// CSV header names that may hold it, the likelier first, as the readers
// take them: the fields are text, author, author_email, author_url and
// site. A reader of such files elsewhere (the function's web page) takes
// the same.
func CommentColumns() map[string][]string {
	return map[string][]string{
		"text":         slices.Clone(textNames),
		"author":       slices.Clone(authorNames),
		"author_email": slices.Clone(emailNames),
		"author_url":   slices.Clone(urlNames),
		"site":         slices.Clone(siteNames),
	}
}

// csvColumns finds the columns in a header row: text (one of textNames),
// label (one of labelNames; optional unless needLabel) and the optional
// author, author_email, author_url, site and key_id.
func csvColumns(header []string, needLabel bool) (csvCols, error) {
	c := csvCols{-1, -1, -1, -1, -1, -1, -1, -1}
	names := make([]string, len(header))
	for i, h := range header {
		names[i] = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
	}
	// Each field's column is the one of its likeliest name, wherever
	// it stands (so "text" over "content", "author" over
	// "comment_author"), the first of two columns of one name.
	likeliest := func(field []string) int {
		for _, n := range field {
			if i := slices.Index(names, n); i >= 0 {
				return i
			}
		}
		return -1
	}
	c.text, c.label = likeliest(textNames), likeliest(labelNames)
	c.author, c.email, c.url, c.site = likeliest(authorNames), likeliest(emailNames), likeliest(urlNames), likeliest(siteNames)
	c.keyID = slices.Index(names, "key_id")
	if c.text < 0 || needLabel && c.label < 0 {
		what := "text and label columns"
		if !needLabel {
			what = fmt.Sprintf("text column (%s)", strings.Join(textNames, ", "))
		}
		return c, fmt.Errorf("header %q has no %s", header, what)
	}
	return c, nil
}

// ReadCommentsCSV reads comments to classify from a CSV file with a header
// naming a text column (text, content, comment…) and, optionally, author,
// author_email, author_url and site; a label column is ignored. f gets
// each row's line and record, or the error that kept the row from being
// a comment (an empty text, or a row shorter than the header). An error
// from f, or a header or quoting error, ends it.
func ReadCommentsCSV(in io.Reader, f func(line int, r Record, err error) error) error {
	r := csv.NewReader(in)
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return fmt.Errorf("read CSV header: %w", err)
	}
	cols, err := csvColumns(header, false)
	if err != nil {
		return err
	}
	for {
		row, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if len(row) == 1 && strings.TrimSpace(row[0]) == "" {
			continue
		}
		line, _ := r.FieldPos(0)
		var rec Record
		switch {
		case cols.text >= len(row):
			err = fmt.Errorf("row has %d fields, header has %d", len(row), len(header))
		case strings.TrimSpace(row[cols.text]) == "":
			err = errors.New("empty text")
		default:
			rec = Record{Text: row[cols.text], Author: field(row, cols.author), AuthorEmail: field(row, cols.email),
				AuthorURL: field(row, cols.url), Site: field(row, cols.site)}
		}
		if err := f(line, rec, err); err != nil {
			return err
		}
	}
}

// field returns field i of a CSV row, or "" when the column is absent (i
// is -1) or the row is shorter.
func field(row []string, i int) string {
	if i >= 0 && i < len(row) {
		return row[i]
	}
	return ""
}

// RestOfFile is the reason reported for the lines of a CSV file after a
// parse error: a note about lines left unread, not a row.
const RestOfFile = "rest of file not read after the CSV error"

func (d *Data) readCSV(name string, data []byte) error {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return fmt.Errorf("%s: read CSV header: %w", name, err)
	}
	cols, err := csvColumns(header, true)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if d.GroupColumn != "" {
		for i, h := range header {
			if strings.EqualFold(strings.TrimSpace(h), d.GroupColumn) {
				cols.group = i
			}
		}
	}
	for {
		row, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			// A row whose first field is bad has no field positions,
			// so the line comes from the error.
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			d.Rows++
			d.skip(name, line, "bad CSV: "+err.Error())
			// encoding/csv cannot resynchronise after a quoting
			// error, so the lines after it, if any, are reported
			// from the first one not read.
			if off := r.InputOffset(); len(bytes.TrimSpace(data[off:])) > 0 {
				d.skip(name, bytes.Count(data[:off], []byte("\n"))+1, RestOfFile)
			}
			return nil
		}
		if len(row) == 1 && strings.TrimSpace(row[0]) == "" {
			continue
		}
		line, _ := r.FieldPos(0)
		d.Rows++
		if cols.text >= len(row) || cols.label >= len(row) {
			d.skip(name, line, fmt.Sprintf("row has %d fields, header has %d", len(row), len(header)))
			continue
		}
		l, err := parseLabel(row[cols.label])
		if err != nil {
			d.skip(name, line, err.Error())
			continue
		}
		d.group = field(row, cols.group)
		d.add(name, line, Record{
			Text: row[cols.text], Label: l, Author: field(row, cols.author), AuthorEmail: field(row, cols.email),
			AuthorURL: field(row, cols.url), Site: field(row, cols.site), KeyID: field(row, cols.keyID),
		})
		d.group = ""
	}
}

func (d *Data) readTSV(name string, data []byte) {
	line := 0
	for _, l := range strings.SplitAfter(string(data), "\n") {
		line++
		l = strings.TrimRight(l, "\r\n")
		if strings.TrimSpace(l) == "" {
			continue
		}
		d.Rows++
		label, text, ok := strings.Cut(l, "\t")
		if !ok {
			d.skip(name, line, "no tab between label and text")
			continue
		}
		lb, err := parseLabel(label)
		if err != nil {
			d.skip(name, line, err.Error())
			continue
		}
		d.add(name, line, Record{Text: text, Label: lb})
	}
}

// add keeps r, read from line of file name, unless its text is blank.
// Invalid UTF-8 in the text becomes U+FFFD, as it would in JSON.
func (d *Data) add(name string, line int, r Record) {
	if !utf8.ValidString(r.Text) {
		r.Text = strings.ToValidUTF8(r.Text, "\uFFFD")
	}
	if strings.TrimSpace(r.Text) == "" {
		d.skip(name, line, "empty text")
		return
	}
	d.Records = append(d.Records, r)
	d.Groups = append(d.Groups, d.group)
	d.From = append(d.From, name)
	d.Line = append(d.Line, line)
}

func (d *Data) skip(name string, line int, reason string) {
	d.Skipped = append(d.Skipped, Skip{File: name, Line: line, Reason: reason})
}
