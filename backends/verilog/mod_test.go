package verilog_test

import (
	"os"
	"testing"
)

// TestCosimModulated: a modulated trace rule (ModHebb: each modulator spike
// adds eta·x_pre·x_post to every synapse), dense onto P with an input as
// modulator, CSR onto Q with a population as modulator: in Icarus the same
// spikes, state, weights and traces as the Go bit-accurate simulator.
func TestCosimModulated(t *testing.T) {
	needTools(t)
	src, err := os.ReadFile("../../testdata/fixed/modhebb.snn")
	if err != nil {
		t.Fatal(err)
	}
	d := design(t, compileSrc(t, "modhebb.snn", string(src)), "q16", 0, 2)
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
