package lang

import (
	"slices"
	"sort"
	"strings"
)

// A position index over the AST and the checker's results, for tools that
// ask "what is at this spot" (the language server): a walker, the name under
// a position, what a name refers to and a declaration's doc comment. The
// answers come from what Check recorded (Info.Uses and the declaration
// tables); nothing here resolves names again.

// Inspect calls f for n and, while f returns true, for every node below it
// in source order. Nil children are skipped.
func Inspect(n Node, f func(Node) bool) {
	if isNil(n) || !f(n) {
		return
	}
	in := func(c Node) { Inspect(c, f) }
	switch n := n.(type) {
	case *File:
		for _, d := range n.Decls {
			in(d)
		}
	case *ImportDecl:
		in(n.Path)
	case *FuncDecl:
		in(n.Name)
		for _, p := range n.Params {
			in(p)
		}
		in(n.Result)
		in(n.Body)
	case *Param:
		in(n.Name)
		in(n.Unit)
	case *TypeDecl:
		in(n.Name)
		for _, m := range n.Members {
			in(m)
		}
	case *NetworkDecl:
		in(n.Name)
		for _, it := range n.Items {
			in(it)
		}
	case *RunDecl:
		in(n.Network)
		in(n.Duration)
		for _, s := range n.Settings {
			in(s)
		}
		for _, p := range n.Phases {
			in(p)
		}
	case *PhaseDecl:
		in(n.Name)
		in(n.At)
		stmts(n.Body, in)
	case *VarBlock:
		for _, v := range n.Vars {
			in(v)
		}
	case *VarDecl:
		in(n.Name)
		in(n.Unit)
		in(n.Value)
	case *EquationsBlock:
		in(n.Method)
		for _, it := range n.Items {
			in(it)
		}
	case *ODE:
		in(n.Var)
		in(n.Rhs)
	case *Alias:
		in(n.Name)
		in(n.Value)
	case *InputsBlock:
		for _, p := range n.Ports {
			in(p)
		}
	case *Port:
		in(n.Name)
		in(n.Unit)
		stmts(n.Body, in)
	case *OnBlock:
		in(n.Cond)
		in(n.Name)
		stmts(n.Body, in)
	case *DendriteBlock:
		in(n.Name)
		for _, s := range n.Settings {
			in(s)
		}
	case *CompartmentBlock:
		in(n.Name)
		for _, m := range n.Members {
			in(m)
		}
	case *Setting:
		in(n.Name)
		in(n.Value)
		for _, s := range n.Block {
			in(s)
		}
	case *AssignStmt:
		in(n.Target)
		in(n.Value)
	case *RefractoryStmt:
		in(n.Duration)
	case *DeliverStmt:
		in(n.Value)
		in(n.Port)
	case *IfStmt:
		in(n.Cond)
		stmts(n.Then, in)
		stmts(n.Else, in)
	case *PopulationDecl:
		in(n.Name)
		in(n.Type)
		for _, x := range n.Shape {
			in(x)
		}
		for _, s := range n.Overrides {
			in(s)
		}
	case *InputDecl:
		in(n.Name)
		in(n.Source)
		in(n.Target)
		in(n.Port)
	case *ProjectDecl:
		in(n.Name)
		for k, id := range n.Pre {
			in(id)
			if k < len(n.PreSlice) && n.PreSlice[k] != nil {
				in(n.PreSlice[k])
			}
		}
		for k, id := range n.Post {
			in(id)
			if k < len(n.PostSlice) && n.PostSlice[k] != nil {
				in(n.PostSlice[k])
			}
		}
		in(n.Port)
		in(n.Synapse)
		for _, it := range n.Items {
			in(it)
		}
	case *Slice:
		in(n.Lo)
		in(n.Hi)
	case *NormalizeStmt:
		in(n.Func)
		in(n.Var)
		in(n.Target)
		in(n.Every)
	case *ModulatorItem:
		in(n.Name)
		in(n.Source)
	case *RecordDecl:
		for _, x := range n.Targets {
			in(x)
		}
		in(n.Every)
	case *WtaDecl:
		in(n.Pop)
		for _, s := range n.Settings {
			in(s)
		}
	case *NumberLit:
		in(n.Unit)
	case *UnitExpr:
		for _, u := range n.Factors {
			in(u)
		}
	case *UnaryExpr:
		in(n.X)
	case *BinaryExpr:
		in(n.X)
		in(n.Y)
	case *ParenExpr:
		in(n.X)
	case *CallExpr:
		in(n.Fun)
		for _, a := range n.Args {
			in(a)
		}
	case *Arg:
		in(n.Name)
		in(n.Value)
	case *FieldExpr:
		in(n.X)
		in(n.Name)
	case *IndexExpr:
		in(n.X)
		in(n.Lo)
		in(n.Hi)
	case *IfExpr:
		in(n.Cond)
		in(n.Then)
		in(n.Else)
	case *ListExpr:
		for _, x := range n.Elems {
			in(x)
		}
	}
}

func stmts(ss []Stmt, in func(Node)) {
	for _, s := range ss {
		in(s)
	}
}

// NodeAt returns the innermost node of f whose span holds the byte offset
// (end inclusive, so a cursor just after a name is on it), preferring a
// name or a unit atom; nil when there is none.
func NodeAt(f *File, offset int) Node {
	var best Node
	Inspect(f, func(n Node) bool {
		sp := n.Range()
		if !sp.Pos.IsValid() || sp.End.Offset < sp.Pos.Offset {
			return true // a node without a span may still hold some
		}
		if offset < sp.Pos.Offset || offset > sp.End.Offset {
			return false
		}
		switch n.(type) {
		case *File:
		default:
			best = n
		}
		return true
	})
	return best
}

// DeclName returns the name a declaration node declares (a type, network,
// function, population, input, named projection, variable, alias, port,
// dendrite, compartment, parameter or phase), or nil.
func DeclName(n Node) *Ident {
	switch d := n.(type) {
	case *Ident:
		return d // an ODE variable without a state declaration
	case *TypeDecl:
		return d.Name
	case *NetworkDecl:
		return d.Name
	case *FuncDecl:
		return d.Name
	case *Param:
		return d.Name
	case *PopulationDecl:
		return d.Name
	case *InputDecl:
		return d.Name
	case *ProjectDecl:
		return d.Name
	case *VarDecl:
		return d.Name
	case *Alias:
		return d.Name
	case *Port:
		return d.Name
	case *DendriteBlock:
		return d.Name
	case *CompartmentBlock:
		return d.Name
	case *PhaseDecl:
		return d.Name
	}
	return nil
}

// Ref is what a name in the source stands for.
type Ref struct {
	Sym  *Symbol // a member, population, projection, port...; nil for a global or built-in
	Decl Node    // the declaration (a *TypeDecl, *FuncDecl, *NetworkDecl, or Sym.Decl); nil for a built-in
	// Builtin names a built-in function, input, connector or recording
	// ("exp", "poisson", "bernoulli") when the name is one.
	Builtin string
}

// Name returns the declaring name of r, or nil: a built-in, or a name
// that is not declared by name (a port's `weight` refers to its port).
func (r Ref) Name() *Ident {
	id := DeclName(r.Decl)
	if id != nil && r.Sym != nil && id.Name != r.Sym.Name {
		return nil
	}
	return id
}

// Lookup tells what id, a name in one of p's files, refers to: the symbol
// the checker resolved it to, else the global (type, function, network) or
// built-in it names where a global is expected. A declaring name refers to
// its own declaration. ok is false for a name the checker did not resolve.
// The first call builds an index in p: not for concurrent first use.
func (p *Program) Lookup(id *Ident) (r Ref, ok bool) {
	if p == nil || id == nil {
		return Ref{}, false
	}
	if s := p.Uses[id]; s != nil {
		return Ref{Sym: s, Decl: s.Decl}, true
	}
	if r, ok := p.declared()[id]; ok {
		return r, true
	}
	if pt := p.Ports[id]; pt != nil {
		if pt.Port != nil {
			return Ref{Decl: pt.Port}, true
		}
		if pt.Dendrite != nil {
			return Ref{Decl: pt.Dendrite}, true
		}
	}
	if d := p.Global(id.Name); d != nil {
		return Ref{Decl: d}, true
	}
	if builtins[id.Name] != nil || netCallables[id.Name] != "" || IsNoiseName(id.Name) {
		return Ref{Builtin: id.Name}, true
	}
	return Ref{}, false
}

// Global returns the declaration of the type, function or network name, or
// nil.
func (p *Program) Global(name string) Decl {
	if t := p.Types[name]; t != nil {
		return t.Decl
	}
	if f := p.Funcs[name]; f != nil {
		return f
	}
	if n := p.Networks[name]; n != nil {
		return n.Decl
	}
	return nil
}

// declared maps every declaring name of a member, port, network item or
// phase to what it declares, so that a declaration answers Lookup like its
// uses do.
func (p *Program) declared() map[*Ident]Ref {
	if p.decls != nil {
		return p.decls
	}
	p.decls = map[*Ident]Ref{}
	add := func(scope map[string]*Symbol) {
		for _, s := range scope {
			if id := DeclName(s.Decl); id != nil && id.Name == s.Name {
				p.decls[id] = Ref{Sym: s, Decl: s.Decl}
			}
		}
	}
	var addType func(t *TypeInfo)
	addType = func(t *TypeInfo) {
		add(t.Scope)
		for _, pt := range t.Ports {
			if pt.Port != nil {
				if _, ok := p.decls[pt.Port.Name]; !ok {
					p.decls[pt.Port.Name] = Ref{Decl: pt.Port} // an event port: no symbol
				}
			}
		}
		for _, d := range t.Dends {
			if _, ok := p.decls[d.Name]; !ok {
				p.decls[d.Name] = Ref{Decl: d}
			}
		}
		for _, s := range t.Scope {
			if s.Kind == CompSym && s.Comp != nil {
				addType(s.Comp)
			}
		}
	}
	for _, t := range p.Types {
		addType(t)
	}
	for _, n := range p.Networks {
		add(n.Scope)
	}
	for _, f := range p.Funcs {
		for _, pa := range f.Params {
			// a parameter's declaration; its uses are in Uses (FuncParamSym)
			p.decls[pa.Name] = Ref{Sym: &Symbol{Name: pa.Name.Name, Kind: FuncParamSym, Decl: pa}, Decl: pa}
		}
	}
	for _, r := range p.Runs {
		for _, ph := range r.Phases {
			if ph.Name != nil {
				p.decls[ph.Name] = Ref{Decl: ph}
			}
		}
	}
	return p.decls
}

// BuiltinNames returns the names of the built-in functions and of the
// inputs, connectors and recordings a network calls, sorted.
func BuiltinNames() []string {
	var out []string
	for n := range builtins {
		out = append(out, n)
	}
	for n := range netCallables {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// BuiltinKind says what a built-in name is: "function", "input",
// "connector" or "recording"; "" when it is none.
func BuiltinKind(name string) string {
	if _, conn := connectorSigs[name]; conn && builtins[name] != nil {
		return "connector, and in expressions a random-draw function" // bernoulli
	}
	if builtins[name] != nil {
		return "function"
	}
	if IsNoiseName(name) {
		return "white noise (s^-1/2, in equations)"
	}
	if w := netCallables[name]; w != "" {
		_, k, _ := strings.Cut(w, " ")
		return k
	}
	return ""
}

// BuiltinUsage is an example call of a built-in input or connector, as
// the checker's messages show it ("poisson(n, rate = 15 Hz)"); "" for
// other names.
func BuiltinUsage(name string) string {
	if s, ok := inputSigs[name]; ok {
		return s.doc
	}
	return connectorSigs[name].doc
}

// BuiltinParams are the parameter names of a built-in input or connector,
// in positional order (nil for other names).
func BuiltinParams(name string) []string {
	sig, ok := inputSigs[name]
	if !ok {
		sig = connectorSigs[name]
	}
	var out []string
	for _, a := range sig.args {
		out = append(out, a.name)
	}
	return out
}

// Describe names a symbol's kind as the checker's messages do
// ("parameter", "state variable", "population").
func (s *Symbol) Describe() string { return s.describe() }

// DocComment returns the comment that documents the declaration n of f
// (src is f's source): the block of whole-line comments right above it (no
// blank line between), else the comment at the end of its first line. The
// '#' and one space after it are dropped.
func DocComment(f *File, src []byte, n Node) string {
	start := n.Range().Pos
	i := sort.Search(len(f.Comments), func(i int) bool { return f.Comments[i].Pos.Offset >= start.Offset })
	var above []string
	next := start.Line - 1 // the line the block's last comment must be on
	for j := i - 1; j >= 0; j-- {
		c := f.Comments[j]
		if c.Pos.Line != next || !startsLine(src, c.Pos.Offset) {
			break
		}
		above = append(above, commentText(c.Text))
		next--
	}
	if len(above) > 0 {
		slices.Reverse(above)
		return strings.Join(above, "\n")
	}
	if i < len(f.Comments) && f.Comments[i].Pos.Line == start.Line {
		return commentText(f.Comments[i].Text)
	}
	return ""
}

// startsLine: only blanks precede offset on its line (a comment after code
// documents that code, not the next line).
func startsLine(src []byte, offset int) bool {
	for i := min(offset, len(src)) - 1; i >= 0 && src[i] != '\n'; i-- {
		if src[i] != ' ' && src[i] != '\t' {
			return false
		}
	}
	return true
}

func commentText(s string) string {
	s = strings.TrimPrefix(s, "#")
	return strings.TrimRight(strings.TrimPrefix(s, " "), " \t\r")
}

// ConstValue of a parameter or state variable: the value (SI units) of its
// declaration when that is built from literals and other such parameters
// of its type (v_reset = E_l - 10 mV); ok is false for anything else (a
// random draw, a function of time).
func (s *Symbol) ConstValue() (float64, bool) { return s.constValue(0) }

func (s *Symbol) constValue(depth int) (float64, bool) {
	v, ok := s.Decl.(*VarDecl)
	if !ok || s.Kind != ParamSym && s.Kind != StateSym || depth > 64 { // the checker reports cycles
		return 0, false
	}
	return constValueWith(v.Value, func(id *Ident) (float64, bool) {
		if s.Owner == nil {
			return 0, false
		}
		o := s.Owner.Scope[id.Name]
		if o == nil || o.Kind != ParamSym {
			return 0, false
		}
		return o.constValue(depth + 1)
	})
}
