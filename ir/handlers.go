package ir

import (
	"fmt"
	"sort"
)

// SplitHandler divides a synapse handler into the statements on per-side
// state (per-pre for on_pre, per-post for on_post: run once per spike) and
// the rest (run per synapse). A per-side statement moves before the synapse
// loop when no earlier per-synapse statement reads what it writes, else
// after the loop when no later one does (a triplet rule reads its traces,
// then bumps them); otherwise the handler cannot be split. Every backend
// uses this one analysis, so they run the same statements in the same order.
func SplitHandler(ss []Stmt, side Storage) (before, each, after []Stmt, err error) {
	var afterLoop, per []Stmt
	isSide := func(st Stmt) bool {
		all := true
		n := 0
		WalkStmts([]Stmt{st}, func(x Stmt) {
			switch x := x.(type) {
			case *Assign:
				n++
				all = all && x.Var.Storage == side
			case *Deliver:
				all = false
			}
		})
		return n > 0 && all
	}
	reads := func(list []Stmt, vars map[*Var]bool) bool {
		found := false
		StmtExprs(list, func(e Expr) {
			Walk(e, func(x Expr) bool {
				if r, ok := x.(*Ref); ok && r.Side == Own && vars[r.Var] {
					found = true
				}
				return !found
			})
		})
		return found
	}
	for k, st := range ss {
		if !isSide(st) {
			per = append(per, st)
			continue
		}
		written := map[*Var]bool{}
		WalkStmts([]Stmt{st}, func(x Stmt) {
			if a, ok := x.(*Assign); ok {
				written[a.Var] = true
			}
		})
		var earlier, later []Stmt
		for _, o := range ss[:k] {
			if !isSide(o) {
				earlier = append(earlier, o)
			}
		}
		for _, o := range ss[k+1:] {
			if !isSide(o) {
				later = append(later, o)
			}
		}
		switch {
		case !reads(earlier, written):
			before = append(before, st)
		case !reads(later, written):
			afterLoop = append(afterLoop, st)
		default:
			return nil, nil, nil, fmt.Errorf("a statement on per-neuron state sits between per-synapse statements that read it; reorder the handler")
		}
	}
	return before, per, afterLoop, nil
}

// WrittenVars lists the numeric state a synapse model's handlers assign, in
// a fixed order (on pre, on post, then the modulator handlers by name): the
// variables every backend checks for NaN and Inf after each event.
func WrittenVars(m *Model) []*Var {
	lists := [][]Stmt{m.OnPre, m.OnPost}
	names := make([]string, 0, len(m.OnMod))
	for name := range m.OnMod {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		lists = append(lists, m.OnMod[name])
	}
	var out []*Var
	seen := map[*Var]bool{}
	for _, ss := range lists {
		WalkStmts(ss, func(st Stmt) {
			if a, ok := st.(*Assign); ok && !a.Var.Bool && !seen[a.Var] {
				seen[a.Var] = true
				out = append(out, a.Var)
			}
		})
	}
	return out
}
