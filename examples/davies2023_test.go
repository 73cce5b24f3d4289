package examples_test

import (
	"fmt"
	"math"
	"math/bits"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/backends/gosim"
	"github.com/snnc/snnc/engine"
	"github.com/snnc/snnc/internal/golden"
	"github.com/snnc/snnc/passes"
)

// The protocol of davies2023.snn, in ms.
const (
	dvSlot     = 75.0  // one training presentation
	dvCheck    = 150.0 // start of the check presentations (and of phase test)
	dvTest     = 190.0 // start of the 1024 code words
	dvWindow   = 20.0  // one check or test presentation
	dvOnset    = 10.0  // input time within a check or test presentation
	dvBits     = 10
	dvShipped1 = 0b1011001110
	dvShipped2 = dvShipped1 ^ 0b0100100001 // Hamming distance 3
	dvMargin   = 0.01                      // the model's h is this much above the smallest that fires
)

var dvTrainTimes = []float64{1, 26, 56} // rail spikes within a training slot
const dvTeacher = 29.0                  // teacher spike within a training slot

// daviesStimulus writes the three spike files of davies2023.snn for the
// trained patterns (one or two): training slots, check presentations (the
// trained patterns again) and every code word k at dvTest + 20k + 10 ms.
// Bit i of a code drives ONES[i] when 1, ZEROS[i] when 0.
func daviesStimulus(patterns []uint) (ones, zeros, teacher string) {
	var o, z, tc strings.Builder
	for _, b := range []*strings.Builder{&o, &z, &tc} {
		b.WriteString("index,time_ms\n")
	}
	present := func(code uint, at float64) {
		for i := 0; i < dvBits; i++ {
			if code>>i&1 == 1 {
				fmt.Fprintf(&o, "%d,%g\n", i, at)
			} else {
				fmt.Fprintf(&z, "%d,%g\n", i, at)
			}
		}
	}
	for s, p := range patterns {
		for _, t := range dvTrainTimes {
			present(p, float64(s)*dvSlot+t)
		}
		fmt.Fprintf(&tc, "0,%g\n", float64(s)*dvSlot+dvTeacher)
	}
	for c := 0; c < 2; c++ {
		present(patterns[c%len(patterns)], dvCheck+float64(c)*dvWindow+dvOnset)
	}
	for k := uint(0); k < 1<<dvBits; k++ {
		present(k, dvTest+float64(k)*dvWindow+dvOnset)
	}
	return o.String(), z.String(), tc.String()
}

// TestDaviesStimulus: the shipped spike files are daviesStimulus of the two
// example patterns (rewrite with -update).
func TestDaviesStimulus(t *testing.T) {
	ones, zeros, teacher := daviesStimulus([]uint{dvShipped1, dvShipped2})
	golden.Check(t, "davies2023_ones.csv", []byte(ones))
	golden.Check(t, "davies2023_zeros.csv", []byte(zeros))
	golden.Check(t, "davies2023_teacher.csv", []byte(teacher))
}

// daviesDir is a copy of the example with the stimulus of patterns.
func daviesDir(t *testing.T, patterns []uint) string {
	t.Helper()
	dir := t.TempDir()
	src, err := os.ReadFile("davies2023.snn")
	if err != nil {
		t.Fatal(err)
	}
	ones, zeros, teacher := daviesStimulus(patterns)
	for name, text := range map[string]string{"davies2023.snn": string(src), "davies2023_ones.csv": ones,
		"davies2023_zeros.csv": zeros, "davies2023_teacher.csv": teacher} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "davies2023.snn")
}

// daviesRun runs the model with Out.h = h (0: the model computes h) and
// further --set values for dur ms (0: the whole run).
func daviesRun(t *testing.T, model string, h float64, dur float64, set ...string) *gosim.Result {
	t.Helper()
	o := snnc.Options{Passes: passes.Options{Verify: true}, Set: set}
	if h > 0 {
		o.Set = append(o.Set, fmt.Sprintf("Out.h=%.17g", h))
	}
	p, _, diags := snnc.CompileIR(model, o)
	if p == nil {
		t.Fatal(diags)
	}
	res, err := gosim.Run(p, gosim.Options{Duration: dur * 1e-3, BaseDir: filepath.Dir(model)})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// modelH is the homeostasis factor the model computed: Out.gain sampled at
// 10 s, in the test.
func modelH(t *testing.T, res *engine.Result) float64 {
	t.Helper()
	for _, m := range res.States {
		if m.Name == "Out" && m.Var == "gain" && len(m.T) > 1 {
			return m.V[1][0]
		}
	}
	t.Fatal("no recording of Out.gain at 10 s")
	return 0
}

// outWindows says, per window of length dvWindow from start, whether the
// output fired in it.
func outWindows(t *testing.T, res *engine.Result, start float64, n int) []bool {
	t.Helper()
	fired := make([]bool, n)
	for _, m := range res.Spikes {
		if m.Name != "Out" {
			continue
		}
		for _, ts := range m.T {
			k := int(math.Floor((ts*1e3 - start) / dvWindow))
			if k >= 0 && k < n {
				fired[k] = true
			}
		}
		return fired
	}
	t.Fatal("no spike monitor for Out")
	return nil
}

// daviesSearch is the paper's homeostasis: the smallest h for which the
// output fires for every trained pattern (both check presentations), found
// by doubling or halving from 1 until the answer changes, then bisecting
// until the bracket is within a relative 1e-7. It returns the upper end (an
// h that fires) and the number of runs.
func daviesSearch(t *testing.T, model string) (float64, int) {
	runs := 0
	fires := func(h float64) bool {
		runs++
		w := outWindows(t, &daviesRun(t, model, h, dvTest).Result, dvCheck, 2)
		return w[0] && w[1]
	}
	lo, hi := 1.0, 1.0
	if fires(1) {
		for lo = 0.5; fires(lo); lo /= 2 {
			hi = lo
		}
	} else {
		for hi = 2; !fires(hi); hi *= 2 {
			lo = hi
		}
	}
	for (hi-lo)/hi > 1e-7 {
		mid := (lo + hi) / 2
		if fires(mid) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi, runs
}

// nearestPair is the reference for the trained weights: nearest-pair
// additive STDP on known spike times (ms) of one synapse, applied in time
// order — a presynaptic arrival adds dA_post·exp(-(t - last post)/tau), a
// postsynaptic spike adds dA_pre·exp(-(t - last arrival)/tau), w clipped to
// [0, 20] after each.
func nearestPair(pre, post []float64) float64 {
	const tau, aPre, aPost, wMax = 5.0, 10.0, -10.0, 20.0
	w, i, j := 0.0, 0, 0
	lastPre, lastPost := math.Inf(-1), math.Inf(-1)
	for i < len(pre) || j < len(post) {
		if j >= len(post) || (i < len(pre) && pre[i] < post[j]) {
			if !math.IsInf(lastPost, -1) {
				w = min(max(w+aPost*math.Exp(-(pre[i]-lastPost)/tau), 0), wMax)
			}
			lastPre = pre[i]
			i++
			continue
		}
		if !math.IsInf(lastPre, -1) {
			w = min(max(w+aPre*math.Exp(-(post[j]-lastPre)/tau), 0), wMax)
		}
		lastPost = post[j]
		j++
	}
	return w
}

// daviesExpected: the reference weights of the 20 synapses (R1 then R0) and
// the smallest h for the patterns. A rail spike at t reaches the output's
// synapses at t + 2.1 ms (1 ms to the relay, which fires in the next 0.1 ms
// step, then 1 ms); the teacher at t makes the output fire at t + 1.1 ms.
// At test, relay input of total weight W makes v jump by h·W·1 mV, and one
// step later v = h·W·exp(-dt/tau_m) must exceed v_th = 15 mV.
func daviesExpected(patterns []uint) (w []float64, hMin float64) {
	w = make([]float64, 2*dvBits)
	var post []float64
	for s := range patterns {
		post = append(post, float64(s)*dvSlot+dvTeacher+1.1)
	}
	for rail := 0; rail < 2; rail++ { // 0: R1, 1: R0
		for i := 0; i < dvBits; i++ {
			var pre []float64
			for s, p := range patterns {
				if int(p>>i&1) == 1-rail {
					for _, t := range dvTrainTimes {
						pre = append(pre, float64(s)*dvSlot+t+2.1)
					}
				}
			}
			w[rail*dvBits+i] = nearestPair(pre, post)
		}
	}
	for _, p := range patterns { // every trained pattern must fire
		W := 0.0
		for i := 0; i < dvBits; i++ {
			if p>>i&1 == 1 {
				W += w[i]
			} else {
				W += w[dvBits+i]
			}
		}
		hMin = max(hMin, 15*math.Exp(0.1)/W)
	}
	return w, hMin
}

// daviesCases: the trained patterns of TestDavies2023 (and its q16 run).
var daviesCases = []struct {
	name     string
	patterns []uint
}{
	{"one pattern", []uint{dvShipped1}},
	{"HD=1", []uint{dvShipped1, dvShipped1 ^ 0b0000010000}},
	{"HD=2", []uint{dvShipped1, dvShipped1 ^ 0b1000000001}},
	{"HD=4", []uint{dvShipped1, dvShipped1 ^ 0b0110100100}},
	{"HD=5", []uint{dvShipped1, dvShipped1 ^ 0b0111100010}},
}

// TestDavies2023: one trained pattern is the only code word of 1024 that
// fires (1 true positive, 1023 true negatives); two trained patterns at
// Hamming distance HD make exactly the 2^HD code words that agree with both
// where they agree fire, and no other: counted as the paper's metric tables
// count them, 2 true positives (the trained patterns), 2^HD − 2 false
// positives (HD = 5: 30), no false negatives and 1024 − 2^HD true
// negatives. The trained weights equal the nearest-pair reference; the
// paper's search (run here as the paper does it, with --set Out.h) finds
// the closed form v_th·exp(dt/tau_m)/W, which the model computes from its
// check presentations, times 1 + margin. Each case runs the model once without --set,
// so it shows the example working for patterns it was not written for.
func TestDavies2023(t *testing.T) {
	for _, c := range daviesCases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			model := daviesDir(t, c.patterns)
			h, runs := daviesSearch(t, model)
			wantW, hMin := daviesExpected(c.patterns)
			if h < hMin || h > hMin*(1+2e-7) {
				t.Errorf("searched h = %.9g, closed form %.9g", h, hMin)
			}
			res := &daviesRun(t, model, 0, 0).Result
			if got := modelH(t, res); math.Abs(got/(hMin*(1+dvMargin))-1) > 1e-8 {
				t.Errorf("the model computed h = %.9g; searched %.9g, closed form %.9g (times 1 + %g)", got, h, hMin, dvMargin)
			}
			checkDaviesWeights(t, res, wantW, 1e-9)
			positives := outWindows(t, res, dvTest, 1<<dvBits)
			checkDetection(t, c.patterns, positives)
			t.Logf("h = %.7g after %d runs of the search; the model's %.7g; %d positives", h, runs, modelH(t, res), count(positives))
		})
	}
}

// TestDavies2023OneRail: why both rails learn. With the 0-rail silenced
// (--set 'R0.v_th=1 V': its relays never fire), the output learns only the
// pattern's 1-bits, and every code word that has them, whatever its other
// bits, fires: 2^z positives for a pattern with z zeros, 1 true positive
// and 2^z − 1 false positives.
func TestDavies2023OneRail(t *testing.T) {
	p := uint(dvShipped1)
	model := daviesDir(t, []uint{p})
	res := &daviesRun(t, model, 0, 0, "R0.v_th=1 V").Result
	positives := outWindows(t, res, dvTest, 1<<dvBits)
	z := dvBits - bits.OnesCount(p)
	for k, fired := range positives {
		if want := uint(k)&p == p; fired != want {
			t.Errorf("code %010b: fires %v, want %v (a superset of the pattern's 1-bits fires)", k, fired, want)
		}
	}
	t.Logf("one rail: %d positives = 2^%d (pattern has %d zeros)", count(positives), z, z)
}

// TestDavies2023Shipped: the example as shipped (two patterns at HD 3)
// computes the closed-form h and detects exactly its 8 code words.
func TestDavies2023Shipped(t *testing.T) {
	patterns := []uint{dvShipped1, dvShipped2}
	_, hMin := daviesExpected(patterns)
	res := &daviesRun(t, "davies2023.snn", 0, 0).Result
	if got := modelH(t, res); math.Abs(got/(hMin*(1+dvMargin))-1) > 1e-8 {
		t.Errorf("davies2023.snn computed h = %.9g; the smallest that fires is %.9g", got, hMin)
	}
	checkDetection(t, patterns, outWindows(t, res, dvTest, 1<<dvBits))
}

// TestDaviesHGrowth: snnc's h against the paper's growth with the Hamming
// distance. Two patterns at HD share 10 − HD bits, whose synapses (on
// either rail) are potentiated in both training slots (2w*), and differ in
// HD, potentiated once (w*): each pattern's summed weight is
// W = w*·(20 − HD), so h = v_th·exp(dt/tau_m) / (w*·(20 − HD)) grows as
// 1/(20 − HD). The paper's h grows as 1/(10 − HD). The test checks the
// closed form against daviesExpected (the nearest-pair reference that
// TestDavies2023 checks the model against) and logs both growths relative
// to HD = 1.
func TestDaviesHGrowth(t *testing.T) {
	wStar := 10*math.Exp(-2.0/5) - 10*math.Exp(-28.0/5)
	flip := func(hd int) uint { return uint(1)<<hd - 1 } // the low hd bits
	_, h1 := daviesExpected([]uint{dvShipped1, dvShipped1 ^ flip(1)})
	for hd := 1; hd <= 9; hd++ {
		_, h := daviesExpected([]uint{dvShipped1, dvShipped1 ^ flip(hd)})
		want := 15 * math.Exp(0.1) / (wStar * float64(20-hd))
		if math.Abs(h/want-1) > 1e-3 {
			t.Errorf("HD = %d: h = %.6g, closed form v_th·e^0.1/(w*(20 − HD)) = %.6g", hd, h, want)
		}
		t.Logf("HD = %d: h = %.5f; h/h(HD=1) = %.3f, snnc's 19/(20 − HD) = %.3f, the paper's 9/(10 − HD) = %.3f",
			hd, h, h/h1, 19/float64(20-hd), 9/float64(10-hd))
	}
}

func checkDaviesWeights(t *testing.T, res *engine.Result, want []float64, tol float64) {
	t.Helper()
	var got []float64
	for _, m := range res.Weights {
		got = append(got, m.V[len(m.V)-1]...)
	}
	if len(got) != len(want) {
		t.Fatalf("%d weights, want %d", len(got), len(want))
	}
	for k := range want {
		if math.Abs(got[k]-want[k]) > tol {
			t.Errorf("weight %d = %.12g, nearest-pair reference %.12g", k, got[k], want[k])
		}
	}
}

// checkDetection compares the detected code words with the closed form —
// the codes that agree with every trained pattern where the patterns
// agree — and counts them as the paper's metric tables do: a trained
// pattern that fires is a true positive (one that does not, a false
// negative); any other code word that fires is a false positive (one that
// does not, a true negative). For two patterns at Hamming distance HD:
// TP 2, FP 2^HD − 2, FN 0, TN 1024 − 2^HD.
func checkDetection(t *testing.T, patterns []uint, positives []bool) {
	t.Helper()
	mask := uint(1<<dvBits - 1) // positions where all patterns agree
	trained := map[uint]bool{}
	for _, p := range patterns {
		mask &^= p ^ patterns[0]
		trained[p] = true
	}
	hd := dvBits - bits.OnesCount(mask)
	tp, tn, fp, fn := 0, 0, 0, 0
	for k, fired := range positives {
		if want := (uint(k)^patterns[0])&mask == 0; fired != want {
			t.Errorf("code %010b: fires %v, want %v", k, fired, want)
		}
		switch {
		case trained[uint(k)] && fired:
			tp++
		case trained[uint(k)]:
			fn++
		case fired:
			fp++
		default:
			tn++
		}
	}
	n := len(trained)
	if tp != n || fn != 0 || fp != 1<<hd-n || tn != 1<<dvBits-1<<hd {
		t.Errorf("TP %d FP %d FN %d TN %d; want TP %d FP %d FN 0 TN %d (HD = %d)", tp, fp, fn, tn, n, 1<<hd-n, 1<<dvBits-1<<hd, hd)
	}
	t.Logf("TP %d  FP %d  FN %d  TN %d  (HD = %d)", tp, fp, fn, tn, hd)
}

func count(b []bool) int {
	n := 0
	for _, x := range b {
		if x {
			n++
		}
	}
	return n
}
