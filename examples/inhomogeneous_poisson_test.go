package examples

import (
	"math"
	"testing"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/backends/gosim"
)

// TestInhomogeneousPoisson checks examples/inhomogeneous_poisson.snn
// against closed forms, within 4.5 standard errors:
//   - Theta: spikes of 1000 sources in bins of 10 ms against
//     n·Σ rate(t_k)·dt, rate = 10 Hz + 8 Hz·sin(2πt/100 ms) (a Poisson
//     count: SE √mean), and the chi-square over the 100 bins;
//   - Ramp: the spikes of sources 0..49 against i·2 Hz·1 s, in total and by
//     chi-square;
//   - Trace: the spikes of its 100 sources in [0, 200), [200, 600) and
//     [600, 1000) ms against 5, 50 and 5 Hz (the rate file);
//   - Drive (20 kHz, two spikes a step on average) into passive membranes:
//     v's mean w·λ/(1 - a) and variance w²·λ/(1 - a²) (λ = rate·dt,
//     a = e^{-dt/tau}), over neurons after 100 ms, with the standard
//     error of the 1000 independent neurons' time averages. A source capped
//     at one spike per step would give half the mean.
func TestInhomogeneousPoisson(t *testing.T) {
	p, _, diags := snnc.CompileIR("inhomogeneous_poisson.snn", snnc.Options{})
	if p == nil {
		t.Fatal(diags)
	}
	res, err := gosim.Run(p, gosim.Options{BaseDir: "."})
	if err != nil {
		t.Fatal(err)
	}
	const dt = 1e-4
	step := func(t float64) int { return int(math.Floor(t/dt + 1e-3)) }

	// Theta
	bins := make([]float64, 100)
	for _, ts := range res.Spikes[0].T {
		bins[step(ts)/100]++
	}
	chi2 := 0.0
	for b, got := range bins {
		want := 0.0
		for k := b * 100; k < (b+1)*100; k++ {
			want += 1000 * (10 + 8*math.Sin(2*math.Pi*float64(k)*dt/0.1)) * dt
		}
		if math.Abs(got-want) > 4.5*math.Sqrt(want) {
			t.Errorf("Theta bin %d: %g spikes, want %.1f ± %.1f", b, got, want, 4.5*math.Sqrt(want))
		}
		chi2 += (got - want) * (got - want) / want
	}
	if chi2 > 149.4 { // 100 degrees of freedom, 99.9 %
		t.Errorf("Theta: chi-square %.1f over 100 bins", chi2)
	}

	// Ramp
	per := make([]float64, 50)
	for _, i := range res.Spikes[1].I {
		per[i]++
	}
	if per[0] != 0 {
		t.Errorf("Ramp source 0 (0 Hz) spiked %g times", per[0])
	}
	chi2, total, want := 0.0, 0.0, 0.0
	for i := 1; i < 50; i++ {
		w := float64(i) * 2
		chi2 += (per[i] - w) * (per[i] - w) / w
		total += per[i]
		want += w
	}
	if math.Abs(total-want) > 4.5*math.Sqrt(want) {
		t.Errorf("Ramp: %g spikes, want %g", total, want)
	}
	if chi2 > 85.4 { // 49 degrees of freedom, 99.9 %
		t.Errorf("Ramp: chi-square %.1f over 49 sources", chi2)
	}

	// Trace
	var parts [3]float64
	for _, ts := range res.Spikes[2].T {
		switch k := step(ts); {
		case k < 2000:
			parts[0]++
		case k < 6000:
			parts[1]++
		default:
			parts[2]++
		}
	}
	for k, w := range []float64{100 * 5 * 0.2, 100 * 50 * 0.4, 100 * 5 * 0.4} {
		if math.Abs(parts[k]-w) > 4.5*math.Sqrt(w) {
			t.Errorf("Trace part %d: %g spikes, want %g", k, parts[k], w)
		}
	}

	// Drive: shot noise
	m := res.States[0]
	a := math.Exp(-dt / 10e-3)
	lam, w := 20e3*dt, 0.1e-3
	wantMean, wantVar := w*lam/(1-a), w*w*lam/(1-a*a)
	n := len(m.Index)
	means, vars := make([]float64, n), make([]float64, n)
	samples := 0
	for k, row := range m.V {
		if m.T[k] < 0.1 {
			continue
		}
		samples++
		for i, v := range row {
			means[i] += v
			vars[i] += v * v
		}
	}
	for i := range means {
		means[i] /= float64(samples)
		vars[i] = vars[i]/float64(samples) - means[i]*means[i]
	}
	mu, se := meanSE(means)
	if math.Abs(mu-wantMean) > 4.5*se {
		t.Errorf("Drive: mean v %.4f mV, closed form %.4f mV ± %.4f", mu*1e3, wantMean*1e3, 4.5*se*1e3)
	}
	vmu, vse := meanSE(vars)
	// the time average over 900 ms of a process with 10 ms memory is a
	// slightly biased variance estimate: (1 - 2τ/T) to first order
	bias := 1 - 2*10e-3/0.9
	if math.Abs(vmu-wantVar*bias) > 4.5*vse {
		t.Errorf("Drive: variance of v %.4f mV², closed form %.4f mV² ± %.4f", vmu*1e6, wantVar*bias*1e6, 4.5*vse*1e6)
	}
}

// meanSE is the mean of independent samples and its standard error.
func meanSE(xs []float64) (float64, float64) {
	s, s2 := 0.0, 0.0
	for _, x := range xs {
		s += x
		s2 += x * x
	}
	n := float64(len(xs))
	mu := s / n
	return mu, math.Sqrt((s2/n - mu*mu) / (n - 1))
}
