package model_test

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/spamcheck/spamcheck/model"
)

// checkSpans fails unless spans are in order, do not overlap, lie inside
// text (in code points) and each covers at least one letter or digit
// (after NFKC: "Ⓔ" is one).
func checkSpans(t *testing.T, text string, spans []model.Span) {
	t.Helper()
	rs := []rune(text)
	end := 0
	for i, s := range spans {
		if s.Start < end || s.End <= s.Start || s.End > len(rs) {
			t.Fatalf("span %d %+v: out of order, overlapping or outside the %d code points of %q", i, s, len(rs), text)
		}
		end = s.End
		if !strings.ContainsFunc(norm.NFKC.String(string(rs[s.Start:s.End])), func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
			t.Errorf("span %d %q holds no word", i, string(rs[s.Start:s.End]))
		}
		if s.Weight == 0 {
			t.Errorf("span %d %q has weight 0", i, string(rs[s.Start:s.End]))
		}
	}
}

// marked returns the text of each span and the sign of its weight, as
// "+text" or "-text".
func marked(text string, spans []model.Span) []string {
	rs := []rune(text)
	var out []string
	for _, s := range spans {
		sign := "+"
		if s.Weight < 0 {
			sign = "-"
		}
		out = append(out, sign+string(rs[s.Start:s.End]))
	}
	return out
}

// TestExplainMarksVisibleWords: spans point at the words a reader sees in
// the raw text, however the comment is written: inside HTML (never at a
// tag, an entity whole), after emoji and accents (positions are code
// points), in full-width letters and in Chinese.
func TestExplainMarksVisibleWords(t *testing.T) {
	clf := mustDefault(t)
	for _, tc := range []struct {
		name string
		text string
		// want are spans that must be among the marked ones ("+word":
		// towards spam); none lists text that must not be marked.
		want, none []string
	}{
		{name: "plain", text: "Visit my channel and subscribe",
			want: []string{"+Visit", "+channel", "+subscribe"}},
		{name: "money", text: "I made 12000 dollars a month from home",
			want: []string{"+12000", "+dollars", "+home"}},
		{name: "html tags and entities", text: `<p>Please <b>subscribe</b> to my <i>chan</i>nel &amp; visit <a href="http://promo.example.biz/subscribe">promo.example.biz</a></p>`,
			want: []string{"+subscribe", "+chan</i>nel", "+visit", "+promo.example.biz"},
			none: []string{"+http://promo.example.biz/subscribe", "+p", "+b", "+i", "+a", "+href", "+amp"}},
		{name: "entity inside a word", text: "subscr&#105;be to my channel",
			want: []string{"+subscr&#105;be", "+channel"}},
		{name: "script and hidden text", text: `subscribe<script>subscribe()</script> to my <span style="display:none">subscribe</span>channel`,
			want: []string{"+subscribe", "+channel"}},
		{name: "emoji before words", text: "🎉🎉🔥 subscribe to my channel 👍",
			want: []string{"+subscribe", "+channel"}},
		{name: "accents", text: "Très bon article, merci beaucoup — café", want: nil},
		{name: "full-width", text: "ｓｕｂｓｃｒｉｂｅ to my ｃｈａｎｎｅｌ",
			want: []string{"+ｓｕｂｓｃｒｉｂｅ", "+ｃｈａｎｎｅｌ"}},
		{name: "leet and look-alikes", text: "fr33 m0ney, subscribе tо my chаnnel",
			want: []string{"+fr33", "+m0ney", "+subscribе", "+chаnnel"}},
		{name: "zero-width inside a word", text: "sub\u200bscribe to my channel",
			want: []string{"+sub\u200bscribe", "+channel"}},
		{name: "link", text: "Best deals at https://cheap-pills.example.biz/buy?id=3 today",
			want: []string{"+https://cheap-pills.example.biz/buy?id=3"}},
		{name: "ham", text: "The sanctions will hurt Moscow more than they admit.",
			want: []string{"-sanctions", "-Moscow"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spans := clf.Explain(model.Comment{Text: tc.text})
			checkSpans(t, tc.text, spans)
			got := marked(tc.text, spans)
			for _, w := range tc.want {
				if !slices.Contains(got, w) {
					t.Errorf("%q not marked; marked: %q", w, got)
				}
			}
			for _, w := range tc.none {
				if slices.Contains(got, w) {
					t.Errorf("%q marked; marked: %q", w, got)
				}
			}
			// Nothing marked starts or ends inside a tag.
			for _, m := range got {
				if m := m[1:]; strings.HasPrefix(m, "<") || strings.HasSuffix(m, ">") || strings.Contains(m, "href") {
					t.Errorf("span %q covers markup", m)
				}
			}
		})
	}
}

// TestExplainCJK: each Chinese character is a token of its own, and so a
// span of its own.
func TestExplainCJK(t *testing.T) {
	clf := mustDefault(t)
	text := "加微信领取免费红包 subscribe"
	spans := clf.Explain(model.Comment{Text: text})
	checkSpans(t, text, spans)
	for _, s := range spans {
		if r := []rune(text)[s.Start]; unicode.Is(unicode.Han, r) && s.End != s.Start+1 {
			t.Errorf("span %+v over Chinese covers %d characters, want 1", s, s.End-s.Start)
		}
	}
}

// TestExplainNothingToMark: a comment without known words gets no spans,
// and no input makes Explain fail.
func TestExplainNothingToMark(t *testing.T) {
	clf := mustDefault(t)
	for _, text := range []string{"", " ", "🎉🎉", "<b></b>", "&amp;", "qzxv wqpt", "\xff\xfe subscribe \xff", strings.Repeat("<i>", 1000)} {
		spans := clf.Explain(model.Comment{Text: text})
		checkSpans(t, text, spans)
	}
	if spans := clf.Explain(model.Comment{Text: "zzqx", Author: "Jessica", AuthorURL: "http://cash.biz"}); len(spans) != 0 {
		t.Errorf("the author fields were marked in the text: %+v", spans)
	}
}

// TestExplainInvalidUTF8: an invalid byte counts as one code point, as
// []rune counts it, so spans after it still point at their word.
func TestExplainInvalidUTF8(t *testing.T) {
	clf := mustDefault(t)
	text := "\xff\xfe subscribe"
	got := marked(text, clf.Explain(model.Comment{Text: text}))
	if !slices.Contains(got, "+subscribe") {
		t.Errorf("marked %q, want +subscribe", got)
	}
}

// decidingWords returns the words of the reasons of a score: word tokens
// and both halves of word bigrams (class tokens such as #money, links,
// style and author tokens are not words of the text).
func decidingWords(sc model.Score) []string {
	var out []string
	for _, r := range sc.Reasons {
		for _, w := range strings.Split(r.Token, "+") {
			if !strings.HasPrefix(w, "#") && !strings.Contains(w, ":") {
				out = append(out, w)
			}
		}
	}
	return out
}

// missedWords returns the deciding words of c that no span marks: a word
// is marked when a span's own text tokenizes to it. A word whose own
// weight and its halves of the bigrams it is in cancel out (within 0.01
// nats) carries nothing a span could show, and Explain leaves such spans
// out; it is not counted.
func missedWords(clf *model.Classifier, c model.Comment) []string {
	cfg := clf.Info().Tokenizer
	cfg.Bigrams, cfg.Style, cfg.Metadata = false, false, false
	rs := []rune(c.Text)
	have := map[string]bool{}
	for _, s := range clf.Explain(c) {
		for _, tok := range model.Tokenize(model.Comment{Text: string(rs[s.Start:s.End])}, cfg) {
			have[tok] = true
		}
	}
	all := model.Tokenize(c, clf.Info().Tokenizer)
	var out []string
	for _, w := range decidingWords(clf.Score(c)) {
		if !have[w] && math.Abs(netWeight(clf, all, w)) >= 0.01 {
			out = append(out, w)
		}
	}
	return out
}

// netWeight is what the words w of a comment with tokens all weigh
// together in Explain's reckoning: w's own weight for each time it occurs,
// and half of each bigram it is a half of.
func netWeight(clf *model.Classifier, all []string, w string) float64 {
	net := 0.0
	for _, tok := range all {
		own, _ := clf.Weight(tok)
		if tok == w {
			net += own
		} else if a, b, ok := strings.Cut(tok, "+"); ok && (a == w || b == w) {
			net += own / 2
			if a == b {
				net += own / 2
			}
		}
	}
	return net
}

// TestExplainDecidingWords: the words among a comment's reasons are
// marked, in every comment of the corpus; of the disguised spam, those
// not undone word by word (letters spelled out across spaces, links
// written out) may be missed, in at most a few percent of comments.
func TestExplainDecidingWords(t *testing.T) {
	clf := mustDefault(t)
	corpus, unmarked := readCorpus(t), 0
	for _, c := range corpus {
		spans := clf.Explain(c.Comment)
		checkSpans(t, c.Text, spans)
		if m := missedWords(clf, c.Comment); len(m) > 0 {
			unmarked++
			t.Logf("%s: deciding words %q not marked in %q", c.Source, m, c.Text)
		}
	}
	// A word the tokenizer reads differently in the whole comment than
	// on its own may go unmarked; at most two comments in a thousand.
	if unmarked*500 > len(corpus) {
		t.Errorf("%d of %d corpus comments have a deciding word unmarked, want at most 0.2%%", unmarked, len(corpus))
	}
	for _, fam := range []string{"zero-width", "homoglyph", "spaced", "leet", "html", "url", "padding", "mixed"} {
		vs := readVariants(t, fam)
		missed := 0
		for _, v := range vs {
			c := model.Comment{Text: v.Obfuscated}
			checkSpans(t, c.Text, clf.Explain(c))
			if len(missedWords(clf, c)) > 0 {
				missed++
			}
		}
		share := 100 * float64(missed) / float64(len(vs))
		t.Logf("%-10s %d of %d disguised comments have a deciding word unmarked (%.1f%%)", fam, missed, len(vs), share)
		if share > maxUnmarked[fam] {
			t.Errorf("%s: %.1f%% of comments have a deciding word unmarked, want at most %.1f%%", fam, share, maxUnmarked[fam])
		}
	}
}

// maxUnmarked is the share of disguised comments, in percent, that may
// keep a deciding word unmarked, by family: text in hidden elements is
// not marked (html), nor links written out or defanged ("hxxp") nor
// letters spelled out with hyphens around punctuation (url, spaced); and
// a word written wholly in look-alike letters is marked, but the test
// tokenizes the marked text alone, without the Latin comment around it
// that has it folded (homoglyph).
var maxUnmarked = map[string]float64{
	"zero-width": 0.5, "homoglyph": 3, "spaced": 1, "leet": 0.5, "html": 1, "url": 1, "padding": 0.5, "mixed": 1,
}

// FuzzExplain: whatever the text, Explain does not panic and its spans
// are in order, apart and inside the text.
func FuzzExplain(f *testing.F) {
	for _, s := range []string{"Visit my channel", `<p>fr&#101;e <b>m</b>oney</p>`, "ｓｕｂ 你好 🎉", "\xff&#x;<a", "12000 dollars"} {
		f.Add(s)
	}
	clf := mustDefault(f)
	f.Fuzz(func(t *testing.T, text string) {
		spans := clf.Explain(model.Comment{Text: text})
		n := utf8.RuneCountInString(text)
		end := 0
		for _, s := range spans {
			if s.Start < end || s.End <= s.Start || s.End > n {
				t.Fatalf("bad span %+v in %q (%d code points): %s", s, text, n, fmt.Sprint(spans))
			}
			end = s.End
		}
	})
}

// A comment with more marked words than MaxSpans gets the heaviest of
// them, in order: the answer stays bounded whatever the comment, and the
// words that decided are still the ones marked.
func TestExplainKeepsTheHeaviestSpans(t *testing.T) {
	clf := mustDefault(t)
	// More marked words than MaxSpans, fewer than the words a comment
	// keeps whole (its middle is not read past that).
	light := strings.Repeat("I ", model.MaxSpans*3/5)
	text := "subscribe " + light + "visit my channel " + light + "subscribe"
	spans := clf.Explain(model.Comment{Text: text})
	checkSpans(t, text, spans)
	if len(spans) != model.MaxSpans {
		t.Fatalf("%d spans, want MaxSpans = %d", len(spans), model.MaxSpans)
	}
	got := marked(text, spans)
	for _, w := range []string{"+subscribe", "+visit", "+channel"} {
		if !slices.Contains(got, w) {
			t.Errorf("%s is not among the spans kept", w)
		}
	}
	if got[0] != "+subscribe" || got[len(got)-1] != "+subscribe" {
		t.Errorf("first and last spans %s, %s: want the subscribes that open and close the comment", got[0], got[len(got)-1])
	}
	// Below the cap nothing is dropped.
	short := "subscribe " + strings.Repeat("I ", 50) + "visit my channel"
	if n := len(clf.Explain(model.Comment{Text: short})); n < 50 {
		t.Errorf("%d spans for a comment of 54 marked words: spans were dropped below the cap", n)
	}
}
