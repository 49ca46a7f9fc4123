package model_test

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/spamcheck/spamcheck/model"
)

// The tokenizer must cost time linear in its input: a comment built to
// make one of its stages work hardest may cost more per byte than prose,
// but by a bounded factor, however long it is. These tests compare costs
// measured on the same machine in the same run, never a time against a
// fixed figure.

// linearSize is the size of the inputs compared, the largest comment the
// local server accepts by default.
const linearSize = 64 << 10

// prose is ordinary English, the yardstick.
const prose = "The sanctions will hurt Moscow more than they admit, and the markets know it. " +
	"I watched the whole interview twice; the part about negotiations was interesting, " +
	"but I think the author underestimates how long they take. Thanks for writing this up! " +
	"My grandfather said the same thing in 1962, and he was right then too. "

// adversarial are, for each stage of the tokenizer, inputs built to make
// it work hardest: many candidates for its disguise that are not one, or
// are one over and over.
var adversarial = []struct{ stage, unit string }{
	{"spelled dots", "x . "},         // one chain of labels, no top-level domain at its end
	{"spelled dots", "x dot "},       // the same, written out
	{"spelled dots", "dot "},         // two interleaved chains
	{"spelled dots", "x . x . club"}, // a word TLD after " . "
	{"spelled dots", "x\t.\t"},       // white space squeezed for the matching
	{"spelled dots", "x  dot \n"},
	{"hidden links", "(at)x"},
	{"hidden links", "[.]"},
	{"hidden links", "hxxp"},
	{"leetspeak", "a$"},
	{"leetspeak", "aaaaaaa$"},
	{"leetspeak", "m0n3y "},
	{"spelled out", "x "}, // "x x x x" is kisses, not a word
	{"spelled out", "x.y."},
	{"look-alikes", "mоnеy "}, // Cyrillic о and е
	{"look-alikes", "о"},      // one long word of look-alikes
	{"look-alikes", "a💰"},
	{"look-alikes", "\u034f"}, // combining grapheme joiner, ignorable
	{"HTML", "<a href=a.com>"},
	{"HTML", "<span style=display:none>"},
	{"HTML", "<b>x"},
	{"HTML", "&amp;"},
	{"links", "a."}, // one long dotted field
	{"links", "a@"},
	{"links", "a://"},
	{"links", "visit www.cash-now.biz "},
	{"words", "1,"},
	{"words", "x"},               // one long word
	{"acts", "@tradefx "},        // a money handle, again and again
	{"acts", "#aaaaaaaaaaaaaaa"}, // hashtags with no stem in them
	{"acts", "@"},                // handles with no name
	{"acts", "$1 a day "},        // amounts, each with a unit of time after it
	{"acts", "Ab1"},              // one long run of base58 characters
}

// fill repeats unit to n bytes, cut at a rune boundary.
func fill(unit string, n int) string {
	s := strings.Repeat(unit, n/len(unit)+1)
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// cost returns the least time Score took on texts over runs runs, one
// each in turn, so that all of them see the same load on the machine.
func cost(c *model.Classifier, texts []string, runs int) []time.Duration {
	best := make([]time.Duration, len(texts))
	for r := 0; r < runs; r++ {
		for i, s := range texts {
			start := time.Now()
			c.Score(model.Comment{Text: s})
			if d := time.Since(start); r == 0 || d < best[i] {
				best[i] = d
			}
		}
	}
	return best
}

// attempts is how often a ratio of costs is measured again before it
// counts as too high: the machine may be busy during one measurement, but
// work quadratic in the input is too high every time.
const attempts = 4

// ratio measures the cost of text against that of base, again while it
// is above bar, and returns the last ratio with the costs it came from.
func ratio(c *model.Classifier, text, base string, bar float64, runs int) (float64, time.Duration, time.Duration) {
	var r float64
	var costs []time.Duration
	for range attempts {
		costs = cost(c, []string{base, text}, runs)
		if r = float64(costs[1]) / float64(costs[0]); r <= bar {
			break
		}
	}
	return r, costs[1], costs[0]
}

// TestTokenizerLinear checks the README's bar: a 64 KiB comment built to
// make a stage of the tokenizer work hardest costs at most 10× as much to
// score as 64 KiB of prose. Before spelledDots remembered the chains it
// had walked, the four spelled-dot inputs cost 230–530× as much.
func TestTokenizerLinear(t *testing.T) {
	if raceEnabled {
		t.Skip("cost ratios are measured without the race detector (CI runs this test in its e2e suite)")
	}
	const bar = 10
	c := mustDefault(t)
	base := fill(prose, linearSize)
	runs := 15
	if testing.Short() {
		runs = 5
	}
	for _, a := range adversarial {
		r, got, prose := ratio(c, fill(a.unit, linearSize), base, bar, runs)
		t.Logf("%-13s %-28q %5.1f× prose", a.stage, a.unit, r)
		if r > bar {
			t.Errorf("%s: 64 KiB of %q costs %.1f× as much as 64 KiB of prose (%v against %v), want at most %d×",
				a.stage, a.unit, r, got, prose, bar)
		}
	}
}

// FuzzTokenizerLinear checks that doubling an input at most about doubles
// its cost: text repeated to 16 KiB, then to 64 KiB, costs at most 10× as
// much, that is at most 3.2× for each doubling. Work quadratic in the
// input would cost 16×. (Linear work measures 4–5× here: larger inputs
// fit the processor's caches less well; one 64 KiB word measured up to
// 9.9× while two fuzzing workers and other jobs shared the two cores.)
func FuzzTokenizerLinear(f *testing.F) {
	f.Add(prose)
	for _, a := range adversarial {
		f.Add(a.unit)
	}
	c := mustDefault(f)
	f.Fuzz(func(t *testing.T, unit string) {
		if unit == "" {
			return
		}
		small, large := fill(unit, 16<<10), fill(unit, 64<<10)
		// The floor keeps timer resolution out of inputs that cost next
		// to nothing.
		const bar, floor = 10, 200 * time.Microsecond
		if r, large, small := ratio(c, large, small, bar, 7); r > bar && large > bar*small+floor {
			t.Errorf("64 KiB of %q costs %v, 16 KiB %v: %.1f× for four times the input, want at most %d×", unit, large, small, r, bar)
		}
	})
}

// BenchmarkTokenizerLinear prints what scoring 64 KiB of prose and of
// each adversarial input costs (go test -bench TokenizerLinear ./model/).
func BenchmarkTokenizerLinear(b *testing.B) {
	c := mustDefault(b)
	inputs := append([]struct{ stage, unit string }{{"prose", prose}}, adversarial...)
	for _, in := range inputs {
		s := fill(in.unit, linearSize)
		name := fmt.Sprintf("%s/%q", in.stage, in.unit)
		if in.unit == prose {
			name = "prose"
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(s)))
			b.ReportAllocs()
			for b.Loop() {
				c.Score(model.Comment{Text: s})
			}
		})
	}
}
