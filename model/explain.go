package model

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/text/unicode/norm"
)

// Span is a stretch of a comment's text and the weight of the words in
// it: positive towards spam, negative towards keep, on the scale of
// Score's reasons. Start and End are positions in code points of the
// comment's text as submitted (HTML and all), counted as []rune(text)
// counts them (an invalid UTF-8 byte is one), End exclusive.
type Span struct {
	Start  int     `json:"start"`
	End    int     `json:"end"`
	Weight float64 `json:"weight"`
}

// Explain maps the tokens that scored a comment back onto its text, for
// showing a reader which words decided it. It walks the words a reader
// sees in the raw text (outside tags, entities decoded), tokenizes each
// the way the tokenizer treats it in a comment, and gives it the weight
// of its tokens, each occurrence the whole weight (as displayed, a token
// that repeats is not counted again by binary scoring). A bigram's weight
// is split half and half between its two words, so a word that only
// decides together with its neighbour is still marked. Links and e-mail
// addresses are one span each, weighing their #url and domain tokens.
// Only the tokens that decided the score count (the whole comment's, or
// those of the window that decided a long one), so a word is never
// marked for a token the score did not use.
//
// Not marked: words the model does not know, style tokens (#titlecase,
// #shouting, #exclaim, #links), #obfuscated, the author fields, text
// inside elements styled to be hidden, and disguises that span several
// words (letters spelled out with spaces, "example dot com").
//
// Spans are in order, never overlap and lie inside the text; a span of
// weight 0 (after rounding to three decimals) is left out. A comment
// with more than MaxSpans marked words gets the MaxSpans heaviest (by
// absolute weight; of equal weights, the first), so that an answer stays
// within a bound whatever the comment: a comment of 64 KiB of one short
// word repeated would otherwise give 1.4 MB of spans. Explain never
// panics, whatever the input.
func (c *Classifier) Explain(cm Comment) []Span {
	return heaviestSpans(c.explain(cm), MaxSpans)
}

// MaxSpans is the most spans Explain returns for one comment: more marked
// words than a reader can take in, about 20 KB of JSON.
const MaxSpans = 500

// heaviestSpans returns the n spans of out with the largest absolute
// weight (of equal weights, the first), in their order in the text.
func heaviestSpans(out []Span, n int) []Span {
	if len(out) <= n {
		return out
	}
	idx := make([]int, len(out))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		return cmp.Compare(math.Abs(out[b].Weight), math.Abs(out[a].Weight))
	})
	idx = idx[:n]
	slices.Sort(idx)
	kept := make([]Span, n)
	for i, j := range idx {
		kept[i] = out[j]
	}
	return kept
}

func (c *Classifier) explain(cm Comment) []Span {
	text := clip(cm.Text)
	var offs []int
	_, scale := c.score(cm, &offs)
	used := map[string]float64{}
	for _, off := range offs {
		tok, w := c.entryAt(off)
		used[tok] = w * scale
	}
	if len(used) == 0 {
		return nil
	}
	x := explainer{used: used, cfg: c.cfg}
	x.cfg.Bigrams, x.cfg.Style, x.cfg.Metadata = false, false, false
	vis := visible(text, c.cfg.Deobfuscate)
	rs := make([]rune, len(vis))
	for i, v := range vis {
		rs[i] = v.r
	}
	if latin, _, _ := scanScripts(normalize(string(rs))); latin {
		x.tk.latin = 1
	} else {
		x.tk.latin = -1
	}
	for a := 0; a < len(vis); {
		if isSpace(vis[a].r) {
			a++
			continue
		}
		b := a
		for b < len(vis) && !isSpace(vis[b].r) {
			b++
		}
		if c.cfg.Deobfuscate {
			if end, ok := spelledWithSpaces(vis, a, b); ok {
				b = end
			}
		}
		x.field(vis, a, b)
		a = b
	}
	for _, sw := range x.stream {
		x.units[sw.unit].weight += used[sw.tok]
	}
	if c.cfg.Bigrams {
		for i := 1; i < len(x.stream); i++ {
			prev, cur := x.stream[i-1], x.stream[i]
			if w, ok := used[prev.tok+bigramJoin+cur.tok]; ok {
				x.units[prev.unit].weight += w / 2
				x.units[cur.unit].weight += w / 2
			}
		}
	}
	return x.spans(text, vis)
}

// visRune is one character a reader sees, and where it is in the raw
// text: bytes [start, end), the whole entity for a decoded one. A
// separator that a block tag stands for has start -1.
type visRune struct {
	r          rune
	start, end int
}

// visible returns the characters of s a reader sees, as plainText finds
// them (outside tags, <script> and <style>, entities decoded, block tags
// separating words, and with unhide the text of hidden elements left
// out), each with its place in s. It is a walk of its own rather than
// plainText's because it must keep positions, which plainText, on the path
// of every comment, has no reason to pay for.
func visible(s string, unhide bool) []visRune {
	out := make([]visRune, 0, len(s))
	if !strings.ContainsAny(s, "<&") {
		for i, r := range s {
			out = append(out, visRune{r, i, i + utf8.RuneLen(r)})
		}
		return fixInvalid(s, out)
	}
	z := html.NewTokenizer(strings.NewReader(s))
	pos, skip := 0, 0
	var hideTag string
	hideNest := 0
	for {
		tt := z.Next()
		raw := len(z.Raw())
		at := pos
		pos += raw
		switch tt {
		case html.ErrorToken:
			return fixInvalid(s, out)
		case html.TextToken:
			if skip == 0 && hideTag == "" {
				out = appendDecoded(out, s[at:min(at+raw, len(s))], at)
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			tok := z.Token()
			switch tok.Data {
			case "script", "style":
				skip = unreadDepth(tok, skip)
			}
			if unhide {
				switch {
				case hideTag == "" && tok.Type == html.StartTagToken && isHidden(tok):
					hideTag, hideNest = tok.Data, 1
					continue
				case tok.Data == hideTag && tok.Type == html.StartTagToken:
					hideNest++
				case tok.Data == hideTag && tok.Type == html.EndTagToken:
					if hideNest--; hideNest == 0 {
						hideTag = ""
						continue
					}
				}
			}
			if blockTags[tok.Data] && hideTag == "" {
				out = append(out, visRune{' ', -1, -1})
			}
		}
	}
}

// fixInvalid gives an invalid UTF-8 byte, which ranging over a string
// reads as U+FFFD, its own length of one byte.
func fixInvalid(s string, out []visRune) []visRune {
	for i := range out {
		if v := &out[i]; v.r == utf8.RuneError && v.start >= 0 && v.end-v.start == 3 {
			if r, size := utf8.DecodeRuneInString(s[v.start:]); r == utf8.RuneError && size == 1 {
				v.end = v.start + 1
			}
		}
	}
	return out
}

// appendDecoded appends the characters of a stretch of HTML text seg,
// which starts at byte base of the comment, decoding character
// references; every character of a reference is placed on all of it.
func appendDecoded(out []visRune, seg string, base int) []visRune {
	for i := 0; i < len(seg); {
		if seg[i] == '&' {
			j := i + 1
			for j < len(seg) && j-i < 40 && (isWordByte(seg[j]) && seg[j] < utf8.RuneSelf || seg[j] == '#') {
				j++
			}
			if j < len(seg) && seg[j] == ';' {
				j++
			}
			if ref := seg[i:j]; j > i+1 {
				if dec := html.UnescapeString(ref); dec != ref {
					for _, r := range dec {
						out = append(out, visRune{r, base + i, base + j})
					}
					i = j
					continue
				}
			}
		}
		r, size := utf8.DecodeRuneInString(seg[i:])
		out = append(out, visRune{r, base + i, base + i + size})
		i += size
	}
	return out
}

// explainer collects the units of a comment (the stretches of visible
// text that carry tokens) and the stream of their words, from which
// bigrams are made.
type explainer struct {
	used   map[string]float64
	cfg    TokenizerConfig
	tk     tokenizer
	units  []unit
	stream []streamWord
}

// unit is a stretch vis[a:b] of visible text and the weight of its tokens
// (its links' when recorded, its words' and bigrams' once the stream is
// complete).
type unit struct {
	a, b   int
	weight float64
}

// streamWord is a word token and the unit it came from.
type streamWord struct {
	tok  string
	unit int
}

// field handles the whitespace-separated field vis[a:b]. A field that
// tokenizes to one word (however disguised: "fr33", "c.a.s.h", "mo💰ney")
// or holds a link is one unit; otherwise each run of word characters in it
// ("hello,world", each character of Chinese) is tokenized on its own.
func (x *explainer) field(vis []visRune, a, b int) {
	words, links := x.tokens(vis[a:b])
	if len(words) <= 1 || len(links) > 0 {
		x.unit(vis, a, b, words, links)
		return
	}
	for i := a; i < b; {
		if !wordish(vis[i].r) {
			i++
			continue
		}
		j := i + 1
		for !unspaced(vis[i].r) && j < b {
			if wordish(vis[j].r) && !unspaced(vis[j].r) {
				j++
				continue
			}
			// Apostrophes, invisible characters and pictures inside a
			// word do not end it.
			k := j
			for k < b && (isApostrophe(vis[k].r) || joiner(vis[k].r)) {
				k++
			}
			if k == j || k == b || !wordish(vis[k].r) || unspaced(vis[k].r) {
				break
			}
			j = k
		}
		words, links := x.tokens(vis[i:j])
		x.unit(vis, i, j, words, links)
		i = j
	}
}

// wordish reports whether r is a word character, or becomes one under
// NFKC ("²", "Ⓔ").
func wordish(r rune) bool {
	if isWordRune(r) {
		return true
	}
	if r < utf8.RuneSelf {
		return false
	}
	for _, n := range norm.NFKC.String(string(r)) {
		if isWordRune(n) {
			return true
		}
	}
	return false
}

// joiner reports whether r may sit inside a word without ending it:
// invisible characters and pictures, which the tokenizer drops there.
func joiner(r rune) bool {
	return r >= utf8.RuneSelf && (unicode.In(r, unicode.Cf, unicode.Variation_Selector) || ignorable(r) || isPicture(r))
}

// spelledWithSpaces reports whether the field vis[a:b] is a single ASCII
// letter that starts a word spelled out with single spaces ("T h o u s a n
// d s"), which the tokenizer reads as one word, and where it ends.
func spelledWithSpaces(vis []visRune, a, b int) (int, bool) {
	if b != a+1 || vis[a].r >= utf8.RuneSelf || b >= len(vis) || vis[b].r != ' ' {
		return b, false
	}
	var ascii []byte
	for i := a; i < len(vis) && i < a+2*maxWordRunes && vis[i].r < utf8.RuneSelf; i++ {
		ascii = append(ascii, byte(vis[i].r))
	}
	w, end, ok := spelledOut(string(ascii), 0)
	if !ok || len(w) < 3 {
		return b, false
	}
	return a + end, true
}

// tokens tokenizes the characters of vis as a comment of their own, and
// returns its word tokens and its link tokens (#url, domain:…, #email,
// email-domain:…), copied, as the tokenizer reuses its buffers.
func (x *explainer) tokens(vis []visRune) (words, links []string) {
	rs := make([]rune, len(vis))
	for i, v := range vis {
		rs[i] = v.r
	}
	toks := x.tk.run(Comment{Text: string(rs)}, x.cfg)
	links = slices.Clone(toks.all[:toks.words.start])
	words = slices.Clone(toks.all[toks.words.start:toks.words.end])
	return words, links
}

// unit records vis[a:b], trimmed to its word characters, as a unit with
// the given tokens, and puts its words on the stream. A number followed
// by a money word ("12000 dollars") becomes #money, as in the tokenizer.
func (x *explainer) unit(vis []visRune, a, b int, words, links []string) {
	if len(words)+len(links) == 0 {
		return
	}
	a, b = x.trim(vis, a, b, words)
	if a == b {
		return
	}
	u := unit{a: a, b: b}
	for _, tok := range links {
		u.weight += x.used[tok]
	}
	for _, w := range words {
		if n := len(x.stream); isMoneyWord(w, x.cfg) && n > 0 && x.stream[n-1].tok == tokNumber {
			x.stream[n-1].tok = tokMoney
		}
		x.stream = append(x.stream, streamWord{w, len(x.units)})
	}
	x.units = append(x.units, u)
}

// trim returns vis[a:b] without the characters around its word that are
// not part of it ("(free!)" → "free"), keeping a leet symbol that is
// ("bonu$").
func (x *explainer) trim(vis []visRune, a, b int, words []string) (int, int) {
	i, j := a, b
	for i < j && !wordish(vis[i].r) {
		i++
	}
	for j > i && !wordish(vis[j-1].r) {
		j--
	}
	if i == j || len(words) == 0 || i == a && j == b {
		return i, j
	}
	if w, _ := x.tokens(vis[i:j]); slices.Equal(w, words) {
		return i, j
	}
	for i > a && isLeetSymbol(vis[i-1].r) {
		i--
	}
	for j < b && isLeetSymbol(vis[j].r) {
		j++
	}
	return i, j
}

// spans turns the units that carry weight into spans in code points of
// text, dropping any that would overlap the one before (which the walk
// does not produce, but a span must never do).
func (x *explainer) spans(text string, vis []visRune) []Span {
	var out []Span
	// cp[i] is the code point at which byte i of text starts.
	var cp []int
	for _, u := range x.units {
		w := round3(u.weight)
		if w == 0 {
			continue
		}
		start, end := vis[u.a].start, vis[u.b-1].end
		if start < 0 || end < 0 {
			continue
		}
		if cp == nil {
			cp = codePoints(text)
		}
		s := Span{Start: cp[start], End: cp[end], Weight: w}
		if len(out) > 0 && s.Start < out[len(out)-1].End || s.Start >= s.End {
			continue
		}
		out = append(out, s)
	}
	return out
}

// codePoints maps each byte offset of s (and len(s)) to the index of the
// code point it falls in, as []rune(s) counts them.
func codePoints(s string) []int {
	cp := make([]int, len(s)+1)
	n := 0
	for i := 0; i < len(s); {
		_, size := utf8.DecodeRuneInString(s[i:])
		for k := range size {
			cp[i+k] = n
		}
		i += size
		n++
	}
	cp[len(s)] = n
	return cp
}
