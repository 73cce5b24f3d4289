// Package fixed is the bit-accurate fixed-point simulator: it runs an
// integer program (package iir, lowered by package quantize) on the
// network of the float IR, in the float interpreter's step order, with the
// same connectivity, inputs and random initial values, and records what
// `snnc run` records plus the integers, overflow counts and (with
// Result.Compare) the quantization error against a float64 run.
package fixed

import (
	"fmt"
	"time"

	"github.com/snnc/snnc/engine"
	"github.com/snnc/snnc/estimate"
	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/ir/iir"
	"github.com/snnc/snnc/plan"
	"github.com/snnc/snnc/runtime"
)

// Options control a bit-accurate run: they mean the same as for `snnc run`
// (Threads is ignored: the simulator is serial).
type Options = engine.Options

// Result is a bit-accurate run: the outputs the interpreter would write
// (spikes, state in SI units, summary), the integer state recordings, how
// often each variable saturated or wrapped, and (after Compare) the
// quantization error report.
type Result struct {
	*engine.Result
	Program  *iir.Program
	Raw      []*RawMonitor
	Overflow []OverflowCount
	Report   *Report
}

// RawMonitor records a variable's integers: V[s][k] is neuron Index[k]
// at time T[s].
type RawMonitor struct {
	Pop, Var string
	Index    []int
	T        []float64
	V        [][]int64
}

// OverflowCount is how many times stores to a variable were changed by
// saturation or wrap-around during the run.
type OverflowCount struct {
	Pop, Var string
	Kind     iir.Overflow
	Count    int64
}

// Run simulates the integer program q of the network p, in the float
// interpreter's step order, with the same connectivity, inputs and random
// initial values.
func Run(p *ir.Program, q *iir.Program, o Options) (*Result, error) {
	if p.Network == "" {
		return nil, fmt.Errorf("the model has no network to run; add `network` and `run NET for T`")
	}
	// refuse a run that cannot fit before allocating any of it
	if err := rt.CheckMemory(estimate.Memory(p), estimate.Steps(p, o.Duration), o.MemLimit); err != nil {
		return nil, err
	}
	s, err := build(p, q, o)
	if err != nil {
		return nil, err
	}
	if o.Started != nil {
		o.Started()
	}
	start := time.Now()
	res := &Result{Result: &engine.Result{}, Program: q}
	runErr := s.run(o, res)
	res.Summary = s.summary(p, time.Since(start).Seconds())
	for _, pp := range s.pops {
		for i, v := range pp.m.Vars {
			if pp.ovf[i] > 0 {
				res.Overflow = append(res.Overflow, OverflowCount{Pop: pp.nm, Var: v.Name, Kind: v.Proof, Count: pp.ovf[i]})
			}
		}
	}
	if runErr != nil {
		return res, runErr
	}
	return res, nil
}

type sim struct {
	q          *iir.Program
	dt         float64
	steps, n   int
	t          float64
	seed       uint64
	pops       []*xpop
	inputs     []*spikeInput
	conts      []*contInput
	projs      []*xproj
	spikeMons  []*spikeMon
	stateMons  []*stateMon
	weightMons []*weightMon
	baseDir    string // model files (from_file edges) are read relative to it
}

type node interface {
	name() string
	size() int
	fired() []int32
}

type spikeInput struct {
	nm     string
	src    rt.Source
	spikes []int32
}

func (in *spikeInput) name() string   { return in.nm }
func (in *spikeInput) size() int      { return in.src.Size() }
func (in *spikeInput) fired() []int32 { return in.spikes }

type contInput struct {
	step rt.CurrentStep
	amp  int64
	vals []int64
}

func build(p *ir.Program, q *iir.Program, o Options) (*sim, error) {
	s := &sim{q: q, dt: p.Schedule.Dt, seed: p.Schedule.Seed, baseDir: o.BaseDir}
	if o.Seed != nil {
		s.seed = *o.Seed
	}
	dur := p.Schedule.Duration
	if o.Duration > 0 {
		dur = o.Duration
	}
	s.steps = engine.Steps(dur, s.dt)
	byName := map[string]node{}
	popOf := map[*ir.Population]*xpop{}
	models := map[*ir.Population]*iir.Model{}
	for _, m := range q.Models {
		models[m.SrcPop] = m
	}
	for _, ip := range p.Pops {
		m := models[ip]
		if m == nil {
			return nil, fmt.Errorf("population %s has no integer model", ip.Name)
		}
		pp, err := newPop(s, ip, m)
		if err != nil {
			return nil, err
		}
		s.pops = append(s.pops, pp)
		byName[ip.Name] = pp
		popOf[ip] = pp
	}
	for _, in := range p.Inputs {
		if in.Kind == "current_step" {
			pp := popOf[in.Target]
			if pp == nil {
				continue
			}
			var x *iir.Var
			for _, v := range pp.m.Vars {
				if v.Kind == iir.InputVar && v.Src != nil && v.Src.Name == in.Port {
					x = v
				}
			}
			if x == nil {
				return nil, fmt.Errorf("input %s: %s has no continuous port %s", in.Name, in.Target.Name, in.Port)
			}
			amp := iir.RoundHalfAway(in.Num["amplitude"] / x.Scale)
			s.conts = append(s.conts, &contInput{step: rt.CurrentStep{Amplitude: in.Num["amplitude"], Start: in.Num["start"], Stop: in.Num["stop"]},
				amp: amp, vals: pp.vals[pp.index[x]]})
			continue
		}
		src, err := plan.NewIntegerSource(in, s.seed, s.dt, o.BaseDir)
		if err != nil {
			return nil, fmt.Errorf("input %s: %w", in.Name, err)
		}
		si := &spikeInput{nm: in.Name, src: src}
		s.inputs = append(s.inputs, si)
		byName[in.Name] = si
	}
	byProj := map[*ir.Projection]*iir.Proj{}
	for _, x := range q.Projs {
		byProj[x.Src] = x
	}
	for _, ip := range p.Projs {
		pr, err := newProj(s, ip, byName[ip.Pre.Name()], popOf[ip.Post], byProj)
		if err != nil {
			return nil, fmt.Errorf("projection %s: %w", ip.Name, err)
		}
		if xp := pr.plastic; xp != nil && xp.pl.Mod != "" {
			xp.mod = byName[xp.pl.ModSrc]
		}
		s.projs = append(s.projs, pr)
	}
	for _, pp := range s.pops {
		for _, d := range pp.dends {
			d.finish()
		}
	}
	if err := s.monitors(p, byName, popOf); err != nil {
		return nil, err
	}
	return s, nil
}

// run steps the network with the interpreter's loop (engine.Loop).
func (s *sim) run(o Options, res *Result) error {
	n, interrupted, _ := engine.Loop{Steps: s.steps, Dt: s.dt, Interrupt: o.Interrupt, Progress: o.Progress}.Run(s)
	s.n, s.t = n, float64(n)*s.dt
	res.Interrupted = interrupted
	s.collect(res)
	return nil
}

// Step runs step n at time t (engine.Machine); integer steps do not fail.
func (s *sim) Step(n int, t float64) error {
	s.n, s.t = n, t
	s.step()
	return nil
}

// Finish takes the recordings made once, at the end (engine.Machine).
func (s *sim) Finish(n int, t float64) {
	s.n, s.t = n, t
	for _, m := range s.weightMons {
		m.final(s)
	}
}

// step is one time step in the float interpreter's order.
func (s *sim) step() {
	s.applySets()
	for _, m := range s.stateMons {
		m.sample(s)
	}
	for _, p := range s.pops {
		p.clearInputs()
	}
	for _, c := range s.conts {
		if c.step.AtStep(s.n, s.dt) != 0 {
			for i := range c.vals {
				c.vals[i] += c.amp
			}
		}
	}
	for _, p := range s.pops {
		p.update()
	}
	for _, m := range s.weightMons { // before the step's synaptic events, as the float interpreter
		m.sample(s, false)
	}
	for _, p := range s.pops {
		p.threshold()
	}
	for _, in := range s.inputs {
		in.spikes = in.src.Step(s.n)
	}
	for _, pr := range s.projs {
		pr.propagate()
	}
	for _, pr := range s.projs {
		pr.postSpikes()
	}
	for _, pr := range s.projs {
		pr.modulate()
		pr.scale(s.n)
	}
	for _, p := range s.pops {
		p.reset()
	}
	for _, p := range s.pops {
		p.endDendrites(s.n)
	}
	for _, m := range s.spikeMons {
		m.mon.Record(s.t, m.src.fired())
	}
	for _, m := range s.weightMons {
		m.sample(s, true) // `at end`
	}
}

func (s *sim) collect(res *Result) {
	for _, m := range s.spikeMons {
		m.mon.Flush()
		res.Spikes = append(res.Spikes, m.mon)
	}
	for _, m := range s.stateMons {
		res.States = append(res.States, m.mon)
		res.Raw = append(res.Raw, m.raw)
	}
	for _, m := range s.weightMons {
		res.Weights = append(res.Weights, m.mon)
	}
}

func (s *sim) summary(p *ir.Program, wall float64) *rt.Summary {
	sum := &rt.Summary{Network: p.Network, Seed: s.seed, Dt: s.dt, Duration: float64(s.n) * s.dt, Threads: 1, WallSeconds: wall}
	for _, pp := range s.pops {
		sum.Populations = append(sum.Populations, rt.PopSummary{Name: pp.nm, N: pp.n, Spikes: pp.count,
			RateHz: rt.MeanRate(pp.count, pp.n, sum.Duration)})
	}
	for _, pr := range s.projs {
		sum.Projections = append(sum.Projections, engine.ProjSummary(pr.name, pr.nsyn, pr.storage, pr.bytes()))
	}
	return sum
}

// ---- populations ----

type xpop struct {
	s      *sim
	nm     string
	n      int
	m      *iir.Model
	index  map[*iir.Var]int
	vals   [][]int64 // per variable
	regs   [][]int64 // per op of the largest vector kernel
	scal   []int64   // per op, for the scalar kernels
	spikes []int32
	count  int64
	ref    []int64 // the refractory counter (nil: none)
	lfsr   []int64
	taps   uint64
	lbits  int
	ovf    []int64 // per variable: stores changed by overflow handling
	fast   []*fastPort
	dends  []*xdend    // segment dendrites (dendrites.go)
	check  *rangeCheck // CheckRanges: every value against the range analysis
}

// fastPort is a port kernel x ← resize(x ± weight).
type fastPort struct {
	x    []int64
	sub  bool
	rs   *iir.Op
	vidx int
}

func newPop(s *sim, ip *ir.Population, m *iir.Model) (*xpop, error) {
	p := &xpop{s: s, nm: ip.Name, n: ip.Size, m: m, index: map[*iir.Var]int{}}
	p.taps, _ = s.q.Profile.Taps()
	p.lbits = s.q.Profile.LFSR.Bits
	p.ovf = make([]int64, len(m.Vars))
	for i, v := range m.Vars {
		p.index[v] = i
		p.vals = append(p.vals, make([]int64, p.n))
	}
	if m.Ref != nil {
		p.ref = p.vals[p.index[m.Ref]]
	}
	if m.LFSR != nil {
		p.lfsr = p.vals[p.index[m.LFSR]]
		st := rt.NewStream(s.seed, rt.Hash("lfsr", ip.Name))
		mask := uint64(1)<<uint(p.lbits) - 1
		for i := range p.lfsr {
			x := st.Uint64() & mask
			if x == 0 {
				x = 1
			}
			p.lfsr[i] = int64(x)
		}
	}
	most := 0
	for _, k := range m.Kernels() {
		most = max(most, len(k.Ops))
	}
	p.scal = make([]int64, most)
	for _, k := range []*iir.Kernel{m.Update, m.Threshold} {
		if k != nil {
			for len(p.regs) < len(k.Ops) {
				p.regs = append(p.regs, make([]int64, p.n))
			}
		}
	}
	if err := p.init(s, ip); err != nil {
		return nil, err
	}
	if err := p.newDendrites(s); err != nil {
		return nil, err
	}
	for _, pt := range m.Ports {
		var fp *fastPort
		if x, sub, rs, ok := iir.Additive(pt.Kernel); ok {
			fp = &fastPort{x: p.vals[p.index[x]], sub: sub, rs: rs, vidx: p.index[x]}
		}
		p.fast = append(p.fast, fp)
	}
	return p, nil
}

// init draws the float initial values as the float interpreter does (a
// stream per population and variable) and quantizes them.
func (p *xpop) init(s *sim, ip *ir.Population) error {
	state := map[*ir.Var][]float64{}
	for _, v := range ip.Model.Vars {
		if v.Kind == ir.State {
			state[v] = make([]float64, p.n)
		}
	}
	for _, v := range ip.Model.Vars {
		if v.Kind != ir.State || v.Init == nil {
			continue
		}
		c := &fctx{rng: rt.NewStream(s.seed, rt.Hash("init", ip.Name, v.Name)), state: state}
		vals := state[v]
		for i := range vals {
			c.i = i
			x, err := feval(v.Init, c)
			if err != nil {
				return fmt.Errorf("population %s, initial value of %s: %w", ip.Name, v.Name, err)
			}
			vals[i] = x
		}
	}
	for k, x := range p.m.Vars {
		if x.Kind != iir.StateVar {
			continue
		}
		f, ok := state[x.Src]
		if !ok {
			continue
		}
		for i, v := range f {
			p.vals[k][i] = x.ToInt(v)
		}
	}
	return nil
}

func (p *xpop) clearInputs() {
	for k, v := range p.m.Vars {
		if v.Kind == iir.InputVar && v.Cleared {
			clear(p.vals[k])
		}
	}
}

func (p *xpop) update() {
	if p.ref != nil {
		for i, c := range p.ref {
			if c > 0 {
				p.ref[i] = c - 1
			}
		}
	}
	if p.m.Update != nil {
		p.vector(p.m.Update)
	}
}

func (p *xpop) threshold() {
	p.spikes = p.spikes[:0]
	if p.m.Threshold == nil {
		return
	}
	p.vector(p.m.Threshold)
	out := p.regs[p.m.Threshold.Out.ID]
	for i, x := range out {
		if x == 0 {
			continue
		}
		p.spikes = append(p.spikes, int32(i))
		if p.m.MaxSpikes > 1 {
			p.again(i)
		}
	}
	p.count += int64(len(p.spikes))
}

// again is XyloSim's `while v >= v_th`: the reset (v −= θ) runs now, and
// while the threshold still holds the neuron spikes again (listed once per
// spike, consecutively), up to MaxSpikes.
func (p *xpop) again(i int) {
	out := p.m.Threshold.Out.ID
	for k := 1; ; k++ {
		p.scalar(p.m.Reset, i, 0)
		if k == p.m.MaxSpikes {
			return
		}
		p.scalar(p.m.Threshold, i, 0)
		if p.scal[out] == 0 {
			return
		}
		p.spikes = append(p.spikes, int32(i))
	}
}

func (p *xpop) reset() {
	if p.m.Reset == nil || p.m.MaxSpikes > 1 { // multi-spike: reset by again
		return
	}
	for _, i := range p.spikes {
		p.scalar(p.m.Reset, int(i), 0)
	}
}

func (p *xpop) name() string { return p.nm }

func (p *xpop) fired() []int32 { return p.spikes }

func (p *xpop) size() int { return p.n }

// receive runs port k's kernel for an event of weight w on neuron i.
func (p *xpop) receive(k int, i int, w int64) {
	if fp := p.fast[k]; fp != nil {
		x := fp.x[i]
		var y int64
		if fp.sub {
			y = x - w
		} else {
			y = x + w
		}
		r := iir.Resize(y, fp.rs.Width, fp.rs.Signed, fp.rs.Ovf, fp.rs.Lo, fp.rs.Hi)
		if p.check != nil {
			p.check.value(p, p.m.Ports[k].Kernel, fp.rs.Args[0], y)
		}
		if r != y {
			p.ovf[fp.vidx]++
		}
		fp.x[i] = r
		return
	}
	p.scalar(p.m.Ports[k].Kernel, i, w)
}

// rnd returns n random bits from neuron i's LFSR (advancing it).
func (p *xpop) rnd(i, n int) int64 {
	st := iir.LFSRNext(uint64(p.lfsr[i]), p.taps)
	p.lfsr[i] = int64(st)
	return iir.LFSRBits(st, p.lbits, n)
}
