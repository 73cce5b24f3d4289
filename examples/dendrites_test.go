package examples_test

import (
	"math"
	"testing"
)

// TestDendrites: examples/dendrites.snn.
//   - Two-compartment cells: below threshold the soma-dendrite system is
//     linear, so the soma's mean voltage is the stationary solution for the
//     mean apical current, v − E_l = g_c·I / (g_s·g_d + g_c·(g_s + g_d)),
//     and in the dendrite v_d − E_l = (g_s + g_c)·I / (same), with
//     I = (apical events per second)·weight·tau_syn counted from the
//     recorded input spikes; cells without apical input stay at E_l.
//   - Active-dendrite cells: context opens the dendritic gate (sigmoid of
//     the segments' input, 1/2 without context), so the gated cells fire
//     clearly more than the ungated ones on the same feedforward drive.
func TestDendrites(t *testing.T) {
	res := run(t, "dendrites.snn")
	const (
		gS, gD, gC = 10e-9, 5e-9, 10e-9 // std/dendrites TwoCompartment
		El, tauSyn = -70e-3, 5e-3
		weight     = 10e-12
		from, to   = 0.2, 2.0 // after the 20 ms transients
	)
	rates := map[string]float64{}
	var apical []float64
	for _, p := range res.Summary.Populations {
		rates[p.Name] = p.RateHz
	}
	for _, m := range res.Spikes {
		if m.Name == "Apical" {
			apical = m.T
		}
	}
	// events whose current is still felt in the window (tau_syn = 5 ms)
	n := 0
	for _, ts := range apical {
		if ts >= from-10*tauSyn && ts < to {
			n++
		}
	}
	I := float64(n) / (to - from + 10*tauSyn) * weight * tauSyn
	det := gS*gD + gC*(gS+gD)
	want := map[string]float64{"v": gC * I / det, "dend.v_d": (gS + gC) * I / det}
	checked := 0
	for _, st := range res.States {
		sum, cnt := 0.0, 0
		for k, tk := range st.T {
			if tk >= from {
				for _, v := range st.V[k] {
					sum += v
					cnt++
				}
			}
		}
		mean := sum/float64(cnt) - El
		switch st.Name {
		case "Up":
			if rates["Up"] != 0 {
				t.Fatalf("Up fired at %g Hz: the closed form needs it below threshold", rates["Up"])
			}
			checked++
			if w := want[st.Var]; math.Abs(mean-w) > 0.02*w {
				t.Errorf("Up.%s: %.3f mV above rest, stationary solution %.3f mV", st.Var, mean*1e3, w*1e3)
			}
		case "Down":
			if math.Abs(mean) > 1e-9 {
				t.Errorf("Down: soma %.3g V off rest without input", mean)
			}
		}
	}
	if checked != 2 {
		t.Errorf("checked %d of Up's recordings, want v and dend.v_d", checked)
	}
	if rates["Ungated"] < 5 || rates["Gated"] < 1.5*rates["Ungated"] {
		t.Errorf("gated %.1f Hz, ungated %.1f Hz: context should open the gate", rates["Gated"], rates["Ungated"])
	}
}
