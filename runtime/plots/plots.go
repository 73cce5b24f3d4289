// Package plots draws the PNG plots of a run (raster.png, traces.png) with
// gonum/plot. Importing it (for its init) links plotting into a program:
// snnc links it always; programs built by snnc build only with
// `snnc build --plot`, since gonum/plot and its fonts are most of a small
// binary's size (BENCHMARKS.md).
package plots

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
	"os"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	rt "github.com/snnc/snnc/runtime"
)

func init() {
	rt.PlotRaster, rt.PlotTraces = Raster, Traces
}

// Raster draws the spikes of the monitors as a raster PNG at path:
// time (ms) on x, neurons on y with the populations stacked bottom-up, one
// colour per population. duration (s) fixes the time axis (0: from the
// data).
func Raster(path string, mons []*rt.SpikeMonitor, duration float64) error {
	for _, m := range mons {
		m.Flush()
	}
	if len(mons) == 0 {
		return errors.New("raster plot: no spike monitors")
	}
	p := plot.New()
	p.Title.Text = "Spikes"
	p.X.Label.Text = "time (ms)"
	p.Y.Label.Text = "neuron"
	offset := 0
	var ticks []plot.Tick
	for k, m := range mons {
		n := m.N
		for _, i := range m.I {
			n = max(n, int(i)+1)
		}
		r := &raster{m: m, offset: offset, n: n, color: popColor(k)}
		p.Add(r)
		p.Legend.Add(fmt.Sprintf("%s (%d)", m.Name, len(m.I)), r)
		ticks = append(ticks, plot.Tick{Value: float64(offset), Label: fmt.Sprint(offset)})
		offset += max(n, 1)
	}
	ticks = append(ticks, plot.Tick{Value: float64(offset), Label: fmt.Sprint(offset)})
	if len(mons) > 1 {
		p.Y.Tick.Marker = plot.ConstantTicks(ticks)
	}
	p.X.Min = 0
	if duration > 0 {
		p.X.Max = duration * 1e3
	}
	p.Y.Min, p.Y.Max = 0, float64(offset)
	p.Legend.Top = true
	return savePNG(path, [][]*plot.Plot{{p}}, 10*vg.Inch, 6*vg.Inch)
}

// popColor is population k's colour (saturated, to stay visible as small dots).
func popColor(k int) color.Color {
	return plotutil.DarkColors[k%len(plotutil.DarkColors)]
}

// raster plots one population's spikes as small squares. With a pixel
// canvas (PNG) the dots are set directly in an overlay image, so a million
// spikes draw in well under a second; on vector canvases each dot is a path.
type raster struct {
	m      *rt.SpikeMonitor
	offset int
	n      int
	color  color.Color
}

func (r *raster) Plot(c draw.Canvas, plt *plot.Plot) {
	tx, ty := plt.Transforms(&c)
	// dot size: about one neuron high, between 0.8 and 2 points
	h := (ty(float64(r.offset+r.n)) - ty(float64(r.offset))) / vg.Length(max(r.n, 1))
	d := min(max(h, 0.8), 2)
	if pc, ok := baseCanvas(c.Canvas).(interface{ DPI() float64 }); ok {
		r.plotPixels(c, tx, ty, d, pc.DPI())
		return
	}
	var path vg.Path
	for k, i := range r.m.I {
		x := tx(r.m.T[k] * 1e3)
		y := ty(float64(r.offset) + float64(i) + 0.5)
		if x < c.Min.X || x > c.Max.X || y < c.Min.Y || y > c.Max.Y {
			continue
		}
		path.Move(vg.Point{X: x - d/2, Y: y - d/2})
		path.Line(vg.Point{X: x + d/2, Y: y - d/2})
		path.Line(vg.Point{X: x + d/2, Y: y + d/2})
		path.Line(vg.Point{X: x - d/2, Y: y + d/2})
		path.Close()
	}
	if len(path) == 0 {
		return
	}
	c.SetColor(r.color)
	c.Fill(path)
}

// baseCanvas unwraps the draw.Canvas layers that plot.Align adds.
func baseCanvas(c vg.Canvas) vg.Canvas {
	for {
		switch w := c.(type) {
		case draw.Canvas:
			c = w.Canvas
		case *draw.Canvas:
			c = w.Canvas
		default:
			return c
		}
	}
}

func (r *raster) plotPixels(c draw.Canvas, tx, ty func(float64) vg.Length, d vg.Length, dpi float64) {
	if len(r.m.I) == 0 {
		return
	}
	w := int(math.Ceil((c.Max.X - c.Min.X).Dots(dpi)))
	h := int(math.Ceil((c.Max.Y - c.Min.Y).Dots(dpi)))
	if w <= 0 || h <= 0 {
		return
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	col := color.RGBAModel.Convert(r.color).(color.RGBA)
	dp := max(1, int(math.Round(d.Dots(dpi))))
	for k, i := range r.m.I {
		x := (tx(r.m.T[k]*1e3) - c.Min.X).Dots(dpi)
		y := float64(h) - (ty(float64(r.offset)+float64(i)+0.5) - c.Min.Y).Dots(dpi)
		x0, y0 := int(math.Round(x-float64(dp)/2)), int(math.Round(y-float64(dp)/2))
		for py := max(y0, 0); py < min(y0+dp, h); py++ {
			for px := max(x0, 0); px < min(x0+dp, w); px++ {
				img.SetRGBA(px, py, col)
			}
		}
	}
	c.DrawImage(vg.Rectangle{Min: c.Min, Max: vg.Point{X: c.Min.X + vg.Length(float64(w)/dpi)*vg.Inch, Y: c.Min.Y + vg.Length(float64(h)/dpi)*vg.Inch}}, img)
}

func (r *raster) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax = 0, 0
	for _, t := range r.m.T {
		xmax = math.Max(xmax, t*1e3)
	}
	return xmin, xmax, float64(r.offset), float64(r.offset + r.n)
}

// Thumbnail draws the legend entry.
func (r *raster) Thumbnail(c *draw.Canvas) {
	pts := []vg.Point{
		{X: c.Min.X, Y: c.Min.Y}, {X: c.Min.X, Y: c.Max.Y},
		{X: c.Max.X, Y: c.Max.Y}, {X: c.Max.X, Y: c.Min.Y},
	}
	c.FillPolygon(r.color, c.ClipPolygonY(pts))
}

// Traces draws each state monitor in its own panel (stacked), one line
// per recorded neuron, time in ms.
func Traces(path string, mons []*rt.StateMonitor) error {
	if len(mons) == 0 {
		return errors.New("trace plot: no state monitors")
	}
	rows := make([][]*plot.Plot, len(mons))
	for k, m := range mons {
		p := plot.New()
		p.Title.Text = m.Name + "." + m.Var
		p.X.Label.Text = "time (ms)"
		p.Y.Label.Text = m.Var
		if m.Unit != "" {
			p.Y.Label.Text += " (" + m.Unit + ")"
		}
		for c, idx := range m.Index {
			xy := traceXY(m, c)
			if len(xy) == 0 {
				continue
			}
			l, err := plotter.NewLine(xy)
			if err != nil {
				return fmt.Errorf("trace plot %s.%s[%d]: %v", m.Name, m.Var, idx, err)
			}
			l.Color = popColor(c)
			l.Width = vg.Points(1)
			p.Add(l)
			if len(m.Index) <= 10 {
				p.Legend.Add(fmt.Sprintf("[%d]", idx), l)
			}
		}
		p.Legend.Top = true
		rows[k] = []*plot.Plot{p}
	}
	h := max(vg.Length(len(mons))*2.5*vg.Inch, 4*vg.Inch)
	return savePNG(path, rows, 10*vg.Inch, h)
}

// traceXY is the trace of m's c-th neuron: time in ms, values in the unit
// the axis names (as in the CSV).
func traceXY(m *rt.StateMonitor, c int) plotter.XYs {
	scale := rt.UnitScale(m.Unit)
	xy := make(plotter.XYs, len(m.T))
	for s, t := range m.T {
		xy[s].X = t * 1e3
		xy[s].Y = m.V[s][c] / scale
	}
	return xy
}

func savePNG(path string, plots [][]*plot.Plot, w, h vg.Length) error {
	img := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(100), vgimg.UseBackgroundColor(color.White))
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: len(plots), Cols: 1, PadX: vg.Millimeter, PadY: 3 * vg.Millimeter,
		PadTop: 2 * vg.Millimeter, PadBottom: 2 * vg.Millimeter, PadLeft: 2 * vg.Millimeter, PadRight: 4 * vg.Millimeter}
	canvases := plot.Align(plots, tiles, dc)
	for r := range plots {
		plots[r][0].Draw(canvases[r][0])
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(f); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Sync(); err != nil { // on disk before it is renamed into place (see Out)
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return f.Close()
}
