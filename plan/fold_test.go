package plan

import (
	"math"
	"testing"
)

// TestBinaryUnaryAsEval: the folding helpers for code generators compute
// what Eval computes for the same op, NaN and -0 included.
func TestBinaryUnaryAsEval(t *testing.T) {
	vals := []float64{0, math.Copysign(0, -1), 1, -2.5, math.Inf(1), math.NaN()}
	for op, c := range binCodes {
		for _, a := range vals {
			for _, b := range vals {
				l := &Loop{Name: op, N: 1, Ops: []Op{{Code: Const, K: a}, {Code: Const, K: b}, {Code: c, Args: []int{0, 1}}}}
				v := make([]float64, 3)
				if err := Eval(l, &Env{}, 0, v); err != nil {
					t.Fatal(err)
				}
				got, ok := Binary(op, a, b)
				if !ok || math.Float64bits(got) != math.Float64bits(v[2]) {
					t.Errorf("Binary(%q, %v, %v) = %v, Eval %v", op, a, b, got, v[2])
				}
			}
		}
	}
	for op, c := range map[string]Code{"-": Neg, "not": Not} {
		for _, a := range vals {
			l := &Loop{Name: op, N: 1, Ops: []Op{{Code: Const, K: a}, {Code: c, Args: []int{0}}}}
			v := make([]float64, 2)
			if err := Eval(l, &Env{}, 0, v); err != nil {
				t.Fatal(err)
			}
			if got := Unary(op, a); math.Float64bits(got) != math.Float64bits(v[1]) {
				t.Errorf("Unary(%q, %v) = %v, Eval %v", op, a, got, v[1])
			}
		}
	}
	if _, ok := Binary("<>", 1, 2); ok {
		t.Error("an unknown operator folded")
	}
}
