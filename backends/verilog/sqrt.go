package verilog

import (
	"fmt"
)

// sqrt is ⌊√a⌋ (iir.Sqrt, 0 for a ≤ 0), the restoring method unrolled:
// per result bit from the top, t = root + bit; when rem >= t, rem −= t and
// root = root/2 + bit, else root = root/2 (bit moves down two places).
// Combinational: one compare and subtract per result bit.
func (g *kgen) sqrt(name string, w int, a sig) sig {
	n := a.w + a.w%2 // the input's bits, even
	x := g.def(name+"_x", n+1, fmt.Sprintf("(%s > 0) ? %s : %s", a.name, a.name, lit(0, a.w)))
	rem, root := x.name, lit(0, n+1)
	for k := n - 2; k >= 0; k -= 2 {
		bit := lit(int64(1)<<uint(k), n+1)
		t := g.def(fmt.Sprintf("%s_t%d", name, k), n+1, fmt.Sprintf("%s + %s", root, bit))
		c := g.def(fmt.Sprintf("%s_c%d", name, k), 1, fmt.Sprintf("%s >= %s", rem, t.name))
		rem = g.def(fmt.Sprintf("%s_r%d", name, k), n+1, fmt.Sprintf("%s ? %s - %s : %s", c.name, rem, t.name, rem)).name
		root = g.def(fmt.Sprintf("%s_q%d", name, k), n+1, fmt.Sprintf("%s ? (%s >> 1) + %s : %s >> 1", c.name, root, bit, root)).name
	}
	return g.def(name, w, root)
}
