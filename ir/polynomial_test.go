package ir

import (
	"reflect"
	"testing"
)

// TestPolynomial: products of sums expand, equal monomials merge, constants
// fold (a parameter with a constant value is one), division by a constant
// scales; a variable outside xs, a division by a variable, a built-in of a
// variable or t is the offending sub-expression.
func TestPolynomial(t *testing.T) {
	c, d, y := ltState("c", ltNone), ltState("d", ltNone), ltState("y", ltNone)
	tau := &Var{Name: "tau", Kind: Param, Value: ltK(0.01, ltSecond)}
	xs := []*Var{c, d}
	sum := ltB("+", ltRef(d), ltK(0.002, ltNone))
	for _, k := range []struct {
		name string
		e    Expr
		want []Monomial
		bad  bool
	}{
		{"c·(d + k)/tau", ltB("/", ltB("*", ltRef(c), sum), ltRef(tau)),
			[]Monomial{{100, []int{0, 1}}, {0.2, []int{0}}}, false},
		{"(c+d)·(c-d) merges", ltB("*", ltB("+", ltRef(c), ltRef(d)), ltB("-", ltRef(c), ltRef(d))),
			[]Monomial{{1, []int{0, 0}}, {-1, []int{1, 1}}}, false},
		{"-(2·3) constant", ltNeg(ltB("*", ltK(2, ltNone), ltK(3, ltNone))), []Monomial{{-6, nil}}, false},
		{"other variable", ltB("*", ltRef(c), ltRef(y)), nil, true},
		{"divide by variable", ltB("/", ltRef(c), ltRef(d)), nil, true},
		{"exp of variable", NewCall("exp", ltRef(c)), nil, true},
		{"time", ltB("*", ltRef(c), &Time{}), nil, true},
	} {
		got, bad, ok := Polynomial(xs, k.e)
		if ok == k.bad || (k.bad && bad == nil) {
			t.Errorf("%s: ok = %v, bad = %v", k.name, ok, bad)
			continue
		}
		if !k.bad && !reflect.DeepEqual(got, k.want) {
			t.Errorf("%s: %v, want %v", k.name, got, k.want)
		}
	}
}

// TestClassifyIntegral: w' = c·d of two traces that decay alone is a lazy
// integral and leaves c and d lazy; with c' reading another variable, or
// with w read by another equation, everything is clock-driven.
func TestClassifyIntegral(t *testing.T) {
	model := func(cRhs func(c, d *Var) Expr, extra bool) *Model {
		c, d, w := ltState("c", ltNone), ltState("d", ltNone), ltState("w", ltNone)
		per := ltK(-1, ltNone.Div(ltSecond))
		m := &Model{Kind: SynapseModel, Vars: []*Var{w, c, d}, ODEs: []*ODE{
			{Var: c, Rhs: cRhs(c, d)},
			{Var: d, Rhs: ltB("*", per, ltRef(d))},
			{Var: w, Rhs: ltB("*", ltRef(c), ltRef(d))},
		}}
		if extra {
			z := ltState("z", ltNone)
			m.Vars = append(m.Vars, z)
			m.ODEs = append(m.ODEs, &ODE{Var: z, Rhs: ltB("-", ltRef(w), ltRef(z))})
		}
		return m
	}
	decay := func(c, _ *Var) Expr { return ltB("*", ltK(-2, ltNone.Div(ltSecond)), ltRef(c)) }
	coupled := func(c, d *Var) Expr { return ltB("+", decay(c, d), ltRef(d)) }
	for _, k := range []struct {
		name     string
		m        *Model
		integral bool
	}{
		{"w' = c·d", model(decay, false), true},
		{"c' reads d", model(coupled, false), false},
		{"w read by z'", model(decay, true), false},
	} {
		classify(k.m, nil, false)
		w, c, d := k.m.Vars[0], k.m.Vars[1], k.m.Vars[2]
		if w.Integral != k.integral || w.Lazy != k.integral || c.Lazy != k.integral || d.Lazy != k.integral {
			t.Errorf("%s: w integral %v lazy %v, c lazy %v, d lazy %v; want all %v", k.name, w.Integral, w.Lazy, c.Lazy, d.Lazy, k.integral)
		}
	}
}
