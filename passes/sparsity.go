package passes

import (
	"github.com/snnc/snnc/ir"
)

// sparsity chooses each projection's connectivity storage:
//   - dense: all_to_all — synapse s of row i is i·N_post + j, no index stored;
//   - procedural: static random connectivity with a constant weight is
//     regenerated from the seed at every spike instead of stored (as GeNN
//     does), costing no memory, when the network's regenerable rows are too
//     big to store (the cost model below); so is a plastic projection's,
//     which then stores only its per-synapse state (numbered by row
//     pointers, 8 bytes a presynaptic neuron), not a target index per
//     synapse;
//   - csr: everything else. Static rows are stored compact (rt.Rows:
//     a uint16 target a synapse when the postsynaptic population has at most
//     65536 neurons, else uint32, and a uint32 row pointer a presynaptic
//     neuron); plastic, pruned and dendritic ones as rt.CSR (int32
//     targets, int64 row pointers).
//
// Between csr and procedural for static rows the cost model is: stored rows
// cost 2 bytes a synapse (4 beyond 65536 targets) plus 4 a row for the whole
// run and 2-5 ns an event to deliver in a run; regenerated rows cost no
// memory and 11-23 ns an event (Philox draws; measured, BENCHMARKS.md,
// "Compact stored rows and delivery"). The event count is unknown before
// the run, but both costs grow with the synapse count, so the choice is a
// memory budget: the network's regenerable rows are stored while all of
// them together fit in storeBudget (8 MiB), and all are regenerated
// otherwise. CUBA and COBA at N = 40000 (p = 80/N, 3.2 M
// synapses) take 6.7 MB stored, which keeps CUBA's peak RSS under 30 MB; at
// N = 50000 (4 M synapses, 8.4 MB) or beyond 65536 neurons (4 bytes a
// target) rows are regenerated.
//
// A constant weight is stored once, never per synapse. Switched off, every
// projection is csr.
func sparsity(ctx *Context) {
	total := 0.0
	for _, p := range ctx.Prog.Projs {
		for _, q := range append([]*ir.Projection{p}, p.Merged...) {
			if regenerable(q) {
				total += storedBytes(q)
			}
		}
	}
	for _, p := range ctx.Prog.Projs {
		p.Storage = "csr"
		if ctx.Off {
			continue
		}
		switch {
		case synapseDelays(p):
			// each synapse keeps its own delay, indexed by synapse: stored rows
		case p.Sliced() || slicedMerge(p):
			// a view is connected as a population of its own and the rows
			// are then stored with the whole populations' indices: csr
		case p.Connector.Kind == "all_to_all" && !p.Connector.ExceptSelf && p.PruneBelow == 0:
			p.Storage = "dense"
		case p.PruneBelow > 0:
			// pruning drops synapses as they are built: only csr stores them one by one
		case p.Synapse == nil && weightsRecorded(ctx.Prog, p):
			// recording weights(P) lists its synapses: static procedural
			// rows have no synapse numbers to list them by
		case p.Synapse != nil && procedural[p.Connector.Kind] && !ontoDendrite(p):
			// per-synapse state is stored anyway; regenerating the row
			// costs little next to the handlers run on each synapse
			p.Storage = "procedural"
		case regenerable(p) && total > storeBudget:
			p.Storage = "procedural"
		}
		ctx.Diags.Notef(p.Pos.Pos, p.Pos.End, "sparsity: %s stored %s", p.Name, p.Storage)
	}
}

// slicedMerge: a projection merged with one on a population view.
func slicedMerge(p *ir.Projection) bool {
	for _, m := range p.Merged {
		if m.Sliced() {
			return true
		}
	}
	return false
}

// storeBudget is the memory the network's regenerable rows may take stored.
const storeBudget = 8 << 20

// synapseDelays: a delay drawn per synapse (plan.SynapseDelays).
func synapseDelays(p *ir.Projection) bool {
	if p.Delay == nil {
		return false
	}
	_, ok := ir.ConstValue(p.Delay)
	return !ok
}

// regenerable: static random rows with one weight, which procedural storage
// can regenerate.
func regenerable(p *ir.Projection) bool {
	_, constWeight := ir.ConstValue(p.Weight)
	return !p.Sliced() && p.Synapse == nil && constWeight && !synapseDelays(p) && procedural[p.Connector.Kind] && p.PruneBelow == 0 &&
		!(p.Connector.Kind == "all_to_all" && !p.Connector.ExceptSelf)
}

// storedBytes is the expected size of a static projection's stored rows
// (rt.Rows).
func storedBytes(p *ir.Projection) float64 {
	pre, post := float64(p.Pre.Size()), float64(p.Post.Size)
	syn := 0.0
	switch c := p.Connector; c.Kind {
	case "bernoulli":
		syn = c.Num["p"] * pre * post
	case "fan_out":
		syn = c.Num["k"] * pre
	case "one_to_one":
		syn = pre
	}
	target := 2.0
	if post > 1<<16 {
		target = 4
	}
	return target*syn + 4*(pre+1)
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
