package ahmadhawkins2016

import (
	"image/color"
	"os"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Series is one measured curve (points) with its closed form (a line).
type Series struct {
	Name           string
	X, Sim         []float64 // measured rates
	CurveX, CurveY []float64 // the formula
	// Line names the curve in the legend ("": Name + " formula"), for a
	// curve that is measured too
	Line string
}

// Panel is one plot of the figure.
type Panel struct {
	Title, XLabel, YLabel string
	LogY                  bool
	LegendLeft            bool
	Series                []Series
}

var colors = []color.Color{
	color.RGBA{R: 31, G: 119, B: 180, A: 255},
	color.RGBA{R: 214, G: 39, B: 40, A: 255},
	color.RGBA{R: 44, G: 160, B: 44, A: 255},
	color.RGBA{R: 148, G: 103, B: 189, A: 255},
}

// floor keeps rates of 0 off a log axis.
const floor = 1e-7

// Figure draws the panels in a grid of two columns into a PNG at path.
func Figure(path string, panels []Panel) error {
	var plots [][]*plot.Plot
	for k, pn := range panels {
		p := plot.New()
		p.Title.Text = pn.Title
		p.X.Label.Text = pn.XLabel
		p.Y.Label.Text = pn.YLabel
		if pn.LogY {
			p.Y.Scale = plot.LogScale{}
			p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
		}
		p.Legend.Top = true
		p.Legend.Left = pn.LegendLeft
		for j, s := range pn.Series {
			c := colors[j%len(colors)]
			var line, pts plotter.XYs
			for i := range s.CurveX {
				if y := s.CurveY[i]; !pn.LogY || y >= floor {
					line = append(line, plotter.XY{X: s.CurveX[i], Y: y})
				}
			}
			for i := range s.X {
				if y := s.Sim[i]; !pn.LogY || y > 0 {
					pts = append(pts, plotter.XY{X: s.X[i], Y: y})
				}
			}
			// a series without a formula (CurveX empty) is drawn as points only
			if len(line) > 0 {
				l, err := plotter.NewLine(line)
				if err != nil {
					return err
				}
				l.Color = c
				l.Width = vg.Points(1.2)
				p.Add(l)
				name := s.Line
				if name == "" {
					name = s.Name + " formula"
				}
				p.Legend.Add(name, l)
			}
			if len(pts) == 0 {
				continue
			}
			sc, err := plotter.NewScatter(pts)
			if err != nil {
				return err
			}
			sc.Color = c
			sc.Shape = draw.CircleGlyph{}
			sc.Radius = vg.Points(3)
			p.Add(sc)
			p.Legend.Add(s.Name+" simulated", sc)
		}
		if k%2 == 0 {
			plots = append(plots, nil)
		}
		plots[len(plots)-1] = append(plots[len(plots)-1], p)
	}
	for len(plots[len(plots)-1]) < 2 {
		plots[len(plots)-1] = append(plots[len(plots)-1], nil)
	}
	w, h := 12*vg.Inch, 5*vg.Inch*vg.Length(len(plots))
	img := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(100), vgimg.UseBackgroundColor(color.White))
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: len(plots), Cols: 2, PadX: 5 * vg.Millimeter, PadY: 5 * vg.Millimeter,
		PadTop: 2 * vg.Millimeter, PadBottom: 2 * vg.Millimeter, PadLeft: 2 * vg.Millimeter, PadRight: 2 * vg.Millimeter}
	canvases := plot.Align(plots, tiles, dc)
	for i := range plots {
		for j, p := range plots[i] {
			if p != nil {
				p.Draw(canvases[i][j])
			}
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
