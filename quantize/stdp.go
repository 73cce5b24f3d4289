package quantize

import (
	"fmt"
	"maps"
	"math"
	"slices"

	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/ir/iir"
	"github.com/snnc/snnc/lang"
	"github.com/snnc/snnc/plan"
)

// Pair-trace STDP in integers (SpiNNaker-style: a per-synapse efficacy,
// one trace per presynaptic and one per postsynaptic neuron, decayed every
// step by the profile's decay arithmetic). The rules it lowers have the
// shape of std/plasticity's PairSTDP and NearestSTDP:
//
//	w (per synapse), X (per pre), Y (per post);  X' = -X/τx,  Y' = -Y/τy
//	on pre:  deliver w·weight;  X += a (or X = a);  w = clip(w + Y, lo, hi)
//	on post: Y += b (or Y = b);  w = clip(w + X, lo, hi)
//
// w is an unsigned WeightBits-bit integer W with w = W·2^-Frac, Frac as
// large as holds hi; X and Y are signed integers with G more fractional
// bits (guard bits: 2^G ≥ 1/(1 − decay), so that the per-step rounding of
// a decay, accumulated over a trace's lifetime, stays below one LSB of
// w), and w + Y is W + (Y >> G) with the profile's rounding. One step of a projection with such a rule, in
// the simulator's order (iir.go):
//
//	7a. before its propagation: every X[i] and Y[j] decays once (TickPre,
//	    TickPost: the profile's decay, rounded toward zero for mac and
//	    multiply forms so that a trace always reaches 0)
//	7b. per presynaptic spike due now: PreOne on X[i]; then per synapse in
//	    row order OnPre: its Out, ((W·mantissa) >> Frac, rounded as the
//	    profile rounds) << shift, is the event's integer weight for the
//	    port kernel, and W is updated, in the order the rule is written
//	    (a rule that updates first delivers the updated W);
//	    stochastic rounding is round to nearest in these kernels (a
//	    synapse has no random source)
//	7c. after every projection has propagated, per spike of the
//	    postsynaptic population (ascending): PostOne on Y[j], then OnPost
//	    on each synapse onto j, by presynaptic index and row order
//
// This is the float interpreter's order (it integrates the traces exactly
// at events; the integer traces are clock-driven, which is the same
// arithmetic up to rounding).

// stdpShape is what matching found in a synapse model.
type stdpShape struct {
	w, x, y      *ir.Var
	aSet, bSet   bool // X = a / Y = b instead of +=
	a, b         float64
	lo, hi       float64
	tauDx, tauDy float64 // decay per step
	kx, ky       float64 // w + kx·X on post, w + ky·Y on pre (Hao's nu·x): the traces are held as kx·X, ky·Y
	// the weight dependence of each update (Gütig et al.'s pow(w, mu),
	// pow(1 − w, mu) with mu 0 or 1): w + k·g(w)·trace
	gx, gy wdep
	// gate: the updates are multiplied by post.gate, a 0/1 flag of the
	// postsynaptic neuron (Davies et al.'s learning switch); gx, gy say
	// which update reads it
	gate    string
	gatePos lang.Span
	gatedX  bool
	gatedY  bool
	// mod: a modulated rule (ModHebb): on pre and on post only bump the
	// traces; each spike of modulator mod applies w = clip(w + km·x·y)
	mod          string
	km           float64
	deliverFirst bool // on pre delivers w before updating it (else the updated w)
	bare         bool // `deliver w`: w is in the port's unit, no weight setting
}

// wdep is a weight update's factor g(w): 1, w, or c − w.
type wdep struct {
	kind int // 0: 1, 1: w, 2: c − w
	c    float64
}

// matchSTDP recognises a pair-trace rule; it returns why not otherwise.
func matchSTDP(m *ir.Model, dt float64) (*stdpShape, string) {
	sh := &stdpShape{}
	w, pres, posts, why := ruleVars(m)
	switch {
	case why != "":
		return nil, why
	case len(pres) > 1:
		return nil, "it has more than one presynaptic trace"
	case len(posts) > 1:
		return nil, "it has more than one postsynaptic trace"
	case w == nil || len(pres) == 0 || len(posts) == 0:
		return nil, "it needs one per-synapse weight, one presynaptic and one postsynaptic trace"
	}
	sh.w, sh.x, sh.y = w, pres[0], posts[0]
	if len(m.OnMod) > 1 {
		return nil, "a rule with more than one modulator has no integer form yet"
	}
	var ok bool
	if sh.tauDx, ok = expDecay(m, sh.x); !ok {
		return nil, fmt.Sprintf("the trace %s must decay exponentially to 0 (%s' = -%s/tau)", sh.x.Name, sh.x.Name, sh.x.Name)
	}
	if sh.tauDy, ok = expDecay(m, sh.y); !ok {
		return nil, fmt.Sprintf("the trace %s must decay exponentially to 0 (%s' = -%s/tau)", sh.y.Name, sh.y.Name, sh.y.Name)
	}
	for _, o := range m.ODEs {
		if o.Var == sh.w {
			return nil, fmt.Sprintf("%s must change at events only", sh.w.Name)
		}
	}
	bump := func(st ir.Stmt, v *ir.Var) (float64, bool, bool) {
		a, ok := st.(*ir.Assign)
		if !ok || a.Var != v {
			return 0, false, false
		}
		c, ok := a.Value.(*ir.Const)
		if !ok {
			return 0, false, false
		}
		switch a.Op {
		case "+=":
			return c.V, false, true
		case "-=":
			return -c.V, false, true
		case "=":
			return c.V, true, true
		}
		return 0, false, false
	}
	// w = clip(w ± k·g(w)·T, lo, hi), k a constant (a trace scaled when
	// read is the same trace scaled: k·T with increments k·a), g(w) one
	// of 1, w, c − w (pow(., 1); pow(., 0) is 1); *k and *g are set
	update := func(st ir.Stmt, t *ir.Var, k *float64, g *wdep, gated *bool) bool {
		a, ok := st.(*ir.Assign)
		if !ok || a.Var != sh.w || a.Op != "=" {
			return false
		}
		c, ok := a.Value.(*ir.Call)
		if !ok || c.Fn != "clip" || len(c.Args) != 3 {
			return false
		}
		lo, ok1 := c.Args[1].(*ir.Const)
		hi, ok2 := c.Args[2].(*ir.Const)
		sum, ok3 := c.Args[0].(*ir.Binary)
		if !ok1 || !ok2 || !ok3 || sum.Op != "+" && sum.Op != "-" {
			return false
		}
		isRef := func(e ir.Expr, v *ir.Var) bool { r, ok := e.(*ir.Ref); return ok && r.Var == v }
		// scaled: a product of constants, t once and at most one g(w)
		var seen bool
		var factor func(e ir.Expr) bool
		factor = func(e ir.Expr) bool {
			if x, isK := ir.ConstValue(e); isK {
				*k *= x
				return true
			}
			switch e := e.(type) {
			case *ir.Ref:
				if e.Var == t && !seen {
					seen = true
					return true
				}
				if e.Var == sh.w && g.kind == 0 {
					g.kind = 1
					return true
				}
				if e.Side == ir.Post && !*gated && (sh.gate == "" || sh.gate == e.Var.Name) {
					sh.gate, sh.gatePos, *gated = e.Var.Name, a.Pos, true
					return true
				}
			case *ir.Binary:
				if e.Op == "*" {
					return factor(e.X) && factor(e.Y)
				}
				if x, isK := ir.ConstValue(e.X); isK && e.Op == "-" && isRef(e.Y, sh.w) && g.kind == 0 {
					g.kind, g.c = 2, x
					return true
				}
			case *ir.Call:
				if mu, isK := ir.ConstValue(e.Args[len(e.Args)-1]); e.Fn == "pow" && isK && (mu == 0 || mu == 1) {
					return mu == 0 || factor(e.Args[0])
				}
			}
			return false
		}
		scaled := func(e ir.Expr, sign float64) bool {
			*k, *g, seen, *gated = sign, wdep{}, false, false
			return factor(e) && seen && *k != 0
		}
		if !(isRef(sum.X, sh.w) && scaled(sum.Y, map[string]float64{"+": 1, "-": -1}[sum.Op]) || sum.Op == "+" && scaled(sum.X, 1) && isRef(sum.Y, sh.w)) {
			return false
		}
		if sh.hi != 0 && (sh.lo != lo.V || sh.hi != hi.V) {
			return false
		}
		sh.lo, sh.hi = lo.V, hi.V
		return true
	}
	shape := "the rule must read: on pre { deliver w * weight (or deliver w); X += a; w = clip(w + Y, lo, hi) }, on post { Y += b; w = clip(w + X, lo, hi) } (a trace may be read as k·Y, and bumped after the update)"
	// the trace's bump, before or after the synapse statements: they read
	// the other trace only, so the order does not matter
	bumpOf := func(before, after []ir.Stmt) ir.Stmt {
		if len(before)+len(after) != 1 {
			return nil
		}
		return append(before, after...)[0]
	}
	if len(m.OnMod) == 1 {
		return matchModulated(m, sh, bump, bumpOf)
	}
	before, each, after, err := ir.SplitHandler(m.OnPre, ir.PerPre)
	if err != nil || len(each) != 2 || bumpOf(before, after) == nil {
		return nil, shape
	}
	if sh.a, sh.aSet, ok = bump(bumpOf(before, after), sh.x); !ok {
		return nil, shape
	}
	// deliver then update (PairSTDP), or update then deliver (Brian2's
	// Vogels et al. example): then the updated w is delivered
	d, ok := each[0].(*ir.Deliver)
	upd := each[1]
	if ok {
		sh.deliverFirst = true
	} else {
		d, ok = each[1].(*ir.Deliver)
		upd = each[0]
	}
	if !ok {
		return nil, shape
	}
	if r, isRef := d.Value.(*ir.Ref); isRef && r.Var == sh.w {
		sh.bare = true
	}
	if !(sh.bare || isWTimesWeight(d.Value, sh.w)) || !update(upd, sh.y, &sh.ky, &sh.gy, &sh.gatedY) {
		return nil, shape
	}
	before, each, after, err = ir.SplitHandler(m.OnPost, ir.PerPost)
	if err != nil || len(each) != 1 || bumpOf(before, after) == nil {
		return nil, shape
	}
	if sh.b, sh.bSet, ok = bump(bumpOf(before, after), sh.y); !ok || !update(each[0], sh.x, &sh.kx, &sh.gx, &sh.gatedX) {
		return nil, shape
	}
	// hold the traces as read: kx·X, ky·Y
	sh.a, sh.b = sh.a*sh.kx, sh.b*sh.ky
	if sh.bare && (sh.gx.kind != 0 || sh.gy.kind != 0) {
		return nil, fmt.Sprintf("a weight-dependent update needs %s in the weight's units: deliver %s * weight", sh.w.Name, sh.w.Name)
	}
	if sh.lo < 0 || sh.hi <= sh.lo {
		return nil, fmt.Sprintf("the clip bounds of %s must satisfy 0 <= lo < hi", sh.w.Name)
	}
	return sh, ""
}

// ruleVars is a rule's state: its per-synapse weight (nil without), its
// per-pre and per-post variables; why is set for a second per-synapse one.
func ruleVars(m *ir.Model) (w *ir.Var, pres, posts []*ir.Var, why string) {
	for _, v := range m.Vars {
		if v.Kind != ir.State {
			continue
		}
		switch v.Storage {
		case ir.PerSynapse:
			if w != nil {
				return nil, nil, nil, "it has more than one per-synapse variable"
			}
			w = v
		case ir.PerPre:
			pres = append(pres, v)
		case ir.PerPost:
			posts = append(posts, v)
		}
	}
	return w, pres, posts, ""
}

// expDecay is the per-step factor of a trace that decays exponentially to
// 0 (v' = -v/tau, integrated exactly); false otherwise.
func expDecay(m *ir.Model, v *ir.Var) (float64, bool) {
	for _, sys := range m.Update {
		if len(sys.Vars) == 1 && sys.Vars[0] == v && sys.Method == ir.Exact && len(sys.P) == 1 && len(sys.Inputs) == 0 &&
			(len(sys.R) == 0 || sys.R[0] == 0) {
			return sys.P[0][0], true
		}
	}
	return 0, false
}

func isWTimesWeight(e ir.Expr, w *ir.Var) bool {
	b, ok := e.(*ir.Binary)
	if !ok || b.Op != "*" {
		return false
	}
	isW := func(e ir.Expr) bool { r, ok := e.(*ir.Ref); return ok && r.Var == w }
	isWeight := func(e ir.Expr) bool { _, ok := e.(*ir.WeightRef); return ok }
	return isW(b.X) && isWeight(b.Y) || isWeight(b.X) && isW(b.Y)
}

// stdp lowers a plastic projection's rule (q: its quantized weight).
func (l *lowerer) stdp(prj *ir.Projection, q *iir.Proj) bool {
	pf := l.prof
	if pf.NoLearning {
		l.errorf(prj.Pos, "plastic synapse %s (projection %s) cannot be expressed on %s: its synapses do not learn on chip",
			prj.Synapse.Type, prj.Name, pf.Name).Hint = "make the projection static on this profile, or use --profile q16 (pair-trace STDP in integers)"
		return false
	}
	for _, name := range slices.Sorted(maps.Keys(prj.ModPerPost)) {
		l.errorf(prj.Pos, "plastic projection %s: modulator %s one_to_one (per postsynaptic neuron) cannot be expressed on %s: the integer rules take a modulator that reaches every synapse",
			prj.Name, name, pf.Name)
		return false
	}
	if isTriplet(prj.Synapse) {
		return l.triplet(prj, q)
	}
	sh, why := matchSTDP(prj.Synapse, l.out.Dt)
	if sh == nil {
		l.errorf(prj.Pos, "plastic synapse %s (projection %s) cannot be expressed on %s: %s",
			prj.Synapse.Type, prj.Name, pf.Name, why).Hint = "pair-trace STDP (std/plasticity PairSTDP, NearestSTDP, SymSTDP, MultSTDP with mu 0 or 1) and TripletSTDP have integer forms"
		return false
	}
	if !l.plasticWeight(prj, q) {
		return false
	}
	wb := pf.WeightBits
	hiMax := float64(iir.MaxOf(wb, false))
	// w is held in units of norm: 1, or for `deliver w` the clip bound hi
	// (w/hi in [0, 1]; the projection's weight is then hi, see weights)
	norm := 1.0
	if sh.bare {
		norm = sh.hi
	}
	frac := wFrac(sh.hi/norm, hiMax)
	scale := math.Ldexp(norm, -frac)
	pow2 := norm == 1
	pl := &iir.Plastic{Rule: prj.Synapse.Type, Frac: frac, DecayX: sh.tauDx, DecayY: sh.tauDy, WInit: sh.w.Init}
	if !l.stdpNormalize(prj, sh.w, pl, scale) {
		return false
	}
	if sh.gate != "" {
		if pl.Gate = l.stdpGate(prj, sh); pl.Gate == nil {
			return false
		}
	}
	pl.Lo, pl.Hi = iir.RoundHalfAway(sh.lo/scale), iir.RoundHalfAway(sh.hi/scale)
	// the traces' unit: w's (w + X), or 1 for a modulated rule's product
	tbase := scale
	if sh.mod != "" {
		tbase = 1
	}
	quant := func(what string, v float64, g int) (int64, bool) {
		sc := tbase * math.Ldexp(1, -g)
		n := iir.RoundHalfAway(v / sc)
		got := float64(n) * sc
		pl.Consts = append(pl.Consts, iir.Quantized{What: what, Value: v, Int: n, Got: got})
		if n == 0 && v != 0 {
			l.errorf(prj.Pos, "plastic projection %s: %s = %g rounds to 0 (%s is %d-bit with %d fractional bits, the trace has %d more: one step is %g): the closest representable values are 0 and %g",
				prj.Name, what, v, sh.w.Name, wb, frac, g, sc, math.Copysign(sc, v)).Hint = "use a larger increment or a smaller clip bound"
			return 0, false
		}
		return n, true
	}
	guard := func(d float64) int {
		g := 0
		for g < 16 && math.Ldexp(1, g)*(1-d) < 1 {
			g++
		}
		return g
	}
	pl.GuardX, pl.GuardY = guard(sh.tauDx), guard(sh.tauDy)
	if sh.mod != "" {
		pl.GuardX, pl.GuardY = modGuard(sh.a, sh.aSet, sh.tauDx), modGuard(sh.b, sh.bSet, sh.tauDy)
	}
	a, ok1 := quant("increment of "+sh.x.Name, sh.a, pl.GuardX)
	b, ok2 := quant("increment of "+sh.y.Name, sh.b, pl.GuardY)
	if !ok1 || !ok2 {
		return false
	}
	// a trace holds at most |bump|/(1 − decay) (one bump every step)
	bound := func(c int64, set bool, d float64) int64 {
		if set || d <= 0 {
			return abs64(c)
		}
		return int64(math.Ceil(float64(abs64(c))/(1-d))) + abs64(c)
	}
	tw := func(c int64, set bool, d float64) int {
		w, _ := iir.BitsFor(-bound(c, set, d), bound(c, set, d))
		return w
	}
	pl.W = &iir.Var{Name: sh.w.Name, Kind: iir.StateVar, Width: wb, Lo: pl.Lo, Hi: pl.Hi, Scale: scale, Frac: frac, Pow2: pow2, Src: sh.w, Proof: iir.Saturate}
	xw, yw := tw(a, sh.aSet, sh.tauDx), tw(b, sh.bSet, sh.tauDy)
	pl.Pre = &iir.Var{Name: sh.x.Name, Kind: iir.StateVar, Width: xw, Signed: true, Lo: iir.MinOf(xw, true), Hi: iir.MaxOf(xw, true),
		Scale: math.Ldexp(tbase, -pl.GuardX) / sh.kx, Frac: frac + pl.GuardX, Pow2: pow2 && sh.kx == 1, Src: sh.x, Proof: iir.Saturate}
	pl.Post = &iir.Var{Name: sh.y.Name, Kind: iir.StateVar, Width: yw, Signed: true, Lo: iir.MinOf(yw, true), Hi: iir.MaxOf(yw, true),
		Scale: math.Ldexp(tbase, -pl.GuardY) / sh.ky, Frac: frac + pl.GuardY, Pow2: pow2 && sh.ky == 1, Src: sh.y, Proof: iir.Saturate}
	if sh.mod != "" {
		pl.Pre.Frac, pl.Post.Frac = pl.GuardX, pl.GuardY
	}
	for _, v := range []*iir.Var{pl.W, pl.Pre, pl.Post} {
		v.Range = iir.Interval{Lo: v.Lo, Hi: v.Hi}
	}
	if c, ok := ir.ConstValue(sh.x.Init); ok {
		pl.XInit = iir.RoundHalfAway(c / pl.Pre.Scale)
	}
	if c, ok := ir.ConstValue(sh.y.Init); ok {
		pl.YInit = iir.RoundHalfAway(c / pl.Post.Scale)
	}
	var err string
	if pl.TickPre, err = l.traceDecay(pl.Pre, sh.tauDx); err == "" {
		pl.TickPost, err = l.traceDecay(pl.Post, sh.tauDy)
	}
	if err != "" {
		l.errorf(prj.Pos, "plastic projection %s: %s", prj.Name, err)
		return false
	}
	pl.PreOne = bumpKernel("pre "+sh.x.Name, pl.Pre, a, sh.aSet)
	pl.PostOne = bumpKernel("post "+sh.y.Name, pl.Post, b, sh.bSet)
	// the synapse kernels have no random source: stochastic rounding
	// becomes round to nearest here
	rnd := pf.Rounding
	if rnd == iir.Stochastic {
		rnd = iir.Nearest
	}
	// on pre: the delivered weight and w += Y, in the rule's order
	k := &kb{k: &iir.Kernel{Name: "on pre"}}
	w := k.load(pl.W)
	mant := k.konst(q.Mant, 0, "weight mantissa")
	deliver := func(w *iir.Op) { deliverW(k, w, mant, frac, q.Shift, rnd) }
	// the change: the trace in w's units, times g(W) in w's units
	change := func(k *kb, w *iir.Op, tr *iir.Var, guard int, g wdep) *iir.Op {
		if g.kind == 0 {
			return k.shr(k.load(tr), guard, rnd)
		}
		f := w
		if g.kind == 2 {
			f = k.bin(iir.OpSub, k.konst(iir.RoundHalfAway(g.c/scale), scale, fmt.Sprintf("%g", g.c)), w)
		}
		return k.shr(k.bin(iir.OpMul, f, k.load(tr)), guard+frac, rnd)
	}
	if sh.mod != "" {
		deliver(w)
		pl.OnPre = k.k
		pl.OnPost = &iir.Kernel{Name: "on post"}
		pl.Mod, pl.ModSrc = sh.mod, prj.Modulators[sh.mod].Name()
		pl.OnMod = l.modKernel(pl, sh.km, rnd)
		for _, kk := range pl.Kernels() {
			sizeOps(kk)
		}
		q.Plastic = pl
		q.MaxAbs = math.Abs(q.Weight) * sh.hi
		return true
	}
	if sh.deliverFirst {
		deliver(w)
		wUpdate(k, pl, w, change(k, w, pl.Post, pl.GuardY, sh.gy), sh.gatedY)
	} else {
		deliver(wUpdate(k, pl, w, change(k, w, pl.Post, pl.GuardY, sh.gy), sh.gatedY))
	}
	pl.OnPre = k.k
	k = &kb{k: &iir.Kernel{Name: "on post"}}
	w = k.load(pl.W)
	wUpdate(k, pl, w, change(k, w, pl.Pre, pl.GuardX, sh.gx), sh.gatedX)
	pl.OnPost = k.k
	for _, kk := range pl.Kernels() {
		sizeOps(kk)
	}
	q.Plastic = pl
	q.MaxAbs = math.Abs(q.Weight) * sh.hi
	return true
}

// plasticWeight checks that a plastic projection's weight setting is one
// constant (w carries the per-synapse part).
func (l *lowerer) plasticWeight(prj *ir.Projection, q *iir.Proj) bool {
	pf := l.prof
	if len(prj.Merged) > 0 {
		l.errorf(prj.Pos, "plastic projection %s: merged projections cannot be plastic on %s", prj.Name, pf.Name)
		return false
	}
	if !q.Const {
		l.errorf(prj.Pos, "plastic projection %s: the weight setting must be a constant on %s (w carries the per-synapse part)", prj.Name, pf.Name)
		return false
	}
	return true
}

// deliverW sets the on-pre kernel's Out: ((W·mantissa) >> frac) << shift.
func deliverW(k *kb, w, mant *iir.Op, frac, shift int, rnd iir.Rounding) {
	d := k.shr(k.bin(iir.OpMul, w, mant), frac, rnd)
	k.k.Out = k.shl(d, shift)
	k.k.Out.Note = "delivered weight"
}

// wFrac is the fractional bits of a weight whose largest value hi fits
// below hiMax.
func wFrac(hi, hiMax float64) int {
	frac := 0
	for frac < 62 && hi*math.Ldexp(1, frac+1) <= hiMax {
		frac++
	}
	for frac > -62 && hi*math.Ldexp(1, frac) > hiMax {
		frac--
	}
	return frac
}

// stdpNormalize sets the rule's synaptic scaling (normalize sum(w)), w the
// rule's weight held in units of scale; it reports false after an error.
func (l *lowerer) stdpNormalize(prj *ir.Projection, w *ir.Var, pl *iir.Plastic, scale float64) bool {
	n := prj.Normalize
	if n == nil {
		return true
	}
	pf := l.prof
	if n.Var != w {
		l.errorf(n.Pos, "synaptic scaling of %s (projection %s) cannot be expressed on %s: only the rule's weight %s is scaled there", n.Var.Name, prj.Name, pf.Name, w.Name)
		return false
	}
	pl.NormEvery, pl.NormTarget = plan.Every(n.Every, l.out.Dt), iir.RoundHalfAway(n.Target/scale)
	pl.NormRound = pf.Rounding
	if pl.NormRound == iir.Stochastic {
		pl.NormRound = iir.Nearest
	}
	pl.Consts = append(pl.Consts, iir.Quantized{What: "normalize target", Value: n.Target, Int: pl.NormTarget, Got: float64(pl.NormTarget) * scale})
	return true
}

// traceDecay is one step of a trace's decay in the profile's arithmetic.
func (l *lowerer) traceDecay(v *iir.Var, d float64) (*iir.Kernel, string) {
	pf := l.prof
	k := &kb{k: &iir.Kernel{Name: "decay of " + v.Name}}
	x := k.load(v)
	var y *iir.Op
	switch pf.Decay.Form {
	case "shift":
		dash := int(math.Round(-math.Log2(1 - d)))
		if dash < 1 || pf.Decay.MaxShift > 0 && dash > pf.Decay.MaxShift {
			return nil, fmt.Sprintf("the decay of %s per step, %.10g, needs a shift of %d, outside %s's 1..%d", v.Name, d, dash, pf.Name, pf.Decay.MaxShift)
		}
		y = k.add(&iir.Op{Code: iir.OpShiftDecay, Args: []*iir.Op{x}, Imm: int64(dash), MinStep: pf.Decay.MinStep, Scale: v.Scale, Note: fmt.Sprintf("decay of %s: x − (x >> %d)", v.Name, dash)})
	default:
		bits := pf.ConstBits - 1
		if pf.Decay.Form == "multiply" && pf.Decay.Bits > 0 {
			bits = pf.Decay.Bits
		}
		c := iir.RoundHalfAway(math.Ldexp(d, bits))
		if c <= 0 || c >= int64(1)<<uint(bits) {
			return nil, fmt.Sprintf("the decay of %s per step, %.10g, rounds to %d/2^%d on %s: the trace would not decay", v.Name, d, c, bits, pf.Name)
		}
		y = k.shr(k.bin(iir.OpMul, x, k.konst(c, 0, fmt.Sprintf("decay of %s: %d/2^%d", v.Name, c, bits))), bits, iir.Trunc)
	}
	k.add(&iir.Op{Code: iir.OpStore, Var: v, Args: []*iir.Op{y}})
	return k.k, ""
}

// bumpKernel is X += c (X = c with set), saturating.
func bumpKernel(name string, v *iir.Var, c int64, set bool) *iir.Kernel {
	k := &kb{k: &iir.Kernel{Name: name}}
	var y *iir.Op
	if set {
		y = k.konst(c, v.Scale, "")
	} else {
		y = k.add(&iir.Op{Code: iir.OpResize, Args: []*iir.Op{k.bin(iir.OpAdd, k.load(v), k.konst(c, v.Scale, ""))}, Ovf: iir.Saturate, Lo: v.Lo, Hi: v.Hi, Width: v.Width, Signed: true, Var: v})
	}
	k.add(&iir.Op{Code: iir.OpStore, Var: v, Args: []*iir.Op{y}})
	return k.k
}

// wUpdate is W = clip(W + T, Lo, Hi), or with gated, that when the
// postsynaptic gate is set and W otherwise (gate·T is T or 0: W is within
// its bounds); it returns the new W.
func wUpdate(k *kb, pl *iir.Plastic, w, t *iir.Op, gated bool) *iir.Op {
	s := k.bin(iir.OpAdd, w, t)
	s = k.bin(iir.OpMax, s, k.konst(pl.Lo, pl.W.Scale, "lo"))
	s = k.bin(iir.OpMin, s, k.konst(pl.Hi, pl.W.Scale, "hi"))
	if gated {
		s = k.sel(k.cmp("!=", k.load(pl.Gate), k.konst(0, pl.Gate.Scale, "")), s, w)
	}
	k.add(&iir.Op{Code: iir.OpStore, Var: pl.W, Args: []*iir.Op{s}})
	return s
}

// sizeOps sets every op's Range and width by interval arithmetic from the
// variables' ranges (the synapse kernels are short and have no feedback
// within a kernel).
func sizeOps(k *iir.Kernel) {
	for _, o := range k.Ops {
		r := func(i int) iir.Interval { return o.Args[i].Range }
		switch o.Code {
		case iir.OpConst:
			o.Range = iir.Interval{Lo: o.Imm, Hi: o.Imm}
		case iir.OpLoad:
			o.Range = iir.Interval{Lo: o.Var.Lo, Hi: o.Var.Hi}
		case iir.OpAdd:
			o.Range = iir.Interval{Lo: r(0).Lo + r(1).Lo, Hi: r(0).Hi + r(1).Hi}
		case iir.OpSub:
			o.Range = iir.Interval{Lo: r(0).Lo - r(1).Hi, Hi: r(0).Hi - r(1).Lo}
		case iir.OpMul:
			a, b := r(0), r(1)
			c := []int64{a.Lo * b.Lo, a.Lo * b.Hi, a.Hi * b.Lo, a.Hi * b.Hi}
			o.Range = iir.Interval{Lo: min(c[0], c[1], c[2], c[3]), Hi: max(c[0], c[1], c[2], c[3])}
		case iir.OpShl:
			o.Range = iir.Interval{Lo: r(0).Lo << uint(o.Imm), Hi: r(0).Hi << uint(o.Imm)}
		case iir.OpShr:
			o.Range = iir.Interval{Lo: iir.ShiftRight(r(0).Lo, int(o.Imm), iir.Floor, nil), Hi: iir.ShiftRight(r(0).Hi, int(o.Imm), iir.Floor, nil) + 1}
		case iir.OpShiftDecay:
			o.Range = iir.Interval{Lo: min(r(0).Lo, 0), Hi: max(r(0).Hi, 0)}
		case iir.OpMin:
			o.Range = iir.Interval{Lo: min(r(0).Lo, r(1).Lo), Hi: min(r(0).Hi, r(1).Hi)}
		case iir.OpMax:
			o.Range = iir.Interval{Lo: max(r(0).Lo, r(1).Lo), Hi: max(r(0).Hi, r(1).Hi)}
		case iir.OpResize:
			o.Range = iir.Interval{Lo: max(r(0).Lo, o.Lo), Hi: min(r(0).Hi, o.Hi)}
		case iir.OpCmp:
			o.Range = iir.Interval{Lo: 0, Hi: 1}
		case iir.OpSelect:
			o.Range = iir.Interval{Lo: min(r(1).Lo, r(2).Lo), Hi: max(r(1).Hi, r(2).Hi)}
		case iir.OpStore:
			o.Width, o.Signed = o.Var.Width, o.Var.Signed // as setWidth gives a neuron's stores
			continue
		}
		if o.Code != iir.OpResize {
			o.Width, o.Signed = iir.BitsFor(o.Range.Lo, o.Range.Hi)
		} else {
			o.Width, o.Signed = o.Var.Width, o.Var.Signed
		}
	}
}
