package examples_test

import (
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/backends/gosim"
	"github.com/snnc/snnc/passes"
)

// The classics (examples/classics): published models run against Brian2
// 2.5's runs of the same models, whose scripts (classics/*.py) and outputs
// (classics/*.txt) are kept beside them; the test does not need Brian2.

// TestClassicHodgkinHuxley: an f-I curve of a Hodgkin-Huxley neuron (0.2 to
// 1.6 nA, 200 ms, RK4 at dt = 0.01 ms): every spike at Brian2's time (to the
// step) and v every 0.1 ms within 1e-9 mV of Brian2's (it differs by
// 4e-11 mV at most: the same RK4 steps, rounded differently).
func TestClassicHodgkinHuxley(t *testing.T) {
	const model = "classics/hodgkin_huxley.snn"
	sameAsBrian2(t, model, run(t, model), readBrian2(t, "classics/hodgkin_huxley.txt"), 1e3, 1e-9)
}

// TestClassicTsodyksMarkram: a depressing and a facilitating
// Tsodyks-Markram synapse under a 20 Hz train and a recovery spike: v of
// both targets every 0.1 ms within 1e-12 mV of Brian2's (4e-14 mV apart at
// most: both solve the traces exactly between spikes); and the train's
// PSPs shrink at the depressing synapse and grow at the facilitating one.
func TestClassicTsodyksMarkram(t *testing.T) {
	const model = "classics/tsodyks_markram.snn"
	res := run(t, model)
	sameAsBrian2(t, model, res, readBrian2(t, "classics/tsodyks_markram.txt"), 1e3, 1e-12)
	// the PSP of a spike at step s: v just after it minus v just before,
	// decayed over the step (samples every step: index = step)
	psp := func(v [][]float64, s int) float64 { return v[s+1][0] - v[s][0]*math.Exp(-0.1/20) }
	dep, fac := res.States[0].V, res.States[1].V
	if first, last := psp(dep, 100), psp(dep, 4600); !(last < 0.5*first) {
		t.Errorf("depressing synapse: PSP %.3g mV at the first spike, %.3g mV at the tenth", first*1e3, last*1e3)
	}
	if first, last := psp(fac, 100), psp(fac, 4600); !(last > 2*first) {
		t.Errorf("facilitating synapse: PSP %.3g mV at the first spike, %.3g mV at the tenth", first*1e3, last*1e3)
	}
}

// TestClassicAdExPatterns: the eight firing patterns of Naud et al. 2008
// (AdEx, RK4 at dt = 0.01 ms, 500 ms): every spike at Brian2's step, v every
// 1 ms within 1e-9 mV of Brian2's (2e-12 mV apart at most), except the
// irregular pattern, where round-off differences grow (1.2e-5 mV apart at
// 500 ms): 1e-4 mV there. The patterns' shapes, from the spike trains:
// tonic spikes regularly, adapting's intervals grow, transient spikes once.
func TestClassicAdExPatterns(t *testing.T) {
	const model = "classics/adex_patterns.snn"
	res := run(t, model)
	ref := readBrian2(t, "classics/adex_patterns.txt")
	sameAsBrian2(t, model, res, ref, 1e3, 1e-4)
	for k, st := range res.States {
		if st.Name == "Irregular" {
			continue
		}
		for j := range ref.t {
			if d := math.Abs(st.V[j][0]*1e3 - ref.v[j][k]); d > 1e-9 {
				t.Fatalf("%s: v at %g ms is %.17g mV, Brian2 %.17g mV", st.Name, ref.t[j], st.V[j][0]*1e3, ref.v[j][k])
			}
		}
	}
	isi := func(name string) []float64 {
		for _, sp := range res.Spikes {
			if sp.Name == name {
				var d []float64
				for j := 1; j < len(sp.T); j++ {
					d = append(d, sp.T[j]-sp.T[j-1])
				}
				return d
			}
		}
		t.Fatalf("no spikes of %s recorded", name)
		return nil
	}
	if d := isi("Tonic"); len(d) < 10 || math.Abs(d[len(d)-1]-d[len(d)-2]) > 1e-4 {
		t.Errorf("tonic: intervals %v, want a regular train", d)
	}
	if d := isi("Adapting"); len(d) < 5 || !(d[len(d)-1] > 4*d[0]) {
		t.Errorf("adapting: intervals %v, want them to grow", d)
	}
	if d := isi("Transient"); len(d) != 0 {
		t.Errorf("transient: %d spikes, want 1", len(d)+1)
	}
}

// runSeeds runs model once per seed 1..n with --set values, in gosim.
func runSeeds(t *testing.T, model string, n int, set []string) []*gosim.Result {
	t.Helper()
	var out []*gosim.Result
	for s := range n {
		p, _, diags := snnc.CompileIR(model, snnc.Options{Passes: passes.Options{Verify: true}, Set: set})
		if p == nil {
			t.Fatal(diags)
		}
		seed := uint64(s + 1)
		res, err := gosim.Run(p, gosim.Options{Seed: &seed})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, res)
	}
	return out
}

// meanSE: the mean of x and its standard error.
func meanSE(x []float64) (float64, float64) {
	m, v := 0.0, 0.0
	for _, y := range x {
		m += y / float64(len(x))
	}
	for _, y := range x {
		v += (y - m) * (y - m) / float64(len(x)-1)
	}
	return m, math.Sqrt(v / float64(len(x)))
}

// rateCV: the rate over all recorded neurons (populations in order, as one
// index range) from t0 to the end, and the mean ISI CV of the neurons with
// at least 3 spikes there, as brunel2000.py computes them.
func rateCV(res *gosim.Result, t0 float64) (rate, cv float64) {
	var trains [][]float64
	for _, sp := range res.Spikes {
		n := 0
		for _, pop := range res.Summary.Populations {
			if pop.Name == sp.Name {
				n = pop.N
			}
		}
		tr := make([][]float64, n)
		for k, i := range sp.I {
			if sp.T[k] >= t0-1e-9 {
				tr[i] = append(tr[i], sp.T[k])
			}
		}
		trains = append(trains, tr...)
	}
	spikes, cvs := 0, []float64{}
	for _, tr := range trains {
		spikes += len(tr)
		if len(tr) < 3 {
			continue
		}
		m, s := 0.0, 0.0
		for k := 1; k < len(tr); k++ {
			m += (tr[k] - tr[k-1]) / float64(len(tr)-1)
		}
		for k := 1; k < len(tr); k++ {
			d := tr[k] - tr[k-1] - m
			s += d * d / float64(len(tr)-1)
		}
		cvs = append(cvs, math.Sqrt(s)/m)
	}
	for _, c := range cvs {
		cv += c / float64(len(cvs))
	}
	return float64(spikes) / float64(len(trains)) / (res.Summary.Duration - t0), cv
}

// readColumns reads the lines of a Brian2 output with want fields: the
// first field as a key, the rest as numbers.
func readColumns(t *testing.T, path string, want int) map[string][][]float64 {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][][]float64{}
	for _, line := range strings.Split(string(data), "\n") {
		fs := strings.Fields(line)
		if len(fs) != want || strings.HasPrefix(line, "#") {
			continue
		}
		var row []float64
		for _, f := range fs[1:] {
			x, err := strconv.ParseFloat(f, 64)
			if err != nil {
				t.Fatalf("%s: bad line %q", path, line)
			}
			row = append(row, x)
		}
		out[fs[0]] = append(out[fs[0]], row)
	}
	return out
}

// TestClassicBrunel2000: the four regimes of Brunel 2000's Fig. 8 (scaled
// to 1250 neurons, brunel2000.snn) fire at Brian2 2.5's rates with Brian2's
// irregularity: for each regime the population rate and the mean ISI CV
// (100 to 500 ms) over seeds 1..5 within 4 standard errors (between seeds,
// both simulators') of Brian2's over its 5 networks (brunel2000.py,
// brunel2000.txt). And the regimes are the paper's: SR regular (CV < 0.2)
// at the highest rate, AI and SIfast irregular (CV > 0.8), SIslow at the
// lowest rate.
func TestClassicBrunel2000(t *testing.T) {
	const model = "classics/brunel2000.snn"
	ref := readColumns(t, "classics/brunel2000.txt", 4)
	regimes := []struct {
		name     string
		g, ratio float64
	}{{"SR", 3, 2}, {"SIfast", 6, 4}, {"AI", 5, 2}, {"SIslow", 4.5, 0.9}}
	rate, cv := map[string]float64{}, map[string]float64{}
	for _, r := range regimes {
		rows := ref[r.name]
		if len(rows) < 5 {
			t.Fatalf("brunel2000.txt: %d %s networks, want >= 5", len(rows), r.name)
		}
		const nuThr, j = 10.0, 0.5 // Hz, mV
		set := []string{
			"XE.rate=" + strconv.FormatFloat(r.ratio*nuThr, 'g', -1, 64) + "Hz",
			"XI.rate=" + strconv.FormatFloat(r.ratio*nuThr, 'g', -1, 64) + "Hz",
			"inh.weight=" + strconv.FormatFloat(-r.g*j, 'g', -1, 64) + "mV",
		}
		var got, want [2][]float64
		for _, res := range runSeeds(t, model, len(rows), set) {
			rt, c := rateCV(res, 0.1)
			got[0], got[1] = append(got[0], rt), append(got[1], c)
		}
		for _, row := range rows {
			want[0], want[1] = append(want[0], row[1]), append(want[1], row[2])
		}
		for k, what := range []string{"rate (Hz)", "mean ISI CV"} {
			m1, s1 := meanSE(got[k])
			m2, s2 := meanSE(want[k])
			t.Logf("%-6s %-11s snnc %.4g ± %.2g   Brian2 %.4g ± %.2g", r.name, what, m1, s1, m2, s2)
			if math.Abs(m1-m2) > 4*math.Hypot(s1, s2) {
				t.Errorf("%s %s: snnc %.4g ± %.2g, Brian2 %.4g ± %.2g", r.name, what, m1, s1, m2, s2)
			}
		}
		rate[r.name], _ = meanSE(got[0])
		cv[r.name], _ = meanSE(got[1])
	}
	if !(cv["SR"] < 0.2 && rate["SR"] > rate["SIfast"] && rate["SR"] > rate["AI"]) {
		t.Errorf("SR: CV %.3g, rate %.4g Hz; want regular firing at the highest rate", cv["SR"], rate["SR"])
	}
	if !(cv["AI"] > 0.8 && cv["SIfast"] > 0.8) {
		t.Errorf("AI and SIfast: CV %.3g and %.3g, want irregular (> 0.8)", cv["AI"], cv["SIfast"])
	}
	if !(rate["SIslow"] < rate["AI"]) {
		t.Errorf("SIslow %.4g Hz, AI %.4g Hz: want SIslow the slower", rate["SIslow"], rate["AI"])
	}
}

// TestClassicDiesmann1999: pulse packets in the synfire chain of Diesmann
// et al. 1999 (diesmann1999.snn, Brian2's example of it): for each packet
// (a spikes, spread sigma) over 20 trials, the mean spike count of every
// group from 45 ms on within 4 standard errors (between trials, both
// simulators') of Brian2 2.5's 20 trials (diesmann1999.py,
// diesmann1999.txt), and so is the fraction of trials in which the packet
// reaches the last group (more than 60 spikes there; the background gives
// about 20). And the paper's outcome: a = 100, sigma = 3 ms always
// propagates, a = 30, sigma = 1 ms never does.
func TestClassicDiesmann1999(t *testing.T) {
	const model = "classics/diesmann1999.snn"
	ref := map[[2]float64][][]float64{}
	for a, rows := range readColumns(t, "classics/diesmann1999.txt", 13) {
		x, _ := strconv.ParseFloat(a, 64)
		for _, r := range rows {
			k := [2]float64{x, r[0]}
			ref[k] = append(ref[k], r[2:])
		}
	}
	if len(ref) != 4 {
		t.Fatalf("diesmann1999.txt: %d packets, want 4", len(ref))
	}
	reached := func(c [][]float64) []float64 {
		var f []float64
		for _, n := range c {
			f = append(f, map[bool]float64{true: 1}[n[9] > 60])
		}
		return f
	}
	for k, want := range ref {
		set := []string{"In.a=" + strconv.FormatFloat(k[0], 'g', -1, 64), "In.sigma=" + strconv.FormatFloat(k[1], 'g', -1, 64) + "ms"}
		var got [][]float64
		for _, res := range runSeeds(t, model, len(want), set) {
			n := make([]float64, 10)
			sp := res.Spikes[1] // P
			for j, i := range sp.I {
				if sp.T[j] >= 0.045-1e-9 {
					n[i/100]++
				}
			}
			got = append(got, n)
		}
		name := fmt.Sprintf("a = %g, sigma = %g ms", k[0], k[1])
		compare := func(what string, g, w []float64) {
			m1, s1 := meanSE(g)
			m2, s2 := meanSE(w)
			if math.Abs(m1-m2) > 4*math.Hypot(s1, s2) && m1 != m2 {
				t.Errorf("%s, %s: snnc %.3g ± %.2g, Brian2 %.3g ± %.2g", name, what, m1, s1, m2, s2)
			}
		}
		for g := range 10 {
			var a, b []float64
			for _, n := range got {
				a = append(a, n[g])
			}
			for _, n := range want {
				b = append(b, n[g])
			}
			compare(fmt.Sprintf("spikes of group %d", g+1), a, b)
		}
		compare("packets reaching group 10", reached(got), reached(want))
		f1, _ := meanSE(reached(got))
		f2, _ := meanSE(reached(want))
		t.Logf("%s: reaches group 10 in %.0f%% of trials (Brian2 %.0f%%)", name, 100*f1, 100*f2)
		if (k == [2]float64{100, 3} && f1 < 0.999) || (k == [2]float64{30, 1} && f1 > 0.001) {
			t.Errorf("%s: the packet reaches the last group in %.0f%% of trials", name, 100*f1)
		}
	}
}

// TestClassicIzhikevich2006: Izhikevich 2006's polychronization network
// (izhikevich2006.snn: one plastic projection, a delay of 1..20 ms per
// synapse, additive STDP) against Brian2 2.5
// (izhikevich2006.py, izhikevich2006.txt; one projection with per-synapse
// delays there, each pair joined at most once as here: a reference with
// multapses spread the weights 5 % wider, 4 standard errors at 3-4 s):
// over seeds 1..5, the excitatory and inhibitory rates and,
// every second, the mean and the SD of the plastic weights and the
// fractions above 9 and below 1, each within 4 standard errors (between
// seeds, both simulators') of Brian2's over its 5 networks.
func TestClassicIzhikevich2006(t *testing.T) {
	const model = "classics/izhikevich2006.snn"
	ref := readColumns(t, "classics/izhikevich2006.txt", 3) // seed rate_E rate_I
	refW := readColumns(t, "classics/izhikevich2006.txt", 6)
	seeds := len(ref)
	if seeds < 5 {
		t.Fatalf("izhikevich2006.txt: %d seeds, want >= 5", seeds)
	}
	names := []string{"mean w", "SD of w", "fraction of w > 9", "fraction of w < 1"}
	got := map[string][]float64{}
	want := map[string][]float64{}
	for s := range seeds {
		row := ref[strconv.Itoa(s+1)][0]
		want["E rate (Hz)"] = append(want["E rate (Hz)"], row[0])
		want["I rate (Hz)"] = append(want["I rate (Hz)"], row[1])
		for _, r := range refW[strconv.Itoa(s+1)] {
			for q, name := range names {
				key := fmt.Sprintf("%s at %g s", name, r[0])
				want[key] = append(want[key], r[q+1])
			}
		}
	}
	for _, res := range runSeeds(t, model, seeds, nil) {
		for _, pop := range res.Summary.Populations[:2] {
			key := pop.Name + " rate (Hz)"
			got[key] = append(got[key], float64(pop.Spikes)/float64(pop.N)/res.Summary.Duration)
		}
		if len(res.Weights) != 2 {
			t.Fatalf("%d weight recordings, want EE's two parts, onto E and onto I", len(res.Weights))
		}
		for k := range res.Weights[0].V {
			var w []float64
			for _, rec := range res.Weights {
				w = append(w, rec.V[k]...)
			}
			// sums first, then one division: equal weights give an exact
			// mean and an SD of exactly 0, as Brian2's numpy reports
			m, sd, hi, lo := 0.0, 0.0, 0.0, 0.0
			for _, x := range w {
				m += x
				hi += map[bool]float64{true: 1}[x > 9]
				lo += map[bool]float64{true: 1}[x < 1]
			}
			m, hi, lo = m/float64(len(w)), hi/float64(len(w)), lo/float64(len(w))
			for _, x := range w {
				sd += (x - m) * (x - m) / float64(len(w))
			}
			for q, v := range []float64{m, math.Sqrt(sd), hi, lo} {
				key := fmt.Sprintf("%s at %d s", names[q], k)
				got[key] = append(got[key], v)
			}
		}
	}
	if len(got) < 2+4*5 {
		t.Fatalf("%d statistics, want the rates and 4 per second for 5 s", len(got))
	}
	for key, g := range got {
		w, ok := want[key]
		if !ok {
			t.Fatalf("izhikevich2006.txt has no %s", key)
		}
		m1, s1 := meanSE(g)
		m2, s2 := meanSE(w)
		t.Logf("%-26s snnc %.4g ± %.2g   Brian2 %.4g ± %.2g", key, m1, s1, m2, s2)
		if math.Abs(m1-m2) > 4*math.Hypot(s1, s2) && math.Abs(m1-m2) > 1e-12 {
			t.Errorf("%s: snnc %.4g ± %.2g, Brian2 %.4g ± %.2g", key, m1, s1, m2, s2)
		}
	}
}

// TestClassicClopath2010: Clopath et al. 2010's voltage-based STDP under
// Sjöström's pairing protocol (clopath2010.snn: 5 pre-post or post-pre
// pairs 10 ms apart at 0.1 to 50 Hz onto AdEx cells; a clock-driven
// synapse equation reads the post membrane every step): every weight each
// second within 1e-12 of Brian2 2.5's (clopath2010.py, clopath2010.txt;
// 2e-16 apart: Euler, the same steps) and every post spike at Brian2's
// step. And the paper's Fig. 2b: post-pre depresses at low frequency and
// potentiates at 50 Hz, rising with the frequency; pre-post potentiates,
// more the higher the frequency from 10 Hz on (0.1 Hz's isolated pairs
// potentiate a little more than 10 Hz's, in Brian2 too).
func TestClassicClopath2010(t *testing.T) {
	const model = "classics/clopath2010.snn"
	res := run(t, model)
	ref := readColumns(t, "classics/clopath2010.txt", 13) // second w_0 .. w_11
	if len(ref) != 42 || len(res.Weights) != 1 || len(res.Weights[0].V) != 42 {
		t.Fatalf("%d Brian2 samples and %d weight recordings, want 42 samples of C", len(ref), len(res.Weights))
	}
	w := res.Weights[0].V
	for k := range w {
		want := ref[strconv.Itoa(k)][0]
		for j, x := range w[k] {
			if math.Abs(x-want[j]) > 1e-12 {
				t.Fatalf("w of neuron %d at %d s: %.17g, Brian2 %.17g", j, k, x, want[j])
			}
		}
	}
	var got, want []string
	for j, i := range res.Spikes[0].I {
		got = append(got, fmt.Sprintf("%d@%.1f", i, res.Spikes[0].T[j]*1e3))
	}
	for _, r := range readColumns(t, "classics/clopath2010.txt", 3)["s"] {
		want = append(want, fmt.Sprintf("%.0f@%.1f", r[0], r[1]))
	}
	if len(got) != 60 || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("post spikes (neuron@ms) %v, Brian2 %v", got, want)
	}
	freqs := []float64{0.1, 10, 20, 25, 40, 50}
	change := func(k int) float64 { return w[len(w)-1][k]/w[0][k] - 1 } // neuron k's relative change
	for f := range freqs {
		t.Logf("%4g Hz: pre-post %+.2f %%, post-pre %+.2f %%", freqs[f], 100*change(2*f), 100*change(2*f+1))
		for order, name := range []string{"pre-post", "post-pre"} {
			k := 2*f + order
			if f > order^1 && !(change(k) > change(k-2)) { // pre-post from 10 Hz on
				t.Errorf("%s at %g Hz: %+.3g, not above %+.3g at %g Hz", name, freqs[f], change(k), change(k-2), freqs[f-1])
			}
		}
	}
	if !(change(1) < 0 && change(11) > 0 && change(10) > 0) {
		t.Errorf("post-pre %+.3g at 0.1 Hz, %+.3g at 50 Hz; pre-post %+.3g at 50 Hz: want LTD, then LTP for both", change(1), change(11), change(10))
	}
}
