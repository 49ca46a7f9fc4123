package model

import (
	"strings"
	"unicode/utf8"
)

// isSpellSeparator reports whether c may separate the letters of a word
// spelled out letter by letter.
func isSpellSeparator(c byte) bool {
	return c == ' ' || c == '.' || c == '-' || c == '_' || c == '*'
}

// spelledOut reports whether s[i:] starts with a word spelled out letter
// by letter ("v i a g r a", "c.a.s.h", "F-R-E-E" folded): at least three
// single ASCII letters, not all the same ("x x x x" is kisses), with the
// same one-character separator between each pair. It returns the word
// and where it ends. Two letters ("U.S.", "e.g.") are left alone, and so
// are letters spaced by more than one character ("J. R. R."), which is
// how initials are written.
func spelledOut(s string, i int) (string, int, bool) {
	var buf [maxWordRunes]byte
	var sep byte
	n, end := 0, i
	for j := i; j < len(s) && n < len(buf); j += 2 {
		c := s[j]
		if c|0x20 < 'a' || c|0x20 > 'z' || j+1 < len(s) && (isWordByte(s[j+1]) || isApostrophe(rune(s[j+1]))) {
			break // not a letter on its own
		}
		buf[n] = c | 0x20
		n++
		end = j + 1
		if j+1 >= len(s) {
			break
		}
		if sep == 0 {
			sep = s[j+1]
		}
		if s[j+1] != sep {
			break
		}
	}
	if n < 3 || strings.Count(string(buf[:n]), string(buf[:1])) == n {
		return "", i, false // "x x x x" is kisses
	}
	return string(buf[:n]), end, true
}

// leetLetters are the letters that digits and symbols stand for in
// leetspeak. '1' is 'i' or 'l' depending on its neighbours (see
// oneLetter). '2', '6' and '8' are left out: in chat they stand for words
// ("b2b", "gr8", "l8r") more often than for letters.
var leetLetters = [128]byte{'0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '9': 'g',
	'$': 's', '@': 'a', '!': 'i'}

func isLeetSymbol(r rune) bool { return r == '$' || r == '@' || r == '!' }

// asciiRun returns how many ASCII letters and digits end s.
func asciiRun(s string) int {
	n := 0
	for n < len(s) && s[len(s)-1-n] < utf8.RuneSelf && isWordByte(s[len(s)-1-n]) {
		n++
	}
	return n
}

// leetSymbolFits reports whether the symbol r, after the word so far,
// before, stands for a letter of the word that continues in rest: "ca$h",
// "ch3@p", "v!agra", "pl$". A '$' between letters is always a letter, and
// so is one ending a word of three letters or more; '@' and '!' are also
// typed between words without a space ("hello@everyone", "wow!great"),
// so they count only next to a stretch of at most two letters.
func leetSymbolFits(r rune, before, rest string) bool {
	run := asciiRun(before)
	after := 0 // letters
	for after < len(rest) && rest[after]|0x20 >= 'a' && rest[after]|0x20 <= 'z' {
		after++
	}
	switch {
	case run == 0:
		return false
	case after == 0: // "gift$", not "500$" or "US$5"
		letters := 0
		for _, c := range []byte(before[len(before)-run:]) {
			if c > '9' {
				letters++
			}
		}
		return r == '$' && letters >= 3 && (rest == "" || !isWordByte(rest[0]) && rest[0] != '$')
	}
	return r == '$' || run <= 2 || after <= 2
}

// unleet decodes a word that mixes letters and digits standing for
// letters ("fr33", "m0ney", "c4sh", "m1ll1on", "0nline", "subscrib3"), and
// reports whether it did. Words where digits are digits stay: numbers
// before or after letters ("mp3", "ps5", "covid19", "1st", "4k", "100mg",
// "html5") and digits that stand for no letter ("b2b", "gr8"). So digits
// inside the letters are decoded; digits at the end when they are a
// repeated digit ("fr33"), a '0' or '3' after four letters or more
// ("ech0", "subscrib3"; not '1', which chat uses for "one": "some1"), or
// when the word has digits elsewhere too ("m0n3y", "7hank5"); a digit at
// the start only when it is '0' ("0nline") or the word has digits
// elsewhere too.
func unleet(w string) (string, bool) {
	if isHex(w) {
		return w, false
	}
	first, last, letters := -1, -1, 0
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case c >= utf8.RuneSelf:
			return w, false
		case c > '9':
			if first < 0 {
				first = i
			}
			last = i
			letters++
		case leetLetters[c] == 0:
			return w, false
		}
	}
	lead, trail := w[:first], w[last+1:]
	inner := strings.ContainsAny(w[first:last+1], "0123456789")
	switch {
	case letters < 2 || len(lead) > 1:
		return w, false
	case lead != "" && (letters < 3 || lead != "0" && !inner && trail == ""):
		return w, false
	case trail != "" && !inner && lead == "":
		repeated := len(trail) >= 2 && strings.Count(trail, trail[:1]) == len(trail)
		// A single trailing 0 after a word is an o ("casin0"); a
		// trailing 3 is an e after the consonants English words end
		// in before a silent e ("subscrib3", "cl1ck", "mak3"), and a
		// version number otherwise ("python3", "php3").
		if !repeated && !(len(trail) == 1 && letters >= 4 && (trail == "0" || trail == "3" && strings.IndexByte("bcdgklrstvz", w[last]) >= 0)) {
			return w, false
		}
	case trail != "" && letters < 3:
		return w, false // "h1n1"
	}
	b := []byte(w)
	for i, c := range b {
		if c > '9' {
			continue
		}
		b[i] = leetLetters[c]
		if c == '1' {
			b[i] = oneLetter(w, i)
		}
	}
	return string(b), true
}

// isHex reports whether w is written in hexadecimal, as hashes, crypto
// addresses and colours are: "0x" and hex digits after it ("0xad8a"), or
// seven hex digits or more, letters a to f among them (a commit id,
// "a3f4e9b"). Read as leetspeak, a commit id became a word and added
// #obfuscated, spam evidence, to a programmer's question. Shorter runs of
// hex digits, and words that only start with 0x, are where leetspeak
// hides ("b4be5", "acce55", "0xyc0d0ne"), so they are still decoded.
func isHex(w string) bool {
	rest, prefixed := w, false
	if len(w) > 2 && w[0] == '0' && w[1]|0x20 == 'x' {
		rest, prefixed = w[2:], true
	}
	if !prefixed && len(w) < 7 {
		return false
	}
	for i := 0; i < len(rest); i++ {
		if c := rest[i] | 0x20; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// isColour reports whether w, after a '#', is a CSS colour of 6 or 8 hex
// digits ("#c0ffee", "#1a2b3c"). Read as leetspeak, "#c0ffee" became
// "coffee" with #obfuscated, spam evidence, in a web developer's comment.
// The short forms ("#f00") are left to leetspeak: three or four hex
// digits are as often a hashtag in disguise ("#b3d").
func isColour(w string) bool {
	if len(w) != 6 && len(w) != 8 {
		return false
	}
	for i := 0; i < len(w); i++ {
		if c := w[i] | 0x20; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// oneLetter decides whether the '1' at w[i] stands for 'l' or 'i': 'l'
// when doubled ("a11", "bi11ion"), next to an 'i' ("c1ick") or ending a
// word after an 'l' ("w1l1"), 'i' when otherwise next to an 'l'
// ("m1ll1on") and by default ("v1agra").
func oneLetter(w string, i int) byte {
	var prev, next byte
	if i > 0 {
		prev = w[i-1]
	}
	if i+1 < len(w) {
		next = w[i+1]
	}
	switch {
	case prev == '1' || next == '1' || prev == 'i' || next == 'i', prev == 'l' && next == 0:
		return 'l'
	}
	return 'i'
}
