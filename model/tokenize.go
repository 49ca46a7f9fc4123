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
	// Deobfuscate undoes the tricks spammers use to keep a filter from
	// recognising the words it has learned: look-alike letters from other
	// scripts, words spelled out letter by letter, leetspeak, emoji and
	// hidden markup inside words, links written as "example dot com".
	// Models trained before it existed have it off, so they are still
	// scored with the tokens they learned.
	Deobfuscate bool `json:"deobfuscate,omitempty"`
	// MaxTokens caps the tokens taken from one comment (0 means
	// DefaultMaxTokens), so one huge comment cannot cost more than a
	// bounded amount of work.
	MaxTokens int `json:"max_tokens"`
}

// DefaultTokenizer is the configuration new models are trained with.
var DefaultTokenizer = TokenizerConfig{Bigrams: true, Style: true, Metadata: true, Deobfuscate: true, MaxTokens: DefaultMaxTokens}

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
	tokObfuscated  = "#obfuscated"
	bigramJoin     = "+"
	maxWordRunes   = 40
)

// Tokenize turns a comment into the tokens the classifier counts. It
// decodes HTML, normalizes Unicode (NFKC, case folding), drops invisible
// format characters, reduces URLs and e-mail addresses to class tokens plus
// their domain, folds numbers and money amounts into class tokens and, as
// cfg asks, undoes disguised words and links, and adds bigrams, style
// tokens and metadata tokens. It accepts any
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
	*t = tokenizer{cfg: cfg, max: cfg.maxTokens(), out: t.out[:0], stream: t.stream[:0], known: t.known, pos: t.pos}
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
	// known and pos are Score's buffers of vocabulary hits.
	known, pos []int
	// obfuscated is set when a defence of TokenizerConfig.Deobfuscate
	// had something to undo.
	obfuscated bool
	// The words of the text are out[wordStart:bigramStart], their bigrams
	// out[bigramStart:bigramEnd]: Score's windows take slices of both.
	wordStart, bigramStart, bigramEnd int
}

func (t *tokenizer) emit(tok string) {
	if len(t.out) < t.max {
		t.out = append(t.out, tok)
	}
}

func (t *tokenizer) text(s string) {
	s, hrefs, hid := plainText(clip(s), t.cfg.Deobfuscate)
	t.obfuscated = hid
	// ASCII text stays ASCII (its defences write ASCII); other text may
	// become ASCII, and then takes the general path.
	ascii := isASCII(s)
	if !ascii {
		s = normalize(s)
		if t.cfg.Deobfuscate {
			s = t.unconfuse(s)
		}
	}
	if t.cfg.Deobfuscate {
		s = t.unhideLinks(s)
	}
	if t.cfg.Style {
		t.style(s, ascii)
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
	t.wordStart = len(t.out)
	if ascii {
		s = strings.ToLower(s)
	} else {
		s = fold(s)
	}
	t.words(s)
	t.bigramStart = len(t.out)
	t.bigrams()
	t.bigramEnd = len(t.out)
	if t.cfg.Style {
		t.emit(tokLinks + bucket(t.links))
	}
	if t.obfuscated {
		t.emit(tokObfuscated)
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
//
// With unhide, the text of elements styled to be invisible (display:none,
// visibility:hidden, font-size:0, the hidden attribute) is moved to the end
// of the text, and hid reports that there was some: spammers put junk
// letters in a hidden span inside a word ("mo<span
// style=display:none>xq</span>ney") so that the filter sees a word the
// reader does not. The hidden text is kept, not dropped, so that hiding
// the spam itself behind a never-closed tag gains nothing.
func plainText(s string, unhide bool) (text string, hrefs []string, hid bool) {
	if !strings.ContainsAny(s, "<&") {
		return s, nil, false
	}
	var b, hidden strings.Builder
	z := html.NewTokenizer(strings.NewReader(s))
	skip := 0          // inside <script> or <style>
	var hideTag string // the element whose text is hidden, while inside it
	hideNest := 0      // elements of that name open inside it, itself included
	for {
		switch z.Next() {
		case html.ErrorToken:
			if hidden.Len() > 0 {
				b.WriteByte(' ')
				b.WriteString(hidden.String())
			}
			return b.String(), hrefs, hidden.Len() > 0
		case html.TextToken:
			switch {
			case skip > 0:
			case hideTag != "":
				hidden.Write(z.Text())
			default:
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
			if unhide {
				switch {
				case hideTag == "" && tok.Type == html.StartTagToken && isHidden(tok):
					hideTag, hideNest = tok.Data, 1
					hidden.WriteByte(' ')
					continue
				case tok.Data == hideTag && tok.Type == html.StartTagToken:
					hideNest++
				case tok.Data == hideTag && tok.Type == html.EndTagToken:
					if hideNest--; hideNest == 0 {
						hideTag = ""
						hidden.WriteByte(' ')
						continue
					}
				}
			}
			if blockTags[tok.Data] {
				if hideTag != "" {
					hidden.WriteByte(' ')
				} else {
					b.WriteByte(' ')
				}
			}
		}
	}
}

// voidTags are the HTML elements that have no end tag, so no text of
// their own to hide.
var voidTags = map[string]bool{
	"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true, "img": true,
	"input": true, "link": true, "meta": true, "source": true, "track": true, "wbr": true,
}

// isHidden reports whether an element's attributes make its text
// invisible.
func isHidden(tok html.Token) bool {
	if voidTags[tok.Data] {
		return false
	}
	for _, a := range tok.Attr {
		switch a.Key {
		case "hidden":
			return true
		case "style":
			st := strings.ReplaceAll(strings.ToLower(a.Val), " ", "")
			if strings.Contains(st, "display:none") || strings.Contains(st, "visibility:hidden") ||
				strings.Contains(st, "font-size:0;") || strings.HasSuffix(st, "font-size:0") ||
				strings.Contains(st, "font-size:0px") {
				return true
			}
		}
	}
	return false
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

// style emits tokens for how the comment is written; ascii says whether s
// is all ASCII.
func (t *tokenizer) style(s string, ascii bool) {
	words, title, upperWords, letters, upper := 0, 0, 0, 0, 0
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
		i = j
		if t.cfg.Deobfuscate && digits > 0 && letters > 0 {
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
	latin, foreign, work := 0, 0, false
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf:
			if r|0x20 >= 'a' && r|0x20 <= 'z' {
				latin++
			}
		case isForeignLetter(r):
			foreign++
			_, ok := lookalikes[r]
			work = work || ok
		case ignorable(r) || isPicture(r):
			work = true
		case unicode.IsLetter(r):
			_, ok := lookalikes[r]
			work = work || ok
			if unicode.Is(unicode.Latin, r) {
				latin++
			}
		}
	}
	if !work {
		return s
	}
	s, cut := dropInWordPictures(s)
	s, folded := foldLookalikes(s, latin > foreign)
	if cut || folded {
		t.obfuscated = true
	}
	return s
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

// unhideLinks rewrites links written so that link detection misses them
// into plain links: "hxxp://" and "hxxps://" (the defanged schemes of
// security reports, used by spammers for the same reason), separators in
// brackets ("example[.]com", "example (dot) com", "me[at]example.com",
// "hxxps[:]//"), and "example dot com" or "example . com" when the last
// label is a top-level domain. A bare "dot" after "the", "a" or "an" is
// left alone: "the dot com bubble" names no site.
func (t *tokenizer) unhideLinks(s string) string {
	if !mayHideLink(s) {
		return s
	}
	lower := asciiLower(s)
	var b strings.Builder
	changed := false
	for i := 0; i < len(s); {
		if n, with := hiddenSeparator(lower, i); n > 0 {
			b.WriteString(with)
			i += n
			changed = true
			continue
		}
		if n := spelledDots(lower, i); n > 0 {
			// s[i:i+n] is "label dot label dot … tld".
			b.WriteString(spelledHost(s[i : i+n]))
			i += n
			changed = true
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	if !changed {
		return s
	}
	t.obfuscated = true
	return b.String()
}

// mayHideLink reports whether s could hold a link that unhideLinks
// rewrites. For clean text it costs a few vectorised byte scans (about
// 60 ns for a typical comment): each looks for a byte sequence that is
// rare in text, not for one that starts with a space.
func mayHideLink(s string) bool {
	return hasAt(s, "dot ", afterSpace) || hasAt(s, "Dot ", afterSpace) || hasAt(s, "DOT ", afterSpace) || hasAt(s, ". ", afterSpace) ||
		strings.IndexByte(s, '[') >= 0 || strings.IndexByte(s, '{') >= 0 ||
		hasAt(s, "(", isParenSeparator) || hasAt(s, "x", isHxxp) || hasAt(s, "X", isHxxp)
}

func afterSpace(s string, i int) bool { return i > 0 && s[i-1] == ' ' }

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
// and returns its length. i must be at the start of a label.
func spelledDots(lower string, i int) int {
	if i > 0 && isHostByte(lower[i-1]) || !isHostByte(lower[i]) {
		return 0
	}
	end, labels := i, 0
	var last string
	spacedDot := false // a dot was written " . "
	for {
		j := end
		for j < len(lower) && isHostByte(lower[j]) {
			j++
		}
		if j == end {
			break
		}
		labels++
		last = lower[end:j]
		if labels == 1 && (last == "the" || last == "a" || last == "an") {
			return 0
		}
		end = j
		sep := 0
		switch {
		case strings.HasPrefix(lower[j:], " dot "):
			sep = 5
		case strings.HasPrefix(lower[j:], " . "):
			sep = 3
			spacedDot = true
		}
		if sep == 0 || j+sep >= len(lower) || !isHostByte(lower[j+sep]) {
			break
		}
		end = j + sep
	}
	switch tld := spelledTLDs[last]; {
	case labels < 2, tld == 0, tld == wordTLD && spacedDot:
		return 0
	}
	return end - i
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

func isHostByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-'
}

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
		if c|0x20 < 'a' || c|0x20 > 'z' || j+1 < len(s) && (isAlnumByte(s[j+1]) || isApostrophe(rune(s[j+1]))) {
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
	for n < len(s) && s[len(s)-1-n] < utf8.RuneSelf && isAlnumByte(s[len(s)-1-n]) {
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
		return r == '$' && letters >= 3 && (rest == "" || !isAlnumByte(rest[0]) && rest[0] != '$')
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
		if !repeated && !(len(trail) == 1 && letters >= 4 && (trail == "0" || trail == "3")) {
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
