package iir

import "github.com/snnc/snnc/ir"

// PermOne is a permanence of 1 in the 16-bit fixed point segment
// dendrites hold permanences in (rt.Segments: 65535 = 1).
const PermOne = 65535

// Dendrite is a segment dendrite (HTM active dendrites, Ahmad & Hawkins
// 2016) in integers. A segment is a list of presynaptic cells, each with a
// 16-bit permanence; it is active in a step when at least Threshold of its
// connected synapses (permanence ≥ Connected) saw a spike arrive in that
// step; Kernel (`on dendrite NAME active`) then runs once on its neuron,
// however many of the neuron's segments are active. Everything is a count
// or a comparison of integers, so the integer form is the float
// interpreter's (rt.Segments) exactly.
//
// A dendrite that does not learn (Learn nil) has its segments wired once,
// before the first step, with the float interpreter's
// draws (like connectivity: Segments segments per neuron, each
// min(Synapses, pool) distinct cells of the neuron's candidate pool, at
// permanence Initial), and the permanences never change, so a synapse is
// connected for the whole run (Initial ≥ Connected) or never.
//
// In a step, after the resets (iir's step 8): the presynaptic cells whose
// spikes arrive in this step (after the projection's delay) become the
// active cells, every segment counts its active connected synapses, and
// Kernel runs on each neuron with an active segment, in ascending neuron
// order; the dendrites of a model in declaration order, the models in
// program order.
type Dendrite struct {
	Name      string
	Src       *ir.Dendrite
	Segments  int   // per neuron
	Synapses  int   // most per segment
	Threshold int   // θ: active connected synapses that make a segment active
	Initial   int64 // permanence of every synapse (PermOne = 1)
	Connected int64 // a synapse is connected when its permanence is at least this
	Kernel    *Kernel
	Learn     *DendLearn // nil: wired at the start, no learning (dendrite_learn.go)
}

// Live reports whether the synapses are connected: without learning the
// permanences stay Initial, so a dendrite whose Initial is below Connected
// never has an active segment.
func (d *Dendrite) Live() bool { return d.Learn != nil || d.Initial >= d.Connected }

func (v *verifier) dendrite(where string, d *Dendrite, ctx *kernelCtx) {
	where += " dendrite " + d.Name
	if d.Segments < 1 || d.Synapses < 1 || d.Synapses > PermOne {
		v.errorf("%s: %d segments of %d synapses", where, d.Segments, d.Synapses)
	}
	if d.Threshold < 1 || d.Threshold > d.Synapses {
		v.errorf("%s: threshold %d outside 1..%d (its synapses)", where, d.Threshold, d.Synapses)
	}
	if d.Initial < 0 || d.Initial > PermOne || d.Connected < 0 || d.Connected > PermOne {
		v.errorf("%s: permanences %d and %d outside 0..%d", where, d.Initial, d.Connected, PermOne)
	}
	if d.Kernel != nil {
		ctx.where = where
		v.kernel(d.Kernel, ctx, false)
	}
}

// TraceDendrite is a segment dendrite laid out for a hardware backend:
// the presynaptic space (the projections onto the dendrite, each source's
// cells from Off) and the wiring: neuron j's synapses are Ptr[j]..Ptr[j+1]
// of Pre (a cell of the presynaptic space), segment after segment, End
// marking each segment's last synapse. Every synapse has permanence
// Dendrite.Initial for the whole run.
type TraceDendrite struct {
	Dendrite *Dendrite
	Srcs     []TraceDendSrc
	NPre     int
	Ptr      []int64
	Pre      []int32
	End      []bool
	// a dendrite that learns (Dendrite.Learn) starts with no synapses:
	// Pool[j·NPre + c] says cell c is a candidate of neuron j, and Final is
	// the state at the end of the run (dendrite_learn.go)
	Pool  []bool
	Final *DendState
}

// TraceDendSrc is a projection onto a dendrite: the spikes of Pre that
// arrive Delay steps after they were fired make cells Off + i active.
type TraceDendSrc struct {
	Proj, Pre string
	Off       int
	Delay     int
}
