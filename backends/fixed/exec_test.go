package fixed_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/snnc/snnc/backends/fixed"
	"github.com/snnc/snnc/ir/iir"
)

// TestVectorScalarAgree: the simulator's population-at-a-time evaluation
// of a kernel gives, neuron for neuron, what a neuron-at-a-time engine
// computes, stochastic rounding (a per-neuron LFSR) included.
func TestVectorScalarAgree(t *testing.T) {
	stoch, _ := iir.LoadProfile("q16")
	stoch.Name, stoch.Rounding = "q16-stochastic", iir.Stochastic
	path := filepath.Join(t.TempDir(), "s.json")
	if err := os.WriteFile(path, stoch.JSON(), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ model, target string }{
		{"../../examples/cuba.snn", "q16"},
		{"../../testdata/fixed/rk4.snn", "q16"},
		{"../../testdata/fixed/rk4.snn", path},
		{"../../testdata/fixed/ranges.snn", path},
		{"../../testdata/fixed/loihi_lif.snn", "loihi"},
		{"../../testdata/fixed/xylo_lif.snn", "xylo"},
	} {
		p := compile(t, c.model)
		bad, err := fixed.VectorScalarMismatches(p, lower(t, p, c.target))
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range bad {
			t.Errorf("%s on %s: %s", c.model, c.target, b)
		}
	}
}
