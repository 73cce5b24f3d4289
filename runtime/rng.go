package rt

import (
	"hash/fnv"
	"math"
	"math/bits"
)

// Stream is a counter-based random number stream: Philox2x64-10 (Salmon et
// al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011) keyed by a
// 64-bit key derived from the seed and the stream ids. Draw number c of a
// stream is a pure function of (key, c): it never depends on which goroutine
// runs, or when. A Stream is a small value (no pointers); copy it to fork the
// position, use Sub or Child for independent sub-streams. A Stream is not
// safe for concurrent use; give each goroutine its own sub-stream.
type Stream struct {
	key     uint64
	ctr     uint64 // next Philox block
	spare   uint64 // second word of the last block
	hasSp   bool
	hasNorm bool
	half    uint32 // the unused half of Normal's last word
}

// Philox2x64 constants (Random123).
const (
	philoxM = 0xD2B74407B1CE6E93
	philoxW = 0x9E3779B97F4A7C15
)

// Philox2x64 returns the two output words of Philox2x64-10 for the counter
// (c0, c1) under key k.
func Philox2x64(c0, c1, k uint64) (uint64, uint64) {
	// ten rounds, unrolled (Go does not unroll loops; this is most of the
	// cost of procedural connectivity)
	hi, lo := bits.Mul64(philoxM, c0)
	c0, c1 = hi^k^c1, lo
	k += philoxW
	hi, lo = bits.Mul64(philoxM, c0)
	c0, c1 = hi^k^c1, lo
	k += philoxW
	hi, lo = bits.Mul64(philoxM, c0)
	c0, c1 = hi^k^c1, lo
	k += philoxW
	hi, lo = bits.Mul64(philoxM, c0)
	c0, c1 = hi^k^c1, lo
	k += philoxW
	hi, lo = bits.Mul64(philoxM, c0)
	c0, c1 = hi^k^c1, lo
	k += philoxW
	hi, lo = bits.Mul64(philoxM, c0)
	c0, c1 = hi^k^c1, lo
	k += philoxW
	hi, lo = bits.Mul64(philoxM, c0)
	c0, c1 = hi^k^c1, lo
	k += philoxW
	hi, lo = bits.Mul64(philoxM, c0)
	c0, c1 = hi^k^c1, lo
	k += philoxW
	hi, lo = bits.Mul64(philoxM, c0)
	c0, c1 = hi^k^c1, lo
	k += philoxW
	hi, lo = bits.Mul64(philoxM, c0)
	return hi ^ k ^ c1, lo
}

// mix64 is the SplitMix64 / MurmurHash3 finaliser: a bijection on uint64
// with full avalanche.
func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

// childKey derives the key of sub-stream id. For a fixed parent key it is a
// bijection of id, so sibling streams never share a key.
func childKey(key, id uint64) uint64 {
	return mix64(key ^ mix64(id+0x632BE59BD9B4E019))
}

// NewStream returns the stream for seed and the ids (for example
// Hash("E"), Hash("noise")). NewStream(seed, a, b) equals
// NewStream(seed).Sub(a, b) and NewStream(seed, a).Sub(b).
func NewStream(seed uint64, ids ...uint64) *Stream {
	s := &Stream{key: mix64(seed ^ 0x5DEECE66D1CE4E5B)}
	for _, id := range ids {
		s.key = childKey(s.key, id)
	}
	return s
}

// Sub returns an independent child stream, starting at counter 0. It
// depends only on s's key and the ids, not on how many draws s has made.
func (s *Stream) Sub(ids ...uint64) *Stream {
	c := &Stream{key: s.key}
	for _, id := range ids {
		c.key = childKey(c.key, id)
	}
	return c
}

// Child is Sub(id) returned by value, for hot loops that must not allocate
// (for example one stream per procedural row).
func (s *Stream) Child(id uint64) Stream {
	return Stream{key: childKey(s.key, id)}
}

// Key returns the stream's key (the same seed and ids give the same key).
func (s *Stream) Key() uint64 { return s.key }

// Counter returns the number of Philox blocks consumed so far.
func (s *Stream) Counter() uint64 { return s.ctr }

// Block returns the two words of Philox block ctr of this stream without
// moving its position: stateless access for code that draws "the value for
// neuron i at step n" in any order.
func (s *Stream) Block(ctr uint64) (uint64, uint64) {
	return Philox2x64(ctr, 0, s.key)
}

// Uint64 returns the next 64 uniformly random bits.
func (s *Stream) Uint64() uint64 {
	if s.hasSp {
		s.hasSp = false
		return s.spare
	}
	a, b := Philox2x64(s.ctr, 0, s.key)
	s.ctr++
	s.spare, s.hasSp = b, true
	return a
}

// Float64 returns a uniform number in [0, 1) with 53 random bits.
func (s *Stream) Float64() float64 {
	return float64(s.Uint64()>>11) * (1.0 / (1 << 53))
}

// float64Open returns a uniform number in (0, 1].
func (s *Stream) float64Open() float64 {
	return float64((s.Uint64()>>11)+1) * (1.0 / (1 << 53))
}

// Normal returns a standard normal deviate: the ziggurat of DrawNormal
// (Marsaglia & Tsang 2000, Go's tables) on 32 bits of the stream, the low
// half of a word and then its high half, kept for the next call; the rare
// draws outside the layers' rectangles take further words. Half a word a
// deviate in more than 99 % of draws, against Box–Muller's word, log,
// square root and sine and cosine: construction draws one or two a
// synapse.
func (s *Stream) Normal() float64 {
	var j int32
	if s.hasNorm {
		s.hasNorm = false
		j = int32(s.half)
	} else {
		w := s.Uint64()
		j, s.half, s.hasNorm = int32(uint32(w)), uint32(w>>32), true
	}
	i := j & 0x7F
	if absInt32(j) < zigK[i] {
		return float64(j) * float64(zigW[i])
	}
	return normalSlow(s.Uint64, j)
}

// Intn returns a uniform integer in [0, n) without bias (Lemire's method).
// It panics if n <= 0.
func (s *Stream) Intn(n int) int {
	if n <= 0 {
		panic("runtime: Intn argument must be positive")
	}
	m := uint64(n)
	hi, lo := bits.Mul64(s.Uint64(), m)
	if lo < m {
		thresh := -m % m
		for lo < thresh {
			hi, lo = bits.Mul64(s.Uint64(), m)
		}
	}
	return int(hi)
}

// Binomial returns a Binomial(n, p) deviate. Like numpy: inversion
// (sequential search) when min(p, 1-p)·n <= 30, else BTPE (Kachitvichyanukul
// & Schmeiser 1988). Both are exact; no normal approximation. p outside
// [0, 1] is clamped; NaN gives 0.
func (s *Stream) Binomial(n int, p float64) int {
	if n <= 0 || !(p > 0) {
		return 0
	}
	if p >= 1 {
		return n
	}
	if p <= 0.5 {
		if p*float64(n) <= 30 {
			return s.binomialInversion(n, p)
		}
		return s.binomialBTPE(n, p)
	}
	q := 1 - p
	if q*float64(n) <= 30 {
		return n - s.binomialInversion(n, q)
	}
	return n - s.binomialBTPE(n, q)
}

// binomialInversion: p <= 0.5 and n·p <= 30. The search restarts past
// np + 10·sqrt(np·q + 1), which only guards against rounding (the tail
// beyond it has probability below 1e-20).
func (s *Stream) binomialInversion(n int, p float64) int {
	q := 1 - p
	qn := math.Exp(float64(n) * math.Log1p(-p))
	np := float64(n) * p
	bound := int(math.Min(float64(n), np+10*math.Sqrt(np*q+1)))
	x := 0
	px := qn
	u := s.Float64()
	for u > px {
		x++
		if x > bound {
			x = 0
			px = qn
			u = s.Float64()
		} else {
			u -= px
			px = (float64(n-x+1) * p * px) / (float64(x) * q)
		}
	}
	return x
}

// binomialBTPE: p <= 0.5 and n·p > 30.
func (s *Stream) binomialBTPE(n int, p float64) int {
	fn := float64(n)
	r := p
	q := 1 - r
	fm := fn*r + r
	m := math.Floor(fm)
	p1 := math.Floor(2.195*math.Sqrt(fn*r*q)-4.6*q) + 0.5
	xm := m + 0.5
	xl := xm - p1
	xr := xm + p1
	c := 0.134 + 20.5/(15.3+m)
	a := (fm - xl) / (fm - xl*r)
	laml := a * (1 + a/2)
	a = (xr - fm) / (xr * q)
	lamr := a * (1 + a/2)
	p2 := p1 * (1 + 2*c)
	p3 := p2 + c/laml
	p4 := p3 + c/lamr
	nrq := fn * r * q

	for {
		u := s.Float64() * p4
		v := s.Float64()
		var y float64
		if u <= p1 { // triangular region: accept at once
			return int(math.Floor(xm - p1*v + u))
		}
		switch {
		case u <= p2: // parallelograms
			x := xl + (u-p1)/c
			v = v*c + 1 - math.Abs(m-x+0.5)/p1
			if v > 1 {
				continue
			}
			y = math.Floor(x)
		case u <= p3: // left exponential tail
			if v == 0 {
				continue
			}
			y = math.Floor(xl + math.Log(v)/laml)
			if y < 0 {
				continue
			}
			v = v * (u - p2) * laml
		default: // right exponential tail
			if v == 0 {
				continue
			}
			y = math.Floor(xr - math.Log(v)/lamr)
			if y > fn {
				continue
			}
			v = v * (u - p3) * lamr
		}
		k := math.Abs(y - m)
		if !(k > 20 && k < nrq/2-1) {
			// explicit evaluation of f(y)/f(m)
			sr := r / q
			aa := sr * (fn + 1)
			F := 1.0
			if m < y {
				for i := m + 1; i <= y; i++ {
					F *= aa/i - sr
				}
			} else if m > y {
				for i := y + 1; i <= m; i++ {
					F /= aa/i - sr
				}
			}
			if v > F {
				continue
			}
			return int(y)
		}
		// squeeze on log f(y)/f(m), then the Stirling-based final test
		rho := (k / nrq) * ((k*(k/3+0.625)+0.16666666666666666)/nrq + 0.5)
		t := -k * k / (2 * nrq)
		A := math.Log(v)
		if A < t-rho {
			return int(y)
		}
		if A > t+rho {
			continue
		}
		x1 := y + 1
		f1 := m + 1
		z := fn + 1 - m
		w := fn - y + 1
		x2, f2, z2, w2 := x1*x1, f1*f1, z*z, w*w
		bound := xm*math.Log(f1/x1) + (fn-m+0.5)*math.Log(z/w) + (y-m)*math.Log(w*r/(x1*q)) +
			stirlingTail(f1, f2) + stirlingTail(z, z2) + stirlingTail(x1, x2) + stirlingTail(w, w2)
		if A > bound {
			continue
		}
		return int(y)
	}
}

func stirlingTail(x, x2 float64) float64 {
	return (13680. - (462.-(132.-(99.-140./x2)/x2)/x2)/x2) / x / 166320.
}

// Geometric returns the number of failures before the first success of
// Bernoulli(p) trials, by inversion of one uniform. p >= 1 gives 0; p <= 0
// gives math.MaxInt64.
func (s *Stream) Geometric(p float64) int64 {
	if p >= 1 {
		return 0
	}
	if !(p > 0) {
		return math.MaxInt64
	}
	g := math.Floor(math.Log(s.float64Open()) / math.Log1p(-p))
	if g >= 1<<62 {
		return 1 << 62
	}
	return int64(g)
}

// Hash returns a stable 64-bit id for names ("E", "v"), to key streams:
// FNV-1a over the length-prefixed parts, then mixed. It never changes
// between versions: seeds reproduce across releases.
func Hash(parts ...string) uint64 {
	h := fnv.New64a()
	var lb [8]byte
	for _, p := range parts {
		n := uint64(len(p))
		for i := range lb {
			lb[i] = byte(n >> (8 * i))
		}
		h.Write(lb[:])
		h.Write([]byte(p))
	}
	return mix64(h.Sum64())
}
