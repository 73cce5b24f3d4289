package fixed_test

import (
	"math"
	"testing"

	"github.com/snnc/snnc/backends/fixed"
)

// TestSegmentCounts (issue 17 item 5): segment dendrites on q16 against
// counts known in closed form (testdata/fixed/segments.snn: every segment
// sees exactly 4 active cells a step). The sample at t = s ms is taken at
// the start of step s, after the handlers of steps 0..s−1: full = s, over
// = off = 0, late = max(0, s − 3), quarter = s/4 (a counter of 0.25 steps
// in LSB 2^-2, exact).
func TestSegmentCounts(t *testing.T) {
	p := compile(t, "../../testdata/fixed/segments.snn")
	q := lower(t, p, "q16")
	res := run(t, p, q, fixed.Options{})
	want := map[string]func(s float64) float64{
		"full":    func(s float64) float64 { return s },
		"over":    func(float64) float64 { return 0 },
		"late":    func(s float64) float64 { return math.Max(0, s-3) },
		"off":     func(float64) float64 { return 0 },
		"quarter": func(s float64) float64 { return s / 4 },
	}
	seen := 0
	for _, m := range res.States {
		f := want[m.Var]
		if f == nil {
			t.Fatalf("unexpected recording %s", m.Var)
		}
		seen++
		if len(m.T) < 30 {
			t.Fatalf("%s: %d samples", m.Var, len(m.T))
		}
		for k, tk := range m.T {
			s := math.Round(tk / res.Summary.Dt)
			for j, x := range m.V[k] {
				if x != f(s) {
					t.Fatalf("%s[%d] at step %g: %g, want %g", m.Var, m.Index[j], s, x, f(s))
				}
			}
		}
	}
	if seen != len(want) {
		t.Fatalf("%d recordings, want %d", seen, len(want))
	}
	if len(res.Overflow) > 0 {
		t.Errorf("overflow: %+v", res.Overflow)
	}
	// the handlers' ranges are sound (so their hardware widths are)
	bad, err := fixed.CheckRanges(p, q, fixed.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bad {
		t.Error(b)
	}
}
