package rt

import (
	"fmt"
	"math"
	"slices"
)

// SynDelays holds each synapse's own transmission delay in time steps, one
// byte a synapse when the longest fits in 255 steps, two otherwise (up to
// 65535 steps). Synapse s is the index in the projection's rows (CSR.Col,
// Rows.Col16/Col32), the index its weight and state arrays use.
type SynDelays struct {
	D8  []uint8  // when Max <= 255
	D16 []uint16 // otherwise
	Max int      // the longest delay, in steps (sizes the ring)
}

// MaxSynDelay is the longest per-synapse delay in steps.
const MaxSynDelay = math.MaxUint16

// DelayStep quantises one synapse's delay d (seconds) to steps of dt: to
// the nearest step (math.Round(d/dt), as a projection's single delay), and
// at least one step. It fails on NaN, infinities and delays beyond
// MaxSynDelay steps.
func DelayStep(d, dt float64) (int, error) {
	if k, ok := roundStep(d / dt); ok {
		return k, nil
	}
	return delayStepSlow(d, dt)
}

// roundStep is DelayStep's common case, small enough to inline where
// delays are drawn: x in [0.5, MaxSynDelay + 0.5) rounds to the nearest
// step. For x >= 0.5, x + 0.5 is exact or rounds only up to a power of two
// that is also its floor, so int(x + 0.5) is math.Round(x).
func roundStep(x float64) (int, bool) {
	return int(x + 0.5), x >= 0.5 && x < MaxSynDelay+0.5
}

func delayStepSlow(d, dt float64) (int, error) {
	if math.IsNaN(d) || math.IsInf(d, 0) {
		return 0, fmt.Errorf("a synapse's delay is %g", d)
	}
	x := math.Round(d / dt)
	if x < 1 {
		return 1, nil
	}
	if x > MaxSynDelay {
		return 0, fmt.Errorf("a synapse's delay of %g s is %g steps of %g s, more than the %d a synapse holds", d, x, dt, MaxSynDelay)
	}
	return int(x), nil
}

// MaxRedraws bounds the draws of one synapse's delay that fall below dt.
const MaxRedraws = 1000

// SynBlock is the number of consecutive synapses that draw their drawn
// weights or delays from one stream: block b from the child stream b of
// the projection's (NewSynDelays, NewSynWeights), so that threads can
// share the blocks and still draw the values one thread draws.
const SynBlock = 1024

// synChunk is the synapses a construction thread takes at a time
// (ForChunks): whole blocks, enough to make taking one cheap.
const synChunk = 64 * SynBlock

// NewSynDelays draws the delays of n synapses. The synapses are cut into
// blocks of SynBlock; block b draws from its own stream,
// stream.Child(b), synapse after synapse (counter-based: a delay depends
// on the seed, the projection and its block's synapses alone, not on the
// thread count, so any split of the blocks draws the same delays; within a
// block the normal deviates come in pairs, as from one stream): newDraw
// gives each worker its draw function, and draw(rng, s) is synapse s's
// delay in seconds drawn from rng. A delay below dt is
// drawn again from the same stream (NEST's normal_clipped with low = dt,
// nest.math.redraw with min = dt, as the Potjans–Diesmann microcircuit
// draws its delays), up to MaxRedraws times. Each is then quantised by
// DelayStep, and they are kept in one byte a synapse when all fit. The
// blocks are shared by up to threads goroutines (ForChunks).
func NewSynDelays(n int64, dt float64, threads int, stream *Stream, newDraw func() func(rng *Stream, s int64) float64) (*SynDelays, error) {
	if n > math.MaxUint32 {
		return nil, fmt.Errorf("%d synapses with their own delays: more than the 2^32 a delay ring indexes", n)
	}
	// one byte a synapse first: a microcircuit's delays all fit, and a
	// two-byte array narrowed afterwards would briefly hold three bytes a
	// synapse (0.9 GB at full scale). Only when some delay exceeds 255
	// steps are they drawn again, the same values, into two bytes.
	d8 := BigSlice[uint8](n)
	mx, err := drawDelays(d8, dt, threads, stream, newDraw)
	if err != nil {
		return nil, err
	}
	if mx <= math.MaxUint8 {
		return &SynDelays{D8: d8, Max: mx}, nil
	}
	d8 = nil
	d16 := BigSlice[uint16](n)
	if mx, err = drawDelays(d16, dt, threads, stream, newDraw); err != nil {
		return nil, err
	}
	return &SynDelays{D16: d16, Max: mx}, nil
}

// drawDelays fills d with the quantised delays (NewSynDelays) and returns
// the longest, in steps. A delay that does not fit T is stored truncated;
// the caller sees it in the maximum and draws again into a wider array.
func drawDelays[T uint8 | uint16](d []T, dt float64, threads int, stream *Stream, newDraw func() func(rng *Stream, s int64) float64) (int, error) {
	n := int64(len(d))
	maxes := make([]uint16, (n+SynBlock-1)/SynBlock) // by block (k <= MaxSynDelay)
	err := drawBlocks(n, threads, stream, func() func(rng *Stream, lo, hi int64) error {
		draw := newDraw()
		return func(rng *Stream, lo, hi int64) error {
			mx := 0
			for s := lo; s < hi; s++ {
				x := draw(rng, s)
				for try := 1; x < dt; try++ {
					if try == MaxRedraws {
						return fmt.Errorf("synapse %d: its delay was below dt = %g s in %d draws (the last %g s)", s, dt, MaxRedraws, x)
					}
					x = draw(rng, s)
				}
				k, ok := roundStep(x / dt)
				if !ok {
					var err error
					if k, err = delayStepSlow(x, dt); err != nil {
						return fmt.Errorf("synapse %d: %w", s, err)
					}
				}
				d[s] = T(k)
				mx = max(mx, k)
			}
			maxes[lo/SynBlock] = uint16(mx)
			return nil
		}
	})
	if err != nil || n == 0 {
		return 0, err
	}
	return int(slices.Max(maxes)), nil
}

// drawBlocks runs f(rng, lo, hi) for every block [lo, hi) of SynBlock
// synapses out of n, rng being the block's stream, stream.Child(b), on up
// to threads goroutines (ForChunks); newWorker gives each its f.
func drawBlocks(n int64, threads int, stream *Stream, newWorker func() func(rng *Stream, lo, hi int64) error) error {
	if n < 1<<14 {
		threads = 1 // not worth a goroutine
	}
	return ForChunks(n, synChunk, threads, func() func(lo, hi int64) error {
		f := newWorker()
		return func(lo, hi int64) error {
			for b := lo; b < hi; b += SynBlock {
				rng := stream.Child(uint64(b / SynBlock))
				if err := f(&rng, b, min(b+SynBlock, hi)); err != nil {
					return err
				}
			}
			return nil
		}
	})
}

// Len is the number of synapses.
func (d *SynDelays) Len() int64 { return int64(len(d.D8) + len(d.D16)) }

// Bytes is the memory the delays take.
func (d *SynDelays) Bytes() int64 { return int64(len(d.D8)) + 2*int64(len(d.D16)) }

// Move gives synapse dst the delay of synapse src (dst <= src), for
// compacting the synapses a rank keeps of a split run.
func (d *SynDelays) Move(dst, src int64) {
	if d.D8 != nil {
		d.D8[dst] = d.D8[src]
	} else {
		d.D16[dst] = d.D16[src]
	}
}

// Truncate keeps the first n synapses' delays (copied: the rest is freed).
func (d *SynDelays) Truncate(n int64) {
	if d.D8 != nil {
		d.D8 = slices.Clone(d.D8[:n])
	} else {
		d.D16 = slices.Clone(d.D16[:n])
	}
}

// Steps returns synapse s's delay in steps.
func (d *SynDelays) Steps(s int64) int {
	if d.D8 != nil {
		return int(d.D8[s])
	}
	return int(d.D16[s])
}

// SynRing holds synapses in flight, each due after its own delay: slot
// (cur + d) mod (Max+1) collects the synapse indices due d steps from
// now. Within a slot, synapses keep the order in which they were pushed
// (spikes in the order they fired, each row in synapse order), so delivery
// sums in the same order on every executor and thread count. Slots keep
// their capacity: after warm-up, pushing does not allocate.
type SynRing struct {
	slots [][]uint32
	cur   int
}

// NewSynRing returns a ring for the delays d (sized by their longest).
func NewSynRing(d *SynDelays) *SynRing {
	return &SynRing{slots: make([][]uint32, d.Max+1)}
}

// PushRow schedules synapses lo..hi-1 (one presynaptic neuron's row), each
// after its own delay from d (at least one step, so never the current
// slot): the ring then holds synapse indices.
func (r *SynRing) PushRow(d *SynDelays, lo, hi int64) {
	if d.D8 != nil {
		pushIndex(r, d.D8[lo:hi], uint32(lo))
		return
	}
	pushIndex(r, d.D16[lo:hi], uint32(lo))
}

// PushTargets16 schedules the targets col[lo:hi] of a row instead of the
// synapse indices, each after its synapse's delay: for a delivery that
// needs only the target (one weight for the projection), it spares the
// scattered load of each due synapse's target.
func (r *SynRing) PushTargets16(d *SynDelays, lo, hi int64, col []uint16) {
	if d.D8 != nil {
		pushVals(r, d.D8[lo:hi], col[lo:hi])
		return
	}
	pushVals(r, d.D16[lo:hi], col[lo:hi])
}

// PushTargets32 is PushTargets16 for 4-byte targets.
func (r *SynRing) PushTargets32(d *SynDelays, lo, hi int64, col []uint32) {
	if d.D8 != nil {
		pushVals(r, d.D8[lo:hi], col[lo:hi])
		return
	}
	pushVals(r, d.D16[lo:hi], col[lo:hi])
}

func pushIndex[D uint8 | uint16](r *SynRing, dl []D, first uint32) {
	n := len(r.slots)
	for s, k := range dl {
		j := r.cur + int(k)
		if j >= n {
			j -= n
		}
		r.slots[j] = append(r.slots[j], first+uint32(s))
	}
}

func pushVals[D uint8 | uint16, T uint16 | uint32](r *SynRing, dl []D, vals []T) {
	n := len(r.slots)
	vals = vals[:len(dl)]
	for s, k := range dl {
		j := r.cur + int(k)
		if j >= n {
			j -= n
		}
		r.slots[j] = append(r.slots[j], uint32(vals[s]))
	}
}

// Current returns the synapses (or targets) due at this step (valid until
// Advance).
func (r *SynRing) Current() []uint32 { return r.slots[r.cur] }

// Advance clears the current slot and moves to the next step.
func (r *SynRing) Advance() {
	r.slots[r.cur] = r.slots[r.cur][:0]
	r.cur++
	if r.cur == len(r.slots) {
		r.cur = 0
	}
}

// Pending is the number of synapses in flight.
func (r *SynRing) Pending() int {
	n := 0
	for _, s := range r.slots {
		n += len(s)
	}
	return n
}
