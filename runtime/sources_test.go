package rt

import (
	"math"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestDelayRing(t *testing.T) {
	r := NewDelayRing(3)
	if r.MaxDelay() != 3 {
		t.Fatal("MaxDelay")
	}
	// step 0: push with various delays; delay 0 is due now
	r.Push(2, 20)
	r.Push(0, 1)
	r.Push(3, 30)
	r.Push(0, 2)
	r.PushAll(2, []int32{21, 22})
	want := [][]int32{{1, 2}, nil, {20, 21, 22}, {30}, {99}, nil}
	for step, w := range want {
		if got := r.Current(); !slices.Equal(got, w) && !(len(got) == 0 && len(w) == 0) {
			t.Errorf("step %d: due %v, want %v", step, got, w)
		}
		if step == 1 {
			r.Push(3, 99) // due at step 4, wraps around the ring
		}
		r.Advance()
	}
	r2 := NewDelayRing(3)
	r2.Advance()
	r2.Push(3, 7)
	for range 3 {
		if len(r2.Current()) != 0 {
			t.Fatal("early delivery")
		}
		r2.Advance()
	}
	if !slices.Equal(r2.Current(), []int32{7}) || r2.Pending() != 1 {
		t.Errorf("wrapped delivery: %v", r2.Current())
	}
	defer func() {
		if recover() == nil {
			t.Error("Push beyond the ring did not panic")
		}
	}()
	r2.Push(4, 1)
}

func TestDelayRingWrapStep4(t *testing.T) {
	r := NewDelayRing(3)
	r.Advance()
	r.Push(3, 99) // pushed at step 1 with delay 3: due at step 4
	for s := 1; s < 4; s++ {
		if len(r.Current()) != 0 {
			t.Fatalf("step %d: early %v", s, r.Current())
		}
		r.Advance()
	}
	if !slices.Equal(r.Current(), []int32{99}) {
		t.Errorf("step 4: %v", r.Current())
	}
}

func isAscending(xs []int32) bool {
	for k := 1; k < len(xs); k++ {
		if xs[k] <= xs[k-1] {
			return false
		}
	}
	return true
}

func TestPoissonRate(t *testing.T) {
	const n, rate, dt, steps = 1000, 15.0, 1e-4, 20000 // 2 s
	src := NewPoisson(n, rate, dt, NewStream(1, Hash("P")))
	if src.Size() != n {
		t.Fatal("Size")
	}
	counts := make([]float64, n)
	total := 0.0
	for s := 0; s < steps; s++ {
		sp := src.Step(s)
		if !isAscending(sp) {
			t.Fatalf("step %d: not ascending: %v", s, sp)
		}
		for _, i := range sp {
			if i < 0 || i >= n {
				t.Fatalf("index %d", i)
			}
			counts[i]++
		}
		total += float64(len(sp))
	}
	p := rate * dt
	trials := float64(n * steps)
	within(t, "Poisson spike count", total, p*trials, math.Sqrt(trials*p*(1-p)))
	// per-neuron counts are Binomial(steps, p): check their variance
	var s1, s2 float64
	for _, c := range counts {
		s1 += c
		s2 += c * c
	}
	mean := s1 / n
	v := s2/n - mean*mean
	npq := steps * p * (1 - p)
	within(t, "per-neuron count variance", v, npq, npq*math.Sqrt(2.0/n))

	// determinism; skipping steps and going back give the same spikes
	a := NewPoisson(50, 200, dt, NewStream(3))
	b := NewPoisson(50, 200, dt, NewStream(3))
	var all [][]int32
	for s := 0; s < 100; s++ {
		all = append(all, slices.Clone(a.Step(s)))
	}
	if got := b.Step(57); !slices.Equal(got, all[57]) {
		t.Errorf("skipping to step 57: %v, want %v", got, all[57])
	}
	if got := b.Step(3); !slices.Equal(got, all[3]) {
		t.Errorf("going back to step 3: %v, want %v", got, all[3])
	}
	// rate·dt >= 1: every neuron every step; rate 0: never
	full := NewPoisson(4, 1e5, dt, NewStream(0))
	if got := full.Step(0); !slices.Equal(got, []int32{0, 1, 2, 3}) {
		t.Errorf("saturated Poisson: %v", got)
	}
	none := NewPoisson(4, 0, dt, NewStream(0))
	for s := 0; s < 10; s++ {
		if len(none.Step(s)) != 0 {
			t.Error("rate 0 spiked")
		}
	}
}

func TestSpikeTimes(t *testing.T) {
	const dt = 1e-4
	// all neurons at each time, repeating every 7.5 ms
	src, err := NewSpikeTimes(3, []float64{1e-3, 2.6e-3}, nil, 7.5e-3, dt)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int][]int32{10: {0, 1, 2}, 26: {0, 1, 2}, 85: {0, 1, 2}, 101: {0, 1, 2}, 160: {0, 1, 2}}
	for s := 0; s < 170; s++ {
		got := src.Step(s)
		if w := want[s]; !slices.Equal(got, w) && !(len(got) == 0 && len(w) == 0) {
			t.Errorf("step %d: %v, want %v", s, got, w)
		}
	}
	// with indices, once; two spikes in one step sorted
	src, err = NewSpikeTimes(5, []float64{0.5e-3, 0.2e-3, 0.5e-3, 0}, []int{4, 2, 1, 3}, 0, dt)
	if err != nil {
		t.Fatal(err)
	}
	for s, w := range map[int][]int32{0: {3}, 2: {2}, 5: {1, 4}, 6: nil, 1000: nil} {
		if got := src.Step(s); !slices.Equal(got, w) && !(len(got) == 0 && len(w) == 0) {
			t.Errorf("step %d: %v, want %v", s, got, w)
		}
	}
	for _, tc := range []struct {
		n       int
		times   []float64
		indices []int
		period  float64
		want    string
	}{
		{3, []float64{1e-3}, []int{3}, 0, "index 3 out of range"},
		{3, []float64{1e-3, 2e-3}, []int{0}, 0, "1 indices for 2 times"},
		{3, []float64{-1e-3}, nil, 0, "times must be finite and >= 0"},
		{3, []float64{8e-3}, nil, 7.5e-3, "not before the period"},
		{3, []float64{1e-3, 1.02e-3}, []int{1, 1}, 0, "neuron 1 spikes twice in time step 10"},
	} {
		if _, err := NewSpikeTimes(tc.n, tc.times, tc.indices, tc.period, dt); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want %q", tc, err, tc.want)
		}
	}
}

func TestLoadSpikeFile(t *testing.T) {
	const dt = 1e-4
	path := writeFile(t, "spikes.csv", "index,time\n# neuron, ms\n3, 1.0\n0,0\n\n1,12.5 # comment\n3,2.05\n")
	src, err := LoadSpikeFile(path, 0, dt)
	if err != nil {
		t.Fatal(err)
	}
	if src.Size() != 4 {
		t.Errorf("Size = %d, want 4 (max index + 1)", src.Size())
	}
	want := map[int][]int32{0: {0}, 10: {3}, 20: {3}, 125: {1}}
	for s := 0; s < 200; s++ {
		if got, w := src.Step(s), want[s]; !slices.Equal(got, w) && !(len(got) == 0 && len(w) == 0) {
			t.Errorf("step %d: %v, want %v", s, got, w)
		}
	}
	src, err = LoadSpikeFile(path, 10, dt)
	if err != nil || src.Size() != 10 {
		t.Errorf("n = 10: %v", err)
	}
	for _, tc := range []struct {
		text string
		n    int
		want string
	}{
		{"0,1\n1;2\n", 0, `spikes.csv:2: expected index,time (e.g. 3,12.5), got "1;2"`},
		{"0,1\n1,abc\n", 0, `spikes.csv:2: expected index,time (e.g. 3,12.5), got "1,abc"`},
		{"# only\n\n0,1,2\n", 0, `spikes.csv:3: expected index,time (e.g. 3,12.5), got "0,1,2"`},
		{"0,1\n5,2\n", 4, `spikes.csv:2: index 5 out of range 0..3 (n = 4)`},
		{"-1,2\n", 0, `spikes.csv:1: index -1 out of range`},
		{"1,-2\n", 0, `spikes.csv:1: negative time -2 ms`},
		{"1,NaN\n", 0, `spikes.csv:1: expected a finite time in ms`},
		{"1,1\n1,1.01\n", 0, `spikes.csv:2: neuron 1 spikes twice in time step 10`},
		{"# nothing\n", 0, `no spikes in the file`},
	} {
		p := writeFile(t, "spikes.csv", tc.text)
		_, err := LoadSpikeFile(p, tc.n, dt)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.text, err, tc.want)
		}
		if err != nil && !regexp.MustCompile(`^/\S*spikes\.csv(:\d+)?: `).MatchString(err.Error()) {
			t.Errorf("error %q does not start with the file name", err)
		}
	}
	// an empty file is fine when n is given
	p := writeFile(t, "spikes.csv", "index,time\n")
	if src, err := LoadSpikeFile(p, 3, dt); err != nil || len(src.Step(0)) != 0 {
		t.Errorf("empty file with n: %v", err)
	}
}

func TestLoadDataset(t *testing.T) {
	const dt = 1e-4
	// 3 samples of 4 values; present 100 ms at 200 Hz, rest 50 ms
	path := writeFile(t, "digits.csv", "# samples\n1,0,0.5,0\n0,1,0,0.25\n0,0,0,0\n")
	src, n, err := LoadDataset(path, 0.1, 0.05, 200, dt, NewStream(1, Hash("D")))
	if err != nil {
		t.Fatal(err)
	}
	if n != 4 || src.Size() != 4 {
		t.Fatalf("size %d, want 4", n)
	}
	const cycle, present = 1500, 1000
	const cycles = 60 // 20 presentations of each sample
	counts := make([][4]float64, 3)
	for s := 0; s < cycles*cycle; s++ {
		sp := src.Step(s)
		if !isAscending(sp) {
			t.Fatalf("not ascending: %v", sp)
		}
		if s%cycle >= present && len(sp) > 0 {
			t.Fatalf("step %d: spikes %v during rest", s, sp)
		}
		for _, i := range sp {
			counts[(s/cycle)%3][i]++
		}
	}
	vals := [][4]float64{{1, 0, 0.5, 0}, {0, 1, 0, 0.25}, {0, 0, 0, 0}}
	for r := range vals {
		for i, v := range vals[r] {
			p := v * 200 * dt
			trials := float64(cycles / 3 * present)
			within(t, "dataset spike count", counts[r][i], p*trials, math.Sqrt(trials*p*(1-p))+1e-9)
		}
	}
	// skipping ahead gives the same spikes
	a, _, _ := LoadDataset(path, 0.1, 0.05, 200, dt, NewStream(1, Hash("D")))
	b, _, _ := LoadDataset(path, 0.1, 0.05, 200, dt, NewStream(1, Hash("D")))
	var want []int32
	for s := 0; s <= 3210; s++ {
		want = a.Step(s)
	}
	if got := b.Step(3210); !slices.Equal(got, want) {
		t.Errorf("skip: %v, want %v", got, want)
	}
	if d, ok := a.(*dataset); !ok || d.Sample(0) != 0 || d.Sample(1200) != -1 || d.Sample(1500) != 1 || d.Sample(4500) != 0 {
		t.Error("Sample")
	}

	for _, tc := range []struct{ text, want string }{
		{"1,0\n0,1,0\n", `digits.csv:2: expected 2 values (as on line 1), got 3`},
		{"# c\n0.5,x\n", `digits.csv:2: column 2: expected a number in [0, 1], got "x"`},
		{"0.5,1.5\n", `digits.csv:1: column 2: expected a number in [0, 1], got "1.5"`},
		{"0.5,-0.1\n", `digits.csv:1: column 2: expected a number in [0, 1]`},
		{"a,b\n", `no samples`},
	} {
		p := writeFile(t, "digits.csv", tc.text)
		_, _, err := LoadDataset(p, 0.1, 0, 10, dt, NewStream(0))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.text, err, tc.want)
		}
	}
	if _, _, err := LoadDataset(path, 0, 0, 10, dt, NewStream(0)); err == nil {
		t.Error("present 0: no error")
	}
}

func TestCurrentStep(t *testing.T) {
	c := CurrentStep{Amplitude: 2e-10, Start: 10e-3, Stop: 100e-3}
	for _, tc := range []struct{ t, want float64 }{{0, 0}, {9.9e-3, 0}, {10e-3, 2e-10}, {50e-3, 2e-10}, {100e-3, 0}} {
		if got := c.At(tc.t); got != tc.want {
			t.Errorf("At(%g) = %g, want %g", tc.t, got, tc.want)
		}
	}
	if (CurrentStep{Amplitude: 1}).At(1e9) != 1 {
		t.Error("Stop 0 should mean forever")
	}
	const dt = 1e-4
	for _, tc := range []struct {
		n    int
		want float64
	}{{99, 0}, {100, 2e-10}, {999, 2e-10}, {1000, 0}} {
		if got := c.AtStep(tc.n, dt); got != tc.want {
			t.Errorf("AtStep(%d) = %g, want %g", tc.n, got, tc.want)
		}
	}
	// 0.1 ms · 3 = 0.30000000000000004 ms: steps, not float times, decide
	c3 := CurrentStep{Amplitude: 1, Start: 3e-4}
	if c3.AtStep(3, dt) != 1 {
		t.Error("AtStep rounding edge")
	}
}
