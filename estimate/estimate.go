// Package estimate computes, from the optimised IR and before anything is
// allocated, the memory a run takes: neuron state, inputs, connectivity as
// the sparsity pass chose to store it, delay rings and recordings. snnc run
// (through gosim) and built binaries (which carry the items as constants)
// compare it with rt.MemoryLimit and refuse a run that cannot fit;
// `snnc check --estimate` prints it.
package estimate

import (
	"fmt"

	"github.com/snnc/snnc/engine"
	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/plan"
	rt "github.com/snnc/snnc/runtime"
)

// Memory lists what a run of p allocates, item by item. Spike recordings
// are left out: their size depends on the rates (snnc run streams them to
// disk).
func Memory(p *ir.Program) []rt.MemItem {
	var items []rt.MemItem
	for _, ip := range p.Pops {
		items = append(items, popItem(ip))
	}
	for _, in := range p.Inputs {
		if b := rt.InputBytes(in.Kind, in.Size, in.Num["active"], in.Num["rate"], p.Schedule.Dt); b > 0 {
			items = append(items, rt.MemItem{Name: fmt.Sprintf("input %s (%d sources)", in.Name, in.Size), Fixed: b})
		}
	}
	for _, ip := range p.Projs {
		items = append(items, projItem(p, ip))
	}
	for _, r := range p.Records {
		if it, ok := recordItem(p, r); ok {
			items = append(items, it)
		}
	}
	return items
}

// vars is the number of values a model keeps per neuron (or per synapse of
// a plastic projection: those with storage s): state, continuous ports and
// dendrite outputs.
func vars(m *ir.Model, s ir.Storage) int {
	n := 0
	for _, v := range m.Vars {
		switch v.Kind {
		case ir.State:
			if m.Kind == ir.NeuronModel || v.Storage == s {
				n++
			}
		case ir.ContinuousPort, ir.DendriteOut:
			n++
		}
	}
	return n
}

// popItem: 8 bytes a value of every neuron, plus its refractory deadline
// and a place in the spike list (4 bytes each); a segment dendrite's
// synapses 12 bytes each (pool index, permanence).
func popItem(ip *ir.Population) rt.MemItem {
	n := float64(ip.Size)
	per := 8*float64(vars(ip.Model, ir.PerSynapse)) + 8
	for _, d := range ip.Model.Dendrites {
		if !d.Continuous {
			per += 12 * d.Settings["segments"] * d.Settings["synapses"]
		}
	}
	return rt.MemItem{Name: fmt.Sprintf("population %s (%d neurons × %.0f B)", ip.Name, ip.Size, per), Fixed: n * per}
}

// Synapses is the expected synapse count of a projection (its merged
// projections not included).
func Synapses(ip *ir.Projection) float64 {
	return rt.EstimateSynapses(ConnSpec(ip.Connector, ip.Pre.Pop != nil && ip.Pre.Pop.Name == ip.Post.Name), geometry(ip.Pre), rt.Geometry{N: ip.Post.Size, Shape: ip.Post.Shape})
}

// ConnSpec is the runtime's connection rule for connector c (samePop:
// pre and post are one population); the Go backends connect with it.
func ConnSpec(c ir.Connector, samePop bool) rt.ConnSpec {
	spec := rt.ConnSpec{Kind: c.Kind, P: c.Num["p"], K: int(c.Num["k"]), Sigma: c.Num["sigma"], File: c.File, ExceptSelf: c.ExceptSelf, SamePop: samePop}
	if c.Kind == "gaussian" && spec.P == 0 {
		spec.P = 1
	}
	spec.Kernel, spec.Input, spec.Stride, spec.Padding, spec.Dilation = c.Ints["kernel"], c.Ints["input"], c.Ints["stride"], c.Ints["padding"], c.Ints["dilation"]
	spec.Groups = int(c.Num["groups"])
	return spec
}

func geometry(n ir.Node) rt.Geometry {
	if n.Pop != nil {
		return rt.Geometry{N: n.Pop.Size, Shape: n.Pop.Shape}
	}
	return rt.Geometry{N: n.Input.Size}
}

// projItem: connectivity as stored (see passes/sparsity.go), static
// weights (4 bytes a synapse when drawn, 8 for a weighted connector's), plastic state, the column index of on_post and the
// delay ring.
func projItem(p *ir.Program, ip *ir.Projection) rt.MemItem {
	npre, npost := float64(ip.Pre.Size()), float64(ip.Post.Size)
	onDendrite := false
	for _, d := range ip.Post.Model.Dendrites {
		onDendrite = onDendrite || d.Name == ip.Port
	}
	total, nsyn := 0.0, 0.0
	for _, q := range append([]*ir.Projection{ip}, ip.Merged...) {
		n := Synapses(q)
		nsyn += n
		_, constWeight := ir.ConstValue(q.Weight)
		constWeight = constWeight && !q.Connector.Weighted()
		switch {
		case q.Storage == "dense":
			total += 4 * npost
		case q.Storage == "procedural" && !onDendrite:
			if q.Synapse != nil {
				total += 8 * (npre + 1) // row pointers numbering the synapses
			}
		case q.Synapse == nil && q.PruneBelow == 0 && !onDendrite:
			per := 2.0 // rt.Rows: uint16 targets up to 65536 neurons
			if npost > 65536 {
				per = 4
			}
			total += per*n + 4*(npre+1)
		default:
			total += 4*n + 8*(npre+1) // rt.CSR
		}
		switch {
		case q.Synapse != nil || constWeight:
		case q.Connector.Weighted():
			total += 8 * n // a weighted connector's products (float64)
		default:
			total += 4 * n // drawn weights (float32: rt.SynWeights)
		}
	}
	if m := ip.Synapse; m != nil {
		total += nsyn * 8 * float64(vars(m, ir.PerSynapse))
		total += npre * 8 * float64(countVars(m, ir.PerPre))
		total += npost * 8 * float64(countVars(m, ir.PerPost))
		for _, v := range m.Vars {
			if v.Kind == ir.State && v.Lazy {
				total += 8 * nsyn // time of the last update
			}
		}
		if len(m.OnPost) > 0 {
			total += 8*(npost+1) + 4*nsyn
		}
	}
	if ip.Delay != nil {
		if d, ok := ir.ConstValue(ip.Delay); ok {
			// a slot a step of delay; at most a step's spikes in flight
			total += 24*float64(engine.Steps(d, p.Schedule.Dt)+1) + 4*npre
		} else {
			// a delay per synapse: a byte each (two beyond 255 steps), and
			// in flight at most every synapse once, 4 bytes each
			total += nsyn
		}
	}
	return rt.MemItem{Name: fmt.Sprintf("projection %s (%s, %.0f synapses)", ip.Name, ip.Storage, nsyn), Fixed: total}
}

func countVars(m *ir.Model, s ir.Storage) int {
	n := 0
	for _, v := range m.Vars {
		if v.Kind == ir.State && v.Storage == s {
			n++
		}
	}
	return n
}

// recordItem: a state recording keeps 8 bytes a neuron and sample, plus
// the sample's time and slice (32 bytes); a weight recording 8 bytes a
// synapse and sample, plus pre, post and index (16 bytes) a synapse.
func recordItem(p *ir.Program, r *ir.Record) (rt.MemItem, bool) {
	dt := p.Schedule.Dt
	switch r.Kind {
	case ir.RecState:
		if r.Pop == nil || r.Var == nil {
			return rt.MemItem{}, false
		}
		n := float64(r.Hi - r.Lo)
		every := max(1, engine.Steps(r.Every, dt))
		return rt.MemItem{Name: fmt.Sprintf("record %s.%s (%d neurons, every %d steps)", r.Pop.Name, r.Var.Name, r.Hi-r.Lo, every),
			Fixed: 16 * n, PerSample: 8*n + 32, Every: every}, true
	case ir.RecWeights:
		if r.Proj == nil {
			return rt.MemItem{}, false
		}
		nsyn := 0.0
		for _, q := range append([]*ir.Projection{r.Proj}, r.Proj.Merged...) {
			nsyn += Synapses(q)
		}
		every := 0
		if r.Every > 0 {
			every = max(1, engine.Steps(r.Every, dt))
		}
		name := "weight"
		if r.Var != nil {
			name = r.Var.Name
		}
		return rt.MemItem{Name: fmt.Sprintf("record %s(%s) (%.0f synapses)", name, r.Proj.Name, nsyn),
			Fixed: 24 * nsyn, PerSample: 8*nsyn + 32, Every: every}, true
	}
	return rt.MemItem{}, false
}

// Steps is the step count of a run of duration d (0: the run's own).
func Steps(p *ir.Program, d float64) int {
	if d <= 0 {
		d = p.Schedule.Duration
	}
	return plan.Steps(d, p.Schedule.Dt)
}

// SpikeNeurons is how many neurons (and input sources) the spike
// recordings of p cover; rt.SpikeWarning turns it into bytes at an
// assumed rate.
func SpikeNeurons(p *ir.Program) int {
	n := 0
	for _, r := range p.Records {
		if r.Kind != ir.RecSpikes {
			continue
		}
		if r.Pop != nil {
			n += r.Pop.Size
		} else if r.Input != nil {
			n += r.Input.Size
		}
	}
	return n
}
