package verilog

import (
	"fmt"
	"slices"
)

// setPhases are the controller's phases for the run's phases (iir.Set):
// one per population and step, first in the step, as in the simulator.
func (e *emitter) setPhases() []*phase {
	var out []*phase
	for _, n := range e.nodes {
		if n.input || n.size == 0 {
			continue
		}
		var steps []int
		for _, s := range n.pop.Model.Sets {
			if !slices.Contains(steps, s.Step) {
				steps = append(steps, s.Step)
			}
		}
		slices.Sort(steps)
		for _, k := range steps {
			out = append(out, &phase{id: fmt.Sprintf("PH_SET_%s_%d", n.id, k), kind: "SET", pop: n.pop, node: n, step: k})
		}
	}
	return out
}

// ctlSet emits a run phase's assignments: in its step, one neuron per
// clock; in any other, straight to the next phase.
func (e *emitter) ctlSet(ph *phase, next string) {
	b, ind := &e.b, "                "
	n := ph.node
	fmt.Fprintf(b, "%sif (nstep == 32'd%d) begin\n", ind, ph.step)
	for _, s := range n.pop.Model.Sets {
		if s.Step != ph.step {
			continue
		}
		v := s.Var
		u := uint64(s.Value)
		if v.Width < 64 {
			u &= uint64(1)<<uint(v.Width) - 1
		}
		fmt.Fprintf(b, "%s    %s[i[%d:0]] <= %d'h%x; // phase %s: %s\n", ind, e.mems[n.name+"/"+v.Name], clog2(n.size)-1, v.Width, u, s.Phase, v.Name)
	}
	fmt.Fprintf(b, "%s    if (i == %d'd%d) begin\n%s        i <= %d'd0;\n%s        ph <= %s;\n%s    end else\n%s        i <= i + 1'b1;\n%send else\n%s    ph <= %s;\n",
		ind, e.iw, n.size-1, ind, e.iw, ind, next, ind, ind, ind, ind, next)
}
