package plan

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/snnc/snnc/engine"
	"github.com/snnc/snnc/ir"
)

// Options are the run settings that change the plan.
type Options struct {
	Duration float64 // s; 0: the run's own
}

// Steps converts a duration to a number of steps: the one rounding every
// executor uses for delays, refractory periods, phases and the run
// (engine.Steps, which a built program links).
func Steps(d, dt float64) int { return engine.Steps(d, dt) }

// RefractorySteps is the number of steps a refractory period of length d
// holds, counted as Brian2 does (timestep(): int((d + 1e-3·dt)/dt),
// truncated, so a period within a thousandth of a step below a multiple
// of dt still counts that step): at dt = 0.1 ms, 2.06 ms holds 20 steps
// and 1.95 ms 19. Every executor counts refractory periods with it (a
// duration computed at run time too, with the same operations).
func RefractorySteps(d, dt float64) int { return int((d + RefractoryShift(dt)) / dt) }

// RefractoryShift is what RefractorySteps adds to a period before dividing.
func RefractoryShift(dt float64) float64 { return 1e-3 * dt }

// Every is an interval in steps, at least one.
func Every(d, dt float64) int { return max(1, Steps(d, dt)) }

type builder struct {
	p       *Plan
	ir      *ir.Program
	popOf   map[*ir.Population]*Pop // every IR population, fused members to their group
	popArr  map[*Pop]map[*ir.Var]int
	refrArr map[*Pop]int
	prevArr map[*Pop]int // RisingPrev arrays of populations with a rising threshold
	model   map[*Pop]*ir.Model
	syn     map[*Proj]*synLowering // plastic projections' layouts (for their initial values)
}

// Build lowers an optimised program into its execution plan.
func Build(prog *ir.Program, o Options) (*Plan, error) {
	if prog.Network == "" {
		return nil, fmt.Errorf("the model has no network to run; add `network` and `run NET for T`")
	}
	dt := prog.Schedule.Dt
	if !(dt > 0) || math.IsInf(dt, 0) {
		return nil, fmt.Errorf("dt must be a positive time, not %v s", dt)
	}
	dur := prog.Schedule.Duration
	if o.Duration > 0 {
		dur = o.Duration
	}
	b := &builder{p: &Plan{Network: prog.Network, Dt: dt, Steps: Steps(dur, dt), Seed: prog.Schedule.Seed}, ir: prog,
		popOf: map[*ir.Population]*Pop{}, popArr: map[*Pop]map[*ir.Var]int{}, refrArr: map[*Pop]int{}, prevArr: map[*Pop]int{}, model: map[*Pop]*ir.Model{}, syn: map[*Proj]*synLowering{}}
	for _, ip := range prog.Pops {
		if ip.Group != nil && ip.Group != ip {
			continue // runs inside its group
		}
		b.pop(ip)
	}
	for _, in := range prog.Inputs {
		pi := &Input{Name: in.Name, Kind: in.Kind, N: in.Size, Port: in.Port}
		if in.Target != nil {
			pi.Target = in.Target.Name
		}
		if in.Kind == "poisson" {
			r, err := InputRate(in)
			if err != nil {
				return nil, err
			}
			pi.Rate = &r
		}
		b.p.Inputs = append(b.p.Inputs, pi)
	}
	for _, ip := range prog.Projs {
		pr, err := b.proj(ip)
		if err != nil {
			return nil, fmt.Errorf("projection %s: %w", ip.Name, err)
		}
		b.p.Projs = append(b.p.Projs, pr)
	}
	if err := b.inits(); err != nil {
		return nil, err
	}
	b.records()
	if err := b.runPhases(); err != nil {
		return nil, err
	}
	if err := b.step(); err != nil {
		return nil, err
	}
	if err := Verify(b.p); err != nil {
		return nil, &InvalidError{Network: prog.Network, Err: err}
	}
	return b.p, nil
}

func (b *builder) array(a *Array) int {
	a.ID = len(b.p.Arrays)
	b.p.Arrays = append(b.p.Arrays, a)
	return a.ID
}

// pop lays out a population (a fused group: its members' neurons one
// after the other) and decides how its step runs.
func (b *builder) pop(ip *ir.Population) {
	m := ip.Model
	pp := &Pop{Name: ip.Name, Model: m.Name, N: ip.Size, FiniteEvery: 64}
	pp.Members = []Member{{ip.Name, 0, ip.Size}}
	if ip.Members != nil {
		pp.Members, pp.N = nil, 0
		for _, mp := range ip.Members {
			pp.Members = append(pp.Members, Member{mp.Name, mp.Offset, mp.Size})
			pp.N += mp.Size
		}
	}
	for _, mp := range ip.Members {
		b.popOf[mp] = pp
	}
	b.popOf[ip] = pp
	b.model[pp] = m
	arrs := map[*ir.Var]int{}
	for _, v := range m.Vars {
		kind := NeuronState
		switch v.Kind {
		case ir.State:
		case ir.ContinuousPort:
			kind = PortAcc
		case ir.DendriteOut:
			kind = DendriteOut
		default:
			continue
		}
		arrs[v] = b.array(&Array{Name: pp.Name + "." + v.Name, Kind: kind, Len: pp.N, Bool: v.Bool, Owner: pp.Name, Var: v})
	}
	b.popArr[pp] = arrs
	b.refrArr[pp] = b.array(&Array{Name: pp.Name + ".refractory", Kind: Refractory, Len: pp.N, Owner: pp.Name})
	if v, op, c, ok := SimpleThresholdOf(m.Threshold); ok && !m.Rising {
		pp.Simple = &SimpleThreshold{Var: v, Op: op, K: c}
	}
	if m.Rising && m.Threshold != nil {
		b.prevArr[pp] = b.array(&Array{Name: pp.Name + ".rising", Kind: RisingPrev, Len: pp.N, Bool: true, Owner: pp.Name})
	}
	pp.Fused = m.Fused && pp.Simple != nil
	for _, sys := range m.Update {
		if sys.Method != ir.Exact || ir.InPlaceOrder(sys) == nil {
			pp.Fused = false // only in-place exact rows run block by block
		}
	}
	if pp.Fused && pp.N > 0 && lifKernel(m, pp.Simple) {
		pp.Kernel = "lifBlock"
	}
	b.p.Pops = append(b.p.Pops, pp)
}

// SimpleThresholdOf recognises the threshold `v op constant` (op one of
// > >= < <=, v a state variable of the neuron itself).
func SimpleThresholdOf(e ir.Expr) (*ir.Var, string, float64, bool) {
	x, ok := e.(*ir.Binary)
	if !ok {
		return nil, "", 0, false
	}
	r, ok1 := x.X.(*ir.Ref)
	c, ok2 := x.Y.(*ir.Const)
	if !ok1 || !ok2 || r.Side != ir.Own || r.Var.Kind != ir.State {
		return nil, "", 0, false
	}
	switch x.Op {
	case ">", ">=", "<", "<=":
		return r.Var, x.Op, c.V, true
	}
	return nil, "", 0, false
}

// DirectAddOf recognises the port body `x += weight` (or -=) that adds
// unconditionally (an add to a variable held while refractory is not).
func DirectAddOf(body []ir.Stmt) (*ir.Var, float64, bool) {
	v, sign, held, ok := directAdd(body)
	return v, sign, ok && !held
}

func directAdd(body []ir.Stmt) (*ir.Var, float64, bool, bool) {
	if len(body) != 1 {
		return nil, 0, false, false
	}
	a, ok := body[0].(*ir.Assign)
	if !ok {
		return nil, 0, false, false
	}
	if _, isW := a.Value.(*ir.WeightRef); !isW {
		return nil, 0, false, false
	}
	switch a.Op {
	case "+=":
		return a.Var, 1, a.Held, true
	case "-=":
		return a.Var, -1, a.Held, true
	}
	return nil, 0, false, false
}

// proj decides a projection's storage, delay, delivery and threading.
func (b *builder) proj(ip *ir.Projection) (*Proj, error) {
	post := b.popOf[ip.Post]
	if post == nil || ip.Pre.Pop == nil && ip.Pre.Input == nil {
		return nil, fmt.Errorf("missing end")
	}
	pr := &Proj{Name: ip.Name, Pre: ip.Pre.Name(), Post: ip.Post.Name, Port: ip.Port, Plastic: ip.Synapse != nil}
	m := b.model[post]
	for _, d := range m.Dendrites {
		if d.Name == ip.Port {
			pr.Dend = d.Name
		}
	}
	pr.Storage = StorageOf(ip, pr.Dend != "")
	for _, mp := range ip.Merged {
		pr.Merged = append(pr.Merged, mp.Name)
	}
	if SynapseDelays(ip) {
		// each synapse draws its own delay (rt.NewSynDelays)
		// (a synapse type's on_pre then runs per synapse at its arrival)
		if ip.Synapse != nil && ip.Synapse.Summed != nil || pr.Dend != "" || pr.Storage != CSR && pr.Storage != Rows {
			return nil, fmt.Errorf("per-synapse delays need synapses onto an event port, stored (not %s)", pr.Storage)
		}
		pr.SynDelays = true
	} else if ip.Delay != nil {
		d, _ := ir.ConstValue(ip.Delay)
		pr.DelaySteps = Steps(d, b.p.Dt)
	}
	if ip.Synapse != nil {
		pr.Summed = ip.Synapse.Summed != nil
		inSystem := SystemVars(ip.Synapse)
		for _, v := range ip.Synapse.Vars {
			if v.Kind == ir.State && v.Lazy && inSystem[v] == nil {
				pr.Lazy = append(pr.Lazy, v.Name)
			}
		}
		if ip.Normalize != nil {
			pr.NormalizeEvery = Every(ip.Normalize.Every, b.p.Dt)
		}
	} else if ip.Weight != nil {
		if w, ok := ir.ConstValue(ip.Weight); ok && !ip.Connector.Weighted() { // matrix, conv: a weight per synapse
			pr.Weight = &w
		}
	}
	if pr.Dend == "" && !pr.Summed {
		for _, port := range m.Ports {
			if port.Name != ip.Port || port.Kind != ir.EventPort {
				continue
			}
			// a held add (dropped while refractory) runs as a handler loop
			// with the guard in its ops
			if v, sign, ok := DirectAddOf(port.Body); ok {
				pr.Direct = &DirectAdd{Var: v, Sign: sign}
				continue
			}
			l := newLowerer(b.neuronVars(post), b.refrArr[post], b.p.Dt)
			stride := b.eventDraws(l, pr, post, port.Body)
			if err := l.stmts(port.Body); err != nil {
				return nil, fmt.Errorf("population %s, port %s: %w", post.Name, port.Name, err)
			}
			l.flush()
			if stride >= 0 {
				l.ops[stride].K = float64(l.draws)
			}
			pr.Handler = &Loop{Name: post.Name + " port " + port.Name, Over: post.Name, Space: Events, N: post.N, Ops: l.finish()}
			pr.Handler.Stream = streamOf(pr.Handler, post.Name+" port "+port.Name+" from "+pr.Name)
		}
	}
	pr.Parallel = ParallelDelivery(ip, b.p.Dt)
	if err := b.synapse(ip, pr); err != nil {
		return nil, err
	}
	return pr, nil
}

// onActive lowers a segment dendrite's `on dendrite NAME active` handler
// into pp.OnActive (nil: none): a loop over the neurons with an active
// segment, run at the end of the step with t the next step's time (the
// activity acts during that step).
func (b *builder) onActive(pp *Pop, d *ir.Dendrite) (*Loop, error) {
	body := b.model[pp].OnActive[d.Name]
	if d.Continuous || len(body) == 0 {
		return nil, nil
	}
	l := newLowerer(b.neuronVars(pp), b.refrArr[pp], b.p.Dt)
	l.timeK = b.p.Dt
	zero := 0.0
	l.weight = &zero
	if err := l.stmts(body); err != nil {
		return nil, fmt.Errorf("population %s, on dendrite %s active: %w", pp.Name, d.Name, err)
	}
	l.flush()
	loop := &Loop{Name: pp.Name + " on dendrite " + d.Name + " active", Over: pp.Name, Space: Spiking, N: pp.N, Ops: l.finish()}
	if pp.OnActive == nil {
		pp.OnActive = map[string]*Loop{}
	}
	pp.OnActive[d.Name] = loop
	return loop, nil
}

// contDendrite lays out a continuous dendrite of pp (nil when nothing reads
// its output: dce removed the variable) and lowers its output loop.
func (b *builder) contDendrite(pp *Pop, d *ir.Dendrite) (*ContDendrite, error) {
	out, ok := b.popArr[pp][d.Out]
	if d.Out == nil || !ok {
		return nil, nil
	}
	S := 1
	if v, ok := d.Settings["segments"]; ok {
		S = int(v)
	}
	if S < 1 || S > math.MaxUint16 {
		return nil, fmt.Errorf("dendrite %s: segments must be in 1..%d", d.Name, math.MaxUint16)
	}
	if d.Activation == nil {
		return nil, fmt.Errorf("dendrite %s has no activation", d.Name)
	}
	cd := &ContDendrite{Segments: S}
	if tau, ok := d.Settings["tau"]; ok && tau > 0 {
		cd.Decay = math.Exp(-b.p.Dt / tau)
	}
	cd.In = b.array(&Array{Name: pp.Name + "." + d.Name + ".in", Kind: DendriteIn, Len: pp.N * S, Owner: pp.Name})
	l := newLowerer(b.neuronVars(pp), b.refrArr[pp], b.p.Dt)
	// acc = y0, then acc + y or max(acc, y) per further segment; mean: acc / S
	acc := -1
	for k := range S {
		l.input = l.read(slot{arr: cd.In, off: k * pp.N})
		y, err := l.expr(d.Activation)
		if err != nil {
			return nil, fmt.Errorf("dendrite %s, activation: %w", d.Name, err)
		}
		switch {
		case k == 0:
			acc = y
		case d.Combine == "sum" || d.Combine == "mean":
			acc = l.pure(Add, "", acc, y)
		default:
			acc = l.pure(Call, "max", acc, y)
		}
	}
	if d.Combine == "mean" {
		acc = l.pure(Div, "", acc, l.konst(float64(S)))
	}
	if l.draws > 0 {
		return nil, fmt.Errorf("dendrite %s: a random draw in the activation is not supported", d.Name)
	}
	l.write(slot{arr: out}, acc)
	l.flush()
	cd.Output = &Loop{Name: pp.Name + " dendrite " + d.Name + " output", Over: pp.Name, Space: Neurons, N: pp.N, Ops: l.finish()}
	if pp.Continuous == nil {
		pp.Continuous = map[string]*ContDendrite{}
	}
	pp.Continuous[d.Name] = cd
	return cd, nil
}

// SynapseDelays reports whether a projection's delay is drawn per synapse
// (not a constant): each synapse then keeps its own delay in steps and
// delivers after it (rt.SynDelays, rt.SynRing).
func SynapseDelays(ip *ir.Projection) bool {
	if ip.Delay == nil {
		return false
	}
	_, ok := ir.ConstValue(ip.Delay)
	return !ok
}

// ParallelDelivery reports whether the threads may share a projection's
// delivery by postsynaptic range: static synapses added straight into a
// port variable (`x += weight`, not a dendrite), no delay, no merged
// projections, stored (not dense) connectivity. Then every target gets its
// additions in the order one thread gives them.
func ParallelDelivery(ip *ir.Projection, dt float64) bool {
	if ip.Post == nil || ip.Post.Model == nil {
		return false
	}
	m := ip.Post.Model
	if ip.Synapse != nil || len(ip.Merged) > 0 || StorageOf(ip, false) == Dense {
		return false
	}
	for _, d := range m.Dendrites {
		if d.Name == ip.Port {
			return false
		}
	}
	if ip.Delay != nil {
		if d, ok := ir.ConstValue(ip.Delay); !ok || Steps(d, dt) != 0 {
			return false
		}
	}
	for _, port := range m.Ports {
		if port.Name == ip.Port && port.Kind == ir.EventPort {
			_, _, ok := DirectAddOf(port.Body)
			return ok
		}
	}
	return false
}

// StorageOf is the connectivity storage a projection runs with: the one
// the sparsity pass chose, where the executors can use it. Dendrites need
// their synapses stored (pools, segment numbers), so they are never
// procedural; static rows without pruning are stored compact.
func StorageOf(ip *ir.Projection, dendrite bool) Storage {
	switch {
	case ip.Sliced():
		// a view's rows are built for the view and stored with the whole
		// populations' indices (rt.Embed)
		return CSR
	case ip.Storage == "dense":
		return Dense
	case ip.Storage == "procedural" && !dendrite:
		return Procedural
	case ip.Synapse == nil && ip.PruneBelow == 0 && !dendrite:
		return Rows
	}
	return CSR
}

func (b *builder) records() {
	for _, r := range b.ir.Records {
		rec := &Record{}
		switch r.Kind {
		case ir.RecSpikes:
			rec.Kind = "spikes"
			if r.Pop != nil {
				rec.Source = r.Pop.Name
			} else if r.Input != nil {
				rec.Source = r.Input.Name
			}
			rec.Every, rec.Lo, rec.Hi = 1, r.Lo, r.Hi
		case ir.RecState:
			rec.Kind, rec.Every = "state", Every(r.Every, b.p.Dt)
			if r.Pop != nil {
				rec.Source = r.Pop.Name
			} else if r.Proj != nil {
				rec.Source = r.Proj.Name
			}
		case ir.RecWeights:
			rec.Kind = "weights"
			if r.Proj != nil {
				rec.Source = r.Proj.Name
			}
			if r.Every > 0 {
				rec.Every = Every(r.Every, b.p.Dt)
			}
			rec.AtEnd = r.AtEnd
		}
		if r.Var != nil {
			rec.Var = r.Var.Name
		}
		b.p.Records = append(b.p.Records, rec)
	}
}

// PhaseValue is the number a run phase assigns (booleans are 0 and 1).
func PhaseValue(e ir.Expr) (float64, bool) {
	switch c := e.(type) {
	case *ir.Const:
		return c.V, true
	case *ir.BoolConst:
		return b2f(c.V), true
	}
	return 0, false
}

func (b *builder) runPhases() error {
	for _, ph := range b.ir.Phases {
		rp := &RunPhase{Name: ph.Name, At: Steps(ph.At, b.p.Dt)}
		for _, st := range ph.Sets {
			v, ok := PhaseValue(st.Value)
			if !ok {
				return fmt.Errorf("phase %s: the value of %s.%s is not a constant: %s", ph.Name, st.Target(), st.Var.Name, ir.ExprString(st.Value))
			}
			rp.Sets = append(rp.Sets, RunSet{Target: st.Target(), Var: st.Var.Name, Op: st.Op, Value: v, Synapse: st.Proj != nil})
		}
		b.p.RunPhases = append(b.p.RunPhases, rp)
	}
	return nil
}

// step lays out one time step: the interpreter's order (gosim sim.step),
// here once for every executor.
func (b *builder) step() error {
	p := b.p
	add := func(ph *Phase) { p.Step = append(p.Step, ph) }
	sets := func(synapse bool) []string {
		var out []string
		for _, rp := range p.RunPhases {
			for _, s := range rp.Sets {
				if s.Synapse == synapse {
					out = append(out, fmt.Sprintf("step %d: %s.%s %s %s", rp.At, s.Target, s.Var, s.Op, fmtFloat(s.Value)))
				}
			}
		}
		return out
	}
	if s := sets(false); len(s) > 0 {
		add(&Phase{Kind: SetNeurons, Note: strings.Join(s, "; ")})
	}
	for k, r := range p.Records {
		if r.Kind == "state" {
			ph := &Phase{Kind: SampleState, Target: r.Source + "." + r.Var, Every: r.Every}
			l, err := b.aliasLoop(b.ir.Records[k])
			if err != nil {
				return fmt.Errorf("record %s: %w", ph.Target, err)
			}
			if l != nil {
				r.Alias, ph.Loops = l, []*Loop{l}
			}
			add(ph)
		}
	}

	var ports []string
	for _, a := range p.Arrays {
		if a.Kind == PortAcc {
			ports = append(ports, a.Name)
		}
	}
	if len(ports) > 0 {
		add(&Phase{Kind: ClearPorts, Note: strings.Join(ports, ", ")})
	}
	for _, in := range p.Inputs {
		if in.Kind == "current_step" {
			add(&Phase{Kind: Currents, Target: in.Name, Note: "into " + in.Target + "." + in.Port})
		}
	}
	tick := func(late bool) {
		for k, ip := range b.ir.Projs {
			syn := p.Projs[k].Syn
			if ip.Synapse != nil && clockDriven(ip.Synapse) && (syn != nil && syn.TickLate) == late {
				ph := &Phase{Kind: Tick, Target: p.Projs[k].Name}
				if syn != nil {
					ph.Loops = syn.Tick
				}
				if late {
					ph.Kind = TickLate
				}
				add(ph)
			}
		}
	}
	tick(false)
	for _, pr := range p.Projs {
		if pr.Summed {
			ph := &Phase{Kind: Sum, Target: pr.Name, Note: "into " + pr.Post + "." + pr.Port}
			if pr.Syn != nil && pr.Syn.Sum != nil {
				ph.Loops = []*Loop{pr.Syn.Sum}
			}
			add(ph)
		}
	}
	for _, pp := range p.Pops {
		m := b.model[pp]
		ph := &Phase{Kind: Update, Target: pp.Name, Parallel: pp.N >= ParallelMin}
		for _, sys := range m.Update {
			l, err := b.updateLoop(pp, m, sys)
			if err != nil {
				return err
			}
			ph.Loops = append(ph.Loops, l)
		}
		if pp.Fused {
			ph.Note = "fused with threshold and reset, block by block"
			if pp.Kernel != "" {
				ph.Note += " (" + pp.Kernel + ")"
			}
		}
		add(ph)
		fin := &Phase{Kind: Finite, Target: pp.Name, Every: pp.FiniteEvery}
		for _, sys := range m.Update {
			if sys.Method != ir.Exact {
				fin.Note = "RK4/Euler variables every step"
			}
		}
		add(fin)
	}
	if s := sets(true); len(s) > 0 {
		add(&Phase{Kind: SetSynapses, Note: strings.Join(s, "; ")})
	}
	// weights are sampled before the step's synaptic events (Brian2's
	// StateMonitor, when='start'), at the step's time: after the tick
	for _, r := range p.Records {
		if r.Kind == "weights" && !r.AtEnd {
			add(&Phase{Kind: SampleWeights, Target: r.Source, Every: r.Every})
		}
	}
	tick(true)
	for _, pp := range p.Pops {
		m := b.model[pp]
		if m.Threshold == nil {
			continue
		}
		l := newLowerer(b.neuronVars(pp), b.refrArr[pp], p.Dt)
		c, err := l.expr(m.Threshold)
		if err != nil {
			return fmt.Errorf("population %s, threshold: %w", pp.Name, err)
		}
		r, _ := l.refractory()
		fire := l.pure(And, "", c, l.pure(Not, "", r))
		if m.Rising {
			// only where COND did not hold at the previous step's threshold;
			// COND is remembered whether or not the neuron fires
			prev := slot{arr: b.prevArr[pp], b: true}
			fire = l.pure(And, "", fire, l.pure(Not, "", l.read(prev)))
			l.write(prev, c)
		}
		l.emit(Op{Code: Spike, Args: []int{fire}, Arr: -1})
		l.flush()
		loop := &Loop{Name: pp.Name + " threshold", Over: pp.Name, Space: Neurons, N: pp.N, Ops: l.finish()}
		loop.Stream = streamOf(loop, pp.Name+" threshold")
		if pp.Simple != nil {
			loop.Kernel = "crossings " + pp.Simple.Op
		}
		add(&Phase{Kind: Threshold, Target: pp.Name, Loops: []*Loop{loop}, Parallel: pp.Simple != nil && pp.N >= ParallelMin})
	}
	for _, w := range b.ir.Wtas {
		if w.Pop == nil || w.By == nil {
			return fmt.Errorf("winner-take-all without a population or a score")
		}
		l, err := b.wtaScore(w)
		if err != nil {
			return fmt.Errorf("wta %s: %w", w.Pop.Name, err)
		}
		add(&Phase{Kind: Winners, Target: w.Pop.Name, Note: fmt.Sprintf("k = %d by %s", w.K, ir.ExprString(w.By)), Loops: []*Loop{l}})
	}
	var spiking []string
	for _, in := range p.Inputs {
		if in.Kind != "current_step" {
			spiking = append(spiking, in.Name)
		}
	}
	if len(spiking) > 0 {
		add(&Phase{Kind: Inputs, Note: strings.Join(spiking, ", ")})
	}
	all := len(p.Projs) > 0
	for _, pr := range p.Projs {
		all = all && pr.Parallel
	}
	for _, pr := range p.Projs {
		ph := &Phase{Kind: Deliver, Target: pr.Name, Parallel: all, Note: deliverNote(pr)}
		if pr.Syn != nil {
			ph.Loops = append(ph.Loops, pr.Syn.OnPre...) // per arriving spike; their sends go into the port
		}
		if pr.Handler != nil {
			ph.Loops = append(ph.Loops, pr.Handler)
		}
		add(ph)
	}
	for k, pr := range p.Projs {
		ip := b.ir.Projs[k]
		if ip.Synapse == nil {
			continue
		}
		syn := pr.Syn
		if syn == nil {
			syn = &Synapse{} // onto a dendrite: the phases without loops
		}
		if len(ip.Synapse.OnPost) > 0 {
			add(&Phase{Kind: OnPost, Target: pr.Name, Loops: syn.OnPost})
		}
		for _, m := range syn.Mods {
			note := m.Name + " per spike of " + m.Source
			if m.PerPost {
				note += ", onto its postsynaptic partner"
			}
			add(&Phase{Kind: Modulate, Target: pr.Name, Source: m.Source, Note: note, Loops: m.Kernels()})
		}
		if pr.Syn == nil && len(ip.Synapse.OnMod) > 0 {
			add(&Phase{Kind: Modulate, Target: pr.Name, Note: strings.Join(sortedKeys(ip.Synapse.OnMod), ", ")})
		}
		if n := ip.Normalize; n != nil && n.Var != nil {
			add(&Phase{Kind: Normalize, Target: pr.Name, Every: pr.NormalizeEvery, Note: n.Func + " of " + n.Var.Name, Loops: syn.Normalize})
		}
	}
	for _, pp := range p.Pops {
		m := b.model[pp]
		if m.Threshold == nil || len(m.Reset) == 0 {
			continue
		}
		l := newLowerer(b.neuronVars(pp), b.refrArr[pp], p.Dt)
		if err := l.stmts(m.Reset); err != nil {
			return fmt.Errorf("population %s, reset: %w", pp.Name, err)
		}
		l.flush()
		loop := &Loop{Name: pp.Name + " reset", Over: pp.Name, Space: Spiking, N: pp.N, Ops: l.finish()}
		loop.Stream = streamOf(loop, pp.Name+" reset")
		add(&Phase{Kind: Reset, Target: pp.Name, Loops: []*Loop{loop}})
	}
	for _, pp := range p.Pops {
		var names []string
		var loops []*Loop
		for _, d := range b.model[pp].Dendrites {
			names = append(names, d.Name)
			if d.Continuous {
				cd, err := b.contDendrite(pp, d)
				if err != nil {
					return fmt.Errorf("population %s: %w", pp.Name, err)
				}
				if cd != nil {
					loops = append(loops, cd.Output)
				}
				continue
			}
			l, err := b.onActive(pp, d)
			if err != nil {
				return err
			}
			if l != nil {
				loops = append(loops, l)
			}
		}
		if len(names) > 0 {
			add(&Phase{Kind: Dendrites, Target: pp.Name, Note: strings.Join(names, ", "), Loops: loops})
		}
	}
	for _, r := range p.Records {
		if r.Kind == "spikes" {
			add(&Phase{Kind: RecordSpikes, Target: r.Source})
		}
	}
	for _, r := range p.Records {
		if r.Kind == "weights" && r.AtEnd {
			add(&Phase{Kind: SampleWeightsEnd, Target: r.Source, Every: r.Every})
		}
	}
	for _, pr := range p.Projs {
		if pr.Syn != nil && len(pr.Syn.CatchUp) > 0 {
			p.Finish = append(p.Finish, &Phase{Kind: CatchUp, Target: pr.Name, Loops: pr.Syn.CatchUp})
		}
	}
	return nil
}

// aliasLoop lowers a recorded alias (nil for a variable with an array):
// a loop over the recorded neurons [Lo, Hi) storing the alias's value of
// each into a Scratch array of Hi-Lo, the monitor's sample. Its t is the
// time of the population's last update (the alias's value at the end of
// the previous step).
func (b *builder) aliasLoop(r *ir.Record) (*Loop, error) {
	pp := b.popOf[r.Pop]
	if r.Pop == nil || pp == nil || r.Var == nil {
		return nil, nil
	}
	m := b.model[pp]
	var own *ir.Var // the group's alias of that name (fused members share the leader's model)
	for _, x := range m.Vars {
		if x.Name == r.Var.Name {
			if _, ok := b.popArr[pp][x]; ok {
				return nil, nil
			}
			if x.Kind == ir.Alias {
				own = x
			}
		}
	}
	if own == nil {
		return nil, fmt.Errorf("%s.%s has no values to record", r.Pop.Name, r.Var.Name)
	}
	off := r.Lo
	for _, mb := range pp.Members {
		if mb.Name == r.Pop.Name {
			off += mb.Off
		}
	}
	vars := b.neuronVars(pp)
	l := newLowerer(func(v *ir.Var, side ir.Side) (slot, error) {
		s, err := vars(v, side)
		s.off = off
		return s, err
	}, -1, b.p.Dt)
	val, err := l.expr(own.Value)
	if err != nil {
		return nil, err
	}
	if l.draws > 0 {
		return nil, fmt.Errorf("a random draw in a recorded alias is not supported")
	}
	n := r.Hi - r.Lo
	name := fmt.Sprintf("%s.%s[%d:%d]", r.Pop.Name, r.Var.Name, r.Lo, r.Hi)
	sample := b.array(&Array{Name: name, Kind: Scratch, Len: n, Owner: pp.Name})
	l.write(slot{arr: sample}, val)
	l.flush()
	return &Loop{Name: "sample " + name, Over: pp.Name, Space: Neurons, N: n, Ops: l.finish()}, nil
}

// wtaScore lowers a winner-take-all score: a loop over the neurons that
// crossed their threshold, storing each one's score into a Scratch array
// of the population (the executors then keep the k best of them).
func (b *builder) wtaScore(w *ir.Wta) (*Loop, error) {
	pp := b.popOf[w.Pop]
	if pp == nil || len(pp.Members) != 1 || pp.N != w.Pop.Size {
		return nil, fmt.Errorf("the population runs fused with others (a bug in the fuse pass)")
	}
	score := b.array(&Array{Name: pp.Name + ".wta", Kind: Scratch, Len: pp.N, Owner: pp.Name})
	l := newLowerer(b.neuronVars(pp), b.refrArr[pp], b.p.Dt)
	v, err := l.expr(w.By)
	if err != nil {
		return nil, err
	}
	if l.draws > 0 {
		return nil, fmt.Errorf("a random draw in a wta score is not supported (it ranks the neurons of one step)")
	}
	l.write(slot{arr: score}, v)
	l.flush()
	return &Loop{Name: pp.Name + " wta score", Over: pp.Name, Space: Spiking, N: pp.N, Ops: l.finish()}, nil
}

// clockDriven reports whether a synapse model has state integrated every
// step (not lazily at events): a trace not marked lazy, or a coupled or
// nonlinear system.
func clockDriven(m *ir.Model) bool {
	inSystem := SystemVars(m)
	for _, sys := range m.Update {
		for _, v := range sys.Vars {
			if !v.Lazy || inSystem[v] != nil {
				return true
			}
		}
	}
	return false
}

func deliverNote(pr *Proj) string {
	var s []string
	s = append(s, string(pr.Storage))
	if pr.DelaySteps > 0 {
		s = append(s, fmt.Sprintf("delay %d steps", pr.DelaySteps))
	}
	if pr.SynDelays {
		s = append(s, "a delay per synapse")
	}
	switch {
	case pr.Dend != "":
		s = append(s, "onto dendrite "+pr.Dend)
	case pr.Summed:
		s = append(s, "summed")
	case pr.Direct != nil:
		sign := "+="
		if pr.Direct.Sign < 0 {
			sign = "-="
		}
		s = append(s, fmt.Sprintf("%s.%s %s weight", pr.Post, pr.Direct.Var.Name, sign))
	}
	if pr.Plastic {
		s = append(s, "on_pre")
	}
	if len(pr.Merged) > 0 {
		s = append(s, "with "+strings.Join(pr.Merged, ", "))
	}
	return strings.Join(s, ", ")
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// InlineAliases replaces references to a model's own aliases by their
// expressions.
func InlineAliases(e ir.Expr) ir.Expr {
	return ir.Rewrite(e, func(e ir.Expr) ir.Expr {
		if r, ok := e.(*ir.Ref); ok && r.Var.Kind == ir.Alias && r.Side == ir.Own {
			return InlineAliases(r.Var.Value)
		}
		return e
	})
}

// CheckClockSystem reports why a system of synapse state integrated every
// step (not lazily) cannot run: each synapse (or neuron) integrates its own
// element of every variable, so the system needs one storage and right
// sides that read only state stored the same way, or the state of a neuron
// its loop has: post.x per synapse or per postsynaptic neuron, pre.x per
// synapse or per presynaptic neuron (read as it is at the step, Clopath's
// filters of post.v). Both Go backends ask.
func CheckClockSystem(sys *ir.System) error {
	storage := sys.Vars[0].Storage
	for _, v := range sys.Vars {
		if v.Storage != storage {
			return fmt.Errorf("the system of %s mixes per-synapse and per-neuron storage; snnc needs one (-d lazy=off)", sys.Vars[0].Name)
		}
	}
	for _, o := range sys.ODEs {
		ok := true
		ir.Walk(o.Rhs, func(e ir.Expr) bool {
			if r, isRef := e.(*ir.Ref); isRef && r.Var.Kind != ir.Param {
				switch r.Side {
				case ir.Own:
					ok = r.Var.Storage == storage
				case ir.Post:
					ok = storage == ir.PerSynapse || storage == ir.PerPost
				case ir.Pre:
					ok = storage == ir.PerSynapse || storage == ir.PerPre
				}
			}
			return ok
		})
		if !ok {
			return fmt.Errorf("%s' reads state stored differently (or a neuron its loop does not have); snnc integrates such synapse equations only at events (make them linear traces)", o.Var.Name)
		}
	}
	return nil
}

// streamOf is name when the loop draws random numbers, else "".
func streamOf(l *Loop, name string) string {
	for _, op := range l.Ops {
		if op.Code == Rand {
			return name
		}
	}
	return ""
}

// eventDraws prepares the draws of an input port's handler: a neuron may
// receive several events of one projection in one step, so each event of
// the step is numbered (Scratch arrays of the projection: the event count
// and the step it counts) and its draws start at count·D, D the handler's
// draws per event (the op returned, a constant set once they are known;
// -1 without draws). The events of a neuron arrive in a fixed order
// (spikes in firing order, rows in synapse order) on every backend,
// thread count and rank, so the numbers are the same.
func (b *builder) eventDraws(l *lowerer, pr *Proj, post *Pop, body []ir.Stmt) int {
	draws := false
	ir.StmtExprs(body, func(e ir.Expr) {
		ir.Walk(e, func(x ir.Expr) bool {
			if c, ok := x.(*ir.Call); ok && ir.IsRandom(c.Fn) {
				draws = true
			}
			return !draws
		})
	})
	if !draws {
		return -1
	}
	count := slot{arr: b.array(&Array{Name: pr.Name + ".events", Kind: Scratch, Len: post.N, Owner: post.Name})}
	at := slot{arr: b.array(&Array{Name: pr.Name + ".events.step", Kind: Scratch, Len: post.N, Owner: post.Name})}
	n := l.emit(Op{Code: StepNo, Type: Float, Arr: -1})
	same := l.pure(Eq, "", l.read(at), n)
	c := l.pure(Select, "", same, l.pure(Add, "", l.read(count), l.konst(1)), l.konst(0))
	l.write(count, c)
	l.write(at, n)
	stride := l.emit(Op{Code: Const, Type: Float, Arr: -1}) // K: the draws per event, set after lowering
	l.drawBase = l.pure(Mul, "", c, stride)
	return stride
}
