package model

import (
	"unicode"
	"unicode/utf8"
)

// Tokens for acts of spamming that look the same on every platform, so
// that evidence learned on one carries to the next: a handle to contact
// (whatever the handle), a phone number (whatever its digits), and letters
// dressed up in mathematical, full-width, circled or squared forms to slip
// a brand name past word filters.
const (
	tokMention = "#mention"
	tokPhone   = "#phone"
	tokFancy   = "#fancy-letters"
)

// acts emits the act tokens of s, the comment's plain text before Unicode
// normalisation; each at most once. It is one pass over s.
func (t *tokenizer) acts(s string) {
	var mention, phone, fancy bool
	prev := ' '
	digits, groups := 0, 0 // of the current run of digit groups
	endRun := func() {
		// Nine to fifteen digits in two or more groups ("+44 7700 900123",
		// "(555) 012-3456") is a phone number; a date has eight, one long
		// run of digits is an ID or an amount (#longnum), and dots and
		// commas group thousands.
		if digits >= 9 && digits <= 15 && groups >= 2 {
			phone = true
		}
		digits, groups = 0, 0
	}
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		switch {
		case r >= '0' && r <= '9':
			if !(prev >= '0' && prev <= '9') {
				groups++
			}
			digits++
		case r == ' ' || r == '-' || r == '(' || r == ')' || r == '+':
			// separators inside a phone number
		default:
			endRun()
		}
		if r == '@' && !isWordRune(prev) && i+size < len(s) {
			next, _ := utf8.DecodeRuneInString(s[i+size:])
			if isWordRune(next) || next == '_' {
				mention = true
			}
		}
		if !fancy && r >= utf8.RuneSelf && isFancyLetter(r) {
			fancy = true
		}
		prev = r
		i += size
	}
	endRun()
	if mention {
		t.emit(tokMention)
	}
	if phone {
		t.emit(tokPhone)
	}
	if fancy {
		t.emit(tokFancy)
	}
}

// isFancyLetter reports whether r is a letter or digit in one of the
// compatibility forms that NFKC folds to a plain one: mathematical
// alphanumerics, full-width forms, circled, parenthesised and squared
// letters.
func isFancyLetter(r rune) bool {
	switch {
	case r >= 0x1D400 && r <= 0x1D7FF: // mathematical alphanumeric symbols
		return unicode.IsLetter(r) || unicode.IsDigit(r)
	case r >= 0xFF10 && r <= 0xFF19, r >= 0xFF21 && r <= 0xFF3A, r >= 0xFF41 && r <= 0xFF5A: // full-width
		return true
	case r >= 0x2460 && r <= 0x24FF: // enclosed alphanumerics
		return true
	case r >= 0x1F130 && r <= 0x1F189: // squared and negative circled letters
		return true
	}
	return false
}
