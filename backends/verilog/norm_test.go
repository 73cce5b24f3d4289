package verilog_test

import (
	"testing"

	"github.com/snnc/snnc/ir/iir"
)

// TestCosimNormalize: synaptic scaling of PairSTDP's w
// (testdata/fixed/normalize.snn: dense and CSR, every 5 ms) on q16 with
// nearest, trunc and floor rounding: in Icarus the same spikes, state and
// weights as the Go bit-accurate simulator, whose sums backends/fixed
// checks against the targets.
func TestCosimNormalize(t *testing.T) {
	needTools(t)
	p := compileTestdata(t, "normalize.snn")
	for _, r := range []iir.Rounding{iir.Nearest, iir.Trunc, iir.Floor} {
		t.Run(string(r), func(t *testing.T) {
			d := design(t, p, roundingProfile(t, r), 0, 1)
			scaled := 0
			for _, tp := range d.Trace.Projs {
				if tp.Plastic != nil && tp.Plastic.NormEvery == 50 {
					scaled++
				}
			}
			if scaled != 2 {
				t.Fatalf("%d projections scale every 50 steps, want 2", scaled)
			}
			if n := compare(t, d, iverilog(t, d)); n == 0 {
				t.Fatal("no spikes")
			}
		})
	}
}
