package main

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"slices"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/spamcheck/spamcheck/model"
)

// The figure eval -plot draws: two panels side by side under a two-line
// heading.
const (
	figureWidth   = 11 * vg.Inch
	figureHeight  = 5 * vg.Inch
	headingHeight = 0.75 * vg.Inch
)

var (
	hamColor   = color.NRGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}
	spamColor  = color.NRGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff}
	curveColor = color.NRGBA{R: 0x22, G: 0x22, B: 0x22, A: 0xff}
	guideColor = color.NRGBA{R: 0x80, G: 0x80, B: 0x80, A: 0xff}
	gridColor  = color.NRGBA{R: 0xe0, G: 0xe0, B: 0xe0, A: 0xff}
)

// writePlot draws r as an SVG figure (see drawFigure). The figure embeds
// the fonts it uses, the Liberation fonts bundled with gonum/plot, since
// its text is laid out with their metrics: with another font a viewer
// would overflow or misplace the labels.
func (r *report) writePlot(w io.Writer) error {
	c := vgsvg.NewWith(vgsvg.UseWH(figureWidth, figureHeight), vgsvg.EmbedFonts(true))
	if err := r.drawFigure(draw.New(c)); err != nil {
		return err
	}
	_, err := c.WriteTo(w)
	return err
}

// drawFigure draws r on dc: the pooled ROC curve with the point the
// models' own thresholds reached, and the score histograms of ham and spam
// with the thresholds that split them.
func (r *report) drawFigure(dc draw.Canvas) error {
	roc, err := r.rocPlot()
	if err != nil {
		return err
	}
	hist, err := r.histPlot()
	if err != nil {
		return err
	}
	dc.SetColor(color.White)
	dc.Fill(rectangle(dc.Rectangle))

	m := r.Overall
	heading := text.Style{
		Color:   color.Black,
		Font:    font.From(plot.DefaultFont, 15),
		XAlign:  draw.XCenter,
		YAlign:  draw.YTop,
		Handler: plot.DefaultTextHandler,
	}
	top := vg.Point{X: (dc.Min.X + dc.Max.X) / 2, Y: dc.Max.Y - 0.12*vg.Inch}
	dc.FillText(heading, top, "training eval: "+r.Protocol)
	heading.Font = font.From(plot.DefaultFont, 11)
	top.Y -= 0.26 * vg.Inch
	dc.FillText(heading, top, fmt.Sprintf(
		"%d test comments (%d spam, %d ham) · ROC AUC %.4f · F1 %.4f · ham rejected %s (%d of %d) · recall %s",
		m.N, m.Spam, m.Ham, m.AUC, m.F1, m.HamRejected.percent(), m.Confusion.FP, m.Ham, m.Recall.percent()))

	tiles := draw.Tiles{Rows: 1, Cols: 2, PadX: 0.5 * vg.Inch,
		PadLeft: 0.15 * vg.Inch, PadRight: 0.2 * vg.Inch, PadBottom: 0.1 * vg.Inch}
	panels := [][]*plot.Plot{{roc, hist}}
	for i, cv := range plot.Align(panels, tiles, draw.Crop(dc, 0, 0, 0, -headingHeight))[0] {
		panels[0][i].Draw(cv)
	}
	return nil
}

// rocPlot draws the ROC curve of the pooled scores, ham rejected against
// spam recall, with the point the models' own thresholds reached and the
// 1% ham-rejected line. The x axis is logarithmic, because the thresholds
// sit at a fraction of a percent of ham rejected, where a linear axis
// would press the curve against its left edge; zero, which a log scale
// cannot show, is drawn at the left edge.
func (r *report) rocPlot() (*plot.Plot, error) {
	m := r.Overall
	zero := 1e-3
	if m.Ham > 0 {
		// Well left of one ham rejected, the smallest non-zero rate.
		zero = math.Min(zero, 0.3/float64(m.Ham))
	}
	at := func(hamRejected float64) float64 { return math.Max(hamRejected, zero) }

	p := newPanel("ROC curve", "ham rejected (log scale)", "spam recall")
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = logPercentTicks{zero: zero}
	p.Y.Tick.Marker = percentTicks(0, 1, 0.2, 0.1)

	var pts plotter.XYs
	for _, pt := range rocCurve(r.scores, r.spam) {
		pts = append(pts, plotter.XY{X: at(pt.HamRejected), Y: pt.Recall})
	}
	curve, err := plotter.NewLine(pts)
	if err != nil {
		return nil, fmt.Errorf("ROC curve: %w", err)
	}
	curve.Color = curveColor
	curve.Width = vg.Points(1.5)
	onePct, err := vline(0.01, 0, 1, guideColor)
	if err != nil {
		return nil, err
	}
	p.Add(curve, onePct)
	p.Legend.Add("pooled test scores", curve)
	p.Legend.Add("1% ham rejected", onePct)
	// Without both classes the thresholds reached no point of the curve.
	if m.HamRejected.defined() && m.Recall.defined() {
		point, err := plotter.NewScatter(plotter.XYs{{X: at(float64(m.HamRejected)), Y: float64(m.Recall)}})
		if err != nil {
			return nil, err
		}
		point.Shape = draw.CircleGlyph{}
		point.Color = spamColor
		point.Radius = vg.Points(4.5)
		p.Add(point)
		// The figures are in the heading: a short entry keeps the
		// legend right of the 1% line.
		p.Legend.Add("models' thresholds", point)
	}
	// Bottom right, under the curve and right of the 1% line, clear of
	// the last tick label.
	p.Legend.Top, p.Legend.Left = false, false
	p.Legend.XOffs, p.Legend.YOffs = -vg.Points(18), vg.Points(10)
	p.X.Min, p.X.Max = zero, 1
	p.Y.Min, p.Y.Max = 0, 1
	return p, nil
}

// histPlot draws the histograms of the scores of ham and of spam, each
// as a share of its class so that both show whatever the balance, with a
// vertical line at each model's reject threshold.
func (r *report) histPlot() (*plot.Plot, error) {
	p := newPanel("Scores by class", "score (log-odds of spam)", "share of the class")
	p.X.Tick.Marker = linearTicks{format: func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }}
	p.Y.Tick.Marker = linearTicks{format: percent}

	hists, size := classHistograms(r.scores, r.spam)
	top := 0.0
	for _, spam := range []bool{false, true} {
		h, c := hists[spam], hamColor
		if spam {
			c = spamColor
		}
		for _, b := range h.Bins {
			top = math.Max(top, b.Weight)
		}
		h.FillColor = color.NRGBA{R: c.R, G: c.G, B: c.B, A: 0x70}
		h.LineStyle = draw.LineStyle{Color: c, Width: vg.Points(0.75)}
	}
	if top == 0 {
		top = 1 // no scores: an empty panel
	}
	p.Add(hists[false], hists[true])
	p.Legend.Add(fmt.Sprintf("ham (%d)", size[false]), hists[false])
	p.Legend.Add(fmt.Sprintf("spam (%d)", size[true]), hists[true])

	// Each test model has its own threshold, stored as a probability;
	// scores are log-odds.
	var thresholds []float64
	for _, t := range r.Thresholds {
		thresholds = append(thresholds, model.Logit(t))
	}
	slices.Sort(thresholds)
	thresholds = slices.CompactFunc(thresholds, func(a, b float64) bool { return math.Abs(a-b) < 1e-9 })
	for i, t := range thresholds {
		l, err := vline(t, 0, 1.08*top, curveColor)
		if err != nil {
			return nil, fmt.Errorf("reject threshold: %w", err)
		}
		p.Add(l)
		if i == 0 {
			label := "reject threshold"
			switch {
			case len(r.Thresholds) > 1 && len(thresholds) == 1:
				label = fmt.Sprintf("reject threshold (all %d models)", len(r.Thresholds))
			case len(thresholds) > 1:
				label = fmt.Sprintf("reject thresholds (%d models, %.1f to %.1f)", len(r.Thresholds), thresholds[0], thresholds[len(thresholds)-1])
			}
			p.Legend.Add(label, l)
		}
	}
	p.Y.Min, p.Y.Max = 0, 1.35*top // headroom for the legend
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.XOffs, p.Legend.YOffs = vg.Points(6), -vg.Points(4)
	return p, nil
}

// classHistograms bins the scores of ham (false) and spam (true) into the
// same bins across their range, each bin weighing its share of the class,
// and counts the scores of each class.
func classHistograms(scores []float64, spam []bool) (map[bool]*plotter.Histogram, map[bool]int) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range scores {
		if !math.IsInf(s, 0) && !math.IsNaN(s) {
			lo, hi = math.Min(lo, s), math.Max(hi, s)
		}
	}
	if lo > hi { // no finite score
		lo, hi = -1, 1
	}
	n := min(max(int(math.Sqrt(float64(len(scores)))), 10), 50)
	if hi-lo < 1e-9 {
		lo, hi = lo-0.5, hi+0.5
	}
	width := (hi - lo) / float64(n)
	bin := func(s float64) int {
		if math.IsNaN(s) {
			return -1
		}
		// Clamped first: an infinite score converted to int is
		// undefined.
		s = math.Max(lo, math.Min(hi, s))
		return min(int((s-lo)/width), n-1)
	}
	hists := map[bool]*plotter.Histogram{}
	size := map[bool]int{}
	for _, class := range []bool{false, true} {
		bins := make([]plotter.HistogramBin, n)
		for i := range bins {
			bins[i].Min = lo + float64(i)*width
			bins[i].Max = lo + float64(i+1)*width
		}
		hists[class] = &plotter.Histogram{Bins: bins, Width: width}
	}
	for i, s := range scores {
		if b := bin(s); b >= 0 {
			hists[spam[i]].Bins[b].Weight++
			size[spam[i]]++
		}
	}
	for _, class := range []bool{false, true} {
		if size[class] > 0 {
			for i := range hists[class].Bins {
				hists[class].Bins[i].Weight /= float64(size[class])
			}
		}
	}
	return hists, size
}

// newPanel returns a plot with a title, axis labels and a light grid.
func newPanel(title, x, y string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = vg.Points(13)
	p.X.Label.Text = x
	p.Y.Label.Text = y
	g := plotter.NewGrid()
	g.Vertical.Color, g.Horizontal.Color = gridColor, gridColor
	p.Add(g)
	p.Legend.TextStyle.Font.Size = vg.Points(10)
	p.Legend.Padding = vg.Points(2)
	return p
}

// vline returns a dashed vertical line at x from y0 to y1.
func vline(x, y0, y1 float64, c color.Color) (*plotter.Line, error) {
	l, err := plotter.NewLine(plotter.XYs{{X: x, Y: y0}, {X: x, Y: y1}})
	if err != nil {
		return nil, err
	}
	l.Color = c
	l.Width = vg.Points(1.2)
	l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
	return l, nil
}

// rectangle returns the path around r.
func rectangle(r vg.Rectangle) vg.Path {
	var p vg.Path
	p.Move(r.Min)
	p.Line(vg.Point{X: r.Max.X, Y: r.Min.Y})
	p.Line(r.Max)
	p.Line(vg.Point{X: r.Min.X, Y: r.Max.Y})
	p.Close()
	return p
}

// percentTicks returns ticks from lo to hi labelled as percentages every
// major step, with unlabelled ticks every minor step.
func percentTicks(lo, hi, major, minor float64) plot.ConstantTicks {
	var ts plot.ConstantTicks
	for i := 0; ; i++ {
		v := lo + float64(i)*minor
		if v > hi+minor/2 {
			break
		}
		t := plot.Tick{Value: v}
		if r := v / major; math.Abs(r-math.Round(r)) < 1e-9 {
			t.Label = percent(v)
		}
		ts = append(ts, t)
	}
	return ts
}

// linearTicks marks a linear axis every 1, 2 or 5 times a power of ten,
// whichever gives at most eight steps, with a minor tick halfway; format
// writes the labels.
type linearTicks struct{ format func(float64) string }

// Ticks implements plot.Ticker.
func (t linearTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) {
		return []plot.Tick{{Value: lo, Label: t.format(lo)}}
	}
	step := math.Pow10(int(math.Floor(math.Log10((hi - lo) / 8))))
	for _, k := range []float64{1, 2, 5, 10} {
		if (hi-lo)/(k*step) <= 8 {
			step *= k
			break
		}
	}
	var ts []plot.Tick
	half := step / 2
	for i := math.Ceil(lo / half); i*half <= hi+half*1e-9; i++ {
		// Rounded so that 3·0.1 reads 0.3.
		v := math.Round(i*half*1e9) / 1e9
		if v == 0 {
			v = 0 // not -0
		}
		tk := plot.Tick{Value: v}
		if math.Mod(i, 2) == 0 {
			tk.Label = t.format(v)
		}
		ts = append(ts, tk)
	}
	return ts
}

// logPercentTicks marks a logarithmic axis of shares in percent: decades
// labelled, their multiples unlabelled, and "0" at zero, the axis's left
// edge.
type logPercentTicks struct{ zero float64 }

// Ticks implements plot.Ticker.
func (t logPercentTicks) Ticks(lo, hi float64) []plot.Tick {
	ts := []plot.Tick{{Value: t.zero, Label: "0"}}
	for e := int(math.Floor(math.Log10(lo))); e <= int(math.Ceil(math.Log10(hi))); e++ {
		for k := 1; k < 10; k++ {
			v := float64(k) * math.Pow10(e)
			if v <= t.zero || v > hi*(1+1e-9) {
				continue
			}
			tk := plot.Tick{Value: v}
			// A decade too close to the zero mark would overprint it.
			if k == 1 && math.Log10(v/t.zero) > 0.3 {
				tk.Label = percent(v)
			}
			ts = append(ts, tk)
		}
	}
	return ts
}

// percent formats a share as a percentage for a tick label, without the
// float noise of 100·v ("7%", not "7.000000000000001%").
func percent(v float64) string {
	return strconv.FormatFloat(math.Round(1e6*100*v)/1e6, 'f', -1, 64) + "%"
}
