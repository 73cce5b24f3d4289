package runtime

import "math"

// Counter-based draws: the random numbers of a simulation's loops (white
// noise in equations, rand() and normal() in event handlers). A draw is a
// pure function of
//
//	(seed, stream, index, step, draw number)
//
// computed by one Philox2x64-10 block: the key is the stream's (the run's
// seed and the stream's name, DrawKey), the counter is (index, step<<16 |
// draw). Nothing is carried from one draw to the next, so the numbers do
// not depend on the order the elements are visited in: not on the thread
// count, the SIMD width, the backend, or (later) on which rank of a
// distributed run computes a neuron, as long as it passes the neuron's
// global index. The plan (plan.Rand) numbers the draws of a loop; every
// executor calls these functions.

// MaxDraws is the number of draw numbers per stream, index and step.
const MaxDraws = 1 << 16

// DrawKey is the key of the stream named stream ("E noise", "E reset")
// under seed.
func DrawKey(seed uint64, stream string) uint64 {
	return NewStream(seed, Hash("draw", stream)).Key()
}

// DrawBlock is the Philox block of one draw: the two words every
// distribution below is computed from.
func DrawBlock(key uint64, index, step, draw int) (uint64, uint64) {
	return Philox2x64(uint64(index), uint64(step)<<16|uint64(draw&(MaxDraws-1)), key)
}

// DrawUniform is a uniform number in [0, 1) (53 random bits of the
// block's first word).
func DrawUniform(key uint64, index, step, draw int) float64 {
	a, _ := DrawBlock(key, index, step, draw)
	return float64(a>>11) * (1.0 / (1 << 53))
}

// DrawNormal is a standard normal number: Box–Muller's cosine branch over
// the block's two words, u1 in (0, 1], u2 in [0, 1).
func DrawNormal(key uint64, index, step, draw int) float64 {
	a, b := DrawBlock(key, index, step, draw)
	u1 := float64((a>>11)+1) * (1.0 / (1 << 53))
	u2 := float64(b>>11) * (1.0 / (1 << 53))
	return math.Sqrt(-2*math.Log(u1)) * math.Cos(2*math.Pi*u2)
}

// Draw is DrawUniform for "rand" and DrawNormal for "randn" (the names
// plan.Rand ops use); ok is false for another name.
func Draw(fn string, key uint64, index, step, draw int) (v float64, ok bool) {
	switch fn {
	case "rand":
		return DrawUniform(key, index, step, draw), true
	case "randn":
		return DrawNormal(key, index, step, draw), true
	}
	return 0, false
}
