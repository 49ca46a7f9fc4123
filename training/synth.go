package main

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
)

// The synthetic corpus: labeled comments whose words follow a Zipf law
// over a vocabulary the generator makes up, so that training at scale can
// be measured on any number of comments without anyone's data. Real
// comments keep bringing words never seen before (names, typos, links),
// so every comment also carries a few novel words and the vocabulary
// grows with the corpus, as it does in real data.
const (
	synthVocabulary = 50_000 // made-up words shared by both classes
	synthTopic      = 3_000  // words of each class's own topics
	synthMinWords   = 8
	synthMaxWords   = 40
	synthSpamShare  = 0.45
	// synthTopicShare is the chance that a word comes from the class's
	// own topic words rather than the shared vocabulary.
	synthTopicShare = 0.2
)

// syllables are the pieces made-up words are built from.
var syllables = [...]string{
	"ba", "be", "bi", "bo", "bu", "da", "de", "di", "do", "du", "fa", "fe", "fi", "fo", "ga", "ge", "go",
	"ka", "ke", "ki", "ko", "ku", "la", "le", "li", "lo", "lu", "ma", "me", "mi", "mo", "mu", "na", "ne",
	"ni", "no", "nu", "pa", "pe", "pi", "po", "ra", "re", "ri", "ro", "ru", "sa", "se", "si", "so", "su",
	"ta", "te", "ti", "to", "tu", "va", "ve", "vi", "vo", "za", "ze", "zo", "an", "en", "in", "on", "ar",
	"er", "or", "st", "th", "sh", "ch", "tr", "pl", "gr", "br",
}

// makeWord returns a word of the given number of syllables drawn by r.
func makeWord(r *rand.Rand, n int) string {
	b := make([]byte, 0, 2*n)
	for range n {
		b = append(b, syllables[r.IntN(len(syllables))]...)
	}
	return string(b)
}

// synth generates labeled comments deterministically for a seed.
type synth struct {
	r      *rand.Rand
	shared []string
	topic  [2][]string // ham, spam
	zipf   *rand.Zipf
	topicZ *rand.Zipf
}

func newSynth(seed uint64) *synth {
	r := rand.New(rand.NewPCG(seed, 0x5e7d))
	s := &synth{r: r}
	// Common words are short, rare ones long, as in real text.
	for i := range synthVocabulary {
		s.shared = append(s.shared, makeWord(r, 1+min(i/2000, 3)+r.IntN(2)))
	}
	for k := range 2 {
		for range synthTopic {
			s.topic[k] = append(s.topic[k], makeWord(r, 2+r.IntN(3)))
		}
	}
	s.zipf = rand.NewZipf(r, 1.1, 2, synthVocabulary-1)
	s.topicZ = rand.NewZipf(r, 1.1, 2, synthTopic-1)
	return s
}

// comment appends one comment's text to b and returns it with its label
// (true: spam).
func (s *synth) comment(b []byte) ([]byte, bool) {
	spam := s.r.Float64() < synthSpamShare
	k := 0
	if spam {
		k = 1
	}
	n := synthMinWords + s.r.IntN(synthMaxWords-synthMinWords+1)
	novel := 1 + s.r.IntN(3)
	for i := range n {
		if i > 0 {
			b = append(b, ' ')
		}
		switch {
		case i >= n-novel:
			// Novel: long enough that two comments rarely share one.
			b = append(b, makeWord(s.r, 4+s.r.IntN(2))...)
		case s.r.Float64() < synthTopicShare:
			b = append(b, s.topic[k][s.topicZ.Uint64()]...)
		default:
			b = append(b, s.shared[s.zipf.Uint64()]...)
		}
	}
	if spam && s.r.IntN(4) == 0 {
		b = append(b, " http://"...)
		b = append(b, s.topic[1][s.topicZ.Uint64()]...)
		b = append(b, ".com/"...)
		b = strconv.AppendUint(b, s.r.Uint64N(100000), 10)
	}
	return append(b, '.'), spam
}

// writeSynth writes n synthetic comments to w as JSON Lines.
func writeSynth(w io.Writer, n int, seed uint64) error {
	s := newSynth(seed)
	bw := bufio.NewWriter(w)
	var line []byte
	for range n {
		line = append(line[:0], `{"text":"`...)
		var spam bool
		line, spam = s.comment(line)
		label := "ham"
		if spam {
			label = "spam"
		}
		line = append(line, `","label":"`...)
		line = append(line, label...)
		line = append(line, "\"}\n"...)
		if _, err := bw.Write(line); err != nil {
			return err
		}
	}
	return bw.Flush()
}

func runSynth(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("synth", "-n N [-seed S] [-o FILE]", stderr)
	n := fs.Int("n", 0, "number of `comments` to generate (required)")
	seed := fs.Uint64("seed", 1, "random `seed`: the same seed and n give the same file")
	out := fs.String("o", "", "write to `file` (default: standard output)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *n <= 0 || fs.NArg() > 0 {
		return usagef("synth: want -n N (N > 0) and no arguments")
	}
	if *out == "" {
		return writeSynth(stdout, *n, *seed)
	}
	if err := writeAtomic(*out, func(w io.Writer) error { return writeSynth(w, *n, *seed) }); err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	return nil
}
