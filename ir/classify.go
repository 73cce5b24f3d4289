package ir

// classify decides, for each state variable of a synapse model, where it is
// stored and whether it can be integrated lazily:
//
//   - per-pre: written only in on_pre, from itself, constants and other
//     per-pre variables, with an ODE that reads only those — a trace that
//     depends on presynaptic spikes alone, stored once per presynaptic
//     neuron (NESTML's co-generation does this by hand);
//   - per-post: the same with on_post;
//   - per-synapse: everything else.
//
// A variable with an ODE is lazy when its equation is linear, reads only
// lazy variables (and constants), and no clock-driven equation reads it: it
// is then only needed at events and can be advanced there exactly over the
// elapsed time (Brian2 asks the user to mark this `(event-driven)`). So is
// an integral (Var.Integral): w' a polynomial of lazy traces that decay
// alone, read by no equation.
//
// normalized, if not nil, is rescaled per postsynaptic neuron by the
// projection's `normalize`, so it is written per synapse outside the
// handlers and stays per-synapse.
//
// synDelays: the projection's synapses have their own delays, so on_pre runs
// per synapse at its own arrival and nothing is stored per-pre.
func classify(m *Model, normalized *Var, synDelays bool) {
	if m.Kind != SynapseModel {
		return
	}
	ode := map[*Var]*ODE{}
	for _, o := range m.ODEs {
		ode[o.Var] = o
	}
	writers := map[*Var]map[string]bool{}
	note := func(kernel string, ss []Stmt) {
		WalkStmts(ss, func(s Stmt) {
			if a, ok := s.(*Assign); ok && a.Var != nil {
				if writers[a.Var] == nil {
					writers[a.Var] = map[string]bool{}
				}
				writers[a.Var][kernel] = true
			}
		})
	}
	if normalized != nil {
		writers[normalized] = map[string]bool{"normalize": true}
	}
	note("pre", m.OnPre)
	note("post", m.OnPost)
	for k, ss := range m.OnMod {
		note("mod "+k, ss)
	}
	for _, side := range []struct {
		kernel  string
		stmts   []Stmt
		storage Storage
	}{{"pre", m.OnPre, PerPre}, {"post", m.OnPost, PerPost}} {
		cand := map[*Var]bool{}
		for _, v := range m.Vars {
			if synDelays && side.storage == PerPre {
				break
			}
			w := writers[v]
			// written by this side's handler only — or by no handler, with an
			// equation (BCM's theta follows the postsynaptic rate y)
			sideOnly := len(w) == 1 && w[side.kernel]
			noWriter := len(w) == 0 && ode[v] != nil && v.Storage == PerSynapse
			if v.Kind == State && (sideOnly || noWriter) && deterministic(v.Init) {
				cand[v] = true
			}
		}
		// drop candidates that read anything but candidates and constants
		for changed := true; changed; {
			changed = false
			for v := range cand {
				ok := onlyReads(ode[v], cand) && assignsOnlyFrom(side.stmts, v, cand)
				if !ok {
					delete(cand, v)
					changed = true
				}
			}
			// and candidates that the equation of another variable reads:
			// the two integrate as one system, which needs one storage
			for _, o := range m.ODEs {
				if cand[o.Var] {
					continue
				}
				readsVia(o.Rhs, map[*Var]bool{}, func(v *Var) {
					if cand[v] {
						delete(cand, v)
						changed = true
					}
				})
			}
		}
		for v := range cand {
			v.Storage = side.storage
		}
	}
	// lazy: equations that read only lazy variables, read by no clock-driven
	// one; linear, or integrals of traces (below)
	lazy := map[*Var]bool{}
	for v := range ode {
		lazy[v] = v != normalized // rescaling reads every synapse's current value
	}
	integral := map[*Var]bool{}
	for changed := true; changed; {
		changed = false
		for v := range lazy {
			if !onlyReads(ode[v], lazy) {
				delete(lazy, v)
				changed = true
			}
		}
		// only linear equations have an exact solution over any interval,
		// and integrals of exponentially decaying traces
		var xs []*Var
		var rhs []Expr
		for _, o := range m.ODEs {
			if lazy[o.Var] && !integral[o.Var] {
				xs, rhs = append(xs, o.Var), append(rhs, o.Rhs)
			}
		}
		if _, bad, ok := Linearize(xs, rhs); !ok {
			for i, r := range rhs {
				if !contains(r, bad) {
					continue
				}
				if integralOf(xs[i], ode, lazy, integral) {
					integral[xs[i]] = true
				} else {
					delete(lazy, xs[i])
				}
				changed = true
			}
		}
		for v := range integral {
			if !lazy[v] || !integralOf(v, ode, lazy, integral) {
				delete(integral, v)
				delete(lazy, v)
				changed = true
			}
		}
		for _, o := range m.ODEs {
			Walk(o.Rhs, func(e Expr) bool {
				r, ok := e.(*Ref)
				if !ok || r.Side != Own || !lazy[r.Var] {
					return true
				}
				// an integral is read by no equation; the rest by lazy ones only
				if !lazy[o.Var] || integral[r.Var] && r.Var != o.Var {
					delete(lazy, r.Var)
					changed = true
				}
				return true
			})
		}
	}
	for _, v := range m.Vars {
		v.Lazy, v.Integral = lazy[v], integral[v]
	}
}

// integralOf: w' is a polynomial, with constant coefficients, of lazy traces
// stored as w is whose equations are x' = a·x alone (no other variable, no
// constant term). Between events each monomial is then a decaying
// exponential, Π x_k(0)·exp(Σ a_k·s), and w advances in closed form
// (Izhikevich 2007's w' = c·d: eligibility times dopamine).
func integralOf(w *Var, ode map[*Var]*ODE, lazy, integral map[*Var]bool) bool {
	var traces []*Var
	for v := range lazy {
		if v != w && !integral[v] && v.Storage == w.Storage && decaysAlone(v, ode[v]) {
			traces = append(traces, v)
		}
	}
	_, _, ok := Polynomial(traces, ode[w].Rhs)
	return ok
}

// decaysAlone: x' = a·x with a constant a.
func decaysAlone(x *Var, o *ODE) bool {
	l, _, ok := Linearize([]*Var{x}, []Expr{o.Rhs})
	return ok && len(l.Inputs) == 0 && l.C[0] == 0
}

// readsVia calls f for each variable of the own side that e reads, also
// through named expressions.
func readsVia(e Expr, seen map[*Var]bool, f func(*Var)) {
	Walk(e, func(e Expr) bool {
		if r, ok := e.(*Ref); ok && r.Side == Own {
			f(r.Var)
			if r.Var.Kind == Alias && !seen[r.Var] {
				seen[r.Var] = true
				readsVia(r.Var.Value, seen, f)
			}
		}
		return true
	})
}

// onlyReads: the ODE (if any) reads only variables in set (own side), no
// time and no random draws.
func onlyReads(o *ODE, set map[*Var]bool) bool {
	if o == nil {
		return true
	}
	return readsOnly(o.Rhs, set)
}

func readsOnly(e Expr, set map[*Var]bool) bool {
	ok := true
	Walk(e, func(e Expr) bool {
		switch x := e.(type) {
		case *Ref:
			// parameters are constants of the model
			if x.Side != Own || (!set[x.Var] && x.Var.Kind != Param) {
				ok = false
			}
		case *Time, *WeightRef, *InputRef, *Index:
			ok = false
		case *Call:
			if IsRandom(x.Fn) {
				ok = false
			}
		}
		return ok
	})
	return ok
}

// assignsOnlyFrom: every assignment to v in ss (and the conditions around
// it) reads only variables in set.
func assignsOnlyFrom(ss []Stmt, v *Var, set map[*Var]bool) bool {
	ok := true
	var visit func(ss []Stmt, conds []Expr)
	visit = func(ss []Stmt, conds []Expr) {
		for _, s := range ss {
			switch s := s.(type) {
			case *Assign:
				if s.Var != v {
					continue
				}
				if !readsOnly(s.Value, set) {
					ok = false
				}
				for _, c := range conds {
					if !readsOnly(c, set) {
						ok = false
					}
				}
			case *If:
				cs := append(append([]Expr{}, conds...), s.Cond)
				visit(s.Then, cs)
				visit(s.Else, cs)
			}
		}
	}
	visit(ss, nil)
	return ok
}

func deterministic(e Expr) bool {
	ok := true
	Walk(e, func(e Expr) bool {
		if c, isCall := e.(*Call); isCall && IsRandom(c.Fn) {
			ok = false
		}
		return ok
	})
	return ok
}

func contains(e, sub Expr) bool {
	found := false
	Walk(e, func(x Expr) bool {
		found = found || x == sub
		return !found
	})
	return found
}
