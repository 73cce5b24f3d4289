package fixed_test

import (
	"math"
	"testing"

	"github.com/snnc/snnc/backends/fixed"
	"github.com/snnc/snnc/backends/gosim"
	"github.com/snnc/snnc/runtime"
)

// TestSqrtOfState: testdata/fixed/sqrt.snn on q16 and in float64. A phase
// sets x (2 in A, 0.3 in B); then r = √max(x, 0) and u = 1/√max(x, 0.01)
// equal the closed forms: to rounding in float64, within one LSB (2^-10)
// on q16 (⌊√⌋ keeps 22 fractional bits, the quotient rounds to nearest,
// the result rounds once more into r's and u's format, and x = 0.3 is
// itself held to 2^-13).
func TestSqrtOfState(t *testing.T) {
	want := map[string]map[string]float64{}
	for pop, x := range map[string]float64{"A": 2, "B": 0.3} {
		want[pop] = map[string]float64{"r": math.Sqrt(x), "u": 1 / math.Sqrt(x)}
	}
	if n := closedForms(t, "../../testdata/fixed/sqrt.snn", want, math.Ldexp(1, -10)); n != 2*(2+3)*2 {
		t.Errorf("checked %d values, want 20", n)
	}
}

// closedForms runs a model on q16 and in float64 and checks the last
// recorded value of each want[population][variable], within tol on q16
// and 1e-12 in float64; it returns the number of values checked.
func closedForms(t *testing.T, path string, want map[string]map[string]float64, tol float64) int {
	t.Helper()
	p := compile(t, path)
	res := run(t, p, lower(t, p, "q16"), fixed.Options{})
	fres, err := gosim.Run(p, gosim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	check := func(run string, ms []*rt.StateMonitor, tol float64) {
		for _, m := range ms {
			w, ok := want[m.Name][m.Var]
			if !ok || len(m.V) == 0 {
				continue
			}
			for i, got := range m.V[len(m.V)-1] {
				checked++
				if math.Abs(got-w) > tol {
					t.Errorf("%s: %s.%s[%d] = %.6g, closed form %.6g (tolerance %.2g)", run, m.Name, m.Var, i, got, w, tol)
				}
			}
		}
	}
	check("q16", res.States, tol)
	check("float64", fres.States, 1e-12)
	return checked
}
