package verilog_test

import (
	"testing"

	"github.com/snnc/snnc/ir/iir"
)

// TestCosimSqrt: testdata/fixed/sqrt.snn (square roots of state, one
// divided into 1) on q16: in Icarus the same spikes and final state as
// the Go bit-accurate simulator, whose roots backends/fixed checks against
// the closed forms; verilator -Wall clean.
func TestCosimSqrt(t *testing.T) {
	needTools(t)
	d := design(t, compileTestdata(t, "sqrt.snn"), "q16", 0, 1)
	roots := 0
	for _, m := range d.Trace.Program.Models {
		for _, pt := range m.Ports {
			for _, o := range pt.Kernel.Ops {
				if o.Code == iir.OpSqrt {
					roots++
				}
			}
		}
	}
	if roots != 6 {
		t.Errorf("%d square roots, want 6 (3 per population)", roots)
	}
	if n := compare(t, d, iverilog(t, d)); n == 0 {
		t.Fatal("no spikes")
	}
}
