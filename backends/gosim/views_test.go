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

// TestViews: a projection S[2:5] -> E[10:13] one to one reaches only
// neurons 10..12, each from its own source (source 2+k spikes at (3+k) ms,
// neuron 10+k one step later), and a current on E[15:17] drives only
// neurons 15 and 16, along the LIF closed form (first spike stamped at
// (ceil(T/dt) - 1)·dt, T = tau·ln 3, then every tref/dt + ceil(T/dt) - 1
// steps). No other neuron spikes.
func TestViews(t *testing.T) {
	res := run(t, compile(t, "../../testdata/run/views.snn"), gosim.Options{})
	got := spikesOf(res, 0, 20)
	dt := 1e-4
	T := 10e-3 * math.Log(3)
	first := math.Ceil(T/dt) - 1
	period := math.Round(2e-3/dt) + math.Ceil(T/dt) - 1
	for i, ts := range got {
		var want []float64
		switch {
		case i >= 10 && i < 13:
			want = []float64{float64(i-10+3)*1e-3 + dt}
		case i == 15 || i == 16:
			for k := 0.0; first+k*period < 500; k++ {
				want = append(want, (first+k*period)*dt)
			}
		}
		if len(ts) != len(want) {
			t.Errorf("neuron %d: spikes at %v, want %v", i, ts, want)
			continue
		}
		for k := range ts {
			if math.Abs(ts[k]-want[k]) > 1e-12 {
				t.Errorf("neuron %d spike %d at %v, want %v", i, k, ts[k], want[k])
			}
		}
	}
}

// TestIndexInFusedLoop: populations A and B of one type run as one loop
// (fuse), but i counts within each: B's neuron k gets I0 = k·50 pA, and
// its v follows R·I0·(1 - exp(-t/tau)) (5 mV per 50 pA at steady state),
// read at the last sample.
func TestIndexInFusedLoop(t *testing.T) {
	p := compile(t, "../../testdata/gocode/fused_index.snn")
	if p.Pops[1].Group == nil || p.Pops[1].Offset != 3 {
		t.Fatalf("B is not fused after A (group %v, offset %d)", p.Pops[1].Group, p.Pops[1].Offset)
	}
	res := run(t, p, gosim.Options{})
	for k, mon := range res.States {
		n := 3 + k // A has 3 neurons, B 4
		last := mon.V[len(mon.V)-1]
		if len(last) != n {
			t.Fatalf("%s: %d neurons recorded, want %d", mon.Name, len(last), n)
		}
		at := mon.T[len(mon.T)-1]
		if at < 4e-3 {
			t.Fatalf("%s: last sample at %g s", mon.Name, at)
		}
		for i, v := range last {
			want := float64(i) * 5e-3 * (1 - math.Exp(-at/10e-3))
			if math.Abs(v-want) > 1e-12 {
				t.Errorf("%s.v[%d] at %g ms = %.15g, want %.15g", mon.Name, i, at*1e3, v, want)
			}
		}
	}
}

// TestRecordSpikesView: `record spikes(E[2:5], S[15:20])` records only the
// view's neurons, by their index in the population. S's 20 neurons spike
// at 1 and 2 ms; S[0:10] drives E one to one above threshold with a 1 ms
// delay, so each E neuron spikes once per input spike, 1 ms and one step
// later (the event lands in the step after the delay, the crossing is
// stamped with that step). The view holds E 2..4 (2 spikes each, at 2.1
// and 3.1 ms) and S 15..19 (at 1 and 2 ms), nothing else.
func TestRecordSpikesView(t *testing.T) {
	src := `import "std/neurons"
network N {
    dt = 0.1 ms
    input S = spike_times(20, times = [1 ms, 2 ms])
    population E = IF[10] { tau_m = 20 ms  E_l = 0 mV  v_th = 5 mV  v_reset = 0 mV  t_ref = 0.5 ms  v = 0 mV }
    project S[0:10] -> E : exc { connect = one_to_one  weight = 6 mV  delay = 1 ms }
    record spikes(E[2:5], S[15:20])
}
run N for 5 ms`
	res := run(t, compileSrc(t, src), gosim.Options{})
	if len(res.Spikes) != 2 {
		t.Fatalf("%d spike monitors, want 2", len(res.Spikes))
	}
	check := func(k, n, lo, hi int, times []float64) {
		t.Helper()
		byNeuron := spikesOf(res, k, n)
		for i, ts := range byNeuron {
			want := 0
			if i >= lo && i < hi {
				want = len(times)
			}
			if len(ts) != want {
				t.Errorf("%s neuron %d: %d spikes recorded, want %d", res.Spikes[k].Name, i, len(ts), want)
				continue
			}
			for j := range ts {
				if math.Abs(ts[j]-times[j]) > 1e-9 {
					t.Errorf("%s neuron %d: spike %d at %g s, want %g s", res.Spikes[k].Name, i, j, ts[j], times[j])
				}
			}
		}
	}
	check(0, 10, 2, 5, []float64{2.1e-3, 3.1e-3})
	check(1, 20, 15, 20, []float64{1e-3, 2e-3})
}

// TestCurrentShapesOnViews: currents whose amplitude is an expression of t
// drive only their views. v' = (R·I(t) - v)/tau with I held over a step
// (sampled at its start, t_n = n·dt) has the closed-form step
// v_{n+1} = a·v_n + (1 - a)·R·I(t_n), a = e^{-dt/tau}: the ramp
// I = 10 pA/ms·(t - 5 ms) on E[2:4] during [5 ms, 15 ms), the sine
// I = 100 pA·sin(2πt/10 ms) on E[6:8]; every other neuron stays at 0.
func TestCurrentShapesOnViews(t *testing.T) {
	res := run(t, compile(t, "../../testdata/run/current_shapes.snn"), gosim.Options{})
	dt, tau, R := 1e-4, 10e-3, 100e6
	a := math.Exp(-dt / tau)
	ramp := func(n int) float64 {
		if n < 50 || n >= 150 {
			return 0
		}
		return 10e-9 * (float64(n)*dt - 5e-3)
	}
	sine := func(n int) float64 { return 100e-12 * math.Sin(2*math.Pi*float64(n)*dt/10e-3) }
	m := res.States[0]
	if len(m.V) != 200 {
		t.Fatalf("%d samples, want 200", len(m.V))
	}
	vr, vs := 0.0, 0.0
	for n, vals := range m.V {
		for i, v := range vals {
			want := 0.0
			switch {
			case i == 2 || i == 3:
				want = vr
			case i == 6 || i == 7:
				want = vs
			}
			if math.Abs(v-want) > 1e-12+1e-9*math.Abs(want) {
				t.Fatalf("step %d neuron %d: v = %g V, want %g V", n, i, v, want)
			}
		}
		vr = a*vr + (1-a)*R*ramp(n)
		vs = a*vs + (1-a)*R*sine(n)
	}
	if vr < 1e-3 || math.Abs(vs) < 1e-4 {
		t.Fatalf("the currents barely moved v: ramp %g V, sine %g V", vr, vs)
	}
}
