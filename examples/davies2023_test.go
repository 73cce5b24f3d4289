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

// daviesRun runs the model with Out.h = h for dur ms (0: the whole run).
func daviesRun(t *testing.T, model string, h float64, dur float64) *gosim.Result {
	t.Helper()
	o := snnc.Options{Passes: passes.Options{Verify: true}}
	if h > 0 {
		o.Set = []string{fmt.Sprintf("Out.h=%.17g", h)}
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

// outWindows says, per window of length dvWindow from start, whether the
// output fired in it.
func outWindows(t *testing.T, res *gosim.Result, start float64, n int) []bool {
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
		w := outWindows(t, daviesRun(t, model, h, dvTest), dvCheck, 2)
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

// TestDavies2023: one trained pattern is the only code word of 1024 that
// fires (1 true positive, 1023 true negatives); two trained patterns at
// Hamming distance HD make exactly the 2^HD code words that agree with both
// where they agree fire, and no other (no false negatives, no false
// positives). The trained weights equal the nearest-pair reference, and the
// searched h the closed-form threshold.
func TestDavies2023(t *testing.T) {
	const p1 = dvShipped1
	cases := []struct {
		name     string
		patterns []uint
	}{
		{"one pattern", []uint{p1}},
		{"HD=1", []uint{p1, p1 ^ 0b0000010000}},
		{"HD=2", []uint{p1, p1 ^ 0b1000000001}},
		{"HD=4", []uint{p1, p1 ^ 0b0110100100}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			model := daviesDir(t, c.patterns)
			h, runs := daviesSearch(t, model)
			wantW, hMin := daviesExpected(c.patterns)
			if h < hMin || h > hMin*(1+2e-7) {
				t.Errorf("searched h = %.9g, closed form %.9g", h, hMin)
			}
			res := daviesRun(t, model, h, 0)
			checkDaviesWeights(t, res, wantW)
			positives := outWindows(t, res, dvTest, 1<<dvBits)
			checkDetection(t, c.patterns, positives)
			t.Logf("h = %.7g after %d runs; %d positives", h, runs, count(positives))
		})
	}
}

// TestDavies2023Shipped: the example as shipped (two patterns at HD 3, h
// in the file) detects exactly its 8 code words, and the file's h is the
// searched one rounded up.
func TestDavies2023Shipped(t *testing.T) {
	patterns := []uint{dvShipped1, dvShipped2}
	_, hMin := daviesExpected(patterns)
	res := daviesRun(t, "davies2023.snn", 0, 0)
	if got := fileH(t); got < hMin || got > hMin*1.001 {
		t.Errorf("h in davies2023.snn = %g; the smallest that fires is %.7g", got, hMin)
	}
	checkDetection(t, patterns, outWindows(t, res, dvTest, 1<<dvBits))
}

func fileH(t *testing.T) float64 {
	src, _ := os.ReadFile("davies2023.snn")
	var h float64
	i := strings.Index(string(src), "Detector[1] { h = ")
	if i < 0 {
		t.Fatal("no `Detector[1] { h = ` in davies2023.snn")
	}
	fmt.Sscan(string(src[i+len("Detector[1] { h = "):]), &h)
	return h
}

func checkDaviesWeights(t *testing.T, res *gosim.Result, want []float64) {
	t.Helper()
	var got []float64
	for _, m := range res.Weights {
		got = append(got, m.V[len(m.V)-1]...)
	}
	if len(got) != len(want) {
		t.Fatalf("%d weights, want %d", len(got), len(want))
	}
	for k := range want {
		if math.Abs(got[k]-want[k]) > 1e-9 {
			t.Errorf("weight %d = %.12g, nearest-pair reference %.12g", k, got[k], want[k])
		}
	}
}

// checkDetection compares the detected code words with the closed form:
// the codes that agree with every trained pattern where the patterns agree.
func checkDetection(t *testing.T, patterns []uint, positives []bool) {
	t.Helper()
	mask := uint(1<<dvBits - 1) // positions where all patterns agree
	for _, p := range patterns {
		mask &^= p ^ patterns[0]
	}
	hd := dvBits - bits.OnesCount(mask)
	tp, fp, fn := 0, 0, 0
	for k, fired := range positives {
		want := (uint(k)^patterns[0])&mask == 0
		switch {
		case want && fired:
			tp++
		case fired:
			fp++
			t.Errorf("code %010b fires", k)
		case want:
			fn++
			t.Errorf("code %010b does not fire", k)
		}
	}
	if tp != 1<<hd || fp != 0 || fn != 0 {
		t.Errorf("%d true positives (want 2^%d = %d), %d false positives, %d false negatives, %d true negatives",
			tp, hd, 1<<hd, fp, fn, len(positives)-tp-fp-fn)
	}
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
