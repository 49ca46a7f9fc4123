package model_test

// Unseen disguises: the families above draw from the same look-alike and
// leetspeak lists as the defences, so they measure coverage. These two
// draw from sources the defences were not written from, and are scored by
// models that never saw the spam they disguise, so they measure
// robustness:
//
//   - unseen-confusables: letters swapped for any character that Unicode's
//     confusables data (UTS #39, confusables.txt, through
//     github.com/mtibben/confusables, version 13.0.0 of the data) maps to
//     that letter's skeleton — Cherokee, Lisu, Armenian, mathematical and
//     letter-like symbols as well as Cyrillic and Greek.
//   - unseen-leet: the leetspeak table of Microsoft's parents' primer
//     "Key points for learning leetspeek" (microsoft.com/athome/security/
//     children/kidtalk.mspx, 2005): 4 for A, 3 for E, 1 for L, 0 for O, 5
//     or $ for S, 7 for T, /\/\ for M, |-| for H, x for a final c or k
//     and z for a final s.
//
// Rewrite the fixtures with
//
//	go test -run TestUnseenFixtures ./model/ -args -update

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode"

	uts39data "github.com/mtibben/confusables"

	"github.com/spamcheck/spamcheck/model"
)

var unseenFamilies = []family{
	{name: "unseen-confusables", obfuscate: unseenConfusables},
	{name: "unseen-leet", obfuscate: unseenLeet},
}

// uts39 maps each ASCII letter to the characters other than ASCII that
// UTS #39 gives the same skeleton, in code point order.
var uts39 = sync.OnceValue(func() map[rune][]rune {
	bySkeleton := map[string][]rune{}
	for r := rune(0x80); r <= 0x1FFFF; r++ {
		if !unicode.IsLetter(r) {
			continue
		}
		sk := uts39data.Skeleton(string(r))
		bySkeleton[sk] = append(bySkeleton[sk], r)
	}
	out := map[rune][]rune{}
	for _, l := range "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" {
		if alts := bySkeleton[uts39data.Skeleton(string(l))]; len(alts) > 0 {
			out[l] = alts
		}
	}
	return out
})

// unseenConfusables swaps letters of words for UTS #39 confusables.
func unseenConfusables(rng *rand.Rand, s string) string {
	table := uts39()
	return mapWords(s, func(w string) string {
		if len(w) < 3 || rng.Float64() >= 0.6 {
			return w
		}
		var b strings.Builder
		swapped := false
		for i, r := range w {
			if alts := table[r]; alts != nil && (rng.Float64() < 0.5 || !swapped && i == len(w)-1) {
				r = pick(rng, alts)
				swapped = true
			}
			b.WriteRune(r)
		}
		return b.String()
	})
}

// primerLeet is the primer's table, letter by letter.
var primerLeet = map[byte][]string{
	'a': {"4"}, 'e': {"3"}, 'l': {"1"}, 'o': {"0"}, 's': {"5", "$"}, 't': {"7"}, 'm': {`/\/\`}, 'h': {"|-|"},
}

// unseenLeet writes words the primer's way.
func unseenLeet(rng *rand.Rand, s string) string {
	return mapWords(s, func(w string) string {
		if len(w) < 3 || rng.Float64() >= 0.6 {
			return w
		}
		end := ""
		switch last := w[len(w)-1] | 0x20; {
		case (last == 'c' || last == 'k') && rng.Float64() < 0.5:
			w, end = strings.TrimSuffix(strings.TrimSuffix(w[:len(w)-1], "c"), "C"), "x"
		case last == 's' && rng.Float64() < 0.5:
			w, end = w[:len(w)-1], "z"
		}
		var b strings.Builder
		swapped := end != ""
		for i := 0; i < len(w); i++ {
			alts := primerLeet[w[i]|0x20]
			if alts != nil && (rng.Float64() < 0.5 || !swapped && i == len(w)-1) {
				b.WriteString(pick(rng, alts))
				swapped = true
				continue
			}
			b.WriteByte(w[i])
		}
		return b.String() + end
	})
}

// TestUnseenFixtures checks that the unseen fixtures are what the
// generators make of the corpus today, and rewrites them with -update.
func TestUnseenFixtures(t *testing.T) {
	spam := withLabel(readCorpus(t), model.Spam)
	for _, fam := range unseenFamilies {
		t.Run(fam.name, func(t *testing.T) {
			want := encodeVariants(t, generate(spam, fam))
			path := fixturePath(fam.name)
			if *update {
				if err := os.WriteFile(path, want, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (generate the fixtures with: go test -run TestUnseenFixtures ./model/ -args -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s is out of date: rewrite it with go test -run TestUnseenFixtures ./model/ -args -update", path)
			}
		})
	}
}

// heldOutFolds is how many models TestUnseenDisguises trains: each on all
// the corpus's ham and the spam outside one fold, scoring that fold.
const heldOutFolds = 5

// heldOutModels trains, for each fold of the corpus's spam (the k-th spam
// comment, in corpus order, is in fold k mod heldOutFolds), a model with
// Fit's defaults on the rest of the corpus, with the defences on or off,
// and returns the models and the fold of each spam comment's source.
func heldOutModels(tb testing.TB, deobfuscate bool) ([]*model.Classifier, map[string]int) {
	tb.Helper()
	all := readCorpus(tb)
	fold := map[string]int{}
	k := 0
	for _, c := range all {
		if c.Label == model.Spam {
			fold[c.Source] = k % heldOutFolds
			k++
		}
	}
	models := make([]*model.Classifier, heldOutFolds)
	errs := make([]error, heldOutFolds)
	var wg sync.WaitGroup
	for f := range models {
		var ex []model.Example
		for _, c := range all {
			if c.Label == model.Ham || fold[c.Source] != f {
				ex = append(ex, c.Example)
			}
		}
		tok := model.DefaultTokenizer()
		tok.Deobfuscate = deobfuscate
		wg.Go(func() { models[f], _, errs[f] = model.Fit(ex, model.FitOptions{Seed: 1, Tokenizer: &tok}) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			tb.Fatal(err)
		}
	}
	return models, fold
}

// TestUnseenDisguises scores each unseen family, clean and disguised,
// with the held-out model of each comment's fold, trained with the
// defences and without them, and checks the figures the README reports:
// n, the share of clean spam rejected, of disguised spam rejected without
// the defences and with them. With them, disguising may not cost more
// than maxCatchDrop points. `go test -v -run Unseen ./model/` prints them.
func TestUnseenDisguises(t *testing.T) {
	models, fold := heldOutModels(t, true)
	before, _ := heldOutModels(t, false)
	readme := map[string]string{
		"unseen-confusables": "1153, 74.0%, 74.9%, 83.4%",
		"unseen-leet":        "1147, 74.0%, 60.5%, 77.6%",
	}
	pct := func(n, of int) float64 { return 100 * float64(n) / float64(of) }
	for _, fam := range unseenFamilies {
		vs := readVariants(t, fam.name)
		if len(vs) < 20 {
			t.Fatalf("%s: %d variants, want at least 20", fam.name, len(vs))
		}
		clean, obfBefore, obf := 0, 0, 0
		for _, v := range vs {
			f, ok := fold[v.Source]
			if !ok {
				t.Fatalf("%s: %s is not a spam comment of the corpus", fam.name, v.Source)
			}
			rejects := func(c *model.Classifier, text string) int {
				if c.Score(model.Comment{Text: text}).Verdict == model.Reject {
					return 1
				}
				return 0
			}
			clean += rejects(models[f], v.Clean)
			obfBefore += rejects(before[f], v.Obfuscated)
			obf += rejects(models[f], v.Obfuscated)
		}
		got := fmt.Sprintf("%d, %.1f%%, %.1f%%, %.1f%%", len(vs), pct(clean, len(vs)), pct(obfBefore, len(vs)), pct(obf, len(vs)))
		t.Logf("%-19s n, clean, disguised before the defences, disguised now: %s", fam.name, got)
		if want := readme[fam.name]; got != want {
			t.Errorf("%s: n, clean, disguised before, disguised now = %s, the README says %s", fam.name, got, want)
		}
		if pct(obf, len(vs)) < pct(clean, len(vs))-maxCatchDrop {
			t.Errorf("%s: %.1f%% of disguised spam rejected, want at most %.0f points below the clean %.1f%%", fam.name, pct(obf, len(vs)), maxCatchDrop, pct(clean, len(vs)))
		}
	}
}

// TestUTS39Table: the confusables table holds what UTS #39 says and more
// than the defences' own list (which would make the family no test).
func TestUTS39Table(t *testing.T) {
	table := uts39()
	for l, want := range map[rune]rune{'a': 'а', 'o': 'ο', 'e': 'е', 'S': 'Ѕ'} {
		if !slices.Contains(table[l], want) {
			t.Errorf("UTS #39 look-alikes of %q lack %q", l, want)
		}
	}
	n := 0
	for _, alts := range table {
		n += len(alts)
	}
	t.Logf("%d look-alikes for %d letters", n, len(table))
	if n < 200 {
		t.Errorf("%d look-alikes in all, want the hundreds UTS #39 lists", n)
	}
}
