package main

import (
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"

	"github.com/spamcheck/spamcheck/model"
)

// chooseRates are the shares of ham rejected for which eval -m proposes
// a reject threshold.
var chooseRates = []float64{0.001, 0.005, 0.01, 0.02, 0.05}

// thresholdChoice is a reject threshold picked on the labels eval -m
// judged, so that a new ham like them lands above it with probability
// at most MaxHamRejected (model.PickThresholdForNewHam), and what it
// does on those labels.
type thresholdChoice struct {
	MaxHamRejected float64 `json:"max_ham_rejected"`
	// Reject is the spam probability to set as REJECT_THRESHOLD (or
	// eval -reject), null when the labels hold fewer than MinHam ham.
	Reject figure `json:"reject"`
	// MinHam is the fewest ham that can promise the rate, Ham the
	// distinct ham texts among the labels.
	MinHam       int    `json:"min_ham"`
	Ham          int    `json:"ham"`
	SpamRejected figure `json:"spam_rejected"`
	HamRejected  figure `json:"ham_rejected"`
}

// chooseThresholds proposes a reject threshold for each of chooseRates
// from calibrated log-odds scores and labels, counting a text labeled
// more than once once (its first record's), since a text sent again is
// not a new ham: 20 ham sent ten times each cannot promise a rate that
// 200 could. Without spam, the spam rejected is undefined.
func chooseThresholds(scores []float64, spam []bool, texts []string) []thresholdChoice {
	scores, spam = distinctTexts(scores, spam, texts)
	_, nHam := countClasses(spam)
	var out []thresholdChoice
	for _, rate := range chooseRates {
		c := thresholdChoice{MaxHamRejected: rate, MinHam: model.MinNewHam(rate), Ham: nHam,
			Reject: undefined, SpamRejected: undefined, HamRejected: undefined}
		if nHam >= c.MinHam {
			at := model.PickThresholdForNewHam(scores, spam, rate)
			p := shortestProbability(at, scores)
			var rej confusion
			for i, s := range scores {
				rej.add(spam[i], s >= model.Logit(p))
			}
			c.Reject = figure(p)
			c.SpamRejected = share(float64(rej.TP), float64(rej.TP+rej.FN))
			c.HamRejected = share(float64(rej.FP), float64(rej.FP+rej.TN))
		}
		out = append(out, c)
	}
	return out
}

// distinctTexts returns the scores and labels of the first record of
// each text.
func distinctTexts(scores []float64, spam []bool, texts []string) ([]float64, []bool) {
	var sc []float64
	var sp []bool
	for _, i := range firstOfEachText(len(texts), func(i int) string { return texts[i] }) {
		sc, sp = append(sc, scores[i]), append(sp, spam[i])
	}
	return sc, sp
}

// shortestProbability returns the spam probability of the log-odds
// threshold at with the fewest decimals that still sorts every score as
// at does: the value an operator types.
func shortestProbability(at float64, scores []float64) float64 {
	exact := model.Sigmoid(at)
	for digits := 2; digits <= 17; digits++ {
		p, err := strconv.ParseFloat(strconv.FormatFloat(exact, 'f', digits, 64), 64)
		if err != nil || !(p > 0 && p < 1) {
			continue
		}
		same := true
		for _, s := range scores {
			if (s >= model.Logit(p)) != (s >= at) {
				same = false
				break
			}
		}
		if same {
			return p
		}
	}
	return exact
}

// printChoices writes the proposed thresholds as a table, with how to set
// one for the model judged: REJECT_THRESHOLD for the default model (or
// MODEL_PATH's), a model file of its own for a site's.
func printChoices(w io.Writer, choices []thresholdChoice, ham int, path string) {
	distinctHam := choices[0].Ham
	fmt.Fprintf(w, "\nreject thresholds for these labels (a new ham like these lands above one at most the rate given):\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "new ham rejected at most\treject at P(spam) ≥\tspam rejected here\tham rejected here\t")
	has := fmt.Sprint(distinctHam)
	if distinctHam < ham {
		has = fmt.Sprintf("%d distinct", distinctHam)
	}
	for _, c := range choices {
		rate := strconv.FormatFloat(100*c.MaxHamRejected, 'f', -1, 64) + "%"
		if !c.Reject.defined() {
			fmt.Fprintf(tw, "%s\tneeds %d ham, has %s\t\t\t\n", rate, c.MinHam, has)
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t\n", rate, strconv.FormatFloat(float64(c.Reject), 'f', -1, 64),
			c.SpamRejected.percent(), c.HamRejected.percent())
	}
	tw.Flush()
	if distinctHam < ham {
		fmt.Fprintf(w, "(%d of the %d ham are texts labeled again, counted once)\n", ham-distinctHam, ham)
	}
	if path == "default" {
		fmt.Fprintln(w, "set one as REJECT_THRESHOLD (it applies to the default model, that is to every site without a model of its own),")
		fmt.Fprintln(w, "or judge the model at it first with eval -m default -reject P")
	} else {
		fmt.Fprintf(w, "as MODEL_PATH, the model takes one from REJECT_THRESHOLD; as a site's model in MODELS_DIR it keeps the thresholds\n"+
			"in its file, which train -base picks by -max-ham-rejected; judge it at one first with eval -m %s -reject P\n", path)
	}
}
