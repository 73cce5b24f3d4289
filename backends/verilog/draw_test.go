package verilog_test

import (
	"strings"
	"testing"

	"github.com/snnc/snnc/backends/verilog"
)

// TestCosimDraws: random draws in kernels (uniform() and rand() in two
// ports, uniform() in the reset, rand() in a threshold: a neuron firing
// with probability 0.1 a step; iir/draw.go's hash of seed, site, step and
// neuron) give the Go simulator's spikes and final state bit for bit in
// Icarus, for two seeds, and the design is lint-clean (iverilog runs
// verilator --lint-only -Wall).
func TestCosimDraws(t *testing.T) {
	needTools(t)
	defs := neuronDefs(t, "../../testdata/fixed/draws.snn")
	p := compileSrc(t, "draws.snn", defs+`neuron Flip {
    state {
        n = 0
    }
    on threshold rand() < 0.1 {
        n += 1
    }
}

network Walk {
    dt   = 0.1 ms
    input K = spike_times(12, times = [0 ms], period = 0.1 ms)
    population P = Walker[12]
    project K -> P : kick { connect = one_to_one  weight = 1 mV }
    project K -> P : drive { connect = one_to_one  weight = 2 mV }
    population F = Flip[9]
    record spikes(P, F)
}

run Walk for 6 ms
`)
	for _, seed := range []uint64{1, 77} {
		d := design(t, p, "q16", 0, seed)
		if !strings.Contains(string(d.Files[verilog.Top+".v"]), "snn_mix32") {
			t.Fatal("the design has no draw logic")
		}
		n := compare(t, d, iverilog(t, d))
		if n == 0 {
			t.Fatalf("seed %d: no spikes: the reset's draws are not compared", seed)
		}
		t.Logf("seed %d: %d spikes and the final state (x sums the draws) identical", seed, n)
	}
}
