package rt

import (
	"fmt"
	"math"
)

// Rows is static connectivity stored compactly: the same synapses, in the
// same order, as Connect's CSR, with targets as uint16 when the
// postsynaptic population has at most 65536 neurons (uint32 otherwise) and
// row pointers as uint32 when the synapse count fits (int64 otherwise).
// CUBA at N = 40000 (3.2 M synapses) takes 6.4 MB instead of 13 MB. It is
// for delivery of static synapses; plastic projections keep CSR.
type Rows struct {
	NPre, NPost int
	Ptr         []uint32  // len NPre+1, when the synapse count fits in 32 bits
	Ptr64       []int64   // otherwise
	Col16       []uint16  // targets, when NPost <= 65536
	Col32       []uint32  // otherwise
	W           []float64 // weight factors of weighted connectors (CSR.W)
}

// Span returns row i's synapses, [lo, hi).
func (r *Rows) Span(i int) (lo, hi int) {
	if r.Ptr != nil {
		return int(r.Ptr[i]), int(r.Ptr[i+1])
	}
	return int(r.Ptr64[i]), int(r.Ptr64[i+1])
}

// NumSynapses is the number of synapses.
func (r *Rows) NumSynapses() int64 { return int64(len(r.Col16) + len(r.Col32)) }

// Bytes is the memory held by the connectivity arrays.
func (r *Rows) Bytes() int64 {
	return 4*int64(len(r.Ptr)) + 8*int64(len(r.Ptr64)) + 2*int64(len(r.Col16)) + 4*int64(len(r.Col32))
}

// AppendRow appends the targets of row i to buf, as int32.
func (r *Rows) AppendRow(buf []int32, i int) []int32 {
	lo, hi := r.Span(i)
	if r.Col16 != nil {
		for _, j := range r.Col16[lo:hi] {
			buf = append(buf, int32(j))
		}
		return buf
	}
	for _, j := range r.Col32[lo:hi] {
		buf = append(buf, int32(j))
	}
	return buf
}

// Touch loads the row pointers and every cache line of the rows of the
// presynaptic neurons spikes, before their delivery walks them. The rows of
// a step are scattered over megabytes, so each would miss the cache in
// turn; loaded in one tight loop the misses overlap (the loads of
// different rows are independent), and the delivery then finds the rows in
// the cache. Its result only keeps the loads from being optimised away.
//
//go:noinline
func (r *Rows) Touch(spikes []int32) (sum int) {
	for _, i := range spikes {
		lo, hi := r.Span(int(i))
		if r.Col16 != nil {
			c := r.Col16[lo:hi]
			for k := 0; k < len(c); k += 32 { // a 64-byte line
				sum += int(c[k])
			}
			continue
		}
		c := r.Col32[lo:hi]
		for k := 0; k < len(c); k += 16 {
			sum += int(c[k])
		}
	}
	return sum
}

// Narrow16 reports whether Rows stores targets onto npost neurons as uint16.
func Narrow16(npost int) bool { return npost <= 1<<16 }

// newRows allocates rows with these row pointers (cumulative counts,
// ptr(i) for i = 0..npre) at their final size.
func newRows(npre, npost int, total int64, ptr func(i int) int64) *Rows {
	r := &Rows{NPre: npre, NPost: npost}
	if total <= math.MaxUint32 {
		r.Ptr = make([]uint32, npre+1)
		for i := range r.Ptr {
			r.Ptr[i] = uint32(ptr(i))
		}
	} else {
		r.Ptr64 = make([]int64, npre+1)
		for i := range r.Ptr64 {
			r.Ptr64[i] = ptr(i)
		}
	}
	if Narrow16(npost) {
		r.Col16 = BigSlice[uint16](total)
	} else {
		r.Col32 = BigSlice[uint32](total)
	}
	return r
}

// setRow writes row i's targets (its length must be the row's).
func (r *Rows) setRow(i int, t []int32) {
	lo, hi := r.Span(i)
	if hi-lo != len(t) {
		panic(fmt.Sprintf("runtime: row %d: %d targets, counted %d", i, len(t), hi-lo))
	}
	if r.Col16 != nil {
		c := r.Col16[lo:hi]
		for k, j := range t {
			c[k] = uint16(j)
		}
		return
	}
	c := r.Col32[lo:hi]
	for k, j := range t {
		c[k] = uint32(j)
	}
}

// ConnectRows builds the connectivity Connect builds (same synapses, same
// order) as Rows. Row-wise connectors with a cheap row count (bernoulli,
// fan_out, one_to_one, all_to_all, fixed_total_number) are written straight into the final
// arrays, a row at a time through a small buffer, so the peak is the
// compact size; fan_in, gaussian and from_file are built as CSR first and
// narrowed. Every row draws from its own stream, so up to threads
// goroutines share the rows (ForChunks) and any thread count gives the
// same synapses.
func ConnectRows(spec ConnSpec, pre, post Geometry, rng *Stream, threads int) (*Rows, error) {
	if err := checkSpec(spec, pre, post); err != nil {
		return nil, err
	}
	switch spec.Kind {
	case "bernoulli", "fan_out", "one_to_one", "all_to_all", "fixed_total_number":
	default:
		c, err := Connect(spec, pre, post, rng)
		if err != nil {
			return nil, err
		}
		return CompactCSR(c), nil
	}
	g, err := newRowGen(spec, pre, post, rng)
	if err != nil {
		return nil, err
	}
	if EstimateSynapses(spec, pre, post) < 1<<16 {
		threads = 1 // not worth a goroutine
	}
	n := int64(pre.N)
	// the row counts, cumulative; bernoulli's are drawn, so keep them once
	cum := make([]int64, pre.N+1)
	ForChunks(n, rowChunk, threads, func() func(lo, hi int64) error {
		return func(lo, hi int64) error {
			for i := lo; i < hi; i++ {
				cum[i+1] = int64(g.rowLen(int(i)))
			}
			return nil
		}
	})
	for i := range pre.N {
		cum[i+1] += cum[i]
	}
	r := newRows(pre.N, post.N, cum[pre.N], func(i int) int64 { return cum[i] })
	cum = nil
	ForChunks(n, rowChunk, threads, func() func(lo, hi int64) error {
		var sc rowScratch
		return func(lo, hi int64) error {
			for i := int(lo); i < int(hi); i++ {
				a, b := r.Span(i)
				switch {
				case g.kind == "fixed_total_number" && r.Col16 != nil:
					totalRowTo(g, i, r.Col16[a:b], &sc)
				case g.kind == "fixed_total_number":
					totalRowTo(g, i, r.Col32[a:b], &sc)
				default:
					sc.buf = g.row(i, sc.buf[:0])
					r.setRow(i, sc.buf)
				}
			}
			return nil
		}
	})
	return r, nil
}

// rowChunk is the rows a construction thread takes at a time.
const rowChunk = 256

// CompactCSR returns c's synapses as Rows.
func CompactCSR(c *CSR) *Rows {
	r := newRows(c.NPre, c.NPost, c.NumSynapses(), func(i int) int64 { return c.RowPtr[i] })
	for i := 0; i < c.NPre; i++ {
		r.setRow(i, c.Row(i))
	}
	r.W = c.W
	return r
}
