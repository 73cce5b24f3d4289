package quantize

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/snnc/snnc/ir/iir"
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
//	         connector's worst case: bernoulli may connect every source;
//	         from_file counts its edge list, a repeated edge k times)
//	         times one spike per source per step, each weight in the
//	         projection's integer range. A refractory neuron's held
//	         variable is only the reset's value if no port writes it
//	         while refractory (`except inputs`); a port's ops are
//	         bounded on every state events find, past the threshold too
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

type absState []iir.Interval

func hull(a, b iir.Interval) iir.Interval {
	return iir.Interval{Lo: min(a.Lo, b.Lo), Hi: max(a.Hi, b.Hi)}
}

func (s absState) copy() absState { return append(absState(nil), s...) }

func clampInf(x int64) int64 { return iir.Clamp(x, -iir.Inf, iir.Inf) }

func addI(a, b iir.Interval) iir.Interval {
	return iir.Interval{Lo: clampInf(satAdd(a.Lo, b.Lo)), Hi: clampInf(satAdd(a.Hi, b.Hi))}
}

func satAdd(a, b int64) int64 {
	if a >= iir.Inf || b >= iir.Inf {
		if a <= -iir.Inf || b <= -iir.Inf {
			return 0
		}
		return iir.Inf
	}
	if a <= -iir.Inf || b <= -iir.Inf {
		return -iir.Inf
	}
	return a + b
}

func negI(a iir.Interval) iir.Interval { return iir.Interval{Lo: -a.Hi, Hi: -a.Lo} }

func satMul(a, b int64) int64 {
	p := float64(a) * float64(b)
	if p >= float64(iir.Inf) {
		return iir.Inf
	}
	if p <= -float64(iir.Inf) {
		return -iir.Inf
	}
	return a * b
}

func mulI(a, b iir.Interval) iir.Interval {
	ps := []int64{satMul(a.Lo, b.Lo), satMul(a.Lo, b.Hi), satMul(a.Hi, b.Lo), satMul(a.Hi, b.Hi)}
	lo, hi := ps[0], ps[0]
	for _, p := range ps[1:] {
		lo, hi = min(lo, p), max(hi, p)
	}
	return iir.Interval{Lo: lo, Hi: hi}
}

func shrI(a iir.Interval, n int, r iir.Rounding) iir.Interval {
	if r == iir.Stochastic {
		return iir.Interval{Lo: a.Lo >> uint(n), Hi: iir.ShiftRight(a.Hi, n, iir.Floor, nil) + 1}
	}
	return iir.Interval{Lo: iir.ShiftRight(a.Lo, n, r, nil), Hi: iir.ShiftRight(a.Hi, n, r, nil)}
}

func within(a iir.Interval, lo, hi int64) bool { return a.Lo >= lo && a.Hi <= hi }

func resizeI(a iir.Interval, o *iir.Op) iir.Interval {
	switch o.Ovf {
	case iir.Saturate:
		return iir.Interval{Lo: iir.Clamp(a.Lo, o.Lo, o.Hi), Hi: iir.Clamp(a.Hi, o.Lo, o.Hi)}
	case iir.Modulo:
		m := iir.MaxOf(o.Width-1, false) // 2^(w−1) − 1
		if within(a, -m, m) {
			return a
		}
		r := iir.Interval{}
		if a.Lo < 0 {
			r.Lo = -m
		}
		if a.Hi > 0 {
			r.Hi = m
		}
		return r
	default:
		mn, mx := iir.MinOf(o.Width, o.Signed), iir.MaxOf(o.Width, o.Signed)
		if within(a, mn, mx) {
			return a
		}
		return iir.Interval{Lo: mn, Hi: mx}
	}
}

type absEnv struct {
	m      *iir.Model
	index  map[*iir.Var]int
	refr   iir.Interval
	weight iir.Interval
	record bool // keep each op's interval in Op.Range (joined over every evaluation)
	seen   map[*iir.Op]bool
	held   absState // what refractory neurons hold: the reset's values, the initial ones
	holds  []bool   // the variables the update holds while the neuron is refractory
	// and that no input port writes while it is refractory (`except
	// inputs`): only then is a refractory neuron's value one it held
	refrIn map[int]iir.Interval // held variables ports do write then: what one step's events add
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

func (e *absEnv) opaque(iv iir.Interval) aff { return aff{elo: float64(iv.Lo), ehi: float64(iv.Hi)} }

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
func (a aff) ival(s absState) iir.Interval {
	lo, hi := a.c+a.elo, a.c+a.ehi
	for i, k := range a.k {
		if k == 0 {
			continue
		}
		if s[i].Lo <= -iir.Inf || s[i].Hi >= iir.Inf {
			return iir.Interval{Lo: -iir.Inf, Hi: iir.Inf}
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
		if x >= float64(iir.Inf) {
			return iir.Inf
		}
		if x <= -float64(iir.Inf) {
			return -iir.Inf
		}
		return int64(x)
	}
	return iir.Interval{Lo: out(lo, false), Hi: out(hi, true)}
}

// eval runs a kernel over intervals and returns the state after it.
func (e *absEnv) eval(k *iir.Kernel, s absState) (absState, []iir.Interval) {
	n := len(s)
	out := s.copy()
	cur := make([]aff, n) // each variable's current value as a form
	for i := range cur {
		cur[i] = aff{k: make([]float64, n)}
		cur[i].k[i] = 1
	}
	forms := make([]aff, len(k.Ops))
	vals := make([]iir.Interval, len(k.Ops))
	arg := func(o *iir.Op, i int) iir.Interval { return vals[o.Args[i].ID] }
	af := func(o *iir.Op, i int) aff { return forms[o.Args[i].ID] }
	for _, o := range k.Ops {
		var f aff
		exact := true // f is the value; otherwise f = opaque(r)
		var r iir.Interval
		switch o.Code {
		case iir.OpConst:
			f = constAff(float64(o.Imm))
		case iir.OpLoad:
			f = cur[e.index[o.Var]]
		case iir.OpWeight:
			r, exact = e.weight, false
		case iir.OpRefractory:
			r, exact = e.refr, false
		case iir.OpAdd:
			f = af(o, 0).plus(af(o, 1))
		case iir.OpSub:
			f = af(o, 0).plus(af(o, 1).scale(-1))
		case iir.OpNeg:
			f = af(o, 0).scale(-1)
		case iir.OpMul:
			a, b := af(o, 0), af(o, 1)
			switch {
			case b.isConst():
				f = a.scale(b.c)
			case a.isConst():
				f = b.scale(a.c)
			default:
				r, exact = mulI(arg(o, 0), arg(o, 1)), false
			}
		case iir.OpShl:
			f = af(o, 0).scale(math.Ldexp(1, int(o.Imm)))
		case iir.OpShr:
			f = af(o, 0).scale(math.Ldexp(1, -int(o.Imm)))
			switch o.Round {
			case iir.Floor:
				f.elo--
			case iir.Nearest:
				f.elo, f.ehi = f.elo-0.5, f.ehi+0.5
			default: // trunc, stochastic
				f.elo, f.ehi = f.elo-1, f.ehi+1
			}
			if iv := shrI(arg(o, 0), int(o.Imm), o.Round); true {
				// the exact rounding of the bounds is tighter for a single variable
				fi := f.ival(s)
				r = iir.Interval{Lo: max(fi.Lo, iv.Lo), Hi: min(fi.Hi, iv.Hi)}
				if r.Lo > r.Hi {
					r = iv
				}
			}
		case iir.OpResize:
			a := arg(o, 0)
			r = resizeI(a, o)
			if r == a {
				f = af(o, 0)
			} else {
				exact = false
			}
		case iir.OpShiftDecay:
			f = af(o, 0).scale(1 - math.Ldexp(1, -int(o.Imm)))
			f.elo, f.ehi = f.elo-1, f.ehi+1
			a := arg(o, 0)
			iv := iir.Interval{Lo: iir.ShiftDecay(a.Lo, int(o.Imm), o.MinStep), Hi: iir.ShiftDecay(a.Hi, int(o.Imm), o.MinStep)}
			fi := f.ival(s)
			r = iir.Interval{Lo: max(fi.Lo, iv.Lo), Hi: min(fi.Hi, iv.Hi)}
		case iir.OpMin:
			a, b := arg(o, 0), arg(o, 1)
			r, exact = iir.Interval{Lo: min(a.Lo, b.Lo), Hi: min(a.Hi, b.Hi)}, false
		case iir.OpMax:
			a, b := arg(o, 0), arg(o, 1)
			r, exact = iir.Interval{Lo: max(a.Lo, b.Lo), Hi: max(a.Hi, b.Hi)}, false
		case iir.OpSqrt:
			a := arg(o, 0)
			r, exact = iir.Interval{Lo: iir.Sqrt(a.Lo), Hi: iir.Sqrt(a.Hi)}, false
		case iir.OpDiv:
			r, exact = divI(arg(o, 0), arg(o, 1), o.Round), false
		case iir.OpDraw:
			r, exact = iir.Interval{Lo: 0, Hi: 1<<iir.DrawBits - 1}, false
		case iir.OpAbs:
			a := arg(o, 0)
			switch {
			case a.Lo >= 0:
				r = a
			case a.Hi <= 0:
				r = negI(a)
			default:
				r = iir.Interval{Lo: 0, Hi: max(-a.Lo, a.Hi)}
			}
			exact = false
		case iir.OpCmp:
			r, exact = cmpI(o.Cmp, arg(o, 0), arg(o, 1)), false
		case iir.OpAnd:
			a, b := arg(o, 0), arg(o, 1)
			r, exact = iir.Interval{Lo: min(a.Lo, b.Lo), Hi: min(a.Hi, b.Hi)}, false
		case iir.OpOr:
			a, b := arg(o, 0), arg(o, 1)
			r, exact = iir.Interval{Lo: max(a.Lo, b.Lo), Hi: max(a.Hi, b.Hi)}, false
		case iir.OpNot:
			a := arg(o, 0)
			r, exact = iir.Interval{Lo: 1 - a.Hi, Hi: 1 - a.Lo}, false
		case iir.OpSelect:
			c := arg(o, 0)
			switch {
			case c.Lo > 0:
				f = af(o, 1)
			case c.Hi == 0:
				f = af(o, 2)
			default:
				r, exact = hull(arg(o, 1), arg(o, 2)), false
			}
		case iir.OpStore:
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
		case iir.OpRefract:
			r, exact = iir.Interval{Lo: o.Imm, Hi: o.Imm}, false
		}
		switch {
		case !exact:
			f = e.opaque(r)
		case o.Code == iir.OpShr || o.Code == iir.OpShiftDecay || o.Code == iir.OpResize || o.Code == iir.OpStore:
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

func cmpI(op string, a, b iir.Interval) iir.Interval {
	t, f := iir.Interval{Lo: 1, Hi: 1}, iir.Interval{Lo: 0, Hi: 0}
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
	return iir.Interval{Lo: 0, Hi: 1}
}

// analyse runs the range analysis of one model and records proofs and
// widths in the IR: the variables' invariant is the least fixpoint of one
// abstract step from the initial values (widened, then narrowed), and one
// more step from it gives every op its interval.
func analyse(p *iir.Program, m *iir.Model) {
	e := &absEnv{m: m, index: map[*iir.Var]int{}}
	for i, v := range m.Vars {
		e.index[v] = i
	}
	if m.Ref != nil && m.Ref.Max > 0 {
		e.refr = iir.Interval{Lo: 0, Hi: 1}
	}
	portEvents(p, m)
	init := make(absState, len(m.Vars))
	for i, v := range m.Vars {
		init[i] = initInterval(v)
	}
	for _, st := range m.Sets { // a run phase's value is an initial value too
		i := e.index[st.Var]
		init[i] = iir.Interval{Lo: min(init[i].Lo, st.Value), Hi: max(init[i].Hi, st.Value)}
	}
	// variables the update holds while the neuron is refractory
	e.holds = make([]bool, len(m.Vars))
	if m.Update != nil {
		for _, o := range m.Update.Ops {
			if o.Code == iir.OpStore && o.Hold {
				e.holds[e.index[o.Var]] = true
			}
		}
	}
	// a held variable that ports write while refractory gains at most
	// one step's events per refractory step if every such port is
	// additive (refrIn), else anything (neither holds nor refrIn)
	e.refrIn = map[int]iir.Interval{}
	held := slices.Clone(e.holds)
	unbounded := map[int]bool{}
	for _, pt := range m.Ports {
		for _, o := range pt.Kernel.Ops {
			if o.Code != iir.OpStore || pt.Events == 0 || droppedWhileRefractory(o) {
				continue
			}
			i := e.index[o.Var]
			if !held[i] {
				continue // the update does not hold it: nothing assumed
			}
			e.holds[i] = false
			x, sub, _, ok := iir.Additive(pt.Kernel)
			if !ok || x != o.Var {
				unbounded[i] = true
				continue
			}
			w := pt.Weights
			if sub {
				w = negI(w)
			}
			n := iir.Interval{Lo: pt.Events, Hi: pt.Events}
			e.refrIn[i] = addI(e.refrIn[i], mulI(n, iir.Interval{Lo: min(0, w.Lo), Hi: max(0, w.Hi)}))
		}
	}
	for i := range unbounded {
		delete(e.refrIn, i)
	}
	e.held = init.copy()
	s := e.narrow(init, e.fixpoint(init))
	e.recordOps(s)
	for i, v := range m.Vars {
		v.Range = s[i]
	}
	prove(p, m)
}

// droppedWhileRefractory: a port's store writes the variable's own value
// back while the neuron is refractory (select(refractory, load x, new)).
func droppedWhileRefractory(st *iir.Op) bool {
	sel := st.Args[0]
	if sel.Code == iir.OpResize && sel.Ovf == iir.Proved {
		sel = sel.Args[0]
	}
	if sel.Code != iir.OpSelect || sel.Args[0].Code != iir.OpRefractory {
		return false
	}
	old := sel.Args[1]
	return old.Code == iir.OpLoad && old.Var == st.Var
}

// portEvents sets each port's most events per step (Σ fan-in of the
// projections onto it) and the integer weights they can carry.
func portEvents(p *iir.Program, m *iir.Model) {
	for _, pt := range m.Ports {
		pt.Events, pt.Weights, pt.Why = 0, iir.Interval{}, ""
	}
	var whys = map[*iir.Port][]string{}
	for _, q := range p.Projs {
		if q.Post != m {
			continue
		}
		pt := q.Port
		pt.Events = clampInf(satAdd(pt.Events, q.Fanin))
		w := weightRange(q, p.Profile)
		if pt.Weights == (iir.Interval{}) {
			pt.Weights = w
		} else {
			pt.Weights = hull(pt.Weights, w)
		}
		whys[pt] = append(whys[pt], fmt.Sprintf("%s: %s", q.Name, q.Why))
	}
	for pt, ws := range whys {
		pt.Why = strings.Join(ws, "; ")
	}
}

// step is one abstract network step of the model from the states s: clear
// driven inputs, update, threshold (splitting the states into those that
// spike and those that do not, when the threshold is x > c), the synaptic
// events, and the reset of the spiking ones. It also grows e.held by what
// a neuron holds when it becomes refractory.
func (e *absEnv) step(s absState) absState {
	m := e.m
	s = s.copy()
	for i, v := range m.Vars {
		if v.Kind == iir.InputVar && v.Cleared {
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
		if x, op, c, ok := iir.SimpleThreshold(m.Threshold); ok {
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
				if e.holds[i] {
					sns[i] = hull(sns[i], e.held[i])
				} else if g, ok := e.refrIn[i]; ok && m.Ref != nil {
					// held, plus the events of each refractory step so far
					k := iir.Interval{Lo: 0, Hi: m.Ref.Max} // at most Max refractory steps
					sns[i] = hull(sns[i], addI(e.held[i], mulI(k, g)))
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
	// a dendrite's handler runs at most once a step, on some neurons
	for _, d := range m.Dendrites {
		if d.Kernel != nil && d.Live() {
			n, _ := e.eval(d.Kernel, out)
			out, _ = join(out, n)
		}
	}
	return out
}

// join is a ∪ b per variable, and whether any interval grew.
func join(a, b absState) (absState, bool) {
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

// fixpoint iterates S ← S ∪ step(S) from init until nothing grows,
// extrapolating geometric growth and widening late; if it does not
// converge, every variable's full format is the (sound) answer.
func (e *absEnv) fixpoint(init absState) absState {
	m := e.m
	s := init.copy()
	var prev absState // the growth of the iteration before
	for iter := 0; iter < 6000; iter++ {
		n, grew := join(s, e.step(s))
		if !grew {
			return s
		}
		delta := make(absState, len(n))
		for i := range n {
			delta[i] = iir.Interval{Lo: s[i].Lo - n[i].Lo, Hi: n[i].Hi - s[i].Hi}
		}
		// a bound that grows geometrically (a decay fed by a constant
		// input) jumps to its extrapolated limit; if that is short, the
		// iteration simply goes on from there
		if prev != nil && iter%8 == 0 {
			for i, v := range m.Vars {
				mn, mx := iir.MinOf(v.Width, v.Signed), iir.MaxOf(v.Width, v.Signed)
				if x := extrapolate(delta[i].Hi, prev[i].Hi); x > 0 {
					n[i].Hi = max(n[i].Hi, min(satAdd(n[i].Hi, x), mx))
				}
				if x := extrapolate(delta[i].Lo, prev[i].Lo); x > 0 {
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
	for i, v := range m.Vars {
		s[i] = hull(s[i], iir.Interval{Lo: iir.MinOf(v.Width, v.Signed), Hi: iir.MaxOf(v.Width, v.Signed)})
	}
	for k := 0; k < 100; k++ {
		n, grew := join(s, e.step(s))
		s = n
		if !grew {
			break
		}
	}
	return s
}

// extrapolate is the rest of a geometric series whose last two terms were
// p and then d (with a margin), or 0 when the growth is not geometric or
// too slow to converge soon.
func extrapolate(d, p int64) int64 {
	if d <= 0 || p <= 0 || d >= p {
		return 0
	}
	r := float64(d) / float64(p)
	if r > 0.99999 {
		return 0
	}
	x := float64(d)*r/(1-r)*1.02 + 2
	if x > float64(iir.Inf) {
		return iir.Inf
	}
	return int64(x)
}

// narrow shrinks the post-fixpoint s: S ∩ (Init ∪ step(S)) stays one.
func (e *absEnv) narrow(init, s absState) absState {
	for k := 0; k < 3000; k++ {
		f := e.step(s)
		n := s.copy()
		changed := false
		for i := range n {
			g := hull(init[i], f[i])
			c := iir.Interval{Lo: max(n[i].Lo, g.Lo), Hi: min(n[i].Hi, g.Hi)}
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
	return s
}

// recordOps gives every op its interval: one more step from the invariant
// s evaluates every kernel on the states it meets; a port kernel also on
// the invariant (every state an event can find). An op never reached gets
// the empty interval.
func (e *absEnv) recordOps(s absState) {
	e.record, e.seen = true, map[*iir.Op]bool{}
	e.step(s)
	for _, pt := range e.m.Ports {
		e.weight = pt.Weights
		if pt.Events == 0 {
			e.weight = iir.Interval{Lo: 0, Hi: 0}
		} else if _, _, _, ok := iir.Additive(pt.Kernel); ok {
			continue // events (in step) evaluated it on the states its events find
		}
		e.eval(pt.Kernel, s)
	}
	for _, k := range e.m.Kernels() {
		for _, o := range k.Ops {
			if !e.seen[o] {
				o.Range = iir.Interval{} // never reached
			}
		}
	}
}

// events applies every port's events of one step.
func (e *absEnv) events(s absState) absState {
	out := s.copy()
	for _, pt := range e.m.Ports {
		if pt.Events == 0 {
			continue
		}
		e.weight = pt.Weights
		if x, sub, rs, ok := iir.Additive(pt.Kernel); ok {
			i := e.index[x]
			w := pt.Weights
			if sub {
				w = negI(w)
			}
			n := iir.Interval{Lo: pt.Events, Hi: pt.Events}
			tot := mulI(n, iir.Interval{Lo: min(0, w.Lo), Hi: max(0, w.Hi)})
			after := resizeI(addI(out[i], tot), rs)
			if e.record {
				// the kernel's ops see x anywhere between its value before
				// the step's events and after all but the last of them (the
				// k-th event finds k−1 added; states past the threshold
				// included, before the reset)
				mid := out.copy()
				n1 := iir.Interval{Lo: pt.Events - 1, Hi: pt.Events - 1}
				mid[i] = hull(out[i], resizeI(addI(out[i], mulI(n1, iir.Interval{Lo: min(0, w.Lo), Hi: max(0, w.Hi)})), rs))
				e.eval(pt.Kernel, mid)
			}
			out[i] = after
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
					if o.Code == iir.OpStore {
						v := o.Var
						out[e.index[v]] = iir.Interval{Lo: v.Lo, Hi: v.Hi}
					}
				}
				if e.record { // the ops on the states the rest of the events find
					e.eval(pt.Kernel, out)
				}
			}
		}
	}
	return out
}

// widen moves a growing bound to the next power of two (within the
// variable's format).
func widen(n, old iir.Interval, v *iir.Var) iir.Interval {
	mn, mx := iir.MinOf(v.Width, v.Signed), iir.MaxOf(v.Width, v.Signed)
	if n.Hi > old.Hi {
		h := int64(1)
		for h-1 < n.Hi && h < iir.Inf {
			h <<= 1
		}
		n.Hi = max(min(h-1, mx), n.Hi)
	}
	if n.Lo < old.Lo {
		l := int64(1)
		for -l > n.Lo && l < iir.Inf {
			l <<= 1
		}
		n.Lo = min(max(-l, mn), n.Lo)
	}
	return n
}

// initInterval is the range of a variable's initial values.
func initInterval(v *iir.Var) iir.Interval {
	switch v.Kind {
	case iir.CounterVar:
		return iir.Interval{Lo: 0, Hi: v.Max}
	case iir.LFSRVar:
		return iir.Interval{Lo: 1, Hi: iir.MaxOf(v.Width, false)}
	case iir.InputVar:
		return iir.Interval{Lo: 0, Hi: 0}
	}
	if v.Init == nil {
		return iir.Interval{Lo: v.InitInt, Hi: v.InitInt}
	}
	lo, hi, _ := siInterval(v.Init)
	if math.IsInf(lo, 0) || math.IsInf(hi, 0) || math.IsNaN(lo) || math.IsNaN(hi) {
		return iir.Interval{Lo: v.Lo, Hi: v.Hi}
	}
	a, b := v.ToInt(lo), v.ToInt(hi)
	if a > b {
		a, b = b, a
	}
	return iir.Interval{Lo: a, Hi: b}
}

// weightRange is the integer range of a projection's weights.
func weightRange(q *iir.Proj, pf *iir.Profile) iir.Interval {
	if q.Plastic != nil {
		o := q.Plastic.OnPre.Out.Range
		return iir.Interval{Lo: min(o.Lo, 0), Hi: max(o.Hi, 0)}
	}
	if q.Const {
		w := q.Mant << uint(q.Shift)
		return iir.Interval{Lo: w, Hi: w}
	}
	mlo, mhi := q.MantRange(pf.WeightBits)
	lo, hi, _ := siInterval(q.Src.Weight)
	if c := q.Src.Connector; c.Weighted() {
		// matrix, conv: the file's factors, of either sign, times the
		// weight (factors not read yet: any mantissa)
		m := math.Max(math.Abs(lo), math.Abs(hi)) * c.MaxAbs
		if c.MaxAbs == 0 {
			m = math.Inf(1)
		}
		lo, hi = -m, m
	}
	a, b := lo/q.Unit, hi/q.Unit
	if a > b {
		a, b = b, a
	}
	clip := func(x float64) int64 {
		if math.IsInf(x, 1) || x > float64(mhi) {
			return mhi
		}
		if math.IsInf(x, -1) || x < float64(mlo) {
			return mlo
		}
		return iir.RoundHalfAway(x)
	}
	return iir.Interval{Lo: clip(a) << uint(q.Shift), Hi: clip(b) << uint(q.Shift)}
}

// prove marks Resize ops whose argument fits as Proved, sets every op's
// width, narrows proven variables when the profile says so, and records
// why the others could not be proved.
func prove(p *iir.Program, m *iir.Model) {
	type fail struct {
		where string
		pre   iir.Interval
		ovf   iir.Overflow
	}
	fails := map[*iir.Var][]fail{}
	for _, k := range m.Kernels() {
		for _, o := range k.Ops {
			if o.Code != iir.OpResize {
				continue
			}
			pre := o.Args[0].Range
			var fits bool
			if o.Ovf == iir.Saturate {
				fits = within(pre, o.Lo, o.Hi)
			} else if o.Ovf == iir.Modulo {
				m := iir.MaxOf(o.Width-1, false)
				fits = within(pre, -m, m)
			} else {
				fits = within(pre, iir.MinOf(o.Width, o.Signed), iir.MaxOf(o.Width, o.Signed))
			}
			if fits {
				o.Ovf = iir.Proved
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
			v.Proof = iir.Proved
			if p.Profile.Narrow && (v.Kind == iir.StateVar || v.Kind == iir.InputVar) {
				// the narrow format must hold every value stored, not only
				// the invariant at the step's start: an event may take v
				// past the threshold before the reset overwrites it
				r := v.Range
				for _, k := range m.Kernels() {
					for _, o := range k.Ops {
						if o.Code == iir.OpStore && o.Var == v && o.Args[0].Range.Lo <= o.Args[0].Range.Hi {
							r = hull(r, o.Args[0].Range)
						}
					}
				}
				w := 2
				for w < v.Width && (iir.MinOf(w, v.Signed) > r.Lo || iir.MaxOf(w, v.Signed) < r.Hi) {
					w++
				}
				if w < v.Width {
					v.Width = w
					v.Lo, v.Hi = iir.MinOf(w, v.Signed), iir.MaxOf(w, v.Signed)
					for _, k := range m.Kernels() {
						for _, o := range k.Ops {
							if o.Code == iir.OpResize && o.Var == v {
								o.Width, o.Lo, o.Hi = v.Width, v.Lo, v.Hi
							}
						}
					}
				}
			}
			if v.Kind == iir.StateVar || v.Kind == iir.InputVar {
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
			w, _ := iir.BitsFor(f.pre.Lo, f.pre.Hi)
			rng := fmt.Sprintf("[%s, %s]", bound(v, f.pre.Lo), bound(v, f.pre.Hi))
			parts = append(parts, fmt.Sprintf("in %s it can reach %s (%d bits)", f.where, rng, w))
		}
		for _, pt := range m.Ports {
			if !writesVar(pt.Kernel, v) || pt.Events == 0 {
				continue
			}
			wmax := max(abs64(pt.Weights.Lo), abs64(pt.Weights.Hi))
			tot := satMul(pt.Events, wmax)
			what := fmt.Sprintf("%s × %d", iir.CountString(pt.Events), wmax)
			if v.Scale != 0 && pt.Input == nil {
				what = fmt.Sprintf("%s events × %s = %s", iir.CountString(pt.Events), iir.SIString(float64(wmax)*math.Abs(v.Scale), v.Dim), boundAbs(v, tot))
			}
			parts = append(parts, fmt.Sprintf("port %s may add %s in one step (%s)", pt.Name, what, pt.Why))
		}
		v.Why = strings.Join(parts, "; ")
	}
	for _, k := range m.Kernels() {
		for _, o := range k.Ops {
			setWidth(o)
		}
	}
}

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

func boundAbs(v *iir.Var, x int64) string {
	if x >= iir.Inf {
		return "an unbounded amount"
	}
	return iir.SIString(float64(x)*math.Abs(v.Scale), v.Dim)
}

func bound(v *iir.Var, x int64) string {
	if x >= iir.Inf {
		return "+∞"
	}
	if x <= -iir.Inf {
		return "−∞"
	}
	if v.Scale == 0 {
		return fmt.Sprint(x)
	}
	return iir.SIString(v.SI(x), v.Dim)
}

func writesVar(k *iir.Kernel, v *iir.Var) bool {
	for _, o := range k.Ops {
		if o.Code == iir.OpStore && o.Var == v {
			return true
		}
	}
	return false
}

// setWidth gives an op the narrowest width holding its interval (a load,
// store or resize has its variable's).
func setWidth(o *iir.Op) {
	switch o.Code {
	case iir.OpLoad, iir.OpStore:
		o.Width, o.Signed = o.Var.Width, o.Var.Signed
	case iir.OpResize:
	case iir.OpCmp, iir.OpAnd, iir.OpOr, iir.OpNot, iir.OpRefractory:
		o.Width, o.Signed = 1, false
	case iir.OpRefract:
		o.Width, o.Signed = 0, false
	default:
		lo, hi := o.Range.Lo, o.Range.Hi
		if lo > hi {
			lo, hi = 0, 0
		}
		o.Width, o.Signed = iir.BitsFor(lo, hi)
		if o.Code == iir.OpWeight && lo >= 0 && hi == 0 {
			o.Width, o.Signed = 1, false
		}
	}
}
