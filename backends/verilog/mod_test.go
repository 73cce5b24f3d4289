package verilog_test

import "testing"

// TestCosimModulated: a modulated trace rule (ModHebb: each modulator spike
// adds eta·x_pre·x_post to every synapse), dense onto P with an input as
// modulator, CSR onto Q with a population as modulator: in Icarus the same
// spikes, state, weights and traces as the Go bit-accurate simulator.
func TestCosimModulated(t *testing.T) {
	needTools(t)
	cosimLearned(t, design(t, compileTestdata(t, "modhebb.snn"), "q16", 0, 2))
}
