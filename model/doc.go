/*
Package model is spamcheck's spam classifier: it turns a comment into
tokens, scores the tokens with a naive Bayes model, and answers with a spam
probability, a verdict and the tokens that decided it.

# The maths

A comment d is reduced to tokens t₁…tₙ (see Tokenize): its words, pairs of
adjacent words, class tokens such as #url and #money, tokens for how it is
written and who wrote it, and tokens for acts of spamming that look the
same on every platform whatever the words around them (#mention, #phone,
#wallet, #money-handle: see TokenizerConfig.Payments). Multinomial naive
Bayes takes the tokens as independent draws from a distribution that
depends only on the class, so that by Bayes' theorem

	log P(spam|d)/P(ham|d) = log P(spam)/P(ham) + Σᵢ log P(tᵢ|spam)/P(tᵢ|ham)

The sum is computed in log space, where a long comment cannot underflow to
0/0 as a product of probabilities would. Each token's term is its weight

	w(t) = log P(t|spam) − log P(t|ham)

computed once at training time and stored in the model file, so that scoring
is a lookup and an addition per token. Tokens the model never saw weigh 0.
The prior log(P(spam)/P(ham)) is the log of the ratio of spam to ham
comments in the training data, weighted as the counts are (below).

Sources and their weights (Params.Balance, Source.Weight). The counts are
kept per source: for every token, how many comments of each class of each
source (a platform, a site, a file given to the CLI) held it. Naive Bayes
needs nothing else, and counts add up: a cross-validation fold's model is
the total less the fold's counts, two models trained on two halves sum to
the model of the whole, and a site's labels can be added to a base model.
With Balance, each class of each source counts as the same number of
comments (1,000; a class with fewer than 100 proportionally less), so that
one large platform cannot define the vocabulary and a token that is
spammy on one platform and ordinary on the others stays weak; a source's
Weight multiplies its share on top, and its HamWeight or SpamWeight, when
set, replaces Weight for that class alone (model files version 5; a
model without them is written as version 4).

Binary counts (Params.Binary). A token counts once per comment, however
often it repeats, both in training and in scoring: "$$$ !!! $$$" is not
three times the evidence of "$$$".

Add-α smoothing (Params.Smoothing). A token held by n(t,c) (weighted)
comments of class c, of N(c) token occurrences in c and a vocabulary of |V|
tokens, gets

	P(t|c) = (n(t,c) + α) / (N(c) + α|V|)

so that a token never seen in one class does not make it impossible. The
library smooths with add-one only: the weighted counts are handed over in
units of 1/100 of a comment, with α·100 − 1 pseudo-counts added to every
token of both classes, which gives (100·n + α·100)/(100·N + α·100·|V|), the
formula above. Hence α must be at least 0.01; the default is 1.

The log-likelihood cap (Params.MaxWeight). Each weight is clipped to
[−2, 2] nats by default, so that no single token decides a comment and a few spammy
tokens cannot be drowned by any number of innocuous ones.

Length normalisation (Params.LengthNorm). The words of a comment are far
from independent, so a long comment piles up evidence it does not have.
The summed weights S of the n known tokens are divided by n^λ; λ = 0.5
(√n) ranks comments measurably better than textbook naive Bayes (λ = 0).
The raw log-odds of a comment are

	x = prior + S / n^λ

Windows (Params.Window, Params.WindowPenalty). A comment of more than
2·20 words is also scored in windows of 20 words, one starting every 10
words and the last ending with the comment. A window holds its words, the
bigrams inside it and the comment's other tokens (links, style, metadata).
The spammiest window, less a penalty of half a nat (the best of many windows
beats a typical one by chance), replaces the whole comment's score when it
is higher, both before calibration, as Fit measured them when it fitted
the calibration and the thresholds: padding a pitch with ordinary words (a good-word attack)
dilutes the whole comment but not the windows of the pitch.

Platt calibration (Calibration). Naive Bayes counts correlated tokens as
independent evidence, so its odds are far too confident. The calibrated
log-odds are A·x + B, with A and B fitted by logistic regression on
cross-validated scores of the training data (Fit does this), so that
SpamProbability = 1/(1 + e^−(A·x + B)) means what it says. Thresholds are
compared with the log-odds, not the probability, so a threshold such as
0.999999 keeps its meaning.

Thresholds (Fit). The reject threshold is the one that would have rejected
at most 0.5% of the held-out ham. When the training data has two or more
sources with ham, the held-out scores are those of each source scored by
the model of the others: a platform the model has never seen shifts the
scores of its ham upwards, and a threshold picked on it prices the shift
in, so that reject means sure there too. The k-fold threshold, lower, then
bounds a review band: what the model is sure of within its own sources
but not across them goes to a person.

On top of a base (FitOptions.Base), the thresholds come from the site's
own labels, scored by fold models: a few hundred ham, of which rejecting
0.5% would reject more of the ham to come. The reject threshold keeps
the (k+1)-th highest held-out site ham below it for the k that gives a
new site ham a chance of about MaxHamRejected to land above it, the rank
conformal prediction uses (PickThresholdForNewHam); the review threshold
is the same rule at twice the rate.

Reasons. Score names the tokens whose share of the log-odds (weight,
length normalisation and calibration applied) is largest in magnitude. With
the prior (times A, plus B) and, when a window decided, less the penalty
times A, the shares add up to LogOdds. A word of the author's name counts like any
other token but is never named: its reason reads #author-name, as the
names a model learns from its training data are those of real people.

# The library, and its quirks

The counts go through github.com/jbrukh/bayesian v1.1.0, which provides
the smoothed estimates at training time and is never called while
scoring. It is wrapped in package model/bayes, which a program that
trains hands to this package with UseLibrary (the training CLI does), so
that a program that only scores does not link it; without it, Train and
Fit compute the library's estimate themselves, to the bit. Its quirks, and how each is neutralised (each has a canary test
that fails on the day the quirk goes away):

  - Class priors are weighted by token count, so the class with longer
    comments is favoured: the prior comes from document counts instead.
  - Each class is smoothed with its own vocabulary, so unknown words lean
    to the smaller class: every token is entered into both classes (a
    zero-count Observe), so both share one vocabulary, and tokens unknown
    to the model carry no weight at all.
  - ProbScores underflows to 0.5/0.5 on long texts: scoring is done in log
    space, and probabilities come from a stable sigmoid.
  - NewClassifierFromReader returns a value together with an error, and
    its gob is unversioned and follows map order: its format is never used;
    this package's own checksummed file (see Save) is validated completely
    before a classifier is built.
  - It panics on unknown classes (and on misuse generally), and falls back
    to a fixed 1e-11 for a class without tokens: labels are validated, and
    a class without tokens is refused, before the library sees them.
  - Smoothing is fixed at add-one: counts are scaled and pseudo-counts
    added, as above.

# The API

Train learns a Classifier from labeled Examples, and Fit is the whole
training procedure that also picks its calibration and thresholds; Load
reads one that Save wrote, and Default returns the model built into the
program. A model file keeps its counts per source, which add up exactly:
Fit with FitOptions.Base trains a site's model on top of a base from the
base's file alone (the site's labels a source of their own, weighted by
cross-validation), and Merge sums models trained with the same settings. A Classifier
is immutable, and Score is safe for concurrent use and never panics,
whatever the comment. Tokenize is exported for tools that show what the
model sees. The tokenizer's stages (HTML, Unicode normalisation, links,
words, and the defences against disguised words and links of
TokenizerConfig.Deobfuscate) each cost time linear in the comment.
*/
package model
