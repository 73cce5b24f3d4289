// Package gosim is the interpreter backend behind `snnc run`: it executes
// the execution plan's loops (package plan; ops.go, elem.go): the
// initialisation loops (init.go), the neurons' update, threshold, reset and
// port handlers, the synapse models' and dendrites' loops; and steps the
// network, clock-driven for neurons and event-driven for synapses.
//
// One time step, in Brian2's order (so the two can be compared spike for
// spike): record state; drive continuous ports; integrate every population
// (refractory neurons hold their clamped variables); thresholds; synaptic
// events (on_pre with delays, then on_post); resets; dendrites (segment
// learning and activity, continuous outputs: see dendrite.go); record spikes.
package gosim

import (
	"fmt"
	"time"

	"github.com/snnc/snnc/engine"
	"github.com/snnc/snnc/estimate"
	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/plan"
	"github.com/snnc/snnc/runtime"
)

// Options control a run (the same for every executor).
type Options = engine.Options

// Result is what a run produced.
type Result struct {
	engine.Result
	segDends []*segDendrite // for Segments
}

// Run simulates p.
func Run(p *ir.Program, o Options) (*Result, error) { return RunPlan(p, nil, o) }

// RunPlan simulates p with its execution plan pl (nil: built here).
func RunPlan(p *ir.Program, pl *plan.Plan, o Options) (*Result, error) {
	if p.Network == "" {
		return nil, fmt.Errorf("the model has no network to run; add `network` and `run NET for T`")
	}
	s, err := build(p, pl, o)
	if o.Comm != nil && o.Comm.Size() > 1 {
		// every rank learns whether any failed to build, before the
		// first exchange could wait for it forever
		err = rt.AgreeErr(o.Comm, err)
	}
	if err != nil {
		return nil, err
	}
	if o.Started != nil {
		o.Started()
	}
	defer rt.LeanHeap()()
	start := time.Now()
	res, err := s.run(o)
	if res != nil {
		res.Summary = s.summary(p, time.Since(start).Seconds())
	}
	return res, err
}

type sim struct {
	plan         *plan.Plan
	threads      int
	streamSpikes bool     // Options.StreamSpikes
	team         *rt.Team // the threads' workers (threads > 1)
	dt           float64
	steps        int
	n            int     // current step
	t            float64 // current time
	seed         uint64
	baseDir      string
	pops         []*pop
	dends        []dendrite // end-of-step updates, in population and declaration order
	parts        []*part    // one per IR population
	inputs       []*spikeInput
	conts        []*contInput
	projs        []*proj
	spikeMons    []*spikeMon
	stateMons    []*stateMon
	weightMons   []*weightMon
	phases       []*phase
	wtas         []*wta

	// a run split over ranks (ranks.go); nil: one process
	comm      rt.Comm
	rankSplit *plan.Split  // how (plan.Split)
	x         *rt.Exchange // the collectives and their buffers
	xspk      [][]int32    // the pops' spikes, exchanged
	xlo, xhi  []int        // the pops' shares
	stopReq   bool         // this rank was interrupted: asks the others at the next exchange
	stopAll   bool         // some rank was: all stop after this step
	// exchanging once per interval (ranks.go)
	every   int       // steps between exchanges (0 or 1: every step)
	held    [][]int32 // the held steps' spikes of each pop, step-major
	heldT   []float64 // their times
	heldN   int       // steps held
	heldErr error     // this rank's first error since the last exchange
	flushed bool      // this step exchanged the held steps
	partBuf []int32
}

// node is a projection end: a population or a spike input.
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
	port []float64 // the target population's port accumulator
}

func build(p *ir.Program, pl *plan.Plan, o Options) (*sim, error) {
	if pl == nil {
		var err error
		if pl, err = plan.Build(p, plan.Options{Duration: o.Duration}); err != nil {
			return nil, err
		}
	}
	s := &sim{plan: pl, dt: p.Schedule.Dt, seed: p.Schedule.Seed, threads: max(1, o.Threads), baseDir: o.BaseDir, streamSpikes: o.StreamSpikes}
	if o.Comm != nil && o.Comm.Size() > 1 {
		s.comm, s.rankSplit, s.x = o.Comm, pl.Split(), &rt.Exchange{Comm: o.Comm}
	}
	if o.Seed != nil {
		s.seed = *o.Seed
	}
	dur := p.Schedule.Duration
	if o.Duration > 0 {
		dur = o.Duration
	}
	s.steps = plan.Steps(dur, s.dt)
	// refuse a run that cannot fit before allocating any of it
	if err := rt.CheckMemory(estimate.Memory(p), s.steps, o.MemLimit); err != nil {
		return nil, err
	}
	byName := map[string]node{}
	popOf := map[*ir.Population]*part{}
	for _, ip := range p.Pops {
		if ip.Group != nil && ip.Group != ip {
			continue // runs inside its group's pop
		}
		pp, err := newPop(s, ip, pl.Pops[len(s.pops)])
		if err != nil {
			return nil, err
		}
		pp.lo, pp.hi = s.share(pp.n)
		s.pops = append(s.pops, pp)
		members := []*ir.Population{ip}
		if ip.Members != nil {
			members = ip.Members
		}
		for _, mp := range members {
			pt := &part{p: pp, nm: mp.Name, off: mp.Offset, n: mp.Size, shape: mp.Shape, step: -1}
			s.parts = append(s.parts, pt)
			byName[mp.Name] = pt
			popOf[mp] = pt
		}
	}
	for _, in := range p.Inputs {
		if in.Kind == "current_step" {
			target := popOf[in.Target]
			if target == nil {
				continue
			}
			acc, ok := target.p.ports[in.Port]
			if !ok {
				return nil, fmt.Errorf("input %s: %s has no continuous port %s", in.Name, in.Target.Name, in.Port)
			}
			acc = acc[target.off : target.off+target.n]
			if v := in.View; v != nil { // only the neurons of the view
				acc = acc[v.Lo:v.Hi]
			}
			cur, err := plan.InputCurrent(in)
			if err != nil {
				return nil, err
			}
			s.conts = append(s.conts, &contInput{step: cur, port: acc})
			continue
		}
		src, err := plan.NewSource(in, s.seed, s.dt, o.BaseDir)
		if err != nil {
			return nil, fmt.Errorf("input %s: %w", in.Name, err)
		}
		si := &spikeInput{nm: in.Name, src: src}
		s.inputs = append(s.inputs, si)
		byName[in.Name] = si
	}
	for k, ip := range p.Projs {
		pr, err := newProj(s, ip, pl.Projs[k], byName[ip.Pre.Name()], popOf[ip.Post], byName)
		if err != nil {
			return nil, fmt.Errorf("projection %s: %w", ip.Name, err)
		}
		s.projs = append(s.projs, pr)
	}
	for _, d := range s.dends {
		if sd, ok := d.(*segDendrite); ok {
			sd.finish()
		}
	}
	if err := s.monitors(p, byName, popOf); err != nil {
		return nil, err
	}
	if err := s.buildPhases(p, popOf); err != nil {
		return nil, err
	}
	if err := s.buildWtas(p, popOf); err != nil {
		return nil, err
	}
	if err := s.distributable(); err != nil {
		return nil, err
	}
	if s.comm != nil {
		s.every = s.interval()
		s.keepOwn()
	}
	return s, nil
}

// run steps the network until the end or an interrupt (engine.Loop).
func (s *sim) run(o Options) (*Result, error) {
	s.team = rt.NewTeam(s.threads)
	defer s.team.Close()
	defer s.exchangeStats() // ranks.go
	loop := engine.Loop{Steps: s.steps, Dt: s.dt, Interrupt: o.Interrupt, Progress: o.Progress}
	if s.comm != nil {
		loop.Ranks = s
	}
	n, interrupted, err := loop.Run(s)
	s.n, s.t = n, float64(n)*s.dt
	res := &Result{}
	res.Interrupted = interrupted
	s.collect(res)
	return res, err
}

// Step runs step n at time t (engine.Machine).
func (s *sim) Step(n int, t float64) error {
	s.n, s.t = n, t
	return s.step()
}

// RequestStop and StopAll are engine.Ranks: an interrupted rank asks the
// others at the next exchange (ranks.go), and all stop after it.
func (s *sim) RequestStop()  { s.stopReq = true }
func (s *sim) StopAll() bool { return s.stopAll }

func (s *sim) step() error {
	s.applyPhases(false)
	for _, m := range s.stateMons {
		m.sample(s)
	}
	for _, p := range s.pops {
		for _, acc := range p.ports {
			clear(acc)
		}
	}
	for _, c := range s.conts {
		a := c.step.AtStep(s.n, s.dt)
		if a != 0 {
			for i := range c.port {
				c.port[i] += a
			}
		}
	}
	// clock-driven synaptic state advances to this step's time before summed
	// synapses read it, as lazy traces are brought up to it; a tick that
	// reads the neurons runs after their update (plan.Synapse.TickLate)
	for _, pr := range s.projs {
		if !pr.tickLate {
			pr.tick(s)
		}
	}
	for _, pr := range s.projs {
		pr.sum(s)
	}
	var bad error // a split run ends the step at the exchange (all ranks together)
	for _, p := range s.pops {
		p.update(s)
		if err := p.checkFinite(s); err != nil {
			if s.comm == nil {
				return err
			}
			bad = err
			break
		}
	}
	s.applyPhases(true)
	for _, m := range s.weightMons {
		m.sample(s, false)
	}
	for _, pr := range s.projs {
		if pr.tickLate {
			pr.tick(s)
		}
	}
	for _, p := range s.pops {
		if bad == nil {
			p.threshold(s)
		}
	}
	if s.comm != nil {
		if err := s.endStepRanks(bad); err != nil {
			return err
		}
	}
	s.selectWinners()
	for _, in := range s.inputs {
		in.spikes = in.src.Step(s.n)
	}
	if s.threads > 1 && allParallel(s.projs) {
		deliverPar(s, s.projs)
	} else {
		for _, pr := range s.projs {
			pr.propagate(s)
		}
	}
	for _, pr := range s.projs {
		pr.postSpikes(s)
		pr.modulate(s)
		pr.normalize(s)
		if pr.err != nil {
			return pr.err
		}
	}
	for _, p := range s.pops {
		p.reset(s)
	}
	for _, d := range s.dends {
		d.endStep(s)
	}
	for _, pt := range s.parts {
		if !s.holding() { // held spikes are counted at the exchange
			pt.count += int64(len(pt.fired()))
		}
	}
	for _, m := range s.spikeMons {
		if _, pop := m.src.(*part); !pop || !s.holding() {
			m.mon.Record(s.t, m.src.fired())
		}
	}
	for _, m := range s.weightMons {
		m.sample(s, true) // `at end`
	}
	return nil
}

// Finish brings lazy synaptic state up to the end (for recordings) and
// takes the recordings made once, at the end (engine.Machine).
func (s *sim) Finish(n int, t float64) {
	s.n, s.t = n, t
	for _, pr := range s.projs {
		pr.catchUp(s)
	}
	for _, m := range s.weightMons {
		m.final(s)
	}
}

func (s *sim) collect(res *Result) {
	for _, d := range s.dends {
		if sd, ok := d.(*segDendrite); ok {
			res.segDends = append(res.segDends, sd)
		}
	}
	for _, m := range s.spikeMons {
		if !s.streamSpikes {
			m.mon.Flush()
		}
		res.Spikes = append(res.Spikes, m.mon)
	}
	for _, m := range s.stateMons {
		res.States = append(res.States, m.mon)
	}
	for _, m := range s.weightMons {
		res.Weights = append(res.Weights, m.mon)
	}
}

func (s *sim) summary(p *ir.Program, wall float64) *rt.Summary {
	sum := &rt.Summary{Network: p.Network, Seed: s.seed, Dt: s.dt, Duration: float64(s.n) * s.dt, Threads: s.threads, WallSeconds: wall}
	for _, pt := range s.parts {
		sum.Populations = append(sum.Populations, engine.PopSummary(pt.nm, pt.n, pt.count, sum.Duration))
	}
	for _, pr := range s.projs {
		b := pr.bytes()
		if pr.fullBytes > 0 {
			b = pr.fullBytes // the whole network's, as one process stores it
		}
		sum.Projections = append(sum.Projections, engine.ProjSummary(pr.name, pr.nsyn, pr.storage, b))
	}
	sum.Dendrites = s.dendriteSummaries()
	return sum
}
