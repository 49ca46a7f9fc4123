package main

import (
	"cmp"
	"flag"
	"fmt"
	"io"
	"slices"

	"github.com/spamcheck/spamcheck/model"
	"github.com/spamcheck/spamcheck/model/labeled"
)

// siteOptions are the flags that train a site's model on top of a base
// model, and select or name the site's data.
type siteOptions struct {
	base       string
	site       string
	source     string
	siteWeight float64
}

// settingFlags are learnFlags' flags that change how counts are made or
// estimated: on top of a base they come from the base's file.
var settingFlags = []string{"smoothing", "balance", "window", "window-penalty", "min-sources", "max-tokens", "prune-by", "binary", "min-count",
	"max-weight", "reasons", "bigrams", "style", "metadata"}

// siteFitted are learnFlags' flags that training on top of a base has no
// use for: the weights and the threshold come from the site's labels.
var siteFitted = []string{"weight", "kfold-threshold"}

// siteFlags registers -base, -site, -source and -site-weight.
func siteFlags(fs *flag.FlagSet) *siteOptions {
	s := &siteOptions{}
	fs.StringVar(&s.base, "base", "", "train on top of this base `model` file (\"default\": the built-in model): its counts, tokenizer and parameters, with DATA as the site's labels")
	fs.StringVar(&s.site, "site", "", "use only the records of this site `host` (their \"site\" field, as the function stores feedback), as one source named after it")
	fs.StringVar(&s.source, "source", "", "count all of DATA as one source of this `name` (default: one source per DATA path)")
	fs.Float64Var(&s.siteWeight, "site-weight", 0, "with -base, the `weight` of each site comment against a base comment, by which the base is scaled down (with too few labels to cross-validate, the site's are scaled up instead; 0: chosen by cross-validation, or 10 with too few labels)")
	return s
}

// apply checks the flags against the others set on fs and puts the base
// model, if any, into o.
func (s *siteOptions) apply(fs *flag.FlagSet, o *learnOptions) error {
	if s.site != "" {
		host := labeled.SiteName(s.site)
		if host == "" {
			return usagef("-site %q: want a host name such as example.org", s.site)
		}
		s.site = host
		if s.source != "" {
			return usagef("-site names the source after the site; -source cannot be given too")
		}
	}
	if s.siteWeight < 0 || s.siteWeight > 1e6 {
		return usagef("-site-weight %v: want a weight in (0, 1e6], or 0 to choose it", s.siteWeight)
	}
	if s.base != "" && len(o.unlabeled) > 0 {
		return usagef("-unlabeled does not combine with -base: self-training prices its reject threshold on the labeled sources held out in turn, which a base model's file does not hold; train on the labeled data with -unlabeled instead")
	}
	if s.base == "" {
		if s.siteWeight != 0 {
			return usagef("-site-weight needs -base")
		}
		return nil
	}
	var set, fitted []string
	fs.Visit(func(f *flag.Flag) {
		switch {
		case slices.Contains(settingFlags, f.Name):
			set = append(set, "-"+f.Name)
		case slices.Contains(siteFitted, f.Name):
			fitted = append(fitted, "-"+f.Name)
		}
	})
	if len(set) > 0 {
		return usagef("%v: with -base, the tokenizer and learning settings come from the base model, so its counts and the site's add up; drop %v", set, set)
	}
	if len(fitted) > 0 {
		return usagef("%v: with -base, the base's sources keep their weights and the site's is -site-weight's, and the threshold comes from the site's labels (or the base's, with too few of them); drop %v", fitted, fitted)
	}
	c, err := openModel(s.base)
	if err != nil {
		return fmt.Errorf("-base: %w", err)
	}
	o.base, o.siteWeight, o.params, o.tokenizer = c, s.siteWeight, nil, nil
	return nil
}

// selectData keeps only the site's records when -site is given, and names
// the sources after the site or -source: in training, and in eval's
// per-source table, where a folder of one-record feedback files would
// otherwise be a row per file.
func (s *siteOptions) selectData(d *dataset, stderr io.Writer) error {
	if s.site != "" {
		n := len(d.examples)
		keep := func(i int) bool { return labeled.SiteName(d.Records[i].Site) == s.site }
		d.filter(keep)
		fmt.Fprintf(stderr, "site %s: %d of %d records (records without a \"site\" field are not the site's; to train on a file of the site's labels, use -source)\n",
			s.site, len(d.examples), n)
	}
	if name := cmp.Or(s.site, s.source); name != "" {
		for i := range d.examples {
			d.examples[i].Source, d.source[i] = name, name
		}
	}
	return nil
}

// filter keeps the records i for which keep(i) holds, in order.
func (d *dataset) filter(keep func(i int) bool) {
	j := 0
	for i := range d.examples {
		if !keep(i) {
			continue
		}
		d.Records[j], d.From[j], d.Line[j], d.examples[j], d.source[j], d.path[j] = d.Records[i], d.From[i], d.Line[i], d.examples[i], d.source[i], d.path[i]
		if len(d.Groups) > i {
			d.Groups[j] = d.Groups[i]
		}
		j++
	}
	d.Records, d.From, d.Line, d.examples, d.source, d.path = d.Records[:j], d.From[:j], d.Line[:j], d.examples[:j], d.source[:j], d.path[:j]
	if len(d.Groups) > j {
		d.Groups = d.Groups[:j]
	}
}

// capText says what a cap on each token's weight is.
func capText(maxWeight float64) string {
	if maxWeight == 0 {
		return "no cap"
	}
	return fmt.Sprintf("cap %g nats", maxWeight)
}

// printSiteReport says how a model was trained on top of a base from
// the site's labels d.
func printSiteReport(w io.Writer, base *model.Classifier, rep model.FitReport, d *dataset) {
	fmt.Fprintf(w, "base: %s\n", base.Info().ID)
	if len(rep.WeightTrials) > 0 {
		fmt.Fprintf(w, "held-out site spam rejected, mean over the thresholds that reject up to %.2g%% of site ham, at least %d of them (ROC AUC):\n", 100*rep.TrialShare, rep.TrialMinHam)
	}
	for _, t := range rep.WeightTrials {
		mark := ""
		if t.Weight == rep.SiteWeight && t.MaxWeight == rep.MaxWeight {
			mark = "  ← chosen"
		}
		fmt.Fprintf(w, "  site weight %-4g %-16s %.3f (%.4f)%s\n", t.Weight, capText(t.MaxWeight)+":", t.Recall, t.AUC, mark)
	}
	if rep.Folds > 0 {
		fmt.Fprintf(w, "site weight %g, %s; calibration and reject threshold from the %d-fold out-of-fold scores of the site's labels (the base always trained on)\n",
			rep.SiteWeight, capText(rep.MaxWeight), rep.Folds)
	} else {
		fmt.Fprintf(w, "site weight %g, %s\n", rep.SiteWeight, capText(rep.MaxWeight))
	}
	if rep.Fallback != "" {
		fmt.Fprintf(w, "note: %s\n", rep.Fallback)
	}
	if len(rep.Suspects) > 0 {
		fmt.Fprintf(w, "labels to check, worst first (one wrong ham label among the highest-scored moves the threshold):\n")
		fmt.Fprintf(w, "  ham scored above the median site spam, spam below the median site ham, by models that did not see them\n")
		for _, s := range rep.Suspects {
			fmt.Fprintf(w, "  %-4s  P(spam) %.3f  %s:%d  %q\n", s.Label, s.P, d.From[s.Index], d.Line[s.Index], excerpt(d.examples[s.Index].Comment.Text))
		}
	}
}
