package kerngen

import (
	"strings"
	"testing"
)

// TestParseRejects: an expression the targets cannot all spell is an error
// naming the kernel, not generated code that differs between them.
func TestParseRejects(t *testing.T) {
	for _, expr := range []string{"exp(x)", "x + q", "x % k", "flip(x, x)", "x > k", "2*x"} {
		_, err := parse(Kernel{Name: "bad", Vecs: v("x"), Ks: v("k"), Flags: v("neg"), Expr: expr})
		if err == nil || !strings.HasPrefix(err.Error(), "bad: ") {
			t.Errorf("%q: err = %v, want an error naming the kernel", expr, err)
		}
	}
}

// TestSpellings: one expression's tree, spelt for each target in the same
// order of operations: products rounded in scalar Go, method calls in
// archsimd, one instruction per operation in assembly.
func TestSpellings(t *testing.T) {
	k := Kernel{Name: "k", Vecs: v("x", "y"), Ks: v("c", "k"), Flags: v("neg"), Expr: "c*(k-x) + flip(neg, -y)"}
	e, err := parse(k)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := e.scalar(), "float64(c * (k - x[i])) + flip(neg, -y[i])"; got != want {
		t.Errorf("scalar: %s, want %s", got, want)
	}
	if got, want := e.vector(8), "Kc.Mul(Kk.Sub(Vx)).Add(flip8(neg, neg8(Vy)))"; got != want {
		t.Errorf("vector: %s, want %s", got, want)
	}
	a := asmFor(parsed{k, e}, 4, false).text
	for _, op := range []string{"VSUBPD", "VMULPD", "VADDPD"} {
		if strings.Count(a, op) != 1 {
			t.Errorf("assembly has %d %s, want 1:\n%s", strings.Count(a, op), op, a)
		}
	}
	if strings.Count(a, "VXORPD") != 2 || strings.Contains(a, "VFMADD") {
		t.Errorf("assembly: want two sign flips and no FMA:\n%s", a)
	}
}
