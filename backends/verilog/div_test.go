package verilog_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/snnc/snnc/ir/iir"
)

// TestCosimDivisionAndPhases: testdata/fixed/division.snn (run phases
// that set state, divisions by state with positive and negative dividends
// and divisors) on q16 and on q16 with trunc and floor rounding: in Icarus
// the same spikes and final state as the Go bit-accurate simulator, whose
// quotients backends/fixed checks against the closed forms.
func TestCosimDivisionAndPhases(t *testing.T) {
	needTools(t)
	p := compileTestdata(t, "division.snn")
	for _, r := range []iir.Rounding{iir.Nearest, iir.Trunc, iir.Floor} {
		t.Run(string(r), func(t *testing.T) {
			d := design(t, p, roundingProfile(t, r), 0, 1)
			n := compare(t, d, iverilog(t, d))
			if n == 0 {
				t.Fatal("no spikes")
			}
			divs := 0
			for _, m := range d.Trace.Program.Models {
				for _, pt := range m.Ports {
					for _, o := range pt.Kernel.Ops {
						if o.Code == iir.OpDiv && o.Round == r {
							divs++
						}
					}
				}
			}
			if divs != 6 {
				t.Errorf("%d divisions rounding %s, want 6 (3 per population)", divs, r)
			}
			t.Logf("%d spikes and the final state identical", n)
		})
	}
}

// roundingProfile writes q16 with rounding r as a JSON profile; it returns
// its path.
func roundingProfile(t *testing.T, r iir.Rounding) string {
	t.Helper()
	prof, err := iir.LoadProfile("q16")
	if err != nil {
		t.Fatal(err)
	}
	prof.Name, prof.Rounding = "q16-"+string(r), r
	b, err := json.Marshal(prof)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "q16.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
