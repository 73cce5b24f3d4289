package fixed

import (
	"fmt"
	"math"

	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/runtime"
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
type Plastic struct {
	Rule    string
	W       *Var    // per synapse
	Pre     *Var    // per presynaptic neuron
	Post    *Var    // per postsynaptic neuron
	WInit   ir.Expr // initial w (may draw per synapse)
	XInit   int64
	YInit   int64
	Lo, Hi  int64 // W's clip bounds
	Frac    int
	GuardX  int // the traces' extra fractional bits
	GuardY  int
	DecayX  float64 // per step, float
	DecayY  float64
	TickPre *Kernel
	TickPost,
	PreOne, OnPre, PostOne, OnPost *Kernel
	Consts []Quantized
}

// kernels lists the rule's kernels.
func (pl *Plastic) kernels() []*Kernel {
	return []*Kernel{pl.TickPre, pl.TickPost, pl.PreOne, pl.OnPre, pl.PostOne, pl.OnPost}
}

// stdpShape is what matching found in a synapse model.
type stdpShape struct {
	w, x, y      *ir.Var
	aSet, bSet   bool // X = a / Y = b instead of +=
	a, b         float64
	lo, hi       float64
	tauDx, tauDy float64 // decay per step
	deliverFirst bool    // on pre delivers w before updating it (else the updated w)
	bare         bool    // `deliver w`: w is in the port's unit, no weight setting
}

// matchSTDP recognises a pair-trace rule; it returns why not otherwise.
func matchSTDP(m *ir.Model, dt float64) (*stdpShape, string) {
	sh := &stdpShape{}
	for _, v := range m.Vars {
		if v.Kind != ir.State {
			continue
		}
		switch v.Storage {
		case ir.PerSynapse:
			if sh.w != nil {
				return nil, "it has more than one per-synapse variable"
			}
			sh.w = v
		case ir.PerPre:
			if sh.x != nil {
				return nil, "it has more than one presynaptic trace"
			}
			sh.x = v
		case ir.PerPost:
			if sh.y != nil {
				return nil, "it has more than one postsynaptic trace"
			}
			sh.y = v
		}
	}
	if sh.w == nil || sh.x == nil || sh.y == nil {
		return nil, "it needs one per-synapse weight, one presynaptic and one postsynaptic trace"
	}
	if len(m.OnMod) > 0 {
		return nil, "modulated rules have no integer form yet"
	}
	decay := func(v *ir.Var) (float64, bool) {
		for _, sys := range m.Update {
			if len(sys.Vars) == 1 && sys.Vars[0] == v && sys.Method == ir.Exact && len(sys.P) == 1 && len(sys.Inputs) == 0 &&
				(len(sys.R) == 0 || sys.R[0] == 0) {
				return sys.P[0][0], true
			}
		}
		return 0, false
	}
	var ok bool
	if sh.tauDx, ok = decay(sh.x); !ok {
		return nil, fmt.Sprintf("the trace %s must decay exponentially to 0 (%s' = -%s/tau)", sh.x.Name, sh.x.Name, sh.x.Name)
	}
	if sh.tauDy, ok = decay(sh.y); !ok {
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
	// w = clip(w + T, lo, hi)
	update := func(st ir.Stmt, t *ir.Var) bool {
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
		if !ok1 || !ok2 || !ok3 || sum.Op != "+" {
			return false
		}
		isRef := func(e ir.Expr, v *ir.Var) bool { r, ok := e.(*ir.Ref); return ok && r.Var == v }
		if !(isRef(sum.X, sh.w) && isRef(sum.Y, t) || isRef(sum.X, t) && isRef(sum.Y, sh.w)) {
			return false
		}
		if sh.hi != 0 && (sh.lo != lo.V || sh.hi != hi.V) {
			return false
		}
		sh.lo, sh.hi = lo.V, hi.V
		return true
	}
	shape := "the rule must read: on pre { deliver w * weight (or deliver w); X += a; w = clip(w + Y, lo, hi) }, on post { Y += b; w = clip(w + X, lo, hi) }"
	before, each, after, err := ir.SplitHandler(m.OnPre, ir.PerPre)
	if err != nil || len(before) != 1 || len(each) != 2 || len(after) != 0 {
		return nil, shape
	}
	if sh.a, sh.aSet, ok = bump(before[0], sh.x); !ok {
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
	if !(sh.bare || isWTimesWeight(d.Value, sh.w)) || !update(upd, sh.y) {
		return nil, shape
	}
	before, each, after, err = ir.SplitHandler(m.OnPost, ir.PerPost)
	if err != nil || len(before) != 1 || len(each) != 1 || len(after) != 0 {
		return nil, shape
	}
	if sh.b, sh.bSet, ok = bump(before[0], sh.y); !ok || !update(each[0], sh.x) {
		return nil, shape
	}
	if sh.lo < 0 || sh.hi <= sh.lo {
		return nil, fmt.Sprintf("the clip bounds of %s must satisfy 0 <= lo < hi", sh.w.Name)
	}
	return sh, ""
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
func (l *lowerer) stdp(prj *ir.Projection, q *Proj) bool {
	pf := l.prof
	sh, why := matchSTDP(prj.Synapse, l.out.Dt)
	if sh == nil {
		l.errorf(prj.Pos, "plastic synapse %s (projection %s) cannot be expressed on %s: %s",
			prj.Synapse.Type, prj.Name, pf.Name, why).Hint = "pair-trace STDP (std/plasticity PairSTDP, NearestSTDP) has an integer form"
		return false
	}
	if len(prj.Merged) > 0 {
		l.errorf(prj.Pos, "plastic projection %s: merged projections cannot be plastic on %s", prj.Name, pf.Name)
		return false
	}
	if !q.Const {
		l.errorf(prj.Pos, "plastic projection %s: the weight setting must be a constant on %s (w carries the per-synapse part)", prj.Name, pf.Name)
		return false
	}
	wb := pf.WeightBits
	hiMax := float64(MaxOf(wb, false))
	// w is held in units of norm: 1, or for `deliver w` the clip bound hi
	// (w/hi in [0, 1]; the projection's weight is then hi, see weights)
	norm := 1.0
	if sh.bare {
		norm = sh.hi
	}
	frac := 0
	for frac < 62 && sh.hi/norm*math.Ldexp(1, frac+1) <= hiMax {
		frac++
	}
	for frac > -62 && sh.hi/norm*math.Ldexp(1, frac) > hiMax {
		frac--
	}
	scale := math.Ldexp(norm, -frac)
	pow2 := norm == 1
	pl := &Plastic{Rule: prj.Synapse.Type, Frac: frac, DecayX: sh.tauDx, DecayY: sh.tauDy, WInit: sh.w.Init}
	pl.Lo, pl.Hi = roundHalfAway(sh.lo/scale), roundHalfAway(sh.hi/scale)
	quant := func(what string, v float64, g int) (int64, bool) {
		sc := scale * math.Ldexp(1, -g)
		n := roundHalfAway(v / sc)
		got := float64(n) * sc
		pl.Consts = append(pl.Consts, Quantized{What: what, Value: v, Int: n, Got: got})
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
		w, _ := bitsFor(-bound(c, set, d), bound(c, set, d))
		return w
	}
	pl.W = &Var{Name: sh.w.Name, Kind: StateVar, Width: wb, Lo: pl.Lo, Hi: pl.Hi, Scale: scale, Frac: frac, Pow2: pow2, Src: sh.w, Proof: Saturate}
	xw, yw := tw(a, sh.aSet, sh.tauDx), tw(b, sh.bSet, sh.tauDy)
	pl.Pre = &Var{Name: sh.x.Name, Kind: StateVar, Width: xw, Signed: true, Lo: MinOf(xw, true), Hi: MaxOf(xw, true),
		Scale: math.Ldexp(scale, -pl.GuardX), Frac: frac + pl.GuardX, Pow2: pow2, Src: sh.x, Proof: Saturate}
	pl.Post = &Var{Name: sh.y.Name, Kind: StateVar, Width: yw, Signed: true, Lo: MinOf(yw, true), Hi: MaxOf(yw, true),
		Scale: math.Ldexp(scale, -pl.GuardY), Frac: frac + pl.GuardY, Pow2: pow2, Src: sh.y, Proof: Saturate}
	for _, v := range []*Var{pl.W, pl.Pre, pl.Post} {
		v.Range = Interval{v.Lo, v.Hi}
	}
	if c, ok := ir.ConstValue(sh.x.Init); ok {
		pl.XInit = roundHalfAway(c / pl.Pre.Scale)
	}
	if c, ok := ir.ConstValue(sh.y.Init); ok {
		pl.YInit = roundHalfAway(c / pl.Post.Scale)
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
	if rnd == Stochastic {
		rnd = Nearest
	}
	// on pre: the delivered weight and w += Y, in the rule's order
	k := &kb{k: &Kernel{Name: "on pre"}}
	w := k.load(pl.W)
	mant := k.konst(q.Mant, 0, "weight mantissa")
	deliver := func(w *Op) {
		d := k.shr(k.bin(OpMul, w, mant), frac, rnd)
		k.k.Out = k.shl(d, q.Shift)
		k.k.Out.Note = "delivered weight"
	}
	if sh.deliverFirst {
		deliver(w)
		wUpdate(k, pl, w, k.shr(k.load(pl.Post), pl.GuardY, rnd))
	} else {
		deliver(wUpdate(k, pl, w, k.shr(k.load(pl.Post), pl.GuardY, rnd)))
	}
	pl.OnPre = k.k
	k = &kb{k: &Kernel{Name: "on post"}}
	wUpdate(k, pl, k.load(pl.W), k.shr(k.load(pl.Pre), pl.GuardX, rnd))
	pl.OnPost = k.k
	for _, kk := range pl.kernels() {
		sizeOps(kk)
	}
	q.Plastic = pl
	q.MaxAbs = math.Abs(q.Weight) * sh.hi
	return true
}

// traceDecay is one step of a trace's decay in the profile's arithmetic.
func (l *lowerer) traceDecay(v *Var, d float64) (*Kernel, string) {
	pf := l.prof
	k := &kb{k: &Kernel{Name: "decay of " + v.Name}}
	x := k.load(v)
	var y *Op
	switch pf.Decay.Form {
	case "shift":
		dash := int(math.Round(-math.Log2(1 - d)))
		if dash < 1 || pf.Decay.MaxShift > 0 && dash > pf.Decay.MaxShift {
			return nil, fmt.Sprintf("the decay of %s per step, %.10g, needs a shift of %d, outside %s's 1..%d", v.Name, d, dash, pf.Name, pf.Decay.MaxShift)
		}
		y = k.add(&Op{Code: OpShiftDecay, Args: []*Op{x}, Imm: int64(dash), MinStep: pf.Decay.MinStep, Scale: v.Scale, Note: fmt.Sprintf("decay of %s: x − (x >> %d)", v.Name, dash)})
	default:
		bits := pf.ConstBits - 1
		if pf.Decay.Form == "multiply" && pf.Decay.Bits > 0 {
			bits = pf.Decay.Bits
		}
		c := roundHalfAway(math.Ldexp(d, bits))
		if c <= 0 || c >= int64(1)<<uint(bits) {
			return nil, fmt.Sprintf("the decay of %s per step, %.10g, rounds to %d/2^%d on %s: the trace would not decay", v.Name, d, c, bits, pf.Name)
		}
		y = k.shr(k.bin(OpMul, x, k.konst(c, 0, fmt.Sprintf("decay of %s: %d/2^%d", v.Name, c, bits))), bits, Trunc)
	}
	k.add(&Op{Code: OpStore, Var: v, Args: []*Op{y}})
	return k.k, ""
}

// bumpKernel is X += c (X = c with set), saturating.
func bumpKernel(name string, v *Var, c int64, set bool) *Kernel {
	k := &kb{k: &Kernel{Name: name}}
	var y *Op
	if set {
		y = k.konst(c, v.Scale, "")
	} else {
		y = k.add(&Op{Code: OpResize, Args: []*Op{k.bin(OpAdd, k.load(v), k.konst(c, v.Scale, ""))}, Ovf: Saturate, Lo: v.Lo, Hi: v.Hi, Width: v.Width, Signed: true, Var: v})
	}
	k.add(&Op{Code: OpStore, Var: v, Args: []*Op{y}})
	return k.k
}

// wUpdate is W = clip(W + T, Lo, Hi); it returns the new W.
func wUpdate(k *kb, pl *Plastic, w, t *Op) *Op {
	s := k.bin(OpAdd, w, t)
	s = k.bin(OpMax, s, k.konst(pl.Lo, pl.W.Scale, "lo"))
	s = k.bin(OpMin, s, k.konst(pl.Hi, pl.W.Scale, "hi"))
	k.add(&Op{Code: OpStore, Var: pl.W, Args: []*Op{s}})
	return s
}

// sizeOps sets every op's Range and width by interval arithmetic from the
// variables' ranges (the synapse kernels are short and have no feedback
// within a kernel).
func sizeOps(k *Kernel) {
	for _, o := range k.Ops {
		r := func(i int) Interval { return o.Args[i].Range }
		switch o.Code {
		case OpConst:
			o.Range = Interval{o.Imm, o.Imm}
		case OpLoad:
			o.Range = Interval{o.Var.Lo, o.Var.Hi}
		case OpAdd:
			o.Range = Interval{r(0).Lo + r(1).Lo, r(0).Hi + r(1).Hi}
		case OpMul:
			a, b := r(0), r(1)
			c := []int64{a.Lo * b.Lo, a.Lo * b.Hi, a.Hi * b.Lo, a.Hi * b.Hi}
			o.Range = Interval{min(c[0], c[1], c[2], c[3]), max(c[0], c[1], c[2], c[3])}
		case OpShl:
			o.Range = Interval{r(0).Lo << uint(o.Imm), r(0).Hi << uint(o.Imm)}
		case OpShr:
			o.Range = Interval{ShiftRight(r(0).Lo, int(o.Imm), Floor, nil), ShiftRight(r(0).Hi, int(o.Imm), Floor, nil) + 1}
		case OpShiftDecay:
			o.Range = Interval{min(r(0).Lo, 0), max(r(0).Hi, 0)}
		case OpMin:
			o.Range = Interval{min(r(0).Lo, r(1).Lo), min(r(0).Hi, r(1).Hi)}
		case OpMax:
			o.Range = Interval{max(r(0).Lo, r(1).Lo), max(r(0).Hi, r(1).Hi)}
		case OpResize:
			o.Range = Interval{max(r(0).Lo, o.Lo), min(r(0).Hi, o.Hi)}
		case OpStore:
			continue
		}
		if o.Code != OpResize {
			o.Width, o.Signed = bitsFor(o.Range.Lo, o.Range.Hi)
		} else {
			o.Width, o.Signed = o.Var.Width, o.Var.Signed
		}
	}
}

// ---- execution ----

// xplastic is a plastic projection's state in the simulator.
type xplastic struct {
	pl         *Plastic
	w, x, y    []int64
	colPtr     []int64
	colSyn     []int32
	colPre     []int32
	regs       []int64
	vx, vy, vw *int64 // the slots the running kernel reads and writes
}

func newPlastic(s *sim, pr *xproj, ip *ir.Projection, pl *Plastic) error {
	xp := &xplastic{pl: pl, w: make([]int64, pr.nsyn), x: make([]int64, pr.pre.size()), y: make([]int64, pr.post.n)}
	for i := range xp.x {
		xp.x[i] = pl.XInit
	}
	for j := range xp.y {
		xp.y[j] = pl.YInit
	}
	// the initial w as the float interpreter draws it: one stream, synapses in row order
	c := &fctx{rng: runtime.NewStream(s.seed, runtime.Hash("init", ip.Name, pl.W.Src.Name))}
	rowPtr := make([]int64, pr.pre.size()+1)
	for i := 0; i < pr.pre.size(); i++ {
		first, targets := pr.ownRow(i)
		rowPtr[i+1] = first + int64(len(targets))
		for k := range targets {
			c.i = int(first) + k
			w := 0.0
			if pl.WInit != nil {
				var err error
				if w, err = feval(pl.WInit, c); err != nil {
					return fmt.Errorf("initial %s: %w", pl.W.Name, err)
				}
			}
			xp.w[c.i] = Clamp(roundHalfAway(w/pl.W.Scale), pl.Lo, pl.Hi)
		}
	}
	// on_post walks the synapses onto a neuron: the same column index as
	// the float backends
	xp.colPtr, xp.colSyn = runtime.Columns(pr.post.n, rowPtr, func(i int) []int32 { _, t := pr.ownRow(i); return t })
	xp.colPre = make([]int32, len(xp.colSyn))
	for k, syn := range xp.colSyn {
		xp.colPre[k] = int32(runtime.PreOf(rowPtr, int64(syn)))
	}
	most := 0
	for _, k := range pl.kernels() {
		most = max(most, len(k.Ops))
	}
	xp.regs = make([]int64, most)
	pr.plastic = xp
	return nil
}

// run executes a synapse kernel on the slots set in vx, vy, vw and
// returns its Out (0 without). Only the ops the rules use appear.
func (xp *xplastic) run(k *Kernel) int64 {
	r := xp.regs
	slot := func(v *Var) *int64 {
		switch v {
		case xp.pl.Pre:
			return xp.vx
		case xp.pl.Post:
			return xp.vy
		}
		return xp.vw
	}
	for _, o := range k.Ops {
		a := func(j int) int64 { return r[o.Args[j].ID] }
		var x int64
		switch o.Code {
		case OpConst:
			x = o.Imm
		case OpLoad:
			x = *slot(o.Var)
		case OpAdd:
			x = a(0) + a(1)
		case OpMul:
			x = a(0) * a(1)
		case OpShl:
			x = a(0) << uint(o.Imm)
		case OpShr:
			x = ShiftRight(a(0), int(o.Imm), o.Round, nil)
		case OpResize:
			x = Resize(a(0), o.Width, o.Signed, o.Ovf, o.Lo, o.Hi)
		case OpShiftDecay:
			x = ShiftDecay(a(0), int(o.Imm), o.MinStep)
		case OpMin:
			x = min(a(0), a(1))
		case OpMax:
			x = max(a(0), a(1))
		case OpStore:
			x = a(0)
			*slot(o.Var) = x
		default:
			panic(fmt.Sprintf("fixed: op %s in a synapse kernel", o.Code))
		}
		r[o.ID] = x
	}
	if k.Out != nil {
		return r[k.Out.ID]
	}
	return 0
}

// tick decays every trace once.
func (xp *xplastic) tick() {
	for i := range xp.x {
		xp.vx = &xp.x[i]
		xp.run(xp.pl.TickPre)
	}
	for j := range xp.y {
		xp.vy = &xp.y[j]
		xp.run(xp.pl.TickPost)
	}
}

// deliver runs a presynaptic spike of neuron i: the trace, then each
// synapse (the weight it delivers goes to the port kernel).
func (pr *xproj) deliverPlastic(i int) {
	xp := pr.plastic
	xp.vx = &xp.x[i]
	xp.run(xp.pl.PreOne)
	first, targets := pr.ownRow(i)
	for k, j := range targets {
		xp.vw, xp.vy = &xp.w[first+int64(k)], &xp.y[j]
		pr.post.receive(pr.port, int(j), xp.run(xp.pl.OnPre))
	}
}

// postSpikes runs the rule for this step's postsynaptic spikes.
func (pr *xproj) postSpikes() {
	xp := pr.plastic
	if xp == nil {
		return
	}
	for _, j := range pr.post.spikes {
		xp.vy = &xp.y[j]
		xp.run(xp.pl.PostOne)
		for k := xp.colPtr[j]; k < xp.colPtr[j+1]; k++ {
			xp.vw, xp.vx = &xp.w[xp.colSyn[k]], &xp.x[xp.colPre[k]]
			xp.run(xp.pl.OnPost)
		}
	}
}
