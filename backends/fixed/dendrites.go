package fixed

import (
	"fmt"
	"slices"

	"github.com/snnc/snnc/engine"
	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/ir/iir"
	"github.com/snnc/snnc/runtime"
)

// xdend is a segment dendrite of a population (iir.Dendrite): the float
// interpreter's rt.Segments, whose counts and permanences are
// integers already, wired with the same streams and the same presynaptic
// space, so the fixed-point run activates the same segments as the float
// one; its handler is the integer kernel.
type xdend struct {
	*rt.Segments
	d     *iir.Dendrite
	p     *xpop
	projs []*xproj
	off   map[string]int // presynaptic space: each source's first cell
	srcs  []string       // sources, sorted by name (as the interpreter lays them out)
	npre  int
	learn *ldend // a dendrite that learns (dendrite_learn.go)
}

// newDendrites makes the population's segment dendrites; the streams are
// the interpreter's (one per population and dendrite).
func (p *xpop) newDendrites(s *sim) error {
	for _, d := range p.m.Dendrites {
		st := rt.NewStream(s.seed, rt.Hash("dendrite", p.nm, d.Name))
		segs, err := rt.NewSegments(d.Name, d.Src.Settings, p.n, func(int) *rt.Stream { return st })
		if err != nil {
			return err
		}
		p.dends = append(p.dends, &xdend{Segments: segs, d: d, p: p, off: map[string]int{}})
	}
	return nil
}

// dendrite is the population's segment dendrite of that name (nil: none).
func (p *xpop) dendrite(name string) *xdend {
	for _, d := range p.dends {
		if d.d.Name == name {
			return d
		}
	}
	return nil
}

// finish lays out the presynaptic space (the projections' sources sorted
// by name, each once), builds the candidate pools from the projections'
// connectivity and wires the segments.
func (d *xdend) finish() {
	size := map[string]int{}
	for _, pr := range d.projs {
		if _, ok := size[pr.pre.name()]; !ok {
			d.srcs = append(d.srcs, pr.pre.name())
			size[pr.pre.name()] = pr.pre.size()
		}
	}
	slices.Sort(d.srcs)
	for _, nm := range d.srcs {
		d.off[nm] = d.npre
		d.npre += size[nm]
	}
	if d.d.Learn != nil {
		d.learn = newLdend(d.d, d.p.n, d.npre, d.p.s.seed)
		d.edges(func(c int32, j int) { d.learn.pool[j*d.npre+int(c)] = true })
		return
	}
	d.Connect(d.npre, false, d.edges)
}

// edges visits every (presynaptic cell, neuron) pair of the projections
// onto the dendrite.
func (d *xdend) edges(visit func(c int32, j int)) {
	for _, pr := range d.projs {
		off := d.off[pr.pre.name()]
		for _, x := range append([]*xproj{pr}, pr.parts...) {
			for i := 0; i < pr.pre.size(); i++ {
				_, targets := x.ownRow(i)
				for _, j := range targets {
					visit(int32(off+i), int(j))
				}
			}
		}
	}
}

// mark makes the spikes due now of a projection onto the dendrite active
// cells of this step.
func (pr *xproj) mark() {
	for _, i := range pr.pre.fired() {
		pr.ring.Push(pr.delay, i)
	}
	off := pr.dend.off[pr.pre.name()]
	for _, i := range pr.ring.Current() {
		if pr.dend.learn != nil {
			pr.dend.learn.spike(int32(off) + i)
		} else {
			pr.dend.Spike(int32(off) + i)
		}
	}
	pr.ring.Advance()
}

// endDendrites runs at the end of the step: each dendrite takes the cells
// marked this step as its active ones and the handler runs on every
// neuron with an active segment, in index order.
func (p *xpop) endDendrites(n int) {
	for _, d := range p.dends {
		var predicted []int32
		if d.learn != nil {
			predicted = d.learn.endStep(n, p.spikes)
		} else {
			predicted = d.EndStep(n, p.spikes)
		}
		if d.d.Kernel == nil {
			continue
		}
		for _, j := range predicted {
			p.scalar(d.d.Kernel, int(j), 0)
		}
	}
}

// trace lays the dendrite out for a hardware backend.
func (d *xdend) trace() *iir.TraceDendrite {
	td := &iir.TraceDendrite{Dendrite: d.d, NPre: d.npre, Ptr: make([]int64, 1, d.p.n+1)}
	for _, pr := range d.projs {
		td.Srcs = append(td.Srcs, iir.TraceDendSrc{Proj: pr.name, Pre: pr.pre.name(), Off: d.off[pr.pre.name()], Delay: pr.delay})
	}
	if d.learn != nil {
		td.Pool = d.learn.pool
		for range d.p.n {
			td.Ptr = append(td.Ptr, 0)
		}
		return td
	}
	for j := 0; j < d.p.n; j++ {
		d.Wiring(j, func(pre []int32, _ []uint16) {
			td.Pre = append(td.Pre, pre...)
			for k := range pre {
				td.End = append(td.End, k == len(pre)-1)
			}
		})
		td.Ptr = append(td.Ptr, int64(len(td.Pre)))
	}
	return td
}

// toDendrite makes the projection (and its merged parts) candidate cells
// of a segment dendrite: connectivity for the pools, a delay, no weights.
func (pr *xproj) toDendrite(s *sim, ip *ir.Projection, d *xdend) error {
	pr.dend = d
	if err := pr.connect(s, ip); err != nil {
		return err
	}
	pr.storage = "pool" // the dendrite's candidate pools hold the connectivity
	for _, m := range ip.Merged {
		part := &xproj{name: m.Name, pre: pr.pre, post: pr.post, port: -1}
		if err := part.connect(s, m); err != nil {
			return fmt.Errorf("merged %s: %w", m.Name, err)
		}
		pr.parts = append(pr.parts, part)
		pr.nsyn += part.nsyn
	}
	if ip.Delay != nil {
		x, ok := ir.ConstValue(ip.Delay)
		if !ok {
			return fmt.Errorf("per-synapse random delays are not supported yet; use a constant delay")
		}
		pr.delay = engine.Steps(x, s.dt)
	}
	pr.ring = rt.NewDelayRing(pr.delay)
	d.projs = append(d.projs, pr)
	return nil
}
