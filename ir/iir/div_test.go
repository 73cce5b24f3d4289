package iir_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/snnc/snnc/ir/iir"
)

// TestDiv: iir.Div against the real quotient x/y: math.Trunc for trunc,
// math.Floor for floor, math.Floor(x/y + 1/2) for nearest (ties toward
// +∞, as ShiftRight) and stochastic; 0 for a zero divisor. Exact halves
// and both signs are among the cases (|x| < 2^30: the float64 quotient
// is then close enough to the real one for its floor to be exact).
func TestDiv(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	type pair struct{ x, y int64 }
	cases := []pair{{7, 2}, {-7, 2}, {7, -2}, {-7, -2}, {5, 10}, {-5, 10}, {0, 3}, {9, 0}, {-1, 3}, {1, -3}}
	for range 2000 {
		cases = append(cases, pair{r.Int64N(1<<31) - 1<<30, r.Int64N(1<<20) - 1<<19})
	}
	for _, c := range cases {
		q := float64(c.x) / float64(c.y)
		want := map[iir.Rounding]float64{iir.Trunc: math.Trunc(q), iir.Floor: math.Floor(q), iir.Nearest: math.Floor(q + 0.5), iir.Stochastic: math.Floor(q + 0.5)}
		for mode, w := range want {
			if c.y == 0 {
				w = 0
			}
			if got := iir.Div(c.x, c.y, mode); float64(got) != w {
				t.Errorf("Div(%d, %d, %s) = %d, want %g", c.x, c.y, mode, got, w)
			}
		}
	}
}
