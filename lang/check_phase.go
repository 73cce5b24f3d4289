package lang

import (
	"fmt"
	"math"
)

// checkPhases checks the `phase NAME at T { Pop.var = value }` items of a
// run: unique names, times in [0, duration) listed in order, and
// assignments to state variables of the run's populations (or of named
// projections' synapses) whose values are constants of the population or
// projection (numbers, its parameters, functions of them).
func (c *checker) checkPhases(r *RunDecl) {
	ni := c.prog.Networks[r.Network.Name]
	dur, durOK := constValue(r.Duration)
	dt := netDt(ni)
	if durOK && dur > 0 && math.Round(dur/dt) < 1 {
		d := c.errorf(r.Duration, "the run is shorter than half a time step: it would simulate nothing")
		d.Hint = fmt.Sprintf("dt = %g ms; the run has round(duration/dt) steps", dt*1e3)
	}
	if steps := math.Round(dur / dt); durOK && steps > maxSteps {
		d := c.errorf(r.Duration, "the run has %.3g steps of dt = %g ms: more than 2^53, which a step counter cannot count exactly", steps, dt*1e3)
		d.Hint = "shorten the run or lengthen dt"
	} else if durOK && steps > manySteps {
		c.warnf(r.Duration, "the run has %.3g steps of dt = %g ms: it will take very long", steps, dt*1e3)
	}
	seen := map[string]bool{}
	last := -1.0
	var lastName string
	for _, ph := range r.Phases {
		if seen[ph.Name.Name] {
			c.errorf(ph.Name, "phase %s is declared twice", ph.Name.Name)
		}
		seen[ph.Name.Name] = true
		e := &env{c: c, noTime: true}
		if !c.expect(ph.At, e.expr(ph.At), timeT, "the time of a phase") {
			continue
		}
		at, ok := constValue(ph.At)
		if !ok {
			c.errorf(ph.At, "the time of a phase must be a constant")
			continue
		}
		// a phase starts at step round(T/dt) of round(duration/dt) steps
		step, steps := math.Round(at/dt), math.Round(dur/dt)
		switch {
		case at < 0:
			c.errorf(ph.At, "the time of a phase must not be negative")
		case durOK && (at >= dur || step >= steps):
			d := c.errorf(ph.At, "phase %s starts at or after the end of the run", ph.Name.Name)
			d.Hint = fmt.Sprintf("the run lasts %g ms", dur*1e3)
			if at < dur {
				d.Hint = fmt.Sprintf("the run has %g steps of dt = %g ms; T rounds to step %g", steps, dt*1e3, step)
			}
		case math.Abs(at/dt-step) > 1e-6:
			c.warnf(ph.At, "phase %s at %g ms is not a multiple of dt = %g ms; it starts at step %g (%g ms)", ph.Name.Name, at*1e3, dt*1e3, step, step*dt*1e3)
		}
		switch {
		case at < last:
			d := c.errorf(ph.At, "phase %s starts before phase %s", ph.Name.Name, lastName)
			d.Hint = "list phases in the order they start"
		}
		last, lastName = at, ph.Name.Name
		for _, s := range ph.Body {
			c.phaseStmt(ni, s)
		}
	}
}

// netDt is the network's dt, as the IR reads it (0.1 ms by default).
// maxSteps is the most steps a run may have: beyond 2^53 a float64 step
// time no longer resolves dt (and beyond 2^63 the counter wraps and the
// run would simulate nothing); manySteps warns. rt.CheckSteps applies
// the same bounds to --duration.
const (
	maxSteps  = 1 << 53
	manySteps = 1e9
)

func netDt(ni *NetInfo) float64 {
	dt := 1e-4
	if ni != nil {
		for _, it := range ni.Decl.Items {
			if s, ok := it.(*Setting); ok && s.Name.Name == "dt" {
				if v, ok := constValue(s.Value); ok && v > 0 {
					dt = v
				}
			}
		}
	}
	return dt
}

func (c *checker) phaseStmt(ni *NetInfo, s Stmt) {
	a, ok := s.(*AssignStmt)
	if !ok {
		d := c.errorf(s, "a phase holds only assignments to population state")
		d.Hint = "write Pop.var = value"
		return
	}
	f, ok := a.Target.(*FieldExpr)
	var id *Ident
	if ok {
		id, ok = f.X.(*Ident)
	}
	if !ok {
		d := c.errorf(a.Target, "a phase assigns a variable of a population: Pop.var")
		d.Hint = "write Pop.var = value"
		return
	}
	if ni == nil {
		return // unknown network, reported
	}
	sym, ok := ni.Scope[id.Name]
	if !ok {
		c.unknown(id, "population", popNames(ni, false))
		return
	}
	c.prog.Uses[id] = sym
	var t *TypeInfo
	switch {
	case sym.Kind == ProjSym && sym.Proj.Synapse != nil:
		t = sym.Proj.Synapse // synapse state of a named projection
		found := false
		WalkExpr(a.Value, func(x Expr) {
			if fe, ok := x.(*FieldExpr); ok && !found {
				if id, ok := fe.X.(*Ident); ok && (id.Name == "pre" || id.Name == "post") {
					found = true
					c.errorf(fe, "a phase value is one constant for the projection; it cannot read %s.%s", id.Name, fe.Name.Name)
				}
			}
		})
		if found {
			return
		}
	case sym.Kind == ProjSym:
		if sym.Proj.Decl.Synapse == nil {
			c.errorf(id, "projection %s has no synapse type, so no state to set", id.Name)
		}
		return
	case sym.Pop == nil || sym.Pop.Type == nil:
		if sym.Pop != nil && sym.Pop.Pop != nil {
			return // a population of an unknown type, reported
		}
		c.errorf(id, "%s is an input; a phase sets the state of a population or a named projection", id.Name)
		return
	default:
		t = sym.Pop.Type
	}
	v, ok := t.Scope[f.Name.Name]
	if !ok || v.Kind != StateSym {
		what := "no state variable"
		if ok {
			what = "a " + v.describe() + ","
		}
		d := c.errorf(f.Name, "%s has %s %s", t.Name, what, f.Name.Name)
		if !ok {
			if m := DidYouMean(f.Name.Name, varNames(t)); m != "" {
				d.Hint = fmt.Sprintf("did you mean %s?", m)
			}
		} else {
			d.Hint = "a phase can only set state variables (parameters are constants; override them on the population or projection)"
		}
		return
	}
	c.prog.Uses[f.Name] = v
	// the value is a constant of the population or projection: its
	// parameters, numbers
	e := &env{c: c, typ: t, noTime: true, initOf: "parameters",
		noRandom: "in a phase (its value is one constant per population or projection)"}
	vt := e.expr(a.Value)
	if vt.Kind == Invalid || vt.Kind == Deferred || v.Type.Kind == Invalid {
		return
	}
	if sym.Pop != nil && sym.Pop.Pop != nil {
		if name := c.perNeuronRead(sym.Pop.Pop, t, a.Value, map[string]bool{}); name != "" {
			c.errorf(a.Value, "a phase sets %s.%s to one value for every neuron, but %s is a per-neuron parameter of %s", id.Name, f.Name.Name, name, id.Name).Hint =
				"a parameter computed from i or drawn per neuron is stored per neuron; set the phase from parameters with one value"
		}
	}
	tt := v.Type
	switch a.Op {
	case "=":
		if tt.Kind != vt.Kind || (tt.Kind == Number && tt.Dim != vt.Dim) {
			d := c.errorf(a.Value, "cannot assign %s to %s (%s)", vt, f.Name.Name, tt)
			if tt.Kind == Number && vt.Kind == Number {
				d.Hint = fmt.Sprintf("units: %s vs %s", unitOf(vt.Dim), unitOf(tt.Dim))
			}
		}
	case "+=", "-=":
		if tt.Kind != Number || vt.Kind != Number {
			c.errorf(a, "%s needs numbers; %s is %s", a.Op, f.Name.Name, tt)
			return
		}
		c.sameDim(a, map[string]string{"+=": "cannot add", "-=": "cannot subtract"}[a.Op], tt, vt)
	default:
		if tt.Kind != Number {
			c.errorf(a, "%s needs a number; %s is %s", a.Op, f.Name.Name, tt)
			return
		}
		c.expect(a.Value, vt, dimless, "the factor in "+a.Op)
	}
}

// perNeuronRead names a parameter of population pd (type t) that x reads
// and whose value differs between neurons: its value (the population's
// override, else the type's) reads `i`, draws a random number, or reads
// such a parameter. "" if there is none.
func (c *checker) perNeuronRead(pd *PopulationDecl, t *TypeInfo, x Expr, seen map[string]bool) string {
	found := ""
	WalkExpr(x, func(x Expr) {
		if found != "" {
			return
		}
		switch x := x.(type) {
		case *CallExpr:
			if x.Fun != nil && (x.Fun.Name == "uniform" || x.Fun.Name == "normal" || x.Fun.Name == "rand" || x.Fun.Name == "bernoulli") && c.prog.Funcs[x.Fun.Name] == nil {
				found = "?"
			}
		case *Ident:
			s := c.prog.Uses[x]
			switch {
			case s == nil:
			case s.Kind == IndexSym:
				found = "?"
			case s.Kind == ParamSym && !seen[s.Name]:
				seen[s.Name] = true
				var val Expr
				if vd, ok := s.Decl.(*VarDecl); ok {
					val = vd.Value
				}
				for _, o := range pd.Overrides {
					if o != nil && o.Name != nil && o.Name.Name == s.Name {
						val = o.Value
					}
				}
				if val != nil && c.perNeuronRead(pd, t, val, seen) != "" {
					found = s.Name
				}
			}
		}
	})
	return found
}
