package model

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/publicsuffix"
	"mvdan.cc/xurls/v2"
)

// urls replaces every URL and e-mail address in s with a space, emitting
// their tokens. Links are found field by field (a field being a run of
// non-space characters), and only fields that could hold one are examined.
func (t *tokenizer) urls(s string) string {
	if !strings.ContainsAny(s, ".@:") {
		return s
	}
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && !spaceAt(s, j) {
			j++
		}
		// A field may hold several links glued together
		// ("good.org,spam.biz"): each is looked for after the last,
		// up to maxGlued, as each look reads the rest of the field.
		for k, n := i, 0; k < j && n < maxGlued && maybeURL(s[k:j]); n++ {
			at, end, host, email, ok := findLink(s[k:j])
			if !ok {
				break
			}
			b.WriteString(s[last : k+at])
			b.WriteByte(' ')
			last = k + end
			if email {
				t.linkOnce("@" + host)
			} else {
				t.linkOnce(host)
			}
			k += end
		}
		for j < len(s) && spaceAt(s, j) {
			_, size := utf8.DecodeRuneInString(s[j:])
			j += size
		}
		i = j
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// maxGlued is the number of links looked for in one field: each look
// reads the rest of the field, so a field of links glued by commas costs
// at most that many reads of it.
const maxGlued = 8

// findLink finds a link or e-mail address in field, which may be glued to
// text before it ("here--->cutie.club", "link:www.x.biz") and, after its
// host, to text after it ("shop.com,buy"), and returns where it starts and
// ends.
func findLink(field string) (at, end int, host string, email, ok bool) {
	if host, email, n, ok := matchLink(field); ok {
		return 0, n, host, email, true
	}
	start := -1
	switch i, a := strings.Index(field, "://"), strings.LastIndexByte(field, '@'); {
	case i > 0:
		start = i
		for start > 0 && isSchemeByte(field[start-1]) {
			start--
		}
	case a > 0:
		start = a
		for start > 0 && isLocalPartByte(field[start-1]) {
			start--
		}
	default:
		dot := strings.IndexByte(field, '.')
		if dot < 0 {
			return 0, 0, "", false, false
		}
		start = strings.LastIndexAny(field[:dot], "<>:=(),;|\"'[]{}*!") + 1
	}
	if start <= 0 || start >= len(field) {
		return 0, 0, "", false, false
	}
	host, email, n, ok := matchLink(field[start:])
	return start, start + n, host, email, ok
}

// matchLink reports whether field is a link (with or without a scheme) or
// an e-mail address, and returns its host, lower-cased without "www.", and
// how much of field it is: all of it, but for text glued after the host
// ("shop.com,buy", "http://shop.com),thanks"), which no host holds.
// Hosts without a scheme must end in a known top-level domain (xurls's
// list), so "end.Then" is not a link but "cash-now.biz" is. It stands in
// for xurls's Relaxed regexp, which costs ~200 µs per comment and 10 ms to
// compile: a comment is scored in a few microseconds.
func matchLink(field string) (host string, email bool, n int, ok bool) {
	n = len(field)
	f := strings.TrimLeft(field, "([{<\"'")
	lead := len(field) - len(f)
	// The host ends at the first character no host holds, unless the
	// path has begun.
	cut := func(from int, userinfo bool) {
		rest := f[from:]
		if p := strings.IndexAny(rest, "/?#"); p >= 0 {
			rest = rest[:p]
		}
		// A user and password before an '@' are not the host's.
		if at := strings.LastIndexByte(rest, '@'); userinfo && at >= 0 {
			from, rest = from+at+1, rest[at+1:]
		}
		if k := strings.IndexAny(rest, hostEnd); k > 0 {
			f, n = f[:from+k], lead+from+k
		}
	}
	// A "://" after a comma or bracket is a later link's
	// ("good.org,http://spam.biz"): this one has no scheme.
	if i := strings.Index(f, "://"); i > 0 && !strings.ContainsAny(f[:i], hostEnd) {
		cut(i+3, true)
	} else {
		cut(strings.IndexByte(f, '@')+1, false)
	}
	f = strings.TrimRight(f, ".,;:!?)]}>\"'…")
	if f == "" {
		return "", false, 0, false
	}
	if i := strings.Index(f, "://"); i > 0 {
		if !isScheme(f[:i]) {
			return "", false, 0, false
		}
		h, ok := hostOf(f)
		return h, false, n, ok && validHost(h, true)
	}
	if len(f) > 7 && strings.EqualFold(f[:7], "mailto:") {
		f = f[7:]
	}
	if at := strings.LastIndexByte(f, '@'); at >= 0 {
		if at == 0 || strings.ContainsAny(f[:at], "/:") {
			return "", false, 0, false
		}
		h := strings.ToLower(f[at+1:])
		return h, true, n, validHost(h, false)
	}
	h := f
	if i := strings.IndexAny(h, "/?#:"); i >= 0 {
		h = h[:i]
	}
	h = strings.TrimPrefix(strings.ToLower(h), "www.")
	return h, false, n, validHost(h, false)
}

// hostEnd are the characters that end a host written against the text
// after it: no host holds them.
const hostEnd = ",;|()<>[]{}\"'!*"

func isScheme(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	return s != ""
}

// validHost reports whether h (lower-case) is a dotted host name whose last
// label is a known top-level domain, or an IPv4 address. With a scheme any
// dotted name (or localhost) will do.
func validHost(h string, schemed bool) bool {
	h = strings.TrimSuffix(h, ".")
	if h == "" || len(h) > 253 {
		return false
	}
	labels := strings.Split(h, ".")
	if len(labels) == 4 && isIPv4(labels) {
		return true
	}
	if len(labels) < 2 {
		return schemed && h == "localhost"
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, r := range l {
			if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || unicode.Is(unicode.Mn, r)) {
				return false
			}
		}
	}
	if schemed {
		return true
	}
	tld := labels[len(labels)-1]
	return strings.HasPrefix(tld, "xn--") || inSorted(xurls.TLDs, tld) || inSorted(xurls.PseudoTLDs, tld)
}

func isIPv4(labels []string) bool {
	for _, l := range labels {
		n, err := strconv.Atoi(l)
		if err != nil || n < 0 || n > 255 || len(l) > 3 {
			return false
		}
	}
	return true
}

func inSorted(list []string, s string) bool {
	_, ok := slices.BinarySearch(list, s)
	return ok
}

// maybeURL reports whether field could contain a URL or e-mail address: a
// scheme, an '@', or a dot with a letter or digit on each side.
func maybeURL(f string) bool {
	if strings.Contains(f, "://") || strings.Contains(f, "@") {
		return true
	}
	for i := 1; i+1 < len(f); i++ {
		if f[i] == '.' && isWordByte(f[i-1]) && isWordByte(f[i+1]) {
			return true
		}
	}
	return false
}

// hostOf returns the host of a URL, lower-cased, without "www." and
// without the trailing dot of a fully qualified name, or false when raw
// has none. A protocol-relative link ("//host/x", or with backslashes,
// which browsers read as slashes) has the host it names.
func hostOf(raw string) (string, bool) {
	raw = strings.TrimSpace(raw)
	if len(raw) >= 2 && (raw[0] == '/' || raw[0] == '\\') && (raw[1] == '/' || raw[1] == '\\') {
		raw = "http://" + strings.ReplaceAll(raw[2:], `\`, "/")
	}
	if !strings.Contains(raw, "://") {
		if strings.HasPrefix(strings.ToLower(raw), "mailto:") || strings.HasPrefix(raw, "#") || strings.HasPrefix(raw, "/") {
			return "", false
		}
		raw = "http://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", false
	}
	host := strings.TrimPrefix(strings.TrimRight(strings.ToLower(u.Hostname()), "."), "www.")
	return host, host != ""
}

// linkOnce emits the tokens of a link to a host, or of an e-mail address
// at a domain ('@' and the domain; no host starts with '@'), unless the
// comment had one already (see linkOrLater), and counts the links.
func (t *tokenizer) linkOnce(l string) {
	if t.seen[l] {
		return
	}
	if t.seen == nil {
		t.seen = map[string]bool{}
	}
	t.seen[l] = true
	if !strings.HasPrefix(l, "@") {
		t.links++
	}
	t.linkOrLater(l)
}

// linkOrLater emits the tokens of a link or address while the comment's
// first ones fill less than an eighth of the token cap, and keeps the
// others' last ones, which fill another eighth, for flushLinks. Links
// and addresses come before a comment's words: a comment padded with a
// thousand hosts or addresses used to fill the cap and leave no room for
// the words of its pitch, and padding in front of a pitch must not push
// out its own link either. The default 2,000 tokens give some 80 hosts
// at each end; the link count counts every link still.
//
// A link is its host, an e-mail address its domain after an '@'.
func (t *tokenizer) linkOrLater(l string) {
	if t.linkToks < t.max/(2*linkShare) {
		n := len(t.out)
		t.emitLink(l)
		t.linkToks += len(t.out) - n
		return
	}
	if n := len(t.lastLinks); n == max(1, t.max/(2*linkShare)/3) {
		copy(t.lastLinks, t.lastLinks[1:])
		t.lastLinks = t.lastLinks[:n-1]
	}
	t.lastLinks = append(t.lastLinks, l)
}

// flushLinks emits the links linkOrLater kept for the end.
func (t *tokenizer) flushLinks() {
	for _, l := range t.lastLinks {
		t.emitLink(l)
	}
	t.lastLinks = t.lastLinks[:0]
}

// emitLink emits the tokens of one link, a host: a marker, the host and,
// when different, its registrable domain (so "promo.cash-now.biz" also
// counts as "cash-now.biz"); or of one e-mail address, '@' and its
// domain: a marker and the domain.
func (t *tokenizer) emitLink(l string) {
	if domain, ok := strings.CutPrefix(l, "@"); ok {
		t.emit(tokEmail)
		t.emit(tokEmailDomain + domain)
		return
	}
	t.emit(tokURL)
	t.emit(tokDomain + l)
	if site, err := publicsuffix.EffectiveTLDPlusOne(l); err == nil && site != l {
		t.emit(tokDomain + site)
	}
}

// linkShare is the part of the token cap (1/linkShare of it) that links
// and e-mail addresses may fill, half of it the first and half the last.
const linkShare = 4
