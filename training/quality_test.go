package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spamcheck/spamcheck/model"
)

// The quality bars: deterministic figures on fixed public data, which lives
// beside the checkout in ../shared (never in this repository).

// requireShared names the environment variable that turns a missing
// ../shared into a failure instead of a skip; CI sets it.
const requireShared = "SPAMCHECK_REQUIRE_SHARED"

// defaultModelSources are the folders of ../shared/data the default model
// is trained on, besides the project's own corpus, in the README's order.
var defaultModelSources = []string{"instagram-scamspot", "judol-youtube-id", "sms-spam-collection",
	"wordpress-spam", "x-janitr", "youtube-spam-collection"}

// sharedPath returns the path of name under ../shared, skipping the test
// when it is absent (unless SPAMCHECK_REQUIRE_SHARED=1).
func sharedPath(t testing.TB, name string) string {
	t.Helper()
	p := filepath.Join("..", "..", "shared", name)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv(requireShared) == "1" {
			t.Fatalf("%s is required (%s=1) but missing: %v", p, requireShared, err)
		}
		t.Skipf("skipping: %s not found (the labeled data lives beside the checkout in ../shared; set %s=1 to require it)", p, requireShared)
	}
	return p
}

func evalJSON(t *testing.T, args ...string) report {
	t.Helper()
	out := mustRun(t, "", append([]string{"eval", "-json", "-q"}, args...)...)
	var r report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("eval -json: %v", err)
	}
	return r
}

// TestYouTubeLeaveOneVideoOut: train on three videos, test on the fourth,
// pooled over all four, at each model's own stored threshold.
func TestYouTubeLeaveOneVideoOut(t *testing.T) {
	dir := sharedPath(t, "data/youtube-spam-collection")
	r := evalJSON(t, "-by-source", dir)
	m := r.Overall
	t.Logf("leave-one-video-out: F1 %.4f, ham rejected %.2f%%, ROC AUC %.4f, recall at ≤1%% ham rejected %.4f, accuracy %.4f, MCC %.4f",
		m.F1, 100*m.HamRejected, m.AUC, m.RecallAt1, m.Accuracy, m.MCC)
	if m.N != 1586 || len(r.Sources) != 4 {
		t.Fatalf("tested %d comments from %d videos, want 1586 from 4", m.N, len(r.Sources))
	}
	if m.HamRejected > 0.010 {
		t.Errorf("ham rejected %.2f%%, want ≤ 1.0%%", 100*m.HamRejected)
	}
	if m.F1 < 0.89 {
		t.Errorf("F1 %.4f, want ≥ 0.89", m.F1)
	}
	if m.AUC < 0.97 {
		t.Errorf("ROC AUC %.4f, want ≥ 0.97", m.AUC)
	}
}

// TestSMSHoldout: the SMS Spam Collection, stratified 70/30 split, seed 1.
// The bar asks for at most 0.3% ham rejected, so the threshold target is
// set below it, as an operator would.
func TestSMSHoldout(t *testing.T) {
	file := sharedPath(t, "data/sms-spam-collection/SMSSpamCollection")
	r := evalJSON(t, "-holdout", "0.3", "-max-ham-rejected", "0.1", file)
	m := r.Overall
	t.Logf("SMS 70/30: accuracy %.4f, MCC %.4f, ham rejected %.2f%%, F1 %.4f, AUC %.4f", m.Accuracy, m.MCC, 100*m.HamRejected, m.F1, m.AUC)
	if m.N != 1672 {
		t.Fatalf("tested %d messages, want 30%% of 5,573 = 1672", m.N)
	}
	if m.Accuracy < 0.985 {
		t.Errorf("accuracy %.4f, want ≥ 0.985", m.Accuracy)
	}
	if m.MCC < 0.93 {
		t.Errorf("MCC %.4f, want ≥ 0.93", m.MCC)
	}
	if m.HamRejected > 0.003 {
		t.Errorf("ham rejected %.2f%%, want ≤ 0.3%%", 100*m.HamRejected)
	}
}

// TestIndonesianByVideo pins the README's figures for the Indonesian
// gambling-promotion data, in domain: trained on a seeded half of the
// videos, tested on the rest. It also counts the rows that write letters
// in the dressed-up forms the spam uses for brand names (the
// #fancy-letters token), which the README gives as the reason the bars
// are out of reach: ham that looks like that is mostly promotion
// labelled ham.
func TestIndonesianByVideo(t *testing.T) {
	dir := sharedPath(t, "data/judol-youtube-id")
	m := evalJSON(t, "-holdout", "0.5", "-group", "video_id", dir).Overall
	t.Logf("Indonesian by video: AUC %.4f, F1 %.4f, ham rejected %.2f%%, recall at ≤1%% %.4f, best F1 at ≤1%% in hindsight %.4f",
		m.AUC, m.F1, 100*m.HamRejected, m.RecallAt1, m.BestF1At1)
	for _, f := range []struct {
		name      string
		got, want float64
	}{
		{"ROC AUC", float64(m.AUC), 0.9775}, {"F1", float64(m.F1), 0.7099}, {"ham rejected", float64(m.HamRejected), 0.0096},
		{"recall at ≤ 1% ham rejected", float64(m.RecallAt1), 0.5661}, {"best F1 at ≤ 1% ham rejected", float64(m.BestF1At1), 0.7175},
	} {
		if math.Abs(f.got-f.want) > 5e-5 {
			t.Errorf("%s %.4f, the README says %.4g", f.name, f.got, f.want)
		}
	}
	d, err := readData([]string{dir}, "")
	if err != nil {
		t.Fatal(err)
	}
	var fancy, of [2]int
	for _, r := range d.Records {
		k := 0
		if r.Label == model.Spam {
			k = 1
		}
		of[k]++
		if slices.Contains(model.Tokenize(r.Comment(), model.DefaultTokenizer()), "#fancy-letters") {
			fancy[k]++
		}
	}
	t.Logf("rows with dressed-up letters: %d of %d ham, %d of %d spam", fancy[0], of[0], fancy[1], of[1])
	if fancy != [2]int{206, 7050} || of != [2]int{10275, 10532} {
		t.Errorf("dressed-up letters in %d of %d ham and %d of %d spam; the README says 206 of 10,275 and 7,050 of 10,532",
			fancy[0], of[0], fancy[1], of[1])
	}
}

// seedPage returns the news page the project grew from: its article
// paragraphs and its one spam comment.
func seedPage(t *testing.T) (paragraphs []string, spam string) {
	t.Helper()
	b, err := os.ReadFile(sharedPath(t, "seed/000_b3193c96692b9594.txt"))
	if err != nil {
		t.Fatal(err)
	}
	article, comments, ok := strings.Cut(string(b), "0 0 votes")
	if !ok {
		t.Fatal("seed page: no comment section found")
	}
	for _, p := range strings.Split(article, "\n") {
		if p = strings.TrimSpace(p); p != "" {
			paragraphs = append(paragraphs, p)
		}
	}
	for _, l := range strings.Split(comments, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "A Divorced Mom") {
			spam = strings.TrimSpace(l)
		}
	}
	if len(paragraphs) < 15 || spam == "" {
		t.Fatalf("seed page: found %d paragraphs and spam %q", len(paragraphs), spam)
	}
	return paragraphs, spam
}

// TestSeed: the default model rejects the seed spam with the P(spam) the
// README gives, and keeps every one of the seedParagraphs paragraphs of
// the article it was posted under.
func TestSeed(t *testing.T) {
	const seedParagraphs, seedSpamP = 18, "0.9997" // as the README's Quality section says
	paragraphs, spam := seedPage(t)
	if len(paragraphs) != seedParagraphs {
		t.Fatalf("seed page: %d paragraphs, the README says %d", len(paragraphs), seedParagraphs)
	}
	var in bytes.Buffer
	enc := json.NewEncoder(&in)
	for _, p := range append([]string{spam}, paragraphs...) {
		enc.Encode(map[string]string{"text": p})
	}
	out := mustRun(t, in.String(), "classify")
	dec := json.NewDecoder(strings.NewReader(out))
	answered := 0
	for i := 0; dec.More(); i++ {
		answered++
		var s model.Score
		if err := dec.Decode(&s); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			t.Logf("seed spam: P(spam) %.6f, verdict %s, reasons %v", s.SpamProbability, s.Verdict, s.Reasons)
			if got := fmt.Sprintf("%.4f", s.SpamProbability); s.Verdict != model.Reject || got != seedSpamP {
				t.Errorf("seed spam: verdict %s with P(spam) %s, want reject with %s", s.Verdict, got, seedSpamP)
			}
			continue
		}
		if s.Verdict != model.Keep {
			t.Errorf("article paragraph %d: verdict %s (P(spam) %.4f), want keep: %.80q", i, s.Verdict, s.SpamProbability, paragraphs[i-1])
		}
	}
	if want := 1 + len(paragraphs); answered != want {
		t.Errorf("classify answered %d comments, want %d (the spam and every paragraph)", answered, want)
	}
}
