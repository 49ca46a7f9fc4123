package main

import (
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spamcheck/spamcheck/model"
	"github.com/spamcheck/spamcheck/model/labeled"
)

// dataset is labeled comments read from one or more files, as training and
// evaluation use them.
type dataset struct {
	*labeled.Data
	examples []model.Example
	// source[i] names the file examples[i] came from (its base name, or
	// more of its path where another file has the same; see shortNames),
	// for per-source reports and leave-one-source-out evaluation.
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
			d.examples = append(d.examples, d.Records[i].Example())
			d.path = append(d.path, filepath.Clean(p))
		}
	}
	// Each path given is one source of the data: training weighs
	// sources and holds them out as units.
	pathName, fileName := shortNames(d.path), shortNames(d.From)
	for i := range d.examples {
		d.examples[i].Source = pathName[d.path[i]]
		d.source = append(d.source, fileName[d.From[i]])
	}
	return d, nil
}

// shortNames names each distinct path of paths by its base name, or, when
// another path has the same base name (two platforms' comments.csv), by
// as many of its last elements as tell it apart: a/comments.csv and
// b/comments.csv, not one source of both. Paths still alike at k
// elements are looked at with k+1, so a directory of many one-record
// files costs one pass per level, not a comparison of every pair.
func shortNames(paths []string) map[string]string {
	elems := map[string][]string{}
	for _, p := range paths {
		if _, ok := elems[p]; !ok {
			elems[p] = strings.Split(filepath.ToSlash(filepath.Clean(p)), "/")
		}
	}
	suffix := func(e []string, k int) string { return strings.Join(e[max(len(e)-k, 0):], "/") }
	names := make(map[string]string, len(elems))
	left := slices.Collect(maps.Keys(elems))
	for k := 1; len(left) > 0; k++ {
		alike := map[string]int{}
		for _, p := range left {
			alike[suffix(elems[p], k)]++
		}
		var next []string
		for _, p := range left {
			// A path with no more elements keeps its whole self.
			if e := elems[p]; alike[suffix(e, k)] == 1 || k >= len(e) {
				names[p] = suffix(e, k)
			} else {
				next = append(next, p)
			}
		}
		left = next
	}
	return names
}

// sourcePerPath makes each path given one source, so that a directory of
// many one-record files (feedback as `aws s3 sync` leaves it) is one row
// of eval's per-source table, not one row per file.
func (d *dataset) sourcePerPath() {
	copy(d.source, d.path)
}
