package ir

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/snnc/snnc/lang"
	"github.com/snnc/snnc/lang/units"
)

// Build lowers a checked program to IR. With a `run` in the main file (or
// network named), the network is lowered: one neuron model per population
// and one synapse model per projection, overrides applied. Without one, every
// type declared in the main file is lowered on its own with its default
// parameters, so `snnc ir` can show any library file.
func Build(prog *lang.Program, network string) (*Program, lang.Diagnostics) {
	b := &builder{prog: prog, out: &Program{}}
	main := prog.Files[0]
	var run *lang.RunDecl
	for _, r := range prog.Runs {
		if network == "" || r.Network.Name == network {
			run = r
			break
		}
	}
	switch {
	case run != nil:
		b.network(prog.Networks[run.Network.Name], run)
	case network != "":
		if ni, ok := prog.Networks[network]; ok {
			b.network(ni, nil)
		} else {
			b.diags.Errorf(main.Pos, main.Pos, "no network %s", network)
		}
	default:
		b.typesOnly(main)
	}
	b.diags.Sort()
	return b.out, b.diags
}

type builder struct {
	prog  *lang.Program
	out   *Program
	diags lang.Diagnostics
}

func (b *builder) typesOnly(f *lang.File) {
	for _, d := range f.Decls {
		td, ok := d.(*lang.TypeDecl)
		if !ok {
			continue
		}
		ti := b.prog.Types[td.Name.Name]
		if ti == nil || ti.Decl != td {
			continue
		}
		if ti.Kind == lang.NeuronKind {
			b.out.Neurons = append(b.out.Neurons, b.model(ti, ti.Name, nil, nil, 1))
		} else {
			b.out.Synapses = append(b.out.Synapses, b.model(ti, ti.Name, nil, &binding{}, 1))
		}
	}
}

// binding carries what a synapse model is specialised for.
type binding struct {
	pre, post *Model
	weight    units.Dim
	normalize string // the variable `normalize f(var)` rescales, if any
	// synDelays: each synapse has its own delay, so a spike reaches the
	// synapses of its row at different steps and presynaptic state cannot
	// be shared per presynaptic neuron
	synDelays bool
}

// lower holds the state of lowering one model's expressions.
type lower struct {
	b         *builder
	m         *Model
	byName    map[string]*Var
	bind      *binding
	weightDim units.Dim
	args      []map[string]Expr // user-function parameter bindings (innermost last)
	prefix    string            // "dend." inside a compartment: its names come first
	size      int               // N: the population's size (1 for a type lowered alone)
}

// model lowers a neuron or synapse type with overrides (name -> setting);
// size is the population's size, the value of `N` in a neuron's
// initializers.
func (b *builder) model(ti *lang.TypeInfo, name string, overrides []*lang.Setting, bind *binding, size int) *Model {
	m := &Model{Name: name, Type: ti.Name, Pos: ti.Decl.Range(), OnActive: map[string][]Stmt{}, OnMod: map[string][]Stmt{}}
	if ti.Kind == lang.SynapseKind {
		m.Kind = SynapseModel
		if ti.Deliver != nil {
			m.DeliverDim = ti.Deliver.Dim
		}
		if bind != nil && bind.post != nil {
			m.DeliverDim = bind.weight
		}
	}
	l := &lower{b: b, m: m, byName: map[string]*Var{}, bind: bind, size: size}
	if bind != nil {
		l.weightDim = bind.weight
	}
	over := map[string]*lang.Setting{}
	for _, s := range overrides {
		over[s.Name.Name] = s
	}
	// declare every variable first so expressions can refer to any of them
	type pending struct {
		v      *Var
		sym    *lang.Symbol
		prefix string
	}
	var todo []pending
	var declare func(t *lang.TypeInfo, prefix string)
	declare = func(t *lang.TypeInfo, prefix string) {
		syms := make([]*lang.Symbol, 0, len(t.Scope))
		for _, s := range t.Scope {
			syms = append(syms, s)
		}
		sort.Slice(syms, func(i, j int) bool {
			ki, kj := symOrder(syms[i].Kind), symOrder(syms[j].Kind)
			if ki != kj {
				return ki < kj
			}
			return syms[i].Decl.Range().Pos.Offset < syms[j].Decl.Range().Pos.Offset
		})
		for _, s := range syms {
			v := &Var{Name: prefix + s.Name, Dim: s.Type.Dim, Bool: s.Type.Kind == lang.Bool, Pos: s.Decl.Range()}
			switch s.Kind {
			case lang.ParamSym:
				v.Kind = Param
			case lang.StateSym:
				v.Kind = State
			case lang.AliasSym:
				v.Kind = Alias
			case lang.PortSym:
				v.Kind = ContinuousPort
			case lang.DendriteSym:
				v.Kind = DendriteOut
			case lang.CompSym:
				declare(s.Comp, prefix+s.Name+".")
				continue
			default:
				continue
			}
			m.Vars = append(m.Vars, v)
			l.byName[v.Name] = v
			todo = append(todo, pending{v, s, prefix})
		}
	}
	declare(ti, "")
	for _, p := range todo {
		v, s := p.v, p.sym
		l.prefix = p.prefix
		switch d := s.Decl.(type) {
		case *lang.VarDecl:
			val := d.Value
			if o, ok := over[v.Name]; ok {
				val = o.Value
			}
			e := l.expr(val)
			v.Unit = displayUnit(val, v.Dim)
			if v.Kind == Param {
				v.Value = e
			} else {
				v.Init = e
			}
		case *lang.Alias:
			v.Value = l.expr(d.Value)
			v.Unit = displayUnit(d.Value, v.Dim)
		case *lang.Port:
			v.Unit = displayUnit(nil, v.Dim)
			if d.Unit != nil {
				v.Unit = unitText(d.Unit)
			}
		}
	}
	l.prefix = ""
	if m.Kind == NeuronModel {
		perNeuronParams(m)
	}
	l.members(ti, ti.Decl.Members, "")
	inlineKernelAliases(m)
	markHeldInputs(m)
	var normalized *Var
	if bind != nil {
		normalized = l.byName[bind.normalize]
	}
	classify(m, normalized, bind != nil && bind.synDelays)
	return m
}

// perNeuronParams turns the parameters whose value differs from neuron to
// neuron (it reads `i`, draws a random number, or reads such a parameter)
// into state variables without an equation, initialised per neuron; the
// uniform ones stay parameters, one constant per population, folded into
// the code. m.Vars lists parameters in declaration order, so one pass sees
// every dependency first.
func perNeuronParams(m *Model) {
	for _, v := range m.Vars {
		if v.Kind != Param || v.Value == nil || !VariesPerNeuron(v.Value) {
			continue
		}
		v.Kind, v.Init, v.Value = State, v.Value, nil
		v.PerNeuron = true
	}
}

// VariesPerNeuron reports whether e can differ between the neurons of a
// population: it reads `i`, draws a random number or reads state.
func VariesPerNeuron(e Expr) bool {
	varies := false
	Walk(e, func(e Expr) bool {
		switch x := e.(type) {
		case *Index:
			varies = true
		case *Call:
			varies = varies || IsRandom(x.Fn)
		case *Ref:
			varies = varies || x.Var.Kind != Param
		}
		return !varies
	})
	return varies
}

// inlineKernelAliases replaces named expressions by their definitions in
// thresholds and event kernels, so backends never evaluate an alias there
// (equations keep theirs: the ode pass and the backends inline them).
func inlineKernelAliases(m *Model) {
	var inline func(e Expr) Expr
	inline = func(e Expr) Expr {
		return Rewrite(e, func(e Expr) Expr {
			if r, ok := e.(*Ref); ok && r.Side == Own && r.Var.Kind == Alias && r.Var.Value != nil {
				return inline(r.Var.Value)
			}
			return e
		})
	}
	if m.Threshold != nil {
		m.Threshold = inline(m.Threshold)
	}
	if m.Summed != nil {
		m.Summed = inline(m.Summed)
	}
	kernels := [][]Stmt{m.Reset, m.OnPre, m.OnPost}
	for _, p := range m.Ports {
		kernels = append(kernels, p.Body)
	}
	for _, ss := range m.OnMod {
		kernels = append(kernels, ss)
	}
	for _, ss := range m.OnActive {
		kernels = append(kernels, ss)
	}
	for _, ss := range kernels {
		WalkStmts(ss, func(s Stmt) {
			switch s := s.(type) {
			case *Assign:
				s.Value = inline(s.Value)
			case *Refractory:
				s.Duration = inline(s.Duration)
			case *Deliver:
				s.Value = inline(s.Value)
			case *If:
				s.Cond = inline(s.Cond)
			}
		})
	}
}

// markHeldInputs marks the input ports' writes to variables declared
// `unless refractory` (without `except inputs`): they are dropped while the
// neuron is refractory, as Brian2 drops every write to such a variable
// outside the reset and NEST's iaf_psc_* discard spikes arriving then. A
// model that never starts a refractory period has nothing to mark.
func markHeldInputs(m *Model) {
	refractory := false
	WalkStmts(m.Reset, func(s Stmt) {
		if _, ok := s.(*Refractory); ok {
			refractory = true
		}
	})
	held := map[*Var]bool{}
	for _, o := range m.ODEs {
		if o.UnlessRefractory && !o.KeepInputs {
			held[o.Var] = true
		}
	}
	if !refractory || len(held) == 0 {
		return
	}
	for _, p := range m.Ports {
		WalkStmts(p.Body, func(s Stmt) {
			if a, ok := s.(*Assign); ok && held[a.Var] {
				a.Held = true
			}
		})
	}
}

func symOrder(k lang.SymKind) int {
	switch k {
	case lang.ParamSym:
		return 0
	case lang.StateSym:
		return 1
	case lang.AliasSym:
		return 2
	case lang.PortSym, lang.DendriteSym:
		return 3
	}
	return 4
}

// members lowers equations, handlers, ports and dendrites of a body.
func (l *lower) members(ti *lang.TypeInfo, members []lang.Member, prefix string) {
	m := l.m
	saved := l.prefix
	l.prefix = prefix
	defer func() { l.prefix = saved }()
	for _, mem := range members {
		switch mem := mem.(type) {
		case *lang.EquationsBlock:
			for _, it := range mem.Items {
				o, ok := it.(*lang.ODE)
				if !ok {
					continue
				}
				v := l.byName[prefix+o.Var.Name]
				ode := &ODE{Var: v, UnlessRefractory: o.UnlessRefractory, KeepInputs: o.KeepInputs, Pos: o.Range()}
				det, terms, _, _ := lang.SplitNoise(o.Rhs) // the checker reported a bad split
				if det != nil {
					ode.Rhs = l.expr(det)
				} else {
					ode.Rhs = &Const{D: v.Dim.Div(TimeDim)}
				}
				for _, nt := range terms {
					var g Expr = &Const{V: 1}
					if nt.Coef != nil {
						g = l.expr(nt.Coef)
					}
					if nt.Neg {
						g = &Unary{Op: "-", X: g}
					}
					ode.Noise = append(ode.Noise, &NoiseTerm{Name: nt.Name, Coef: g})
				}
				if mem.Method != nil {
					ode.Method, ode.MethodPos = mem.Method.Name, mem.Method.Range()
				}
				m.ODEs = append(m.ODEs, ode)
			}
		case *lang.InputsBlock:
			for _, p := range mem.Ports {
				pi := ti.Ports[p.Name.Name]
				if pi == nil || pi.Port != p {
					continue
				}
				port := &Port{Name: p.Name.Name, Pos: p.Range()}
				if p.Continuous {
					port.Kind, port.Var = ContPort, l.byName[p.Name.Name]
				} else {
					port.Kind, port.Weight = EventPort, pi.Weight
					saved := l.weightDim
					l.weightDim = pi.Weight
					port.Body = l.stmts(p.Body)
					l.weightDim = saved
				}
				m.Ports = append(m.Ports, port)
			}
		case *lang.OnBlock:
			body := l.stmts(mem.Body)
			switch mem.Event {
			case "threshold":
				m.Threshold, m.ThreshPos, m.Reset, m.Rising = l.expr(mem.Cond), mem.Cond.Range(), body, mem.Rising
			case "pre":
				m.OnPre = body
			case "post":
				m.OnPost = body
			case "modulator":
				m.OnMod[mem.Name.Name] = body
			case "dendrite":
				m.OnActive[mem.Name.Name] = body
			}
		case *lang.DendriteBlock:
			m.Dendrites = append(m.Dendrites, l.dendrite(mem))
			m.Ports = append(m.Ports, &Port{Name: mem.Name.Name, Kind: DendritePort, Pos: mem.Range()})
		case *lang.CompartmentBlock:
			if s := ti.Scope[mem.Name.Name]; s != nil && s.Comp != nil {
				l.members(s.Comp, mem.Members, prefix+mem.Name.Name+".")
			}
		case *lang.Setting:
			switch mem.Name.Name {
			case "delay":
				m.Delay = l.expr(mem.Value)
			case "summed":
				m.Summed = l.expr(mem.Value)
			}
		}
	}
}

func (l *lower) dendrite(d *lang.DendriteBlock) *Dendrite {
	out := &Dendrite{Name: d.Name.Name, Continuous: d.Continuous, Settings: map[string]float64{}, Pos: d.Range(), Combine: "max"}
	var walk func(prefix string, ss []*lang.Setting)
	walk = func(prefix string, ss []*lang.Setting) {
		for _, s := range ss {
			switch {
			case s.IsBlock:
				walk(prefix+s.Name.Name+".", s.Block)
			case s.Name.Name == "activation":
				out.Activation = l.expr(s.Value)
			case s.Name.Name == "combine":
				if id, ok := s.Value.(*lang.Ident); ok {
					out.Combine = id.Name
				}
			case s.Name.Name == "learning":
				if bl, ok := s.Value.(*lang.BoolLit); ok && bl.Value {
					out.Settings[prefix+s.Name.Name] = 1
				} else {
					out.Settings[prefix+s.Name.Name] = 0
				}
			default:
				if v, ok := lang.ConstValue(s.Value); ok {
					out.Settings[prefix+s.Name.Name] = v
				}
			}
		}
	}
	walk("", d.Settings)
	if d.Continuous {
		out.Out = l.byName[d.Name.Name]
	}
	return out
}

func (l *lower) stmts(ss []lang.Stmt) []Stmt {
	var out []Stmt
	for _, s := range ss {
		if st := l.stmt(s); st != nil {
			out = append(out, st)
		}
	}
	return out
}

func (l *lower) stmt(s lang.Stmt) Stmt {
	switch s := s.(type) {
	case *lang.AssignStmt:
		return &Assign{Var: l.target(s.Target), Op: s.Op, Value: l.expr(s.Value), Pos: s.Range()}
	case *lang.RefractoryStmt:
		return &Refractory{Duration: l.expr(s.Duration), Pos: s.Range()}
	case *lang.DeliverStmt:
		return &Deliver{Value: l.expr(s.Value), Pos: s.Range()}
	case *lang.IfStmt:
		return &If{Cond: l.expr(s.Cond), Then: l.stmts(s.Then), Else: l.stmts(s.Else), Pos: s.Range()}
	}
	return nil
}

func (l *lower) target(x lang.Expr) *Var {
	switch x := x.(type) {
	case *lang.Ident:
		return l.lookup(x.Name)
	case *lang.FieldExpr:
		if id, ok := x.X.(*lang.Ident); ok {
			return l.byName[id.Name+"."+x.Name.Name]
		}
	}
	return nil
}

// expr lowers an expression: names to variables, units to SI constants,
// user functions inlined.
func (l *lower) expr(x lang.Expr) Expr {
	switch x := x.(type) {
	case *lang.NumberLit:
		v, _ := lang.ConstValue(x)
		c := &Const{V: v}
		if x.Unit != nil {
			u, err := units.ParseExpr(unitText(x.Unit))
			if err == nil {
				c.D, c.Unit = u.Dim, unitText(x.Unit)
			}
		}
		return c
	case *lang.BoolLit:
		return &BoolConst{V: x.Value}
	case *lang.StringLit:
		return &Const{} // only in network settings, handled there
	case *lang.ParenExpr:
		return l.expr(x.X)
	case *lang.Ident:
		return l.ident(x)
	case *lang.UnaryExpr:
		inner := l.expr(x.X)
		if x.Op == "+" {
			return inner
		}
		return &Unary{Op: x.Op, X: inner}
	case *lang.BinaryExpr:
		return NewBinary(x.Op, l.expr(x.X), l.expr(x.Y))
	case *lang.IfExpr:
		return &Cond{C: l.expr(x.Cond), A: l.expr(x.Then), B: l.expr(x.Else)}
	case *lang.FieldExpr:
		id := x.X.(*lang.Ident)
		if (id.Name == "pre" || id.Name == "post") && l.m.Kind == SynapseModel {
			return l.sideRef(id.Name, x.Name.Name)
		}
		if v := l.byName[id.Name+"."+x.Name.Name]; v != nil {
			return &Ref{Var: v}
		}
	case *lang.CallExpr:
		args := make([]Expr, len(x.Args))
		for i, a := range x.Args {
			args[i] = l.expr(a.Value)
		}
		if fn, ok := l.b.prog.Funcs[x.Fun.Name]; ok {
			return l.inline(fn, args)
		}
		if x.Fun.Name == "bernoulli" && len(args) == 1 {
			// a Bernoulli trial is rand() < p: every executor draws it so
			return NewBinary("<", NewCall("rand"), args[0])
		}
		return NewCall(x.Fun.Name, args...)
	}
	l.b.diags.Errorf(x.Range().Pos, x.Range().End, "internal: cannot lower this expression")
	return &Const{}
}

func (l *lower) ident(x *lang.Ident) Expr {
	s := l.b.prog.Uses[x]
	if s != nil && s.Kind == lang.FuncParamSym || s == nil {
		for i := len(l.args) - 1; i >= 0; i-- {
			if e, ok := l.args[i][x.Name]; ok {
				return e
			}
		}
	}
	switch {
	case x.Name == "weight" && (s == nil || s.Kind == lang.WeightSym):
		return &WeightRef{D: l.weightDim}
	case x.Name == "input" && (s == nil || s.Kind == lang.InputSym):
		return &InputRef{}
	case x.Name == "t" && (s == nil || s.Kind == lang.TimeSym):
		return &Time{}
	case s != nil && s.Kind == lang.IndexSym:
		return &Index{}
	case s != nil && s.Kind == lang.SizeSym:
		return &Const{V: float64(l.size)}
	case s != nil && s.Kind == lang.ConstSym:
		return &Const{V: math.Pi}
	}
	if v := l.lookup(x.Name); v != nil {
		return &Ref{Var: v}
	}
	l.b.diags.Errorf(x.Pos, x.End, "internal: unresolved name %s", x.Name)
	return &Const{}
}

// lookup finds a variable by name: inside a compartment its own names
// shadow the soma's.
func (l *lower) lookup(name string) *Var {
	if v := l.byName[l.prefix+name]; v != nil {
		return v
	}
	return l.byName[name]
}

// sideRef reads a variable of the pre- or postsynaptic neuron model.
func (l *lower) sideRef(side, name string) Expr {
	var m *Model
	sd := Pre
	if side == "post" {
		sd = Post
	}
	if l.bind != nil {
		if sd == Pre {
			m = l.bind.pre
		} else {
			m = l.bind.post
		}
	}
	if m != nil {
		for _, v := range m.Vars {
			if v.Name == name {
				if v.Kind == Alias && v.Value != nil {
					return onSide(v.Value, sd) // the synapse evaluates the neuron's definition
				}
				return &Ref{Var: v, Side: sd}
			}
		}
	}
	// type-level model without a binding: a placeholder variable
	return &Ref{Var: &Var{Name: name, Kind: State}, Side: sd}
}

// onSide reads a neuron's expression from a synapse: its own variables
// become the pre- or postsynaptic neuron's, its aliases are expanded.
func onSide(e Expr, sd Side) Expr {
	return Rewrite(e, func(e Expr) Expr {
		r, ok := e.(*Ref)
		if !ok || r.Side != Own {
			return e
		}
		if r.Var.Kind == Alias && r.Var.Value != nil {
			return onSide(r.Var.Value, sd)
		}
		return &Ref{Var: r.Var, Side: sd}
	})
}

// inline substitutes a user function's body with its arguments bound.
func (l *lower) inline(fn *lang.FuncDecl, args []Expr) Expr {
	frame := map[string]Expr{}
	for i, p := range fn.Params {
		frame[p.Name.Name] = args[i]
	}
	l.args = append(l.args, frame)
	defer func() { l.args = l.args[:len(l.args)-1] }()
	seen := false
	for _, n := range l.b.out.Functions {
		seen = seen || n == fn.Name.Name
	}
	if !seen {
		l.b.out.Functions = append(l.b.out.Functions, fn.Name.Name)
	}
	return l.expr(fn.Body)
}

// unitText renders a unit expression as written (mV/ms, 1/ms, um^2).
func unitText(u *lang.UnitExpr) string {
	var sb strings.Builder
	for i, f := range u.Factors {
		switch {
		case f.Div:
			if i == 0 {
				sb.WriteString("1")
			}
			sb.WriteString("/")
		case i > 0:
			sb.WriteString("*")
		}
		sb.WriteString(f.Name)
		if f.Exp != 1 {
			fmt.Fprintf(&sb, "^%d", f.Exp)
		}
	}
	return sb.String()
}

// displayUnit picks the unit to print a variable in: the one its defining
// literal was written in, else the preferred unit of its dimension.
func displayUnit(x lang.Expr, d units.Dim) string {
	for {
		switch e := x.(type) {
		case *lang.UnaryExpr:
			x = e.X
			continue
		case *lang.ParenExpr:
			x = e.X
			continue
		case *lang.NumberLit:
			if e.Unit != nil {
				return unitText(e.Unit)
			}
		}
		break
	}
	if d.IsDimensionless() {
		return ""
	}
	if u, ok := units.Preferred(d); ok {
		return u.Symbol
	}
	return d.String()
}
