package quantize

import (
	"fmt"
	"math"

	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/ir/iir"
	"github.com/snnc/snnc/runtime"
)

// Segment dendrites (HTM active dendrites) are integer by nature: a
// segment counts its active connected synapses and compares the count
// with a whole-number threshold, and permanences are 16-bit fixed point
// already in the float interpreter (rt.Segments). A dendrite that
// does not learn is lowered as it is (iir.Dendrite): its wiring is drawn
// before the first step as the float interpreter draws it, and its
// `on dendrite NAME active` handler becomes a kernel. A dendrite that
// learns gets the integer form of iir.DendLearn (dendrite_learn.go).

// dendritesRefused reports the dendrites of m the profile cannot express.
func (l *lowerer) dendritesRefused(m *ir.Model) bool {
	ok := true
	for _, d := range m.Dendrites {
		switch {
		case l.prof.Structure == "compartment":
			l.errorf(d.Pos, "dendrite %s cannot be expressed on %s: the chip's compartments have no dendrites", d.Name, l.prof.Name).Hint =
				"q16 (or a general profile) runs segment dendrites, learning or not"
		case d.Continuous:
			l.errorf(d.Pos, "continuous dendrite %s cannot be expressed on %s yet: its activation is a float nonlinearity", d.Name, l.prof.Name).Hint =
				"segment dendrites have an integer form; run this model in float64"
		case setting(d, "learning", 1) != 0 && !l.learnable(d):
		default:
			continue
		}
		ok = false
	}
	return ok
}

// setting is a dendrite setting or its default (rt.NewSegments').
func setting(d *ir.Dendrite, key string, def float64) float64 {
	if v, ok := d.Settings[key]; ok {
		return v
	}
	return def
}

// dendrites lowers the segment dendrites of a model and their handlers.
func (g *gen) dendrites() bool {
	ok := true
	for _, d := range g.src.Dendrites {
		x := &iir.Dendrite{Name: d.Name, Src: d,
			Segments:  int(setting(d, "segments", 1)),
			Synapses:  int(setting(d, "synapses", 1)),
			Threshold: int(setting(d, "threshold", 1)),
			Initial:   int64(rt.PermQ(setting(d, "permanence.initial", 0.21))),
			Connected: int64(rt.PermQ(setting(d, "permanence.connected", 0.5))),
		}
		if setting(d, "learning", 1) != 0 {
			x.Learn = g.learning(d)
		}
		if body := g.src.OnActive[d.Name]; len(body) > 0 {
			g.begin("dendrite " + d.Name)
			if err := g.block(body); err != nil {
				ok = false
				continue
			}
			x.Kernel = g.b.k
		}
		if !x.Live() {
			g.l.notef(d.Pos, "dendrite %s: its synapses start at permanence %d/%d, below connected (%d), and do not learn: no segment is ever active",
				d.Name, x.Initial, iir.PermOne, x.Connected)
		}
		if x.Learn != nil {
			g.out.Notes = append(g.out.Notes, fmt.Sprintf("dendrite %s: %d segment(s) per neuron of up to %d synapses, active at %d connected active synapses, matching at %d; permanence %d/%d (connected at %d), learning +%d/−%d, growing up to %d synapses chosen by draw site %d",
				d.Name, x.Segments, x.Synapses, x.Threshold, x.Learn.MinThreshold, x.Initial, iir.PermOne, x.Connected, x.Learn.Increment, x.Learn.Decrement, x.Learn.MaxNew, x.Learn.Site))
		} else {
			g.out.Notes = append(g.out.Notes, fmt.Sprintf("dendrite %s: %d segment(s) per neuron of up to %d synapses, active at %d connected active synapses; permanence %d/%d (connected at %d), wired at the start, no learning",
				d.Name, x.Segments, x.Synapses, x.Threshold, x.Initial, iir.PermOne, x.Connected))
		}
		g.out.Dendrites = append(g.out.Dendrites, x)
	}
	return ok
}

// counterFrac is the format of a variable that an `on dendrite` handler
// changes by constants (a counter of active steps): the coarsest LSB that
// still holds each step exactly, so that it counts as many steps as the
// width allows (for `n += 1`: LSB 1, 32767 steps in 16 bits). ok is false
// when no handler adds a constant to it, or no LSB coarser than f holds
// the constants.
func (g *gen) counterFrac(x *iir.Var, f int) (int, bool) {
	var steps []float64
	for _, body := range g.src.OnActive {
		ir.WalkStmts(body, func(s ir.Stmt) {
			if a, ok := s.(*ir.Assign); ok && a.Var == x.Src && (a.Op == "+=" || a.Op == "-=") {
				if c, ok := ir.ConstValue(a.Value); ok && c != 0 {
					steps = append(steps, c)
				}
			}
		})
	}
	if len(steps) == 0 {
		return f, false
	}
	for fc := -x.Width; fc < f; fc++ {
		exact := true
		for _, c := range steps {
			y := math.Ldexp(c, fc)
			exact = exact && y == math.Trunc(y)
		}
		if exact {
			return fc, true
		}
	}
	return f, false
}

// onDendrite reports whether a projection feeds a segment dendrite of its
// target (it carries no weight: its spikes mark presynaptic cells active).
func onDendrite(prj *ir.Projection) bool {
	for _, d := range prj.Post.Model.Dendrites {
		if d.Name == prj.Port {
			return true
		}
	}
	return false
}
