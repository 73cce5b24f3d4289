package gosim

import (
	"fmt"

	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/plan"
)

// A phase of the run: at the start of its step (before anything else of
// that step, so a state sample at that time sees the new values) each set
// changes a variable of every neuron of a population; sets on the synapses
// (per-pre, per-post elements) of a projection apply in the same step after
// the clock-driven synapse update, with lazy traces first brought up to the
// step's time, so the new value holds from then on.
type phase struct {
	step int
	sets []phaseSet
}

type phaseSet struct {
	vals    []float64 // the population's (member's) slice of the variable, or the synapses'
	op      string
	value   float64
	synapse bool  // synapse state: applied after the step's clock-driven synapse update
	lazy    *proj // set: bring the projection's lazy traces up to now first
}

func (s *sim) buildPhases(p *ir.Program, popOf map[*ir.Population]*part) error {
	for _, ph := range p.Phases {
		out := &phase{step: plan.Steps(ph.At, s.dt)}
		for _, st := range ph.Sets {
			value, ok := plan.PhaseValue(st.Value)
			if !ok {
				return fmt.Errorf("phase %s: the value of %s.%s is not a constant: %s", ph.Name, st.Target(), st.Var.Name, ir.ExprString(st.Value))
			}
			set := phaseSet{op: st.Op, value: value, synapse: st.Proj != nil}
			if st.Proj != nil {
				for _, pr := range s.projs {
					if pr.name == st.Proj.Name {
						set.vals = pr.vals[st.Var]
						if st.Var.Lazy {
							set.lazy = pr
						}
					}
				}
			} else if pt := popOf[st.Pop]; pt != nil {
				set.vals = pt.vals(st.Var)
			}
			if set.vals == nil {
				return fmt.Errorf("phase %s: %s has no storage for %s", ph.Name, st.Target(), st.Var.Name)
			}
			out.sets = append(out.sets, set)
		}
		s.phases = append(s.phases, out)
	}
	return nil
}

// applyPhases runs the sets of the phases that start at the current step:
// on neuron state (synapse false) at the start of the step, on synapse
// state (synapse true) after the step's clock-driven synapse update, where
// synaptic events see the state at the step's time.
func (s *sim) applyPhases(synapse bool) {
	for _, ph := range s.phases {
		if ph.step != s.n {
			continue
		}
		for _, st := range ph.sets {
			if st.synapse != synapse {
				continue
			}
			if st.lazy != nil {
				st.lazy.catchUp(s)
			}
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
