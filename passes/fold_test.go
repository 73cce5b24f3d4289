package passes_test

import (
	"strings"
	"testing"

	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/lang"
)

func TestFoldGolden(t *testing.T) { goldenPass(t, "fold") }

// TestFoldValues: parameters are gone, their values folded in SI, per
// population.
func TestFoldValues(t *testing.T) {
	p, _ := compile(t, "../testdata/passes/fold/params.snn", "fold")
	for _, pop := range p.Pops {
		for _, v := range pop.Model.Vars {
			if v.Kind == ir.Param {
				t.Errorf("%s: parameter %s survived fold", pop.Name, v.Name)
			}
		}
		// v' = (v_rest - v) / tau2 * gain with tau2 = 2*tau, gain = 3
		rhs := pop.Model.ODEs[0].Rhs
		var consts []float64
		ir.Walk(rhs, func(e ir.Expr) bool {
			if c, ok := e.(*ir.Const); ok {
				consts = append(consts, c.V)
			}
			return true
		})
		tau := map[string]float64{"A": 0.02, "B": 0.01}[pop.Name]
		want := []float64{-0.07, 2 * tau, 3}
		if len(consts) != 3 || !near(consts[0], want[0]) || !near(consts[1], want[1]) || !near(consts[2], want[2]) {
			t.Errorf("%s: constants %v, want %v (%s)", pop.Name, consts, want, ir.ExprString(rhs))
		}
	}
	w, ok := ir.ConstValue(p.Projs[0].Weight)
	if !ok || !near(w, 1e-3) {
		t.Errorf("weight 0.5 mV * 2 folded to %v", w)
	}
}

func near(a, b float64) bool {
	d := a - b
	if d < 0 {
		d = -d
	}
	return d <= 1e-15*(1+abs(b))
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// TestFoldConstantThreshold: a threshold that can never fire is a positioned
// warning.
func TestFoldConstantThreshold(t *testing.T) {
	_, diags := compile(t, "../testdata/passes/fold/never.snn", "fold")
	found := false
	for _, d := range diags {
		if d.Severity == lang.Warning && d.Pos.Line == 13 && d.Pos.Col == 18 && strings.Contains(d.Msg, "always false") {
			found = true
		}
	}
	if !found {
		t.Errorf("want a warning at 13:18 that the threshold is always false, got %v", diags)
	}
}
