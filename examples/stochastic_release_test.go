package examples

import (
	"math"
	"testing"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/backends/gosim"
)

// TestStochasticRelease: examples/stochastic_release.snn. Release is
// linear, so at every sample the mean of R's 1000 conductances equals D's
// (reliable synapses of weight p_rel·w) within 5 standard errors; between
// the first and second arrival (7-15 ms) each R neuron holds either a
// conductance or none, and the fraction holding one is Binomial(1000,
// p_rel)/1000 (closed form: mean 0.25, SE sqrt(p(1-p)/1000)). Two
// threads give the same traces (the draws are keyed by synapse and step).
func TestStochasticRelease(t *testing.T) {
	p, _, diags := snnc.CompileIR("stochastic_release.snn", snnc.Options{})
	if p == nil {
		t.Fatal(diags)
	}
	res, err := gosim.Run(p, gosim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	const pRel, n = 0.25, 1000
	r, d := res.States[0], res.States[1]
	if r.Var != "g" || d.Var != "g" || len(r.V) != 100 {
		t.Fatalf("recordings %s.%s (%d samples), %s.%s: want R.g and D.g every 1 ms", r.Name, r.Var, len(r.V), d.Name, d.Var)
	}
	nonzero := 0
	for k := range r.V {
		m, s2 := 0.0, 0.0
		for _, x := range r.V[k] {
			m += x / n
		}
		for _, x := range r.V[k] {
			s2 += (x - m) * (x - m) / (n - 1)
		}
		want := d.V[k][0]
		if want > 0 {
			nonzero++
		}
		if se := math.Sqrt(s2 / n); math.Abs(m-want) > 5*se+1e-24 {
			t.Errorf("t = %.0f ms: mean g_R %.4g nS, want g_D = %.4g nS ± %.2g", r.T[k]*1e3, m*1e9, want*1e9, 5*se*1e9)
		}
		if t0 := r.T[k]; t0 > 6.5e-3 && t0 < 15.5e-3 {
			held := 0.0
			for _, x := range r.V[k] {
				if x > 0 {
					held++
				}
			}
			if se := math.Sqrt(pRel * (1 - pRel) / n); math.Abs(held/n-pRel) > 5*se {
				t.Errorf("t = %.0f ms: %.3f of R hold a conductance, want p_rel = %.2f ± %.3f", t0*1e3, held/n, pRel, 5*se)
			}
		}
	}
	if nonzero < 90 {
		t.Fatalf("D's conductance is nonzero at %d samples: the inputs did not arrive", nonzero)
	}
	two, err := gosim.Run(p, gosim.Options{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	for k := range r.V {
		for i, x := range r.V[k] {
			if two.States[0].V[k][i] != x {
				t.Fatalf("t = %g s, neuron %d: two threads give %g, one %g", r.T[k], i, two.States[0].V[k][i], x)
			}
		}
	}
}
