package examples_test

import (
	"image/color"
	"os"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// TestSong2000Figure redraws docs/figures/song2000_weights.png (with
// SNNC_FIGURES=1): the distribution of the 1000 weights after 100 s of
// STDP (examples/stdp_song2000.snn) against the uniform one they start
// from. TestSong2000Bimodal asserts the numbers.
func TestSong2000Figure(t *testing.T) {
	if os.Getenv("SNNC_FIGURES") == "" {
		t.Skip("set SNNC_FIGURES=1 to redraw the figure")
	}
	res := run(t, "stdp_song2000.snn")
	w := res.Weights[0].V[len(res.Weights[0].V)-1]
	const gmax, bins = 0.01, 20
	vals := make(plotter.Values, len(w))
	for k, x := range w {
		vals[k] = x / gmax
	}
	p := plot.New()
	p.Title.Text = "Song, Miller & Abbott 2000: weights after 100 s of STDP (1000 inputs at 15 Hz)"
	p.X.Label.Text = "w / g_max"
	p.Y.Label.Text = "synapses"
	h, err := plotter.NewHist(vals, bins)
	if err != nil {
		t.Fatal(err)
	}
	h.FillColor = color.RGBA{R: 31, G: 119, B: 180, A: 255}
	p.Add(h)
	p.Legend.Add("after 100 s", h)
	initial, err := plotter.NewLine(plotter.XYs{{X: 0, Y: float64(len(w)) / bins}, {X: 1, Y: float64(len(w)) / bins}})
	if err != nil {
		t.Fatal(err)
	}
	initial.Color = color.RGBA{R: 214, G: 39, B: 40, A: 255}
	initial.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	p.Add(initial)
	p.Legend.Add("initial (uniform)", initial)
	p.Legend.Top = true
	p.Legend.XOffs = -vg.Inch * 2.5 // between the two piles
	p.X.Min, p.X.Max = 0, 1
	if err := p.Save(8*vg.Inch, 4*vg.Inch, "../docs/figures/song2000_weights.png"); err != nil {
		t.Fatal(err)
	}
}
