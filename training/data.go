package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/spamcheck/spamcheck/model"
)

// dataset is labeled comments read from one or more files.
type dataset struct {
	examples []model.Example
	// source[i] names the file examples[i] came from (its base name), for
	// per-source reports and leave-one-source-out evaluation.
	source  []string
	skipped []skip
	// files counts the files read; rows counts the data rows seen.
	files, rows int
}

// skip records a row or file that was not used, and why.
type skip struct {
	File   string
	Line   int // 0 for a whole file
	Reason string
}

func (s skip) String() string {
	if s.Line == 0 {
		return fmt.Sprintf("%s: %s", s.File, s.Reason)
	}
	return fmt.Sprintf("%s:%d: %s", s.File, s.Line, s.Reason)
}

// errUnknownFormat is returned for a file whose format cannot be told.
var errUnknownFormat = errors.New("unknown format (want JSON Lines, CSV with a header, or TSV label<TAB>text)")

// dataExt lists the file extensions read when a directory is given; other
// files in it are reported as skipped.
var dataExt = map[string]bool{"": true, ".jsonl": true, ".ndjson": true, ".json": true, ".csv": true, ".tsv": true, ".txt": true}

// readData reads every path (files, or directories meaning every data file
// in them and their subdirectories, in name order) into one dataset.
func readData(paths []string, progress func(n int64)) (*dataset, error) {
	d := &dataset{}
	for _, p := range paths {
		if err := d.readPath(p, progress); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// readPath reads one path given on the command line: a file, or every
// data file under a directory. Each path is one source of the data:
// training weighs sources and holds them out as units
// (model.Example.Source).
func (d *dataset) readPath(p string, progress func(n int64)) error {
	first := len(d.examples)
	defer func() {
		for i := first; i < len(d.examples); i++ {
			d.examples[i].Source = filepath.Base(filepath.Clean(p))
		}
	}()
	st, err := os.Stat(p)
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return d.readFile(p, progress)
	}
	// WalkDir visits entries in lexical order, so the examples come in
	// the same order on every machine.
	return filepath.WalkDir(p, func(name string, e os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if name == p {
			return nil
		}
		if strings.HasPrefix(e.Name(), ".") {
			d.skipped = append(d.skipped, skip{File: name, Reason: "hidden"})
			if e.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if e.IsDir() {
			return nil
		}
		if ext := strings.ToLower(filepath.Ext(e.Name())); !dataExt[ext] {
			d.skipped = append(d.skipped, skip{File: name, Reason: fmt.Sprintf("not a data file (extension %s)", ext)})
			return nil
		}
		return d.readFile(name, progress)
	})
}

// sizeOf returns the total size in bytes of the data files under paths, for
// the progress bar.
func sizeOf(paths []string) int64 {
	var n int64
	for _, p := range paths {
		filepath.WalkDir(p, func(path string, e os.DirEntry, err error) error {
			if err == nil && !e.IsDir() {
				if info, err := e.Info(); err == nil {
					n += info.Size()
				}
			}
			return nil
		})
	}
	return n
}

type format int

const (
	formatUnknown format = iota
	formatJSONL
	formatCSV
	formatTSV
)

func (d *dataset) readFile(name string, progress func(int64)) error {
	data, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	if progress != nil {
		defer progress(int64(len(data)))
	}
	d.files++
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	src := filepath.Base(name)
	switch sniff(name, data) {
	case formatJSONL:
		d.readJSONL(name, src, data)
	case formatCSV:
		return d.readCSV(name, src, data)
	case formatTSV:
		d.readTSV(name, src, data)
	default:
		return fmt.Errorf("%s: %w", name, errUnknownFormat)
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
			if _, err := model.ParseLabel(label); err == nil {
				return formatTSV
			}
		}
		if r, err := csv.NewReader(strings.NewReader(line)).Read(); err == nil {
			if _, err := csvColumns(r); err == nil {
				return formatCSV
			}
		}
		return formatUnknown
	}
	return formatUnknown
}

// record is one row of JSON Lines: the training format, also written by
// the function's feedback store.
type record struct {
	Text        *string `json:"text"`
	Content     *string `json:"content"`
	Label       any     `json:"label"`
	Author      string  `json:"author"`
	AuthorEmail string  `json:"author_email"`
	AuthorURL   string  `json:"author_url"`
}

func (d *dataset) readJSONL(name, src string, data []byte) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), len(data)+1)
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		d.rows++
		var r record
		if err := json.Unmarshal(b, &r); err != nil {
			d.skip(name, line, "bad JSON: "+err.Error())
			continue
		}
		text := r.Text
		if text == nil {
			text = r.Content
		}
		if text == nil {
			d.skip(name, line, `no "text" field`)
			continue
		}
		var label string
		switch v := r.Label.(type) {
		case string:
			label = v
		case float64:
			label = fmt.Sprint(v)
		case bool:
			label = fmt.Sprint(v)
		case nil:
			d.skip(name, line, `no "label" field`)
			continue
		default:
			d.skip(name, line, fmt.Sprintf("label %v is not a string", v))
			continue
		}
		d.add(name, src, line, label, model.Comment{Text: *text, Author: r.Author, AuthorEmail: r.AuthorEmail, AuthorURL: r.AuthorURL})
	}
}

// csvCols are the column positions of a CSV file; -1 when absent.
type csvCols struct{ text, label, author, email, url int }

// csvColumns finds the columns in a header row: text (text, content,
// comment, body, message), label (label, class, category, spam) and the
// optional author, author_email and author_url.
func csvColumns(header []string) (csvCols, error) {
	c := csvCols{-1, -1, -1, -1, -1}
	for i, h := range header {
		switch strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))) {
		case "text", "content", "comment", "body", "message", "comment_content":
			if c.text < 0 {
				c.text = i
			}
		case "label", "class", "category", "spam", "is_spam":
			if c.label < 0 {
				c.label = i
			}
		case "author", "comment_author", "author_name":
			c.author = i
		case "author_email", "comment_author_email", "email":
			c.email = i
		case "author_url", "comment_author_url", "url":
			c.url = i
		}
	}
	if c.text < 0 || c.label < 0 {
		return c, fmt.Errorf("header %q has no text and label columns", header)
	}
	return c, nil
}

// restOfFile is the reason reported for the lines of a CSV file after a
// parse error: a note about lines left unread, not a row.
const restOfFile = "rest of file not read after the CSV error"

func (d *dataset) readCSV(name, src string, data []byte) error {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return fmt.Errorf("%s: read CSV header: %w", name, err)
	}
	cols, err := csvColumns(header)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	get := func(row []string, i int) string {
		if i >= 0 && i < len(row) {
			return row[i]
		}
		return ""
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
			d.rows++
			d.skip(name, line, "bad CSV: "+err.Error())
			// encoding/csv cannot resynchronise after a quoting
			// error, so the lines after it, if any, are reported
			// from the first one not read.
			if off := r.InputOffset(); len(bytes.TrimSpace(data[off:])) > 0 {
				d.skip(name, bytes.Count(data[:off], []byte("\n"))+1, restOfFile)
			}
			return nil
		}
		if len(row) == 1 && strings.TrimSpace(row[0]) == "" {
			continue
		}
		line, _ := r.FieldPos(0)
		d.rows++
		if cols.text >= len(row) || cols.label >= len(row) {
			d.skip(name, line, fmt.Sprintf("row has %d fields, header has %d", len(row), len(header)))
			continue
		}
		d.add(name, src, line, row[cols.label], model.Comment{
			Text: row[cols.text], Author: get(row, cols.author), AuthorEmail: get(row, cols.email), AuthorURL: get(row, cols.url),
		})
	}
}

func (d *dataset) readTSV(name, src string, data []byte) {
	line := 0
	for _, l := range strings.SplitAfter(string(data), "\n") {
		line++
		l = strings.TrimRight(l, "\r\n")
		if strings.TrimSpace(l) == "" {
			continue
		}
		d.rows++
		label, text, ok := strings.Cut(l, "\t")
		if !ok {
			d.skip(name, line, "no tab between label and text")
			continue
		}
		d.add(name, src, line, label, model.Comment{Text: text})
	}
}

func (d *dataset) add(name, src string, line int, label string, c model.Comment) {
	l, err := model.ParseLabel(label)
	if err != nil {
		d.skip(name, line, fmt.Sprintf("label %q is neither spam nor ham", label))
		return
	}
	if !utf8.ValidString(c.Text) {
		c.Text = strings.ToValidUTF8(c.Text, "\uFFFD")
	}
	if strings.TrimSpace(c.Text) == "" {
		d.skip(name, line, "empty text")
		return
	}
	d.examples = append(d.examples, model.Example{Comment: c, Label: l})
	d.source = append(d.source, src)
}

func (d *dataset) skip(name string, line int, reason string) {
	d.skipped = append(d.skipped, skip{File: name, Line: line, Reason: reason})
}

// count returns the number of examples per label.
func (d *dataset) count() (spam, ham int) {
	for _, e := range d.examples {
		if e.Label == model.Spam {
			spam++
		} else {
			ham++
		}
	}
	return spam, ham
}
