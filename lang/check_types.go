package lang

import (
	"fmt"
	"math"
	"strings"

	"github.com/snnc/snnc/lang/units"
)

// Checking of neuron and synapse types (and compartments inside neurons).

// typeChecker carries the per-type state: alias resolution and which
// state variables already have an equation.
type typeChecker struct {
	c          *checker
	info       *TypeInfo
	aliases    map[*Symbol]*Alias
	aliasOrder []*Symbol         // declaration order, for deterministic reports
	later      map[string]string // variables not yet declared (initializers)
	resolving  []*Symbol         // alias stack, to name cycles
	status     map[*Symbol]int   // 1 resolving, 2 done (cycle detection)
	odes       map[*Symbol]bool
	integrated map[string]bool // the variables the body's equations integrate (noise coefficients)
	// pre, post and weight bind a synapse to a projection (see recheckSynapse).
	pre, post *TypeInfo
	weight    *Type
}

// env returns the scope for expressions in t's bodies.
func (tc *typeChecker) env(t *TypeInfo) *env {
	return &env{c: tc.c, typ: t, pre: tc.pre, post: tc.post, weight: tc.weight}
}

func (c *checker) checkType(td *TypeDecl) *TypeInfo {
	info := newTypeInfo(td, td.Name.Name, td.Kind, nil)
	tc := &typeChecker{c: c, info: info, aliases: map[*Symbol]*Alias{}, status: map[*Symbol]int{}, odes: map[*Symbol]bool{}}
	c.aliasHook = func(s *Symbol) {
		if a, ok := tc.aliases[s]; ok {
			tc.resolveAlias(s, a)
		}
	}
	tc.declare(info, td.Members)
	tc.body(info, td.Members)
	c.zeroDivisors(info, nil)
	return info
}

func newTypeInfo(td *TypeDecl, name string, kind TypeKind, parent *TypeInfo) *TypeInfo {
	return &TypeInfo{Decl: td, Name: name, Kind: kind, Parent: parent,
		Scope: map[string]*Symbol{}, Ports: map[string]*PortInfo{}, Dends: map[string]*DendriteBlock{},
		Mods: map[string]bool{}, ModDraws: map[string]*CallExpr{}, Method: map[string]string{}, DeliverTo: map[string]*DeliverTo{}}
}

// add declares a name in t, reporting duplicates across every kind of member.
func (tc *typeChecker) add(t *TypeInfo, id *Ident, s *Symbol) bool {
	if prev, ok := t.Scope[id.Name]; ok {
		// Blocks are declared kind by kind, not in text order: report the
		// later occurrence and keep the earlier one in scope.
		first, firstSym, second := prev.Decl.Range().Pos, prev, id.Range()
		if id.Pos.Offset < first.Offset {
			first, firstSym = id.Pos, s
			second = Span{Pos: prev.Decl.Range().Pos, End: Pos{File: id.End.File, Line: prev.Decl.Range().Pos.Line, Col: prev.Decl.Range().Pos.Col + len(id.Name), Offset: prev.Decl.Range().Pos.Offset + len(id.Name)}}
			s.Owner = t
			t.Scope[id.Name] = s
			replaceOrder(t, prev, s)
		}
		tc.c.diags.Errorf(second.Pos, second.End, "%s is declared twice in %s", id.Name, t.Name).Hint =
			fmt.Sprintf("the first is a %s at %s", firstSym.describe(), first)
		return false
	}
	if p, ok := t.Ports[id.Name]; ok && s != nil && s.Kind != PortSym && s.Kind != DendriteSym {
		tc.c.errorf(id, "%s is already the name of an input of %s", id.Name, t.Name).Hint = "declared at " + portPos(p)
		return false
	}
	if reservedNames[id.Name] {
		tc.c.errorf(id, "%s is a reserved name", id.Name).Hint = reservedNames2[id.Name]
		return false
	}
	s.Owner = t
	t.Scope[id.Name] = s
	if s.Kind == ParamSym || s.Kind == StateSym || s.Kind == AliasSym {
		t.Order = append(t.Order, s)
	}
	return true
}

func replaceOrder(t *TypeInfo, old, new *Symbol) {
	for i, o := range t.Order {
		if o == old {
			if new.Kind == ParamSym || new.Kind == StateSym || new.Kind == AliasSym {
				t.Order[i] = new
			} else {
				t.Order = append(t.Order[:i], t.Order[i+1:]...)
			}
			return
		}
	}
}

func portPos(p *PortInfo) string {
	if p.Port != nil {
		return p.Port.Pos.String()
	}
	return p.Dendrite.Pos.String()
}

var reservedNames = map[string]bool{"t": true, "weight": true, "pre": true, "post": true}
var reservedNames2 = map[string]string{
	"t": "t is the simulation time", "weight": "weight is the value an event port receives",
	"pre": "pre.x reads the presynaptic neuron in a synapse", "post": "post.x reads the postsynaptic neuron in a synapse",
}

// declare collects every name of a body first, so uses may precede
// declarations in the text (aliases, ports, compartments); parameters and
// state initializers are then checked in order.
func (tc *typeChecker) declare(t *TypeInfo, members []Member) {
	c := tc.c
	isComp := t.Parent != nil
	type compDecl struct {
		t *TypeInfo
		m *CompartmentBlock
	}
	var comps []compDecl
	for _, m := range members {
		switch m := m.(type) {
		case *InputsBlock:
			if t.Kind == SynapseKind || isComp {
				c.errorf(m, "inputs belong to a neuron, not a %s", kindWord(t))
				continue
			}
			for _, p := range m.Ports {
				tc.declarePort(t, p)
			}
		case *DendriteBlock:
			if t.Kind == SynapseKind || isComp {
				c.errorf(m, "dendrites belong to a neuron, not a %s", kindWord(t))
				continue
			}
			tc.declareDendrite(t, m)
		case *CompartmentBlock:
			if t.Kind == SynapseKind || isComp {
				c.errorf(m, "compartments belong to a neuron, not a %s", kindWord(t))
				continue
			}
			ct := newTypeInfo(t.Decl, t.Name+"."+m.Name.Name, t.Kind, t)
			if tc.add(t, m.Name, &Symbol{Name: m.Name.Name, Kind: CompSym, Decl: m, Comp: ct}) {
				comps = append(comps, compDecl{ct, m})
			}
		case *EquationsBlock:
			for _, it := range m.Items {
				if a, ok := it.(*Alias); ok {
					s := &Symbol{Name: a.Name.Name, Kind: AliasSym, Decl: a}
					if tc.add(t, a.Name, s) {
						tc.aliases[s] = a
						tc.aliasOrder = append(tc.aliasOrder, s)
					}
				}
			}
		}
	}
	// parameters, then state, each in order: an initializer sees what was
	// declared before it.
	tc.later = map[string]string{}
	for _, m := range members {
		if vb, ok := m.(*VarBlock); ok {
			for _, v := range vb.Vars {
				if _, dup := tc.later[v.Name.Name]; !dup {
					tc.later[v.Name.Name] = map[string]string{"parameters": "parameter", "state": "state variable"}[vb.Kind]
				}
			}
		}
	}
	for _, kind := range []string{"parameters", "state"} {
		for _, m := range members {
			vb, ok := m.(*VarBlock)
			if !ok || vb.Kind != kind {
				continue
			}
			for _, v := range vb.Vars {
				tc.declareVar(t, vb.Kind, v)
				delete(tc.later, v.Name.Name)
			}
		}
	}
	// compartments last: their initializers may read the soma's variables.
	for _, cd := range comps {
		tc.declare(cd.t, cd.m.Members)
	}
}

func kindWord(t *TypeInfo) string {
	if t.Parent != nil {
		return "compartment"
	}
	return string(t.Kind)
}

func (tc *typeChecker) declareVar(t *TypeInfo, kind string, v *VarDecl) {
	c := tc.c
	sk := ParamSym
	neuron := t.Kind == NeuronKind || t.Parent != nil && t.Parent.Kind == NeuronKind
	e := &env{c: c, typ: t, noTime: true, initOf: kind, later: tc.later, perNeuron: neuron}
	if kind == "state" {
		sk = StateSym
	} else if !neuron {
		e.noRandom = "in a synapse's parameters (one value per projection; draw per-synapse values in state, e.g. w = uniform(0, w_max))"
	}
	// The symbol is added after its initializer is checked, so
	// `x = x + 1` reports x as unknown rather than looping.
	typ := e.expr(v.Value)
	if typ.Kind == String || typ.Kind == List {
		c.errorf(v.Value, "%s must be a number or boolean, not %s", v.Name.Name, typ)
		typ = invalidT
	}
	if v.Unit != nil {
		if u, ok := e.unitAnn(v.Unit); ok {
			want := num(u.Dim)
			if typ.Kind == Number && typ.Dim != want.Dim {
				d := c.errorf(v.Value, "%s is declared in %s but its initial value is %s", v.Name.Name, u.Symbol, typ)
				d.Hint = fmt.Sprintf("units: %s vs %s", unitOf(want.Dim), unitOf(typ.Dim))
			}
			typ = want
		}
	}
	tc.add(t, v.Name, &Symbol{Name: v.Name.Name, Kind: sk, Type: typ, Decl: v})
}

func (tc *typeChecker) declarePort(t *TypeInfo, p *Port) {
	c := tc.c
	if _, dup := t.Ports[p.Name.Name]; dup {
		c.errorf(p.Name, "input %s is declared twice", p.Name.Name)
		return
	}
	pi := &PortInfo{Name: p.Name.Name, Port: p, Continuous: p.Continuous}
	if p.Continuous {
		switch {
		case p.Current:
			pi.Dim = units.Dim{units.Current: 1}
		case p.Unit != nil:
			if u, ok := (&env{c: c}).unitAnn(p.Unit); ok {
				pi.Dim = u.Dim
			}
		}
		if !tc.add(t, p.Name, &Symbol{Name: p.Name.Name, Kind: PortSym, Type: num(pi.Dim), Decl: p}) {
			return
		}
	} else if s, ok := t.Scope[p.Name.Name]; ok {
		c.errorf(p.Name, "input %s has the name of a %s", p.Name.Name, s.describe())
		return
	}
	t.Ports[p.Name.Name] = pi
}

func (tc *typeChecker) declareDendrite(t *TypeInfo, d *DendriteBlock) {
	c := tc.c
	if _, dup := t.Ports[d.Name.Name]; dup {
		c.errorf(d.Name, "%s is already an input or dendrite of %s", d.Name.Name, t.Name)
		return
	}
	if d.Continuous {
		if !tc.add(t, d.Name, &Symbol{Name: d.Name.Name, Kind: DendriteSym, Type: dimless, Decl: d}) {
			return
		}
	} else if s, ok := t.Scope[d.Name.Name]; ok {
		c.errorf(d.Name, "dendrite %s has the name of a %s", d.Name.Name, s.describe())
		return
	}
	t.Dends[d.Name.Name] = d
	t.Ports[d.Name.Name] = &PortInfo{Name: d.Name.Name, Dendrite: d}
}

// body checks equations, ports, handlers, dendrites and settings.
func (tc *typeChecker) body(t *TypeInfo, members []Member) {
	c := tc.c
	for _, s := range tc.aliasOrder {
		if s.Owner == t {
			tc.resolveAlias(s, tc.aliases[s])
		}
	}
	handlers := map[string]*OnBlock{}
	tc.integrated = map[string]bool{}
	for _, m := range members {
		if b, ok := m.(*EquationsBlock); ok {
			for _, it := range b.Items {
				if o, ok := it.(*ODE); ok {
					tc.integrated[o.Var.Name] = true
				}
			}
		}
	}
	for _, m := range members {
		switch m := m.(type) {
		case *EquationsBlock:
			tc.equations(t, m)
		case *InputsBlock:
			for _, p := range m.Ports {
				if pi := t.Ports[p.Name.Name]; pi != nil && pi.Port == p && !p.Continuous {
					tc.eventPort(t, pi)
				}
			}
		case *OnBlock:
			key := m.Event
			if m.Name != nil {
				key += " " + m.Name.Name
			}
			if prev, dup := handlers[key]; dup {
				c.errorf(m, "second `on %s` handler", key).Hint = "merge it with the one at " + prev.Pos.String()
				continue
			}
			handlers[key] = m
			tc.handler(t, m)
		case *DendriteBlock:
			if t.Dends[m.Name.Name] == m {
				tc.dendrite(t, m)
			}
		case *CompartmentBlock:
			if s := t.Scope[m.Name.Name]; s != nil && s.Kind == CompSym && s.Decl == m {
				tc.body(s.Comp, m.Members)
			}
		case *Setting:
			tc.typeSetting(t, m)
		}
	}
	if t.Kind == SynapseKind && t.Parent == nil && t.Summed != nil && t.Delivers {
		c.errorf(t.Summed, "synapse %s both delivers and has a summed output", t.Name).Hint =
			"a summed synapse drives a continuous port every step; spikes go through another synapse type"
	}
	if t.Kind == SynapseKind && t.Parent == nil && !t.Delivers && t.Summed == nil {
		c.warnf(t.Decl.Name, "synapse %s never delivers anything (no `deliver` in on pre)", t.Name).Hint =
			"add `deliver w` to on pre so the postsynaptic neuron receives the weight"
	}
	if t.Kind == SynapseKind && t.Parent == nil {
		tc.unboundedWeights(t, members)
	}
}

// unboundedWeights warns when a rule declares a bound for a variable
// (x_max, or w_max/g_max for w) but a handler changes the variable without
// clip, min or max: the weight can leave the range the rule promises.
func (tc *typeChecker) unboundedWeights(t *TypeInfo, members []Member) {
	bounded := func(name string) string {
		for _, b := range []string{name + "_max", "w_max", "g_max", "gmax"} {
			if s, ok := t.Scope[b]; ok && s.Kind == ParamSym && (b == name+"_max" || name == "w") {
				return b
			}
		}
		return ""
	}
	var visit func([]Stmt)
	visit = func(ss []Stmt) {
		for _, st := range ss {
			switch st := st.(type) {
			case *IfStmt:
				visit(st.Then)
				visit(st.Else)
			case *AssignStmt:
				id, ok := st.Target.(*Ident)
				if !ok || st.Op == "*=" || st.Op == "/=" {
					continue
				}
				b := bounded(id.Name)
				if b == "" {
					continue
				}
				if call, ok := unparen(st.Value).(*CallExpr); ok && (call.Fun.Name == "clip" || call.Fun.Name == "min" || call.Fun.Name == "max") {
					continue
				}
				if st.Op == "=" && !mentions(st.Value, id.Name) {
					continue // a plain reset to a value, not an update
				}
				tc.c.warnf(st, "%s is declared bounded by %s but this update does not clip it", id.Name, b).Hint =
					fmt.Sprintf("write %s = clip(..., 0, %s)", id.Name, b)
			}
		}
	}
	for _, m := range members {
		if h, ok := m.(*OnBlock); ok {
			visit(h.Body)
		}
	}
}

func unparen(x Expr) Expr {
	for {
		p, ok := x.(*ParenExpr)
		if !ok {
			return x
		}
		x = p.X
	}
}

// resolveAlias types a named expression, following references to other
// aliases and reporting cycles.
func (tc *typeChecker) resolveAlias(s *Symbol, a *Alias) {
	switch tc.status[s] {
	case 2:
		return
	case 1:
		var chain []string
		for i := len(tc.resolving) - 1; i >= 0; i-- {
			chain = append([]string{tc.resolving[i].Name}, chain...)
			if tc.resolving[i] == s {
				break
			}
		}
		if len(chain) <= 1 {
			tc.c.errorf(a.Name, "named expression %s refers to itself", s.Name)
		} else {
			tc.c.errorf(a.Name, "named expressions %s refer to each other in a cycle", strings.Join(chain, " -> ")+" -> "+s.Name)
		}
		s.Type = invalidT
		tc.status[s] = 2
		return
	}
	tc.status[s] = 1
	tc.resolving = append(tc.resolving, s)
	defer func() { tc.resolving = tc.resolving[:len(tc.resolving)-1] }()
	e := tc.env(s.Owner)
	e.noRandom = "in equations (they are integrated deterministically)"
	s.Type = e.expr(a.Value)
	if s.Type.Kind != Invalid && tc.c.aliasTooBig(s, a) {
		s.Type = invalidT
	}
	tc.status[s] = 2
}

var methods = []string{"exact", "euler", "rk4"}

func (tc *typeChecker) equations(t *TypeInfo, b *EquationsBlock) {
	c := tc.c
	if b.Method != nil && !contains(methods, b.Method.Name) {
		d := c.errorf(b.Method, "unknown integration method %s", b.Method.Name)
		d.Hint = "methods: exact, euler, rk4"
		if m := DidYouMean(b.Method.Name, methods); m != "" {
			d.Hint = fmt.Sprintf("did you mean %s?", m)
		}
	}
	for _, it := range b.Items {
		o, ok := it.(*ODE)
		if !ok {
			continue
		}
		s := t.Scope[o.Var.Name]
		if s == nil {
			d := c.errorf(o.Var, "equation for undeclared variable %s", o.Var.Name)
			d.Hint = fmt.Sprintf("declare it in state { %s = ... }", o.Var.Name)
			// declare it as already-reported so its uses raise nothing more
			t.Scope[o.Var.Name] = &Symbol{Name: o.Var.Name, Kind: StateSym, Type: invalidT, Decl: o.Var, Owner: t}
		}
		e := tc.env(t)
		e.noRandom = "in equations (for white noise write xi: v' = ... + sigma*sqrt(2/tau)*xi)"
		e.noise = t.Kind == NeuronKind && t.Parent == nil
		rhs := e.expr(o.Rhs)
		if e.noise && HasNoise(o.Rhs) && rhs.Kind == Number {
			tc.noise(t, b, o)
		}
		switch {
		case s == nil:
			continue
		case s.Kind == ParamSym:
			c.errorf(o.Var, "%s is a parameter; only state variables have equations", o.Var.Name).Hint = "move it to the state block"
			continue
		case s.Kind != StateSym:
			c.errorf(o.Var, "%s is a %s; only state variables have equations", o.Var.Name, s.describe())
			continue
		case tc.odes[s]:
			c.errorf(o.Var, "second equation for %s", o.Var.Name)
			continue
		}
		tc.odes[s] = true
		c.prog.Uses[o.Var] = s
		if b.Method != nil {
			t.Method[o.Var.Name] = b.Method.Name
		}
		if o.UnlessRefractory && t.Kind != NeuronKind {
			c.errorf(o, "`unless refractory` needs a neuron; synapses are never refractory")
		}
		if s.Type.Kind == Bool {
			c.errorf(o.Var, "%s is boolean and cannot have a differential equation", o.Var.Name)
			continue
		}
		if s.Type.Kind != Number || rhs.Kind == Invalid || rhs.Kind == Deferred {
			continue
		}
		want := num(s.Type.Dim.Div(timeT.Dim))
		if rhs.Kind != Number || rhs.Dim != want.Dim {
			d := c.errorf(o.Rhs, "the right side of %s' must be %s, not %s", o.Var.Name, want, rhs)
			d.Hint = fmt.Sprintf("units: %s is in %s, so %s' is in %s/ms; got %s", o.Var.Name, unitOf(s.Type.Dim), o.Var.Name, unitOf(s.Type.Dim), unitOf(rhs.Dim))
			if rhs.Kind == Number && rhs.Dim == s.Type.Dim {
				d.Hint += " (missing a division by a time constant?)"
			}
		}
	}
}

// noise checks the white noise of an equation: linear, additive, and
// integrated by Euler–Maruyama.
func (tc *typeChecker) noise(t *TypeInfo, b *EquationsBlock, o *ODE) {
	c := tc.c
	_, terms, bad, why := SplitNoise(o.Rhs)
	if bad != nil {
		d := c.errorf(bad, "white noise must enter the equation linearly: %s", why)
		d.Hint = fmt.Sprintf("write %s' = f + g*xi (g without xi), e.g. v' = (E_l - v)/tau + sigma*sqrt(2/tau)*xi", o.Var.Name)
		return
	}
	if b.Method != nil && (b.Method.Name == "exact" || b.Method.Name == "rk4") {
		d := c.errorf(b.Method, "method %s cannot integrate white noise (%s in the equation of %s)", b.Method.Name, terms[0].Name, o.Var.Name)
		d.Hint = "stochastic equations are integrated by Euler–Maruyama: write method euler, or leave the method out"
	}
	// a coefficient may read integrated variables (multiplicative noise):
	// Euler–Maruyama evaluates it at the step's start, Itô's convention
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// eventPort checks an event port's statements. `weight` takes the unit of
// the variable it is assigned or added to (`ge += weight`).
func (tc *typeChecker) eventPort(t *TypeInfo, pi *PortInfo) {
	c := tc.c
	w := &Symbol{Name: "weight", Kind: WeightSym, Type: dimless, Decl: pi.Port}
	e := &env{c: c, typ: t, local: map[string]*Symbol{"weight": w}}
	w.Type = num(tc.inferWeight(e, w, pi.Port.Body))
	// draws are keyed by neuron, step and the event's number in the step
	pi.Weight = w.Type.Dim
	tc.stmts(e, pi.Port.Body, "port")
}

// inferWeight finds the unit of `weight` from the first assignment that
// uses it: `g += weight` gives g's unit, `v += 2 * weight / C` solves for
// it. The value is checked on trial with a candidate unit, discarding the
// trial's diagnostics.
func (tc *typeChecker) inferWeight(e *env, w *Symbol, body []Stmt) units.Dim {
	c := tc.c
	var found units.Dim
	done := false
	var visit func([]Stmt)
	visit = func(ss []Stmt) {
		for _, st := range ss {
			if done {
				return
			}
			switch st := st.(type) {
			case *IfStmt:
				visit(st.Then)
				visit(st.Else)
			case *AssignStmt:
				if st.Op == "*=" || st.Op == "/=" || !mentions(st.Value, "weight") {
					continue
				}
				target := tc.target(e, st.Target, false)
				if target == nil || target.Type.Kind != Number {
					continue
				}
				want := target.Type.Dim
				trial := func(d units.Dim) (Type, bool) {
					n := len(c.diags)
					w.Type = num(d)
					t := e.expr(st.Value)
					clean := len(c.diags) == n
					c.diags = c.diags[:n]
					return t, clean
				}
				if t, ok := trial(want); ok && t.Kind == Number && t.Dim == want {
					found, done = want, true
				} else if t, ok := trial(units.Dimensionless); ok && t.Kind == Number {
					found, done = want.Div(t.Dim), true
				}
			}
		}
	}
	visit(body)
	return found
}

func mentions(x Expr, name string) bool {
	found := false
	WalkExpr(x, func(x Expr) {
		if id, ok := x.(*Ident); ok && id.Name == name {
			found = true
		}
	})
	return found
}

func (tc *typeChecker) handler(t *TypeInfo, h *OnBlock) {
	c := tc.c
	allowed := map[TypeKind][]string{NeuronKind: {"threshold", "dendrite"}, SynapseKind: {"pre", "post", "modulator"}}
	if !contains(append(allowed[NeuronKind], allowed[SynapseKind]...), h.Event) {
		return // the parser has reported the unknown event
	}
	if t.Parent != nil || !contains(allowed[t.Kind], h.Event) {
		where := kindWord(t)
		c.errorf(h, "`on %s` is not allowed in a %s", h.Event, where).Hint = "a neuron handles: on threshold, on dendrite <name> active; a synapse: on pre, on post, on modulator <name>"
		return
	}
	e := tc.env(t)
	// The threshold and its reset run once per neuron and step, on_pre and
	// on_post once per synapse and step: their draws are counter-based
	// streams keyed by the neuron or synapse and the step. A modulator's
	// source may spike several times in one step: its draws are allowed
	// only where every binding is one_to_one (checked at the projections).
	e.noRandom = ""
	var drew *CallExpr
	switch h.Event {
	case "modulator":
		e.drew = &drew
		defer func() {
			if h.Name != nil && drew != nil {
				t.ModDraws[h.Name.Name] = drew
			}
		}()
	case "dendrite":
		e.noRandom = "in `on dendrite` (the backends have no random stream there); draw per-neuron values in a state initializer or an override"
	}
	switch h.Event {
	case "threshold":
		ct := e.expr(h.Cond)
		if ct.Kind != Bool && ct.Kind != Invalid {
			d := c.errorf(h.Cond, "a threshold condition must be boolean, not %s", ct)
			d.Hint = "compare, as in v > v_th"
		}
	case "dendrite":
		if h.Name != nil {
			d, ok := t.Dends[h.Name.Name]
			if p := t.Ports[h.Name.Name]; ok && p != nil {
				c.prog.Ports[h.Name] = p
			}
			switch {
			case !ok:
				c.unknown(h.Name, "dendrite", mapKeys(t.Dends))
			case d.Continuous:
				c.errorf(h.Name, "%s is a continuous dendrite; `on dendrite ... active` needs a segment dendrite", h.Name.Name)
			}
		}
	case "modulator":
		if h.Name != nil {
			t.Mods[h.Name.Name] = true
		}
	}
	tc.stmts(e, h.Body, h.Event)
}

func mapKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func (tc *typeChecker) stmts(e *env, body []Stmt, ctx string) {
	for _, s := range body {
		tc.stmt(e, s, ctx)
	}
}

func (tc *typeChecker) stmt(e *env, s Stmt, ctx string) {
	c := tc.c
	switch s := s.(type) {
	case *AssignStmt:
		vt := e.expr(s.Value)
		target := tc.target(e, s.Target, true)
		if target == nil || vt.Kind == Invalid || vt.Kind == Deferred {
			return
		}
		tt := target.Type
		switch s.Op {
		case "=":
			if tt.Kind != vt.Kind || (tt.Kind == Number && tt.Dim != vt.Dim) {
				d := c.errorf(s.Value, "cannot assign %s to %s (%s)", vt, target.Name, tt)
				if tt.Kind == Number && vt.Kind == Number {
					d.Hint = fmt.Sprintf("units: %s vs %s", unitOf(vt.Dim), unitOf(tt.Dim))
				}
			}
		case "+=", "-=":
			if tt.Kind != Number || vt.Kind != Number {
				c.errorf(s, "%s needs numbers; %s is %s", s.Op, target.Name, tt)
				return
			}
			c.sameDim(s, map[string]string{"+=": "cannot add", "-=": "cannot subtract"}[s.Op], tt, vt)
		default:
			if tt.Kind != Number {
				c.errorf(s, "%s needs a number; %s is %s", s.Op, target.Name, tt)
				return
			}
			c.expect(s.Value, vt, dimless, "the factor in "+s.Op)
		}
	case *RefractoryStmt:
		if ctx != "threshold" {
			c.errorf(s, "refractory belongs in `on threshold`")
		}
		c.wantNonNegative(s.Duration, e.expr(s.Duration), timeT, "refractory period")
	case *DeliverStmt:
		vt := e.expr(s.Value)
		if e.typ.Kind != SynapseKind || ctx != "pre" {
			c.errorf(s, "deliver belongs in a synapse's `on pre`")
			return
		}
		e.typ.Delivers = true
		if vt.Kind != Number && vt.Kind != Invalid && vt.Kind != Deferred {
			c.errorf(s.Value, "deliver needs a number, not %s", vt)
			return
		}
		if s.Port != nil {
			// checked against the postsynaptic type per projection
			e.typ.DeliverTo[s.Port.Name] = &DeliverTo{Stmt: s, Type: vt}
			return
		}
		if vt.Kind != Number {
			return
		}
		if e.typ.Deliver != nil && e.typ.Deliver.Dim != vt.Dim {
			c.sameDim(s.Value, "every deliver must use one unit:", *e.typ.Deliver, vt)
			return
		}
		e.typ.Deliver = &vt
	case *IfStmt:
		ct := e.expr(s.Cond)
		if ct.Kind != Bool && ct.Kind != Invalid && ct.Kind != Deferred {
			c.errorf(s.Cond, "the condition of if must be boolean, not %s", ct)
		}
		tc.stmts(e, s.Then, ctx)
		tc.stmts(e, s.Else, ctx)
	}
}

// target resolves the left side of an assignment to a state variable of the
// type (or of one of its compartments). With report, misuse is an error.
func (tc *typeChecker) target(e *env, x Expr, report bool) *Symbol {
	c := tc.c
	errorf := func(n Node, f string, args ...any) *Diagnostic {
		if report {
			return c.errorf(n, f, args...)
		}
		return &Diagnostic{}
	}
	var s *Symbol
	switch x := x.(type) {
	case *Ident:
		s = e.lookup(x.Name)
		if s == nil {
			if report {
				c.unknown(x, "variable", e.visible())
			}
			return nil
		}
		if report {
			c.prog.Uses[x] = s
		}
	case *FieldExpr:
		id, ok := x.X.(*Ident)
		if ok && (id.Name == "pre" || id.Name == "post") && e.typ.Kind == SynapseKind {
			errorf(x, "a synapse can only change its own state, not %s.%s", id.Name, x.Name.Name)
			return nil
		}
		if t := e.expr(x); t.Kind == Invalid {
			return nil
		}
		s = c.prog.Uses[x.Name]
	default:
		errorf(x, "only a state variable can be assigned")
		return nil
	}
	if s == nil {
		return nil
	}
	if s.Kind != StateSym {
		d := errorf(x, "%s is a %s and cannot be assigned", s.Name, s.describe())
		if s.Kind == ParamSym {
			d.Hint = "parameters are constant; declare it in state to change it"
		}
		return nil
	}
	return s
}

// ---- settings ----

// settingSpec describes one allowed `name = value` setting.
type settingSpec struct {
	name     string
	kind     string // "int", "prob", "bool", "choice", "expr", "time", "block"
	min      float64
	choices  []string
	block    []settingSpec
	required bool
}

var segmentSpec = []settingSpec{
	{name: "segments", kind: "int", min: 1, required: true},
	{name: "synapses", kind: "int", min: 1, required: true},
	{name: "threshold", kind: "int", min: 1, required: true},
	{name: "min_threshold", kind: "int", min: 1},
	{name: "max_new_synapses", kind: "int", min: 0},
	{name: "learning", kind: "bool"},
	{name: "permanence", kind: "block", block: []settingSpec{
		{name: "connected", kind: "prob"}, {name: "initial", kind: "prob"},
		{name: "increment", kind: "prob"}, {name: "decrement", kind: "prob"},
		{name: "predicted_decrement", kind: "prob"},
	}},
}

var continuousSpec = []settingSpec{
	{name: "segments", kind: "int", min: 1, required: true},
	{name: "activation", kind: "expr", required: true},
	{name: "combine", kind: "choice", choices: []string{"max", "sum", "mean"}},
	{name: "tau", kind: "time"}, // segment input decays with tau (else it is per-step)
}

func (tc *typeChecker) dendrite(t *TypeInfo, d *DendriteBlock) {
	c := tc.c
	spec, where := segmentSpec, "a segment dendrite"
	if d.Continuous {
		spec, where = continuousSpec, "a continuous dendrite"
	}
	vals := c.settings(d.Settings, spec, where, d.Name, func(s *Setting) {
		// activation: a dimensionless function of the segment's summed input.
		e := &env{c: c, typ: t, noRandom: "in a dendrite activation",
			local: map[string]*Symbol{"input": {Name: "input", Kind: InputSym, Type: dimless, Decl: d}}}
		c.expect(s.Value, e.expr(s.Value), dimless, "a dendrite activation")
	})
	if !d.Continuous {
		if th, ok := vals["threshold"]; ok {
			if syn, ok := vals["synapses"]; ok && th.v > syn.v {
				c.errorf(th.s.Value, "threshold %v is larger than synapses %v: the segment could never become active", th.v, syn.v)
			}
			if mt, ok := vals["min_threshold"]; ok && mt.v > th.v {
				c.errorf(mt.s.Value, "min_threshold %v is larger than threshold %v", mt.v, th.v).Hint = "a matching segment needs fewer active synapses than an active one"
			}
		}
	}
}

type settingVal struct {
	s *Setting
	v float64
}

// settings checks a list of settings against a spec and returns the numeric
// values found (by name). exprFn checks "expr" settings.
func (c *checker) settings(list []*Setting, spec []settingSpec, where string, owner Node, exprFn func(*Setting)) map[string]settingVal {
	vals := map[string]settingVal{}
	seen := map[string]bool{}
	names := make([]string, len(spec))
	for i, sp := range spec {
		names[i] = sp.name
	}
	e := &env{c: c, noRandom: "in " + where}
	for _, s := range list {
		var sp *settingSpec
		for i := range spec {
			if spec[i].name == s.Name.Name {
				sp = &spec[i]
			}
		}
		if sp == nil {
			c.unknownSetting(s, names, where)
			continue
		}
		if seen[sp.name] {
			c.errorf(s.Name, "%s is set twice", sp.name)
			continue
		}
		seen[sp.name] = true
		if (sp.kind == "block") != s.IsBlock {
			if s.IsBlock {
				c.errorf(s, "%s takes a value: %s = ...", sp.name, sp.name)
			} else {
				c.errorf(s, "%s is a block: %s { ... }", sp.name, sp.name)
			}
			continue
		}
		if s.ExceptSelf {
			c.errorf(s, "`except self` belongs to a projection's connect setting")
		}
		switch sp.kind {
		case "block":
			for k, v := range c.settings(s.Block, sp.block, sp.name, s, exprFn) {
				vals[sp.name+"."+k] = v
			}
		case "expr":
			exprFn(s)
		case "choice":
			id, ok := s.Value.(*Ident)
			if !ok || !contains(sp.choices, id.Name) {
				c.errorf(s.Value, "%s must be %s or %s", sp.name, strings.Join(sp.choices[:len(sp.choices)-1], ", "), sp.choices[len(sp.choices)-1])
			}
		case "bool":
			c.expect(s.Value, e.expr(s.Value), boolT, sp.name)
		default:
			t := e.expr(s.Value)
			want := dimless
			if sp.kind == "time" {
				want = timeT
			}
			if !c.expect(s.Value, t, want, sp.name) {
				continue
			}
			v, ok := constValue(s.Value)
			if !ok {
				c.errorf(s.Value, "%s must be a constant", sp.name)
				continue
			}
			vals[sp.name] = settingVal{s, v}
			switch sp.kind {
			case "int":
				c.checkInt(s.Value, v, sp.min, sp.name)
			case "prob":
				c.checkProb(s.Value, v, sp.name)
			case "time":
				if v <= 0 {
					c.errorf(s.Value, "%s must be positive", sp.name)
				}
			}
		}
	}
	for _, sp := range spec {
		if sp.required && !seen[sp.name] {
			c.errorf(owner, "%s needs %s = ...", where, sp.name)
		}
	}
	return vals
}

func (c *checker) checkInt(n Node, v, min float64, what string) bool {
	if math.Abs(v) > 1<<53 {
		c.errorf(n, "%s is too large: %v", what, v)
		return false
	}
	if v != math.Trunc(v) {
		c.errorf(n, "%s must be a whole number, not %v", what, v)
		return false
	}
	if v < min {
		c.errorf(n, "%s must be at least %v, not %v", what, min, v)
		return false
	}
	return true
}

func (c *checker) checkProb(n Node, v float64, what string) bool {
	if v < 0 || v > 1 || math.IsNaN(v) {
		c.errorf(n, "%s must be in [0, 1], not %v", what, v)
		return false
	}
	return true
}

// typeSetting checks `name = value` directly in a type body: only a
// synapse's default delay.
func (tc *typeChecker) typeSetting(t *TypeInfo, s *Setting) {
	c := tc.c
	if Reserved[s.Name.Name] {
		return // the parser has reported the keyword
	}
	if t.Kind == SynapseKind && t.Parent == nil && s.Name.Name == "summed" && !s.IsBlock {
		// summed = expr: every step, the sum over a neuron's synapses of expr
		// drives the projection's continuous port (Brian2's `(summed)`)
		if t.Summed != nil && t.Summed != s {
			c.errorf(s.Name, "summed is set twice in synapse %s", t.Name)
			return
		}
		e := tc.env(t)
		e.noRandom = "in a summed output (it is computed every step)"
		ty := e.expr(s.Value)
		if ty.Kind != Number && ty.Kind != Invalid && ty.Kind != Deferred {
			c.errorf(s.Value, "summed needs a number, not %s", ty)
		}
		t.Summed, t.SummedType = s, &ty
		return
	}
	if t.Kind != SynapseKind || t.Parent != nil || s.Name.Name != "delay" || s.IsBlock {
		d := c.errorf(s, "unexpected setting %s in %s %s", s.Name.Name, kindWord(t), t.Name)
		d.Hint = "variables go in parameters { } or state { }; a synapse may set delay = ... and summed = ..."
		return
	}
	e := &env{c: c, typ: t, noRandom: "in a synapse's default delay"}
	c.wantNonNegative(s.Value, e.expr(s.Value), timeT, "delay")
}

// wantNonNegative checks a typed value and, when it is a literal, its sign.
func (c *checker) wantNonNegative(n Expr, t, want Type, what string) {
	if !c.expect(n, t, want, what) {
		return
	}
	if v, ok := constValue(n); ok && v < 0 {
		c.errorf(n, "%s must not be negative", what)
	}
}

func (c *checker) wantPositive(n Expr, t, want Type, what string) {
	if !c.expect(n, t, want, what) {
		return
	}
	if v, ok := constValue(n); ok && v <= 0 {
		c.errorf(n, "%s must be positive", what)
	}
}
