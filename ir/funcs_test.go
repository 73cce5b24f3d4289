package ir

import (
	"math"
	"testing"
)

// TestFuncTables: the resolved built-ins compute the closed forms, and
// Eval1 agrees with them (one definition).
func TestFuncTables(t *testing.T) {
	for _, x := range []float64{-3.5, -0.25, 0, 0.7, 12} {
		if got, want := Func1("sigmoid")(x), 1/(1+math.Exp(-x)); got != want {
			t.Errorf("sigmoid(%v) = %v, want %v", x, got, want)
		}
		if got := Func1("tanh")(x); got != math.Tanh(x) {
			t.Errorf("tanh(%v) = %v", x, got)
		}
		for _, fn := range []string{"exp", "sigmoid", "floor", "abs"} {
			v, ok := Eval1(fn, []float64{x})
			if !ok || v != Func1(fn)(x) {
				t.Errorf("Eval1(%s, %v) = %v, Func1 %v", fn, x, v, Func1(fn)(x))
			}
		}
		if got := Func2("max")(x, 0.5); got != math.Max(x, 0.5) {
			t.Errorf("max(%v, 0.5) = %v", x, got)
		}
		if got := Func2("pow")(2, x); got != math.Pow(2, x) {
			t.Errorf("pow(2, %v) = %v", x, got)
		}
	}
	if Func1("max") != nil || Func1("uniform") != nil || Func2("exp") != nil || Func2("clip") != nil {
		t.Error("a function resolved with the wrong number of arguments")
	}
}
