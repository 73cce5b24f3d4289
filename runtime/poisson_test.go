package rt

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// countStats runs src for steps and returns the mean and variance of the
// count of one source in one step, over every (source, step), and the
// fraction of empty (source, step) points.
func countStats(t *testing.T, src Source, steps int) (mean, variance, zero float64) {
	t.Helper()
	n := src.Size()
	counts := make([]int, n)
	var s1, s2, z float64
	for step := range steps {
		clear(counts)
		prev := int32(-1)
		for _, i := range src.Step(step) {
			if i < prev {
				t.Fatalf("step %d: sources not ascending", step)
			}
			prev = i
			counts[i]++
		}
		for _, c := range counts {
			s1 += float64(c)
			s2 += float64(c * c)
			if c == 0 {
				z++
			}
		}
	}
	m := float64(n * steps)
	mean = s1 / m
	return mean, s2/m - mean*mean, z / m
}

// TestPoissonCountMoments: the count per source and step is Poisson with
// mean rate·dt: its mean and variance both equal rate·dt and P(0) =
// e^-rate·dt (closed forms), within 4.5 standard errors, for the lattice
// of static low rates, the per-step draws of high rates, and an expression
// rate (per-step draws at a low rate).
func TestPoissonCountMoments(t *testing.T) {
	const dt = 1e-4
	cases := []struct {
		name string
		lam  float64
		r    func(hz float64) Rate
	}{
		{"static 0.1", 0.1, func(hz float64) Rate { return Rate{Hz: hz} }},
		{"static 1.28", 1.28, func(hz float64) Rate { return Rate{Hz: hz} }},
		{"static 3", 3, func(hz float64) Rate { return Rate{Hz: hz} }},
		{"expr 0.1", 0.1, func(hz float64) Rate { return Rate{Expr: []RateOp{{Code: RConst, K: hz}}} }},
		{"per source 1.28", 1.28, func(hz float64) Rate {
			return Rate{PerSource: []float64{hz, hz, hz, hz, hz, hz, hz, hz, hz, hz}}
		}},
		{"expr 3 per i", 3, func(hz float64) Rate {
			return Rate{Expr: []RateOp{{Code: RConst, K: hz}, {Code: RIndex}, {Code: RConst, K: 0}, {Code: RBinary, Fn: "*"}, {Code: RBinary, Fn: "+"}}, PerI: true}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			const n, steps = 10, 20000
			src, err := NewPoissonCounts(n, c.r(c.lam/dt), dt, NewStream(7, Hash("input", "P")), DrawKey(7, "input P"))
			if err != nil {
				t.Fatal(err)
			}
			mean, v, zero := countStats(t, src, steps)
			m := float64(n * steps)
			lam := c.lam
			seMean := math.Sqrt(lam / m)
			seVar := math.Sqrt((lam + 2*lam*lam) / m)
			p0 := math.Exp(-lam)
			seZero := math.Sqrt(p0 * (1 - p0) / m)
			if math.Abs(mean-lam) > 4.5*seMean {
				t.Errorf("mean count %g, want %g ± %g", mean, lam, 4.5*seMean)
			}
			if math.Abs(v-lam) > 4.5*seVar {
				t.Errorf("count variance %g, want %g ± %g", v, lam, 4.5*seVar)
			}
			if math.Abs(zero-p0) > 4.5*seZero {
				t.Errorf("P(0) %g, want %g ± %g", zero, p0, 4.5*seZero)
			}
		})
	}
}

// TestPoissonCountDeterministic: the counts depend on the seed only: asked
// again, or from step 0 after later steps, the same.
func TestPoissonCountDeterministic(t *testing.T) {
	for _, r := range []Rate{{Hz: 500}, {Hz: 30000}} {
		mk := func() Source {
			s, err := NewPoissonCounts(20, r, 1e-4, NewStream(3, Hash("input", "P")), DrawKey(3, "input P"))
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		a, b := mk(), mk()
		var first [][]int32
		for n := range 50 {
			first = append(first, append([]int32(nil), a.Step(n)...))
		}
		for n := range 50 {
			if got := b.Step(n); !slicesEqual(got, first[n]) {
				t.Fatalf("rate %g: step %d differs: %v vs %v", r.Hz, n, got, first[n])
			}
		}
		if got := a.Step(0); !slicesEqual(got, first[0]) {
			t.Fatalf("rate %g: replayed step 0 differs", r.Hz)
		}
	}
}

func slicesEqual(a, b []int32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestPoissonCountLarge: a mean beyond one inversion chunk (1000 per step,
// drawn as two chunks of 500) keeps mean and variance.
func TestPoissonCountLarge(t *testing.T) {
	key := DrawKey(1, "x")
	const m = 20000
	lam := 1000.0
	var s1, s2 float64
	for k := range m {
		c := float64(PoissonCount(key, k, 3, lam))
		s1 += c
		s2 += c * c
	}
	mean := s1 / m
	v := s2/m - mean*mean
	if math.Abs(mean-lam) > 4.5*math.Sqrt(lam/m) {
		t.Errorf("mean %g, want %g", mean, lam)
	}
	if math.Abs(v-lam) > 4.5*math.Sqrt((lam+2*lam*lam)/m) {
		t.Errorf("variance %g, want %g", v, lam)
	}
}

// TestPoissonInhomogeneous: rate(t) = 100 Hz + 80 Hz·sin(2πt/100 ms); the
// spikes of 500 sources in bins of 10 ms match n·Σ rate(t_k)·dt over each
// bin within 4.5 standard errors (a Poisson count: √mean), and the
// chi-square over the 100 bins is below its 99.9 % quantile.
func TestPoissonInhomogeneous(t *testing.T) {
	const dt, n, steps, per = 1e-4, 500, 10000, 100
	// 100 + 80 * sin(2*pi*t / 0.1)
	expr := []RateOp{{Code: RConst, K: 100}, {Code: RConst, K: 80}, {Code: RConst, K: 2 * math.Pi}, {Code: RTime},
		{Code: RBinary, Fn: "*"}, {Code: RConst, K: 0.1}, {Code: RBinary, Fn: "/"}, {Code: RCall, K: 1, Fn: "sin"},
		{Code: RBinary, Fn: "*"}, {Code: RBinary, Fn: "+"}}
	src, err := NewPoissonCounts(n, Rate{Expr: expr}, dt, nil, DrawKey(11, "input P"))
	if err != nil {
		t.Fatal(err)
	}
	chi2 := 0.0
	for b := range steps / per {
		got, want := 0.0, 0.0
		for k := b * per; k < (b+1)*per; k++ {
			got += float64(len(src.Step(k)))
			want += n * (100 + 80*math.Sin(2*math.Pi*float64(k)*dt/0.1)) * dt
		}
		if math.Abs(got-want) > 4.5*math.Sqrt(want) {
			t.Errorf("bin %d: %g spikes, want %g ± %g", b, got, want, 4.5*math.Sqrt(want))
		}
		chi2 += (got - want) * (got - want) / want
	}
	if chi2 > 149.4 { // chi-square, 100 degrees of freedom, 99.9 %
		t.Errorf("chi-square %g over 100 bins", chi2)
	}
}

// TestPoissonSeries: a time series holds each rate from its time on (none
// before the first): 0, then 20 kHz (2 a step), then 0.
func TestPoissonSeries(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "r.csv")
	os.WriteFile(path, []byte("time_ms,rate_Hz\n1,20000\n2,0\n"), 0o644)
	r, err := LoadRates(path, 100)
	if err != nil {
		t.Fatal(err)
	}
	src, err := NewPoissonCounts(100, r, 1e-4, nil, DrawKey(1, "input S"))
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for k := range 30 {
		c := len(src.Step(k))
		if (k < 10 || k >= 20) && c != 0 {
			t.Errorf("step %d: %d spikes outside [1 ms, 2 ms)", k, c)
		}
		total += c
	}
	// 100 sources × 10 steps × 2: 2000 ± 4.5·√2000
	if math.Abs(float64(total)-2000) > 4.5*math.Sqrt(2000) {
		t.Errorf("%d spikes in [1 ms, 2 ms), want 2000", total)
	}
}

// TestLoadRatesErrors: bad rate files are reported with file:line.
func TestLoadRatesErrors(t *testing.T) {
	dir := t.TempDir()
	cases := []struct{ name, text, want string }{
		{"malformed", "rate\n5\nfast\n", "bad.csv:3: column 1: expected a number"},
		{"negative", "5\n-2\n3\n", "bad.csv:2: negative rate -2"},
		{"count", "5\n2\n", "2 rates for 3 sources"},
		{"ragged", "0,5\n1,5,6\n", "bad.csv:2: expected 2 values (as on line 1), got 3"},
		{"order", "0,5\n2,5\n1,5\n", "bad.csv:3: time 1 ms is not after"},
		{"columns", "0,1,2,3,4,5\n", "bad.csv:1: a time series of 5 rates for 3 sources"},
		{"empty", "# nothing\n", "bad.csv: no rates"},
	}
	for _, c := range cases {
		path := filepath.Join(dir, "bad.csv")
		os.WriteFile(path, []byte(c.text), 0o644)
		_, err := LoadRates(path, 3)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.name, err, c.want)
		}
	}
	if _, err := LoadRates(filepath.Join(dir, "missing.csv"), 3); err == nil {
		t.Error("a missing file loads")
	}
	if _, err := NewPoissonCounts(2, Rate{PerSource: []float64{1, -1}}, 1e-4, nil, 0); err == nil {
		t.Error("a negative per-source rate is accepted")
	}
}

// BenchmarkPoissonCounts: one step of 1000 count sources. "15Hz" is the
// Song 2000 input (the lattice of static low rates: work per spike, to
// compare with BenchmarkPoissonStep's one-a-step lattice); "1280Hz" a
// Potjans–Diesmann background drive per neuron (λ = 0.128, still the
// lattice); "20kHz" two a step (a draw per source and step); "sine" a
// rate of t (a draw per source and step, the expression once a step).
func BenchmarkPoissonCounts(b *testing.B) {
	sine := []RateOp{{Code: RConst, K: 100}, {Code: RConst, K: 80}, {Code: RConst, K: 2 * math.Pi}, {Code: RTime},
		{Code: RBinary, Fn: "*"}, {Code: RConst, K: 0.1}, {Code: RBinary, Fn: "/"}, {Code: RCall, K: 1, Fn: "sin"},
		{Code: RBinary, Fn: "*"}, {Code: RBinary, Fn: "+"}}
	for _, c := range []struct {
		name string
		r    Rate
	}{{"15Hz", Rate{Hz: 15}}, {"1280Hz", Rate{Hz: 1280}}, {"20kHz", Rate{Hz: 20000}}, {"sine", Rate{Expr: sine}}} {
		b.Run(c.name, func(b *testing.B) {
			src, err := NewPoissonCounts(1000, c.r, 1e-4, NewStream(1), DrawKey(1, "input P"))
			if err != nil {
				b.Fatal(err)
			}
			s := 0
			for b.Loop() {
				src.Step(s)
				s++
			}
		})
	}
}
