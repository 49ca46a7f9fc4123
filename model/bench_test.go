package model

// The benchmarks are in package model so that BenchmarkLoadDefault loads
// the very bytes the binary embeds.

import (
	"bytes"
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
