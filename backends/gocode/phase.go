package gocode

import (
	"fmt"
	"math"

	"github.com/snnc/snnc/ir"
)

// phases writes the run's phases at the start of (*sim).step, before state
// is recorded, as gosim applies them: at step round(At/dt) each set changes
// a variable of every neuron of its population.
func (g *gen) phases() error {
	b := &g.step
	for _, ph := range g.p.Phases {
		if len(ph.Sets) == 0 {
			continue
		}
		b.line("if s.n == %d { // phase %s", int(math.Round(ph.At/g.p.Schedule.Dt)), comment(ph.Name))
		for _, st := range ph.Sets {
			pt := g.partOf(st.Pop)
			if pt == nil {
				continue
			}
			var value float64
			switch c := st.Value.(type) {
			case *ir.Const:
				value = c.V
			case *ir.BoolConst:
				if c.V {
					value = 1
				}
			default:
				return fmt.Errorf("phase %s: the value of %s.%s is not a constant: %s", ph.Name, st.Pop.Name, st.Var.Name, ir.ExprString(st.Value))
			}
			v := pt.pop.byName[st.Var.Name] // fused members have their own *ir.Var
			field, ok := pt.pop.field[v]
			if !ok {
				return fmt.Errorf("phase %s: %s has no storage for %s", ph.Name, st.Pop.Name, st.Var.Name)
			}
			b.line("for i := %d; i < %d; i++ { // %s.%s", pt.off, pt.off+pt.n, comment(st.Pop.Name), comment(st.Var.Name))
			b.line("s.%s[i] %s %s", field, st.Op, g.litStr(value))
			b.line("}")
		}
		b.line("}")
	}
	return nil
}
