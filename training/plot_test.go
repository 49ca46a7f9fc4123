package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/plot/plotter"
)

// TestEvalPlot: eval -plot writes one well-formed SVG with both panels,
// titled with the protocol and the figures eval reports.
func TestEvalPlot(t *testing.T) {
	dir := t.TempDir()
	svg := filepath.Join(dir, "eval.svg")
	out := mustRun(t, "", "eval", "-q", "-json", "-k", "3", "-plot", svg, corpus)
	var r report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("eval -json -plot: standard output is not the JSON report: %v", err)
	}
	b, err := os.ReadFile(svg)
	if err != nil {
		t.Fatal(err)
	}
	texts := strings.Join(svgTexts(t, b), "\n")
	m := r.Overall
	for _, want := range []string{
		"training eval: 3-fold stratified cross-validation (seed 1)",
		fmt.Sprintf("ROC AUC %.4f", m.AUC),
		fmt.Sprintf("F1 %.4f", m.F1),
		fmt.Sprintf("ham rejected %.2f%% (%d of %d)", 100*m.HamRejected, m.Confusion.FP, m.Ham),
		"ROC curve", "ham rejected (log scale)", "spam recall", "1% ham rejected", "models' thresholds:",
		"Scores by class", "score (log-odds of spam)", "share of the class",
		fmt.Sprintf("ham (%d)", m.Ham), fmt.Sprintf("spam (%d)", m.Spam), "reject threshold",
	} {
		if !strings.Contains(texts, want) {
			t.Errorf("the plot has no text %q; its texts are:\n%s", want, texts)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("eval -plot left %d files, want just the plot", len(entries))
	}
}

// TestWritePlotEdgeCases: odd reports still give a well-formed figure
// rather than a panic from the plotting library.
func TestWritePlotEdgeCases(t *testing.T) {
	tests := []struct {
		name       string
		scores     []float64
		spam       []bool
		thresholds []float64
	}{
		{"all scores equal", []float64{1, 1, 1}, []bool{true, false, true}, []float64{0.5}},
		{"infinite scores", []float64{math.Inf(1), -3, 2, math.Inf(-1)}, []bool{true, false, true, false}, []float64{0.9, 0.9}},
		{"no ham", []float64{1, 2}, []bool{true, true}, []float64{0.99}},
		{"no scores", nil, nil, []float64{0.5}},
		{"threshold far beyond the scores", []float64{-1, 1}, []bool{false, true}, []float64{1 - 1e-12}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := report{Protocol: "test", Thresholds: tt.thresholds, scores: tt.scores, spam: tt.spam}
			for _, s := range tt.scores {
				r.rejected = append(r.rejected, s > 0)
			}
			r.Overall = measure(r.scores, r.spam, r.rejected)
			var buf bytes.Buffer
			if err := r.writePlot(&buf); err != nil {
				t.Fatal(err)
			}
			svgTexts(t, buf.Bytes())
		})
	}
}

// TestHistogramBins: every score lands in the bin of its class that
// holds it, infinite ones in the outermost.
func TestHistogramBins(t *testing.T) {
	hists, size := classHistograms([]float64{math.Inf(1), 5, -5, math.Inf(-1), 0}, []bool{true, true, false, false, false})
	if size[false] != 3 || size[true] != 2 {
		t.Errorf("counted %d ham and %d spam, want 3 and 2", size[false], size[true])
	}
	weights := func(h *plotter.Histogram) []float64 {
		var w []float64
		for _, b := range h.Bins {
			w = append(w, b.Weight)
		}
		return w
	}
	ham, spam := weights(hists[false]), weights(hists[true])
	n := len(ham)
	if ham[0] != 2.0/3 || spam[n-1] != 1 || spam[0] != 0 {
		t.Errorf("ham bins %v, spam bins %v: want both ham at -5 and -Inf in the first bin, both spam at 5 and +Inf in the last", ham, spam)
	}
}

// svgTexts parses an SVG document and returns the content of its <text>
// elements, failing t unless it is well-formed XML whose root is <svg>
// with a size and which draws something.
func svgTexts(t *testing.T, doc []byte) []string {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(doc))
	var texts []string
	var root xml.StartElement
	depth, paths := 0, 0
	inText := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the plot is not well-formed XML: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				root = tok
			}
			depth++
			switch tok.Name.Local {
			case "text":
				inText = true
				texts = append(texts, "")
			case "path":
				paths++
			}
		case xml.EndElement:
			depth--
			inText = false
		case xml.CharData:
			if inText {
				texts[len(texts)-1] += string(tok)
			}
		}
	}
	if root.Name.Local != "svg" || root.Name.Space != "http://www.w3.org/2000/svg" {
		t.Fatalf("the plot's root element is %v, want svg", root.Name)
	}
	attr := map[string]string{}
	for _, a := range root.Attr {
		attr[a.Name.Local] = a.Value
	}
	if attr["width"] == "" || attr["height"] == "" || attr["viewBox"] == "" {
		t.Errorf("the plot's <svg> has attributes %v, want width, height and viewBox", attr)
	}
	if paths < 10 || len(texts) < 10 {
		t.Errorf("the plot has %d paths and %d texts, want a drawing", paths, len(texts))
	}
	return texts
}
