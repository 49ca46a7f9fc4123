package model_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/spamcheck/spamcheck/model"
)

// TestLongCommentKeepsItsEnds: a comment over the token cap keeps its
// first words and its last, and the tokens of the whole comment (its link
// count, its author's site): padding before or after a pitch, or in
// front of it as much as a body may hold, cannot push it out of reach.
// (Before, the words were taken in order until the cap: the filler in
// front hid the pitch, 0.04, and the filler after it took the link and
// author tokens, 0.58; now 0.97 and 0.96, against 0.998 for the pitch
// alone.)
func TestLongCommentKeepsItsEnds(t *testing.T) {
	clf := mustDefault(t)
	pitch := "Buy cheap viagra pills online without prescription at http://cheap-pills.example call 555-0134 now"
	filler := strings.Repeat("the weather was fine and we walked along the river for an hour ", 300) // 3,900 words
	cfg := clf.Info().Tokenizer
	for _, tc := range []struct{ name, text string }{
		{"pitch alone", pitch},
		{"filler before", filler + pitch},
		{"filler after", pitch + " " + filler},
	} {
		c := model.Comment{Text: tc.text, AuthorURL: "http://cheap-pills.example"}
		toks := model.Tokenize(c, cfg)
		for _, want := range []string{"viagra", "#links:1", "prescription+at"} {
			if !slices.Contains(toks, want) {
				t.Errorf("%s: no %q among its %d tokens", tc.name, want, len(toks))
			}
		}
		if !slices.ContainsFunc(toks, func(s string) bool { return strings.HasPrefix(s, "author-") || strings.HasPrefix(s, "#author") }) {
			t.Errorf("%s: no author token among its %d tokens", tc.name, len(toks))
		}
		s := clf.Score(c)
		t.Logf("%s: %s at %.4f", tc.name, s.Verdict, s.SpamProbability)
		if s.SpamProbability < 0.9 {
			t.Errorf("%s: P(spam) %.3f, want the pitch to weigh (over 0.9)", tc.name, s.SpamProbability)
		}
	}
}

// TestLinkPaddingKeepsThePitch: links and e-mail addresses come before a
// comment's words, and a pitch padded with a thousand of them kept none
// of its words: 7 KB of one address in front of it turned a rejected
// pitch (0.9992) into a kept one (0.92), a thousand hosts into 0.90.
// They fill at most a quarter of the cap now, the first ones and the
// last, an address counts once, and the link count still counts every
// link. Nor can padding in front of a pitch push out the pitch's own
// link: 200 invisible anchors before "free gift cards here" and a
// shortened link kept its domain out with a quarter taken in order.
func TestLinkPaddingKeepsThePitch(t *testing.T) {
	clf := mustDefault(t)
	pitch := "I made $12,000 last month working from home!! Message me on WhatsApp +1 555 0123 4567 for the investment mentor"
	hosts, addrs := make([]string, 1000), make([]string, 1000)
	for i := range hosts {
		hosts[i] = fmt.Sprintf("site%d.example", i)
		addrs[i] = fmt.Sprintf("u%d@m%d.example", i, i)
	}
	alone := clf.Score(model.Comment{Text: pitch})
	if alone.Verdict != model.Reject {
		t.Fatalf("the pitch alone: %s at %.4f, want reject", alone.Verdict, alone.SpamProbability)
	}
	cfg := clf.Info().Tokenizer
	for _, tc := range []struct{ name, text string }{
		{"one address 1,000 times before", strings.Repeat("a@b.co ", 1000) + pitch},
		{"1,000 addresses before", strings.Join(addrs, " ") + " " + pitch},
		{"1,000 hosts before", strings.Join(hosts, " ") + " " + pitch},
		{"1,000 hosts after", pitch + " " + strings.Join(hosts, " ")},
	} {
		c := model.Comment{Text: tc.text}
		toks := model.Tokenize(c, cfg)
		for _, want := range []string{"whatsapp", "mentor"} {
			if !slices.Contains(toks, want) {
				t.Errorf("%s: no %q among its %d tokens", tc.name, want, len(toks))
			}
		}
		if n := strings.Count(strings.Join(toks, " "), "#email "); n > 1 && strings.HasPrefix(tc.name, "one address") {
			t.Errorf("%s: #email %d times, want once", tc.name, n)
		}
		if strings.Contains(tc.name, "hosts") && !slices.ContainsFunc(toks, func(s string) bool { return strings.HasPrefix(s, "#links:") && s != "#links:0" }) {
			t.Errorf("%s: no link count among its tokens", tc.name)
		}
		if s := clf.Score(c); s.Verdict != model.Reject {
			t.Errorf("%s: %s at %.4f, want reject as the pitch alone", tc.name, s.Verdict, s.SpamProbability)
		}
	}
	var anchors strings.Builder
	for i := range 200 {
		fmt.Fprintf(&anchors, `<a href="http://w%d.youtube.com/"></a>`, i)
	}
	short := "free gift cards here http://bit.ly/2xYz"
	for _, text := range []string{anchors.String() + " " + short, strings.Join(hosts, " ") + " " + short} {
		if toks := model.Tokenize(model.Comment{Text: text}, cfg); !slices.Contains(toks, "domain:bit.ly") {
			t.Errorf("%.60q…: the pitch's own link is not among its %d tokens", text, len(toks))
		}
		alone, padded := clf.Score(model.Comment{Text: short}), clf.Score(model.Comment{Text: text})
		if padded.Verdict == model.Keep {
			t.Errorf("%.60q…: kept at %.4f, where the pitch alone is %s at %.4f", text, padded.SpamProbability, alone.Verdict, alone.SpamProbability)
		}
	}
}
