package rt

import (
	"math"
	"slices"
	"testing"
)

// chi2Crit is the chi-square value a df-degree statistic exceeds with
// probability ≈ 2e-4 (Wilson–Hilferty, z = 3.5).
func chi2Crit(df int) float64 {
	d := float64(df)
	a := 2 / (9 * d)
	return d * math.Pow(1-a+3.5*math.Sqrt(a), 3)
}

func chi2Uniform(counts []int64) float64 {
	total := int64(0)
	for _, c := range counts {
		total += c
	}
	e := float64(total) / float64(len(counts))
	chi := 0.0
	for _, c := range counts {
		chi += (float64(c) - e) * (float64(c) - e) / e
	}
	return chi
}

// TestFixedTotalNumber: exactly K synapses; pre and post marginals uniform
// (chi-square); multapses occur at the rate drawing with replacement gives;
// the same stream gives the same synapses; except self drops i -> i.
func TestFixedTotalNumber(t *testing.T) {
	const npre, npost, k = 60, 40, 50000
	for _, es := range []bool{false, true} {
		spec := ConnSpec{Kind: "fixed_total_number", K: k, ExceptSelf: es}
		pre, post := g1(npre), g1(npost)
		if es {
			post = g1(npre)
		}
		c, err := Connect(spec, pre, post, NewStream(3, Hash("p")))
		if err != nil {
			t.Fatal(err)
		}
		checkCSR(t, c)
		if c.NumSynapses() != k {
			t.Fatalf("except self %v: %d synapses, want exactly %d", es, c.NumSynapses(), k)
		}
		if got := EstimateSynapses(spec, pre, post); got != k {
			t.Errorf("EstimateSynapses = %g, want %d", got, k)
		}
		rows := make([]int64, c.NPre)
		cols := make([]int64, c.NPost)
		pairs := map[[2]int32]int{}
		for i := 0; i < c.NPre; i++ {
			rows[i] = c.RowPtr[i+1] - c.RowPtr[i]
			for _, j := range c.Row(i) {
				cols[j]++
				pairs[[2]int32{int32(i), j}]++
				if es && int(j) == i {
					t.Fatalf("except self: synapse %d -> %d", i, j)
				}
			}
		}
		for name, cnt := range map[string][]int64{"pre": rows, "post": cols} {
			if chi, crit := chi2Uniform(cnt), chi2Crit(len(cnt)-1); chi > crit {
				t.Errorf("except self %v: %s marginal chi² = %.1f > %.1f (df %d)", es, name, chi, crit, len(cnt)-1)
			}
		}
		// joint: every allowed pair equally likely (the rows' multinomial
		// counts and their own streams give NEST's independent pairs)
		cells := make([]int64, 0, c.NPre*c.NPost)
		for i := 0; i < c.NPre; i++ {
			for j := 0; j < c.NPost; j++ {
				if !es || i != j {
					cells = append(cells, int64(pairs[[2]int32{int32(i), int32(j)}]))
				}
			}
		}
		if chi, crit := chi2Uniform(cells), chi2Crit(len(cells)-1); chi > crit {
			t.Errorf("except self %v: pair table chi² = %.1f > %.1f (df %d)", es, chi, crit, len(cells)-1)
		}
		// multapses: K draws into m pairs leave m·(1-1/m)^K pairs empty
		m := float64(c.NPre * c.NPost)
		if es {
			m -= float64(c.NPre)
		}
		wantEmpty := m * math.Pow(1-1/m, k)
		empty := m - float64(len(pairs))
		if math.Abs(empty-wantEmpty) > 5*math.Sqrt(wantEmpty) {
			t.Errorf("except self %v: %g pairs never drawn, expected %.0f", es, empty, wantEmpty)
		}
		again, _ := Connect(spec, pre, post, NewStream(3, Hash("p")))
		if !slices.Equal(again.Col, c.Col) || !slices.Equal(again.RowPtr, c.RowPtr) {
			t.Error("not deterministic for a stream")
		}
		other, _ := Connect(spec, pre, post, NewStream(4, Hash("p")))
		if slices.Equal(other.Col, c.Col) {
			t.Error("another seed gives the same synapses")
		}
		r, err := ConnectRows(spec, pre, post, NewStream(3, Hash("p")), 2)
		if err != nil || r.NumSynapses() != k {
			t.Fatalf("ConnectRows: %v, %d synapses", err, r.NumSynapses())
		}
	}
	if _, err := Connect(ConnSpec{Kind: "fixed_total_number", K: -1}, g1(3), g1(3), NewStream(1)); err == nil {
		t.Error("negative K accepted")
	}
	if _, err := Connect(ConnSpec{Kind: "fixed_total_number", K: 3}, g1(0), g1(3), NewStream(1)); err == nil {
		t.Error("K synapses from an empty population accepted")
	}
	if c, err := Connect(ConnSpec{Kind: "fixed_total_number"}, g1(0), g1(3), NewStream(1)); err != nil || c.NumSynapses() != 0 {
		t.Errorf("K = 0: %v", err)
	}
}

// TestDelayStep: to the nearest step (a projection's single delay rounds
// the same way), at least one step.
func TestDelayStep(t *testing.T) {
	const dt = 0.1e-3
	for _, c := range []struct {
		d    float64
		want int
	}{{1.5e-3, 15}, {1.54e-3, 15}, {1.56e-3, 16}, {0.1e-3, 1}, {0.04e-3, 1}, {0, 1}, {-1e-3, 1}, {6553.5e-3, 65535}} {
		got, err := DelayStep(c.d, dt)
		if err != nil || got != c.want {
			t.Errorf("DelayStep(%g) = %d, %v; want %d", c.d, got, err, c.want)
		}
	}
	for _, d := range []float64{math.NaN(), math.Inf(1), 6553.6e-3} {
		if _, err := DelayStep(d, dt); err == nil {
			t.Errorf("DelayStep(%g) accepted", d)
		}
	}
	// the inlined common case is math.Round: halves, their neighbours one
	// ulp either side, the ends of its range, and random values
	rng := NewStream(5)
	var xs []float64
	for k := 0.0; k < 70000; k += 1 + float64(int(k)/64) {
		for _, x := range []float64{k - 0.5, k, k + 0.5} {
			xs = append(xs, math.Nextafter(x, -1), x, math.Nextafter(x, math.Inf(1)))
		}
	}
	for range 100000 {
		xs = append(xs, 70000*rng.Float64(), 3*rng.Float64())
	}
	for _, x := range append(xs, 65535.5, math.Nextafter(65535.5, 0), 0.5, 1) {
		got, err := DelayStep(x*dt, dt)
		want := math.Round(x * dt / dt)
		switch {
		case want > MaxSynDelay:
			if err == nil {
				t.Fatalf("DelayStep of %v steps accepted", x)
			}
		case err != nil || float64(got) != max(want, 1):
			t.Fatalf("DelayStep of %v steps (%v / dt) = %d, %v; math.Round gives %g", x, x*dt, got, err, want)
		}
	}
}

// TestSynDelays: draws below dt are drawn again; one byte a synapse when
// the longest fits, two beyond; the ring delivers each synapse after its
// own delay, in push order within a step.
func TestSynDelays(t *testing.T) {
	const dt = 1.0
	vals := [][]float64{{3}, {0.5, 7}, {1}, {2.4}, {7}}
	tries := map[int64]int{}
	d, err := NewSynDelays(5, dt, 2, NewStream(1), func() func(*Stream, int64) float64 {
		return func(_ *Stream, s int64) float64 { v := vals[s][tries[s]]; tries[s]++; return v }
	})
	if err != nil {
		t.Fatal(err)
	}
	// synapse 1 drew 0.5, below dt: drawn again (7)
	if d.D8 == nil || d.Bytes() != 5 || d.Max != 7 {
		t.Fatalf("delays %+v", d)
	}
	want := []int{3, 7, 1, 2, 7}
	for s, w := range want {
		if d.Steps(int64(s)) != w {
			t.Errorf("synapse %d: %d steps, want %d", s, d.Steps(int64(s)), w)
		}
	}
	r := NewSynRing(d)
	r.PushRow(d, 0, 3) // step 0: synapses 0, 1, 2
	got := map[int][]uint32{}
	for step := 0; step < 12; step++ {
		if step == 1 {
			r.PushRow(d, 3, 5)
		}
		got[step] = slices.Clone(r.Current())
		r.Advance()
	}
	// due: s0 at 3, s1 at 7, s2 at 1; pushed at step 1: s3 at 3, s4 at 8
	wantAt := map[int][]uint32{1: {2}, 3: {0, 3}, 7: {1}, 8: {4}}
	for step := 0; step < 12; step++ {
		if !slices.Equal(got[step], wantAt[step]) {
			t.Errorf("step %d: due %v, want %v", step, got[step], wantAt[step])
		}
	}
	if r.Pending() != 0 {
		t.Error("synapses left in flight")
	}
	// the same schedule carrying targets instead of synapse indices
	col16 := []uint16{10, 11, 12, 13, 14}
	col32 := []uint32{20, 21, 22, 23, 24}
	for _, push := range []func(lo, hi int64){
		func(lo, hi int64) { r.PushTargets16(d, lo, hi, col16) },
		func(lo, hi int64) { r.PushTargets32(d, lo, hi, col32) },
	} {
		push(0, 3)
		var got [][]uint32
		for step := 0; step < 12; step++ {
			if step == 1 {
				push(3, 5)
			}
			got = append(got, slices.Clone(r.Current()))
			r.Advance()
		}
		for step, syns := range wantAt {
			if len(got[step]) != len(syns) {
				t.Fatalf("targets: step %d: %v, synapses %v", step, got[step], syns)
			}
			for k, s := range syns {
				if got[step][k] != uint32(col16[s]) && got[step][k] != col32[s] {
					t.Errorf("targets: step %d: %v, synapses %v", step, got[step], syns)
				}
			}
		}
	}
	fixed := func(f func(s int64) float64) func() func(*Stream, int64) float64 {
		return func() func(*Stream, int64) float64 { return func(_ *Stream, s int64) float64 { return f(s) } }
	}
	wide, err := NewSynDelays(3, dt, 1, NewStream(1), fixed(func(s int64) float64 { return float64(100 + 100*s) }))
	if err != nil || wide.D16 == nil || wide.Bytes() != 6 || wide.Max != 300 {
		t.Fatalf("wide delays: %+v, %v", wide, err)
	}
	// drawn first into one byte, then again into two: the values, not their low bytes
	for s, w := range []int{100, 200, 300} {
		if wide.Steps(int64(s)) != w {
			t.Errorf("wide delays: synapse %d: %d steps, want %d", s, wide.Steps(int64(s)), w)
		}
	}
	if _, err := NewSynDelays(1, dt, 1, NewStream(1), fixed(func(int64) float64 { return 0 })); err == nil {
		t.Error("a delay always below dt accepted")
	}
	if _, err := NewSynDelays(1, dt, 1, NewStream(1), fixed(func(int64) float64 { return math.NaN() })); err == nil {
		t.Error("NaN delay accepted")
	}
}

// TestSynDelaysStreams: block b of SynBlock synapses draws from
// stream.Child(b), redraws included, so 1, 2 and 3 threads give the same
// delays.
func TestSynDelaysStreams(t *testing.T) {
	const n, dt = 100000, 1e-4
	draw := func() func(*Stream, int64) float64 {
		return func(rng *Stream, _ int64) float64 { return 1.5e-3 + 0.75e-3*rng.Normal() }
	}
	var first *SynDelays
	for _, threads := range []int{1, 2, 3} {
		d, err := NewSynDelays(n, dt, threads, NewStream(9, Hash("d")), draw)
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = d
			// re-derived: block b from Child(b), synapse after synapse
			var rng Stream
			for s := int64(0); s < n; s++ {
				if s%SynBlock == 0 {
					rng = NewStream(9, Hash("d")).Child(uint64(s / SynBlock))
				}
				x := 1.5e-3 + 0.75e-3*rng.Normal()
				for x < dt {
					x = 1.5e-3 + 0.75e-3*rng.Normal()
				}
				if want := int(math.Round(x / dt)); d.Steps(s) != want {
					t.Fatalf("synapse %d: %d steps, its block's stream gives %d", s, d.Steps(s), want)
				}
			}
			continue
		}
		if !slices.Equal(d.D8, first.D8) || d.Max != first.Max {
			t.Errorf("%d threads draw other delays than 1", threads)
		}
	}
}
