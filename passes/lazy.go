package passes

import "github.com/snnc/snnc/ir"

// lazy keeps the builder's classification of synaptic state: traces that
// depend on one side's spikes only are stored per neuron (per-pre or
// per-post) and linear state read only at events is advanced exactly at
// the events instead of every step, as is an integral of decaying traces
// (w' = c·d: reward-modulated STDP's weight, in closed form). Switched off (-d lazy=off), every
// synapse variable is stored per synapse and integrated every step: the
// same model, computed the slow way — which is how its tests prove it.
func lazy(ctx *Context) {
	if !ctx.Off {
		return
	}
	for _, m := range ctx.Prog.Synapses {
		for _, v := range m.Vars {
			v.Storage, v.Lazy, v.Integral = ir.PerSynapse, false, false
		}
	}
}
