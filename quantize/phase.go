package quantize

import (
	"math"

	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/ir/iir"
)

// phases lowers the run's phases: `Pop.var = c` becomes an iir.Set on the
// population's model (c quantized to var's format, like an initial value).
// Synapse state and the other operators are refused: `*=` and `/=` would
// need a rounding rule of their own, and the integer synapse state is the
// STDP rule's formats, not a model's variables.
func (l *lowerer) phases() {
	for _, ph := range l.p.Phases {
		step := int(math.Round(ph.At / l.out.Dt))
		for _, s := range ph.Sets {
			switch {
			case s.Proj != nil:
				l.errorf(s.Pos, "phase %s sets synapse state %s.%s, which cannot be expressed on %s yet: a phase sets neuron state there", ph.Name, s.Proj.Name, s.Var.Name, l.prof.Name)
				continue
			case s.Op != "=":
				l.errorf(s.Pos, "phase %s: %s.%s %s ... cannot be expressed on %s yet: a phase assigns constants there (=)", ph.Name, s.Pop.Name, s.Var.Name, s.Op, l.prof.Name).Hint =
					"write the value the variable should take: " + s.Pop.Name + "." + s.Var.Name + " = ..."
				continue
			}
			m := l.byPop[s.Pop]
			if m == nil {
				continue // the population did not lower, reported
			}
			var x *iir.Var
			for _, v := range m.Vars {
				if v.Src == s.Var && v.Kind == iir.StateVar {
					x = v
				}
			}
			c, ok := ir.ConstValue(s.Value)
			if x == nil || !ok {
				l.errorf(s.Pos, "phase %s: %s.%s has no integer state on %s (it was folded or removed)", ph.Name, s.Pop.Name, s.Var.Name, l.prof.Name)
				continue
			}
			n := iir.RoundHalfAway((c - x.Offset) / x.Scale)
			if n < x.Lo || n > x.Hi {
				l.errorf(s.Pos, "phase %s: %s.%s = %s is outside its format on %s (%s to %s)", ph.Name, s.Pop.Name, s.Var.Name,
					iir.SIString(c, x.Dim), l.prof.Name, iir.SIString(x.SI(x.Lo), x.Dim), iir.SIString(x.SI(x.Hi), x.Dim))
				continue
			}
			m.Sets = append(m.Sets, &iir.Set{Phase: ph.Name, Step: step, Var: x, Value: n})
		}
	}
}
