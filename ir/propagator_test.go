package ir

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// The propagator is checked against closed-form solutions, step by step,
// with relative error ≤ 1e-12 over 10000 steps of 0.1 ms (1 s). A diagonal
// entry of P off by one ulp (1.1e-16) already costs n·1.1e-16 = 1.1e-12
// after n = 10000 steps, so these tests fail unless P is (nearly)
// correctly rounded.

const (
	ltDt    = 1e-4
	ltSteps = 10000
	ltTol   = 1e-12
)

// ltLinear linearizes or fails the test.
func ltLinear(t *testing.T, xs []*Var, rhs ...Expr) *Linear {
	t.Helper()
	l, bad, ok := Linearize(xs, rhs)
	if !ok {
		t.Fatalf("nonlinear at %#v", bad)
	}
	return l
}

func ltPropagator(t *testing.T, l *Linear, clamp []bool) (P, Q [][]float64, r []float64) {
	t.Helper()
	P, Q, r, err := Propagator(l, ltDt, clamp)
	if err != nil {
		t.Fatal(err)
	}
	return P, Q, r
}

// ltTrack steps x0 ltSteps times and checks every step against exact(t).
// scale(t, i) is what the error of x_i is relative to (nil: |exact_i|).
// It returns the largest relative error seen.
func ltTrack(t *testing.T, name string, P, Q [][]float64, r, x0, u []float64,
	exact func(t float64) []float64, scale func(t float64, want []float64, i int) float64) float64 {
	t.Helper()
	x, worst := x0, 0.0
	for k := 1; k <= ltSteps; k++ {
		x = Step(P, Q, r, x, u)
		tk := float64(k) * ltDt
		want := exact(tk)
		for i := range x {
			if math.Abs(want[i]) < 1e-300 {
				continue // subnormal territory: float64 has no relative accuracy left
			}
			s := math.Abs(want[i])
			if scale != nil {
				s = scale(tk, want, i)
			}
			e := math.Abs(x[i]-want[i]) / s
			if x[i] == want[i] {
				e = 0
			}
			if !(e <= ltTol) {
				t.Fatalf("%s: step %d (t = %g s): x[%d] = %.17g, exact %.17g, relative error %.3g > %g", name, k, tk, i, x[i], want[i], e, ltTol)
			}
			worst = math.Max(worst, e)
		}
	}
	t.Logf("%s: max relative error over %d steps: %.3g", name, ltSteps, worst)
	return worst
}

// ltEntries checks propagator entries against closed forms, to tol relative.
func ltEntries(t *testing.T, name string, got, want [][]float64, tol float64) {
	t.Helper()
	worst := 0.0
	for i := range want {
		for j := range want[i] {
			g, w := got[i][j], want[i][j]
			if g == w {
				continue
			}
			e := math.Abs(g-w) / math.Abs(w)
			if !(e <= tol) {
				t.Errorf("%s[%d][%d] = %.17g, closed form %.17g (relative error %.3g)", name, i, j, g, w, e)
			}
			worst = math.Max(worst, e)
		}
	}
	t.Logf("%s: max relative error of one-step entries: %.3g", name, worst)
}

func TestPropagatorDecay(t *testing.T) {
	for _, tau := range []float64{20e-3, 1e-3, 3e-3, 10e-3, 100e-3} {
		x := ltState("x", ltVolt)
		l := ltLinear(t, []*Var{x}, ltB("/", ltNeg(ltRef(x)), ltK(tau, ltSecond)))
		P, Q, r := ltPropagator(t, l, nil)
		ltEntries(t, "P", P, [][]float64{{math.Exp(-ltDt / tau)}}, 1e-16)
		x0 := -0.07
		ltTrack(t, "decay tau="+strconv.FormatFloat(tau, 'g', -1, 64), P, Q, r, []float64{x0}, nil,
			func(t float64) []float64 { return []float64{x0 * math.Exp(-t/tau)} }, nil)
	}
}

func TestPropagatorLeak(t *testing.T) {
	// v' = (E_l - v)/tau + I/C with I a continuous port: v → E_l + I·tau/C.
	const tau, El, C, I, v0 = 10e-3, -70e-3, 200e-12, 0.5e-9, -80e-3
	v, in := ltState("v", ltVolt), ltVar("I", ContinuousPort, ltAmp)
	l := ltLinear(t, []*Var{v}, ltB("+", ltB("/", ltB("-", ltK(El, ltVolt), ltRef(v)), ltK(tau, ltSecond)),
		ltB("/", ltRef(in), ltK(C, ltFarad))))
	P, Q, r := ltPropagator(t, l, nil)
	vinf := El + I*tau/C
	ltTrack(t, "leak", P, Q, r, []float64{v0}, []float64{I},
		func(t float64) []float64 { return []float64{vinf + (v0-vinf)*math.Exp(-t/tau)} }, nil)

	// Clamped (refractory): v does not move by a single bit.
	P, Q, r = ltPropagator(t, l, []bool{true})
	if P[0][0] != 1 || Q[0][0] != 0 || r[0] != 0 {
		t.Errorf("clamped propagator P=%v Q=%v r=%v, want [[1]] [[0]] [0]", P, Q, r)
	}
	x := []float64{v0}
	for k := 0; k < ltSteps; k++ {
		x = Step(P, Q, r, x, []float64{I})
	}
	if x[0] != v0 {
		t.Errorf("clamped v moved: %.17g, want %.17g", x[0], v0)
	}
}

func TestPropagatorCUBA(t *testing.T) {
	// v' = (ge - (v - E_l))/tau_m, ge' = -ge/tau_e. With w = v - E_l and
	// a particular solution K·exp(-t/tau_e) of w' = (ge - w)/tau_m:
	//   K = ge0·tau_e/(tau_e - tau_m),
	//   v(t) = E_l + (v0 - E_l - K)·exp(-t/tau_m) + K·exp(-t/tau_e).
	const taum, taue, El, v0, ge0 = 20e-3, 5e-3, -49e-3, -60e-3, 15e-3
	v, ge := ltState("v", ltVolt), ltState("ge", ltVolt)
	l := ltLinear(t, []*Var{v, ge},
		ltB("/", ltB("-", ltRef(ge), ltB("-", ltRef(v), ltK(El, ltVolt))), ltK(taum, ltSecond)),
		ltB("/", ltNeg(ltRef(ge)), ltK(taue, ltSecond)))
	P, Q, r := ltPropagator(t, l, nil)
	K := taue / (taue - taum)
	em, ee := math.Exp(-ltDt/taum), math.Exp(-ltDt/taue)
	// ee - em = em·expm1(dt/tau_m - dt/tau_e) without cancellation.
	ltEntries(t, "CUBA P", P, [][]float64{{em, K * em * math.Expm1(ltDt/taum-ltDt/taue)}, {0, ee}}, 1e-15)
	ltEntries(t, "CUBA r", [][]float64{r}, [][]float64{{-El * math.Expm1(-ltDt/taum), 0}}, 1e-15)
	if P[1][0] != 0 || r[1] != 0 {
		t.Errorf("ge does not read v: P[1][0] = %g, r[1] = %g, want exactly 0", P[1][0], r[1])
	}
	ltTrack(t, "CUBA", P, Q, r, []float64{v0, ge0}, nil, func(t float64) []float64 {
		k := ge0 * K
		return []float64{El + (v0-El-k)*math.Exp(-t/taum) + k*math.Exp(-t/taue), ge0 * math.Exp(-t/taue)}
	}, nil)

	// Refractory: v held, ge still decays exactly.
	P, Q, r = ltPropagator(t, l, []bool{true, false})
	ltTrack(t, "CUBA clamped", P, Q, r, []float64{v0, ge0}, nil, func(t float64) []float64 {
		return []float64{v0, ge0 * math.Exp(-t/taue)}
	}, nil)
}

func TestPropagatorAlpha(t *testing.T) {
	// g' = -g/tau + h, h' = -h/tau: a repeated eigenvalue -1/tau with a
	// Jordan block; g(t) = (g0 + h0·t)·exp(-t/tau), h(t) = h0·exp(-t/tau).
	const tau, g0, h0 = 5e-3, 2e-9, 3e-6
	g, h := ltState("g", ltVolt), ltState("h", ltVolt.Div(ltSecond))
	tk := ltK(tau, ltSecond)
	l := ltLinear(t, []*Var{g, h}, ltB("+", ltB("/", ltNeg(ltRef(g)), tk), ltRef(h)), ltB("/", ltNeg(ltRef(h)), tk))
	P, Q, r := ltPropagator(t, l, nil)
	e := math.Exp(-ltDt / tau)
	ltEntries(t, "alpha P", P, [][]float64{{e, ltDt * e}, {0, e}}, 1e-15)
	ltTrack(t, "alpha", P, Q, r, []float64{g0, h0}, nil, func(t float64) []float64 {
		return []float64{(g0 + h0*t) * math.Exp(-t/tau), h0 * math.Exp(-t/tau)}
	}, nil)
}

func TestPropagatorIntegrator(t *testing.T) {
	// x' = I/C: A = 0 is singular, there is no A⁻¹ for the particular solution.
	const C, I, x0, y0 = 200e-12, -0.3e-9, -65e-3, -0.2 // no zero crossing: relative error stays meaningful
	x, y, in := ltState("x", ltVolt), ltState("y", ltVolt.Div(ltSecond)), ltVar("I", ContinuousPort, ltAmp)
	l := ltLinear(t, []*Var{x}, ltB("/", ltRef(in), ltK(C, ltFarad)))
	P, Q, r := ltPropagator(t, l, nil)
	ltEntries(t, "integrator", [][]float64{{P[0][0], Q[0][0]}}, [][]float64{{1, ltDt / C}}, 1e-16)
	ltTrack(t, "integrator", P, Q, r, []float64{x0}, []float64{I},
		func(t float64) []float64 { return []float64{x0 + I/C*t} }, nil)

	// x' = y, y' = I/C: nilpotent A, through the matrix exponential.
	l = ltLinear(t, []*Var{x, y}, ltRef(y), ltB("/", ltRef(in), ltK(C, ltFarad)))
	P, Q, r = ltPropagator(t, l, nil)
	ltEntries(t, "double integrator P", P, [][]float64{{1, ltDt}, {0, 1}}, 1e-15)
	ltEntries(t, "double integrator Q", Q, [][]float64{{ltDt * ltDt / 2 / C}, {ltDt / C}}, 1e-15)
	ltTrack(t, "double integrator", P, Q, r, []float64{x0, y0}, []float64{I},
		func(t float64) []float64 { return []float64{x0 + y0*t + I/C*t*t/2, y0 + I/C*t} }, nil)
}

func TestPropagatorCurrentLIF(t *testing.T) {
	// I' = -I/tau_s, v' = (E_l - v)/tau_m + I/C: in SI the coupling 1/C =
	// 5e9 dwarfs the rates 1/tau; without balancing P loses ~1e5 ulp.
	// w = v - E_l, K = (I0/C)·tau_m·tau_s/(tau_s - tau_m):
	//   v(t) = E_l + (v0 - E_l - K)·exp(-t/tau_m) + K·exp(-t/tau_s).
	const taum, taus, El, C, v0, I0 = 20e-3, 5e-3, -70e-3, 200e-12, -60e-3, 1e-9
	v, I := ltState("v", ltVolt), ltState("I", ltAmp)
	l := ltLinear(t, []*Var{v, I},
		ltB("+", ltB("/", ltB("-", ltK(El, ltVolt), ltRef(v)), ltK(taum, ltSecond)), ltB("/", ltRef(I), ltK(C, ltFarad))),
		ltB("/", ltNeg(ltRef(I)), ltK(taus, ltSecond)))
	P, Q, r := ltPropagator(t, l, nil)
	K := taum * taus / (C * (taus - taum))
	em, es := math.Exp(-ltDt/taum), math.Exp(-ltDt/taus)
	ltEntries(t, "current LIF P", P, [][]float64{{em, K * em * math.Expm1(ltDt/taum-ltDt/taus)}, {0, es}}, 1e-15)
	ltTrack(t, "current LIF", P, Q, r, []float64{v0, I0}, nil, func(t float64) []float64 {
		k := I0 * K
		return []float64{El + (v0-El-k)*math.Exp(-t/taum) + k*math.Exp(-t/taus), I0 * math.Exp(-t/taus)}
	}, nil)
}

func TestPropagatorAdaptation(t *testing.T) {
	// A cycle with complex eigenvalues and SI scales 1e16 apart:
	//   v' = (E_l - v - R·w)/tau_m, w' = (a·(v - E_l) - w)/tau_w.
	// For y = (v - E_l, w), y' = A·y and with μ = tr(A)/2, ω² = det(A) - μ²:
	//   exp(A·t) = e^{μt}·(cos(ωt)·I + sin(ωt)/ω·(A - μI)).
	const taum, tauw, El, R, a = 20e-3, 100e-3, -70e-3, 100e6, 40e-9
	v, w := ltState("v", ltVolt), ltState("w", ltAmp)
	Elk := ltK(El, ltVolt)
	l := ltLinear(t, []*Var{v, w},
		ltB("/", ltB("-", ltB("-", Elk, ltRef(v)), ltB("*", ltK(R, ltOhm), ltRef(w))), ltK(taum, ltSecond)),
		ltB("/", ltB("-", ltB("*", ltK(a, ltAmp.Div(ltVolt)), ltB("-", ltRef(v), Elk)), ltRef(w)), ltK(tauw, ltSecond)))
	A := [2][2]float64{{-1 / taum, -R / taum}, {a / tauw, -1 / tauw}}
	mu := (A[0][0] + A[1][1]) / 2
	om := math.Sqrt(A[0][0]*A[1][1] - A[0][1]*A[1][0] - mu*mu) // 40 rad/s
	expAt := func(t float64) [2][2]float64 {
		e, c, s := math.Exp(mu*t), math.Cos(om*t), math.Sin(om*t)/om
		return [2][2]float64{
			{e * (c + s*(A[0][0]-mu)), e * s * A[0][1]},
			{e * s * A[1][0], e * (c + s*(A[1][1]-mu))}}
	}
	P, Q, r := ltPropagator(t, l, nil)
	E := expAt(ltDt)
	ltEntries(t, "adaptation P", P, [][]float64{E[0][:], E[1][:]}, 1e-15)
	// The fixed point (I - P)⁻¹·r hangs on P - I, so check it relatively:
	// P_ii - 1 = expm1(μdt) - 2e^{μdt}·sin²(ωdt/2) + e^{μdt}·sin(ωdt)/ω·(A_ii - μ).
	e, h, s := math.Exp(mu*ltDt), math.Sin(om*ltDt/2), math.Sin(om*ltDt)/om
	pm1 := func(i int) float64 { return math.Expm1(mu*ltDt) - 2*e*h*h + e*s*(A[i][i]-mu) }
	for i := 0; i < 2; i++ {
		ulps := (P[i][i] - 1 - pm1(i)) / 0x1p-53 // P - 1 is exact (Sterbenz); an ulp of P is 2⁻⁵³
		if math.Abs(ulps) > 1 {
			t.Errorf("adaptation P[%d][%d] is %.2g ulp off", i, i, ulps)
		}
		t.Logf("adaptation P[%d][%d] - 1: %.2g ulp off, relative error %.3g", i, i, ulps, (P[i][i]-1-pm1(i))/pm1(i))
	}
	// The equilibrium is (E_l, 0), so r = (I - P)·(E_l, 0).
	ltEntries(t, "adaptation r", [][]float64{r}, [][]float64{{-El * pm1(0), -E[1][0] * El}}, 1e-15)

	y0 := [2]float64{-5e-3, 20e-12} // v0 = -75 mV, w0 = 20 pA
	exact := func(t float64) []float64 {
		E := expAt(t)
		return []float64{El + E[0][0]*y0[0] + E[0][1]*y0[1], E[1][0]*y0[0] + E[1][1]*y0[1]}
	}
	// w swings through 0 and decays to 0 while the float64 fixed point of
	// x ↦ P·x + r is (E_l, 0) only to rounding: measure its error against
	// its initial amplitude |(c1, c2)|, w(t) = e^{μt}·(c1·cos ωt + c2·sin ωt).
	c1, c2 := y0[1], (A[1][0]*y0[0]+(A[1][1]-mu)*y0[1])/om
	ltTrack(t, "adaptation", P, Q, r, []float64{El + y0[0], y0[1]}, nil, exact, func(t float64, want []float64, i int) float64 {
		if i == 0 {
			return math.Abs(want[0])
		}
		return math.Hypot(c1, c2)
	})
}

func TestPropagatorErrors(t *testing.T) {
	x, y := ltState("x", ltVolt), ltState("y", ltVolt)
	ns, ms := ltK(1e-9, ltSecond), ltK(1e-3, ltSecond)
	explode := ltLinear(t, []*Var{x}, ltB("/", ltRef(x), ns))
	coupled := ltLinear(t, []*Var{x, y}, ltB("+", ltB("/", ltRef(x), ns), ltB("/", ltRef(y), ms)), ltB("/", ltNeg(ltRef(y)), ms))
	decay := ltLinear(t, []*Var{x}, ltB("/", ltNeg(ltRef(x)), ms))
	for _, c := range []struct {
		name  string
		l     *Linear
		dt    float64
		clamp []bool
		want  string
	}{
		{"overflow", explode, ltDt, nil, "x' overflows"},
		{"overflow-coupled", coupled, ltDt, nil, "x' overflows"},
		{"dt=0", decay, 0, nil, "must be positive"},
		{"dt<0", decay, -ltDt, nil, "must be positive"},
		{"dt=NaN", decay, math.NaN(), nil, "must be positive"},
		{"dt=Inf", decay, math.Inf(1), nil, "must be positive"},
		{"clamp-length", decay, ltDt, []bool{true, false}, "clamp flags"},
	} {
		_, _, _, err := Propagator(c.l, c.dt, c.clamp)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		} else {
			t.Logf("%s: %v", c.name, err)
		}
	}
	// Clamping the exploding variable makes it fine again.
	if _, _, _, err := Propagator(explode, ltDt, []bool{true}); err != nil {
		t.Errorf("clamped: %v", err)
	}
}

func TestStep(t *testing.T) {
	P := [][]float64{{0.5, 2}, {0, 0.25}}
	Q := [][]float64{{3}, {0}}
	got := Step(P, Q, []float64{1, -1}, []float64{4, 8}, []float64{10})
	if want := []float64{0.5*4 + 2*8 + 3*10 + 1, 0.25*8 - 1}; got[0] != want[0] || got[1] != want[1] {
		t.Errorf("Step = %v, want %v", got, want)
	}
}

func TestPropagatorFeedForwardExact(t *testing.T) {
	// Without a cycle, exp(A·dt)_ii = exp(a_ii·dt) and entries no coupling
	// path connects are 0: both hold bit for bit over random chains
	// x2 → x1 → x0 (x0 reads x1, x1 reads x2), with a 1e±20 spread of
	// coupling strengths and dt from 10 µs to 1 ms. (Padé alone is 1 ulp
	// off for ~2% of such diagonals at dt = 0.1 ms, up to 4 ulp at 1 ms.)
	rng := rand.New(rand.NewPCG(1, 2))
	xs := []*Var{ltState("x0", ltVolt), ltState("x1", ltVolt), ltState("x2", ltVolt)}
	for k := 0; k < 3000; k++ {
		rate := func() float64 { return -1 / (math.Exp(rng.Float64()*5) * 1e-3) } // tau in 1..150 ms
		coupling := func() float64 { return math.Exp(rng.Float64()*92 - 46) }
		l := &Linear{Xs: xs,
			A: [][]float64{{rate(), coupling(), 0}, {0, rate(), coupling()}, {0, 0, rate()}},
			B: [][]float64{{}, {}, {}}, C: []float64{rate() * -0.07, 0, 0}}
		dt := []float64{1e-5, 1e-4, 1e-3}[k%3]
		P, _, r, err := Propagator(l, dt, nil)
		if err != nil {
			t.Fatal(err)
		}
		for i := range xs {
			if want := math.Exp(l.A[i][i] * dt); P[i][i] != want {
				t.Fatalf("case %d: P[%d][%d] = %.17g, want exp(a·dt) = %.17g", k, i, i, P[i][i], want)
			}
			for j := 0; j < i; j++ {
				if P[i][j] != 0 {
					t.Fatalf("case %d: P[%d][%d] = %g, want exactly 0", k, i, j, P[i][j])
				}
			}
		}
		if r[1] != 0 || r[2] != 0 {
			t.Fatalf("case %d: r = %v, want r[1] = r[2] = 0", k, r)
		}
	}
}
