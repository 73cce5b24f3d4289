package passes

import (
	"math"
	"strings"

	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/lang/units"
)

// recip turns each division by a constant in the right sides of RK4 and
// Euler systems into a multiplication by the constant's reciprocal, as a C
// compiler's -ffast-math does (Brian2's cpp_standalone builds with it).
// Those right sides are evaluated for every neuron or synapse at every step
// (four times with RK4), and a division costs several multiplications:
// COBA's three divisions were most of its update. The method is unchanged;
// a product can differ from the quotient in the last bit, the same in every
// backend. Exact propagators are untouched (their coefficients are computed
// once). Switched off (-d recip=off), divisions stay; fixed-point targets
// (--target) keep them too, for quantize to lower as written.
func recip(ctx *Context) {
	if ctx.Opts.Target != "" {
		return // fixed-point targets lower the model's own arithmetic
	}
	models := append(append([]*ir.Model{}, ctx.Prog.Neurons...), ctx.Prog.Synapses...)
	for _, m := range models {
		n := 0
		for _, sys := range m.Update {
			if sys.Method == ir.Exact {
				continue
			}
			for _, o := range sys.ODEs {
				o.Rhs = ir.Rewrite(o.Rhs, func(e ir.Expr) ir.Expr {
					b, ok := e.(*ir.Binary)
					if !ok || b.Op != "/" {
						return e
					}
					c, ok := b.Y.(*ir.Const)
					if !ok || c.V == 0 || math.IsInf(c.V, 0) || math.IsNaN(c.V) || math.IsInf(1/c.V, 0) {
						return e
					}
					n++
					inv := &ir.Const{V: 1 / c.V, D: units.Dimensionless.Div(c.D)}
					if c.Unit != "" && !strings.ContainsAny(c.Unit, "/*^ ()") {
						inv.Unit = "1/" + c.Unit // prints as 0.005/pF
					}
					return ir.NewBinary("*", b.X, inv)
				})
			}
		}
		if n > 0 {
			ctx.Diags.Notef(m.Pos.Pos, m.Pos.End, "recip: %s multiplies by %d reciprocals instead of dividing", m.Name, n)
		}
	}
}
