package quantize

import (
	"fmt"
	"math"

	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/ir/iir"
)

// divI is the interval of iir.Div over a and b: the corners where b
// excludes 0; otherwise (b may be 0, giving 0, or ±1, giving ±a) the hull
// of a, −a and 0. Rounding adds at most one.
func divI(a, b iir.Interval, r iir.Rounding) iir.Interval {
	if b.Lo <= 0 && b.Hi >= 0 {
		m := max(abs64(a.Lo), abs64(a.Hi)) + 1
		return iir.Interval{Lo: -m, Hi: m}
	}
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	for _, x := range []int64{a.Lo, a.Hi} {
		for _, y := range []int64{b.Lo, b.Hi} {
			q := iir.Div(x, y, r)
			lo, hi = min(lo, q-1), max(hi, q+1)
		}
	}
	return iir.Interval{Lo: lo, Hi: hi}
}

// div is a / b for a divisor that is not a constant. Its range must
// exclude 0 (a quotient's range is otherwise unbounded in real terms:
// bound the divisor, e.g. max(x, c)). The quotient gets as many fractional
// bits as the accumulator holds for its range, the dividend is shifted up
// to give them, and the integer division rounds as the profile does.
func (g *gen) div(a, b val, e *ir.Binary) (val, error) {
	if b.lo <= 0 && b.hi >= 0 {
		return val{}, unsup("division by %s, whose range [%.4g, %.4g] holds 0,", describe(e.Y), b.lo, b.hi)
	}
	a = g.materialize(a, -1000)
	qs := []float64{a.lo / b.lo, a.lo / b.hi, a.hi / b.lo, a.hi / b.hi}
	lo, hi := minf(qs), maxf(qs)
	// Q = (A·2^s) / B has fq = fa + s − fb fractional bits; both the
	// quotient and the shifted dividend must fit the accumulator
	fq := g.capFrac(62, math.Max(math.Abs(lo), math.Abs(hi)))
	fq = min(fq, g.capFrac(62, math.Max(math.Abs(a.lo), math.Abs(a.hi)))-b.f)
	a = g.align(a, fq+b.f)
	rnd := g.l.prof.Rounding
	if rnd == iir.Stochastic {
		rnd = iir.Nearest
	}
	o := g.b.bin(iir.OpDiv, a.op, b.op)
	o.Round, o.Scale = rnd, math.Ldexp(1, -fq)
	o.Note = fmt.Sprintf("%s / %s", describe(e.X), describe(e.Y))
	return g.fit(val{op: o, f: fq, lo: lo, hi: hi}), nil
}
