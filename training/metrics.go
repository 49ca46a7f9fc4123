package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
)

// confusion counts predictions against labels; spam is the positive class.
type confusion struct {
	TP int `json:"spam_rejected"`
	FN int `json:"spam_kept"`
	FP int `json:"ham_rejected"`
	TN int `json:"ham_kept"`
}

func (c *confusion) add(spam, rejected bool) {
	switch {
	case spam && rejected:
		c.TP++
	case spam:
		c.FN++
	case rejected:
		c.FP++
	default:
		c.TN++
	}
}

// metrics are the figures `eval` reports for one set of predictions.
type metrics struct {
	N           int       `json:"comments"`
	Spam        int       `json:"spam"`
	Ham         int       `json:"ham"`
	Confusion   confusion `json:"confusion"`
	Accuracy    figure    `json:"accuracy"`
	Precision   figure    `json:"precision"`
	Recall      figure    `json:"recall"`
	F1          figure    `json:"f1"`
	HamRejected figure    `json:"ham_rejected"`
	MCC         figure    `json:"mcc"`
	AUC         figure    `json:"roc_auc"`
	// RecallAt1 is the best recall any threshold reaches while rejecting
	// at most 1% of the ham (picked on these very scores, so an upper
	// bound for a threshold chosen in advance).
	RecallAt1 figure `json:"recall_at_1pct_ham_rejected"`
	// BestF1At1 is the best F1 any threshold reaches while rejecting at
	// most 1% of the ham, picked on these very scores: what the ranking
	// allows with a perfect threshold, which tells a threshold that
	// missed from a ranking that cannot get there.
	BestF1At1 figure `json:"best_f1_at_1pct_ham_rejected"`
	// SpamReview and HamReview count the comments kept from rejection
	// that the model's review band sends to a moderator before they are
	// published; the confusion matrix counts them as kept.
	SpamReview int `json:"spam_review"`
	HamReview  int `json:"ham_review"`
}

// measure computes metrics from log-odds scores, labels and the verdicts
// a model gave: rejected or not, and sent to review or not (review may be
// nil: none). A metric the predictions cannot define (a recall or F1
// without spam, an AUC or MCC without both classes) is undefined, not 0.
func measure(scores []float64, spam, rejected, review []bool) metrics {
	var m metrics
	for i := range scores {
		m.Confusion.add(spam[i], rejected[i])
		switch {
		case review == nil || !review[i]:
		case spam[i]:
			m.SpamReview++
		default:
			m.HamReview++
		}
	}
	c := m.Confusion
	tp, fn, fp, tn := float64(c.TP), float64(c.FN), float64(c.FP), float64(c.TN)
	m.N = len(scores)
	m.Spam, m.Ham = c.TP+c.FN, c.FP+c.TN
	m.Accuracy = share(tp+tn, tp+tn+fp+fn)
	m.Precision = share(tp, tp+fp)
	m.Recall = share(tp, tp+fn)
	m.F1 = share(2*tp, 2*tp+fp+fn)
	if m.Spam == 0 {
		m.F1 = undefined // the harmonic mean of a precision and a recall that has no spam to measure
	}
	m.HamRejected = share(fp, fp+tn)
	m.MCC = undefined
	if d := math.Sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn)); d > 0 {
		m.MCC = figure((tp*tn - fp*fn) / d)
	}
	m.AUC, m.RecallAt1, m.BestF1At1 = undefined, undefined, undefined
	// Without ham, every threshold rejects "at most 1%" of it, and the
	// recall there would be a vacuous 1.
	if m.Spam > 0 && m.Ham > 0 {
		recall, f1 := atMostHam(scores, spam, 0.01)
		m.RecallAt1, m.AUC, m.BestF1At1 = figure(recall), figure(rocAUC(scores, spam)), figure(f1)
	}
	return m
}

// figure is the value of one metric, NaN when the metric is undefined for
// the predictions measured. It prints as "–" and is null in JSON, so that
// an undefined metric never reads as a measured 0.
type figure float64

// undefined is the figure of a metric that cannot be computed.
var undefined = figure(math.NaN())

func (f figure) defined() bool { return !math.IsNaN(float64(f)) }

// Format implements fmt.Formatter: f as a float64 with the verb and flags
// given, or "–".
func (f figure) Format(s fmt.State, verb rune) {
	if !f.defined() {
		io.WriteString(s, "–")
		return
	}
	fmt.Fprintf(s, fmt.FormatString(s, verb), float64(f))
}

// percent formats f, a share, as a percentage with two decimals, or "–".
func (f figure) percent() string {
	if !f.defined() {
		return "–"
	}
	return fmt.Sprintf("%.2f%%", 100*float64(f))
}

// MarshalJSON implements json.Marshaler: null when undefined.
func (f figure) MarshalJSON() ([]byte, error) {
	if !f.defined() {
		return []byte("null"), nil
	}
	return json.Marshal(float64(f))
}

// UnmarshalJSON implements json.Unmarshaler: null is undefined.
func (f *figure) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*f = undefined
		return nil
	}
	return json.Unmarshal(b, (*float64)(f))
}

// share is a/b, undefined when b is 0.
func share(a, b float64) figure {
	if b == 0 {
		return undefined
	}
	return figure(a / b)
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// rocAUC is the probability that a random spam scores above a random ham
// (ties count half): the Mann–Whitney statistic.
func rocAUC(scores []float64, spam []bool) float64 {
	idx := make([]int, len(scores))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return cmp.Compare(scores[a], scores[b]) })
	var rankSum, np, nn float64
	for i := 0; i < len(idx); {
		j := i
		for j < len(idx) && scores[idx[j]] == scores[idx[i]] {
			j++
		}
		rank := float64(i+j+1) / 2 // average rank, 1-based, of the tie group
		for k := i; k < j; k++ {
			if spam[idx[k]] {
				rankSum += rank
				np++
			} else {
				nn++
			}
		}
		i = j
	}
	if np == 0 || nn == 0 {
		return 0
	}
	return (rankSum - np*(np+1)/2) / (np * nn)
}

// rocPoint is one point of the ROC curve: the share of ham and of spam at
// or above a threshold.
type rocPoint struct {
	Threshold   float64 `json:"threshold"`
	HamRejected float64 `json:"ham_rejected"`
	Recall      float64 `json:"recall"`
}

// rocCurve returns the ROC curve from the highest threshold down.
func rocCurve(scores []float64, spam []bool) []rocPoint {
	idx := make([]int, len(scores))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return cmp.Compare(scores[b], scores[a]) })
	ns, nh := countClasses(spam)
	np, nn := float64(ns), float64(nh)
	pts := []rocPoint{{Threshold: math.Inf(1)}}
	var tp, fp float64
	for i := 0; i < len(idx); {
		j := i
		for j < len(idx) && scores[idx[j]] == scores[idx[i]] {
			if spam[idx[j]] {
				tp++
			} else {
				fp++
			}
			j++
		}
		pts = append(pts, rocPoint{Threshold: scores[idx[i]], HamRejected: ratio(fp, nn), Recall: ratio(tp, np)})
		i = j
	}
	return pts
}

// atMostHam returns the highest recall and the highest F1 of the
// thresholds at which at most maxHam of the ham is rejected, from one
// ROC curve.
func atMostHam(scores []float64, spam []bool, maxHam float64) (recall, f1 float64) {
	ns, nh := countClasses(spam)
	for _, p := range rocCurve(scores, spam) {
		if p.HamRejected > maxHam+1e-12 {
			continue
		}
		tp, fp, fn := p.Recall*float64(ns), p.HamRejected*float64(nh), (1-p.Recall)*float64(ns)
		recall, f1 = max(recall, p.Recall), max(f1, ratio(2*tp, 2*tp+fp+fn))
	}
	return recall, f1
}

// countClasses counts the spam and the ham labels.
func countClasses(spam []bool) (nSpam, nHam int) {
	for _, s := range spam {
		if s {
			nSpam++
		} else {
			nHam++
		}
	}
	return nSpam, nHam
}
