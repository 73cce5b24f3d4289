package verilog

import (
	"fmt"

	"github.com/snnc/snnc/ir/iir"
)

// div is Args[0] / Args[1] with the op's rounding (iir.Div): the divisor
// made positive, Verilog's signed division (toward zero) of x, or of
// 2x + y by 2y for nearest, then one less where a negative quotient was
// not exact (floor); 0 for a zero divisor.
func (g *kgen) div(name string, w int, o *iir.Op, a, b sig) sig {
	t := max(a.w, b.w) + 3 // holds 2x + y and the negations
	neg := g.def(name+"_s", 2, fmt.Sprintf("(%s < 0) ? %s : %s", b.name, lit(1, 2), lit(0, 2)))
	x := g.def(name+"_x", t, fmt.Sprintf("(%s != 0) ? -%s : %s", neg.name, a.name, a.name))
	y := g.def(name+"_y", t, fmt.Sprintf("(%s != 0) ? -%s : %s", neg.name, b.name, b.name))
	if o.Round == iir.Trunc {
		return g.def(name, w, fmt.Sprintf("(%s == 0) ? %s : %s / %s", y.name, lit(0, w), x.name, y.name))
	}
	if o.Round != iir.Floor { // nearest, stochastic
		x = g.def(name+"_n", t, fmt.Sprintf("%s + %s + %s", x.name, x.name, y.name))
		y = g.def(name+"_d", t, fmt.Sprintf("%s + %s", y.name, y.name))
	}
	q := g.def(name+"_q", t, fmt.Sprintf("(%s == 0) ? %s : %s / %s", y.name, lit(0, t), x.name, y.name))
	return g.def(name, w, fmt.Sprintf("(%s < 0 && %s * %s != %s) ? %s - %s : %s", x.name, q.name, y.name, x.name, q.name, lit(1, t), q.name))
}
