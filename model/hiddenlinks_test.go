package model

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// spelledDotsRescan is spelledDots as it was before it remembered chains:
// it walks the whole chain from every label, in time quadratic in the
// chain's length. It is the reference the faster one must agree with.
func spelledDotsRescan(lower string, i int) int {
	if i > 0 && isHostByte(lower[i-1]) || !isHostByte(lower[i]) {
		return 0
	}
	end, labels := i, 0
	var last string
	spacedDot := false
	for {
		j := end
		for j < len(lower) && isHostByte(lower[j]) {
			j++
		}
		if j == end {
			break
		}
		labels++
		last = lower[end:j]
		if labels == 1 && (last == "the" || last == "a" || last == "an") {
			return 0
		}
		end = j
		sep := 0
		switch {
		case strings.HasPrefix(lower[j:], " dot "):
			sep = 5
		case strings.HasPrefix(lower[j:], " . "):
			sep = 3
			spacedDot = true
		}
		if sep == 0 || j+sep >= len(lower) || !isHostByte(lower[j+sep]) {
			break
		}
		end = j + sep
	}
	switch tld := spelledTLDs[last]; {
	case labels < 2, tld == 0, tld == wordTLD && spacedDot:
		return 0
	}
	return end - i
}

// TestSpelledDotsAgree checks that spelledDots, asked at every byte in
// turn as unhideLinks asks it, answers as the rescanning reference does
// on text made of the pieces of written-out links.
func TestSpelledDotsAgree(t *testing.T) {
	pieces := []string{"x", "a", "the", "dot", "com", "club", "biz", " ", " ", " . ", " dot ", ".", "(", "-", "hxxp"}
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 20000; n++ {
		var b strings.Builder
		for k := rng.IntN(16); k >= 0; k-- {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		lower := b.String()
		var dc dotChains
		for i := 0; i < len(lower); {
			got, want := dc.spelledDots(lower, i), spelledDotsRescan(lower, i)
			if got != want {
				t.Fatalf("spelledDots(%q, %d) = %d, want %d", lower, i, got, want)
			}
			if got > 0 {
				i += got // as unhideLinks does
			} else {
				i++
			}
		}
	}
}

// TestSpelledDotsLinear: asked at every byte of a text, as unhideLinks
// asks, spelledDots walks each label and looks through each chain a
// bounded number of times, however long the text: on 64 KiB of one chain
// without a top-level domain at its end, asking each label anew walked
// the rest of the chain, and scoring cost 230 to 530 times as much as
// prose. A count of steps, not a time, so that a busy machine cannot
// fail it.
func TestSpelledDotsLinear(t *testing.T) {
	for _, unit := range []string{"x . ", "x dot ", "dot ", "x . x . club", "a dot dot dot b "} {
		lower := strings.Repeat(unit, (64<<10)/len(unit))
		var dc dotChains
		for i := 0; i < len(lower); {
			if n := dc.spelledDots(lower, i); n > 0 {
				i += n
			} else {
				i++
			}
		}
		if dc.steps > 2*len(lower) {
			t.Errorf("%q repeated to %d bytes: %d steps, want at most %d", unit, len(lower), dc.steps, 2*len(lower))
		}
		t.Logf("%-18q %d steps for %d bytes", unit, dc.steps, len(lower))
	}
}
