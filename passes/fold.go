package passes

import (
	"math"

	"github.com/snnc/snnc/ir"
)

// fold replaces every parameter by its value (parameters are never written,
// so they are constants of their model) and folds constant sub-expressions.
// A threshold that folds to a constant is reported: false never fires, true
// fires every step.
//
// Switched off, it still folds the run's phase values: they are constants
// of their population or projection by definition (the checker allows only
// numbers and parameters), and the backends set them as numbers.
func fold(ctx *Context) {
	f := &folder{done: map[*ir.Var]ir.Expr{}, busy: map[*ir.Var]bool{}}
	if ctx.Off {
		for _, ph := range ctx.Prog.Phases {
			for _, st := range ph.Sets {
				st.Value = f.expr(st.Value)
			}
		}
		return
	}
	models := append(append([]*ir.Model{}, ctx.Prog.Neurons...), ctx.Prog.Synapses...)
	for _, m := range models {
		f.model(m)
		if m.Threshold != nil {
			if b, ok := m.Threshold.(*ir.BoolConst); ok {
				sp := m.ThreshPos
				if b.V {
					ctx.Diags.Warnf(sp.Pos, sp.End, "the threshold of %s is always true: it fires every time step", m.Name)
				} else {
					ctx.Diags.Warnf(sp.Pos, sp.End, "the threshold of %s is always false: %s can never spike", m.Name, m.Type).Hint =
						"check the parameter values; the condition folds to false"
				}
			}
		}
	}
	for _, p := range ctx.Prog.Projs {
		p.Weight = f.expr(p.Weight)
		p.Delay = f.expr(p.Delay)
	}
	for _, w := range ctx.Prog.Wtas {
		w.By = f.expr(w.By)
	}
	for _, ph := range ctx.Prog.Phases {
		for _, st := range ph.Sets {
			st.Value = f.expr(st.Value)
		}
	}
}

type folder struct {
	done map[*ir.Var]ir.Expr // folded parameter values
	busy map[*ir.Var]bool
}

func (f *folder) model(m *ir.Model) {
	var kept []*ir.Var
	for _, v := range m.Vars {
		if v.Kind == ir.Param {
			f.param(v)
			continue
		}
		kept = append(kept, v)
	}
	m.Vars = kept
	for _, v := range m.Vars {
		v.Value = f.expr(v.Value)
		v.Init = f.expr(v.Init)
	}
	for _, o := range m.ODEs {
		o.Rhs = f.expr(o.Rhs)
		for _, n := range o.Noise {
			n.Coef = f.expr(n.Coef)
		}
	}
	m.Threshold = f.expr(m.Threshold)
	m.Delay = f.expr(m.Delay)
	m.Summed = f.expr(m.Summed)
	f.stmts(m.Reset)
	f.stmts(m.OnPre)
	f.stmts(m.OnPost)
	for _, p := range m.Ports {
		f.stmts(p.Body)
	}
	for _, ss := range m.OnMod {
		f.stmts(ss)
	}
	for _, ss := range m.OnActive {
		f.stmts(ss)
	}
	for _, d := range m.Dendrites {
		d.Activation = f.expr(d.Activation)
	}
}

// param folds a parameter's value once (parameters may use each other).
func (f *folder) param(v *ir.Var) ir.Expr {
	if e, ok := f.done[v]; ok {
		return e
	}
	if f.busy[v] { // the checker forbids this; stay safe
		return v.Value
	}
	f.busy[v] = true
	e := f.expr(v.Value)
	if c, ok := e.(*ir.Const); ok && v.Unit != "" {
		e = &ir.Const{V: c.V, D: c.D, Unit: v.Unit}
	}
	f.done[v] = e
	return e
}

func (f *folder) stmts(ss []ir.Stmt) {
	for _, s := range ss {
		switch s := s.(type) {
		case *ir.Assign:
			s.Value = f.expr(s.Value)
		case *ir.Refractory:
			s.Duration = f.expr(s.Duration)
		case *ir.Deliver:
			s.Value = f.expr(s.Value)
		case *ir.If:
			s.Cond = f.expr(s.Cond)
			f.stmts(s.Then)
			f.stmts(s.Else)
		}
	}
}

func (f *folder) expr(e ir.Expr) ir.Expr {
	return ir.Rewrite(e, func(e ir.Expr) ir.Expr {
		switch x := e.(type) {
		case *ir.Ref:
			if x.Var.Kind == ir.Param {
				return f.param(x.Var)
			}
		case *ir.Unary:
			switch c := x.X.(type) {
			case *ir.Const:
				if x.Op == "-" {
					return &ir.Const{V: -c.V, D: c.D, Unit: c.Unit}
				}
			case *ir.BoolConst:
				return &ir.BoolConst{V: !c.V}
			}
		case *ir.Binary:
			return foldBinary(x)
		case *ir.Call:
			if ir.IsRandom(x.Fn) {
				return x
			}
			args := make([]float64, len(x.Args))
			for i, a := range x.Args {
				c, ok := a.(*ir.Const)
				if !ok {
					return x
				}
				args[i] = c.V
			}
			if v, ok := ir.Eval1(x.Fn, args); ok {
				return &ir.Const{V: v, D: x.D}
			}
		case *ir.Cond:
			if b, ok := x.C.(*ir.BoolConst); ok {
				if b.V {
					return x.A
				}
				return x.B
			}
		}
		return e
	})
}

func foldBinary(x *ir.Binary) ir.Expr {
	if a, ok := x.X.(*ir.BoolConst); ok {
		if b, ok := x.Y.(*ir.BoolConst); ok {
			switch x.Op {
			case "and":
				return &ir.BoolConst{V: a.V && b.V}
			case "or":
				return &ir.BoolConst{V: a.V || b.V}
			case "==":
				return &ir.BoolConst{V: a.V == b.V}
			case "!=":
				return &ir.BoolConst{V: a.V != b.V}
			}
		}
		return x
	}
	a, ok1 := x.X.(*ir.Const)
	b, ok2 := x.Y.(*ir.Const)
	if !ok1 || !ok2 {
		return x
	}
	var v float64
	switch x.Op {
	case "+":
		v = a.V + b.V
	case "-":
		v = a.V - b.V
	case "*":
		v = a.V * b.V
	case "/":
		v = a.V / b.V
	case "%":
		v = math.Mod(a.V, b.V)
	case "^":
		v = math.Pow(a.V, b.V)
	case "<":
		return &ir.BoolConst{V: a.V < b.V}
	case "<=":
		return &ir.BoolConst{V: a.V <= b.V}
	case ">":
		return &ir.BoolConst{V: a.V > b.V}
	case ">=":
		return &ir.BoolConst{V: a.V >= b.V}
	case "==":
		return &ir.BoolConst{V: a.V == b.V}
	case "!=":
		return &ir.BoolConst{V: a.V != b.V}
	default:
		return x
	}
	unit := ""
	if (x.Op == "+" || x.Op == "-") && a.Unit == b.Unit {
		unit = a.Unit
	}
	return &ir.Const{V: v, D: x.D, Unit: unit}
}
