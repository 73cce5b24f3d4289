package passes

import (
	"fmt"
	"strings"

	"github.com/snnc/snnc/ir"
)

// dce removes what cannot affect any recording: state variables (with their
// equations and the statements that write them), kernels left empty,
// populations, inputs and projections. Without any record the spikes of
// every population are the output (the run summary counts them).
//
// Liveness is a fixed point over three kinds of facts: a variable is live,
// a node's spikes are live, a projection is live.
func dce(ctx *Context) {
	p := ctx.Prog
	if p.Network == "" {
		return // a library file: nothing is recorded, keep every model
	}
	lv := &liveness{vars: map[*ir.Var]bool{}, spikes: map[string]bool{}, projs: map[*ir.Projection]bool{}, prog: p}
	lv.roots()
	for lv.changed = true; lv.changed; {
		lv.changed = false
		lv.step()
	}
	lv.sweep(ctx)
}

type liveness struct {
	prog    *ir.Program
	vars    map[*ir.Var]bool
	spikes  map[string]bool // population or input name
	projs   map[*ir.Projection]bool
	changed bool
}

func (l *liveness) markVar(v *ir.Var) {
	if v != nil && !l.vars[v] {
		l.vars[v], l.changed = true, true
	}
}

func (l *liveness) markSpikes(name string) {
	if !l.spikes[name] {
		l.spikes[name], l.changed = true, true
	}
}

func (l *liveness) markProj(p *ir.Projection) {
	if !l.projs[p] {
		l.projs[p], l.changed = true, true
	}
}

// reads marks every variable an expression reads.
func (l *liveness) reads(e ir.Expr) {
	ir.Walk(e, func(e ir.Expr) bool {
		if r, ok := e.(*ir.Ref); ok {
			l.markVar(r.Var)
		}
		return true
	})
}

func (l *liveness) roots() {
	if len(l.prog.Records) == 0 {
		for _, pop := range l.prog.Pops {
			l.markSpikes(pop.Name)
		}
	}
	for _, r := range l.prog.Records {
		switch r.Kind {
		case ir.RecSpikes:
			if r.Pop != nil {
				l.markSpikes(r.Pop.Name)
			} else {
				l.markSpikes(r.Input.Name)
			}
		case ir.RecState:
			l.markVar(r.Var)
			if r.Proj != nil {
				l.markProj(r.Proj)
			}
		case ir.RecWeights:
			// recorded weights are a use of the projection: it stays with
			// both its ends, even when nothing reads what it delivers
			l.markProj(r.Proj)
			l.markVar(r.Var)
			l.reads(r.Proj.Weight)
			l.markSpikes(r.Proj.Post.Name)
		}
	}
}

// writesLive reports whether a kernel assigns a live variable; if so the
// statements that do, and the conditions around them, make their reads live.
func (l *liveness) writesLive(ss []ir.Stmt) bool {
	live := false
	for _, s := range ss {
		switch s := s.(type) {
		case *ir.Assign:
			if l.vars[s.Var] {
				live = true
				l.reads(s.Value)
			}
		case *ir.If:
			if l.writesLive(s.Then) || l.writesLive(s.Else) {
				live = true
				l.reads(s.Cond)
			}
		}
	}
	return live
}

func (l *liveness) step() {
	models := append(append([]*ir.Model{}, l.prog.Neurons...), l.prog.Synapses...)
	for _, m := range models {
		for _, v := range m.Vars {
			if l.vars[v] {
				l.reads(v.Value)
				l.reads(v.Init)
			}
		}
		// a system is integrated as a whole: one live variable keeps all
		for _, sys := range m.Update {
			live := false
			for _, v := range sys.Vars {
				live = live || l.vars[v]
			}
			if live {
				for _, v := range sys.Vars {
					l.markVar(v)
				}
			}
		}
		for _, o := range m.ODEs {
			if l.vars[o.Var] {
				l.reads(o.Rhs)
				for _, n := range o.Noise {
					l.reads(n.Coef)
				}
			}
		}
	}
	for _, pop := range l.prog.Pops {
		m := pop.Model
		spikes := l.spikes[pop.Name]
		if l.writesLive(m.Reset) {
			spikes = true
		}
		if spikes {
			l.markSpikes(pop.Name)
			l.reads(m.Threshold)
			for _, w := range l.prog.Wtas {
				if w.Pop == pop {
					l.reads(w.By) // the score decides who spikes
				}
			}
			// refractoriness decides when the neuron can spike again
			ir.WalkStmts(m.Reset, func(s ir.Stmt) {
				if r, ok := s.(*ir.Refractory); ok {
					l.reads(r.Duration)
				}
			})
		}
		for _, d := range m.Dendrites {
			if l.writesLive(m.OnActive[d.Name]) || (d.Out != nil && l.vars[d.Out]) {
				l.reads(d.Activation)
				l.markPortLive(pop, d.Name)
				if learn, ok := d.Settings["learning"]; !d.Continuous && (!ok || learn != 0) {
					l.markSpikes(pop.Name) // segments learn when their neuron fires
				}
			}
		}
		for _, port := range m.Ports {
			if (port.Kind == ir.EventPort && l.writesLive(port.Body)) || (port.Kind == ir.ContPort && l.vars[port.Var]) {
				l.markPortLive(pop, port.Name)
			}
		}
	}
	for _, prj := range l.prog.Projs {
		if s := prj.Synapse; s != nil {
			// a synapse's own state matters when something live reads it
			if l.writesLive(s.OnPre) {
				l.markProj(prj)
			}
			if l.writesLive(s.OnPost) {
				l.markProj(prj)
				l.markSpikes(prj.Post.Name)
			}
			for name, ss := range s.OnMod {
				if l.writesLive(ss) {
					l.markProj(prj)
					l.markSpikes(prj.Modulators[name].Name())
				}
			}
		}
		if !l.projs[prj] {
			continue
		}
		l.markSpikes(prj.Pre.Name())
		l.reads(prj.Weight)
		l.reads(prj.Delay)
		if s := prj.Synapse; s != nil {
			ir.WalkStmts(s.OnPre, func(st ir.Stmt) {
				if d, ok := st.(*ir.Deliver); ok {
					l.reads(d.Value)
				}
			})
			if prj.Normalize != nil {
				l.markVar(prj.Normalize.Var)
			}
			l.reads(s.Summed) // drives the continuous port every step
		}
	}
	for _, in := range l.prog.Inputs {
		if in.Target != nil && l.spikesOrStateLive(in.Target) {
			for _, port := range in.Target.Model.Ports {
				if port.Name == in.Port && port.Var != nil && l.vars[port.Var] {
					l.markSpikes(in.Name)
				}
			}
		}
	}
}

func (l *liveness) spikesOrStateLive(pop *ir.Population) bool {
	if l.spikes[pop.Name] {
		return true
	}
	for _, v := range pop.Model.Vars {
		if l.vars[v] {
			return true
		}
	}
	return false
}

// markPortLive makes every projection into a live port live.
func (l *liveness) markPortLive(pop *ir.Population, port string) {
	for _, prj := range l.prog.Projs {
		if prj.Post == pop && prj.Port == port {
			l.markProj(prj)
		}
	}
}

// sweep removes everything not live and says what it removed.
func (l *liveness) sweep(ctx *Context) {
	p := ctx.Prog
	var removed []string
	var pops []*ir.Population
	for _, pop := range p.Pops {
		if l.spikesOrStateLive(pop) {
			pops = append(pops, pop)
			l.sweepModel(pop.Model, pop.Name, l.spikes[pop.Name], &removed, ctx)
			continue
		}
		removed = append(removed, "population "+pop.Name)
		ctx.Diags.Notef(pop.Pos.Pos, pop.Pos.End, "dce: population %s is removed: no recording depends on it", pop.Name)
	}
	p.Pops = pops
	p.Neurons = p.Neurons[:0]
	for _, pop := range pops {
		p.Neurons = append(p.Neurons, pop.Model)
	}
	var projs []*ir.Projection
	p.Synapses = p.Synapses[:0]
	for _, prj := range p.Projs {
		if l.projs[prj] && l.spikesOrStateLive(prj.Post) {
			projs = append(projs, prj)
			if prj.Synapse != nil {
				l.sweepModel(prj.Synapse, prj.Name, true, &removed, ctx)
				p.Synapses = append(p.Synapses, prj.Synapse)
			}
			continue
		}
		removed = append(removed, "projection "+prj.Name)
		ctx.Diags.Notef(prj.Pos.Pos, prj.Pos.End, "dce: projection %s is removed: no recording depends on it", prj.Name)
	}
	p.Projs = projs
	var inputs []*ir.Input
	for _, in := range p.Inputs {
		used := l.spikes[in.Name]
		if used {
			inputs = append(inputs, in)
			continue
		}
		removed = append(removed, "input "+in.Name)
		ctx.Diags.Notef(in.Pos.Pos, in.Pos.End, "dce: input %s is removed: no recording depends on it", in.Name)
	}
	p.Inputs = inputs
	var wtas []*ir.Wta
	for _, w := range p.Wtas {
		if l.spikesOrStateLive(w.Pop) {
			wtas = append(wtas, w)
		}
	}
	p.Wtas = wtas
	// a phase that sets a removed variable has nothing left to set
	live := map[*ir.Population]bool{}
	for _, pop := range pops {
		live[pop] = true
	}
	for _, ph := range p.Phases {
		var sets []*ir.PhaseSet
		for _, st := range ph.Sets {
			owner := live[st.Pop]
			if st.Proj != nil {
				owner = l.projs[st.Proj] && l.spikesOrStateLive(st.Proj.Post)
			}
			if owner && l.vars[st.Var] {
				sets = append(sets, st)
			}
		}
		ph.Sets = sets
	}
	p.Removed = append(p.Removed, removed...)
}

// sweepModel drops dead variables, their equations, systems and writes, and
// kernels left empty.
func (l *liveness) sweepModel(m *ir.Model, owner string, spikes bool, removed *[]string, ctx *Context) {
	var vars, dead []*ir.Var
	for _, v := range m.Vars {
		if l.vars[v] {
			vars = append(vars, v)
		} else {
			dead = append(dead, v)
		}
	}
	if len(dead) > 0 {
		names := make([]string, len(dead))
		for i, v := range dead {
			names[i] = v.Name
		}
		*removed = append(*removed, fmt.Sprintf("%s: %s", owner, strings.Join(names, ", ")))
		ctx.Diags.Notef(m.Pos.Pos, m.Pos.End, "dce: in %s, %s removed: no recording depends on them", owner, strings.Join(names, ", "))
	}
	m.Vars = vars
	var odes []*ir.ODE
	for _, o := range m.ODEs {
		if l.vars[o.Var] {
			odes = append(odes, o)
		}
	}
	m.ODEs = odes
	var systems []*ir.System
	for _, s := range m.Update {
		if len(s.Vars) > 0 && l.vars[s.Vars[0]] {
			systems = append(systems, s) // systems are live or dead as a whole
		}
	}
	m.Update = systems
	if !spikes && m.Kind == ir.NeuronModel {
		m.Threshold, m.Reset = nil, nil
	}
	m.Reset = l.prune(m.Reset)
	m.OnPre = l.prune(m.OnPre)
	m.OnPost = l.prune(m.OnPost)
	for k, ss := range m.OnMod {
		if m.OnMod[k] = l.prune(ss); len(m.OnMod[k]) == 0 {
			delete(m.OnMod, k)
		}
	}
	for k, ss := range m.OnActive {
		if m.OnActive[k] = l.prune(ss); len(m.OnActive[k]) == 0 {
			delete(m.OnActive, k)
		}
	}
	var ports []*ir.Port
	for _, port := range m.Ports {
		// an event port stays even when its body empties: a live
		// projection may still deliver into it (to no effect)
		port.Body = l.prune(port.Body)
		if port.Kind == ir.ContPort && !l.vars[port.Var] {
			continue
		}
		ports = append(ports, port)
	}
	m.Ports = ports
}

// prune drops writes of dead variables (and ifs left empty); refractory and
// deliver statements stay.
func (l *liveness) prune(ss []ir.Stmt) []ir.Stmt {
	var out []ir.Stmt
	for _, s := range ss {
		switch s := s.(type) {
		case *ir.Assign:
			if !l.vars[s.Var] {
				continue
			}
		case *ir.If:
			s.Then, s.Else = l.prune(s.Then), l.prune(s.Else)
			if len(s.Then) == 0 && len(s.Else) == 0 {
				continue
			}
		}
		out = append(out, s)
	}
	return out
}
