// Package iir is snnc's integer IR: numeric profiles (data, not code
// paths), and programs in which every operation has an explicit width,
// rounding and overflow, with the arithmetic that defines each operation,
// a printer and a verifier. It is a value passed along the pipeline:
//
//	optimised IR ──quantize.Lower(profile)──▶ integer IR (iir.Program)
//	                                            ├──▶ backends/fixed: bit-accurate Go simulator
//	                                            └──▶ backends/verilog: RTL, memory images, testbench
//
// # The integer IR
//
// A Program holds one Model per population. A model is a word of state per
// neuron (Vars, each with its own width, signedness and SI scale) and four
// kinds of kernel, each a straight-line list of Ops (an SSA DAG in
// evaluation order, no loops, no memory beyond the neuron's own Vars):
//
//	Update     once per neuron per step; a Load reads the value the step
//	           started with unless a Store to that variable came before it
//	           in the same kernel (exact rows load everything first)
//	Threshold  once per neuron per step, after Update; Out is the spike bit
//	           (it includes "not refractory" when the model has a counter)
//	Port NAME  once per synaptic event on that port; OpWeight is the
//	           event's integer weight
//	Reset      once per spiking neuron, after the step's synaptic events
//
// Every Op has an explicit result width and signedness (set by range
// analysis: the narrowest that holds the op's proven interval, recorded in
// Range), and the only ops that can lose information say how: OpShr has a
// Rounding, OpResize an Overflow (wrap, saturate to [Lo, Hi], or proved:
// range analysis showed the value always fits, so no hardware is needed;
// the simulator treats a proved resize as a truncation to Width bits, which
// cannot change the value).
//
// Arithmetic (arith.go) is on int64 and exact up to the widths given:
// OpShr rounds trunc (toward zero), floor (arithmetic shift), nearest
// ((x + 2^(n−1)) >> n: ties toward +∞) or stochastic ((x + r) >> n, r the
// low n bits of the neuron's LFSR after one Galois step with the profile's
// taps; the state shifted up when n exceeds its width); OpShiftDecay is
// x − max(x >> n, 1 if x > 0 and MinStep).
//
// One network step, in the float interpreter's order (backends/gosim):
//
//  1. record state (the values the step starts with);
//  2. clear the input variables that current inputs drive (Cleared) and add
//     each current input's integer amplitude while it is on;
//  3. decrement every nonzero refractory counter; a neuron is refractory
//     this step while its counter is > 0 (OpRefractory); OpRefract in a
//     reset sets the counter to Imm (the period in steps), so the neuron
//     is held for the next Imm − 1 steps;
//  4. Update every population; a Store with Hold is skipped for a
//     refractory neuron;
//  5. Threshold every population (spikes in ascending neuron order);
//  6. spike inputs produce this step's spikes;
//  7. every projection, in program order, pushes its sources' spikes into
//     its delay ring and delivers those due now: source by source in ring
//     order, targets in connectivity row order, then the rows of the
//     projections merged into it; each event runs the port kernel with the
//     projection's integer weight (its mantissa << Shift; with an input
//     accumulator — Loihi — the mantissa, and the port's exponent Exp is
//     applied in the update). With saturation the order matters, so it is
//     part of the semantics; a projection with an STDP rule (Proj.Plastic,
//     plastic.go) first decays its traces, and its events run the rule's
//     kernels, which give the port kernel its weight; after every
//     projection, the STDP rules' postsynaptic updates, in program order;
//  8. Reset the neurons that spiked;
//  9. segment dendrites (Model.Dendrites, dendrite.go): the cells whose
//     spikes arrived this step become active, and each dendrite's handler
//     kernel runs on the neurons with an active segment; record spikes.
//
// Initial values are the float interpreter's (the same random streams),
// quantized to each Var: round((x − Offset)/Scale) (ties away from zero),
// saturated to [Lo, Hi]. A neuron's LFSR starts at the next value of the
// stream rt.NewStream(seed, Hash("lfsr", population)) masked to the
// LFSR's width (0 becomes 1), neuron by neuron. The connectivity and the
// random weights are drawn as the float interpreter draws them; a weight is
// quantized to round(w/Unit) (ties away from zero), clipped to the
// mantissa range, shifted left by the projection's Shift.
package iir
