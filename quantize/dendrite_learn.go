package quantize

import (
	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/ir/iir"
	"github.com/snnc/snnc/runtime"
)

// maxDendriteSlots bounds a learning dendrite's storage: the integer form
// reserves every slot (neurons × segments × synapses) as a circuit would.
const maxDendriteSlots = 1 << 24

// learnable reports whether a learning dendrite has the integer form of
// iir.DendLearn, with a positioned error when it has not.
func (l *lowerer) learnable(d *ir.Dendrite) bool {
	if setting(d, "permanence.predicted_decrement", 0) != 0 {
		l.errorf(d.Pos, "dendrite %s punishes the matching segments of cells that did not fire (permanence.predicted_decrement), which cannot be expressed on %s yet", d.Name, l.prof.Name).Hint =
			"drop predicted_decrement (HTM's default is 0), or run it in float64"
		return false
	}
	size := 0
	for _, pop := range l.p.Pops {
		if pop.Model != nil {
			for _, x := range pop.Model.Dendrites {
				if x == d {
					size = max(size, pop.Size)
				}
			}
		}
	}
	seg, syn := setting(d, "segments", 1), setting(d, "synapses", 1)
	if slots := float64(size) * seg * syn; slots > maxDendriteSlots {
		l.errorf(d.Pos, "dendrite %s learns with %g segments of %g synapses per neuron: %g slots for %d neurons, more than the %d the integer form reserves on %s", d.Name, seg, syn, slots, size, maxDendriteSlots, l.prof.Name).Hint =
			"fewer segments or synapses per segment (every slot is reserved, as in a circuit), or run it in float64"
		return false
	}
	return true
}

// learning is the integer form of a dendrite's learning settings (the
// float interpreter's defaults: rt.NewSegments).
func (g *gen) learning(d *ir.Dendrite) *iir.DendLearn {
	theta := setting(d, "threshold", 1)
	x := &iir.DendLearn{
		MinThreshold: int(setting(d, "min_threshold", theta)),
		MaxNew:       int(setting(d, "max_new_synapses", setting(d, "synapses", 1))),
		Increment:    int64(rt.PermQ(setting(d, "permanence.increment", 0.1))),
		Decrement:    int64(rt.PermQ(setting(d, "permanence.decrement", 0.1))),
		Site:         g.l.draws,
	}
	g.l.draws++
	return x
}
