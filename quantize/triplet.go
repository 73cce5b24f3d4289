package quantize

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/ir/iir"
)

// Triplet STDP (Pfister and Gerstner 2006; std/plasticity TripletSTDP) in
// integers. The rule has two traces per side, each decaying to 0:
//
//	on pre:  deliver w·weight;  w = clip(w + y1·(cm2 + cm3·x2), lo, hi);  x1 += a1;  x2 += a2
//	on post: w = clip(w + x1·(cp2 + cp3·y2), lo, hi);  y1 += b1;  y2 += b2
//
// (TripletSTDP: x1, x2, y1, y2 = r1, r2, o1, o2, cm = −A_minus, cp =
// A_plus). The traces are held in counts of a bump (r1 = X1·2^-G1), G a
// trace's guard bits: enough that truncating its decay every step, summed
// over its lifetime, stays below one LSB of the weight change it makes.
// An update is
//
//	inner = ((Kc2 << G2) + Kc3·T2) >> G2      (Kc = c·2^(Frac+S), S extra constant bits)
//	W     = clip(W + (T1·inner) >> (G1 + S), Lo, Hi)
//
// rounded as the profile rounds (stochastic as nearest: a synapse has no
// random source). iir.Plastic's Pre and Post are x1 and y1, Pre2 and Post2
// x2 and y2; the kernels run in the pair rule's order (quantize/stdp.go):
// a spike bumps both traces of its side before the synapse updates, so an
// update that reads its own side's trace before the bump (the bump is
// written after it) reads T2 − bump, which is exact: the traces' widths
// hold their largest value, so the bump never saturates.

// tripletTerm is one side's weight change: t1·(c2 + c3·t2), t1 a trace of
// the other side, t2 (nil when c3 = 0) one of this side.
type tripletTerm struct {
	t1, t2 *ir.Var
	c2, c3 float64
}

// tripletBump is a trace's bump on its side's spike.
type tripletBump struct {
	v     *ir.Var
	a     float64
	set   bool // v = a instead of v += a
	after bool // after the synapse updates in the rule
}

type tripletShape struct {
	w            *ir.Var
	pre, post    tripletTerm // the change on pre (t1 a post trace) and on post
	preB, postB  [2]tripletBump
	lo, hi       float64
	deliverFirst bool
	decay        map[*ir.Var]float64
}

// isTriplet: a rule with two traces on each side.
func isTriplet(m *ir.Model) bool {
	_, pres, posts, _ := ruleVars(m)
	return len(pres) == 2 && len(posts) == 2
}

// plasticWhy is why a plastic rule has no integer form ("" if it has one).
func plasticWhy(m *ir.Model, dt float64) string {
	if isTriplet(m) {
		_, why := matchTriplet(m)
		return why
	}
	_, why := matchSTDP(m, dt)
	return why
}

// poly is a sum of monomials c·Πvars (a variable at most once).
type mono struct {
	c    float64
	vars []*ir.Var
}

// expand writes e as a polynomial of state variables; false when it is not
// one (a call, a division by a variable, a variable of the other neuron
// that is not a trace, a square).
func expand(e ir.Expr) ([]mono, bool) {
	if c, ok := ir.ConstValue(e); ok {
		return []mono{{c: c}}, true
	}
	switch e := e.(type) {
	case *ir.Ref:
		return []mono{{c: 1, vars: []*ir.Var{e.Var}}}, true
	case *ir.Unary:
		x, ok := expand(e.X)
		if !ok || e.Op != "-" {
			return nil, false
		}
		for k := range x {
			x[k].c = -x[k].c
		}
		return x, true
	case *ir.Binary:
		x, ok1 := expand(e.X)
		y, ok2 := expand(e.Y)
		if !ok1 || !ok2 {
			return nil, false
		}
		switch e.Op {
		case "+":
			return append(x, y...), true
		case "-":
			for k := range y {
				y[k].c = -y[k].c
			}
			return append(x, y...), true
		case "*":
			var out []mono
			for _, a := range x {
				for _, b := range y {
					vs := append(slices.Clone(a.vars), b.vars...)
					for i := range vs {
						if slices.Contains(vs[i+1:], vs[i]) {
							return nil, false
						}
					}
					out = append(out, mono{c: a.c * b.c, vars: vs})
				}
			}
			return out, true
		case "/":
			if c, ok := ir.ConstValue(e.Y); ok && c != 0 {
				for k := range x {
					x[k].c /= c
				}
				return x, true
			}
		}
	}
	return nil, false
}

// matchTriplet recognises a triplet rule; it returns why not otherwise.
func matchTriplet(m *ir.Model) (*tripletShape, string) {
	sh := &tripletShape{decay: map[*ir.Var]float64{}}
	w, pres, posts, why := ruleVars(m)
	if why != "" {
		return nil, why
	}
	if sh.w = w; sh.w == nil {
		return nil, "it needs one per-synapse weight"
	}
	if len(m.OnMod) > 0 {
		return nil, "a modulated triplet rule has no integer form yet"
	}
	for _, o := range m.ODEs {
		if o.Var == sh.w {
			return nil, fmt.Sprintf("%s must change at events only", sh.w.Name)
		}
	}
	for _, v := range append(slices.Clone(pres), posts...) {
		d, ok := expDecay(m, v)
		if !ok {
			return nil, fmt.Sprintf("the trace %s must decay exponentially to 0 (%s' = -%s/tau)", v.Name, v.Name, v.Name)
		}
		sh.decay[v] = d
	}
	shape := "a triplet rule must read: on pre { deliver w * weight; w = clip(w - y1 * (A2 + A3 * x2), lo, hi); x1 += a; x2 += a }, on post { w = clip(w + x1 * (A2 + A3 * y2), lo, hi); y1 += b; y2 += b }"
	// the update w = clip(w + t1·(c2 + c3·t2), lo, hi), t1 of others, t2 of own
	update := func(st ir.Stmt, others, own []*ir.Var, t *tripletTerm) string {
		a, ok := st.(*ir.Assign)
		if !ok || a.Var != sh.w || a.Op != "=" {
			return shape
		}
		c, ok := a.Value.(*ir.Call)
		if !ok || c.Fn != "clip" || len(c.Args) != 3 {
			return shape
		}
		lo, ok1 := ir.ConstValue(c.Args[1])
		hi, ok2 := ir.ConstValue(c.Args[2])
		p, ok3 := expand(c.Args[0])
		if !ok1 || !ok2 || !ok3 {
			return shape
		}
		if sh.hi != 0 && (sh.lo != lo || sh.hi != hi) {
			return fmt.Sprintf("both updates must clip %s to the same bounds", sh.w.Name)
		}
		sh.lo, sh.hi = lo, hi
		self := 0.0
		for _, mn := range p {
			switch {
			case mn.c == 0:
			case len(mn.vars) == 1 && mn.vars[0] == sh.w:
				self += mn.c
			case len(mn.vars) == 1 && slices.Contains(others, mn.vars[0]) && (t.t1 == nil || t.t1 == mn.vars[0]):
				t.t1 = mn.vars[0]
				t.c2 += mn.c
			case len(mn.vars) == 2:
				x, y := mn.vars[0], mn.vars[1]
				if slices.Contains(own, x) {
					x, y = y, x
				}
				if !slices.Contains(others, x) || !slices.Contains(own, y) || t.t1 != nil && t.t1 != x || t.t2 != nil && t.t2 != y {
					return fmt.Sprintf("the change of %s must be a trace of the other side times (a constant + a constant times a trace of this side)", sh.w.Name)
				}
				t.t1, t.t2 = x, y
				t.c3 += mn.c
			default:
				return fmt.Sprintf("the change of %s must be a trace of the other side times (a constant + a constant times a trace of this side)", sh.w.Name)
			}
		}
		if self != 1 || t.t1 == nil {
			return shape
		}
		if t.c3 == 0 {
			t.t2 = nil
		}
		return ""
	}
	bumps := func(before, after []ir.Stmt, own []*ir.Var, b *[2]tripletBump) string {
		if len(before)+len(after) != 2 {
			return shape
		}
		for k, st := range append(slices.Clone(before), after...) {
			a, ok := st.(*ir.Assign)
			c, isK := ir.Expr(nil), false
			if ok {
				c = a.Value
				_, isK = ir.ConstValue(c)
			}
			if !ok || !isK || !slices.Contains(own, a.Var) || k == 1 && a.Var == b[0].v {
				return shape
			}
			v, _ := ir.ConstValue(c)
			switch a.Op {
			case "+=":
			case "-=":
				v = -v
			case "=":
			default:
				return shape
			}
			b[k] = tripletBump{v: a.Var, a: v, set: a.Op == "=", after: k >= len(before)}
		}
		return ""
	}
	before, each, after, err := ir.SplitHandler(m.OnPre, ir.PerPre)
	if err != nil || len(each) != 2 {
		return nil, shape
	}
	if why := bumps(before, after, pres, &sh.preB); why != "" {
		return nil, why
	}
	d, ok := each[0].(*ir.Deliver)
	upd := each[1]
	if ok {
		sh.deliverFirst = true
	} else if d, ok = each[1].(*ir.Deliver); ok {
		upd = each[0]
	}
	if !ok || !isWTimesWeight(d.Value, sh.w) {
		return nil, shape
	}
	if why := update(upd, posts, pres, &sh.pre); why != "" {
		return nil, why
	}
	before, each, after, err = ir.SplitHandler(m.OnPost, ir.PerPost)
	if err != nil || len(each) != 1 {
		return nil, shape
	}
	if why := bumps(before, after, posts, &sh.postB); why != "" {
		return nil, why
	}
	if why := update(each[0], pres, posts, &sh.post); why != "" {
		return nil, why
	}
	for _, x := range []struct {
		t  tripletTerm
		bs [2]tripletBump
	}{{sh.pre, sh.preB}, {sh.post, sh.postB}} {
		for _, b := range x.bs {
			if b.v == x.t.t2 && b.after && b.set {
				return nil, fmt.Sprintf("the update reads %s before setting it (%s = %g): the value before the spike is not kept", b.v.Name, b.v.Name, b.a)
			}
		}
	}
	// the first trace of a side is the one the other side reads
	if sh.post.t1 == sh.pre.t2 || sh.pre.t1 == sh.post.t2 {
		return nil, "each trace must be read by one side only: the other side's t1 and this side's t2 must differ"
	}
	if sh.lo < 0 || sh.hi <= sh.lo {
		return nil, fmt.Sprintf("the clip bounds of %s must satisfy 0 <= lo < hi", sh.w.Name)
	}
	return sh, ""
}

// triplet lowers a triplet rule (q: its projection's quantized weight).
func (l *lowerer) triplet(prj *ir.Projection, q *iir.Proj) bool {
	pf := l.prof
	sh, why := matchTriplet(prj.Synapse)
	if sh == nil {
		l.errorf(prj.Pos, "plastic synapse %s (projection %s) cannot be expressed on %s: %s",
			prj.Synapse.Type, prj.Name, pf.Name, why).Hint = "std/plasticity TripletSTDP (and rules of its shape) has an integer form"
		return false
	}
	if !l.plasticWeight(prj, q) {
		return false
	}
	frac := wFrac(sh.hi, float64(iir.MaxOf(pf.WeightBits, false)))
	scale := math.Ldexp(1, -frac)
	pl := &iir.Plastic{Rule: prj.Synapse.Type, Frac: frac, WInit: sh.w.Init}
	if !l.stdpNormalize(prj, sh.w, pl, scale) {
		return false
	}
	pl.Lo, pl.Hi = iir.RoundHalfAway(sh.lo/scale), iir.RoundHalfAway(sh.hi/scale)
	pl.W = &iir.Var{Name: sh.w.Name, Kind: iir.StateVar, Width: pf.WeightBits, Lo: pl.Lo, Hi: pl.Hi, Scale: scale, Frac: frac, Pow2: true, Src: sh.w, Proof: iir.Saturate}
	pl.W.Range = iir.Interval{Lo: pl.Lo, Hi: pl.Hi}
	// S: the constants of a side's change get ConstBits−1 significant bits
	extra := func(t tripletTerm) int {
		c := math.Max(math.Abs(t.c2), math.Abs(t.c3)) * math.Ldexp(1, frac)
		s := 0
		for s < 40 && math.Round(c*math.Ldexp(1, s+1)) < math.Ldexp(1, pf.ConstBits-1) {
			s++
		}
		return s
	}
	sPre, sPost := extra(sh.pre), extra(sh.post)
	// a trace's guard bits: its decay's truncation over a lifetime below one
	// bump's 2^-G, and 2^G above the weight change (in W LSBs) of one count
	coef := map[*ir.Var]float64{}
	for _, t := range []tripletTerm{sh.pre, sh.post} {
		coef[t.t1] = math.Max(coef[t.t1], (math.Abs(t.c2)+math.Abs(t.c3))*math.Ldexp(1, frac))
		if t.t2 != nil {
			coef[t.t2] = math.Max(coef[t.t2], math.Abs(t.c3)*math.Ldexp(1, frac))
		}
	}
	rnd := pf.Rounding
	if rnd == iir.Stochastic {
		rnd = iir.Nearest
	}
	vars := map[*ir.Var]*iir.Var{}
	ticks := map[*ir.Var]*iir.Kernel{}
	ints := map[*ir.Var]int64{} // the bumps
	for _, b := range append(sh.preB[:], sh.postB[:]...) {
		d := sh.decay[b.v]
		g := 0
		for g < 16 && math.Ldexp(1, g)*(1-d) < 1 {
			g++
		}
		if coef[b.v] > 1 {
			g += int(math.Ceil(math.Log2(coef[b.v])))
		}
		g = min(g, 30)
		v := &iir.Var{Name: b.v.Name, Kind: iir.StateVar, Signed: true, Scale: math.Ldexp(1, -g), Frac: g, Pow2: true, Src: b.v, Proof: iir.Saturate}
		tick, dq, err := l.tripletDecay(v, d)
		if err != "" {
			l.errorf(prj.Pos, "plastic projection %s: %s", prj.Name, err)
			return false
		}
		n := iir.RoundHalfAway(b.a * math.Ldexp(1, g))
		pl.Consts = append(pl.Consts, iir.Quantized{What: "increment of " + b.v.Name, Value: b.a, Int: n, Got: float64(n) * v.Scale})
		if n == 0 && b.a != 0 {
			l.errorf(prj.Pos, "plastic projection %s: the increment of %s, %g, rounds to 0 with %d fractional bits", prj.Name, b.v.Name, b.a, g).Hint = "use a larger increment"
			return false
		}
		// the largest |value|: one bump every step, decayed by the larger of
		// the float and the integer factor
		// (+1: the mac decay's floor can leave a negative trace 1 LSB short)
		bound := abs64(n)
		if !b.set {
			bound += int64(math.Ceil(float64(abs64(n)+1) / (1 - math.Max(d, dq))))
		}
		// the range: the initial value decays, the bumps of one sign add up
		// to bound at most (a trace that starts at 0 with positive bumps
		// stays in [0, bound]: the decay truncates toward 0)
		init := int64(0)
		if c, ok := ir.ConstValue(b.v.Init); ok {
			init = iir.RoundHalfAway(c * math.Ldexp(1, g))
		}
		v.Lo, v.Hi = min(0, init), max(0, init)
		if n > 0 {
			v.Hi += bound
		} else {
			v.Lo -= bound
		}
		v.Width, _ = iir.BitsFor(-max(-v.Lo, v.Hi), max(-v.Lo, v.Hi))
		v.Range = iir.Interval{Lo: v.Lo, Hi: v.Hi}
		vars[b.v], ticks[b.v], ints[b.v] = v, tick, n
	}
	x1, x2, y1, y2 := sh.post.t1, otherOf(sh.preB, sh.post.t1), sh.pre.t1, otherOf(sh.postB, sh.pre.t1)
	pl.Pre, pl.Pre2, pl.Post, pl.Post2 = vars[x1], vars[x2], vars[y1], vars[y2]
	pl.DecayX, pl.DecayY = sh.decay[x1], sh.decay[y1]
	for _, x := range []struct {
		v    *ir.Var
		init *int64
	}{{x1, &pl.XInit}, {x2, &pl.X2Init}, {y1, &pl.YInit}, {y2, &pl.Y2Init}} {
		if c, ok := ir.ConstValue(x.v.Init); ok {
			*x.init = iir.RoundHalfAway(c / vars[x.v].Scale)
		}
	}
	pl.TickPre = joinKernels("decay of "+x1.Name+", "+x2.Name, ticks[x1], ticks[x2])
	pl.TickPost = joinKernels("decay of "+y1.Name+", "+y2.Name, ticks[y1], ticks[y2])
	var ones []*iir.Kernel
	for _, b := range sh.preB {
		ones = append(ones, bumpKernel("pre "+b.v.Name, vars[b.v], ints[b.v], b.set))
	}
	pl.PreOne = joinKernels("pre "+x1.Name+", "+x2.Name, ones...)
	ones = ones[:0]
	for _, b := range sh.postB {
		ones = append(ones, bumpKernel("post "+b.v.Name, vars[b.v], ints[b.v], b.set))
	}
	pl.PostOne = joinKernels("post "+y1.Name+", "+y2.Name, ones...)
	// change is W's change for term t (s extra constant bits); bs are its
	// side's bumps (t2 read before its bump reads T2 − bump)
	change := func(k *kb, t tripletTerm, s int, bs [2]tripletBump, what string) *iir.Op {
		kc := func(c float64, name string) *iir.Op {
			n := iir.RoundHalfAway(c * math.Ldexp(1, frac+s))
			pl.Consts = append(pl.Consts, iir.Quantized{What: name + " " + what, Value: c, Int: n, Got: math.Ldexp(float64(n), -frac-s)})
			return k.konst(n, math.Ldexp(1, -frac-s), name)
		}
		t1 := vars[t.t1]
		var inner *iir.Op
		if t.t2 == nil {
			inner = kc(t.c2, "pair coefficient")
		} else {
			t2 := vars[t.t2]
			tr := k.load(t2)
			for _, b := range bs {
				if b.v == t.t2 && b.after {
					tr = k.bin(iir.OpSub, tr, k.konst(ints[b.v], t2.Scale, "the bump, undone"))
				}
			}
			inner = k.bin(iir.OpMul, kc(t.c3, "triplet coefficient"), tr)
			if t.c2 != 0 {
				inner = k.bin(iir.OpAdd, k.shl(kc(t.c2, "pair coefficient"), t2.Frac), inner)
			}
			inner = k.shr(inner, t2.Frac, rnd)
		}
		return k.shr(k.bin(iir.OpMul, k.load(t1), inner), t1.Frac+s, rnd)
	}
	k := &kb{k: &iir.Kernel{Name: "on pre"}}
	w := k.load(pl.W)
	mant := k.konst(q.Mant, 0, "weight mantissa")
	dw := change(k, sh.pre, sPre, sh.preB, "on pre")
	if sh.deliverFirst {
		deliverW(k, w, mant, frac, q.Shift, rnd)
		wUpdate(k, pl, w, dw, false)
	} else {
		deliverW(k, wUpdate(k, pl, w, dw, false), mant, frac, q.Shift, rnd)
	}
	pl.OnPre = k.k
	k = &kb{k: &iir.Kernel{Name: "on post"}}
	w = k.load(pl.W)
	wUpdate(k, pl, w, change(k, sh.post, sPost, sh.postB, "on post"), false)
	pl.OnPost = k.k
	for _, kk := range pl.Kernels() {
		sizeOps(kk)
		for _, o := range kk.Ops {
			if o.Width > 63 {
				l.errorf(prj.Pos, "plastic projection %s: the %s kernel needs %d-bit arithmetic (%s), more than 63 bits", prj.Name, kk.Name, o.Width, strings.TrimSpace(o.Note)).Hint = "use shorter trace time constants or a larger dt"
				return false
			}
		}
	}
	q.Plastic = pl
	q.MaxAbs = math.Abs(q.Weight) * sh.hi
	return true
}

// otherOf is the trace of a side's bumps that is not v.
func otherOf(bs [2]tripletBump, v *ir.Var) *ir.Var {
	if bs[0].v == v {
		return bs[1].v
	}
	return bs[0].v
}

// tripletDecay is one step of a trace's decay and its factor. On a mac
// profile it is x + ⌊x·(−k)/2^e⌋ = x − ⌈x·k/2^e⌉, k = (1 − d)·2^e rounded
// with ConstBits−1 significant bits: 1 − d, not d, is the constant, which
// is 2^e/2^15 times as precise for a long time constant (at τ/dt = 1140,
// the pairing protocol's error falls from 1.7 % to 0.1 %), and a positive
// trace still reaches 0. Other profiles decay in their own arithmetic.
func (l *lowerer) tripletDecay(v *iir.Var, d float64) (*iir.Kernel, float64, string) {
	pf := l.prof
	if pf.Decay.Form != "mac" {
		k, err := l.traceDecay(v, d)
		if err != "" {
			return nil, 0, err
		}
		for _, o := range k.Ops {
			switch o.Code {
			case iir.OpShr:
				return k, math.Ldexp(float64(o.Args[0].Args[1].Imm), -int(o.Imm)), ""
			case iir.OpShiftDecay:
				return k, 1 - math.Ldexp(1, -int(o.Imm)), ""
			}
		}
		return k, d, ""
	}
	e := 0
	for e < 40 && math.Round((1-d)*math.Ldexp(1, e+1)) < math.Ldexp(1, pf.ConstBits-1) {
		e++
	}
	c := iir.RoundHalfAway((1 - d) * math.Ldexp(1, e))
	if c <= 0 || c >= int64(1)<<uint(e) {
		return nil, 0, fmt.Sprintf("the decay of %s per step, %.10g, has no integer form on %s", v.Name, d, pf.Name)
	}
	k := &kb{k: &iir.Kernel{Name: "decay of " + v.Name}}
	x := k.load(v)
	y := k.bin(iir.OpAdd, x, k.shr(k.bin(iir.OpMul, x, k.konst(-c, 0, fmt.Sprintf("decay of %s: 1 - %d/2^%d", v.Name, c, e))), e, iir.Floor))
	k.add(&iir.Op{Code: iir.OpStore, Var: v, Args: []*iir.Op{y}})
	return k.k, 1 - math.Ldexp(float64(c), -e), ""
}

// joinKernels is the kernels run one after the other, as one.
func joinKernels(name string, ks ...*iir.Kernel) *iir.Kernel {
	out := &iir.Kernel{Name: name}
	for _, k := range ks {
		for _, o := range k.Ops {
			o.ID = len(out.Ops)
			out.Ops = append(out.Ops, o)
		}
	}
	return out
}
