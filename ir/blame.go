package ir

// BlameOrder returns vars (state variables of m) in the order a check for
// NaN or Inf should scan them: first those whose own right side is not
// affine in the state (a sqrt, a product of variables, a division by one),
// where a NaN or Inf is born from finite values, then the rest, which can
// only inherit one through coupling. The first non-finite variable in this
// order is where the value started: a compartment's variable, not the soma
// variable it leaks into within the same RK4 step. The order within each
// group is kept, so the report is deterministic.
func BlameOrder(m *Model, vars []*Var) []*Var {
	born := map[*Var]bool{}
	for _, sys := range m.Update {
		if sys.Method == Exact {
			continue // linear with constant coefficients
		}
		for _, o := range sys.ODEs {
			if _, _, ok := Linearize(sys.Vars, []Expr{o.Rhs}); !ok {
				born[o.Var] = true
			}
		}
	}
	out := make([]*Var, 0, len(vars))
	for _, v := range vars {
		if born[v] {
			out = append(out, v)
		}
	}
	for _, v := range vars {
		if !born[v] {
			out = append(out, v)
		}
	}
	return out
}
