package ir

import (
	"math"
	"slices"
)

// Monomial is Coef·Π xs[k] for k in Vars (ascending, repeated for powers).
type Monomial struct {
	Coef float64
	Vars []int
}

// maxMonomials bounds the expansion of a product of sums.
const maxMonomials = 16

// Polynomial writes e as a polynomial in xs with constant coefficients
// (sums, products, division by a constant, unary minus; constant
// sub-expressions evaluated as Linearize evaluates them, aliases expanded),
// equal monomials merged, in first-appearance order. Anything else — a
// variable not in xs, t, a draw, a built-in of a variable, more than
// maxMonomials terms — is returned as the offending sub-expression.
func Polynomial(xs []*Var, e Expr) ([]Monomial, Expr, bool) {
	lz := newLinearizer(xs)
	p, bad := lz.poly(e)
	if bad != nil {
		return nil, bad, false
	}
	return p, nil, true
}

func (lz *linearizer) poly(e Expr) ([]Monomial, Expr) {
	konst := func(v float64) ([]Monomial, Expr) {
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return nil, e
		}
		return []Monomial{{Coef: v}}, nil
	}
	switch e := e.(type) {
	case *Const:
		return konst(e.V)
	case *Ref:
		if j, ok := lz.index[e.Var]; ok && e.Side == Own {
			return []Monomial{{Coef: 1, Vars: []int{j}}}, nil
		}
		if e.Side != Own {
			return nil, e
		}
		switch e.Var.Kind {
		case Param:
			if c, ok := ConstValue(e.Var.Value); ok {
				return konst(c)
			}
		case Alias:
			if e.Var.Value == nil || lz.expanding[e.Var] {
				return nil, e
			}
			lz.expanding[e.Var] = true
			defer delete(lz.expanding, e.Var)
			return lz.poly(e.Var.Value)
		}
		return nil, e
	case *Unary:
		if e.Op != "-" {
			return nil, e
		}
		x, bad := lz.poly(e.X)
		return scaled(x, -1), bad
	case *Binary:
		x, bad := lz.poly(e.X)
		if bad != nil {
			return nil, bad
		}
		y, bad := lz.poly(e.Y)
		if bad != nil {
			return nil, bad
		}
		var out []Monomial
		switch e.Op {
		case "+":
			out = merged(append(x, y...))
		case "-":
			out = merged(append(x, scaled(y, -1)...))
		case "*":
			for _, a := range x {
				for _, b := range y {
					var vs []int // nil for a constant, as konst's
					vs = append(append(vs, a.Vars...), b.Vars...)
					slices.Sort(vs)
					out = append(out, Monomial{Coef: a.Coef * b.Coef, Vars: vs})
				}
			}
			out = merged(out)
		case "/":
			if c, ok := constPoly(y); ok && c != 0 {
				out = scaled(x, 1/c)
				break
			}
			return nil, e
		default:
			a, okA := constPoly(x)
			b, okB := constPoly(y)
			if !okA || !okB {
				return nil, e
			}
			v, _ := applyBinary(e.Op, a, b)
			return konst(v)
		}
		if len(out) > maxMonomials {
			return nil, e
		}
		for _, m := range out {
			if math.IsInf(m.Coef, 0) || math.IsNaN(m.Coef) {
				return nil, e
			}
		}
		return out, nil
	case *Call, *Cond:
		if v, ok := ConstValue(e); ok {
			return konst(v)
		}
	}
	return nil, e
}

// constPoly is the value of a polynomial without variables.
func constPoly(p []Monomial) (float64, bool) {
	c := 0.0
	for _, m := range p {
		if len(m.Vars) > 0 {
			return 0, false
		}
		c += m.Coef
	}
	return c, true
}

func scaled(p []Monomial, k float64) []Monomial {
	out := make([]Monomial, len(p))
	for i, m := range p {
		out[i] = Monomial{Coef: m.Coef * k, Vars: m.Vars}
	}
	return out
}

// merged adds the coefficients of equal monomials (first appearance keeps
// its place) and drops zero ones.
func merged(p []Monomial) []Monomial {
	var out []Monomial
	for _, m := range p {
		k := slices.IndexFunc(out, func(o Monomial) bool { return slices.Equal(o.Vars, m.Vars) })
		if k < 0 {
			out = append(out, m)
		} else {
			out[k].Coef += m.Coef
		}
	}
	return slices.DeleteFunc(out, func(m Monomial) bool { return m.Coef == 0 })
}
