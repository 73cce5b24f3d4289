package lang

import "fmt"

// zeroDivisors reports a division, in an ODE or a named expression of t, by
// something that parameters make zero: `v' = -v / tau_m` with
// `tau_m = 0 ms` used to pass check and fill the state with NaN at the
// first step of the run. With overrides (a population's or projection's
// settings) only a zero that an override causes is reported, at the
// override; with none, the type's defaults are checked, at the division.
func (c *checker) zeroDivisors(t *TypeInfo, overrides []*Setting) {
	over := map[string]*Setting{}
	for _, s := range overrides {
		if sym, ok := t.Scope[s.Name.Name]; ok && sym.Kind == ParamSym && over[s.Name.Name] == nil {
			over[s.Name.Name] = s
		}
	}
	if overrides != nil && len(over) == 0 {
		return
	}
	reported := map[*Setting]bool{} // an override once, for its first division
	c.eachDivision(t, t.Decl.Members, func(scope *TypeInfo, div *BinaryExpr, where string) {
		// names resolve in the compartment, then the neuron; overrides
		// replace the neuron's parameters
		var value func(id *Ident, withOver bool, busy map[string]bool) (float64, bool)
		value = func(id *Ident, withOver bool, busy map[string]bool) (float64, bool) {
			if busy[id.Name] { // a cycle is reported elsewhere
				return 0, false
			}
			busy[id.Name] = true
			defer delete(busy, id.Name)
			eval := func(x Expr) (float64, bool) {
				return constValueWith(x, func(id *Ident) (float64, bool) { return value(id, withOver, busy) })
			}
			for s := scope; s != nil; s = s.Parent {
				sym, ok := s.Scope[id.Name]
				if !ok {
					continue
				}
				if sym.Kind != ParamSym {
					return 0, false
				}
				if o := over[id.Name]; withOver && o != nil && s == t {
					return eval(o.Value)
				}
				if vd, ok := sym.Decl.(*VarDecl); ok {
					return eval(vd.Value)
				}
				return 0, false
			}
			return 0, false
		}
		zero := func(withOver bool) bool {
			v, ok := constValueWith(div.Y, func(id *Ident) (float64, bool) { return value(id, withOver, map[string]bool{}) })
			return ok && v == 0
		}
		if overrides == nil {
			if zero(false) {
				d := c.errorf(div.Y, "division by zero in %s: %s is 0 with the parameters' values", where, divisorName(div.Y))
				d.Hint = "a time constant or other divisor must not be zero; change the parameter's value"
			}
			return
		}
		if zero(false) || !zero(true) {
			return // reported with the type, or not zero here
		}
		for _, s := range overrides {
			if over[s.Name.Name] == s && dependsOn(scope, div.Y, s.Name.Name) {
				if reported[s] {
					return
				}
				reported[s] = true
				c.errorf(s.Value, "%s must not be zero here: %s divides by it", s.Name.Name, where).Hint =
					fmt.Sprintf("the division is at %s", div.Y.Range().Pos)
				return
			}
		}
	})
}

// eachDivision calls f for every division in the ODEs and named
// expressions of members (compartments included), with what it is in.
func (c *checker) eachDivision(t *TypeInfo, members []Member, f func(scope *TypeInfo, div *BinaryExpr, where string)) {
	for _, m := range members {
		switch m := m.(type) {
		case *EquationsBlock:
			for _, it := range m.Items {
				var x Expr
				var where string
				switch it := it.(type) {
				case *ODE:
					x, where = it.Rhs, "the equation of "+it.Var.Name+"'"
				case *Alias:
					x, where = it.Value, "the named expression "+it.Name.Name
				}
				eachUnguardedDivision(x, func(b *BinaryExpr) { f(t, b, where) })
			}
		case *CompartmentBlock:
			if s := t.Scope[m.Name.Name]; s != nil && s.Kind == CompSym && s.Decl == m {
				c.eachDivision(s.Comp, m.Members, f)
			}
		}
	}
}

// eachUnguardedDivision calls f for the divisions of x outside the branches
// of an if-expression: `if tau > 0 then v / tau else 0` may be meant for
// tau = 0.
func eachUnguardedDivision(x Expr, f func(*BinaryExpr)) {
	switch x := x.(type) {
	case *BinaryExpr:
		if x.Op == "/" {
			f(x)
		}
		eachUnguardedDivision(x.X, f)
		eachUnguardedDivision(x.Y, f)
	case *ParenExpr:
		eachUnguardedDivision(x.X, f)
	case *UnaryExpr:
		eachUnguardedDivision(x.X, f)
	case *CallExpr:
		for _, a := range x.Args {
			eachUnguardedDivision(a.Value, f)
		}
	case *IfExpr:
		eachUnguardedDivision(x.Cond, f)
	}
}

// dependsOn tells whether x reads the parameter name, directly or through
// the values of other parameters of scope.
func dependsOn(scope *TypeInfo, x Expr, name string) bool {
	seen := map[string]bool{}
	var walk func(Expr) bool
	walk = func(x Expr) bool {
		found := false
		WalkExpr(x, func(e Expr) {
			id, ok := e.(*Ident)
			if !ok || found || seen[id.Name] {
				return
			}
			seen[id.Name] = true
			if id.Name == name {
				found = true
				return
			}
			for s := scope; s != nil; s = s.Parent {
				if sym, ok := s.Scope[id.Name]; ok {
					if vd, ok := sym.Decl.(*VarDecl); ok && sym.Kind == ParamSym {
						found = walk(vd.Value)
					}
					return
				}
			}
		})
		return found
	}
	return walk(x)
}

// divisorName is how an error names a divisor: its name if it is one.
func divisorName(x Expr) string {
	for {
		p, ok := x.(*ParenExpr)
		if !ok {
			break
		}
		x = p.X
	}
	if id, ok := x.(*Ident); ok {
		return id.Name
	}
	return "the divisor"
}
