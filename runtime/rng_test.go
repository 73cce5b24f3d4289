package rt

import (
	"fmt"
	"math"
	"testing"
)

// within checks |got - want| <= 5 standard errors.
func within(t *testing.T, what string, got, want, se float64) {
	t.Helper()
	if math.Abs(got-want) > 5*se {
		t.Errorf("%s = %.6g, want %.6g ± %.3g (5 SE)", what, got, want, 5*se)
	}
}

func TestPhiloxKnownAnswers(t *testing.T) {
	// Random123 kat_vectors, philox2x64 10 rounds.
	for _, c := range []struct{ c0, c1, k, o0, o1 uint64 }{
		{0, 0, 0, 0xca00a0459843d731, 0x66c24222c9a845b5},
		{^uint64(0), ^uint64(0), ^uint64(0), 0x65b021d60cd8310f, 0x4d02f3222f86df20},
		{0x243f6a8885a308d3, 0x13198a2e03707344, 0xa4093822299f31d0, 0x0a5e742c2997341c, 0xb0f883d38000de5d},
	} {
		a, b := Philox2x64(c.c0, c.c1, c.k)
		if a != c.o0 || b != c.o1 {
			t.Errorf("Philox2x64(%#x, %#x; %#x) = %#x %#x, want %#x %#x", c.c0, c.c1, c.k, a, b, c.o0, c.o1)
		}
	}
}

func TestStreamDeterminism(t *testing.T) {
	a := NewStream(42, Hash("E"), Hash("v"))
	b := NewStream(42, Hash("E"), Hash("v"))
	c := NewStream(42).Sub(Hash("E")).Sub(Hash("v"))
	d := NewStream(42, Hash("E")).Sub(Hash("v"))
	for i := 0; i < 1000; i++ {
		x := a.Uint64()
		if y, z, w := b.Uint64(), c.Uint64(), d.Uint64(); x != y || x != z || x != w {
			t.Fatalf("draw %d differs: %x %x %x %x", i, x, y, z, w)
		}
	}
	// Sub does not depend on the parent's position.
	p := NewStream(1)
	s1 := p.Sub(7)
	p.Uint64()
	p.Normal()
	s2 := p.Sub(7)
	if s1.Uint64() != s2.Uint64() {
		t.Error("Sub depends on the parent's position")
	}
	ch := p.Child(7)
	if ch.Key() != s1.Key() {
		t.Error("Child(7) != Sub(7)")
	}
	// Block is the raw counter access.
	q := NewStream(3)
	b0, b1 := q.Block(0)
	if q.Uint64() != b0 || q.Uint64() != b1 {
		t.Error("Block(0) is not the first two draws")
	}
}

func TestStreamIndependence(t *testing.T) {
	// Different seeds, ids, id orders and sub-streams give different keys and
	// uncorrelated sequences.
	keys := map[uint64]string{}
	add := func(name string, s *Stream) {
		if prev, ok := keys[s.Key()]; ok {
			t.Errorf("%s and %s share a key", name, prev)
		}
		keys[s.Key()] = name
	}
	add("seed0", NewStream(0))
	add("seed1", NewStream(1))
	add("seed0/E", NewStream(0, Hash("E")))
	add("seed0/I", NewStream(0, Hash("I")))
	add("seed0/1/2", NewStream(0, 1, 2))
	add("seed0/2/1", NewStream(0, 2, 1))
	root := NewStream(5)
	for i := uint64(0); i < 10000; i++ {
		s := root.Child(i)
		if _, ok := keys[s.Key()]; ok {
			t.Fatalf("child %d collides", i)
		}
		keys[s.Key()] = "child"
	}
	// correlation between neighbouring sub-streams
	const n = 100000
	a, b := root.Sub(0), root.Sub(1)
	var sab, sa, sb, saa, sbb float64
	for i := 0; i < n; i++ {
		x, y := a.Float64(), b.Float64()
		sa += x
		sb += y
		sab += x * y
		saa += x * x
		sbb += y * y
	}
	cov := sab/n - (sa/n)*(sb/n)
	r := cov / math.Sqrt((saa/n-(sa/n)*(sa/n))*(sbb/n-(sb/n)*(sb/n)))
	within(t, "correlation of sub-streams 0 and 1", r, 0, 1/math.Sqrt(n))
	// equal prefixes would be a disaster: check the first draws differ
	if NewStream(0).Uint64() == NewStream(1).Uint64() {
		t.Error("seeds 0 and 1 start alike")
	}
}

func TestUniformMoments(t *testing.T) {
	s := NewStream(11)
	const n = 1_000_000
	var sum, sum2 float64
	var bits [64]int
	for i := 0; i < n; i++ {
		u := s.Float64()
		if u < 0 || u >= 1 {
			t.Fatalf("Float64 = %v outside [0,1)", u)
		}
		sum += u
		sum2 += u * u
	}
	mean := sum / n
	variance := sum2/n - mean*mean
	within(t, "uniform mean", mean, 0.5, math.Sqrt(1.0/12/n))
	// var of (U-1/2)^2 is 1/180
	within(t, "uniform variance", variance, 1.0/12, math.Sqrt(1.0/180/n))
	// every bit of Uint64 is fair
	const m = 100000
	for i := 0; i < m; i++ {
		x := s.Uint64()
		for b := 0; b < 64; b++ {
			bits[b] += int(x >> b & 1)
		}
	}
	for b, c := range bits {
		within(t, fmt.Sprintf("frequency of bit %d", b), float64(c)/m, 0.5, 0.5/math.Sqrt(m))
	}
}

func TestNormalMoments(t *testing.T) {
	s := NewStream(12, 3)
	const n = 1_000_000
	var m1, m2, m3, m4 float64
	for i := 0; i < n; i++ {
		x := s.Normal()
		m1 += x
		m2 += x * x
		m3 += x * x * x
		m4 += x * x * x * x
	}
	m1, m2, m3, m4 = m1/n, m2/n, m3/n, m4/n
	within(t, "normal mean", m1, 0, 1/math.Sqrt(n))
	within(t, "normal E[x²]", m2, 1, math.Sqrt(2.0/n))
	within(t, "normal E[x³]", m3, 0, math.Sqrt(15.0/n))
	within(t, "normal E[x⁴]", m4, 3, math.Sqrt(96.0/n))
	// determinism including the cached second deviate
	a, b := NewStream(9), NewStream(9)
	for i := 0; i < 11; i++ {
		if a.Normal() != b.Normal() {
			t.Fatal("Normal not deterministic")
		}
	}
}

// TestNormalDistribution: Normal's deviates against the normal CDF
// (math.Erf) in 50 bins over [-5, 5] and the two tails, chi-square; the
// tail beyond the ziggurat's base strip (|x| > 3.4426, drawn by its slow
// path) at its probability; and the cost the ziggurat is for: half a
// 64-bit word a deviate, so 10000 deviates take 2500 Philox blocks and
// some for the few slow draws (Box–Muller took 10000 words, 5000 blocks).
func TestNormalDistribution(t *testing.T) {
	s := NewStream(21, Hash("normal"))
	const n, nb, lo, hi = 2_000_000, 50, -5.0, 5.0
	cdf := func(x float64) float64 { return 0.5 * (1 + math.Erf(x/math.Sqrt2)) }
	counts := make([]float64, nb+2) // [0]: below lo, [nb+1]: above hi
	tail := 0.0
	for range n {
		x := s.Normal()
		if math.Abs(x) > zigR {
			tail++
		}
		switch {
		case x < lo:
			counts[0]++
		case x >= hi:
			counts[nb+1]++
		default:
			counts[1+int((x-lo)/(hi-lo)*nb)]++
		}
	}
	chi, df := 0.0, 0
	for b := range counts {
		a, z := math.Inf(-1), math.Inf(1)
		if b > 0 {
			a = lo + float64(b-1)*(hi-lo)/nb
		}
		if b <= nb {
			z = lo + float64(b)*(hi-lo)/nb
		}
		e := n * (cdf(z) - cdf(a))
		if e < 5 { // too few expected for chi-square: checked as the tail below
			continue
		}
		chi += (counts[b] - e) * (counts[b] - e) / e
		df++
	}
	if crit := chi2Crit(df - 1); chi > crit {
		t.Errorf("normal CDF chi² = %.1f > %.1f (df %d)", chi, crit, df-1)
	}
	pt := 2 * (1 - cdf(zigR))
	within(t, "normal tail beyond the base strip", tail/n, pt, math.Sqrt(pt/n))
	c := NewStream(5)
	for range 10000 {
		c.Normal()
	}
	if b := c.Counter(); b < 2500 || b > 3000 {
		t.Errorf("10000 normal deviates took %d Philox blocks, want 2500 (half a word each) and a few more for the slow path", b)
	}
}

func TestIntnUnbiased(t *testing.T) {
	s := NewStream(13)
	for _, n := range []int{1, 2, 3, 7, 10, 1000, 1<<31 - 1} {
		for i := 0; i < 1000; i++ {
			if v := s.Intn(n); v < 0 || v >= n {
				t.Fatalf("Intn(%d) = %d", n, v)
			}
		}
	}
	// chi-square over 10 bins
	const n, draws = 10, 200000
	var cnt [n]float64
	for i := 0; i < draws; i++ {
		cnt[s.Intn(n)]++
	}
	chi := 0.0
	for _, c := range cnt {
		e := float64(draws) / n
		chi += (c - e) * (c - e) / e
	}
	if chi > 30 { // df 9: P(chi² > 30) ≈ 4e-4
		t.Errorf("Intn(10) chi² = %.1f over 10 bins", chi)
	}
	// a range just above 2^62 must not be biased towards low values
	big := 3 << 61
	low := 0
	const k = 100000
	for i := 0; i < k; i++ {
		if s.Intn(big) < big/2 {
			low++
		}
	}
	within(t, "Intn(3·2^61) below half", float64(low)/k, 0.5, 0.5/math.Sqrt(k))
}

func TestBinomialMoments(t *testing.T) {
	s := NewStream(14)
	for _, c := range []struct {
		n int
		p float64
	}{
		{1, 0.5}, {10, 0.1}, {40000, 0.002}, {100, 0.3}, {1000, 0.5}, {40000, 0.02}, {50, 0.9}, {1000, 0.97}, {5, 0.999}, {1 << 20, 1e-5},
	} {
		const draws = 100000
		var sum, sum2 float64
		for i := 0; i < draws; i++ {
			k := s.Binomial(c.n, c.p)
			if k < 0 || k > c.n {
				t.Fatalf("Binomial(%d, %g) = %d", c.n, c.p, k)
			}
			sum += float64(k)
			sum2 += float64(k) * float64(k)
		}
		mean := sum / draws
		v := sum2/draws - mean*mean
		np, npq := float64(c.n)*c.p, float64(c.n)*c.p*(1-c.p)
		within(t, fmt.Sprintf("Binomial(%d, %g) mean", c.n, c.p), mean, np, math.Sqrt(npq/draws))
		// var of the sample variance ≈ (μ4 - σ⁴)/draws, μ4 = npq(1 + 3(n-2)pq),
		// plus 2σ⁴/draws for the estimated mean (matters when μ4 = σ⁴)
		mu4 := npq * (1 + 3*float64(c.n-2)*c.p*(1-c.p))
		within(t, fmt.Sprintf("Binomial(%d, %g) variance", c.n, c.p), v, npq, math.Sqrt((mu4+npq*npq)/draws))
	}
	if s.Binomial(10, 0) != 0 || s.Binomial(10, 1) != 10 || s.Binomial(0, 0.5) != 0 || s.Binomial(10, math.NaN()) != 0 {
		t.Error("Binomial edge cases")
	}
}

// Exactness: the BTPE path must match the pmf, not just two moments.
func TestBinomialDistributionBTPE(t *testing.T) {
	s := NewStream(15)
	const n, p, draws = 200, 0.25, 400000 // n·p = 50: BTPE
	cnt := make([]float64, n+1)
	for i := 0; i < draws; i++ {
		cnt[s.Binomial(n, p)]++
	}
	chi, df := 0.0, -1
	for k := 0; k <= n; k++ {
		lg, _ := math.Lgamma(n + 1)
		lk, _ := math.Lgamma(float64(k) + 1)
		lnk, _ := math.Lgamma(float64(n-k) + 1)
		e := draws * math.Exp(lg-lk-lnk+float64(k)*math.Log(p)+float64(n-k)*math.Log1p(-p))
		if e < 20 {
			continue
		}
		chi += (cnt[k] - e) * (cnt[k] - e) / e
		df++
	}
	// mean df + 5 sd
	if lim := float64(df) + 5*math.Sqrt(2*float64(df)); chi > lim {
		t.Errorf("BTPE chi² = %.1f with %d df (limit %.1f)", chi, df, lim)
	}
}

func TestGeometric(t *testing.T) {
	s := NewStream(16)
	const p, draws = 0.05, 200000
	var sum float64
	for i := 0; i < draws; i++ {
		sum += float64(s.Geometric(p))
	}
	mean := (1 - p) / p
	within(t, "Geometric mean", sum/draws, mean, math.Sqrt((1-p)/(p*p)/draws))
	if s.Geometric(1) != 0 {
		t.Error("Geometric(1) != 0")
	}
}

func TestHashStable(t *testing.T) {
	// Frozen: changing Hash would change every seeded result.
	if Hash("E") == Hash("I") || Hash("ab", "c") == Hash("a", "bc") || Hash("") == Hash() {
		t.Error("Hash collisions")
	}
	if got := Hash("E"); got != Hash("E") {
		t.Error("Hash not deterministic")
	}
	if got, want := NewStream(0, Hash("E")).Uint64(), uint64(0x4ad08f24d7fda5ac); got != want {
		t.Errorf("first draw of NewStream(0, Hash(\"E\")) = %#x, want %#x (seeded results would change between versions)", got, want)
	}
}
