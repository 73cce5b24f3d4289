package gosim_test

import (
	"math"
	"testing"

	"github.com/snnc/snnc/backends/gosim"
)

// TestPhases: a phase changes state at the start of its step, before the
// state sample of that time. testdata/gocode/phases.snn: B.v ramps at
// 1 mV/ms; at 20 ms it is set to 5 mV; at 40 ms B's gain halves and 1 mV is
// added; A's gain doubles at 20 ms (its inter-spike interval about halves)
// and A stops firing at 40 ms. With fold off too: phase values that name
// parameters are still constants (that run used to stop with "the value of
// A.gain is not a constant: g0").
func TestPhases(t *testing.T) {
	for _, off := range [][]string{nil, {"fold"}} {
		testPhases(t, off)
	}
}

func testPhases(t *testing.T, off []string) {
	res := run(t, compile(t, "../../testdata/gocode/phases.snn", off...), gosim.Options{})
	var bv, av int = -1, -1
	for k, m := range res.States {
		switch m.Name {
		case "B":
			bv = k
		case "A":
			av = k
		}
	}
	if bv < 0 || av < 0 {
		t.Fatalf("state monitors: %v", res.States)
	}
	b := res.States[bv]
	at := func(ms float64) float64 {
		for k, ts := range b.T {
			if math.Abs(ts-ms*1e-3) < 1e-9 {
				return b.V[k][0]
			}
		}
		t.Fatalf("no sample at %g ms", ms)
		return 0
	}
	if got := at(20); got != 5e-3 {
		t.Errorf("B.v at 20 ms = %g mV, want 5 mV (set by phase fast)", got*1e3)
	}
	// B resets at 10 mV; between 39 and 41 ms it stays below
	if d := at(41) - at(40); math.Abs(d-0.5e-3) > 1e-12 {
		t.Errorf("B.v slope after phase quiet = %g mV/ms, want 0.5", d*1e3)
	}
	if d := at(40) - at(39); math.Abs(d-2e-3) > 1e-12 {
		t.Errorf("B.v step at 40 ms = %g mV, want 1 mV/ms · 1 ms + 1 mV", d*1e3)
	}
	var a []float64
	for k, ts := range res.Spikes[0].T {
		if res.Spikes[0].I[k] == 0 {
			a = append(a, ts)
		}
	}
	if len(a) < 4 {
		t.Fatalf("A[0] spikes at %v", a)
	}
	if last := a[len(a)-1]; last >= 0.04 {
		t.Errorf("A[0] fires at %g ms, after phase quiet disarmed it", last*1e3)
	}
	before, after := a[1]-a[0], a[len(a)-1]-a[len(a)-2]
	if math.Abs(after/before-0.5) > 0.02 {
		t.Errorf("inter-spike interval %g ms before the gain doubles, %g ms after; want half", before*1e3, after*1e3)
	}
}

// TestPhaseSynapses: testdata/gocode/phases_synapse.snn delivers w·x at
// each input spike (x += 1 first, x decaying with tau = 2 ms). Spikes at 1
// and 2 ms add w and w(1 + e^-0.5) with w = 2; at 5 ms the phase halves w
// and sets x = 1, so the spike at 7 ms adds (w/2)(1 + e^-1) — x decays
// from 5 ms, not from the last spike at 2 ms.
func TestPhaseSynapses(t *testing.T) {
	for _, off := range [][]string{nil, {"lazy"}} {
		res := run(t, compile(t, "../../testdata/gocode/phases_synapse.snn", off...), gosim.Options{})
		v := res.States[0]
		got := v.V[len(v.V)-1][0]
		w := 2.0
		want := (w + w*(1+math.Exp(-0.5)) + w/2*(1+math.Exp(-1))) * 1e-3
		if math.Abs(got-want) > 1e-15 {
			t.Errorf("off=%v: v = %.15g mV, want %.15g mV", off, got*1e3, want*1e3)
		}
		if wf := res.Weights[0].V[len(res.Weights[0].V)-1]; wf[0] != 1 || wf[1] != 1 {
			t.Errorf("off=%v: final weights %v, want 1 (2 halved)", off, wf)
		}
	}
}
