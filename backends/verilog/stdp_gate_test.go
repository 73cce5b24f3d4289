package verilog_test

import (
	"os"
	"testing"
)

// TestCosimSTDPGate: nearest-pair STDP gated by a postsynaptic 0/1 flag
// (Davies et al.'s w + post.learn·trace), the flag cleared by a spike at
// 30 ms for the dense projection's targets: in Icarus the same spikes,
// state and weights as the Go bit-accurate simulator, which learns before
// the switch and not after.
func TestCosimSTDPGate(t *testing.T) {
	needTools(t)
	src, err := os.ReadFile("../../testdata/fixed/stdp_gate.snn")
	if err != nil {
		t.Fatal(err)
	}
	d := design(t, compileSrc(t, "stdp_gate.snn", string(src)), "q16", 0, 2)
	changed := 0
	for _, tp := range d.Trace.Projs {
		for k := range tp.FinalW {
			if tp.FinalW[k] != tp.InitW[k] {
				changed++
			}
		}
	}
	n := compare(t, d, iverilog(t, d))
	if n == 0 || changed == 0 {
		t.Errorf("%d spikes and %d weights changed: nothing to compare", n, changed)
	}
	t.Logf("%d spikes, %d changed weights identical", n, changed)
}
