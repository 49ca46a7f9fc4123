package model

// The benchmarks are in package model so that BenchmarkLoadDefault loads
// the very bytes the binary embeds.

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"
)

// Typical comments of 20–40 tokens with the default tokenizer.
var (
	benchHam = Comment{
		Text:   "I watched the whole interview twice. The part about sanctions was interesting, but I think the author underestimates how long negotiations take.",
		Author: "Maria K.",
	}
	benchSpam = Comment{
		Text:      "I made $12,000 last month working from home!! Visit https://promo.cash-now.biz/start?ref=42 and follow the instructions, it really works.",
		Author:    "Jessica Smith",
		AuthorURL: "http://cash-now.biz",
	}
)

func BenchmarkScore(b *testing.B) {
	c, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	for _, bm := range []struct {
		name string
		c    Comment
	}{
		{name: "ham", c: benchHam},
		{name: "spam-url", c: benchSpam},
	} {
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c.Score(bm.c)
			}
		})
	}
}

func BenchmarkTokenize(b *testing.B) {
	for _, bm := range []struct {
		name string
		c    Comment
	}{
		{name: "ham", c: benchHam},
		{name: "spam-url", c: benchSpam},
		{name: "html", c: Comment{Text: `Great <b>post</b>!<br />See <a href="https://en.wikipedia.org/wiki/Naive_Bayes">this</a> &amp; that.`}},
		{name: "unicode", c: Comment{Text: "Отличная статья, спасибо! ｆｒｅｅ mo\u200bney 日本語のコメントです"}},
	} {
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Tokenize(bm.c, DefaultTokenizer())
			}
		})
	}
}

func BenchmarkLoadDefault(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(defaultModel)))
	for b.Loop() {
		if _, err := Load(strings.NewReader(defaultModel)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadFile loads the model file named by SPAMCHECK_BENCH_MODEL,
// to measure the cold start a larger model than the default costs (one
// loaded from a Lambda layer, say).
func BenchmarkLoadFile(b *testing.B) {
	name := os.Getenv("SPAMCHECK_BENCH_MODEL")
	if name == "" {
		b.Skip("set SPAMCHECK_BENCH_MODEL to a model file")
	}
	raw, err := os.ReadFile(name)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if _, err := Load(bytes.NewReader(raw)); err != nil {
			b.Fatal(err)
		}
	}
}

// fortunesDir is where Debian's fortunes packages put their files.
const fortunesDir = "/usr/share/games/fortunes"

// BenchmarkDefaultOnFortunes prints what the default model does with
// text that no training source resembles and none of which is spam:
// every entry of the fortune(6) files of Debian's fortunes and
// fortunes-min packages (quotations, jokes, definitions, chat logs),
// one comment each. It skips when the packages are not installed
// (`apt-get install fortunes fortunes-min`) and asserts nothing:
//
//	go test -run=NONE -bench=DefaultOnFortunes -benchtime=1x ./model/
func BenchmarkDefaultOnFortunes(b *testing.B) {
	entries, err := os.ReadDir(fortunesDir)
	if err != nil {
		b.Skipf("skipping: %v (apt-get install fortunes fortunes-min)", err)
	}
	var texts []string
	for _, e := range entries {
		if e.IsDir() || strings.Contains(e.Name(), ".") { // .dat indexes, .u8 links
			continue
		}
		raw, err := os.ReadFile(fortunesDir + "/" + e.Name())
		if err != nil {
			b.Fatal(err)
		}
		for _, f := range strings.Split(string(raw), "\n%\n") {
			if f = strings.Join(strings.Fields(f), " "); len(f) >= 10 {
				texts = append(texts, f)
			}
		}
	}
	c, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	var n [3]int // keep, review, reject
	for b.Loop() {
		n = [3]int{}
		for _, t := range texts {
			switch c.Score(Comment{Text: t}).Verdict {
			case Keep:
				n[0]++
			case Review:
				n[1]++
			case Reject:
				n[2]++
			}
		}
	}
	fmt.Printf("default model on %d fortunes (all ham): %d kept, %d sent to review (%.2f%%), %d rejected (%.2f%%)\n",
		len(texts), n[0], n[1], 100*float64(n[1])/float64(len(texts)), n[2], 100*float64(n[2])/float64(len(texts)))
}
