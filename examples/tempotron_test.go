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
// trains the capacity curve, α = 0.1, 0.2, 0.3, 0.5, 0.8 and 1 (up to 40
// epochs; about half an hour of CPU), requires no error after training at
// α <= 0.5 and at most 2 % above, and logs the learning curves (with
// SNNC_FIGURES=1 also draws them and the fraction classified correctly
// against α after 1, 3, 10 epochs and after training). A tempotron that did
// not learn would err on about half the patterns.
func TestTempotron(t *testing.T) {
	type load struct{ P, epochs int }
	loads := []load{{50, 6}}
	if os.Getenv("SNNC_LONG") != "" {
		loads = []load{{50, 20}, {100, 20}, {150, 20}, {250, 30}, {400, 40}, {500, 40}}
	}
	// the capacity curve: fraction correct against α after these epochs
	// (0: the last one)
	budgets := []int{1, 3, 10, 0}
	capacity := make([]ah.Series, len(budgets))
	for k, b := range budgets {
		capacity[k].Name = fmt.Sprintf("after %d epochs", b)
		if b == 1 {
			capacity[k].Name = "after 1 epoch"
		}
		if b == 0 {
			capacity[k].Name = "after training"
		}
	}
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
		for k, b := range budgets {
			if b == 0 || b > len(errs) {
				b = len(errs)
			}
			capacity[k].X = append(capacity[k].X, alpha)
			capacity[k].Sim = append(capacity[k].Sim, 1-float64(errs[b-1])/float64(l.P))
		}
		if l.P == 150 || l.P == 400 {
			continue // the learning curves of three loads are enough to read
		}
		lc := ah.Series{Name: fmt.Sprintf("α = %.1f", alpha)}
		for e, n := range errs {
			lc.X, lc.Sim = append(lc.X, float64(e+1)), append(lc.Sim, float64(n)/float64(l.P))
		}
		learning = append(learning, lc)
	}
	if os.Getenv("SNNC_FIGURES") != "" && os.Getenv("SNNC_LONG") != "" {
		panels := []ah.Panel{
			{Title: "Tempotron, N = 500: errors per epoch", XLabel: "epoch", YLabel: "fraction misclassified", Series: learning},
			{Title: "Capacity: patterns classified correctly", XLabel: "load α = P/N", YLabel: "fraction correct", LegendLeft: true, Series: capacity},
		}
		if err := ah.Figure("../docs/figures/tempotron.png", panels); err != nil {
			t.Fatal(err)
		}
	}
}
