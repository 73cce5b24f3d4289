package gosim_test

// The rate-based rules of std/plasticity — Hebb, Oja and BCM — end to end
// through snnc.CompileSource and gosim.Run, against an independent
// event-by-event replay of each rule's formula (as stdlib/plasticity.snn
// declares it) and against the qualitative properties their papers promise.
//
// The models are built as in plasticity_test.go (pairModel, the Relay
// neuron, spike_times inputs: synapse k connects Pre[k] to Post[k]; a post
// spike wanted at step m is driven at step m-1 and checkPostSpikes verifies
// it happened there). The replay turns every rate estimate into a sum of
// exponentials of the spike times: x jumps by 1/tau_x at each pre spike, y
// by 1/tau_y at each post spike, both decay exponentially; BCM's threshold
// theta solves theta' = (y²/y0 - theta)/tau_theta exactly between spikes
// (y = Y·exp(-s/tau_y) there, so theta is a sum of two exponentials). A pre
// and a post spike in the same step: the pre spike first (on pre runs
// before on post). Weights are compared along their whole recorded
// trajectory, not only at the end.
//
// Time frames. Lazy traces are advanced to the step's time t_n at an event;
// with the lazy pass off every synaptic variable is integrated every step,
// before the events of the step, so the handlers of step n see it at
// t_n + dt. Only differences of spike times enter Hebb and Oja (their traces
// start at 0), so both frames give the same weights. BCM's theta starts at
// y0 and decays from t = 0, so its frame shows (by a relative 1e-5): the BCM
// replay takes the frame as a parameter (off = dt for the clock-driven run).
//
// Parameters are hard-coded from stdlib/plasticity.snn; expectations are
// computed here, never hard-coded.

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/snnc/snnc/backends/gosim"
)

// The rules' defaults, from stdlib/plasticity.snn (SI units).
const (
	hebbTauX = 100e-3 // s
	hebbEta  = 0.1e-3 // s
	hebbWMax = 1.0

	ojaTauX = 100e-3
	ojaTauY = 100e-3
	ojaEta  = 0.1e-3

	bcmTauX     = 100e-3
	bcmTauY     = 100e-3
	bcmTauTheta = 10.0 // s
	bcmY0       = 10.0 // Hz
	bcmEta      = 1e-6 // s² (1 ms²)
	bcmWMax     = 1.0
)

// ------------------------------------------------------------ the replay

type rbEv struct {
	step int
	pre  bool
}

// rbEvents merges the spike steps of one synapse; in one step the pre spike
// comes first.
func rbEvents(pre, post []int) []rbEv {
	var evs []rbEv
	for _, s := range pre {
		evs = append(evs, rbEv{s, true})
	}
	for _, s := range post {
		evs = append(evs, rbEv{s, false})
	}
	slices.SortStableFunc(evs, func(a, b rbEv) int {
		if a.step != b.step {
			return a.step - b.step
		}
		switch {
		case a.pre == b.pre:
			return 0
		case a.pre:
			return -1
		}
		return 1
	})
	return evs
}

// rbReplay runs one synapse's spikes through a rule: adv(d) decays the
// rule's state over d seconds, onPre/onPost are its handlers, w reads the
// weight. The event of step n happens at n·dt + off. Returns w after all
// events of the steps <= each of samples (sorted).
func rbReplay(pre, post, samples []int, off float64, adv func(d float64), onPre, onPost func(step int), w func() float64) []float64 {
	out := make([]float64, 0, len(samples))
	last, j := 0.0, 0
	for _, e := range rbEvents(pre, post) {
		for j < len(samples) && samples[j] < e.step {
			out = append(out, w())
			j++
		}
		tt := float64(e.step)*plDt + off
		if d := tt - last; d > 0 {
			adv(d)
			last = tt
		}
		if e.pre {
			onPre(e.step)
		} else {
			onPost(e.step)
		}
	}
	for ; j < len(samples); j++ {
		out = append(out, w())
	}
	return out
}

type hebbParams struct{ tauX, eta, wMax float64 }

var hebbStd = hebbParams{hebbTauX, hebbEta, hebbWMax}

// hebbRef: x += 1/tau_x at a pre spike; w = clip(w + eta·x, 0, w_max) at a
// post spike (stdlib Hebb).
func hebbRef(p hebbParams, w0 float64, pre, post, samples []int) []float64 {
	w, x := w0, 0.0
	return rbReplay(pre, post, samples, 0,
		func(d float64) { x *= math.Exp(-d / p.tauX) },
		func(int) { x += 1 / p.tauX },
		func(int) { w = clip(w+p.eta*x, 0, p.wMax) },
		func() float64 { return w })
}

type ojaParams struct{ tauX, tauY, eta float64 }

var ojaStd = ojaParams{ojaTauX, ojaTauY, ojaEta}

// ojaRef: x += 1/tau_x at a pre spike; at a post spike y += 1/tau_y, then
// w += eta·(x - y·w), unclipped (stdlib Oja).
func ojaRef(p ojaParams, w0 float64, pre, post, samples []int) []float64 {
	w, x, y := w0, 0.0, 0.0
	return rbReplay(pre, post, samples, 0,
		func(d float64) { x *= math.Exp(-d / p.tauX); y *= math.Exp(-d / p.tauY) },
		func(int) { x += 1 / p.tauX },
		func(int) { y += 1 / p.tauY; w += p.eta * (x - y*w) },
		func() float64 { return w })
}

type bcmParams struct{ tauX, tauY, tauTheta, y0, eta, wMax, theta0 float64 }

var bcmStd = bcmParams{bcmTauX, bcmTauY, bcmTauTheta, bcmY0, bcmEta, bcmWMax, bcmY0}

// bcmPost: what the update of one post spike read, and its step.
type bcmPost struct {
	step           int
	x, y, theta, d float64 // d: eta·x·(y - theta) before clipping
}

// bcmRef: x += 1/tau_x at a pre spike; at a post spike y += 1/tau_y, then
// w = clip(w + eta·x·(y - theta), 0, w_max); theta' = (y²/y0 - theta)/
// tau_theta, integrated exactly: with y = Y·exp(-s/tau_y) between spikes,
//
//	theta(s) = theta(0)·exp(-s/tau_theta) + A·(exp(-2s/tau_y) - exp(-s/tau_theta)),
//	A = Y²/(y0·tau_theta) / (1/tau_theta - 2/tau_y).
func bcmRef(p bcmParams, w0 float64, pre, post, samples []int, off float64) ([]float64, []bcmPost) {
	w, x, y, theta := w0, 0.0, 0.0, p.theta0
	var recs []bcmPost
	ws := rbReplay(pre, post, samples, off,
		func(d float64) {
			a := y * y / (p.y0 * p.tauTheta) / (1/p.tauTheta - 2/p.tauY)
			et := math.Exp(-d / p.tauTheta)
			theta = theta*et + a*(math.Exp(-2*d/p.tauY)-et)
			y *= math.Exp(-d / p.tauY)
			x *= math.Exp(-d / p.tauX)
		},
		func(int) { x += 1 / p.tauX },
		func(step int) {
			y += 1 / p.tauY
			d := p.eta * x * (y - theta)
			recs = append(recs, bcmPost{step, x, y, theta, d})
			w = clip(w+d, 0, p.wMax)
		},
		func() float64 { return w })
	return ws, recs
}

// ------------------------------------------------------------ spike trains

// periodic: steps start, start+period, ... below end.
func periodic(start, period, end int) []int {
	var s []int
	for k := start; k < end; k += period {
		s = append(s, k)
	}
	return s
}

// bernoulliTrain: a Poisson train on the step grid (probability rate·dt
// per step, as gosim's poisson input) in [from, to), at least gap steps
// apart (a post train needs gap 2: the Relay cannot fire in two
// consecutive steps).
func bernoulliTrain(rng *rand.Rand, rate float64, from, to, gap int) []int {
	var s []int
	for k := from; k < to; k++ {
		if len(s) > 0 && k-s[len(s)-1] < gap {
			continue
		}
		if rng.Float64() < rate*plDt {
			s = append(s, k)
		}
	}
	return s
}

// shifted: the steps moved by d, kept in [1, end).
func shifted(steps []int, d, end int) []int {
	var s []int
	for _, x := range steps {
		if x+d >= 1 && x+d < end {
			s = append(s, x+d)
		}
	}
	return s
}

// concat joins trains on disjoint, increasing ranges.
func concat(parts ...[]int) []int {
	var s []int
	for _, p := range parts {
		s = append(s, p...)
	}
	return s
}

// ------------------------------------------------------------ models

// rbModel is pairModel with the weights recorded every everyMS (0: once,
// at the end).
func rbModel(trains []train, projs []plProj, durMS, everyMS float64, extra ...string) string {
	src := pairModel(trains, projs, durMS, extra...)
	if everyMS > 0 {
		for _, p := range projs {
			src = strings.Replace(src, fmt.Sprintf("record weights(%s)\n", p.name),
				fmt.Sprintf("record weights(%s) every %g ms\n", p.name, everyMS), 1)
		}
	}
	return src
}

// weightSeries: the recorded w of synapse k = Pre[k] -> Post[k] of a
// one_to_one projection, and the step after whose events each sample was
// taken.
func weightSeries(t *testing.T, res *gosim.Result, name string, n int) ([]int, [][]float64) {
	t.Helper()
	m := weightMon(t, res, name)
	if len(m.V) == 0 {
		t.Fatalf("%s: no samples", name)
	}
	steps := make([]int, len(m.T))
	for i, ts := range m.T {
		// a sample at step n is taken at its start, after the events of
		// step n-1 (the one at the end of the run after the last step's)
		steps[i] = int(math.Round(ts/plDt)) - 1
	}
	w := make([][]float64, n)
	for s := range m.Pre {
		k := int(m.Pre[s])
		if int(m.Post[s]) != k {
			t.Fatalf("%s: synapse %d is %d -> %d, want one_to_one", name, s, m.Pre[s], m.Post[s])
		}
		w[k] = make([]float64, len(m.V))
		for i := range m.V {
			w[k][i] = m.V[i][s]
		}
	}
	for k := range w {
		if w[k] == nil {
			t.Fatalf("%s: no synapse %d -> %d", name, k, k)
		}
	}
	return steps, w
}

// rbTracker compares weights with the replay. A replayed weight at a bound
// must be hit exactly, an unchanged one must be unchanged exactly;
// otherwise the change Δw = w - w0 must agree to 1e-9
// relative, with an absolute floor of 1e-13 for rounding (a handful of
// samples where the rule has hardly moved w yet: tens of additions of
// numbers ~1 accumulate ~1e-15). maxRel is over the samples where the
// floor does not matter (|Δw| >= 1e-4).
type rbTracker struct {
	t                         *testing.T
	maxRel, maxAbsSmall       float64
	n, atBound, zeros, floors int
}

func (e *rbTracker) check(what string, w0, got, want, lo, hi float64) {
	e.t.Helper()
	e.n++
	if want == lo || want == hi {
		e.atBound++
		if got != want {
			e.t.Errorf("%s: w = %.17g, want the bound %g (w0 = %g)", what, got, want, w0)
		}
		return
	}
	dGot, dWant := got-w0, want-w0
	if dWant == 0 {
		e.zeros++
		if dGot != 0 {
			e.t.Errorf("%s: Δw = %.17g, want exactly 0 (w0 = %g)", what, dGot, w0)
		}
		return
	}
	diff := math.Abs(dGot - dWant)
	if math.Abs(dWant) >= 1e-4 {
		e.maxRel = math.Max(e.maxRel, diff/math.Abs(dWant))
	} else {
		e.floors++
		e.maxAbsSmall = math.Max(e.maxAbsSmall, diff)
	}
	if !(diff <= math.Max(1e-9*math.Abs(dWant), 1e-13)) {
		e.t.Errorf("%s: Δw = %.17g, want %.17g (relative error %.3g, w0 = %g)", what, dGot, dWant, diff/math.Abs(dWant), w0)
	}
}

func (e *rbTracker) String() string {
	return fmt.Sprintf("%d samples: %d at a bound (exact), %d unchanged (exact), %d with 0 < |Δw| < 1e-4 (max abs error %.2g); max relative error of Δw %.3g",
		e.n, e.atBound, e.zeros, e.floors, e.maxAbsSmall, e.maxRel)
}

// trajectory compares every sample of one projection with the replay.
func (e *rbTracker) trajectory(label string, res *gosim.Result, proj string, trains []train, w0, lo, hi float64,
	ref func(k int, samples []int) []float64) [][]float64 {
	e.t.Helper()
	steps, w := weightSeries(e.t, res, proj, len(trains))
	for k := range trains {
		want := ref(k, steps)
		for i := range steps {
			e.check(fmt.Sprintf("%s %s synapse %d at %s", label, proj, k, msOf(steps[i])), w0, w[k][i], want[i], lo, hi)
		}
	}
	return w
}

func lazyLabel(off []string) string {
	if off == nil {
		return "lazy traces"
	}
	return "lazy off"
}

// ------------------------------------------------------------------ Hebb

// TestHebbFormula: Hebb (dw = eta·x at each post spike, x a pre-rate trace,
// w clipped to [0, w_max]) on six trains over 3 s — independent Poisson
// pre/post, causally correlated (post 2 ms after each pre), pre and post in
// the same step, 100 Hz locked trains (reach w_max), pre only, post only —
// from w0 = 0.2 and 0.9; every 10 ms sample of w equals the replay (1e-9
// relative), with lazy traces and with the lazy pass off.
func TestHebbFormula(t *testing.T) {
	const end = 30000 // steps (3 s)
	rng := rand.New(rand.NewPCG(6, 1))
	pre0 := bernoulliTrain(rng, 20, 0, end, 1)
	pre1 := bernoulliTrain(rng, 20, 0, end, 2)
	trains := []train{
		{pre0, bernoulliTrain(rng, 20, 1, end, 2)},         // independent
		{pre1, shifted(pre1, 20, end)},                     // post 2 ms after each pre
		{periodic(100, 400, end), periodic(100, 400, end)}, // same step, 25 Hz
		{periodic(100, 100, end), periodic(110, 100, end)}, // 100 Hz, post 1 ms after pre
		{bernoulliTrain(rng, 20, 0, end, 1), nil},          // pre only
		{nil, bernoulliTrain(rng, 20, 1, end, 2)},          // post only
	}
	starts := map[string]float64{"HA": 0.2, "HB": 0.9}
	projs := []plProj{{"HA", "Hebb", []string{"w = 0.2"}}, {"HB", "Hebb", []string{"w = 0.9"}}}
	src := rbModel(trains, projs, 3000, 10)
	for _, off := range [][]string{nil, {"lazy"}} {
		res := plCompileRun(t, src, off...)
		checkPostSpikes(t, res, trains)
		e := &rbTracker{t: t}
		for _, p := range projs {
			w0 := starts[p.name]
			e.trajectory(lazyLabel(off), res, p.name, trains, w0, 0, hebbWMax, func(k int, samples []int) []float64 {
				return hebbRef(hebbStd, w0, trains[k].pre, trains[k].post, samples)
			})
		}
		if e.atBound == 0 || e.atBound == e.n {
			t.Errorf("%d of %d samples at w_max: the test must cover both clipped and free weights", e.atBound, e.n)
		}
		t.Logf("%s: %v", lazyLabel(off), e)
	}
}

// hebbPoissonExpectation: the mean and standard deviation of Σ_k x(t_k)
// over the post spikes t_k (steps) when the pre train is Bernoulli with
// probability p per step, independent of the post train — the expectation
// of Δw/eta computed from the recorded post train. x(n) = Σ_{s<=n} b_s·
// q^{n-s}/tau (q = exp(-dt/tau), b_s the pre spike indicator) gives
//
//	E x(n) = (p/tau)·(1 - q^{n+1})/(1 - q)
//	Cov(x(n), x(m)) = p(1-p)/tau² · q^{m-n}·(1 - q^{2(n+1)})/(1 - q²),  n <= m.
func hebbPoissonExpectation(post []int, p, tau float64) (mean, sd float64) {
	q := math.Exp(-plDt / tau)
	K := p * (1 - p) / (tau * tau * (1 - q*q))
	// Σ_{i<j} Cov = K·Σ_j (A_j - q^{m_j}·B_j), A_j = Σ_{i<j} q^{m_j - n_i}, B_j = Σ_{i<j} q^{n_i + 2}
	v, A, B := 0.0, 0.0, 0.0
	for j, m := range post {
		mean += p / tau * (1 - math.Pow(q, float64(m+1))) / (1 - q)
		v += K * (1 - math.Pow(q, float64(2*(m+1))))
		if j > 0 {
			A = math.Pow(q, float64(m-post[j-1])) * (A + 1)
			B += math.Pow(q, float64(post[j-1]+2))
			v += 2 * K * (A - math.Pow(q, float64(m))*B)
		}
	}
	return mean, math.Sqrt(v)
}

// TestHebbCorrelation: what Hebb's rule promises. One pre train (Poisson
// 20 Hz, 5 s) against post trains that are: causally correlated (a post
// spike 2 ms after every pre spike), independent Poisson at the same rate,
// anti-causal (2 ms before every pre spike), absent; plus a synapse with
// post spikes and no pre spikes. Checked on the simulated weights:
//   - without post spikes, and without pre spikes, w never moves (exactly);
//   - w never decreases (dw = eta·x >= 0);
//   - correlated > independent > 0, and correlated > anti-causal: Hebbian
//     growth follows the correlation of pre and post activity;
//   - correlated >= eta·N_post·exp(-2 ms/tau_x)/tau_x, the pairing term alone;
//   - independent: Δw/eta within 4 standard deviations of its expectation
//     given the recorded post train (hebbPoissonExpectation): the rate form
//     dw/dt = eta·x·y with <x> = r_pre.
func TestHebbCorrelation(t *testing.T) {
	const end, w0 = 50000, 0.1
	rng := rand.New(rand.NewPCG(6, 2))
	pre := bernoulliTrain(rng, 20, 0, end, 2)
	indep := bernoulliTrain(rng, 20, 1, end, 2)
	trains := []train{
		{pre, shifted(pre, 20, end)},  // correlated
		{pre, indep},                  // independent
		{pre, shifted(pre, -20, end)}, // anti-causal
		{pre, nil},                    // no post
		{nil, indep},                  // no pre
	}
	names := []string{"correlated", "independent", "anti-causal", "no post", "no pre"}
	projs := []plProj{{"H", "Hebb", []string{fmt.Sprintf("w = %g", w0), "w_max = 100"}}}
	res := plCompileRun(t, rbModel(trains, projs, 5000, 10))
	checkPostSpikes(t, res, trains)
	_, w := weightSeries(t, res, "H", len(trains))
	dw := make([]float64, len(trains))
	for k := range trains {
		for i := 1; i < len(w[k]); i++ {
			if w[k][i] < w[k][i-1] {
				t.Errorf("%s: w decreased from %.17g to %.17g", names[k], w[k][i-1], w[k][i])
				break
			}
		}
		dw[k] = w[k][len(w[k])-1] - w0
	}
	for _, k := range []int{3, 4} {
		for i, x := range w[k] {
			if x != w0 {
				t.Errorf("%s: w = %.17g at sample %d, want %g unchanged", names[k], x, i, w0)
				break
			}
		}
	}
	if !(dw[0] > dw[1] && dw[1] > 0 && dw[0] > dw[2]) {
		t.Errorf("Δw correlated %.4g, independent %.4g, anti-causal %.4g: want correlated > independent > 0 and correlated > anti-causal", dw[0], dw[1], dw[2])
	}
	if lb := hebbEta * float64(len(trains[0].post)) * math.Exp(-2e-3/hebbTauX) / hebbTauX; !(dw[0] >= lb) {
		t.Errorf("correlated: Δw = %.6g below the pairing term alone %.6g", dw[0], lb)
	}
	mean, sd := hebbPoissonExpectation(indep, 20*plDt, hebbTauX)
	z := (dw[1]/hebbEta - mean) / sd
	if math.Abs(z) > 4 {
		t.Errorf("independent: Δw/eta = %.6g, expected %.6g ± %.3g (z = %.2f)", dw[1]/hebbEta, mean, sd, z)
	}
	// and the replay, for the record
	e := &rbTracker{t: t}
	e.trajectory("", res, "H", trains, w0, 0, 100, func(k int, samples []int) []float64 {
		return hebbRef(hebbParams{hebbTauX, hebbEta, 100}, w0, trains[k].pre, trains[k].post, samples)
	})
	t.Logf("Δw: correlated %.5g, independent %.5g (expected %.5g ± %.2g, z = %.2f), anti-causal %.5g, no post %g, no pre %g; replay: %v",
		dw[0], dw[1], hebbEta*mean, hebbEta*sd, z, dw[2], dw[3], dw[4], e)
}

// ------------------------------------------------------------------- Oja

// TestOjaFormula: Oja (at a post spike y += 1/tau_y, then dw = eta·(x -
// y·w), no clip) on six trains over 3 s — independent Poisson pre 30 Hz /
// post 20 Hz, causally correlated, 100 Hz locked trains, pre and post in the
// same step, pre only (w still), post only (w decays: -eta·y·w) — from
// w0 = 0.05 and 1.5; every 10 ms sample equals the replay (1e-9 relative),
// with lazy traces and with the lazy pass off.
func TestOjaFormula(t *testing.T) {
	const end = 30000
	rng := rand.New(rand.NewPCG(6, 3))
	pre1 := bernoulliTrain(rng, 20, 0, end, 2)
	trains := []train{
		{bernoulliTrain(rng, 30, 0, end, 1), bernoulliTrain(rng, 20, 1, end, 2)},
		{pre1, shifted(pre1, 20, end)},
		{periodic(70, 100, end), periodic(100, 100, end)},
		{periodic(100, 400, end), periodic(100, 400, end)},
		{bernoulliTrain(rng, 20, 0, end, 1), nil},
		{nil, bernoulliTrain(rng, 20, 1, end, 2)},
	}
	starts := map[string]float64{"OA": 0.05, "OB": 1.5}
	projs := []plProj{{"OA", "Oja", []string{"w = 0.05"}}, {"OB", "Oja", []string{"w = 1.5"}}}
	src := rbModel(trains, projs, 3000, 10)
	for _, off := range [][]string{nil, {"lazy"}} {
		res := plCompileRun(t, src, off...)
		checkPostSpikes(t, res, trains)
		e := &rbTracker{t: t}
		for _, p := range projs {
			w0 := starts[p.name]
			w := e.trajectory(lazyLabel(off), res, p.name, trains, w0, math.Inf(-1), math.Inf(1), func(k int, samples []int) []float64 {
				return ojaRef(ojaStd, w0, trains[k].pre, trains[k].post, samples)
			})
			if got := w[4][len(w[4])-1]; got != w0 {
				t.Errorf("%s pre only: w = %.17g, want %g", p.name, got, w0)
			}
			if got := w[5][len(w[5])-1]; !(got < w0 && got > 0) {
				t.Errorf("%s post only: w = %.17g, want the decay term -eta·y·w to shrink it from %g towards 0", p.name, got, w0)
			}
		}
		t.Logf("%s: %v", lazyLabel(off), e)
	}
}

// ojaLocked: post spikes every postPeriod steps from step start; pre spikes
// every prePeriod steps (postPeriod a multiple m of it), the last one before
// each post spike lead steps before it, from m spikes before the first post
// spike on. In the periodic steady state every post spike reads the same
//
//	X = Σ_{i<m} exp(-(lead + i·prePeriod)·dt/tau_x)/tau_x / (1 - exp(-T/tau_x)),  m = postPeriod/prePeriod
//	Y = 1/tau_y / (1 - exp(-T/tau_y))
//
// (y including the post spike itself), so w_{k+1} = w_k + eta·(X - Y·w_k)
// has the fixed point w* = X/Y, approached geometrically by (1 - eta·Y) per
// post spike. With tau_x = tau_y the ratio x/y at the post spikes is X/Y
// from the first spike on (x_k = X·(1 - q^{k+1}), y_k = Y·(1 - q^{k+1})), so
// w_k - w* = (w0 - w*)·Π_{j<k}(1 - eta·y_j) exactly: monotone from the start.
type ojaLocked struct {
	name                         string
	start, postPeriod, prePeriod int
	lead                         int
}

func (c ojaLocked) firstPre() int {
	return c.start - c.lead - (c.postPeriod/c.prePeriod-1)*c.prePeriod
}

func (c ojaLocked) fixedPoint(p ojaParams) (wStar, Y float64) {
	T := float64(c.postPeriod) * plDt
	X := 0.0
	for i := 0; i < c.postPeriod/c.prePeriod; i++ {
		X += math.Exp(-float64(c.lead+i*c.prePeriod)*plDt/p.tauX) / p.tauX
	}
	X /= 1 - math.Exp(-T/p.tauX)
	Y = 1 / p.tauY / (1 - math.Exp(-T/p.tauY))
	return X / Y, Y
}

// TestOjaFixedPoint: Oja's normalisation. Pre and post locked at constant
// rates (post 100 Hz with pre 100 Hz leading by 3 ms, post 100 Hz with pre
// 200 Hz, post 50 Hz with pre 100 Hz; 20 s), from w0 = 0 and w0 = 2:
//   - every 100 ms sample equals the replay (1e-9 relative);
//   - w stays between w0 and the fixed point w* = X/Y computed from tau_x,
//     tau_y and the trains (ojaLocked), never crossing it, and |w - w*|
//     never grows;
//   - at the end |w - w*| is below 1 % of |w0 - w*| and matches
//     (w0 - w*)·Π_k (1 - eta·y_k) over the post spikes (1e-6 relative);
//   - Hebb on the same trains (w_max raised to 1000) keeps growing (its
//     weight at the end is more than 1.9 times the one at half time and
//     more than 5·w*): the decay term -eta·y²·w is what bounds Oja's weight.
func TestOjaFixedPoint(t *testing.T) {
	const end = 200000 // 20 s
	cases := []ojaLocked{
		{"post 100 Hz, pre 100 Hz 3 ms before", 300, 100, 100, 30},
		{"post 100 Hz, pre 200 Hz", 300, 100, 50, 20},
		{"post 50 Hz, pre 100 Hz", 300, 200, 100, 10},
	}
	var trains []train
	for _, c := range cases {
		trains = append(trains, train{periodic(c.firstPre(), c.prePeriod, end), periodic(c.start, c.postPeriod, end)})
	}
	starts := map[string]float64{"O0": 0, "O2": 2}
	projs := []plProj{
		{"O0", "Oja", []string{"w = 0"}},
		{"O2", "Oja", []string{"w = 2"}},
		{"H", "Hebb", []string{"w = 0", "w_max = 1000"}},
	}
	res := plCompileRun(t, rbModel(trains, projs, 20000, 100))
	checkPostSpikes(t, res, trains)
	e := &rbTracker{t: t}
	for _, name := range []string{"O0", "O2"} {
		w0 := starts[name]
		steps, w := weightSeries(t, res, name, len(trains))
		e.trajectory("", res, name, trains, w0, math.Inf(-1), math.Inf(1), func(k int, samples []int) []float64 {
			return ojaRef(ojaStd, w0, trains[k].pre, trains[k].post, samples)
		})
		lastStep := steps[len(steps)-1]
		for k, c := range cases {
			wStar, Y := c.fixedPoint(ojaStd)
			lo, hi := math.Min(w0, wStar), math.Max(w0, wStar)
			prev := math.Abs(w0 - wStar)
			for i, x := range w[k] {
				if x < lo || x > hi {
					t.Errorf("%s %s: w = %.6g at sample %d leaves [%g, %.6g]", name, c.name, x, i, lo, hi)
					break
				}
				if d := math.Abs(x - wStar); d > prev {
					t.Errorf("%s %s: |w - w*| grew from %.6g to %.6g at sample %d", name, c.name, prev, d, i)
					break
				} else {
					prev = d
				}
			}
			// the geometric approach, with y_k from the train
			dist := w0 - wStar
			y := 0.0
			last := 0
			for _, s := range trains[k].post {
				if s > lastStep {
					break
				}
				y = y*math.Exp(-float64(s-last)*plDt/ojaTauY) + 1/ojaTauY
				last = s
				dist *= 1 - ojaEta*y
			}
			got := w[k][len(w[k])-1] - wStar
			if math.Abs(got) > 0.01*math.Abs(w0-wStar) || math.Abs(got-dist) > 1e-6*math.Abs(dist)+1e-12 {
				t.Errorf("%s %s: w - w* = %.6g at the end, want (w0 - w*)·Π(1 - eta·y_k) = %.6g", name, c.name, got, dist)
			}
			t.Logf("%s %s: w* = X/Y = %.6g (rate form r_pre/r_post = %g), eta·Y = %.4g per post spike; w ends at %.8g (w - w* = %.3g)",
				name, c.name, wStar, float64(c.postPeriod)/float64(c.prePeriod), ojaEta*Y, w[k][len(w[k])-1], got)
		}
	}
	_, h := weightSeries(t, res, "H", len(trains))
	for k, c := range cases {
		wStar, _ := c.fixedPoint(ojaStd)
		half, last := h[k][len(h[k])/2], h[k][len(h[k])-1]
		if !(last > 1.9*half && last > 5*wStar) {
			t.Errorf("Hebb %s: w = %.4g at half time, %.4g at the end: want unbounded (linear) growth", c.name, half, last)
		}
	}
	t.Logf("replay: %v", e)
}

// TestOjaPoissonAllToAll: 4 Poisson pre trains (30 Hz) onto 3 post neurons
// driven by Poisson trains (20 Hz), all to all, seed fixed, 150 s, Hebb and
// Oja side by side. The pre spikes (recorded from the input) and the post
// spikes (recorded) drive the replay of every one of the 12 synapses: the
// final weights equal it (1e-9 relative), which also checks that the
// per-neuron traces are shared correctly. Lazy traces and lazy off.
// Qualitatively: each Hebb weight is within 4.5 standard deviations of its
// expectation given the post train (dw/dt = eta·r_pre·y); Oja's weights,
// from 0.05, settle at the fixed point of the spike-driven rule for
// independent Poisson trains, w* = <x>/<y> at post spikes = r_pre/(r_post +
// 1/tau_y) (a post spike sees y at its mean r_post plus its own 1/tau_y),
// with r_post measured from the recorded trains: the mean of all weights
// over the last 50 s within 3 % of it.
func TestOjaPoissonAllToAll(t *testing.T) {
	const nPre, nPost, rPre, rDrv, durMS, w0 = 4, 3, 30.0, 20.0, 150000.0, 0.05
	src := `import "std/plasticity"
` + relayNeuron + fmt.Sprintf(`
network Net {
    dt = 0.1 ms
    seed = 11
    input Pre = poisson(%d, rate = %g Hz)
    input Drv = poisson(%d, rate = %g Hz)
    population Post = Relay[%d]
    project Drv -> Post : drive { connect = one_to_one  weight = 1 }
    project H = Pre -> Post : drive using Hebb { connect = all_to_all  weight = 0; w = %g; w_max = 1000 }
    project O = Pre -> Post : drive using Oja { connect = all_to_all  weight = 0; w = %g }
    record weights(H)
    record weights(O) every 1 s
    record spikes(Pre)
    record spikes(Post)
}
run Net for %g ms
`, nPre, rPre, nPost, rDrv, nPost, w0, w0, durMS)
	for _, off := range [][]string{nil, {"lazy"}} {
		res := plCompileRun(t, src, off...)
		trains := map[string][][]int{}
		for _, m := range res.Spikes {
			n := nPre
			if m.Name == "Post" {
				n = nPost
			}
			tr := make([][]int, n)
			for k, i := range m.I {
				tr[i] = append(tr[i], int(math.Round(m.T[k]/plDt)))
			}
			trains[m.Name] = tr
		}
		pre, post := trains["Pre"], trains["Post"]
		if len(pre) != nPre || len(post) != nPost {
			t.Fatalf("spike recordings: %d pre and %d post trains", len(pre), len(post))
		}
		total := step(durMS)
		e := &rbTracker{t: t}
		hm := weightMon(t, res, "H")
		hLast := hm.V[len(hm.V)-1]
		zMax := 0.0
		for s := range hLast {
			i, j := int(hm.Pre[s]), int(hm.Post[s])
			want := hebbRef(hebbParams{hebbTauX, hebbEta, 1000}, w0, pre[i], post[j], []int{total})[0]
			e.check(fmt.Sprintf("%s Hebb %d -> %d", lazyLabel(off), i, j), w0, hLast[s], want, 0, 1000)
			mean, sd := hebbPoissonExpectation(post[j], rPre*plDt, hebbTauX)
			z := ((hLast[s]-w0)/hebbEta - mean) / sd
			zMax = math.Max(zMax, math.Abs(z))
			if math.Abs(z) > 4.5 {
				t.Errorf("Hebb %d -> %d: Δw/eta = %.6g, expected %.6g ± %.3g given the post train (z = %.2f)", i, j, (hLast[s]-w0)/hebbEta, mean, sd, z)
			}
		}
		om := weightMon(t, res, "O")
		sampleSteps := make([]int, len(om.T))
		for k, ts := range om.T {
			sampleSteps[k] = int(math.Round(ts/plDt)) - 1 // before the sample step's events
		}
		sum, cnt := 0.0, 0
		for s := range om.Pre {
			i, j := int(om.Pre[s]), int(om.Post[s])
			want := ojaRef(ojaStd, w0, pre[i], post[j], sampleSteps)
			for k := range sampleSteps {
				e.check(fmt.Sprintf("%s Oja %d -> %d at %s", lazyLabel(off), i, j, msOf(sampleSteps[k])), w0, om.V[k][s], want[k], math.Inf(-1), math.Inf(1))
				if om.T[k] >= 100 {
					sum += om.V[k][s]
					cnt++
				}
			}
		}
		nPostSpikes := 0
		for _, p := range post {
			nPostSpikes += len(p)
		}
		rPost := float64(nPostSpikes) / float64(nPost) / (durMS * 1e-3)
		wStar := rPre / (rPost + 1/ojaTauY)
		mean := sum / float64(cnt)
		if math.Abs(mean-wStar) > 0.03*wStar {
			t.Errorf("Oja: mean w over the last 50 s = %.5g, want the fixed point r_pre/(r_post + 1/tau_y) = %.5g within 3 %%", mean, wStar)
		}
		t.Logf("%s: Hebb max |z| %.2f; Oja mean w (t >= 100 s) %.5g vs w* = %.5g (r_post = %.4g Hz measured); replay: %v",
			lazyLabel(off), zMax, mean, wStar, rPost, e)
	}
}

// ------------------------------------------------------------------- BCM

// The BCM model runs with the lazy pass off only: see
// TestBCMDefaultPasses. Off, every synaptic variable is integrated
// every step before the step's events (off = dt in bcmRef).
var bcmOff = []string{"lazy"}

// bcmFormulaTrains: the trains of TestBCMFormula (10 s).
func bcmFormulaTrains() []train {
	const end = 100000
	rng := rand.New(rand.NewPCG(6, 4))
	pre2 := bernoulliTrain(rng, 30, 0, end, 2)
	return []train{
		{bernoulliTrain(rng, 20, 0, end, 1), bernoulliTrain(rng, 20, 1, end, 2)}, // independent
		{periodic(40, 200, end), periodic(100, 250, end)},                        // 50 Hz pre, 40 Hz post
		{pre2, shifted(pre2, 30, end)},                                           // post 3 ms after pre
		{periodic(50, 200, end), periodic(100, 167, end)},                        // 60 Hz post: up to w_max, then down to 0
		{bernoulliTrain(rng, 20, 0, end, 1), nil},                                // pre only
		{nil, bernoulliTrain(rng, 20, 1, end, 2)},                                // post only
		{periodic(30, 500, end), periodic(100, 2000, end)},                       // 5 Hz post
	}
}

var bcmFormulaProjs = []plProj{
	{"BA", "BCM", []string{"w = 0.5"}},
	{"BB", "BCM", []string{"w = 0.9"}},
	{"BZ", "BCM", []string{"w = 0.5", "theta = 0 Hz"}}, // theta starts at 0: no frame dependence
}

// bcmFormulaCheck compares the three projections of bcmFormulaProjs with
// the replay in the frame off.
func bcmFormulaCheck(t *testing.T, res *gosim.Result, trains []train, off float64, label string) *rbTracker {
	e := &rbTracker{t: t}
	for _, p := range bcmFormulaProjs {
		w0, par := 0.5, bcmStd
		switch p.name {
		case "BB":
			w0 = 0.9
		case "BZ":
			par.theta0 = 0
		}
		e.trajectory(label, res, p.name, trains, w0, 0, bcmWMax, func(k int, samples []int) []float64 {
			w, _ := bcmRef(par, w0, trains[k].pre, trains[k].post, samples, off)
			return w
		})
	}
	return e
}

// TestBCMFormula: BCM (at a post spike y += 1/tau_y, then dw = eta·x·(y -
// theta), w clipped to [0, w_max]; theta' = (y²/y0 - theta)/tau_theta) on
// seven trains over 10 s — independent Poisson, 50 Hz pre / 40 Hz post
// (potentiation while theta is low, depression once it has risen), causally
// correlated, 60 Hz post (reaches w_max, then 0), pre only, post only, 5 Hz
// post — from w0 = 0.5 and 0.9, and with theta starting at 0; every 10 ms
// sample equals the exact replay (1e-9 relative; the run integrates y and
// theta with RK4, whose error at dt/tau_y = 1e-3 is far below that). Run
// with the lazy pass off (the default passes cannot run BCM). Logged: how
// far the replay in the other frame (events at t_n instead of t_n + dt) is,
// through theta's initial decay only.
func TestBCMFormula(t *testing.T) {
	trains := bcmFormulaTrains()
	res := plCompileRun(t, rbModel(trains, bcmFormulaProjs, 10000, 10), bcmOff...)
	checkPostSpikes(t, res, trains)
	e := bcmFormulaCheck(t, res, trains, plDt, "lazy off")
	if e.atBound == 0 {
		t.Errorf("no sample at a bound: the clipping is untested")
	}
	// the weights at the bounds: both must be reached
	_, wb := weightSeries(t, res, "BB", len(trains))
	hit0, hit1 := false, false
	for _, x := range wb[3] {
		hit0, hit1 = hit0 || x == 0, hit1 || x == bcmWMax
	}
	if !hit0 || !hit1 {
		t.Errorf("60 Hz post from w0 = 0.9: reached w_max %v, 0 %v; want both", hit1, hit0)
	}
	// the other frame, for the record
	_, wa := weightSeries(t, res, "BA", len(trains))
	frame := 0.0
	for k := range trains {
		w, _ := bcmRef(bcmStd, 0.5, trains[k].pre, trains[k].post, []int{step(10000)}, 0)
		if d := wa[k][len(wa[k])-1] - 0.5; d != 0 {
			frame = math.Max(frame, math.Abs(w[0]-0.5-d)/math.Abs(d))
		}
	}
	t.Logf("lazy off: %v; replay with events at t_n (not t_n + dt) differs by up to %.3g relative", e, frame)
}

// periodY: the periodic steady state of the post trace y at a post spike
// (including it) for post spikes every T seconds, and the period mean of
// y²: y(s) = Y·exp(-s/tau) on [0, T), Y = (1/tau)/(1 - q), q = exp(-T/tau),
//
//	<y²> = Y²·tau·(1 - q²)/(2T) = (1 + q)/(2·tau·T·(1 - q)).
func periodY(T, tau float64) (Y, y2 float64) {
	q := math.Exp(-T / tau)
	return 1 / tau / (1 - q), (1 + q) / (2 * tau * T * (1 - q))
}

// TestBCMSignFlip: BCM's sign is the sign of y - theta.
//
// (a) theta held at 30 Hz (initial value 30 Hz, tau_theta = 1000 s so it
// drifts by < 1.5 Hz in the run): post trains at 5, 10, 20, 23.8, 25, 40 and
// 80 Hz (periodic), pre spikes (20 Hz) only in the second second, when y is
// periodic. A post spike at rate r reads y = Y(r) = (1/tau_y)/(1 -
// exp(-1/(r·tau_y))), which crosses theta at r_c = -1/(tau_y·ln(1 -
// 1/(tau_y·theta))) ≈ 24.7 Hz: every rate below depresses, every rate above
// potentiates.
//
// (b) the sliding threshold (defaults: theta starts at y0 = 10 Hz, tau_theta
// = 10 s): three post neurons with 20 s of history at 5, 40 and 20 Hz, then
// all at 20 Hz for 2 s, pre spikes (20 Hz) only in the last second. The same
// 20 Hz activity potentiates after the quiet history (theta low) and
// depresses after the active one (theta high): the BCM threshold slides
// with the postsynaptic activity.
//
// Both against the replay too (1e-9 relative).
func TestBCMSignFlip(t *testing.T) {
	t.Run("held threshold", func(t *testing.T) {
		const end, theta0 = 20000, 30.0
		periods := []int{2000, 1000, 500, 420, 400, 250, 125} // steps
		var trains []train
		for _, p := range periods {
			trains = append(trains, train{periodic(10003, 500, end), periodic(100, p, end)})
		}
		par := bcmStd
		par.theta0, par.tauTheta = theta0, 1000
		res := plCompileRun(t, rbModel(trains, []plProj{{"B", "BCM", []string{"w = 0.5", "theta = 30 Hz", "tau_theta = 1000 s"}}}, 2000, 0), bcmOff...)
		checkPostSpikes(t, res, trains)
		e := &rbTracker{t: t}
		w := e.trajectory("lazy off", res, "B", trains, 0.5, 0, bcmWMax, func(k int, samples []int) []float64 {
			w, _ := bcmRef(par, 0.5, trains[k].pre, trains[k].post, samples, plDt)
			return w
		})
		rc := -1 / (bcmTauY * math.Log(1-1/(bcmTauY*theta0)))
		var lines []string
		below, above := 0, 0
		for k, p := range periods {
			r := 1 / (float64(p) * plDt)
			Y, _ := periodY(float64(p)*plDt, bcmTauY)
			dw := w[k][len(w[k])-1] - 0.5
			lines = append(lines, fmt.Sprintf("%.1f Hz (y = %.2f Hz): %+.3g", r, Y, dw))
			if (r < rc) != (Y < theta0) {
				t.Fatalf("r_c = %.3f Hz inconsistent with Y(%.2f Hz) = %.3f", rc, r, Y)
			}
			switch {
			case r < rc:
				below++
				if !(dw < 0) {
					t.Errorf("post at %.2f Hz < r_c = %.2f Hz (y = %.2f Hz < theta = %g Hz): Δw = %.3g, want depression", r, rc, Y, theta0, dw)
				}
			default:
				above++
				if !(dw > 0) {
					t.Errorf("post at %.2f Hz > r_c = %.2f Hz (y = %.2f Hz > theta = %g Hz): Δw = %.3g, want potentiation", r, rc, Y, theta0, dw)
				}
			}
		}
		if below == 0 || above == 0 {
			t.Fatalf("rates on one side of r_c only")
		}
		t.Logf("theta = %g Hz, crossing rate r_c = %.3f Hz; Δw: %s; replay: %v", theta0, rc, strings.Join(lines, ", "), e)
	})
	t.Run("sliding threshold", func(t *testing.T) {
		const switchAt, end = 200000, 220000 // 20 s of history, then 2 s at 20 Hz
		test := periodic(switchAt+100, 500, end)
		trains := []train{
			{periodic(210030, 500, end), concat(periodic(100, 2000, switchAt), test)}, // 5 Hz history
			{periodic(210030, 500, end), concat(periodic(100, 250, switchAt), test)},  // 40 Hz history
			{periodic(210030, 500, end), concat(periodic(100, 500, switchAt), test)},  // 20 Hz throughout
		}
		names := []string{"after 5 Hz", "after 40 Hz", "20 Hz throughout"}
		res := plCompileRun(t, rbModel(trains, []plProj{{"B", "BCM", []string{"w = 0.5"}}}, 22000, 0), bcmOff...)
		checkPostSpikes(t, res, trains)
		e := &rbTracker{t: t}
		w := e.trajectory("lazy off", res, "B", trains, 0.5, 0, bcmWMax, func(k int, samples []int) []float64 {
			w, _ := bcmRef(bcmStd, 0.5, trains[k].pre, trains[k].post, samples, plDt)
			return w
		})
		Y, _ := periodY(50e-3, bcmTauY)
		var lines []string
		for k := range trains {
			_, recs := bcmRef(bcmStd, 0.5, trains[k].pre, trains[k].post, nil, plDt)
			var th []float64
			for _, r := range recs {
				if r.step >= 210000 {
					th = append(th, r.theta)
				}
			}
			lines = append(lines, fmt.Sprintf("%s: theta %.1f..%.1f Hz, Δw %+.4g", names[k], th[0], th[len(th)-1], w[k][len(w[k])-1]-0.5))
		}
		if d0, d1 := w[0][len(w[0])-1]-0.5, w[1][len(w[1])-1]-0.5; !(d0 > 0 && d1 < 0) {
			t.Errorf("20 Hz test activity: Δw = %.4g after a 5 Hz history, %.4g after a 40 Hz history; want potentiation, then depression", d0, d1)
		}
		t.Logf("y at the 20 Hz test spikes %.2f Hz; %s; replay: %v", Y, strings.Join(lines, "; "), e)
	})
}

// TestBCMThresholdTracksY2: theta follows <y²>/y0. Post neuron 0 fires at
// 20 Hz for 80 s; post neuron 1 at 40 Hz for 30 s, then at 20 Hz. theta is
// read out of the simulation: every 2 s a pre spike arrives in the same
// step as a post spike, and the weight change of that step (weights
// recorded every 10 ms, before the sample step's events; no other spike in
// the 10 ms from the probe on) is
// eta·x·(y - theta), so theta = y - Δw/(eta·x) with x, y from the trains.
// Two projections: y0 = 10 Hz (default) and y0 = 20 Hz. Checked:
//   - the read-out theta equals the exact replay (1e-9 relative);
//   - at a constant rate, theta at the post spikes relaxes to its periodic
//     steady state theta_ss exactly as exp(-t/tau_theta): between
//     consecutive probes (theta - theta_ss) shrinks by exp(-2 s/tau_theta)
//     (1e-6 relative), for both neurons and both y0;
//   - the steady state is <y²>/y0 (the period mean of y², periodY): neuron
//     0's theta at 78 s within 1 % of it, and theta(y0 = 10 Hz)/theta(y0 =
//     20 Hz) = 2 within 1 %;
//   - neuron 1's theta rises during the 40 Hz phase, falls after the switch
//     to 20 Hz, and by the end is nearer <y²>/y0 of 20 Hz than of 40 Hz.
func TestBCMThresholdTracksY2(t *testing.T) {
	const end, switchAt, probeEvery = 800000, 300000, 20000 // steps
	probes := periodic(100, probeEvery, end)
	trains := []train{
		{probes, periodic(100, 500, end)},
		{probes, concat(periodic(100, 250, switchAt), periodic(switchAt+100, 500, end))},
	}
	projs := []plProj{{"B10", "BCM", []string{"w = 0.5"}}, {"B20", "BCM", []string{"w = 0.5", "y0 = 20 Hz"}}}
	res := plCompileRun(t, rbModel(trains, projs, 80000, 10), bcmOff...)
	checkPostSpikes(t, res, trains)
	_, y2At20 := periodY(50e-3, bcmTauY)
	_, y2At40 := periodY(25e-3, bcmTauY)
	thetaEnd := map[string][]float64{}
	maxRel, maxRatio := 0.0, 0.0
	for _, p := range projs {
		par := bcmStd
		if p.name == "B20" {
			par.y0, par.theta0 = 20, 20
		}
		steps, w := weightSeries(t, res, p.name, len(trains))
		at := map[int]int{}
		for i, s := range steps {
			at[s] = i
		}
		for k, tr := range trains {
			_, recs := bcmRef(par, 0.5, tr.pre, tr.post, nil, plDt)
			byStep := map[int]bcmPost{}
			for _, r := range recs {
				byStep[r.step] = r
			}
			var got []float64
			var when []int
			for _, s := range probes {
				i, ok := at[s+99] // the sample after the probe's step and the 99 after it
				r, isPost := byStep[s]
				if !ok || i == 0 || steps[i-1] != s-1 || !isPost {
					t.Fatalf("probe at %s: no post spike or no sample pair around it", msOf(s))
				}
				theta := r.y - (w[k][i]-w[k][i-1])/(par.eta*r.x)
				rel := math.Abs(theta-r.theta) / r.theta
				maxRel = math.Max(maxRel, rel)
				if rel > 1e-9 {
					t.Errorf("%s neuron %d at %s: theta read out as %.12g Hz, the replay has %.12g Hz (relative error %.3g)", p.name, k, msOf(s), theta, r.theta, rel)
				}
				got, when = append(got, theta), append(when, s)
			}
			// relaxation at a constant rate, from 5 s after the start or the switch
			for _, seg := range []struct {
				neuron, from, to int
				T                float64 // post period, s
			}{
				{0, 50000, end, 50e-3},
				{1, 50000, switchAt, 25e-3},
				{1, switchAt + 50000, end, 50e-3},
			} {
				if seg.neuron != k {
					continue
				}
				// theta_ss at the spike phase: theta(T) = theta(0) for the periodic y
				Y, _ := periodY(seg.T, par.tauY)
				a := Y * Y / (par.y0 * par.tauTheta) / (1/par.tauTheta - 2/par.tauY)
				et := math.Exp(-seg.T / par.tauTheta)
				ss := a * (math.Exp(-2*seg.T/par.tauY) - et) / (1 - et)
				decay := math.Exp(-float64(probeEvery) * plDt / par.tauTheta)
				for i := 1; i < len(when); i++ {
					if when[i-1] < seg.from || when[i] >= seg.to {
						continue
					}
					r := (got[i] - ss) / (got[i-1] - ss)
					maxRatio = math.Max(maxRatio, math.Abs(r-decay)/decay)
					if math.Abs(r-decay) > 1e-6*decay {
						t.Errorf("%s neuron %d: (theta - theta_ss) went from %.6g to %.6g Hz between %s and %s: ratio %.9g, want exp(-2 s/tau_theta) = %.9g",
							p.name, k, got[i-1]-ss, got[i]-ss, msOf(when[i-1]), msOf(when[i]), r, decay)
					}
				}
			}
			thetaEnd[p.name] = append(thetaEnd[p.name], got[len(got)-1])
			if k == 1 {
				nSwitch := switchAt / probeEvery
				for i := 1; i < len(got); i++ {
					if i < nSwitch && !(got[i] > got[i-1]) || i > nSwitch && !(got[i] < got[i-1]) {
						t.Errorf("%s neuron 1: theta %.4g -> %.4g Hz between %s and %s: want rising at 40 Hz, falling after the switch to 20 Hz",
							p.name, got[i-1], got[i], msOf(when[i-1]), msOf(when[i]))
						break
					}
				}
				t20, t40 := y2At20/par.y0, y2At40/par.y0
				if last := got[len(got)-1]; !(math.Abs(last-t20) < math.Abs(last-t40)) {
					t.Errorf("%s neuron 1: theta = %.4g Hz at the end, not nearer <y²>/y0 at 20 Hz (%.4g) than at 40 Hz (%.4g)", p.name, last, t20, t40)
				}
				t.Logf("%s neuron 1: theta %.4g Hz at the switch (<y²>/y0 at 40 Hz = %.4g), %.4g Hz at 78 s (<y²>/y0 at 20 Hz = %.4g)",
					p.name, got[nSwitch], t40, got[len(got)-1], t20)
			} else {
				target := y2At20 / par.y0
				last := got[len(got)-1]
				if math.Abs(last-target) > 0.01*target {
					t.Errorf("%s neuron 0: theta = %.6g Hz after 78 s at 20 Hz, want <y²>/y0 = %.6g Hz within 1 %%", p.name, last, target)
				}
				t.Logf("%s neuron 0: theta %.6g Hz at 78 s, <y²>/y0 = %.6g Hz (relative difference %.2g)", p.name, last, target, (last-target)/target)
			}
		}
	}
	if r := thetaEnd["B10"][0] / thetaEnd["B20"][0]; math.Abs(r-2) > 0.02 {
		t.Errorf("theta(y0 = 10 Hz)/theta(y0 = 20 Hz) = %.5g at 78 s, want 2 (theta = <y²>/y0)", r)
	}
	t.Logf("theta read out vs replay: max relative error %.3g; relaxation ratio vs exp(-2 s/tau_theta): max relative error %.3g; theta(y0=10)/theta(y0=20) = %.5g",
		maxRel, maxRatio, thetaEnd["B10"][0]/thetaEnd["B20"][0])
}

// ------------------------------------------------------------ known bugs

// TestBCMDefaultPasses: std/plasticity's BCM does not run with the
// default passes. The classifier (ir/classify.go) stores y per
// postsynaptic neuron (it is written only in on post and its ODE reads only
// itself) but keeps it clock-driven because theta's nonlinear equation
// reads it; theta, with no writer, is per synapse; y and theta form one RK4
// system, and gosim's clockSystem (backends/gosim/plastic.go) refuses a
// system with per-neuron storage: "y is integrated every step with
// per-neuron storage; gosim needs per-synapse storage there (-d
// lazy=off)". Expected: the model runs, and the weights equal the replay
// as in TestBCMFormula (theta starting at 0 is frame-free and must match
// to 1e-9; with theta starting at y0 either frame, t_n or t_n + dt, is
// accepted).
func TestBCMDefaultPasses(t *testing.T) {
	trains := bcmFormulaTrains()
	res := plCompileRun(t, rbModel(trains, bcmFormulaProjs, 10000, 10))
	checkPostSpikes(t, res, trains)
	// BZ must match exactly; BA and BB in the better of the two frames
	best := ""
	for _, off := range []float64{0, plDt} {
		ok := true
		for _, p := range bcmFormulaProjs {
			w0, par := 0.5, bcmStd
			switch p.name {
			case "BB":
				w0 = 0.9
			case "BZ":
				par.theta0 = 0
			}
			steps, w := weightSeries(t, res, p.name, len(trains))
			for k := range trains {
				want, _ := bcmRef(par, w0, trains[k].pre, trains[k].post, steps, off)
				for i := range steps {
					if want[i] == 0 || want[i] == bcmWMax {
						ok = ok && w[k][i] == want[i]
						continue
					}
					d := want[i] - w0
					ok = ok && math.Abs(w[k][i]-w0-d) <= math.Max(1e-9*math.Abs(d), 1e-13)
				}
			}
		}
		if ok {
			best = fmt.Sprintf("frame t_n + %g s", off)
			break
		}
	}
	if best == "" {
		t.Errorf("the default-pass BCM weights match the replay in neither frame (t_n, t_n + dt)")
		bcmFormulaCheck(t, res, trains, plDt, "default passes") // report the differences
	} else {
		t.Logf("default passes: weights equal the replay in the %s", best)
	}
}
