package model

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// currency symbols mark the number next to them as money; so do these words
// after a number.
var moneyWords = map[string]bool{
	"dollar": true, "dollars": true, "usd": true, "eur": true, "euro": true, "euros": true,
	"bucks": true, "gbp": true, "pounds": true, "btc": true,
}

// isMoneyWord reports whether w after a number makes it an amount; with
// TokenizerConfig.Payments "grand" does too ("5 grand").
func isMoneyWord(w string, cfg TokenizerConfig) bool {
	return moneyWords[w] || cfg.Payments && (w == "grand" || w == "grands")
}

// words splits folded text into words and number tokens. Scripts written
// without spaces (Han, Hiragana, Katakana, Thai) give one token per
// character.
func (t *tokenizer) words(s string) {
	money := false // a currency symbol came just before
	lastNum := -1  // index in t.out of the last number token
	i := 0
	for i < len(s) && len(t.out) < t.max {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '$' || r >= utf8.RuneSelf && unicode.Is(unicode.Sc, r):
			i += size
			after := lastNum >= 0 && lastNum == len(t.out)-1 // "500$"
			// A symbol written against the next number is that number's
			// ("$5", "2021 $9.99", "$200-$1,500"); otherwise it is the
			// number's just before it ("500$", "900 € pour"), if any, and
			// not the next one's too: "paid 20$ 2 times" is one amount.
			// Models from before the payment tokens read both as money.
			against := i < len(s) && s[i] >= '0' && s[i] <= '9'
			if after && (!against || !t.cfg.Payments) {
				t.toMoney(lastNum)
			}
			money = !after || against || !t.cfg.Payments
			continue
		case unspaced(r):
			w := s[i : i+size]
			t.word(w)
			i += size
			money = false
			continue
		case !isWordRune(r):
			if !unicode.IsSpace(r) && r != ',' {
				money = false
			}
			i += size
			continue
		}
		if t.cfg.Deobfuscate && i+1 < len(s) && isSpellSeparator(s[i+1]) {
			if w, end, ok := spelledOut(s, i); ok {
				// Three letters are as often an abbreviation ("U.S.A.",
				// "a.k.a.") or chat ("y r u") as a disguise.
				t.obfuscated = t.obfuscated || len(w) >= 4
				t.word(w)
				i = end
				money = false
				continue
			}
		}
		j := i
		// joined collects the word when separators had to be dropped
		// from it; otherwise the word is s[i:j], with no copy.
		var joined []byte
		digits, letters, n := 0, 0, 0
		for j < len(s) {
			r, size := utf8.DecodeRuneInString(s[j:])
			if isWordRune(r) && !unspaced(r) {
				if r <= '9' && r >= '0' || r >= utf8.RuneSelf && unicode.IsDigit(r) {
					digits++
				} else if r >= utf8.RuneSelf && unicode.IsLetter(r) || r < utf8.RuneSelf {
					letters++
				}
				if joined != nil {
					joined = append(joined, s[j:j+size]...)
				}
				n++
				j += size
				continue
			}
			// Apostrophes inside words vanish ("don't" → "dont");
			// separators inside numbers join them ("15,000", "4.5").
			if j+size < len(s) {
				next, _ := utf8.DecodeRuneInString(s[j+size:])
				if isApostrophe(r) && unicode.IsLetter(next) && letters > 0 ||
					(r == ',' || r == '.') && digits > 0 && letters == 0 && unicode.IsDigit(next) {
					if joined == nil {
						joined = append(make([]byte, 0, 2*(j-i)+8), s[i:j]...)
					}
					j += size
					continue
				}
			}
			if t.cfg.Deobfuscate && isLeetSymbol(r) && leetSymbolFits(r, s[i:j], s[j+size:]) {
				if joined == nil {
					joined = append(make([]byte, 0, 2*(j-i)+8), s[i:j]...)
				}
				joined = append(joined, leetLetters[r])
				t.obfuscated = true
				letters++
				n++
				j += size
				continue
			}
			break
		}
		w := s[i:j]
		if joined != nil {
			w = string(joined)
		}
		colour := i > 0 && s[i-1] == '#' && isColour(w)
		i = j
		if t.cfg.Deobfuscate && digits > 0 && letters > 0 && !colour {
			if d, ok := unleet(w); ok {
				w, digits = d, 0
				t.obfuscated = true
			}
		}
		switch {
		case letters == 0 && digits > 0:
			tok := tokNumber
			if money {
				tok = tokMoney
			} else if digits >= 7 {
				tok = tokLongNumber
			}
			t.word(tok)
			lastNum = len(t.out) - 1
			money = false
			continue
		case n > maxWordRunes:
			w = tokLongWord
		case isMoneyWord(w, t.cfg) && lastNum >= 0 && lastNum == len(t.out)-1:
			t.toMoney(lastNum) // "15000 dollars"
		}
		money = false
		t.word(w)
	}
}

// toMoney turns the number token at index i of the output, the last word
// emitted, into a money token.
func (t *tokenizer) toMoney(i int) {
	t.out[i] = tokMoney
	t.stream[len(t.stream)-1] = tokMoney
}

func (t *tokenizer) word(w string) {
	if len(t.out) < t.max {
		t.out = append(t.out, w)
		t.stream = append(t.stream, w)
	}
}

// bigrams emits a token for each pair of adjacent words
// ("follow+instructions"), all cut from one string.
func (t *tokenizer) bigrams() {
	if !t.cfg.Bigrams || len(t.stream) < 2 {
		return
	}
	pairs := min(len(t.stream)-1, t.max-len(t.out))
	if pairs <= 0 {
		return
	}
	n := 0
	for i := 1; i <= pairs; i++ {
		n += len(t.stream[i-1]) + len(bigramJoin) + len(t.stream[i])
	}
	var b strings.Builder
	b.Grow(n)
	for i := 1; i <= pairs; i++ {
		b.WriteString(t.stream[i-1])
		b.WriteString(bigramJoin)
		b.WriteString(t.stream[i])
	}
	all := b.String() // no copy
	at := 0
	for i := 1; i <= pairs; i++ {
		end := at + len(t.stream[i-1]) + len(bigramJoin) + len(t.stream[i])
		t.out = append(t.out, all[at:end])
		at = end
	}
}

// The character classes of the tokenizer. Every stage asks these, so that
// two stages never disagree about what a space or a word character is.

// isSpace reports whether r separates words: ASCII space, \t, \n, \v, \f,
// \r, and Unicode's white space.
func isSpace(r rune) bool {
	if r < utf8.RuneSelf {
		return r == ' ' || r >= '\t' && r <= '\r'
	}
	return unicode.IsSpace(r)
}

// spaceAt reports whether s[i:] starts with a space (isSpace). A field of
// non-space bytes may then be scanned byte by byte: i need not be at the
// start of a rune, as no byte inside a multi-byte rune starts a space.
func spaceAt(s string, i int) bool {
	if c := s[i]; c < utf8.RuneSelf {
		return isSpace(rune(c))
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return isSpace(r)
}

// isWordRune reports whether r belongs to a word: a letter (not an
// apostrophe-like letter), a digit or a combining mark.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return isWordByte(byte(r))
	}
	return !isApostrophe(r) && unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r)
}

// isWordByte reports whether c is an ASCII letter or digit, or a byte of a
// multi-byte rune (which the callers treat as part of a word).
func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= utf8.RuneSelf
}

// isApostrophe reports whether r is one of the apostrophes that vanish
// inside a word ("don't" → "dont").
func isApostrophe(r rune) bool { return r == '\'' || r == '’' || r == 'ʼ' || r == '`' }

// firstUnspaced is the lowest code point of the scripts written without
// spaces between words: Thai (U+0E00) comes first, then Hiragana,
// Katakana and Han.
const firstUnspaced = 0x0E00

// unspaced reports whether r is of a script written without spaces
// between words, so each character is a token of its own.
func unspaced(r rune) bool {
	return r >= firstUnspaced && (unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) ||
		unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Thai, r))
}

// isSchemeByte reports whether c may start a URL scheme.
func isSchemeByte(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// isLocalPartByte reports whether c may appear in the part of an e-mail
// address before the '@'.
func isLocalPartByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("._%+-", c) >= 0
}

// isHostByte reports whether c may appear in a lower-cased host label.
func isHostByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-'
}
