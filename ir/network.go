package ir

import (
	"fmt"

	"github.com/snnc/snnc/lang"
)

// Lowering of a network: populations, inputs, projections, records and the
// schedule.

const defaultDt = 1e-4 // 0.1 ms, as in Brian2 and NEST

func (b *builder) network(ni *lang.NetInfo, run *lang.RunDecl) {
	p := b.out
	p.Network = ni.Decl.Name.Name
	p.Schedule.Dt = defaultDt
	for _, it := range ni.Decl.Items {
		if s, ok := it.(*lang.Setting); ok {
			v, _ := lang.ConstValue(s.Value)
			switch s.Name.Name {
			case "dt":
				p.Schedule.Dt = v
			case "seed":
				p.Schedule.Seed = uint64(v)
			}
		}
	}
	if run != nil {
		p.Schedule.Duration, _ = lang.ConstValue(run.Duration)
		for _, s := range run.Settings {
			if str, ok := s.Value.(*lang.StringLit); ok && s.Name.Name == "out" {
				p.Schedule.Out = str.Value
			}
		}
	}
	pops := map[string]*Population{}
	inputs := map[string]*Input{}
	for _, it := range ni.Decl.Items {
		switch it := it.(type) {
		case *lang.PopulationDecl:
			pi := ni.Pops[it.Name.Name]
			if pi == nil || pi.Type == nil {
				continue
			}
			m := b.model(pi.Type, pi.Type.Name+"@"+pi.Name, it.Overrides, nil, pi.Size)
			pop := &Population{Name: pi.Name, Size: pi.Size, Shape: pi.Shape, Model: m, Pos: it.Range()}
			pops[pop.Name] = pop
			p.Pops = append(p.Pops, pop)
			p.Neurons = append(p.Neurons, m)
		case *lang.InputDecl:
			in := b.input(it, ni.Pops[it.Name.Name])
			inputs[in.Name] = in
			p.Inputs = append(p.Inputs, in)
		}
	}
	// current inputs name their target population
	for _, in := range p.Inputs {
		if in.Kind == "current_step" {
			for _, it := range ni.Decl.Items {
				if d, ok := it.(*lang.InputDecl); ok && d.Name.Name == in.Name && d.Target != nil {
					in.Target, in.Port = pops[d.Target.Name], d.Port.Name
					if in.Target != nil {
						in.View = view(d.Slice, in.Target.Size)
					}
				}
			}
		}
	}
	node := func(name string) Node {
		if pop, ok := pops[name]; ok {
			return Node{Pop: pop}
		}
		return Node{Input: inputs[name]}
	}
	byDecl := map[*lang.ProjectDecl][]*Projection{}
	names := map[string]int{} // unnamed projections with the same ends get #2, #3: names key the RNG streams
	for _, pi := range ni.Projs {
		d := pi.Decl
		for a, pre := range d.Pre {
			for c, post := range d.Post {
				prj := b.projection(pi, node(pre.Name), pops[post.Name], node)
				if prj == nil {
					continue
				}
				if a < len(d.PreSlice) {
					prj.PreView = view(d.PreSlice[a], prj.Pre.Size())
				}
				if c < len(d.PostSlice) {
					prj.PostView = view(d.PostSlice[c], prj.Post.Size)
				}
				if prj.Sliced() {
					prj.Name = fmt.Sprintf("%s%s->%s%s:%s", pre.Name, prj.PreView, post.Name, prj.PostView, d.Port.Name)
				}
				if len(d.Pre)*len(d.Post) == 1 && d.Name != nil {
					prj.Name = d.Name.Name
				} else if d.Name != nil {
					prj.Name = fmt.Sprintf("%s[%s%s->%s%s]", d.Name.Name, pre.Name, prj.PreView, post.Name, prj.PostView)
				}
				if names[prj.Name]++; names[prj.Name] > 1 {
					prj.Name = fmt.Sprintf("%s#%d", prj.Name, names[prj.Name])
				}
				if prj.Synapse != nil {
					prj.Synapse.Name = prj.Synapse.Type + "@" + prj.Name
				}
				byDecl[d] = append(byDecl[d], prj)
				p.Projs = append(p.Projs, prj)
				if prj.Synapse != nil {
					p.Synapses = append(p.Synapses, prj.Synapse)
				}
			}
		}
	}
	for _, it := range ni.Decl.Items {
		if r, ok := it.(*lang.RecordDecl); ok {
			b.records(r, ni, pops, inputs, byDecl)
		}
	}
	if run != nil {
		b.phases(run, pops, func(name string) []*Projection {
			if s, ok := ni.Scope[name]; ok && s.Proj != nil {
				return byDecl[s.Proj.Decl]
			}
			return nil
		})
	}
	for _, it := range ni.Decl.Items {
		if w, ok := it.(*lang.WtaDecl); ok && pops[w.Pop.Name] != nil {
			b.wta(w, pops[w.Pop.Name])
		}
	}
}

// view lowers a checked view [lo:hi] of a population of size n (nil when
// there is none).
func view(s *lang.Slice, n int) *View {
	if s == nil {
		return nil
	}
	v := &View{Lo: 0, Hi: n}
	if s.Lo != nil {
		x, _ := lang.ConstValue(s.Lo)
		v.Lo = int(x)
	}
	if s.Hi != nil {
		x, _ := lang.ConstValue(s.Hi)
		v.Hi = int(x)
	}
	return v
}

// wta lowers `wta Pop { k = K; by = score }`; the score is in the scope of
// the population's model.
func (b *builder) wta(d *lang.WtaDecl, pop *Population) {
	w := &Wta{Pop: pop, K: 1, Pos: d.Range()}
	l := &lower{b: b, m: pop.Model, byName: map[string]*Var{}}
	for _, v := range pop.Model.Vars {
		l.byName[v.Name] = v
	}
	for _, s := range d.Settings {
		switch s.Name.Name {
		case "k":
			k, _ := lang.ConstValue(s.Value)
			w.K = int(k)
		case "by":
			w.By = l.expr(s.Value)
		}
	}
	b.out.Wtas = append(b.out.Wtas, w)
}

// phases lowers a run's phases; a value is lowered in the scope of its
// population's (or projection's synapse) model, so it may use its
// parameters. A named projection with several (pre, post) pairs gets one
// set per pair.
func (b *builder) phases(run *lang.RunDecl, pops map[string]*Population, projsOf func(string) []*Projection) {
	for _, d := range run.Phases {
		at, _ := lang.ConstValue(d.At)
		ph := &Phase{Name: d.Name.Name, At: at, Pos: d.Range()}
		for _, s := range d.Body {
			a, ok := s.(*lang.AssignStmt)
			if !ok {
				continue
			}
			f := a.Target.(*lang.FieldExpr)
			name := f.X.(*lang.Ident).Name
			scoped := func(m *Model) Expr {
				l := &lower{b: b, m: m, byName: map[string]*Var{}}
				for _, v := range m.Vars {
					l.byName[v.Name] = v
				}
				return l.expr(a.Value)
			}
			if pop := pops[name]; pop != nil {
				ph.Sets = append(ph.Sets, &PhaseSet{Pop: pop, Var: findVar(pop.Model, f.Name.Name), Op: a.Op,
					Value: scoped(pop.Model), Pos: a.Range()})
				continue
			}
			for _, prj := range projsOf(name) {
				if prj.Synapse != nil {
					ph.Sets = append(ph.Sets, &PhaseSet{Proj: prj, Var: findVar(prj.Synapse, f.Name.Name), Op: a.Op,
						Value: scoped(prj.Synapse), Pos: a.Range()})
				}
			}
		}
		b.out.Phases = append(b.out.Phases, ph)
	}
}

func (b *builder) input(d *lang.InputDecl, pi *lang.PopInfo) *Input {
	in := &Input{Name: d.Name.Name, Kind: d.Source.Fun.Name, Num: map[string]float64{}, Str: map[string]string{},
		Lists: map[string][]float64{}, Pos: d.Range()}
	if pi != nil {
		in.Size = pi.Size
	}
	for name, x := range lang.NamedArgs(d.Source) {
		switch x := x.(type) {
		case *lang.StringLit:
			in.Str[name] = x.Value
		case *lang.ListExpr:
			vals := make([]float64, len(x.Elems))
			for i, el := range x.Elems {
				vals[i], _ = lang.ConstValue(el)
			}
			in.Lists[name] = vals
		case *lang.CallExpr:
			if lit, ok := x.Args[0].Value.(*lang.StringLit); ok && x.Fun.Name == "file" && len(x.Args) == 1 {
				in.Str[name] = lit.Value // rate = file("rates.csv")
				continue
			}
			b.inputExpr(in, name, x)
		default:
			b.inputExpr(in, name, x)
		}
	}
	return in
}

// inputExpr stores a constant argument in Num, another (a rate of t and of
// the source index i) in Exprs.
func (b *builder) inputExpr(in *Input, name string, x lang.Expr) {
	if v, ok := lang.ConstValue(x); ok {
		in.Num[name] = v
		return
	}
	l := &lower{b: b, m: &Model{}, byName: map[string]*Var{}, size: in.Size}
	if in.Exprs == nil {
		in.Exprs = map[string]Expr{}
	}
	in.Exprs[name] = l.expr(x)
}

func (b *builder) projection(pi *lang.ProjInfo, pre Node, post *Population, node func(string) Node) *Projection {
	d := pi.Decl
	if post == nil || (pre.Pop == nil && pre.Input == nil) {
		return nil
	}
	prj := &Projection{Name: fmt.Sprintf("%s->%s:%s", pre.Name(), post.Name, d.Port.Name), Pre: pre, Post: post,
		Port: d.Port.Name, Modulators: map[string]Node{}, Pos: d.Range(), Storage: "auto"}
	var port *Port
	for _, pt := range post.Model.Ports {
		if pt.Name == d.Port.Name {
			port = pt
		}
	}
	var overrides []*lang.Setting
	for _, it := range d.Items {
		switch it := it.(type) {
		case *lang.Setting:
			switch it.Name.Name {
			case "connect":
				prj.Connector = connector(it)
			case "weight", "delay":
				l := &lower{b: b, m: &Model{}, byName: map[string]*Var{}}
				e := l.expr(it.Value)
				if it.Name.Name == "weight" {
					prj.Weight = e
				} else {
					prj.Delay = e
				}
			default:
				overrides = append(overrides, it)
			}
		case *lang.NormalizeStmt:
			target, _ := lang.ConstValue(it.Target)
			every, _ := lang.ConstValue(it.Every)
			prj.Normalize = &Normalize{Func: it.Func.Name, Target: target, Every: every, Pos: it.Range()}
		case *lang.ModulatorItem:
			prj.Modulators[it.Name.Name] = node(it.Source.Name)
			if it.PerPost {
				if prj.ModPerPost == nil {
					prj.ModPerPost = map[string]bool{}
				}
				prj.ModPerPost[it.Name.Name] = true
			}
		}
	}
	if pi.Synapse != nil && port != nil && port.Kind != DendritePort {
		var preModel *Model
		if pre.Pop != nil {
			preModel = pre.Pop.Model
		}
		w := port.Weight
		if port.Kind == ContPort && port.Var != nil {
			w = port.Var.Dim // a summed synapse's weight is in the port's unit
		}
		bind := &binding{pre: preModel, post: post.Model, weight: w, synDelays: HasRandom(prj.Delay)}
		for _, it := range d.Items {
			if n, ok := it.(*lang.NormalizeStmt); ok {
				bind.normalize = n.Var.Name
			}
		}
		m := b.model(pi.Synapse, pi.Synapse.Name+"@"+prj.Name, overrides, bind, 1)
		prj.Synapse = m
		if prj.Delay == nil {
			prj.Delay = m.Delay
		}
		if prj.Normalize != nil {
			for _, it := range d.Items {
				if n, ok := it.(*lang.NormalizeStmt); ok {
					for _, v := range m.Vars {
						if v.Name == n.Var.Name {
							prj.Normalize.Var = v
						}
					}
				}
			}
		}
	}
	return prj
}

func connector(s *lang.Setting) Connector {
	c := Connector{Num: map[string]float64{}, ExceptSelf: s.ExceptSelf}
	switch v := s.Value.(type) {
	case *lang.Ident:
		c.Kind = v.Name
	case *lang.CallExpr:
		c.Kind = v.Fun.Name
		for name, x := range lang.NamedArgs(v) {
			if str, ok := x.(*lang.StringLit); ok {
				c.File = str.Value
			} else if l, ok := x.(*lang.ListExpr); ok {
				if c.Ints == nil {
					c.Ints = map[string][]int{}
				}
				for _, el := range l.Elems {
					v, _ := lang.ConstValue(el)
					c.Ints[name] = append(c.Ints[name], int(v))
				}
			} else if val, ok := lang.ConstValue(x); ok {
				c.Num[name] = val
			}
		}
	}
	return c
}

func (b *builder) records(r *lang.RecordDecl, ni *lang.NetInfo, pops map[string]*Population, inputs map[string]*Input, byDecl map[*lang.ProjectDecl][]*Projection) {
	every := b.out.Schedule.Dt
	if r.Every != nil {
		every, _ = lang.ConstValue(r.Every)
	}
	projsOf := func(name string) []*Projection {
		if s, ok := ni.Scope[name]; ok && s.Proj != nil {
			return byDecl[s.Proj.Decl]
		}
		return nil
	}
	for _, x := range r.Targets {
		switch x := x.(type) {
		case *lang.CallExpr:
			for _, a := range x.Args {
				val := a.Value
				ix, isIndex := val.(*lang.IndexExpr)
				if isIndex && x.Fun.Name == "spikes" {
					val = ix.X
				}
				id, ok := val.(*lang.Ident)
				if !ok {
					continue
				}
				if x.Fun.Name == "spikes" {
					rec := &Record{Kind: RecSpikes, Pop: pops[id.Name], Input: inputs[id.Name], Pos: x.Range()}
					if isIndex { // a view: its neurons [Lo, Hi), by their population index
						n := 0
						if rec.Pop != nil {
							n = rec.Pop.Size
						} else if rec.Input != nil {
							n = rec.Input.Size
						}
						v := view(&lang.Slice{Lo: ix.Lo, Hi: ix.Hi}, n)
						rec.Lo, rec.Hi = v.Lo, v.Hi
					}
					b.out.Records = append(b.out.Records, rec)
					continue
				}
				for _, prj := range projsOf(id.Name) {
					rec := &Record{Kind: RecWeights, Proj: prj, Every: every, AtEnd: r.AtEnd, Pos: x.Range()}
					if r.Every == nil {
						rec.Every = 0 // once, at the end of the run
					}
					if prj.Synapse != nil {
						rec.Var = findVar(prj.Synapse, "w")
					}
					b.out.Records = append(b.out.Records, rec)
				}
			}
		default:
			var lo, hi lang.Expr
			slice := false
			if ix, ok := x.(*lang.IndexExpr); ok {
				lo, hi, slice, x = ix.Lo, ix.Hi, ix.IsSlice, ix.X
			}
			f, ok := x.(*lang.FieldExpr)
			if !ok {
				continue
			}
			varName := f.Name.Name
			if inner, ok := f.X.(*lang.FieldExpr); ok { // Pop.comp.var: named comp.var in the model
				varName = inner.Name.Name + "." + varName
				f = inner
			}
			name := f.X.(*lang.Ident).Name
			if pop, ok := pops[name]; ok {
				rec := &Record{Kind: RecState, Pop: pop, Var: findVar(pop.Model, varName), Lo: 0, Hi: pop.Size, Every: every, Pos: x.Range()}
				if lo != nil {
					v, _ := lang.ConstValue(lo)
					rec.Lo = int(v)
					if !slice {
						rec.Hi = rec.Lo + 1
					}
				}
				if hi != nil {
					v, _ := lang.ConstValue(hi)
					rec.Hi = int(v)
				}
				b.out.Records = append(b.out.Records, rec)
				continue
			}
			// no backend records synapse state yet: say so here, at the
			// record, rather than when a backend starts
			sp := x.Range()
			b.diags.Errorf(sp.Pos, sp.End, "recording synapse state %s.%s is not supported yet", name, f.Name.Name).Hint =
				"record weights(" + name + ") for w, or move the value into a neuron variable"
			for _, prj := range projsOf(name) {
				b.out.Records = append(b.out.Records, &Record{Kind: RecState, Proj: prj, Var: findVar(prj.Synapse, f.Name.Name), Every: every, Pos: sp})
			}
		}
	}
}

func findVar(m *Model, name string) *Var {
	if m == nil {
		return nil
	}
	for _, v := range m.Vars {
		if v.Name == name {
			return v
		}
	}
	return nil
}

// HasRandom reports whether e draws a random number (a delay drawn per
// synapse; an arm of an initial value that draws only when taken).
func HasRandom(e Expr) bool {
	found := false
	if e != nil {
		Walk(e, func(x Expr) bool {
			if c, ok := x.(*Call); ok && IsRandom(c.Fn) {
				found = true
			}
			return !found
		})
	}
	return found
}
