package passes

import (
	"fmt"
	"strings"

	"github.com/snnc/snnc/ir"
)

// ode splits each model's ODEs into independent systems (variables coupled
// directly or through aliases integrate together) and picks a method for
// each: the exact propagator, precomputed with a matrix exponential, when
// the system is linear with constant coefficients; RK4 otherwise; or what
// the user asked for (`method euler|rk4|exact`; exact on a nonlinear system
// is an error that points at the nonlinear term).
func ode(ctx *Context) {
	dt, why := ctx.Prog.Schedule.Dt, ""
	if ctx.Prog.Network == "" {
		dt, why = 1e-4, " (propagator for the default dt 0.1 ms)"
	}
	reported := map[*ir.ODE]bool{}
	for _, m := range append(append([]*ir.Model{}, ctx.Prog.Neurons...), ctx.Prog.Synapses...) {
		m.Update = nil
		for _, group := range systems(m.ODEs) {
			if s := choose(ctx, m, group, dt, why); s != nil {
				m.Update = append(m.Update, s)
			}
		}
	}
	for _, m := range ctx.Prog.Synapses {
		traceInputs(ctx, m, reported)
	}
}

// traceInputs reports a synaptic variable integrated alone (a system of one
// exact equation) whose equation reads another variable of the synapse:
// both backends integrate such a variable as a trace, x' = a·x + c, and
// stopped the run with "is not a linear trace (inputs)" and no position.
func traceInputs(ctx *Context, m *ir.Model, reported map[*ir.ODE]bool) {
	for _, s := range m.Update {
		if len(s.Vars) != 1 || s.Method != ir.Exact || len(s.ODEs) != 1 || reported[s.ODEs[0]] {
			continue
		}
		o := s.ODEs[0]
		if l, _, ok := ir.Linearize(s.Vars, []ir.Expr{o.Rhs}); ok && len(l.Inputs) > 0 {
			var in []string
			for _, v := range l.Inputs {
				in = append(in, v.Name)
			}
			ctx.Diags.Errorf(o.Pos.Pos, o.Pos.End, "the equation of %s in synapse %s reads %s: a synaptic variable with an equation of its own is integrated as a trace, x' = a·x + c, which reads no other variable", o.Var.Name, m.Type, strings.Join(in, ", ")).Hint =
				"give the variables it reads equations coupled with it (one system), or move the term into an on pre/on post handler"
		}
	}
}

// sideName is how a reference's side is written (pre., post.).
func sideName(r *ir.Ref) string {
	if r.Side == ir.Post {
		return "post"
	}
	return "pre"
}

// systems groups ODEs into weakly connected components of the "reads"
// relation, in the order of their first equation.
func systems(odes []*ir.ODE) [][]*ir.ODE {
	xs := make([]*ir.Var, len(odes))
	rhs := make([]ir.Expr, len(odes))
	for i, o := range odes {
		xs[i], rhs[i] = o.Var, o.Rhs
		// a noise coefficient that reads another variable couples them
		// (multiplicative noise: both step from the old values)
		for _, n := range o.Noise {
			if n.Coef != nil {
				rhs[i] = &ir.Binary{Op: "+", X: rhs[i], Y: n.Coef}
			}
		}
	}
	parent := make([]int, len(odes))
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	for i, js := range ir.Couplings(xs, rhs) {
		for _, j := range js {
			a, b := find(i), find(j)
			if a < b {
				a, b = b, a
			}
			parent[a] = b
		}
	}
	var out [][]*ir.ODE
	index := map[int]int{}
	for i, o := range odes {
		r := find(i)
		k, ok := index[r]
		if !ok {
			k = len(out)
			index[r] = k
			out = append(out, nil)
		}
		out[k] = append(out[k], o)
	}
	return out
}

func choose(ctx *Context, m *ir.Model, group []*ir.ODE, dt float64, why string) *ir.System {
	s := &ir.System{Clamped: make([]bool, len(group))}
	xs := make([]*ir.Var, len(group))
	rhs := make([]ir.Expr, len(group))
	asked := ""
	var askedAt *ir.ODE
	clamps := false
	for i, o := range group {
		xs[i], rhs[i] = o.Var, o.Rhs
		s.Clamped[i] = o.UnlessRefractory
		clamps = clamps || o.UnlessRefractory
		if o.Method == "" {
			continue
		}
		if asked != "" && o.Method != asked {
			ctx.Diags.Errorf(o.MethodPos.Pos, o.MethodPos.End, "%s and %s are coupled but ask for different methods (%s and %s)",
				askedAt.Var.Name, o.Var.Name, asked, o.Method).Hint = "coupled equations are integrated together; ask for one method"
			return nil
		}
		asked, askedAt = o.Method, o
	}
	s.Vars, s.ODEs = xs, group
	for _, o := range group {
		if len(o.Noise) == 0 {
			continue
		}
		// white noise: Euler–Maruyama (Brian2 refuses exact and rk4 too)
		if asked == "exact" || asked == "rk4" {
			sp := askedAt.MethodPos
			ctx.Diags.Errorf(sp.Pos, sp.End, "method %s cannot integrate white noise (%s in the equation of %s)", asked, o.Noise[0].Name, o.Var.Name).Hint =
				"stochastic equations are integrated by Euler–Maruyama: write method euler, or leave the method out"
			return nil
		}
		s.Method, s.Why = ir.Euler, "white noise "+o.Noise[0].Name+" in "+o.Var.Name+"': Euler–Maruyama"
		if asked == "euler" {
			s.Why = "asked for; " + s.Why
		}
		return s
	}
	if m.Kind == ir.SynapseModel {
		for _, o := range group {
			r := ir.NeuronRead(o)
			if r == nil {
				continue
			}
			reads := sideName(r) + "." + r.Var.Name
			if asked == "exact" {
				sp := askedAt.MethodPos
				ctx.Diags.Errorf(sp.Pos, sp.End, "method exact cannot integrate %s', which reads %s: the neuron's state changes every step", o.Var.Name, reads).Hint =
					"write method euler (or rk4), or leave the method out: Euler, with " + reads + " held over the step"
				return nil
			}
			s.Method, s.Why = ir.Euler, "reads "+reads+": Euler, "+reads+" held over the step"
			if asked != "" {
				s.Method, s.Why = ir.Method(asked), "asked for; reads "+reads
			}
			return s
		}
	}
	lin, bad, ok := ir.Linearize(xs, rhs)
	switch {
	case asked == "euler" || asked == "rk4":
		s.Method, s.Why = ir.Method(asked), "asked for"
		return s
	case ok:
		s.Method, s.Why = ir.Exact, "linear with constant coefficients"+why
		if asked == "exact" {
			s.Why = "asked for; linear with constant coefficients" + why
		}
	case asked == "exact":
		sp := askedAt.MethodPos
		d := ctx.Diags.Errorf(sp.Pos, sp.End, "method exact needs equations that are linear with constant coefficients, but %s' contains %s",
			nonlinearOwner(group, bad), ir.ExprString(bad))
		d.Hint = "use method rk4 (or euler) for nonlinear equations"
		if p := perNeuronIn(bad); p != "" {
			d.Hint = p + ", so the coefficients differ between neurons; use method rk4 (or euler), or give the parameter one value for the population"
		}
		return nil
	default:
		s.Method, s.Why = ir.RK4, "nonlinear: "+ir.ExprString(bad)
		if p := perNeuronIn(bad); p != "" {
			s.Why = "coefficients differ between neurons (" + p + "): " + ir.ExprString(bad)
		}
		return s
	}
	var err error
	s.Inputs, s.InputSides = lin.Inputs, lin.Sides
	s.P, s.Q, s.R, err = ir.Propagator(lin, dt, nil)
	if err == nil && clamps {
		s.PRef, s.QRef, s.RRef, err = ir.Propagator(lin, dt, s.Clamped)
	}
	if err != nil {
		sp := group[0].Pos
		ctx.Diags.Errorf(sp.Pos, sp.End, "cannot integrate %s over dt = %s: %v", names(xs), ir.Quantity(dt, ir.TimeDim, "ms"), err).Hint =
			"a time constant is far shorter than dt, or a variable grows without bound; check the signs and units"
		return nil
	}
	return s
}

// perNeuronIn names the per-neuron parameters that e reads ("" if none):
// "tau is a per-neuron parameter", "E_l, tau_m are per-neuron parameters".
func perNeuronIn(e ir.Expr) string {
	var names []string
	seen := map[string]bool{}
	ir.Walk(e, func(x ir.Expr) bool {
		if r, ok := x.(*ir.Ref); ok && r.Var.PerNeuron && !seen[r.Var.Name] {
			seen[r.Var.Name] = true
			names = append(names, r.Var.Name)
		}
		return true
	})
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0] + " is a per-neuron parameter"
	}
	return strings.Join(names, ", ") + " are per-neuron parameters"
}

// nonlinearOwner names the variable whose equation contains e.
func nonlinearOwner(group []*ir.ODE, e ir.Expr) string {
	for _, o := range group {
		found := false
		ir.Walk(o.Rhs, func(x ir.Expr) bool {
			found = found || x == e
			return !found
		})
		if found {
			return o.Var.Name
		}
	}
	return group[0].Var.Name
}

func names(vs []*ir.Var) string {
	s := ""
	for i, v := range vs {
		if i > 0 {
			s += ", "
		}
		s += v.Name
	}
	if len(vs) > 1 {
		return fmt.Sprintf("the system [%s]", s)
	}
	return s
}
