package model_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/jbrukh/bayesian"
	"github.com/spamcheck/spamcheck/model"
)

// trainedAt is the fixed training time that makes test models reproducible.
var trainedAt = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

func mustTrain(tb testing.TB, examples []model.Example, opts model.TrainOptions) *model.Classifier {
	tb.Helper()
	if opts.TrainedAt.IsZero() {
		opts.TrainedAt = trainedAt
	}
	c, err := model.Train(examples, opts)
	if err != nil {
		tb.Fatalf("Train: %v", err)
	}
	return c
}

func mustDefault(tb testing.TB) *model.Classifier {
	tb.Helper()
	c, err := model.Default()
	if err != nil {
		tb.Fatalf("Default: %v", err)
	}
	return c
}

// examples labels each text with l.
func examples(l model.Label, texts ...string) []model.Example {
	out := make([]model.Example, len(texts))
	for i, t := range texts {
		out[i] = model.Example{Comment: model.Comment{Text: t}, Label: l}
	}
	return out
}

// The corpora below use disjoint vocabularies so the tests can say which
// way a word must push.
var (
	spamTexts = []string{
		"win free money prize click now",
		"free money prize waiting claim now",
		"click for free money prize today",
		"claim your free money prize link",
		"free money prize winner click here",
	}
	hamTexts = []string{
		"great song love the guitar melody",
		"love this song great guitar work",
		"the melody and guitar are great love",
		"great guitar solo love this song",
		"song has great guitar love it",
	}
	// balanced has as many spam as ham comments, so its prior is zero.
	balanced = append(examples(model.Spam, spamTexts...), examples(model.Ham, hamTexts...)...)
	// lopsided has nine short ham comments and one long spam comment:
	// more ham documents, but more spam tokens.
	lopsided = append(examples(model.Ham,
		"nice video", "great song", "love this", "so true", "well said",
		"thanks mate", "good point", "agreed totally", "cool stuff"),
		examples(model.Spam, "click here to win free money now visit our site today and claim your "+
			"prize cash bonus offer limited time only act fast call us for more details about it")...)
)

// plainOpts trains on words only, so no style token (such as #links:0,
// present in every comment) is known to the model.
func plainOpts() model.TrainOptions {
	cfg := plain
	return model.TrainOptions{Tokenizer: &cfg}
}

// learnLibrary trains the wrapped library the way its README suggests, one
// Learn per document, on the same tokens as Train sees.
func learnLibrary(examples []model.Example, cfg model.TokenizerConfig) *bayesian.Classifier {
	nb := bayesian.NewClassifier("ham", "spam")
	for _, ex := range examples {
		nb.Learn(model.Tokenize(ex.Comment, cfg), bayesian.Class(ex.Label))
	}
	return nb
}

// unknownWords returns n distinct words no test corpus contains.
func unknownWords(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("xyzzy%d", i)
	}
	return out
}

func TestTrainRejectsBadLabel(t *testing.T) {
	t.Run("library panics", func(t *testing.T) {
		defer func() {
			if recover() == nil {
				t.Error("bayesian Learn with an unknown class did not panic; the quirk Train guards against is gone")
			}
		}()
		bayesian.NewClassifier("ham", "spam").Learn([]string{"x"}, "eggs")
	})
	for _, label := range []model.Label{"eggs", "", "Spam", "HAM", "1"} {
		t.Run(fmt.Sprintf("label %q", label), func(t *testing.T) {
			ex := append(slices.Clone(balanced), model.Example{Comment: model.Comment{Text: "x"}, Label: label})
			c, err := model.Train(ex, model.TrainOptions{TrainedAt: trainedAt})
			if !errors.Is(err, model.ErrBadLabel) {
				t.Errorf("Train with label %q: got error %v, want %v", label, err, model.ErrBadLabel)
			}
			if c != nil {
				t.Errorf("Train with label %q returned a classifier with its error", label)
			}
		})
	}
}

func TestParseLabel(t *testing.T) {
	tests := []struct {
		in      string
		want    model.Label
		wantErr bool
	}{
		{in: "spam", want: model.Spam},
		{in: " SPAM\n", want: model.Spam},
		{in: "1", want: model.Spam},
		{in: "ham", want: model.Ham},
		{in: "Not  Spam", want: model.Ham},
		{in: "0", want: model.Ham},
		{in: "", wantErr: true},
		{in: "eggs", wantErr: true},
		{in: "\xff", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := model.ParseLabel(tt.in)
			if tt.wantErr {
				if !errors.Is(err, model.ErrBadLabel) {
					t.Errorf("ParseLabel(%q): got error %v, want %v", tt.in, err, model.ErrBadLabel)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ParseLabel(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestTrainNeedsBothLabels(t *testing.T) {
	tests := []struct {
		name     string
		examples []model.Example
	}{
		{name: "no examples", examples: nil},
		{name: "only spam", examples: examples(model.Spam, spamTexts...)},
		{name: "only ham", examples: examples(model.Ham, hamTexts...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := model.Train(tt.examples, model.TrainOptions{TrainedAt: trainedAt})
			if !errors.Is(err, model.ErrNoData) || c != nil {
				t.Errorf("Train = %v, %v; want nil, %v", c, err, model.ErrNoData)
			}
		})
	}
}

// TestPriorFromDocumentCounts shows that the library's prior counts tokens,
// so a class that writes long comments wins an empty document, and that
// Score's prior counts comments instead.
func TestPriorFromDocumentCounts(t *testing.T) {
	nb := learnLibrary(lopsided, plain)
	scores, inx, strict := nb.LogScores(nil)
	if nb.Classes[inx] != "spam" || !strict {
		t.Errorf("library LogScores(empty) = %v, favours %q; the quirk (token-count prior favours the long spam comment) is gone",
			scores, nb.Classes[inx])
	}

	c := mustTrain(t, lopsided, plainOpts())
	want := math.Log(1.0 / 9) // 1 spam comment, 9 ham comments
	for _, text := range []string{"", "zebra", "zebra quokka axolotl"} {
		t.Run(fmt.Sprintf("%q", text), func(t *testing.T) {
			got := c.Score(model.Comment{Text: text})
			if math.Abs(got.LogOdds-want) > 1e-12 {
				t.Errorf("Score(%q).LogOdds = %v, want log(1/9) = %v", text, got.LogOdds, want)
			}
			if got.Verdict != model.Keep {
				t.Errorf("Score(%q).Verdict = %q, want %q", text, got.Verdict, model.Keep)
			}
			if len(got.Reasons) != 0 {
				t.Errorf("Score(%q).Reasons = %v, want none: no word is known", text, got.Reasons)
			}
		})
	}
}

// TestUnknownWordsCarryNoEvidence shows that the library smooths each class
// with its own vocabulary size, so every unseen word leans towards the class
// with less training text, and that Score ignores unseen words.
func TestUnknownWordsCarryNoEvidence(t *testing.T) {
	nb := learnLibrary(lopsided, plain)
	diff := func(n int) float64 {
		s, _, _ := nb.LogScores(unknownWords(n))
		return s[1] - s[0] // spam minus ham
	}
	d0, d1, d50 := diff(0), diff(1), diff(50)
	if !(d50 < d1 && d1 < d0) {
		t.Errorf("library spam−ham log score for 0, 1, 50 unknown words = %v, %v, %v; the quirk (unknown words lean to ham, the class with less text) is gone",
			d0, d1, d50)
	}
	if step := d0 - d1; math.Abs((d0-d50)-50*step) > 1e-9 {
		t.Errorf("library: 50 unknown words moved the score by %v, want 50 × %v", d0-d50, step)
	}
	if d0 <= 0 || d50 >= 0 {
		t.Errorf("library: want the verdict to flip from spam to ham by adding unknown words; spam−ham = %v then %v", d0, d50)
	}

	c := mustTrain(t, lopsided, plainOpts())
	want := c.Score(model.Comment{}).LogOdds
	for _, n := range []int{0, 1, 50} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			text := strings.Join(unknownWords(n), " ")
			if got := c.Score(model.Comment{Text: text}).LogOdds; got != want {
				t.Errorf("Score with %d unknown words: LogOdds = %v, want %v (as with none)", n, got, want)
			}
			// Unknown words around known ones change nothing either.
			withKnown := c.Score(model.Comment{Text: "free money " + text}).LogOdds
			if bare := c.Score(model.Comment{Text: "free money"}).LogOdds; withKnown != bare {
				t.Errorf("Score(free money + %d unknown words).LogOdds = %v, want %v", n, withKnown, bare)
			}
		})
	}
}

// TestLongCommentsDoNotUnderflow shows that the library's ProbScores
// underflows to a coin toss on long comments, while Score stays decisive.
func TestLongCommentsDoNotUnderflow(t *testing.T) {
	nb := learnLibrary(balanced, plain)
	c := mustTrain(t, balanced, plainOpts())
	tests := []struct {
		name  string
		words string
		spam  bool
	}{
		{name: "spam", words: "free money prize ", spam: true},
		{name: "ham", words: "great guitar song ", spam: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := strings.Repeat(tt.words, 1000) // 3000 words
			scores, _, strict := nb.ProbScores(model.Tokenize(model.Comment{Text: text}, plain))
			if scores[0] != scores[1] || strict {
				t.Errorf("library ProbScores on 3000 words = %v, strict %v; the quirk (underflow to equal scores) is gone", scores, strict)
			}
			got := c.Score(model.Comment{Text: text})
			// Three distinct words and their bigrams, each capped at
			// MaxWeight: clearly spam or ham, never the library's 0.5.
			if tt.spam && !(got.SpamProbability > 0.95 && got.Verdict == model.Reject) {
				t.Errorf("Score(3000 spam words) = %.6f %q, want > 0.95 and %q", got.SpamProbability, got.Verdict, model.Reject)
			}
			if !tt.spam && !(got.SpamProbability < 0.05 && got.Verdict == model.Keep) {
				t.Errorf("Score(3000 ham words) = %.6f %q, want < 0.05 and %q", got.SpamProbability, got.Verdict, model.Keep)
			}
		})
	}
}

// TestLoadGarbage shows that the library hands back a classifier together
// with its decoding error, while Load returns nil.
func TestLoadGarbage(t *testing.T) {
	nb, err := bayesian.NewClassifierFromReader(strings.NewReader("garbage"))
	if err == nil || nb == nil {
		t.Errorf("bayesian.NewClassifierFromReader(garbage) = %v, %v; the quirk (non-nil value with an error) is gone", nb, err)
	}
	c, err := model.Load(strings.NewReader("garbage"))
	if c != nil || !errors.Is(err, model.ErrFormat) {
		t.Errorf("Load(garbage) = %v, %v; want nil, %v", c, err, model.ErrFormat)
	}
}

// checkScore asserts what every Score must satisfy.
func checkScore(tb testing.TB, c *model.Classifier, s model.Score) {
	tb.Helper()
	if math.IsNaN(s.LogOdds) || math.IsInf(s.LogOdds, 0) {
		tb.Errorf("LogOdds = %v, want a finite number", s.LogOdds)
	}
	if !(s.SpamProbability >= 0 && s.SpamProbability <= 1) {
		tb.Errorf("SpamProbability = %v, want within [0, 1]", s.SpamProbability)
	}
	if s.Verdict != model.Keep && s.Verdict != model.Review && s.Verdict != model.Reject {
		tb.Errorf("Verdict = %q, want keep, review or reject", s.Verdict)
	}
	if max := c.Info().Params.Reasons; len(s.Reasons) > max {
		tb.Errorf("got %d reasons, want at most %d", len(s.Reasons), max)
	}
	for i, r := range s.Reasons {
		if r.Token == "" || !utf8.ValidString(r.Token) {
			tb.Errorf("reason %d token %q: want non-empty valid UTF-8", i, r.Token)
		}
		if math.IsNaN(r.Weight) || math.IsInf(r.Weight, 0) {
			tb.Errorf("reason %d weight = %v, want a finite number", i, r.Weight)
		}
		if i > 0 && math.Abs(r.Weight) > math.Abs(s.Reasons[i-1].Weight) {
			tb.Errorf("reasons not sorted by |weight|: %v", s.Reasons)
		}
	}
}

func TestScoreOddInput(t *testing.T) {
	c := mustDefault(t)
	tests := []struct {
		name string
		in   model.Comment
	}{
		{name: "empty", in: model.Comment{}},
		{name: "invalid UTF-8", in: model.Comment{Text: "\xff\xfe free \xc3 money \xe2\x82", Author: "\xff", AuthorURL: "\xfe", AuthorEmail: "@\xff"}},
		{name: "huge", in: model.Comment{Text: strings.Repeat("free money www.cash.example ", 40_000)}},
		{name: "huge metadata", in: model.Comment{Author: strings.Repeat("bot ", 1<<18), AuthorURL: strings.Repeat("a.", 1<<18), AuthorEmail: strings.Repeat("@", 1<<20)}},
		{name: "only punctuation", in: model.Comment{Text: "!!! ??? ... ;-) $$$"}},
		{name: "only metadata", in: model.Comment{Author: "Kristina", AuthorURL: "http://kristina-pics.cam", AuthorEmail: "k@pics.cam"}},
		{name: "NUL bytes", in: model.Comment{Text: "\x00\x00\x00"}},
		{name: "unclosed script", in: model.Comment{Text: "hello <script> buy now"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkScore(t, c, c.Score(tt.in))
		})
	}
}

func TestScoreIsDeterministic(t *testing.T) {
	comments := []model.Comment{
		{Text: "Hot singles in your area are waiting www.localhotdates-now.com"},
		{Text: "Great article, thanks."},
		{Text: "Visit my channel!!", Author: "Promo Bot", AuthorURL: "http://promo.example"},
	}
	c := mustDefault(t)
	again := mustDefault(t)
	retrained1 := mustTrain(t, balanced, model.TrainOptions{})
	retrained2 := mustTrain(t, balanced, model.TrainOptions{})
	if a, b := retrained1.Info().ID, retrained2.Info().ID; a != b {
		t.Errorf("two models trained on the same data have IDs %q and %q", a, b)
	}
	for _, cm := range comments {
		t.Run(cm.Text, func(t *testing.T) {
			first := c.Score(cm)
			for i := 0; i < 10; i++ {
				if got := c.Score(cm); !reflect.DeepEqual(got, first) {
					t.Fatalf("Score call %d = %+v, first call = %+v", i, got, first)
				}
			}
			if got := again.Score(cm); !reflect.DeepEqual(got, first) {
				t.Errorf("second Default() scores %+v, first %+v", got, first)
			}
			if a, b := retrained1.Score(cm), retrained2.Score(cm); !reflect.DeepEqual(a, b) {
				t.Errorf("models trained on the same data score %+v and %+v", a, b)
			}
		})
	}
}

// TestScoreConcurrent is meant for -race: Score must be safe for concurrent
// use and give every goroutine the answer a lone caller gets.
func TestScoreConcurrent(t *testing.T) {
	c := mustDefault(t)
	comments := []model.Comment{
		{Text: "Hot singles in your area are waiting www.localhotdates-now.com"},
		{Text: "Great article, thanks."},
		{Text: "ｆｒｅｅ mo\u200bney $500 <a href=\"http://x.example\">now</a>"},
		{Text: "Привет, 日本語, مرحبا", Author: "Ivan", AuthorEmail: "i@mail.example"},
		{Text: "\xff\xfe"},
	}
	want := make([]model.Score, len(comments))
	for i, cm := range comments {
		want[i] = c.Score(cm)
	}
	const goroutines = 16
	var wg sync.WaitGroup
	errs := make(chan string, goroutines*len(comments))
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; n < 20; n++ {
				for i, cm := range comments {
					if got := c.Score(cm); !reflect.DeepEqual(got, want[i]) {
						errs <- fmt.Sprintf("Score(%q) = %+v, want %+v", cm.Text, got, want[i])
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func TestScoreReasons(t *testing.T) {
	t.Run("at most Params.Reasons, strongest first", func(t *testing.T) {
		for _, n := range []int{0, 1, 3, 5} {
			p := model.DefaultParams()
			p.Reasons = n
			c := mustTrain(t, balanced, model.TrainOptions{Params: &p})
			got := c.Score(model.Comment{Text: "win free money prize, love this great song"})
			if len(got.Reasons) != n {
				t.Errorf("Reasons = %d: got %d reasons %v, want %d", n, len(got.Reasons), got.Reasons, n)
			}
			checkScore(t, c, got)
		}
	})
	t.Run("signs", func(t *testing.T) {
		c := mustTrain(t, balanced, plainOpts())
		got := map[string]float64{}
		for _, r := range c.Score(model.Comment{Text: "prize guitar"}).Reasons {
			got[r.Token] = r.Weight
		}
		if !(got["prize"] > 0 && got["guitar"] < 0) {
			t.Errorf("reasons %v: want spam word %q to push up and ham word %q down", got, "prize", "guitar")
		}
	})
	t.Run("add up to the log-odds", func(t *testing.T) {
		// Every known token of these comments fits in the top reasons,
		// so prior + reasons must give LogOdds (reasons are rounded to
		// 3 decimals).
		c := mustTrain(t, balanced, plainOpts())
		info := c.Info()
		prior := math.Log(float64(info.Stats.Documents[model.Spam]) / float64(info.Stats.Documents[model.Ham]))
		for _, text := range []string{"prize", "free money prize", "win money but great song", "click now guitar melody xyzzy"} {
			got := c.Score(model.Comment{Text: text})
			sum := info.Calibration.A*prior + info.Calibration.B
			for _, r := range got.Reasons {
				sum += r.Weight
			}
			if tol := 0.0005*float64(len(got.Reasons)) + 1e-9; math.Abs(sum-got.LogOdds) > tol {
				t.Errorf("Score(%q): prior + reasons = %v, LogOdds = %v (reasons %v)", text, sum, got.LogOdds, got.Reasons)
			}
		}
	})
}

// scoreAt returns a model whose LogOdds is exactly logOdds for a comment of
// unknown words: balanced data has a zero prior, and the calibration
// offset is added as is.
func scoreAt(tb testing.TB, logOdds float64, th model.Thresholds) model.Score {
	tb.Helper()
	c := mustTrain(tb, balanced, plainOpts())
	c, err := c.WithCalibration(model.Calibration{A: 1, B: logOdds})
	if err != nil {
		tb.Fatalf("WithCalibration: %v", err)
	}
	if c, err = c.WithThresholds(th); err != nil {
		tb.Fatalf("WithThresholds(%+v): %v", th, err)
	}
	s := c.Score(model.Comment{Text: "xyzzy"})
	if s.LogOdds != logOdds {
		tb.Fatalf("setup: LogOdds = %v, want %v", s.LogOdds, logOdds)
	}
	return s
}

func TestVerdictThresholds(t *testing.T) {
	below := func(x float64) float64 { return math.Nextafter(x, math.Inf(-1)) }
	band := model.Thresholds{Reject: 0.9, Review: 0.6}
	noBand := model.Thresholds{Reject: 0.9}
	tight := model.Thresholds{Reject: 0.999999, Review: 0.99999}
	tests := []struct {
		name    string
		th      model.Thresholds
		logOdds float64
		want    model.Verdict
	}{
		{name: "at reject", th: band, logOdds: model.Logit(0.9), want: model.Reject},
		{name: "above reject", th: band, logOdds: 10, want: model.Reject},
		{name: "just below reject", th: band, logOdds: below(model.Logit(0.9)), want: model.Review},
		{name: "at review", th: band, logOdds: model.Logit(0.6), want: model.Review},
		{name: "just below review", th: band, logOdds: below(model.Logit(0.6)), want: model.Keep},
		{name: "far below review", th: band, logOdds: -10, want: model.Keep},
		{name: "no band at reject", th: noBand, logOdds: model.Logit(0.9), want: model.Reject},
		{name: "no band just below reject", th: noBand, logOdds: below(model.Logit(0.9)), want: model.Keep},
		{name: "no band where review would be", th: noBand, logOdds: model.Logit(0.6), want: model.Keep},
		{name: "thresholds near 1 at reject", th: tight, logOdds: model.Logit(0.999999), want: model.Reject},
		{name: "thresholds near 1 between", th: tight, logOdds: model.Logit(0.999995), want: model.Review},
		{name: "thresholds near 1 below", th: tight, logOdds: below(model.Logit(0.99999)), want: model.Keep},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := scoreAt(t, tt.logOdds, tt.th).Verdict; got != tt.want {
				t.Errorf("LogOdds %v with %+v: verdict %q, want %q", tt.logOdds, tt.th, got, tt.want)
			}
		})
	}
}

func TestDefaultThresholdsHaveNoReviewBand(t *testing.T) {
	c := mustTrain(t, balanced, model.TrainOptions{})
	if got, want := c.Thresholds(), (model.Thresholds{Reject: 0.5}); got != want {
		t.Errorf("Train with zero Thresholds: got %+v, want %+v", got, want)
	}
	for x := -20.0; x <= 20; x += 0.25 {
		if v := scoreAt(t, x, c.Thresholds()).Verdict; v == model.Review {
			t.Errorf("LogOdds %v: verdict %q without a review band", x, v)
		}
	}
}

func TestWithThresholds(t *testing.T) {
	c := mustTrain(t, balanced, model.TrainOptions{})
	orig := c.Thresholds()
	tests := []struct {
		name    string
		th      model.Thresholds
		wantErr bool
	}{
		{name: "reject only", th: model.Thresholds{Reject: 0.8}},
		{name: "with review", th: model.Thresholds{Reject: 0.8, Review: 0.5}},
		{name: "review equal to reject", th: model.Thresholds{Reject: 0.8, Review: 0.8}, wantErr: true},
		{name: "review above reject", th: model.Thresholds{Reject: 0.5, Review: 0.8}, wantErr: true},
		{name: "reject 1", th: model.Thresholds{Reject: 1}, wantErr: true},
		{name: "reject 0", th: model.Thresholds{}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.WithThresholds(tt.th)
			switch {
			case tt.wantErr && (got != nil || !errors.Is(err, model.ErrBadThreshold)):
				t.Errorf("WithThresholds(%+v) = %v, %v; want nil, %v", tt.th, got, err, model.ErrBadThreshold)
			case !tt.wantErr && err != nil:
				t.Errorf("WithThresholds(%+v): %v", tt.th, err)
			case !tt.wantErr && got.Thresholds() != tt.th:
				t.Errorf("WithThresholds(%+v).Thresholds() = %+v", tt.th, got.Thresholds())
			}
			if c.Thresholds() != orig {
				t.Errorf("WithThresholds changed the original's thresholds to %+v", c.Thresholds())
			}
		})
	}
}

func TestThresholdsValidate(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name    string
		th      model.Thresholds
		wantErr bool
	}{
		{name: "half", th: model.Thresholds{Reject: 0.5}},
		{name: "review band", th: model.Thresholds{Reject: 0.9, Review: 0.6}},
		{name: "near 1", th: model.Thresholds{Reject: 0.999999, Review: 0.99999}},
		{name: "near 0", th: model.Thresholds{Reject: 1e-9}},
		{name: "zero", th: model.Thresholds{}, wantErr: true},
		{name: "reject 1", th: model.Thresholds{Reject: 1}, wantErr: true},
		{name: "reject above 1", th: model.Thresholds{Reject: 1.5}, wantErr: true},
		{name: "reject negative", th: model.Thresholds{Reject: -0.1}, wantErr: true},
		{name: "reject NaN", th: model.Thresholds{Reject: nan}, wantErr: true},
		{name: "reject infinite", th: model.Thresholds{Reject: math.Inf(1)}, wantErr: true},
		{name: "review equal to reject", th: model.Thresholds{Reject: 0.5, Review: 0.5}, wantErr: true},
		{name: "review above reject", th: model.Thresholds{Reject: 0.5, Review: 0.7}, wantErr: true},
		{name: "review negative", th: model.Thresholds{Reject: 0.5, Review: -0.1}, wantErr: true},
		{name: "review NaN", th: model.Thresholds{Reject: 0.5, Review: nan}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.th.Validate()
			if tt.wantErr && !errors.Is(err, model.ErrBadThreshold) {
				t.Errorf("%+v.Validate() = %v, want %v", tt.th, err, model.ErrBadThreshold)
			}
			if !tt.wantErr && err != nil {
				t.Errorf("%+v.Validate() = %v, want nil", tt.th, err)
			}
		})
	}
}

func TestTrainValidatesOptions(t *testing.T) {
	params := func(edit func(*model.Params)) *model.Params {
		p := model.DefaultParams()
		edit(&p)
		return &p
	}
	tests := []struct {
		name    string
		opts    model.TrainOptions
		wantErr bool
	}{
		{name: "defaults", opts: model.TrainOptions{}},
		{name: "smoothing 1", opts: model.TrainOptions{Params: params(func(p *model.Params) { p.Smoothing = 1 })}},
		{name: "smoothing 1/2", opts: model.TrainOptions{Params: params(func(p *model.Params) { p.Smoothing = 0.5 })}},
		// Counts are kept in hundredths: a smoothing between two would
		// be rounded, and recorded as it was not used.
		{name: "smoothing 1/3", opts: model.TrainOptions{Params: params(func(p *model.Params) { p.Smoothing = 1.0 / 3 })}, wantErr: true},
		{name: "smoothing 0.015", opts: model.TrainOptions{Params: params(func(p *model.Params) { p.Smoothing = 0.015 })}, wantErr: true},
		{name: "smoothing 1/100", opts: model.TrainOptions{Params: params(func(p *model.Params) { p.Smoothing = 0.01 })}},
		{name: "smoothing 0.3", opts: model.TrainOptions{Params: params(func(p *model.Params) { p.Smoothing = 0.3 })}},
		{name: "smoothing 3", opts: model.TrainOptions{Params: params(func(p *model.Params) { p.Smoothing = 3 })}},
		{name: "smoothing below the count unit", opts: model.TrainOptions{Params: params(func(p *model.Params) { p.Smoothing = 0.001 })}, wantErr: true},
		{name: "smoothing above 100", opts: model.TrainOptions{Params: params(func(p *model.Params) { p.Smoothing = 101 })}, wantErr: true},
		{name: "smoothing 0", opts: model.TrainOptions{Params: params(func(p *model.Params) { p.Smoothing = 0 })}, wantErr: true},
		{name: "smoothing NaN", opts: model.TrainOptions{Params: params(func(p *model.Params) { p.Smoothing = math.NaN() })}, wantErr: true},
		{name: "negative max weight", opts: model.TrainOptions{Params: params(func(p *model.Params) { p.MaxWeight = -1 })}, wantErr: true},
		{name: "negative reasons", opts: model.TrainOptions{Params: params(func(p *model.Params) { p.Reasons = -1 })}, wantErr: true},
		{name: "too many reasons", opts: model.TrainOptions{Params: params(func(p *model.Params) { p.Reasons = 101 })}, wantErr: true},
		{name: "negative min count", opts: model.TrainOptions{Params: params(func(p *model.Params) { p.MinCount = -1 })}, wantErr: true},
		{name: "length norm above 1", opts: model.TrainOptions{Params: params(func(p *model.Params) { p.LengthNorm = 1.5 })}, wantErr: true},
		{name: "bad thresholds", opts: model.TrainOptions{Thresholds: model.Thresholds{Reject: 0.5, Review: 0.6}}, wantErr: true},
		{name: "review without reject", opts: model.TrainOptions{Thresholds: model.Thresholds{Review: 0.3}}, wantErr: true},
		{name: "negative calibration slope", opts: model.TrainOptions{Calibration: model.Calibration{A: -1}}, wantErr: true},
		{name: "NaN calibration offset", opts: model.TrainOptions{Calibration: model.Calibration{A: 1, B: math.NaN()}}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.TrainedAt = trainedAt
			c, err := model.Train(balanced, tt.opts)
			if tt.wantErr && (err == nil || c != nil) {
				t.Errorf("Train = %v, %v; want nil and an error", c, err)
			}
			if !tt.wantErr && err != nil {
				t.Errorf("Train: %v", err)
			}
		})
	}
}

func TestInfoReturnsCopies(t *testing.T) {
	c := mustTrain(t, balanced, model.TrainOptions{})
	want := c.Info()
	wantScore := c.Score(model.Comment{Text: "free money"})

	got := c.Info()
	got.Stats.Documents[model.Spam] = 1000
	got.Stats.Documents["eggs"] = 1
	got.Stats.Tokens[model.Ham] = 0
	delete(got.Stats.Tokens, model.Spam)

	if after := c.Info(); !reflect.DeepEqual(after, want) {
		t.Errorf("after editing a returned Info, Info() = %+v, want %+v", after, want)
	}
	if after := c.Score(model.Comment{Text: "free money"}); !reflect.DeepEqual(after, wantScore) {
		t.Errorf("after editing a returned Info, Score = %+v, want %+v", after, wantScore)
	}
}

func TestInfo(t *testing.T) {
	c := mustTrain(t, balanced, model.TrainOptions{})
	info := c.Info()
	if got, want := info.Stats.Documents, map[model.Label]int{model.Spam: 5, model.Ham: 5}; !reflect.DeepEqual(got, want) {
		t.Errorf("Documents = %v, want %v", got, want)
	}
	if !info.Stats.TrainedAt.Equal(trainedAt) {
		t.Errorf("TrainedAt = %v, want %v", info.Stats.TrainedAt, trainedAt)
	}
	if info.Tokenizer != model.DefaultTokenizer() || info.Params != model.DefaultParams() {
		t.Errorf("Info settings = %+v, %+v; want the defaults", info.Tokenizer, info.Params)
	}
	if !strings.HasPrefix(info.ID, "nb-") || info.Stats.Vocabulary == 0 || len(info.Stats.DataDigest) != 64 {
		t.Errorf("Info = %+v: want an nb- ID, a vocabulary and a SHA-256 data digest", info)
	}
}

func FuzzScore(f *testing.F) {
	c := mustDefault(f)
	f.Add("Hot singles in your area www.localhotdates-now.com", "Kristina_22", "k@pics.example", "http://kristina-pics.cam")
	f.Add("Great article, thanks.", "", "", "")
	f.Add("<a href=\"http://x.example\">ｆｒｅｅ</a> mo\u200bney $500!!", "\xff", "@\xfe", "\xfd")
	f.Fuzz(func(t *testing.T, text, author, email, url string) {
		cm := model.Comment{Text: text, Author: author, AuthorEmail: email, AuthorURL: url}
		s := c.Score(cm)
		checkScore(t, c, s)
		if again := c.Score(cm); !reflect.DeepEqual(s, again) {
			t.Errorf("Score is not deterministic: %+v then %+v", s, again)
		}
	})
}

// The tests below each pin the fix of a bug found earlier. The first is a
// property that can only fail if the validation of calibrations is
// loosened: WithCalibration refuses the slope it tries.

// TestScoreStaysFiniteWithExtremeCalibration: a calibration slope that is
// finite but huge makes LogOdds and reason weights ±Inf (or NaN), which
// encoding/json refuses to encode.
func TestScoreStaysFiniteWithExtremeCalibration(t *testing.T) {
	c, err := mustDefault(t).WithCalibration(model.Calibration{A: 1e308})
	if err != nil {
		return // rejected up front: fine
	}
	for _, cm := range probes {
		s := c.Score(cm)
		if _, err := json.Marshal(s); err != nil || math.IsInf(s.LogOdds, 0) || math.IsNaN(s.LogOdds) {
			t.Errorf("WithCalibration accepts A=1e308 and Score(%q) = %+v (json: %v)", cm.Text, s, err)
		}
	}
}

// TestWithThresholdsIDSurvivesSaveLoad: the ID covers the thresholds, so a
// copy with other thresholds reports the ID it will have once saved and
// loaded.
func TestWithThresholdsIDSurvivesSaveLoad(t *testing.T) {
	c, err := mustTrain(t, balanced, model.TrainOptions{}).WithThresholds(model.Thresholds{Reject: 0.9, Review: 0.6})
	if err != nil {
		t.Fatal(err)
	}
	loaded := mustLoad(t, mustSave(t, c))
	if a, b := c.Info().ID, loaded.Info().ID; a != b {
		t.Errorf("WithThresholds copy has ID %q, the same model saved and loaded has %q", a, b)
	}
}

// TestReasonsNameEachTokenOnce: with Params.Binary off, a repeated token
// still fills one reason slot, with its weight times its count.
func TestReasonsNameEachTokenOnce(t *testing.T) {
	p := model.DefaultParams()
	p.Binary = false
	c := mustTrain(t, balanced, model.TrainOptions{Params: &p})
	s := c.Score(model.Comment{Text: "prize prize prize prize prize guitar"})
	seen := map[string]bool{}
	for _, r := range s.Reasons {
		if seen[r.Token] {
			t.Errorf("reasons repeat %q: %v", r.Token, s.Reasons)
		}
		seen[r.Token] = true
	}
}

// TestTrainRejectsTokenlessClass: if one class yields no tokens at all the
// library would fall back to a fixed 1e-11 for every word instead of
// smoothing; Train refuses such data.
func TestTrainRejectsTokenlessClass(t *testing.T) {
	cfg := model.TokenizerConfig{}
	_, err := model.Train([]model.Example{
		{Comment: model.Comment{Text: "!!! ???"}, Label: model.Spam},
		{Comment: model.Comment{Text: "a perfectly normal reply"}, Label: model.Ham},
	}, model.TrainOptions{Tokenizer: &cfg})
	if !errors.Is(err, model.ErrNoData) {
		t.Fatalf("Train with tokenless spam = %v, want ErrNoData", err)
	}
}

// TestReasonsNameNoAuthor checks that a word of the author's name, when it
// is among the reasons, appears as #author-name: the model learns the
// names of real commenters, and reasons end up in logs and answers.
func TestReasonsNameNoAuthor(t *testing.T) {
	var examples []model.Example
	for i := range 20 {
		examples = append(examples,
			model.Example{Comment: model.Comment{Text: fmt.Sprintf("great video number %d", i), Author: "Zelda Quixote"}, Label: model.Spam},
			model.Example{Comment: model.Comment{Text: fmt.Sprintf("great video number %d", i), Author: "Dana"}, Label: model.Ham})
	}
	c, err := model.Train(examples, model.TrainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s := c.Score(model.Comment{Text: "great video", Author: "Zelda Quixote"})
	names, sum := 0, 0.0
	for _, r := range s.Reasons {
		if strings.Contains(r.Token, "zelda") || strings.Contains(r.Token, "quixote") {
			t.Errorf("reason %q names the author", r.Token)
		}
		if r.Token == "#author-name" {
			names++
			sum += r.Weight
		}
	}
	if names != 2 || sum <= 0 {
		t.Errorf("reasons %+v: want the two words of the name as #author-name, pushing towards spam", s.Reasons)
	}
	if s.Verdict != model.Reject {
		t.Errorf("verdict %s, want the author's name still to count as evidence (reject)", s.Verdict)
	}
}
