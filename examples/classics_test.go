package examples_test

import (
	"math"
	"testing"
)

// The classics (examples/classics): published models run against Brian2
// 2.5's runs of the same models, whose scripts (classics/*.py) and outputs
// (classics/*.txt) are kept beside them; the test does not need Brian2.

// TestClassicHodgkinHuxley: an f-I curve of a Hodgkin-Huxley neuron (0.2 to
// 1.6 nA, 200 ms, RK4 at dt = 0.01 ms): every spike at Brian2's time (to the
// step) and v every 0.1 ms within 1e-9 mV of Brian2's (it differs by
// 4e-11 mV at most: the same RK4 steps, rounded differently).
func TestClassicHodgkinHuxley(t *testing.T) {
	const model = "classics/hodgkin_huxley.snn"
	sameAsBrian2(t, model, run(t, model), readBrian2(t, "classics/hodgkin_huxley.txt"), 1e3, 1e-9)
}

// TestClassicTsodyksMarkram: a depressing and a facilitating
// Tsodyks-Markram synapse under a 20 Hz train and a recovery spike: v of
// both targets every 0.1 ms within 1e-12 mV of Brian2's (4e-14 mV apart at
// most: both solve the traces exactly between spikes); and the train's
// PSPs shrink at the depressing synapse and grow at the facilitating one.
func TestClassicTsodyksMarkram(t *testing.T) {
	const model = "classics/tsodyks_markram.snn"
	res := run(t, model)
	sameAsBrian2(t, model, res, readBrian2(t, "classics/tsodyks_markram.txt"), 1e3, 1e-12)
	// the PSP of a spike at step s: v just after it minus v just before,
	// decayed over the step (samples every step: index = step)
	psp := func(v [][]float64, s int) float64 { return v[s+1][0] - v[s][0]*math.Exp(-0.1/20) }
	dep, fac := res.States[0].V, res.States[1].V
	if first, last := psp(dep, 100), psp(dep, 4600); !(last < 0.5*first) {
		t.Errorf("depressing synapse: PSP %.3g mV at the first spike, %.3g mV at the tenth", first*1e3, last*1e3)
	}
	if first, last := psp(fac, 100), psp(fac, 4600); !(last > 2*first) {
		t.Errorf("facilitating synapse: PSP %.3g mV at the first spike, %.3g mV at the tenth", first*1e3, last*1e3)
	}
}

// TestClassicAdExPatterns: the eight firing patterns of Naud et al. 2008
// (AdEx, RK4 at dt = 0.01 ms, 500 ms): every spike at Brian2's step, v every
// 1 ms within 1e-9 mV of Brian2's (2e-12 mV apart at most), except the
// irregular pattern, where round-off differences grow (1.2e-5 mV apart at
// 500 ms): 1e-4 mV there. The patterns' shapes, from the spike trains:
// tonic spikes regularly, adapting's intervals grow, transient spikes once.
func TestClassicAdExPatterns(t *testing.T) {
	const model = "classics/adex_patterns.snn"
	res := run(t, model)
	ref := readBrian2(t, "classics/adex_patterns.txt")
	sameAsBrian2(t, model, res, ref, 1e3, 1e-4)
	for k, st := range res.States {
		if st.Name == "Irregular" {
			continue
		}
		for j := range ref.t {
			if d := math.Abs(st.V[j][0]*1e3 - ref.v[j][k]); d > 1e-9 {
				t.Fatalf("%s: v at %g ms is %.17g mV, Brian2 %.17g mV", st.Name, ref.t[j], st.V[j][0]*1e3, ref.v[j][k])
			}
		}
	}
	isi := func(name string) []float64 {
		for _, sp := range res.Spikes {
			if sp.Name == name {
				var d []float64
				for j := 1; j < len(sp.T); j++ {
					d = append(d, sp.T[j]-sp.T[j-1])
				}
				return d
			}
		}
		t.Fatalf("no spikes of %s recorded", name)
		return nil
	}
	if d := isi("Tonic"); len(d) < 10 || math.Abs(d[len(d)-1]-d[len(d)-2]) > 1e-4 {
		t.Errorf("tonic: intervals %v, want a regular train", d)
	}
	if d := isi("Adapting"); len(d) < 5 || !(d[len(d)-1] > 4*d[0]) {
		t.Errorf("adapting: intervals %v, want them to grow", d)
	}
	if d := isi("Transient"); len(d) != 0 {
		t.Errorf("transient: %d spikes, want 1", len(d)+1)
	}
}
