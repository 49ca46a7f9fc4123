//go:build race

package model_test

// raceEnabled reports whether the race detector is on: its instrumentation
// costs differ from one code path to another, so cost ratios measured
// under it say nothing about the code.
const raceEnabled = true
