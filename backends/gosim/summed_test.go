package gosim_test

import (
	"math"
	"testing"

	"github.com/snnc/snnc/backends/gosim"
)

// TestSummed: a neuron's continuous port driven by a summed synapse holds
// sum_i w_ij exp(-(t - t_i)/tau) over the presynaptic neurons i that have
// spiked (t_i their last spike), computed at the start of each step. The
// recorded sample at step n is the previous step's drive (state is
// recorded before the ports are driven); a spike at step m sets its trace
// in that step's synaptic events, so the drive first sees it at step m+1.
func TestSummed(t *testing.T) {
	for _, off := range [][]string{nil, {"fuse"}, {"lazy"}} {
		res := run(t, compile(t, "../../testdata/gocode/summed.snn", off...), gosim.Options{})
		type key struct {
			pop       string
			pre, post int
		}
		w := map[key]float64{} // absent: no synapse
		popOf := map[string]string{"tr[P->E]": "E", "tr[P->F]": "F", "trh": "H"}
		for _, m := range res.Weights {
			if popOf[m.Name] == "" {
				t.Fatalf("weight monitor %q", m.Name)
			}
			for k, x := range m.V[len(m.V)-1] {
				w[key{popOf[m.Name], int(m.Pre[k]), int(m.Post[k])}] = x
			}
		}
		if len(w) == 3*5+3*4 || len(w) <= 3*5 {
			t.Fatalf("%d synapses: H should be reached by some but not all pairs", len(w))
		}
		spikes := [][2]float64{{0, 1e-3}, {1, 2e-3}, {0, 2.5e-3}, {2, 6e-3}}
		const dt, tau = 1e-4, 2e-3
		for _, m := range res.States {
			for n, ts := range m.T {
				if n == 0 {
					continue
				}
				tDrive := ts - dt // the drive recorded at step n was computed at step n-1
				for j, got := range m.V[n] {
					last := map[int]float64{}
					for _, sp := range spikes {
						if sp[1] < tDrive-dt/2 { // spiked at a step before the drive's
							last[int(sp[0])] = sp[1]
						}
					}
					want := 0.0
					for i := 0; i < 3; i++ { // presynaptic order, as the backends sum
						if ti, ok := last[i]; ok {
							if wij, ok := w[key{m.Name, i, j}]; ok {
								want += wij * math.Exp(-(tDrive-ti)/tau)
							}
						}
					}
					if math.Abs(got-want) > 1e-12 {
						t.Fatalf("off=%v %s[%d].drive at %.1f ms = %.15g, want %.15g", off, m.Name, j, ts*1e3, got, want)
					}
				}
			}
		}
	}
}
