package gosim

import (
	"fmt"
	"math"

	"github.com/snnc/snnc/ir"
)

// A phase of the run: at the start of its step (before anything else of
// that step, so a state sample at that time sees the new values) each set
// changes a variable of every neuron of a population.
type phase struct {
	step int
	sets []phaseSet
}

type phaseSet struct {
	vals  []float64 // the population's (member's) slice of the variable
	op    string
	value float64
}

func (s *sim) buildPhases(p *ir.Program, popOf map[*ir.Population]*part) error {
	for _, ph := range p.Phases {
		out := &phase{step: int(math.Round(ph.At / s.dt))}
		for _, st := range ph.Sets {
			pt := popOf[st.Pop]
			if pt == nil {
				continue
			}
			value, ok := phaseValue(st.Value)
			if !ok {
				return fmt.Errorf("phase %s: the value of %s.%s is not a constant: %s", ph.Name, st.Pop.Name, st.Var.Name, ir.ExprString(st.Value))
			}
			vals := pt.vals(st.Var)
			if vals == nil {
				return fmt.Errorf("phase %s: %s has no storage for %s", ph.Name, st.Pop.Name, st.Var.Name)
			}
			out.sets = append(out.sets, phaseSet{vals: vals, op: st.Op, value: value})
		}
		s.phases = append(s.phases, out)
	}
	return nil
}

// phaseValue is the number a phase assigns (booleans are stored as 0 and 1).
func phaseValue(e ir.Expr) (float64, bool) {
	switch c := e.(type) {
	case *ir.Const:
		return c.V, true
	case *ir.BoolConst:
		if c.V {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}

// applyPhases runs the phases that start at the current step.
func (s *sim) applyPhases() {
	for _, ph := range s.phases {
		if ph.step != s.n {
			continue
		}
		for _, st := range ph.sets {
			for i := range st.vals {
				switch st.op {
				case "=":
					st.vals[i] = st.value
				case "+=":
					st.vals[i] += st.value
				case "-=":
					st.vals[i] -= st.value
				case "*=":
					st.vals[i] *= st.value
				case "/=":
					st.vals[i] /= st.value
				}
			}
		}
	}
}
