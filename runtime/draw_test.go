package rt

import (
	"math"
	"testing"
)

// TestDrawCounterLayout: a draw is Philox2x64-10 (whose known answers
// TestPhiloxKnownAnswers checks) of the counter (index, step<<16 | draw)
// under the stream's key, and the key is NewStream's for the stream name.
func TestDrawCounterLayout(t *testing.T) {
	key := DrawKey(7, "E noise")
	if key != NewStream(7, Hash("draw", "E noise")).Key() || key == DrawKey(8, "E noise") || key == DrawKey(7, "I noise") {
		t.Fatalf("DrawKey does not depend on the seed and the stream as documented")
	}
	a, b := DrawBlock(key, 123, 45, 6)
	wa, wb := Philox2x64(123, 45<<16|6, key)
	if a != wa || b != wb {
		t.Fatalf("DrawBlock = %#x %#x, want %#x %#x", a, b, wa, wb)
	}
	if got, want := DrawUniform(key, 123, 45, 6), float64(wa>>11)/(1<<53); got != want {
		t.Fatalf("DrawUniform = %v, want %v", got, want)
	}
	// the ziggurat's first 32 bits decide most draws: find one that they do
	for i := 0; ; i++ {
		a, _ := DrawBlock(key, i, 45, 6)
		j := int32(uint32(a))
		if absInt32(j) < zigK[j&0x7F] {
			if got, want := DrawNormal(key, i, 45, 6), float64(j)*float64(zigW[j&0x7F]); got != want {
				t.Fatalf("DrawNormal = %v, want %v", got, want)
			}
			break
		}
	}
	if _, ok := Draw("normal", key, 0, 0, 0); ok {
		t.Fatal("Draw accepted an unknown distribution")
	}
}

// TestDrawMoments: over neurons × steps × draw numbers, uniform draws have
// mean 1/2 and variance 1/12, normal ones mean 0, variance 1, kurtosis 3,
// and draws of neighbouring counters are uncorrelated; each within five
// standard errors.
func TestDrawMoments(t *testing.T) {
	key := DrawKey(1, "P noise")
	const neurons, steps = 1000, 200
	var su, su2, sz, sz2, sz4, cross, crossStep, crossDraw float64
	n := 0.0
	for i := range neurons {
		for s := range steps {
			u := DrawUniform(key, i, s, 0)
			z := DrawNormal(key, i, s, 1)
			su += u
			su2 += u * u
			sz += z
			sz2 += z * z
			sz4 += z * z * z * z
			cross += z * DrawNormal(key, i+1, s, 1)
			crossStep += z * DrawNormal(key, i, s+1, 1)
			crossDraw += z * DrawNormal(key, i, s, 2)
			n++
		}
	}
	check := func(name string, got, want, se float64) {
		t.Helper()
		if math.Abs(got-want) > 5*se {
			t.Errorf("%s = %.5f, want %.5f ± %.5f", name, got, want, 5*se)
		}
	}
	check("uniform mean", su/n, 0.5, math.Sqrt(1.0/12/n))
	check("uniform variance", su2/n-(su/n)*(su/n), 1.0/12, math.Sqrt(1.0/180/n))
	check("normal mean", sz/n, 0, math.Sqrt(1/n))
	check("normal variance", sz2/n, 1, math.Sqrt(2/n))
	check("normal kurtosis", sz4/n, 3, math.Sqrt(96/n))
	check("correlation of neighbouring neurons", cross/n, 0, math.Sqrt(1/n))
	check("correlation of consecutive steps", crossStep/n, 0, math.Sqrt(1/n))
	check("correlation of draw numbers", crossDraw/n, 0, math.Sqrt(1/n))
}

// TestDrawNormalTails: the ziggurat's slow paths (wedges and the tail
// beyond 3.44) give the normal's tail masses: P(|z| > 2, 3, 4) over 4
// million draws, within five standard errors.
func TestDrawNormalTails(t *testing.T) {
	key := DrawKey(3, "tails")
	const n = 4_000_000
	var over [3]float64
	for i := range n {
		z := math.Abs(DrawNormal(key, i, i>>10, 0))
		for k, c := range []float64{2, 3, 4} {
			if z > c {
				over[k]++
			}
		}
	}
	for k, c := range []float64{2, 3, 4} {
		p := math.Erfc(c / math.Sqrt2)
		if got, se := over[k]/n, math.Sqrt(p*(1-p)/n); math.Abs(got-p) > 5*se {
			t.Errorf("P(|z| > %g) = %.3g, want %.3g ± %.2g", c, got, p, 5*se)
		}
	}
}

// BenchmarkDraw: the cost of one draw (a Philox2x64-10 block, and for a
// normal draw Box–Muller's log, sqrt and cos).
func BenchmarkDraw(b *testing.B) {
	key := DrawKey(1, "P noise")
	b.Run("uniform", func(b *testing.B) {
		s := 0.0
		for i := range b.N {
			s += DrawUniform(key, i, 7, 0)
		}
		sinkDraw = s
	})
	b.Run("normal", func(b *testing.B) {
		s := 0.0
		for i := range b.N {
			s += DrawNormal(key, i, 7, 0)
		}
		sinkDraw = s
	})
}

var sinkDraw float64
