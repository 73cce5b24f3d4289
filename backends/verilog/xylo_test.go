package verilog_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/snnc/snnc/backends/fixed"
	"github.com/snnc/snnc/backends/verilog"
	"github.com/snnc/snnc/ir/iir"
	"github.com/snnc/snnc/quantize"
)

// xyloNet: inputs onto hidden neurons with two currents, recurrent
// mixed-sign weights up to wmax, and readouts. Kicks of inhibition onto
// both currents of excited neurons make −decay(v) + Σ i_syn fall below
// −2^15, where XyloSim v2's saturation of it differs from v1's single
// saturation of v + it; the run ends right after the kick (later, both
// saturate to the same state).
func xyloNet(wmax string) string {
	return fmt.Sprintf(`
neuron XN {
    parameters {
        tau_a = 8 ms
        tau_b = 32 ms
        tau_mem = 16 ms
        v_th = 10 mV
    }
    state {
        ia = 0 mV
        ib = 0 mV
        v = 0 mV
    }
    equations {
        method exact
        ia' = -ia / tau_a
        ib' = -ib / tau_b
        v' = (ia + ib - v) / tau_mem
    }
    inputs {
        a: ia += weight
        bb: ib += weight
    }
    on threshold v > v_th {
        v = 0 mV
    }
}

network Net {
    dt = 1 ms
    seed = 3
    input In = poisson(8, rate = 300 Hz)
    population H = XN[8]
    population O = XN[2]
    input Kick = spike_times(3, times = [60 ms])
    project Kick -> H : a { connect = all_to_all  weight = -1 * %[1]s }
    project Kick -> H : bb { connect = all_to_all  weight = -1 * %[1]s }
    project In -> H : a { connect = bernoulli(0.6)  weight = uniform(-0.2, 1) * %[1]s }
    project In -> H : bb { connect = bernoulli(0.4)  weight = uniform(-1, 0.3) * %[1]s }
    project H -> H : a { connect = bernoulli(0.4)  weight = uniform(-1, 1) * %[1]s }
    project H -> O : a { connect = bernoulli(0.6)  weight = uniform(-0.5, 1) * %[1]s }
    record spikes(H)
    record spikes(O)
}

run Net for 62 ms
`, wmax)
}

// TestCosimXyloGenerations: the xylo (XyloSim v2) and xylo1 (v1) updates of
// one network differ (v2 saturates the membrane's change first), and each
// design gives the bit-accurate simulator's spikes and final state in
// Icarus.
func TestCosimXyloGenerations(t *testing.T) {
	needTools(t)
	p := compileSrc(t, "xylo.snn", xyloNet("120 mV"))
	var runs [2]string
	for k, target := range []string{"xylo", "xylo1"} {
		d := design(t, p, target, 0, 3)
		if n := compare(t, d, iverilog(t, d)); n < 5 {
			t.Errorf("%s: only %d spikes", target, n)
		}
		runs[k] = fmt.Sprint(d.Files["expected_spikes.txt"], d.Trace.Pops[0].Final)
	}
	if runs[0] == runs[1] {
		t.Error("xylo and xylo1 give the same spikes and final state: the network does not reach v2's saturation")
	}
}

// TestXyloMultiSpikeRefused: weights far above the threshold make the
// threshold's integer small, so a hidden neuron can spike several times in
// one step; the design, which lists one spike per neuron and step, refuses
// that, naming the population. The readouts and smaller weights are fine.
func TestXyloMultiSpikeRefused(t *testing.T) {
	p := compileSrc(t, "xylo.snn", xyloNet("3 V"))
	prof, _ := iir.LoadProfile("xylo")
	q, diags := quantize.Lower(p, prof)
	if q == nil {
		t.Fatal(diags)
	}
	if q.Models[0].MaxSpikes != 31 || q.Models[1].MaxSpikes > 1 {
		t.Fatalf("max spikes H %d, O %d: want 31 (hidden) and 1 (readout)", q.Models[0].MaxSpikes, q.Models[1].MaxSpikes)
	}
	o := fixed.Options{}
	seed := uint64(3)
	o.Seed = &seed
	tr, err := fixed.RunTrace(p, q, o)
	if err != nil {
		t.Fatal(err)
	}
	_, err = verilog.Emit(tr)
	if err == nil || !strings.Contains(err.Error(), "population H: its neurons may emit up to 31 spikes a step on xylo") {
		t.Fatalf("want a refusal of H's multiple spikes, got %v", err)
	}
}
