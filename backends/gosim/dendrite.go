package gosim

import (
	"fmt"
	"slices"

	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/plan"
	"github.com/snnc/snnc/runtime"
)

// Dendrites: segment dendrites (HTM active dendrites: binary pattern
// detectors that learn permanences) and continuous dendrites (a
// nonlinearity of each segment's weighted input, combined over segments).
//
// Timing. Dendrites run at the end of a step, after spikes are delivered
// and neurons reset, and what they compute acts during the next step:
//
//   - segment dendrite, at the end of step n: (1) learning, with the
//     segments' activity computed at the end of step n-1 (from the
//     presynaptic cells active at step n-1) and the neurons that fired at
//     step n; (2) the presynaptic cells whose spikes arrived at step n
//     (after the projection's delay) become the active cells; (3) every
//     segment's activity is computed from them and `on dendrite NAME
//     active` runs once for each neuron with at least one active segment.
//     A neuron predicted by step n's pattern is depolarized during step
//     n+1, and if it fires then, it reinforces the segment towards the
//     cells of step n: HTM's "previous time step".
//   - continuous dendrite, at the end of step n: each segment's input
//     becomes input·exp(-dt/tau) + the weights of the spikes that arrived
//     at step n (without tau: only those weights); the output,
//     combine(activation(input)) over segments, is what the neuron's
//     equations read during step n+1. At t = 0 every input is 0.
//
// The segment dendrite itself (storage, learning, activity) is
// rt.Segments, which the binaries of snnc build share; segDendrite
// connects it to the interpreter's populations and projections.

// dendrite is what the step loop calls at the end of each step.
type dendrite interface {
	endStep(s *sim)
}

// ---------------------------------------------------------------- segments

// segDendrite is a segment dendrite of one pop (all its neurons).
type segDendrite struct {
	*rt.Segments
	name string
	p    *pop

	// presynaptic space: the sources of the projections onto the dendrite,
	// one after the other (a source projecting twice appears once)
	srcOff   map[string]int
	srcNames []string // sorted; srcOff gives each one's first index
	npre     int
	projs    []*proj

	handler *loopExec // `on dendrite NAME active` (the plan's loop), or nil
	x       lanes
	streams []*rt.Stream // per member population
}

func newSegDendrite(s *sim, p *pop, d *ir.Dendrite, handler *loopExec) (*segDendrite, error) {
	sd := &segDendrite{name: d.Name, p: p, handler: handler, srcOff: map[string]int{}}
	for _, mb := range p.members {
		sd.streams = append(sd.streams, rt.NewStream(s.seed, rt.Hash("dendrite", mb.name, d.Name)))
	}
	segs, err := rt.NewSegments(d.Name, d.Settings, p.n, sd.rng)
	if err != nil {
		return nil, err
	}
	sd.Segments = segs
	return sd, nil
}

// rng is the stream of the member population neuron j belongs to (so that
// fusing populations changes no draw).
func (d *segDendrite) rng(j int) *rt.Stream {
	for k, mb := range d.p.members {
		if j >= mb.off && j < mb.off+mb.n {
			return d.streams[k]
		}
	}
	return d.streams[0]
}

// addProj registers a projection onto the dendrite.
func (d *segDendrite) addProj(pr *proj) { d.projs = append(d.projs, pr) }

// finish lays out the presynaptic space (sources sorted by name, so that a
// neuron sees its cells in the same order whether or not its population
// runs fused with others), builds the candidate pools and, without
// learning, the segments.
func (d *segDendrite) finish() {
	var names []string
	size := map[string]int{}
	for _, pr := range d.projs {
		if _, ok := size[pr.pre.name()]; !ok {
			names = append(names, pr.pre.name())
			size[pr.pre.name()] = pr.pre.size()
		}
	}
	slices.Sort(names)
	for _, nm := range names {
		d.srcOff[nm] = d.npre
		d.srcNames = append(d.srcNames, nm)
		d.npre += size[nm]
	}
	for _, pr := range d.projs {
		pr.dendOff = d.srcOff[pr.pre.name()]
	}
	// every neuron sees every presynaptic cell when the only sources are
	// dense (all_to_all) projections onto the whole population
	all := len(d.projs) > 0
	for _, pr := range d.projs {
		if pr.all == nil || pr.post.off != 0 || pr.post.n != d.p.n {
			all = false
		}
	}
	d.Connect(d.npre, all, func(visit func(c int32, j int)) {
		for _, pr := range d.projs {
			for i := 0; i < pr.pre.size(); i++ {
				_, targets := pr.ownRow(i)
				for _, j := range targets {
					visit(int32(pr.dendOff+i), int(j)+pr.post.off)
				}
			}
		}
	})
	// the pools hold the connectivity now: the projections' own copies
	// are not needed (spikes reach the dendrite by presynaptic index)
	for _, pr := range d.projs {
		pr.csr, pr.storage = nil, "pool"
	}
}

// spike marks presynaptic cell c (a global index) active in this step.
func (d *segDendrite) spike(c int32) { d.Spike(c) }

// endStep learns, takes this step's cells as the active ones and runs the
// handler of each neuron with an active segment, in index order.
func (d *segDendrite) endStep(s *sim) {
	predicted := d.EndStep(s.n, d.p.spikes)
	if d.handler == nil {
		return
	}
	d.handler.start(s.n, s.t) // (its t is the next step's: s.t + dt)
	for _, j := range predicted {
		d.handler.elem(int(j), 0, &d.x)
	}
}

// ------------------------------------------------------------- continuous

// contDendrite is a continuous dendrite of one pop: the plan's
// ContDendrite, its output loop run by the interpreter.
type contDendrite struct {
	name   string
	p      *pop
	nseg   int
	decay  float64   // per step; 0: the input holds one step's spikes only
	in     []float64 // segment-major: segment k of neuron j at k·n + j
	output *loopExec // out = combine(activation(input)) of each neuron
	nsyn   int64
}

func newContDendrite(s *sim, p *pop, pd *plan.ContDendrite) (*contDendrite, error) {
	cd := &contDendrite{p: p, nseg: pd.Segments, decay: pd.Decay, in: p.la.f64[pd.In]}
	var err error
	if cd.output, err = compileLoop(pd.Output, p.la, false); err != nil {
		return nil, err
	}
	cd.output.prepare(1)
	cd.run(s.n, s.t)
	return cd, nil
}

// addProj assigns the projection's synapses to segments: within the
// projection, the synapses onto one neuron, in presynaptic order, are dealt
// round-robin to segments 0, 1, ..., S-1 (dense storage: synapse i -> i mod S).
func (cd *contDendrite) addProj(pr *proj) {
	cd.nsyn += pr.nsyn
	for _, part := range append([]*proj{pr}, pr.parts...) {
		if part.all != nil || cd.nseg == 1 {
			continue
		}
		cnt := make([]int32, part.post.n)
		part.segOf = make([]uint16, part.nsyn)
		for i := 0; i < part.pre.size(); i++ {
			first, targets := part.ownRow(i)
			for k, j := range targets {
				part.segOf[first+int64(k)] = uint16(int(cnt[j]) % cd.nseg)
				cnt[j]++
			}
		}
	}
}

// deliver adds the weights of presynaptic neuron i's synapses to their
// segments' inputs.
func (cd *contDendrite) deliver(pr *proj, i int) {
	S := cd.nseg
	deliverPart := func(part *proj) {
		first, targets := part.ownRow(i)
		off := part.post.off
		for k, j := range targets {
			syn := first + int64(k)
			seg := 0
			switch {
			case S == 1:
			case part.all != nil:
				seg = i % S
			default:
				seg = int(part.segOf[syn])
			}
			w := pr.weight
			if pr.weights.Set() {
				w = pr.weights.At(int64(syn))
			}
			cd.in[seg*cd.p.n+int(j)+off] += w
		}
	}
	deliverPart(pr)
	for _, part := range pr.parts {
		deliverPart(part)
	}
}

func (cd *contDendrite) endStep(s *sim) {
	cd.run(s.n, s.t+s.dt)
	if cd.decay == 0 {
		clear(cd.in)
		return
	}
	for k := range cd.in {
		cd.in[k] *= cd.decay
	}
}

// run computes every neuron's output from the current inputs at time t.
func (cd *contDendrite) run(n int, t float64) {
	cd.output.start(n, t)
	cd.output.runRange(0, 0, cd.p.n, nil)
}

func (cd *contDendrite) bytes() int64 { return int64(len(cd.in)) * 8 }

// ------------------------------------------------------------- inspection

// Segment is one segment of a segment dendrite, for tests and reports.
type Segment struct {
	Neuron int       // index in its population
	Source []string  // per synapse: the presynaptic population or input
	Pre    []int32   // per synapse: the presynaptic neuron, index in Source
	Perm   []float64 // per synapse: the permanence, in [0, 1]
}

// source is the name of the source presynaptic cell c belongs to.
func (d *segDendrite) source(c int32) string {
	k, found := slices.BinarySearchFunc(d.srcNames, int(c), func(nm string, c int) int { return d.srcOff[nm] - c })
	if !found {
		k--
	}
	return d.srcNames[k]
}

// DendriteStats counts what a segment dendrite did during a run.
type DendriteStats struct {
	Segments, Synapses                         int64 // alive at the end
	Created, Evicted, GrownSynapses, Destroyed int64
}

// Segments returns the segments of dendrite name of population pop at the
// end of the run, by neuron and then in creation order.
func (r *Result) Segments(pop, name string) ([]Segment, DendriteStats, error) {
	for _, d := range r.segDends {
		for _, mb := range d.p.members {
			if mb.name != pop || d.name != name {
				continue
			}
			var out []Segment
			st := DendriteStats{Created: d.Created, Evicted: d.Evicted, GrownSynapses: d.Grown, Destroyed: d.Destroyed}
			for j := mb.off; j < mb.off+mb.n; j++ {
				d.EachSegment(j, func(pre []int32, perm []uint16) {
					sg := Segment{Neuron: j - mb.off}
					for k, c := range pre {
						src := d.source(c)
						sg.Source = append(sg.Source, src)
						sg.Pre = append(sg.Pre, c-int32(d.srcOff[src]))
						sg.Perm = append(sg.Perm, float64(perm[k])/rt.PermOne)
					}
					out = append(out, sg)
					st.Segments++
					st.Synapses += int64(len(pre))
				})
			}
			return out, st, nil
		}
	}
	return nil, DendriteStats{}, fmt.Errorf("no segment dendrite %s in population %s", name, pop)
}

// summaries reports every dendrite per IR population.
func (s *sim) dendriteSummaries() []rt.DendriteSummary {
	var out []rt.DendriteSummary
	for _, p := range s.pops {
		for _, name := range p.dendOrder {
			for _, mb := range p.members {
				ds := rt.DendriteSummary{Population: mb.name, Name: name}
				if d, ok := p.segDends[name]; ok {
					ds = d.Summary(mb.name, mb.off, mb.off+mb.n)
				} else if d, ok := p.contDends[name]; ok {
					ds.Kind = "continuous"
					ds.Segments = int64(mb.n * d.nseg)
					ds.Synapses = d.nsyn
					ds.Bytes = float64(d.bytes()) * float64(mb.n) / float64(p.n)
				}
				out = append(out, ds)
			}
		}
	}
	return out
}

// dendProj is what a projection onto a dendrite holds.
type dendProj struct {
	seg     *segDendrite
	cont    *contDendrite
	idle    bool     // onto a continuous dendrite nothing reads: not simulated
	dendOff int      // segment dendrite: first index of pre in the dendrite's presynaptic space
	segOf   []uint16 // continuous dendrite (csr): the segment of each synapse
}
