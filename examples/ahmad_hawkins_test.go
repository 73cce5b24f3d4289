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

// counts returns, for a counter recorded every 100 ms, the hits summed
// over the population at the last sample and the trials behind them (one
// pattern per step before that sample, per neuron).
func counts(t *testing.T, res *gosim.Result, pop, v string) (hits, trials float64) {
	t.Helper()
	for _, m := range res.States {
		if m.Name == pop && m.Var == v {
			last := len(m.T) - 1
			for _, x := range m.V[last] {
				hits += x
			}
			steps := math.Round(m.T[last] / res.Summary.Dt)
			return hits, steps * float64(len(m.Index))
		}
	}
	t.Fatalf("no recording of %s.%s", pop, v)
	return 0, 0
}

// rateCheck tests a measured rate hits/trials against the closed form p,
// with se its standard error (binomial, sqrt(p(1−p)/trials), unless the
// counts are overdispersed). Where the expected count of the rarer outcome,
// λ = min(p, 1−p)·trials, is at least 25 the rate must be within 4 standard
// errors. Below that the normal approximation fails (a count of 0 or 1 is
// many "standard errors" from a tiny λ), so the count of the rarer outcome
// is tested against its Poisson distribution with mean λ: it fails when a
// count that small, or that large, has probability below 3.2e-5 (the
// one-sided tail beyond 4 standard errors). Four, not three: the test
// checks about 100 points (33 per seed, 3 seeds), and over 10 seeds (330
// points) the deviations were as from a standard normal (rms 0.9, extremes
// −2.7 and +3.7 SE), so 3 SE would fail about one run in four by chance,
// 4 SE one in 160. A rate of 0 where the closed form expects 190 events
// (13.8 SE) fails; six events where it expects 0.4 fail too. It returns ""
// when the rate passes.
func rateCheck(hits, trials, p, se float64) string {
	sim := hits / trials
	k, q := hits, p
	if p > 0.5 {
		k, q = trials-hits, 1-p
	}
	lambda := q * trials
	if lambda >= 25 {
		if math.Abs(sim-p) > 4*se {
			return fmt.Sprintf("simulated %.6f, formula %.6f ± %.6f (4 SE; %.1f SE off)", sim, p, 4*se, (sim-p)/se)
		}
		return ""
	}
	below, above := poissonCDF(k, lambda), 1-poissonCDF(k-1, lambda)
	if below < 3.2e-5 || above < 3.2e-5 {
		return fmt.Sprintf("simulated %.6f, formula %.6f: %g rare events where %.3g are expected (Poisson tails %.2g below, %.2g above)",
			sim, p, k, lambda, below, above)
	}
	return ""
}

// poissonCDF is P(K ≤ k) for K ~ Poisson(lambda) (0 for k < 0).
func poissonCDF(k, lambda float64) float64 {
	if k < 0 {
		return 0
	}
	sum, term := 0.0, math.Exp(-lambda)
	for i := 0.0; i <= k; i++ {
		if i > 0 {
			term *= lambda / i
		}
		sum += term
	}
	return math.Min(sum, 1)
}

// TestRateCheck: the rate check fails for the right reasons and passes
// the expected counts (380 000 trials, as one point of the example).
func TestRateCheck(t *testing.T) {
	const n = 380000
	for _, c := range []struct {
		hits, p float64
		pass    bool
	}{
		{0, 5e-4, false},              // 190 events expected, none seen
		{190, 5e-4, true},             // as expected
		{190 + 3.5*13.8, 5e-4, true},  // 3.5 SE above
		{190 + 4.5*13.8, 5e-4, false}, // 4.5 SE above
		{190 - 4.5*13.8, 5e-4, false}, // 4.5 SE below
		{0, 1e-5, true},               // λ = 3.8: P(K = 0) = 0.022
		{0, 5e-5, false},              // λ = 19: P(K = 0) = 5.6e-9
		{0, 1e-6, true},               // λ = 0.38: nothing seen is likely
		{5, 1e-6, true},               // P(K >= 5) = 4.8e-5
		{6, 1e-6, false},              // P(K >= 6) = 3.1e-6
		{1, 0, false},                 // an event the formula forbids
		{0, 0, true},                  // none, as the formula says
		{n, 1, true},                  // every trial, as the formula says
		{n - 1, 1 - 1e-4, false},      // 1 miss where 38 are expected
	} {
		msg := rateCheck(c.hits, n, c.p, math.Sqrt(c.p*(1-c.p)/n))
		if (msg == "") != c.pass {
			t.Errorf("%g hits of %d at p = %g: pass %v, want %v (%s)", c.hits, n, c.p, msg == "", c.pass, msg)
		}
	}
}

// TestAhmadHawkins2016: examples/ahmad_hawkins2016.snn against the paper's
// closed forms — false matches vs θ and s, misses vs the number of noisy
// cells, and the false matches of a union of M patterns on one segment
// (n = 1000, a = 40; see the model's header). With SNNC_FIGURES=1 it
// redraws docs/figures/ahmad_hawkins2016.png; with SNNC_LONG=1 it runs 25
// times longer (10 million trials per point; about 30 s).
func TestAhmadHawkins2016(t *testing.T) {
	seconds := 0.0 // the model's 2 s
	if os.Getenv("SNNC_LONG") != "" {
		seconds = 50 // 49 900 patterns: 10 million trials per point
	}
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprintf("seed%d", seed), func(t *testing.T) {
			res := runSeed(t, "ahmad_hawkins2016.snn", seconds, seed)
			checkAhmadHawkins(t, res, seed == 1 && os.Getenv("SNNC_FIGURES") != "")
		})
	}
}

func checkAhmadHawkins(t *testing.T, res *gosim.Result, figure bool) {
	const n, a = 1000, 40
	// a binomial count against its closed form
	within := func(what string, hits, trials, p float64) {
		t.Helper()
		withinSE(t, what, hits, trials, p, math.Sqrt(p*(1-p)/trials))
	}
	var panels [4]ah.Panel
	panels[0] = ah.Panel{Title: "False match vs θ (n = 1000, a = 40, s = 24)", XLabel: "θ", YLabel: "P(false match)", LogY: true}
	panels[1] = ah.Panel{Title: "False match vs s (n = 1000, a = 40, θ = 3)", XLabel: "s", YLabel: "P(false match)", LogY: true}
	panels[2] = ah.Panel{Title: "Noise: miss vs noisy cells v (a = 40, s = 20)", XLabel: "v", YLabel: "P(false negative)", LegendLeft: true}
	panels[3] = ah.Panel{Title: "Union of M patterns (n = 1000, a = 40, s = 24, θ = 6)", XLabel: "M", YLabel: "P(false match)", LogY: true, LegendLeft: true}

	sTheta := ah.Series{Name: "s = 24"}
	for th := 2; th <= 6; th++ {
		hits, trials := counts(t, res, "F", fmt.Sprintf("s24t%d", th))
		within(fmt.Sprintf("P_fm s=24 θ=%d", th), hits, trials, ah.FalseMatch(n, a, 24, th))
		sTheta.X, sTheta.Sim = append(sTheta.X, float64(th)), append(sTheta.Sim, hits/trials)
	}
	for th := 1; th <= 10; th++ {
		sTheta.CurveX, sTheta.CurveY = append(sTheta.CurveX, float64(th)), append(sTheta.CurveY, ah.FalseMatch(n, a, 24, th))
	}
	panels[0].Series = []ah.Series{sTheta}

	sS := ah.Series{Name: "θ = 3"}
	for _, s := range []int{8, 12, 16, 24, 32, 48} {
		hits, trials := counts(t, res, "F", fmt.Sprintf("s%dt3", s))
		within(fmt.Sprintf("P_fm s=%d θ=3", s), hits, trials, ah.FalseMatch(n, a, s, 3))
		sS.X, sS.Sim = append(sS.X, float64(s)), append(sS.Sim, hits/trials)
	}
	for s := 3; s <= 64; s++ {
		sS.CurveX, sS.CurveY = append(sS.CurveX, float64(s)), append(sS.CurveY, ah.FalseMatch(n, a, s, 3))
	}
	panels[1].Series = []ah.Series{sS}

	for _, th := range []int{10, 12} {
		sr := ah.Series{Name: fmt.Sprintf("θ = %d", th)}
		for v := 0; v <= 32; v += 4 {
			hits, trials := counts(t, res, fmt.Sprintf("V%d", v), fmt.Sprintf("hits%d", th))
			sim := 1 - hits/trials
			within(fmt.Sprintf("P_fn s=20 θ=%d v=%d", th, v), trials-hits, trials, ah.Miss(a, 20, th, v))
			sr.X, sr.Sim = append(sr.X, float64(v)), append(sr.Sim, sim)
		}
		for v := 0; v <= 40; v++ {
			sr.CurveX, sr.CurveY = append(sr.CurveX, float64(v)), append(sr.CurveY, ah.Miss(a, 20, th, v))
		}
		panels[2].Series = append(panels[2].Series, sr)
	}

	// Unions: each neuron's segment has its own random size u, so one
	// neuron's hits over T patterns vary more than binomially (by the
	// variance of its own rate over u): Var = [p(1−p) − V + T·V]/(N·T).
	// The test compares with the exact mixture over u; the paper's
	// P_fm(round(s')) is within 5 % of it here (4.6 % at M = 2; checked
	// below), which is more than 3 standard errors at M = 2 and M = 8.
	paper, exact := ah.Series{Name: "paper's P_fm(round(s'))"}, ah.Series{Name: "exact mixture over the union's size"}
	for _, M := range []int{1, 2, 4, 8} {
		hits, trials := counts(t, res, "U", fmt.Sprintf("m%d", M))
		T := trials / 200
		p, V := ah.UnionFalseMatchExact(n, a, 24, M, 6)
		se := math.Sqrt((p*(1-p) - V + T*V) / trials)
		withinSE(t, fmt.Sprintf("union M=%d (exact)", M), hits, trials, p, se)
		approx := ah.UnionFalseMatch(n, a, 24, M, 6)
		t.Logf("%-34s formula %.5f (s' = %.1f)", fmt.Sprintf("union M=%d (paper)", M), approx, ah.UnionSize(n, 24, M))
		if p > 1e-3 && math.Abs(approx-p) > 0.05*p {
			t.Errorf("union M=%d: the paper's approximation %.5f is not within 5 %% of the exact %.5f", M, approx, p)
		}
		paper.X, paper.Sim = append(paper.X, float64(M)), append(paper.Sim, hits/trials)
	}
	for M := 1; M <= 10; M++ {
		p, _ := ah.UnionFalseMatchExact(n, a, 24, M, 6)
		paper.CurveX, paper.CurveY = append(paper.CurveX, float64(M)), append(paper.CurveY, ah.UnionFalseMatch(n, a, 24, M, 6))
		exact.CurveX, exact.CurveY = append(exact.CurveX, float64(M)), append(exact.CurveY, p)
	}
	panels[3].Series = []ah.Series{paper, exact}

	if figure {
		if err := ah.Figure("../docs/figures/ahmad_hawkins2016.png", panels[:]); err != nil {
			t.Fatal(err)
		}
	}
}

// withinSE logs a measured rate against its closed form and fails the
// test where rateCheck does.
func withinSE(t *testing.T, what string, hits, trials, p, se float64) {
	t.Helper()
	sim := hits / trials
	t.Logf("%-34s simulated %.5f  formula %.5f  (%.1f SE)", what, sim, p, (sim-p)/math.Max(se, 1e-300))
	if msg := rateCheck(hits, trials, p, se); msg != "" {
		t.Errorf("%s: %s", what, msg)
	}
}

// runSeed runs a model for seconds (0: its own duration) with the seed
// (0: its own).
func runSeed(t *testing.T, path string, seconds float64, seed uint64) *gosim.Result {
	t.Helper()
	p, _, diags := snnc.CompileIR(path, snnc.Options{Passes: passes.Options{Verify: true}})
	if p == nil {
		t.Fatal(diags)
	}
	o := gosim.Options{Duration: seconds}
	if seed != 0 {
		o.Seed = &seed
	}
	res, err := gosim.Run(p, o)
	if err != nil {
		t.Fatal(err)
	}
	return res
}
