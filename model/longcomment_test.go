package model_test

import (
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
