package model_test

// Fresh comments: testdata/fresh holds 660 comments written for this
// project after the default model was trained, by writers who had read
// neither the shared data sets nor the model's errors, in kinds of spam
// and ham that its training data holds thinly (service pitches to site
// owners, scams in social replies; classifieds, forums, social chatter).
// The default model's recipe trains on testdata/comments and never on
// them, so they measure it on comments of kinds it has never seen, with
// no data from outside the repository.

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spamcheck/spamcheck/model"
)

const freshDir = "../testdata/fresh"

// freshFloors are the default model's figures on testdata/fresh (see the
// README's Quality section); a model that does worse on any fails.
var freshFloors = struct {
	maxHamRejected  int // of the 340 ham
	minSpamRejected int // of the 320 spam
	minSpamFlagged  int // rejected or sent to review
	minAUC          float64
}{maxHamRejected: 1, minSpamRejected: 63, minSpamFlagged: 118, minAUC: 0.947}

func TestFreshComments(t *testing.T) {
	fresh := readCommentDir(t, freshDir)
	corpus := map[string]string{}
	for _, c := range readCorpus(t) {
		corpus[strings.TrimSpace(c.Text)] = c.Source
	}
	for _, c := range fresh {
		// Each file holds one label, named by its prefix.
		if want := model.Label(strings.SplitN(filepath.Base(c.Source), "-", 2)[0]); c.Label != want {
			t.Errorf("%s: label %q in a %s file", c.Source, c.Label, want)
		}
		// Held out: the recipe must never have trained on the text.
		if src, ok := corpus[strings.TrimSpace(c.Text)]; ok {
			t.Errorf("%s: the same text as testdata/comments/%s", c.Source, src)
		}
	}
	if t.Failed() {
		return
	}

	c, err := model.Default()
	if err != nil {
		t.Fatal(err)
	}
	type tally struct{ n, rejected, review int }
	byFile := map[string]*tally{}
	var files []string
	var spamT, hamT tally
	scores, spam := make([]float64, len(fresh)), make([]bool, len(fresh))
	for i, cm := range fresh {
		s := c.Score(cm.Comment)
		scores[i], spam[i] = s.LogOdds, cm.Label == model.Spam
		file := strings.SplitN(cm.Source, ":", 2)[0]
		if byFile[file] == nil {
			byFile[file] = &tally{}
			files = append(files, file)
		}
		class := &hamT
		if spam[i] {
			class = &spamT
		}
		for _, tl := range []*tally{byFile[file], class} {
			tl.n++
			switch s.Verdict {
			case model.Reject:
				tl.rejected++
			case model.Review:
				tl.review++
			}
		}
		if !spam[i] && s.Verdict == model.Reject {
			t.Logf("ham rejected: %s (P %.4f)", cm.Source, s.SpamProbability)
		}
	}
	auc := model.ROCAUC(scores, spam)
	pct := func(k, n int) string { return fmt.Sprintf("%d of %d (%.1f%%)", k, n, 100*float64(k)/float64(n)) }
	for _, f := range files {
		tl := byFile[f]
		t.Logf("%-26s rejected %-18s review %s", f, pct(tl.rejected, tl.n), pct(tl.review, tl.n))
	}
	t.Logf("spam rejected %s, sent to review %s; ham rejected %s, sent to review %s; ROC AUC %.4f",
		pct(spamT.rejected, spamT.n), pct(spamT.review, spamT.n), pct(hamT.rejected, hamT.n), pct(hamT.review, hamT.n), auc)

	fl := freshFloors
	if hamT.rejected > fl.maxHamRejected {
		t.Errorf("%d ham rejected, want at most %d", hamT.rejected, fl.maxHamRejected)
	}
	if spamT.rejected < fl.minSpamRejected {
		t.Errorf("%d spam rejected, want at least %d", spamT.rejected, fl.minSpamRejected)
	}
	if flagged := spamT.rejected + spamT.review; flagged < fl.minSpamFlagged {
		t.Errorf("%d spam rejected or sent to review, want at least %d", flagged, fl.minSpamFlagged)
	}
	if auc < fl.minAUC {
		t.Errorf("ROC AUC %.4f, want at least %.3f", auc, fl.minAUC)
	}
}
