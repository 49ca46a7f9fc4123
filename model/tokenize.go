package model

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
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
	// Payments adds tokens for how spam asks for or promises money,
	// whatever the amounts and the coin: two amounts in one comment (a
	// stake and its return), an amount per day, week or month, a crypto
	// wallet or contract address, and a handle whose name sells making
	// money; and it reads "5 grand" as an amount. Its tokens need Style
	// on too. Models trained before it existed have it off, so they are
	// still scored with the tokens they learned.
	Payments bool `json:"payments,omitempty"`
	// MaxTokens caps the tokens taken from one comment (0 means
	// DefaultMaxTokens), so one huge comment cannot cost more than a
	// bounded amount of work.
	MaxTokens int `json:"max_tokens"`
}

// DefaultTokenizer returns the configuration new models are trained with.
func DefaultTokenizer() TokenizerConfig {
	return TokenizerConfig{Bigrams: true, Style: true, Metadata: true, Deobfuscate: true, Payments: true, MaxTokens: DefaultMaxTokens}
}

// DefaultMaxTokens is the token cap used when TokenizerConfig.MaxTokens is 0.
const DefaultMaxTokens = 2000

// validate checks what a configuration could ask beyond reason: a
// comment's fields are cut at maxInputBytes each, so a cap above that many
// tokens per field could only make scoring cost more. (A cap of 0 or less
// means DefaultMaxTokens.)
func (cfg TokenizerConfig) validate() error {
	if cfg.MaxTokens > 4*maxInputBytes {
		return fmt.Errorf("model: tokenizer max tokens %d must be at most %d", cfg.MaxTokens, 4*maxInputBytes)
	}
	return nil
}

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
	tokAuthorName  = "#author-name" // what reasons say for an author: token
	tokAuthorURL   = "#author-url"
	tokAuthorDom   = "author-domain:"
	tokAuthorEmail = "author-email-domain:"
	tokObfuscated  = "#obfuscated"
	bigramJoin     = "+"
	// maxWordRunes is the longest word kept as itself: longer runs of
	// letters and digits (hashes, base64, keyboard mashing) are all
	// #longword. It is well above the length of ordinary words.
	maxWordRunes = 40
)

// The cut-offs of the style tokens, set by hand when the tokens were
// added. The tokens a model learned depend on them, so changing one means
// retraining.
const (
	// #titlecase: at least titleMinWords words, titlePercent of them
	// capitalised, and fewer than half in capitals (that is shouting).
	titleMinWords, titlePercent = 6, 70
	// #shouting: at least shoutMinLetters letters, shoutPercent of them
	// upper-case.
	shoutMinLetters, shoutPercent = 12, 70
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
	return t.run(c, cfg).all
}

func (cfg TokenizerConfig) maxTokens() int {
	if cfg.MaxTokens <= 0 {
		return DefaultMaxTokens
	}
	return cfg.MaxTokens
}

// tokens is what the tokenizer hands to scoring: the tokens of a comment,
// in the order Tokenize returns them, and where among them the words of
// its text and their bigrams are. Before the words come the link tokens
// and the style tokens of the text; after the bigrams, the #links and
// #obfuscated tokens and the metadata tokens. Score's windows take
// stretches of the words and bigrams and all the rest.
type tokens struct {
	all []string
	// words is all[words.start:words.end], bigrams all[bigrams.start:bigrams.end];
	// bigrams.start is words.end, and bigram i joins words i and i+1.
	words, bigrams span
}

// span is a half-open range of indexes.
type span struct{ start, end int }

func (s span) len() int { return s.end - s.start }

// run tokenizes c, reusing t's buffers; the tokens are valid until t is
// run again.
func (t *tokenizer) run(c Comment, cfg TokenizerConfig) tokens {
	*t = tokenizer{cfg: cfg, max: cfg.maxTokens(), out: t.out[:0], stream: t.stream[:0], latin: t.latin}
	words, bigrams := t.text(c.Text)
	if cfg.Metadata {
		t.metadata(c)
	}
	return tokens{all: t.out, words: words, bigrams: bigrams}
}

// tokenizer holds the state of one run; its zero value is ready to use.
type tokenizer struct {
	cfg   TokenizerConfig
	max   int
	out   []string
	links int
	// linkToks counts the tokens the first links and e-mail addresses
	// emitted, and lastLinks holds the last of those after them, for
	// the end of the links (see linkOrLater).
	linkToks  int
	lastLinks []string
	// seen holds the link hosts already counted, and the e-mail domains
	// with an '@' before them, once there are links.
	seen map[string]bool
	// stream is the text's words (and number tokens) in order, from
	// which bigrams are made at the end.
	stream []string
	// obfuscated is set when a defence of TokenizerConfig.Deobfuscate
	// had something to undo.
	obfuscated bool
	// latin, when not 0, says whether the text is mostly Latin (1) or not
	// (-1) instead of the text itself: Explain tokenizes a comment one
	// word at a time, each as the whole comment would have it.
	latin int8
}

// tailReserve is the room a comment's word and bigram tokens leave under
// the cap for the tokens that follow them (an eighth of a smaller cap).
const tailReserve = 32

// keepEnds cuts the words from start on to at most n, keeping the first
// half and the last, in order.
func (t *tokenizer) keepEnds(start, n int) {
	words := len(t.out) - start
	if words <= n {
		return
	}
	head := n / 2
	tail := n - head
	copy(t.out[start+head:], t.out[len(t.out)-tail:])
	t.out = t.out[:start+n]
	copy(t.stream[head:], t.stream[len(t.stream)-tail:])
	t.stream = t.stream[:n]
}

func (t *tokenizer) emit(tok string) {
	if len(t.out) < t.max {
		t.out = append(t.out, tok)
	}
}

// text tokenizes the comment's text and returns where its words and their
// bigrams are in t.out.
func (t *tokenizer) text(s string) (words, bigrams span) {
	s, hrefs, hid := plainText(clip(s), t.cfg.Deobfuscate)
	t.obfuscated = hid
	if t.cfg.Style {
		t.acts(s)
	}
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
	for _, h := range hrefs {
		if host, ok := hostOf(normalize(h)); ok {
			t.linkOnce(host)
		}
	}
	s = t.urls(s)
	t.flushLinks()
	words.start = len(t.out)
	if ascii {
		s = strings.ToLower(s)
	} else {
		s = fold(s)
	}
	// The words are read to the end, and a comment with more than its
	// budget keeps the first half and the last: filler before or after
	// a pitch cannot push it out of reach. Their bigrams come next, and
	// room is kept for the tokens of the whole comment (its link count,
	// amounts, author), which the longest comment keeps too.
	limit := t.max
	t.max = words.start + 4*maxInputBytes
	t.words(s)
	t.max = limit
	reserve := min(tailReserve, limit/8)
	budget := max(0, limit-reserve-words.start)
	if t.cfg.Bigrams {
		budget /= 2
	}
	t.keepEnds(words.start, budget)
	words.end = len(t.out)
	t.max = max(words.end, limit-reserve)
	t.bigrams()
	t.max = limit
	bigrams = span{words.end, len(t.out)}
	if t.cfg.Style {
		t.emit(tokLinks + bucket(t.links))
		if t.cfg.Payments {
			t.amounts(t.out[words.start:words.end])
		}
	}
	if t.obfuscated {
		t.emit(tokObfuscated)
	}
	return words, bigrams
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
	if words >= titleMinWords && title*100 >= words*titlePercent && upperWords*2 < words {
		t.emit(tokTitleCase)
	}
	if letters >= shoutMinLetters && upper*100 >= letters*shoutPercent {
		t.emit(tokShouting)
	}
	if strings.Contains(s, "!!") {
		t.emit(tokExclaim)
	}
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
		if host, ok := hostOf(normalize(clip(u))); ok {
			t.emit(tokAuthorDom + host)
		}
	}
	if e := strings.TrimSpace(c.AuthorEmail); e != "" {
		if at := strings.LastIndexByte(e, '@'); at >= 0 && at+1 < len(e) {
			t.emit(tokAuthorEmail + fold(normalize(clip(e[at+1:]))))
		}
	}
}
