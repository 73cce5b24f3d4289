package gocode

import (
	"fmt"

	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/plan"
)

// monGen is a recording: fields mon<k> (the runtime monitor) and
// mon<k>buf (one sample).
type monGen struct {
	k     int
	kind  ir.RecordKind
	fired string // spikes: the source's spikes this step
	every int    // steps between samples (weights: 0 = once, at the end)
	atEnd bool   // weights `at end`: sampled after everything of the step
	pr    *projGen
}

func (g *gen) monitors() error {
	projOf := map[*ir.Projection]*projGen{}
	for _, pr := range g.projs {
		projOf[pr.ip] = pr
	}
	dt := g.p.Schedule.Dt
	f, b := &g.fields, &g.build
	f.line("")
	for k, r := range g.p.Records {
		mg := &monGen{k: k, kind: r.Kind}
		switch r.Kind {
		case ir.RecSpikes:
			name := ""
			if r.Pop != nil {
				name = r.Pop.Name
			} else {
				name = r.Input.Name
			}
			n, ok := g.nodes[name]
			if !ok {
				return fmt.Errorf("record spikes(%s): no such population or input", name)
			}
			mg.fired = n.fired()
			f.line("mon%d *rt.SpikeMonitor // spikes of %s", k, comment(name))
			b.line("s.mon%d = &rt.SpikeMonitor{Name: %s}", k, quote(name))
		case ir.RecState:
			if r.Pop == nil {
				return fmt.Errorf("recording synapse state %s is not supported yet; record weights(...)", r.Var.Name)
			}
			pt := g.partOf(r.Pop)
			if pt == nil {
				return fmt.Errorf("record %s.%s: no such population", r.Pop.Name, r.Var.Name)
			}
			get, err := g.reader(pt, r.Var, r.Lo)
			if err != nil {
				return err
			}
			mg.every = plan.Every(r.Every, dt)
			f.line("mon%d *rt.StateMonitor // %s.%s[%d:%d]", k, comment(pt.ip.Name), comment(r.Var.Name), r.Lo, r.Hi)
			f.line("mon%dbuf []float64", k)
			b.line("s.mon%d = &rt.StateMonitor{Name: %s, Var: %s, Unit: %s, Index: indexRange(%d, %d)}", k, quote(pt.ip.Name), quote(r.Var.Name), quote(r.Var.Unit), r.Lo, r.Hi)
			b.line("s.mon%dbuf = make([]float64, %d)", k, r.Hi-r.Lo)
			fn := newFn()
			fn.line("buf := s.mon%dbuf", k)
			fn.line("for k := range buf {")
			fn.line("buf[k] = %s", get(fn))
			fn.line("}")
			fn.line("s.mon%d.Record(s.t, buf)", k)
			fn.write(&g.funcs, fmt.Sprintf("// sample%d records %s.%s.\nfunc (s *sim) sample%d() {", k, comment(pt.ip.Name), comment(r.Var.Name), k))
		case ir.RecWeights:
			pr := projOf[r.Proj]
			if pr == nil {
				return fmt.Errorf("record weights: projection %s was removed", r.Proj.Name)
			}
			if pr.dend != nil && pr.dend.seg() {
				return fmt.Errorf("weights of %s: a segment dendrite's synapses are permanences on segments that grow and die; they cannot be recorded as weights", pr.ip.Name)
			}
			if pr.storage == "procedural" && pr.syn == nil {
				return fmt.Errorf("weights of %s: procedural connectivity has no synapse list to record", pr.ip.Name)
			}
			mg.pr = pr
			get, name := g.lit(pr.weight).s, "weight"
			if pr.weightVar != "" {
				get = pr.weightVar
			}
			if pr.random {
				get = fmt.Sprintf("s.c%dw[k]", pr.k)
				if pr.w32 {
					get = "float64(" + get + ")"
				}
			}
			if r.Var != nil && pr.field[r.Var] != "" {
				get, name = fmt.Sprintf("s.%s[k]", pr.field[r.Var]), r.Var.Name
			}
			if r.Every > 0 {
				mg.every = plan.Every(r.Every, dt)
				mg.atEnd = r.AtEnd
			}
			f.line("mon%d *rt.WeightMonitor // %s of %s", k, comment(name), comment(pr.ip.Name))
			f.line("mon%dbuf []float64", k)
			b.line("{ // record %s of %s", comment(name), comment(pr.ip.Name))
			b.line("n := s.c%dnsyn", pr.k)
			b.line("m := &rt.WeightMonitor{Name: %s, Var: %s, Pre: make([]int32, n), Post: make([]int32, n), Index: indexRange(0, int(n))}", quote(pr.ip.Name), quote(name))
			fn := newFn()
			fn.line("for pre := 0; pre < %s; pre++ {", pr.pre.size())
			pr.rows(fn, &connGen{ip: pr.ip, prefix: fmt.Sprintf("c%d", pr.k), storage: pr.storage}, "pre", true, func() {
				fn.line("m.Pre[syn], m.Post[syn] = int32(pre), int32(post)")
			})
			fn.line("}")
			for _, d := range fn.decl {
				b.line("%s", d)
			}
			b.Write(fn.Bytes())
			b.line("s.mon%d, s.mon%dbuf = m, make([]float64, n)", k, k)
			b.line("}")
			fs := &g.funcs
			fs.line("// take%d records %s of %s at time t.", k, comment(name), comment(pr.ip.Name))
			fs.line("func (s *sim) take%d(t float64) {", k)
			fs.line("buf := s.mon%dbuf", k)
			fs.line("for k := range buf {")
			fs.line("buf[k] = %s", get)
			fs.line("}")
			fs.line("s.mon%d.Record(t, buf)", k)
			fs.line("}")
			fs.line("")
		}
		g.mons = append(g.mons, mg)
	}
	return nil
}

// reader returns the Go code of the recorded variable of neuron lo+k of a
// part: a state variable or port, or an alias computed as the interpreter
// does (reading the time of the population's last update).
func (g *gen) reader(pt *partGen, v *ir.Var, lo int) (func(f *fnb) string, error) {
	pg := pt.pop
	idx := fmt.Sprintf("%d+k", pt.off+lo)
	if x, ok := pg.byName[v.Name]; ok {
		name := pg.field[x]
		return func(f *fnb) string { return "s." + name + "[" + idx + "]" }, nil
	}
	var own *ir.Var
	for _, x := range pg.m.Vars {
		if x.Name == v.Name && x.Kind == ir.Alias {
			own = x
		}
	}
	if own == nil {
		return nil, fmt.Errorf("%s.%s has no values to record", pt.ip.Name, v.Name)
	}
	// compile once for the error, then per function
	if _, err := (&env{g: g, ref: pg.scalarRef(newFn(), idx, ""), time: val("s.tp"), weight: "0.0", where: "in a recorded alias"}).num(plan.InlineAliases(own.Value)); err != nil {
		return nil, err
	}
	return func(f *fnb) string {
		c, _ := (&env{g: g, ref: pg.scalarRef(f, idx, ""), time: val("s.tp"), weight: "0.0", where: "in a recorded alias"}).num(plan.InlineAliases(own.Value))
		return c.s
	}, nil
}
