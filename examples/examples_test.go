// Package examples_test runs every example end to end and checks its
// result against the reference it reproduces (Brian2 2.5.1's runs of the
// same models, bench/brian2/results).
package examples_test

import (
	"testing"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/backends/gosim"
	_ "github.com/snnc/snnc/internal/golden"
	"github.com/snnc/snnc/passes"
)

func run(t *testing.T, path string) *gosim.Result {
	t.Helper()
	p, _, diags := snnc.CompileIR(path, snnc.Options{Passes: passes.Options{Verify: true}})
	if p == nil {
		t.Fatal(diags)
	}
	res, err := gosim.Run(p, gosim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func meanRate(r *gosim.Result) float64 {
	n, spikes := 0, int64(0)
	for _, p := range r.Summary.Populations {
		n += p.N
		spikes += p.Spikes
	}
	return float64(spikes) / float64(n) / r.Summary.Duration
}

// TestBenchmarkRates: CUBA and COBA fire at Brian2's rates. Brian2 over 20
// seeds: CUBA 5.58 ± 0.21 Hz, COBA 19.19 ± 1.09 Hz (one seed here, so the
// band is 4 standard deviations; bench/compare_brian2.py compares means).
func TestBenchmarkRates(t *testing.T) {
	for _, c := range []struct {
		model    string
		mean, sd float64
	}{{"cuba.snn", 5.58, 0.21}, {"coba.snn", 19.19, 1.09}} {
		got := meanRate(run(t, c.model))
		if got < c.mean-4*c.sd || got > c.mean+4*c.sd {
			t.Errorf("%s: %.2f Hz, Brian2 %.2f ± %.2f Hz", c.model, got, c.mean, c.sd)
		}
	}
}

// TestSong2000Bimodal: after 100 s of additive STDP the weights pile up at
// both ends. Brian2 (cpp_standalone, same model and parameters): 25.1 %
// below 0.1·g_max and 18.8 % above 0.9·g_max; with 1000 synapses one run
// differs from another by a few percent, so the band is ±8 points.
func TestSong2000Bimodal(t *testing.T) {
	res := run(t, "stdp_song2000.snn")
	w := res.Weights[0].V[len(res.Weights[0].V)-1]
	const gmax = 0.01
	low, high := 0, 0
	for _, x := range w {
		if x < 0 || x > gmax {
			t.Fatalf("weight %g outside [0, g_max]", x)
		}
		if x < 0.1*gmax {
			low++
		}
		if x > 0.9*gmax {
			high++
		}
	}
	fl, fh := float64(low)/float64(len(w)), float64(high)/float64(len(w))
	if fl < 0.251-0.08 || fl > 0.251+0.08 || fh < 0.188-0.08 || fh > 0.188+0.08 {
		t.Errorf("ends of the weight distribution: %.3f low, %.3f high; Brian2 0.251, 0.188", fl, fh)
	}
	t.Logf("after 100 s: %.1f %% of weights below 0.1 g_max, %.1f %% above 0.9 g_max", 100*fl, 100*fh)
}

// TestPlasticityRules: every standard rule runs in one network; every
// population fires and every plastic projection's weights move (the rules'
// formulas are tested in backends/gosim).
func TestPlasticityRules(t *testing.T) {
	p, _, diags := snnc.CompileIR("plasticity_rules.snn", snnc.Options{Passes: passes.Options{Verify: true}})
	if p == nil {
		t.Fatal(diags)
	}
	res, err := gosim.Run(p, gosim.Options{Duration: 2})
	if err != nil {
		t.Fatal(err)
	}
	for _, pop := range res.Summary.Populations {
		if pop.Spikes == 0 {
			t.Errorf("%s never fired", pop.Name)
		}
	}
	if len(res.Weights) != 9 {
		t.Fatalf("%d weight recordings, want 9 plastic projections", len(res.Weights))
	}
	for _, w := range res.Weights {
		first, last := w.V[0], w.V[len(w.V)-1]
		moved := false
		for k := range first {
			moved = moved || first[k] != last[k]
		}
		if !moved {
			t.Errorf("%s: no weight changed in 2 s", w.Name)
		}
	}
}
