// Package bayes is the naive Bayes library the model's estimates come
// from, github.com/jbrukh/bayesian, wrapped: its classes and classifiers
// never leave this package.
//
// It is a package of its own so that what only trains links the library,
// and what only scores (the function) does not: the library brings
// encoding/gob, whose initialisation alone costs the function's binary
// 131 KB. Package model estimates through it once it is given, with
// model.UseLibrary, and otherwise computes the library's estimate
// itself, to the bit.
package bayes

import (
	"math"
	"sync"

	"github.com/jbrukh/bayesian"
)

// The library's classes.
const (
	classHam  bayesian.Class = "ham"
	classSpam bayesian.Class = "spam"
)

// LogFrequencies returns, for the ham (0) and the spam (1), the natural
// logarithm of the library's smoothed frequency of each of size tokens:
// token(i) names token i, and each class's goroutine calls counter once
// for a function of its own that gives token i's counts, ham and spam,
// in the integer units the library counts in. Each class has a library
// classifier of its own, filled on a core of its own unless sequential:
// the library's estimate of a class depends on that class's counts only,
// and each classifier holds a map entry per token, so a vocabulary of
// millions fills them one after the other. Observing a zero count still
// enters the token into the class's vocabulary: the library smooths each
// class with its own vocabulary size, and one shared vocabulary makes
// that the textbook (count+1)/(total+|V|).
func LogFrequencies(size int, token func(int) string, counter func() func(int) [2]int, sequential bool) [2][]float64 {
	var out [2][]float64
	var wg sync.WaitGroup
	run := wg.Go
	if sequential {
		run = func(f func()) { f() }
	}
	for k, class := range []bayesian.Class{classHam, classSpam} {
		out[k] = make([]float64, size)
		run(func() {
			count := counter()
			nb := bayesian.NewClassifier(classHam, classSpam)
			for i := range size {
				nb.Observe(token(i), count(i)[k], class)
			}
			// A block of tokens at a time: the list of every token
			// and its rows of frequencies would cost as much as the
			// rest.
			const block = 1 << 16
			words := make([]string, 0, block)
			for from := 0; from < size; from += block {
				words = words[:0]
				for i := from; i < min(from+block, size); i++ {
					words = append(words, token(i))
				}
				for j, f := range nb.WordFrequencies(words)[k] { // rows follow the class order: ham, spam
					out[k][from+j] = math.Log(f)
				}
			}
		})
	}
	wg.Wait()
	return out
}
