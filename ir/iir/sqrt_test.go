package iir

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// TestSqrt: Sqrt is ⌊√x⌋ (math/big's exact integer square root) at every
// x below 2^16, at the squares and their neighbours up to 2^62 and at
// random values of every width, and 0 for x ≤ 0.
func TestSqrt(t *testing.T) {
	want := func(x int64) int64 { return new(big.Int).Sqrt(big.NewInt(x)).Int64() }
	check := func(x int64) {
		if got := Sqrt(x); got != want(x) {
			t.Fatalf("Sqrt(%d) = %d, want %d", x, got, want(x))
		}
	}
	for x := range int64(1 << 16) {
		check(x)
	}
	for r := int64(1); r < 1<<31; r = r*3/2 + 1 {
		for _, x := range []int64{r*r - 1, r * r, r*r + 1, r*r + 2*r} {
			check(x)
		}
	}
	check(math.MaxInt64)
	rng := rand.New(rand.NewPCG(1, 2))
	for range 100000 {
		check(rng.Int64N(math.MaxInt64) >> rng.IntN(63))
	}
	for _, x := range []int64{-1, -4, math.MinInt64} {
		if Sqrt(x) != 0 {
			t.Fatalf("Sqrt(%d) = %d, want 0", x, Sqrt(x))
		}
	}
}
