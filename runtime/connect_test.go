package rt

import (
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func g1(n int) Geometry { return Geometry{N: n} }

func g2(h, w int) Geometry { return Geometry{N: h * w, Shape: []int{h, w}} }

// checkCSR verifies the structural invariants.
func checkCSR(t *testing.T, c *CSR) {
	t.Helper()
	if len(c.RowPtr) != c.NPre+1 || c.RowPtr[0] != 0 || c.RowPtr[c.NPre] != int64(len(c.Col)) {
		t.Fatalf("bad RowPtr: len %d, first %d, last %d, %d synapses", len(c.RowPtr), c.RowPtr[0], c.RowPtr[len(c.RowPtr)-1], len(c.Col))
	}
	for i := 0; i < c.NPre; i++ {
		if c.RowPtr[i+1] < c.RowPtr[i] {
			t.Fatalf("RowPtr decreases at %d", i)
		}
		row := c.Row(i)
		for k, j := range row {
			if j < 0 || int(j) >= c.NPost {
				t.Fatalf("row %d: target %d out of range", i, j)
			}
			if k > 0 && row[k-1] > j {
				t.Fatalf("row %d not sorted: %v", i, row)
			}
		}
	}
	if c.NumSynapses() != int64(len(c.Col)) || c.Bytes() != int64(8*len(c.RowPtr)+4*len(c.Col)) {
		t.Error("NumSynapses/Bytes")
	}
}

func distinctRows(t *testing.T, c *CSR) {
	t.Helper()
	for i := 0; i < c.NPre; i++ {
		row := c.Row(i)
		for k := 1; k < len(row); k++ {
			if row[k] == row[k-1] {
				t.Fatalf("row %d has a duplicate target %d", i, row[k])
			}
		}
	}
}

func TestConnectBernoulliCounts(t *testing.T) {
	for _, c := range []struct {
		npre, npost int
		p           float64
		except      bool
	}{
		{1000, 800, 0.02, false},
		{500, 500, 0.1, true},
		{300, 300, 0.6, false}, // dense rows: selection sampling
		{4000, 4000, 0.02, false},
		{300, 300, 0.9, true},
		{50, 2000, 0.9, false},
	} {
		spec := ConnSpec{Kind: "bernoulli", P: c.p, ExceptSelf: c.except, SamePop: c.except}
		csr, err := Connect(spec, g1(c.npre), g1(c.npost), NewStream(1, Hash("proj")))
		if err != nil {
			t.Fatal(err)
		}
		checkCSR(t, csr)
		distinctRows(t, csr)
		m := c.npost
		if c.except {
			m--
			for i := 0; i < c.npre; i++ {
				if _, found := slices.BinarySearch(csr.Row(i), int32(i)); found {
					t.Fatalf("except self: %d -> %d present", i, i)
				}
			}
		}
		pairs := float64(c.npre) * float64(m)
		within(t, "bernoulli synapse count", float64(csr.NumSynapses()), c.p*pairs, math.Sqrt(pairs*c.p*(1-c.p)))
		if est := EstimateSynapses(spec, g1(c.npre), g1(c.npost)); math.Abs(est-c.p*pairs) > 1e-6*pairs {
			t.Errorf("EstimateSynapses = %g, want %g", est, c.p*pairs)
		}
		// each pair independently: the in-degree of a post neuron is
		// Binomial(npre, p) too; check its mean and variance
		in := make([]float64, c.npost)
		for _, j := range csr.Col {
			in[j]++
		}
		var s, s2 float64
		for j, d := range in {
			if c.except {
				continue
			}
			_ = j
			s += d
			s2 += d * d
		}
		if !c.except {
			n := float64(c.npost)
			mean, v := s/n, s2/n-(s/n)*(s/n)
			npq := float64(c.npre) * c.p * (1 - c.p)
			within(t, "in-degree variance", v, npq, npq*math.Sqrt(2/n)+math.Sqrt(npq/n))
			_ = mean
		}
		// the pairs are spread uniformly: count by target parity
		odd := 0
		for _, j := range csr.Col {
			odd += int(j & 1)
		}
		within(t, "fraction of odd targets", float64(odd)/float64(len(csr.Col)), float64(m/2)/float64(m), 0.5/math.Sqrt(float64(len(csr.Col))))
	}
}

func TestConnectDeterministic(t *testing.T) {
	spec := ConnSpec{Kind: "bernoulli", P: 0.05}
	a, _ := Connect(spec, g1(300), g1(300), NewStream(7, 1))
	r := NewStream(7, 1)
	r.Uint64() // the stream's position does not matter, only its key
	b, _ := Connect(spec, g1(300), g1(300), r)
	c, _ := Connect(spec, g1(300), g1(300), NewStream(8, 1))
	if !slices.Equal(a.Col, b.Col) || !slices.Equal(a.RowPtr, b.RowPtr) {
		t.Error("same stream, different connectivity")
	}
	if slices.Equal(a.Col, c.Col) {
		t.Error("different seeds, same connectivity")
	}
}

func TestConnectFanInOut(t *testing.T) {
	for _, except := range []bool{false, true} {
		spec := ConnSpec{Kind: "fan_in", K: 20, ExceptSelf: except, SamePop: true}
		c, err := Connect(spec, g1(200), g1(200), NewStream(2))
		if err != nil {
			t.Fatal(err)
		}
		checkCSR(t, c)
		distinctRows(t, c)
		tr, perm := c.Transpose()
		checkCSR(t, tr)
		for j := 0; j < 200; j++ {
			col := tr.Row(j)
			if len(col) != 20 {
				t.Fatalf("fan_in: post %d has %d sources, want 20", j, len(col))
			}
			for k := 1; k < len(col); k++ {
				if col[k] == col[k-1] {
					t.Fatalf("fan_in: post %d: duplicate source %d", j, col[k])
				}
			}
			if except && slices.Contains(col, int32(j)) {
				t.Fatalf("fan_in except self: %d -> %d", j, j)
			}
			for k := tr.RowPtr[j]; k < tr.RowPtr[j+1]; k++ {
				if c.Col[perm[k]] != int32(j) {
					t.Fatal("Transpose permutation wrong")
				}
			}
		}
		if EstimateSynapses(spec, g1(200), g1(200)) != 4000 {
			t.Error("EstimateSynapses fan_in")
		}

		spec.Kind = "fan_out"
		spec.K = 30
		c, err = Connect(spec, g1(100), g1(100), NewStream(3))
		if err != nil {
			t.Fatal(err)
		}
		checkCSR(t, c)
		distinctRows(t, c)
		for i := 0; i < 100; i++ {
			if len(c.Row(i)) != 30 {
				t.Fatalf("fan_out: pre %d has %d targets", i, len(c.Row(i)))
			}
			if except && slices.Contains(c.Row(i), int32(i)) {
				t.Fatalf("fan_out except self: %d -> %d", i, i)
			}
		}
	}
	// fan_out uses every target about equally often
	c, _ := Connect(ConnSpec{Kind: "fan_out", K: 10}, g1(5000), g1(50), NewStream(4))
	in := make([]int, 50)
	for _, j := range c.Col {
		in[j]++
	}
	for j, d := range in {
		// Binomial(5000, 10/50)
		within(t, "fan_out in-degree of "+string(rune('0'+j%10)), float64(d), 1000, math.Sqrt(5000*0.2*0.8)*1.2)
	}
	// K = population size: everything; K too large: error
	c, err := Connect(ConnSpec{Kind: "fan_out", K: 50}, g1(3), g1(50), NewStream(4))
	if err != nil || c.NumSynapses() != 150 {
		t.Errorf("fan_out(k = n): %v, %d synapses", err, c.NumSynapses())
	}
	for _, s := range []ConnSpec{
		{Kind: "fan_out", K: 51},
		{Kind: "fan_in", K: 11},
		{Kind: "fan_out", K: 50, ExceptSelf: true, SamePop: true},
	} {
		pre := g1(10)
		if s.SamePop {
			pre = g1(50)
		}
		if _, err := Connect(s, pre, g1(50), NewStream(0)); err == nil || !strings.Contains(err.Error(), "k must be") {
			t.Errorf("%+v: error %v, want one about k", s, err)
		}
	}
}

func TestConnectOneToOneAllToAll(t *testing.T) {
	c, err := Connect(ConnSpec{Kind: "one_to_one"}, g1(10), g1(10), nil)
	if err != nil {
		t.Fatal(err)
	}
	checkCSR(t, c)
	for i := 0; i < 10; i++ {
		if r := c.Row(i); len(r) != 1 || r[0] != int32(i) {
			t.Fatalf("one_to_one row %d = %v", i, r)
		}
	}
	if _, err := Connect(ConnSpec{Kind: "one_to_one"}, g1(10), g1(11), nil); err == nil || !strings.Contains(err.Error(), "equal sizes") {
		t.Errorf("one_to_one with unequal sizes: %v", err)
	}
	c, _ = Connect(ConnSpec{Kind: "all_to_all", ExceptSelf: true, SamePop: true}, g1(5), g1(5), nil)
	checkCSR(t, c)
	if c.NumSynapses() != 20 || slices.Contains(c.Row(2), 2) || len(c.Row(2)) != 4 {
		t.Errorf("all_to_all except self: %d synapses, row 2 = %v", c.NumSynapses(), c.Row(2))
	}
	// between two populations of one size, except self drops each partner
	c, _ = Connect(ConnSpec{Kind: "all_to_all", ExceptSelf: true}, g1(5), g1(5), nil)
	if c.NumSynapses() != 20 || slices.Contains(c.Row(3), 3) {
		t.Errorf("all_to_all except self between populations: %d synapses, row 3 = %v", c.NumSynapses(), c.Row(3))
	}
	if _, err := Connect(ConnSpec{Kind: "bernoulli", P: 0.5, ExceptSelf: true}, g1(5), g1(6), NewStream(1)); err == nil || !strings.Contains(err.Error(), "same size") {
		t.Errorf("except self between sizes 5 and 6: %v", err)
	}
	if EstimateSynapses(ConnSpec{Kind: "all_to_all", ExceptSelf: true, SamePop: true}, g1(5), g1(5)) != 20 {
		t.Error("EstimateSynapses all_to_all except self")
	}
}

func TestConnectGaussian(t *testing.T) {
	spec := ConnSpec{Kind: "gaussian", Sigma: 2, P: 0.8}
	pre, post := g2(20, 20), g2(40, 40) // pre grid scaled by 2 onto post
	c, err := Connect(spec, pre, post, NewStream(5))
	if err != nil {
		t.Fatal(err)
	}
	checkCSR(t, c)
	distinctRows(t, c)
	// Count connected and possible pairs by distance (pre scaled onto post).
	const bins = 8
	var conn, poss [bins]float64
	var expect float64
	for i := 0; i < pre.N; i++ {
		uy := (float64(i/20)+0.5)*2 - 0.5
		ux := (float64(i%20)+0.5)*2 - 0.5
		row := c.Row(i)
		for j := 0; j < post.N; j++ {
			dy, dx := float64(j/40)-uy, float64(j%40)-ux
			d := math.Sqrt(dx*dx + dy*dy)
			expect += 0.8 * math.Exp(-d*d/8)
			b := int(d)
			if b >= bins {
				continue
			}
			poss[b]++
			if _, ok := slices.BinarySearch(row, int32(j)); ok {
				conn[b]++
			}
		}
	}
	prev := 1.0
	for b := 0; b < bins; b++ {
		frac := conn[b] / poss[b]
		// the expected fraction for distances in [b, b+1) lies between the
		// kernel at b+1 and at b
		lo, hi := 0.8*math.Exp(-float64((b+1)*(b+1))/8), 0.8*math.Exp(-float64(b*b)/8)
		se := math.Sqrt(hi*(1-lo)/poss[b]) + 1e-3
		if frac < lo-5*se || frac > hi+5*se {
			t.Errorf("distance %d..%d: connected fraction %.4f outside [%.4f, %.4f]", b, b+1, frac, lo, hi)
		}
		if frac > prev+5*se {
			t.Errorf("connection probability does not decrease with distance: %.4f after %.4f", frac, prev)
		}
		prev = frac
	}
	if conn[bins-1]/poss[bins-1] > 0.01 {
		t.Errorf("too many long-range connections: %v", conn)
	}
	within(t, "gaussian synapse count", float64(c.NumSynapses()), expect, math.Sqrt(expect))
	// targets are centred on the pre neuron's scaled position (interior
	// neurons, away from the borders that would cut the kernel)
	var sx, sy, sxx, syy, cnt float64
	for i := 0; i < pre.N; i++ {
		py, px := i/20, i%20
		if py < 5 || py >= 15 || px < 5 || px >= 15 {
			continue
		}
		uy, ux := (float64(py)+0.5)*2-0.5, (float64(px)+0.5)*2-0.5
		for _, j := range c.Row(i) {
			dy, dx := float64(j/40)-uy, float64(j%40)-ux
			sx, sy, sxx, syy, cnt = sx+dx, sy+dy, sxx+dx*dx, syy+dy*dy, cnt+1
		}
	}
	within(t, "mean x offset of targets", sx/cnt, 0, math.Sqrt(sxx/cnt/cnt))
	within(t, "mean y offset of targets", sy/cnt, 0, math.Sqrt(syy/cnt/cnt))
	within(t, "variance of x offsets (σ² = 4)", sxx/cnt, 4, 4*math.Sqrt(2/cnt))
	if est := EstimateSynapses(spec, pre, post); math.Abs(est-expect) > 1e-6*expect {
		t.Errorf("EstimateSynapses gaussian = %g, want %g", est, expect)
	}
	// same pop, except self
	spec = ConnSpec{Kind: "gaussian", Sigma: 1.5, ExceptSelf: true, SamePop: true}
	c, _ = Connect(spec, g2(10, 10), g2(10, 10), NewStream(6))
	for i := 0; i < 100; i++ {
		if slices.Contains(c.Row(i), int32(i)) {
			t.Fatal("gaussian except self kept i -> i")
		}
	}
	// errors
	for _, tc := range []struct {
		spec      ConnSpec
		pre, post Geometry
		want      string
	}{
		{ConnSpec{Kind: "gaussian", Sigma: 1}, g1(10), g2(2, 5), "shaped populations"},
		{ConnSpec{Kind: "gaussian", Sigma: 1}, g2(2, 5), Geometry{N: 10, Shape: []int{10}}, "shaped populations"},
		{ConnSpec{Kind: "gaussian", Sigma: 0}, g2(2, 5), g2(2, 5), "sigma"},
		{ConnSpec{Kind: "gaussian", Sigma: 1, P: 2}, g2(2, 5), g2(2, 5), "p must be"},
		{ConnSpec{Kind: "gaussian", Sigma: 1}, Geometry{N: 9, Shape: []int{2, 5}}, g2(2, 5), "has 10 neurons"},
		{ConnSpec{Kind: "bernoulli", P: 1.5}, g1(2), g1(2), "p must be"},
		{ConnSpec{Kind: "nonsense"}, g1(2), g1(2), "unknown connector"},
	} {
		if _, err := Connect(tc.spec, tc.pre, tc.post, NewStream(0)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want %q", tc.spec, err, tc.want)
		}
	}
}

func TestConnectGaussian3D(t *testing.T) {
	g := Geometry{N: 4 * 5 * 6, Shape: []int{4, 5, 6}}
	spec := ConnSpec{Kind: "gaussian", Sigma: 1}
	c, err := Connect(spec, g, g, NewStream(9))
	if err != nil {
		t.Fatal(err)
	}
	checkCSR(t, c)
	est := EstimateSynapses(spec, g, g)
	within(t, "3-D gaussian count", float64(c.NumSynapses()), est, math.Sqrt(est))
}

func TestProceduralMatchesCSR(t *testing.T) {
	for _, spec := range []ConnSpec{
		{Kind: "bernoulli", P: 0.03},
		{Kind: "bernoulli", P: 0.5, ExceptSelf: true, SamePop: true},
		{Kind: "fan_out", K: 17},
		{Kind: "fan_out", K: 17, ExceptSelf: true, SamePop: true},
		{Kind: "all_to_all"},
		{Kind: "one_to_one"},
		{Kind: "gaussian", Sigma: 2},
		{Kind: "fixed_total_number", K: 3000},
		{Kind: "fixed_total_number", K: 3000, ExceptSelf: true, SamePop: true},
	} {
		pre, post := g2(20, 20), g2(20, 20)
		rng := NewStream(77, Hash("proj"))
		c, err := Connect(spec, pre, post, rng)
		if err != nil {
			t.Fatal(err)
		}
		p, err := NewProcedural(spec, pre, post, rng)
		if err != nil {
			t.Fatal(err)
		}
		var buf []int32
		for _, i := range []int{399, 0, 5, 5, 200} { // any order, repeated
			buf = p.Row(i, buf)
			if !slices.Equal(buf, c.Row(i)) {
				t.Fatalf("%s: procedural row %d = %v, CSR row = %v", spec.Kind, i, buf, c.Row(i))
			}
		}
		var total int64
		for i := 0; i < pre.N; i++ {
			buf = p.Row(i, buf)
			if !slices.Equal(buf, c.Row(i)) {
				t.Fatalf("%s: procedural row %d differs", spec.Kind, i)
			}
			total += int64(len(buf))
		}
		if total != c.NumSynapses() {
			t.Fatal("totals differ")
		}
		if rp := p.RowPointers(); !slices.Equal(rp, c.RowPtr) {
			t.Fatalf("%s: row pointers of regenerated rows differ from CSR's", spec.Kind)
		}
		checkColumns(t, c, p)
	}
	for _, k := range []string{"fan_in", "from_file"} {
		_, err := NewProcedural(ConnSpec{Kind: k, K: 2, File: "x"}, g1(5), g1(5), NewStream(0))
		if err == nil || !strings.Contains(err.Error(), "cannot be procedural") {
			t.Errorf("%s procedural: %v", k, err)
		}
	}
}

// Targets must give Row's set (in any order) for every kind, sparse and
// dense rows, with and without self-connections, whatever the call order.
func TestProceduralTargetsSameSetAsRow(t *testing.T) {
	for _, spec := range []ConnSpec{
		{Kind: "bernoulli", P: 0.02},
		{Kind: "bernoulli", P: 0.3}, // dense rows: selection sampling
		{Kind: "bernoulli", P: 0.05, ExceptSelf: true, SamePop: true},
		{Kind: "fan_out", K: 40},
		{Kind: "fan_out", K: 40, ExceptSelf: true, SamePop: true},
		{Kind: "all_to_all"},
		{Kind: "one_to_one"},
	} {
		p, err := NewProcedural(spec, g1(700), g1(700), NewStream(5, Hash("t")))
		if err != nil {
			t.Fatal(err)
		}
		var sc RowScratch
		var row []int32
		for _, i := range []int{3, 699, 0, 3, 350, 351, 12} {
			got := slices.Clone(p.Targets(i, &sc))
			row = p.Row(i, row)
			slices.Sort(got)
			if !slices.Equal(got, row) {
				t.Fatalf("%+v: Targets(%d) sorted = %v, Row = %v", spec, i, got, row)
			}
		}
		for _, w := range sc.seen {
			if w != 0 {
				t.Fatalf("%+v: scratch bitset not cleared", spec)
			}
		}
	}
}

func TestProceduralConcurrent(t *testing.T) {
	spec := ConnSpec{Kind: "bernoulli", P: 0.1}
	p, _ := NewProcedural(spec, g1(2000), g1(2000), NewStream(3))
	c, _ := Connect(spec, g1(2000), g1(2000), NewStream(3))
	done := make(chan bool)
	for w := 0; w < 4; w++ {
		go func() {
			var buf []int32
			ok := true
			for i := w; i < 2000; i += 4 {
				buf = p.Row(i, buf)
				ok = ok && slices.Equal(buf, c.Row(i))
			}
			done <- ok
		}()
	}
	for w := 0; w < 4; w++ {
		if !<-done {
			t.Error("concurrent Row differs")
		}
	}
}

func TestSampleSortedUniform(t *testing.T) {
	// every element of [0, m) equally likely, in both regimes
	for _, k := range []int{3, 12} { // m = 16: sparse (4k <= m) and dense
		const m, trials = 16, 40000
		cnt := make([]float64, m)
		s := NewStream(uint64(k))
		var buf []int32
		for i := 0; i < trials; i++ {
			buf = sampleSorted(s, m, k, buf[:0])
			if len(buf) != k {
				t.Fatalf("got %d values, want %d", len(buf), k)
			}
			for x := 1; x < k; x++ {
				if buf[x] <= buf[x-1] {
					t.Fatalf("not sorted/distinct: %v", buf)
				}
			}
			for _, v := range buf {
				cnt[v]++
			}
		}
		pk := float64(k) / m
		for v, c := range cnt {
			_ = v
			within(t, "element frequency", c/trials, pk, math.Sqrt(pk*(1-pk)/trials))
		}
	}
}

func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestConnectFromFile(t *testing.T) {
	path := writeFile(t, "edges.csv", "pre,post\n# comment\n2,1\n0, 3\n\n2,0   # trailing comment\n1,1\n0,3\n")
	spec := ConnSpec{Kind: "from_file", File: path}
	c, err := Connect(spec, g1(3), g1(4), nil)
	if err != nil {
		t.Fatal(err)
	}
	checkCSR(t, c)
	want := [][]int32{{3, 3}, {1}, {0, 1}}
	for i, w := range want {
		if !slices.Equal(c.Row(i), w) {
			t.Errorf("row %d = %v, want %v", i, c.Row(i), w)
		}
	}
	if est := EstimateSynapses(spec, g1(3), g1(4)); est != 5 {
		t.Errorf("EstimateSynapses(from_file) = %g, want 5", est)
	}
	// except self within one population
	c, _ = Connect(ConnSpec{Kind: "from_file", File: path, ExceptSelf: true, SamePop: true}, g1(4), g1(4), nil)
	if c.NumSynapses() != 4 {
		t.Errorf("except self: %d synapses, want 4", c.NumSynapses())
	}

	for _, tc := range []struct{ text, want string }{
		{"0,1\n1;2\n", `edges.csv:2: expected pre,post (e.g. 3,17), got "1;2"`},
		{"# c\n0,1\n\n1,2,3\n", `edges.csv:4: expected pre,post (e.g. 3,17), got "1,2,3"`},
		{"0,1\nx,y\n", `edges.csv:2: expected pre,post as whole numbers`},
		{"0,1.5\n", `edges.csv:1: expected pre,post as whole numbers`},
		{"0,1\n3,0\n", `edges.csv:2: pre index 3 out of range 0..2`},
		{"0,4\n", `edges.csv:1: post index 4 out of range 0..3`},
		{"-1,0\n", `edges.csv:1: pre index -1 out of range`},
	} {
		p := writeFile(t, "edges.csv", tc.text)
		_, err := Connect(ConnSpec{Kind: "from_file", File: p}, g1(3), g1(4), nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.text, err, tc.want)
		}
		if err != nil && !regexp.MustCompile(`^/.*edges\.csv:\d+: `).MatchString(err.Error()) {
			t.Errorf("error %q does not start with file:line", err)
		}
	}
	if _, err := Connect(ConnSpec{Kind: "from_file", File: "/nonexistent/e.csv"}, g1(3), g1(4), nil); err == nil {
		t.Error("missing file: no error")
	}
}

func TestEstimateSynapsesLarge(t *testing.T) {
	// refusing before allocating: estimates for sizes that could never be built
	n := Geometry{N: 2_000_000_000}
	if e := EstimateSynapses(ConnSpec{Kind: "all_to_all"}, n, n); e != 4e18 {
		t.Errorf("all_to_all estimate %g", e)
	}
	if e := EstimateSynapses(ConnSpec{Kind: "bernoulli", P: 0.5}, n, Geometry{N: 10}); e != 1e10 {
		t.Errorf("bernoulli estimate %g", e)
	}
	if e := EstimateSynapses(ConnSpec{Kind: "fan_out", K: 5}, Geometry{N: 10}, Geometry{N: 3}); e != 0 {
		t.Errorf("invalid spec estimate %g, want 0", e)
	}
}

func TestSortBelow(t *testing.T) {
	s := NewStream(1)
	for _, k := range []int{0, 1, 5, 23, 24, 100, 256, 257, 3000, 5000} {
		for _, m := range []int{k + 1, 10 * k, 1 << 30} {
			a := make([]int32, k)
			for i := range a {
				a[i] = int32(s.Intn(m))
			}
			if k > 2 {
				a[0], a[1] = int32(m-1), 0 // the extreme buckets
			}
			want := slices.Clone(a)
			slices.Sort(want)
			sortBelow(a, m)
			if !slices.Equal(a, want) {
				t.Fatalf("k=%d m=%d: not sorted", k, m)
			}
		}
	}
}

// checkColumns: Columns over regenerated rows lists, for each postsynaptic
// neuron, exactly the CSR synapses onto it, ascending, and PreOf inverts
// the row pointers.
func checkColumns(t *testing.T, c *CSR, p *Procedural) {
	t.Helper()
	var buf []int32
	ptr, syn := Columns(c.NPost, p.RowPointers(), func(i int) []int32 { buf = p.Row(i, buf); return buf })
	if int64(len(syn)) != c.NumSynapses() || ptr[c.NPost] != c.NumSynapses() {
		t.Fatalf("%d column entries for %d synapses", len(syn), c.NumSynapses())
	}
	for j := 0; j < c.NPost; j++ {
		for k := ptr[j]; k < ptr[j+1]; k++ {
			s := int64(syn[k])
			if c.Col[s] != int32(j) || (k > ptr[j] && syn[k-1] >= syn[k]) {
				t.Fatalf("column %d lists synapse %d onto %d (or out of order)", j, s, c.Col[s])
			}
			if i := PreOf(c.RowPtr, s); s < c.RowPtr[i] || s >= c.RowPtr[i+1] {
				t.Fatalf("PreOf(%d) = %d, whose row is %d..%d", s, i, c.RowPtr[i], c.RowPtr[i+1])
			}
		}
	}
}
