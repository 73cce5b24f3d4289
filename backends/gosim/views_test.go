package gosim_test

import (
	"math"
	"testing"

	"github.com/snnc/snnc/backends/gosim"
)

// spikesOf splits a spike monitor's record by neuron.
func spikesOf(res *gosim.Result, k, n int) [][]float64 {
	out := make([][]float64, n)
	m := res.Spikes[k]
	for j, i := range m.I {
		out[i] = append(out[i], m.T[j])
	}
	return out
}

// TestPerNeuronRamp: a parameter computed from the neuron index,
// I0 = i/N · 480 pA, gives each neuron its own constant current, and each
// neuron's spike train follows the LIF f-I closed form with its own I0:
// the first spike stamped at (ceil(T_i/dt) - 1)·dt with
// T_i = tau·ln(RI/(RI - 20 mV)), then one every tref/dt + ceil(T_i/dt) - 1
// steps; the neurons with R·I0 ≤ 20 mV never fire.
func TestPerNeuronRamp(t *testing.T) {
	res := run(t, compile(t, "../../testdata/run/fi_ramp.snn"), gosim.Options{})
	dt, tau, tref, steps := 1e-4, 10e-3, 2e-3, 1000.0
	got := spikesOf(res, 0, 12)
	fired := 0
	for i, ts := range got {
		ri := 4e-3 * float64(i)
		if ri <= 20e-3 {
			if len(ts) != 0 {
				t.Errorf("neuron %d (R·I = %g mV) fired %d times, want none", i, ri*1e3, len(ts))
			}
			continue
		}
		fired++
		T := tau * math.Log(ri/(ri-20e-3))
		if f := T / dt; math.Abs(f-math.Round(f)) < 1e-6 {
			t.Fatalf("neuron %d: T/dt = %v is too close to a whole step for the closed form", i, f)
		}
		first := math.Ceil(T/dt) - 1
		period := math.Round(tref/dt) + math.Ceil(T/dt) - 1
		want := int((steps-1-first)/period) + 1
		if len(ts) != want {
			t.Errorf("neuron %d: %d spikes, want %d (first at step %v, period %v)", i, len(ts), want, first, period)
			continue
		}
		for k, s := range ts {
			if w := (first + float64(k)*period) * dt; math.Abs(s-w) > 1e-12 {
				t.Errorf("neuron %d spike %d at %.4f ms, want %.4f ms", i, k, s*1e3, w*1e3)
			}
		}
	}
	if fired != 6 {
		t.Errorf("%d neurons fired, want 6 (i = 6..11)", fired)
	}
}
