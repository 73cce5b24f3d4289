package iir

import (
	"errors"
	"fmt"
	"slices"
)

// Verify checks the invariants every consumer of an integer program relies
// on (the simulator's executor, the Verilog emitter, the printer): each
// kernel is straight-line SSA (an op's arguments come before it, in the
// same kernel), every op has its opcode's arity and the fields it needs,
// loads and stores name a variable of their own model (or rule), formats
// are consistent (1 to 64 bits, the saturation range inside them), and the
// program's cross references (refractory counter, LFSR, projections'
// models and ports) hold. Like ir.Verify it reports a compiler bug, not a
// user error: quantize.Lower runs it on what it returns.
func Verify(p *Program) error {
	v := &verifier{}
	if p.Profile == nil {
		v.errorf("program: no profile")
	}
	if !(p.Dt > 0) {
		v.errorf("program: dt %g is not positive", p.Dt)
	}
	models := map[*Model]bool{}
	for _, m := range p.Models {
		models[m] = true
		v.model(m)
	}
	for _, q := range p.Projs {
		v.proj(q, models)
	}
	return errors.Join(v.errs...)
}

type verifier struct {
	errs []error
}

func (v *verifier) errorf(format string, args ...any) {
	if len(v.errs) < 20 { // the first few locate a bug; hundreds would bury it
		v.errs = append(v.errs, fmt.Errorf(format, args...))
	}
}

// arity is the number of arguments of each opcode.
var arity = [...]int{
	OpConst: 0, OpLoad: 0, OpWeight: 0, OpRefractory: 0,
	OpAdd: 2, OpSub: 2, OpNeg: 1, OpMul: 2, OpShl: 1, OpShr: 1, OpResize: 1,
	OpShiftDecay: 1, OpMin: 2, OpMax: 2, OpAbs: 1, OpCmp: 2, OpAnd: 2, OpOr: 2,
	OpNot: 1, OpSelect: 3, OpStore: 1, OpRefract: 0, OpDiv: 2, OpSqrt: 1,
	OpDraw: 0,
}

// kernelCtx is what a kernel may refer to.
type kernelCtx struct {
	where  string
	vars   map[*Var]bool
	hasRef bool // the model has a refractory counter (OpRefractory, OpRefract)
}

func (v *verifier) model(m *Model) {
	where := "model " + m.Name
	vars := map[*Var]bool{}
	names := map[string]bool{}
	for _, x := range m.Vars {
		if x == nil {
			v.errorf("%s: nil variable", where)
			continue
		}
		if names[x.Name] {
			v.errorf("%s: two variables named %s", where, x.Name)
		}
		names[x.Name] = true
		vars[x] = true
		v.variable(where, x)
	}
	if m.Ref != nil && (!vars[m.Ref] || m.Ref.Kind != CounterVar) {
		v.errorf("%s: the refractory counter %s is not a counter variable of the model", where, m.Ref.Name)
	}
	if m.LFSR != nil && (!vars[m.LFSR] || m.LFSR.Kind != LFSRVar) {
		v.errorf("%s: the LFSR %s is not an LFSR variable of the model", where, m.LFSR.Name)
	}
	for _, s := range m.Sets {
		switch {
		case s.Var == nil || !vars[s.Var] || s.Var.Kind != StateVar:
			v.errorf("%s: phase %s sets a variable that is not state of the model", where, s.Phase)
		case s.Value < s.Var.Lo || s.Value > s.Var.Hi || s.Value < s.Var.Range.Lo || s.Value > s.Var.Range.Hi:
			v.errorf("%s: phase %s sets %s to %d, outside its range [%d, %d]", where, s.Phase, s.Var.Name, s.Value, s.Var.Range.Lo, s.Var.Range.Hi)
		case s.Step < 0:
			v.errorf("%s: phase %s at step %d", where, s.Phase, s.Step)
		}
	}
	ctx := &kernelCtx{vars: vars, hasRef: m.Ref != nil}
	for _, k := range []*Kernel{m.Update, m.Threshold, m.Reset} {
		if k != nil {
			ctx.where = where + " " + k.Name
			v.kernel(k, ctx, false)
		}
	}
	if m.Threshold != nil && m.Threshold.Out == nil {
		v.errorf("%s: the threshold kernel has no spike bit (Out)", where)
	}
	for _, pt := range m.Ports {
		if pt.Input != nil && !vars[pt.Input] {
			v.errorf("%s port %s: the accumulator %s is not a variable of the model", where, pt.Name, pt.Input.Name)
		}
		if pt.Kernel != nil {
			ctx.where = where + " port " + pt.Name
			v.kernel(pt.Kernel, ctx, true)
		}
	}
	names = map[string]bool{}
	for _, d := range m.Dendrites {
		if names[d.Name] {
			v.errorf("%s: two dendrites named %s", where, d.Name)
		}
		names[d.Name] = true
		v.dendrite(where, d, ctx)
	}
}

func (v *verifier) variable(where string, x *Var) {
	if x.Width < 1 || x.Width > 64 {
		v.errorf("%s: variable %s has width %d", where, x.Name, x.Width)
		return
	}
	if x.Lo > x.Hi || x.Lo < MinOf(x.Width, x.Signed) || x.Hi > MaxOf(x.Width, x.Signed) {
		v.errorf("%s: variable %s: range [%d, %d] is not inside its %d bits", where, x.Name, x.Lo, x.Hi, x.Width)
	}
}

func (v *verifier) kernel(k *Kernel, c *kernelCtx, port bool) {
	defined := map[*Op]bool{}
	for i, o := range k.Ops {
		at := fmt.Sprintf("%s: op %d", c.where, i)
		if o == nil {
			v.errorf("%s is nil", at)
			continue
		}
		if defined[o] {
			v.errorf("%s (%s) is listed twice", at, o.Code)
		}
		if o.Code < 0 || int(o.Code) >= len(arity) {
			v.errorf("%s: unknown opcode %d", at, o.Code)
			continue
		}
		at += " (" + o.Code.String() + ")"
		if len(o.Args) != arity[o.Code] {
			v.errorf("%s has %d arguments, want %d", at, len(o.Args), arity[o.Code])
		}
		for _, a := range o.Args {
			if !defined[a] {
				v.errorf("%s uses a value not computed before it in the kernel", at)
			}
		}
		v.op(at, o, c, port)
		defined[o] = true
	}
	if k.Out != nil && !defined[k.Out] {
		v.errorf("%s: the kernel's output is not one of its ops", c.where)
	}
}

func (v *verifier) op(at string, o *Op, c *kernelCtx, port bool) {
	switch o.Code {
	case OpLoad, OpStore:
		if o.Var == nil || !c.vars[o.Var] {
			v.errorf("%s: not a variable of its model", at)
		}
	case OpWeight:
		if !port {
			v.errorf("%s: an event's weight outside a port kernel", at)
		}
	case OpRefractory, OpRefract:
		if !c.hasRef {
			v.errorf("%s: the model has no refractory counter", at)
		}
	case OpShl, OpShr, OpShiftDecay:
		if o.Imm < 0 || o.Imm > 63 {
			v.errorf("%s: shift by %d", at, o.Imm)
		}
	case OpCmp:
		switch o.Cmp {
		case ">", ">=", "<", "<=", "==", "!=":
		default:
			v.errorf("%s: unknown comparison %q", at, o.Cmp)
		}
	}
	if o.Code == OpShr || o.Code == OpDiv {
		switch o.Round {
		case Trunc, Floor, Nearest, Stochastic:
		default:
			v.errorf("%s: unknown rounding %q", at, o.Round)
		}
	}
	if o.Code == OpResize {
		switch o.Ovf {
		case Wrap, Modulo, Proved:
		case Saturate:
			if o.Lo > o.Hi {
				v.errorf("%s: saturates to the empty range [%d, %d]", at, o.Lo, o.Hi)
			}
		default:
			v.errorf("%s: unknown overflow %q", at, o.Ovf)
		}
	}
	if o.Code != OpRefract && (o.Width < 1 || o.Width > 64) {
		v.errorf("%s: width %d", at, o.Width)
	}
}

func (v *verifier) proj(q *Proj, models map[*Model]bool) {
	where := "projection " + q.Name
	if q.Post == nil || !models[q.Post] {
		v.errorf("%s: its postsynaptic model is not in the program", where)
		return
	}
	found := false
	for _, pt := range q.Post.Ports {
		found = found || pt == q.Port
	}
	if !found {
		v.errorf("%s: its port is not a port of %s", where, q.Post.Name)
	}
	if q.Shift < 0 || q.Shift > 63 {
		v.errorf("%s: weight shift %d", where, q.Shift)
	}
	pl := q.Plastic
	if pl == nil {
		return
	}
	vars := map[*Var]bool{}
	if (pl.Pre2 == nil) != (pl.Post2 == nil) {
		v.errorf("%s: a triplet rule needs both second traces", where)
	}
	for _, x := range pl.Vars() {
		if x == nil {
			v.errorf("%s: the STDP rule lacks a variable", where)
			return
		}
		vars[x] = true
		v.variable(where, x)
	}
	if pl.Gate != nil {
		if !slices.Contains(q.Post.Vars, pl.Gate) {
			v.errorf("%s: the STDP rule's gate %s is not a variable of %s", where, pl.Gate.Name, q.Post.Name)
		}
		vars[pl.Gate] = true
	}
	if pl.Lo > pl.Hi {
		v.errorf("%s: the STDP rule clips W to the empty range [%d, %d]", where, pl.Lo, pl.Hi)
	}
	for _, k := range pl.Kernels() {
		if k == nil {
			v.errorf("%s: the STDP rule lacks a kernel", where)
			continue
		}
		v.kernel(k, &kernelCtx{where: where + " " + k.Name, vars: vars}, false)
		for _, o := range k.Ops {
			if o.Code == OpStore && pl.Gate != nil && o.Var == pl.Gate {
				v.errorf("%s %s: the STDP rule stores its gate %s", where, k.Name, pl.Gate.Name)
			}
		}
	}
	if pl.OnPre != nil && pl.OnPre.Out == nil {
		v.errorf("%s: the STDP rule's on-pre kernel delivers no weight", where)
	}
}
