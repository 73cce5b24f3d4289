package examples_test

import (
	"math"
	"os"
	"regexp"
	"strconv"
	"testing"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/backends/gosim"
)

// The Potjans & Diesmann (2014) microcircuit as the paper (Table 5) and
// NEST's reference implementation (pynest/examples/Potjans_2014,
// network_params.py) give it: populations L2/3e, L2/3i, L4e, L4i, L5e,
// L5i, L6e, L6i.
var (
	pdNames = []string{"L23e", "L23i", "L4e", "L4i", "L5e", "L5i", "L6e", "L6i"}
	pdN     = []float64{20683, 5834, 21915, 5479, 4850, 1065, 14395, 2948}
	// connection probabilities, rows target, columns source
	pdC = [8][8]float64{
		{0.1009, 0.1689, 0.0437, 0.0818, 0.0323, 0, 0.0076, 0},
		{0.1346, 0.1371, 0.0316, 0.0515, 0.0755, 0, 0.0042, 0},
		{0.0077, 0.0059, 0.0497, 0.135, 0.0067, 0.0003, 0.0453, 0},
		{0.0691, 0.0029, 0.0794, 0.1597, 0.0033, 0, 0.1057, 0},
		{0.1004, 0.0622, 0.0505, 0.0057, 0.0831, 0.3726, 0.0204, 0},
		{0.0548, 0.0269, 0.0257, 0.0022, 0.06, 0.3158, 0.0086, 0},
		{0.0156, 0.0066, 0.0211, 0.0166, 0.0572, 0.0197, 0.0396, 0.2252},
		{0.0364, 0.001, 0.0034, 0.0005, 0.0277, 0.008, 0.0658, 0.1443},
	}
	pdKext  = []float64{1600, 1500, 2100, 1900, 2000, 1900, 2900, 2100}
	pdRates = []float64{0.903, 2.965, 4.414, 5.876, 7.569, 8.633, 1.105, 7.829} // Hz, full model
)

// pdPSC is the current (pA) whose PSP in iaf_psc_exp (C_m 250 pF, tau_m
// 10 ms, tau_syn 0.5 ms) peaks at 0.15 mV: the reference's
// postsynaptic_potential_to_current.
func pdPSC() float64 {
	const cm, tm, ts = 250.0, 10.0, 0.5
	sub := 1 / (ts - tm)
	pre := tm * ts / cm * sub
	frac := math.Pow(tm/ts, sub)
	return 0.15 / (pre * (math.Pow(frac, tm) - math.Pow(frac, ts)))
}

// pdKFull is the full model's synapse count of a pair: K = ln(1 - C) /
// ln(1 - 1/(N_pre N_post)), not rounded.
func pdKFull(post, pre int) float64 {
	return math.Log(1-pdC[post][pre]) / math.Log(1-1/(pdN[pre]*pdN[post]))
}

type pdProj struct{ k, w, sd, d, dsd float64 }

// pdParse reads an example's populations (size, I_dc) and projections.
func pdParse(t *testing.T, path string) (size, idc map[string]float64, projs map[[2]string]pdProj) {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	num := func(s string) float64 {
		x, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	size, idc, projs = map[string]float64{}, map[string]float64{}, map[[2]string]pdProj{}
	for _, m := range regexp.MustCompile(`population (\w+) = IafPscExp\[(\d+)\] \{ I_dc = ([-\d.]+) pA`).FindAllStringSubmatch(string(src), -1) {
		size[m[1]], idc[m[1]] = num(m[2]), num(m[3])
	}
	re := regexp.MustCompile(`project (\w+) -> (\w+) : (?:exc|inh) \{\s*connect = fixed_total_number\((\d+)\)\s*weight = (?:max|min)\(normal\(([-\d.]+) pA, ([\d.]+) pA\), 0 pA\)\s*delay = normal\(([\d.]+) ms, ([\d.]+) ms\)\s*\}`)
	for _, m := range re.FindAllStringSubmatch(string(src), -1) {
		projs[[2]string{m[1], m[2]}] = pdProj{num(m[3]), num(m[4]), num(m[5]), num(m[6]), num(m[7])}
	}
	return size, idc, projs
}

// TestPotjansParameters (issue 16): both microcircuit examples hold the
// paper's and the reference implementation's numbers, recomputed here
// from the connection-probability table: every pair with C > 0 (and no
// other) a fixed_total_number projection with K = ln(1 - C)/ln(1 -
// 1/(N_pre N_post)) rounded (the 0.1 scale: sizes rounded half to even as
// NumPy does, K_full/N_post times the scaled N_post times 0.1, rounded), the weight 87.81 pA (PSP 0.15 mV;
// /√0.1 at 0.1 scale) with 10 % sd, doubled for L4e -> L2/3e and −4× from
// inhibitory sources, delays 1.5 ± 0.75 ms (excitatory) and 0.75 ± 0.375
// ms (inhibitory), and I_dc the reference's: at full scale the DC
// equivalent of K_ext Poisson inputs at 8 Hz, 8 Hz · K_ext · 87.81 pA ·
// tau_syn; at 0.1 scale its compensation of the scaled-down recurrent and
// external input, 0.001 · tau_syn · (1 − √0.1) · (Σ_j w_ij K_ij r_j +
// 87.81 pA · K_ext · 8 Hz).
func TestPotjansParameters(t *testing.T) {
	psc := pdPSC()
	if math.Abs(psc-87.81) > 0.005 {
		t.Fatalf("PSC of 0.15 mV: %v pA, want 87.81", psc)
	}
	for _, c := range []struct {
		path  string
		scale float64
	}{{"potjans2014.snn", 1}, {"potjans2014_scaled.snn", 0.1}} {
		size, idc, projs := pdParse(t, c.path)
		w0 := math.Round(100*87.81/math.Sqrt(c.scale)) / 100
		n := 0
		for i, post := range pdNames {
			// NumPy's round, as the reference's: half to even (L5i: 106.5 -> 106)
			if want := math.RoundToEven(c.scale * pdN[i]); size[post] != want {
				t.Errorf("%s: %s has %v neurons, want %v", c.path, post, size[post], want)
			}
			rec := 0.0 // Σ_j w_ij K_ij r_j, full-scale in-degrees (pA/s)
			for j, pre := range pdNames {
				g, d := 1.0, 1.5
				if j%2 == 1 {
					g, d = -4, 0.75
				}
				if i == 0 && j == 2 {
					g = 2
				}
				rec += g * psc * pdKFull(i, j) / pdN[i] * pdRates[j]
				pr, ok := projs[[2]string{pre, post}]
				if pdC[i][j] == 0 {
					if ok {
						t.Errorf("%s: %s -> %s has no synapses in the paper", c.path, pre, post)
					}
					continue
				}
				n++
				k := math.Round(pdKFull(i, j))
				if c.scale != 1 {
					k = math.Round(pdKFull(i, j) / pdN[i] * math.RoundToEven(c.scale*pdN[i]) * c.scale)
				}
				w := math.Round(100*g*w0) / 100
				if !ok || pr.k != k || math.Abs(pr.w-w) > 0.011 || math.Abs(pr.sd-math.Abs(w)/10) > 0.0011 || pr.d != d || pr.dsd != d/2 {
					t.Errorf("%s: %s -> %s: %+v, want K %v, weight %v ± %v pA, delay %v ± %v ms", c.path, pre, post, pr, k, w, math.Abs(w)/10, d, d/2)
				}
			}
			ext := psc * pdKext[i] * 8 // pA/s
			want := ext * 0.5e-3
			if c.scale != 1 {
				want = 0.5e-3 * (1 - math.Sqrt(c.scale)) * (rec + ext)
			}
			if math.Abs(idc[post]-want) > 0.01 {
				t.Errorf("%s: %s I_dc %v pA, want %.4f", c.path, post, idc[post], want)
			}
		}
		if len(projs) != n {
			t.Errorf("%s: %d projections, %d pairs with C > 0 in the paper", c.path, len(projs), n)
		}
	}
}

// pdRatesScaled are the rates (Hz) of NEST's reference implementation at
// 0.1 scale with its Poisson background (run_microcircuit.py with the
// default parameters: the spike files of pynest/examples/Potjans_2014/
// reference_data, 500-1500 ms, one run; spike counts estimated from the
// files' sizes, about ±3 %). The scaled network fires less than the full
// one (pdRates): its DC compensation keeps the mean input, not the
// fluctuations, which shrink with the in-degrees.
var pdRatesScaled = []float64{0.44, 2.02, 3.94, 4.96, 5.72, 7.62, 0.83, 6.90}

// TestPotjansScaledRates (issue 16): examples/potjans2014_scaled.snn with
// its Poisson background (poisson: NEST's count a step), 1.5 s, the
// population rates after the first 500 ms averaged over seeds 1..3, each
// within 25 % of the NEST reference's 0.1-scale rates (L2/3e, the
// sparsest, 35 %). Measured with seeds 1..4: 0.486 / 2.142 / 4.007 / 5.038
// / 6.735 / 7.828 / 0.867 / 7.028 Hz (L5e 18 % above NEST's single run,
// the others within 10 %). SNNC_LONG=1: seeds 1..6 and 2.5 s, the same
// ranges (measured: 0.470 / 2.120 / 3.985 / 5.020 / 6.740 / 7.792 / 0.848
// / 7.011 Hz).
func TestPotjansScaledRates(t *testing.T) {
	seeds, dur, tol := 3, 1.5, 0.25
	if os.Getenv("SNNC_LONG") != "" {
		seeds, dur = 6, 2.5
	}
	p, _, diags := snnc.CompileIR("potjans2014_scaled.snn", snnc.Options{})
	if p == nil {
		t.Fatal(diags)
	}
	mean := make([]float64, len(pdNames))
	for seed := uint64(1); seed <= uint64(seeds); seed++ {
		res, err := gosim.Run(p, gosim.Options{Duration: dur, Seed: &seed})
		if err != nil {
			t.Fatal(err)
		}
		for k, name := range pdNames {
			m := res.Spikes[k]
			if m.Name != name {
				t.Fatalf("spike monitor %d is %s, want %s", k, m.Name, name)
			}
			n := 0
			for _, ts := range m.T {
				if ts >= 0.5 {
					n++
				}
			}
			mean[k] += float64(n) / (math.RoundToEven(0.1*pdN[k]) * (dur - 0.5)) / float64(seeds)
		}
	}
	for k, name := range pdNames {
		tk := tol
		if k == 0 {
			tk += 0.10
		}
		if ref := pdRatesScaled[k]; math.Abs(mean[k]-ref) > tk*ref {
			t.Errorf("%s: %.3f Hz (mean of %d seeds), want %.2f Hz ± %.0f %%", name, mean[k], seeds, ref, 100*tk)
		}
	}
	t.Logf("rates (Hz): %.3f", mean)
}
