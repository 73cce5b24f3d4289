package examples_test

import (
	"math"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/backends/gosim"
	ah "github.com/snnc/snnc/examples/ahmad_hawkins2016"
	"github.com/snnc/snnc/passes"
)

const izWMax = 4.0 // the synapses' w_max (mV, times the 1 mV weight)

// izRun runs examples/izhikevich2007 for dur seconds with the overrides.
func izRun(t *testing.T, dur float64, set []string) *gosim.Result {
	t.Helper()
	p, _, diags := snnc.CompileIR("izhikevich2007/izhikevich2007.snn", snnc.Options{Passes: passes.Options{Verify: true}, Set: set})
	if p == nil {
		t.Fatal(diags)
	}
	res, err := gosim.Run(p, gosim.Options{Duration: dur, BaseDir: "izhikevich2007"})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestIzhikevich2007: the distal reward problem (Izhikevich 2007, Fig. 1).
// The one synapse whose pre-then-post firing is rewarded, 1 to 3 s later,
// by a dopamine pulse that reaches every synapse, grows from 0 to the
// maximum while the other excitatory synapses stay where the rest of the
// network keeps them. Weights are read as the next spike uses them,
// clip(w, 0, w_max).
//
// Asserted: rewards were given (at least 5); the rewarded weight reaches 0.9·w_max and
// ends above it; it ends above every one of the ~80 000 other excitatory
// weights but a handful (< 0.1 %); their mean stays within 0.5 of its
// start, 1 (mV).
//
// The always-on run is a faster variant: the reward comes 0.1 to 0.3 s
// after the pairing instead of 1 to 3 s, for 200 s. The rewarded synapse's
// eligibility at a reward has decayed by exp(-delay/tau_c): about 0.82 of
// its value instead of 0.16 on average, so each reward moves it about five
// times as far, while the other synapses' eligibilities at a reward owe
// nothing to the delay (their pairings did not trigger it), so their
// changes a reward keep their size. Everything else is the paper's.
// Measured (seed 1): 9 rewards, the rewarded weight at 0.9·w_max after
// 1.6 min, 3.93 at 200 s; the other 80155: mean 0.82, 99th percentile
// 2.20, none at or above it. A 600 s run of the paper's model (snnc run
// --duration 600s) has 26 rewards, 2 in the first 100 s and 5 to 6 in the
// last ones, and the weight at 1.33, rising; the others' mean 0.67, 99th
// percentile 2.81. The paper's hour (SNNC_LONG=1, seed 1, 69 wall-minutes
// on a loaded machine): 192 rewards, the rewarded weight at 0.9·w_max after
// 13.0 min and at w_max (4) at the end, but 346 of the 80155 others (0.43 %)
// are at w_max too (mean 0.714, 99th percentile 3.97), so the long run
// fails the "stands out" bound below: the paper's claim that it stands out
// alone is not reproduced at the hour.
// SNNC_LONG=1 runs the paper's model for the paper's hour (about 14
// CPU-minutes). SNNC_FIGURES=1 draws docs/figures/izhikevich2007.png from
// the run.
func TestIzhikevich2007(t *testing.T) {
	dur, set, variant := 200.0, []string{"C.delay_min=100ms", "C.delay_max=300ms"}, "rewards 0.1-0.3 s late"
	if os.Getenv("SNNC_LONG") != "" {
		dur, set, variant = 3600, nil, "rewards 1-3 s late (the paper)"
	}
	res := izRun(t, dur, set)
	var rewards []float64
	for _, s := range res.Spikes {
		if s.Name == "C" {
			rewards = s.T
		}
	}
	if len(rewards) < 5 {
		t.Fatalf("%d rewards in %g s: the critic should reward n1 -> n2 often", len(rewards), dur)
	}
	clip := func(w float64) float64 { return math.Max(0, math.Min(izWMax, w)) }
	var rt, rw []float64
	var others []float64
	for _, m := range res.Weights {
		switch {
		case m.Name == "R":
			for k, row := range m.V {
				rt, rw = append(rt, m.T[k]/60), append(rw, clip(row[0]))
			}
		case strings.HasPrefix(m.Name, "EE"):
			for _, w := range m.V[len(m.V)-1] {
				others = append(others, clip(w))
			}
		}
	}
	if len(rw) == 0 || len(others) < 50000 {
		t.Fatalf("recorded %d samples of the rewarded weight and %d other weights", len(rw), len(others))
	}
	reached := -1.0
	for k, w := range rw {
		if w >= 0.9*izWMax {
			reached = rt[k]
			break
		}
	}
	final := rw[len(rw)-1]
	mean := 0.0
	above := 0
	for _, w := range others {
		mean += w / float64(len(others))
		if w >= final {
			above++
		}
	}
	sorted := append([]float64{}, others...)
	sort.Float64s(sorted)
	q99 := sorted[len(sorted)*99/100]
	t.Logf("%g s: %d rewards; the rewarded weight reached 0.9·w_max at %.1f min, ends at %.3f; the other %d: mean %.3f, 99th percentile %.3f, %d at or above the rewarded one",
		dur, len(rewards), reached, final, len(others), mean, q99, above)
	if reached < 0 || final < 0.9*izWMax {
		t.Errorf("the rewarded weight reached 0.9·w_max at %.1f min (-1: never) and ends at %.3f; want it at and above %g", reached, final, 0.9*izWMax)
	}
	if float64(above) > 1e-3*float64(len(others)) {
		t.Errorf("%d of %d other weights at or above the rewarded one (%.3f): it should stand out", above, len(others), final)
	}
	if math.Abs(mean-1) > 0.5 {
		t.Errorf("the other weights' mean ends at %.3f, want within 0.5 of its start 1", mean)
	}
	if os.Getenv("SNNC_FIGURES") != "" {
		izFigure(t, variant, rt, rw, rewards, sorted, final)
	}
}

// izFigure: the rewarded weight over time with the rewards, and the final
// distribution of the other excitatory weights with the rewarded one.
func izFigure(t *testing.T, variant string, rt, rw, rewards, sorted []float64, final float64) {
	t.Helper()
	var rx, ry []float64
	for _, r := range rewards {
		rx, ry = append(rx, r/60), append(ry, 0)
	}
	const bins = 40
	hx, hy := make([]float64, bins), make([]float64, bins)
	for k := range hx {
		hx[k] = (float64(k) + 0.5) * izWMax / bins
	}
	for _, w := range sorted {
		hy[min(bins-1, int(w/izWMax*bins))] += 100 / float64(len(sorted))
	}
	panels := []ah.Panel{
		{Title: "Distal reward (Izhikevich 2007): the rewarded synapse n1 -> n2, " + variant, XLabel: "time (min)", YLabel: "w (mV)", LegendLeft: true,
			Series: []ah.Series{{Line: "w(n1 -> n2)", CurveX: rt, CurveY: rw}, {Name: "rewards", X: rx, Sim: ry}}},
		{Title: "The other excitatory synapses at the end", XLabel: "w (mV)", YLabel: "% of synapses",
			Series: []ah.Series{{Line: "the others", CurveX: hx, CurveY: hy}, {Name: "n1 -> n2", X: []float64{final}, Sim: []float64{0}}}},
	}
	if err := ah.Figure("../docs/figures/izhikevich2007.png", panels); err != nil {
		t.Fatal(err)
	}
}
