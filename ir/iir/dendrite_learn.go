package iir

// Learning segment dendrites in integers (Dendrite.Learn). The float
// interpreter's segments (rt.Segments) grow in a slab, keep linked
// lists and draw with its streams; the integer form is laid out as a
// circuit holds it, and draws with OpDraw's hash, so that the simulator
// and the Verilog agree bit for bit. It follows HTM's temporal memory as
// the float form does, and matches it in distribution, not draw for draw:
//
// Storage. Per neuron Segments segments of Synapses slots: a slot is a
// presynaptic cell and a 16-bit permanence; a segment holds its synapses
// in slots 0..n−1 (n = 0: the segment is free), the step it was created or
// last learned, and the counts of its active potential and active
// connected synapses at the end of the last step. The candidate pools are
// one bit per neuron and presynaptic cell.
//
// At the end of step t, (1) learning: with the active cells of step t−1
// (if any) and the counts computed then, for each neuron that fired in
// step t, ascending: if some of its segments were active (connected count
// ≥ Threshold), each of them learns, in index order; otherwise the best
// matching one (potential count ≥ MinThreshold, the most; ties: the lowest
// index); otherwise, when MaxNew > 0 and some candidate was active, a new
// segment grows: the lowest free one, or at the cap the least recently
// used (the lowest step, ties the lowest index) is emptied.
// A segment learns: its step becomes t; each synapse gains Increment if
// its cell was active, loses Decrement otherwise, saturating in
// [0, PermOne], and a synapse at 0 is removed (the others keep their
// order; a segment left empty is freed). It then grows up to
// want = MaxNew − (its potential count) synapses onto candidates: cells
// active at t−1, in the neuron's pool, not on the segment yet. Of the M
// candidates, n = min(want, M) are chosen; when the segment would
// overflow, the weakest synapses onto inactive cells (lowest permanence,
// ties the lowest slot) are removed first, one at a time, and n shrinks to
// the room left. The choice is selection sampling in ascending cell order:
// candidate c is taken when r·rem < need·2^16, r = the OpDraw of site
// Site, step t, neuron j and draw number g·NPre + c (g the segment), rem the
// candidates not yet visited and need the synapses still to choose, which
// chooses exactly n, every n-subset alike (to the draw's 16 bits). New
// synapses take the next slots at permanence Initial.
// (2) The cells whose spikes arrive in step t become the active cells;
// (3) every segment counts its active potential and connected synapses,
// and the handler runs on each neuron with an active segment.
type DendLearn struct {
	MinThreshold int
	MaxNew       int
	Increment    int64
	Decrement    int64
	Site         int64 // the draw site of the growth choices
}

// DrawNth is the k-th draw of neuron i at step n under key (for handlers
// that draw a variable number of times).
func DrawNth(key, n, i, k uint32) int64 { return Draw(Mix32(key^k), n, i) }

// DendState is a learning dendrite's storage (iir.DendLearn): slot
// (j·Segments + g)·Synapses + s holds Pre and Perm, segment j·Segments + g
// holds N synapses, was created or last learned at step Last, and counted
// Pot active potential and Con active connected synapses.
type DendState struct {
	Pre      []int32
	Perm     []int64
	N, Last  []int64
	Pot, Con []int64
}
