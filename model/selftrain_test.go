package model_test

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/spamcheck/spamcheck/model"
)

// selfTrainData is two labeled sources of the same two kinds of comment,
// and a new platform's unlabeled comments: its readers' everyday talk, and
// a spam campaign that words half its comments as the labeled spam does
// and half in a brand name and phrasing no labeled source holds.
func selfTrainData() (labeled []model.Example, unlabeled []model.Comment, newWording []model.Comment) {
	rng := rand.New(rand.NewPCG(3, 5))
	pick := func(words []string, n int) string {
		out := make([]string, n)
		for i := range out {
			out[i] = words[rng.IntN(len(words))]
		}
		return strings.Join(out, " ")
	}
	hamWords := strings.Fields("the match last night was great I think the coach should rest the team before the final thanks for the recipe my kids loved it what time does the store open tomorrow")
	spamWords := strings.Fields("buy cheap pills now visit my page earn money fast click here free offer limited")
	campaignWords := strings.Fields("zorblax gains message agent today wallet doubled")
	for _, src := range []string{"blog", "forum"} {
		for range 60 {
			labeled = append(labeled,
				model.Example{Comment: model.Comment{Text: pick(hamWords, 12)}, Label: model.Ham, Source: src},
				model.Example{Comment: model.Comment{Text: pick(spamWords, 6) + " " + pick(hamWords, 3)}, Label: model.Spam, Source: src})
		}
	}
	for range 100 {
		unlabeled = append(unlabeled, model.Comment{Text: pick(hamWords, 10)})
	}
	for range 40 {
		unlabeled = append(unlabeled, model.Comment{Text: pick(spamWords, 5) + " " + pick(campaignWords, 5)})
		c := model.Comment{Text: pick(campaignWords, 6) + " " + pick(hamWords, 3)}
		unlabeled = append(unlabeled, c)
		newWording = append(newWording, c)
	}
	return labeled, unlabeled, newWording
}

// TestSelfTrainLearnsTheCampaign: the comments of the new platform the
// labeled model rejects become a source of spam, the campaign's new
// wording, which no labeled source holds, scores higher than without
// them, and the labeled sources alone are held out to pick the
// thresholds.
func TestSelfTrainLearnsTheCampaign(t *testing.T) {
	labeled, unlabeled, newWording := selfTrainData()
	plain, _, err := model.Fit(labeled, model.FitOptions{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	adapted, rep, err := model.Fit(labeled, model.FitOptions{Seed: 1, Unlabeled: unlabeled})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.SelfTrain) == 0 || rep.SelfTrain[0].Spam == 0 {
		t.Fatalf("self-training took nothing: %+v", rep.SelfTrain)
	}
	if rep.HeldOutSources != 2 {
		t.Errorf("%d sources held out to pick the threshold, want the 2 labeled ones", rep.HeldOutSources)
	}
	last := rep.SelfTrain[len(rep.SelfTrain)-1]
	sources := adapted.Info().Stats.Sources
	i := slices.IndexFunc(sources, func(s model.Source) bool { return s.Name == model.UnlabeledSource })
	if i < 0 || sources[i].Spam != last.Spam || sources[i].Ham != 0 {
		t.Fatalf("sources %+v: want %q with the last round's %d spam and no ham", sources, model.UnlabeledSource, last.Spam)
	}
	var before, after float64
	rejected := 0
	for _, c := range newWording {
		before += plain.Score(c).LogOdds
		s := adapted.Score(c)
		after += s.LogOdds
		if s.Verdict == model.Reject {
			rejected++
		}
	}
	n := float64(len(newWording))
	t.Logf("rounds %+v; the campaign's new wording: mean log-odds %.2f → %.2f, %d of %d rejected", rep.SelfTrain, before/n, after/n, rejected, len(newWording))
	if after/n < before/n+1 {
		t.Errorf("the campaign's new wording scores %.2f after self-training, %.2f before: want at least a nat more", after/n, before/n)
	}
	for _, c := range unlabeled[:100] {
		if s := adapted.Score(c); s.Verdict == model.Reject {
			t.Errorf("an everyday comment of the platform is rejected after self-training: %q (%.3f)", c.Text, s.SpamProbability)
		}
	}
}

// TestSelfTrainRefusals: no unlabeled comments on top of a base, no
// labeled source under the unlabeled source's name, and a model that
// rejects none of the comments is the labeled model.
func TestSelfTrainRefusals(t *testing.T) {
	labeled, unlabeled, _ := selfTrainData()
	base, _, err := model.Fit(labeled, model.FitOptions{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := model.Fit(nil, model.FitOptions{Base: base, Unlabeled: unlabeled}); err == nil || !strings.Contains(err.Error(), "on top of a base") {
		t.Errorf("unlabeled comments on top of a base: got %v, want a refusal", err)
	}
	renamed := slices.Clone(labeled)
	renamed[0].Source = model.UnlabeledSource
	if _, _, err := model.Fit(renamed, model.FitOptions{Unlabeled: unlabeled}); err == nil || !strings.Contains(err.Error(), model.UnlabeledSource) {
		t.Errorf("a labeled source named %q: got %v, want an error naming it", model.UnlabeledSource, err)
	}
	if _, _, err := model.Fit(labeled, model.FitOptions{Unlabeled: unlabeled, SelfTrainRounds: -1}); err == nil {
		t.Error("-1 rounds: want an error")
	}
	everyday := unlabeled[:100]
	got, rep, err := model.Fit(labeled, model.FitOptions{Seed: 1, Unlabeled: everyday})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.SelfTrain) != 0 {
		t.Errorf("nothing rejected, yet rounds %+v", rep.SelfTrain)
	}
	if got.Info().ID != base.Info().ID {
		t.Errorf("nothing to learn from, yet model %s, not the labeled model %s", got.Info().ID, base.Info().ID)
	}
}
