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
			view := "" // spikes of a view: only its neurons are recorded
			if r.Hi > 0 {
				view = fmt.Sprintf(", Lo: %d, Hi: %d", r.Lo, r.Hi)
			}
			b.line("s.mon%d = &rt.SpikeMonitor{Name: %s%s}", k, quote(name), view)
		case ir.RecState:
			if r.Pop == nil {
				return fmt.Errorf("recording synapse state %s is not supported yet; record weights(...)", r.Var.Name)
			}
			pt := g.partOf(r.Pop)
			if pt == nil {
				return fmt.Errorf("record %s.%s: no such population", r.Pop.Name, r.Var.Name)
			}
			var get func(f *fnb) string
			alias := g.plan.Records[k].Alias
			if alias == nil {
				if get = g.reader(pt, r.Var, r.Lo); get == nil {
					return fmt.Errorf("%s.%s has no values to record", pt.ip.Name, r.Var.Name)
				}
			}
			mg.every = plan.Every(r.Every, dt)
			f.line("mon%d *rt.StateMonitor // %s.%s[%d:%d]", k, comment(pt.ip.Name), comment(r.Var.Name), r.Lo, r.Hi)
			f.line("mon%dbuf []float64", k)
			b.line("s.mon%d = &rt.StateMonitor{Name: %s, Var: %s, Unit: %s, Index: indexRange(%d, %d)}", k, quote(pt.ip.Name), quote(r.Var.Name), quote(r.Var.Unit), r.Lo, r.Hi)
			b.line("s.mon%dbuf = make([]float64, %d)", k, r.Hi-r.Lo)
			fn := newFn()
			if alias != nil {
				// the plan's loop stores the alias of each recorded neuron
				// into the sample, at the time of the last update
				pt.pop.scratch[alias.Ops[len(alias.Ops)-1].Arr] = fmt.Sprintf("mon%dbuf", k)
				p := pt.pop.printer(fn, "")
				p.now, p.where = "s.tp", "in a recorded alias"
				fn.line("for k := 0; k < %d; k++ {", r.Hi-r.Lo)
				if _, err := p.loop(&fn.buf, alias, "al", "k"); err != nil {
					return fmt.Errorf("record %s.%s: %w", pt.ip.Name, r.Var.Name, err)
				}
				fn.line("}")
				g.rankGather(fn, pt, r.Lo, fmt.Sprintf("s.mon%dbuf", k))
				fn.line("s.mon%d.Record(s.t, s.mon%dbuf)", k, k)
			} else {
				fn.line("buf := s.mon%dbuf", k)
				fn.line("for k := range buf {")
				fn.line("buf[k] = %s", get(fn))
				fn.line("}")
				g.rankGather(fn, pt, r.Lo, "buf")
				fn.line("s.mon%d.Record(s.t, buf)", k)
			}
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
// part: a state variable or port (nil: none; an alias is the plan's
// Record.Alias loop).
func (g *gen) reader(pt *partGen, v *ir.Var, lo int) func(f *fnb) string {
	pg := pt.pop
	idx := fmt.Sprintf("%d+k", pt.off+lo)
	if x, ok := pg.byName[v.Name]; ok {
		name := pg.field[x]
		return func(f *fnb) string { return "s." + name + "[" + idx + "]" }
	}
	return nil
}
