package gocode

import (
	"fmt"
	"strings"

	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/plan"
)

// Plastic projections: synapse state by storage class (per synapse, per
// presynaptic or per postsynaptic neuron, fields c<k>s<j>), the last update
// times of lazy traces (c<k>l<j>), and the plan's synapse loops
// (plan.Synapse) printed by opsPrinter: the clock-driven tick, the summed
// output, on_pre inside the delivery, on_post, on_modulator, the
// normalisation and the catch-up of lazy traces. The loops are the
// semantics, the interpreter's (gosim/plastic.go) runs the same ones.

func (pr *projGen) plastic() error {
	g, ip, k := pr.g, pr.ip, pr.k
	m := ip.Synapse
	pr.syn = m
	pr.field = map[*ir.Var]string{}
	pr.arrays = map[int]string{}
	pr.buildConn()
	if ip.Weight != nil {
		w, ok := ir.ConstValue(ip.Weight)
		if !ok {
			return fmt.Errorf("the weight of a projection with a synapse type must be a constant")
		}
		pr.weight = w
	}
	if pr.plan.Syn == nil {
		return fmt.Errorf("the plan has no synapse loops for it (a bug in snnc)")
	}
	j := map[*ir.Var]int{}
	for i, v := range m.Vars {
		j[v] = i
	}
	b := &g.build
	for _, a := range g.plan.Arrays {
		if a.Owner != ip.Name {
			continue
		}
		var name, size string
		switch a.Kind {
		case plan.SynapseState, plan.PreState, plan.PostState:
			name = fmt.Sprintf("c%ds%d", k, j[a.Var])
			pr.field[a.Var] = name
			what := "per synapse"
			switch a.Kind {
			case plan.PreState:
				what = "per presynaptic neuron"
			case plan.PostState:
				what = "per postsynaptic neuron"
			}
			g.fields.line("%s []float64 // %s, %s", name, comment(a.Var.Name), what)
		case plan.LastUpdate:
			name = fmt.Sprintf("c%dl%d", k, j[a.Var])
			pr.lazy = append(pr.lazy, a)
			g.fields.line("%s []float64 // time %s was last brought up to date", name, comment(a.Var.Name))
		case plan.Scratch:
			name = fmt.Sprintf("c%dx%d", k, a.ID)
			g.fields.line("%s []float64 // %s", name, comment(a.Name))
		default:
			continue
		}
		switch a.Kind {
		case plan.PreState, plan.LastUpdate:
			size = fmt.Sprintf("s.c%dnsyn", k)
			if st := a.Var.Storage; st == ir.PerPre {
				size = pr.pre.size() // an input's size may be known only at run time
			} else if st == ir.PerPost {
				size = fmt.Sprint(pr.post.n)
			}
		case plan.PostState, plan.Scratch:
			size = fmt.Sprint(a.Len)
		default:
			size = fmt.Sprintf("s.c%dnsyn", k)
		}
		b.line("s.%s = make([]float64, %s)", name, size)
		pr.arrays[a.ID] = name
	}
	if pr.written = ir.WrittenVars(m); len(pr.written) > 0 {
		g.fields.line("c%derr error // the first NaN or Inf a handler wrote", k)
	}
	if err := pr.init(); err != nil {
		return err
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
	if len(pr.plan.Syn.Normalize) > 0 {
		pr.normVar = ip.Normalize.Var
		pr.normEach = pr.plan.NormalizeEvery
	}
	if err := pr.onPre(newFn()); err != nil {
		return fmt.Errorf("synapse %s, on pre: %w", m.Type, err)
	}
	for _, f := range []func() error{pr.postMethod, pr.modulateMethod, pr.sumMethod, pr.normalizeMethod, pr.catchUpMethod, pr.tickMethod} {
		if err := f(); err != nil {
			return fmt.Errorf("synapse %s: %w", m.Type, err)
		}
	}
	return nil
}

// ticks: the projection has clock-driven synapse state (a tick<k> method).
func (pr *projGen) ticks() bool { return pr.plan.Syn != nil && len(pr.plan.Syn.Tick) > 0 }

// printer prints synapse loops into f with the Go names of the presynaptic
// and postsynaptic neuron indices ("": none there): the projection's arrays
// and those of the populations on either side, a deliver into the
// projection's port at post.
func (pr *projGen) printer(f *fnb, pre, post string) *opsPrinter {
	g := pr.g
	return &opsPrinter{g: g, f: f, pre: pre, post: post, arms: true, used: map[string]bool{}, where: "in a synapse", rng: pr.initRng, result: pr.initResult,
		array: func(id int) (string, bool, error) {
			if name, ok := pr.arrays[id]; ok {
				return f.local(name, "s."+name), false, nil
			}
			if id < 0 || id >= len(g.plan.Arrays) {
				return "", false, fmt.Errorf("no array a%d", id)
			}
			a := g.plan.Arrays[id]
			for _, pg := range g.pops {
				if name, ok := pg.field[a.Var]; ok && pg.ip.Name == a.Owner && a.Kind != plan.Refractory && a.Kind != plan.RisingPrev {
					return f.local(name, "s."+name), false, nil
				}
			}
			return "", false, fmt.Errorf("%s is not an array of %s or its populations", a.Name, pr.ip.Name)
		},
		send: func(b *buf, v string) error {
			if pr.port == nil {
				return fmt.Errorf("it delivers but drives a summed port")
			}
			b.line("%s", pr.deliverCode(f, post, atom(v)))
			return nil
		}}
}

// print prints loop l into f (its values named prefix<k>) for one element:
// index is the loop's own index. It returns the indices the ops used.
func (pr *projGen) print(f *fnb, l *plan.Loop, prefix, index, pre, post string) (map[string]bool, error) {
	p := pr.printer(f, pre, post)
	if _, err := p.loop(&f.buf, l, prefix, index); err != nil {
		return nil, err
	}
	return p.used, nil
}

// unused silences Go's unused-variable error for the loop variables the
// printed ops did not read.
func unused(f *fnb, used map[string]bool, names ...string) {
	for _, n := range names {
		if !used[n] {
			f.line("_ = %s", n)
		}
	}
}

// over prints loop l over its whole space: presynaptic neurons,
// postsynaptic neurons, or the synapses row by row (straight over the
// synapse arrays when the ops index nothing but the synapse).
func (pr *projGen) over(f *fnb, l *plan.Loop, prefix string) error {
	var err error
	switch l.Space {
	case plan.PreNeurons:
		f.line("for pre := 0; pre < %s; pre++ {", pr.pre.size())
		_, err = pr.print(f, l, prefix, "pre", "pre", "")
		f.line("}")
	case plan.PostNeurons:
		f.line("for post := 0; post < %d; post++ {", pr.post.n)
		_, err = pr.print(f, l, prefix, "post", "", "post")
		f.line("}")
	case plan.Synapses:
		if plan.OwnElementOnly(l) {
			var body fnb
			body.have = f.have
			var used map[string]bool
			if used, err = pr.print(&body, l, prefix, "syn", "", ""); err != nil {
				return err
			}
			f.decl = append(f.decl, body.decl...)
			// the synapse arrays all have nsyn elements: range over one, no
			// bounds checks on the others
			first := ""
			for _, op := range l.Ops {
				name, ok := pr.arrays[op.Arr]
				if (op.Code != plan.Load && op.Code != plan.Store) || !ok || !f.have[name] {
					continue
				}
				if first == "" {
					first = name
				} else if h := fmt.Sprintf("%s = %s[:len(%s)]", name, name, first); !strings.Contains(strings.Join(f.hints, "\n"), h) && name != first {
					f.hints = append(f.hints, h)
				}
			}
			if first == "" || !used["syn"] {
				return fmt.Errorf("%s: a loop over the synapses that reads none", l)
			}
			f.line("for syn := range %s {", first)
			f.Write(body.Bytes())
			f.line("}")
			return nil
		}
		f.line("for pre := 0; pre < %s; pre++ {", pr.pre.size())
		pr.rows(f, pr.conn(), "pre", true, func() {
			var used map[string]bool
			if used, err = pr.print(f, l, prefix, "syn", "pre", "post"); err == nil {
				unused(f, used, "syn", "post")
			}
		})
		f.line("}")
	default:
		return fmt.Errorf("%s: a loop over %s outside an event", l, l.Space)
	}
	return err
}

func (pr *projGen) conn() *connGen {
	return &connGen{ip: pr.ip, prefix: fmt.Sprintf("c%d", pr.k), storage: pr.storage}
}

// preSpike writes on_pre into the delivery (plastic checked onPre's errors).
func (pr *projGen) preSpike(f *fnb) { _ = pr.onPre(f) }

// onPre writes on_pre for the arriving spike of presynaptic neuron pre:
// the per-pre loop once, the loop over the row's synapses, then the per-pre
// loop that must follow it; the state the handlers write is checked for
// NaN and Inf as the interpreter checks it.
func (pr *projGen) onPre(f *fnb) error {
	one, each, after := plan.SplitEvent(pr.plan.Syn.OnPre, plan.PreSpikes)
	if one != nil {
		if _, err := pr.print(f, one, "u", "pre", "pre", ""); err != nil {
			return err
		}
	}
	pr.checkWritten(f, map[string]bool{}, "-1", "pre", "-1")
	if each != nil || len(pr.written) > 0 {
		var err error
		pr.rows(f, pr.conn(), "pre", true, func() {
			used := map[string]bool{}
			if each != nil {
				if used, err = pr.print(f, each, "v", "syn", "pre", "post"); err != nil {
					return
				}
			}
			pr.checkWritten(f, used, "syn", "pre", "post")
			unused(f, used, "syn", "post")
		})
		if err != nil {
			return err
		}
	}
	if after != nil {
		if _, err := pr.print(f, after, "y", "pre", "pre", ""); err != nil {
			return err
		}
	}
	return nil
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
func (pr *projGen) column(f *fnb, post string, body func()) {
	if pr.storage == "dense" {
		f.line("for pre := 0; pre < %s; pre++ {", pr.pre.size())
		f.line("syn := pre*%d + %s", pr.post.n, post)
	} else {
		cp := f.local(fmt.Sprintf("c%dcolPtr", pr.k), fmt.Sprintf("s.c%dcolPtr", pr.k))
		cs := f.local(fmt.Sprintf("c%dcolSyn", pr.k), fmt.Sprintf("s.c%dcolSyn", pr.k))
		f.line("for k := %s[%s]; k < %s[%s+1]; k++ {", cp, post, cp, post)
		f.line("syn := int(%s[k])", cs)
		rp := f.local(fmt.Sprintf("c%drp", pr.k), pr.rowPtr(pr.conn()))
		f.line("pre := rt.PreOf(%s, int64(syn))", rp)
	}
	body()
	f.line("}")
}

// postMethod writes post<k>, on_post for this step's postsynaptic spikes.
func (pr *projGen) postMethod() error {
	if len(pr.plan.Syn.OnPost) == 0 {
		return nil
	}
	g, k := pr.g, pr.k
	f := newFn()
	if err := pr.perPost(f, pr.plan.Syn.OnPost, pr.post.fired(), ""); err != nil {
		return err
	}
	f.write(&g.funcs, fmt.Sprintf("// post%d runs on_post of projection %s for this step's postsynaptic spikes.\nfunc (s *sim) post%d() {", k, comment(pr.ip.Name), k))
	return nil
}

// perPost writes loops (PostSpikes, PostSynapses, PostSpikes) for each
// neuron j of fired, on the synapses onto postsynaptic neuron j: on_post,
// and modulators bound one_to_one; prefix keeps their names apart.
func (pr *projGen) perPost(f *fnb, loops []*plan.Loop, fired, prefix string) error {
	one, each, after := plan.SplitEvent(loops, plan.PostSpikes)
	f.line("for _, j32 := range %s {", fired)
	f.line("post := int(j32)")
	if one != nil {
		if _, err := pr.print(f, one, prefix+"u", "post", "", "post"); err != nil {
			return err
		}
	}
	if each != nil || len(pr.written) > 0 {
		var err error
		pr.column(f, "post", func() {
			used := map[string]bool{}
			if each != nil {
				if used, err = pr.print(f, each, prefix+"v", "syn", "pre", "post"); err != nil {
					return
				}
			}
			pr.checkWritten(f, used, "syn", "pre", "post")
			unused(f, used, "syn", "pre")
		})
		if err != nil {
			return err
		}
	}
	if after != nil {
		if _, err := pr.print(f, after, prefix+"y", "post", "", "post"); err != nil {
			return err
		}
	}
	f.line("}")
	return nil
}

// modulateMethod writes modulate<k>: each bound on_modulator over every
// synapse, once per spike of its source.
func (pr *projGen) modulateMethod() error {
	if len(pr.plan.Syn.Mods) == 0 {
		return nil
	}
	g, k := pr.g, pr.k
	f := newFn()
	for j, m := range pr.plan.Syn.Mods {
		src, ok := g.nodes[m.Source]
		if !ok {
			return fmt.Errorf("modulator %s: no source %s", m.Name, m.Source)
		}
		if m.PerPost {
			f.line("// on modulator %s, per spike of %s onto its postsynaptic partner", comment(m.Name), comment(src.name()))
			if err := pr.perPost(f, m.Loops, src.fired(), fmt.Sprintf("m%d_", j)); err != nil {
				return err
			}
			continue
		}
		f.line("// on modulator %s, once per spike of %s", comment(m.Name), comment(src.name()))
		f.line("for range %s {", src.fired())
		f.line("for pre := 0; pre < %s; pre++ {", pr.pre.size())
		var err error
		pr.rows(f, pr.conn(), "pre", true, func() {
			var used map[string]bool
			if used, err = pr.print(f, m.Loop, fmt.Sprintf("m%d_", j), "syn", "pre", "post"); err != nil {
				return
			}
			pr.checkWritten(f, used, "syn", "pre", "post")
			unused(f, used, "syn", "post")
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

// method writes a method running loops over their spaces, or nothing
// without loops.
func (pr *projGen) method(loops []*plan.Loop, guard []string, header string) error {
	if len(loops) == 0 {
		return nil
	}
	f := newFn()
	for _, s := range guard {
		f.line("%s", s)
	}
	for j, l := range loops {
		f.line("// %s", comment(l.Name))
		if err := pr.over(f, l, fmt.Sprintf("v%d_", j)); err != nil {
			return err
		}
	}
	f.write(&pr.g.funcs, header)
	return nil
}

// sumMethod writes sum<k>, which adds the synapse type's `summed`
// expression of every synapse to its postsynaptic neuron's continuous port.
func (pr *projGen) sumMethod() error {
	if pr.plan.Syn.Sum == nil {
		return nil
	}
	pr.summed = true
	k := pr.k
	return pr.method([]*plan.Loop{pr.plan.Syn.Sum}, nil, fmt.Sprintf("// sum%d drives %s.%s with the summed output of projection %s.\nfunc (s *sim) sum%d() {",
		k, comment(pr.post.ip.Name), comment(pr.ip.Port), comment(pr.ip.Name), k))
}

func (pr *projGen) normalizeMethod() error {
	k := pr.k
	return pr.method(pr.plan.Syn.Normalize, []string{fmt.Sprintf("if s.n%%%d != 0 {", pr.normEach), "return", "}"},
		fmt.Sprintf("// normalize%d scales the incoming values of each postsynaptic neuron of %s to sum to the target.\nfunc (s *sim) normalize%d() {", k, comment(pr.ip.Name), k))
}

func (pr *projGen) catchUpMethod() error {
	k := pr.k
	return pr.method(pr.plan.Syn.CatchUp, nil, fmt.Sprintf("// catchUp%d brings the lazy traces of %s up to the current time.\nfunc (s *sim) catchUp%d() {", k, comment(pr.ip.Name), k))
}

func (pr *projGen) tickMethod() error {
	k := pr.k
	return pr.method(pr.plan.Syn.Tick, nil, fmt.Sprintf("// tick%d advances the clock-driven synapse state of %s by one step.\nfunc (s *sim) tick%d() {", k, comment(pr.ip.Name), k))
}

// init prints the plan's initial values of the synapse state, over
// each variable's space (synapses row by row, or its neurons).
func (pr *projGen) init() error {
	for _, in := range pr.g.initsOf(plan.InitState, pr.ip.Name) {
		f := newFn()
		x := f.local(pr.arrays[in.Arr], "s."+pr.arrays[in.Arr])
		idx := map[plan.Space]string{plan.Synapses: "syn", plan.PreNeurons: "pre", plan.PostNeurons: "post"}[in.Loop.Space]
		pr.initResult = func(b *buf, v string) { b.line("%s[%s] = %s", x, idx, v) }
		if draws(in.Loop) {
			pr.initRng = f.local("rng", streamOf(in))
		}
		back := func() {}
		for _, v := range pr.syn.Vars {
			if v.Name == in.Var && v.Kind == ir.State {
				back = pr.g.lineTo(&f.buf, v.Pos.Pos.File, v.Pos.Pos.Line)
			}
		}
		err := pr.over(f, in.Loop, "v")
		pr.initRng, pr.initResult = "", nil
		if err != nil {
			return fmt.Errorf("initial value of %s: %w", in.Var, err)
		}
		back()
		pr.g.initBlock(f, comment(pr.ip.Name)+"."+comment(in.Var))
	}
	return nil
}
