package model

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// clip bounds s to maxInputBytes without splitting a rune.
func clip(s string) string {
	if len(s) <= maxInputBytes {
		return s
	}
	cut := maxInputBytes
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

// invisible removes format characters (zero-width spaces and joiners, the
// byte order mark, soft hyphens, bidi controls) that spammers put inside
// words and that crawlers leave behind.
var invisible = runes.Remove(runes.Predicate(func(r rune) bool { return unicode.In(r, unicode.Cf, unicode.Variation_Selector) }))

var normalizers = sync.Pool{New: func() any {
	return transform.Chain(norm.NFKC, invisible)
}}

// normalize applies NFKC and drops invisible characters, keeping case (the
// style tokens need it). Invalid UTF-8 becomes spaces.
func normalize(s string) string {
	if isASCII(s) {
		return s
	}
	s = strings.ToValidUTF8(s, " ")
	tr := normalizers.Get().(transform.Transformer)
	defer normalizers.Put(tr)
	out, _, err := transform.String(tr, s)
	if err != nil {
		return s
	}
	return out
}

// folders holds pointers: a Caser put into a pool by value would cost an
// allocation on every Put.
var folders = sync.Pool{New: func() any { c := cases.Fold(); return &c }}

// fold case-folds s; ASCII takes a fast path.
func fold(s string) string {
	if isASCII(s) {
		return strings.ToLower(s)
	}
	c := folders.Get().(*cases.Caser)
	defer folders.Put(c)
	return c.String(s)
}

// isASCII reports whether s is all ASCII, eight bytes at a time: it is on
// the path of every comment.
func isASCII(s string) bool {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		if w&0x8080808080808080 != 0 {
			return false
		}
	}
	for ; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
