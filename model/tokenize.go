package model

import (
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/publicsuffix"
	"golang.org/x/text/cases"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
	"mvdan.cc/xurls/v2"
)

// TokenizerConfig selects the features Tokenize produces. It is stored in
// every model file so a model is always scored with the features it was
// trained on.
type TokenizerConfig struct {
	// Bigrams adds a token for each pair of adjacent words ("follow+instructions").
	Bigrams bool `json:"bigrams"`
	// Style adds tokens for how a comment is written: Title Case Every Word,
	// shouting, runs of exclamation marks, how many links it carries.
	Style bool `json:"style"`
	// Metadata adds tokens for the author's name, URL and e-mail domain.
	Metadata bool `json:"metadata"`
	// MaxTokens caps the tokens taken from one comment (0 means
	// DefaultMaxTokens), so one huge comment cannot cost more than a
	// bounded amount of work.
	MaxTokens int `json:"max_tokens"`
}

// DefaultTokenizer is the configuration new models are trained with.
var DefaultTokenizer = TokenizerConfig{Bigrams: true, Style: true, Metadata: true, MaxTokens: DefaultMaxTokens}

// DefaultMaxTokens is the token cap used when TokenizerConfig.MaxTokens is 0.
const DefaultMaxTokens = 2000

// maxInputBytes bounds the text examined per comment field; beyond it a
// comment is truncated (at a rune boundary) before tokenizing.
const maxInputBytes = 256 << 10

// Token prefixes and class tokens. Words consist of letters and digits only,
// so none of these can collide with a word.
const (
	tokURL         = "#url"
	tokDomain      = "domain:"
	tokEmail       = "#email"
	tokEmailDomain = "email-domain:"
	tokNumber      = "#num"
	tokLongNumber  = "#longnum"
	tokMoney       = "#money"
	tokLongWord    = "#longword"
	tokTitleCase   = "#titlecase"
	tokShouting    = "#shouting"
	tokExclaim     = "#exclaim"
	tokLinks       = "#links:"
	tokAuthor      = "author:"
	tokAuthorURL   = "#author-url"
	tokAuthorDom   = "author-domain:"
	tokAuthorEmail = "author-email-domain:"
	bigramJoin     = "+"
	maxWordRunes   = 40
)

// Tokenize turns a comment into the tokens the classifier counts. It
// decodes HTML, normalizes Unicode (NFKC, case folding), drops invisible
// format characters, reduces URLs and e-mail addresses to class tokens plus
// their domain, folds numbers and money amounts into class tokens and, as
// cfg asks, adds bigrams, style tokens and metadata tokens. It accepts any
// input, including invalid UTF-8, and never panics.
func Tokenize(c Comment, cfg TokenizerConfig) []string {
	var t tokenizer
	t.out = make([]string, 0, min(cfg.maxTokens(), 16+len(c.Text)/3))
	return t.run(c, cfg)
}

func (cfg TokenizerConfig) maxTokens() int {
	if cfg.MaxTokens <= 0 {
		return DefaultMaxTokens
	}
	return cfg.MaxTokens
}

// run tokenizes c into t.out, reusing t's buffers.
func (t *tokenizer) run(c Comment, cfg TokenizerConfig) []string {
	*t = tokenizer{cfg: cfg, max: cfg.maxTokens(), out: t.out[:0], stream: t.stream[:0], known: t.known}
	t.text(c.Text)
	if cfg.Metadata {
		t.metadata(c)
	}
	return t.out
}

// tokenizers recycles the buffers Score tokenizes into.
var tokenizers = sync.Pool{New: func() any { return new(tokenizer) }}

type tokenizer struct {
	cfg   TokenizerConfig
	max   int
	out   []string
	links int
	// stream is the text's words (and number tokens) in order, from
	// which bigrams are made at the end.
	stream []string
	// known is Score's buffer of vocabulary hits.
	known []int
}

func (t *tokenizer) emit(tok string) {
	if len(t.out) < t.max {
		t.out = append(t.out, tok)
	}
}

func (t *tokenizer) text(s string) {
	s, hrefs := plainText(clip(s))
	s = normalize(s)
	if t.cfg.Style {
		t.style(s)
	}
	var seen map[string]bool // hosts already counted, when there are links
	for _, h := range hrefs {
		if u, ok := parseURL(normalize(h)); ok && !seen[u] {
			if seen == nil {
				seen = map[string]bool{}
			}
			seen[u] = true
			t.url(u)
		}
	}
	s = t.urls(s, &seen)
	t.words(fold(s))
	t.bigrams()
	if t.cfg.Style {
		t.emit(tokLinks + bucket(t.links))
	}
}

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

// blockTags are the HTML elements that separate words; other tags (b, i,
// span…) may sit inside a word, as spammers use them to split one.
var blockTags = map[string]bool{
	"br": true, "p": true, "div": true, "li": true, "ul": true, "ol": true, "tr": true, "td": true,
	"th": true, "table": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"blockquote": true, "pre": true, "hr": true, "img": true, "a": true,
}

// plainText strips HTML tags and decodes entities, returning the text and
// the href targets of links. Text without '<' or '&' is returned as is.
func plainText(s string) (string, []string) {
	if !strings.ContainsAny(s, "<&") {
		return s, nil
	}
	var b strings.Builder
	var hrefs []string
	z := html.NewTokenizer(strings.NewReader(s))
	skip := 0 // inside <script> or <style>
	for {
		switch z.Next() {
		case html.ErrorToken:
			return b.String(), hrefs
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			tok := z.Token()
			switch tok.Data {
			case "script", "style":
				if tok.Type == html.StartTagToken {
					skip++
				} else if tok.Type == html.EndTagToken && skip > 0 {
					skip--
				}
			case "a":
				for _, a := range tok.Attr {
					if a.Key == "href" {
						hrefs = append(hrefs, a.Val)
					}
				}
			}
			if blockTags[tok.Data] {
				b.WriteByte(' ')
			}
		}
	}
}

// invisible removes format characters (zero-width spaces and joiners, the
// byte order mark, soft hyphens, bidi controls) that spammers put inside
// words and that crawlers leave behind.
var invisible = runes.Remove(runes.In(unicode.Cf))

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

var folders = sync.Pool{New: func() any { return cases.Fold() }}

// fold case-folds s; ASCII takes a fast path.
func fold(s string) string {
	if isASCII(s) {
		return strings.ToLower(s)
	}
	c := folders.Get().(cases.Caser)
	defer folders.Put(c)
	return c.String(s)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// style emits tokens for how the comment is written.
func (t *tokenizer) style(s string) {
	words, title, upperWords, letters, upper := 0, 0, 0, 0, 0
	ascii := isASCII(s)
	for i := 0; i < len(s); {
		// The next whitespace-separated field, without allocating.
		r, size := rune(s[i]), 1
		if !ascii {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		if isSpace(r) {
			i += size
			continue
		}
		first := r
		isWord := unicode.IsLetter(first)
		fieldLetters, fieldUpper := 0, 0
		for i < len(s) {
			r, size = rune(s[i]), 1
			if !ascii {
				r, size = utf8.DecodeRuneInString(s[i:])
			}
			if isSpace(r) {
				break
			}
			i += size
			if isWord && (r < utf8.RuneSelf && (r|0x20 >= 'a' && r|0x20 <= 'z') || r >= utf8.RuneSelf && unicode.IsLetter(r)) {
				fieldLetters++
				if r < utf8.RuneSelf && r <= 'Z' || r >= utf8.RuneSelf && unicode.IsUpper(r) {
					fieldUpper++
				}
			}
		}
		if !isWord {
			continue
		}
		words++
		if unicode.IsUpper(first) {
			title++
		}
		letters += fieldLetters
		upper += fieldUpper
		if fieldLetters > 1 && fieldUpper == fieldLetters {
			upperWords++
		}
	}
	if words >= 6 && title*10 >= words*7 && upperWords*2 < words {
		t.emit(tokTitleCase)
	}
	if letters >= 12 && upper*10 >= letters*7 {
		t.emit(tokShouting)
	}
	if strings.Contains(s, "!!") {
		t.emit(tokExclaim)
	}
}

// urls replaces every URL and e-mail address in s with a space, emitting
// their tokens. Links are found field by field (a field being a run of
// non-space characters), and only fields that could hold one are examined.
func (t *tokenizer) urls(s string, seenp *map[string]bool) string {
	if !strings.ContainsAny(s, ".@:") {
		return s
	}
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && !isSpaceByte(s[j]) {
			j++
		}
		if j > i && maybeURL(s[i:j]) {
			if at, host, email, ok := findLink(s[i:j]); ok {
				b.WriteString(s[last : i+at])
				b.WriteByte(' ')
				last = j
				seen := *seenp
				switch {
				case email:
					t.emit(tokEmail)
					t.emit(tokEmailDomain + host)
				case !seen[host]:
					if seen == nil {
						seen = map[string]bool{}
						*seenp = seen
					}
					seen[host] = true
					t.url(host)
				}
			}
		}
		for j < len(s) && isSpaceByte(s[j]) {
			j++
		}
		i = j
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// findLink finds a link or e-mail address at the end of field, which may
// be glued to text before it ("here--->cutie.club", "link:www.x.biz"),
// and returns where it starts.
func findLink(field string) (at int, host string, email, ok bool) {
	if host, email, ok := matchLink(field); ok {
		return 0, host, email, true
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
			return 0, "", false, false
		}
		start = strings.LastIndexAny(field[:dot], "<>:=(),;|\"'[]{}*!") + 1
	}
	if start <= 0 || start >= len(field) {
		return 0, "", false, false
	}
	host, email, ok = matchLink(field[start:])
	return start, host, email, ok
}

func isSchemeByte(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func isLocalPartByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("._%+-", c) >= 0
}

// matchLink reports whether field is a link (with or without a scheme) or
// an e-mail address, and returns its host, lower-cased without "www.".
// Hosts without a scheme must end in a known top-level domain (xurls's
// list), so "end.Then" is not a link but "cash-now.biz" is. It stands in
// for xurls's Relaxed regexp, which costs ~200 µs per comment and 10 ms to
// compile: a comment is scored in a few microseconds.
func matchLink(field string) (host string, email, ok bool) {
	f := strings.TrimLeft(field, "([{<\"'")
	f = strings.TrimRight(f, ".,;:!?)]}>\"'…")
	if f == "" {
		return "", false, false
	}
	if i := strings.Index(f, "://"); i > 0 {
		if !isScheme(f[:i]) {
			return "", false, false
		}
		h, ok := parseURL(f)
		return h, false, ok && validHost(h, true)
	}
	if len(f) > 7 && strings.EqualFold(f[:7], "mailto:") {
		f = f[7:]
	}
	if at := strings.LastIndexByte(f, '@'); at >= 0 {
		if at == 0 || strings.ContainsAny(f[:at], "/:") {
			return "", false, false
		}
		h := strings.ToLower(f[at+1:])
		return h, true, validHost(h, false)
	}
	h := f
	if i := strings.IndexAny(h, "/?#:"); i >= 0 {
		h = h[:i]
	}
	h = strings.TrimPrefix(strings.ToLower(h), "www.")
	return h, false, validHost(h, false)
}

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
	i := sort.SearchStrings(list, s)
	return i < len(list) && list[i] == s
}

func isSpace(r rune) bool {
	if r < utf8.RuneSelf {
		return r == ' ' || r >= '\t' && r <= '\r'
	}
	return unicode.IsSpace(r)
}

func isSpaceByte(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\r' }

// maybeURL reports whether field could contain a URL or e-mail address: a
// scheme, an '@', or a dot with a letter or digit on each side.
func maybeURL(f string) bool {
	if strings.Contains(f, "://") || strings.Contains(f, "@") {
		return true
	}
	for i := 1; i+1 < len(f); i++ {
		if f[i] == '.' && isAlnumByte(f[i-1]) && isAlnumByte(f[i+1]) {
			return true
		}
	}
	return false
}

func isAlnumByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= utf8.RuneSelf
}

// parseURL returns the host of a URL, lower-cased and without "www.", or
// false when raw has none.
func parseURL(raw string) (string, bool) {
	raw = strings.TrimSpace(raw)
	if !strings.Contains(raw, "://") {
		if strings.HasPrefix(strings.ToLower(raw), "mailto:") || strings.HasPrefix(raw, "#") || strings.HasPrefix(raw, "/") {
			return "", false
		}
		raw = "http://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() == "" {
		return "", false
	}
	host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	return host, true
}

// url emits the tokens of one link: a marker, its host and, when different,
// its registrable domain (so "promo.cash-now.biz" also counts as
// "cash-now.biz").
func (t *tokenizer) url(host string) {
	t.links++
	t.emit(tokURL)
	t.emit(tokDomain + host)
	if site, err := publicsuffix.EffectiveTLDPlusOne(host); err == nil && site != host {
		t.emit(tokDomain + site)
	}
}

// currency symbols mark the number next to them as money; so do these words
// after a number.
var moneyWords = map[string]bool{
	"dollar": true, "dollars": true, "usd": true, "eur": true, "euro": true, "euros": true,
	"bucks": true, "gbp": true, "pounds": true, "btc": true,
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
			money = true
			if lastNum >= 0 && lastNum == len(t.out)-1 {
				t.toMoney(lastNum) // "500$"
			}
			i += size
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
			break
		}
		w := s[i:j]
		if joined != nil {
			w = string(joined)
		}
		i = j
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
		case moneyWords[w] && lastNum >= 0 && lastNum == len(t.out)-1:
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

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return isAlnumByte(byte(r))
	}
	return !isApostrophe(r) && unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r)
}

func isApostrophe(r rune) bool { return r == '\'' || r == '’' || r == 'ʼ' || r == '`' }

func unspaced(r rune) bool {
	return r >= 0x0E00 && (unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) ||
		unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Thai, r))
}

// bucket turns a count into a coarse label so counts generalise.
func bucket(n int) string {
	if n >= 3 {
		return "3+"
	}
	return strconv.Itoa(n)
}

// metadata emits prefixed tokens for the comment's author fields.
func (t *tokenizer) metadata(c Comment) {
	if a := strings.TrimSpace(c.Author); a != "" {
		for _, f := range strings.FieldsFunc(fold(normalize(clip(a))), func(r rune) bool { return !isWordRune(r) }) {
			if utf8.RuneCountInString(f) <= maxWordRunes {
				t.emit(tokAuthor + f)
			}
		}
	}
	if u := strings.TrimSpace(c.AuthorURL); u != "" {
		t.emit(tokAuthorURL)
		if host, ok := parseURL(normalize(clip(u))); ok {
			t.emit(tokAuthorDom + host)
		}
	}
	if e := strings.TrimSpace(c.AuthorEmail); e != "" {
		if at := strings.LastIndexByte(e, '@'); at >= 0 && at+1 < len(e) {
			t.emit(tokAuthorEmail + fold(normalize(clip(e[at+1:]))))
		}
	}
}
