package verilog_test

import "testing"

// TestCosimSTDPGate: nearest-pair STDP gated by a postsynaptic 0/1 flag
// (Davies et al.'s w + post.learn·trace, testdata/fixed/stdp_gate.snn),
// the flag cleared by a spike at 30 ms for the dense projection's targets:
// in Icarus the same spikes, state and weights as the Go bit-accurate
// simulator, which learns before the switch and not after.
func TestCosimSTDPGate(t *testing.T) {
	needTools(t)
	cosimLearned(t, design(t, compileTestdata(t, "stdp_gate.snn"), "q16", 0, 2))
}
