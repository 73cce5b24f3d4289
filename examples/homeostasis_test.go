package examples_test

import (
	"math"
	"testing"
)

// TestHomeostasis checks the two mechanisms of examples/homeostasis.snn
// against their definitions, on the recorded run:
//   - synaptic scaling: at every scaling time (0, 100 ms, ...) each cell's
//     incoming weights sum to 15, while STDP moves individual weights;
//   - the adaptive threshold follows its closed form from the cell's own
//     spike times: theta(t) = theta_0·e^(−t/τ) + d_theta·Σ e^(−(t−t_k−dt)/τ)
//     over spikes t_k < t (the jump comes with the reset, at the end of the
//     step in which the spike is stamped).
func TestHomeostasis(t *testing.T) {
	res := run(t, "homeostasis.snn")
	const (
		target  = 15.0
		theta0  = 20e-3
		dTheta  = 0.5e-3
		tauTh   = 2.0
		dt      = 0.5e-3
		nCells  = 20
		scaling = 0.1
	)
	w := res.Weights[0]
	if len(w.T) != 20 {
		t.Fatalf("%d weight samples, want 20 (every 100 ms from 0 to 1.9 s)", len(w.T))
	}
	for k, tk := range w.T {
		if r := math.Remainder(tk, scaling); math.Abs(r) > 1e-9 {
			t.Fatalf("weights sampled at %g s, not a scaling time", tk)
		}
		sums := make([]float64, nCells)
		for s, v := range w.V[k] {
			sums[w.Post[s]] += v
		}
		for j, sum := range sums {
			if math.Abs(sum-target) > 1e-9*target {
				t.Fatalf("t = %g s: cell %d's weights sum to %.12g, want %g", tk, j, sum, target)
			}
		}
	}
	first, last := w.V[0], w.V[len(w.V)-1]
	moved := 0
	for s := range first {
		if math.Abs(last[s]-first[s]) > 1e-3 {
			moved++
		}
	}
	if moved < len(first)/2 {
		t.Errorf("only %d of %d weights moved: STDP is not redistributing", moved, len(first))
	}

	var spikesE, spikesI int
	times := make([][]float64, nCells)
	for _, m := range res.Spikes {
		switch m.Name {
		case "E":
			spikesE = len(m.I)
			for k, i := range m.I {
				times[i] = append(times[i], m.T[k])
			}
		case "I":
			spikesI = len(m.I)
		}
	}
	if spikesE < 100 || spikesI < spikesE/2 {
		t.Fatalf("E fired %d spikes and I %d: the network is not active or I does not follow E", spikesE, spikesI)
	}
	th := res.States[0]
	if th.Var != "theta" || len(th.T) != 200 {
		t.Fatalf("recorded %s with %d samples, want theta with 200", th.Var, len(th.T))
	}
	worst := 0.0
	for k, tk := range th.T {
		for n := 0; n < nCells; n++ {
			want := theta0 * math.Exp(-tk/tauTh)
			for _, ts := range times[n] {
				if ts < tk-1e-12 {
					want += dTheta * math.Exp(-(tk-ts-dt)/tauTh)
				}
			}
			worst = max(worst, math.Abs(th.V[k][n]-want)/want)
		}
	}
	if worst > 1e-9 {
		t.Errorf("theta departs from its closed form by %.3g (relative)", worst)
	}
}
