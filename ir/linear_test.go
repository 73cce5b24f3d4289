package ir

import (
	"math"
	"reflect"
	"testing"

	"github.com/snnc/snnc/lang/units"
)

// Dimensions and constructors shared by the linear and propagator tests
// (prefixed lt so they cannot collide with other tests of the package).
var (
	ltSecond = units.Dim{units.Time: 1}
	ltVolt   = units.Dim{units.Mass: 1, units.Length: 2, units.Time: -3, units.Current: -1}
	ltAmp    = units.Dim{units.Current: 1}
	ltFarad  = units.Dim{units.Mass: -1, units.Length: -2, units.Time: 4, units.Current: 2}
	ltOhm    = ltVolt.Div(ltAmp)
	ltNone   = units.Dimensionless
)

func ltVar(name string, kind VarKind, d units.Dim) *Var { return &Var{Name: name, Kind: kind, Dim: d} }
func ltState(name string, d units.Dim) *Var             { return ltVar(name, State, d) }
func ltK(v float64, d units.Dim) *Const                 { return &Const{V: v, D: d} }
func ltRef(v *Var) *Ref                                 { return &Ref{Var: v} }
func ltB(op string, x, y Expr) *Binary                  { return NewBinary(op, x, y) }
func ltNeg(x Expr) *Unary                               { return &Unary{Op: "-", X: x} }

func ltClose(got, want, tol float64) bool {
	return got == want || math.Abs(got-want) <= tol*math.Abs(want)
}

func TestConstValue(t *testing.T) {
	x := ltState("x", ltVolt)
	ms := ltK(1e-3, ltSecond)
	for _, c := range []struct {
		name string
		e    Expr
		want float64
		ok   bool
	}{
		{"const", ltK(-0.065, ltVolt), -0.065, true},
		{"arith", ltB("/", ltNeg(ltK(1, ltNone)), ltB("*", ltK(20, ltNone), ms)), -50, true},
		{"exp", NewCall("exp", ltK(-2, ltNone)), math.Exp(-2), true},
		{"pow", ltB("^", ltK(2, ltNone), ltK(10, ltNone)), 1024, true},
		{"max", NewCall("max", ltK(1, ltNone), ltK(3, ltNone), ltK(2, ltNone)), 3, true},
		{"compare", ltB("<", ltK(1, ltNone), ltK(2, ltNone)), 1, true},
		{"not", &Unary{Op: "not", X: &BoolConst{V: true}}, 0, true},
		{"cond", &Cond{C: ltB(">", ltK(1, ltNone), ltK(2, ltNone)), A: ltK(5, ltNone), B: ltK(7, ltNone)}, 7, true},
		{"cond-and", &Cond{C: ltB("and", &BoolConst{V: true}, ltB("==", ltK(2, ltNone), ltK(2, ltNone))), A: ltK(5, ltNone), B: ltK(7, ltNone)}, 5, true},
		{"ref", ltB("+", ltRef(x), ltK(1, ltVolt)), 0, false},
		{"time", &Time{}, 0, false},
		{"random", NewCall("uniform", ltK(0, ltNone), ltK(1, ltNone)), 0, false},
		{"div-zero", ltB("/", ltK(1, ltNone), ltK(0, ltNone)), 0, false},
		{"overflow", NewCall("exp", ltK(1000, ltNone)), 0, false},
		{"cond-var", &Cond{C: ltB(">", ltRef(x), ltK(0, ltVolt)), A: ltK(1, ltNone), B: ltK(2, ltNone)}, 0, false},
	} {
		got, ok := ConstValue(c.e)
		if ok != c.ok || (ok && !ltClose(got, c.want, 1e-15)) {
			t.Errorf("%s: ConstValue = %v, %v; want %v, %v", c.name, got, ok, c.want, c.ok)
		}
	}
}

func TestLinearize(t *testing.T) {
	v, ge, gi := ltState("v", ltVolt), ltState("ge", ltVolt), ltState("gi", ltVolt)
	x, y := ltState("x", ltVolt), ltState("y", ltVolt)
	I := ltVar("I", ContinuousPort, ltAmp)
	w := ltState("w", ltAmp) // changed only by events: an input
	u1, u2 := ltState("u1", ltVolt), ltState("u2", ltVolt)
	tauV := ltVar("tau_m", Param, ltSecond) // a parameter `fold` has not replaced yet
	tauV.Value = ltK(0.02, ltSecond)
	tau := ltK(0.01, ltSecond)
	El := ltK(-0.065, ltVolt)
	C := ltK(200e-12, ltFarad)
	mVms := ltK(1, ltVolt.Div(ltSecond)) // 1 mV/ms = 1 V/s
	preV := &Ref{Var: v, Side: Pre}
	leak := ltVar("I_leak", Alias, ltVolt) // alias of a linear expression
	leak.Value = ltB("-", El, ltRef(v))
	noise := ltVar("sigma", Param, ltVolt) // a per-neuron random parameter: step-constant input
	noise.Value = NewCall("uniform", ltK(0, ltVolt), ltK(1e-3, ltVolt))

	type lin struct {
		A, B   [][]float64
		C      []float64
		inputs []*Var
		sides  []Side
	}
	for _, c := range []struct {
		name string
		xs   []*Var
		rhs  []Expr
		want *lin
	}{
		{name: "cuba", xs: []*Var{v, ge, gi},
			rhs: []Expr{
				ltB("/", ltB("-", ltB("+", ltRef(ge), ltRef(gi)), ltB("-", ltRef(v), El)), ltRef(tauV)),
				ltB("/", ltNeg(ltRef(ge)), tau),
				ltB("/", ltNeg(ltRef(gi)), tau)},
			want: &lin{A: [][]float64{{-50, 50, 50}, {0, -100, 0}, {0, 0, -100}}, B: [][]float64{{}, {}, {}},
				C: []float64{-0.065 * 50, 0, 0}}},
		{name: "decay+const", xs: []*Var{x},
			rhs:  []Expr{ltB("+", ltB("/", ltNeg(ltRef(x)), tau), ltB("*", ltK(3, ltNone), mVms))},
			want: &lin{A: [][]float64{{-100}}, B: [][]float64{{}}, C: []float64{3}}},
		{name: "scaled-difference", xs: []*Var{x, y},
			rhs:  []Expr{ltB("/", ltB("*", ltK(2, ltNone), ltB("-", ltRef(x), ltRef(y))), tau), ltK(0, ltVolt.Div(ltSecond))},
			want: &lin{A: [][]float64{{200, -200}, {0, 0}}, B: [][]float64{{}, {}}, C: []float64{0, 0}}},
		{name: "times-reciprocal", xs: []*Var{x},
			rhs:  []Expr{ltB("*", ltRef(x), ltB("/", ltK(1, ltNone), tau))},
			want: &lin{A: [][]float64{{100}}, B: [][]float64{{}}, C: []float64{0}}},
		{name: "constant-subexpressions", xs: []*Var{x},
			rhs: []Expr{ltB("/", ltB("*", ltRef(x), NewCall("exp", ltK(-2, ltNone))),
				&Cond{C: ltB(">", ltK(1, ltNone), ltK(0, ltNone)), A: tau, B: ltRef(x)})},
			want: &lin{A: [][]float64{{math.Exp(-2) / 0.01}}, B: [][]float64{{}}, C: []float64{0}}},
		{name: "inputs", xs: []*Var{v},
			rhs: []Expr{ltB("+", ltB("+", ltB("/", ltB("-", El, ltRef(v)), tau), ltB("/", ltRef(I), C)),
				ltB("/", ltB("*", ltRef(w), ltK(1e8, ltOhm)), tau))},
			want: &lin{A: [][]float64{{-100}}, B: [][]float64{{5e9, 1e10}}, C: []float64{-6.5},
				inputs: []*Var{I, w}, sides: []Side{Own, Own}}},
		{name: "input-order-and-sides", xs: []*Var{x},
			rhs: []Expr{ltB("/", ltB("+", ltB("-", ltB("+", ltRef(u2), ltRef(u1)), preV), ltB("+", ltRef(u2), ltRef(noise))), tau)},
			want: &lin{A: [][]float64{{0}}, B: [][]float64{{200, 100, -100, 100}}, C: []float64{0},
				inputs: []*Var{u2, u1, v, noise}, sides: []Side{Own, Own, Pre, Own}}},
		{name: "linear-alias", xs: []*Var{v},
			rhs:  []Expr{ltB("/", ltRef(leak), tau)},
			want: &lin{A: [][]float64{{-100}}, B: [][]float64{{}}, C: []float64{-6.5}}},
	} {
		l, bad, ok := Linearize(c.xs, c.rhs)
		if !ok {
			t.Errorf("%s: nonlinear at %#v", c.name, bad)
			continue
		}
		if !reflect.DeepEqual(l.Inputs, c.want.inputs) || !reflect.DeepEqual(l.Sides, c.want.sides) {
			t.Errorf("%s: inputs %v sides %v; want %v %v", c.name, names(l.Inputs), l.Sides, names(c.want.inputs), c.want.sides)
		}
		ltMatrix(t, c.name+" A", l.A, c.want.A)
		ltMatrix(t, c.name+" B", l.B, c.want.B)
		ltMatrix(t, c.name+" c", [][]float64{l.C}, [][]float64{c.want.C})
	}
}

func TestLinearizeNonlinear(t *testing.T) {
	v, ge := ltState("v", ltVolt), ltState("ge", ltVolt)
	x, y := ltState("x", ltVolt), ltState("y", ltVolt)
	I := ltVar("I", ContinuousPort, ltAmp)
	tau := ltK(0.01, ltSecond)
	perVs := ltVolt.Div(ltSecond)
	decay := func(x *Var) Expr { return ltB("/", ltNeg(ltRef(x)), tau) }

	// The offending nodes, compared by identity with what Linearize returns.
	product := ltB("*", ltRef(x), ltRef(y))
	expx := NewCall("exp", ltB("/", ltRef(x), ltK(1, ltVolt)))
	divVar := ltB("/", ltRef(x), ltRef(y))
	cond := &Cond{C: ltB(">", ltRef(x), ltK(0, ltVolt)), A: ltRef(x), B: ltK(0, ltVolt)}
	tm := &Time{}
	draw := NewCall("uniform", ltK(0, ltNone), ltK(1, ltNone))
	// 0.04/mV/ms * v * v parses as ((0.04/mV/ms) * v) * v: the outer product is the offender.
	quad := ltB("*", ltB("*", ltK(0.04/1e-3/1e-3, ltNone.Div(ltVolt).Div(ltSecond)), ltRef(v)), ltRef(v))
	inTimesVar := ltB("*", ltRef(I), ltRef(v))
	isynProd := ltB("*", ltRef(ge), ltB("-", ltK(0, ltVolt), ltRef(v)))
	isyn := ltVar("I_syn", Alias, ltVolt.Mul(ltVolt)) // an alias must not hide a product
	isyn.Value = isynProd
	divZero := ltB("/", ltRef(x), ltB("-", tau, tau))

	for _, c := range []struct {
		name string
		xs   []*Var
		rhs  []Expr
		bad  Expr
	}{
		{"product", []*Var{x, y}, []Expr{decay(x), ltB("/", product, ltK(1, ltVolt.Mul(ltSecond)))}, product},
		{"exp", []*Var{x}, []Expr{ltB("+", decay(x), ltB("*", expx, ltK(1, perVs)))}, expx},
		{"divide-by-var", []*Var{x, y}, []Expr{ltB("*", divVar, ltK(1, perVs)), decay(y)}, divVar},
		{"cond", []*Var{x}, []Expr{ltB("/", cond, tau)}, cond},
		{"time", []*Var{x}, []Expr{ltB("-", decay(x), ltB("*", tm, ltK(1, perVs.Div(ltSecond))))}, tm},
		{"random", []*Var{x}, []Expr{ltB("*", decay(x), draw)}, draw},
		{"quadratic", []*Var{v}, []Expr{ltB("+", quad, decay(v))}, quad},
		{"input-times-var", []*Var{v}, []Expr{ltB("/", inTimesVar, ltK(1, ltAmp.Mul(ltSecond)))}, inTimesVar},
		{"alias-product", []*Var{v, ge}, []Expr{ltB("/", ltRef(isyn), ltK(1, ltVolt.Mul(ltSecond))), decay(ge)}, isynProd},
		{"divide-by-zero", []*Var{x}, []Expr{divZero}, divZero},
	} {
		l, got, ok := Linearize(c.xs, c.rhs)
		if ok || l != nil || got != c.bad {
			t.Errorf("%s: Linearize = %v, %#v, %v; want nil, %#v, false", c.name, l, got, ok, c.bad)
		}
	}
}

func names(vs []*Var) []string {
	var s []string
	for _, v := range vs {
		s = append(s, v.Name)
	}
	return s
}

func ltMatrix(t *testing.T, what string, got, want [][]float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d rows, want %d", what, len(got), len(want))
		return
	}
	for i := range got {
		if len(got[i]) != len(want[i]) {
			t.Errorf("%s: row %d = %v, want %v", what, i, got[i], want[i])
			continue
		}
		for j := range got[i] {
			if !ltClose(got[i][j], want[i][j], 1e-14) {
				t.Errorf("%s[%d][%d] = %.17g, want %.17g", what, i, j, got[i][j], want[i][j])
			}
		}
	}
}

func TestCouplings(t *testing.T) {
	v, ge, gi, w := ltState("v", ltVolt), ltState("ge", ltVolt), ltState("gi", ltVolt), ltState("w", ltAmp)
	tau := ltK(0.01, ltSecond)
	drive := ltVar("drive", Alias, ltVolt) // reads gi through an alias
	drive.Value = ltB("+", ltRef(gi), &Ref{Var: w, Side: Post})
	rhs := []Expr{
		ltB("/", ltB("-", ltB("+", ltRef(ge), ltRef(drive)), ltRef(v)), tau),
		ltB("/", ltNeg(ltRef(ge)), tau),
		ltB("/", ltNeg(ltRef(gi)), tau),
		NewCall("exp", ltB("*", ltRef(w), ltRef(v))), // nonlinear still couples
	}
	got := Couplings([]*Var{v, ge, gi, w}, rhs)
	want := [][]int{{0, 1, 2}, {1}, {2}, {0, 3}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Couplings = %v, want %v", got, want)
	}
}
