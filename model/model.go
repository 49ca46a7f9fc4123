package model

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
)

// Label is the class of a comment: Spam or Ham.
type Label string

// The two labels a comment can carry.
const (
	Ham  Label = "ham"
	Spam Label = "spam"
)

// ParseLabel maps the label spellings found in labeled data to a Label:
// "spam", "1", "true", "yes", "junk" are Spam; "ham", "0", "false", "no",
// "not spam", "notspam", "legit" are Ham. Case and surrounding space are
// ignored.
func ParseLabel(s string) (Label, error) {
	switch normalizeLabel(s) {
	case "spam", "1", "true", "yes", "junk":
		return Spam, nil
	case "ham", "0", "false", "no", "not spam", "notspam", "legit":
		return Ham, nil
	}
	return "", fmt.Errorf("%w: %q (want spam or ham)", ErrBadLabel, s)
}

func normalizeLabel(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(s)), " ")
}

// Comment is one comment to classify or learn from. Only Text is required;
// the metadata fields add evidence when a platform has them. (Labeled
// comments on disk are the records of package model/labeled.)
type Comment struct {
	Text        string
	Author      string
	AuthorEmail string
	AuthorURL   string
}

// Example is a labeled comment for training.
type Example struct {
	Comment
	Label Label
	// Source names where the example came from (a platform, a site, a
	// file): training weighs sources and holds them out as units. It is
	// never a feature.
	Source string
}

// Verdict is what a platform should do with a comment.
type Verdict string

// The verdicts, from harmless to spam.
const (
	Keep   Verdict = "keep"
	Review Verdict = "review"
	Reject Verdict = "reject"
)

// Reason is one token that moved a comment's score, with its weight in
// natural-log odds: positive pushes towards spam, negative towards ham.
type Reason struct {
	Token  string  `json:"token"`
	Weight float64 `json:"weight"`
}

// Score is the classifier's judgement of one comment.
type Score struct {
	// SpamProbability is P(spam | comment), in [0, 1].
	SpamProbability float64 `json:"spam_probability"`
	// LogOdds is log(P(spam)/P(ham)); it keeps its resolution where the
	// probability rounds to 0 or 1.
	LogOdds float64 `json:"log_odds"`
	// Verdict applies the model's thresholds to LogOdds.
	Verdict Verdict `json:"verdict"`
	// Reasons are the tokens that moved the score most, strongest first.
	Reasons []Reason `json:"reasons"`
}

// Thresholds turn a spam probability into a verdict: at or above Reject the
// verdict is Reject; at or above Review (when Review is set and lower than
// Reject) it is Review; otherwise Keep.
type Thresholds struct {
	Reject float64 `json:"reject"`
	// Review is zero when the review band is not configured.
	Review float64 `json:"review,omitempty"`
}

// Validate reports whether t can be used: both thresholds in (0, 1), and
// Review, when set, below Reject.
func (t Thresholds) Validate() error {
	if !(t.Reject > 0 && t.Reject < 1) {
		return fmt.Errorf("%w: reject threshold %v must be strictly between 0 and 1", ErrBadThreshold, t.Reject)
	}
	if t.Review != 0 && !(t.Review > 0 && t.Review < t.Reject) {
		return fmt.Errorf("%w: review threshold %v must be above 0 and below the reject threshold %v", ErrBadThreshold, t.Review, t.Reject)
	}
	return nil
}

// Override returns t with an operator's thresholds in place of the
// stored ones, as the function's REJECT_THRESHOLD and REVIEW_THRESHOLD
// and the CLI's eval -m -reject and -review set them: a probability of 0
// leaves that threshold as it is. A new reject threshold at or below the
// stored review threshold, with no review threshold given, leaves no
// review band, since all the band would send to review is now rejected.
// The result may be invalid (a review threshold above the reject one):
// Validate says so.
func (t Thresholds) Override(reject, review float64) Thresholds {
	if reject > 0 {
		t.Reject = reject
		if review == 0 && t.Review >= t.Reject {
			t.Review = 0
		}
	}
	if review > 0 {
		t.Review = review
	}
	return t
}

// verdict applies t to log-odds. Comparing in log-odds space keeps
// thresholds such as 0.999999 meaningful.
func (t Thresholds) verdict(logOdds float64) Verdict {
	switch {
	case logOdds >= Logit(t.Reject):
		return Reject
	case t.Review != 0 && logOdds >= Logit(t.Review):
		return Review
	}
	return Keep
}

// Logit returns log(p/(1-p)), the log-odds of probability p.
func Logit(p float64) float64 { return math.Log(p) - math.Log1p(-p) }

// Sigmoid returns 1/(1+exp(-x)), the probability of log-odds x.
func Sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

// Stats describes the data a model was trained on.
type Stats struct {
	// Documents counts the training comments per label.
	Documents map[Label]int `json:"documents"`
	// Tokens counts the token occurrences learned per label.
	Tokens map[Label]int `json:"tokens"`
	// Vocabulary is the number of distinct tokens.
	Vocabulary int `json:"vocabulary"`
	// TrainedAt is when the model was trained (or the time given to
	// Train, for reproducible builds).
	TrainedAt time.Time `json:"trained_at"`
	// DataDigest is the SHA-256 of the training examples in the order
	// learned, so two models trained on the same data can be recognised.
	DataDigest string `json:"data_digest"`
	// Sources lists the sources the counts came from, in the order the
	// model file refers to them.
	Sources []Source `json:"sources,omitempty"`
	// Base is the ID of the model this one was trained on top of, if any.
	Base string `json:"base,omitempty"`
	// PrunedTokens is the number of tokens pruning dropped
	// (Params.MaxTokens), here or in a base: with the sources' pruned
	// counts, what a model trained on top of this one needs to weigh the
	// kept tokens as this one does.
	PrunedTokens int `json:"pruned_tokens,omitempty"`
}

// Errors returned by this package.
var (
	ErrBadLabel     = errors.New("model: bad label")
	ErrBadThreshold = errors.New("model: bad threshold")
	ErrNoData       = errors.New("model: training data needs at least one spam and one ham comment")
	ErrFormat       = errors.New("model: not a model file")
	ErrVersion      = errors.New("model: unsupported model file version")
	ErrCorrupt      = errors.New("model: model file is corrupt")
)
