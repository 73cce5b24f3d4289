package fixed

import (
	"fmt"
	"math"
	"strings"
)

// Range analysis: abstract interpretation of a model's integer kernels over
// intervals, one network step at a time in the simulator's order:
//
//	inputs   continuous ports hold the current inputs' range, spike inputs 0
//	update   every op's interval from its arguments'; stores set variables
//	         (a held store joins the old interval: the neuron may be refractory)
//	threshold the spiking and the silent neurons are split on `x > c` (or >=),
//	         so the membrane's bound is the threshold plus one step's rise
//	events   each port adds up to Events weights in one step: Σ over its
//	         projections of the most synapses onto one neuron (the
//	         connector's worst case: bernoulli may connect every source)
//	         times one spike per source per step, each weight in the
//	         projection's integer range
//	reset    on the spiking neurons after their events
//
// The state intervals start at the initial values and are joined with each
// step's until nothing grows; bounds that keep growing are widened to the
// next power of two (the next width), and the result is narrowed again by
// re-applying the step. The fixpoint S holds every reachable state, so an
// op's interval evaluated from S bounds every value the op can compute. A
// Resize whose argument provably fits becomes Proved (no hardware); one
// that does not keeps its saturation or wrap-around and the variable says
// why.

type absState []Interval

func hull(a, b Interval) Interval { return Interval{min(a.Lo, b.Lo), max(a.Hi, b.Hi)} }

func (s absState) copy() absState { return append(absState(nil), s...) }

func clampInf(x int64) int64 { return Clamp(x, -Inf, Inf) }

func addI(a, b Interval) Interval {
	return Interval{clampInf(satAdd(a.Lo, b.Lo)), clampInf(satAdd(a.Hi, b.Hi))}
}

func satAdd(a, b int64) int64 {
	if a >= Inf || b >= Inf {
		if a <= -Inf || b <= -Inf {
			return 0
		}
		return Inf
	}
	if a <= -Inf || b <= -Inf {
		return -Inf
	}
	return a + b
}

func negI(a Interval) Interval { return Interval{-a.Hi, -a.Lo} }

func satMul(a, b int64) int64 {
	p := float64(a) * float64(b)
	if p >= float64(Inf) {
		return Inf
	}
	if p <= -float64(Inf) {
		return -Inf
	}
	return a * b
}

func mulI(a, b Interval) Interval {
	ps := []int64{satMul(a.Lo, b.Lo), satMul(a.Lo, b.Hi), satMul(a.Hi, b.Lo), satMul(a.Hi, b.Hi)}
	lo, hi := ps[0], ps[0]
	for _, p := range ps[1:] {
		lo, hi = min(lo, p), max(hi, p)
	}
	return Interval{lo, hi}
}

func shlI(a Interval, n int) Interval {
	f := math.Ldexp(1, n)
	sh := func(x int64) int64 {
		if math.Abs(float64(x)*f) >= float64(Inf) {
			if x < 0 {
				return -Inf
			}
			return Inf
		}
		return x << uint(n)
	}
	return Interval{sh(a.Lo), sh(a.Hi)}
}

func shrI(a Interval, n int, r Rounding) Interval {
	if r == Stochastic {
		return Interval{a.Lo >> uint(n), ShiftRight(a.Hi, n, Floor, nil) + 1}
	}
	return Interval{ShiftRight(a.Lo, n, r, nil), ShiftRight(a.Hi, n, r, nil)}
}

func within(a Interval, lo, hi int64) bool { return a.Lo >= lo && a.Hi <= hi }

func resizeI(a Interval, o *Op) Interval {
	switch o.Ovf {
	case Saturate:
		return Interval{Clamp(a.Lo, o.Lo, o.Hi), Clamp(a.Hi, o.Lo, o.Hi)}
	default:
		mn, mx := MinOf(o.Width, o.Signed), MaxOf(o.Width, o.Signed)
		if within(a, mn, mx) {
			return a
		}
		return Interval{mn, mx}
	}
}

type absEnv struct {
	m      *Model
	index  map[*Var]int
	refr   Interval
	weight Interval
	record bool // keep each op's interval in Op.Range (joined over every evaluation)
	seen   map[*Op]bool
	held   absState // what refractory neurons hold: the reset's values, the initial ones
}

// aff is an affine form c + Σ k_i·X_i + [elo, ehi] over the variables'
// values at the start of the kernel: a decay x + ((c−1)·x >> E) keeps its
// dependency on x, which plain intervals would lose.
type aff struct {
	c        float64
	k        []float64 // nil: no symbolic part
	elo, ehi float64
}

func constAff(x float64) aff { return aff{c: x} }

func (e *absEnv) opaque(iv Interval) aff { return aff{elo: float64(iv.Lo), ehi: float64(iv.Hi)} }

func (a aff) scale(f float64) aff {
	out := aff{c: a.c * f, elo: a.elo * f, ehi: a.ehi * f}
	if f < 0 {
		out.elo, out.ehi = out.ehi, out.elo
	}
	if a.k != nil {
		out.k = make([]float64, len(a.k))
		for i, x := range a.k {
			out.k[i] = x * f
		}
	}
	return out
}

func (a aff) plus(b aff) aff {
	out := aff{c: a.c + b.c, elo: a.elo + b.elo, ehi: a.ehi + b.ehi}
	if a.k != nil || b.k != nil {
		n := max(len(a.k), len(b.k))
		out.k = make([]float64, n)
		for i := range out.k {
			if i < len(a.k) {
				out.k[i] += a.k[i]
			}
			if i < len(b.k) {
				out.k[i] += b.k[i]
			}
		}
	}
	return out
}

func (a aff) isConst() bool {
	if a.elo != 0 || a.ehi != 0 {
		return false
	}
	for _, x := range a.k {
		if x != 0 {
			return false
		}
	}
	return true
}

// ival bounds an affine form over the state s (soundly rounded outward).
func (a aff) ival(s absState) Interval {
	lo, hi := a.c+a.elo, a.c+a.ehi
	for i, k := range a.k {
		if k == 0 {
			continue
		}
		if s[i].Lo <= -Inf || s[i].Hi >= Inf {
			return Interval{-Inf, Inf}
		}
		x, y := k*float64(s[i].Lo), k*float64(s[i].Hi)
		lo += min(x, y)
		hi += max(x, y)
	}
	// the values are integers: the bounds are ceil(lo) and floor(hi),
	// taken with a margin for the float arithmetic
	out := func(x float64, up bool) int64 {
		m := math.Abs(x)*1e-12 + 1e-9
		if up {
			x = math.Floor(x + m)
		} else {
			x = math.Ceil(x - m)
		}
		if x >= float64(Inf) {
			return Inf
		}
		if x <= -float64(Inf) {
			return -Inf
		}
		return int64(x)
	}
	return Interval{out(lo, false), out(hi, true)}
}

// eval runs a kernel over intervals and returns the state after it.
func (e *absEnv) eval(k *Kernel, s absState) (absState, []Interval) {
	n := len(s)
	out := s.copy()
	cur := make([]aff, n) // each variable's current value as a form
	for i := range cur {
		cur[i] = aff{k: make([]float64, n)}
		cur[i].k[i] = 1
	}
	forms := make([]aff, len(k.Ops))
	vals := make([]Interval, len(k.Ops))
	arg := func(o *Op, i int) Interval { return vals[o.Args[i].ID] }
	af := func(o *Op, i int) aff { return forms[o.Args[i].ID] }
	for _, o := range k.Ops {
		var f aff
		exact := true // f is the value; otherwise f = opaque(r)
		var r Interval
		switch o.Code {
		case OpConst:
			f = constAff(float64(o.Imm))
		case OpLoad:
			f = cur[e.index[o.Var]]
		case OpWeight:
			r, exact = e.weight, false
		case OpRefractory:
			r, exact = e.refr, false
		case OpAdd:
			f = af(o, 0).plus(af(o, 1))
		case OpSub:
			f = af(o, 0).plus(af(o, 1).scale(-1))
		case OpNeg:
			f = af(o, 0).scale(-1)
		case OpMul:
			a, b := af(o, 0), af(o, 1)
			switch {
			case b.isConst():
				f = a.scale(b.c)
			case a.isConst():
				f = b.scale(a.c)
			default:
				r, exact = mulI(arg(o, 0), arg(o, 1)), false
			}
		case OpShl:
			f = af(o, 0).scale(math.Ldexp(1, int(o.Imm)))
		case OpShr:
			f = af(o, 0).scale(math.Ldexp(1, -int(o.Imm)))
			switch o.Round {
			case Floor:
				f.elo--
			case Nearest:
				f.elo, f.ehi = f.elo-0.5, f.ehi+0.5
			default: // trunc, stochastic
				f.elo, f.ehi = f.elo-1, f.ehi+1
			}
			if iv := shrI(arg(o, 0), int(o.Imm), o.Round); true {
				// the exact rounding of the bounds is tighter for a single variable
				fi := f.ival(s)
				r = Interval{max(fi.Lo, iv.Lo), min(fi.Hi, iv.Hi)}
				if r.Lo > r.Hi {
					r = iv
				}
			}
		case OpResize:
			a := arg(o, 0)
			r = resizeI(a, o)
			if r == a {
				f = af(o, 0)
			} else {
				exact = false
			}
		case OpShiftDecay:
			f = af(o, 0).scale(1 - math.Ldexp(1, -int(o.Imm)))
			f.elo, f.ehi = f.elo-1, f.ehi+1
			a := arg(o, 0)
			iv := Interval{ShiftDecay(a.Lo, int(o.Imm), o.MinStep), ShiftDecay(a.Hi, int(o.Imm), o.MinStep)}
			fi := f.ival(s)
			r = Interval{max(fi.Lo, iv.Lo), min(fi.Hi, iv.Hi)}
		case OpMin:
			a, b := arg(o, 0), arg(o, 1)
			r, exact = Interval{min(a.Lo, b.Lo), min(a.Hi, b.Hi)}, false
		case OpMax:
			a, b := arg(o, 0), arg(o, 1)
			r, exact = Interval{max(a.Lo, b.Lo), max(a.Hi, b.Hi)}, false
		case OpAbs:
			a := arg(o, 0)
			switch {
			case a.Lo >= 0:
				r = a
			case a.Hi <= 0:
				r = negI(a)
			default:
				r = Interval{0, max(-a.Lo, a.Hi)}
			}
			exact = false
		case OpCmp:
			r, exact = cmpI(o.Cmp, arg(o, 0), arg(o, 1)), false
		case OpAnd:
			a, b := arg(o, 0), arg(o, 1)
			r, exact = Interval{min(a.Lo, b.Lo), min(a.Hi, b.Hi)}, false
		case OpOr:
			a, b := arg(o, 0), arg(o, 1)
			r, exact = Interval{max(a.Lo, b.Lo), max(a.Hi, b.Hi)}, false
		case OpNot:
			a := arg(o, 0)
			r, exact = Interval{1 - a.Hi, 1 - a.Lo}, false
		case OpSelect:
			c := arg(o, 0)
			switch {
			case c.Lo > 0:
				f = af(o, 1)
			case c.Hi == 0:
				f = af(o, 2)
			default:
				r, exact = hull(arg(o, 1), arg(o, 2)), false
			}
		case OpStore:
			i := e.index[o.Var]
			f = af(o, 0)
			v := arg(o, 0)
			if o.Hold && e.refr.Hi > 0 {
				v = hull(v, out[i])
				f = e.opaque(v)
			}
			out[i] = v
			cur[i] = f
			r = v
		case OpRefract:
			r, exact = Interval{o.Imm, o.Imm}, false
		}
		switch {
		case !exact:
			f = e.opaque(r)
		case o.Code == OpShr || o.Code == OpShiftDecay || o.Code == OpResize || o.Code == OpStore:
			// r already set
		default:
			r = f.ival(s)
		}
		forms[o.ID], vals[o.ID] = f, r
		if e.record {
			if e.seen[o] {
				o.Range = hull(o.Range, r)
			} else {
				o.Range, e.seen[o] = r, true
			}
		}
	}
	return out, vals
}

func cmpI(op string, a, b Interval) Interval {
	t, f := Interval{1, 1}, Interval{0, 0}
	switch op {
	case ">":
		if a.Lo > b.Hi {
			return t
		}
		if a.Hi <= b.Lo {
			return f
		}
	case ">=":
		if a.Lo >= b.Hi {
			return t
		}
		if a.Hi < b.Lo {
			return f
		}
	case "<":
		return cmpI(">", b, a)
	case "<=":
		return cmpI(">=", b, a)
	}
	return Interval{0, 1}
}

// simpleThreshold recognises Out = [not refractory and] x > c (or >=).
func simpleThreshold(k *Kernel) (*Var, string, int64, bool) {
	o := k.Out
	if o == nil {
		return nil, "", 0, false
	}
	if o.Code == OpAnd && o.Args[1].Code == OpCmp {
		o = o.Args[1]
	}
	if o.Code != OpCmp || o.Args[0].Code != OpLoad || o.Args[1].Code != OpConst {
		return nil, "", 0, false
	}
	switch o.Cmp {
	case ">", ">=":
		return o.Args[0].Var, o.Cmp, o.Args[1].Imm, true
	}
	return nil, "", 0, false
}

// additive recognises a port kernel x ← resize(x ± weight).
func additive(k *Kernel) (*Var, bool, *Op, bool) {
	if len(k.Ops) != 5 {
		return nil, false, nil, false
	}
	var ld, w, op, rs, st *Op
	for _, o := range k.Ops {
		switch o.Code {
		case OpLoad:
			ld = o
		case OpWeight:
			w = o
		case OpAdd, OpSub:
			op = o
		case OpResize:
			rs = o
		case OpStore:
			st = o
		}
	}
	if ld == nil || w == nil || op == nil || rs == nil || st == nil {
		return nil, false, nil, false
	}
	if op.Args[0] != ld || op.Args[1] != w || rs.Args[0] != op || st.Args[0] != rs || st.Var != ld.Var {
		return nil, false, nil, false
	}
	return ld.Var, op.Code == OpSub, rs, true
}

// analyse runs the range analysis of one model and records proofs and
// widths in the IR.
func analyse(p *Program, m *Model) {
	e := &absEnv{m: m, index: map[*Var]int{}}
	for i, v := range m.Vars {
		e.index[v] = i
	}
	if m.Ref != nil && m.Ref.Max > 0 {
		e.refr = Interval{0, 1}
	}
	// events per port
	for _, pt := range m.Ports {
		pt.Events, pt.Weights, pt.Why = 0, Interval{}, ""
	}
	var whys = map[*Port][]string{}
	for _, q := range p.Projs {
		if q.Post != m {
			continue
		}
		pt := q.Port
		pt.Events = clampInf(satAdd(pt.Events, q.Fanin))
		w := q.weightRange(p.Profile)
		if pt.Weights == (Interval{}) {
			pt.Weights = w
		} else {
			pt.Weights = hull(pt.Weights, w)
		}
		whys[pt] = append(whys[pt], fmt.Sprintf("%s: %s", q.Name, q.Why))
	}
	for pt, ws := range whys {
		pt.Why = strings.Join(ws, "; ")
	}
	init := make(absState, len(m.Vars))
	for i, v := range m.Vars {
		init[i] = initInterval(v)
	}
	// variables the update holds while the neuron is refractory
	held := make([]bool, len(m.Vars))
	if m.Update != nil {
		for _, o := range m.Update.Ops {
			if o.Code == OpStore && o.Hold {
				held[e.index[o.Var]] = true
			}
		}
	}
	e.held = init.copy()
	step := func(s absState) absState {
		s = s.copy()
		for i, v := range m.Vars {
			if v.Kind == InputVar && v.Cleared {
				s[i] = v.Drive
			}
		}
		s1 := s
		if m.Update != nil {
			s1, _ = e.eval(m.Update, s)
		}
		sns, ssp := s1, s1
		spikes := m.Threshold != nil
		if m.Threshold != nil {
			_, tv := e.eval(m.Threshold, s1)
			if tv[m.Threshold.Out.ID].Hi == 0 {
				spikes = false
			}
			if x, op, c, ok := simpleThreshold(m.Threshold); ok {
				i := e.index[x]
				lim := c
				if op == ">=" {
					lim = c - 1
				}
				sns, ssp = s1.copy(), s1.copy()
				sns[i].Hi = min(sns[i].Hi, lim)
				// a refractory neuron does not spike whatever its value: if
				// the update holds x then, x is what the reset left (or the
				// initial value); otherwise nothing is known
				if e.refr.Hi > 0 {
					if held[i] {
						sns[i] = hull(sns[i], e.held[i])
					} else {
						sns[i] = s1[i]
					}
				}
				if sns[i].Lo > sns[i].Hi {
					sns[i] = e.held[i]
				}
				ssp[i].Lo = max(ssp[i].Lo, lim+1)
				if ssp[i].Lo > ssp[i].Hi {
					spikes = false
				}
			}
		}
		out := e.events(sns)
		if spikes {
			sp := e.events(ssp)
			if m.Reset != nil {
				sp, _ = e.eval(m.Reset, sp)
			}
			// a neuron becomes refractory here: it holds what it has now
			for i := range sp {
				e.held[i] = hull(e.held[i], sp[i])
			}
			for i := range out {
				out[i] = hull(out[i], sp[i])
			}
		}
		return out
	}
	join := func(a, b absState) (absState, bool) {
		grew := false
		out := a.copy()
		for i := range a {
			h := hull(a[i], b[i])
			if h != a[i] {
				grew = true
			}
			out[i] = h
		}
		return out, grew
	}
	s := init.copy()
	var prev absState // the growth of the iteration before
	converged := false
	for iter := 0; iter < 6000; iter++ {
		n, grew := join(s, step(s))
		if !grew {
			converged = true
			break
		}
		delta := make(absState, len(n))
		for i := range n {
			delta[i] = Interval{s[i].Lo - n[i].Lo, n[i].Hi - s[i].Hi}
		}
		// a bound that grows geometrically (a decay fed by a constant
		// input) jumps to its extrapolated limit; if that is short, the
		// iteration simply goes on from there
		if prev != nil && iter%8 == 0 {
			for i, v := range m.Vars {
				ext := func(d, p int64) int64 {
					if d <= 0 || p <= 0 || d >= p {
						return 0
					}
					r := float64(d) / float64(p)
					if r > 0.99999 {
						return 0
					}
					x := float64(d)*r/(1-r)*1.02 + 2
					if x > float64(Inf) {
						return Inf
					}
					return int64(x)
				}
				mn, mx := MinOf(v.Width, v.Signed), MaxOf(v.Width, v.Signed)
				if x := ext(delta[i].Hi, prev[i].Hi); x > 0 {
					n[i].Hi = max(n[i].Hi, min(satAdd(n[i].Hi, x), mx))
				}
				if x := ext(delta[i].Lo, prev[i].Lo); x > 0 {
					n[i].Lo = min(n[i].Lo, max(satAdd(n[i].Lo, -x), mn))
				}
			}
		}
		if iter >= 1000 && iter%16 == 0 {
			for i, v := range m.Vars {
				if n[i] != s[i] {
					n[i] = widen(n[i], s[i], v)
				}
			}
		}
		prev, s = delta, n
	}
	if !converged {
		for i, v := range m.Vars {
			s[i] = hull(s[i], Interval{MinOf(v.Width, v.Signed), MaxOf(v.Width, v.Signed)})
		}
		for k := 0; k < 100; k++ {
			n, grew := join(s, step(s))
			s = n
			if !grew {
				break
			}
		}
	}
	// narrowing: S ∩ (Init ∪ F(S)) stays a post-fixpoint
	for k := 0; k < 3000; k++ {
		f := step(s)
		n := s.copy()
		changed := false
		for i := range n {
			g := hull(init[i], f[i])
			c := Interval{max(n[i].Lo, g.Lo), min(n[i].Hi, g.Hi)}
			if c.Lo > c.Hi {
				c = n[i]
			}
			if c != n[i] {
				changed = true
			}
			n[i] = c
		}
		s = n
		if !changed {
			break
		}
	}
	// record op intervals: one more step from the invariant evaluates every
	// kernel on the states it meets; a port kernel also on the invariant
	// (every state an event can find)
	e.record, e.seen = true, map[*Op]bool{}
	step(s)
	for _, pt := range m.Ports {
		e.weight = pt.Weights
		if pt.Events == 0 {
			e.weight = Interval{0, 0}
		}
		e.eval(pt.Kernel, s)
	}
	for _, k := range m.kernels() {
		for _, o := range k.Ops {
			if !e.seen[o] {
				o.Range = Interval{} // never reached
			}
		}
	}
	for i, v := range m.Vars {
		v.Range = s[i]
	}
	prove(p, m)
}

// events applies every port's events of one step.
func (e *absEnv) events(s absState) absState {
	out := s.copy()
	for _, pt := range e.m.Ports {
		if pt.Events == 0 {
			continue
		}
		e.weight = pt.Weights
		if x, sub, rs, ok := additive(pt.Kernel); ok {
			i := e.index[x]
			w := pt.Weights
			if sub {
				w = negI(w)
			}
			n := Interval{pt.Events, pt.Events}
			tot := mulI(n, Interval{min(0, w.Lo), max(0, w.Hi)})
			out[i] = resizeI(addI(out[i], tot), rs)
			continue
		}
		for k := int64(0); k < min(pt.Events, 256); k++ {
			n, _ := e.eval(pt.Kernel, out)
			grew := false
			for i := range out {
				h := hull(out[i], n[i])
				grew = grew || h != out[i]
				out[i] = h
			}
			if !grew {
				break
			}
			if k == 255 && pt.Events > 256 {
				for _, o := range pt.Kernel.Ops {
					if o.Code == OpStore {
						v := o.Var
						out[e.index[v]] = Interval{v.Lo, v.Hi}
					}
				}
			}
		}
	}
	return out
}

// widen moves a growing bound to the next power of two (within the
// variable's format).
func widen(n, old Interval, v *Var) Interval {
	mn, mx := MinOf(v.Width, v.Signed), MaxOf(v.Width, v.Signed)
	if n.Hi > old.Hi {
		h := int64(1)
		for h-1 < n.Hi && h < Inf {
			h <<= 1
		}
		n.Hi = max(min(h-1, mx), n.Hi)
	}
	if n.Lo < old.Lo {
		l := int64(1)
		for -l > n.Lo && l < Inf {
			l <<= 1
		}
		n.Lo = min(max(-l, mn), n.Lo)
	}
	return n
}

// initInterval is the range of a variable's initial values.
func initInterval(v *Var) Interval {
	switch v.Kind {
	case CounterVar:
		return Interval{0, v.Max}
	case LFSRVar:
		return Interval{1, MaxOf(v.Width, false)}
	case InputVar:
		return Interval{0, 0}
	}
	if v.Init == nil {
		return Interval{v.InitInt, v.InitInt}
	}
	lo, hi, _ := siInterval(v.Init)
	if math.IsInf(lo, 0) || math.IsInf(hi, 0) || math.IsNaN(lo) || math.IsNaN(hi) {
		return Interval{v.Lo, v.Hi}
	}
	a, b := v.toInt(lo), v.toInt(hi)
	if a > b {
		a, b = b, a
	}
	return Interval{a, b}
}

// toInt quantizes an SI value to the variable (nearest, saturating).
func (v *Var) toInt(x float64) int64 {
	q := (x - v.Offset) / v.Scale
	if math.IsNaN(q) {
		return 0
	}
	if q > float64(v.Hi) {
		return v.Hi
	}
	if q < float64(v.Lo) {
		return v.Lo
	}
	return Clamp(roundHalfAway(q), v.Lo, v.Hi)
}

// weightRange is the integer range of a projection's weights.
func (q *Proj) weightRange(pf *Profile) Interval {
	if q.Plastic != nil {
		o := q.Plastic.OnPre.Out.Range
		return Interval{min(o.Lo, 0), max(o.Hi, 0)}
	}
	if q.Const {
		w := q.Mant << uint(q.Shift)
		return Interval{w, w}
	}
	lim := MaxOf(pf.WeightBits, true)
	lo, hi, _ := siInterval(q.Src.Weight)
	a, b := lo/q.Unit, hi/q.Unit
	if a > b {
		a, b = b, a
	}
	clip := func(x float64) int64 {
		if math.IsInf(x, 1) || x > float64(lim) {
			return lim
		}
		if math.IsInf(x, -1) || x < float64(-lim-1) {
			return -lim - 1
		}
		return roundHalfAway(x)
	}
	return Interval{clip(a) << uint(q.Shift), clip(b) << uint(q.Shift)}
}

// prove marks Resize ops whose argument fits as Proved, sets every op's
// width, narrows proven variables when the profile says so, and records
// why the others could not be proved.
func prove(p *Program, m *Model) {
	type fail struct {
		where string
		pre   Interval
		ovf   Overflow
	}
	fails := map[*Var][]fail{}
	for _, k := range m.kernels() {
		for _, o := range k.Ops {
			if o.Code != OpResize {
				continue
			}
			pre := o.Args[0].Range
			var fits bool
			if o.Ovf == Saturate {
				fits = within(pre, o.Lo, o.Hi)
			} else {
				fits = within(pre, MinOf(o.Width, o.Signed), MaxOf(o.Width, o.Signed))
			}
			if fits {
				o.Ovf = Proved
				continue
			}
			if o.Var != nil {
				fails[o.Var] = append(fails[o.Var], fail{k.Name, pre, o.Ovf})
			}
		}
	}
	for _, v := range m.Vars {
		fs := fails[v]
		if len(fs) == 0 {
			v.Proof = Proved
			if p.Profile.Narrow && (v.Kind == StateVar || v.Kind == InputVar) {
				w := 2
				for w < v.Width && (MinOf(w, v.Signed) > v.Range.Lo || MaxOf(w, v.Signed) < v.Range.Hi) {
					w++
				}
				if w < v.Width {
					v.Width = w
					v.Lo, v.Hi = MinOf(w, v.Signed), MaxOf(w, v.Signed)
					for _, k := range m.kernels() {
						for _, o := range k.Ops {
							if o.Code == OpResize && o.Var == v {
								o.Width, o.Lo, o.Hi = v.Width, v.Lo, v.Hi
							}
						}
					}
				}
			}
			if v.Kind == StateVar || v.Kind == InputVar {
				v.Why = "range analysis"
			}
			continue
		}
		v.Proof = fs[0].ovf
		var parts []string
		for _, f := range fs {
			if strings.HasPrefix(f.where, "port ") {
				continue
			}
			w, _ := bitsFor(f.pre.Lo, f.pre.Hi)
			rng := fmt.Sprintf("[%s, %s]", bound(v, f.pre.Lo), bound(v, f.pre.Hi))
			parts = append(parts, fmt.Sprintf("in %s it can reach %s (%d bits)", f.where, rng, w))
		}
		for _, pt := range m.Ports {
			if !writesVar(pt.Kernel, v) || pt.Events == 0 {
				continue
			}
			wmax := max(abs64(pt.Weights.Lo), abs64(pt.Weights.Hi))
			tot := satMul(pt.Events, wmax)
			what := fmt.Sprintf("%s × %d", count(pt.Events), wmax)
			if v.Scale != 0 && pt.Input == nil {
				what = fmt.Sprintf("%s events × %s = %s", count(pt.Events), siString(float64(wmax)*math.Abs(v.Scale), v.Dim), boundAbs(v, tot))
			}
			parts = append(parts, fmt.Sprintf("port %s may add %s in one step (%s)", pt.Name, what, pt.Why))
		}
		v.Why = strings.Join(parts, "; ")
	}
	for _, k := range m.kernels() {
		for _, o := range k.Ops {
			setWidth(o)
		}
	}
}

func count(n int64) string {
	if n >= Inf {
		return "unboundedly many"
	}
	return fmt.Sprint(n)
}

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

func boundAbs(v *Var, x int64) string {
	if x >= Inf {
		return "an unbounded amount"
	}
	return siString(float64(x)*math.Abs(v.Scale), v.Dim)
}

func bound(v *Var, x int64) string {
	if x >= Inf {
		return "+∞"
	}
	if x <= -Inf {
		return "−∞"
	}
	if v.Scale == 0 {
		return fmt.Sprint(x)
	}
	return siString(v.SI(x), v.Dim)
}

func writesVar(k *Kernel, v *Var) bool {
	for _, o := range k.Ops {
		if o.Code == OpStore && o.Var == v {
			return true
		}
	}
	return false
}

// setWidth gives an op the narrowest width holding its interval (a load,
// store or resize has its variable's).
func setWidth(o *Op) {
	switch o.Code {
	case OpLoad, OpStore:
		o.Width, o.Signed = o.Var.Width, o.Var.Signed
	case OpResize:
	case OpCmp, OpAnd, OpOr, OpNot, OpRefractory:
		o.Width, o.Signed = 1, false
	case OpRefract:
		o.Width, o.Signed = 0, false
	default:
		lo, hi := o.Range.Lo, o.Range.Hi
		if lo > hi {
			lo, hi = 0, 0
		}
		o.Width, o.Signed = bitsFor(lo, hi)
		if o.Code == OpWeight && lo >= 0 && hi == 0 {
			o.Width, o.Signed = 1, false
		}
	}
}
