package model

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Deobfuscation (TokenizerConfig.Deobfuscate). Spammers disguise the words
// a filter has learned while keeping them readable: each defence below
// undoes one family of disguises, so that "fr33 m0ney", "v i a g r a" and
// "ｍоnеу" (Cyrillic о and е) count as the words they spell. Each one
// looks only at text that could hold its disguise, so clean ASCII text
// costs a few byte scans. When one of them undoes a disguise, the comment
// also gets the token #obfuscated: legitimate commenters have no reason to
// disguise words, so the disguise is evidence in itself. (Not for
// invisible characters, which editors and crawlers leave behind too, nor
// for three spelled-out letters, which are as often "U.S.A.") The token
// fires on about 0.4% of the SMS Spam Collection's ham and 12.6% of its
// spam.

// lookalikes maps Cyrillic and Greek letters to the Latin letter they are
// drawn like: the single-letter entries of Unicode's confusables table
// (UTS #39) between these scripts and ASCII where the pair looks alike in
// the same case, and к, κ and η, which spammers use for k and n although
// the table maps them elsewhere. The mapping is applied before case
// folding, so that Cyrillic "В" can become "B" although "в" looks like no
// Latin letter. Latin small capitals, which NFKC leaves alone, are mapped
// too. (github.com/mtibben/confusables has the whole table, but only as
// a skeleton for comparing strings, which maps Latin letters as well:
// "m" to "rn", "I" to "l".)
var lookalikes = map[rune]rune{
	// Cyrillic.
	'а': 'a', 'с': 'c', 'ԁ': 'd', 'е': 'e', 'һ': 'h', 'і': 'i', 'ј': 'j', 'к': 'k', 'о': 'o', 'р': 'p',
	'ԛ': 'q', 'г': 'r', 'ѕ': 's', 'ѵ': 'v', 'ԝ': 'w', 'х': 'x', 'у': 'y', 'ү': 'y',
	'А': 'A', 'В': 'B', 'С': 'C', 'Е': 'E', 'Н': 'H', 'І': 'I', 'Ӏ': 'I', 'Ј': 'J', 'К': 'K', 'М': 'M',
	'О': 'O', 'Р': 'P', 'Ԛ': 'Q', 'Ѕ': 'S', 'Т': 'T', 'Ѵ': 'V', 'Ԝ': 'W', 'Х': 'X', 'У': 'Y', 'Ү': 'Y',
	// Greek.
	'α': 'a', 'ϲ': 'c', 'ι': 'i', 'ϳ': 'j', 'κ': 'k', 'η': 'n', 'ο': 'o', 'ρ': 'p', 'υ': 'u', 'ν': 'v', 'γ': 'y',
	'Α': 'A', 'Β': 'B', 'Ϲ': 'C', 'Ε': 'E', 'Η': 'H', 'Ι': 'I', 'Ϳ': 'J', 'Κ': 'K', 'Μ': 'M', 'Ν': 'N',
	'Ο': 'O', 'Ρ': 'P', 'Τ': 'T', 'Χ': 'X', 'Υ': 'Y', 'Ζ': 'Z',
	// Latin small capitals.
	'ᴀ': 'a', 'ʙ': 'b', 'ᴄ': 'c', 'ᴅ': 'd', 'ᴇ': 'e', 'ꜰ': 'f', 'ɢ': 'g', 'ʜ': 'h', 'ɪ': 'i', 'ᴊ': 'j',
	'ᴋ': 'k', 'ʟ': 'l', 'ᴍ': 'm', 'ɴ': 'n', 'ᴏ': 'o', 'ᴘ': 'p', 'ʀ': 'r', 'ꜱ': 's', 'ᴛ': 't', 'ᴜ': 'u',
	'ᴠ': 'v', 'ᴡ': 'w', 'ʏ': 'y', 'ᴢ': 'z',
}

// isForeignLetter reports whether r is a Cyrillic or Greek letter, the
// scripts whose look-alikes are folded.
func isForeignLetter(r rune) bool {
	return (r >= 0x0370 && r <= 0x052F || r >= 0x1F00 && r <= 0x1FFF) && unicode.IsLetter(r)
}

// ignorable reports whether r is a default-ignorable character that NFKC
// and the removal of format characters (Cf) leave in place: variation
// selectors, the combining grapheme joiner, Hangul fillers. They render as
// nothing, so spammers use them like zero-width spaces.
func ignorable(r rune) bool {
	// U+034F, the combining grapheme joiner, is the first of them.
	return r >= 0x034F && (unicode.Is(unicode.Variation_Selector, r) || unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r))
}

// isPicture reports whether r is a symbol drawn as a picture (emoji,
// dingbats, their skin-tone modifiers), which a reader skips when it sits
// inside a word ("mo💰ney").
func isPicture(r rune) bool {
	return r >= utf8.RuneSelf && (unicode.Is(unicode.So, r) || unicode.Is(unicode.Sk, r))
}

// unconfuse undoes the disguises that need non-ASCII characters: it drops
// ignorable characters (without a #obfuscated: emoji sequences carry
// them), removes pictures from inside words and folds
// look-alike letters to Latin in words that mix scripts ("mоnеy" with a
// Cyrillic о and е). A word written entirely in look-alikes is folded
// only when the comment is mostly in Latin letters, so that genuinely
// Russian or Greek words (which may consist of look-alikes, like "ее" or
// "Α") stay as they are. It is only called for text that is not ASCII.
func (t *tokenizer) unconfuse(s string) string {
	latin, looks, pictures := scanScripts(s)
	if t.latin != 0 {
		latin = t.latin > 0
	}
	cut, folded := false, false
	if pictures {
		s, cut = dropInWordPictures(s)
	}
	if looks {
		s, folded = foldLookalikes(s, latin)
	}
	if cut || folded {
		t.obfuscated = true
	}
	return s
}

// scanScripts reports whether s has more Latin letters than Cyrillic and
// Greek ones, and whether it holds look-alike letters and pictures or
// ignorable characters: the work unconfuse has to do.
func scanScripts(s string) (latinText, looks, pictures bool) {
	latin, foreign := 0, 0
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf:
			if r|0x20 >= 'a' && r|0x20 <= 'z' {
				latin++
			}
		case isForeignLetter(r):
			foreign++
			_, ok := lookalikes[r]
			looks = looks || ok
		case ignorable(r) || isPicture(r):
			pictures = true
		case unicode.IsLetter(r):
			_, ok := lookalikes[r]
			looks = looks || ok
			if unicode.Is(unicode.Latin, r) {
				latin++
			}
		}
	}
	return latin > foreign, looks, pictures
}

// dropInWordPictures removes ignorable characters everywhere and runs of
// pictures that have a letter right before and after them, and reports
// whether pictures were removed.
func dropInWordPictures(s string) (string, bool) {
	var b strings.Builder
	b.Grow(len(s))
	cut := false
	var last rune // the last rune written
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case ignorable(r):
			i += size
			continue
		case isPicture(r):
			j, next := i, rune(0)
			for j < len(s) {
				next, size = utf8.DecodeRuneInString(s[j:])
				if !isPicture(next) && !ignorable(next) {
					break
				}
				j += size
			}
			if j < len(s) && unicode.IsLetter(last) && unicode.IsLetter(next) {
				cut = true
			} else {
				for _, p := range s[i:j] {
					if !ignorable(p) {
						b.WriteRune(p)
						last = p
					}
				}
			}
			i = j
			continue
		}
		b.WriteString(s[i : i+size])
		last = r
		i += size
	}
	return b.String(), cut
}

// foldLookalikes maps look-alike letters to Latin in each word (a run of
// letters, marks and digits) that has Latin letters, or, when latinText,
// that consists of Latin letters and look-alikes only. It reports whether
// it changed anything.
func foldLookalikes(s string, latinText bool) (string, bool) {
	var b strings.Builder
	changed := false
	done := 0 // s[:done] is in b or needs no change
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !isWordRune(r) {
			i += size
			continue
		}
		j, latin, looks, others := i, 0, 0, 0
		for j < len(s) {
			r, size := utf8.DecodeRuneInString(s[j:])
			if !isWordRune(r) {
				break
			}
			switch _, ok := lookalikes[r]; {
			case ok:
				looks++
			case r < utf8.RuneSelf && r > '9' || r >= utf8.RuneSelf && unicode.Is(unicode.Latin, r):
				latin++
			case unicode.IsLetter(r):
				others++
			}
			j += size
		}
		if looks > 0 && (latin > 0 || latinText && others == 0) {
			if !changed {
				b.Grow(len(s))
				changed = true
			}
			b.WriteString(s[done:i])
			for _, r := range s[i:j] {
				if l, ok := lookalikes[r]; ok {
					r = l
				}
				b.WriteRune(r)
			}
			done = j
		}
		i = j
	}
	if !changed {
		return s, false
	}
	b.WriteString(s[done:])
	return b.String(), true
}
