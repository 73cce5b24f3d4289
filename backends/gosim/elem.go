package gosim

import (
	"math"

	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/plan"
	"github.com/snnc/snnc/runtime"
)

// Element by element, a loop runs as a program compiled once from its ops
// (the spiking neurons' reset, a port's events, and a synapse model's
// loops, per spike and synapse): one closure an op with its argument slots
// and array resolved, so no op is decoded per element. Two things make it
// cheaper than the op list while computing the same IEEE operations on the
// same values:
//
//   - ops the same for every element (constants, the time, arithmetic of
//     them) are computed by start, once per step and time, not per element;
//   - a select runs only the arm it takes: the pure ops only that arm reads
//     run inside the select. A lazy trace's advance x·exp(a·d) +
//     c·(exp(a·d)-1)/a, taken when d > 0, costs nothing when a synapse's
//     trace was already advanced at this time.
//
// The values of ops that are not run are never read (a pure op's value
// only reaches a side effect through the select that skips it).

// eop is one compiled op: v holds the values of the loop's ops for
// element i.
type eop func(e *loopExec, v []float64, i int, x *lanes)

// elemComp compiles a loop's ops into element programs.
type elemComp struct {
	e     *loopExec
	uni   []bool
	owner []int // the select arm an op runs in (2·select + arm-1), -1: the loop itself
}

// compileElem compiles e.ops into e.eprog, marking the uniform ops that
// start computes in e.euni. A select's arms run their own ops
// (plan.ArmOwners), the uniform ones excepted.
func (e *loopExec) compileElem() {
	uni := plan.Uniform(e.ops)
	c := &elemComp{e: e, uni: uni, owner: plan.ArmOwners(e.ops, uni)}
	for k := range e.ops {
		if uni[k] {
			e.euni = append(e.euni, k)
		}
	}
	e.eprog = c.list(-1)
}

// list compiles the ops an arm (or, owner -1, the loop) runs, in order.
//
// The loop's loads of arrays no earlier op stores to (and before any
// deliver) run first: a load
// that misses the cache (a synapse's weight, read by a column) then
// overlaps the arithmetic before its first use instead of stalling it.
func (c *elemComp) list(owner int) []eop {
	var prog []eop
	early := make([]bool, len(c.e.ops))
	if owner < 0 {
		stored, sent := map[int]bool{}, false
		for k, op := range c.e.ops {
			switch op.Code {
			case plan.Store:
				stored[op.Arr] = true
			case plan.Send: // the port's handler may write any array
				sent = true
			case plan.Load:
				if !stored[op.Arr] && !sent {
					early[k] = true
					prog = append(prog, c.op(k))
				}
			}
		}
	}
	for k := range c.e.ops {
		if c.owner[k] == owner && !c.uni[k] && !early[k] {
			prog = append(prog, c.op(k))
		}
	}
	return prog
}

func runOps(prog []eop, e *loopExec, v []float64, i int, x *lanes) {
	for _, f := range prog {
		f(e, v, i, x)
	}
}

// op compiles op k.
func (c *elemComp) op(k int) eop {
	e := c.e
	op := e.ops[k]
	a := op.Args
	switch op.Code {
	case plan.Weight:
		return func(e *loopExec, v []float64, _ int, _ *lanes) { v[k] = e.w }
	case plan.Load:
		arr, off := op.Arr, op.Off
		switch op.Idx {
		case plan.Pre:
			return func(e *loopExec, v []float64, _ int, _ *lanes) { v[k] = e.f64[arr][e.pre+off] }
		case plan.Post:
			return func(e *loopExec, v []float64, _ int, _ *lanes) { v[k] = e.f64[arr][e.post+off] }
		}
		return func(e *loopExec, v []float64, i int, _ *lanes) { v[k] = e.f64[arr][i+off] }
	case plan.Refr:
		off := op.Off
		return func(e *loopExec, v []float64, i int, _ *lanes) { v[k] = b2f(e.n < e.ref[i+off]) }
	case plan.Store:
		return c.store(k)
	case plan.Rand:
		d := int(op.K)
		if len(a) > 0 { // an event's draws start at v[a[0]]
			base := a[0]
			if op.Fn == "randn" {
				return func(e *loopExec, v []float64, i int, _ *lanes) {
					v[k] = rt.DrawNormal(e.key, i, int(e.n), d+int(v[base]))
				}
			}
			return func(e *loopExec, v []float64, i int, _ *lanes) {
				v[k] = rt.DrawUniform(e.key, i, int(e.n), d+int(v[base]))
			}
		}
		if op.Fn == "randn" {
			return func(e *loopExec, v []float64, i int, _ *lanes) { v[k] = rt.DrawNormal(e.key, i, int(e.n), d) }
		}
		return func(e *loopExec, v []float64, i int, _ *lanes) { v[k] = rt.DrawUniform(e.key, i, int(e.n), d) }
	case plan.Draw:
		g, normal := -1, op.Fn == "randn"
		if len(a) > 0 {
			g = a[0]
		}
		return func(e *loopExec, v []float64, _ int, _ *lanes) {
			switch {
			case g >= 0 && v[g] == 0:
				v[k] = 0 // not taken: no number drawn
			case normal:
				v[k] = e.rng.Normal()
			default:
				v[k] = e.rng.Float64()
			}
		}
	case plan.Index:
		return func(_ *loopExec, v []float64, i int, _ *lanes) { v[k] = float64(i) }
	case plan.Result:
		x := a[0]
		return func(e *loopExec, v []float64, i int, _ *lanes) {
			if e.out != nil {
				e.out[e.outOff+i] = v[x]
			} else {
				e.res = v[x]
			}
		}
	case plan.Send:
		x := a[0]
		if len(a) > 1 {
			g := a[1]
			return func(e *loopExec, v []float64, _ int, _ *lanes) {
				if v[g] != 0 {
					e.send(v[x])
				}
			}
		}
		return func(e *loopExec, v []float64, _ int, _ *lanes) { e.send(v[x]) }
	case plan.Spike:
		x := a[0]
		return func(_ *loopExec, v []float64, i int, l *lanes) {
			if v[x] != 0 {
				l.spk = append(l.spk, int32(i))
			}
		}
	case plan.Select:
		cnd, p, q := a[0], a[1], a[2]
		pp, qq := c.list(2*k), c.list(2*k+1)
		return func(e *loopExec, v []float64, i int, x *lanes) {
			if v[cnd] != 0 {
				runOps(pp, e, v, i, x)
				v[k] = v[p]
			} else {
				runOps(qq, e, v, i, x)
				v[k] = v[q]
			}
		}
	case plan.Neg:
		p := a[0]
		return func(_ *loopExec, v []float64, _ int, _ *lanes) { v[k] = -v[p] }
	case plan.Not:
		p := a[0]
		return func(_ *loopExec, v []float64, _ int, _ *lanes) { v[k] = b2f(v[p] == 0) }
	case plan.Add, plan.Sub, plan.Mul, plan.Div:
		return c.arith(k)
	case plan.Call:
		switch op.Fn {
		case "exp":
			p := a[0]
			return func(_ *loopExec, v []float64, _ int, _ *lanes) {
				// exp(0) = 1 exactly: a lazy trace advanced again at the
				// same time (d = 0) skips the call
				if x := v[p]; x == 0 {
					v[k] = 1
				} else {
					v[k] = math.Exp(x)
				}
			}
		case "clip": // ir.Eval1's clip without its dispatch by name (a weight's bounds)
			p, lo, hi := a[0], a[1], a[2]
			return func(_ *loopExec, v []float64, _ int, _ *lanes) { v[k] = math.Min(math.Max(v[p], v[lo]), v[hi]) }
		}
		if f := ir.Func1(op.Fn); f != nil && len(a) == 1 {
			p := a[0]
			return func(_ *loopExec, v []float64, _ int, _ *lanes) { v[k] = f(v[p]) }
		}
		if f := ir.Func2(op.Fn); f != nil && len(a) == 2 {
			p, q := a[0], a[1]
			return func(_ *loopExec, v []float64, _ int, _ *lanes) { v[k] = f(v[p], v[q]) }
		}
		fn := op.Fn
		args := make([]float64, len(a))
		return func(_ *loopExec, v []float64, _ int, _ *lanes) {
			for j, p := range a {
				args[j] = v[p]
			}
			v[k], _ = ir.Eval1(fn, args) // validated
		}
	}
	if f := binFn(op.Code); f != nil {
		p, q := a[0], a[1]
		return func(_ *loopExec, v []float64, _ int, _ *lanes) { v[k] = f(v[p], v[q]) }
	}
	return func(e *loopExec, v []float64, _ int, _ *lanes) { v[k] = e.apply(&e.ops[k], v) }
}

// arith compiles + - * /, with a uniform operand read as a constant of the
// step.
func (c *elemComp) arith(k int) eop {
	op := c.e.ops[k]
	p, q := op.Args[0], op.Args[1]
	switch op.Code {
	case plan.Add:
		return func(_ *loopExec, v []float64, _ int, _ *lanes) { v[k] = v[p] + v[q] }
	case plan.Sub:
		return func(_ *loopExec, v []float64, _ int, _ *lanes) { v[k] = v[p] - v[q] }
	case plan.Mul:
		return func(_ *loopExec, v []float64, _ int, _ *lanes) { v[k] = v[p] * v[q] }
	}
	return func(_ *loopExec, v []float64, _ int, _ *lanes) { v[k] = v[p] / v[q] }
}

// store compiles a store (under its guard, if any).
func (c *elemComp) store(k int) eop {
	e := c.e
	op := e.ops[k]
	x, g, off, arr := op.Args[0], -1, op.Off, op.Arr
	if len(op.Args) > 1 {
		g = op.Args[1]
	}
	if arr == e.refArr {
		return func(e *loopExec, v []float64, i int, _ *lanes) {
			if g < 0 || v[g] != 0 {
				e.ref[i+off] = int32(v[x])
			}
		}
	}
	if g < 0 && !e.check {
		switch op.Idx {
		case plan.Pre:
			return func(e *loopExec, v []float64, _ int, _ *lanes) { e.f64[arr][e.pre+off] = v[x] }
		case plan.Post:
			return func(e *loopExec, v []float64, _ int, _ *lanes) { e.f64[arr][e.post+off] = v[x] }
		}
		return func(e *loopExec, v []float64, i int, _ *lanes) { e.f64[arr][i+off] = v[x] }
	}
	idx, check := op.Idx, e.check
	return func(e *loopExec, v []float64, i int, l *lanes) {
		if g >= 0 && v[g] == 0 {
			return
		}
		e.f64[arr][e.index(idx, i)+off] = v[x]
		l.bad = l.bad || check && v[x]-v[x] != 0
	}
}
