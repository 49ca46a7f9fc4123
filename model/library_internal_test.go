package model

import "github.com/spamcheck/spamcheck/model/bayes"

// The tests train as the training CLI does: through the library.
func init() { UseLibrary(bayes.LogFrequencies) }
