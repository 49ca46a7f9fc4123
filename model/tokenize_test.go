package model_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/spamcheck/spamcheck/model"
)

// Tokenizer configurations used by the tests. plain turns every optional
// feature off, so the expected token lists stay short and exact.
var (
	plain    = model.TokenizerConfig{}
	style    = model.TokenizerConfig{Style: true}
	bigrams  = model.TokenizerConfig{Bigrams: true}
	metadata = model.TokenizerConfig{Metadata: true}
)

// checkTokens asserts the properties every token list has, whatever the
// input: at most max tokens, none empty, all valid UTF-8.
func checkTokens(tb testing.TB, toks []string, max int) {
	tb.Helper()
	if max <= 0 {
		max = model.DefaultMaxTokens
	}
	if len(toks) > max {
		tb.Errorf("got %d tokens, want at most %d", len(toks), max)
	}
	for i, tok := range toks {
		if tok == "" {
			tb.Errorf("token %d is empty", i)
		}
		if !utf8.ValidString(tok) {
			tb.Errorf("token %d = %q is not valid UTF-8", i, tok)
		}
	}
}

func TestTokenize(t *testing.T) {
	tests := []struct {
		name string
		in   model.Comment
		cfg  model.TokenizerConfig
		want []string
	}{
		{name: "empty", in: model.Comment{}, cfg: plain, want: nil},
		{name: "only whitespace", in: model.Comment{Text: " \t\r\n "}, cfg: plain, want: nil},
		{name: "only punctuation", in: model.Comment{Text: "?!... --- ;)"}, cfg: plain, want: nil},
		{name: "plain words", in: model.Comment{Text: "nice video, thanks"}, cfg: plain, want: []string{"nice", "video", "thanks"}},
		{name: "case folding", in: model.Comment{Text: "Hello HELLO hElLo"}, cfg: plain, want: []string{"hello", "hello", "hello"}},
		{name: "full case folding", in: model.Comment{Text: "STRASSE Straße"}, cfg: plain, want: []string{"strasse", "strasse"}},

		// HTML.
		{name: "html br", in: model.Comment{Text: "line one<br />line two"}, cfg: plain, want: []string{"line", "one", "line", "two"}},
		{name: "html numeric entity apostrophe", in: model.Comment{Text: "it&#39;s fine"}, cfg: plain, want: []string{"its", "fine"}},
		{name: "html amp entity", in: model.Comment{Text: "salt&amp;pepper"}, cfg: plain, want: []string{"salt", "pepper"}},
		{name: "html named entities", in: model.Comment{Text: "caf&eacute; &quot;ok&quot; &lt;b&gt;bold&lt;/b&gt;"}, cfg: plain,
			// Decoded markup is text, not tags: "b" stays a word.
			want: []string{"café", "ok", "b", "bold", "b"}},
		{name: "html anchor", in: model.Comment{Text: `<a href="http://spam.example.com/x">click</a>`}, cfg: plain,
			want: []string{"#url", "domain:spam.example.com", "domain:example.com", "click"}},
		{name: "html anchor separates words", in: model.Comment{Text: `see<a href="https://news.example.org/">here</a>now`}, cfg: plain,
			want: []string{"#url", "domain:news.example.org", "domain:example.org", "see", "here", "now"}},
		{name: "html tags inside a word", in: model.Comment{Text: "v<b></b>iagra c<span>ial</span>is"}, cfg: plain, want: []string{"viagra", "cialis"}},
		{name: "html script dropped", in: model.Comment{Text: "hi <script>var cheap = 'pills';</script> there"}, cfg: plain, want: []string{"hi", "there"}},
		{name: "html style dropped", in: model.Comment{Text: "hi <style>.casino{color:red}</style> there"}, cfg: plain, want: []string{"hi", "there"}},
		{name: "ampersand that is no entity", in: model.Comment{Text: "Tom & Jerry"}, cfg: plain, want: []string{"tom", "jerry"}},

		// URLs and e-mail addresses.
		{name: "url without scheme", in: model.Comment{Text: "visit www.cash-now.biz today"}, cfg: plain,
			want: []string{"#url", "domain:cash-now.biz", "visit", "today"}},
		{name: "url with scheme and subdomain", in: model.Comment{Text: "https://promo.cash-now.biz/x?y=1"}, cfg: plain,
			want: []string{"#url", "domain:promo.cash-now.biz", "domain:cash-now.biz"}},
		{name: "url host is lower-cased", in: model.Comment{Text: "HTTP://WWW.Cash-Now.BIZ/Offer"}, cfg: plain,
			want: []string{"#url", "domain:cash-now.biz"}},
		{name: "repeated link counts once", in: model.Comment{Text: "cash-now.biz and cash-now.biz"}, cfg: plain,
			want: []string{"#url", "domain:cash-now.biz", "and"}},
		{name: "sentence end is no url", in: model.Comment{Text: "I agree. Great point."}, cfg: plain,
			want: []string{"i", "agree", "great", "point"}},
		{name: "email", in: model.Comment{Text: "write to Winner@Prize-Desk.example.org now"}, cfg: plain,
			want: []string{"#email", "email-domain:prize-desk.example.org", "write", "to", "now"}},
		{name: "link in parentheses", in: model.Comment{Text: "(www.cash-now.biz)"}, cfg: plain, want: []string{"#url", "domain:cash-now.biz"}},
		{name: "link before punctuation", in: model.Comment{Text: "visit www.cash-now.biz!!!"}, cfg: plain, want: []string{"#url", "domain:cash-now.biz", "visit"}},
		{name: "link with ip address", in: model.Comment{Text: "http://192.168.0.1/login"}, cfg: plain, want: []string{"#url", "domain:192.168.0.1"}},
		{name: "internationalized domain", in: model.Comment{Text: "пример.рф"}, cfg: plain, want: []string{"#url", "domain:пример.рф"}},
		{name: "file name is no link", in: model.Comment{Text: "open file.txt"}, cfg: plain, want: []string{"open", "file", "txt"}},
		{name: "missing space is no link", in: model.Comment{Text: "the end.Then"}, cfg: plain, want: []string{"the", "end", "then"}},
		{name: "mention is no email", in: model.Comment{Text: "hello@everyone @user"}, cfg: plain, want: []string{"hello", "everyone", "user"}},
		{name: "link after arrows", in: model.Comment{Text: "pics here--->cutie-alina.club"}, cfg: plain,
			want: []string{"#url", "domain:cutie-alina.club", "pics", "here"}},
		{name: "link after a colon", in: model.Comment{Text: "link:www.cash-now.biz"}, cfg: plain,
			want: []string{"#url", "domain:cash-now.biz", "link"}},
		{name: "email after a colon", in: model.Comment{Text: "contact:me@cash-now.biz"}, cfg: plain,
			want: []string{"#email", "email-domain:cash-now.biz", "contact"}},

		// Numbers and money.
		{name: "numbers", in: model.Comment{Text: "call 42 times, 4.5 stars, 15,000 views"}, cfg: plain,
			want: []string{"call", "#num", "times", "#num", "stars", "#num", "views"}},
		{name: "long digit run", in: model.Comment{Text: "whatsapp 1234567 or 555 0123"}, cfg: plain,
			want: []string{"whatsapp", "#longnum", "or", "#num", "#num"}},
		{name: "money with dollar sign", in: model.Comment{Text: "earn $500 daily"}, cfg: plain, want: []string{"earn", "#money", "daily"}},
		{name: "money with trailing sign", in: model.Comment{Text: "earn 500$ daily"}, cfg: plain, want: []string{"earn", "#money", "daily"}},
		{name: "money word", in: model.Comment{Text: "made 15000 Dollars"}, cfg: plain, want: []string{"made", "#money", "dollars"}},
		{name: "money with euro sign", in: model.Comment{Text: "only €20"}, cfg: plain, want: []string{"only", "#money"}},
		{name: "money with separators", in: model.Comment{Text: "$12,000.50 a month"}, cfg: plain, want: []string{"#money", "a", "month"}},
		{name: "word with digits", in: model.Comment{Text: "mp3 b2b"}, cfg: plain, want: []string{"mp3", "b2b"}},
		{name: "very long word", in: model.Comment{Text: strings.Repeat("x", 41) + " ok"}, cfg: plain, want: []string{"#longword", "ok"}},

		// Unicode.
		{name: "invalid UTF-8 separates words", in: model.Comment{Text: "caf\xe9 ok\xff\xfeyes"}, cfg: plain, want: []string{"caf", "ok", "yes"}},
		{name: "zero-width space inside word", in: model.Comment{Text: "mo\u200bney"}, cfg: plain, want: []string{"money"}},
		{name: "zero-width joiners inside word", in: model.Comment{Text: "fr\u200dee\u200c cash\u2060"}, cfg: plain, want: []string{"free", "cash"}},
		{name: "byte order mark before word", in: model.Comment{Text: "\ufeffhello world"}, cfg: plain, want: []string{"hello", "world"}},
		{name: "byte order mark after word", in: model.Comment{Text: "hello world\ufeff"}, cfg: plain, want: []string{"hello", "world"}},
		{name: "soft hyphen inside word", in: model.Comment{Text: "cas\u00adino"}, cfg: plain, want: []string{"casino"}},
		{name: "full-width letters", in: model.Comment{Text: "ｆｒｅｅ ＭＯＮＥＹ"}, cfg: plain, want: []string{"free", "money"}},
		{name: "full-width digits", in: model.Comment{Text: "＄５００"}, cfg: plain, want: []string{"#money"}},
		{name: "cyrillic", in: model.Comment{Text: "Привет, мир"}, cfg: plain, want: []string{"привет", "мир"}},
		{name: "greek", in: model.Comment{Text: "Γειά σου"}, cfg: plain, want: []string{"γειά", "σου"}},
		{name: "arabic", in: model.Comment{Text: "مرحبا بالعالم"}, cfg: plain, want: []string{"مرحبا", "بالعالم"}},
		{name: "japanese", in: model.Comment{Text: "日本語です"}, cfg: plain, want: []string{"日", "本", "語", "で", "す"}},
		{name: "chinese", in: model.Comment{Text: "免费中文"}, cfg: plain, want: []string{"免", "费", "中", "文"}},
		{name: "apostrophe", in: model.Comment{Text: "don't"}, cfg: plain, want: []string{"dont"}},
		{name: "typographic apostrophe", in: model.Comment{Text: "don’t"}, cfg: plain, want: []string{"dont"}},
		{name: "backtick apostrophe", in: model.Comment{Text: "don`t"}, cfg: plain, want: []string{"dont"}},
		{name: "modifier letter apostrophe", in: model.Comment{Text: "donʼt"}, cfg: plain, want: []string{"dont"}},
		{name: "quotes are no apostrophes", in: model.Comment{Text: "'quoted' words'"}, cfg: plain, want: []string{"quoted", "words"}},

		// Style tokens.
		{name: "style plain sentence", in: model.Comment{Text: "I like this song a lot"}, cfg: style,
			want: []string{"i", "like", "this", "song", "a", "lot", "#links:0"}},
		{name: "style title case", in: model.Comment{Text: "A Divorced Mom With Four Kids Lost Her Job"}, cfg: style,
			want: []string{"#titlecase", "a", "divorced", "mom", "with", "four", "kids", "lost", "her", "job", "#links:0"}},
		{name: "style short title case", in: model.Comment{Text: "Great Video Thanks"}, cfg: style,
			want: []string{"great", "video", "thanks", "#links:0"}},
		{name: "style shouting", in: model.Comment{Text: "THIS IS AMAZING NEWS"}, cfg: style,
			want: []string{"#shouting", "this", "is", "amazing", "news", "#links:0"}},
		{name: "style short capitals", in: model.Comment{Text: "LOL OK"}, cfg: style, want: []string{"lol", "ok", "#links:0"}},
		{name: "style exclaim", in: model.Comment{Text: "wow!! great"}, cfg: style, want: []string{"#exclaim", "wow", "great", "#links:0"}},
		{name: "style one exclamation mark", in: model.Comment{Text: "wow! great"}, cfg: style, want: []string{"wow", "great", "#links:0"}},
		{name: "style one link", in: model.Comment{Text: "see a.com"}, cfg: style,
			want: []string{"#url", "domain:a.com", "see", "#links:1"}},
		{name: "style two links", in: model.Comment{Text: `<a href="http://a.com">x</a> b.com`}, cfg: style,
			want: []string{"#url", "domain:a.com", "#url", "domain:b.com", "x", "#links:2"}},
		{name: "style many links", in: model.Comment{Text: "a.com b.com c.com d.com"}, cfg: style,
			want: []string{"#url", "domain:a.com", "#url", "domain:b.com", "#url", "domain:c.com", "#url", "domain:d.com", "#links:3+"}},

		// Bigrams.
		{name: "bigrams", in: model.Comment{Text: "Follow instructions now"}, cfg: bigrams,
			want: []string{"follow", "instructions", "now", "follow+instructions", "instructions+now"}},
		{name: "bigrams with numbers", in: model.Comment{Text: "call 555"}, cfg: bigrams, want: []string{"call", "#num", "call+#num"}},
		{name: "bigram of one word", in: model.Comment{Text: "hello"}, cfg: bigrams, want: []string{"hello"}},

		// Metadata tokens.
		{name: "metadata", cfg: metadata, in: model.Comment{
			Text:        "hi",
			Author:      "Kristina_22 Hot",
			AuthorURL:   "http://www.Kristina-Pics.cam/me",
			AuthorEmail: "k@Mail.Example.COM",
		}, want: []string{"hi", "author:kristina", "author:22", "author:hot", "#author-url", "author-domain:kristina-pics.cam", "author-email-domain:mail.example.com"}},
		{name: "metadata off", cfg: plain, in: model.Comment{
			Text:        "hi",
			Author:      "Kristina",
			AuthorURL:   "http://kristina-pics.cam",
			AuthorEmail: "k@mail.example.com",
		}, want: []string{"hi"}},
		{name: "metadata author url without host", cfg: metadata, in: model.Comment{AuthorURL: "not a url"}, want: []string{"#author-url"}},
		{name: "metadata author url without scheme", cfg: metadata, in: model.Comment{AuthorURL: "cheap-pills.example"},
			want: []string{"#author-url", "author-domain:cheap-pills.example"}},
		{name: "metadata protocol-relative author url", cfg: metadata, in: model.Comment{AuthorURL: "//Cheap-Pills.example./shop"},
			want: []string{"#author-url", "author-domain:cheap-pills.example"}},
		{name: "metadata email without domain", cfg: metadata, in: model.Comment{AuthorEmail: "nobody@"}, want: nil},
		{name: "metadata only whitespace", cfg: metadata, in: model.Comment{Author: " ", AuthorURL: "\t", AuthorEmail: "\n"}, want: nil},
		{name: "metadata full-width author", cfg: metadata, in: model.Comment{Author: "ＢＯＴ"}, want: []string{"author:bot"}},

		// MaxTokens.
		// Over the cap, the first words and the last are kept, and the
		// comment's own tokens (its link count, its author) too.
		{name: "max tokens", in: model.Comment{Text: "a b c d e"}, cfg: model.TokenizerConfig{MaxTokens: 3}, want: []string{"a", "d", "e"}},
		{name: "max tokens with features", in: model.Comment{Text: "wow!! a b c", Author: "bob"},
			cfg:  model.TokenizerConfig{Style: true, Bigrams: true, Metadata: true, MaxTokens: 4},
			want: []string{"#exclaim", "c", "#links:0", "author:bob"}},

		// Links in href attributes are normalised like links in text.
		{name: "full-width host in href", in: model.Comment{Text: `<a href="http://ｃａｓｈ.biz/">x</a>`}, cfg: plain,
			want: []string{"#url", "domain:cash.biz", "x"}},
		{name: "zero-width space in href host", in: model.Comment{Text: `<a href="http://cash` + "\u200b" + `-now.biz/">x</a>`}, cfg: plain,
			want: []string{"#url", "domain:cash-now.biz", "x"}},
		// A protocol-relative link, with slashes or backslashes as
		// browsers read them, names its host; a fully qualified name's
		// trailing dot is the same host.
		{name: "protocol-relative href", in: model.Comment{Text: `<a href="//cash-now.biz/offer">x</a>`}, cfg: plain,
			want: []string{"#url", "domain:cash-now.biz", "x"}},
		{name: "backslashed href", in: model.Comment{Text: `<a href="\\cash-now.biz\offer">x</a>`}, cfg: plain,
			want: []string{"#url", "domain:cash-now.biz", "x"}},
		{name: "trailing dot in href host", in: model.Comment{Text: `<a href="http://promo.cash-now.biz./x">x</a>`}, cfg: plain,
			want: []string{"#url", "domain:promo.cash-now.biz", "domain:cash-now.biz", "x"}},
		{name: "path-only href", in: model.Comment{Text: `<a href="/wiki/Cash">x</a>`}, cfg: plain, want: []string{"x"}},
		// A link glued to the text after its host by a comma or a
		// bracket is a link, and the text after it still words; a comma
		// or bracket in its path is the link's.
		{name: "link glued to text after it", in: model.Comment{Text: "cheap pills,http://shop.example,buy now"}, cfg: plain,
			want: []string{"#url", "domain:shop.example", "cheap", "pills", "buy", "now"}},
		{name: "link without scheme glued both ways", in: model.Comment{Text: "pills,cash-now.biz,buy"}, cfg: plain,
			want: []string{"#url", "domain:cash-now.biz", "pills", "buy"}},
		{name: "link in brackets glued", in: model.Comment{Text: "Visit(http://shop.example),thanks"}, cfg: plain,
			want: []string{"#url", "domain:shop.example", "visit", "thanks"}},
		{name: "brackets in a link's path", in: model.Comment{Text: "see https://en.wikipedia.org/wiki/Foo_(bar), ok"}, cfg: plain,
			want: []string{"#url", "domain:en.wikipedia.org", "domain:wikipedia.org", "see", "ok"}},
		{name: "e-mail glued to text after it", in: model.Comment{Text: "mail bob@shop.example,now"}, cfg: plain,
			want: []string{"#email", "email-domain:shop.example", "mail", "now"}},
		{name: "links glued to each other", in: model.Comment{Text: "see good.example,http://spam.biz),(cash-now.biz now"}, cfg: plain,
			want: []string{"#url", "domain:good.example", "#url", "domain:spam.biz", "#url", "domain:cash-now.biz", "see", "now"}},
		{name: "e-mails glued to each other", in: model.Comment{Text: "a@b.example,c@d.example"}, cfg: plain,
			want: []string{"#email", "email-domain:b.example", "#email", "email-domain:d.example"}},
		// A user and password are not the host, whatever they hold.
		{name: "user and password in a link", in: model.Comment{Text: "see http://user!x@evil.biz/ and ftp://anon:p*ss@cash-now.biz/"}, cfg: plain,
			want: []string{"#url", "domain:evil.biz", "#url", "domain:cash-now.biz", "see", "and"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := model.Tokenize(tt.in, tt.cfg)
			checkTokens(t, got, tt.cfg.MaxTokens)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Tokenize(%q, %+v)\n got %q\nwant %q", tt.in, tt.cfg, got, tt.want)
			}
		})
	}
}

// TestTokenizeInvisibleCharactersChangeNothing checks that the characters
// spammers hide inside words (and that editors leave around them) give the
// same tokens as the clean text.
func TestTokenizeInvisibleCharactersChangeNothing(t *testing.T) {
	const clean = "Free money, click here"
	tests := []struct {
		name, text string
	}{
		{name: "trailing byte order mark", text: clean + "\ufeff"},
		{name: "leading byte order mark", text: "\ufeff" + clean},
		{name: "zero-width spaces", text: "F\u200bree mo\u200bney, cl\u200bick he\u200bre"},
		{name: "zero-width joiners", text: "Fr\u200dee mon\u200cey, click\u2060 here"},
		{name: "bidi controls", text: "\u202eFree\u202c money, click here"},
	}
	want := model.Tokenize(model.Comment{Text: clean}, model.DefaultTokenizer())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := model.Tokenize(model.Comment{Text: tt.text}, model.DefaultTokenizer())
			if !slices.Equal(got, want) {
				t.Errorf("Tokenize(%q)\n got %q\nwant %q", tt.text, got, want)
			}
		})
	}
}

// TestTokenizeOddInput feeds input that has broken tokenizers before; the
// output must keep its invariants and the call must not panic.
func TestTokenizeOddInput(t *testing.T) {
	all := model.DefaultTokenizer()
	tests := []struct {
		name string
		in   model.Comment
		cfg  model.TokenizerConfig
		// wantLen, when not -1, is the exact number of tokens.
		wantLen int
	}{
		{name: "invalid UTF-8 everywhere", cfg: all, wantLen: -1, in: model.Comment{
			Text: "\xff\xfe\xfd<a href=\"http://\xff\xfe.com/\xc3\">\xe2\x82</a> \xf0\x9f", Author: "\xff", AuthorURL: "http://\xff.com", AuthorEmail: "a@\xff"}},
		{name: "invalid UTF-8 in href", cfg: all, wantLen: -1, in: model.Comment{Text: "<a href=\"http://caf\xe9.com/\">x</a>"}},
		{name: "NUL bytes", cfg: all, wantLen: -1, in: model.Comment{Text: "free\x00money\x00", Author: "\x00"}},
		{name: "unclosed tags", cfg: all, wantLen: -1, in: model.Comment{Text: "<a href=\"x.com <b <script>never closed"}},
		{name: "deeply nested html", cfg: all, wantLen: -1, in: model.Comment{Text: strings.Repeat("<div><b>", 10000) + "hi"}},
		{name: "only metadata", cfg: all, wantLen: -1, in: model.Comment{Author: "x", AuthorURL: "x.com", AuthorEmail: "x@x.com"}},
		// The words and their bigrams fill the cap but for the room
		// kept for the comment's own tokens (32).
		{name: "1 MB of words", cfg: plain, wantLen: model.DefaultMaxTokens - 32, in: model.Comment{Text: strings.Repeat("spam ", 200_000)}},
		{name: "1 MB without spaces", cfg: plain, wantLen: 1, in: model.Comment{Text: strings.Repeat("a", 1<<20)}},
		{name: "1 MB of dotted field", cfg: all, wantLen: -1, in: model.Comment{Text: strings.Repeat("a.", 1<<19)}},
		{name: "1 MB of tags", cfg: all, wantLen: -1, in: model.Comment{Text: strings.Repeat("<b>", 1<<20/3)}},
		{name: "1 MB of multibyte runes", cfg: all, wantLen: model.DefaultMaxTokens - 32, in: model.Comment{Text: strings.Repeat("日", 1<<20/3)}},
		{name: "1 MB author", cfg: all, wantLen: -1, in: model.Comment{Author: strings.Repeat("bob ", 1<<18)}},
		{name: "1 MB of exclamation marks", cfg: all, wantLen: 2, in: model.Comment{Text: strings.Repeat("!", 1<<20)}},
		{name: "1 MB of digits", cfg: plain, wantLen: 1, in: model.Comment{Text: strings.Repeat("9", 1<<20)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := model.Tokenize(tt.in, tt.cfg)
			checkTokens(t, got, tt.cfg.MaxTokens)
			if tt.wantLen >= 0 && len(got) != tt.wantLen {
				t.Errorf("got %d tokens, want %d; first: %q", len(got), tt.wantLen, got[:min(len(got), 5)])
			}
		})
	}
}

// TestTokenizeMaxTokens checks that the cap holds whichever features
// produce the tokens.
func TestTokenizeMaxTokens(t *testing.T) {
	long := model.Comment{
		Text:        strings.Repeat("Buy CHEAP pills!! at www.pills.example, $5 each, mail me@pills.example ", 200),
		Author:      strings.Repeat("bob ", 50),
		AuthorURL:   "http://pills.example",
		AuthorEmail: "me@pills.example",
	}
	for _, max := range []int{1, 2, 3, 10, 100, 1000} {
		t.Run(fmt.Sprint(max), func(t *testing.T) {
			cfg := model.DefaultTokenizer()
			cfg.MaxTokens = max
			got := model.Tokenize(long, cfg)
			checkTokens(t, got, max)
			if len(got) != max {
				t.Errorf("got %d tokens, want exactly %d", len(got), max)
			}
		})
	}
}

func ExampleTokenize() {
	c := model.Comment{Text: "Make $500 a day!! Visit https://promo.cash-now.biz/x?y=1"}
	toks := model.Tokenize(c, model.TokenizerConfig{Style: true})
	fmt.Println(strings.Join(toks, " "))
	// Output: #exclaim #url domain:promo.cash-now.biz domain:cash-now.biz make #money a day visit #links:1
}

func FuzzTokenize(f *testing.F) {
	f.Add("Make $500 a day!! Visit https://promo.cash-now.biz/x?y=1", "Promo Bot", "x@promo.example", "http://promo.example", true, true, true, int16(0))
	f.Add(`v<b></b>iagra <a href="http://spam.example.com/x">click</a> <script>x</script>`, "", "", "", false, true, false, int16(5))
	f.Add("mo\u200bney ｆｒｅｅ 日本語 don’t 15000 Dollars €20 1234567", "Ｋｒｉｓ", "a@\xff", "\xfe", true, false, true, int16(-1))
	f.Add("\xff\xfe<a href=\"http://\xff.com\">\xc3</a>", "\xff", "@", "http://", true, true, true, int16(1))
	f.Fuzz(func(t *testing.T, text, author, email, url string, bigrams, style, metadata bool, max int16) {
		cfg := model.TokenizerConfig{Bigrams: bigrams, Style: style, Metadata: metadata, MaxTokens: int(max)}
		c := model.Comment{Text: text, Author: author, AuthorEmail: email, AuthorURL: url}
		got := model.Tokenize(c, cfg)
		checkTokens(t, got, cfg.MaxTokens)
		if again := model.Tokenize(c, cfg); !slices.Equal(got, again) {
			t.Errorf("Tokenize is not deterministic: %q then %q", got, again)
		}
	})
}

// TestLinkAfterAnySpace checks that a link counts as a link whatever
// white space comes before it: the link finder once split fields on four
// ASCII spaces only, so a form feed or vertical tab hid the link.
func TestLinkAfterAnySpace(t *testing.T) {
	c := mustDefault(t)
	plain := c.Score(model.Comment{Text: "visit www.cash-now.biz now"})
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if !unicode.IsSpace(r) {
			continue
		}
		text := "visit" + string(r) + "www.cash-now.biz now"
		toks := model.Tokenize(model.Comment{Text: text}, model.DefaultTokenizer())
		if !slices.Contains(toks, "domain:cash-now.biz") {
			t.Errorf("Tokenize(%q) = %q, want the link's domain", text, toks)
		}
		if got := c.Score(model.Comment{Text: text}); got.LogOdds != plain.LogOdds {
			t.Errorf("Score(%q).LogOdds = %v, want %v as with a plain space", text, got.LogOdds, plain.LogOdds)
		}
	}
}

// TestSpelledDotAnyCase checks that a link written "example dot com"
// counts as a link whatever the case of "dot".
func TestSpelledDotAnyCase(t *testing.T) {
	c := mustDefault(t)
	plain := c.Score(model.Comment{Text: "visit cash-now dot biz"})
	for _, dot := range []string{"DOT", "Dot", "dOt", "doT", "DoT", "dOT"} {
		text := "visit cash-now " + dot + " biz"
		toks := model.Tokenize(model.Comment{Text: text}, model.DefaultTokenizer())
		if !slices.Contains(toks, "domain:cash-now.biz") {
			t.Errorf("Tokenize(%q) = %q, want the link's domain", text, toks)
		}
		if got := c.Score(model.Comment{Text: text}); got.LogOdds != plain.LogOdds {
			t.Errorf("Score(%q).LogOdds = %v, want %v as with \"dot\"", text, got.LogOdds, plain.LogOdds)
		}
	}
}
