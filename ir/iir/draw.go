package iir

// Random draws in hardware (OpDraw). A draw is a counter-based hash, not
// a generator with state: the DrawBits bits of draw site s (a `uniform()`
// in a kernel, numbered across the program) for neuron i at step n are
//
//	Draw(DrawKey(seed, s), n, i)
//
// so they depend on nothing but their coordinates. The order in which a
// simulator or a circuit evaluates neurons, kernels or sites cannot change
// them, no state is stored or reset, and the Go simulator and the Verilog
// agree bit for bit by computing the same function. The key folds the
// seed and the site into one 32-bit constant at build time; per draw the
// hardware computes three rounds of mix32 (two multiplications by
// constants, three xor-shifts each) on the step counter and the neuron
// index. The step enters twice, before and after the neuron: with a single
// entry, two steps whose hashed keys differ by less than the population
// size would give every neuron the draw of another one (a permuted copy),
// and symmetrically for neurons. Steps wrap at 2^32.
//
// Float runs keep their own streams (rt.Stream): q16 matches them in
// distribution, not draw for draw.

// DrawBits is the width of a draw: an unsigned integer in [0, 2^DrawBits).
const DrawBits = 16

// Mix32 is a bijection of 32-bit words with full avalanche (Wellons'
// lowbias32: every input bit flips every output bit with probability
// close to 1/2).
func Mix32(x uint32) uint32 {
	x ^= x >> 16
	x *= 0x7feb352d
	x ^= x >> 15
	x *= 0x846ca68b
	x ^= x >> 16
	return x
}

// DrawKey is the constant of draw site site under seed.
func DrawKey(seed uint64, site int64) uint32 {
	k := Mix32(uint32(seed>>32) ^ 0x5bd1e995)
	k = Mix32(k ^ uint32(seed))
	return Mix32(k ^ uint32(site))
}

// Draw is the draw of neuron i at step n under key: DrawBits uniform bits.
func Draw(key, n, i uint32) int64 {
	h := Mix32(key ^ n)
	h = Mix32(h ^ i)
	h = Mix32(h ^ n)
	return int64(h >> (32 - DrawBits))
}
