package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spamcheck/spamcheck/model"
	"github.com/spamcheck/spamcheck/model/labeled"
)

// classified is one line of classify's output for a comment it could
// read.
type classified struct {
	Line int `json:"line"`
	model.Score
	Model string `json:"model"`
}

// unreadable is one line of classify's output for an input line it could
// not read, in the comment's place.
type unreadable struct {
	Line  int    `json:"line"`
	Error string `json:"error"`
}

func runClassify(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("classify", "[-m MODEL] [FILE|-]", stderr)
	path := fs.String("m", "", "model `file` (\"default\" or none: the built-in model)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return usagef("classify: at most one input file, got %d", fs.NArg())
	}
	c, err := openModel(*path)
	if err != nil {
		return err
	}
	in, scan := stdin, scanComments
	if name := fs.Arg(0); name != "" && name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
		if strings.EqualFold(filepath.Ext(name), ".csv") {
			scan = scanCSV
		}
	}
	w := bufio.NewWriter(stdout)
	err = classify(c, in, scan, w, stderr)
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	return err
}

// classify answers every comment scan reads from in on out, in order:
// the score of the comment, or an error object for a line it cannot read.
// Like train's skipped rows, each unreadable line is also listed on
// stderr, and the run then ends with an error, after the last answer.
func classify(c *model.Classifier, in io.Reader, scan func(io.Reader, func(int, model.Comment, error) error) error, out, stderr io.Writer) error {
	id := c.Info().ID
	enc := json.NewEncoder(out)
	read, bad := 0, 0
	err := scan(in, func(line int, cm model.Comment, err error) error {
		read++
		var answer any
		if err != nil {
			bad++
			fmt.Fprintf(stderr, "  unreadable line %d: %v\n", line, err)
			answer = unreadable{Line: line, Error: err.Error()}
		} else {
			answer = classified{Line: line, Score: c.Score(cm), Model: id}
		}
		return enc.Encode(answer)
	})
	if err != nil {
		return fmt.Errorf("classify: %w", err)
	}
	if bad > 0 {
		return fmt.Errorf("classify: %d of %d lines unreadable, each answered with an error object", bad, read)
	}
	return nil
}

// maxLine is the longest input line classify reads: far above any comment
// a platform accepts, and a bound on memory.
const maxLine = 16 << 20

// parseComment reads one input line: a labeled.Record as JSON (its label,
// if any, is ignored), or else the comment as plain text. A record whose
// text is blank is not a comment, as training skips it and the API
// refuses it.
func parseComment(line string) (model.Comment, error) {
	trimmed := strings.TrimSpace(line)
	if !strings.HasPrefix(trimmed, "{") {
		return model.Comment{Text: line}, nil
	}
	r, err := labeled.Decode([]byte(trimmed))
	var noLabel *labeled.LabelError
	if err != nil && !errors.As(err, &noLabel) {
		return model.Comment{}, err
	}
	if strings.TrimSpace(r.Text) == "" {
		return model.Comment{}, errors.New("empty text")
	}
	return r.Comment(), nil
}

// openModel loads the model at path, or the built-in one when path is ""
// or "default", as every command that takes a model reads that name.
func openModel(path string) (*model.Classifier, error) {
	if path == "" || path == "default" {
		return model.Default()
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	c, err := model.Load(f)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	return c, nil
}

// scanComments calls f with each non-blank line of in read as a comment
// (see parseComment), or the error that kept it from being one, in order;
// an error from f, or from reading, ends it.
func scanComments(in io.Reader, f func(line int, cm model.Comment, err error) error) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	line := 0
	for sc.Scan() {
		line++
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		cm, err := parseComment(sc.Text())
		if err := f(line, cm, err); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read input after line %d: %w", line, err)
	}
	return nil
}

// scanCSV calls f with each row of a CSV file of comments (see
// labeled.ReadCommentsCSV), as scanComments does with lines.
func scanCSV(in io.Reader, f func(line int, cm model.Comment, err error) error) error {
	return labeled.ReadCommentsCSV(in, func(line int, r labeled.Record, err error) error {
		return f(line, r.Comment(), err)
	})
}

// readComments reads the comments of a file as classify reads its input.
// Lines it cannot read (a JSON record without text, say) are skipped and
// counted.
func readComments(path string) (comments []model.Comment, skipped int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	err = scanComments(f, func(_ int, cm model.Comment, err error) error {
		if err != nil {
			skipped++
		} else {
			comments = append(comments, cm)
		}
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %w", path, err)
	}
	return comments, skipped, nil
}
