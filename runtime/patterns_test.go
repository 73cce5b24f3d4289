package rt

import (
	"math"
	"slices"
	"testing"
)

// TestPatterns: every step has exactly k distinct sources, ascending; each
// source is active with probability k/n (within 4 standard errors); a step
// asked again, or out of order, gives the same pattern.
func TestPatterns(t *testing.T) {
	for _, c := range []struct{ n, k int }{{100, 7}, {50, 40}, {10, 10}, {10, 0}} {
		p, err := NewPatterns(c.n, c.k, NewStream(1, 2))
		if err != nil {
			t.Fatal(err)
		}
		const steps = 4000
		count := make([]int, c.n)
		first := map[int][]int32{}
		for s := range steps {
			x := p.Step(s)
			if len(x) != c.k || !slices.IsSorted(x) || len(slices.Compact(slices.Clone(x))) != c.k {
				t.Fatalf("n=%d k=%d step %d: %v", c.n, c.k, s, x)
			}
			for _, i := range x {
				count[i]++
			}
			if s%997 == 0 {
				first[s] = slices.Clone(x)
			}
		}
		q := float64(c.k) / float64(c.n)
		se := math.Sqrt(q * (1 - q) / steps)
		for i, k := range count {
			if f := float64(k) / steps; math.Abs(f-q) > 4*se+1e-12 {
				t.Errorf("n=%d k=%d: source %d active %.4f of steps, want %.4f ± %.4f", c.n, c.k, i, f, q, 4*se)
			}
		}
		for s, want := range first {
			if got := p.Step(s); !slices.Equal(got, want) {
				t.Errorf("n=%d k=%d: step %d replayed as %v, was %v", c.n, c.k, s, got, want)
			}
		}
	}
	if _, err := NewPatterns(10, 11, NewStream(1)); err == nil {
		t.Error("active > n accepted")
	}
}
