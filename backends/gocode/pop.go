package gocode

import (
	"fmt"
	"strings"

	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/plan"
)

// popGen is a population loop: one IR population, or a group of them with
// identical models (fuse) run as one index range. Its state is one
// []float64 per variable, fields p<k>v<j> (k: the population's index in the
// program, j: the variable's index in the model).
type popGen struct {
	g      *gen
	k      int
	ip     *ir.Population
	m      *ir.Model
	n      int
	field  map[*ir.Var]string
	byName map[string]*ir.Var // state and port variables by name
	// scratch names the field holding each of the population's Scratch
	// arrays of the plan (wta scores, recorded aliases), by array ID
	scratch   map[int]string
	stateVars []*ir.Var
	ports     map[string]*ir.Var // continuous ports
	events    map[string]*eventGen
	nonlinear map[*ir.Var]bool
	fused     bool
	// threshInLoop: a single thread tests the threshold in the update loop
	// (not fused: the reset waits for the synaptic events)
	threshInLoop bool
	fast         bool // the threshold is `variable op constant`
	parts        []*partGen
	finiteEvery  int // steps between NaN/Inf checks of exactly integrated variables (the plan's)
	dends        map[string]*dendGen
	dendOrder    []*dendGen      // simulated dendrites, in declaration order
	idleDends    map[string]bool // continuous dendrites nothing reads: not simulated
}

// partGen is one IR population as the rest of the network sees it: a range
// [off, off+n) of a population loop.
type partGen struct {
	k      int
	ip     *ir.Population
	pop    *popGen
	off, n int
}

func (pt *partGen) whole() bool { return pt.off == 0 && pt.n == pt.pop.n }

// fired is the part's spikes this step (indices within the part).
func (pt *partGen) fired() string {
	if pt.whole() {
		return fmt.Sprintf("s.p%dspk", pt.pop.k)
	}
	return fmt.Sprintf("s.q%dspk", pt.k)
}

// eventGen is an event port: a direct `x += weight` (or -=), or a kernel
// method.
type eventGen struct {
	direct *ir.Var
	op     string // += or -=
	method string
}

// fnb builds a function body, declaring the locals it uses at its top.
type fnb struct {
	buf
	decl  []string
	have  map[string]bool
	hints []string // after the locals: bounds-check hints
}

func newFn() *fnb { return &fnb{have: map[string]bool{}} }

func (f *fnb) local(name, init string) string {
	if !f.have[name] {
		f.have[name] = true
		f.decl = append(f.decl, name+" := "+init)
	}
	return name
}

// write emits the function: header line (ending in "{"), locals, body.
func (f *fnb) write(b *buf, header string) {
	b.line("%s", header)
	for _, d := range f.decl {
		b.line("%s", d)
	}
	for _, h := range f.hints {
		b.line("%s", h)
	}
	b.Write(f.Bytes())
	b.line("}")
	b.line("")
}

func (g *gen) newPop(k int, ip *ir.Population) (*popGen, error) {
	m := ip.Model
	pg := &popGen{g: g, k: k, ip: ip, m: m, field: map[*ir.Var]string{}, byName: map[string]*ir.Var{}, scratch: map[int]string{},
		ports: map[string]*ir.Var{}, events: map[string]*eventGen{}, nonlinear: map[*ir.Var]bool{}, idleDends: map[string]bool{}}
	members := []*ir.Population{ip}
	if ip.Members != nil {
		members = ip.Members
	}
	for _, mp := range members {
		off := 0
		if ip.Members != nil {
			off = mp.Offset
		}
		pg.parts = append(pg.parts, &partGen{k: g.popIndex(mp), ip: mp, pop: pg, off: off, n: mp.Size})
		pg.n += mp.Size
	}
	f := &g.fields
	f.line("")
	if len(members) > 1 {
		names := make([]string, len(members))
		for i, mp := range members {
			names[i] = mp.Name
		}
		f.line("// population %s (%s): %d neurons, one loop for %s", comment(ip.Name), comment(m.Name), pg.n, comment(strings.Join(names, ", ")))
	} else {
		f.line("// population %s (%s): %d neurons", comment(ip.Name), comment(m.Name), pg.n)
	}
	for j, v := range m.Vars {
		switch v.Kind {
		case ir.State, ir.ContinuousPort, ir.DendriteOut:
			name := fmt.Sprintf("p%dv%d", k, j)
			pg.field[v] = name
			pg.byName[v.Name] = v
			f.line("%s []float64 // %s", name, comment(v.Name))
			if v.Kind == ir.State {
				pg.stateVars = append(pg.stateVars, v)
			}
		}
	}
	f.line("p%dref []int32 // refractory while step < p%dref[i]", k, k)
	if m.Rising && m.Threshold != nil {
		f.line("p%drising []float64 // 1 where the rising threshold's condition held at the last threshold", k)
	}
	for _, a := range g.plan.Arrays {
		if a.Owner == ip.Name && a.Kind == plan.Scratch {
			f.line("p%dscr%d []float64 // %s", k, a.ID, comment(a.Name))
		}
	}
	f.line("p%dbad atomic.Bool // an RK4/Euler update wrote a NaN or Inf", k)
	f.line("p%dspk []int32 // this step's spikes", k)
	f.line("p%dparts [][]int32 // each thread's spikes", k)
	for _, pt := range pg.parts {
		if !pt.whole() {
			f.line("q%dspk []int32 // spikes of %s (neurons %d..%d of the loop)", pt.k, comment(pt.ip.Name), pt.off, pt.off+pt.n-1)
		}
		f.line("q%dcnt int64 // spikes of %s so far", pt.k, comment(pt.ip.Name))
	}
	for _, port := range m.Ports {
		if port.Kind == ir.ContPort {
			pg.ports[port.Name] = port.Var
		}
	}

	// allocation and initial values
	b := &g.build
	b.line("")
	b.line("// population %s", comment(ip.Name))
	for _, v := range m.Vars {
		if name, ok := pg.field[v]; ok {
			b.line("s.%s = make([]float64, %d)", name, pg.n)
		}
	}
	b.line("s.p%dref = make([]int32, %d)", k, pg.n)
	for _, a := range g.plan.Arrays {
		if a.Owner == ip.Name && a.Kind == plan.Scratch {
			b.line("s.p%dscr%d = make([]float64, %d)", k, a.ID, pg.n)
		}
	}
	if m.Rising && m.Threshold != nil {
		b.line("s.p%drising = make([]float64, %d)", k, pg.n)
	}
	if err := pg.init(); err != nil {
		return nil, err
	}
	if err := pg.dendrites(); err != nil {
		return nil, err
	}
	for j, port := range m.Ports {
		if port.Kind != ir.EventPort {
			continue
		}
		if v, sign, ok := plan.DirectAddOf(port.Body); ok {
			op := "+="
			if sign < 0 {
				op = "-="
			}
			if _, has := pg.field[v]; !has {
				return nil, fmt.Errorf("population %s, port %s: %s is not state of %s", ip.Name, port.Name, v.Name, ip.Name)
			}
			pg.events[port.Name] = &eventGen{direct: v, op: op}
			continue
		}
		method := fmt.Sprintf("port%d_%d", k, j)
		if err := pg.portMethod(method, port); err != nil {
			return nil, fmt.Errorf("population %s, port %s: %w", ip.Name, port.Name, err)
		}
		pg.events[port.Name] = &eventGen{method: method}
	}
	if err := pg.resetMethod(); err != nil {
		return nil, fmt.Errorf("population %s, reset: %w", ip.Name, err)
	}
	if err := pg.thresholdMethod(); err != nil {
		return nil, fmt.Errorf("population %s, threshold: %w", ip.Name, err)
	}
	pp := pg.planPop()
	if pp == nil {
		return nil, fmt.Errorf("population %s is not in the plan (a bug in snnc)", ip.Name)
	}
	pg.fast, pg.fused, pg.finiteEvery = pp.Simple != nil, pp.Fused, max(1, pp.FiniteEvery)
	for _, sys := range m.Update {
		if sys.Method != ir.Exact {
			for _, v := range sys.Vars {
				pg.nonlinear[v] = true
			}
		}
	}
	pg.threshInLoop = !pg.fused && pg.fast && m.Threshold != nil && len(m.Dendrites) == 0
	if err := pg.updateMethods(); err != nil {
		return nil, fmt.Errorf("population %s: %w", ip.Name, err)
	}
	pg.finiteMethod()
	return pg, nil
}

func (g *gen) popIndex(ip *ir.Population) int {
	for k, p := range g.p.Pops {
		if p == ip {
			return k
		}
	}
	return -1
}

func sideName(s ir.Side) string {
	if s == ir.Pre {
		return "pre"
	}
	return "post"
}

// init prints the plan's initial values of the population's variables,
// member by member, neuron by neuron.
func (pg *popGen) init() error {
	g := pg.g
	for _, in := range g.plan.Inits {
		for _, pt := range pg.parts {
			if in.Kind != plan.InitState || in.Target != pt.ip.Name {
				continue
			}
			f := newFn()
			p := pg.printer(f, "")
			if draws(in.Loop) {
				p.rng = f.local("rng", streamOf(in))
			}
			x, _, err := p.array(in.Arr)
			if err != nil {
				return err
			}
			idx := "i"
			if in.Off > 0 {
				idx = fmt.Sprintf("i+%d", in.Off)
			}
			p.result = func(b *buf, v string) { b.line("%s[%s] = %s", x, idx, v) }
			back := func() {}
			if v := pg.byName[in.Var]; v != nil {
				back = g.lineTo(&f.buf, v.Pos.Pos.File, v.Pos.Pos.Line)
			}
			f.line("for i := 0; i < %d; i++ {", in.Loop.N)
			if _, err := p.loop(&f.buf, in.Loop, "v", "i"); err != nil {
				return fmt.Errorf("population %s, initial value of %s: %w", pt.ip.Name, in.Var, err)
			}
			f.line("}")
			back()
			g.initBlock(f, comment(pt.ip.Name)+"."+comment(in.Var))
		}
	}
	return nil
}

// planPop is the population's entry in the plan.
func (pg *popGen) planPop() *plan.Pop {
	for _, pp := range pg.g.plan.Pops {
		if pp.Name == pg.ip.Name {
			return pp
		}
	}
	return nil
}

// printer prints the population's plan loops into f, its arrays sliced
// by slice ("[lo:hi]" or "").
func (pg *popGen) printer(f *fnb, slice string) *opsPrinter {
	base := ""
	if slice != "" {
		base = "lo"
	}
	return &opsPrinter{g: pg.g, f: f, where: "in a neuron's handler", base: base, array: func(id int) (string, bool, error) {
		if id < 0 || id >= len(pg.g.plan.Arrays) || pg.g.plan.Arrays[id].Owner != pg.ip.Name {
			return "", false, fmt.Errorf("array a%d is not one of %s", id, pg.ip.Name)
		}
		a := pg.g.plan.Arrays[id]
		if a.Kind == plan.Refractory {
			return f.local("ref", fmt.Sprintf("s.p%dref%s", pg.k, slice)), true, nil
		}
		if a.Kind == plan.RisingPrev {
			return f.local("rising", fmt.Sprintf("s.p%drising%s", pg.k, slice)), false, nil
		}
		if name, ok := pg.scratch[id]; ok { // wta scores, recorded aliases, dendrite inputs
			return f.local(name, "s."+name+slice), false, nil
		}
		if a.Kind == plan.Scratch { // an input port's event numbers
			return f.local(fmt.Sprintf("scr%d", a.ID), fmt.Sprintf("s.p%dscr%d%s", pg.k, a.ID, slice)), false, nil
		}
		name, ok := pg.field[a.Var]
		if !ok {
			return "", false, fmt.Errorf("no storage for %s in %s", a.Name, pg.ip.Name)
		}
		return f.local(name, "s."+name+slice), false, nil
	}}
}

// hints tells the compiler that every array f uses has ref's length: no
// bounds checks in the loop.
func (pg *popGen) hints(f *fnb, ref string) {
	for _, v := range pg.m.Vars {
		if name, ok := pg.field[v]; ok && f.have[name] {
			f.hints = append(f.hints, fmt.Sprintf("%s = %s[:len(%s)]", name, name, ref))
		}
	}
}

// portMethod writes the handler of an event port from the plan (the loop
// of the first projection onto it; none: nothing calls it).
func (pg *popGen) portMethod(method string, port *ir.Port) error {
	for _, pr := range pg.g.plan.Projs {
		if h := pr.Handler; h != nil && h.Over == pg.ip.Name && pr.Port == port.Name {
			f := newFn()
			p := pg.printer(f, "")
			p.file, p.line = port.Pos.Pos.File, port.Pos.Pos.Line
			if _, err := p.loop(&f.buf, h, "pt", "i"); err != nil {
				return err
			}
			f.write(&pg.g.funcs, fmt.Sprintf("// %s runs port %s of %s for neuron i and weight w.\nfunc (s *sim) %s(i int, w float64) {", method, comment(port.Name), comment(pg.ip.Name), method))
			return nil
		}
	}
	return nil
}

// printReset prints the reset of neuron idx into b (locals into f).
func (pg *popGen) printReset(f *fnb, b *buf, idx string) error {
	ls := pg.g.loops(plan.Reset, pg.ip.Name)
	if len(ls) == 0 {
		return nil
	}
	p := pg.printer(f, "")
	p.file, p.line = stmtPos(pg.m.Reset[0])
	_, err := p.loop(b, ls[0], "rs", idx)
	return err
}

func (pg *popGen) resetMethod() error {
	if len(pg.g.loops(plan.Reset, pg.ip.Name)) == 0 {
		pg.g.funcs.line("func (s *sim) reset%d() {}", pg.k)
		pg.g.funcs.line("")
		return nil
	}
	f := newFn()
	f.line("for _, i32 := range s.p%dspk {", pg.k)
	f.line("i := int(i32)")
	if err := pg.printReset(f, &f.buf, "i"); err != nil {
		return err
	}
	f.line("}")
	f.write(&pg.g.funcs, fmt.Sprintf("// reset%d runs the reset of %s for this step's spikes.\nfunc (s *sim) reset%d() {", pg.k, comment(pg.ip.Name), pg.k))
	return nil
}

// printThreshold prints the threshold test of neuron i into b: spike
// prints what a spike does.
func (pg *popGen) printThreshold(f *fnb, b *buf, slice string, spike func(b *buf) error) error {
	ls := pg.g.loops(plan.Threshold, pg.ip.Name)
	if len(ls) == 0 {
		return fmt.Errorf("no threshold loop in the plan")
	}
	p := pg.printer(f, slice)
	p.spike = spike
	p.file, p.line = pg.m.ThreshPos.Pos.File, pg.m.ThreshPos.Pos.Line
	_, err := p.loop(b, ls[0], "th", "i")
	return err
}

func (pg *popGen) thresholdMethod() error {
	f := newFn()
	k := pg.k
	if pg.m.Threshold == nil {
		f.line("s.p%dspk = s.p%dspk[:0] // no threshold: never spikes", k, k)
		f.write(&pg.g.funcs, fmt.Sprintf("func (s *sim) threshold%d() {", k))
		return nil
	}
	ref := f.local("ref", fmt.Sprintf("s.p%dref", k))
	f.local("spk", fmt.Sprintf("s.p%dspk[:0]", k))
	f.line("for i := range %s {", ref)
	err := pg.printThreshold(f, &f.buf, "", func(b *buf) error {
		b.line("spk = append(spk, int32(i))")
		return nil
	})
	if err != nil {
		return err
	}
	f.line("}")
	pg.hints(f, ref)
	f.line("s.p%dspk = spk", k)
	f.write(&pg.g.funcs, fmt.Sprintf("// threshold%d finds the neurons of %s that spike.\nfunc (s *sim) threshold%d() {", k, comment(pg.ip.Name), k))
	return nil
}

// ---- integration ----

// updateMethods writes update<k>(lo, hi), which integrates every system of
// the population over neurons [lo, hi) in one loop, and, when the fuse pass
// allows it, fused<k>(), which also tests the threshold and resets neuron
// by neuron (the interpreter's blocked update+threshold+reset).
func (pg *popGen) updateMethods() error {
	k := pg.k
	f := newFn()
	if err := pg.loop(f, "[lo:hi]", false, false); err != nil {
		return err
	}
	f.write(&pg.g.funcs, fmt.Sprintf("// update%d integrates %s over neurons [lo, hi).\nfunc (s *sim) update%d(lo, hi int) {", k, comment(pg.ip.Name), k))
	if pg.fused {
		f = newFn()
		if err := pg.loop(f, "", true, true); err != nil {
			return err
		}
		f.line("s.p%dspk = spk", k)
		f.write(&pg.g.funcs, fmt.Sprintf("// fused%d integrates %s, tests the threshold and resets, neuron by neuron.\nfunc (s *sim) fused%d() {", k, comment(pg.ip.Name), k))
	}
	if pg.fused || pg.threshInLoop {
		// with threads: each tests the threshold of its range in its loop
		f = newFn()
		f.have["spk"] = true // the argument
		if err := pg.loop(f, "[lo:hi]", true, false); err != nil {
			return err
		}
		f.line("return spk")
		f.write(&pg.g.funcs, fmt.Sprintf("// updateRange%d integrates %s over neurons [lo, hi) and appends those that\n// cross the threshold to spk.\nfunc (s *sim) updateRange%d(lo, hi int, spk []int32) []int32 {", k, comment(pg.ip.Name), k))
	}
	if pg.fused {
		return nil
	}
	if pg.threshInLoop {
		f = newFn()
		if err := pg.loop(f, "", true, false); err != nil {
			return err
		}
		f.line("s.p%dspk = spk", k)
		f.write(&pg.g.funcs, fmt.Sprintf("// updateThreshold%d integrates %s and tests the threshold in one pass\n// (the threshold sees the values the update wrote; the reset comes later).\nfunc (s *sim) updateThreshold%d() {", k, comment(pg.ip.Name), k))
	}
	return nil
}

// loop writes the loop over neurons: every system, with thresh the
// threshold test and with reset (fused) the reset too. RK4/Euler systems
// note a NaN or Inf in what they wrote in the flag p<k>bad, so that the
// finite check scans their variables only when there is one.
func (pg *popGen) loop(f *fnb, slice string, thresh, reset bool) error {
	k := pg.k
	ref := f.local("ref", fmt.Sprintf("s.p%dref%s", k, slice))
	if thresh {
		f.local("spk", fmt.Sprintf("s.p%dspk[:0]", k))
	}
	var body buf
	p := pg.printer(f, slice)
	for j, l := range pg.g.loops(plan.Update, pg.ip.Name) {
		sys := pg.m.Update[j]
		body.line("// %s: %s", pg.varNames(sys.Vars), sys.Method)
		if len(sys.ODEs) > 0 {
			p.file, p.line = sys.ODEs[0].Pos.Pos.File, sys.ODEs[0].Pos.Pos.Line
		}
		stored, err := p.loop(&body, l, fmt.Sprintf("u%d_", j), "i")
		if err != nil {
			return err
		}
		if sys.Method != ir.Exact && len(stored) > 0 {
			// note a NaN or Inf among the new values (x-x is 0 for every
			// finite x and NaN otherwise)
			f.local("bad", "false")
			terms := make([]string, len(stored))
			for k, x := range stored {
				terms[k] = fmt.Sprintf("(%s - %s)", x, x)
			}
			body.line("if %s != 0 {", strings.Join(terms, " + "))
			body.line("bad = true")
			body.line("}")
		}
	}
	if thresh {
		idx := "i"
		if slice != "" {
			idx = "lo+i"
		}
		err := pg.printThreshold(f, &body, slice, func(b *buf) error {
			b.line("spk = append(spk, int32(%s))", idx)
			if reset {
				return pg.printReset(f, b, "i")
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	pg.hints(f, ref)
	if body.Len() == 0 {
		f.line("_ = %s // no equations", ref)
		return nil
	}
	hook, err := pg.vecKernel(slice, thresh, reset)
	if err != nil {
		return err
	}
	if hook != "" {
		// the SIMD kernel (when the CPU has one) runs the first neurons
		lohi := "lo, hi"
		if slice == "" {
			lohi = "0, len(" + ref + ")"
		}
		f.line("done := 0")
		f.line("if %s != nil && len(%s) >= %d {", hook, ref, simdMinLen)
		if thresh {
			f.line("done, spk = %s(s, %s, spk)", hook, lohi)
		} else {
			f.line("done, _ = %s(s, %s, nil)", hook, lohi)
		}
		f.line("}")
		// (max: the compiler then knows i >= 0, no bounds checks in the loop)
		f.line("for i := max(done, 0); i < len(%s); i++ {", ref)
	} else {
		f.line("for i := range %s {", ref)
	}
	f.Write(body.Bytes())
	f.line("}")
	if f.have["bad"] {
		f.line("if bad {")
		f.line("s.p%dbad.Store(true)", k)
		f.line("}")
	}
	return nil
}

func (pg *popGen) varNames(vs []*ir.Var) string {
	names := make([]string, len(vs))
	for i, v := range vs {
		names[i] = v.Name
	}
	return comment(strings.Join(names, ", "))
}

// finiteMethod writes finite<k>(): the interpreter's check that stops the
// run at the first NaN or Inf (RK4/Euler variables every step, the others
// every plan.Pop.FiniteEvery steps), naming the member population and neuron.
func (pg *popGen) finiteMethod() {
	g, k := pg.g, pg.k
	b := &g.funcs
	for _, v := range pg.stateVars {
		if !v.Bool && !pg.nonlinear[v] {
			g.useVecFinite()
		}
	}
	b.line("// finite%d stops the run at a NaN or Inf in %s.", k, comment(pg.ip.Name))
	b.line("func (s *sim) finite%d() error {", k)
	checks := 0
	for _, v := range pg.stateVars {
		if !v.Bool {
			checks++
		}
	}
	if checks == 0 {
		b.line("return nil")
		b.line("}")
		b.line("")
		return
	}
	exactVars := false
	for _, v := range pg.stateVars {
		exactVars = exactVars || (!v.Bool && !pg.nonlinear[v])
	}
	if exactVars {
		b.line("all := s.n%%%d == %d || s.n == s.steps-1", pg.finiteEvery, pg.finiteEvery-1)
	}
	for _, v := range ir.BlameOrder(pg.m, pg.stateVars) { // as the interpreter: where a NaN starts first
		if v.Bool {
			continue
		}
		if pg.nonlinear[v] {
			b.line("if s.p%dbad.Load() { // %s: the update saw a NaN or Inf", k, comment(v.Name))
		} else {
			// the SIMD test first (where there is one); the scan finds the neuron
			b.line("if all && (vecFinite == nil || !vecFinite(s.%s[s.p%dlo:s.p%dhi])) { // %s", pg.field[v], k, k, comment(v.Name))
		}
		b.line("for i := s.p%dlo; i < s.p%dhi; i++ { // this rank's neurons (ranks.go)", k, k)
		b.line("x := s.%s[i]", pg.field[v])
		b.line("if x-x != 0 {")
		every := "0"
		if !pg.nonlinear[v] {
			every = g.litStr(float64(pg.finiteEvery) * g.p.Schedule.Dt)
		}
		b.line("name, k := %s, i", quote(pg.ip.Name))
		if len(pg.parts) > 1 {
			for _, pt := range pg.parts {
				b.line("if i >= %d && i < %d {", pt.off, pt.off+pt.n)
				b.line("name, k = %s, i-%d", quote(pt.ip.Name), pt.off)
				b.line("}")
			}
		}
		b.line("return rt.NonFiniteNeuron(name, k, %s, x, s.t+dt, %s)", quote(v.Name), every)
		b.line("}")
		b.line("}")
		b.line("}")
	}
	if anyNonlinear(pg) {
		// the SIMD kernels' check can raise a false alarm (simd.go)
		b.line("if s.p%dbad.Load() { // no NaN or Inf after all", k)
		b.line("s.p%dbad.Store(false)", k)
		b.line("}")
	}
	b.line("return nil")
	b.line("}")
	b.line("")
}

func anyNonlinear(pg *popGen) bool {
	for _, v := range pg.stateVars {
		if !v.Bool && pg.nonlinear[v] {
			return true
		}
	}
	return false
}

// rowLead reports whether an exact row's sum starts from 0 (0 + Σ c·x +
// Σ q·u + r), as the interpreter's general row loop adds; its 1-3 term
// loops without inputs (c0*a + c1*b + c2*c + r) do not. The scalar and the
// SIMD code must agree on it bit for bit.
func rowLead(rw ir.Row, held bool) bool {
	return !(len(rw.Ui) == 0 && ((!held && (len(rw.Xi) == 1 || len(rw.Xi) == 2)) || len(rw.Xi) == 3))
}
