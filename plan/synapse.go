package plan

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/snnc/snnc/ir"
)

// The synapse side of the step: a synapse model's work as loops, each
// computing exactly the interpreter's operations per synapse (or per
// presynaptic or postsynaptic neuron, for state stored per neuron).
//
// Indices: a synapse's own state is indexed by I (the synapse), per-pre
// state and the presynaptic neuron's variables by Pre, per-post state and
// the postsynaptic neuron's by Post; a loop's Space says which of them it
// defines.
//
// Lazy traces (Proj.Lazy) are advanced exactly where the interpreter
// advances them: at the start of every event that touches them, in the
// loop of that event, as ops: d = t - last; if d > 0 the trace becomes
// x·exp(a·d) + c·(exp(a·d)-1)/a (x + c·d when a = 0) and last becomes t.
// last is a LastUpdate array (the time in s, like Env.T).
//
// A lazy integral w' = Σ k·Π x_j of traces x_j' = a_j·x_j (ir's
// Var.Integral) is advanced before its traces, from their values at the
// last event: each monomial is Π x_j·exp(r·s) with r = Σ a_j, so w gains
// k·Π x_j·(exp(r·d)-1)/r (k·Π x_j·d when r = 0). The traces have w's
// storage, so every loop that advances w advances them too: their last
// update is w's.

// Synapse is the numeric work of a projection's synapse model.
type Synapse struct {
	// Tick advances clock-driven state one step: one loop per variable
	// integrated alone, then one per coupled or nonlinear system, each over
	// the space of its variables' storage (Synapses, PreNeurons, PostNeurons).
	Tick []*Loop
	// TickLate: an equation reads pre.x or post.x, so Tick runs after the
	// neurons' update and the weight samples, before the thresholds (Brian2
	// integrates neurons, then synapses, in its 'groups' slot): it reads the
	// neuron as integrated this step, before this step's input and reset.
	TickLate bool
	// Sum is `summed = e`: over Synapses, e added into the postsynaptic
	// neuron's continuous port.
	Sum *Loop
	// OnPre runs for each arriving presynaptic spike, in order: the
	// statements on per-pre state that go before the synapse loop
	// (PreSpikes), the per-synapse statements (PreSynapses) and the per-pre
	// ones that must follow it (PreSpikes). A Send delivers into the
	// projection's port at the synapse's Post (Direct, or the Handler).
	OnPre []*Loop
	// OnPost is OnPre's counterpart for each postsynaptic spike
	// (PostSpikes, PostSynapses, PostSpikes); empty without on_post.
	OnPost []*Loop
	// Mods are the bound on_modulator handlers, by name.
	Mods []*Modulation
	// Normalize is the synaptic scaling: clear each postsynaptic neuron's
	// sum (PostNeurons), sum the values (or their squares) over Synapses,
	// then scale them (Synapses); the sums live in a Scratch array.
	Normalize []*Loop
	// CatchUp advances every lazy trace to the end time after the last step
	// (Env.T the end time): one loop per storage, in Plan.Finish.
	CatchUp []*Loop
}

// Modulation is an on_modulator handler: Loop runs over every synapse
// (Synapses) once per spike of Source. PerPost (`modulator NAME = Src
// one_to_one`): a spike of Source's neuron j runs Loops as OnPost's run
// for a spike of postsynaptic neuron j (PostSpikes, PostSynapses,
// PostSpikes), draws keyed by j's synapses and the step; Loop is nil.
type Modulation struct {
	Name, Source string
	Loop         *Loop
	PerPost      bool
	Loops        []*Loop
}

// Kernels is the modulation's loops: Loop, or the per-post Loops.
func (m *Modulation) Kernels() []*Loop {
	if m.PerPost {
		return m.Loops
	}
	return []*Loop{m.Loop}
}

// lazyTrace is a trace x' = a·x + c advanced at events.
type lazyTrace struct {
	v    *ir.Var
	a, c float64
}

// lazyIntegral is w' = Σ terms, advanced at events in closed form.
type lazyIntegral struct {
	v     *ir.Var
	terms []integralTerm
}

// integralTerm is coef·Π factors, which decays as exp(rate·s).
type integralTerm struct {
	coef    float64
	factors []*ir.Var
	rate    float64
}

// synLowering lowers one projection's synapse model.
type synLowering struct {
	b       *builder
	ip      *ir.Projection
	pr      *Proj
	arr     map[*ir.Var]int // state, by variable
	last    map[*ir.Var]int // lazy traces' last update times
	lazy    []lazyTrace
	integ   []lazyIntegral
	pre     *Pop // nil: the presynaptic side is an input
	post    *Pop
	preOff  int
	postOff int
	preN    int
	postN   int
	weight  float64
}

// synapse lays out a plastic projection's state arrays and lowers its
// synapse model into pr.Syn. Onto a dendrite the model does not run (the
// dendrite's own learning does).
func (b *builder) synapse(ip *ir.Projection, pr *Proj) error {
	m := ip.Synapse
	if m == nil || pr.Dend != "" {
		return nil
	}
	s := &synLowering{b: b, ip: ip, pr: pr, arr: map[*ir.Var]int{}, last: map[*ir.Var]int{},
		post: b.popOf[ip.Post], preN: ip.Pre.Size(), postN: ip.Post.Size}
	s.postOff = memberOff(s.post, ip.Post.Name)
	b.syn[pr] = s
	if ip.Pre.Pop != nil {
		s.pre = b.popOf[ip.Pre.Pop]
		s.preOff = memberOff(s.pre, ip.Pre.Pop.Name)
	}
	if ip.Weight != nil {
		w, ok := ir.ConstValue(ip.Weight)
		if !ok {
			return fmt.Errorf("the weight of a projection with a synapse type must be a constant")
		}
		s.weight = w
	}
	if err := s.layout(); err != nil {
		return fmt.Errorf("synapse %s: %w", m.Type, err)
	}
	syn := &Synapse{}
	var err error
	if syn.Tick, err = s.tick(); err != nil {
		return fmt.Errorf("synapse %s: %w", m.Type, err)
	}
	for _, o := range m.ODEs {
		syn.TickLate = syn.TickLate || ir.NeuronRead(o) != nil
	}
	if m.Summed != nil {
		if syn.Sum, err = s.sum(); err != nil {
			return fmt.Errorf("synapse %s, summed: %w", m.Type, err)
		}
	}
	if syn.OnPre, err = s.handler("on_pre", m.OnPre, ir.PerPre); err != nil {
		return fmt.Errorf("synapse %s, on pre: %w", m.Type, err)
	}
	if pr.SynDelays {
		// each synapse's on_pre runs at its own arrival: nothing may run
		// once per presynaptic spike (ir's classify stores nothing per-pre)
		for _, l := range syn.OnPre {
			if l.Space != PreSynapses {
				return fmt.Errorf("synapse %s, on pre: %s runs once per presynaptic spike, but each synapse has its own delay", m.Type, l.Name)
			}
		}
	}
	if len(m.OnPost) > 0 {
		if syn.OnPost, err = s.handler("on_post", m.OnPost, ir.PerPost); err != nil {
			return fmt.Errorf("synapse %s, on post: %w", m.Type, err)
		}
	}
	for _, name := range sortedKeys(m.OnMod) {
		src, ok := ip.Modulators[name]
		if !ok {
			continue // no source bound: the handler never runs
		}
		if ip.ModPerPost[name] {
			// neuron j of the source modulates the synapses onto post j: the
			// handler runs as on_post does, its spikes the source's
			if src.Size() != s.postN || ip.PostView != nil {
				return fmt.Errorf("synapse %s: modulator %s = %s one_to_one needs a source of the postsynaptic population's size (%d, not %d) and no postsynaptic view", m.Type, name, src.Name(), s.postN, src.Size())
			}
			loops, err := s.handler("on_modulator "+name, m.OnMod[name], ir.PerPost)
			if err != nil {
				return fmt.Errorf("synapse %s, on modulator %s: %w", m.Type, name, err)
			}
			syn.Mods = append(syn.Mods, &Modulation{Name: name, Source: src.Name(), PerPost: true, Loops: loops})
			continue
		}
		l, err := s.loop("on_modulator "+name, Synapses, func(l *lowerer) error {
			if err := s.advance(l, ir.PerSynapse, ir.PerPre, ir.PerPost); err != nil {
				return err
			}
			return l.stmts(m.OnMod[name])
		})
		if err != nil {
			return fmt.Errorf("synapse %s, on modulator %s: %w", m.Type, name, err)
		}
		syn.Mods = append(syn.Mods, &Modulation{Name: name, Source: src.Name(), Loop: l})
	}
	if ip.Normalize != nil {
		if syn.Normalize, err = s.normalize(ip.Normalize); err != nil {
			return err
		}
	}
	for _, st := range []ir.Storage{ir.PerSynapse, ir.PerPre, ir.PerPost} {
		l, err := s.loop("catch up", spaceOf(st), func(l *lowerer) error { return s.advance(l, st) })
		if err != nil {
			return fmt.Errorf("synapse %s: %w", m.Type, err)
		}
		if len(l.Ops) > 0 {
			syn.CatchUp = append(syn.CatchUp, l)
		}
	}
	pr.Syn = syn
	return nil
}

func memberOff(pp *Pop, name string) int {
	if pp == nil {
		return 0
	}
	for _, m := range pp.Members {
		if m.Name == name {
			return m.Off
		}
	}
	return 0
}

// layout makes an array for every state variable (and the last update of
// every lazy trace) and reads each trace's equation.
func (s *synLowering) layout() error {
	m := s.ip.Synapse
	ode := map[*ir.Var]*ir.ODE{}
	for _, o := range m.ODEs {
		ode[o.Var] = o
	}
	inSystem := SystemVars(m)
	for _, v := range m.Vars {
		if v.Kind != ir.State {
			continue
		}
		kind, n := SynapseState, -1
		switch v.Storage {
		case ir.PerPre:
			kind, n = PreState, s.preN
		case ir.PerPost:
			kind, n = PostState, s.postN
		}
		name := s.pr.Name + "." + v.Name
		s.arr[v] = s.b.array(&Array{Name: name, Kind: kind, Len: n, Bool: v.Bool, Owner: s.pr.Name, Var: v})
		if o := ode[v]; o != nil && v.Lazy && inSystem[v] == nil {
			if !v.Integral {
				a, c, err := traceOf(v, o)
				if err != nil {
					return err
				}
				s.lazy = append(s.lazy, lazyTrace{v: v, a: a, c: c})
			}
			s.last[v] = s.b.array(&Array{Name: name + ".last", Kind: LastUpdate, Len: n, Owner: s.pr.Name, Var: v})
		}
	}
	for _, v := range m.Vars {
		if _, lazy := s.last[v]; lazy && v.Integral {
			in, err := s.integral(v, ode[v])
			if err != nil {
				return err
			}
			s.integ = append(s.integ, in)
		}
	}
	return nil
}

// integral reads w' as a polynomial of the decaying traces stored as w is.
func (s *synLowering) integral(w *ir.Var, o *ir.ODE) (lazyIntegral, error) {
	var xs []*ir.Var
	var rates []float64
	for _, tr := range s.lazy {
		if tr.v.Storage == w.Storage && tr.c == 0 {
			xs, rates = append(xs, tr.v), append(rates, tr.a)
		}
	}
	p, bad, ok := ir.Polynomial(xs, o.Rhs)
	if !ok {
		return lazyIntegral{}, fmt.Errorf("%s' is not a polynomial of decaying traces (%s); only those are integrated at events", w.Name, ir.ExprString(bad))
	}
	in := lazyIntegral{v: w}
	for _, mono := range p {
		t := integralTerm{coef: mono.Coef}
		for _, j := range mono.Vars {
			t.factors = append(t.factors, xs[j])
			t.rate += rates[j]
		}
		in.terms = append(in.terms, t)
	}
	return in, nil
}

// SystemVars maps the variables of a synapse model's coupled or nonlinear
// systems to their system: those are integrated together every step,
// element by element, even where the lazy pass marked them (a variable
// alone in an exact system is a trace: lazy or clock-driven).
func SystemVars(m *ir.Model) map[*ir.Var]*ir.System {
	in := map[*ir.Var]*ir.System{}
	for _, sys := range m.Update {
		if (len(sys.Vars) > 1 || sys.Method != ir.Exact) && !closedForm(sys) {
			for _, v := range sys.Vars {
				in[v] = sys
			}
		}
	}
	return in
}

// closedForm: a system of lazy integrals and the traces they integrate
// (each alone, x' = a·x + c), advanced at events instead of every step,
// unless its equations ask for a method.
func closedForm(sys *ir.System) bool {
	integral := false
	for k, v := range sys.Vars {
		if !v.Lazy || sys.ODEs[k].Method != "" {
			return false
		}
		if v.Integral {
			integral = true
		} else if _, _, err := traceOf(v, sys.ODEs[k]); err != nil {
			return false
		}
	}
	return integral
}

// traceOf reads the linear equation x' = a·x + c of a trace.
func traceOf(v *ir.Var, o *ir.ODE) (a, c float64, err error) {
	l, bad, ok := ir.Linearize([]*ir.Var{v}, []ir.Expr{o.Rhs})
	if !ok || len(l.Inputs) > 0 {
		what := "inputs"
		if bad != nil {
			what = ir.ExprString(bad)
		}
		return 0, 0, fmt.Errorf("%s' is not a linear trace (%s); only those are event-driven", v.Name, what)
	}
	return l.A[0][0], l.C[0], nil
}

// spaceOf is the space a variable stored so runs over when it advances alone.
func spaceOf(st ir.Storage) Space {
	switch st {
	case ir.PerPre:
		return PreNeurons
	case ir.PerPost:
		return PostNeurons
	}
	return Synapses
}

// vars resolves a synapse model's variables in a loop over space.
func (s *synLowering) vars(space Space) func(*ir.Var, ir.Side) (slot, error) {
	hasSyn := space == Synapses || space == PreSynapses || space == PostSynapses
	hasPre := hasSyn || space == PreNeurons || space == PreSpikes
	hasPost := hasSyn || space == PostNeurons || space == PostSpikes
	neuron := func(pp *Pop, off int, v *ir.Var, side string, ok bool) (slot, error) {
		if !ok {
			return slot{}, fmt.Errorf("%s.%s where there is no %ssynaptic neuron (%s)", side, v.Name, side, space)
		}
		a := s.b.popVar(pp, v.Name)
		if a < 0 {
			return slot{}, fmt.Errorf("%s.%s has no storage", side, v.Name)
		}
		idx := Pre
		if side == "post" {
			idx = Post
		}
		return slot{arr: a, idx: idx, off: off, b: s.b.p.Arrays[a].Bool}, nil
	}
	return func(v *ir.Var, side ir.Side) (slot, error) {
		switch side {
		case ir.Pre:
			if s.pre == nil {
				return slot{}, fmt.Errorf("pre.%s: the presynaptic side is an input", v.Name)
			}
			return neuron(s.pre, s.preOff, v, "pre", hasPre)
		case ir.Post:
			return neuron(s.post, s.postOff, v, "post", hasPost)
		}
		a, ok := s.arr[v]
		if !ok {
			return slot{}, fmt.Errorf("%s has no storage in synapse %s", v.Name, s.ip.Synapse.Type)
		}
		switch {
		case v.Storage == ir.PerPre && hasPre:
			return slot{arr: a, idx: Pre, b: v.Bool}, nil
		case v.Storage == ir.PerPost && hasPost:
			return slot{arr: a, idx: Post, b: v.Bool}, nil
		case v.Storage == ir.PerSynapse && hasSyn:
			return slot{arr: a, idx: I, b: v.Bool}, nil
		}
		return slot{}, fmt.Errorf("%s (%s) where there is no such index (%s)", v.Name, v.Storage, space)
	}
}

// popVar is the array of a population's variable by name (fused members
// have their own *ir.Var of the same name), or -1.
func (b *builder) popVar(pp *Pop, name string) int {
	for v, a := range b.popArr[pp] {
		if v.Name == name {
			return a
		}
	}
	return -1
}

// loop lowers one loop of the synapse model over space.
func (s *synLowering) loop(name string, space Space, body func(l *lowerer) error) (*Loop, error) {
	l := newLowerer(s.vars(space), -1, s.b.p.Dt)
	l.weight = &s.weight
	if err := body(l); err != nil {
		return nil, err
	}
	l.flush()
	ops := l.finish()
	loop := &Loop{Name: s.pr.Name + " " + name, Over: s.pr.Name, Space: space, Ops: ops}
	// An event's loop runs at most once per element and step (a neuron
	// spikes once a step, a synapse has one delay), so its draws are keyed
	// by (projection and loop, element, step, draw number): the synapse's
	// global index, not the thread or rank that runs it.
	switch space {
	case PreSpikes, PreSynapses, PostSpikes, PostSynapses:
		loop.Stream = streamOf(loop, loop.Name)
	}
	// A poisson input emits a count of spikes a step, so its synapses' event
	// loops run several times at one key and would repeat their draws.
	in := s.ip.Pre.Input
	counts := in != nil && in.Kind == "poisson" && (space == PreSpikes || space == PreSynapses)
	for _, op := range ops {
		if op.Code == Rand && loop.Stream == "" {
			return nil, fmt.Errorf("random draw %s() in a synapse's %s is not supported: it may run several times per synapse and step", op.Fn, name)
		}
		if op.Code == Rand && counts {
			return nil, fmt.Errorf("random draw %s() in a synapse's %s is not supported from poisson input %s: it emits a count of spikes a step, whose events would share their draws (poisson_group spikes at most once a step)", op.Fn, name, in.Name)
		}
	}
	n := -1
	switch space {
	case PreNeurons, PreSpikes:
		n = s.preN
	case PostNeurons, PostSpikes:
		n = s.postN
	}
	loop.N = n
	return loop, nil
}

// advance brings the lazy integrals and traces of the given storages up
// to now: the integrals first, from the traces' values at their last event.
func (s *synLowering) advance(l *lowerer, storages ...ir.Storage) error {
	for _, in := range s.integ {
		if !slices.Contains(storages, in.v.Storage) {
			continue
		}
		if err := s.advanceIntegral(l, in); err != nil {
			return err
		}
	}
	for _, tr := range s.lazy {
		if !slices.Contains(storages, tr.v.Storage) {
			continue
		}
		x, d, set, err := s.since(l, tr.v)
		if err != nil {
			return err
		}
		var nx int
		if tr.a == 0 {
			nx = l.pure(Add, "", x, l.pure(Mul, "", l.konst(tr.c), d))
		} else {
			e := l.pure(Call, "exp", l.pure(Mul, "", l.konst(tr.a), d))
			nx = l.pure(Add, "", l.pure(Mul, "", x, e), l.pure(Div, "", l.pure(Mul, "", l.konst(tr.c), l.pure(Sub, "", e, l.konst(1))), l.konst(tr.a)))
		}
		set(nx)
	}
	return nil
}

// since reads a lazy variable and the time elapsed since its last update;
// set stores its advanced value, and now as its last update, where time
// has elapsed.
func (s *synLowering) since(l *lowerer, v *ir.Var) (x, d int, set func(nx int), err error) {
	xs, err := l.vars(v, ir.Own)
	if err != nil {
		return 0, 0, nil, err
	}
	ls := slot{arr: s.last[v], idx: xs.idx}
	x, last := l.read(xs), l.read(ls)
	t := l.emit(Op{Code: Time, Type: Float, Arr: -1})
	d = l.pure(Sub, "", t, last)
	set = func(nx int) {
		ok := l.pure(Gt, "", d, l.konst(0))
		l.write(xs, l.pure(Select, "", ok, nx, x))
		l.write(ls, l.pure(Select, "", ok, t, last))
	}
	return x, d, set, nil
}

// advanceIntegral adds to w its equation's integral since its last event.
func (s *synLowering) advanceIntegral(l *lowerer, in lazyIntegral) error {
	w, d, set, err := s.since(l, in.v)
	if err != nil {
		return err
	}
	nw := w
	for _, term := range in.terms {
		x := l.konst(term.coef)
		for _, f := range term.factors {
			fs, err := l.vars(f, ir.Own)
			if err != nil {
				return err
			}
			x = l.pure(Mul, "", x, l.read(fs))
		}
		if term.rate == 0 {
			x = l.pure(Mul, "", x, d)
		} else {
			e := l.pure(Call, "exp", l.pure(Mul, "", l.konst(term.rate), d))
			x = l.pure(Div, "", l.pure(Mul, "", x, l.pure(Sub, "", e, l.konst(1))), l.konst(term.rate))
		}
		nw = l.pure(Add, "", nw, x)
	}
	set(nw)
	return nil
}

// tick lowers the clock-driven state: a variable integrated alone is
// x <- p·x + r (its exact one-step solution); a coupled or nonlinear system
// is integrated element by element from its variables' old values.
func (s *synLowering) tick() ([]*Loop, error) {
	m := s.ip.Synapse
	ode := map[*ir.Var]*ir.ODE{}
	for _, o := range m.ODEs {
		ode[o.Var] = o
	}
	inSystem := SystemVars(m)
	dt := s.b.p.Dt
	var loops []*Loop
	for _, v := range m.Vars {
		o := ode[v]
		if v.Kind != ir.State || o == nil || inSystem[v] != nil || v.Lazy {
			continue
		}
		a, c, err := traceOf(v, o)
		if err != nil {
			return nil, err
		}
		p, r := 1.0, c*dt
		if a != 0 {
			e := math.Exp(a * dt)
			p, r = e, c*(e-1)/a
		}
		l, err := s.loop(v.Name+" (clock)", spaceOf(v.Storage), func(l *lowerer) error {
			xs, err := l.vars(v, ir.Own)
			if err != nil {
				return err
			}
			l.write(xs, l.pure(Add, "", l.pure(Mul, "", l.konst(p), l.read(xs)), l.konst(r)))
			return nil
		})
		if err != nil {
			return nil, err
		}
		loops = append(loops, l)
	}
	for _, sys := range m.Update {
		if inSystem[sys.Vars[0]] != sys {
			continue
		}
		if err := CheckClockSystem(sys); err != nil {
			return nil, err
		}
		names := make([]string, len(sys.Vars))
		for j, v := range sys.Vars {
			names[j] = v.Name
		}
		name := fmt.Sprintf("%s (%s)", strings.Join(names, ","), sys.Method)
		l, err := s.loop(name, spaceOf(sys.Vars[0].Storage), func(l *lowerer) error {
			switch sys.Method {
			case ir.Exact:
				if len(sys.Inputs) > 0 {
					return fmt.Errorf("the system of %s reads inputs, which synapses do not support", sys.Vars[0].Name)
				}
				x, slots, err := loadSystem(l, sys)
				if err != nil {
					return err
				}
				for j, rw := range ir.Rows(sys.P, sys.Q, sys.R) {
					l.write(slots[j], l.row(rw, x, nil, true))
				}
				return nil
			case ir.RK4:
				return s.b.rk4(l, nil, sys)
			case ir.Euler:
				_, err := s.b.euler(l, nil, sys, nil)
				return err
			}
			return fmt.Errorf("unknown method %s", sys.Method)
		})
		if err != nil {
			return nil, err
		}
		loops = append(loops, l)
	}
	return loops, nil
}

// sum lowers `summed = e`: every lazy trace a synapse reads advanced, then
// e added into the postsynaptic neuron's continuous port.
func (s *synLowering) sum() (*Loop, error) {
	port := -1
	for _, pt := range s.b.model[s.post].Ports {
		if pt.Name == s.ip.Port && pt.Kind == ir.ContPort && pt.Var != nil {
			port = s.b.popVar(s.post, pt.Var.Name)
		}
	}
	if port < 0 {
		return nil, fmt.Errorf("%s has no continuous port %s", s.ip.Post.Name, s.ip.Port)
	}
	return s.loop("summed", Synapses, func(l *lowerer) error {
		if err := s.advance(l, ir.PerSynapse, ir.PerPre, ir.PerPost); err != nil {
			return err
		}
		v, err := l.expr(InlineAliases(s.ip.Synapse.Summed))
		if err != nil {
			return err
		}
		ps := slot{arr: port, idx: Post, off: s.postOff}
		l.write(ps, l.pure(Add, "", l.read(ps), v))
		return nil
	})
}

// handler lowers on_pre (side PerPre) or on_post (PerPost) split by
// ir.SplitHandler: the side's statements before the synapse loop, the
// per-synapse ones, the side's statements after it. Each loop first
// advances the lazy traces its event touches: the spiking side's, then per
// synapse its own and the other side's.
func (s *synLowering) handler(name string, ss []ir.Stmt, side ir.Storage) ([]*Loop, error) {
	before, each, after, err := ir.SplitHandler(ss, side)
	if err != nil {
		return nil, err
	}
	spikes, syns, other := PreSpikes, PreSynapses, ir.PerPost
	if side == ir.PerPost {
		spikes, syns, other = PostSpikes, PostSynapses, ir.PerPre
	}
	var loops []*Loop
	for _, part := range []struct {
		name    string
		space   Space
		advance []ir.Storage
		ss      []ir.Stmt
	}{
		{name, spikes, []ir.Storage{side}, before},
		{name + " per synapse", syns, []ir.Storage{ir.PerSynapse, other}, each},
		{name + " after", spikes, nil, after},
	} {
		l, err := s.loop(part.name, part.space, func(l *lowerer) error {
			if err := s.advance(l, part.advance...); err != nil {
				return err
			}
			return l.stmts(part.ss)
		})
		if err != nil {
			return nil, err
		}
		if len(l.Ops) > 0 {
			loops = append(loops, l)
		}
	}
	return loops, nil
}

// normalize lowers synaptic scaling: each postsynaptic neuron's incoming
// values (their squares for l2), summed from 0 in presynaptic order, and
// when the sum is not <= 0 (sqrt of it for l2) each value times
// target/sum.
func (s *synLowering) normalize(n *ir.Normalize) ([]*Loop, error) {
	if n.Var == nil || n.Var.Storage != ir.PerSynapse {
		return nil, fmt.Errorf("normalize needs a per-synapse variable")
	}
	if _, ok := s.arr[n.Var]; !ok {
		return nil, fmt.Errorf("normalize: %s has no storage", n.Var.Name)
	}
	sums := s.b.array(&Array{Name: s.pr.Name + ".normalize", Kind: Scratch, Len: s.postN, Owner: s.pr.Name})
	ss := slot{arr: sums, idx: Post}
	l2 := n.Func == "l2"
	clear, err := s.loop("normalize: clear", PostNeurons, func(l *lowerer) error {
		l.write(ss, l.konst(0))
		return nil
	})
	if err != nil {
		return nil, err
	}
	sum, err := s.loop("normalize: sum", Synapses, func(l *lowerer) error {
		x := l.read(slot{arr: s.arr[n.Var]})
		if l2 {
			x = l.pure(Mul, "", x, x)
		}
		l.write(ss, l.pure(Add, "", l.read(ss), x))
		return nil
	})
	if err != nil {
		return nil, err
	}
	scale, err := s.loop("normalize: scale", Synapses, func(l *lowerer) error {
		sum := l.read(ss)
		ok := l.pure(Not, "", l.pure(Le, "", sum, l.konst(0)))
		if l2 {
			sum = l.pure(Call, "sqrt", sum)
		}
		f := l.pure(Div, "", l.konst(n.Target), sum)
		xs := slot{arr: s.arr[n.Var]}
		x := l.read(xs)
		l.write(xs, l.pure(Select, "", ok, l.pure(Mul, "", x, f), x))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return []*Loop{clear, sum, scale}, nil
}
