package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
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
		"ROC curve", "ham rejected (log scale)", "spam recall", "1% ham rejected", "models' thresholds",
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
			r.Overall = measure(r.scores, r.spam, r.rejected, nil)
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

// TestPlotEmbedsFontsAndKeepsTextInside: the figure carries the font its
// text was laid out with (so a machine without it draws the same picture),
// and every text, measured with that font, lies inside the canvas.
func TestPlotEmbedsFontsAndKeepsTextInside(t *testing.T) {
	svg := filepath.Join(t.TempDir(), "eval.svg")
	mustRun(t, "", "eval", "-q", "-k", "3", "-plot", svg, corpus)
	doc, err := os.ReadFile(svg)
	if err != nil {
		t.Fatal(err)
	}
	embedded := regexp.MustCompile(`@font-face\{\s*font-family:"([^"]+)";[^}]*src: url\(data:font/ttf;[^)]*base64,([A-Za-z0-9+/=]+)\)`).
		FindAllSubmatch(doc, -1)
	families := map[string]bool{}
	for _, m := range embedded {
		ttf, err := base64.StdEncoding.DecodeString(string(m[2]))
		if err != nil || len(ttf) < 10000 || !bytes.HasPrefix(ttf, []byte("\x00\x01\x00\x00")) {
			t.Errorf("the embedded %q is not a TrueType font (%d bytes, %v)", m[1], len(ttf), err)
			continue
		}
		families[string(m[1])] = true
	}
	if len(families) == 0 {
		t.Fatalf("the plot embeds no font (no @font-face with a data: URL)")
	}

	texts := svgTextBoxes(t, doc)
	if len(texts) < 20 {
		t.Fatalf("found %d texts, want the figure's labels", len(texts))
	}
	width, height := 792.0, 360.0 // figureWidth and figureHeight in points, the viewBox's units
	for _, tx := range texts {
		if !families[tx.family] {
			t.Errorf("text %q is in %q, which the plot does not embed (it embeds %v)", tx.text, tx.family, families)
		}
		if tx.minX < 0 || tx.minY < 0 || tx.maxX > width || tx.maxY > height {
			t.Errorf("text %q spans x %.1f–%.1f, y %.1f–%.1f: outside the %gx%g canvas", tx.text, tx.minX, tx.maxX, tx.minY, tx.maxY, width, height)
		}
	}
	if w, h := float64(figureWidth.Points()), float64(figureHeight.Points()); w != width || h != height {
		t.Errorf("the figure is %gx%g points, the test assumes %gx%g", w, h, width, height)
	}
}

// textBox is where one <text> element of an SVG lands in the viewport.
type textBox struct {
	text, family           string
	minX, minY, maxX, maxY float64
}

// svgTextBoxes returns the box each <text> of doc covers in viewport
// coordinates: its advance width and the font's ascent and descent,
// measured with the Liberation font it names, through every transform
// (scale, translate, rotate) of it and its parents.
func svgTextBoxes(t *testing.T, doc []byte) []textBox {
	t.Helper()
	// affine is the transform x' = a·x + c·y + e, y' = b·x + d·y + f.
	type affine [6]float64
	// mul returns m∘n: n applied first, then m.
	mul := func(m, n affine) affine {
		return affine{
			m[0]*n[0] + m[2]*n[1], m[1]*n[0] + m[3]*n[1],
			m[0]*n[2] + m[2]*n[3], m[1]*n[2] + m[3]*n[3],
			m[0]*n[4] + m[2]*n[5] + m[4], m[1]*n[4] + m[3]*n[5] + m[5],
		}
	}
	parse := func(s string) affine {
		m := affine{1, 0, 0, 1, 0, 0}
		for _, op := range regexp.MustCompile(`(\w+)\(([^)]*)\)`).FindAllStringSubmatch(s, -1) {
			var v []float64
			for _, f := range strings.FieldsFunc(op[2], func(r rune) bool { return r == ',' || r == ' ' }) {
				x, err := strconv.ParseFloat(f, 64)
				if err != nil {
					t.Fatalf("transform %q: %v", s, err)
				}
				v = append(v, x)
			}
			var n affine
			switch {
			case op[1] == "scale" && len(v) == 2:
				n = affine{v[0], 0, 0, v[1], 0, 0}
			case op[1] == "translate" && len(v) == 2:
				n = affine{1, 0, 0, 1, v[0], v[1]}
			case op[1] == "rotate" && len(v) == 1:
				sin, cos := math.Sincos(v[0] * math.Pi / 180)
				n = affine{cos, sin, -sin, cos, 0, 0}
			default:
				t.Fatalf("transform %q: %s with %d arguments not understood", s, op[1], len(v))
			}
			m = mul(m, n)
		}
		return m
	}
	dec := xml.NewDecoder(bytes.NewReader(doc))
	stack := []affine{{1, 0, 0, 1, 0, 0}}
	var boxes []textBox
	var cur *textBox
	var x, y, size float64
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			attr := map[string]string{}
			for _, a := range tok.Attr {
				attr[a.Name.Local] = a.Value
			}
			stack = append(stack, mul(stack[len(stack)-1], parse(attr["transform"])))
			if tok.Name.Local != "text" {
				continue
			}
			x, _ = strconv.ParseFloat(attr["x"], 64)
			y, _ = strconv.ParseFloat(attr["y"], 64)
			style := map[string]string{}
			for _, kv := range strings.Split(attr["style"], ";") {
				k, v, _ := strings.Cut(kv, ":")
				style[strings.TrimSpace(k)] = strings.TrimSpace(v)
			}
			size, _ = strconv.ParseFloat(strings.TrimSuffix(style["font-size"], "px"), 64)
			if size == 0 {
				t.Fatalf("text at %v,%v has no font size: %v", x, y, attr["style"])
			}
			cur = &textBox{family: style["font-family"]}
		case xml.CharData:
			if cur != nil {
				cur.text += string(tok)
			}
		case xml.EndElement:
			m := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if tok.Name.Local != "text" || cur == nil {
				continue
			}
			fnt := plot.DefaultFont
			if want := string(fnt.Typeface) + " " + string(fnt.Variant); cur.family != want {
				t.Fatalf("text %q is in %q; the test measures %q only", cur.text, cur.family, want)
			}
			face := font.DefaultCache.Lookup(fnt, vg.Points(size))
			ext := face.Extents()
			w := face.Width(cur.text).Points()
			cur.minX, cur.minY = math.Inf(1), math.Inf(1)
			cur.maxX, cur.maxY = math.Inf(-1), math.Inf(-1)
			// SVG text runs right from (x, y), glyphs from y-ascent
			// to y+descent in its own (y down) coordinates.
			for _, p := range [][2]float64{{x, y - ext.Ascent.Points()}, {x + w, y - ext.Ascent.Points()},
				{x, y + ext.Descent.Points()}, {x + w, y + ext.Descent.Points()}} {
				px, py := m[0]*p[0]+m[2]*p[1]+m[4], m[1]*p[0]+m[3]*p[1]+m[5]
				cur.minX, cur.maxX = math.Min(cur.minX, px), math.Max(cur.maxX, px)
				cur.minY, cur.maxY = math.Min(cur.minY, py), math.Max(cur.maxY, py)
			}
			boxes = append(boxes, *cur)
			cur = nil
		}
	}
	return boxes
}
