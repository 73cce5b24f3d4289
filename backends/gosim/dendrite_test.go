package gosim_test

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/snnc/snnc/backends/gosim"
)

// ---- Ahmad & Hawkins 2016 formulas, exactly (math/big) ----

func choose(n, k int) *big.Int {
	if k < 0 || n < 0 || k > n {
		return big.NewInt(0)
	}
	return new(big.Int).Binomial(int64(n), int64(k))
}

// pFalseMatch is P_fm(n,a,s,θ) = Σ_{b=θ..s} C(s,b)·C(n−s,a−b) / C(n,a).
func pFalseMatch(n, a, s, theta int) float64 {
	num := new(big.Int)
	for b := theta; b <= s; b++ {
		num.Add(num, new(big.Int).Mul(choose(s, b), choose(n-s, a-b)))
	}
	f, _ := new(big.Rat).SetFrac(num, choose(n, a)).Float64()
	return f
}

// pMiss is P_fn(a,s,θ,v) = Σ_{b=s−θ+1..s} C(s,b)·C(a−s,v−b) / C(a,v): v of
// the a cells of a stored pattern replaced, fewer than θ of the s remain.
func pMiss(a, s, theta, v int) float64 {
	num := new(big.Int)
	for b := s - theta + 1; b <= s; b++ {
		num.Add(num, new(big.Int).Mul(choose(s, b), choose(a-s, v-b)))
	}
	f, _ := new(big.Rat).SetFrac(num, choose(a, v)).Float64()
	return f
}

// TestFormulas pins the two formulas on values computed by hand.
func TestFormulas(t *testing.T) {
	// n=4, a=2, s=2, θ=1: 1 − C(2,2)/C(4,2) = 5/6
	if p := pFalseMatch(4, 2, 2, 1); math.Abs(p-5.0/6) > 1e-15 {
		t.Errorf("P_fm(4,2,2,1) = %v, want 5/6", p)
	}
	// a=4, s=2, θ=2, v=1: a miss when one of the 2 is replaced: 2/4
	if p := pMiss(4, 2, 2, 1); math.Abs(p-0.5) > 1e-15 {
		t.Errorf("P_fn(4,2,2,1) = %v, want 1/2", p)
	}
}

// ---- the detectors of testdata/dendrites/segment_stats.snn ----

type detector struct {
	k, n, s, theta int
	a              int // active cells per pattern
	v              int // noise: cells of the stored pattern replaced
}

var detectors = []detector{
	{k: 1, n: 100, s: 10, theta: 4, a: 20, v: 10},
	{k: 2, n: 200, s: 16, theta: 5, a: 30, v: 18},
	{k: 3, n: 500, s: 24, theta: 6, a: 40, v: 27},
	{k: 4, n: 1000, s: 20, theta: 4, a: 50, v: 36},
}

const statSteps = 20000 // the model runs 20 s at dt = 1 ms

// runDetectors writes each detector's pool (s random cells of n) and one
// pattern per step from gen, runs the model, and returns per detector the
// overlap of every pattern with the pool and the steps the detector spiked.
func runDetectors(t *testing.T, gen func(d detector, pool []int, rng *rand.Rand) func() []int) (overlaps [][]int, spikes [][]int) {
	t.Helper()
	dir := t.TempDir()
	for _, d := range detectors {
		rng := rand.New(rand.NewPCG(2016, uint64(d.k)))
		pool := rng.Perm(d.n)[:d.s]
		var sb strings.Builder
		for _, c := range pool {
			fmt.Fprintf(&sb, "%d,0\n", c)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("pool%d.csv", d.k)), []byte(sb.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		inPool := map[int]bool{}
		for _, c := range pool {
			inPool[c] = true
		}
		next := gen(d, pool, rng)
		sb.Reset()
		var ov []int
		// the pattern of the last step would show in a step not simulated
		for step := 0; step < statSteps-1; step++ {
			b := 0
			for _, c := range next() {
				fmt.Fprintf(&sb, "%d,%d\n", c, step)
				if inPool[c] {
					b++
				}
			}
			ov = append(ov, b)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("patterns%d.csv", d.k)), []byte(sb.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		overlaps = append(overlaps, ov)
	}
	res := run(t, compile(t, "../../testdata/dendrites/segment_stats.snn"), gosim.Options{BaseDir: dir})
	for k := range detectors {
		m := res.Spikes[k]
		var steps []int
		for _, ts := range m.T {
			steps = append(steps, int(math.Round(ts/1e-3)))
		}
		spikes = append(spikes, steps)
	}
	return overlaps, spikes
}

// checkExact: the detector spikes in step k+1 exactly when the pattern of
// step k had at least θ active cells among the segment's synapses.
func checkExact(t *testing.T, d detector, overlap, spikes []int) int {
	t.Helper()
	var want []int
	for k, b := range overlap {
		if b >= d.theta {
			want = append(want, k+1)
		}
	}
	if !slices.Equal(spikes, want) {
		bad := 0
		for k, b := range overlap {
			if (b >= d.theta) != slices.Contains(spikes, k+1) {
				if bad < 5 {
					t.Errorf("detector %d: step %d had %d of θ=%d active synapses, spiked next step: %v", d.k, k, b, d.theta, slices.Contains(spikes, k+1))
				}
				bad++
			}
		}
		t.Errorf("detector %d: %d of %d steps disagree with the segment rule", d.k, bad, len(overlap))
	}
	return len(spikes)
}

// within3SE compares a Monte Carlo frequency with its probability.
func within3SE(t *testing.T, what string, hits, trials int, p float64) {
	t.Helper()
	got := float64(hits) / float64(trials)
	se := math.Sqrt(p * (1 - p) / float64(trials))
	t.Logf("%s: measured %.5f, formula %.5f (%d trials, |Δ| = %.2f SE)", what, got, p, trials, math.Abs(got-p)/se)
	if math.Abs(got-p) > 3*se {
		t.Errorf("%s: measured %.5f, formula %.5f ± %.5f (3 SE)", what, got, p, 3*se)
	}
}

// TestSegmentFalseMatch: random patterns of exactly a of n cells activate a
// segment of s synapses with threshold θ at Ahmad & Hawkins's P_fm.
func TestSegmentFalseMatch(t *testing.T) {
	overlaps, spikes := runDetectors(t, func(d detector, _ []int, rng *rand.Rand) func() []int {
		return func() []int {
			p := rng.Perm(d.n)[:d.a]
			slices.Sort(p)
			return p
		}
	})
	for i, d := range detectors {
		p := pFalseMatch(d.n, d.a, d.s, d.theta)
		if p < 1e-3 {
			t.Fatalf("detector %d: P_fm = %g is too small to measure", d.k, p)
		}
		hits := checkExact(t, d, overlaps[i], spikes[i])
		within3SE(t, fmt.Sprintf("P_fm(n=%d, a=%d, s=%d, θ=%d)", d.n, d.a, d.s, d.theta), hits, len(overlaps[i]), p)
	}
}

// TestSegmentNoise: a stored pattern (the s synapse cells and a−s others)
// with v of its a cells replaced by cells outside it is missed at P_fn.
func TestSegmentNoise(t *testing.T) {
	overlaps, spikes := runDetectors(t, func(d detector, pool []int, rng *rand.Rand) func() []int {
		in := map[int]bool{}
		stored := slices.Clone(pool)
		for _, c := range pool {
			in[c] = true
		}
		var others []int
		for _, c := range rng.Perm(d.n) {
			if in[c] {
				continue
			}
			if len(stored) < d.a {
				stored = append(stored, c)
			} else {
				others = append(others, c)
			}
		}
		return func() []int {
			keep := slices.Clone(stored)
			rng.Shuffle(len(keep), func(i, j int) { keep[i], keep[j] = keep[j], keep[i] })
			keep = keep[d.v:]
			for _, k := range rng.Perm(len(others))[:d.v] {
				keep = append(keep, others[k])
			}
			slices.Sort(keep)
			return keep
		}
	})
	for i, d := range detectors {
		p := pMiss(d.a, d.s, d.theta, d.v)
		hits := checkExact(t, d, overlaps[i], spikes[i])
		within3SE(t, fmt.Sprintf("P_fn(a=%d, s=%d, θ=%d, v=%d)", d.a, d.s, d.theta, d.v), len(overlaps[i])-hits, len(overlaps[i]), p)
	}
}

// ---- learning ----

// sequence writes the input of testdata/dendrites/learn.snn: pattern x at
// step 10k, pattern y at step 10k+1 (cells fire one step after their input).
func writeSequence(t *testing.T, dir string, seq [][2][]int) {
	t.Helper()
	var sb strings.Builder
	for k, xy := range seq {
		for _, c := range xy[0] {
			fmt.Fprintf(&sb, "%d,%d\n", c, 10*k)
		}
		for _, c := range xy[1] {
			fmt.Fprintf(&sb, "%d,%d\n", c, 10*k+1)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "sequence.csv"), []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

func ints(xs []int32) []int {
	r := make([]int, len(xs))
	for k, x := range xs {
		r[k] = int(x)
	}
	return r
}

func cellRange(lo, hi int) []int {
	var r []int
	for c := lo; c < hi; c++ {
		r = append(r, c)
	}
	return r
}

// TestSegmentLearning: HTM learning on learn.snn (segments 2, synapses 16,
// threshold 4, min_threshold 3, max_new_synapses 12, initial 0.21,
// connected 0.5, increment = decrement = 0.1).
//
//  1. A → B eight times: B's cells grow one segment onto all 10 A cells at
//     0.21 and reinforce it by 0.1 per presentation; it connects after the
//     fourth (0.21 + 3·0.1 ≥ 0.5), so from the fifth on B is predicted
//     exactly when A fires, and nothing else ever is.
//  2. A' → B twenty times, A' = 5 cells of A and 7 new ones: the 5 shared
//     cells keep B predicted; the segment grows onto the 7 new cells, which
//     overflows the 16-synapse cap by one, so the weakest synapse to an
//     inactive A cell is dropped; the other 4 decay to 0 and are destroyed.
//  3. Three new contexts of 14, 14 and 12 cells → B: each grows a new
//     segment of max_new_synapses = 12 synapses; with 2 segments per cell
//     the least recently used one is evicted each time from the second on
//     (A's segment, then C1's).
func TestSegmentLearning(t *testing.T) {
	A, B := cellRange(0, 10), cellRange(20, 30)
	A2 := append(cellRange(0, 5), cellRange(10, 17)...)
	C1, C2, C3 := cellRange(40, 54), cellRange(54, 68), cellRange(68, 80)
	var seq [][2][]int
	for range 8 {
		seq = append(seq, [2][]int{A, B})
	}
	for range 20 {
		seq = append(seq, [2][]int{A2, B})
	}
	seq = append(seq, [2][]int{C1, B}, [2][]int{C2, B}, [2][]int{C3, B})
	dir := t.TempDir()
	writeSequence(t, dir, seq)
	runFor := func(ms float64) *gosim.Result {
		return run(t, compile(t, "../../testdata/dendrites/learn.snn"), gosim.Options{BaseDir: dir, Duration: ms * 1e-3})
	}
	isB := func(c int) bool { return c >= 20 && c < 30 }
	checkBounds := func(segs []gosim.Segment) {
		t.Helper()
		perNeuron := map[int]int{}
		for _, sg := range segs {
			perNeuron[sg.Neuron]++
			if len(sg.Pre) > 16 || len(sg.Pre) == 0 {
				t.Errorf("neuron %d: a segment with %d synapses (cap 16)", sg.Neuron, len(sg.Pre))
			}
			for k, q := range sg.Perm {
				if !(q > 0 && q <= 1) {
					t.Errorf("neuron %d: synapse onto %d has permanence %v outside (0, 1]", sg.Neuron, sg.Pre[k], q)
				}
			}
			if len(slices.Compact(slices.Sorted(slices.Values(sg.Pre)))) != len(sg.Pre) {
				t.Errorf("neuron %d: two synapses onto one cell: %v", sg.Neuron, sg.Pre)
			}
		}
		for j, n := range perNeuron {
			if n > 2 {
				t.Errorf("neuron %d has %d segments (cap 2)", j, n)
			}
		}
	}

	// phase 1
	res := runFor(80)
	segs, st, err := res.Segments("C", "distal")
	if err != nil {
		t.Fatal(err)
	}
	checkBounds(segs)
	if len(segs) != 10 || st.Destroyed != 0 {
		t.Fatalf("after A→B ×8: %d segments, %d destroyed; want one per B cell, none destroyed", len(segs), st.Destroyed)
	}
	for _, sg := range segs {
		if !isB(sg.Neuron) || !slices.Equal(ints(sg.Pre), A) {
			t.Errorf("segment of neuron %d onto %v, want a B cell onto A", sg.Neuron, sg.Pre)
		}
		// grown at 0.21, reinforced at presentations 2..8
		for _, q := range sg.Perm {
			if math.Abs(q-0.91) > 1e-4 {
				t.Errorf("neuron %d: permanence %v, want 0.21 + 7·0.1", sg.Neuron, q)
				break
			}
		}
	}
	npred := res.States[0]
	for n, row := range npred.V {
		for c, x := range row {
			// predictions of A's step (10k+1) show at step 10k+2, k >= 4
			want := 0.0
			if isB(c) && n >= 42 {
				want = float64((n-42)/10 + 1)
			}
			if x != want {
				t.Fatalf("step %d: neuron %d predicted %v times, want %v", n, c, x, want)
			}
		}
	}

	// phase 2
	res = runFor(280)
	segs, st, _ = res.Segments("C", "distal")
	checkBounds(segs)
	wantPre := append(cellRange(0, 5), cellRange(10, 17)...)
	for _, sg := range segs {
		got := slices.Sorted(slices.Values(ints(sg.Pre)))
		if !isB(sg.Neuron) || !slices.Equal(got, wantPre) {
			t.Errorf("segment of neuron %d onto %v, want a B cell onto %v", sg.Neuron, got, wantPre)
		}
	}
	if len(segs) != 10 || st.Destroyed != 50 {
		t.Errorf("after A'→B ×20: %d segments, %d synapses destroyed; want 10 and 10×5", len(segs), st.Destroyed)
	}
	last := res.States[0].V[len(res.States[0].V)-1]
	for c, x := range last {
		if want := map[bool]float64{true: 4 + 20, false: 0}[isB(c)]; x != want {
			t.Errorf("neuron %d predicted %v times by 280 ms, want %v", c, x, want)
		}
	}

	// phase 3
	res = runFor(400)
	segs, st, _ = res.Segments("C", "distal")
	checkBounds(segs)
	if st.Evicted != 20 || len(segs) != 20 {
		t.Errorf("after three new contexts: %d segments, %d evicted; want 20 and 2×10", len(segs), st.Evicted)
	}
	for _, sg := range segs {
		if len(sg.Pre) != 12 || !isB(sg.Neuron) {
			t.Errorf("neuron %d: a new segment of %d synapses, want 12 (max_new_synapses)", sg.Neuron, len(sg.Pre))
		}
		for _, c := range sg.Pre {
			if c < 54 {
				t.Errorf("neuron %d keeps a synapse onto %d: the oldest segment should have been evicted", sg.Neuron, c)
				break
			}
		}
	}
	if s := res.Summary.Dendrites; len(s) != 1 || s[0].Synapses != 240 || s[0].BytesPerSynapse < 6 {
		t.Errorf("summary: %+v", s)
	}
}

// ---- continuous dendrites ----

// TestContinuousDendrite: continuous.snn against a hand computation of each
// segment's input, the activation, the combination and the membrane
// equation that reads it.
func TestContinuousDendrite(t *testing.T) {
	res := run(t, compile(t, "../../testdata/dendrites/continuous.snn"), gosim.Options{})
	const dt, steps = 1e-3, 30
	// spikes by step: X (weight 0.8) and Y (weight -0.5)
	xs := map[int][]int{2: {0}, 3: {1, 2}, 7: {3}, 9: {0, 1, 2}, 15: {3}}
	ys := map[int][]int{5: {1}, 9: {0}}
	sigmoid := func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }
	type cell struct {
		segs    int
		decay   float64
		act     func(float64) float64
		combine func([]float64) float64
	}
	cells := []cell{
		{2, math.Exp(-dt / 10e-3), func(x float64) float64 { return sigmoid(2*x - 1) }, func(y []float64) float64 { return slices.Max(y) }},
		{3, 0, func(x float64) float64 { return math.Tanh(x) + 0.25 }, func(y []float64) float64 {
			s := 0.0
			for _, v := range y {
				s += v
			}
			return s / float64(len(y))
		}},
	}
	for k, c := range cells {
		in := make([]float64, c.segs)
		out := func() float64 {
			y := make([]float64, c.segs)
			for s := range y {
				y[s] = c.act(in[s])
			}
			return c.combine(y)
		}
		outs, vs := res.States[2*k], res.States[2*k+1]
		v, ev := 0.0, math.Exp(-dt/5e-3)
		for n := 0; n < steps; n++ {
			o := out() // the output during step n (recorded at its start)
			if d := math.Abs(outs.V[n][0] - o); d > 1e-12 {
				t.Errorf("cell %d, step %d: output %.15g, want %.15g", k, n, outs.V[n][0], o)
			}
			if d := math.Abs(vs.V[n][0] - v); d > 1e-12 {
				t.Errorf("cell %d, step %d: v %.15g, want %.15g", k, n, vs.V[n][0], v)
			}
			v = v*ev + o*(1-ev) // v' = (ctx - v)/5 ms, ctx constant over the step
			// end of step n: decay, then the spikes of step n, each on the
			// segment (its index within the projection) mod S
			for s := range in {
				in[s] *= c.decay
			}
			for _, i := range xs[n] {
				in[i%c.segs] += 0.8
			}
			for _, i := range ys[n] {
				in[i%c.segs] -= 0.5
			}
		}
	}
}

// ---- two compartments ----

// TestTwoCompartment: the soma-dendrite neuron of two_compartment.snn under
// a constant somatic current, below threshold, against the closed form of
// the linear system x' = M·x + b (eigen-decomposition of the 2×2 M).
func TestTwoCompartment(t *testing.T) {
	res := run(t, compile(t, "../../testdata/dendrites/two_compartment.snn"), gosim.Options{})
	const (
		Cs, gs, El, gc = 200e-12, 10e-9, -70e-3, 10e-9
		Cd, gd, I      = 100e-12, 5e-9, 150e-12
	)
	// v' = (gs(El−v) + gc(vd−v) + I)/Cs ; vd' = (gd(El−vd) + gc(v−vd))/Cd
	m := [2][2]float64{{-(gs + gc) / Cs, gc / Cs}, {gc / Cd, -(gd + gc) / Cd}}
	b := [2]float64{(gs*El + I) / Cs, gd * El / Cd}
	// fixed point x* = −M⁻¹b
	det := m[0][0]*m[1][1] - m[0][1]*m[1][0]
	xs := [2]float64{-(m[1][1]*b[0] - m[0][1]*b[1]) / det, -(-m[1][0]*b[0] + m[0][0]*b[1]) / det}
	tr := m[0][0] + m[1][1]
	disc := math.Sqrt(tr*tr/4 - det)
	l1, l2 := tr/2+disc, tr/2-disc
	// eigenvectors (m01, l − m00)
	e1, e2 := [2]float64{m[0][1], l1 - m[0][0]}, [2]float64{m[0][1], l2 - m[0][0]}
	d0 := [2]float64{El - xs[0], El - xs[1]}
	// d0 = c1·e1 + c2·e2
	dd := e1[0]*e2[1] - e2[0]*e1[1]
	c1 := (d0[0]*e2[1] - e2[0]*d0[1]) / dd
	c2 := (e1[0]*d0[1] - d0[0]*e1[1]) / dd
	v, vd := res.States[0], res.States[1]
	if len(res.Spikes) > 0 && len(res.Spikes[0].T) > 0 {
		t.Fatalf("the neuron spiked: the test needs it below threshold")
	}
	for n := range v.V {
		tt := v.T[n]
		a, bb := c1*math.Exp(l1*tt), c2*math.Exp(l2*tt)
		wv, wd := xs[0]+a*e1[0]+bb*e2[0], xs[1]+a*e1[1]+bb*e2[1]
		if math.Abs(v.V[n][0]-wv) > 1e-12 || math.Abs(vd.V[n][0]-wd) > 1e-12 {
			t.Fatalf("t = %g ms: v = %.12g, v_d = %.12g; closed form %.12g, %.12g", tt*1e3, v.V[n][0], vd.V[n][0], wv, wd)
		}
	}
	// the dendrite is pulled up through the coupling, less than the soma
	lastV, lastD := v.V[len(v.V)-1][0], vd.V[len(vd.V)-1][0]
	if !(lastD > El+1e-3 && lastD < lastV) {
		t.Errorf("at the end v = %g, v_d = %g", lastV, lastD)
	}
}

// ---- the standard library ----

// TestStdlibDendrites runs std/dendrites' three neurons together
// (stdlib_cells.snn). Pyramidal: after six A→B presentations B's weak input
// (0.7 < v_th = 1) fires B only when A has just depolarized it (a segment
// over threshold 13 of A's 20 cells): at 122, 142 and 162 ms, not at 191
// ms. The result is the same with fuse (LA and LB run in one loop, one
// dendrite) and dce switched off.
func TestStdlibDendrites(t *testing.T) {
	const model = "../../testdata/dendrites/stdlib_cells.snn"
	res := run(t, compile(t, model), gosim.Options{})
	var lb []float64
	for _, ts := range res.Spikes[1].T {
		if ts > 0.11 {
			lb = append(lb, math.Round(ts*1e3))
		}
	}
	want := []float64{}
	for _, ms := range []float64{122, 142, 162} {
		for range 20 {
			want = append(want, ms)
		}
	}
	if !slices.Equal(lb, want) {
		t.Errorf("LB after training fired at %v ms, want all 20 cells at 122, 142, 162 ms", slices.Compact(slices.Clone(lb)))
	}
	if len(res.Spikes[2].T) == 0 || len(res.Spikes[3].T) == 0 {
		t.Errorf("ActiveDendriteCell fired %d times, TwoCompartment %d times; want both to fire", len(res.Spikes[2].T), len(res.Spikes[3].T))
	}
	for _, pass := range []string{"fuse", "dce"} {
		off := run(t, compile(t, model, pass), gosim.Options{})
		if !reflect.DeepEqual(res.Spikes, off.Spikes) {
			t.Errorf("spikes differ with %s on and off", pass)
		}
	}
	segs, _, err := res.Segments("LB", "distal")
	if err != nil || len(segs) != 20 {
		t.Fatalf("LB has %d segments (%v), want one per cell", len(segs), err)
	}
	for _, sg := range segs {
		if len(sg.Pre) != 20 {
			t.Errorf("LB[%d]: %d synapses, want 20 (max_new_synapses) onto LA", sg.Neuron, len(sg.Pre))
		}
	}
}

// TestSegmentFill: without learning, every neuron gets `segments` segments
// of min(synapses, pool) distinct cells of its pool at permanence initial:
// 3 × 10 of all 100 cells (all_to_all), 3 × all 6 of a fan_in(6) pool.
// Another seed draws other cells.
func TestSegmentFill(t *testing.T) {
	const model = "../../testdata/dendrites/fill.snn"
	res := run(t, compile(t, model), gosim.Options{})
	check := func(pop, src string, size, k int) [][]int {
		segs, st, err := res.Segments(pop, "d")
		if err != nil {
			t.Fatal(err)
		}
		if st.Segments != 15 || st.Synapses != int64(15*k) {
			t.Errorf("%s: %d segments, %d synapses; want 15 and %d", pop, st.Segments, st.Synapses, 15*k)
		}
		var pres [][]int
		for _, sg := range segs {
			pre := ints(sg.Pre)
			if len(pre) != k || !slices.IsSorted(pre) || len(slices.Compact(slices.Clone(pre))) != k || pre[0] < 0 || pre[k-1] >= size {
				t.Errorf("%s[%d]: segment onto %v, want %d distinct cells of 0..%d", pop, sg.Neuron, pre, k, size-1)
			}
			for _, q := range sg.Perm {
				if math.Abs(q-0.7) > 1e-4 {
					t.Errorf("%s[%d]: permanence %v, want 0.7", pop, sg.Neuron, q)
				}
			}
			for _, x := range sg.Source {
				if x != src {
					t.Errorf("%s[%d]: a synapse from %s, want %s", pop, sg.Neuron, x, src)
				}
			}
			pres = append(pres, pre)
		}
		return pres
	}
	wide := check("Wide", "X", 100, 10)
	narrow := check("Narrow", "Y", 30, 6)
	for k := 0; k < 15; k += 3 { // one neuron's three segments share its whole pool of 6
		if !slices.Equal(narrow[k], narrow[k+1]) || !slices.Equal(narrow[k], narrow[k+2]) {
			t.Errorf("Narrow: one neuron's segments differ: %v", narrow[k:k+3])
		}
	}
	if slices.EqualFunc(wide[:3], wide[3:6], slices.Equal) {
		t.Errorf("two neurons drew the same cells: %v", wide[:6])
	}
	seed := uint64(10)
	other := run(t, compile(t, model), gosim.Options{Seed: &seed})
	segs, _, _ := other.Segments("Wide", "d")
	if slices.Equal(ints(segs[0].Pre), wide[0]) {
		t.Errorf("another seed drew the same cells %v", wide[0])
	}
	// Wide and Narrow run as one population (fuse): unfused, the same
	unfused := run(t, compile(t, model, "fuse"), gosim.Options{})
	for _, pop := range []string{"Wide", "Narrow"} {
		a, _, _ := res.Segments(pop, "d")
		b, _, _ := unfused.Segments(pop, "d")
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s: segments differ with fuse on and off", pop)
		}
	}
	if !reflect.DeepEqual(res.States, unfused.States) {
		t.Errorf("segment activity differs with fuse on and off")
	}
}

// TestSegmentPredictedDecrement: punish.snn is learn.snn with
// predicted_decrement = 0.05. Six A → B presentations leave B's segment at
// 0.21 + 5·0.1; then A alone, three times, predicts B, which does not fire:
// each time the segment's active synapses lose 0.05.
func TestSegmentPredictedDecrement(t *testing.T) {
	A, B := cellRange(0, 10), cellRange(20, 30)
	var seq [][2][]int
	for range 6 {
		seq = append(seq, [2][]int{A, B})
	}
	for range 3 {
		seq = append(seq, [2][]int{A, nil})
	}
	dir := t.TempDir()
	writeSequence(t, dir, seq)
	res := run(t, compile(t, "../../testdata/dendrites/punish.snn"), gosim.Options{BaseDir: dir})
	segs, _, _ := res.Segments("C", "distal")
	if len(segs) != 10 {
		t.Fatalf("%d segments, want one per B cell", len(segs))
	}
	for _, sg := range segs {
		for _, q := range sg.Perm {
			if math.Abs(q-(0.71-3*0.05)) > 1e-4 {
				t.Fatalf("neuron %d: permanence %v, want 0.71 − 3·0.05", sg.Neuron, q)
			}
		}
	}
	// B was predicted at presentations 4..8, fired only at 4 and 5
	last := res.States[0].V[len(res.States[0].V)-1]
	if last[20] != 5 || last[0] != 0 {
		t.Errorf("predictions: B %v, A %v; want 5 and 0", last[20], last[0])
	}
}

// TestContinuousMergedProjections: fuse merges two static projections onto
// a continuous dendrite into one; the run is the same without fuse.
func TestContinuousMergedProjections(t *testing.T) {
	const model = "../../testdata/dendrites/continuous_merge.snn"
	on := run(t, compile(t, model), gosim.Options{})
	off := run(t, compile(t, model, "fuse"), gosim.Options{})
	if len(on.Summary.Projections) != 1 || len(off.Summary.Projections) != 2 {
		t.Fatalf("%d projections with fuse, %d without; want 1 and 2", len(on.Summary.Projections), len(off.Summary.Projections))
	}
	if len(on.Spikes[0].T) == 0 || !reflect.DeepEqual(on.Spikes, off.Spikes) || !reflect.DeepEqual(on.States, off.States) {
		t.Errorf("the run differs with fuse on and off (%d and %d spikes)", len(on.Spikes[0].T), len(off.Spikes[0].T))
	}
}
