package rt

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sync/atomic"
	"testing"
)

// Construction shared by threads (issue 16): rows, drawn weights and
// delays come out the same for 1, 2 and 3 threads, and follow the closed
// forms of their distributions.

// TestForChunks: every chunk runs once, on any thread count; after a
// failure the error is the lowest failed chunk's, as with one thread.
func TestForChunks(t *testing.T) {
	for _, threads := range []int{1, 2, 3, 8} {
		const n, size = 100003, 1000
		var seen [n]atomic.Int32
		var workers atomic.Int32
		err := ForChunks(n, size, threads, func() func(lo, hi int64) error {
			workers.Add(1)
			return func(lo, hi int64) error {
				if lo%size != 0 || hi != min(lo+size, n) {
					return fmt.Errorf("chunk [%d, %d)", lo, hi)
				}
				for i := lo; i < hi; i++ {
					seen[i].Add(1)
				}
				return nil
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		for i := range seen {
			if c := seen[i].Load(); c != 1 {
				t.Fatalf("%d threads: item %d done %d times", threads, i, c)
			}
		}
		if w := workers.Load(); w < 1 || int(w) > threads {
			t.Errorf("%d threads: %d workers", threads, w)
		}
		// chunks 30 and 70 fail: 30's error, whichever thread got there first
		err = ForChunks(n, size, threads, func() func(lo, hi int64) error {
			return func(lo, hi int64) error {
				if c := lo / size; c == 30 || c == 70 {
					return fmt.Errorf("chunk %d", c)
				}
				return nil
			}
		})
		if err == nil || err.Error() != "chunk 30" {
			t.Errorf("%d threads: error %v, want chunk 30's", threads, err)
		}
	}
	if err := ForChunks(0, 10, 2, func() func(lo, hi int64) error {
		return func(lo, hi int64) error { return errors.New("called") }
	}); err != nil {
		t.Error("no items: a chunk ran")
	}
}

// TestConnectRowsThreads: ConnectRows with 1, 2 and 3 threads gives
// Connect's synapses (each row from its own stream), with 2- and 4-byte
// targets.
func TestConnectRowsThreads(t *testing.T) {
	for _, c := range []struct {
		spec      ConnSpec
		pre, post Geometry
	}{
		{ConnSpec{Kind: "fixed_total_number", K: 300000}, g1(3000), g1(2000)},
		{ConnSpec{Kind: "fixed_total_number", K: 200000, ExceptSelf: true, SamePop: true}, g1(2500), g1(2500)},
		{ConnSpec{Kind: "fixed_total_number", K: 100000}, g1(300), g1(70000)},
		{ConnSpec{Kind: "bernoulli", P: 0.05}, g1(2000), g1(1500)},
	} {
		csr, err := Connect(c.spec, c.pre, c.post, NewStream(7, Hash("c")))
		if err != nil {
			t.Fatal(err)
		}
		for _, threads := range []int{1, 2, 3} {
			r, err := ConnectRows(c.spec, c.pre, c.post, NewStream(7, Hash("c")), threads)
			if err != nil {
				t.Fatal(err)
			}
			if r.NumSynapses() != csr.NumSynapses() {
				t.Fatalf("%s, %d threads: %d synapses, Connect %d", c.spec.Kind, threads, r.NumSynapses(), csr.NumSynapses())
			}
			var buf []int32
			for i := range c.pre.N {
				if buf = r.AppendRow(buf[:0], i); !slices.Equal(buf, csr.Row(i)) {
					t.Fatalf("%s, %d threads: row %d differs from Connect's", c.spec.Kind, threads, i)
				}
			}
		}
	}
}

// TestFixedTotalNumberDegrees: fixed_total_number's out-degrees (row
// counts) and in-degrees are the counts of a multinomial (K; 1/N, ..., 1/N):
// each count has mean K/N and variance K·(1/N)·(1 − 1/N), so their mean
// square deviation from K/N (the mean is exact: they sum to K) is that
// variance. The degrees of a 20 % draw of the microcircuit's L2/3e -> L2/3e.
func TestFixedTotalNumberDegrees(t *testing.T) {
	const npre, npost, k = 4137, 4137, 1819992
	r, err := ConnectRows(ConnSpec{Kind: "fixed_total_number", K: k}, g1(npre), g1(npost), NewStream(1, Hash("deg")), 2)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]float64, npre)
	in := make([]float64, npost)
	for i := range npre {
		lo, hi := r.Span(i)
		out[i] = float64(hi - lo)
		for _, j := range r.Col16[lo:hi] {
			in[j]++
		}
	}
	for _, d := range []struct {
		name string
		c    []float64
	}{{"out", out}, {"in", in}} {
		n := float64(len(d.c))
		p := 1 / n
		mean, variance := k*p, k*p*(1-p)
		got := 0.0
		for _, c := range d.c {
			got += (c - mean) * (c - mean) / n
		}
		// the counts are nearly independent Poisson-like: the estimate's
		// standard error is about variance·sqrt(2/n)
		if se := variance * math.Sqrt(2/n); math.Abs(got-variance) > 5*se {
			t.Errorf("%s-degrees: variance %.2f, multinomial %.2f ± %.2f", d.name, got, variance, 5*se)
		}
		if sum := floatsSum(d.c); sum != k {
			t.Errorf("%s-degrees sum to %g, want %d", d.name, sum, k)
		}
	}
}

func floatsSum(a []float64) float64 {
	s := 0.0
	for _, x := range a {
		s += x
	}
	return s
}

// TestSynWeightsThreads: NewSynWeights draws block b of SynBlock synapses
// from stream.Child(b) (re-derived here), for 1, 2 and 3 threads alike;
// max(normal(mu, sigma), 0) has the clipped normal's mean
// mu·Φ(mu/sigma) + sigma·φ(mu/sigma) and its share of zeros Φ(−mu/sigma).
func TestSynWeightsThreads(t *testing.T) {
	const n, mu, sigma = 1000003, 1.0, 1.0
	draw := func() func(*Stream, int64) float64 {
		return func(rng *Stream, _ int64) float64 { return max(mu+sigma*rng.Normal(), 0) }
	}
	stream := NewStream(4, Hash("weight", "P"))
	var first []float32
	for _, threads := range []int{1, 2, 3} {
		w := NewSynWeights(n, threads, stream, draw)
		if first != nil {
			if !slices.Equal(w, first) {
				t.Errorf("%d threads draw other weights than 1", threads)
			}
			continue
		}
		first = w
		var rng Stream
		for s := range int64(n) {
			if s%SynBlock == 0 {
				rng = stream.Child(uint64(s / SynBlock))
			}
			if want := float32(max(mu+sigma*rng.Normal(), 0)); w[s] != want {
				t.Fatalf("synapse %d: weight %v, its block's stream gives %v", s, w[s], want)
			}
		}
	}
	m, zeros := 0.0, 0.0
	for _, x := range first {
		m += float64(x) / n
		if x == 0 {
			zeros++
		}
	}
	phi := math.Exp(-mu*mu/(2*sigma*sigma)) / math.Sqrt(2*math.Pi)
	Phi := 0.5 * math.Erfc(-mu/sigma/math.Sqrt2)
	wantM := mu*Phi + sigma*phi
	// the clipped variable's variance is below sigma²
	if se := sigma / math.Sqrt(n); math.Abs(m-wantM) > 5*se {
		t.Errorf("mean weight %.5f, clipped normal %.5f ± %.5f", m, wantM, 5*se)
	}
	p0 := 1 - Phi
	if se := math.Sqrt(p0 * (1 - p0) / n); math.Abs(zeros/n-p0) > 5*se {
		t.Errorf("%.5f of the weights clipped to 0, want %.5f ± %.5f", zeros/n, p0, 5*se)
	}
}

// TestSynDelaysDistribution: normal(0.75 ms, 0.375 ms) delays (the
// microcircuit's inhibitory ones, 4 % of them below dt) redrawn below dt
// and rounded to steps of 0.1 ms: step k has probability
// (Φ(b_k) − Φ(a_k)) / (1 − Φ(α)), with [a_k, b_k) the delays that round to
// k (from dt up for k = 1) in standard units and α = (dt − mu)/sigma. The
// counts pass a chi-square test against it and their mean is its mean; 1,
// 2 and 3 threads draw the same delays.
func TestSynDelaysDistribution(t *testing.T) {
	const n, dt, mu, sigma = 1000000, 1e-4, 0.75e-3, 0.375e-3
	draw := func() func(*Stream, int64) float64 {
		return func(rng *Stream, _ int64) float64 { return mu + sigma*rng.Normal() }
	}
	var first *SynDelays
	for _, threads := range []int{1, 2, 3} {
		d, err := NewSynDelays(n, dt, threads, NewStream(2, Hash("delay", "P")), draw)
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = d
		} else if !slices.Equal(d.D8, first.D8) || d.Max != first.Max {
			t.Errorf("%d threads draw other delays than 1", threads)
		}
	}
	Phi := func(x float64) float64 { return 0.5 * math.Erfc(-(x-mu)/sigma/math.Sqrt2) }
	tail := 1 - Phi(dt)
	counts := make([]float64, first.Max+1)
	for _, k := range first.D8 {
		counts[k]++
	}
	chi, df, mean, wantMean := 0.0, -1, 0.0, 0.0
	for k := 1; k <= first.Max; k++ {
		lo := max((float64(k)-0.5)*dt, dt)
		p := (Phi((float64(k)+0.5)*dt) - Phi(lo)) / tail
		wantMean += float64(k) * p
		mean += float64(k) * counts[k] / n
		if e := n * p; e >= 5 {
			chi += (counts[k] - e) * (counts[k] - e) / e
			df++
		}
	}
	if crit := chi2Crit(df); chi > crit {
		t.Errorf("delay steps: chi² = %.1f > %.1f (df %d)", chi, crit, df)
	}
	if se := sigma / dt / math.Sqrt(n); math.Abs(mean-wantMean) > 5*se {
		t.Errorf("mean delay %.4f steps, clipped and rounded normal %.4f ± %.4f", mean, wantMean, 5*se)
	}
	if counts[0] != 0 {
		t.Errorf("%g delays of 0 steps", counts[0])
	}
}

// TestFixedTotalNumberDraws: row i of fixed_total_number draws its targets
// from Child(i), four a Philox block: each 32-bit half h of a word (low
// half first) gives floor(h·m / 2^32), unless h·m mod 2^32 falls below
// 2^32 mod m (the values that would favour some targets), and the row is
// those targets ascending.
func TestFixedTotalNumberDraws(t *testing.T) {
	const npre, npost, k = 50, 1000003, 20000
	stream := NewStream(11, Hash("draws"))
	c, err := Connect(ConnSpec{Kind: "fixed_total_number", K: k}, g1(npre), g1(npost), stream)
	if err != nil {
		t.Fatal(err)
	}
	rejected := 0
	for i := range npre {
		row := c.Row(i)
		s := stream.Child(uint64(i))
		var want []int32
		for len(want) < len(row) {
			w := s.Uint64()
			for _, h := range []uint64{w & 0xFFFFFFFF, w >> 32} {
				if len(want) == len(row) {
					break
				}
				if (h*npost)%(1<<32) < (1<<32)%npost {
					rejected++
					continue
				}
				want = append(want, int32(h*npost>>32))
			}
		}
		slices.Sort(want)
		if !slices.Equal(row, want) {
			t.Fatalf("row %d: %v..., want %v...", i, row[:3], want[:3])
		}
	}
	// 2^32 mod m is 4 294 967 296 - 4294·1000003 = 954 414 (a 2.2e-4 chance)
	if rejected > 30 {
		t.Errorf("%d of %d draws rejected", rejected, k)
	}
}
