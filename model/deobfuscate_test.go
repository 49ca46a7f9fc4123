package model_test

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/spamcheck/spamcheck/model"
)

// deob turns on the defences and nothing else, so the expected token lists
// stay short.
var deob = model.TokenizerConfig{Deobfuscate: true}

// obf is the token a comment gets when a defence had something to undo.
const obf = "#obfuscated"

func TestTokenizeDeobfuscate(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		// Look-alike letters from other scripts.
		{name: "cyrillic letters in a latin word", in: "mоnеy", want: []string{"money", obf}},
		{name: "greek letters in a latin word", in: "cαsіnο bοnus", want: []string{"casino", "bonus", obf}},
		{name: "cyrillic capitals", in: "FRЕЕ ВUY", want: []string{"free", "buy", obf}},
		{name: "greek nu is N in capitals and v in lower case", in: "ΝOW νiagra", want: []string{"now", "viagra", obf}},
		{name: "look-alike word in latin text", in: "click hеrе for frее сash", want: []string{"click", "here", "for", "free", "cash", obf}},
		{name: "all look-alikes in latin text", in: "earn more сасе with us", want: []string{"earn", "more", "cace", "with", "us", obf}},
		{name: "russian stays russian", in: "Привет, как дела? Всё хорошо", want: []string{"привет", "как", "дела", "всё", "хорошо"}},
		{name: "russian look-alike words stay in russian text", in: "а у нас всё хорошо", want: []string{"а", "у", "нас", "всё", "хорошо"}},
		{name: "greek stays greek", in: "Ο καιρός είναι ωραίος", want: []string{"ο", "καιρόσ", "είναι", "ωραίοσ"}}, // σ: full case folding
		{name: "russian word in english text", in: "thanks, спасибо", want: []string{"thanks", "спасибо"}},
		{name: "small capitals", in: "ꜰʀᴇᴇ ᴍᴏɴᴇʏ", want: []string{"free", "money", obf}},
		{name: "look-alike in a link", in: "log in at pаypal-verify.com", want: []string{"#url", "domain:paypal-verify.com", "log", "in", "at", obf}},

		// Characters that render as nothing.
		{name: "variation selector inside a word", in: "mo\ufe0fney", want: []string{"money"}},
		{name: "combining grapheme joiner inside a word", in: "ca\u034fsh", want: []string{"cash"}},
		{name: "hangul filler inside a word", in: "fr\u3164ee", want: []string{"free"}},
		{name: "emoji with variation selector is no word", in: "love it ❤️ really", want: []string{"love", "it", "really"}},

		// Pictures inside words.
		{name: "emoji inside a word", in: "mo💰ney", want: []string{"money", obf}},
		{name: "emoji run inside a word", in: "ca🔥🔥\ufe0fsh now", want: []string{"cash", "now", obf}},
		{name: "emoji between words", in: "money 💰 now", want: []string{"money", "now"}},
		{name: "emoji after a word", in: "great video👍", want: []string{"great", "video"}},

		// Words spelled out letter by letter.
		{name: "spaced letters", in: "buy v i a g r a now", want: []string{"buy", "viagra", "now", obf}},
		{name: "dotted letters", in: "easy c.a.s.h.", want: []string{"easy", "cash", obf}},
		{name: "spaced capitals", in: "F R E E money", want: []string{"free", "money", obf}},
		{name: "hyphenated letters", in: "w-i-n big", want: []string{"win", "big"}},
		{name: "abbreviation of two letters", in: "the U.S. and e.g. this", want: []string{"the", "u", "s", "and", "e", "g", "this"}},
		{name: "abbreviation of three letters", in: "made in the U.S.A.", want: []string{"made", "in", "the", "usa"}},
		{name: "initials", in: "J. R. R. Tolkien", want: []string{"j", "r", "r", "tolkien"}},
		{name: "list of letters", in: "options a b c", want: []string{"options", "abc"}},
		{name: "kisses", in: "love you x x x x", want: []string{"love", "you", "x", "x", "x", "x"}},
		{name: "two spelled words", in: "F R E E  M O N E Y", want: []string{"free", "money", obf}},

		// Leetspeak.
		{name: "leet vowels", in: "fr33 m0ney", want: []string{"free", "money", obf}},
		{name: "leet inside", in: "c4sh v1agra b1tc0in", want: []string{"cash", "viagra", "bitcoin", obf}},
		{name: "leet ones", in: "c1ick bi11ion m1ll1on", want: []string{"click", "billion", "million", obf}},
		{name: "leet at both ends", in: "7hank5 0nline", want: []string{"thanks", "online", obf}},
		{name: "leet final e", in: "subscrib3", want: []string{"subscribe", obf}},
		{name: "hexadecimal is not leet", in: "commit a3f4e9b at 0xad8a and 0x3f5CE5FBFe3E9af3971dD833D26bA9b5C936f0bE", want: []string{"commit", "a3f4e9b", "at", "0xad8a", "and", "#longword"}},
		{name: "leet that looks like hex", in: "buy 0xyc0d0ne, hot b4be5, acce55", want: []string{"buy", "oxycodone", "hot", "babes", "access", obf}},
		{name: "colours are not leet", in: "color #c0ffee on #1a2b3c80", want: []string{"color", "c0ffee", "on", "1a2b3c80"}},
		{name: "leet without a colour's '#' or length", in: "c0ffee #b3d", want: []string{"coffee", "bed", obf}},
		{name: "dollar sign as s", in: "ca$h Micro$oft", want: []string{"cash", "microsoft", obf}},
		{name: "at sign as a", in: "c@sh ch3@p", want: []string{"cash", "cheap", obf}},
		{name: "dollar sign ending a word", in: "free gift$ today", want: []string{"free", "gifts", "today", obf}},
		{name: "exclamation mark as i", in: "v!agra", want: []string{"viagra", obf}},
		{name: "numbers and units stay", in: "mp3 ps5 b2b 1st 4k 100mg covid19 html5 web3 h1n1 gr8 some1", want: []string{
			"mp3", "ps5", "b2b", "1st", "4k", "100mg", "covid19", "html5", "web3", "h1n1", "gr8", "some1"}},
		{name: "money stays money", in: "$500 and 500$ and US$5", want: []string{"#money", "and", "#money", "and", "us", "#money"}},
		{name: "mention is no leet", in: "hello@everyone wow!great", want: []string{"hello", "everyone", "wow", "great"}},

		// Links written out.
		{name: "dot written out", in: "visit cash-now dot biz", want: []string{"#url", "domain:cash-now.biz", "visit", obf}},
		{name: "dot written out between tabs", in: "visit cash-now\tdot\tbiz", want: []string{"#url", "domain:cash-now.biz", "visit", obf}},
		{name: "dot written out across lines", in: "visit cash-now\r\ndot\nbiz\nnow", want: []string{"#url", "domain:cash-now.biz", "visit", "now", obf}},
		{name: "spaced dot before a line break is a sentence's end", in: "Obrigado pelo video .\nDe nada", want: []string{"obrigado", "pelo", "video", "de", "nada"}},
		{name: "spaced dot after a line break is a sentence's end", in: "see you on sunday\n. Net result: fun", want: []string{"see", "you", "on", "sunday", "net", "result", "fun"}},
		{name: "dot written out before a line break", in: "see marketglory dot\ncom", want: []string{"#url", "domain:marketglory.com", "see", obf}},
		{name: "sentence's end after a word TLD, across a line break", in: "Great work dot online .\nThanks", want: []string{"great", "work", "dot", "online", "thanks"}},
		{name: "dot written out between runs of spaces", in: "visit cash-now  dot   biz", want: []string{"#url", "domain:cash-now.biz", "visit", obf}},
		{name: "dots written out in capitals", in: "www DOT cash-now DOT com", want: []string{"#url", "domain:cash-now.com", obf}},
		{name: "dot in brackets", in: "cash-now[.]biz", want: []string{"#url", "domain:cash-now.biz", obf}},
		{name: "dot in parentheses", in: "cash-now(.)biz and cash (dot) club", want: []string{"#url", "domain:cash-now.biz", "#url", "domain:cash.club", "and", obf}},
		{name: "defanged scheme", in: "hxxps://cash-now.example/x", want: []string{"#url", "domain:cash-now.example", obf}},
		{name: "defanged scheme and dot", in: "HXXP[:]//cash-now[.]biz", want: []string{"#url", "domain:cash-now.biz", obf}},
		{name: "e-mail written out", in: "mail me[at]cash-now[dot]biz", want: []string{"#email", "email-domain:cash-now.biz", "mail", obf}},
		{name: "e-mail with spaces", in: "write john (at) cash-now (dot) com", want: []string{"#email", "email-domain:cash-now.com", "write", obf}},
		{name: "spaced dot", in: "see marketglory . com/game", want: []string{"#url", "domain:marketglory.com", "see", obf}},
		{name: "the dot com bubble", in: "the dot com bubble", want: []string{"the", "dot", "com", "bubble"}},
		{name: "sentence ends before a word that is a TLD", in: "good song . you know . So good", want: []string{"good", "song", "you", "know", "so", "good"}},
		{name: "word TLD after a spaced dot", in: "my job . work is fun", want: []string{"my", "job", "work", "is", "fun"}},
		{name: "meet at noon", in: "meet me (at) noon", want: []string{"meet", "me", "at", "noon"}},
		{name: "brackets without a link", in: "[citation needed] (see above)", want: []string{"citation", "needed", "see", "above"}},

		// Markup.
		{name: "hidden junk inside a word", in: `mo<span style="display: none">xq</span>ney`, want: []string{"money", "xq", obf}},
		{name: "hidden attribute", in: `c<b hidden>zz</b>ash`, want: []string{"cash", "zz", obf}},
		{name: "hidden element with nested tags", in: `fr<span style="font-size:0"><span>a</span>b</span>ee`, want: []string{"free", "ab", obf}},
		{name: "unclosed hidden element keeps its text", in: `<div style="visibility:hidden">buy cheap pills`, want: []string{"buy", "cheap", "pills", obf}},
		{name: "hidden void element hides nothing", in: `see <img hidden src=x.png> this`, want: []string{"see", "this"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := model.Tokenize(model.Comment{Text: tt.in}, deob)
			checkTokens(t, got, 0)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Tokenize(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestTokenizeDeobfuscateOff checks that a model trained without the
// defences is still scored with the tokens it learned.
func TestTokenizeDeobfuscateOff(t *testing.T) {
	for _, in := range []string{"fr33 m0ney", "mоnеy", "v i a g r a", "cash-now dot biz", "mo💰ney", `mo<span hidden>xq</span>ney`} {
		got := model.Tokenize(model.Comment{Text: in}, plain)
		if slices.Contains(got, obf) {
			t.Errorf("Tokenize(%q) without Deobfuscate = %q, has %s", in, got, obf)
		}
		if on := model.Tokenize(model.Comment{Text: in}, deob); slices.Equal(got, on) {
			t.Errorf("Tokenize(%q) = %q with and without Deobfuscate", in, got)
		}
	}
}

// TestTokenizeDeobfuscateCleanText checks that the defences leave the
// ordinary comments of the corpus alone (Russian, Greek, HTML, emoji,
// links and all): not one token differs, and none gets #obfuscated.
func TestTokenizeDeobfuscateCleanText(t *testing.T) {
	off := model.DefaultTokenizer()
	off.Deobfuscate = false
	for _, c := range withLabel(readCorpus(t), model.Ham) {
		on := model.Tokenize(c.Comment, model.DefaultTokenizer())
		if was := model.Tokenize(c.Comment, off); !slices.Equal(on, was) {
			t.Errorf("%s: %q\n got  %q\nwant %q (as without the defences)", c.Source, c.Text, on, was)
		}
	}
}

// withoutSettings returns the default model with the named settings
// removed from its header, as in a file written before they existed.
func withoutSettings(tb testing.TB, section string, keys ...string) *model.Classifier {
	tb.Helper()
	p := split(tb, mustSave(tb, mustDefault(tb)))
	p.editHeader(tb, func(h map[string]map[string]any) {
		for _, k := range keys {
			if _, ok := h[section][k]; !ok {
				tb.Fatalf("the default model has no %s.%s", section, k)
			}
			delete(h[section], k)
		}
	})
	return mustLoad(tb, p.encode())
}

// longHam joins ham comments of the corpus, a few at a time, into long
// comments: the kind the windows of Score look into.
func longHam(tb testing.TB) []string {
	ham := withLabel(readCorpus(tb), model.Ham)
	rng := rand.New(rand.NewPCG(3, 4))
	var out []string
	for _, k := range []int{2, 4, 8} {
		for range 200 {
			var parts []string
			for range k {
				parts = append(parts, ham[rng.IntN(len(ham))].Text)
			}
			out = append(out, strings.Join(parts, " "))
		}
	}
	return out
}

// TestDefencesRejectNoNewHam checks that neither the tokenizer's defences
// nor the scoring windows make the default model reject a ham comment of
// the corpus (or a long one joined from several) that it keeps without
// them.
func TestDefencesRejectNoNewHam(t *testing.T) {
	c := mustDefault(t)
	var texts []string
	for _, h := range withLabel(readCorpus(t), model.Ham) {
		texts = append(texts, h.Text)
	}
	texts = append(texts, longHam(t)...)
	for _, tt := range []struct {
		name    string
		without *model.Classifier
	}{
		{name: "defences", without: withoutSettings(t, "tokenizer", "deobfuscate")},
		{name: "windows", without: withoutSettings(t, "params", "window", "window_penalty")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rejected := 0
			for _, text := range texts {
				s := c.Score(model.Comment{Text: text})
				if s.Verdict != model.Reject {
					continue
				}
				rejected++
				if w := tt.without.Score(model.Comment{Text: text}); w.Verdict != model.Reject {
					t.Errorf("rejected (p=%.3f), kept without the %s (p=%.3f): %.200q", s.SpamProbability, tt.name, w.SpamProbability, text)
				}
			}
			t.Logf("%d of %d ham texts rejected", rejected, len(texts))
		})
	}
}

func FuzzTokenizeDeobfuscate(f *testing.F) {
	f.Add("fr33 m0ney v i a g r a c.a.s.h ca$h c@sh v!agra mо💰nеy")
	f.Add("hxxps[:]//cash-now[.]biz me[at]x[dot]com www dot x dot com x . com")
	f.Add(`mo<span style="display:none">xq</span>ney <b hidden>`)
	f.Add("ꜰʀᴇᴇ Ѕ\u034f\ufe0f\u3164 Α Β а у нас")
	f.Add(strings.Repeat("a ", 50) + strings.Repeat("1a", 30))
	c := mustDefault(f)
	// Padding makes the comment long enough for Score's windows.
	pad := strings.Repeat("the video was good and I liked it ", 8)
	f.Fuzz(func(t *testing.T, text string) {
		cm := model.Comment{Text: text}
		got := model.Tokenize(cm, model.DefaultTokenizer())
		checkTokens(t, got, 0)
		if again := model.Tokenize(cm, model.DefaultTokenizer()); !slices.Equal(got, again) {
			t.Errorf("Tokenize is not deterministic: %q then %q", got, again)
		}
		for _, s := range []string{text, text + " " + pad, pad + text + pad + text} {
			checkScore(t, c, c.Score(model.Comment{Text: s}))
		}
	})
}

// Matching a written-out link sees runs of white space as one space, but
// the text keeps its own: letters on lines of their own, or apart by two
// spaces, beside a bracket or a dot are letters, not a word spelled out,
// whether a link was found elsewhere in the comment or not.
func TestUnhideLinksKeepsWhiteSpace(t *testing.T) {
	for _, tc := range []struct {
		in        string
		link, obf bool
	}{
		{"Which answer is right?\nA\nB\nC\nD\n[edit] it is C", false, false},
		{"Row 1:\tx\ty\tz\tw {table}", false, false},
		{"H  E  L  L  O from Brazil [first comment]", false, false},
		{"See the list [.] here\nA\nB\nC\nD", true, true},
		{"visit cash-now\tdot\tbiz\nA\nB\nC\nD", true, true},
	} {
		got := model.Tokenize(model.Comment{Text: tc.in}, deob)
		for _, merged := range []string{"abcd", "xyzw", "hello"} {
			if slices.Contains(got, merged) {
				t.Errorf("Tokenize(%q) = %q: letters merged into %q", tc.in, got, merged)
			}
		}
		if slices.Contains(got, "#url") != tc.link || slices.Contains(got, obf) != tc.obf {
			t.Errorf("Tokenize(%q) = %q: want a link %v, %s %v", tc.in, got, tc.link, obf, tc.obf)
		}
	}
}
