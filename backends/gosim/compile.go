package gosim

import (
	"fmt"
	"math"

	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/runtime"
)

// Expressions the plan does not cover yet (initial values, random weights
// and per-synapse delays, drawn from sequential streams) are compiled once
// into closures over a context. Everything else runs the plan's loops.

// ctx is what a scalar closure reads: the indices of the neuron or synapse
// being processed and the event's values.
type ctx struct {
	i      int // own neuron (neuron kernels) or synapse index (synapse kernels)
	pre    int
	post   int
	weight float64
	t      float64
	n      int // the step (event kernels' draws)
	rng    *runtime.Stream
	index  int // the neuron's index in its population (`i` in initial values)
}

type sfn func(c *ctx) float64

// slotOf tells the compiler where a variable's values live and how to index
// them in a given context.
type slotOf func(r *ir.Ref) (vals []float64, index func(c *ctx) int, err error)

type compiler struct {
	slot slotOf
}

func (cp *compiler) expr(e ir.Expr) (sfn, error) {
	switch x := e.(type) {
	case *ir.Const:
		v := x.V
		return func(*ctx) float64 { return v }, nil
	case *ir.BoolConst:
		v := b2f(x.V)
		return func(*ctx) float64 { return v }, nil
	case *ir.Time:
		return func(c *ctx) float64 { return c.t }, nil
	case *ir.WeightRef:
		return func(c *ctx) float64 { return c.weight }, nil
	case *ir.Index:
		return func(c *ctx) float64 { return float64(c.index) }, nil
	case *ir.Ref:
		if x.Var.Kind == ir.Param {
			// fold switched off: a parameter is still a constant of its model
			return cp.expr(x.Var.Value)
		}
		vals, index, err := cp.slot(x)
		if err != nil {
			return nil, err
		}
		if index == nil {
			return func(c *ctx) float64 { return vals[c.i] }, nil
		}
		return func(c *ctx) float64 { return vals[index(c)] }, nil
	case *ir.Unary:
		f, err := cp.expr(x.X)
		if err != nil {
			return nil, err
		}
		if x.Op == "not" {
			return func(c *ctx) float64 { return b2f(f(c) == 0) }, nil
		}
		return func(c *ctx) float64 { return -f(c) }, nil
	case *ir.Binary:
		a, err := cp.expr(x.X)
		if err != nil {
			return nil, err
		}
		b, err := cp.expr(x.Y)
		if err != nil {
			return nil, err
		}
		return binary(x.Op, a, b)
	case *ir.Cond:
		cnd, err := cp.expr(x.C)
		if err != nil {
			return nil, err
		}
		a, err := cp.expr(x.A)
		if err != nil {
			return nil, err
		}
		b, err := cp.expr(x.B)
		if err != nil {
			return nil, err
		}
		return func(c *ctx) float64 {
			if cnd(c) != 0 {
				return a(c)
			}
			return b(c)
		}, nil
	case *ir.Call:
		args := make([]sfn, len(x.Args))
		for i, a := range x.Args {
			f, err := cp.expr(a)
			if err != nil {
				return nil, err
			}
			args[i] = f
		}
		return call(x.Fn, args)
	}
	return nil, fmt.Errorf("cannot compile %T", e)
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func binary(op string, a, b sfn) (sfn, error) {
	switch op {
	case "+":
		return func(c *ctx) float64 { return a(c) + b(c) }, nil
	case "-":
		return func(c *ctx) float64 { return a(c) - b(c) }, nil
	case "*":
		return func(c *ctx) float64 { return a(c) * b(c) }, nil
	case "/":
		return func(c *ctx) float64 { return a(c) / b(c) }, nil
	case "%":
		return func(c *ctx) float64 { return math.Mod(a(c), b(c)) }, nil
	case "^":
		return func(c *ctx) float64 { return math.Pow(a(c), b(c)) }, nil
	case "<":
		return func(c *ctx) float64 { return b2f(a(c) < b(c)) }, nil
	case "<=":
		return func(c *ctx) float64 { return b2f(a(c) <= b(c)) }, nil
	case ">":
		return func(c *ctx) float64 { return b2f(a(c) > b(c)) }, nil
	case ">=":
		return func(c *ctx) float64 { return b2f(a(c) >= b(c)) }, nil
	case "==":
		return func(c *ctx) float64 { return b2f(a(c) == b(c)) }, nil
	case "!=":
		return func(c *ctx) float64 { return b2f(a(c) != b(c)) }, nil
	case "and":
		return func(c *ctx) float64 { return b2f(a(c) != 0 && b(c) != 0) }, nil
	case "or":
		return func(c *ctx) float64 { return b2f(a(c) != 0 || b(c) != 0) }, nil
	}
	return nil, fmt.Errorf("unknown operator %s", op)
}

func call(fn string, args []sfn) (sfn, error) {
	switch fn {
	case "rand":
		return func(c *ctx) float64 { return c.rng.Float64() }, nil
	case "uniform":
		lo, hi := args[0], args[1]
		return func(c *ctx) float64 { a := lo(c); return a + (hi(c)-a)*c.rng.Float64() }, nil
	case "normal":
		mu, sd := args[0], args[1]
		return func(c *ctx) float64 { m := mu(c); return m + sd(c)*c.rng.Normal() }, nil
	}
	if len(args) == 1 {
		a := args[0]
		var f func(float64) float64
		switch fn {
		case "exp":
			f = math.Exp
		case "log":
			f = math.Log
		case "sqrt":
			f = math.Sqrt
		case "abs":
			f = math.Abs
		case "sin":
			f = math.Sin
		case "cos":
			f = math.Cos
		case "tanh":
			f = math.Tanh
		case "floor":
			f = math.Floor
		case "ceil":
			f = math.Ceil
		case "round":
			f = math.Round
		case "sigmoid":
			f = func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }
		}
		if f != nil {
			return func(c *ctx) float64 { return f(a(c)) }, nil
		}
	}
	switch fn {
	case "pow":
		a, b := args[0], args[1]
		return func(c *ctx) float64 { return math.Pow(a(c), b(c)) }, nil
	case "clip":
		x, lo, hi := args[0], args[1], args[2]
		return func(c *ctx) float64 { return math.Min(math.Max(x(c), lo(c)), hi(c)) }, nil
	case "min", "max":
		pick := math.Min
		if fn == "max" {
			pick = math.Max
		}
		return func(c *ctx) float64 {
			m := args[0](c)
			for _, a := range args[1:] {
				m = pick(m, a(c))
			}
			return m
		}, nil
	}
	return nil, fmt.Errorf("unknown function %s", fn)
}

// ---- statements ----

// kernel runs a compiled statement list in a context.
type kernel func(c *ctx)
