package gosim

import (
	"fmt"
	"math"
	"sort"

	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/plan"
	"github.com/snnc/snnc/runtime"
)

// plastic sets up a projection with a synapse model: its state arrays by
// storage class and their initial values, and the plan's synapse loops
// (plan.Synapse) made executable over them and the populations' arrays
// (ops.go). The loops are the semantics: lazy traces advanced at events,
// per-pre (per-post) statements once per presynaptic (postsynaptic) spike.
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
	var pp *plan.Proj
	for _, x := range s.plan.Projs {
		if x.Name == pr.name {
			pp = x
		}
	}
	if pp == nil || pp.Syn == nil {
		return fmt.Errorf("internal: the plan has no synapse loops for %s", pr.name)
	}
	for _, v := range m.Vars {
		if v.Kind != ir.State {
			continue
		}
		pr.vals[v] = make([]float64, pr.storageLen(v.Storage))
	}
	// the state the handlers write is checked at each event
	pr.written = ir.WrittenVars(m)
	if len(m.OnPost) > 0 || len(m.OnMod) > 0 || ip.Normalize != nil {
		if err := pr.columns(); err != nil {
			return err
		}
	}
	if ip.Normalize != nil {
		pr.norm = ip.Normalize
		pr.normEvery = pp.NormalizeEvery
	}
	la, err := pr.synArrays(s)
	if err != nil {
		return err
	}
	if err := s.initState(pr.name, la, func(e *loopExec) { (&synLoop{e: e, onlyI: plan.OwnElementOnly(e.l)}).run(pr, 0, 0) }); err != nil {
		return err
	}
	return pr.synLoops(la, pp.Syn, ip, byName)
}

// storageLen is the number of elements of synapse state stored so.
func (pr *proj) storageLen(st ir.Storage) int {
	switch st {
	case ir.PerPre:
		return pr.pre.size()
	case ir.PerPost:
		return pr.post.n
	}
	return int(pr.nsyn)
}

// synArrays are the arrays the synapse loops run over, by plan array ID:
// the projection's state, its lazy traces' last update times and its
// scratch, and the arrays of the populations on either side.
func (pr *proj) synArrays(s *sim) (*loopArrays, error) {
	la := &loopArrays{meta: s.plan.Arrays, f64: make([][]float64, len(s.plan.Arrays)), vars: make([]string, len(s.plan.Arrays)), refArr: -1, seed: s.seed}
	pops := []*pop{pr.post.p}
	if p, ok := pr.pre.(*part); ok {
		pops = append(pops, p.p)
	}
	for _, p := range pops {
		for id, a := range p.la.f64 {
			if a != nil {
				la.f64[id], la.vars[id] = a, p.la.vars[id]
			}
		}
	}
	for _, a := range s.plan.Arrays {
		if a.Owner != pr.name {
			continue
		}
		switch a.Kind {
		case plan.SynapseState, plan.PreState, plan.PostState:
			vals, ok := pr.vals[a.Var]
			if !ok {
				return nil, fmt.Errorf("internal: no storage for %s", a.Name)
			}
			la.f64[a.ID] = vals
		case plan.LastUpdate:
			last := make([]float64, pr.storageLen(a.Var.Storage))
			la.f64[a.ID] = last
			// kept for the memory summary and the tests
			pr.lazy = append(pr.lazy, &lazyVar{v: a.Var, vals: pr.vals[a.Var], last: last, kind: a.Var.Storage})
		case plan.Scratch:
			la.f64[a.ID] = make([]float64, max(0, a.Len))
		default:
			continue
		}
		if a.Var != nil {
			la.vars[a.ID] = a.Var.Name
		}
	}
	return la, nil
}

// synLoop is one of the plan's synapse loops made executable. proj's
// fields from before the plan (proj.go) hold them: the tick's loops in
// clocked, the summed output, normalisation and catch-up in systems.
type synLoop struct {
	kind plan.PhaseKind
	e    *loopExec
	x    lanes
	// onlyI: the loop reads and writes only the synapse's own elements, so a
	// loop over synapses runs straight over [0, nsyn)
	onlyI bool
}

type (
	clockVar = synLoop
	clockSys = synLoop
)

// synLoops compiles the synapse model's loops: tick, sum, normalisation
// and catch-up as loops over their space; on_pre, on_post and each bound
// on_modulator as kernels run per spike and synapse.
func (pr *proj) synLoops(la *loopArrays, syn *plan.Synapse, ip *ir.Projection, byName map[string]node) error {
	compile := func(kind plan.PhaseKind, l *plan.Loop) (*synLoop, error) {
		e, err := compileLoop(l, la, false)
		if err != nil {
			return nil, fmt.Errorf("synapse %s: %w", pr.syn.Type, err)
		}
		sl := &synLoop{kind: kind, e: e, onlyI: plan.OwnElementOnly(l)}
		for _, op := range l.Ops {
			if op.Code == plan.Send && pr.port == nil {
				return nil, fmt.Errorf("synapse %s delivers but drives a summed port", pr.syn.Type)
			}
		}
		e.send = func(v float64) { pr.port.receive(&pr.portCx, e.post+pr.post.off, v) }
		return sl, nil
	}
	pr.tickLate = syn.TickLate
	for _, l := range syn.Tick {
		sl, err := compile(plan.Tick, l)
		if err != nil {
			return err
		}
		pr.clocked = append(pr.clocked, sl)
	}
	for kind, ls := range map[plan.PhaseKind][]*plan.Loop{plan.Sum: {syn.Sum}, plan.Normalize: syn.Normalize, plan.CatchUp: syn.CatchUp} {
		for _, l := range ls {
			if l == nil {
				continue
			}
			sl, err := compile(kind, l)
			if err != nil {
				return err
			}
			pr.systems = append(pr.systems, sl)
		}
	}
	// keep the plan's order within each kind
	sort.SliceStable(pr.systems, func(a, b int) bool { return pr.systems[a].kind < pr.systems[b].kind })
	var err error
	if pr.onPreOne, pr.onPre, pr.onPreAfter, err = pr.handler(syn.OnPre, plan.PreSpikes, compile); err != nil {
		return err
	}
	if pr.onPostOne, pr.onPost, pr.onPostAfter, err = pr.handler(syn.OnPost, plan.PostSpikes, compile); err != nil {
		return err
	}
	pr.onMod, pr.modSrc = map[string]kernel{}, map[string]node{}
	for _, m := range syn.Mods {
		pr.modSrc[m.Name] = byName[m.Source]
		if m.PerPost {
			var h postHandler
			if h.one, h.each, h.after, err = pr.handler(m.Loops, plan.PostSpikes, compile); err != nil {
				return err
			}
			if pr.modPost == nil {
				pr.modPost = map[string]postHandler{}
			}
			pr.modPost[m.Name], pr.onMod[m.Name] = h, func(*ctx) {}
			continue
		}
		sl, err := compile(plan.Modulate, m.Loop)
		if err != nil {
			return err
		}
		pr.onMod[m.Name] = sl.kernel()
	}
	if ip.Synapse.Summed != nil && len(pr.systems) == 0 {
		return fmt.Errorf("internal: no summed loop for %s", pr.name)
	}
	return nil
}

// handler makes an event's loops kernels, split as plan.SplitEvent does.
func (pr *proj) handler(loops []*plan.Loop, spikes plan.Space, compile func(plan.PhaseKind, *plan.Loop) (*synLoop, error)) (one, each, after kernel, err error) {
	ls := [3]*plan.Loop{}
	ls[0], ls[1], ls[2] = plan.SplitEvent(loops, spikes)
	ks := [3]kernel{}
	for j, l := range ls {
		ks[j] = func(*ctx) {}
		if l != nil {
			sl, err := compile(plan.Deliver, l)
			if err != nil {
				return nil, nil, nil, err
			}
			ks[j] = sl.kernel()
		}
	}
	return ks[0], ks[1], ks[2], nil
}

// kernel runs the loop for the context's element: its synapse c.i with
// c.pre and c.post, or the spiking neuron of a spike's loop.
func (sl *synLoop) kernel() kernel {
	e := sl.e
	return func(c *ctx) {
		e.start(c.n, c.t)
		e.pre, e.post = c.pre, c.post
		i := c.i
		switch e.l.Space {
		case plan.PreSpikes:
			i = c.pre
		case plan.PostSpikes:
			i = c.post
		}
		e.elem(i, 0, &sl.x)
	}
}

// run runs a loop that needs no event over its space at step n, time t.
func (sl *synLoop) run(pr *proj, n int, t float64) {
	e := sl.e
	e.start(n, t)
	switch e.l.Space {
	case plan.PreNeurons:
		for i := 0; i < pr.pre.size(); i++ {
			e.pre = i
			e.elem(i, 0, &sl.x)
		}
	case plan.PostNeurons:
		for j := 0; j < pr.post.n; j++ {
			e.post = j
			e.elem(j, 0, &sl.x)
		}
	case plan.Synapses:
		if sl.onlyI {
			for i := range int(pr.nsyn) {
				e.elem(i, 0, &sl.x)
			}
			return
		}
		for i := 0; i < pr.pre.size(); i++ {
			first, targets := pr.row(i)
			e.pre = i
			for k, j := range targets {
				e.post = int(j)
				e.elem(int(first)+k, 0, &sl.x)
			}
		}
	}
}

// runKind runs the non-event loops of one kind, in the plan's order.
func (pr *proj) runKind(kind plan.PhaseKind, s *sim) {
	for _, sl := range pr.systems {
		if sl.kind == kind {
			sl.run(pr, s.n, s.t)
		}
	}
}

func (pr *proj) preSpike(s *sim, i int, first int64, targets []int32) {
	c := &pr.cx
	c.t, c.pre, c.post, c.i = s.t, i, -1, -1
	pr.onPreOne(c)
	pr.checkSynapse(c)
	for k, j := range targets {
		c.i, c.post = int(first)+k, int(j)
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
		pr.colPtr, pr.colSyn = rt.Columns(pr.post.n, rowPtr, func(int) []int32 { return pr.all })
		return nil
	}
	pr.colPtr, pr.colSyn = rt.Columns(pr.post.n, pr.rowPtr(), func(i int) []int32 { _, t := pr.row(i); return t })
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
	return rt.PreOf(pr.rowPtr(), syn)
}

func (pr *proj) postSpikes(s *sim) {
	if pr.syn == nil || len(pr.syn.OnPost) == 0 {
		return
	}
	pr.perPost(s, pr.post.fired(), postHandler{pr.onPostOne, pr.onPost, pr.onPostAfter})
}

// postHandler is an event's kernels for a postsynaptic neuron: once before
// its synapses, each synapse onto it, once after.
type postHandler struct{ one, each, after kernel }

// perPost runs h for each neuron j of spikes, on the synapses onto
// postsynaptic neuron j: on_post, and modulators bound one_to_one.
func (pr *proj) perPost(s *sim, spikes []int32, h postHandler) {
	c := &pr.cx
	c.t, c.n = s.t, s.n
	for _, j := range spikes {
		c.i, c.pre, c.post = -1, -1, int(j)
		h.one(c)
		for k := pr.colPtr[j]; k < pr.colPtr[j+1]; k++ {
			syn := int64(pr.colSyn[k])
			c.i, c.pre = int(syn), pr.preOf(syn)
			h.each(c)
			pr.checkSynapse(c)
		}
		c.i, c.pre = -1, -1
		h.after(c)
	}
}

func (pr *proj) modulate(s *sim) {
	if pr.syn == nil {
		return
	}
	c := &pr.cx
	c.t, c.n = s.t, s.n
	for _, name := range sortedNames(pr.onMod) { // map order is random; runs must not be
		if h, ok := pr.modPost[name]; ok {
			pr.perPost(s, pr.modSrc[name].fired(), h)
			continue
		}
		k := pr.onMod[name]
		for range pr.modSrc[name].fired() {
			for i := 0; i < pr.pre.size(); i++ {
				first, targets := pr.row(i)
				for m, j := range targets {
					c.i, c.pre, c.post = int(first)+m, i, int(j)
					k(c)
					pr.checkSynapse(c)
				}
			}
		}
	}
}

// normalize rescales each postsynaptic neuron's incoming values so they sum
// to the target (synaptic scaling): the plan's loops.
func (pr *proj) normalize(s *sim) {
	if pr.norm == nil || s.n%pr.normEvery != 0 {
		return
	}
	pr.runKind(plan.Normalize, s)
}

// catchUp advances every lazy trace to the current time.
func (pr *proj) catchUp(s *sim) { pr.runKind(plan.CatchUp, s) }

// tick advances clock-driven synaptic state by one step.
func (pr *proj) tick(s *sim) {
	for _, sl := range pr.clocked {
		sl.run(pr, s.n, s.t)
	}
}

// sum drives the continuous port: every step, each postsynaptic neuron
// receives the sum of the synapse type's `summed` expression over its
// synapses, in presynaptic order (lazy traces advanced to now).
func (pr *proj) sum(s *sim) { pr.runKind(plan.Sum, s) }

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
			pr.err = rt.NonFiniteSynapse(pr.name, v.Name, storageSide(v.Storage), c.i, c.pre, c.post, x, c.t)
			return
		}
	}
}

// storageSide maps a variable's storage to runtime's names for it.
func storageSide(s ir.Storage) int {
	switch s {
	case ir.PerPre:
		return rt.OnPre
	case ir.PerPost:
		return rt.OnPost
	}
	return rt.OnSynapse
}
