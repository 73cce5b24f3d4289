package examples_test

import (
	"bufio"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/snnc/snnc/backends/gosim"
)

// noiseStats are the statistics of examples/classics/ou_noise.snn that
// ou_noise.py computes from Brian2's run: each the mean over the 1000
// neurons of a per-neuron estimate, with the standard error of that mean.
// v: OU samples [time][neuron] (V); the LIF's spikes.
func noiseStats(t *testing.T, res *gosim.Result) map[string][2]float64 {
	t.Helper()
	const mu, n, duration = -60.0, 1000, 1.0
	per := func(x []float64) [2]float64 {
		m, s := 0.0, 0.0
		for _, v := range x {
			m += v
		}
		m /= float64(len(x))
		for _, v := range x {
			s += (v - m) * (v - m)
		}
		return [2]float64{m, math.Sqrt(s/float64(len(x)-1)) / math.Sqrt(float64(len(x)))}
	}
	v := res.States[0].V // [sample][neuron], V
	steps := len(v)
	mean, vr := make([]float64, n), make([]float64, n)
	for i := range n {
		for k := range steps {
			x := v[k][i] * 1e3
			mean[i] += x / float64(steps)
			vr[i] += (x - mu) * (x - mu) / float64(steps)
		}
	}
	out := map[string][2]float64{"ou_mean": per(mean), "ou_var": per(vr)}
	varAll := per(vr)[0]
	for _, lag := range []int{1, 5, 10, 20} {
		c := make([]float64, n)
		for i := range n {
			for k := 0; k+lag < steps; k++ {
				c[i] += (v[k][i]*1e3 - mu) * (v[k+lag][i]*1e3 - mu)
			}
			c[i] /= float64(steps-lag) * varAll
		}
		out["ou_acf_"+strconv.Itoa(lag)+"ms"] = per(c)
	}
	trains := make([][]float64, n)
	sp := res.Spikes[0]
	for k, i := range sp.I {
		trains[i] = append(trains[i], sp.T[k])
	}
	var rates, cvs []float64
	for _, tr := range trains {
		rates = append(rates, float64(len(tr))/duration)
		if len(tr) >= 3 {
			var isi []float64
			for k := 1; k < len(tr); k++ {
				isi = append(isi, tr[k]-tr[k-1])
			}
			m, s := 0.0, 0.0
			for _, d := range isi {
				m += d / float64(len(isi))
			}
			for _, d := range isi {
				s += (d - m) * (d - m) / float64(len(isi))
			}
			cvs = append(cvs, math.Sqrt(s)/m)
		}
	}
	out["lif_rate"], out["lif_cv"] = per(rates), per(cvs)
	return out
}

// TestClassicOUNoise: white noise integrated by Euler–Maruyama. The
// Ornstein–Uhlenbeck membrane's mean, variance and autocorrelation match
// their closed forms (the Euler–Maruyama chain's: variance
// sigma^2/(1 - dt/(2 tau)), autocorrelation (1 - dt/tau)^(lag/dt)), and
// every statistic, the noisy LIF's rate and CV included, matches Brian2
// 2.5's run of the same model (ou_noise.py, ou_noise.txt): all within 4
// standard errors (the two runs' combined for Brian2).
func TestClassicOUNoise(t *testing.T) {
	const model = "classics/ou_noise.snn"
	got := noiseStats(t, run(t, model))
	// closed forms
	const mu, sigma, tau, dt = -60.0, 2.0, 10.0, 0.1
	a := dt / tau
	closed := map[string]float64{"ou_mean": mu, "ou_var": sigma * sigma / (1 - a/2)}
	for _, lag := range []int{1, 5, 10, 20} {
		closed["ou_acf_"+strconv.Itoa(lag)+"ms"] = math.Pow(1-a, float64(lag)/dt)
	}
	for name, want := range closed {
		g := got[name]
		if math.Abs(g[0]-want) > 4*g[1] {
			t.Errorf("%s = %.5g ± %.2g, closed form %.5g", name, g[0], g[1], want)
		}
	}
	// Brian2
	f, err := os.Open("classics/ou_noise.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	seen := 0
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) != 3 {
			continue
		}
		m, err1 := strconv.ParseFloat(fs[1], 64)
		se, err2 := strconv.ParseFloat(fs[2], 64)
		g, ok := got[fs[0]]
		if err1 != nil || err2 != nil || !ok {
			t.Fatalf("ou_noise.txt: bad line %q", sc.Text())
		}
		seen++
		if d := math.Abs(g[0] - m); d > 4*math.Hypot(g[1], se) {
			t.Errorf("%s: snnc %.5g ± %.2g, Brian2 %.5g ± %.2g", fs[0], g[0], g[1], m, se)
		}
		t.Logf("%-12s snnc %.5g ± %.2g   Brian2 %.5g ± %.2g", fs[0], g[0], g[1], m, se)
	}
	if seen != len(got) {
		t.Fatalf("ou_noise.txt has %d statistics, want %d", seen, len(got))
	}
}

// TestClassicIzhikevich2003: Izhikevich 2003's network with thalamic
// input as white noise fires at Brian2 2.5's rates: the mean rate of the
// excitatory and the inhibitory cells over seeds 1..6 within 4 standard
// errors (between seeds, both simulators') of Brian2's over its 6 seeds
// (izhikevich2003.py, izhikevich2003.txt: about 9 and 10 Hz).
func TestClassicIzhikevich2003(t *testing.T) {
	const model = "classics/izhikevich2003.snn"
	f, err := os.Open("classics/izhikevich2003.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var ref [2][]float64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) != 3 {
			continue
		}
		for k := range 2 {
			x, err := strconv.ParseFloat(fs[k+1], 64)
			if err != nil {
				t.Fatal(err)
			}
			ref[k] = append(ref[k], x)
		}
	}
	var got [2][]float64
	for _, res := range runSeeds(t, model, len(ref[0]), nil) {
		for k, pop := range res.Summary.Populations[:2] {
			got[k] = append(got[k], float64(pop.Spikes)/float64(pop.N)/res.Summary.Duration)
		}
	}
	for k, name := range []string{"excitatory", "inhibitory"} {
		m1, s1 := meanSE(got[k])
		m2, s2 := meanSE(ref[k])
		t.Logf("%s rate: snnc %.3f ± %.3f Hz, Brian2 %.3f ± %.3f Hz", name, m1, s1, m2, s2)
		if math.Abs(m1-m2) > 4*math.Hypot(s1, s2) {
			t.Errorf("%s rate: snnc %.3f ± %.3f Hz, Brian2 %.3f ± %.3f Hz", name, m1, s1, m2, s2)
		}
	}
}
