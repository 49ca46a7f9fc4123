package main

import (
	"path/filepath"

	"github.com/spamcheck/spamcheck/model"
	"github.com/spamcheck/spamcheck/model/labeled"
)

// dataset is labeled comments read from one or more files, as training and
// evaluation use them.
type dataset struct {
	*labeled.Data
	examples []model.Example
	// source[i] names the file examples[i] came from (its base name), for
	// per-source reports and leave-one-source-out evaluation.
	source []string
	// path[i] is the path given that examples[i] was read under: its
	// file, or a directory above it.
	path []string
}

// readData reads every path (see labeled.Read) into one dataset.
func readData(paths []string, groupColumn string) (*dataset, error) {
	return readDataProgress(paths, groupColumn, nil)
}

// readDataProgress is readData that calls progress, when set, with the
// size of each file read.
func readDataProgress(paths []string, groupColumn string, progress func(n int64)) (*dataset, error) {
	d := &dataset{Data: &labeled.Data{GroupColumn: groupColumn}}
	for _, p := range paths {
		if err := d.ReadPath(p, progress); err != nil {
			return nil, err
		}
		for i := len(d.examples); i < len(d.Records); i++ {
			ex := d.Records[i].Example()
			// Each path given is one source of the data: training
			// weighs sources and holds them out as units.
			ex.Source = filepath.Base(filepath.Clean(p))
			d.examples = append(d.examples, ex)
			d.source = append(d.source, filepath.Base(d.From[i]))
			d.path = append(d.path, filepath.Clean(p))
		}
	}
	return d, nil
}

// sourcePerPath makes each path given one source, so that a directory of
// many one-record files (feedback as `aws s3 sync` leaves it) is one row
// of eval's per-source table, not one row per file.
func (d *dataset) sourcePerPath() {
	copy(d.source, d.path)
}
