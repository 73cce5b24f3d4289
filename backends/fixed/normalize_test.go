package fixed_test

import (
	"math"
	"testing"

	"github.com/snnc/snnc/backends/fixed"
	"github.com/snnc/snnc/backends/gosim"
	"github.com/snnc/snnc/runtime"
)

// TestNormalizeSum: synaptic scaling of PairSTDP's w (testdata/fixed/
// normalize.snn): in every sample, taken at the end of the steps that
// scale, each neuron's incoming weights sum to the target — to rounding in
// float64, and on q16 within half an LSB of w per synapse (each
// W·T/S is rounded to nearest) — and the weights moved between samples.
func TestNormalizeSum(t *testing.T) {
	p := compile(t, "../../testdata/fixed/normalize.snn")
	q := lower(t, p, "q16")
	res := run(t, p, q, fixed.Options{})
	fres, err := gosim.Run(p, gosim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	target := map[string]float64{"xp": 2, "pq": 0.9}
	lsb := map[string]float64{}
	for _, pr := range q.Projs {
		if pr.Plastic != nil {
			lsb[pr.Name] = pr.Plastic.W.Scale
		}
	}
	check := func(run string, ms []*rt.WeightMonitor, tol func(n int, name string) float64) {
		moved := false
		for _, m := range ms {
			for s, row := range m.V {
				sums, counts := map[int32]float64{}, map[int32]int{}
				for k, w := range row {
					sums[m.Post[k]] += w
					counts[m.Post[k]]++
				}
				for j, sum := range sums {
					if math.Abs(sum-target[m.Name]) > tol(counts[j], m.Name) {
						t.Errorf("%s: %s, sample %d, neuron %d: weights sum to %.9g, target %g", run, m.Name, s, j, sum, target[m.Name])
					}
				}
				moved = moved || s > 0 && row[0] != m.V[s-1][0]
			}
		}
		if !moved {
			t.Errorf("%s: no weight moved between samples", run)
		}
	}
	check("float64", fres.Weights, func(int, string) float64 { return 1e-9 })
	check("q16", res.Weights, func(n int, name string) float64 { return float64(n) * lsb[name] / 2 })
}
