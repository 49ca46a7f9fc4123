package main

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

// synthLines generates n synthetic comments and decodes them.
func synthLines(t *testing.T, n int, seed uint64) ([]byte, []struct{ Text, Label string }) {
	t.Helper()
	var buf bytes.Buffer
	if err := run([]string{"synth", "-n", strconv.Itoa(n), "-seed", strconv.FormatUint(seed, 10)}, nil, &buf, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	var out []struct{ Text, Label string }
	for _, line := range strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n") {
		var r struct{ Text, Label string }
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		out = append(out, r)
	}
	return buf.Bytes(), out
}

// TestSynthIsDeterministic checks that the benchmarks' corpus is the same
// file for the same seed and another for another seed.
func TestSynthIsDeterministic(t *testing.T) {
	a, _ := synthLines(t, 500, 7)
	b, _ := synthLines(t, 500, 7)
	c, _ := synthLines(t, 500, 8)
	if !bytes.Equal(a, b) {
		t.Error("two runs with seed 7 differ")
	}
	if bytes.Equal(a, c) {
		t.Error("seeds 7 and 8 give the same corpus")
	}
}

// TestSynthLooksLikeComments checks what the README says of the corpus:
// 8 to 40 words a comment, both labels, and a vocabulary that keeps
// growing with the corpus as real data does.
func TestSynthLooksLikeComments(t *testing.T) {
	_, lines := synthLines(t, 4000, 1)
	if len(lines) != 4000 {
		t.Fatalf("got %d comments, want 4000", len(lines))
	}
	spam := 0
	distinct := map[string]bool{}
	var half int
	for i, r := range lines {
		words := strings.Fields(r.Text)
		if n := len(words); n < 8 || n > 41 { // 41: a link after the words
			t.Fatalf("comment %d has %d words: %q", i, n, r.Text)
		}
		switch r.Label {
		case "spam":
			spam++
		case "ham":
		default:
			t.Fatalf("comment %d: label %q", i, r.Label)
		}
		for _, w := range words {
			distinct[w] = true
		}
		if i == len(lines)/2-1 {
			half = len(distinct)
		}
	}
	if spam < 1600 || spam > 2000 {
		t.Errorf("%d spam of 4000, want about 45%%", spam)
	}
	// Every comment brings one to three novel words.
	if grown := len(distinct) - half; grown < 2000 {
		t.Errorf("the second half added %d distinct words to the first half's %d, want at least 2000", grown, half)
	}
}
