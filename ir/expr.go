package ir

import (
	"math"

	"github.com/snnc/snnc/lang/units"
	"github.com/snnc/snnc/runtime"
)

// Expr is an IR expression. Every expression knows its dimension; boolean
// expressions report IsBool. Constructors compute the dimension from the
// operands, so a dimension the verifier recomputes must agree.
type Expr interface {
	Dim() units.Dim
	IsBool() bool
}

// Const is a number in SI units. Unit is the unit to print it in.
type Const struct {
	V    float64
	D    units.Dim
	Unit string
}

// BoolConst is true or false.
type BoolConst struct{ V bool }

// Side says whose variable a Ref reads.
type Side int

const (
	Own  Side = iota
	Pre       // a synapse reading its presynaptic neuron
	Post      // a synapse reading its postsynaptic neuron
)

// Ref reads a model variable.
type Ref struct {
	Var  *Var
	Side Side
}

// Time is the simulation time t.
type Time struct{}

// WeightRef is the weight an event port receives, or in a synapse the
// projection's weight setting.
type WeightRef struct{ D units.Dim }

// InputRef is the summed input of a continuous dendrite segment.
type InputRef struct{}

// Index is `i`, the neuron's index in its population (0..N-1, as a
// number); it occurs only in a neuron's initial values.
type Index struct{}

// Unary is -x or not x.
type Unary struct {
	Op string
	X  Expr
}

// Binary is x op y.
type Binary struct {
	Op   string
	X, Y Expr
	D    units.Dim
}

// Call is a built-in function: exp log sqrt abs min max clip pow sin cos
// tanh sigmoid floor ceil round, and the random draws uniform normal rand.
type Call struct {
	Fn   string
	Args []Expr
	D    units.Dim
}

// Cond is `if C then A else B`.
type Cond struct{ C, A, B Expr }

func (c *Const) Dim() units.Dim     { return c.D }
func (*BoolConst) Dim() units.Dim   { return units.Dimensionless }
func (r *Ref) Dim() units.Dim       { return r.Var.Dim }
func (*Time) Dim() units.Dim        { return units.Dim{units.Time: 1} }
func (w *WeightRef) Dim() units.Dim { return w.D }
func (*InputRef) Dim() units.Dim    { return units.Dimensionless }
func (*Index) Dim() units.Dim       { return units.Dimensionless }
func (u *Unary) Dim() units.Dim     { return u.X.Dim() }
func (b *Binary) Dim() units.Dim    { return b.D }
func (c *Call) Dim() units.Dim      { return c.D }
func (c *Cond) Dim() units.Dim      { return c.A.Dim() }

func (*Const) IsBool() bool     { return false }
func (*BoolConst) IsBool() bool { return true }
func (r *Ref) IsBool() bool     { return r.Var.Bool }
func (*Time) IsBool() bool      { return false }
func (*WeightRef) IsBool() bool { return false }
func (*InputRef) IsBool() bool  { return false }
func (*Index) IsBool() bool     { return false }
func (u *Unary) IsBool() bool   { return u.Op == "not" }
func (b *Binary) IsBool() bool  { return isCompare(b.Op) || b.Op == "and" || b.Op == "or" }
func (*Call) IsBool() bool      { return false }
func (c *Cond) IsBool() bool    { return c.A.IsBool() }

func isCompare(op string) bool {
	switch op {
	case "<", "<=", ">", ">=", "==", "!=":
		return true
	}
	return false
}

// BinaryDim is the dimension of x op y (the checker has already accepted
// the operands). For ^ the exponent must be a constant when x has units.
func BinaryDim(op string, x, y Expr) units.Dim {
	switch op {
	case "*":
		return x.Dim().Mul(y.Dim())
	case "/":
		return x.Dim().Div(y.Dim())
	case "^":
		if c, ok := y.(*Const); ok && !x.Dim().IsDimensionless() {
			return x.Dim().Pow(int(c.V))
		}
		return units.Dimensionless
	case "+", "-", "%":
		return x.Dim()
	}
	return units.Dimensionless // comparisons and logic
}

// NewBinary builds x op y with its dimension.
func NewBinary(op string, x, y Expr) *Binary {
	return &Binary{Op: op, X: x, Y: y, D: BinaryDim(op, x, y)}
}

// CallDim is the dimension of a built-in call.
func CallDim(fn string, args []Expr) units.Dim {
	switch fn {
	case "exp", "log", "sin", "cos", "tanh", "sigmoid", "rand":
		return units.Dimensionless
	case "sqrt":
		d, _ := args[0].Dim().Root(2)
		return d
	case "pow":
		return BinaryDim("^", args[0], args[1])
	}
	return args[0].Dim() // abs floor ceil round min max clip uniform normal
}

// NewCall builds a built-in call with its dimension.
func NewCall(fn string, args ...Expr) *Call {
	return &Call{Fn: fn, Args: args, D: CallDim(fn, args)}
}

// IsRandom reports whether a built-in draws random numbers.
func IsRandom(fn string) bool { return fn == "uniform" || fn == "normal" || fn == "rand" }

// Func1 is the built-in fn of one argument (nil if fn takes another
// number), for executors that resolve a call once: Eval1's definition.
func Func1(fn string) func(float64) float64 { return rt.Builtin1(fn) }

// Func2 is fn applied to two arguments (pow, and min and max of two), as
// Eval1 computes it; nil for any other fn.
func Func2(fn string) func(x, y float64) float64 {
	switch fn {
	case "pow":
		return math.Pow
	case "min":
		return math.Min
	case "max":
		return math.Max
	}
	return nil
}

// Eval1 applies a deterministic built-in to constant arguments; used by
// constant folding. ok is false for random draws.
func Eval1(fn string, a []float64) (float64, bool) {
	return rt.Builtin(fn, a)
}

// Walk calls f for e and every sub-expression, parents first; f returning
// false skips the children.
func Walk(e Expr, f func(Expr) bool) {
	if e == nil || !f(e) {
		return
	}
	switch e := e.(type) {
	case *Unary:
		Walk(e.X, f)
	case *Binary:
		Walk(e.X, f)
		Walk(e.Y, f)
	case *Call:
		for _, a := range e.Args {
			Walk(a, f)
		}
	case *Cond:
		Walk(e.C, f)
		Walk(e.A, f)
		Walk(e.B, f)
	}
}

// Rewrite rebuilds e bottom-up, replacing each node by f(node) after its
// children were rewritten. Dimensions are recomputed.
func Rewrite(e Expr, f func(Expr) Expr) Expr {
	if e == nil {
		return nil
	}
	switch x := e.(type) {
	case *Unary:
		e = &Unary{Op: x.Op, X: Rewrite(x.X, f)}
	case *Binary:
		e = NewBinary(x.Op, Rewrite(x.X, f), Rewrite(x.Y, f))
	case *Call:
		args := make([]Expr, len(x.Args))
		for i, a := range x.Args {
			args[i] = Rewrite(a, f)
		}
		e = &Call{Fn: x.Fn, Args: args, D: x.D}
	case *Cond:
		e = &Cond{C: Rewrite(x.C, f), A: Rewrite(x.A, f), B: Rewrite(x.B, f)}
	}
	return f(e)
}

// WalkStmts calls f for every statement, recursively into if branches.
func WalkStmts(ss []Stmt, f func(Stmt)) {
	for _, s := range ss {
		f(s)
		if i, ok := s.(*If); ok {
			WalkStmts(i.Then, f)
			WalkStmts(i.Else, f)
		}
	}
}

// StmtExprs calls f for every expression a statement list reads.
func StmtExprs(ss []Stmt, f func(Expr)) {
	WalkStmts(ss, func(s Stmt) {
		switch s := s.(type) {
		case *Assign:
			f(s.Value)
		case *Refractory:
			f(s.Duration)
		case *Deliver:
			f(s.Value)
		case *If:
			f(s.Cond)
		}
	})
}

// NeuronRead is the first neuron variable (pre.x, post.x, directly or
// through a named expression) a synaptic equation reads, or nil. Such an
// equation couples the synapse to the neuron every step (Clopath's low-pass
// filters of post.v): it is integrated per step, by Euler unless asked
// otherwise, with the neuron's value held over the step (as Brian2 does).
func NeuronRead(o *ODE) *Ref {
	var bad *Ref
	seen := map[*Var]bool{}
	var visit func(e Expr)
	visit = func(e Expr) {
		Walk(e, func(x Expr) bool {
			if r, ok := x.(*Ref); ok && bad == nil {
				switch {
				case r.Side != Own:
					bad = r
				case r.Var.Kind == Alias && !seen[r.Var]:
					seen[r.Var] = true
					visit(r.Var.Value)
				}
			}
			return bad == nil
		})
	}
	visit(o.Rhs)
	return bad
}
