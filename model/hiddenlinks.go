package model

import (
	"strings"
)

// unhideLinks rewrites links written so that link detection misses them
// into plain links: "hxxp://" and "hxxps://" (the defanged schemes of
// security reports, used by spammers for the same reason), separators in
// brackets ("example[.]com", "example (dot) com", "me[at]example.com",
// "hxxps[:]//"), and "example dot com" or "example . com" when the last
// label is a top-level domain. A bare "dot" after "the", "a" or "an" is
// left alone: "the dot com bubble" names no site; so is a " . " across a
// line break, a sentence's end.
func (t *tokenizer) unhideLinks(s string) string {
	// Tabs, line breaks and runs of spaces around a written-out dot are
	// one space to the reader ("cash-now\tdot\tbiz", "cash-now  dot
	// biz"): the matching sees each run of ASCII white space as one
	// space (spaced, whose byte i is s's byte at[i]), and only what it
	// rewrites loses them; the rest of s is copied as it was.
	spaced := s
	if strings.ContainsAny(s, "\t\n\r\f\v") || strings.Contains(s, "  ") {
		spaced, _ = oneSpace(s, false)
	}
	if !mayHideLink(spaced) {
		return s
	}
	// Where spaced's bytes are in s: only a text that may hide a link,
	// and whose runs of white space were squeezed, needs the map.
	var at []int
	if len(spaced) != len(s) {
		_, at = oneSpace(s, true)
	}
	orig := func(i int) int {
		if at == nil {
			return i
		}
		return at[i]
	}
	lower := asciiLower(spaced)
	var b strings.Builder
	// A " . " across a line break is a sentence's end more often than a
	// link ("Obrigado pelo video .\nDe nada": "de" is a top-level domain
	// and a word): there only " dot " joins labels.
	chains := dotChains{lineBreak: func(i int) bool {
		end := i + 1
		if at != nil {
			end = at[i+1]
		}
		return strings.ContainsAny(s[orig(i):end], "\n\r\f\v")
	}}
	copied, changed := 0, false // s[:copied] is in b
	rewrite := func(i, n int, with string) {
		b.WriteString(s[copied:orig(i)])
		b.WriteString(with)
		copied, changed = orig(i+n), true
	}
	for i := 0; i < len(spaced); {
		if n, with := hiddenSeparator(lower, i); n > 0 {
			rewrite(i, n, with)
			i += n
			continue
		}
		if n := chains.spelledDots(lower, i); n > 0 {
			// spaced[i:i+n] is "label dot label dot … tld".
			rewrite(i, n, spelledHost(spaced[i:i+n]))
			i += n
			continue
		}
		i++
	}
	if !changed {
		return s
	}
	b.WriteString(s[copied:])
	t.obfuscated = true
	return b.String()
}

// oneSpace returns s with each run of ASCII white space made one space,
// and, when withAt is set, where in s each of its bytes is
// (at[len(spaced)] is len(s)).
func oneSpace(s string, withAt bool) (spaced string, at []int) {
	b := make([]byte, 0, len(s))
	if withAt {
		at = make([]int, 0, len(s)+1)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' {
			if n := len(b); n > 0 && b[n-1] == ' ' {
				continue
			}
			c = ' '
		}
		b = append(b, c)
		if withAt {
			at = append(at, i)
		}
	}
	if withAt {
		at = append(at, len(s))
	}
	return string(b), at
}

// mayHideLink reports whether s could hold a link that unhideLinks
// rewrites. For clean text it costs a few vectorised byte scans (a
// fraction of a microsecond for a typical comment): each looks for a
// byte that is rare in text, or for an 'o' that could be the middle of
// " dot " in any case, not for one that starts with a space.
func mayHideLink(s string) bool {
	return hasAt(s, "o", isSpelledDot) || hasAt(s, "O", isSpelledDot) || hasAt(s, ". ", afterSpace) ||
		strings.IndexByte(s, '[') >= 0 || strings.IndexByte(s, '{') >= 0 ||
		hasAt(s, "(", isParenSeparator) || hasAt(s, "x", isHxxp) || hasAt(s, "X", isHxxp)
}

func afterSpace(s string, i int) bool { return i > 0 && s[i-1] == ' ' }

// isSpelledDot reports whether the 'o' or 'O' at s[i] is the middle of
// " dot " in any case ("dOt" too).
func isSpelledDot(s string, i int) bool {
	return i >= 2 && i+3 <= len(s) && strings.EqualFold(s[i-2:i+3], " dot ")
}

// hasAt reports whether f holds at some index of sub in s.
func hasAt(s, sub string, f func(s string, i int) bool) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], sub)
		if j < 0 {
			return false
		}
		if f(s, i+j) {
			return true
		}
		i += j + 1
	}
}

func isParenSeparator(s string, i int) bool {
	r := s[i+1:]
	return strings.HasPrefix(r, ".)") || len(r) >= 4 && strings.EqualFold(r[:4], "dot)") || len(r) >= 3 && strings.EqualFold(r[:3], "at)")
}

func isHxxp(s string, i int) bool {
	return i > 0 && i+3 <= len(s) && strings.EqualFold(s[i-1:i+3], "hxxp")
}

// asciiLower lower-cases the ASCII letters of s, keeping byte offsets.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// hiddenSeparators are the written-out forms of the characters of a link,
// each with what it stands for.
var hiddenSeparators = []struct{ from, to string }{
	{"hxxps://", "https://"}, {"hxxp://", "http://"}, {"hxxps[:]//", "https://"}, {"hxxp[:]//", "http://"},
	{"https[:]//", "https://"}, {"http[:]//", "http://"},
	{"[.]", "."}, {"(.)", "."}, {"{.}", "."}, {"[dot]", "."}, {"(dot)", "."}, {"{dot}", "."},
	{"[at]", "@"}, {"(at)", "@"}, {"{at}", "@"}, {"[@]", "@"},
}

// hiddenSeparator reports whether lower[i:] starts with a written-out
// link separator and returns its length and what it stands for. A
// bracketed separator takes the spaces around it ("example (dot) com");
// an "at" must be followed by a host name, so "meet (at) noon" stays.
func hiddenSeparator(lower string, i int) (int, string) {
	j := i
	if lower[j] == ' ' {
		j++
	}
	if j >= len(lower) {
		return 0, ""
	}
	if c := lower[j]; c != 'h' && c != '[' && c != '(' && c != '{' {
		return 0, ""
	}
	for _, sep := range hiddenSeparators {
		if !strings.HasPrefix(lower[j:], sep.from) {
			continue
		}
		if sep.from[0] == 'h' {
			if j > i || i > 0 && isHostByte(lower[i-1]) {
				return 0, "" // a scheme starts a word
			}
			return len(sep.from), sep.to
		}
		end := j + len(sep.from)
		if end < len(lower) && lower[end] == ' ' {
			end++
		}
		if sep.to == "@" && !hostFollows(lower[end:]) {
			return 0, ""
		}
		return end - i, sep.to
	}
	return 0, ""
}

// hostFollows reports whether s starts with a host label followed by a dot,
// written plainly or out.
func hostFollows(s string) bool {
	j := 0
	for j < len(s) && isHostByte(s[j]) {
		j++
	}
	if j == 0 || j == len(s) {
		return false
	}
	r := s[j:]
	return r[0] == '.' || r[0] == '[' || r[0] == '(' || r[0] == '{' ||
		strings.HasPrefix(r, " dot ") || strings.HasPrefix(r, " (") || strings.HasPrefix(r, " [")
}

// spelledDots reports whether lower[i:] starts with a host name whose dots
// are written " dot " or " . " and whose last label is a top-level domain,
// and returns its length. unhideLinks asks at every byte, in order.
func (dc *dotChains) spelledDots(lower string, i int) int {
	if i > 0 && isHostByte(lower[i-1]) || !isHostByte(lower[i]) {
		return 0 // not the start of a label
	}
	j := i
	for j < len(lower) && isHostByte(lower[j]) {
		j++
	}
	c, ok := dc.next(lower, i, j)
	if first := lower[i:j]; first == "the" || first == "a" || first == "an" {
		return 0
	}
	if !ok {
		c = dc.walk(lower, i)
	}
	switch {
	case c.lastStart == i, // one label
		c.tld == 0,
		c.tld == wordTLD && c.lastSpaced > i: // a " . " after i
		return 0
	}
	return c.end - i
}

// dotChains remembers the chains of labels joined by written-out dots
// that spelledDots has walked and not yet passed. From any label of a
// chain the walk would follow the same chain to the same end, so each is
// walked once: otherwise "x . x . x …", asked about at every label, would
// cost time quadratic in its length. Chains never merge (a label has one
// predecessor), but two may interleave: in "a dot dot dot b" one goes
// through a, the second dot and b, the other through the first and third
// dots.
type dotChains struct {
	active []dotChain
	// lineBreak reports whether the space at byte i of the text stands
	// for white space that breaks a line.
	lineBreak func(i int) bool
	// steps counts the labels walked and the chains looked through, the
	// work whose growth with the text TestSpelledDotsLinear bounds.
	steps int
}

func (dc *dotChains) breaksLine(i int) bool { return dc.lineBreak != nil && dc.lineBreak(i) }

// dotChain is what spelledDots needs to know of a chain of labels.
type dotChain struct {
	at             int // the start of the chain's next label to be asked about
	lastStart, end int // the last label is lower[lastStart:end]
	lastSpaced     int // where the last " . " is, or -1
	tld            int // the spelledTLDs class of the last label
}

// next returns the chain that has a label at i, which ends at j, and
// moves the chain on to its next label. It forgets the chains whose next
// label unhideLinks has gone past.
func (dc *dotChains) next(lower string, i, j int) (dotChain, bool) {
	found, ok := dotChain{}, false
	kept := dc.active[:0]
	dc.steps += len(dc.active)
	for _, c := range dc.active {
		if c.at == i {
			found, ok = c, true
			if i == c.lastStart {
				continue // its last label
			}
			sep := 3 // " . "
			if strings.HasPrefix(lower[j:], " dot ") {
				sep = 5
			}
			c.at = j + sep
		}
		if c.at >= i {
			kept = append(kept, c)
		}
	}
	dc.active = kept
	return found, ok
}

// walk follows the chain of labels that starts at i and, if it has more
// than one label, remembers it.
func (dc *dotChains) walk(lower string, i int) dotChain {
	c := dotChain{lastSpaced: -1}
	for start := i; ; {
		dc.steps++
		j := start
		for j < len(lower) && isHostByte(lower[j]) {
			j++
		}
		c.lastStart, c.end = start, j
		sep := 0
		switch {
		case strings.HasPrefix(lower[j:], " dot "):
			sep = 5
		case strings.HasPrefix(lower[j:], " . "):
			c.lastSpaced = j // even after the last label, as it always was
			if !dc.breaksLine(j) && !dc.breaksLine(j+2) {
				sep = 3 // across a line break, a sentence's end: no join
			}
		}
		if sep == 0 || j+sep >= len(lower) || !isHostByte(lower[j+sep]) {
			break
		}
		start = j + sep
		if c.at == 0 {
			c.at = start // the second label
		}
	}
	c.tld = spelledTLDs[lower[c.lastStart:c.end]]
	if c.lastStart > i {
		dc.active = append(dc.active, c)
	}
	return c
}

// spelledTLDs are the top-level domains accepted after a spelled-out dot:
// the common ones of comment spam. The full list has too many that are
// also words ("you", "so", "it", "me"), and " . " is also how some people
// end a sentence, so the TLDs that are English words count only after
// " dot ".
var spelledTLDs = map[string]int{
	"com": anyTLD, "net": anyTLD, "org": anyTLD, "info": anyTLD, "biz": anyTLD, "xyz": anyTLD, "ru": anyTLD,
	"cn": anyTLD, "io": anyTLD, "tk": anyTLD, "ml": anyTLD, "ga": anyTLD, "cf": anyTLD, "gq": anyTLD,
	"cc": anyTLD, "ws": anyTLD, "icu": anyTLD, "de": anyTLD,
	"top": wordTLD, "club": wordTLD, "online": wordTLD, "site": wordTLD, "shop": wordTLD, "store": wordTLD,
	"win": wordTLD, "bet": wordTLD, "casino": wordTLD, "fun": wordTLD, "vip": wordTLD, "loan": wordTLD,
	"work": wordTLD, "click": wordTLD, "link": wordTLD, "website": wordTLD, "space": wordTLD, "live": wordTLD,
	"pro": wordTLD, "cam": wordTLD, "support": wordTLD,
}

const (
	anyTLD  = 1 // after " dot " or " . "
	wordTLD = 2 // after " dot " only
)

// spelledHost turns "example dot com" or "example . com" (any case) into
// "example.com".
func spelledHost(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		switch {
		case s[i] == ' ' && i+5 <= len(s) && strings.EqualFold(s[i:i+5], " dot "):
			b.WriteByte('.')
			i += 5
		case s[i] == ' ' && i+3 <= len(s) && s[i:i+3] == " . ":
			b.WriteByte('.')
			i += 3
		default:
			b.WriteByte(s[i])
			i++
		}
	}
	return b.String()
}
