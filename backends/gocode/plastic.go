package gocode

import (
	"fmt"
	"math"
	"strings"

	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/plan"
)

// Plastic projections: synapse state by storage class (per synapse, per
// presynaptic or per postsynaptic neuron, fields c<k>s<j>), traces advanced
// lazily at events (their last update times in c<k>l<j>) or every step, and
// the handlers written inline in the loops over synapses.

func (pr *projGen) plastic() error {
	g, ip, k := pr.g, pr.ip, pr.k
	m := ip.Synapse
	pr.syn = m
	pr.field = map[*ir.Var]string{}
	pr.buildConn()
	if ip.Weight != nil {
		w, ok := ir.ConstValue(ip.Weight)
		if !ok {
			return fmt.Errorf("the weight of a projection with a synapse type must be a constant")
		}
		pr.weight = w
	}
	ode := map[*ir.Var]*ir.ODE{}
	for _, o := range m.ODEs {
		ode[o.Var] = o
	}
	// variables of coupled or nonlinear systems are integrated together,
	// every step, synapse by synapse
	inSystem := map[*ir.Var]*ir.System{}
	for _, sys := range m.Update {
		if len(sys.Vars) > 1 || sys.Method != ir.Exact {
			for _, v := range sys.Vars {
				inSystem[v] = sys
			}
		}
	}
	b := &g.build
	for j, v := range m.Vars {
		if v.Kind != ir.State {
			continue
		}
		name := fmt.Sprintf("c%ds%d", k, j)
		pr.field[v] = name
		size := fmt.Sprintf("s.c%dnsyn", k)
		what := "per synapse"
		switch v.Storage {
		case ir.PerPre:
			size, what = pr.pre.size(), "per presynaptic neuron"
		case ir.PerPost:
			size, what = fmt.Sprint(pr.post.n), "per postsynaptic neuron"
		}
		g.fields.line("%s []float64 // %s, %s", name, comment(v.Name), what)
		b.line("s.%s = make([]float64, %s)", name, size)
		o := ode[v]
		if o == nil || inSystem[v] != nil {
			continue
		}
		tr, err := traceOf(v, o, g.p.Schedule.Dt)
		if err != nil {
			return fmt.Errorf("synapse %s: %w", m.Type, err)
		}
		if v.Lazy {
			pr.lazy = append(pr.lazy, tr)
			g.fields.line("c%dl%d []float64 // time %s was last brought up to date", k, j, comment(v.Name))
			b.line("s.c%dl%d = make([]float64, %s)", k, j, size)
		} else {
			pr.clocked = append(pr.clocked, tr)
		}
	}
	if pr.written = ir.WrittenVars(m); len(pr.written) > 0 {
		g.fields.line("c%derr error // the first NaN or Inf a handler wrote", k)
	}
	if err := pr.init(); err != nil {
		return err
	}
	for _, sys := range m.Update {
		if inSystem[sys.Vars[0]] != sys {
			continue
		}
		if err := pr.clockSystem(sys); err != nil {
			return fmt.Errorf("synapse %s: %w", m.Type, err)
		}
	}
	one, each, after, err := ir.SplitHandler(m.OnPre, ir.PerPre)
	if err != nil {
		return fmt.Errorf("synapse %s, on pre: %w", m.Type, err)
	}
	if err := pr.check(one, after, each); err != nil {
		return fmt.Errorf("synapse %s, on pre: %w", m.Type, err)
	}
	postOne, postEach, postAfter, err := ir.SplitHandler(m.OnPost, ir.PerPost)
	if err != nil {
		return fmt.Errorf("synapse %s, on post: %w", m.Type, err)
	}
	if err := pr.check(postOne, postAfter, postEach); err != nil {
		return fmt.Errorf("synapse %s, on post: %w", m.Type, err)
	}
	for _, name := range sortedKeys(m.OnMod) {
		if err := pr.check(m.OnMod[name]); err != nil {
			return fmt.Errorf("synapse %s, on modulator %s: %w", m.Type, name, err)
		}
	}
	pr.columns = len(m.OnPost) > 0 || len(m.OnMod) > 0 || ip.Normalize != nil
	if pr.columns {
		b.line("if s.c%dnsyn > math.MaxInt32 {", k)
		b.line("return nil, fmt.Errorf(%s, s.c%dnsyn)", quote("projection "+strings.ReplaceAll(ip.Name, "%", "%%")+": %d synapses with on_post: more than the 2^31 an int32 column index holds"), k)
		b.line("}")
	}
	if pr.columns && pr.storage != "dense" {
		g.fields.line("c%dcolPtr []int64 // synapses by postsynaptic neuron", k)
		g.fields.line("c%dcolSyn []int32", k)
		if pr.storage == "csr" {
			b.line("s.c%dcolPtr, s.c%dcolSyn = rt.Columns(%d, s.c%dcsr.RowPtr, func(i int) []int32 { return s.c%dcsr.Col[s.c%dcsr.RowPtr[i]:s.c%dcsr.RowPtr[i+1]] })", k, k, pr.post.n, k, k, k, k)
		} else {
			b.line("s.c%dcolPtr, s.c%dcolSyn = rt.Columns(%d, s.c%drp, func(i int) []int32 { s.c%dbuf = s.c%dproc.Row(i, s.c%dbuf); return s.c%dbuf })", k, k, pr.post.n, k, k, k, k, k)
		}
	}
	if ip.Normalize != nil {
		if ip.Normalize.Var == nil || ip.Normalize.Var.Storage != ir.PerSynapse {
			return fmt.Errorf("normalize needs a per-synapse variable")
		}
		pr.normVar = ip.Normalize.Var
		pr.normEach = plan.Every(ip.Normalize.Every, g.p.Schedule.Dt)
	}
	if len(m.OnPost) > 0 {
		if err := pr.postMethod(postOne, postEach, postAfter); err != nil {
			return err
		}
	}
	if err := pr.modulateMethod(); err != nil {
		return err
	}
	if err := pr.sumMethod(); err != nil {
		return err
	}
	pr.normalizeMethod()
	pr.catchUpMethod()
	pr.tickMethod()
	return nil
}

// traceOf reads the linear equation x' = a·x + c of a synapse trace.
func traceOf(v *ir.Var, o *ir.ODE, dt float64) (*traceGen, error) {
	l, bad, ok := ir.Linearize([]*ir.Var{v}, []ir.Expr{o.Rhs})
	if !ok || len(l.Inputs) > 0 {
		what := "inputs"
		if bad != nil {
			what = ir.ExprString(bad)
		}
		return nil, fmt.Errorf("%s' is not a linear trace (%s); only those are event-driven", v.Name, what)
	}
	t := &traceGen{v: v, a: l.A[0][0], c: l.C[0]}
	if t.a == 0 {
		t.p, t.r = 1, t.c*dt
	} else {
		e := math.Exp(t.a * dt)
		t.p, t.r = e, t.c*(e-1)/t.a
	}
	return t, nil
}

// synEnv reads synapse variables in a handler: pre, post and syn are the
// Go names of the presynaptic neuron, postsynaptic neuron and synapse
// indices; used records which of them the code read.
func (pr *projGen) synEnv(f *fnb, used map[string]bool, time func() string) *env {
	g := pr.g
	idx := func(name string, off int) string {
		used[name] = true
		if off != 0 {
			return fmt.Sprintf("%s+%d", name, off)
		}
		return name
	}
	return &env{g: g, time: time, weight: g.lit(pr.weight).s, where: "in a synapse's handler",
		ref: func(r *ir.Ref) (string, error) {
			switch r.Side {
			case ir.Pre:
				pt := pr.pre.part
				if pt == nil {
					return "", fmt.Errorf("pre.%s: the presynaptic side is an input", r.Var.Name)
				}
				v, ok := pt.pop.byName[r.Var.Name]
				if !ok {
					return "", fmt.Errorf("pre.%s has no storage", r.Var.Name)
				}
				name := pt.pop.field[v]
				return f.local(name, "s."+name) + "[" + idx("pre", pt.off) + "]", nil
			case ir.Post:
				pt := pr.post
				v, ok := pt.pop.byName[r.Var.Name]
				if !ok {
					return "", fmt.Errorf("post.%s has no storage", r.Var.Name)
				}
				name := pt.pop.field[v]
				return f.local(name, "s."+name) + "[" + idx("post", pt.off) + "]", nil
			}
			return pr.own(f, r.Var, idx)
		}}
}

// own is a synapse variable of the projection, indexed by its storage.
func (pr *projGen) own(f *fnb, v *ir.Var, idx func(string, int) string) (string, error) {
	name, ok := pr.field[v]
	if !ok {
		return "", fmt.Errorf("%s has no storage in synapse %s", v.Name, pr.syn.Type)
	}
	i := "syn"
	switch v.Storage {
	case ir.PerPre:
		i = "pre"
	case ir.PerPost:
		i = "post"
	}
	return f.local(name, "s."+name) + "[" + idx(i, 0) + "]", nil
}

// handler writes statements of a synapse handler into f.
func (pr *projGen) handler(f *fnb, ss []ir.Stmt, used map[string]bool) error {
	en := pr.synEnv(f, used, lazy(f, "t", "s.t"))
	sc := &stmtGen{g: pr.g, f: f, en: en,
		target: func(v *ir.Var) (string, error) {
			return pr.own(f, v, func(name string, _ int) string { used[name] = true; return name })
		},
		deliver: func(v code) (string, error) {
			used["post"] = true
			return pr.deliverCode(f, "post", v), nil
		},
	}
	return sc.stmts(ss)
}

// check compiles handlers only for their errors.
func (pr *projGen) check(lists ...[]ir.Stmt) error {
	for _, ss := range lists {
		if err := pr.handler(newFn(), ss, map[string]bool{}); err != nil {
			return err
		}
	}
	return nil
}

// advance writes the calls that bring lazy traces up to t: per-pre ones at
// pre, per-post ones at post, per-synapse ones at syn ("" = not at this
// point, as the interpreter passes -1).
func (pr *projGen) advance(f *fnb, syn, pre, post string, used map[string]bool) {
	g := pr.g
	for _, tr := range pr.lazy {
		at := syn
		switch tr.v.Storage {
		case ir.PerPre:
			at = pre
		case ir.PerPost:
			at = post
		}
		if at == "" {
			continue
		}
		used[at] = true
		name := pr.field[tr.v]
		last := "s." + strings.Replace(name, "s", "l", 1)
		f.line("advance(%s, %s, %s, %s, %s, %s) // %s", f.local(name, "s."+name), last, at, f.local("t", "s.t"), g.litStr(tr.a), g.litStr(tr.c), comment(tr.v.Name))
	}
}

// preSpike writes the on_pre handler for presynaptic neuron pre: the
// per-pre statements once, every synapse of the row, then the per-pre
// statements that must follow the loop.
func (pr *projGen) preSpike(f *fnb) {
	used := map[string]bool{}
	var one, after fnb
	one.have, after.have = f.have, f.have
	pr.advance(&one, "", "pre", "", used)
	o, e, a, _ := ir.SplitHandler(pr.syn.OnPre, ir.PerPre)
	_ = pr.handler(&one, o, used)
	pr.checkWritten(&one, used, "-1", "pre", "-1")
	_ = pr.handler(&after, a, used)
	f.decl = append(append(f.decl, one.decl...), after.decl...)
	if used["post"] {
		f.line("post := -1")
	}
	if used["syn"] {
		f.line("syn := -1")
	}
	f.Write(one.Bytes())
	pr.rows(f, &connGen{ip: pr.ip, prefix: fmt.Sprintf("c%d", pr.k), storage: pr.storage}, "pre", true, func() {
		inner := map[string]bool{}
		pr.advance(f, "syn", "", "post", inner)
		_ = pr.handler(f, e, inner)
		pr.checkWritten(f, inner, "syn", "pre", "post")
		if pr.storage == "dense" && !inner["syn"] {
			f.line("_ = syn")
		}
		if pr.storage != "dense" && !inner["post"] {
			f.line("_ = post")
		}
	})
	f.Write(after.Bytes())
}

// checkWritten writes the interpreter's check after a handler ran at
// synapse syn from pre to post ("-1": not at this point): the first NaN or
// Inf in the state the handlers write stops the run (step returns c<k>err),
// with runtime's message.
func (pr *projGen) checkWritten(f *fnb, used map[string]bool, syn, pre, post string) {
	for _, v := range pr.written {
		i, side := syn, "rt.OnSynapse"
		switch v.Storage {
		case ir.PerPre:
			i, side = pre, "rt.OnPre"
		case ir.PerPost:
			i, side = post, "rt.OnPost"
		}
		if i == "-1" {
			continue
		}
		for _, at := range []string{syn, pre, post} {
			used[at] = true
		}
		name := pr.field[v]
		f.line("if x := %s[%s]; x-x != 0 && s.c%derr == nil { // %s: NaN or Inf", f.local(name, "s."+name), i, pr.k, comment(v.Name))
		f.line("s.c%derr = rt.NonFiniteSynapse(%s, %s, %s, %s, %s, %s, x, %s)", pr.k, quote(pr.ip.Name), quote(v.Name), side, syn, pre, post, f.local("t", "s.t"))
		f.line("}")
	}
}

// column writes a loop over postsynaptic neuron post's synapses, with syn
// and pre declared.
func (pr *projGen) column(f *fnb, post string, needPre bool, body func()) {
	if pr.storage == "dense" {
		f.line("for pre := 0; pre < %s; pre++ {", pr.pre.size())
		f.line("syn := pre*%d + %s", pr.post.n, post)
		if !needPre {
			f.line("_ = pre")
		}
	} else {
		cp := f.local(fmt.Sprintf("c%dcolPtr", pr.k), fmt.Sprintf("s.c%dcolPtr", pr.k))
		cs := f.local(fmt.Sprintf("c%dcolSyn", pr.k), fmt.Sprintf("s.c%dcolSyn", pr.k))
		f.line("for k := %s[%s]; k < %s[%s+1]; k++ {", cp, post, cp, post)
		f.line("syn := int(%s[k])", cs)
		if needPre {
			rp := f.local(fmt.Sprintf("c%drp", pr.k), pr.rowPtr(&connGen{prefix: fmt.Sprintf("c%d", pr.k), storage: pr.storage}))
			f.line("pre := rt.PreOf(%s, int64(syn))", rp)
		}
	}
	body()
	f.line("}")
}

func (pr *projGen) postMethod(one, each, after []ir.Stmt) error {
	g, k := pr.g, pr.k
	f := newFn()
	f.line("for _, j32 := range %s {", pr.post.fired())
	f.line("post := int(j32)")
	used := map[string]bool{}
	var top, tail fnb
	top.have, tail.have = f.have, f.have
	pr.advance(&top, "", "", "post", used)
	if err := pr.handler(&top, one, used); err != nil {
		return err
	}
	if err := pr.handler(&tail, after, used); err != nil {
		return err
	}
	f.decl = append(append(f.decl, top.decl...), tail.decl...)
	if used["pre"] {
		f.line("pre := -1")
	}
	if used["syn"] {
		f.line("syn := -1")
	}
	f.Write(top.Bytes())
	var err error
	pr.column(f, "post", true, func() {
		inner := map[string]bool{}
		pr.advance(f, "syn", "pre", "", inner)
		err = pr.handler(f, each, inner)
		pr.checkWritten(f, inner, "syn", "pre", "post")
		if !inner["syn"] {
			f.line("_ = syn")
		}
		if !inner["pre"] {
			f.line("_ = pre")
		}
	})
	f.Write(tail.Bytes())
	f.line("}")
	f.write(&g.funcs, fmt.Sprintf("// post%d runs on_post of projection %s for this step's postsynaptic spikes.\nfunc (s *sim) post%d() {", k, comment(pr.ip.Name), k))
	return err
}

func (pr *projGen) modulateMethod() error {
	g, k := pr.g, pr.k
	m := pr.syn
	var names []string
	for _, name := range sortedKeys(m.OnMod) {
		if _, ok := pr.ip.Modulators[name]; ok {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return nil
	}
	f := newFn()
	for _, name := range names {
		src, ok := g.nodes[pr.ip.Modulators[name].Name()]
		if !ok {
			return fmt.Errorf("modulator %s: no source %s", name, pr.ip.Modulators[name].Name())
		}
		f.line("// on modulator %s, once per spike of %s", comment(name), comment(src.name()))
		f.line("for range %s {", src.fired())
		f.line("for pre := 0; pre < %s; pre++ {", pr.pre.size())
		var err error
		pr.rows(f, &connGen{ip: pr.ip, prefix: fmt.Sprintf("c%d", k), storage: pr.storage}, "pre", true, func() {
			used := map[string]bool{}
			pr.advance(f, "syn", "pre", "post", used)
			err = pr.handler(f, m.OnMod[name], used)
			pr.checkWritten(f, used, "syn", "pre", "post")
			if !used["syn"] {
				f.line("_ = syn")
			}
			if !used["post"] {
				f.line("_ = post")
			}
		})
		if err != nil {
			return err
		}
		f.line("}")
		f.line("}")
	}
	f.write(&g.funcs, fmt.Sprintf("// modulate%d runs the modulator handlers of projection %s.\nfunc (s *sim) modulate%d() {", k, comment(pr.ip.Name), k))
	return nil
}

func (pr *projGen) normalizeMethod() {
	if pr.normVar == nil {
		return
	}
	g, k := pr.g, pr.k
	f := newFn()
	f.line("if s.n%%%d != 0 {", pr.normEach)
	f.line("return")
	f.line("}")
	vals := f.local("vals", "s."+pr.field[pr.normVar])
	f.line("for post := 0; post < %d; post++ {", pr.post.n)
	f.line("sum := 0.0")
	l2 := pr.ip.Normalize.Func == "l2"
	pr.column(f, "post", false, func() {
		if l2 {
			f.line("x := %s[syn]", vals)
			f.line("sum += x * x")
		} else {
			f.line("sum += %s[syn]", vals)
		}
	})
	f.line("if sum <= 0 {")
	f.line("continue")
	f.line("}")
	if l2 {
		f.line("sum = math.Sqrt(sum)")
	}
	f.line("f := %s / sum", g.litStr(pr.ip.Normalize.Target))
	pr.column(f, "post", false, func() {
		f.line("%s[syn] *= f", vals)
	})
	f.line("}")
	f.write(&g.funcs, fmt.Sprintf("// normalize%d scales the incoming %s of each postsynaptic neuron of %s to sum to the target.\nfunc (s *sim) normalize%d() {", k, comment(pr.normVar.Name), comment(pr.ip.Name), k))
}

func (pr *projGen) catchUpMethod() {
	if len(pr.lazy) == 0 {
		return
	}
	g, k := pr.g, pr.k
	b := &g.funcs
	b.line("// catchUp%d brings the lazy traces of %s up to the current time.", k, comment(pr.ip.Name))
	b.line("func (s *sim) catchUp%d() {", k)
	for _, tr := range pr.lazy {
		name := pr.field[tr.v]
		b.line("for i := range s.%s {", name)
		b.line("advance(s.%s, s.%s, i, s.t, %s, %s)", name, strings.Replace(name, "s", "l", 1), g.litStr(tr.a), g.litStr(tr.c))
		b.line("}")
	}
	b.line("}")
	b.line("")
}

func (pr *projGen) tickMethod() {
	if len(pr.clocked) == 0 && len(pr.systems) == 0 {
		return
	}
	g, k := pr.g, pr.k
	b := &g.funcs
	b.line("// tick%d advances the clock-driven synapse state of %s by one step.", k, comment(pr.ip.Name))
	b.line("func (s *sim) tick%d() {", k)
	for _, tr := range pr.clocked {
		name := pr.field[tr.v]
		b.line("for i, x := range s.%s { // %s", name, comment(tr.v.Name))
		b.line("s.%s[i] = %s*x + %s", name, g.litStr(tr.p), g.litStr(tr.r))
		b.line("}")
	}
	for _, sys := range pr.systems {
		b.line("{")
		for _, d := range sys.decl {
			b.line("%s", d)
		}
		b.Write(sys.Bytes())
		b.line("}")
	}
	b.line("}")
	b.line("")
}

// clockSystem writes the step of a coupled or nonlinear system of
// per-synapse variables, synapse by synapse, as the interpreter does (its
// right sides read t and weight as 0).
func (pr *projGen) clockSystem(sys *ir.System) error {
	g := pr.g
	dt := g.p.Schedule.Dt
	if err := plan.CheckClockSystem(sys); err != nil {
		return err
	}
	f := newFn()
	var xs, y []string
	over := map[*ir.Var]string{}
	read := map[string]bool{} // stage values the right sides read
	for j, v := range sys.Vars {
		name := pr.field[v]
		xs = append(xs, f.local(name, "s."+name))
		y = append(y, fmt.Sprintf("y%d", j))
		over[v] = y[j]
	}
	rhs := func(vals []string) ([]string, error) {
		for j, v := range sys.Vars {
			over[v] = vals[j]
		}
		en := &env{g: g, time: val("0.0"), weight: "0.0", where: "in a synapse equation",
			ref: func(r *ir.Ref) (string, error) {
				if s, ok := over[r.Var]; ok && r.Side == ir.Own {
					read[s] = true
					return s, nil
				}
				return pr.own(f, r.Var, func(string, int) string { return "e" })
			}}
		out := make([]string, len(sys.ODEs))
		for j, o := range sys.ODEs {
			c, err := en.num(plan.InlineAliases(o.Rhs))
			if err != nil {
				return nil, err
			}
			out[j] = c.s
		}
		return out, nil
	}
	ks, err := rhs(y)
	if err != nil {
		return err
	}
	if sys.Method == ir.Exact && len(sys.Inputs) > 0 {
		return fmt.Errorf("the system of %s reads inputs, which gosim does not support in synapses", sys.Vars[0].Name)
	}
	f.line("// %s: %s, every step", comment(varList(sys.Vars)), sys.Method)
	f.line("for e := range %s {", xs[0])
	for j, x := range xs {
		f.line("y%d := %s[e]", j, x)
	}
	if sys.Method == ir.Exact {
		for j, rw := range ir.Rows(sys.P, sys.Q, sys.R) {
			terms := []string{"0"}
			for k, c := range rw.Xi {
				terms = append(terms, g.litStr(rw.Xc[k])+"*"+y[c])
			}
			f.line("%s[e] = %s + %s", xs[j], strings.Join(terms, " + "), g.litStr(rw.R))
		}
		f.line("}")
		pr.systems = append(pr.systems, f)
		return nil
	}
	stage := func(ks []string, decl bool) {
		op := "="
		if decl {
			op = ":="
		}
		for j := range sys.ODEs {
			f.line("k%d %s %s", j, op, ks[j])
		}
	}
	stage(ks, true)
	if sys.Method == ir.Euler {
		for j, x := range xs {
			f.line("%s[e] = y%d + %s*k%d", x, j, g.litStr(dt), j)
		}
		f.line("}")
		pr.systems = append(pr.systems, f)
		return nil
	}
	z := make([]string, len(xs))
	for j := range xs {
		z[j] = fmt.Sprintf("z%d", j)
		f.line("c%d := %s * k%d", j, g.litStr(1.0/6), j)
	}
	for s, st := range []struct{ frac, weight float64 }{{0.5, 2.0 / 6}, {0.5, 2.0 / 6}, {1, 1.0 / 6}} {
		op := "="
		if s == 0 {
			op = ":="
		}
		ks, _ := rhs(z)
		for j := range xs {
			if read[z[j]] { // (a stage value no right side reads is not computed)
				f.line("z%d %s y%d + %s*k%d", j, op, j, g.litStr(st.frac*dt), j)
			}
		}
		stage(ks, false)
		for j := range xs {
			f.line("c%d += %s * k%d", j, g.litStr(st.weight), j)
		}
	}
	for j, x := range xs {
		f.line("%s[e] = y%d + %s*c%d", x, j, g.litStr(dt), j)
	}
	f.line("}")
	pr.systems = append(pr.systems, f)
	return nil
}

func varList(vs []*ir.Var) string {
	names := make([]string, len(vs))
	for i, v := range vs {
		names[i] = v.Name
	}
	return strings.Join(names, ", ")
}

// init draws the initial synapse state, one stream per variable.
func (pr *projGen) init() error {
	g, k := pr.g, pr.k
	b := &g.build
	for _, v := range pr.syn.Vars {
		if v.Kind != ir.State || v.Init == nil {
			continue
		}
		f := newFn()
		used := map[string]bool{}
		en := pr.synEnv(f, used, val("0.0"))
		en.rng = lazy(f, "rng", fmt.Sprintf("rt.NewStream(seed, rt.Hash(\"init\", %s, %s))", quote(pr.ip.Name), quote(v.Name)))
		c, err := en.num(plan.InlineAliases(v.Init))
		if err != nil {
			return fmt.Errorf("initial value of %s: %w", v.Name, err)
		}
		name := pr.field[v]
		x := f.local(name, "s."+name)
		back := g.lineTo(&f.buf, v.Pos.Pos.File, v.Pos.Pos.Line)
		if v.Storage != ir.PerSynapse {
			f.line("for i := range %s {", x)
			f.line("pre, post, syn := i, i, i")
			f.line("%s[i] = %s", x, c.s)
			f.line("_, _, _ = pre, post, syn")
			f.line("}")
		} else {
			f.line("for pre := 0; pre < %s; pre++ {", pr.pre.size())
			pr.rows(f, &connGen{ip: pr.ip, prefix: fmt.Sprintf("c%d", k), storage: pr.storage}, "pre", true, func() {
				f.line("%s[syn] = %s", x, c.s)
				f.line("_ = post")
			})
			f.line("}")
		}
		back()
		b.line("{ // %s.%s", comment(pr.ip.Name), comment(v.Name))
		for _, d := range f.decl {
			b.line("%s", d)
		}
		b.Write(f.Bytes())
		b.line("}")
	}
	return nil
}

// sumMethod writes sum<k>, which adds the synapse type's `summed`
// expression of every synapse to its postsynaptic neuron's continuous port,
// in presynaptic order with lazy traces brought up to t, as gosim does.
func (pr *projGen) sumMethod() error {
	m := pr.syn
	if m.Summed == nil {
		return nil
	}
	g, k := pr.g, pr.k
	f := newFn()
	port := pr.post.pop.field[pr.post.pop.ports[pr.ip.Port]]
	acc := f.local("acc", "s."+port)
	var err error
	f.line("for pre := 0; pre < %s; pre++ {", pr.pre.size())
	pr.rows(f, &connGen{ip: pr.ip, prefix: fmt.Sprintf("c%d", k), storage: pr.storage}, "pre", true, func() {
		used := map[string]bool{}
		pr.advance(f, "syn", "pre", "post", used)
		var v code
		v, err = pr.synEnv(f, used, lazy(f, "t", "s.t")).num(m.Summed)
		f.line("%s[post+%d] += %s", acc, pr.post.off, v.s)
		if !used["syn"] {
			f.line("_ = syn")
		}
	})
	f.line("}")
	if err != nil {
		return fmt.Errorf("synapse %s, summed: %w", m.Type, err)
	}
	pr.summed = true
	f.write(&g.funcs, fmt.Sprintf("// sum%d drives %s.%s with the summed output of projection %s.\nfunc (s *sim) sum%d() {", k, comment(pr.post.ip.Name), comment(pr.ip.Port), comment(pr.ip.Name), k))
	return nil
}
