package examples

import (
	"math"
	"testing"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/backends/gosim"
)

// TestFICurve: neuron i of examples/fi_curve.snn receives I0 = i/200 nA
// and fires at the LIF f-I closed form. On the time grid the first spike is
// stamped at (ceil(T/dt) - 1)·dt, T = tau·ln(RI/(RI - 20 mV)), and the
// next ones every tref/dt + ceil(T/dt) - 1 steps, so the spike count over
// the run is known exactly; the rate also stays within one step per period
// of the continuous closed form 1/(tref + T).
func TestFICurve(t *testing.T) {
	p, _, diags := snnc.CompileIR("fi_curve.snn", snnc.Options{})
	if p == nil {
		t.Fatal(diags)
	}
	res, err := gosim.Run(p, gosim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	count := make([]int, 200)
	for _, i := range res.Spikes[0].I {
		count[i]++
	}
	dt, tau, tref, steps := 1e-4, 20e-3, 2e-3, 20000.0
	firing := 0
	for i, n := range count {
		ri := 100e6 * float64(i) / 200 * 1e-9 // R·I0 in volts
		if math.Abs(ri-20e-3) < 1e-12 {
			continue // at the rheobase: v creeps up to the threshold, round-off decides
		}
		if ri < 20e-3 {
			if n != 0 {
				t.Errorf("neuron %d below the rheobase fired %d times", i, n)
			}
			continue
		}
		firing++
		T := tau * math.Log(ri/(ri-20e-3))
		if f := T / dt; math.Abs(f-math.Round(f)) < 1e-6 {
			continue // on a step boundary the grid rounding is not decided by the closed form
		}
		first := math.Ceil(T/dt) - 1
		period := math.Round(tref/dt) + math.Ceil(T/dt) - 1
		if want := int((steps-1-first)/period) + 1; n != want {
			t.Errorf("neuron %d (I0 = %g pA): %d spikes, want %d", i, float64(i)*5, n, want)
		}
		rate, closed := float64(n)/2, 1/(tref+T)
		if math.Abs(rate-closed) > closed*closed*dt+1/2.0 {
			t.Errorf("neuron %d: %g Hz, closed form %g Hz", i, rate, closed)
		}
	}
	if firing != 159 {
		t.Errorf("%d neurons fire, want 159 (i = 41..199: R·I0 > 20 mV)", firing)
	}
}
