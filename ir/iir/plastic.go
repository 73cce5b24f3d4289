package iir

import (
	"github.com/snnc/snnc/ir"
)

// Plastic is a projection's pair-trace (or triplet) STDP rule in integers:
// a per-synapse efficacy W, a trace per presynaptic (Pre) and one per
// postsynaptic neuron (Post), a triplet rule's second traces, and the
// kernels that decay, bump and apply them (the rule shapes, formats and
// the order within a step are described where they are lowered, in
// quantize/stdp.go and quantize/triplet.go).
type Plastic struct {
	Rule string
	W    *Var // per synapse
	Pre  *Var // per presynaptic neuron
	Post *Var // per postsynaptic neuron
	// Pre2 and Post2, when set, are a triplet rule's second traces (Pfister
	// and Gerstner's r2 and o2, quantize/triplet.go): per presynaptic and
	// per postsynaptic neuron, decayed by TickPre/TickPost and bumped by
	// PreOne/PostOne with the first, read by the kernels at the same neuron
	Pre2, Post2 *Var
	// Gate, when set, is a state variable of the postsynaptic model that
	// holds 0 or 1: the weight updates that read it apply only where it
	// is 1 (a learning switch; the kernels load it at the synapse's
	// postsynaptic neuron and never store it)
	Gate    *Var
	WInit   ir.Expr // initial w (may draw per synapse)
	XInit   int64
	YInit   int64
	X2Init  int64 // Pre2's and Post2's initial values
	Y2Init  int64
	Lo, Hi  int64 // W's clip bounds
	Frac    int
	GuardX  int // the traces' extra fractional bits
	GuardY  int
	DecayX  float64 // per step, float
	DecayY  float64
	TickPre *Kernel
	TickPost,
	PreOne, OnPre, PostOne, OnPost *Kernel
	// Mod names the modulator of a modulated rule: each of its spikes runs
	// OnMod on every synapse (on pre and on post then only bump the traces)
	Mod    string
	ModSrc string // the population or input whose spikes those are
	OnMod  *Kernel
	// NormEvery > 0: synaptic scaling (normalize sum(w) = target) every
	// NormEvery steps, at step n with n mod NormEvery = 0, after the
	// modulator: per postsynaptic neuron with S = Σ W > 0, each
	// W ← min(Div(W·NormTarget, S, NormRound), Hi)
	NormEvery  int
	NormTarget int64
	NormRound  Rounding
	Consts     []Quantized
}

// Vars lists the rule's own variables: W, Pre, Post, then Pre2 and Post2
// when set.
func (pl *Plastic) Vars() []*Var {
	vs := []*Var{pl.W, pl.Pre, pl.Post}
	if pl.Pre2 != nil {
		vs = append(vs, pl.Pre2, pl.Post2)
	}
	return vs
}

// Kernels lists the rule's kernels.
func (pl *Plastic) Kernels() []*Kernel {
	ks := []*Kernel{pl.TickPre, pl.TickPost, pl.PreOne, pl.OnPre, pl.PostOne, pl.OnPost}
	if pl.Mod != "" {
		ks = append(ks, pl.OnMod)
	}
	return ks
}
