package ir_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/snnc/snnc/ir"
)

// TestNoiseSplit: an equation's white-noise terms are split off its right
// side, each with its coefficient (sign included), the deterministic rest
// staying the right side; the model's noise names are sorted and distinct.
func TestNoiseSplit(t *testing.T) {
	src := `neuron N {
    parameters {
        tau = 10 ms
        s   = 2 mV
    }
    state {
        v = 0 mV
        w = 0 mV
    }
    equations {
        v' = -(v - w)/tau - s*sqrt(1/tau)*xi_b + (s/sqrt(tau))*xi
        w' = s*xi*sqrt(2/tau) - w/tau
    }
}
`
	path := filepath.Join(t.TempDir(), "n.snn")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	m := build(t, path).Neurons[0]
	want := map[string]struct {
		rhs   string
		noise string
	}{
		"v": {"-(v - w) / tau", " + -(s * sqrt(1 / tau))*xi_b + s / sqrt(tau)*xi"},
		"w": {"-(w / tau)", " + s * sqrt(2 / tau)*xi"},
	}
	for _, o := range m.ODEs {
		w := want[o.Var.Name]
		if got := ir.ExprString(o.Rhs); got != w.rhs {
			t.Errorf("%s' deterministic part %q, want %q", o.Var.Name, got, w.rhs)
		}
		if got := ir.NoiseString(o); got != w.noise {
			t.Errorf("%s' noise %q, want %q", o.Var.Name, got, w.noise)
		}
	}
	if got := m.NoiseNames(); len(got) != 2 || got[0] != "xi" || got[1] != "xi_b" {
		t.Errorf("noise names %v, want [xi xi_b]", got)
	}
}
