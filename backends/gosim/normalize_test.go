package gosim_test

import (
	"math"
	"testing"

	"github.com/snnc/snnc/backends/gosim"
)

// TestNormalizeTrace: in testdata/gocode/normalize_trace.snn, w is a trace
// of the presynaptic spikes (w += 1, w' = -w/tau; sources 0, 1, 2 spike at
// 1, 2 and 4 ms) that normalize l2 rescales to unit norm every 1 ms, per
// postsynaptic neuron, after that step's events. So at whole ms m the vector
// is the previous one decayed by exp(-1 ms/tau), plus 1 for a source
// spiking at m, divided by its norm; half-way it has decayed by
// exp(-0.5 ms/tau); both postsynaptic neurons see the same vector. A sample
// is taken before its step's events (Brian2's when='start'), so the one at
// whole ms m shows the vector of m-1 decayed by exp(-1 ms/tau). Such a
// trace would be stored once per presynaptic neuron without normalize: the
// run used to stop with "normalize needs a per-synapse variable".
func TestNormalizeTrace(t *testing.T) {
	const tau = 5e-3
	// want[m]: the vector right after the scaling at m ms
	want := make([][3]float64, 10)
	for m := 1; m < 10; m++ {
		v := want[m-1]
		for i := range v {
			v[i] *= math.Exp(-1e-3 / tau)
		}
		switch m {
		case 1, 2:
			v[m-1]++
		case 4:
			v[2]++
		}
		n := math.Sqrt(v[0]*v[0] + v[1]*v[1] + v[2]*v[2])
		for i := range v {
			v[i] /= n
		}
		want[m] = v
	}
	for _, off := range [][]string{nil, {"lazy"}, {"fuse", "sparsity"}} {
		res := run(t, compile(t, "../../testdata/gocode/normalize_trace.snn", off...), gosim.Options{})
		w := res.Weights[0]
		checked := 0
		for n, ts := range w.T {
			steps := int(math.Round(ts / 1e-4))
			if steps < 10 {
				continue
			}
			m, f := steps/10, math.Exp(-0.5e-3/tau)
			if steps%10 == 0 {
				m, f = m-1, math.Exp(-1e-3/tau)
			}
			for k, x := range w.V[n] {
				if y := f * want[m][w.Pre[k]]; math.Abs(x-y) > 1e-12 {
					t.Errorf("off=%v t=%g: synapse %d (%d -> %d) w = %v, want %v", off, ts, k, w.Pre[k], w.Post[k], x, y)
				}
				checked++
			}
		}
		if checked != 6*18 {
			t.Errorf("off=%v: checked %d values, want 108 (18 samples from 1 ms on, 6 synapses)", off, checked)
		}
	}
}

// TestCoupledTracesRun: testdata/gocode/coupled_traces.snn runs (both of
// its shapes stopped the run at start), the recorded static weights are the
// projection's 1 mV on every synapse, their number that of a stored
// bernoulli(0.1) projection, and lazy integration changes no weight.
func TestCoupledTracesRun(t *testing.T) {
	a := run(t, compile(t, "../../testdata/gocode/coupled_traces.snn"), gosim.Options{})
	b := run(t, compile(t, "../../testdata/gocode/coupled_traces.snn", "lazy", "sparsity"), gosim.Options{})
	for k, m := range a.Weights {
		last := m.V[len(m.V)-1]
		want := b.Weights[k].V[len(b.Weights[k].V)-1]
		if len(last) != len(want) || len(last) == 0 {
			t.Fatalf("%s: %d synapses, %d with csr storage", m.Name, len(last), len(want))
		}
		for i, x := range last {
			if m.Name == "st" && x != 1e-3 {
				t.Errorf("st synapse %d: weight %v, want 1 mV", i, x)
			}
			if math.Abs(x-want[i]) > 1e-12 {
				t.Errorf("%s synapse %d: %v, with lazy and sparsity off %v", m.Name, i, x, want[i])
			}
		}
	}
}
