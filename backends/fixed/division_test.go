package fixed_test

import (
	"math"
	"testing"
)

// TestDivisionAndPhases: testdata/fixed/division.snn on q16 and in
// float64. A phase sets each population's divisor x (0.7 mV, 2.3 mV), and
// g = k/max(x, c), q = (x − k)/max(x, c), n = k/min(−x, −c) with k = 3 mV
// then equal the closed forms: to rounding in float64, within 1.5 LSB
// (2^-10) on q16 (the division rounds to nearest, its quotient is rounded
// once more into the variable's format).
func TestDivisionAndPhases(t *testing.T) {
	const k = 3.0
	want := map[string]map[string]float64{}
	for pop, x := range map[string]float64{"A": 0.7, "B": 2.3} {
		want[pop] = map[string]float64{"g": k / x, "q": (x - k) / x, "n": -k / x}
	}
	if n := closedForms(t, "../../testdata/fixed/division.snn", want, 1.5*math.Ldexp(1, -10)); n != 2*(2+3)*3 {
		t.Errorf("checked %d values, want 30", n)
	}
}
