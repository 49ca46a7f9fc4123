package model

import (
	"strings"
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
	// With TokenizerConfig.Payments: two amounts of money in one comment,
	// the stake and the return of a testimonial ("invested $500 and got
	// $5,000"); an amount per unit of time ("$15,000 per week"); a crypto
	// wallet or contract address to send coins to or buy a token at; a
	// handle or hashtag whose name sells making money (@earn_with_kate,
	// @maria.fx.trades, #forexsignals), the account a scam steers to.
	tokMoneyPair   = "#money-pair"
	tokMoneyRate   = "#money-rate"
	tokWallet      = "#wallet"
	tokMoneyHandle = "#money-handle"
)

// moneyStems are the pieces of a handle's name that sell making money:
// trading, investing, earning, coins, recovering what was lost. A handle
// holding any of them, anywhere ("invest_with_ann", "annfx"), is a
// #money-handle.
var moneyStems = []string{
	"asset", "binary", "bitcoin", "btc", "capital", "cash", "coin", "crypto", "earn", "financ",
	"forex", "fund", "fx", "hack", "income", "invest", "mining", "money", "option", "profit",
	"recover", "rich", "signal", "trade", "trading", "wealth",
}

// rateWindow is how many words after an amount a unit of time may come
// for #money-rate: "$500 every single week", "$2,000 in 10 days".
const rateWindow = 5

var timeUnits = map[string]bool{
	"hour": true, "hours": true, "hourly": true, "day": true, "days": true, "daily": true,
	"week": true, "weeks": true, "weekly": true, "month": true, "months": true, "monthly": true,
}

// acts emits the act tokens of s, the comment's plain text before Unicode
// normalisation; each at most once. It is one pass over s, and one more
// over its handles and hashtags (hasMoneyHandle). A wallet
// address is 0x and 40 hex digits (Ethereum and the chains that copy it)
// or 32 to 44 base58 characters mixing upper case, lower case and digits
// (Bitcoin, Solana); it is read here, where the case is still the
// writer's.
func (t *tokenizer) acts(s string) {
	var mention, phone, fancy bool
	prev := ' '
	// The current run of ASCII letters and digits, for wallet addresses:
	// where it starts, and which kinds of characters it has.
	run, hex, base58, upper, lower, digit := -1, true, true, false, false, false
	wallet := false
	endWord := func(end int) {
		if run >= 0 {
			n := end - run
			wallet = wallet || n == 42 && hex && (s[run+1] == 'x' || s[run+1] == 'X') && s[run] == '0' ||
				n >= 32 && n <= 44 && base58 && upper && lower && digit
		}
		run, hex, base58, upper, lower, digit = -1, true, true, false, false, false
	}
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
		if t.cfg.Payments {
			if r < utf8.RuneSelf && isWordByte(byte(r)) {
				if run < 0 {
					run = i
				}
				// 0x and hex digits; base58 leaves out 0, O, I and l.
				lo := r | 0x20
				hex = hex && (r >= '0' && r <= '9' || lo >= 'a' && lo <= 'f' || i == run+1 && lo == 'x')
				base58 = base58 && r != '0' && r != 'O' && r != 'I' && r != 'l'
				upper = upper || r >= 'A' && r <= 'Z'
				lower = lower || r >= 'a' && r <= 'z'
				digit = digit || r >= '0' && r <= '9'
			} else {
				endWord(i)
			}
		}
		prev = r
		i += size
	}
	endRun()
	if t.cfg.Payments {
		endWord(len(s))
	}
	if mention {
		t.emit(tokMention)
	}
	if phone {
		t.emit(tokPhone)
	}
	if fancy {
		t.emit(tokFancy)
	}
	if wallet {
		t.emit(tokWallet)
	}
	if t.cfg.Payments && hasMoneyHandle(s) {
		t.emit(tokMoneyHandle)
	}
}

// hasMoneyHandle reports whether s names a handle or a hashtag, @ or #
// and then ASCII letters, digits, _ and ., that holds one of moneyStems.
// Each handle is read once.
func hasMoneyHandle(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != '@' && s[i] != '#' {
			continue
		}
		if prev, _ := utf8.DecodeLastRuneInString(s[:i]); i > 0 && isWordRune(prev) {
			continue // an e-mail address, an anchor in a word: as #mention reads them
		}
		j := i + 1
		for j < len(s) && (isASCIIWordByte(s[j]) || s[j] == '_' || s[j] == '.') {
			j++
		}
		if j == i+1 {
			continue // no name
		}
		name := strings.ToLower(s[i+1 : j])
		for _, stem := range moneyStems {
			if strings.Contains(name, stem) {
				return true
			}
		}
		i = j - 1
	}
	return false
}

// isASCIIWordByte reports whether c is an ASCII letter or digit.
func isASCIIWordByte(c byte) bool { return c < utf8.RuneSelf && isWordByte(c) }

// amounts emits #money-pair and #money-rate for the comment's words, as
// words emitted them (amounts already #money).
func (t *tokenizer) amounts(words []string) {
	n, rate := 0, false
	for i, w := range words {
		if w != tokMoney {
			continue
		}
		n++
		for _, next := range words[i+1 : min(i+1+rateWindow, len(words))] {
			rate = rate || timeUnits[next]
		}
	}
	if n >= 2 {
		t.emit(tokMoneyPair)
	}
	if rate {
		t.emit(tokMoneyRate)
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
