package gosim

import (
	"fmt"
	"slices"
	"sync/atomic"

	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/plan"
	"github.com/snnc/snnc/runtime"
)

// pop is a population: state arrays, integrators and kernels.
type pop struct {
	nm       string
	n        int
	shape    []int
	ir       *ir.Population
	model    *ir.Model
	vals     map[*ir.Var][]float64 // state variables and continuous ports
	slots    map[*ir.Var]*[]float64
	ports    map[string][]float64 // continuous port accumulators
	events   map[string]*eventPort
	refUntil []int32 // refractory while step < refUntil
	// rising (`on threshold COND rising`): 1 where COND held at the last
	// threshold (plan.RisingPrev); nil for an ordinary threshold
	rising     []float64
	systems    []integrator
	thresh     vfn
	fast       *fastThreshold
	nonlinear  map[*ir.Var]bool // integrated by RK4/Euler
	nonfinite  atomic.Bool      // an RK4/Euler step wrote a NaN or Inf this step (else the finite check skips their variables)
	refList    []int32          // neurons refractory now (a superset until update prunes it)
	useRefList bool             // an exact system reads refList (else it is not kept)
	members    []member         // the IR populations this one runs (several when fused)
	byVar      map[string][]float64
	lastStep   int  // step of the current spikes (parts filter them once per step)
	fused      bool // update, threshold and reset in one pass (the fuse pass allows it)
	fusedDone  bool // this step's threshold and reset already ran
	resetK     kernel
	lif        *lifRows     // the fused step is CUBA's: one pass a block (lifBlock)
	lifX       [3][]float64 // its v, g1, g2
	spikes     []int32
	parts      [][]int32 // each thread's spikes (fused step, threads > 1)
	spikeCount int64
	stateVars  []*ir.Var
	checkOrder []*ir.Var // stateVars as checkFinite scans them (ir.BlameOrder)
	t          float64
	cx         ctx
	segDends   map[string]*segDendrite
	contDends  map[string]*contDendrite
	dendOrder  []string
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

// eventPort is a compiled event input: either a direct `x += weight` or a
// general kernel run with the weight in the context.
type eventPort struct {
	direct []float64 // x += weight
	sign   float64
	k      kernel
}

func (e *eventPort) receive(c *ctx, post int, w float64) {
	if e.direct != nil {
		e.direct[post] += e.sign * w
		return
	}
	c.i, c.weight = post, w
	e.k(c)
}

func newPop(s *sim, ip *ir.Population) (*pop, error) {
	m := ip.Model
	members := []member{{ip.Name, 0, ip.Size}}
	n := ip.Size
	if ip.Members != nil {
		// a fused group: one loop over every member's neurons
		members, n = nil, 0
		for _, mp := range ip.Members {
			members = append(members, member{mp.Name, mp.Offset, mp.Size})
			n += mp.Size
		}
	}
	p := &pop{nm: ip.Name, n: n, shape: ip.Shape, ir: ip, model: m, vals: map[*ir.Var][]float64{}, slots: map[*ir.Var]*[]float64{},
		ports: map[string][]float64{}, events: map[string]*eventPort{}, refUntil: make([]int32, n), members: members, byVar: map[string][]float64{}}
	for _, v := range m.Vars {
		switch v.Kind {
		case ir.State, ir.ContinuousPort:
			buf := make([]float64, p.n)
			p.vals[v] = buf
			p.slots[v] = &buf
			p.byVar[v.Name] = buf
			if v.Kind == ir.State {
				p.stateVars = append(p.stateVars, v)
			}
		case ir.DendriteOut:
			// a continuous dendrite's output: written at the end of each
			// step, read like a continuous port during the next
			buf := make([]float64, p.n)
			p.vals[v] = buf
			p.slots[v] = &buf
			p.byVar[v.Name] = buf
		}
	}
	for _, port := range m.Ports {
		if port.Kind == ir.ContPort {
			p.ports[port.Name] = p.vals[port.Var]
		}
	}
	cp := &compiler{slot: p.slot}
	sc := &stmtCompiler{compiler: &compiler{slot: p.slot, noRandom: "in a neuron's handler"}, target: p.target, refract: func(c *ctx, d float64) {
		until := int32(s.n + plan.RefractorySteps(d, s.dt))
		if p.useRefList && p.refUntil[c.i] <= int32(s.n) && until > int32(s.n) {
			p.refList = append(p.refList, int32(c.i))
		}
		p.refUntil[c.i] = until
	}}
	if err := p.init(s, cp); err != nil {
		return nil, err
	}
	// ports drop their writes to held variables while refractory
	psc := *sc
	psc.refractory = func(c *ctx) bool { return int32(s.n) < p.refUntil[c.i] }
	for _, port := range m.Ports {
		if port.Kind != ir.EventPort {
			continue
		}
		ep := &eventPort{}
		if v, sign, ok := plan.DirectAddOf(port.Body); ok {
			ep.direct, ep.sign = p.vals[v], sign
		} else {
			k, err := psc.stmts(port.Body)
			if err != nil {
				return nil, fmt.Errorf("population %s, port %s: %w", p.nm, port.Name, err)
			}
			ep.k = k
		}
		p.events[port.Name] = ep
	}
	k, err := sc.stmts(m.Reset)
	if err != nil {
		return nil, fmt.Errorf("population %s, reset: %w", p.nm, err)
	}
	p.resetK = k
	if err := p.dendrites(s, sc); err != nil {
		return nil, err
	}
	vc := &vcompiler{n: p.n, t: &p.t, slot: func(v *ir.Var) *[]float64 { return p.slots[v] }}
	if m.Rising && m.Threshold != nil {
		p.rising = make([]float64, p.n)
		p.byVar[RisingKey] = p.rising
	}
	if v, op, c, ok := plan.SimpleThresholdOf(m.Threshold); ok && !m.Rising {
		p.fast = &fastThreshold{vals: p.vals[v], op: op, c: c}
	} else if m.Threshold != nil {
		node, err := vc.expr(m.Threshold)
		if err != nil {
			return nil, fmt.Errorf("population %s, threshold: %w", p.nm, err)
		}
		p.thresh = vc.vals(node)
	}
	p.nonlinear = map[*ir.Var]bool{}
	p.checkOrder = ir.BlameOrder(m, p.stateVars)
	p.fused = m.Fused && p.fast != nil
	for _, sys := range m.Update {
		if sys.Method != ir.Exact {
			for _, v := range sys.Vars {
				p.nonlinear[v] = true
			}
		}
		in, err := newIntegrator(p, sys, vc, s.dt)
		if err != nil {
			return nil, fmt.Errorf("population %s: %w", p.nm, err)
		}
		if e, ok := in.(*exact); !ok || e.order == nil {
			p.fused = false // only in-place exact rows can run block by block
		} else if e.rowsRef != nil {
			p.useRefList = true
		}
		p.systems = append(p.systems, in)
	}
	if p.fused {
		p.lif, p.lifX = lifShape(p)
	}
	return p, nil
}

// lifShape recognises CUBA's fused step: one exact system of three
// variables updated in place in the order v, g1, g2, where v's row reads
// (v, g1, g2) in that order and each g only itself, and the threshold
// tests v. Anything else runs row by row.
func lifShape(p *pop) (*lifRows, [3][]float64) {
	var none [3][]float64
	if len(p.systems) != 1 || p.n == 0 {
		return nil, none
	}
	e := p.systems[0].(*exact)
	o := e.order
	if len(e.x) != 3 || len(e.u) != 0 || len(o) != 3 || &e.x[o[0]][0] != &p.fast.vals[0] {
		return nil, none
	}
	rv, r1, r2 := e.rows[o[0]], e.rows[o[1]], e.rows[o[2]]
	if !slices.Equal(rv.Xi, o) || !slices.Equal(r1.Xi, o[1:2]) || !slices.Equal(r2.Xi, o[2:3]) ||
		len(rv.Ui)+len(r1.Ui)+len(r2.Ui) != 0 {
		return nil, none
	}
	refr := e.rowsRef != nil
	if refr && (e.sys.Clamped[o[1]] || e.sys.Clamped[o[2]]) {
		return nil, none
	}
	k := &lifRows{c0: rv.Xc[0], c1: rv.Xc[1], c2: rv.Xc[2], r: rv.R, d1: r1.Xc[0], r1: r1.R, d2: r2.Xc[0], r2: r2.R,
		held: refr && e.sys.Clamped[o[0]], op: p.fast.op, thr: p.fast.c}
	return k, [3][]float64{e.x[o[0]], e.x[o[1]], e.x[o[2]]}
}

// dendrites builds the population's segment and continuous dendrites.
func (p *pop) dendrites(s *sim, sc *stmtCompiler) error {
	p.segDends, p.contDends = map[string]*segDendrite{}, map[string]*contDendrite{}
	for _, d := range p.model.Dendrites {
		if d.Continuous {
			out := p.byVar[d.Name]
			if out == nil {
				continue // nothing reads its output (dce removed it)
			}
			cd, err := newContDendrite(s, p, d, out)
			if err != nil {
				return fmt.Errorf("population %s: %w", p.nm, err)
			}
			p.contDends[d.Name] = cd
			s.dends = append(s.dends, cd)
		} else {
			var h kernel
			if body, ok := p.model.OnActive[d.Name]; ok && len(body) > 0 {
				k, err := sc.stmts(body)
				if err != nil {
					return fmt.Errorf("population %s, on dendrite %s active: %w", p.nm, d.Name, err)
				}
				h = k
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

// slot resolves a neuron variable for scalar closures (indexed by c.i).
func (p *pop) slot(r *ir.Ref) ([]float64, func(c *ctx) int, error) {
	if r.Side != ir.Own {
		return nil, nil, fmt.Errorf("%s.%s outside a synapse", sideName(r.Side), r.Var.Name)
	}
	if v, ok := p.vals[r.Var]; ok {
		return v, nil, nil
	}
	if r.Var.Kind == ir.Alias {
		return nil, nil, fmt.Errorf("alias %s must be inlined", r.Var.Name)
	}
	return nil, nil, fmt.Errorf("no storage for %s in %s", r.Var.Name, p.nm)
}

func (p *pop) target(v *ir.Var) (target, error) {
	vals, ok := p.vals[v]
	if !ok {
		return target{}, fmt.Errorf("%s is not state of %s", v.Name, p.nm)
	}
	return target{vals: vals}, nil
}

// init sets initial values, drawing random ones from a stream per variable
// (so removing one variable never shifts another's draws).
func (p *pop) init(s *sim, cp *compiler) error {
	for _, v := range p.stateVars {
		if v.Init == nil {
			continue
		}
		f, err := cp.expr(plan.InlineAliases(v.Init))
		if err != nil {
			return fmt.Errorf("population %s, initial value of %s: %w", p.nm, v.Name, err)
		}
		// each member draws from its own stream, so fusing changes nothing
		vals := p.vals[v]
		for _, mb := range p.members {
			c := &ctx{rng: runtime.NewStream(s.seed, runtime.Hash("init", mb.name, v.Name))}
			for i := mb.off; i < mb.off+mb.n; i++ {
				c.i = i
				vals[i] = f(c)
			}
		}
	}
	return nil
}

func (p *pop) refractory(s *sim, i int) bool { return int32(s.n) < p.refUntil[i] }

func (p *pop) update(s *sim) {
	p.t = s.t
	// drop the neurons whose refractory period is over (a pass of random
	// reads: only when an exact system uses the list)
	live := p.refList[:0]
	for _, i := range p.refList {
		if int32(s.n) < p.refUntil[i] {
			live = append(live, i)
		}
	}
	p.refList = live
	p.fusedDone = false
	if p.fused {
		p.fusedStep(s)
		return
	}
	for _, in := range p.systems {
		in.step(s)
	}
}

// fusedStep integrates, tests and resets one block of neurons at a time,
// while the block is in cache. The fuse pass has checked that the reset
// commutes with the step's synaptic events, so the result is the same as
// three separate passes.
func (p *pop) fusedStep(s *sim) {
	if s.threads <= 1 || p.n < 4096 {
		p.spikes = p.fusedRange(s, p.spikes[:0], 0, p.n)
	} else {
		// each thread integrates and tests its range; the spikes are
		// joined in index order, as one thread finds them
		p.threadParts(s)
		s.team.Split(p.n, func(t, lo, hi int) { p.parts[t] = p.fusedRange(s, p.parts[t][:0], lo, hi) })
		p.joinParts(s)
	}
	// resets touch only the spiking neuron's own state, which no other
	// neuron's update reads: after the blocks is the same as within them
	c := &p.cx
	c.t = s.t
	for _, i := range p.spikes {
		c.i = int(i)
		p.resetK(c)
	}
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

// fusedRange integrates and tests neurons [lo, hi) one block at a time,
// while the block is in cache, and appends the spikes to spk.
func (p *pop) fusedRange(s *sim, spk []int32, lo, hi int) []int32 {
	const block = 1024
	for b := lo; b < hi; b += block {
		e := min(b+block, hi)
		if p.lif != nil {
			x := &p.lifX
			spk = lifBlock(spk, p.lif, x[0][b:e], x[1][b:e], x[2][b:e], p.refUntil[b:e], int32(s.n), b)
		} else {
			for _, in := range p.systems {
				in.(*exact).rowsRange(s, b, e)
			}
			spk = p.fast.findRange(p, s, spk, b, e)
		}
	}
	return spk
}

func (p *pop) threshold(s *sim) {
	p.lastStep = s.n
	if p.fusedDone {
		return
	}
	p.spikes = p.spikes[:0]
	if p.fast != nil {
		if s.threads <= 1 || p.n < 4096 {
			p.fast.find(p, s)
		} else {
			p.threadParts(s)
			s.team.Split(p.n, func(t, lo, hi int) { p.parts[t] = p.fast.findRange(p, s, p.parts[t][:0], lo, hi) })
			p.joinParts(s)
		}
		p.spikeCount += int64(len(p.spikes))
		return
	}
	if p.thresh == nil {
		return
	}
	p.t = s.t
	c := p.thresh(0, p.n)
	for i, v := range c {
		fire := v != 0 && !p.refractory(s, i)
		if p.rising != nil { // only where COND did not hold at the last threshold
			fire = fire && p.rising[i] == 0
			p.rising[i] = 0
			if v != 0 {
				p.rising[i] = 1
			}
		}
		if fire {
			p.spikes = append(p.spikes, int32(i))
		}
	}
	p.spikeCount += int64(len(p.spikes))
}

// fastThreshold is the common `v > constant` (or >=, <, <=) without the
// vector machinery: one pass over the variable.
type fastThreshold struct {
	vals []float64
	op   string
	c    float64
}

func (f *fastThreshold) find(p *pop, s *sim) { p.spikes = f.findRange(p, s, p.spikes, 0, len(f.vals)) }

// findRange appends the neurons in [lo, hi) that cross, in index order.
func (f *fastThreshold) findRange(p *pop, s *sim, spk []int32, lo, hi int) []int32 {
	return crossings(spk, f.op, f.vals[lo:hi], p.refUntil[lo:hi], int32(s.n), f.c, lo)
}

func (p *pop) reset(s *sim) {
	if p.fusedDone {
		return
	}
	c := &p.cx
	c.t = s.t
	for _, i := range p.spikes {
		c.i = int(i)
		p.resetK(c)
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
		if i := firstNonFinite(p.vals[v]); i >= 0 {
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
			return runtime.NonFiniteNeuron(name, k, v.Name, p.vals[v][i], s.t+s.dt, every)
		}
	}
	return nil
}

// ---- integrators ----

type integrator interface{ step(s *sim) }

func newIntegrator(p *pop, sys *ir.System, vc *vcompiler, dt float64) (integrator, error) {
	switch sys.Method {
	case ir.Exact:
		e := &exact{p: p, sys: sys}
		for _, v := range sys.Vars {
			e.x = append(e.x, p.vals[v])
		}
		for k, v := range sys.Inputs {
			if sys.InputSides != nil && sys.InputSides[k] != ir.Own {
				return nil, fmt.Errorf("neuron equations cannot read pre./post. variables")
			}
			vals, ok := p.vals[v]
			if !ok {
				return nil, fmt.Errorf("input %s of the system of %s has no storage", v.Name, sys.Vars[0].Name)
			}
			e.u = append(e.u, vals)
		}
		e.rows = ir.Rows(sys.P, sys.Q, sys.R)
		if sys.PRef != nil {
			e.rowsRef = ir.Rows(sys.PRef, sys.QRef, sys.RRef)
		}
		e.xs = make([]float64, len(sys.Vars))
		e.order = ir.InPlaceOrder(sys)
		return e, nil
	case ir.RK4, ir.Euler:
		return newRK(p, sys, vc, dt)
	}
	return nil, fmt.Errorf("unknown method %s", sys.Method)
}

// exact advances a linear system with its precomputed propagator:
// x <- P·x + Q·u + r (PRef while refractory).
type exact struct {
	p       *pop
	sys     *ir.System
	order   []int     // rows in an order that can be updated in place (nil: cyclic)
	saved   []float64 // clamped values of refractory neurons (whole-population path only)
	x, u    [][]float64
	rows    []ir.Row
	rowsRef []ir.Row
	xs      []float64
}

func (e *exact) step(s *sim) {
	if e.order != nil {
		e.stepRows(s)
		return
	}
	n := e.p.n
	if len(e.x) == 1 && len(e.u) == 0 && e.rowsRef == nil {
		// one decaying variable: the common synaptic trace
		x, r := e.x[0], e.rows[0]
		c, k := 0.0, r.R
		if len(r.Xc) == 1 {
			c = r.Xc[0]
		}
		row1(x, x, c, k)
		return
	}
	for i := 0; i < n; i++ {
		rows := e.rows
		if e.rowsRef != nil && e.p.refractory(s, i) {
			rows = e.rowsRef
		}
		for j, x := range e.x {
			e.xs[j] = x[i]
		}
		for j := range rows {
			rw := &rows[j]
			acc := 0.0
			for k, col := range rw.Xi {
				acc += rw.Xc[k] * e.xs[col]
			}
			for k, col := range rw.Ui {
				acc += rw.Uc[k] * e.u[col][i]
			}
			e.x[j][i] = acc + rw.R
		}
	}
}

// stepRows updates row by row, each a loop over the population; the same
// arithmetic, in the same order per neuron, as the per-neuron loop. Rows of
// one to three terms without inputs, the usual case, get their own loops.
// With several threads the population is cut into ranges: every neuron is
// computed the same way whatever the cut, so results do not depend on it.
func (e *exact) stepRows(s *sim) {
	s.parallel(e.p.n, func(lo, hi int) { e.rowsRange(s, lo, hi) })
}

func (e *exact) rowsRange(s *sim, lo, hi int) {
	ref, n := e.p.refUntil[lo:hi], int32(s.n)
	for _, j := range e.order {
		rw := &e.rows[j]
		out := e.x[j][lo:hi]
		held := e.sys.Clamped[j] && e.rowsRef != nil
		r := rw.R
		if held && len(rw.Ui) == 0 && len(rw.Xi) == 3 {
			// compute every neuron without a branch, then put the clamped
			// values of the (few) refractory neurons back
			a, b, c := e.x[rw.Xi[0]][lo:hi], e.x[rw.Xi[1]][lo:hi], e.x[rw.Xi[2]][lo:hi]
			c0, c1, c2 := rw.Xc[0], rw.Xc[1], rw.Xc[2]
			if hi-lo < e.p.n {
				// a block (fuse, threads): skip its refractory neurons in
				// the loop; the refractory list serves whole populations
				row3Held(out, a, b, c, ref, n, c0, c1, c2, r)
				continue
			}
			// the whole population: compute every neuron without a branch,
			// then put back the clamped values of the few refractory ones
			saved := e.saved[:0]
			for _, i := range e.p.refList {
				saved = append(saved, out[i])
			}
			row3(out, a, b, c, c0, c1, c2, r)
			for k, i := range e.p.refList {
				out[i] = saved[k]
			}
			e.saved = saved
			continue
		}
		col := func(k int) []float64 { return e.x[rw.Xi[k]][lo:hi] }
		if len(rw.Ui) == 0 && !held {
			switch len(rw.Xi) {
			case 1:
				row1(out, col(0), rw.Xc[0], r)
				continue
			case 2:
				row2(out, col(0), col(1), rw.Xc[0], rw.Xc[1], r)
				continue
			}
		}
		if len(rw.Ui) == 0 && len(rw.Xi) == 3 {
			a, b, c := col(0), col(1), col(2)
			if held { // refractory: the clamped variable keeps its value
				row3Held(out, a, b, c, ref, n, rw.Xc[0], rw.Xc[1], rw.Xc[2], r)
			} else {
				row3(out, a, b, c, rw.Xc[0], rw.Xc[1], rw.Xc[2], r)
			}
			continue
		}
		for i := range out {
			if held && n < ref[i] {
				continue
			}
			acc := 0.0
			for k, c := range rw.Xi {
				acc += rw.Xc[k] * e.x[c][lo+i]
			}
			for k, c := range rw.Ui {
				acc += rw.Uc[k] * e.u[c][lo+i]
			}
			out[i] = acc + r
		}
	}
}

// parallel runs f over [0, n) cut into one range per thread (small
// populations run on the calling goroutine).
func (s *sim) parallel(n int, f func(lo, hi int)) {
	if s.threads <= 1 || n < 4096 {
		f(0, n)
		return
	}
	s.team.Split(n, func(_, lo, hi int) { f(lo, hi) })
}

// rk integrates a (nonlinear) system with RK4 or Euler over whole
// populations: each stage evaluates every right side as a vector. As in
// Brian2, a clamped variable has a zero derivative while its neuron is
// refractory, in every stage.
type rk struct {
	p       *pop
	euler   bool
	dt      float64
	vars    []*ir.Var
	rhs     []vfn
	x0      [][]float64 // values at the start of the step
	stage   [][]float64 // the point the right sides are evaluated at
	k       [][]float64 // derivatives at the stage point
	acc     [][]float64
	clamped []bool
	held    []bool  // refractory this step (RK4)
	n       int32   // this step (Euler: refractory while n < refUntil)
	copyK   []bool  // the right side is a bare variable: copy it before any step
	scaled  []vnode // Euler: the right side's last operations done in the step's loop: x*c, (-x)*c or (a + y*(k - x))*c (else shape 0)
}

func newRK(p *pop, sys *ir.System, vc *vcompiler, dt float64) (*rk, error) {
	r := &rk{p: p, euler: sys.Method == ir.Euler, dt: dt, vars: sys.Vars, clamped: sys.Clamped, held: make([]bool, p.n)}
	for range sys.Vars {
		r.x0 = append(r.x0, make([]float64, p.n))
		r.stage = append(r.stage, make([]float64, p.n))
		r.k = append(r.k, make([]float64, p.n))
		r.acc = append(r.acc, make([]float64, p.n))
	}
	// The right sides read the system's variables through their slots,
	// which point at the stage buffers while a step is computed.
	// a fused step reads variables in the step's loop: those of the system
	// must not have moved yet (its own is read and written neuron by neuron)
	unmoved := func(j int, refs ...*ir.Var) bool {
		for _, v := range refs {
			if k := slices.Index(sys.Vars, v); v != nil && k >= 0 && k < j {
				return false
			}
		}
		return true
	}
	for j, o := range sys.ODEs {
		rhs := plan.InlineAliases(o.Rhs)
		node, err := vc.expr(rhs)
		if err != nil {
			return nil, fmt.Errorf("equation of %s: %w", o.Var.Name, err)
		}
		r.rhs = append(r.rhs, vc.vals(node))
		_, isRef := rhs.(*ir.Ref)
		r.copyK = append(r.copyK, isRef || len(sys.ODEs) > 8)
		sc := vnode{}
		switch {
		case node.shape == 'c' && node.xn.shape == 'A' && node.xn.xn.shape == 'P' &&
			unmoved(j, node.xn.xref, node.xn.yref, node.xn.xn.xref, node.xn.xn.yref, node.xn.xn.aref):
			sc = *node.xn
			sc.shape, sc.k2 = 'T', node.k // ((P) + y*(k - x)) * k2, P in sc.xn
		case node.shape == 'c' && node.xn.shape == 'A' && unmoved(j, node.xn.aref, node.xn.xref, node.xn.yref):
			sc = *node.xn
			sc.shape, sc.k2 = 'S', node.k // (a + y*(k - x)) * k2
		case (node.shape == 'c' || node.shape == 'N') && unmoved(j, node.xref):
			sc = node
		}
		r.scaled = append(r.scaled, sc)
	}
	return r, nil
}

// rkBlock is the number of neurons whose right sides are evaluated
// together: the temporaries of a block stay in cache.
const rkBlock = 1024

// eval computes the derivatives at the stage point into r.k and adds
// weight·k to the accumulator (Euler: and takes the step), block by block;
// with several threads the blocks are shared out (each neuron computed the
// same way). Each call is one stage: the time the right sides read is the
// same for every block.
func (r *rk) eval(s *sim, at, weight float64, first bool) {
	r.p.t = s.t + at
	n := r.p.n
	blocks := (n + rkBlock - 1) / rkBlock
	run := func(b0, b1 int) {
		for lo := b0 * rkBlock; lo < min(b1*rkBlock, n); lo += rkBlock {
			r.evalRange(lo, min(lo+rkBlock, n), weight, first)
		}
	}
	if s.threads <= 1 || n < 4096 {
		run(0, blocks)
		return
	}
	s.parallel(blocks*4096, func(lo, hi int) { run(lo/4096, hi/4096) })
}

func (r *rk) evalRange(lo, hi int, weight float64, first bool) {
	if r.euler {
		r.eulerRange(lo, hi)
		return
	}
	for j, f := range r.rhs {
		copy(r.k[j][lo:hi], f(lo, hi)[lo:hi])
	}
	held := r.held[lo:hi]
	for j, k := range r.k {
		k := k[lo:hi]
		if r.clamped[j] {
			for i, h := range held {
				if h {
					k[i] = 0
				}
			}
		}
		acc := r.acc[j][lo:hi]
		if first {
			mulKV(acc, k, weight)
		} else {
			addVMulKV(acc, k, acc, weight)
		}
	}
}

// eulerRange takes the Euler step of neurons [lo, hi): every right side is
// evaluated before any variable moves, then each variable takes its step
// straight from its right side's buffer (a bare variable is copied first,
// as another variable's step could overwrite it), or with the right side's
// last operations in the step's own loop.
func (r *rk) eulerRange(lo, hi int) {
	var ins [8][5][]float64
	for j, f := range r.rhs {
		sc := r.scaled[j]
		switch {
		case r.copyK[j]:
			copy(r.k[j][lo:hi], f(lo, hi)[lo:hi])
		case sc.shape == 'T':
			p := sc.xn
			ins[j] = [5][]float64{p.x(lo, hi)[lo:hi], p.y(lo, hi)[lo:hi], p.a(lo, hi)[lo:hi], sc.x(lo, hi)[lo:hi], sc.y(lo, hi)[lo:hi]}
		case sc.shape == 'S':
			ins[j] = [5][]float64{sc.a(lo, hi)[lo:hi], sc.x(lo, hi)[lo:hi], sc.y(lo, hi)[lo:hi]}
		case sc.shape != 0:
			ins[j][0] = sc.x(lo, hi)[lo:hi]
		default:
			ins[j][0] = f(lo, hi)[lo:hi]
		}
	}
	for j, v := range r.vars {
		var ref []int32
		if r.clamped[j] {
			ref = r.p.refUntil[lo:hi]
		}
		o, in, sc := r.p.vals[v][lo:hi], &ins[min(j, 7)], r.scaled[j]
		var bad bool
		switch {
		case r.copyK[j]:
			bad = euler(o, r.k[j][lo:hi], ref, r.n, r.dt)
		case sc.shape == 'T':
			p := sc.xn
			bad = eulerQMM(o, in[0], in[1], in[2], in[3], in[4], p.k2, p.k, p.k3, sc.k, sc.k2, ref, r.n, r.dt)
		case sc.shape == 'S':
			bad = eulerAddM(o, in[0], in[1], in[2], sc.k, sc.k2, ref, r.n, r.dt)
		case sc.shape != 0:
			bad = eulerScaled(o, in[0], sc.k, sc.shape == 'N', ref, r.n, r.dt)
		default:
			bad = euler(o, in[0], ref, r.n, r.dt)
		}
		if bad {
			r.p.nonfinite.Store(true)
		}
	}
}

// setStage moves the stage point to x0 + frac·dt·k.
func (r *rk) setStage(frac float64) {
	for j := range r.vars {
		addVMulKV(r.stage[j], r.k[j], r.x0[j], frac*r.dt) // x0 + (frac·dt)·k
	}
}

func (r *rk) step(s *sim) {
	p := r.p
	r.n = int32(s.n)
	if r.euler {
		// one stage at the current values: no stage buffers needed; each
		// block takes its step once its right sides are evaluated (they
		// read only their own neurons)
		r.eval(s, 0, 1, true)
		return
	}
	for i := range r.held {
		r.held[i] = p.refractory(s, i)
	}
	for j, v := range r.vars {
		copy(r.x0[j], p.vals[v])
		copy(r.stage[j], p.vals[v])
		*p.slots[v] = r.stage[j]
	}
	h := r.dt
	if r.euler {
		r.eval(s, 0, 1, true)
	} else {
		r.eval(s, 0, 1.0/6, true)
		r.setStage(0.5)
		r.eval(s, h/2, 2.0/6, false)
		r.setStage(0.5)
		r.eval(s, h/2, 2.0/6, false)
		r.setStage(1)
		r.eval(s, h, 1.0/6, false)
	}
	p.t = s.t
	for j, v := range r.vars {
		*p.slots[v] = p.vals[v]
		out := p.vals[v]
		addVMulKV(out, r.acc[j], r.x0[j], h)
		r.checkFinite(out)
	}
}

// checkFinite notes a NaN or Inf among new values for the population's
// finite check (x-x is 0 for every finite x).
func (r *rk) checkFinite(out []float64) {
	if firstNonFinite(out) >= 0 {
		r.p.nonfinite.Store(true)
	}
}
