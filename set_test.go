package snnc_test

import (
	"strings"
	"testing"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/ir"
)

// TestSet: --set replaces a population's parameter (here the one a phase
// assigns) or adds an override, and bad overrides are positioned errors in
// the synthetic <--set> file.
func TestSet(t *testing.T) {
	const model = "testdata/gocode/phases.snn"
	value := func(sets ...string) float64 {
		t.Helper()
		p, _, diags := snnc.Compile(model, snnc.Options{Set: sets})
		if p == nil {
			t.Fatalf("%v", diags)
		}
		c, ok := p.Phases[0].Sets[0].Value.(*ir.Const)
		if !ok {
			t.Fatalf("phase value %s is not a constant", ir.ExprString(p.Phases[0].Sets[0].Value))
		}
		return c.V
	}
	if v := value(); v != 2 {
		t.Errorf("A.gain in phase fast = %g, want the file's g0 = 2", v)
	}
	if v := value("A.g0=3.5"); v != 3.5 {
		t.Errorf("with --set A.g0=3.5: A.gain = %g", v)
	}
	if v := value("B.g0=7"); v != 2 {
		t.Errorf("--set B.g0 changed A: %g", v)
	}
	for _, c := range []struct{ set, want string }{
		{"A.g1=2", `<--set>:3:1: error: neuron type Ramp has no parameter or state variable g1`},
		{"C.g0=2", `<--set>:3:1: error: --set C.g0: C is not a population or named projection`},
		{"A.v_th=2 ms", `<--set>:3:8: error: v_th must be voltage (mV), not time (ms)`},
		{"A.g0", `expected NAME.PARAM=VALUE`},
	} {
		p, _, diags := snnc.Compile(model, snnc.Options{Set: []string{c.set}})
		if p != nil || !strings.Contains(diags.Error(), c.want) {
			t.Errorf("--set %s: %v, want %q", c.set, diags, c.want)
		}
	}
}
