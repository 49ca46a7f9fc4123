package main

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// writePlot draws the learning curve as an SVG figure with embedded
// fonts, like eval -plot: F1 and the share of ham rejected against the
// number of site labels (log scale), the mean over the draws with bars
// from the lowest to the highest draw, and the base alone as a dashed
// line.
func (r *curveReport) writePlot(w io.Writer) error {
	c := vgsvg.NewWith(vgsvg.UseWH(figureWidth, figureHeight), vgsvg.EmbedFonts(true))
	dc := draw.New(c)
	dc.SetColor(color.White)
	dc.Fill(rectangle(dc.Rectangle))
	heading := text.Style{Color: color.Black, Font: font.From(plot.DefaultFont, 15), XAlign: draw.XCenter, YAlign: draw.YTop,
		Handler: plot.DefaultTextHandler}
	top := vg.Point{X: (dc.Min.X + dc.Max.X) / 2, Y: dc.Max.Y - 0.12*vg.Inch}
	dc.FillText(heading, top, "training eval -learning-curve on top of "+r.Base)
	heading.Font = font.From(plot.DefaultFont, 11)
	top.Y -= 0.26 * vg.Inch
	dc.FillText(heading, top, fmt.Sprintf("%d distinct site comments, %d in each test half; %d draws: mean, and bars from the lowest to the highest",
		r.Comments, r.Test, len(r.Points[0].Draws)))
	var panels []*plot.Plot
	for _, fig := range []struct {
		title, axis string
		get         func(p curvePoint) curveStat
		guide       float64
	}{
		{"F1 on the test half", "F1", func(p curvePoint) curveStat { return p.F1 }, 0.8},
		{"ham rejected on the test half", "ham rejected", func(p curvePoint) curveStat { return p.HamRejected }, 0.01},
	} {
		p, err := r.curvePanel(fig.title, fig.axis, fig.get, fig.guide)
		if err != nil {
			return err
		}
		panels = append(panels, p)
	}
	tiles := draw.Tiles{Rows: 1, Cols: 2, PadX: 0.5 * vg.Inch, PadLeft: 0.15 * vg.Inch, PadRight: 0.2 * vg.Inch, PadBottom: 0.1 * vg.Inch}
	for i, cv := range plot.Align([][]*plot.Plot{panels}, tiles, draw.Crop(dc, 0, 0, 0, -headingHeight))[0] {
		panels[i].Draw(cv)
	}
	_, err := c.WriteTo(w)
	return err
}

// curvePanel draws one figure of the curve, with a dotted guide line.
func (r *curveReport) curvePanel(title, axis string, get func(p curvePoint) curveStat, guide float64) (*plot.Plot, error) {
	p := newPanel(title, "site labels (log scale)", axis)
	p.X.Scale = plot.LogScale{}
	var xticks plot.ConstantTicks
	for _, pt := range r.Points {
		if pt.Labels > 0 {
			xticks = append(xticks, plot.Tick{Value: float64(pt.Labels), Label: fmt.Sprint(pt.Labels)})
		}
	}
	p.X.Tick.Marker = xticks
	if axis != "F1" {
		p.Y.Tick.Marker = plot.TickerFunc(func(lo, hi float64) []plot.Tick {
			ticks := plot.DefaultTicks{}.Ticks(lo, hi)
			for i := range ticks {
				if ticks[i].Label != "" {
					ticks[i].Label = strconv.FormatFloat(100*ticks[i].Value, 'f', -1, 64) + "%"
				}
			}
			return ticks
		})
		p.Y.Min = 0
	}
	var pts plotter.XYs
	var bars plotter.XYs
	var lo, hi []float64
	xmin, xmax := math.Inf(1), 0.0
	for _, pt := range r.Points {
		s := get(pt)
		if pt.Labels == 0 || !s.Mean.defined() {
			continue
		}
		x := float64(pt.Labels)
		xmin, xmax = math.Min(xmin, x), math.Max(xmax, x)
		pts = append(pts, plotter.XY{X: x, Y: float64(s.Mean)})
		bars = append(bars, plotter.XY{X: x, Y: float64(s.Mean)})
		lo = append(lo, float64(s.Mean-s.Min))
		hi = append(hi, float64(s.Max-s.Mean))
	}
	if len(pts) == 0 {
		return p, nil
	}
	line, points, err := plotter.NewLinePoints(pts)
	if err != nil {
		return nil, err
	}
	line.Color, points.Color = curveColor, curveColor
	line.Width = vg.Points(1.5)
	p.Add(line, points)
	p.Legend.Add("site model (mean)", line, points)
	errs := make(plotter.YErrors, len(lo))
	for i := range lo {
		errs[i].Low, errs[i].High = lo[i], hi[i]
	}
	yb, err := plotter.NewYErrorBars(struct {
		plotter.XYer
		plotter.YErrorer
	}{bars, errs})
	if err != nil {
		return nil, err
	}
	yb.Color = curveColor
	p.Add(yb)
	horizontal := func(y float64, c color.Color, dashes []vg.Length) (*plotter.Line, error) {
		l, err := plotter.NewLine(plotter.XYs{{X: xmin, Y: y}, {X: xmax, Y: y}})
		if err != nil {
			return nil, err
		}
		l.Color, l.Width, l.Dashes = c, vg.Points(1.2), dashes
		return l, nil
	}
	if base := get(r.Points[0]); base.Mean.defined() {
		l, err := horizontal(float64(base.Mean), hamColor, []vg.Length{vg.Points(5), vg.Points(3)})
		if err != nil {
			return nil, err
		}
		p.Add(l)
		p.Legend.Add("base alone", l)
	}
	g, err := horizontal(guide, guideColor, []vg.Length{vg.Points(1), vg.Points(3)})
	if err != nil {
		return nil, err
	}
	p.Add(g)
	if axis == "F1" {
		p.Legend.Add(fmt.Sprintf("F1 %.2f", guide), g)
	} else {
		p.Legend.Add(fmt.Sprintf("%g%% of ham", 100*guide), g)
	}
	p.Legend.Top = axis != "F1"
	p.Legend.Left = false
	p.X.Min, p.X.Max = xmin/1.3, xmax*1.3
	return p, nil
}
