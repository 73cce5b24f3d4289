package gosim

import (
	"fmt"
	"sync/atomic"

	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/plan"
	"github.com/snnc/snnc/runtime"
)

// pop is a population: its state arrays and the plan's loops over them.
type pop struct {
	nm         string
	n          int
	shape      []int
	ir         *ir.Population
	model      *ir.Model
	vals       map[*ir.Var][]float64 // state variables and continuous ports
	ports      map[string][]float64  // continuous port accumulators
	events     map[string]*eventPort
	refUntil   []int32 // refractory while step < refUntil
	la         *loopArrays
	updates    []*loopExec // one loop per system (plan Update phase)
	thresh     *loopExec   // the threshold loop (plan Threshold phase), or nil
	simple     *plan.SimpleThreshold
	simpleVals []float64 // the variable a simple threshold tests (crossings)
	resetL     *loopExec // the reset loop, run for each spiking neuron, or nil
	handlers   []*loopExec
	nonlinear  map[*ir.Var]bool // integrated by RK4/Euler
	nonfinite  atomic.Bool      // an RK4/Euler step wrote a NaN or Inf this step (else the finite check skips their variables)
	members    []member         // the IR populations this one runs (several when fused)
	byVar      map[string][]float64
	lastStep   int  // step of the current spikes (parts filter them once per step)
	fused      bool // update, threshold and reset in one pass (the plan's Pop.Fused)
	fusedDone  bool // this step's threshold and reset already ran
	// the threads share the update, the threshold (the plan's phases)
	parUpdate, parThreshold bool
	lo, hi                  int          // the neurons this rank owns (all of them in one process: ranks.go)
	lif                     *lifRows     // the fused step is CUBA's: one pass a block (lifBlock)
	lifX                    [3][]float64 // its v, g1, g2
	spikes                  []int32
	parts                   [][]int32 // each thread's spikes (fused step, threads > 1)
	spikeCount              int64
	stateVars               []*ir.Var
	checkOrder              []*ir.Var // stateVars as checkFinite scans them (ir.BlameOrder)
	t                       float64
	segDends                map[string]*segDendrite
	contDends               map[string]*contDendrite
	dendOrder               []string
	// probe, if set, is called before and after the update (i -1) and each
	// neuron's reset (UpdateProbe, in tests)
	probe func(kind string, i int, w float64, after bool)
}

// member is one IR population inside a pop: neurons [off, off+n).
type member struct {
	name   string
	off, n int
}

// part is how the rest of the simulation sees one IR population: a range
// of a pop (all of it unless populations were fused).
type part struct {
	p      *pop
	nm     string
	off, n int
	shape  []int
	buf    []int32
	step   int
	count  int64
}

func (v *part) name() string { return v.nm }
func (v *part) size() int    { return v.n }

// fired returns this step's spikes of the part, as part indices.
func (v *part) fired() []int32 {
	all := v.p.spikes
	if v.off == 0 && v.n == v.p.n {
		return all
	}
	if v.step == v.p.lastStep && v.buf != nil {
		return v.buf
	}
	v.step = v.p.lastStep
	v.buf = v.buf[:0]
	for _, i := range all { // ascending: could bisect, spikes are few
		if int(i) >= v.off && int(i) < v.off+v.n {
			v.buf = append(v.buf, i-int32(v.off))
		}
	}
	return v.buf
}

// vals is the part's slice of a variable (found by name: fused members
// have their own *ir.Var of the same name).
func (v *part) vals(x *ir.Var) []float64 {
	b, ok := v.p.byVar[x.Name]
	if !ok {
		return nil
	}
	return b[v.off : v.off+v.n]
}

// RisingKey names a rising threshold's memory among a population's arrays
// (no variable can be named so).
const RisingKey = "threshold rising"

// eventPort is an event input: either a direct `x += weight` or the
// plan's handler loop run for the event's target with its weight.
type eventPort struct {
	direct []float64 // x += weight
	sign   float64
	h      *loopExec
	x      lanes
	probe  func(i int, w float64, after bool) // tests: around each handled event
}

func (e *eventPort) receive(_ *ctx, post int, w float64) {
	if e.direct != nil {
		e.direct[post] += e.sign * w
		return
	}
	if e.probe != nil {
		e.probe(post, w, false)
		defer e.probe(post, w, true)
	}
	e.h.elem(post, w, &e.x)
}

// newPop lays out a population as the plan's Pop pp and makes its loops
// executable.
func newPop(s *sim, ip *ir.Population, pp *plan.Pop) (*pop, error) {
	m := ip.Model
	p := &pop{nm: ip.Name, n: pp.N, hi: pp.N, shape: ip.Shape, ir: ip, model: m, vals: map[*ir.Var][]float64{},
		ports: map[string][]float64{}, events: map[string]*eventPort{}, refUntil: make([]int32, pp.N), byVar: map[string][]float64{}}
	for _, mb := range pp.Members {
		p.members = append(p.members, member{mb.Name, mb.Off, mb.N})
	}
	p.la = &loopArrays{meta: s.plan.Arrays, f64: make([][]float64, len(s.plan.Arrays)), vars: make([]string, len(s.plan.Arrays)), ref: p.refUntil, refArr: -1, seed: s.seed}
	for _, a := range s.plan.Arrays {
		if a.Owner != pp.Name {
			continue
		}
		if a.Kind == plan.Refractory {
			p.la.refArr = a.ID
			continue
		}
		if a.Kind == plan.Scratch || a.Kind == plan.DendriteIn { // a phase's temporary values (wta scores, recorded aliases, input ports' event numbers), a continuous dendrite's inputs
			buf := make([]float64, a.Len)
			p.la.f64[a.ID], p.la.vars[a.ID] = buf, a.Name
			if a.Kind == plan.Scratch && a.Len == p.n {
				p.byVar[a.Name] = buf // by name for probes (input ports' event numbers persist across steps)
			}
			continue
		}
		buf := make([]float64, p.n)
		if a.Kind == plan.RisingPrev { // a rising threshold's memory: no variable
			p.byVar[RisingKey], p.la.f64[a.ID], p.la.vars[a.ID] = buf, buf, RisingKey
			continue
		}
		// state, continuous ports and continuous dendrites' outputs (written
		// at the end of each step, read like a port during the next)
		p.vals[a.Var], p.byVar[a.Var.Name] = buf, buf
		p.la.f64[a.ID], p.la.vars[a.ID] = buf, a.Var.Name
		if a.Kind == plan.NeuronState {
			p.stateVars = append(p.stateVars, a.Var)
		}
	}
	for _, port := range m.Ports {
		if port.Kind == ir.ContPort {
			p.ports[port.Name] = p.vals[port.Var]
		}
	}
	if err := s.initState(pp.Name, p.la, func(e *loopExec) {
		x := &lanes{}
		for i := range e.l.N {
			e.elem(i, 0, x)
		}
	}); err != nil {
		return nil, fmt.Errorf("population %s: %w", pp.Name, err)
	}
	if err := p.dendrites(s, pp); err != nil {
		return nil, err
	}
	p.nonlinear = map[*ir.Var]bool{}
	p.checkOrder = ir.BlameOrder(m, p.stateVars)
	for _, ph := range s.plan.Step {
		if ph.Target != pp.Name {
			continue
		}
		var err error
		switch ph.Kind {
		case plan.Update:
			p.parUpdate = ph.Parallel
			for j, l := range ph.Loops {
				nonlinear := m.Update[j].Method != ir.Exact
				for _, v := range m.Update[j].Vars {
					p.nonlinear[v] = nonlinear
				}
				var e *loopExec
				if e, err = compileLoop(l, p.la, nonlinear); err == nil {
					p.updates = append(p.updates, e)
				}
			}
		case plan.Threshold:
			p.parThreshold = ph.Parallel
			p.thresh, err = compileLoop(ph.Loops[0], p.la, false)
		case plan.Reset:
			p.resetL, err = compileLoop(ph.Loops[0], p.la, false)
		}
		if err != nil {
			return nil, fmt.Errorf("population %s: %w", p.nm, err)
		}
	}
	if pp.Simple != nil {
		p.simple, p.simpleVals = pp.Simple, p.vals[pp.Simple.Var]
	}
	p.fused = pp.Fused
	for _, e := range p.updates {
		p.fused = p.fused && e.block // block by block, each thread its own
	}
	if pp.Kernel == "lifBlock" {
		p.lif, p.lifX = p.lifShape()
	}
	for _, e := range p.updates {
		e.prepare(s.threads)
	}
	return p, nil
}

// eventPort is the handler of port, compiled once for every projection
// onto it (the plan's Proj says how it runs).
func (p *pop) eventPort(pr *plan.Proj) (*eventPort, error) {
	if ep, ok := p.events[pr.Port]; ok {
		return ep, nil
	}
	ep := &eventPort{}
	switch {
	case pr.Direct != nil:
		ep.direct, ep.sign = p.vals[pr.Direct.Var], pr.Direct.Sign
	case pr.Handler != nil:
		h, err := compileLoop(pr.Handler, p.la, false)
		if err != nil {
			return nil, fmt.Errorf("population %s, port %s: %w", p.nm, pr.Port, err)
		}
		ep.h = h
		p.handlers = append(p.handlers, h)
	default:
		return nil, fmt.Errorf("%s has no event port %s", p.nm, pr.Port)
	}
	p.events[pr.Port] = ep
	return ep, nil
}

// lifShape reads CUBA's fused step off the plan's loop: the stores of v,
// g1, g2 run row3 (or row3Held) of (v, g1, g2), then row1 of g1 and of g2,
// and the threshold tests v. Anything else runs loop by loop.
func (p *pop) lifShape() (*lifRows, [3][]float64) {
	var none [3][]float64
	if len(p.updates) != 1 || p.simple == nil || p.n == 0 {
		return nil, none
	}
	e := p.updates[0]
	st := e.stores
	if len(st) != 3 || st[1].name != "row1" || st[2].name != "row1" || st[0].name != "row3" && st[0].name != "row3Held" {
		return nil, none
	}
	arr := func(id int) int {
		if v := e.vals[id]; v.kind == vArr && v.off == 0 {
			return v.slot
		}
		return -1
	}
	v, g1, g2 := st[0].arr, st[1].arr, st[2].arr
	held := st[0].name == "row3Held"
	xs := st[0].leaves
	if held {
		xs = xs[1:]
	}
	if arr(xs[0]) != v || arr(xs[1]) != g1 || arr(xs[2]) != g2 || arr(st[1].leaves[0]) != g1 || arr(st[2].leaves[0]) != g2 ||
		&e.f64[v][0] != &p.simpleVals[0] {
		return nil, none
	}
	k := func(id int) float64 { return e.ops[id].K }
	for _, s := range st {
		for _, id := range s.ks {
			if e.ops[id].Code != plan.Const {
				return nil, none
			}
		}
	}
	kv, k1, k2 := st[0].ks, st[1].ks, st[2].ks
	rows := &lifRows{c0: k(kv[0]), c1: k(kv[1]), c2: k(kv[2]), r: k(kv[3]), d1: k(k1[0]), r1: k(k1[1]), d2: k(k2[0]), r2: k(k2[1]),
		held: held, op: p.simple.Op, thr: p.simple.K}
	return rows, [3][]float64{e.f64[v], e.f64[g1], e.f64[g2]}
}

// dendrites builds the population's segment and continuous dendrites.
func (p *pop) dendrites(s *sim, pp *plan.Pop) error {
	p.segDends, p.contDends = map[string]*segDendrite{}, map[string]*contDendrite{}
	for _, d := range p.model.Dendrites {
		if d.Continuous {
			pd := pp.Continuous[d.Name]
			if pd == nil {
				continue // nothing reads its output (dce removed it)
			}
			cd, err := newContDendrite(s, p, pd)
			if err != nil {
				return fmt.Errorf("population %s, dendrite %s: %w", p.nm, d.Name, err)
			}
			cd.name = d.Name
			p.contDends[d.Name] = cd
			s.dends = append(s.dends, cd)
		} else {
			var h *loopExec
			if l := pp.OnActive[d.Name]; l != nil {
				var err error
				if h, err = compileLoop(l, p.la, false); err != nil {
					return fmt.Errorf("population %s: %w", p.nm, err)
				}
			}
			sd, err := newSegDendrite(s, p, d, h)
			if err != nil {
				return fmt.Errorf("population %s: %w", p.nm, err)
			}
			p.segDends[d.Name] = sd
			s.dends = append(s.dends, sd)
		}
		p.dendOrder = append(p.dendOrder, d.Name)
	}
	return nil
}

// hasDendrite reports whether the model declares a dendrite of that name.
func (p *pop) hasDendrite(name string) bool {
	for _, d := range p.model.Dendrites {
		if d.Name == name {
			return true
		}
	}
	return false
}

// start sets every loop's step and time.
func (p *pop) start(s *sim) {
	for _, e := range p.updates {
		e.start(s.n, s.t)
	}
	for _, e := range []*loopExec{p.thresh, p.resetL} {
		if e != nil {
			e.start(s.n, s.t)
		}
	}
	for _, e := range p.handlers {
		e.start(s.n, s.t)
	}
}

func (p *pop) update(s *sim) {
	p.t = s.t
	p.start(s)
	p.fusedDone = false
	if p.fused {
		p.fusedStep(s)
		return
	}
	if p.probe != nil {
		p.probe("update", -1, 0, false)
		defer p.probe("update", -1, 0, true)
	}
	for _, e := range p.updates {
		if !e.block || s.threads <= 1 || !p.parUpdate {
			if _, bad := e.runRange(0, p.lo, p.hi, nil); bad {
				p.nonfinite.Store(true)
			}
			continue
		}
		s.split(p.lo, p.hi, func(t, lo, hi int) {
			if _, bad := e.runRange(t, lo, hi, nil); bad {
				p.nonfinite.Store(true)
			}
		})
	}
}

// fusedStep integrates, tests and resets one block of neurons at a time,
// while the block is in cache. The fuse pass has checked that the reset
// commutes with the step's synaptic events, so the result is the same as
// three separate passes.
func (p *pop) fusedStep(s *sim) {
	if s.threads <= 1 || !p.parUpdate {
		p.spikes = p.fusedRange(s, 0, p.spikes[:0], p.lo, p.hi)
	} else {
		// each thread integrates and tests its range; the spikes are
		// joined in index order, as one thread finds them
		p.threadParts(s)
		s.split(p.lo, p.hi, func(t, lo, hi int) { p.parts[t] = p.fusedRange(s, t, p.parts[t][:0], lo, hi) })
		p.joinParts(s)
	}
	// resets touch only the spiking neuron's own state, which no other
	// neuron's update reads: after the blocks is the same as within them
	p.fusedDone = false
	p.reset(s)
	p.spikeCount += int64(len(p.spikes))
	p.fusedDone = true
}

// threadParts makes room for each thread's spikes.
func (p *pop) threadParts(s *sim) {
	if len(p.parts) < s.threads {
		p.parts = make([][]int32, s.threads)
	}
}

// joinParts sets the step's spikes to the threads' in thread order: index
// order, as one thread finds them.
func (p *pop) joinParts(s *sim) {
	p.spikes = p.spikes[:0]
	for _, part := range p.parts[:s.threads] {
		p.spikes = append(p.spikes, part...)
	}
}

// fusedRange integrates and tests neurons [lo, hi) on thread t one block
// at a time, while the block is in cache, and appends the spikes to spk.
func (p *pop) fusedRange(s *sim, t int, spk []int32, lo, hi int) []int32 {
	const block = 1024
	for b := lo; b < hi; b += block {
		e := min(b+block, hi)
		if p.lif != nil {
			x := &p.lifX
			spk = lifBlock(spk, p.lif, x[0][b:e], x[1][b:e], x[2][b:e], p.refUntil[b:e], int32(s.n), b)
			continue
		}
		for _, l := range p.updates {
			l.runRange(t, b, e, nil)
		}
		spk = p.crossings(s, spk, b, e)
	}
	return spk
}

// crossings appends the neurons in [lo, hi) a simple threshold finds.
func (p *pop) crossings(s *sim, spk []int32, lo, hi int) []int32 {
	return crossings(spk, p.simple.Op, p.simpleVals[lo:hi], p.refUntil[lo:hi], int32(s.n), p.simple.K, lo)
}

func (p *pop) threshold(s *sim) {
	p.lastStep = s.n
	if p.fusedDone {
		return
	}
	p.spikes = p.spikes[:0]
	switch {
	case p.simple != nil && s.threads > 1 && p.parThreshold:
		p.threadParts(s)
		s.split(p.lo, p.hi, func(t, lo, hi int) { p.parts[t] = p.crossings(s, p.parts[t][:0], lo, hi) })
		p.joinParts(s)
	case p.simple != nil:
		p.spikes = p.crossings(s, p.spikes, p.lo, p.hi)
	case p.thresh != nil:
		p.spikes, _ = p.thresh.runRange(0, p.lo, p.hi, p.spikes)
	}
	p.spikeCount += int64(len(p.spikes))
}

func (p *pop) reset(s *sim) {
	if p.fusedDone || p.resetL == nil && p.probe == nil {
		return
	}
	var x lanes
	for _, i := range p.spikes {
		if p.probe != nil { // tests see every spiking neuron, an empty reset too
			p.probe("reset", int(i), 0, false)
		}
		if p.resetL != nil {
			p.resetL.elem(int(i), 0, &x)
		}
		if p.probe != nil {
			p.probe("reset", int(i), 0, true)
		}
	}
}

// checkFinite stops the run at the first NaN or Inf, naming it. Variables
// integrated by RK4/Euler (where a blow-up starts) are checked every step,
// the rest every 64 steps: an exact propagator of finite values with
// finite inputs stays finite, so they can only inherit a NaN.
func (p *pop) checkFinite(s *sim) error {
	all := s.n%64 == 63 || s.n == s.steps-1
	for _, v := range p.checkOrder {
		if v.Bool || (!all && !p.nonlinear[v]) || (p.nonlinear[v] && !p.nonfinite.Load()) {
			continue
		}
		if i := firstNonFinite(p.vals[v][p.lo:p.hi]); i >= 0 {
			i += p.lo
			every := 0.0
			if !p.nonlinear[v] {
				every = 64 * s.dt
			}
			name, k := p.nm, i
			for _, mb := range p.members { // name the IR population, not the fused group
				if i >= mb.off && i < mb.off+mb.n {
					name, k = mb.name, i-mb.off
				}
			}
			return rt.NonFiniteNeuron(name, k, v.Name, p.vals[v][i], s.t+s.dt, every)
		}
	}
	return nil
}
