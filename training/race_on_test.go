//go:build race

package main

// raceEnabled reports whether the race detector is on: it makes training
// the bars' four bases take many minutes, so they run in the suite
// without it (CI's -tags e2e run).
const raceEnabled = true
