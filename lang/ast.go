package lang

// The AST of a .snn file. The parser builds it; every node carries its source
// span. Parentheses, statement order and block order are kept as written so
// that `snnc fmt` can print the file back faithfully.

// Span is the source range [Pos, End) of a node.
type Span struct {
	Pos, End Pos
}

// Range returns the node's range; embedding Span gives every node this method.
func (s Span) Range() Span { return s }

// Node is any AST node.
type Node interface{ Range() Span }

// File is one parsed .snn file.
type File struct {
	Span
	Name     string // path as given to the parser
	ID       string // identity for imports: the same file reached by another path (a symlink, absolute) has the same ID; "" means Name
	Decls    []Decl
	Comments []*Comment // all comments in source order, for the printer
}

// id is what imports compare: ID, else Name.
func (f *File) id() string {
	if f.ID != "" {
		return f.ID
	}
	return f.Name
}

// Comment is one `# ...` comment, text including the '#'.
type Comment struct {
	Span
	Text string
}

// Ident is a name with its position.
type Ident struct {
	Span
	Name string
}

// ---- declarations ----

// Decl is a top-level declaration.
type Decl interface {
	Node
	declNode()
}

// ImportDecl is `import "std/neurons"` or `import "lib/cells.snn"`.
type ImportDecl struct {
	Span
	Path *StringLit
}

// FuncDecl is a user-defined pure function:
// `function sq(x) = x * x` or `function rate(v: mV): Hz = ...`.
type FuncDecl struct {
	Span
	Name   *Ident
	Params []*Param
	Result *UnitExpr // optional declared result unit
	Body   Expr
}

// Param is a function parameter with an optional unit annotation.
type Param struct {
	Span
	Name *Ident
	Unit *UnitExpr
}

// TypeKind distinguishes the two model-type declarations.
type TypeKind string

const (
	NeuronKind  TypeKind = "neuron"
	SynapseKind TypeKind = "synapse"
)

// TypeDecl is `neuron Name { ... }` or `synapse Name { ... }`. Both share one
// member grammar; the checker says which members each kind may hold.
type TypeDecl struct {
	Span
	Kind    TypeKind
	Name    *Ident
	Members []Member
}

// NetworkDecl is `network Name { ... }`.
type NetworkDecl struct {
	Span
	Name  *Ident
	Items []NetItem
}

// RunDecl is `run Net for 1 s` with optional settings `{ out = "dir" }`
// and phases.
type RunDecl struct {
	Span
	Network  *Ident
	Duration Expr
	Settings []*Setting
	Phases   []*PhaseDecl
}

// PhaseDecl is `phase NAME at T { Pop.var = value ... }` in a run: at time T
// the assignments set state variables of whole populations (a protocol
// step: freeze learning, scale a gain).
type PhaseDecl struct {
	Span
	Name *Ident
	At   Expr
	Body []Stmt
}

func (*ImportDecl) declNode()  {}
func (*FuncDecl) declNode()    {}
func (*TypeDecl) declNode()    {}
func (*NetworkDecl) declNode() {}
func (*RunDecl) declNode()     {}

// ---- members of neuron / synapse / compartment bodies ----

// Member is an item in a neuron, synapse or compartment body.
type Member interface {
	Node
	memberNode()
}

// VarBlock is `parameters { ... }` or `state { ... }`.
type VarBlock struct {
	Span
	Kind string // "parameters" or "state"
	Vars []*VarDecl
}

// VarDecl is `name = expr` or `name : unit = expr` (the annotation fixes the
// unit when the initializer alone cannot, e.g. `w : nS = uniform(0, 1) * w_max`).
type VarDecl struct {
	Span
	Name  *Ident
	Unit  *UnitExpr
	Value Expr
}

// EquationsBlock holds ODEs and named expressions (aliases), optionally with
// an integration method: `method rk4`.
type EquationsBlock struct {
	Span
	Method *Ident
	Items  []EqItem
}

// EqItem is an ODE or an alias.
type EqItem interface {
	Node
	eqNode()
}

// ODE is `x' = rhs` or `dx/dt = rhs`, optionally `unless refractory`
// (x is held while the neuron is refractory: neither integrated nor
// changed by its input ports, as Brian2's flag) or `unless refractory
// except inputs` (not integrated, but input ports still add to it).
type ODE struct {
	Span
	Var              *Ident
	DDt              bool // written as dx/dt
	Rhs              Expr
	UnlessRefractory bool
	KeepInputs       bool // `except inputs`
}

// Alias is a named expression in an equations block: `I_syn = g * (E - v)`.
type Alias struct {
	Span
	Name  *Ident
	Value Expr
}

func (*ODE) eqNode()   {}
func (*Alias) eqNode() {}

// InputsBlock declares input ports.
type InputsBlock struct {
	Span
	Ports []*Port
}

// Port is an input port: an event port `exc: ge += weight` (or a block of
// statements), or a continuous port `I_ext: current` / `g_ext: continuous nS`
// whose value is summed from all sources each step and read by name.
type Port struct {
	Span
	Name       *Ident
	Continuous bool
	Current    bool      // written with the `current` shorthand (unit A)
	Unit       *UnitExpr // unit of a `continuous` port
	Body       []Stmt    // event port statements
	Braced     bool      // body written in braces
}

// OnBlock is an event handler.
type OnBlock struct {
	Span
	Event string // "threshold", "pre", "post", "modulator", "dendrite"
	Cond  Expr   // threshold condition
	Name  *Ident // modulator or dendrite name
	Body  []Stmt
	// Rising: `on threshold COND rising`, a spike only in a step where COND
	// holds and did not hold in the step before (ir.Model.Rising)
	Rising bool
}

// DendriteBlock is `dendrite name { settings }` (segment dendrite) or
// `dendrite name continuous { settings }`.
type DendriteBlock struct {
	Span
	Name       *Ident
	Continuous bool
	Settings   []*Setting
}

// CompartmentBlock is a second compartment with its own state and ODEs,
// coupled to the soma: `compartment dend { state {...} equations {...} }`.
type CompartmentBlock struct {
	Span
	Name    *Ident
	Members []Member
}

// Setting is `name = expr`, or a nested block `name { settings }`. In a
// projection `connect = bernoulli(0.1) except self` sets ExceptSelf.
type Setting struct {
	Span
	Name       *Ident
	Value      Expr
	Block      []*Setting
	IsBlock    bool
	ExceptSelf bool
}

func (*VarBlock) memberNode()         {}
func (*EquationsBlock) memberNode()   {}
func (*InputsBlock) memberNode()      {}
func (*OnBlock) memberNode()          {}
func (*DendriteBlock) memberNode()    {}
func (*CompartmentBlock) memberNode() {}
func (*Setting) memberNode()          {}

// ---- statements (handler bodies) ----

// Stmt is a statement in a handler or event port.
type Stmt interface {
	Node
	stmtNode()
}

// AssignStmt is `x = e`, `x += e`, `x -= e`, `x *= e`, `x /= e`.
type AssignStmt struct {
	Span
	Target Expr // *Ident or *FieldExpr (compartment.var)
	Op     string
	Value  Expr
}

// RefractoryStmt is `refractory t_ref`.
type RefractoryStmt struct {
	Span
	Duration Expr
}

// DeliverStmt is `deliver w` (into the projection's port) or
// `deliver w to port`.
type DeliverStmt struct {
	Span
	Value Expr
	Port  *Ident
}

// IfStmt is `if c { ... } else { ... }`; an else-if chain nests in Else.
type IfStmt struct {
	Span
	Cond Expr
	Then []Stmt
	Else []Stmt
}

func (*AssignStmt) stmtNode()     {}
func (*RefractoryStmt) stmtNode() {}
func (*DeliverStmt) stmtNode()    {}
func (*IfStmt) stmtNode()         {}

// ---- network items ----

// NetItem is an item of a network body.
type NetItem interface {
	Node
	netNode()
}

// PopulationDecl is `population E = LIF[3200] { v = ... }` or with a shape
// `LIF[28, 28]`. Overrides set parameters and initial values.
type PopulationDecl struct {
	Span
	Name      *Ident
	Type      *Ident
	Shape     []Expr
	Overrides []*Setting
}

// InputDecl is `input P = poisson(1000, rate = 15 Hz)`; inputs that drive a
// continuous port name it: `input I = current_step(...) -> E : I_ext`.
type InputDecl struct {
	Span
	Name   *Ident
	Source *CallExpr
	Target *Ident
	Slice  *Slice // `-> E[0:10] : I_ext`: only those neurons (nil: all)
	Port   *Ident
}

// Slice is a view `[lo:hi]` of a population after its name in a projection
// or an input's target: the neurons lo..hi-1 (lo defaults to 0, hi to the
// size).
type Slice struct {
	Span
	Lo, Hi Expr
}

// ProjectDecl is `project [name =] A, B -> C : port using Syn { settings }`;
// the optional name lets `record weights(name)` refer to it.
type ProjectDecl struct {
	Span
	Name *Ident
	Pre  []*Ident
	Post []*Ident
	// PreSlice[k], PostSlice[k]: the view of Pre[k], Post[k] (nil: the
	// whole population); nil slices when no end is sliced
	PreSlice, PostSlice []*Slice
	Port                *Ident
	Synapse             *Ident
	Items               []ProjItem
}

// ProjItem is an item in a projection body.
type ProjItem interface {
	Node
	projNode()
}

// NormalizeStmt is synaptic scaling:
// `normalize sum(w) = 78.4 every 500 ms` (the sum over each post neuron's
// incoming synapses is rescaled to the target).
type NormalizeStmt struct {
	Span
	Func   *Ident // "sum"
	Var    *Ident
	Target Expr
	Every  Expr
}

// ModulatorItem binds a third-factor signal:
// `modulator dopamine = R` (spikes of R trigger `on modulator dopamine`
// on every synapse), or `modulator miss = M one_to_one` (a spike of M's
// neuron j triggers it on the synapses onto postsynaptic neuron j).
type ModulatorItem struct {
	Span
	Name    *Ident
	Source  *Ident
	PerPost bool
}

// RecordDecl is `record spikes(E, I)`, `record E.v[0:5] every 1 ms`,
// `record weights(P) every 10 s`.
type RecordDecl struct {
	Span
	Targets []Expr
	Every   Expr
	// AtEnd: `record weights(P) every T at end` samples at the end of the
	// step, after its synaptic events and scaling (Brian2's when='end')
	AtEnd bool
}

// WtaDecl is `wta Pop { k = 1; by = score }`: of the neurons of Pop whose
// threshold condition holds in a step, only the k with the largest score
// spike (winner-take-all selection among candidates).
type WtaDecl struct {
	Span
	Pop      *Ident
	Settings []*Setting
}

func (*WtaDecl) netNode() {}

func (*Setting) netNode()        {}
func (*PopulationDecl) netNode() {}
func (*InputDecl) netNode()      {}
func (*ProjectDecl) netNode()    {}
func (*RecordDecl) netNode()     {}

func (*Setting) projNode()       {}
func (*NormalizeStmt) projNode() {}
func (*ModulatorItem) projNode() {}

// ---- expressions ----

// Expr is an expression.
type Expr interface {
	Node
	exprNode()
}

// NumberLit is a numeric literal with an optional unit: `20 ms`, `0.5`.
type NumberLit struct {
	Span
	Text  string // as written
	Value float64
	Unit  *UnitExpr
}

// UnitExpr is a unit written after a number, e.g. `mV/ms`, `nS*mV`, `1/ms`.
type UnitExpr struct {
	Span
	Factors []*UnitFactor
}

// UnitFactor is one atom of a unit expression with its exponent; Div marks a
// factor written after '/'.
type UnitFactor struct {
	Span
	Name string
	Exp  int // 1 unless written with ^
	Div  bool
}

// StringLit is a double-quoted string; Value is unquoted.
type StringLit struct {
	Span
	Value string
}

// BoolLit is true or false.
type BoolLit struct {
	Span
	Value bool
}

// UnaryExpr is `-x`, `+x`, `not x`.
type UnaryExpr struct {
	Span
	Op string
	X  Expr
}

// BinaryExpr is `x op y` with op in + - * / % ^ < <= > >= == != and or.
type BinaryExpr struct {
	Span
	Op   string
	X, Y Expr
}

// ParenExpr is `(x)`, kept so the printer reproduces the source.
type ParenExpr struct {
	Span
	X Expr
}

// CallExpr is `f(a, b, name = c)`.
type CallExpr struct {
	Span
	Fun  *Ident
	Args []*Arg
}

// Arg is a positional (Name nil) or named call argument.
type Arg struct {
	Span
	Name  *Ident
	Value Expr
}

// FieldExpr is `x.name` (population variable, compartment variable).
type FieldExpr struct {
	Span
	X    Expr
	Name *Ident
}

// IndexExpr is `x[i]` or a slice `x[lo:hi]` (either bound may be omitted).
type IndexExpr struct {
	Span
	X       Expr
	Lo, Hi  Expr
	IsSlice bool
}

// IfExpr is `if c then a else b`.
type IfExpr struct {
	Span
	Cond, Then, Else Expr
}

// ListExpr is `[a, b, c]`.
type ListExpr struct {
	Span
	Elems []Expr
}

func (*NumberLit) exprNode()  {}
func (*StringLit) exprNode()  {}
func (*BoolLit) exprNode()    {}
func (*Ident) exprNode()      {}
func (*UnaryExpr) exprNode()  {}
func (*BinaryExpr) exprNode() {}
func (*ParenExpr) exprNode()  {}
func (*CallExpr) exprNode()   {}
func (*FieldExpr) exprNode()  {}
func (*IndexExpr) exprNode()  {}
func (*IfExpr) exprNode()     {}
func (*ListExpr) exprNode()   {}
