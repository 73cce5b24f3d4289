package examples_test

import (
	"fmt"
	"math"
	"os"
	"testing"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/backends/gosim"
	ah "github.com/snnc/snnc/examples/ahmad_hawkins2016"
	"github.com/snnc/snnc/passes"
)

const tpTrial = 0.5 // s

// tempotronErrors trains tempotron.snn on P patterns for epochs epochs and
// returns the misclassified trials of each epoch (P consecutive trials,
// every pattern once).
func tempotronErrors(t *testing.T, P, epochs int) []int {
	t.Helper()
	p, _, diags := snnc.CompileIR("tempotron.snn", snnc.Options{Passes: passes.Options{Verify: true},
		Set: []string{fmt.Sprintf("Aff.P=%d", P), fmt.Sprintf("Tm.P=%d", P)}})
	if p == nil {
		t.Fatal(diags)
	}
	epoch := float64(P) * tpTrial
	res, err := gosim.Run(p, gosim.Options{Duration: float64(epochs)*epoch + 2*tpTrial})
	if err != nil {
		t.Fatal(err)
	}
	var samples map[int]float64
	for _, m := range res.States {
		if m.Var == "errors" {
			samples = map[int]float64{}
			for k, ts := range m.T {
				samples[int(math.Round(ts/25))] = m.V[k][0]
			}
		}
	}
	// a sample at the start of step k·epoch precedes that step's scoring,
	// so the sample one step later would include it; both windows hold P
	// consecutive trials, which is what counts
	var perEpoch []int
	per := int(math.Round(epoch / 25))
	for e := 1; e <= epochs; e++ {
		hi, ok := samples[e*per]
		if !ok {
			t.Fatalf("no sample of Tm.errors at %g s", float64(e)*epoch)
		}
		perEpoch = append(perEpoch, int(hi-samples[(e-1)*per]))
	}
	return perEpoch
}

// TestTempotron: the tempotron learns to classify P random spike-time
// patterns of N = 500 afferents (half of them +, half −): the errors per
// epoch fall, and after training a whole epoch passes without an error at
// load α = P/N = 0.1 in the normal test (6 epochs, about 2 s); SNNC_LONG=1
// also trains α = 0.5 (30 epochs) and α = 1 (40 epochs; several minutes of
// CPU), requires no error after training at α <= 0.5 and at most 2 % at
// α = 1, and logs the learning curves (with SNNC_FIGURES=1 also draws
// them). A tempotron that did not learn would err
// on about half the patterns.
func TestTempotron(t *testing.T) {
	type load struct{ P, epochs int }
	loads := []load{{50, 6}}
	if os.Getenv("SNNC_LONG") != "" {
		loads = []load{{50, 20}, {250, 30}, {500, 40}}
	}
	var curve ah.Series
	curve.Name = "errors in the last epoch"
	var learning []ah.Series
	for _, l := range loads {
		errs := tempotronErrors(t, l.P, l.epochs)
		alpha := float64(l.P) / 500
		t.Logf("α = %.2f (P = %d): errors per epoch %v", alpha, l.P, errs)
		if errs[0] < l.P/10 {
			t.Errorf("α = %.2f: only %d errors in the first epoch; the untrained neuron should err often", alpha, errs[0])
		}
		last := errs[len(errs)-1]
		if alpha <= 0.5 && last != 0 {
			t.Errorf("α = %.2f: %d of %d patterns misclassified after %d epochs, want 0", alpha, last, l.P, l.epochs)
		}
		if alpha > 0.5 && float64(last) > 0.02*float64(l.P) {
			t.Errorf("α = %.2f: %d of %d patterns misclassified after %d epochs, want at most 2 %%", alpha, last, l.P, l.epochs)
		}
		curve.X, curve.Sim = append(curve.X, alpha), append(curve.Sim, float64(last)/float64(l.P))
		lc := ah.Series{Name: fmt.Sprintf("α = %.1f", alpha)}
		for e, n := range errs {
			lc.X, lc.Sim = append(lc.X, float64(e+1)), append(lc.Sim, float64(n)/float64(l.P))
		}
		learning = append(learning, lc)
	}
	if os.Getenv("SNNC_FIGURES") != "" && os.Getenv("SNNC_LONG") != "" {
		panels := []ah.Panel{
			{Title: "Tempotron, N = 500: errors per epoch", XLabel: "epoch", YLabel: "fraction misclassified", Series: learning},
			{Title: "Capacity: errors in the last epoch", XLabel: "α = P/N", YLabel: "fraction misclassified", LegendLeft: true, Series: []ah.Series{curve}},
		}
		if err := ah.Figure("../docs/figures/tempotron.png", panels); err != nil {
			t.Fatal(err)
		}
	}
}
