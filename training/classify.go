package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spamcheck/spamcheck/model"
	"github.com/spamcheck/spamcheck/model/labeled"
)

// classified is one line of classify's output.
type classified struct {
	Line int `json:"line"`
	model.Score
	Model string `json:"model"`
}

func runClassify(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("classify", stderr)
	path := fs.String("m", "", "model `file` (default: the built-in model)")
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
	in := stdin
	if name := fs.Arg(0); name != "" && name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	id := c.Info().ID
	w := bufio.NewWriter(stdout)
	enc := json.NewEncoder(w)
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if strings.TrimSpace(text) == "" {
			continue
		}
		cm, err := parseComment(text)
		if err != nil {
			return fmt.Errorf("classify: line %d: %w", line, err)
		}
		if err := enc.Encode(classified{Line: line, Score: c.Score(cm), Model: id}); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("classify: read input: %w", err)
	}
	return w.Flush()
}

// parseComment reads one input line: a labeled.Record as JSON (its label,
// if any, is ignored), or else the comment as plain text.
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
	return r.Comment(), nil
}

// openModel loads the model at path, or the built-in one when path is "".
func openModel(path string) (*model.Classifier, error) {
	if path == "" {
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
