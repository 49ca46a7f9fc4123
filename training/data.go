package main

import (
	"os"
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
}

// readData reads every path (see labeled.Read) into one dataset.
func readData(paths []string, progress func(n int64)) (*dataset, error) {
	ld, err := labeled.Read(paths, progress)
	if err != nil {
		return nil, err
	}
	d := &dataset{Data: ld}
	for i, r := range ld.Records {
		d.examples = append(d.examples, r.Example())
		d.source = append(d.source, filepath.Base(ld.From[i]))
	}
	return d, nil
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
