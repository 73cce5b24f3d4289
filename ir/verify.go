package ir

import (
	"fmt"

	"github.com/snnc/snnc/lang/units"
)

// Verify checks the IR's invariants; tests run it after every pass. It
// returns every violation found:
//   - every variable a kernel reads belongs to its model (or, for a synapse,
//     to the bound pre/post model) and every variable it writes is state of
//     its own model;
//   - dimensions are consistent: recomputed bottom-up, assignments, ODEs
//     (rhs = var/time), thresholds boolean;
//   - projections: ports exist, storage is one the connector allows;
//   - records refer to live variables.
func Verify(p *Program) []error {
	v := &verifier{}
	for _, pop := range p.Pops {
		v.model(pop.Model, nil, nil)
	}
	if len(p.Pops) == 0 {
		for _, m := range p.Neurons {
			v.model(m, nil, nil)
		}
		for _, m := range p.Synapses {
			v.model(m, nil, nil)
		}
	}
	for _, prj := range p.Projs {
		v.projection(prj)
	}
	for _, r := range p.Records {
		v.record(r)
	}
	return v.errs
}

type verifier struct {
	errs []error
}

func (v *verifier) errorf(format string, args ...any) {
	v.errs = append(v.errs, fmt.Errorf(format, args...))
}

func (v *verifier) model(m *Model, pre, post *Model) {
	own := map[*Var]bool{}
	for _, x := range m.Vars {
		own[x] = true
	}
	side := map[Side]map[*Var]bool{Own: own, Pre: vars(pre), Post: vars(post)}
	check := func(where string, e Expr) {
		if e == nil {
			return
		}
		Walk(e, func(e Expr) bool {
			if r, ok := e.(*Ref); ok {
				if r.Side == Own && !own[r.Var] {
					v.errorf("%s: %s reads %s, which is not a variable of the model", m.Name, where, r.Var.Name)
				}
				if r.Side != Own && side[r.Side] != nil && !side[r.Side][r.Var] {
					v.errorf("%s: %s reads %s, not a variable of the bound neuron", m.Name, where, r.Var.Name)
				}
			}
			return true
		})
		v.dims(m.Name+": "+where, e)
	}
	for _, x := range m.Vars {
		if x.Kind == Param {
			check("parameter "+x.Name, x.Value)
		}
		if x.Kind == Alias {
			check("alias "+x.Name, x.Value)
			v.sameDim(m.Name+": alias "+x.Name, x.Value.Dim(), x.Dim)
		}
		if x.Init != nil {
			check("init of "+x.Name, x.Init)
			if !x.Bool {
				v.sameDim(m.Name+": init of "+x.Name, x.Init.Dim(), x.Dim)
			}
		}
	}
	for _, o := range m.ODEs {
		if !own[o.Var] || o.Var.Kind != State {
			v.errorf("%s: ODE for %s, which is not state of the model", m.Name, o.Var.Name)
		}
		check("equation of "+o.Var.Name, o.Rhs)
		v.sameDim(m.Name+": "+o.Var.Name+"'", o.Rhs.Dim(), o.Var.Dim.Div(units.Dim{units.Time: 1}))
		for _, n := range o.Noise {
			check("noise coefficient of "+o.Var.Name, n.Coef)
			v.sameDim(m.Name+": coefficient of "+n.Name+" in "+o.Var.Name+"'", n.Coef.Dim(), o.Var.Dim.Mul(units.Dim{units.Time: -1, units.HalfTime: 1}))
		}
	}
	for _, s := range m.Update {
		for _, x := range s.Vars {
			if !own[x] {
				v.errorf("%s: update system integrates %s, not a variable of the model", m.Name, x.Name)
			}
		}
		if s.Method == Exact && len(s.P) != len(s.Vars) {
			v.errorf("%s: propagator is %d×?, system has %d variables", m.Name, len(s.P), len(s.Vars))
		}
	}
	if m.Threshold != nil {
		check("threshold", m.Threshold)
		if !m.Threshold.IsBool() {
			v.errorf("%s: threshold is not boolean", m.Name)
		}
	}
	kernels := map[string][]Stmt{"reset": m.Reset, "on_pre": m.OnPre, "on_post": m.OnPost}
	for _, p := range m.Ports {
		kernels["port "+p.Name] = p.Body
	}
	for k, ss := range m.OnMod {
		kernels["on_modulator "+k] = ss
	}
	for k, ss := range m.OnActive {
		kernels["on dendrite "+k] = ss
	}
	for name, ss := range kernels {
		WalkStmts(ss, func(s Stmt) {
			if a, ok := s.(*Assign); ok {
				if a.Var == nil || !own[a.Var] || a.Var.Kind != State {
					v.errorf("%s: kernel %s writes %s, which is not its own state", m.Name, name, varName(a.Var))
					return
				}
				if !a.Var.Bool && (a.Op == "=" || a.Op == "+=" || a.Op == "-=") {
					v.sameDim(m.Name+": "+name+": "+a.Var.Name+" "+a.Op, a.Value.Dim(), a.Var.Dim)
				}
			}
		})
		StmtExprs(ss, func(e Expr) { check("kernel "+name, e) })
	}
}

func vars(m *Model) map[*Var]bool {
	if m == nil {
		return nil
	}
	out := map[*Var]bool{}
	for _, x := range m.Vars {
		out[x] = true
	}
	return out
}

// dims recomputes every node's dimension and compares with what it stores.
func (v *verifier) dims(where string, e Expr) {
	Walk(e, func(e Expr) bool {
		switch x := e.(type) {
		case *Binary:
			if x.D != BinaryDim(x.Op, x.X, x.Y) {
				v.errorf("%s: stored dimension of %s is wrong", where, ExprString(x))
			}
			if (x.Op == "+" || x.Op == "-" || isCompare(x.Op)) && !x.X.IsBool() && x.X.Dim() != x.Y.Dim() {
				v.errorf("%s: %s mixes %s and %s", where, ExprString(x), x.X.Dim(), x.Y.Dim())
			}
		case *Call:
			if x.D != CallDim(x.Fn, x.Args) {
				v.errorf("%s: stored dimension of %s is wrong", where, ExprString(x))
			}
		}
		return true
	})
}

func (v *verifier) sameDim(where string, got, want units.Dim) {
	if got != want {
		v.errorf("%s: dimension %s, want %s", where, got, want)
	}
}

var storages = map[string]map[string]bool{
	"procedural": {"bernoulli": true, "fan_out": true, "all_to_all": true, "one_to_one": true, "gaussian": true},
}

func (v *verifier) projection(p *Projection) {
	var port *Port
	for _, pt := range p.Post.Model.Ports {
		if pt.Name == p.Port {
			port = pt
		}
	}
	if port == nil {
		v.errorf("projection %s: %s has no port %s", p.Name, p.Post.Model.Name, p.Port)
		return
	}
	if p.Synapse != nil {
		var pre *Model
		if p.Pre.Pop != nil {
			pre = p.Pre.Pop.Model
		}
		v.model(p.Synapse, pre, p.Post.Model)
		if port.Kind == EventPort && p.Synapse.DeliverDim != port.Weight {
			v.errorf("projection %s: synapse delivers %s into a port taking %s", p.Name, p.Synapse.DeliverDim, port.Weight)
		}
	} else if p.Weight != nil && port.Kind == EventPort && p.Weight.Dim() != port.Weight {
		v.errorf("projection %s: weight %s into a port taking %s", p.Name, p.Weight.Dim(), port.Weight)
	}
	if p.Storage == "procedural" && !storages["procedural"][p.Connector.Kind] {
		v.errorf("projection %s: procedural storage needs connectivity drawn row by row, not %s", p.Name, p.Connector.Kind)
	}
}

func (v *verifier) record(r *Record) {
	switch r.Kind {
	case RecState:
		var m *Model
		if r.Pop != nil {
			m = r.Pop.Model
		} else if r.Proj != nil {
			m = r.Proj.Synapse
		}
		if m == nil || r.Var == nil || !vars(m)[r.Var] {
			v.errorf("record %s: the variable is not in the model", recordString(r))
		}
		if r.Pop != nil && (r.Lo < 0 || r.Hi > r.Pop.Size || r.Lo >= r.Hi) {
			v.errorf("record %s: range outside the population", recordString(r))
		}
	case RecSpikes:
		if r.Pop == nil && r.Input == nil {
			v.errorf("record of spikes without a source")
		} else if r.Hi > 0 && (r.Lo < 0 || r.Lo >= r.Hi || r.Hi > (Node{Pop: r.Pop, Input: r.Input}).Size()) {
			v.errorf("record %s: view outside the source", recordString(r))
		}
	}
}
