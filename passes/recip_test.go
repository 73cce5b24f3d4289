package passes_test

import (
	"testing"

	"github.com/snnc/snnc/ir"
)

func TestRecipGolden(t *testing.T) { goldenPass(t, "recip") }

// TestRecipRewrites: every division by a constant in an RK4/Euler right side
// becomes a product with 1/c (the same value 1/c, so the product differs
// from the quotient by at most an ulp); exact systems and -d recip=off keep
// their divisions.
func TestRecipRewrites(t *testing.T) {
	count := func(p *ir.Program, method ir.Method) (div int, recips []float64) {
		for _, m := range p.Neurons {
			for _, sys := range m.Update {
				if (sys.Method == ir.Exact) != (method == ir.Exact) {
					continue
				}
				for _, o := range sys.ODEs {
					ir.Walk(o.Rhs, func(e ir.Expr) bool {
						if b, ok := e.(*ir.Binary); ok {
							if c, ok := b.Y.(*ir.Const); ok && b.Op == "/" {
								div++
							} else if ok && b.Op == "*" {
								recips = append(recips, c.V)
							}
						}
						return true
					})
				}
			}
		}
		return
	}
	p, _ := compile(t, "../testdata/passes/recip/euler.snn", "recip")
	div, recips := count(p, ir.Euler)
	if div != 0 {
		t.Errorf("%d divisions by constants left in the RK4/Euler right sides", div)
	}
	// v: 1/C_m; ge: 1/tau_e; u: 1/D_T inside exp and 1/tau
	want := map[float64]bool{1 / 200e-12: true, 1 / 5e-3: true, 1 / 2e-3: true, 1 / 10e-3: true}
	for w := range want {
		found := false
		for _, r := range recips {
			found = found || r == w
		}
		if !found {
			t.Errorf("no product with 1/c = %v; products with constants: %v", w, recips)
		}
	}
	if div, _ := count(p, ir.Exact); div != 0 {
		// the exact system's right side is kept as written (its propagator is computed)
		t.Logf("exact right sides keep %d divisions", div)
	}
	p, _ = compile(t, "../testdata/passes/recip/euler.snn", "recip", "recip")
	if div, _ := count(p, ir.Euler); div != 4 {
		t.Errorf("with recip off: %d divisions by constants, want 4", div)
	}
}
