package examples_test

import (
	"fmt"
	"math"
	"os"
	"testing"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/backends/gosim"
	ah "github.com/snnc/snnc/examples/ahmad_hawkins2016"
	"github.com/snnc/snnc/passes"
)

// ultraMap is UltraLIF's step in Go, the reference: v <- beta·v + drive −
// v_th·s(v), with s the soft step sigmoid((v − v_th)/eps), or the
// Heaviside step H(v − v_th) for eps = 0 (the hard-threshold LIF with reset
// by subtraction). It returns v at the start of every step (SI units).
func ultraMap(drive, eps float64, steps int) []float64 {
	v := make([]float64, steps)
	for n := 1; n < steps; n++ {
		v[n] = ultraStep(v[n-1], drive, eps)
	}
	return v
}

func ultraStep(x, drive, eps float64) float64 {
	const dt, tau, vth = 1e-3, 20e-3, 10e-3
	beta := math.Exp(-dt / tau)
	s := 0.0
	if eps > 0 {
		s = 1 / (1 + math.Exp(-(x-vth)/eps))
	} else if x > vth {
		s = 1
	}
	return x + dt*(((beta-1)*x+drive-vth*s)/dt)
}

// TestUltraLIF: std/neurons' UltraLIF is the paper's soft-threshold map
// (every step of every recorded v is the Go map's step from the same v, to
// 1e-14 V; whole trajectories are not compared, since near the threshold
// the map stretches rounding differences by up to v_th/(4·eps) a step), and
// it converges to the hard-threshold LIF as eps -> 0: the largest
// one-step deviation from the hard map (from the same v), averaged over 20
// neurons and 500 steps, falls with eps (about linearly: θ·|σ(x/eps) −
// H(x)| integrates to 2·ln2·θ·eps over x); the step at which the first
// spike differs from the hard LIF's comes later as eps falls; at
// eps <= 0.01 mV the spike count is within 1 % of the hard LIF's; and at
// eps = 3 mV the soft reset changes the spike count by more than 10 %.
func TestUltraLIF(t *testing.T) {
	epss := []float64{3, 1, 0.3, 0.1, 0.03, 0.01, 0.003, 0.001} // mV
	prev, prevFirst := math.Inf(1), 0
	errS := ah.Series{Name: "snnc (from the recorded v)"}
	countS := ah.Series{Name: "UltraLIF (v > v_th)"}
	hardS := ah.Series{Name: "hard-threshold LIF"}
	for _, eps := range epss {
		p, _, diags := snnc.CompileIR("ultralif.snn", snnc.Options{Passes: passes.Options{Verify: true},
			Set: []string{fmt.Sprintf("U.eps=%g mV", eps)}})
		if p == nil {
			t.Fatal(diags)
		}
		res, err := gosim.Run(p, gosim.Options{})
		if err != nil {
			t.Fatal(err)
		}
		var v [][]float64
		var drive []float64
		for _, m := range res.States {
			switch m.Var {
			case "v":
				v = m.V
			case "drive":
				drive = m.V[0]
			}
		}
		steps := len(v)
		stepErr, softSpikes, hardSpikes := 0.0, 0, 0
		first := steps // the first step at which a neuron's trajectory leaves the hard LIF's spikes
		for i, d := range drive {
			hard := ultraMap(d, 0, steps)
			diverged := false
			for n := 1; n < steps; n++ {
				if want := ultraStep(v[n-1][i], d, eps*1e-3); math.Abs(v[n][i]-want) > 1e-14 {
					t.Fatalf("eps = %g mV, neuron %d, step %d: v = %.15g V, the map gives %.15g", eps, i, n, v[n][i], want)
				}
				stepErr += math.Abs(v[n][i] - ultraStep(v[n-1][i], d, 0))
				if v[n][i] > 10e-3 {
					softSpikes++
				}
				if hard[n] > 10e-3 {
					hardSpikes++
				}
				if !diverged && (v[n][i] > 10e-3) != (hard[n] > 10e-3) {
					diverged, first = true, min(first, n)
				}
			}
		}
		stepErr /= float64(len(drive) * (steps - 1))
		t.Logf("eps = %5g mV: mean |step_eps − step_hard| = %.3e V; %d spikes (hard LIF %d); first different spike at step %d",
			eps, stepErr, softSpikes, hardSpikes, first)
		if stepErr >= prev {
			t.Errorf("eps = %g mV: mean one-step deviation %.3e V from the hard LIF, not below %.3e at the larger eps", eps, stepErr, prev)
		}
		prev = stepErr
		x := math.Log10(eps)
		errS.X, errS.Sim = append(errS.X, x), append(errS.Sim, stepErr*1e3)
		countS.X, countS.Sim = append(countS.X, x), append(countS.Sim, float64(softSpikes))
		hardS.CurveX, hardS.CurveY = append(hardS.CurveX, x), append(hardS.CurveY, float64(hardSpikes))
		if first < prevFirst {
			t.Errorf("eps = %g mV: the spikes leave the hard LIF's at step %d, earlier than at the larger eps (%d)", eps, first, prevFirst)
		}
		prevFirst = first
		if eps <= 0.01 && math.Abs(float64(softSpikes-hardSpikes)) > 0.01*float64(hardSpikes) {
			t.Errorf("eps = %g mV: %d spikes, the hard LIF %d (want within 1 %%)", eps, softSpikes, hardSpikes)
		}
		if eps == 3 && math.Abs(float64(softSpikes-hardSpikes)) < 0.1*float64(hardSpikes) {
			t.Errorf("eps = 3 mV: %d spikes, the hard LIF %d; the soft threshold should matter", softSpikes, hardSpikes)
		}
	}
	if os.Getenv("SNNC_FIGURES") != "" {
		last := len(errS.Sim) - 1
		for _, x := range errS.X { // a line through the smallest eps, proportional to eps
			errS.CurveX = append(errS.CurveX, x)
			errS.CurveY = append(errS.CurveY, errS.Sim[last]*math.Pow(10, x-errS.X[last]))
		}
		panels := []ah.Panel{
			{Title: "One-step deviation from the hard LIF (line: slope 1)", XLabel: "log10 ε (mV)", YLabel: "mean |Δv| (mV)", LogY: true, Series: []ah.Series{errS}},
			{Title: "Spikes of 20 neurons in 500 steps", XLabel: "log10 ε (mV)", YLabel: "spikes", LegendLeft: true, Series: []ah.Series{countS, hardS}},
		}
		if err := ah.Figure("../docs/figures/ultralif.png", panels); err != nil {
			t.Fatal(err)
		}
	}
}
