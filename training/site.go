package main

import (
	"cmp"
	"flag"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

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
	// excludeKeys are key ids (or prefixes of at least 8 characters)
	// whose records -site leaves out.
	excludeKeys []string
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
	fs.Func("exclude-key", "with -site, leave out the records stored with this key `id` (the key_id field, or its first 8 characters or more, as the site summary prints them; repeatable)", func(v string) error {
		if len(v) < 8 {
			return fmt.Errorf("want a key id, or its first 8 characters or more, got %q", v)
		}
		s.excludeKeys = append(s.excludeKeys, v)
		return nil
	})
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
	if len(s.excludeKeys) > 0 && s.site == "" {
		return usagef("-exclude-key needs -site: it leaves out a key's feedback records for one site")
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
		excluded := 0
		d.filter(func(i int) bool {
			if labeled.SiteName(d.Records[i].Site) != s.site {
				return false
			}
			if id := d.Records[i].KeyID; id != "" && slices.ContainsFunc(s.excludeKeys, func(p string) bool { return strings.HasPrefix(id, p) }) {
				excluded++
				return false
			}
			return true
		})
		fmt.Fprintf(stderr, "site %s: %d of %d records (records without a \"site\" field are not the site's; to train on a file of the site's labels, use -source)\n",
			s.site, len(d.examples)+excluded, n)
		if excluded > 0 {
			fmt.Fprintf(stderr, "  %d left out for their key (-exclude-key)\n", excluded)
		}
		printKeyShares(stderr, d.Records)
		if repeats := d.latestOfEachText(); repeats > 0 {
			fmt.Fprintf(stderr, "  %d repeated the text of another and count once, with the label of the latest received: a text sent many times cannot outweigh the site's other labels\n", repeats)
		}
	}
	if name := cmp.Or(s.site, s.source); name != "" {
		for i := range d.examples {
			d.examples[i].Source, d.source[i] = name, name
		}
	}
	return nil
}

// latestOfEachText keeps one record of each text (white space at its ends
// aside), the latest received (the later read on a tie), and returns how
// many it dropped. Feedback may hold one comment many times: a
// moderator's correction after a first label, or one caller sending a
// text again and again to sway the site's model.
func (d *dataset) latestOfEachText() int {
	latest := map[string]int{}
	for i, r := range d.Records {
		t := strings.TrimSpace(r.Text)
		if j, ok := latest[t]; !ok || !r.ReceivedAt.Before(d.Records[j].ReceivedAt) {
			latest[t] = i
		}
	}
	n := len(d.Records)
	d.filter(func(i int) bool { return latest[strings.TrimSpace(d.Records[i].Text)] == i })
	return n - len(d.Records)
}

// printKeyShares says how many of a site's records each API key stored
// (by key id, as the function logs them at start-up), so that one key
// sending most of a site's labels stands out before it trains the model;
// -exclude-key leaves a key out.
func printKeyShares(w io.Writer, records []labeled.Record) {
	count := map[string]int{}
	for _, r := range records {
		count[r.KeyID]++
	}
	ids := slices.Collect(maps.Keys(count))
	slices.SortFunc(ids, func(a, b string) int { return cmp.Or(count[b]-count[a], strings.Compare(a, b)) })
	var parts []string
	for i, id := range ids {
		if i == 3 {
			parts = append(parts, fmt.Sprintf("%d more keys: %d", len(ids)-3, len(records)-sum(ids[:3], count)))
			break
		}
		name := id
		if len(name) > 12 {
			name = name[:12] + "…"
		}
		if name == "" {
			name = "no key id"
		}
		parts = append(parts, fmt.Sprintf("%s %d (%.0f%%)", name, count[id], 100*float64(count[id])/float64(len(records))))
	}
	if len(parts) > 0 {
		fmt.Fprintf(w, "  by key: %s\n", strings.Join(parts, ", "))
	}
}

// sum adds up count over ids.
func sum(ids []string, count map[string]int) int {
	n := 0
	for _, id := range ids {
		n += count[id]
	}
	return n
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
