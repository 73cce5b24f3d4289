package ir

import (
	"math"
	"sort"
)

// ConstValue evaluates an expression with no variables (only *Const,
// *BoolConst, arithmetic, comparisons and logic, deterministic built-ins,
// Cond with a constant condition) to its SI value; booleans are 1 and 0.
// ok is false for anything that reads a variable, t or a random draw, and
// for results that are not finite (division by zero, overflow): such a
// value is no usable coefficient.
func ConstValue(e Expr) (float64, bool) {
	var v float64
	switch e := e.(type) {
	case *Const:
		v = e.V
	case *BoolConst:
		v = b2f(e.V)
	case *Unary:
		x, ok := ConstValue(e.X)
		if !ok {
			return 0, false
		}
		v = applyUnary(e.Op, x)
	case *Binary:
		x, ok := ConstValue(e.X)
		if !ok {
			return 0, false
		}
		y, ok := ConstValue(e.Y)
		if !ok {
			return 0, false
		}
		if v, ok = applyBinary(e.Op, x, y); !ok {
			return 0, false
		}
	case *Call:
		args := make([]float64, len(e.Args))
		for i, a := range e.Args {
			var ok bool
			if args[i], ok = ConstValue(a); !ok {
				return 0, false
			}
		}
		var ok bool
		if v, ok = Eval1(e.Fn, args); !ok {
			return 0, false
		}
	case *Cond:
		c, ok := ConstValue(e.C)
		if !ok {
			return 0, false
		}
		if c != 0 {
			return ConstValue(e.A)
		}
		return ConstValue(e.B)
	default: // Ref, Time, WeightRef, InputRef
		return 0, false
	}
	return v, !math.IsInf(v, 0) && !math.IsNaN(v)
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func applyUnary(op string, x float64) float64 {
	if op == "not" {
		return b2f(x == 0)
	}
	return -x
}

// applyBinary is the semantics of every binary operator on numbers, shared
// by ConstValue and Linearize so the two cannot disagree.
func applyBinary(op string, x, y float64) (float64, bool) {
	switch op {
	case "+":
		return x + y, true
	case "-":
		return x - y, true
	case "*":
		return x * y, true
	case "/":
		return x / y, true
	case "%":
		return math.Mod(x, y), true
	case "^":
		return math.Pow(x, y), true
	case "<":
		return b2f(x < y), true
	case "<=":
		return b2f(x <= y), true
	case ">":
		return b2f(x > y), true
	case ">=":
		return b2f(x >= y), true
	case "==":
		return b2f(x == y), true
	case "!=":
		return b2f(x != y), true
	case "and":
		return b2f(x != 0 && y != 0), true
	case "or":
		return b2f(x != 0 || y != 0), true
	}
	return 0, false
}

// Linear is a system dx/dt = A·x + B·u + c with constant coefficients, x
// the ODE variables, u the step-constant inputs (variables without an ODE
// of their own that the right sides read: state changed only by events,
// continuous ports, dendrite outputs, parameters that are not constants,
// and variables of the pre- or postsynaptic neuron).
type Linear struct {
	Xs     []*Var
	Inputs []*Var      // in first-use order, deterministic
	Sides  []Side      // Sides[k] is whose Inputs[k] is read: a synapse may read v of pre and post
	A      [][]float64 // n×n, SI units (1/s)
	B      [][]float64 // n×len(Inputs)
	C      []float64   // n
}

// Linearize decides whether rhs[i] (the right side of xs[i]') is affine in
// xs and the inputs with constant coefficients, walking the expressions
// symbolically: sums and differences, products with at most one
// non-constant factor, division by a constant, unary minus; constant
// sub-expressions are evaluated (applyBinary, Eval1). Aliases are expanded
// (an alias such as I_syn = g·(E - v) must not hide a product), parameters
// with a constant value count as constants. Anything else makes the system
// nonlinear and is returned as the offending sub-expression: a product of
// two variables (an input times a state variable too), a built-in of a
// variable, a Cond on a variable, t, a random draw, division by a variable,
// a non-finite constant (1/0 is no coefficient).
func Linearize(xs []*Var, rhs []Expr) (*Linear, Expr, bool) {
	lz := newLinearizer(xs)
	rows := make([]*affine, len(rhs))
	for i, e := range rhs {
		a, bad := lz.walk(e, Own)
		if bad != nil {
			return nil, bad, false
		}
		rows[i] = a
	}
	m := len(lz.inputs)
	l := &Linear{Xs: xs, A: make([][]float64, len(xs)), B: make([][]float64, len(xs)), C: make([]float64, len(xs))}
	for _, in := range lz.inputs {
		l.Inputs = append(l.Inputs, in.v)
		l.Sides = append(l.Sides, in.side)
	}
	for i, a := range rows {
		l.A[i] = a.x
		l.B[i] = make([]float64, m)
		copy(l.B[i], a.u)
		l.C[i] = a.c
	}
	return l, nil, true
}

// Couplings returns, for each i, the indices j (ascending) with rhs[i]
// reading xs[j], directly or through an alias, linear or not; the ode pass
// uses it to split a model's ODEs into independent systems.
func Couplings(xs []*Var, rhs []Expr) [][]int {
	lz := newLinearizer(xs)
	out := make([][]int, len(rhs))
	for i, e := range rhs {
		seen := map[int]bool{}
		lz.refs(e, Own, func(j int) { seen[j] = true })
		for j := range seen {
			out[i] = append(out[i], j)
		}
		sort.Ints(out[i])
	}
	return out
}

// affine is c + Σ x[j]·xs[j] + Σ u[k]·input k. u may be shorter than the
// number of inputs seen so far: missing coefficients are zero.
type affine struct {
	x []float64
	u []float64
	c float64
}

func (a *affine) isConst() bool {
	for _, v := range a.x {
		if v != 0 {
			return false
		}
	}
	for _, v := range a.u {
		if v != 0 {
			return false
		}
	}
	return true
}

func (a *affine) scale(k float64) *affine {
	for j := range a.x {
		a.x[j] *= k
	}
	for j := range a.u {
		a.u[j] *= k
	}
	a.c *= k
	return a
}

// addScaled sets a += k·b.
func (a *affine) addScaled(b *affine, k float64) *affine {
	for j := range a.x {
		a.x[j] += k * b.x[j]
	}
	for len(a.u) < len(b.u) {
		a.u = append(a.u, 0)
	}
	for j, v := range b.u {
		a.u[j] += k * v
	}
	a.c += k * b.c
	return a
}

type inputKey struct {
	v    *Var
	side Side
}

type linearizer struct {
	xs        []*Var
	index     map[*Var]int
	inputs    []inputKey
	slot      map[inputKey]int
	expanding map[*Var]bool // aliases being expanded: guards against a cycle
}

func newLinearizer(xs []*Var) *linearizer {
	lz := &linearizer{xs: xs, index: map[*Var]int{}, slot: map[inputKey]int{}, expanding: map[*Var]bool{}}
	for i, v := range xs {
		lz.index[v] = i
	}
	return lz
}

func (lz *linearizer) konst(c float64) *affine {
	return &affine{x: make([]float64, len(lz.xs)), c: c}
}

// walk turns e into an affine form, or returns the offending
// sub-expression. side is whose variables e reads when it says Own (it is
// Pre or Post inside an alias of the pre- or postsynaptic neuron).
func (lz *linearizer) walk(e Expr, side Side) (*affine, Expr) {
	switch e := e.(type) {
	case *Const:
		return lz.finite(e.V, e)
	case *BoolConst:
		return lz.konst(b2f(e.V)), nil
	case *Ref:
		return lz.ref(e, side)
	case *Unary:
		a, bad := lz.walk(e.X, side)
		if bad != nil {
			return nil, bad
		}
		if e.Op == "-" {
			return a.scale(-1), nil
		}
		if !a.isConst() { // `not` of a variable: only inside a condition
			return nil, e
		}
		return lz.konst(applyUnary(e.Op, a.c)), nil
	case *Binary:
		x, bad := lz.walk(e.X, side)
		if bad != nil {
			return nil, bad
		}
		y, bad := lz.walk(e.Y, side)
		if bad != nil {
			return nil, bad
		}
		switch {
		case e.Op == "+":
			return x.addScaled(y, 1), nil
		case e.Op == "-":
			return x.addScaled(y, -1), nil
		case x.isConst() && y.isConst():
			v, _ := applyBinary(e.Op, x.c, y.c)
			return lz.finite(v, e)
		case e.Op == "*" && x.isConst():
			return y.scale(x.c), nil
		case e.Op == "*" && y.isConst():
			return x.scale(y.c), nil
		case e.Op == "/" && y.isConst() && y.c != 0:
			return x.scale(1 / y.c), nil
		}
		return nil, e // x·y, x/y, x^2, x%c, x < c, ...
	case *Call:
		args := make([]float64, len(e.Args))
		for i, arg := range e.Args {
			a, bad := lz.walk(arg, side)
			if bad != nil {
				return nil, bad
			}
			if !a.isConst() {
				return nil, e
			}
			args[i] = a.c
		}
		v, ok := Eval1(e.Fn, args)
		if !ok { // a random draw: a new value every step
			return nil, e
		}
		return lz.finite(v, e)
	case *Cond:
		c, bad := lz.walk(e.C, side)
		if bad != nil || !c.isConst() {
			return nil, e // switching on a variable is piecewise, not linear
		}
		if c.c != 0 {
			return lz.walk(e.A, side)
		}
		return lz.walk(e.B, side)
	}
	return nil, e // t, weight, input: time-dependent or not a variable of ours
}

func (lz *linearizer) finite(v float64, e Expr) (*affine, Expr) {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return nil, e
	}
	return lz.konst(v), nil
}

func (lz *linearizer) ref(r *Ref, side Side) (*affine, Expr) {
	s := r.Side
	if s == Own {
		s = side
	}
	v := r.Var
	if j, ok := lz.index[v]; ok && s == Own {
		a := lz.konst(0)
		a.x[j] = 1
		return a, nil
	}
	switch v.Kind {
	case Param:
		if c, ok := ConstValue(v.Value); ok {
			return lz.konst(c), nil
		}
	case Alias:
		if v.Value == nil || lz.expanding[v] {
			return nil, r
		}
		lz.expanding[v] = true
		defer delete(lz.expanding, v)
		return lz.walk(v.Value, s)
	}
	if v.Bool {
		return nil, r
	}
	k := inputKey{v, s}
	slot, ok := lz.slot[k]
	if !ok {
		slot = len(lz.inputs)
		lz.slot[k] = slot
		lz.inputs = append(lz.inputs, k)
	}
	a := lz.konst(0)
	a.u = make([]float64, slot+1)
	a.u[slot] = 1
	return a, nil
}

// refs calls f with the index of every x that e reads, through aliases.
func (lz *linearizer) refs(e Expr, side Side, f func(int)) {
	Walk(e, func(e Expr) bool {
		r, ok := e.(*Ref)
		if !ok {
			return true
		}
		s := r.Side
		if s == Own {
			s = side
		}
		if j, ok := lz.index[r.Var]; ok && s == Own {
			f(j)
		} else if r.Var.Kind == Alias && !lz.expanding[r.Var] {
			lz.expanding[r.Var] = true
			lz.refs(r.Var.Value, s, f)
			delete(lz.expanding, r.Var)
		}
		return true
	})
}
