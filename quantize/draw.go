package quantize

import (
	"fmt"
	"math"

	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/ir/iir"
)

// Random draws in kernels. rand() and uniform(a, b) with constant bounds
// become an OpDraw (iir/draw.go: a counter-based hash of the seed, the draw
// site, the step and the neuron, the same in the simulator and the
// Verilog) scaled to the interval: u = (2r+1)/2^17 for the 16-bit draw r,
// the midpoints of 2^16 equal cells of (0, 1), so that u's mean is 1/2
// exactly and its variance 1/12·(1 − 2^-32), and then a + (b−a)·u. A site
// draws once per neuron and step, so a kernel that can run twice on a
// neuron in one step would see the same number twice: draws are refused in
// the update (RK stages evaluate an equation several times a step) and in
// a port that can receive more than one event a step (drawsPerEvent).
// normal() stays refused: a Gaussian needs more than a hash.

// draw lowers a random draw in a kernel.
func (g *gen) draw(x *ir.Call) (val, error) {
	if x.Fn != "uniform" && x.Fn != "rand" {
		return val{}, unsup("the random draw %s() in a kernel (only rand() and uniform() have an integer form)", x.Fn)
	}
	if g.b.k.Name == "update" {
		return val{}, unsup("the random draw %s() in an equation (draws are per event or per spike: in ports, resets and handlers)", x.Fn)
	}
	lo, hi := 0.0, 1.0
	if x.Fn == "uniform" {
		a, aok := ir.ConstValue(x.Args[0])
		b, bok := ir.ConstValue(x.Args[1])
		if !aok || !bok {
			return val{}, unsup("the random draw uniform() with bounds that are not constants (%s)", describe(x))
		}
		lo, hi = a, b
	}
	site := g.l.draws
	g.l.draws++
	r := g.b.add(&iir.Op{Code: iir.OpDraw, Imm: site, Scale: math.Ldexp(1, -iir.DrawBits), Note: fmt.Sprintf("%s: draw site %d", describe(x), site)})
	two := g.b.shl(r, 1)
	one := g.b.konst(1, math.Ldexp(1, -iir.DrawBits-1), "half a draw's step: the cell's midpoint")
	u := g.b.bin(iir.OpAdd, two, one)
	u.Scale = math.Ldexp(1, -iir.DrawBits-1)
	f := iir.DrawBits + 1
	uv := val{op: u, f: f, lo: math.Ldexp(1, -f), hi: 1 - math.Ldexp(1, -f)}
	return g.add(g.konst(lo), g.mulConst(uv, hi-lo), false), nil
}

// drawsPerEvent refuses draws in ports that can receive more than one
// event a step (after the range analysis counted them).
func (l *lowerer) drawsPerEvent() bool {
	ok := true
	for _, m := range l.out.Models {
		for _, pt := range m.Ports {
			if pt.Kernel == nil || pt.Events <= 1 || !hasDraw(pt.Kernel) {
				continue
			}
			pos := m.Pos
			for _, p := range m.Src.Ports {
				if p.Name == pt.Name {
					pos = p.Pos
				}
			}
			l.errorf(pos, "port %s of %s draws a random number, which cannot be expressed on %s when the port receives more than one event a step (up to %d: %s)",
				pt.Name, m.Pop, l.prof.Name, pt.Events, pt.Why).Hint =
				"a draw is one number per neuron and step on hardware: connect the drawing port one to one, or run in float64"
			ok = false
		}
	}
	return ok
}

func hasDraw(k *iir.Kernel) bool {
	for _, o := range k.Ops {
		if o.Code == iir.OpDraw {
			return true
		}
	}
	return false
}
