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
	for _, off := range [][]string{nil, {"fuse"}} {
		res := run(t, compile(t, "../../testdata/gocode/summed.snn", off...), gosim.Options{})
		w := map[[2]int]float64{} // (pre, post) -> w; F's neurons after E's
		for _, m := range res.Weights {
			base := 0
			if m.Name != res.Weights[0].Name {
				base = 2 // F's neurons after E's
			}
			for k, x := range m.V[len(m.V)-1] {
				w[[2]int{int(m.Pre[k]), base + int(m.Post[k])}] = x
			}
		}
		spikes := [][2]float64{{0, 1e-3}, {1, 2e-3}, {0, 2.5e-3}, {2, 6e-3}}
		const dt, tau = 1e-4, 2e-3
		for _, m := range res.States {
			base := 0
			if m.Name == "F" {
				base = 2
			}
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
							want += w[[2]int{i, base + j}] * math.Exp(-(tDrive-ti)/tau)
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
