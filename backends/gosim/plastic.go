package gosim

import (
	"fmt"
	"math"
	"sort"

	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/plan"
	"github.com/snnc/snnc/runtime"
)

// plastic sets up a projection with a synapse model: state arrays by
// storage class, lazy traces, and the kernels. Statements that only change
// per-pre (per-post) state run once per presynaptic (postsynaptic) spike,
// not once per synapse.
func (pr *proj) plastic(s *sim, ip *ir.Projection, byName map[string]node) error {
	m := ip.Synapse
	pr.syn = m
	pr.vals = map[*ir.Var][]float64{}
	if pr.proc != nil && pr.procPtr == nil {
		return fmt.Errorf("a plastic projection needs numbered synapses")
	}
	if ip.Weight != nil {
		w, ok := ir.ConstValue(ip.Weight)
		if !ok {
			return fmt.Errorf("the weight of a projection with a synapse type must be a constant")
		}
		pr.weight = w
	}
	pr.cx.weight = pr.weight
	ode := map[*ir.Var]*ir.ODE{}
	for _, o := range m.ODEs {
		ode[o.Var] = o
	}
	// variables of coupled or nonlinear systems are integrated together,
	// every step, element by element
	inSystem := map[*ir.Var]*ir.System{}
	for _, sys := range m.Update {
		if len(sys.Vars) > 1 || sys.Method != ir.Exact {
			for _, v := range sys.Vars {
				inSystem[v] = sys
			}
		}
	}
	for _, v := range m.Vars {
		if v.Kind != ir.State {
			continue
		}
		n := int(pr.nsyn)
		switch v.Storage {
		case ir.PerPre:
			n = pr.pre.size()
		case ir.PerPost:
			n = pr.post.n
		}
		pr.vals[v] = make([]float64, n)
		if o := ode[v]; o != nil && inSystem[v] == nil {
			lv, err := lazyOf(v, o, pr.vals[v])
			if err != nil {
				return fmt.Errorf("synapse %s: %w", m.Type, err)
			}
			if v.Lazy {
				pr.lazy = append(pr.lazy, lv)
			} else {
				pr.clocked = append(pr.clocked, lv.clocked(s.dt))
			}
		}
	}
	cp := &compiler{slot: pr.slot}
	if err := pr.init(s, cp); err != nil {
		return err
	}
	for _, sys := range m.Update {
		if inSystem[sys.Vars[0]] != sys {
			continue
		}
		cs, err := pr.clockSystem(cp, sys, s.dt)
		if err != nil {
			return fmt.Errorf("synapse %s: %w", m.Type, err)
		}
		pr.systems = append(pr.systems, cs)
	}
	sc := &stmtCompiler{compiler: &compiler{slot: pr.slot, noRandom: "in a synapse's handler"}, target: pr.target, deliver: func(c *ctx, v float64) {
		pr.portCx.t = c.t
		pr.port.receive(&pr.portCx, c.post+pr.post.off, v)
	}}
	var err error
	if pr.onPreOne, pr.onPre, pr.onPreAfter, err = pr.split(sc, m.OnPre, ir.PerPre); err != nil {
		return fmt.Errorf("synapse %s, on pre: %w", m.Type, err)
	}
	if pr.onPostOne, pr.onPost, pr.onPostAfter, err = pr.split(sc, m.OnPost, ir.PerPost); err != nil {
		return fmt.Errorf("synapse %s, on post: %w", m.Type, err)
	}
	pr.onMod, pr.modSrc = map[string]kernel{}, map[string]node{}
	for name, ss := range m.OnMod {
		k, err := sc.stmts(ss)
		if err != nil {
			return fmt.Errorf("synapse %s, on modulator %s: %w", m.Type, name, err)
		}
		src, ok := ip.Modulators[name]
		if !ok {
			continue // no source bound: the handler never runs
		}
		pr.onMod[name], pr.modSrc[name] = k, byName[src.Name()]
	}
	// the state the handlers write is checked at each event
	pr.written = ir.WrittenVars(m)
	if m.Summed != nil {
		f, err := (&compiler{slot: pr.slot, noRandom: "in a summed output"}).expr(plan.InlineAliases(m.Summed))
		if err != nil {
			return fmt.Errorf("synapse %s, summed: %w", m.Type, err)
		}
		pr.summed = f
	}
	if len(m.OnPost) > 0 || len(m.OnMod) > 0 || ip.Normalize != nil {
		if err := pr.columns(); err != nil {
			return err
		}
	}
	if ip.Normalize != nil {
		if ip.Normalize.Var == nil || ip.Normalize.Var.Storage != ir.PerSynapse {
			return fmt.Errorf("normalize needs a per-synapse variable")
		}
		pr.norm = ip.Normalize
		pr.normEvery = plan.Every(ip.Normalize.Every, s.dt)
	}
	return nil
}

// lazyOf reads the 1-variable linear equation x' = a·x + c of a trace.
func lazyOf(v *ir.Var, o *ir.ODE, vals []float64) (*lazyVar, error) {
	l, bad, ok := ir.Linearize([]*ir.Var{v}, []ir.Expr{o.Rhs})
	if !ok || len(l.Inputs) > 0 {
		what := "inputs"
		if bad != nil {
			what = ir.ExprString(bad)
		}
		return nil, fmt.Errorf("%s' is not a linear trace (%s); only those are event-driven", v.Name, what)
	}
	return &lazyVar{v: v, vals: vals, last: make([]float64, len(vals)), a: l.A[0][0], c: l.C[0], kind: v.Storage}, nil
}

// slot resolves synapse-model variables for the scalar closures.
func (pr *proj) slot(r *ir.Ref) ([]float64, func(c *ctx) int, error) {
	switch r.Side {
	case ir.Pre:
		p, ok := pr.pre.(*part)
		if !ok {
			return nil, nil, fmt.Errorf("pre.%s: the presynaptic side is an input", r.Var.Name)
		}
		vals := p.vals(r.Var)
		if vals == nil {
			return nil, nil, fmt.Errorf("pre.%s has no storage", r.Var.Name)
		}
		return vals, func(c *ctx) int { return c.pre }, nil
	case ir.Post:
		vals := pr.post.vals(r.Var)
		if vals == nil {
			return nil, nil, fmt.Errorf("post.%s has no storage", r.Var.Name)
		}
		return vals, func(c *ctx) int { return c.post }, nil
	}
	vals, ok := pr.vals[r.Var]
	if !ok {
		return nil, nil, fmt.Errorf("%s has no storage in synapse %s", r.Var.Name, pr.syn.Type)
	}
	switch r.Var.Storage {
	case ir.PerPre:
		return vals, func(c *ctx) int { return c.pre }, nil
	case ir.PerPost:
		return vals, func(c *ctx) int { return c.post }, nil
	}
	return vals, nil, nil
}

func (pr *proj) target(v *ir.Var) (target, error) {
	vals, index, err := pr.slot(&ir.Ref{Var: v})
	if err != nil {
		return target{}, err
	}
	return target{vals: vals, index: index}, nil
}

// init draws initial values, one stream per variable.
func (pr *proj) init(s *sim, cp *compiler) error {
	for _, v := range pr.syn.Vars {
		if v.Kind != ir.State || v.Init == nil {
			continue
		}
		f, err := cp.expr(plan.InlineAliases(v.Init))
		if err != nil {
			return fmt.Errorf("initial value of %s: %w", v.Name, err)
		}
		c := &ctx{rng: runtime.NewStream(s.seed, runtime.Hash("init", pr.name, v.Name)), weight: pr.weight}
		vals := pr.vals[v]
		if v.Storage != ir.PerSynapse {
			for i := range vals {
				c.i, c.pre, c.post = i, i, i
				vals[i] = f(c)
			}
			continue
		}
		for i := 0; i < pr.pre.size(); i++ {
			first, targets := pr.row(i)
			for k, j := range targets {
				c.i, c.pre, c.post = int(first)+k, i, int(j)
				vals[c.i] = f(c)
			}
		}
	}
	return nil
}

// split compiles a handler split by ir.SplitHandler: statements on
// per-side state once per spike (before and after the synapse loop), the
// rest per synapse.
func (pr *proj) split(sc *stmtCompiler, ss []ir.Stmt, side ir.Storage) (one, each, after kernel, err error) {
	before, per, later, err := ir.SplitHandler(ss, side)
	if err != nil {
		return nil, nil, nil, err
	}
	if one, err = sc.stmts(before); err != nil {
		return nil, nil, nil, err
	}
	if after, err = sc.stmts(later); err != nil {
		return nil, nil, nil, err
	}
	each, err = sc.stmts(per)
	return one, each, after, err
}

// advance brings the lazy traces an event touches up to now.
func (pr *proj) advance(t float64, syn, pre, post int) {
	for _, l := range pr.lazy {
		switch l.kind {
		case ir.PerPre:
			if pre >= 0 {
				l.advance(pre, t)
			}
		case ir.PerPost:
			if post >= 0 {
				l.advance(post, t)
			}
		default:
			if syn >= 0 {
				l.advance(syn, t)
			}
		}
	}
}

func (pr *proj) preSpike(s *sim, i int, first int64, targets []int32) {
	c := &pr.cx
	c.t, c.pre, c.post, c.i = s.t, i, -1, -1
	pr.advance(s.t, -1, i, -1)
	pr.onPreOne(c)
	pr.checkSynapse(c)
	for k, j := range targets {
		c.i, c.post = int(first)+k, int(j)
		pr.advance(s.t, c.i, -1, c.post)
		pr.onPre(c)
		pr.checkSynapse(c)
	}
	c.i, c.post = -1, -1
	pr.onPreAfter(c)
}

// columns indexes synapses by postsynaptic neuron.
func (pr *proj) columns() error {
	if pr.nsyn > math.MaxInt32 {
		return fmt.Errorf("%d synapses with on_post: more than the 2^31 an int32 column index holds", pr.nsyn)
	}
	if pr.all != nil {
		rowPtr := make([]int64, pr.pre.size()+1)
		for i := range rowPtr {
			rowPtr[i] = int64(i) * int64(len(pr.all))
		}
		pr.colPtr, pr.colSyn = runtime.Columns(pr.post.n, rowPtr, func(int) []int32 { return pr.all })
		return nil
	}
	pr.colPtr, pr.colSyn = runtime.Columns(pr.post.n, pr.rowPtr(), func(i int) []int32 { _, t := pr.row(i); return t })
	return nil
}

// rowPtr is the first synapse of each row of stored or procedural rows.
func (pr *proj) rowPtr() []int64 {
	if pr.csr != nil {
		return pr.csr.RowPtr
	}
	return pr.procPtr
}

// preOf finds the presynaptic neuron of synapse s.
func (pr *proj) preOf(syn int64) int {
	if pr.all != nil {
		return int(syn / int64(len(pr.all)))
	}
	return runtime.PreOf(pr.rowPtr(), syn)
}

func (pr *proj) postSpikes(s *sim) {
	if pr.syn == nil || len(pr.syn.OnPost) == 0 {
		return
	}
	c := &pr.cx
	c.t = s.t
	for _, j := range pr.post.fired() {
		c.i, c.pre, c.post = -1, -1, int(j)
		pr.advance(s.t, -1, -1, int(j))
		pr.onPostOne(c)
		for k := pr.colPtr[j]; k < pr.colPtr[j+1]; k++ {
			syn := int64(pr.colSyn[k])
			c.i, c.pre = int(syn), pr.preOf(syn)
			pr.advance(s.t, c.i, c.pre, -1)
			pr.onPost(c)
			pr.checkSynapse(c)
		}
		c.i, c.pre = -1, -1
		pr.onPostAfter(c)
	}
}

func (pr *proj) modulate(s *sim) {
	if pr.syn == nil {
		return
	}
	c := &pr.cx
	c.t = s.t
	for _, name := range sortedNames(pr.onMod) { // map order is random; runs must not be
		k := pr.onMod[name]
		for range pr.modSrc[name].fired() {
			for i := 0; i < pr.pre.size(); i++ {
				first, targets := pr.row(i)
				for m, j := range targets {
					c.i, c.pre, c.post = int(first)+m, i, int(j)
					pr.advance(s.t, c.i, c.pre, c.post)
					k(c)
					pr.checkSynapse(c)
				}
			}
		}
	}
}

// normalize rescales each postsynaptic neuron's incoming values so they sum
// to the target (synaptic scaling).
func (pr *proj) normalize(s *sim) {
	if pr.norm == nil || s.n%pr.normEvery != 0 {
		return
	}
	vals := pr.vals[pr.norm.Var]
	l2 := pr.norm.Func == "l2"
	for j := 0; j < pr.post.n; j++ {
		sum := 0.0
		for k := pr.colPtr[j]; k < pr.colPtr[j+1]; k++ {
			if x := vals[pr.colSyn[k]]; l2 {
				sum += x * x
			} else {
				sum += x
			}
		}
		if sum <= 0 {
			continue
		}
		if l2 {
			sum = math.Sqrt(sum)
		}
		f := pr.norm.Target / sum
		for k := pr.colPtr[j]; k < pr.colPtr[j+1]; k++ {
			vals[pr.colSyn[k]] *= f
		}
	}
}

// catchUp advances every lazy trace to the current time.
func (pr *proj) catchUp(s *sim) {
	for _, l := range pr.lazy {
		for i := range l.vals {
			l.advance(i, s.t)
		}
	}
}

// clockVar is synaptic state integrated every step: x <- p·x + r.
type clockVar struct {
	vals []float64
	p, r float64
}

// clocked is the one-step form of a trace's exact solution.
func (l *lazyVar) clocked(dt float64) *clockVar {
	if l.a == 0 {
		return &clockVar{vals: l.vals, p: 1, r: l.c * dt}
	}
	e := math.Exp(l.a * dt)
	return &clockVar{vals: l.vals, p: e, r: l.c * (e - 1) / l.a}
}

// tick advances clock-driven synaptic state by one step.
func (pr *proj) tick() {
	for _, l := range pr.clocked {
		for i, x := range l.vals {
			l.vals[i] = l.p*x + l.r
		}
	}
	for _, cs := range pr.systems {
		cs.step()
	}
}

// clockSys integrates a coupled or nonlinear system of per-synapse
// variables every step, one synapse at a time (each synapse's equations
// read only its own state, so updating in place is safe).
type clockSys struct {
	vals    [][]float64
	rhs     []sfn
	method  ir.Method
	rows    []ir.Row // exact: propagator rows
	dt      float64
	x0, k   []float64
	acc, xs []float64
	c       ctx
}

func (pr *proj) clockSystem(cp *compiler, sys *ir.System, dt float64) (*clockSys, error) {
	cs := &clockSys{method: sys.Method, dt: dt}
	if err := plan.CheckClockSystem(sys); err != nil {
		return nil, err
	}
	for _, v := range sys.Vars { // one storage for the whole system: element e of each
		cs.vals = append(cs.vals, pr.vals[v])
	}
	for _, o := range sys.ODEs {
		f, err := cp.expr(plan.InlineAliases(o.Rhs))
		if err != nil {
			return nil, err
		}
		cs.rhs = append(cs.rhs, f)
	}
	if sys.Method == ir.Exact {
		if len(sys.Inputs) > 0 {
			return nil, fmt.Errorf("the system of %s reads inputs, which gosim does not support in synapses", sys.Vars[0].Name)
		}
		cs.rows = ir.Rows(sys.P, sys.Q, sys.R)
	}
	n := len(sys.Vars)
	cs.x0, cs.k, cs.acc, cs.xs = make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	return cs, nil
}

func (cs *clockSys) step() {
	if len(cs.vals) == 0 {
		return
	}
	c := &cs.c
	h := cs.dt
	for e := range cs.vals[0] {
		c.i, c.pre, c.post = e, e, e // every variable of the system has this storage
		if cs.method == ir.Exact {
			for j, v := range cs.vals {
				cs.xs[j] = v[e]
			}
			for j := range cs.rows {
				rw := &cs.rows[j]
				acc := 0.0
				for k, col := range rw.Xi {
					acc += rw.Xc[k] * cs.xs[col]
				}
				cs.vals[j][e] = acc + rw.R
			}
			continue
		}
		for j, v := range cs.vals {
			cs.x0[j] = v[e]
		}
		stage := func(frac, weight float64, first bool) {
			for j, f := range cs.rhs {
				cs.k[j] = f(c)
			}
			for j := range cs.vals {
				if first {
					cs.acc[j] = weight * cs.k[j]
				} else {
					cs.acc[j] += weight * cs.k[j]
				}
			}
			if frac > 0 {
				for j, v := range cs.vals {
					v[e] = cs.x0[j] + frac*h*cs.k[j]
				}
			}
		}
		if cs.method == ir.Euler {
			stage(0, 1, true)
		} else {
			stage(0.5, 1.0/6, true)
			stage(0.5, 2.0/6, false)
			stage(1, 2.0/6, false)
			stage(0, 1.0/6, false)
		}
		for j, v := range cs.vals {
			v[e] = cs.x0[j] + h*cs.acc[j]
		}
	}
}

func sortedNames[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// checkSynapse stops the run at the first NaN or infinite value a handler
// wrote into synapse c.i, naming the projection, the synapse and the time.
func (pr *proj) checkSynapse(c *ctx) {
	if pr.err != nil {
		return
	}
	for _, v := range pr.written {
		k := c.i
		switch v.Storage {
		case ir.PerPre:
			k = c.pre
		case ir.PerPost:
			k = c.post
		}
		if k < 0 {
			continue
		}
		if x := pr.vals[v][k]; x-x != 0 {
			pr.err = runtime.NonFiniteSynapse(pr.name, v.Name, storageSide(v.Storage), c.i, c.pre, c.post, x, c.t)
			return
		}
	}
}

// storageSide maps a variable's storage to runtime's names for it.
func storageSide(s ir.Storage) int {
	switch s {
	case ir.PerPre:
		return runtime.OnPre
	case ir.PerPost:
		return runtime.OnPost
	}
	return runtime.OnSynapse
}

// sum drives the continuous port: every step, each postsynaptic neuron
// receives the sum of the synapse type's `summed` expression over its
// synapses, in presynaptic order (lazy traces advanced to now).
func (pr *proj) sum(s *sim) {
	if pr.summed == nil {
		return
	}
	c := &pr.cx
	c.t = s.t
	off := pr.post.off
	for i := 0; i < pr.pre.size(); i++ {
		first, targets := pr.row(i)
		for m, j := range targets {
			c.i, c.pre, c.post = int(first)+m, i, int(j)
			pr.advance(s.t, c.i, c.pre, c.post)
			pr.sumPort[off+int(j)] += pr.summed(c)
		}
	}
}
