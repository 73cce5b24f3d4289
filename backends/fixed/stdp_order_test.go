package fixed_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/backends/fixed"
	"github.com/snnc/snnc/backends/gosim"
	"github.com/snnc/snnc/engine"
	"github.com/snnc/snnc/ir"
)

// orderNet is a pair-STDP network whose on pre either delivers w and then
// updates it (PairSTDP's order) or updates w first and delivers the new
// value (Brian2's Vogels et al. example): rule "deliver" or "update".
func orderNet(t *testing.T, rule, net string) *ir.Program {
	t.Helper()
	pre := "        deliver w * weight\n        A_pre += dA_pre\n        w = clip(w + A_post, 0, 1)\n"
	if rule == "update" {
		pre = "        A_pre += dA_pre\n        w = clip(w + A_post, 0, 1)\n        deliver w * weight\n"
	}
	src := fmt.Sprintf(`import "std/neurons"
synapse Rule {
    parameters {
        dA_pre  = 0.01
        dA_post = -0.3
    }
    state {
        w      = 0.8
        A_pre  = 0
        A_post = 0
    }
    equations {
        A_pre'  = -A_pre / 20 ms
        A_post' = -A_post / 20 ms
    }
    on pre {
%s    }
    on post {
        A_post += dA_post
        w = clip(w + A_pre, 0, 1)
    }
}
%s`, pre, net)
	p, _, diags := snnc.CompileSource(rule+".snn", []byte(src), snnc.Options{})
	if p == nil {
		t.Fatal(diags)
	}
	return p
}

// TestSTDPUpdateThenDeliver: a rule whose on pre updates w before it
// delivers it lowers to q16 (it crashed the lowering) and delivers the
// updated w, as the float run does: a LIF cell that fires on its own gets
// one presynaptic spike every 10 ms, each delivered after the depression
// by its last spike; q16's ge trace follows the float run's within its
// quantisation, while delivering before the update (the other order) moves
// ge by far more. Over a Poisson-driven second network, q16 fires within
// 10 % of the float rate, matches its spikes, and learns weights within
// 25 % of the float change.
func TestSTDPUpdateThenDeliver(t *testing.T) {
	one := `network Net {
    dt = 0.1 ms
    input P = spike_times(1, times = [10 ms, 20 ms, 30 ms, 40 ms, 50 ms, 60 ms, 70 ms, 80 ms, 90 ms])
    population N = LIF[1]
    project p = P -> N : exc using Rule { connect = all_to_all  weight = 4 mV }
    record spikes(N)
    record N.ge
}
run Net for 100 ms
`
	ge := func(p *ir.Program, res *engine.Result) []float64 {
		var out []float64
		for _, row := range res.States[0].V {
			out = append(out, row[0])
		}
		return out
	}
	upd := orderNet(t, "update", one)
	fres, err := gosim.Run(upd, gosim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(fres.Spikes[0].T) == 0 {
		t.Fatal("the cell never fired: no depression to deliver")
	}
	q := lower(t, upd, "q16")
	if q.Projs[0].Plastic == nil {
		t.Fatal("no integer STDP rule")
	}
	xres := run(t, upd, q, fixed.Options{})
	other, err := gosim.Run(orderNet(t, "deliver", one), gosim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want, got, deliverFirst := ge(upd, &fres.Result), ge(upd, xres.Result), ge(upd, &other.Result)
	if len(got) != len(want) {
		t.Fatalf("%d ge samples on q16, %d in float", len(got), len(want))
	}
	// the samples up to 1 ms after each delivery (later, q16's ge decays
	// in steps of its LSB, a difference of its own)
	quant, order := 0.0, 0.0
	for k := range want {
		if k%100 == 0 || k%100 > 10 {
			continue
		}
		quant = max(quant, math.Abs(got[k]-want[k]))
		order = max(order, math.Abs(deliverFirst[k]-want[k]))
	}
	if order < 0.5e-3 || quant > order/20 {
		t.Errorf("max |ge q16 − float| %.3g V, max |ge deliver-first − update-first| %.3g V: q16 must follow the update-first float run", quant, order)
	}
	t.Logf("ge: q16 within %.3g V of float; the other order differs by %.3g V", quant, order)

	many := `network Net {
    dt = 0.1 ms
    seed = 2
    input P = poisson_group(200, rate = 20 Hz)  # one spike a step at most on both targets: the same inputs
    population N = CondLIF[4]
    project p = P -> N : exc using Rule { connect = all_to_all  weight = 2 nS  w = uniform(0, 1)  dA_post = -0.0105 }
    record spikes(N)
    record weights(p)
}
run Net for 1 s
`
	pm := orderNet(t, "update", many)
	res := runTarget(t, pm, "q16", fixed.Options{})
	pe := res.Report.Populations[0]
	if pe.FloatRate < 10 || math.Abs(pe.FixedRate-pe.FloatRate) > 0.1*pe.FloatRate || pe.Match == nil || *pe.Match < 0.9 {
		t.Errorf("rate %.2f Hz on q16, %.2f Hz in float64, spikes matched %v", pe.FixedRate, pe.FloatRate, pe.Match)
	}
	fm, err := gosim.Run(pm, gosim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	w0, err := gosim.Run(pm, gosim.Options{Duration: 1e-4})
	if err != nil {
		t.Fatal(err)
	}
	gotW, wantW, init := res.Weights[0].V[0], fm.Weights[0].V[0], w0.Weights[0].V[0]
	diff, change := 0.0, 0.0
	for k := range wantW {
		diff += math.Abs(gotW[k] - wantW[k])
		change += math.Abs(wantW[k] - init[k])
	}
	if change == 0 || diff > 0.25*change {
		t.Errorf("sum |w q16 − float| %.4f vs sum of float changes %.4f", diff, change)
	}
	t.Logf("weights: sum |q16 − float| %.4f, float change %.4f", diff, change)
}
