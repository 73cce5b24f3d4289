package examples_test

import (
	"fmt"
	"math"
	"os"
	"sort"
	"testing"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/backends/gosim"
	ah "github.com/snnc/snnc/examples/ahmad_hawkins2016"
	"github.com/snnc/snnc/passes"
)

// pspmTau is the van Rossum kernel's time constant (s).
const pspmTau = 0.010

// pspmRun runs pspm.snn for dur seconds with seed and the --set values,
// and returns the spike trains of the teacher T, the learner L and the
// detectors Miss and Extra, by population and neuron.
func pspmRun(t *testing.T, seed uint64, dur float64, set ...string) map[string][][]float64 {
	t.Helper()
	p, _, diags := snnc.CompileIR("pspm.snn", snnc.Options{Passes: passes.Options{Verify: true}, Set: set})
	if p == nil {
		t.Fatal(diags)
	}
	res, err := gosim.Run(p, gosim.Options{Seed: &seed, Duration: dur})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][][]float64{}
	for _, m := range res.Spikes {
		trains := make([][]float64, 20) // the populations' size in pspm.snn
		for k, i := range m.I {
			trains[i] = append(trains[i], m.T[k])
		}
		out[m.Name] = trains
	}
	for _, name := range []string{"T", "L", "Miss", "Extra"} {
		if out[name] == nil {
			t.Fatalf("spikes of %s not recorded", name)
		}
	}
	return out
}

// unmatched counts the spikes of a, neuron by neuron, that no spike of
// the same neuron in b matches within [t − W, t + W) (W = 5 ms, the
// detectors' window), in windows of w seconds.
func unmatched(a, b [][]float64, dur, w float64) []int {
	const W, eps = 0.005, 1e-7 // eps: times are multiples of dt
	n := make([]int, int(math.Round(dur/w)))
	for j := range a {
		for _, ta := range a[j] {
			// the first spike of b at or after ta − W (b is in time order)
			k := sort.SearchFloat64s(b[j], ta-W-eps)
			hit := k < len(b[j]) && b[j][k] < ta+W-eps
			if k := int(ta / w); !hit && k < len(n) {
				n[k]++
			}
		}
	}
	return n
}

func spikeCount(trains [][]float64) int {
	n := 0
	for _, x := range trains {
		n += len(x)
	}
	return n
}

func total(x []int) int {
	n := 0
	for _, v := range x {
		n += v
	}
	return n
}

// vanRossum2 is van Rossum's (2001) squared distance between spike
// trains a and b: (1/τ)∫(f − g)² dt with f, g the trains filtered by
// exp(−t/τ), in its closed form ½(Σ e^{−|aᵢ−aⱼ|/τ} + Σ e^{−|bᵢ−bⱼ|/τ}) −
// Σ e^{−|aᵢ−bⱼ|/τ}.
func vanRossum2(a, b []float64) float64 {
	k := func(x, y []float64) float64 {
		s := 0.0
		for _, u := range x {
			for _, v := range y {
				s += math.Exp(-math.Abs(u-v) / pspmTau)
			}
		}
		return s
	}
	return 0.5*(k(a, a)+k(b, b)) - k(a, b)
}

// pspmDistance is the learner's distance to the teacher in windows of w
// seconds: Σⱼ D²(Tⱼ, Lⱼ) over the neurons, over Σⱼ D²(Tⱼ, ∅) (the
// distance of a silent learner), so 0 is a perfect copy, 1 silence, and
// two independent trains of the teacher's rate about 1.
func pspmDistance(teacher, learner [][]float64, dur, w float64) []float64 {
	in := func(x []float64, lo float64) []float64 {
		var out []float64
		for _, v := range x {
			if v >= lo && v < lo+w {
				out = append(out, v)
			}
		}
		return out
	}
	var d []float64
	for lo := 0.0; lo+w <= dur+1e-9; lo += w {
		num, den := 0.0, 0.0
		for j := range teacher {
			a, b := in(teacher[j], lo), in(learner[j], lo)
			num += vanRossum2(a, b)
			den += vanRossum2(a, nil)
		}
		d = append(d, num/den)
	}
	return d
}

// TestPSPM: a learner network copies a teacher network's spike trains by
// PSPM's stochastic updates (examples/pspm.snn). The normalised van Rossum
// distance (τ = 10 ms, 10 s windows, computed here from the recorded
// spikes) falls over 60 s of training on seeds 1 and 2 (measured: 0.965 ->
// 0.695 and 0.935 -> 0.713), while the control, the same network and seed
// 1 with p_plus = p_minus = 0, stays where it starts (1.12 -> 1.15).
// Asserted: each trained run ends below 0.8, below 0.85 of its first
// window and below 0.75 of the control's end; the control ends above 0.95
// and above 0.95 of its first window. The test also counts the spikes
// that no spike of the other train matches within ±5 ms: the detectors
// Miss and Extra fire that often (within 1 %; seed 1: 7915 and 7854
// against 7908 and 7861 counted), and the fraction of teacher spikes
// missed falls below 0.8 of its first window (0.554 -> 0.373, 0.581 ->
// 0.399). SNNC_LONG=1 trains 300 s on seeds
// 1-3 and asserts below 0.7 at the end (measured 0.631, 0.663, 0.658;
// 3.5 minutes of wall time on a loaded machine); SNNC_FIGURES=1 draws
// docs/figures/pspm.png.
func TestPSPM(t *testing.T) {
	dur, seeds := 60.0, []uint64{1, 2}
	if os.Getenv("SNNC_LONG") != "" {
		dur, seeds = 300, []uint64{1, 2, 3}
	}
	const w = 10.0
	off := []string{"ff.p_plus=0", "ff.p_minus=0", "rec.p_plus=0", "rec.p_minus=0"}
	c := pspmRun(t, 1, dur, off...)
	control := pspmDistance(c["T"], c["L"], dur, w)
	t.Logf("control (no learning, seed 1): %s", fmtSeries(control))
	cEnd := control[len(control)-1]
	if cEnd < 0.95 || cEnd < 0.95*control[0] {
		t.Errorf("control ends at distance %.3f (first window %.3f): without learning it should stay near 1", cEnd, control[0])
	}
	var series []ah.Series
	var rasters [][2][][]float64
	for _, seed := range seeds {
		r := pspmRun(t, seed, dur)
		teacher, learner := r["T"], r["L"]
		d := pspmDistance(teacher, learner, dur, w)
		t.Logf("PSPM, seed %d: %s", seed, fmtSeries(d))
		// the detectors fire once per unmatched spike, as counted here, but
		// for edge cases (a second unmatched spike within W of a pending
		// one replaces it; spikes at the window's ends, in step order)
		miss, extra := unmatched(teacher, learner, dur, w), unmatched(learner, teacher, dur, w)
		for _, c := range []struct {
			name string
			want int
		}{{"Miss", total(miss)}, {"Extra", total(extra)}} {
			if got := spikeCount(r[c.name]); math.Abs(float64(got-c.want)) > 0.01*float64(c.want) {
				t.Errorf("seed %d: %s fired %d times, but %d spikes are unmatched within ±5 ms", seed, c.name, got, c.want)
			}
		}
		perWin := func(k int) float64 { return float64(miss[k]) / float64(len(inWindow(teacher, float64(k)*w, w))) }
		first, last := perWin(0), perWin(len(miss)-1)
		t.Logf("seed %d: teacher spikes missed %.3f in the first window, %.3f in the last; %d misses and %d extra spikes in all (the detectors: %d, %d)",
			seed, first, last, total(miss), total(extra), spikeCount(r["Miss"]), spikeCount(r["Extra"]))
		if last > 0.8*first {
			t.Errorf("seed %d: the fraction of teacher spikes missed went from %.3f to %.3f: want a fall below 0.8 of the start", seed, first, last)
		}
		end := d[len(d)-1]
		if end > 0.8 || end > 0.85*d[0] || end > 0.75*cEnd {
			t.Errorf("seed %d: distance %.3f after training (first window %.3f, control %.3f): want below 0.8, 0.85 of the start and 0.75 of the control", seed, end, d[0], cEnd)
		}
		if os.Getenv("SNNC_LONG") != "" && end > 0.7 {
			t.Errorf("seed %d: distance %.3f after %g s, want below 0.7", seed, end, dur)
		}
		series = append(series, windowSeries(fmt.Sprintf("PSPM, seed %d", seed), d, w))
		rasters = append(rasters, [2][][]float64{teacher, learner})
	}
	if os.Getenv("SNNC_FIGURES") != "" {
		series = append(series, windowSeries("control (no learning), seed 1", control, w))
		panels := []ah.Panel{{Title: "PSPM: learner's van Rossum distance to the teacher (τ = 10 ms)", XLabel: "training time (s)",
			YLabel: "D² / D²(silent learner)", Series: series}}
		for _, at := range []float64{0, dur - 0.5} {
			panels = append(panels, pspmRaster(rasters[0][0], rasters[0][1], at))
		}
		if err := ah.Figure("../docs/figures/pspm.png", panels); err != nil {
			t.Fatal(err)
		}
	}
}

// inWindow is every neuron's spikes in [lo, lo + w), together.
func inWindow(trains [][]float64, lo, w float64) []float64 {
	var out []float64
	for _, x := range trains {
		for _, v := range x {
			if v >= lo && v < lo+w {
				out = append(out, v)
			}
		}
	}
	return out
}

func fmtSeries(d []float64) string {
	s := ""
	for _, x := range d {
		s += fmt.Sprintf(" %.3f", x)
	}
	return s
}

// windowSeries plots one distance per window at the window's middle.
func windowSeries(name string, d []float64, w float64) ah.Series {
	s := ah.Series{Name: name, Line: name}
	for k, v := range d {
		s.CurveX = append(s.CurveX, (float64(k)+0.5)*w)
		s.CurveY = append(s.CurveY, v)
	}
	return s
}

// pspmRaster: the spikes of neurons 0-7 in the half second from at, the
// teacher's at the neuron's index and the learner's 0.35 above.
func pspmRaster(teacher, learner [][]float64, at float64) ah.Panel {
	pts := func(name string, trains [][]float64, off float64) ah.Series {
		s := ah.Series{Name: name}
		for j := 0; j < 8 && j < len(trains); j++ {
			for _, v := range trains[j] {
				if v >= at && v < at+0.5 {
					s.X, s.Sim = append(s.X, 1000*(v-at)), append(s.Sim, float64(j)+off)
				}
			}
		}
		return s
	}
	return ah.Panel{Title: fmt.Sprintf("spikes of neurons 0-7, %g-%g s (seed 1): teacher, learner above", at, at+0.5), XLabel: fmt.Sprintf("time after %g s (ms)", at), YLabel: "neuron",
		Series: []ah.Series{pts("teacher", teacher, 0), pts("learner", learner, 0.35)}}
}
