package gocode

import (
	"fmt"

	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/plan"
)

// phases writes the run's phases as gosim applies them: at step
// round(At/dt), the sets on neuron state at the start of (*sim).step, before
// state is recorded (into g.step), the sets on synapse state after the
// clock-driven synapse update (into g.synPhases, which stepBody places).
func (g *gen) phases() error {
	for _, synapse := range []bool{false, true} {
		if err := g.phaseSets(synapse); err != nil {
			return err
		}
	}
	return nil
}

func (g *gen) phaseSets(synapse bool) error {
	b := &g.step
	if synapse {
		b = &g.synPhases
	}
	for _, ph := range g.p.Phases {
		n := 0
		for _, st := range ph.Sets {
			if (st.Proj != nil) == synapse {
				n++
			}
		}
		if n == 0 {
			continue
		}
		b.line("if s.n == %d { // phase %s", plan.Steps(ph.At, g.p.Schedule.Dt), comment(ph.Name))
		for _, st := range ph.Sets {
			if (st.Proj != nil) != synapse {
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
				return fmt.Errorf("phase %s: the value of %s.%s is not a constant: %s", ph.Name, st.Target(), st.Var.Name, ir.ExprString(st.Value))
			}
			if st.Proj != nil {
				var pr *projGen
				for _, p := range g.projs {
					if p.ip == st.Proj {
						pr = p
					}
				}
				field, ok := "", false
				if pr != nil {
					field, ok = pr.field[st.Var]
				}
				if !ok {
					return fmt.Errorf("phase %s: %s has no storage for %s", ph.Name, st.Target(), st.Var.Name)
				}
				if st.Var.Lazy {
					b.line("s.catchUp%d()", pr.k)
				}
				b.line("for i := range s.%s { // %s.%s", field, comment(st.Proj.Name), comment(st.Var.Name))
				b.line("s.%s[i] %s %s", field, st.Op, g.litStr(value))
				b.line("}")
				continue
			}
			pt := g.partOf(st.Pop)
			if pt == nil {
				continue
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
