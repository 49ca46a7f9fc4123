package model

import (
	_ "embed"
	"fmt"
)

// defaultModel is the model trained on the project's own corpus and the
// YouTube Spam Collection; see the README for the command that rebuilds it.
//
//go:embed default.model
var defaultModel string

// Default returns the model built into the program. Each call decodes a
// fresh copy, so callers should load it once.
func Default() (*Classifier, error) {
	c, err := parse(defaultModel)
	if err != nil {
		return nil, fmt.Errorf("load default model: %w", err)
	}
	return c, nil
}
