package quantize

import (
	"fmt"
	"math"

	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/ir/iir"
)

// sqrt is √a for a value a that is not a constant. Its range must be
// non-negative (bound it, e.g. max(x, 0)). A with fa fractional bits is
// shifted by s, as far as the accumulator allows with fa + s even, and
// ⌊√(A·2^s)⌋ (iir.Sqrt, rounded down) has (fa + s)/2 fractional bits: a
// value near the top of its range keeps about AccumBits/2 significant bits.
func (g *gen) sqrt(a val, e *ir.Call) (val, error) {
	if a.lo < 0 {
		return val{}, unsup("sqrt of %s, whose range [%.4g, %.4g] holds negative values,", describe(e.Args[0]), a.lo, a.hi)
	}
	f := g.capFrac(62, a.hi)
	if f%2 != 0 {
		f--
	}
	a = g.align(g.materialize(a, f), f)
	o := g.b.add(&iir.Op{Code: iir.OpSqrt, Args: []*iir.Op{a.op}, Scale: math.Ldexp(1, -f/2), Note: fmt.Sprintf("sqrt(%s), rounded down", describe(e.Args[0]))})
	return g.fit(val{op: o, f: f / 2, lo: math.Sqrt(a.lo), hi: math.Sqrt(a.hi)}), nil
}
