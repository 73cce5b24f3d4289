package verilog_test

import (
	"strings"
	"testing"

	"github.com/snnc/snnc/backends/fixed"
	"github.com/snnc/snnc/ir/iir"
	"github.com/snnc/snnc/quantize"
)

const lavaWrapNet = `
neuron L {
    parameters {
        tau_u = 400 ms
        tau_v = 20 ms
        v_th = 40 mV
    }
    state {
        u = 0 mV
        v = 0 mV
    }
    equations {
        method exact
        u' = -u / tau_u
        v' = (u - v) / tau_v
    }
    inputs {
        exc: u += weight
    }
    on threshold v > v_th {
        v = 0 mV
    }
}

network Net {
    dt = 1 ms
    seed = 2
    input In = poisson(4, rate = 500 Hz)
    population P = L[6]
    project In -> P : exc { connect = all_to_all  weight = uniform(-60, 60) * 1 mV }
    record spikes(P)
}

run Net for 150 ms
`

// TestCosimLavaWrap: a slow current runs u past ±2^23, where loihi wraps it
// as Lava does (sign kept, modulo 2^23); the design does the same in
// Icarus, spike for spike and word for word.
func TestCosimLavaWrap(t *testing.T) {
	needTools(t)
	p := compileSrc(t, "lava.snn", lavaWrapNet)
	prof, _ := iir.LoadProfile("loihi")
	q, diags := quantize.Lower(p, prof)
	if q == nil {
		t.Fatal(diags)
	}
	res, err := fixed.Run(p, q, fixed.Options{})
	if err != nil {
		t.Fatal(err)
	}
	wrapped := int64(0)
	for _, o := range res.Overflow {
		if o.Var == "u" && o.Kind == iir.Modulo {
			wrapped += o.Count
		}
	}
	if wrapped == 0 {
		t.Fatalf("u never wrapped (%v): the case tests nothing", res.Overflow)
	}
	d := design(t, p, "loihi", 0, 2)
	if n := compare(t, d, iverilog(t, d)); n == 0 {
		t.Error("no spikes")
	}
}

// TestCosimLavaSignModes: ports whose weights have one sign (excitatory
// 0..255, inhibitory −255..0) use unsigned mantissas up to 255, which the
// design stores and adds as the simulator does.
func TestCosimLavaSignModes(t *testing.T) {
	needTools(t)
	src := strings.Replace(lavaWrapNet, "weight = uniform(-60, 60) * 1 mV }", "weight = uniform(10, 60) * 1 mV }\n    project In -> P : inh { connect = bernoulli(0.5)  weight = uniform(-60, -5) * 1 mV }", 1)
	src = strings.Replace(src, "exc: u += weight", "exc: u += weight\n        inh: u += weight", 1)
	p := compileSrc(t, "lava.snn", src)
	prof, _ := iir.LoadProfile("loihi")
	q, diags := quantize.Lower(p, prof)
	if q == nil {
		t.Fatal(diags)
	}
	for _, pr := range q.Projs {
		lo, hi := pr.MantRange(prof.WeightBits)
		if !pr.Unsigned || lo != -255 || hi != 255 {
			t.Errorf("%s: mantissas [%d, %d] (unsigned %v), want ±255 for one sign", pr.Name, lo, hi, pr.Unsigned)
		}
	}
	d := design(t, p, "loihi", 0, 2)
	big := false
	for _, tp := range d.Trace.Projs {
		for _, w := range tp.W {
			big = big || w > 127 || w < -128
		}
	}
	if !big {
		t.Error("no mantissa beyond the signed range: the case tests nothing")
	}
	if n := compare(t, d, iverilog(t, d)); n == 0 {
		t.Error("no spikes")
	}
}
