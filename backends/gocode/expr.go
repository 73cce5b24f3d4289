package gocode

import (
	"math"
	"strconv"
	"strings"

	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/plan"
)

// The few Go expressions the generator writes outside the plan's loops
// (ops.go prints those): literals that round-trip exactly, and operands
// under + and - written float64(...), which forbids the Go compiler to
// fuse a product into a multiply-add.

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
