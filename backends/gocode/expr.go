package gocode

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/plan"
)

// Expressions become Go expressions that compute, operation by operation,
// what the interpreter's closures compute:
//
//   - every constant sub-expression is folded here with float64 arithmetic
//     (the interpreter computes it at run time with the same operations) and
//     written as a literal that round-trips exactly; Go's own constant
//     arithmetic (exact, then rounded once) is never used;
//   - a product that is an operand of + or - is wrapped in float64(...),
//     which forbids the Go compiler to fuse it into a multiply-add (the
//     interpreter's closures round every operation);
//   - operands are evaluated left to right, as the closures do, which
//     matters only for random draws.

// Go operator precedence, with 6 for operands (names, calls, literals).
const (
	precOr   = 1
	precAnd  = 2
	precCmp  = 3
	precAdd  = 4
	precMul  = 5
	precAtom = 6
)

// code is a Go expression.
type code struct {
	s    string
	prec int
	mul  bool // a product (may be fused with an enclosing + or -)
}

func atom(s string) code { return code{s: s, prec: precAtom} }

// val returns a constant Go expression as a func for env.time.
func val(s string) func() string { return func() string { return s } }

// lazy returns a func for env.time or env.rng that declares local name in f
// on first use.
func lazy(f *fnb, name, init string) func() string {
	return func() string { return f.local(name, init) }
}

// env says how an expression reads its values at one place of the
// generated program. Errors are those of the interpreter's compilers.
type env struct {
	g      *gen
	ref    func(r *ir.Ref) (string, error)
	time   func() string // Go expression of t (declaring what it needs)
	weight string        // Go expression of the weight
	rng    func() string // Go expression of the *rt.Stream; nil where there is none
	// where names the place for the error on a random draw without stream.
	where string
	// index is the Go expression of `i`, the neuron's index in its
	// population (initial values only)
	index string
}

func (en *env) num(e ir.Expr) (code, error) {
	if v, ok := constValue(false, e); ok {
		return en.g.lit(v), nil
	}
	switch x := e.(type) {
	case *ir.Ref:
		if x.Var.Kind == ir.Param {
			// fold switched off: a parameter is still a constant of its model
			return en.num(x.Var.Value)
		}
		s, err := en.ref(x)
		return atom(s), err
	case *ir.Time:
		return atom(en.time()), nil
	case *ir.Index:
		if en.index == "" {
			return code{}, fmt.Errorf("the neuron index i is only defined in initial values")
		}
		return atom(en.index), nil
	case *ir.WeightRef:
		return atom(en.weight), nil
	case *ir.Unary:
		if x.Op == "not" {
			c, err := en.cond(e)
			return atom("b2f(" + c.s + ")"), err
		}
		a, err := en.num(x.X)
		if err != nil {
			return code{}, err
		}
		return code{s: "-" + operand(a, precAtom, true), prec: precMul}, nil
	case *ir.Binary:
		switch x.Op {
		case "+", "-", "*", "/":
		case "%", "^":
			a, err := en.num(x.X)
			if err != nil {
				return code{}, err
			}
			b, err := en.num(x.Y)
			if err != nil {
				return code{}, err
			}
			fn := "math.Mod"
			if x.Op == "^" {
				fn = "math.Pow"
			}
			return atom(fn + "(" + a.s + ", " + b.s + ")"), nil
		default:
			if !isLogic(x.Op) {
				return code{}, fmt.Errorf("unknown operator %s", x.Op)
			}
			c, err := en.cond(e)
			return atom("b2f(" + c.s + ")"), err
		}
		a, err := en.num(x.X)
		if err != nil {
			return code{}, err
		}
		b, err := en.num(x.Y)
		if err != nil {
			return code{}, err
		}
		p := precMul
		if x.Op == "+" || x.Op == "-" {
			p = precAdd
		}
		add := p == precAdd
		return code{s: operand(a, p, add) + " " + x.Op + " " + rightOperand(b, p, add), prec: p, mul: x.Op == "*"}, nil
	case *ir.Cond:
		c, err := en.cond(x.C)
		if err != nil {
			return code{}, err
		}
		a, err := en.num(x.A)
		if err != nil {
			return code{}, err
		}
		b, err := en.num(x.B)
		if err != nil {
			return code{}, err
		}
		if hasRandom(x.A) || hasRandom(x.B) {
			// only the branch taken may draw
			return atom("func() float64 {\nif " + c.s + " {\nreturn " + a.s + "\n}\nreturn " + b.s + "\n}()"), nil
		}
		return atom("sel(" + c.s + ", " + a.s + ", " + b.s + ")"), nil
	case *ir.Call:
		return en.call(x)
	}
	return code{}, fmt.Errorf("cannot compile %T", e)
}

// operand parenthesises a as an operand of an operator of precedence p;
// under + and - (add) a product is rounded explicitly.
func operand(a code, p int, add bool) string {
	if add && a.mul {
		return "float64(" + a.s + ")"
	}
	if a.prec < p {
		return "(" + a.s + ")"
	}
	return a.s
}

// rightOperand is operand for the right side of a left-associative operator.
func rightOperand(b code, p int, add bool) string {
	if add && b.mul {
		return "float64(" + b.s + ")"
	}
	if b.prec <= p {
		return "(" + b.s + ")"
	}
	return b.s
}

func isLogic(op string) bool {
	switch op {
	case "<", "<=", ">", ">=", "==", "!=", "and", "or":
		return true
	}
	return false
}

// cond is e as a Go boolean: the interpreter tests `value != 0`.
func (en *env) cond(e ir.Expr) (code, error) {
	if v, ok := constValue(false, e); ok {
		return atom(strconv.FormatBool(v != 0)), nil
	}
	switch x := e.(type) {
	case *ir.Unary:
		if x.Op == "not" {
			c, err := en.cond(x.X)
			if err != nil {
				return code{}, err
			}
			return code{s: "!" + operand(c, precAtom, false), prec: precAtom}, nil
		}
	case *ir.Binary:
		switch x.Op {
		case "and", "or":
			a, err := en.cond(x.X)
			if err != nil {
				return code{}, err
			}
			b, err := en.cond(x.Y)
			if err != nil {
				return code{}, err
			}
			p, op := precAnd, "&&"
			if x.Op == "or" {
				p, op = precOr, "||"
			}
			return code{s: operand(a, p, false) + " " + op + " " + rightOperand(b, p, false), prec: p}, nil
		case "<", "<=", ">", ">=", "==", "!=":
			a, err := en.num(x.X)
			if err != nil {
				return code{}, err
			}
			b, err := en.num(x.Y)
			if err != nil {
				return code{}, err
			}
			return code{s: operand(a, precAdd, false) + " " + x.Op + " " + operand(b, precAdd, false), prec: precCmp}, nil
		}
	}
	a, err := en.num(e)
	if err != nil {
		return code{}, err
	}
	return code{s: operand(a, precAdd, false) + " != 0", prec: precCmp}, nil
}

func (en *env) call(x *ir.Call) (code, error) {
	args := make([]string, len(x.Args))
	for i, a := range x.Args {
		c, err := en.num(a)
		if err != nil {
			return code{}, err
		}
		args[i] = c.s
	}
	if ir.IsRandom(x.Fn) {
		if en.rng == nil {
			return code{}, fmt.Errorf("random draw %s() %s is not supported: the interpreter has no random stream there", x.Fn, en.where)
		}
		rng := en.rng()
		switch x.Fn {
		case "rand":
			return atom(rng + ".Float64()"), nil
		case "uniform":
			return atom("uniform(" + args[0] + ", " + args[1] + ", " + rng + ")"), nil
		default:
			return atom("normal(" + args[0] + ", " + args[1] + ", " + rng + ")"), nil
		}
	}
	if c, ok := goCall(x.Fn, args); ok {
		return atom(c), nil
	}
	return code{}, fmt.Errorf("unknown function %s", x.Fn)
}

func hasRandom(e ir.Expr) bool {
	found := false
	ir.Walk(e, func(x ir.Expr) bool {
		if c, ok := x.(*ir.Call); ok && ir.IsRandom(c.Fn) {
			found = true
		}
		return !found
	})
	return found
}

// constValue computes a constant expression with the interpreter's float64
// operations (ok false when it reads anything or draws).
func constValue(vector bool, e ir.Expr) (float64, bool) {
	switch x := e.(type) {
	case *ir.Const:
		return x.V, true
	case *ir.Ref:
		if x.Var.Kind == ir.Param && x.Var.Value != nil {
			return constValue(vector, x.Var.Value)
		}
		return 0, false
	case *ir.BoolConst:
		if x.V {
			return 1, true
		}
		return 0, true
	case *ir.Unary:
		v, ok := constValue(vector, x.X)
		if !ok {
			return 0, false
		}
		return plan.Unary(x.Op, v), true
	case *ir.Binary:
		a, ok := constValue(vector, x.X)
		if !ok {
			return 0, false
		}
		b, ok := constValue(vector, x.Y)
		if !ok {
			return 0, false
		}
		return plan.Binary(x.Op, a, b)
	case *ir.Cond:
		c, ok1 := constValue(vector, x.C)
		a, ok2 := constValue(vector, x.A)
		b, ok3 := constValue(vector, x.B)
		if !ok1 || !ok2 || !ok3 {
			return 0, false
		}
		if c != 0 {
			return a, true
		}
		return b, true
	case *ir.Call:
		if ir.IsRandom(x.Fn) {
			return 0, false
		}
		args := make([]float64, len(x.Args))
		for i, a := range x.Args {
			v, ok := constValue(vector, a)
			if !ok {
				return 0, false
			}
			args[i] = v
		}
		if len(args) == 0 {
			return 0, false
		}
		return ir.Eval1(x.Fn, args)
	}
	return 0, false
}

// lit writes a float64 so that Go reads back exactly the same value.
func (g *gen) lit(v float64) code {
	switch {
	case math.IsNaN(v):
		return atom("math.NaN()")
	case math.IsInf(v, 1):
		return atom("math.Inf(1)")
	case math.IsInf(v, -1):
		return atom("math.Inf(-1)")
	case v == 0 && math.Signbit(v):
		g.negZero = true
		return atom("negZero") // Go constants have no -0
	}
	s := strconv.FormatFloat(v, 'g', -1, 64)
	if !strings.ContainsAny(s, ".e") {
		s += ".0"
	}
	if v < 0 {
		return code{s: s, prec: precMul}
	}
	return atom(s)
}

// litStr is lit as a plain string (for coefficients in generated loops).
func (g *gen) litStr(v float64) string { return g.lit(v).s }
