package iir

import (
	"math"
	"testing"
)

// chi2Crit is the chi-square quantile at p = 0.001 for k degrees of
// freedom (Wilson–Hilferty).
func chi2Crit(k float64) float64 {
	const z = 3.0902 // standard normal quantile at 0.999
	a := 2 / (9 * k)
	return k * math.Pow(1-a+z*math.Sqrt(a), 3)
}

// chi2 is Pearson's statistic of counts against equal expected counts.
func chi2(counts []float64) float64 {
	total := 0.0
	for _, c := range counts {
		total += c
	}
	e := total / float64(len(counts))
	s := 0.0
	for _, c := range counts {
		s += (c - e) * (c - e) / e
	}
	return s
}

// TestDrawUniform: the draws over a grid of neurons and steps fall into 64
// bins of their high bits and 64 of their low bits equally (chi-square
// against the uniform distribution's equal counts, p = 0.001), and their
// mean and variance are the discrete uniform's, (2^16-1)/2 and
// (2^32-1)/12, within 4 standard errors.
func TestDrawUniform(t *testing.T) {
	for _, seed := range []uint64{1, 8, 1 << 40} {
		key := DrawKey(seed, 3)
		hi, lo := make([]float64, 64), make([]float64, 64)
		var sum, sum2 float64
		const ni, nn = 512, 512
		for i := uint32(0); i < ni; i++ {
			for n := uint32(0); n < nn; n++ {
				d := Draw(key, n, i)
				if d < 0 || d >= 1<<DrawBits {
					t.Fatalf("draw %d outside [0, 2^%d)", d, DrawBits)
				}
				hi[d>>(DrawBits-6)]++
				lo[d&63]++
				x := float64(d)
				sum += x
				sum2 += x * x
			}
		}
		crit := chi2Crit(63)
		if c := chi2(hi); c > crit {
			t.Errorf("seed %d: high bits chi2 %.1f > %.1f", seed, c, crit)
		}
		if c := chi2(lo); c > crit {
			t.Errorf("seed %d: low bits chi2 %.1f > %.1f", seed, c, crit)
		}
		m := float64(ni * nn)
		mean, vr := sum/m, sum2/m-(sum/m)*(sum/m)
		wantMean, wantVar := (math.Ldexp(1, DrawBits)-1)/2, (math.Ldexp(1, 2*DrawBits)-1)/12
		if se := math.Sqrt(wantVar / m); math.Abs(mean-wantMean) > 4*se {
			t.Errorf("seed %d: mean %.1f, want %.1f ± %.1f", seed, mean, wantMean, 4*se)
		}
		// the variance of x² over a uniform on [0, N): N⁴/180·4 gives the SE of the variance
		seVar := math.Sqrt(4 * math.Pow(math.Ldexp(1, DrawBits), 4) / 180 / m)
		if math.Abs(vr-wantVar) > 4*seVar {
			t.Errorf("seed %d: variance %.4g, want %.4g ± %.2g", seed, vr, wantVar, 4*seVar)
		}
	}
}

// TestDrawIndependent: pairs of draws that differ in one coordinate (the
// next step of the same neuron, the next neuron at the same step, the next
// site, the next seed, the next draw number of DrawNth) fill a 16×16 grid of their high bits equally
// (chi-square, p = 0.001): a draw says nothing about its neighbours. Two
// steps must not give shifted copies across neurons either, which the pair
// (neuron i at step n, neuron i+1 at step n+1) checks.
func TestDrawIndependent(t *testing.T) {
	k0, k1 := DrawKey(1, 0), DrawKey(1, 1)
	pairs := map[string]func(i, n uint32) (int64, int64){
		"next step":   func(i, n uint32) (int64, int64) { return Draw(k0, n, i), Draw(k0, n+1, i) },
		"next neuron": func(i, n uint32) (int64, int64) { return Draw(k0, n, i), Draw(k0, n, i+1) },
		"diagonal":    func(i, n uint32) (int64, int64) { return Draw(k0, n, i), Draw(k0, n+1, i+1) },
		"next site":   func(i, n uint32) (int64, int64) { return Draw(k0, n, i), Draw(k1, n, i) },
		"next seed":   func(i, n uint32) (int64, int64) { return Draw(k0, n, i), Draw(DrawKey(2, 0), n, i) },
		"next number": func(i, n uint32) (int64, int64) { return DrawNth(k0, n, i, 7), DrawNth(k0, n, i, 8) },
		"number 0":    func(i, n uint32) (int64, int64) { return Draw(k0, n, i), DrawNth(k0, n, i, 0) },
	}
	crit := chi2Crit(255)
	for name, pair := range pairs {
		grid := make([]float64, 256)
		for i := uint32(0); i < 256; i++ {
			for n := uint32(0); n < 256; n++ {
				a, b := pair(i, n)
				grid[a>>(DrawBits-4)<<4|b>>(DrawBits-4)]++
			}
		}
		if c := chi2(grid); c > crit {
			t.Errorf("%s: chi2 %.1f > %.1f: the pairs are not independent", name, c, crit)
		}
	}
}

// TestDrawKeys: distinct seeds and sites give distinct keys.
func TestDrawKeys(t *testing.T) {
	seen := map[uint32]bool{}
	for seed := uint64(0); seed < 64; seed++ {
		for site := int64(0); site < 64; site++ {
			k := DrawKey(seed, site)
			if seen[k] {
				t.Fatalf("seed %d site %d: key %#x repeats", seed, site, k)
			}
			seen[k] = true
		}
	}
}
