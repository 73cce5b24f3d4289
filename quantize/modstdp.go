package quantize

import (
	"fmt"
	"math"

	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/ir/iir"
)

// A modulated trace rule (a neuromodulated Hebbian rule, the third factor
// applying the change) in integers:
//
//	w (per synapse), x (per pre), y (per post);  x' = -x/τx,  y' = -y/τy
//	on pre:  deliver w·weight;  x += a (or x = a)
//	on post: y += b (or y = b)
//	on modulator M: w = clip(w + k·x·y, lo, hi)
//
// The traces are the pair rules' (decayed each step, bumped at spikes) but
// in their own units, x = X·2^-G (the product, not w, sets their scale);
// each spike of M runs OnMod on every synapse of the projection, after the
// step's on post, as the float interpreter does:
// W = clip(W + (X·Y·m) >> s) with k = m·2^-s in W's units.

const modShape = "a modulated rule must read: on pre { deliver w * weight; X += a }, on post { Y += b }, on modulator M { w = clip(w + k * X * Y, lo, hi) }"

// matchModulated finishes matchSTDP for a rule with one modulator.
func matchModulated(m *ir.Model, sh *stdpShape, bump func(ir.Stmt, *ir.Var) (float64, bool, bool), bumpOf func(before, after []ir.Stmt) ir.Stmt) (*stdpShape, string) {
	var ok bool
	before, each, after, err := ir.SplitHandler(m.OnPre, ir.PerPre)
	if err != nil || len(each) != 1 || bumpOf(before, after) == nil {
		return nil, modShape
	}
	if sh.a, sh.aSet, ok = bump(bumpOf(before, after), sh.x); !ok {
		return nil, modShape
	}
	d, isD := each[0].(*ir.Deliver)
	if !isD || !isWTimesWeight(d.Value, sh.w) {
		return nil, modShape
	}
	sh.deliverFirst = true
	before, each, after, err = ir.SplitHandler(m.OnPost, ir.PerPost)
	if err != nil || len(each) != 0 || bumpOf(before, after) == nil {
		return nil, modShape
	}
	if sh.b, sh.bSet, ok = bump(bumpOf(before, after), sh.y); !ok {
		return nil, modShape
	}
	for name, ss := range m.OnMod {
		sh.mod = name
		if len(ss) != 1 || !modUpdate(ss[0], sh) {
			return nil, modShape
		}
	}
	sh.kx, sh.ky = 1, 1
	if sh.lo < 0 || sh.hi <= sh.lo {
		return nil, fmt.Sprintf("the clip bounds of %s must satisfy 0 <= lo < hi", sh.w.Name)
	}
	return sh, ""
}

// modUpdate matches w = clip(w + k·x·y, lo, hi) (k a product of constants).
func modUpdate(st ir.Stmt, sh *stdpShape) bool {
	a, ok := st.(*ir.Assign)
	if !ok || a.Var != sh.w || a.Op != "=" {
		return false
	}
	c, ok := a.Value.(*ir.Call)
	if !ok || c.Fn != "clip" || len(c.Args) != 3 {
		return false
	}
	lo, ok1 := ir.ConstValue(c.Args[1])
	hi, ok2 := ir.ConstValue(c.Args[2])
	sum, ok3 := c.Args[0].(*ir.Binary)
	if !ok1 || !ok2 || !ok3 || sum.Op != "+" {
		return false
	}
	term := sum.Y
	if r, isRef := sum.X.(*ir.Ref); !isRef || r.Var != sh.w {
		if r, isRef := sum.Y.(*ir.Ref); !isRef || r.Var != sh.w {
			return false
		}
		term = sum.X
	}
	k, sx, sy := 1.0, false, false
	var factor func(e ir.Expr) bool
	factor = func(e ir.Expr) bool {
		if v, isK := ir.ConstValue(e); isK {
			k *= v
			return true
		}
		switch e := e.(type) {
		case *ir.Ref:
			switch {
			case e.Side == ir.Own && e.Var == sh.x && !sx:
				sx = true
				return true
			case e.Side == ir.Own && e.Var == sh.y && !sy:
				sy = true
				return true
			}
		case *ir.Binary:
			return e.Op == "*" && factor(e.X) && factor(e.Y)
		}
		return false
	}
	if !factor(term) || !sx || !sy || k == 0 {
		return false
	}
	sh.km, sh.lo, sh.hi = k, lo, hi
	return true
}

// modKernel is OnMod: W = clip(W + (X·Y·m) >> s, Lo, Hi), the change
// k·x·y in W's units (x = X·2^-GuardX, y = Y·2^-GuardY).
func (l *lowerer) modKernel(pl *iir.Plastic, km float64, rnd iir.Rounding) *iir.Kernel {
	k := &kb{k: &iir.Kernel{Name: "on modulator " + pl.Mod}}
	w := k.load(pl.W)
	c := km / pl.W.Scale * math.Ldexp(1, -pl.GuardX-pl.GuardY)
	m, e := splitConst(c, l.prof.ConstBits)
	pl.Consts = append(pl.Consts, iir.Quantized{What: "modulated rate", Value: km, Int: m, Got: float64(m) * math.Ldexp(1, -e) * pl.W.Scale * math.Ldexp(1, pl.GuardX+pl.GuardY)})
	p := k.bin(iir.OpMul, k.bin(iir.OpMul, k.load(pl.Pre), k.load(pl.Post)), k.konst(m, 0, fmt.Sprintf("%g", km)))
	wUpdate(k, pl, w, k.shr(p, e, rnd), false)
	return k.k
}

// modGuard is a modulated rule's trace precision: as many fractional bits
// as keep the trace within 23 bits (its largest value, one bump a step,
// is a/(1 − d) + a), so that X·Y times a 16-bit rate fits 62 bits. The
// truncating decay then loses at most 2^-G per step.
func modGuard(a float64, set bool, d float64) int {
	b := math.Abs(a)
	if !set && d > 0 {
		b += b / (1 - d)
	}
	return 22 - int(math.Ceil(math.Log2(b)))
}
