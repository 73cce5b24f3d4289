package passes

import (
	"fmt"
	"math"
	"strings"

	"github.com/snnc/snnc/ir"
)

// fuse lets a backend make fewer passes over memory:
//
//   - update + threshold + reset: when a population's reset touches nothing
//     that synaptic delivery in the same step reads or writes, the reset can
//     run right where the threshold fires, so the backend integrates, tests
//     and resets each block of neurons while it is in cache (Model.Fused);
//
//   - projections from the same source onto the same port of the same
//     population with the same constant weight and delay are merged, so a
//     spike walks one row instead of several (their targets are summed in
//     the same order, so results stay bit-identical).
//
//   - populations whose models are identical (same equations, constants,
//     kernels and ports once folded) are grouped: a backend runs one loop over
//     the group, each member a range of it (Population.Group/Offset), with
//     the members' own random streams for initial values.
func fuse(ctx *Context) {
	p := ctx.Prog
	for _, pop := range p.Pops {
		m := pop.Model
		if m.Threshold == nil || len(m.Reset) == 0 {
			continue
		}
		if hasWta(p, pop) {
			ctx.Diags.Notef(pop.Pos.Pos, pop.Pos.End, "fuse: %s keeps separate passes: its wta chooses who spikes after every threshold is tested", pop.Name)
			continue
		}
		if ok, why := resetCommutes(p, pop); ok {
			m.Fused = true
			ctx.Diags.Notef(pop.Pos.Pos, pop.Pos.End, "fuse: %s updates, tests the threshold and resets in one pass", pop.Name)
		} else {
			ctx.Diags.Notef(pop.Pos.Pos, pop.Pos.End, "fuse: %s keeps separate passes: %s", pop.Name, why)
		}
	}
	mergeProjections(ctx)
	groupPopulations(ctx)
}

// groupPopulations groups 1-D populations with identical models.
func groupPopulations(ctx *Context) {
	p := ctx.Prog
	leaders := map[string]*ir.Population{}
	for _, pop := range p.Pops {
		pop.Group, pop.Offset, pop.Members = nil, 0, nil
	}
	for _, pop := range p.Pops {
		if len(pop.Shape) > 1 {
			continue // distance-dependent connectivity needs the shape
		}
		if hasWta(p, pop) {
			continue // the selection runs over this population alone
		}
		sig := signature(pop.Model)
		lead, ok := leaders[sig]
		if !ok {
			leaders[sig] = pop
			continue
		}
		if lead.Members == nil {
			lead.Members, lead.Group = []*ir.Population{lead}, lead
		}
		last := lead.Members[len(lead.Members)-1]
		pop.Group, pop.Offset = lead, last.Offset+last.Size
		lead.Members = append(lead.Members, pop)
		ctx.Diags.Notef(pop.Pos.Pos, pop.Pos.End, "fuse: %s runs in one loop with %s (identical models)", pop.Name, lead.Name)
	}
}

// signature is a model's printed form without its name: equal signatures
// mean identical kernels and constants.
func signature(m *ir.Model) string {
	name := m.Name
	m.Name = ""
	defer func() { m.Name = name }()
	var sb strings.Builder
	ir.Print(&sb, &ir.Program{Neurons: []*ir.Model{m}})
	fmt.Fprintf(&sb, "fused=%v", m.Fused)
	return sb.String()
}

// resetCommutes: the reset writes nothing that the step's synaptic events
// read or write, and reads nothing they write.
func resetCommutes(p *ir.Program, pop *ir.Population) (bool, string) {
	writes, reads := map[*ir.Var]bool{}, map[*ir.Var]bool{}
	ir.WalkStmts(pop.Model.Reset, func(s ir.Stmt) {
		if a, ok := s.(*ir.Assign); ok {
			writes[a.Var] = true
		}
	})
	ir.StmtExprs(pop.Model.Reset, func(e ir.Expr) { collect(e, ir.Own, reads) })
	touched := map[*ir.Var]bool{} // what synaptic events read or write
	written := map[*ir.Var]bool{}
	for _, port := range pop.Model.Ports {
		ir.WalkStmts(port.Body, func(s ir.Stmt) {
			if a, ok := s.(*ir.Assign); ok {
				touched[a.Var], written[a.Var] = true, true
			}
		})
		ir.StmtExprs(port.Body, func(e ir.Expr) { collect(e, ir.Own, touched) })
	}
	for _, prj := range p.Projs {
		if prj.Synapse == nil {
			continue
		}
		var kernels [][]ir.Stmt
		kernels = append(kernels, prj.Synapse.OnPre, prj.Synapse.OnPost)
		for _, ss := range prj.Synapse.OnMod {
			kernels = append(kernels, ss)
		}
		read := func(e ir.Expr) {
			if prj.Post == pop {
				collect(e, ir.Post, touched)
			}
			if prj.Pre.Pop == pop {
				collect(e, ir.Pre, touched)
			}
		}
		for _, ss := range kernels {
			ir.StmtExprs(ss, read)
		}
		for _, o := range prj.Synapse.ODEs { // read every step, before the reset
			read(o.Rhs)
		}
	}
	for v := range writes {
		if touched[v] {
			return false, "its reset writes " + v.Name + ", which synaptic events use"
		}
	}
	for v := range reads {
		if written[v] {
			return false, "its reset reads " + v.Name + ", which synaptic events change"
		}
	}
	return true, ""
}

func collect(e ir.Expr, side ir.Side, into map[*ir.Var]bool) {
	ir.Walk(e, func(x ir.Expr) bool {
		if r, ok := x.(*ir.Ref); ok && r.Side == side {
			into[r.Var] = true
		}
		return true
	})
}

// mergeProjections joins static projections that share source, target,
// port, constant weight, delay and storage class.
func mergeProjections(ctx *Context) {
	p := ctx.Prog
	type key struct {
		pre, post, port string
		w, d            float64
	}
	first := map[key]*ir.Projection{}
	recorded := map[*ir.Projection]bool{}
	for _, r := range p.Records {
		recorded[r.Proj] = true
	}
	var kept []*ir.Projection
	for _, prj := range p.Projs {
		if recorded[prj] {
			kept = append(kept, prj)
			continue
		}
		w, ok1 := ir.ConstValue(prj.Weight)
		d := 0.0
		ok2 := true
		if prj.Delay != nil {
			d, ok2 = ir.ConstValue(prj.Delay)
		}
		if prj.Synapse != nil || !ok1 || !ok2 || math.IsNaN(w) || prj.Connector.Kind == "from_file" || prj.Connector.Weighted() || prj.Connector.Kind == "pool2d" {
			kept = append(kept, prj)
			continue
		}
		k := key{prj.Pre.Name(), prj.Post.Name, prj.Port, w, d}
		if f, ok := first[k]; ok {
			f.Merged = append(f.Merged, prj)
			ctx.Diags.Notef(prj.Pos.Pos, prj.Pos.End, "fuse: %s merged into %s", prj.Name, f.Name)
			continue
		}
		first[k] = prj
		kept = append(kept, prj)
	}
	p.Projs = kept
}

func hasWta(p *ir.Program, pop *ir.Population) bool {
	for _, w := range p.Wtas {
		if w.Pop == pop {
			return true
		}
	}
	return false
}
