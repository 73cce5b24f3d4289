package iir

import "math"

// The arithmetic primitives of the integer IR. The simulator, the range
// analysis and the tests use exactly these; a hardware emitter must
// implement the same definitions.

// MinOf and MaxOf are the range of a width-bit integer.
func MinOf(width int, signed bool) int64 {
	if !signed {
		return 0
	}
	return -(int64(1) << uint(width-1))
}

// MaxOf is the largest width-bit integer.
func MaxOf(width int, signed bool) int64 {
	if signed {
		return int64(1)<<uint(width-1) - 1
	}
	return int64(1)<<uint(width) - 1
}

// ShiftRight divides x by 2^n with the given rounding. rnd supplies the
// random bits of stochastic rounding (uniform in [0, 2^n)); n = 0 returns x.
//
//	trunc       toward zero: sign(x)·(|x| >> n)
//	floor       x >> n (arithmetic)
//	nearest     (x + 2^(n−1)) >> n: ties go toward +∞
//	stochastic  (x + r) >> n
func ShiftRight(x int64, n int, mode Rounding, rnd func(n int) int64) int64 {
	if n <= 0 {
		return x
	}
	if n >= 63 {
		n = 63
	}
	switch mode {
	case Trunc:
		if x < 0 {
			return -((-x) >> uint(n))
		}
		return x >> uint(n)
	case Nearest:
		return (x + int64(1)<<uint(n-1)) >> uint(n)
	case Stochastic:
		return (x + rnd(n)) >> uint(n)
	}
	return x >> uint(n)
}

// ModTo is the Modulo overflow of a signed width-bit value: x's sign, |x|
// modulo 2^(width−1) (Go's % truncates, as Lava's np.mod(x, sign(x)·m) does).
func ModTo(x int64, width int) int64 {
	if width >= 64 {
		return x
	}
	return x % (int64(1) << uint(width-1))
}

// WrapTo keeps the low width bits of x (two's complement when signed).
func WrapTo(x int64, width int, signed bool) int64 {
	if width >= 64 {
		return x
	}
	m := int64(1)<<uint(width) - 1
	x &= m
	if signed && x>>uint(width-1) != 0 {
		x -= int64(1) << uint(width)
	}
	return x
}

// Clamp saturates x to [lo, hi].
func Clamp(x, lo, hi int64) int64 {
	if x < lo {
		return lo
	}
	if x > hi {
		return hi
	}
	return x
}

// ShiftDecay is Xylo's bitshift decay: x − (x >> dash), where the step is
// at least 1 for a positive x when minStep is set (a negative x already
// steps by at least 1: the arithmetic shift rounds toward −∞).
func ShiftDecay(x int64, dash int, minStep bool) int64 {
	d := x >> uint(dash)
	if d == 0 && x > 0 && minStep {
		d = 1
	}
	return x - d
}

// LFSRNext advances a Galois LFSR (right shift; taps is the feedback mask)
// of the given width and returns the new state, never 0 for a nonzero
// state.
func LFSRNext(s, taps uint64) uint64 {
	lsb := s & 1
	s >>= 1
	if lsb != 0 {
		s ^= taps
	}
	return s
}

// LFSRBits returns n uniform bits from a bits-wide LFSR state: the low n
// bits, or the whole state shifted up when n exceeds the width.
func LFSRBits(s uint64, bits, n int) int64 {
	if n <= bits {
		return int64(s & (uint64(1)<<uint(n) - 1))
	}
	return int64(s << uint(n-bits))
}

// Resize applies an overflow policy to x for a width-bit result with the
// saturation range [lo, hi].
func Resize(x int64, width int, signed bool, ovf Overflow, lo, hi int64) int64 {
	switch ovf {
	case Saturate:
		return Clamp(x, lo, hi)
	case Modulo:
		return ModTo(x, width)
	default: // wrap; a proved resize cannot change x, and wraps as hardware truncation would
		return WrapTo(x, width, signed)
	}
}

// BitsFor returns the width of the narrowest integer holding [lo, hi] and
// whether it is signed.
func BitsFor(lo, hi int64) (int, bool) {
	if lo >= 0 {
		w := 1
		for w < 63 && MaxOf(w, false) < hi {
			w++
		}
		return w, false
	}
	w := 2
	for w < 64 && (MinOf(w, true) > lo || MaxOf(w, true) < hi) {
		w++
	}
	return w, true
}

// RoundHalfAway rounds to the nearest integer, ties away from zero (how
// constants are quantized at compile time).
func RoundHalfAway(x float64) int64 {
	if x >= 9.2e18 {
		return math.MaxInt64
	}
	if x <= -9.2e18 {
		return math.MinInt64
	}
	return int64(math.Round(x))
}
