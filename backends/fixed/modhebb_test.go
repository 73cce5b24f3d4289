package fixed_test

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snnc/snnc/backends/fixed"
	"github.com/snnc/snnc/backends/gosim"
)

// TestModulatedRule: the modulated trace rule of examples/neuromod_hebb
// on q16 against its closed form. One presynaptic spike at 10 ms, the
// postsynaptic neuron driven to fire once near 15 ms, one modulator spike
// at 20 ms: Δw = eta·e^(−(20 − t_pre)/τ)·e^(−(20 − t_post)/τ), exactly in
// float64, and on q16 within the traces' error (each decay step truncates
// less than 2^-G and the decay constant is quantized: n·(2^-G + |d_q − d|)
// after n steps) times eta and the other trace, plus one LSB of w.
func TestModulatedRule(t *testing.T) {
	src, err := os.ReadFile("../../testdata/fixed/modhebb.snn")
	if err != nil {
		t.Fatal(err)
	}
	rule := string(src)[:strings.Index(string(src), "network Mod")]
	model := rule + `network One {
    dt = 0.1 ms
    input Pre = spike_times(1, times = [10 ms])
    input Drive = spike_times(1, times = [15 ms])
    input M = spike_times(1, times = [20 ms])
    population P = IF[1]
    project Drive -> P : exc { connect = all_to_all  weight = 30 mV }
    project hebb = Pre -> P : exc using ModHebb { connect = all_to_all  weight = 1 mV  modulator fb = M }
    record spikes(P)
    record weights(hebb) every 1 ms at end
}

run One for 30 ms
`
	path := filepath.Join(t.TempDir(), "one.snn")
	if err := os.WriteFile(path, []byte(model), 0o644); err != nil {
		t.Fatal(err)
	}
	p := compile(t, path)
	q := lower(t, p, "q16")
	res := run(t, p, q, fixed.Options{})
	fres, err := gosim.Run(p, gosim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Spikes[0].T) != 1 || len(fres.Spikes[0].T) != 1 || res.Spikes[0].T[0] != fres.Spikes[0].T[0] {
		t.Fatalf("post spikes %v (q16), %v (float64): want one, the same", res.Spikes[0].T, fres.Spikes[0].T)
	}
	const eta, tau, dt = 0.05, 20e-3, 1e-4
	tPre, tPost, tMod := 10e-3, res.Spikes[0].T[0], 20e-3
	x, y := math.Exp(-(tMod-tPre)/tau), math.Exp(-(tMod-tPost)/tau)
	want := eta * x * y // the change from the first sample
	pl := q.Projs[len(q.Projs)-1].Plastic
	d := math.Exp(-dt / tau)
	dq := decayOf(t, pl, true)
	trace := func(n float64, g int) float64 { return n * (math.Ldexp(1, -g) + math.Abs(dq-d)) }
	ex, ey := trace(math.Round((tMod-tPre)/dt), pl.GuardX), trace(math.Round((tMod-tPost)/dt), pl.GuardY)
	bound := eta*(x*ey+y*ex+ex*ey) + pl.W.Scale
	change := func(v [][]float64) float64 { return v[len(v)-1][0] - v[0][0] }
	fw, qw := change(fres.Weights[0].V), change(res.Weights[0].V)
	if math.Abs(fw-want) > 1e-9 {
		t.Errorf("float64: Δw = %.9f, closed form %.9f", fw, want)
	}
	if math.Abs(qw-want) > bound {
		t.Errorf("q16: Δw = %.9f, closed form %.9f, bound %.2g", qw, want, bound)
	}
	t.Logf("Δw = %.6f: float64 %.6f, q16 %.6f (bound %.2g)", want, fw, qw, bound)
}
