package fixed_test

import (
	"math"
	"testing"

	"github.com/snnc/snnc/backends/fixed"
	"github.com/snnc/snnc/backends/gosim"
	"github.com/snnc/snnc/runtime"
)

// TestDivisionAndPhases: testdata/fixed/division.snn on q16 and in
// float64. A phase sets each population's divisor x (0.7 mV, 2.3 mV), and
// g = k/max(x, c), q = (x − k)/max(x, c), n = k/min(−x, −c) with k = 3 mV
// then equal the closed forms: to rounding in float64, within 1.5 LSB
// (2^-10) on q16 (the division rounds to nearest, its quotient is rounded
// once more into the variable's format).
func TestDivisionAndPhases(t *testing.T) {
	p := compile(t, "../../testdata/fixed/division.snn")
	res := run(t, p, lower(t, p, "q16"), fixed.Options{})
	fres, err := gosim.Run(p, gosim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	const k = 3.0
	want := map[string]map[string]float64{}
	for pop, x := range map[string]float64{"A": 0.7, "B": 2.3} {
		want[pop] = map[string]float64{"g": k / x, "q": (x - k) / x, "n": -k / x}
	}
	checked := 0
	check := func(run string, ms []*runtime.StateMonitor, tol float64) {
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
	check("q16", res.States, 1.5*math.Ldexp(1, -10))
	check("float64", fres.States, 1e-12)
	if checked != 2*(2+3)*3 {
		t.Errorf("checked %d values, want 30", checked)
	}
}
