package verilog_test

import (
	"fmt"
	"testing"
)

// TestCosimTriplet: triplet STDP (Pfister & Gerstner's minimal all-to-all
// rule, std/plasticity TripletSTDP, and the full rule with all four
// amplitudes, whose depression reads r2 before its bump), input and
// recurrent, CSR and dense, with a delay, on q16 and on xylo (bitshift
// decays): Icarus gives the Go bit-accurate simulator's spikes, neuron
// state, weights and all four traces, and the design is verilator -Wall
// clean.
func TestCosimTriplet(t *testing.T) {
	needTools(t)
	full := "\n        A2_plus = 5e-3\n        A3_minus = 2e-3\n    "
	for _, c := range []struct{ name, target, defs, cell, params string }{
		{"minimal", "q16", "", "LIF", ""},
		{"full", "q16", "", "LIF", full},
		{"xylo", "xylo", "../../testdata/fixed/xylo_lif.snn", "XyloLIF", full}, // bitshift decays
	} {
		t.Run(c.name, func(t *testing.T) {
			defs := ""
			if c.defs != "" {
				defs = neuronDefs(t, c.defs)
			}
			src := fmt.Sprintf(`import "std/neurons"
import "std/plasticity"
%[2]s
network Net {
    dt = 0.1 ms
    seed = 4
    input In = poisson(10, rate = 120 Hz)
    population P = %[3]s[5]
    population Q = %[3]s[4]
    project In -> P : exc using TripletSTDP { connect = bernoulli(0.6)  weight = 20 mV  delay = 0.2 ms  %[1]s}
    project In -> Q : exc using TripletSTDP { connect = all_to_all  weight = 20 mV  w = 0.6  %[1]s}
    project P -> Q : exc using TripletSTDP { connect = bernoulli(0.7)  weight = 20 mV  w = 0.8  %[1]s}
}

run Net for 30 ms
`, c.params, defs, c.cell)
			d := design(t, compileSrc(t, "triplet.snn", src), c.target, 0, 4)
			moved, r2read := 0, false
			for _, tp := range d.Trace.Projs {
				for _, c := range tp.Plastic.Consts {
					r2read = r2read || c.What == "triplet coefficient on pre"
				}
				for i := range tp.FinalX2 {
					if tp.FinalX2[i] != tp.InitX2[i] {
						moved++
					}
				}
				for j := range tp.FinalY2 {
					if tp.FinalY2[j] != tp.InitY2[j] {
						moved++
					}
				}
			}
			if r2read != (c.params != "") {
				t.Fatalf("the depression reads r2: %v, want %v", r2read, c.params != "")
			}
			if moved == 0 {
				t.Fatal("the second traces never moved: nothing to compare")
			}
			cosimLearned(t, d)
		})
	}
}
