package fixed

import "github.com/snnc/snnc/ir/iir"

// The range check of a plastic projection's synapse kernels (sizeOps in
// quantize gives every op an interval) and of its weights and traces.

// synapse checks one op of a plastic projection's kernel.
func (c *rangeCheck) synapse(pr *xproj, step int, k *iir.Kernel, o *iir.Op, x int64) {
	if o.Code == iir.OpStore {
		return
	}
	if x < o.Range.Lo || x > o.Range.Hi {
		c.fail(o, "%s %s: %%%d = %s is %d at step %d, outside its range [%d, %d]", pr.name, k.Name, o.ID, o.Code, x, step, o.Range.Lo, o.Range.Hi)
	}
}

// plastic checks a plastic projection's weights and traces after a step.
func (c *rangeCheck) plastic(pr *xproj, step int) {
	xp := pr.plastic
	pl := xp.pl
	for _, x := range []struct {
		v    *iir.Var
		vals []int64
	}{{pl.W, xp.w}, {pl.Pre, xp.x}, {pl.Post, xp.y}, {pl.Pre2, xp.x2}, {pl.Post2, xp.y2}} {
		for i, n := range x.vals {
			if n < x.v.Range.Lo || n > x.v.Range.Hi {
				c.fail(x.v, "%s.%s[%d] is %d after step %d, outside its range [%d, %d]", pr.name, x.v.Name, i, n, step, x.v.Range.Lo, x.v.Range.Hi)
			}
		}
	}
}
