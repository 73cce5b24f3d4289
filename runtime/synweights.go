package rt

import (
	"math"
	"slices"
)

// SynWeights are a projection's static per-synapse weights: float64 for
// the products of a weighted connector (matrix, conv: the file's values
// kept exact), float32 for weights drawn at random, 4 bytes a synapse
// instead of 8 (issue 16: the full-scale microcircuit's 0.3 billion
// synapses). A drawn weight is rounded to float32 once, when drawn, by
// every executor alike, and read back as float64, so the interpreter and
// built binaries add the same values in the same order.
type SynWeights struct {
	F64 []float64
	F32 []float32
}

// NewSynWeights draws the weights of n synapses as float32, as
// NewSynDelays draws delays: block b of SynBlock synapses from
// stream.Child(b), synapse after synapse, so any number of threads (which
// share the blocks) draws the same weights. newDraw gives each thread its
// draw function; draw(rng, s) is synapse s's weight drawn from rng.
func NewSynWeights(n int64, threads int, stream *Stream, newDraw func() func(rng *Stream, s int64) float64) []float32 {
	w := BigSlice[float32](n)
	drawBlocks(n, threads, stream, func() func(rng *Stream, lo, hi int64) error {
		draw := newDraw()
		return func(rng *Stream, lo, hi int64) error {
			for s := lo; s < hi; s++ {
				w[s] = float32(draw(rng, s))
			}
			return nil
		}
	})
	return w
}

// Set reports whether the projection has per-synapse weights.
func (w *SynWeights) Set() bool { return w.F64 != nil || w.F32 != nil }

// At is synapse i's weight.
func (w *SynWeights) At(i int64) float64 {
	if w.F32 != nil {
		return float64(w.F32[i])
	}
	return w.F64[i]
}

// Move copies synapse src's weight to dst (compacting kept synapses).
func (w *SynWeights) Move(dst, src int64) {
	if w.F32 != nil {
		w.F32[dst] = w.F32[src]
	} else if w.F64 != nil {
		w.F64[dst] = w.F64[src]
	}
}

// Truncate keeps the first n weights in arrays of their own length (the
// rest's memory is freed).
func (w *SynWeights) Truncate(n int64) {
	if w.F32 != nil {
		w.F32 = slices.Clone(w.F32[:n])
	}
	if w.F64 != nil {
		w.F64 = slices.Clone(w.F64[:n])
	}
}

// Bytes is the memory the weights hold.
func (w *SynWeights) Bytes() int64 { return 4*int64(len(w.F32)) + 8*int64(len(w.F64)) }

// PruneWeights drops the synapses of csr whose |weight| is below eps,
// keeping the order of the rest, row by row (so delivery sums in the same
// order on every executor); the kept weights get an array of their own
// length. It returns the number of synapses left.
func PruneWeights[W float32 | float64](csr *CSR, weights *[]W, eps float64) int64 {
	w := *weights
	k := int64(0)
	start := int64(0)
	for i := 0; i < csr.NPre; i++ {
		end := csr.RowPtr[i+1]
		for s := start; s < end; s++ {
			if math.Abs(float64(w[s])) >= eps {
				csr.Col[k], w[k] = csr.Col[s], w[s]
				k++
			}
		}
		start = end
		csr.RowPtr[i+1] = k
	}
	csr.Col, *weights = csr.Col[:k], slices.Clone(w[:k])
	return k
}
