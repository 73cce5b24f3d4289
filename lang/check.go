package lang

import (
	"fmt"
	"sort"
	"strings"

	"github.com/snnc/snnc/lang/units"
)

// The checker: name resolution, imports, and dimension checking of every
// expression. It never evaluates a model; the only arithmetic it does is on
// literal arguments, to check ranges such as p in [0, 1].

// Loader fetches an imported file. from is the importing file's name, path
// the import string. It returns the parsed file (named canonically, so that
// cycles are recognised), its source for diagnostics, and its parse
// diagnostics; err means the file could not be found or read.
type Loader func(from, path string) (f *File, src []byte, diags Diagnostics, err error)

// Program is a checked model: the main file, its imports and what the checker
// learned about every name and expression.
type Program struct {
	Files    []*File // main file first, then imports in load order
	Sources  Sources
	Types    map[string]*TypeInfo
	Funcs    map[string]*FuncDecl
	Networks map[string]*NetInfo
	Runs     []*RunDecl
	// DataFiles are the file arguments of inputs and connectors
	// (spikes("x.csv"), from_file(...)), for the pipeline to check that they
	// exist: the checker itself reads no files but imports.
	DataFiles []*StringLit
	Info

	decls map[*Ident]Ref // declaring names, built on first Lookup (index.go)
}

// Info records, for every checked expression, its type, and for every name
// use the symbol it resolves to.
type Info struct {
	Exprs map[Expr]Type
	Uses  map[*Ident]*Symbol
	// Ports maps a port named in a projection (`-> E : exc`), an input
	// (`-> E : I_ext`) or `on dendrite d active` to the port (for tools:
	// go to definition, rename).
	Ports map[*Ident]*PortInfo
}

// Kind is the kind of value an expression denotes.
type Kind int

const (
	Invalid Kind = iota // already reported; suppresses follow-on errors
	Number
	Bool
	String
	List
	Deferred // pre.x / post.x in a synapse, known only per projection
)

// Type is a value kind with, for numbers and lists of numbers, a dimension.
type Type struct {
	Kind Kind
	Dim  units.Dim
}

var (
	invalidT = Type{Kind: Invalid}
	boolT    = Type{Kind: Bool}
	stringT  = Type{Kind: String}
	dimless  = Type{Kind: Number}
	timeT    = num(units.Dim{units.Time: 1})
)

func num(d units.Dim) Type { return Type{Kind: Number, Dim: d} }

func (t Type) String() string {
	switch t.Kind {
	case Number:
		return units.Describe(t.Dim)
	case Bool:
		return "boolean"
	case String:
		return "string"
	case List:
		return "list of " + units.Describe(t.Dim)
	}
	return "invalid"
}

// SymKind classifies symbols.
type SymKind int

const (
	ParamSym SymKind = iota
	StateSym
	AliasSym
	PortSym      // continuous input port, readable by name
	DendriteSym  // continuous dendrite output, readable by name
	CompSym      // compartment, read as comp.var
	WeightSym    // `weight` inside an event port
	InputSym     // `input` inside a continuous dendrite's activation
	TimeSym      // `t`
	FuncParamSym // parameter of a user function
	PopSym       // population or input in a network
	ProjSym      // named projection
	IndexSym     // `i`: the neuron's index in its population (initializers)
	SizeSym      // `N`: the population's size (initializers)
	ConstSym     // `pi`
)

// Symbol is a resolved name.
type Symbol struct {
	Name  string
	Kind  SymKind
	Type  Type
	Decl  Node
	Owner *TypeInfo // for type members
	Comp  *TypeInfo // for CompSym: the compartment's members
	Pop   *PopInfo  // for PopSym
	Proj  *ProjInfo // for ProjSym
}

var kindNames = map[SymKind]string{
	ParamSym: "parameter", StateSym: "state variable", AliasSym: "named expression",
	PortSym: "continuous input port", DendriteSym: "continuous dendrite", CompSym: "compartment",
	WeightSym: "port weight", InputSym: "dendrite input", TimeSym: "simulation time",
	FuncParamSym: "function parameter", PopSym: "population", ProjSym: "projection",
	IndexSym: "neuron index", SizeSym: "population size", ConstSym: "constant",
}

func (s *Symbol) describe() string { return kindNames[s.Kind] }

// TypeInfo is what the checker knows of a neuron or synapse type (or of a
// compartment inside a neuron).
type TypeInfo struct {
	Decl       *TypeDecl
	Name       string
	Kind       TypeKind
	Parent     *TypeInfo // for compartments: the neuron
	Scope      map[string]*Symbol
	Order      []*Symbol // params, state and aliases in declaration order
	Ports      map[string]*PortInfo
	Dends      map[string]*DendriteBlock
	Deliver    *Type                 // synapse: type of `deliver`
	DeliverTo  map[string]*DeliverTo // synapse: `deliver x to port`
	UsesWeight bool                  // synapse: reads its projection's `weight`
	Delivers   bool                  // synapse: has a deliver statement
	Summed     *Setting              // synapse: `summed = expr`, driven into a continuous port every step
	SummedType *Type                 // its type (in the current binding)
	Mods       map[string]bool       // synapse: modulator names handled
	ModDraws   map[string]*CallExpr  // synapse: the first random draw in on modulator NAME
	Method     map[string]string     // neuron: ODE var -> method asked for, if any
}

// DeliverTo is a `deliver x to port` of a synapse.
type DeliverTo struct {
	Stmt *DeliverStmt
	Type Type
}

// PortInfo is an input port of a neuron: an event port with the dimension of
// its weight, a continuous port, or a segment dendrite.
type PortInfo struct {
	Name       string
	Port       *Port
	Dendrite   *DendriteBlock
	Weight     units.Dim
	Continuous bool
	Dim        units.Dim // continuous port value
}

// NetInfo is a checked network.
type NetInfo struct {
	Decl  *NetworkDecl
	Pops  map[string]*PopInfo
	Projs []*ProjInfo
	Scope map[string]*Symbol
}

// PopInfo is a population or an input of a network.
type PopInfo struct {
	Name  string
	Type  *TypeInfo // nil for inputs
	Input *InputDecl
	Pop   *PopulationDecl
	Size  int // 0 when unknown (e.g. read from a file at run time)
	Shape []int
}

// ProjInfo is a checked projection.
type ProjInfo struct {
	Decl    *ProjectDecl
	Synapse *TypeInfo
}

type checker struct {
	diags       Diagnostics
	load        Loader
	prog        *Program
	global      map[string]*globalSym
	loading     map[string]bool // import cycle detection
	loaded      map[string]bool
	importStack []importEdge         // imports being followed, for cycle reports
	funcStk     []string             // user functions being checked (recursion)
	deferredSyn map[*TypeInfo]bool   // synapses that read pre./post. or weight
	deferredPre map[*TypeInfo]bool   // synapses that read pre.
	rechecked   map[bindKey]delivery // synapse bound to a projection: its deliver type
	// aliasHook types a named expression on first use (set per type).
	aliasHook func(*Symbol)

	bodies map[bodyKey]bodyResult // function bodies checked, per call signature
	sizer  *sizer                 // expanded sizes (expand.go)
}

type globalSym struct {
	name string
	decl Decl
	file string
}

// Check resolves and checks main and everything it imports. The program is
// returned even when there are errors, for tools that want partial results.
func Check(main *File, src []byte, load Loader) (*Program, Diagnostics) {
	c := &checker{
		load: load,
		prog: &Program{
			Sources:  Sources{main.Name: src},
			Types:    map[string]*TypeInfo{},
			Funcs:    map[string]*FuncDecl{},
			Networks: map[string]*NetInfo{},
			Info:     Info{Exprs: map[Expr]Type{}, Uses: map[*Ident]*Symbol{}, Ports: map[*Ident]*PortInfo{}},
		},
		global:      map[string]*globalSym{},
		loading:     map[string]bool{},
		loaded:      map[string]bool{},
		deferredSyn: map[*TypeInfo]bool{},
		deferredPre: map[*TypeInfo]bool{},
		rechecked:   map[bindKey]delivery{},
	}
	c.addFile(main)
	c.checkAll()
	c.diags.Sort()
	return c.prog, c.diags
}

func (c *checker) errorf(n Node, format string, args ...any) *Diagnostic {
	sp := n.Range()
	return c.diags.Errorf(sp.Pos, sp.End, format, args...)
}

func (c *checker) warnf(n Node, format string, args ...any) *Diagnostic {
	sp := n.Range()
	return c.diags.Warnf(sp.Pos, sp.End, format, args...)
}

// addFile registers a file's declarations and loads its imports first.
func (c *checker) addFile(f *File) {
	c.loading[f.id()] = true
	c.loaded[f.id()] = true
	c.prog.Files = append(c.prog.Files, f)
	for _, d := range f.Decls {
		if imp, ok := d.(*ImportDecl); ok {
			c.importFile(f, imp)
		}
	}
	for _, d := range f.Decls {
		var name *Ident
		switch d := d.(type) {
		case *FuncDecl:
			name = d.Name
		case *TypeDecl:
			name = d.Name
		case *NetworkDecl:
			name = d.Name
		}
		if name == nil {
			continue
		}
		if prev, ok := c.global[name.Name]; ok {
			c.errorf(name, "%s is declared twice", name.Name).Hint = "the other declaration is at " + declNamePos(prev.decl).String()
			continue
		}
		if builtins[name.Name] != nil {
			c.errorf(name, "%s is a built-in function and cannot be redeclared", name.Name)
			continue
		}
		c.global[name.Name] = &globalSym{name: name.Name, decl: d, file: f.Name}
	}
	delete(c.loading, f.id())
}

func (c *checker) importFile(from *File, imp *ImportDecl) {
	if c.load == nil {
		c.errorf(imp, "imports are not available here")
		return
	}
	f, src, pd, err := c.load(from.Name, imp.Path.Value)
	if err != nil {
		d := c.errorf(imp.Path, "cannot import %q: %v", imp.Path.Value, err)
		if strings.HasPrefix(imp.Path.Value, "std/") {
			d.Hint = "the standard library has: " + strings.Join(stdNames, ", ")
		}
		return
	}
	if c.loading[f.id()] {
		// Report at the import that opened the cycle, with the whole chain.
		start := 0
		for i, e := range c.importStack {
			if e.fromID == f.id() {
				start = i
				break
			}
		}
		chain := []string{}
		for _, e := range c.importStack[start:] {
			chain = append(chain, e.from)
		}
		chain = append(chain, from.Name, f.Name)
		at := imp.Path
		if start < len(c.importStack) {
			at = c.importStack[start].imp.Path
		}
		c.errorf(at, "import cycle: %s", strings.Join(chain, " -> ")).Hint =
			"break the cycle by moving the shared declarations into a third file"
		return
	}
	if c.loaded[f.id()] {
		return
	}
	c.prog.Sources[f.Name] = src
	c.diags = append(c.diags, pd...)
	c.importStack = append(c.importStack, importEdge{from.Name, from.id(), imp})
	c.addFile(f)
	c.importStack = c.importStack[:len(c.importStack)-1]
}

type importEdge struct {
	from, fromID string
	imp          *ImportDecl
}

// stdNames lists the standard library for hints; set by the pipeline.
var stdNames []string

// SetStdNames tells the checker which std imports exist (for hints only).
func SetStdNames(names []string) { stdNames = names }

// checkAll checks types first (networks refer to them), then functions,
// networks and runs.
func (c *checker) checkAll() {
	names := make([]string, 0, len(c.global))
	for n := range c.global {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		a, b := c.global[names[i]].decl.Range().Pos, c.global[names[j]].decl.Range().Pos
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Offset < b.Offset
	})
	for _, n := range names {
		if fn, ok := c.global[n].decl.(*FuncDecl); ok {
			c.prog.Funcs[n] = fn
		}
	}
	c.checkRecursion(names)
	c.checkFuncSizes(names)
	for _, n := range names {
		if td, ok := c.global[n].decl.(*TypeDecl); ok {
			c.prog.Types[n] = c.checkType(td)
		}
	}
	for _, n := range names {
		if fn, ok := c.global[n].decl.(*FuncDecl); ok {
			c.checkFuncDecl(fn)
		}
	}
	for _, n := range names {
		if nd, ok := c.global[n].decl.(*NetworkDecl); ok {
			c.prog.Networks[n] = c.checkNetwork(nd)
		}
	}
	for _, f := range c.prog.Files {
		for _, d := range f.Decls {
			if r, ok := d.(*RunDecl); ok {
				c.checkRun(r, f == c.prog.Files[0])
			}
		}
	}
}

func (c *checker) checkRun(r *RunDecl, main bool) {
	if !main {
		c.warnf(r, "run in an imported file is ignored")
		return
	}
	if len(c.prog.Runs) > 0 {
		// snnc runs one network per file; a second run used to be dropped silently
		c.errorf(r, "a model has one run; this second run would be ignored").Hint =
			"the first run is at " + c.prog.Runs[0].Range().Pos.String() + "; to run another network, write a second file that imports this one"
	}
	c.prog.Runs = append(c.prog.Runs, r)
	g, ok := c.global[r.Network.Name]
	if !ok {
		c.unknown(r.Network, "network", c.globalNames(func(d Decl) bool { _, ok := d.(*NetworkDecl); return ok }))
	} else if _, isNet := g.decl.(*NetworkDecl); !isNet {
		c.errorf(r.Network, "%s is not a network", r.Network.Name)
	}
	env := &env{c: c}
	c.wantPositive(r.Duration, env.expr(r.Duration), timeT, "run duration")
	for _, s := range r.Settings {
		switch s.Name.Name {
		case "out":
			if t := env.expr(s.Value); t.Kind != String && t.Kind != Invalid {
				c.errorf(s.Value, "out must be a directory name in quotes, not %s", t)
			}
		default:
			c.unknownSetting(s, []string{"out"}, "run")
		}
	}
	c.checkPhases(r)
}

func (c *checker) globalNames(keep func(Decl) bool) []string {
	var out []string
	for n, g := range c.global {
		if keep(g.decl) {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// unknown reports an unresolved name with a did-you-mean hint.
func (c *checker) unknown(id *Ident, what string, candidates []string) {
	d := c.errorf(id, "unknown %s %s", what, id.Name)
	if s := DidYouMean(id.Name, candidates); s != "" {
		d.Hint = fmt.Sprintf("did you mean %s?", s)
	} else if u := units.Suggest(id.Name); u == "" && units.IsUnitName(id.Name) {
		d.Hint = fmt.Sprintf("%s is a unit; a unit is written right after a number, as in 1 %s", id.Name, id.Name)
	}
}

func (c *checker) unknownSetting(s *Setting, allowed []string, where string) {
	d := c.errorf(s.Name, "unknown setting %s in %s", s.Name.Name, where)
	if m := DidYouMean(s.Name.Name, allowed); m != "" {
		d.Hint = fmt.Sprintf("did you mean %s?", m)
	} else {
		d.Hint = "allowed here: " + strings.Join(allowed, ", ")
	}
}

// sameDim reports a dimension mismatch in the form modellers read:
// "cannot add voltage (mV) and time (ms)".
func (c *checker) sameDim(n Node, what string, a, b Type) bool {
	if a.Kind != Number || b.Kind != Number || a.Dim == b.Dim {
		return true
	}
	d := c.errorf(n, "%s %s and %s", what, a, b)
	d.Hint = fmt.Sprintf("units: %s vs %s", unitOf(a.Dim), unitOf(b.Dim))
	return false
}

// unitOf names a dimension by a unit a modeller would write.
func unitOf(d units.Dim) string {
	if d.IsDimensionless() {
		return "1 (dimensionless)"
	}
	if u, ok := units.Preferred(d); ok {
		return u.Symbol
	}
	if d[units.HalfTime] != 0 {
		if base := d.Mul(units.Dim{units.HalfTime: 1}); !base.IsDimensionless() {
			return unitOf(base) + "*s^-1/2"
		}
	}
	return d.String()
}

// expect checks that t is of the wanted type, saying what was expected.
func (c *checker) expect(n Node, t, want Type, what string) bool {
	if t.Kind == Invalid || t.Kind == Deferred {
		return false
	}
	if t.Kind != want.Kind {
		c.errorf(n, "%s must be %s, not %s", what, want, t)
		return false
	}
	if t.Kind == Number && t.Dim != want.Dim {
		d := c.errorf(n, "%s must be %s, not %s", what, want, t)
		d.Hint = fmt.Sprintf("units: expected %s, got %s", unitOf(want.Dim), unitOf(t.Dim))
		return false
	}
	return true
}
