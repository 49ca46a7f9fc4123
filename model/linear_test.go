package model_test

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/spamcheck/spamcheck/model"
)

// The tokenizer must cost time linear in its input: a comment built to
// make one of its stages work hardest may cost more per byte than prose,
// but by a bounded factor, however long it is. BenchmarkTokenizerLinear
// prints each such input's cost as a multiple of prose's; no test asserts
// a time, which a busy machine would make fail now and then. The stage
// that was once quadratic has a test of its own that counts its steps
// (TestSpelledDotsLinear).

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
	{"links", "ab.biz,"}, // links glued by commas, in one field
	{"links", "a@b.biz,"},
	{"links", "http://a.biz),("},
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

// BenchmarkTokenizerLinear prints what scoring 64 KiB of prose and of
// each adversarial input costs, and for each input its cost as a multiple
// of prose's, x-prose (go test -run=NONE -bench TokenizerLinear ./model/).
// Work quadratic in the input shows as hundreds: before spelledDots
// remembered the chains it had walked, the spelled-dot inputs cost 230 to
// 530 times as much as prose.
func BenchmarkTokenizerLinear(b *testing.B) {
	c := mustDefault(b)
	inputs := append([]struct{ stage, unit string }{{"prose", prose}}, adversarial...)
	var proseCost float64 // per Score, in nanoseconds
	for _, in := range inputs {
		s := fill(in.unit, linearSize)
		name := fmt.Sprintf("%s/%q", in.stage, in.unit)
		if in.unit == prose {
			name = "prose"
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(s)))
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				c.Score(model.Comment{Text: s})
				n++
			}
			per := float64(b.Elapsed().Nanoseconds()) / float64(n)
			if in.unit == prose {
				proseCost = per
			} else if proseCost > 0 {
				b.ReportMetric(per/proseCost, "x-prose")
			}
		})
	}
}
