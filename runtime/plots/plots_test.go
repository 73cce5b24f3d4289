package plots

import (
	"image/color"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	rt "github.com/snnc/snnc/runtime"
)

func checkPNG(t *testing.T, path string, minW, minH int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	b := img.Bounds()
	if b.Dx() < minW || b.Dy() < minH {
		t.Errorf("%s: %dx%d, want at least %dx%d", path, b.Dx(), b.Dy(), minW, minH)
	}
	// non-trivial: many distinct colours (axes, text, dots in several colours)
	colours := map[[4]uint32]bool{}
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			r, g, bl, a := img.At(x, y).RGBA()
			colours[[4]uint32{r, g, bl, a}] = true
		}
	}
	if len(colours) < 8 {
		t.Errorf("%s: only %d colours: an empty plot?", path, len(colours))
	}
	if st, _ := f.Stat(); st.Size() < 10000 {
		t.Errorf("%s: only %d bytes", path, st.Size())
	}
}

func near(a, b color.Color) bool {
	r1, g1, b1, _ := a.RGBA()
	r2, g2, b2, _ := b.RGBA()
	d := func(x, y uint32) bool { return x-y < 0x1800 || y-x < 0x1800 }
	return d(r1, r2) && d(g1, g2) && d(b1, b2)
}

func TestPlots(t *testing.T) {
	dir := t.TempDir()
	e := &rt.SpikeMonitor{Name: "E", N: 400}
	i := &rt.SpikeMonitor{Name: "I", N: 100}
	src := rt.NewPoisson(500, 20, 1e-4, rt.NewStream(1))
	for s := 0; s < 5000; s++ {
		for _, k := range src.Step(s) {
			if k < 400 {
				e.Record(float64(s)*1e-4, []int32{k})
			} else {
				i.Record(float64(s)*1e-4, []int32{k - 400})
			}
		}
	}
	raster := filepath.Join(dir, "raster.png")
	if err := Raster(raster, []*rt.SpikeMonitor{e, i}, 0.5); err != nil {
		t.Fatal(err)
	}
	checkPNG(t, raster, 800, 500)
	if os.Getenv("SNNC_KEEP_PLOTS") != "" {
		exec.Command("cp", raster, os.Getenv("SNNC_KEEP_PLOTS")).Run()
	}
	// count E-coloured and I-coloured pixels: both populations drawn
	f, _ := os.Open(raster)
	img, _ := png.Decode(f)
	f.Close()
	reds, greens := 0, 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := img.At(x, y)
			if near(c, popColor(0)) {
				reds++
			}
			if near(c, popColor(1)) {
				greens++
			}
		}
	}
	if reds < 300 || greens < 100 {
		t.Errorf("raster: %d red (E) and %d green (I) pixels", reds, greens)
	}

	st := &rt.StateMonitor{Name: "E", Var: "v", Unit: "V", Index: []int{0, 3, 7}}
	vals := []float64{-0.065, -0.06, -0.0501}
	for s := 0; s < 4; s++ {
		st.Record(float64(s)*1e-3, vals)
		for k := range vals {
			vals[k] += 1e-3
		}
	}
	st2 := &rt.StateMonitor{Name: "I", Var: "ge", Unit: "S", Index: []int{0}}
	for s := 0; s < 100; s++ {
		st2.Record(float64(s)*1e-4, []float64{math.Sin(float64(s) / 10)})
	}
	traces := filepath.Join(dir, "traces.png")
	if err := Traces(traces, []*rt.StateMonitor{st, st2}); err != nil {
		t.Fatal(err)
	}
	checkPNG(t, traces, 800, 400)
	if os.Getenv("SNNC_KEEP_PLOTS") != "" {
		exec.Command("cp", traces, os.Getenv("SNNC_KEEP_PLOTS")).Run()
	}

	if err := Raster(raster, nil, 1); err == nil {
		t.Error("raster without monitors: no error")
	}
	if err := Traces(filepath.Join(dir, "no", "such", "dir.png"), []*rt.StateMonitor{st}); err == nil {
		t.Error("unwritable path: no error")
	}
}

func BenchmarkRaster(b *testing.B) {
	m := &rt.SpikeMonitor{Name: "E", N: 4000}
	src := rt.NewPoisson(4000, 20, 1e-4, rt.NewStream(1))
	for s := 0; s < 10000; s++ { // 1 s: ~80000 spikes
		m.Record(float64(s)*1e-4, src.Step(s))
	}
	path := filepath.Join(b.TempDir(), "r.png")
	for b.Loop() {
		if err := Raster(path, []*rt.SpikeMonitor{m}, 1); err != nil {
			b.Fatal(err)
		}
	}
}

// TestTraceInTheUnitItNames: a trace axis headed "(mV)" holds millivolts.
func TestTraceInTheUnitItNames(t *testing.T) {
	m := &rt.StateMonitor{Name: "P", Var: "v", Unit: "mV", Index: []int{0}}
	m.Record(0, []float64{30 * 1e-3})
	if xy := traceXY(m, 0); xy[0].Y != 30 || xy[0].X != 0 {
		t.Errorf("trace point %v, want (0 ms, 30 mV)", xy[0])
	}
}
