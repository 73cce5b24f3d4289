package examples_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/snnc/snnc/backends/gosim"
	"github.com/snnc/snnc/internal/golden"
)

// The stream of feast.snn: presentations of 64 events, one every 0.5 ms,
// then 10 ms of silence; even presentations are class H (rows), odd ones
// class V (columns).
const (
	fsSide     = 8
	fsEvery    = 0.5 // ms between events
	fsGap      = 10.0
	fsPresents = 150
	fsPeriod   = fsSide*fsSide*fsEvery + fsGap // ms per presentation
)

func feastStream() string {
	var b strings.Builder
	b.WriteString("index,time_ms\n")
	t := 0.0
	for p := 0; p < fsPresents; p++ {
		for a := 0; a < fsSide; a++ {
			for c := 0; c < fsSide; c++ {
				idx := a*fsSide + c // H: row a, left to right
				if p%2 == 1 {
					idx = c*fsSide + a // V: column a, top to bottom
				}
				fmt.Fprintf(&b, "%d,%g\n", idx, t)
				t += fsEvery
			}
		}
		t += fsGap
	}
	return b.String()
}

// TestFeastStream: the shipped stream is feastStream (rewrite with -update).
func TestFeastStream(t *testing.T) {
	golden.Check(t, "feast_events.csv", []byte(feastStream()))
}

// TestFeast checks the FEAST algorithm's invariants and outcome:
//   - every event is resolved exactly once: one winner (an F spike) or a
//     miss (an M spike), never two winners (wta k = 1);
//   - the very first event is a miss: d = w.TS/|TS| <= 1 by Cauchy-Schwarz
//     with unit-norm w, and every threshold starts at 1;
//   - every neuron's weight vector has unit Euclidean norm (to 1e-12) in
//     every sample (every 500 ms, from t = 0), through learning and
//     normalize l2;
//   - the thresholds (recorded every step) start at 1 and move exactly as
//     the paper's rule: +ΔE for the winner in the step it wins, −ΔI for
//     every neuron in a step with a miss, no change otherwise;
//   - the miss-rate curve (per ten presentations): over 5 % while the
//     thresholds fall from 1, at most 2 % in every later block, and in the
//     equilibrium (presentations 100-149) within a factor 2 of the rate
//     at which wins and misses balance, 1/(1 + N·ΔI/ΔE) = 0.0062;
//   - the learned features separate the two classes. Measure: each neuron
//     is labelled with the class it wins most often in presentations
//     50-99; on presentations 100-149 (i) the fraction of events whose
//     winner's label is the event's class (event purity; 0.5 for features
//     blind to orientation) is at least 0.85, and (ii) every presentation's
//     majority vote of its winners' labels is its class.
func TestFeast(t *testing.T) {
	res := run(t, "feast.snn")
	spikes := map[string][2][]float64{}
	for _, m := range res.Spikes {
		idx := make([]float64, len(m.I))
		for k, i := range m.I {
			idx[k] = float64(i)
		}
		spikes[m.Name] = [2][]float64{idx, m.T}
	}
	wins, misses := spikes["F"], spikes["M"]
	var events []float64 // the stream's event times, s
	for p := 0; p < fsPresents; p++ {
		for e := 0; e < fsSide*fsSide; e++ {
			events = append(events, (float64(p)*fsPeriod+float64(e)*fsEvery)*1e-3)
		}
	}
	nEv := len(events)
	// an event at step n is tested at n+1 (a win) and missed at n+2
	resolved := map[int]int{}
	for _, ts := range wins[1] {
		resolved[int(math.Round(ts/1e-4))-1]++
	}
	for _, ts := range misses[1] {
		resolved[int(math.Round(ts/1e-4))-2]++
	}
	for _, ts := range events {
		n := int(math.Round(ts / 1e-4))
		if resolved[n] != 1 {
			t.Fatalf("event at %.1f ms resolved %d times", ts*1e3, resolved[n])
		}
	}
	if len(wins[1])+len(misses[1]) != nEv {
		t.Errorf("%d wins + %d misses for %d events", len(wins[1]), len(misses[1]), nEv)
	}
	if len(misses[1]) == 0 || misses[1][0] > 0.0002+1e-9 {
		t.Errorf("the first event is not a miss: misses at %v", misses[1][:min(3, len(misses[1]))])
	}
	checkUnitNorm(t, res)

	presentation := func(ts float64) int { return int(ts * 1e3 / fsPeriod) }
	missIn := func(lo, hi int) float64 {
		n := 0
		for _, ts := range misses[1] {
			if p := presentation(ts); p >= lo && p < hi {
				n++
			}
		}
		return float64(n) / float64((hi-lo)*fsSide*fsSide)
	}
	var curve []float64 // the miss rate per ten presentations
	for p := 0; p < fsPresents; p += 10 {
		curve = append(curve, missIn(p, p+10))
	}
	t.Logf("miss rate per 10 presentations: %.4f", curve)
	thr := checkFeastThresholds(t, res, wins, misses)
	mean := func(p int) float64 { // mean threshold at the start of presentation p
		row := thr[int(math.Round(float64(p)*fsPeriod/0.1))]
		m := 0.0
		for _, x := range row {
			m += x
		}
		return m / float64(len(row))
	}
	t.Logf("mean threshold at presentations 0, 10, 50, 100, 149: %.4f %.4f %.4f %.4f %.4f", mean(0), mean(10), mean(50), mean(100), mean(149))
	// The miss-rate curve: dense misses while the thresholds fall from 1
	// (to 0.25 after ten presentations), none while they climb back, then
	// the equilibrium. There every threshold stays put on average, so each
	// neuron's rises balance the misses' falls: ΔE·W_i = ΔI·M for each of
	// the N = 16 neurons, W = Σ W_i = N·(ΔI/ΔE)·M, and the miss rate is
	// M/(W + M) = 1/(1 + N·ΔI/ΔE) = 1/161 = 0.0062.
	if curve[0] < 0.05 {
		t.Errorf("miss rate %.4f in presentations 0-9, want the dense misses of falling thresholds (> 0.05)", curve[0])
	}
	for k, r := range curve[1:] {
		if r > 0.02 {
			t.Errorf("miss rate %.4f in presentations %d-%d, want <= 0.02 once the thresholds have fallen", r, 10*(k+1), 10*(k+1)+9)
		}
	}
	balance := 1 / (1 + 16*0.01/0.001)
	if eq := missIn(100, 150); eq < balance/2 || eq > 2*balance {
		t.Errorf("equilibrium miss rate %.4f in presentations 100-149, want within a factor 2 of 1/(1 + N·ΔI/ΔE) = %.4f", eq, balance)
	}
	early, late := missIn(0, 10), missIn(100, 150)
	// class separation
	var count [16][2]int
	for k, ts := range wins[1] {
		if p := presentation(ts); p >= 50 && p < 100 {
			count[int(wins[0][k])][p%2]++
		}
	}
	label := func(i int) int {
		if count[i][1] > count[i][0] {
			return 1
		}
		return 0
	}
	right, total := 0, 0
	votes := map[int][2]int{}
	for k, ts := range wins[1] {
		p := presentation(ts)
		if p < 100 {
			continue
		}
		total++
		l := label(int(wins[0][k]))
		if l == p%2 {
			right++
		}
		v := votes[p]
		v[l]++
		votes[p] = v
	}
	purity := float64(right) / float64(total)
	if purity < 0.85 {
		t.Errorf("event purity %.3f in presentations 100-149, want >= 0.85", purity)
	}
	wrong := 0
	for p := 100; p < fsPresents; p++ {
		v := votes[p]
		if (v[1] > v[0]) != (p%2 == 1) {
			wrong++
		}
	}
	if wrong > 0 {
		t.Errorf("%d of 50 presentations voted for the wrong class", wrong)
	}
	t.Logf("miss rate %.3f (presentations 0-9) -> %.3f (100-149); event purity %.3f; %d/50 presentations classified right",
		early, late, purity, 50-wrong)
}

func checkUnitNorm(t *testing.T, res *gosim.Result) {
	t.Helper()
	if len(res.Weights) != 1 {
		t.Fatalf("%d weight monitors", len(res.Weights))
	}
	m := res.Weights[0]
	if len(m.V) < 10 {
		t.Fatalf("%d weight samples, want one every 500 ms", len(m.V))
	}
	for n, w := range m.V {
		sum := map[int32]float64{}
		for k, x := range w {
			sum[m.Post[k]] += x * x
		}
		if len(sum) != 16 {
			t.Fatalf("weights of %d neurons, want 16", len(sum))
		}
		for j, s := range sum {
			if math.Abs(math.Sqrt(s)-1) > 1e-12 {
				t.Errorf("at %g s, neuron %d: |w| = %.15f, want 1", m.T[n], j, math.Sqrt(s))
			}
		}
	}
}

// checkFeastThresholds: the recorded thresholds (every step) move exactly
// as FEAST says — in a step where neuron i wins, thr_i rises by ΔE = 0.001;
// in a step with a miss, every threshold falls by ΔI = 0.01; otherwise no
// threshold changes — and start at 1.
func checkFeastThresholds(t *testing.T, res *gosim.Result, wins, misses [2][]float64) [][]float64 {
	t.Helper()
	const dE, dI = 0.001, 0.01
	var thr [][]float64
	for _, m := range res.States {
		if m.Name == "F" && m.Var == "thr" {
			thr = m.V
		}
	}
	if len(thr) < 60000 {
		t.Fatalf("%d samples of F.thr, want one per step", len(thr))
	}
	won := map[[2]int]bool{}
	for k, ts := range wins[1] {
		won[[2]int{int(math.Round(ts / 1e-4)), int(wins[0][k])}] = true
	}
	missed := map[int]bool{}
	for _, ts := range misses[1] {
		missed[int(math.Round(ts/1e-4))] = true
	}
	for i, x := range thr[0] {
		if x != 1 {
			t.Fatalf("neuron %d starts at thr = %g, want 1", i, x)
		}
	}
	rises, falls := 0, 0
	for n := 0; n+1 < len(thr); n++ {
		for i := range thr[n] {
			want := 0.0
			if won[[2]int{n, i}] {
				want += dE
				rises++
			}
			if missed[n] {
				want -= dI
				falls++
			}
			if d := thr[n+1][i] - thr[n][i]; math.Abs(d-want) > 1e-12 {
				t.Fatalf("step %d, neuron %d: thr changed by %.6g, want %.6g (won %v, miss %v)", n, i, d, want, won[[2]int{n, i}], missed[n])
			}
		}
	}
	if rises == 0 || falls == 0 {
		t.Errorf("%d rises and %d falls of a threshold", rises, falls)
	}
	return thr
}
