package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/spamcheck/spamcheck/model"
)

// youtube reads the four YouTube videos from ../shared, or skips.
func youtube(b *testing.B) []model.Example {
	b.Helper()
	dir := filepath.Join("..", "..", "shared", "data", "youtube-spam-collection")
	if _, err := os.Stat(dir); err != nil {
		b.Skipf("skipping: %s not found", dir)
	}
	d, err := readData([]string{dir}, "")
	if err != nil {
		b.Fatal(err)
	}
	return d.examples
}

// BenchmarkTrainYouTube fits one model on the 1,586 comments of the four
// videos (tokenizing included).
func BenchmarkTrainYouTube(b *testing.B) {
	ex := youtube(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := model.Train(ex, model.TrainOptions{TrainedAt: time.Unix(0, 0)}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLearnYouTube is what `train` does on the four videos: 5-fold
// cross-validation for calibration and threshold, then the final fit.
func BenchmarkLearnYouTube(b *testing.B) {
	ex := youtube(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := learn(ex, learnOptions{maxHamRejected: 0.005, folds: 5, seed: 1, trainedAt: time.Unix(0, 0)}); err != nil {
			b.Fatal(err)
		}
	}
}
