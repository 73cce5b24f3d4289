package fixed

import (
	"fmt"
	"math"

	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/runtime"
)

// feval evaluates the float expressions of initial values and random
// weights exactly as the float interpreter does (same operations, same
// order of random draws), so both backends start from the same numbers and
// the same network.
type fctx struct {
	i     int
	rng   *rt.Stream
	state map[*ir.Var][]float64
}

func feval(e ir.Expr, c *fctx) (float64, error) {
	switch x := e.(type) {
	case *ir.Const:
		return x.V, nil
	case *ir.BoolConst:
		return b2f(x.V), nil
	case *ir.Ref:
		switch x.Var.Kind {
		case ir.Param, ir.Alias:
			return feval(x.Var.Value, c)
		}
		if vals, ok := c.state[x.Var]; ok && x.Side == ir.Own {
			return vals[c.i], nil
		}
		return 0, fmt.Errorf("an initial value or weight cannot read %s", x.Var.Name)
	case *ir.Unary:
		a, err := feval(x.X, c)
		if err != nil {
			return 0, err
		}
		if x.Op == "not" {
			return b2f(a == 0), nil
		}
		return -a, nil
	case *ir.Binary:
		a, err := feval(x.X, c)
		if err != nil {
			return 0, err
		}
		b, err := feval(x.Y, c)
		if err != nil {
			return 0, err
		}
		switch x.Op {
		case "+":
			return a + b, nil
		case "-":
			return a - b, nil
		case "*":
			return a * b, nil
		case "/":
			return a / b, nil
		case "%":
			return math.Mod(a, b), nil
		case "^":
			return math.Pow(a, b), nil
		case "<":
			return b2f(a < b), nil
		case "<=":
			return b2f(a <= b), nil
		case ">":
			return b2f(a > b), nil
		case ">=":
			return b2f(a >= b), nil
		case "==":
			return b2f(a == b), nil
		case "!=":
			return b2f(a != b), nil
		case "and":
			return b2f(a != 0 && b != 0), nil
		case "or":
			return b2f(a != 0 || b != 0), nil
		}
	case *ir.Cond:
		cnd, err := feval(x.C, c)
		if err != nil {
			return 0, err
		}
		if cnd != 0 {
			return feval(x.A, c)
		}
		return feval(x.B, c)
	case *ir.Call:
		switch x.Fn {
		case "rand":
			return c.rng.Float64(), nil
		case "uniform":
			lo, err := feval(x.Args[0], c)
			if err != nil {
				return 0, err
			}
			hi, err := feval(x.Args[1], c)
			if err != nil {
				return 0, err
			}
			return lo + (hi-lo)*c.rng.Float64(), nil
		case "normal":
			mu, err := feval(x.Args[0], c)
			if err != nil {
				return 0, err
			}
			sd, err := feval(x.Args[1], c)
			if err != nil {
				return 0, err
			}
			return mu + sd*c.rng.Normal(), nil
		}
		args := make([]float64, len(x.Args))
		for i, a := range x.Args {
			v, err := feval(a, c)
			if err != nil {
				return 0, err
			}
			args[i] = v
		}
		if x.Fn == "sigmoid" {
			return 1 / (1 + math.Exp(-args[0])), nil
		}
		if v, ok := ir.Eval1(x.Fn, args); ok {
			return v, nil
		}
	}
	return 0, fmt.Errorf("cannot evaluate %s", ir.ExprString(e))
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
