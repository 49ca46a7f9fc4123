package model_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/spamcheck/spamcheck/model"
)

// actTokens are the tokens for acts of spamming that Tokenize emits once
// per comment, whatever the words around them.
var actTokens = []string{"#mention", "#phone", "#fancy-letters", "#money-pair", "#money-rate", "#wallet", "#money-handle"}

// acts returns the act tokens of text with the default tokenizer.
func acts(text string) []string {
	var out []string
	for _, tok := range model.Tokenize(model.Comment{Text: text}, model.DefaultTokenizer()) {
		if slices.Contains(actTokens, tok) {
			out = append(out, tok)
		}
	}
	slices.Sort(out)
	return out
}

// TestActTokens: each act is recognised in the forms spam writes it, once
// per comment, and not in the ordinary text that looks closest to it.
func TestActTokens(t *testing.T) {
	eth := "0x5fE2a9C4b7D1e3F6a8B0c2D4e6F8a1B3c5D7e9F1" // made up
	cases := []struct {
		text string
		want []string
	}{
		{"thanks to @celeste.marlow I'm free", []string{"#mention"}},
		{"mail me at jo@example.org", nil}, // an address, not a handle
		{"@a @b @c", []string{"#mention"}},
		{"WhatsApp +44 7700 900583 now", []string{"#phone"}},
		{"call (555) 012-3456", []string{"#phone"}},
		{"born 12/05/1990, id 123456789012", nil}, // a date, one long number
		{"visit 𝐒𝐋𝐎𝐓𝟕𝟕 today", []string{"#fancy-letters"}},

		// A stake and its return; an amount per unit of time.
		{"I invested $1,000 and got back $10,500 after 4 days", []string{"#money-pair", "#money-rate"}},
		{"Banking 15000 Dollars Per Week online", []string{"#money-rate"}},
		{"earn 5 grand a month from home", []string{"#money-rate"}},
		{"it cost $40 and shipping was $8", []string{"#money-pair"}},
		// The rule is coarse, and ham has its share: the weight the
		// model learns for it says how much that share is.
		{"it cost $40, delivered in 3 days", []string{"#money-rate"}},
		{"it cost $40 and arrived in a fortnight", nil},
		{"paid $40", nil},
		// A symbol between two numbers is one amount's, not both's.
		{"I paid 20$ 2 times", nil},
		{"20€ 7 of us", nil},
		{"Online in 2022: $14,500", nil},
		{"from $200-$1,500", []string{"#money-pair"}},

		// Crypto addresses: Ethereum-style and base58.
		{"CA: " + eth, []string{"#wallet"}},
		{"send to 7kPq3VxW9mZr2TgH5bNc8YdLfJ4sAeQu6RtKw1XyMnBv", []string{"#wallet"}},
		{eth + "ff", nil},               // too long for an address
		{strings.ToLower(eth[2:]), nil}, // a hash, no 0x, one case
		{"commit 3f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a3f", nil},
		{"antidisestablishmentarianismantidisestablishment", nil}, // letters only

		// Handles and hashtags that sell making money.
		{"all thanks to @Earn_With_Kate", []string{"#mention", "#money-handle"}},
		{"message maria.fx on telegram: @maria.fx.trades", []string{"#mention", "#money-handle"}},
		{"join #forexsignals today", []string{"#money-handle"}},
		{"great interview @kate_with_a_k", []string{"#mention"}},
		{"mail kate@wealth-partners.example", nil}, // an address, not a handle
		{"write to josé@fxtrading.example", nil},   // an address too, as #mention reads it
		{"C#money and F# are languages", nil},      // # inside a word
	}
	for _, c := range cases {
		got := acts(c.text)
		if len(got) == 0 && len(c.want) == 0 {
			continue
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%q: act tokens %q, want %q", c.text, got, c.want)
		}
	}
}

// TestPaymentsOff: a model trained before the payment tokens existed has
// TokenizerConfig.Payments off and is scored with the tokens it learned:
// no new act tokens, and "5 grand" stays a number and a word.
func TestPaymentsOff(t *testing.T) {
	cfg := model.DefaultTokenizer()
	cfg.Payments = false
	text := "I invested $1,000 with @fx_kate and got $10,500 in 4 days, 5 grand a month, CA: 0x5fE2a9C4b7D1e3F6a8B0c2D4e6F8a1B3c5D7e9F1"
	toks := model.Tokenize(model.Comment{Text: text}, cfg)
	for _, tok := range []string{"#money-pair", "#money-rate", "#wallet", "#money-handle"} {
		if slices.Contains(toks, tok) {
			t.Errorf("Payments off: %q in %q", tok, toks)
		}
	}
	if !slices.Contains(toks, "#num+grand") {
		t.Errorf("Payments off: want #num+grand in %q", toks)
	}
	if on := model.Tokenize(model.Comment{Text: text}, model.DefaultTokenizer()); !slices.Contains(on, "#money+grand") {
		t.Errorf("Payments on: want #money+grand in %q", on)
	}
	// A symbol between two numbers made both money before.
	if toks := model.Tokenize(model.Comment{Text: "paid 20$ 2 times"}, cfg); !slices.Contains(toks, "#money+#money") {
		t.Errorf("Payments off: want #money+#money in %q", toks)
	}
}
