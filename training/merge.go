package main

import (
	"fmt"
	"io"

	"github.com/spamcheck/spamcheck/model"
)

// runMerge is `training merge -o OUT A.model B.model...`: the exact sum of
// the counts of models trained with the same settings (see model.Merge).
func runMerge(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("merge", "-o MODEL [flags] A.model B.model...", stderr)
	out := fs.String("o", "", "write the merged model to `file` (required)")
	at := fs.String("trained-at", "", "record this RFC 3339 `time` as the training date (default: $SOURCE_DATE_EPOCH, else now)")
	like := fs.String("thresholds-from", "", "take the thresholds and calibration from this `model` file (default: the first model's)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usagef("merge: -o MODEL is required")
	}
	if fs.NArg() < 2 {
		return usagef("merge: give at least two models, got %d", fs.NArg())
	}
	when, err := trainedAt(*at)
	if err != nil {
		return err
	}
	var models []*model.Classifier
	for _, path := range fs.Args() {
		c, err := openModel(path)
		if err != nil {
			return err
		}
		models = append(models, c)
	}
	o := model.MergeOptions{TrainedAt: when}
	from := fs.Arg(0)
	if *like != "" {
		c, err := openModel(*like)
		if err != nil {
			return err
		}
		info := c.Info()
		o.Thresholds, o.Calibration, from = info.Thresholds, info.Calibration, *like
	}
	c, err := model.Merge(models, o)
	if err != nil {
		return fmt.Errorf("merge: %w", err)
	}
	if err := writeModel(*out, c); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: the sum of %d models\n%s\n", *out, len(models), c)
	for _, s := range c.Info().Stats.Sources {
		fmt.Fprintf(stdout, "  source %s: %d spam, %d ham\n", s.Name, s.Spam, s.Ham)
	}
	fmt.Fprintf(stdout, "thresholds and calibration from %s: they were picked on held-out scores, which only the training data can give again; `training eval` the merged data to check them\n", from)
	return nil
}
