package passes

import (
	"github.com/snnc/snnc/ir"
)

// sparsity chooses each projection's connectivity storage:
//   - dense: all_to_all — synapse s of row i is i·N_post + j, no index stored;
//   - procedural: static random connectivity with a constant weight is
//     regenerated from the seed at every spike instead of stored (as GeNN
//     does), costing no memory; so is a plastic projection's, which then
//     stores only its per-synapse state (numbered by row pointers, 8 bytes
//     a presynaptic neuron), not a target index per synapse;
//   - csr: everything else (row pointers and one int32 target per synapse),
//     static projections whose weights are recorded included.
//
// A constant weight is stored once, never per synapse. Switched off, every
// projection is csr.
func sparsity(ctx *Context) {
	for _, p := range ctx.Prog.Projs {
		p.Storage = "csr"
		if ctx.Off {
			continue
		}
		_, constWeight := ir.ConstValue(p.Weight)
		switch {
		case p.Connector.Kind == "all_to_all" && !p.Connector.ExceptSelf && p.PruneBelow == 0:
			p.Storage = "dense"
		case p.PruneBelow > 0:
			// pruning drops synapses as they are built: only csr stores them one by one
		case p.Synapse == nil && weightsRecorded(ctx.Prog, p):
			// recording weights(P) lists its synapses: static procedural
			// rows have no synapse numbers to list them by
		case procedural[p.Connector.Kind] && !ontoDendrite(p) && (p.Synapse != nil || constWeight):
			p.Storage = "procedural"
		}
		ctx.Diags.Notef(p.Pos.Pos, p.Pos.End, "sparsity: %s stored %s", p.Name, p.Storage)
	}

}

func weightsRecorded(prog *ir.Program, p *ir.Projection) bool {
	for _, r := range prog.Records {
		if r.Kind == ir.RecWeights && r.Proj == p {
			return true
		}
	}
	return false
}

// procedural lists the connectors whose rows can be regenerated one at a
// time (fan_in needs whole columns).
var procedural = map[string]bool{"bernoulli": true, "fan_out": true, "one_to_one": true}

// ontoDendrite: dendrites keep their synapses stored (pools, segment numbers).
func ontoDendrite(p *ir.Projection) bool {
	for _, d := range p.Post.Model.Dendrites {
		if d.Name == p.Port {
			return true
		}
	}
	return false
}
