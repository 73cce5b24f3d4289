package quantize

import (
	"fmt"

	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/ir/iir"
)

// stdpGate resolves a rule's gate post.NAME (w = clip(w + NAME·trace, ..))
// to the postsynaptic model's integer variable. The integer form selects
// the updated or the old W, which is the product only when the gate holds
// 0 or 1: its initial value and every assignment to it in the neuron (reset,
// ports) must be the constant 0 or 1, and no equation may change it.
func (l *lowerer) stdpGate(prj *ir.Projection, sh *stdpShape) *iir.Var {
	refuse := func(why string) *iir.Var {
		l.errorf(sh.gatePos, "plastic synapse %s (projection %s) cannot be expressed on %s: its updates are gated by post.%s, which %s",
			prj.Synapse.Type, prj.Name, l.prof.Name, sh.gate, why).Hint = "an integer gate is a 0/1 learning switch: set it with `" + sh.gate + " = 0` or `= 1` in a port or the reset"
		return nil
	}
	pm := prj.Post.Model
	var src *ir.Var
	for _, v := range pm.Vars {
		if v.Name == sh.gate {
			src = v
		}
	}
	if src == nil || src.Kind != ir.State {
		return refuse("is not a state variable of " + pm.Type)
	}
	flag := func(e ir.Expr) bool {
		c, ok := ir.ConstValue(e)
		return ok && (c == 0 || c == 1)
	}
	if src.Init != nil && !flag(src.Init) {
		return refuse("does not start at 0 or 1")
	}
	for _, o := range pm.ODEs {
		if o.Var == src {
			return refuse("has an equation")
		}
	}
	bodies := [][]ir.Stmt{pm.Reset}
	for _, pt := range pm.Ports {
		bodies = append(bodies, pt.Body)
	}
	for _, ss := range pm.OnActive {
		bodies = append(bodies, ss)
	}
	why := ""
	for _, ss := range bodies {
		ir.WalkStmts(ss, func(s ir.Stmt) {
			if a, ok := s.(*ir.Assign); ok && a.Var == src && (a.Op != "=" || !flag(a.Value)) && why == "" {
				why = fmt.Sprintf("is assigned something other than 0 or 1 (%s %s ...)", a.Var.Name, a.Op)
			}
		})
	}
	if why != "" {
		return refuse(why)
	}
	qm := l.byPop[prj.Post]
	if qm == nil {
		return nil // the population did not lower, reported
	}
	for _, v := range qm.Vars {
		if v.Src == src && v.Kind == iir.StateVar {
			return v
		}
	}
	return refuse("has no storage in the integer model")
}
