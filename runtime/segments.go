package rt

import (
	"fmt"
	"math"
	"slices"
)

// Segments is a segment dendrite of one population (HTM active dendrites:
// binary pattern detectors that learn permanences), shared by the
// interpreter and the generated binaries so that both grow, learn and
// evict identically.
//
// Timing. At the end of step n (EndStep): (1) learning, with the segments'
// activity computed at the end of step n-1 (from the presynaptic cells
// active at step n-1) and the neurons that fired at step n; (2) the
// presynaptic cells whose spikes arrived at step n (Spike) become the
// active cells; (3) every segment's activity is computed from them and the
// neurons with at least one active segment are returned (the caller runs
// `on dendrite NAME active` for each). A neuron predicted by step n's
// pattern is depolarized during step n+1, and if it fires then, it
// reinforces the segment towards the cells of step n: HTM's "previous
// time step".
//
// Storage. A synapse is a presynaptic index (int32) and a permanence in
// 16-bit fixed point (uint16, 65535 = 1): 6 bytes. Each segment owns a
// contiguous run of one slab (parallel int32 and uint16 arrays), reserved
// for the synapses it grows and doubled (up to `synapses`) when it needs
// more, so no memory is held for segments or synapses that do not exist.
// A segment's header (slab offset, count, capacity, neuron, last use,
// activity counts, the next segment of its neuron) is 28 bytes; a neuron
// costs 4 bytes (its first segment) plus one bit of scratch. Permanence
// arithmetic is integer and saturating: a permanence never leaves [0, 1],
// and a synapse whose permanence reaches 0 is destroyed (a segment left
// without synapses too).
//
// Initial state. With `learning = true` (the default) segments start empty
// and grow, as in HTM. A dendrite with `learning = false` could never
// grow, so it is wired at the start (Connect): each neuron gets `segments`
// segments, each holding min(`synapses`, pool size) synapses drawn without
// replacement from the neuron's candidate pool (the presynaptic cells the
// projections' connectors give it), at permanence `initial`.
type Segments struct {
	Name string

	n               int
	maxSeg, maxSyn  int
	theta, minTheta int
	maxNew          int
	learning        bool
	connQ, initQ    int32
	incQ, decQ      int32
	pdecQ           int32
	rng             func(j int) *Stream

	npre int

	// candidate pools per neuron (sorted global presynaptic indices)
	poolAll bool // every presynaptic cell is a candidate of every neuron
	poolPtr []int64
	poolPre []int32

	// presynaptic activity: act = the last completed step's active cells,
	// inc = the cells whose spikes arrive during this step
	actBits, incBits []uint64
	actList, incList []int32

	// segments, structure of arrays indexed by segment id
	segCell  []int32 // -1: free
	segOff   []int64
	segN     []uint16
	segCap   []uint16
	segLast  []int32 // step of creation or last learning
	nConn    []uint16
	nPot     []uint16
	segNext  []int32 // next segment of the same neuron (-1: last)
	cellHead []int32 // first segment of each neuron (-1: none), creation order
	freeSegs []int32
	touched  []int32 // segments with nonzero counts
	slabPre  []int32
	slabPerm []uint16
	preSegs  [][]int32 // presynaptic index: per presynaptic cell, the segments with a synapse onto it
	holes    int64

	predicted []int32
	cellBits  []uint64 // scratch: a set of neurons
	segBuf    []int32
	preMark   []int32
	preToken  int32
	cands     []int32
	step      int

	nsyn, nseg int64
	// Created, Evicted, Grown and Destroyed count segments and synapses.
	Created, Evicted, Grown, Destroyed int64
}

const permOne = 65535 // fixed-point 1.0 of a permanence

func permQ(p float64) int32 { return int32(math.Round(math.Min(math.Max(p, 0), 1) * permOne)) }

// NewSegments makes a segment dendrite of n neurons from its settings
// (segments, synapses, threshold, min_threshold, max_new_synapses,
// learning, permanence.*; missing ones take their defaults); rng gives the
// random stream of neuron j.
func NewSegments(name string, settings map[string]float64, n int, rng func(j int) *Stream) (*Segments, error) {
	setting := func(key string, def float64) float64 {
		if v, ok := settings[key]; ok {
			return v
		}
		return def
	}
	d := &Segments{Name: name, n: n, rng: rng}
	d.maxSeg = int(setting("segments", 1))
	d.maxSyn = int(setting("synapses", 1))
	d.theta = int(setting("threshold", 1))
	d.minTheta = int(setting("min_threshold", float64(d.theta)))
	d.maxNew = int(setting("max_new_synapses", float64(d.maxSyn)))
	d.learning = setting("learning", 1) != 0
	d.connQ = permQ(setting("permanence.connected", 0.5))
	d.initQ = permQ(setting("permanence.initial", 0.21))
	d.incQ = permQ(setting("permanence.increment", 0.1))
	d.decQ = permQ(setting("permanence.decrement", 0.1))
	d.pdecQ = permQ(setting("permanence.predicted_decrement", 0))
	if d.maxSeg < 1 || d.maxSyn < 1 || d.theta < 1 {
		return nil, fmt.Errorf("dendrite %s: segments, synapses and threshold must be at least 1", name)
	}
	if d.maxSyn > math.MaxUint16 {
		return nil, fmt.Errorf("dendrite %s: at most %d synapses per segment, got %d", name, math.MaxUint16, d.maxSyn)
	}
	d.cellHead = make([]int32, n)
	for j := range d.cellHead {
		d.cellHead[j] = -1
	}
	d.cellBits = make([]uint64, (n+63)/64)
	return d, nil
}

// Connect lays out the presynaptic space of npre cells and the candidate
// pools, then, without learning, wires the segments. all: every cell is a
// candidate of every neuron (only dense projections onto the whole
// population); otherwise edges, called twice, visits every (presynaptic
// cell, neuron) pair of the projections onto the dendrite.
func (d *Segments) Connect(npre int, all bool, edges func(visit func(c int32, j int))) {
	d.npre = npre
	words := (npre + 63) / 64
	d.actBits, d.incBits = make([]uint64, words), make([]uint64, words)
	d.preMark = make([]int32, npre)
	d.preSegs = make([][]int32, npre)
	d.poolAll = all
	if !all {
		n := d.n
		d.poolPtr = make([]int64, n+1)
		edges(func(_ int32, j int) { d.poolPtr[j+1]++ })
		for j := 0; j < n; j++ {
			d.poolPtr[j+1] += d.poolPtr[j]
		}
		d.poolPre = make([]int32, d.poolPtr[n])
		next := slices.Clone(d.poolPtr[:n])
		edges(func(c int32, j int) {
			d.poolPre[next[j]] = c
			next[j]++
		})
		// sort and deduplicate each pool in place, then close the gaps
		w := int64(0)
		for j := 0; j < n; j++ {
			a, b := d.poolPtr[j], d.poolPtr[j+1]
			pool := d.poolPre[a:b]
			slices.Sort(pool)
			pool = slices.Compact(pool)
			d.poolPtr[j] = w
			w += int64(copy(d.poolPre[w:], pool))
		}
		d.poolPtr[n] = w
		d.poolPre = slices.Clip(d.poolPre[:w])
	}
	if !d.learning {
		d.fill()
	}
}

// pool returns neuron j's candidates (nil when every cell is one).
func (d *Segments) pool(j int) []int32 {
	if d.poolAll {
		return nil
	}
	return d.poolPre[d.poolPtr[j]:d.poolPtr[j+1]]
}

func (d *Segments) inPool(j int, c int32) bool {
	if d.poolAll {
		return true
	}
	_, ok := slices.BinarySearch(d.pool(j), c)
	return ok
}

// fill wires a dendrite without learning: `segments` segments per neuron,
// each with min(synapses, pool) distinct candidates at permanence initial.
func (d *Segments) fill() {
	var all []int32
	if d.poolAll {
		all = make([]int32, d.npre)
		for k := range all {
			all[k] = int32(k)
		}
	}
	scratch := []int32{}
	for j := 0; j < d.n; j++ {
		pool := all
		if !d.poolAll {
			pool = d.pool(j)
		}
		if len(pool) == 0 {
			continue
		}
		k := min(d.maxSyn, len(pool))
		rng := d.rng(j)
		for range d.maxSeg {
			if 2*k <= len(pool) {
				// few of many: draw and reject repeats
				d.preToken++
				scratch = scratch[:0]
				for len(scratch) < k {
					c := pool[rng.Intn(len(pool))]
					if d.preMark[c] != d.preToken {
						d.preMark[c] = d.preToken
						scratch = append(scratch, c)
					}
				}
				slices.Sort(scratch)
			} else if scratch = append(scratch[:0], pool...); k < len(scratch) {
				for a := 0; a < k; a++ { // partial Fisher–Yates
					b := a + rng.Intn(len(scratch)-a)
					scratch[a], scratch[b] = scratch[b], scratch[a]
				}
				scratch = scratch[:k]
				slices.Sort(scratch)
			}
			g := d.newSegment(j)
			d.reserve(g, k)
			off := d.segOff[g]
			for a, c := range scratch {
				d.slabPre[off+int64(a)] = c
				d.slabPerm[off+int64(a)] = uint16(d.initQ)
				d.link(c, g)
			}
			d.segN[g] = uint16(k)
			d.nsyn += int64(k)
		}
	}
}

// Spike marks presynaptic cell c (an index of the presynaptic space)
// active in this step.
func (d *Segments) Spike(c int32) {
	w, b := c>>6, uint64(1)<<(c&63)
	if d.incBits[w]&b == 0 {
		d.incBits[w] |= b
		d.incList = append(d.incList, c)
	}
}

func (d *Segments) isActive(c int32) bool { return d.actBits[c>>6]&(1<<(c&63)) != 0 }

// EndStep ends step n, in which the neurons fired fired (sorted): it
// learns, makes this step's cells the active cells and returns the neurons
// with an active segment, in index order (valid until the next call).
func (d *Segments) EndStep(n int, fired []int32) []int32 {
	d.step = n
	if d.learning {
		d.learn(fired)
	}
	// the cells of this step become the active cells
	for _, c := range d.actList {
		d.actBits[c>>6] = 0
	}
	d.actBits, d.incBits = d.incBits, d.actBits
	d.actList, d.incList = d.incList, d.actList[:0]
	slices.Sort(d.actList)
	d.compute()
	return d.predicted
}

// compute finds the segments with an active synapse through the
// presynaptic index (one entry per synapse), counts their active potential
// synapses, and for those that reach min_threshold (only they can be
// matching or active) their active connected synapses, and lists the
// neurons with an active segment.
func (d *Segments) compute() {
	for _, g := range d.touched {
		d.nConn[g], d.nPot[g] = 0, 0
	}
	d.touched = d.touched[:0]
	d.predicted = d.predicted[:0]
	if len(d.actList) == 0 || d.nseg == 0 {
		return
	}
	for _, c := range d.actList {
		for _, g := range d.preSegs[c] {
			if d.nPot[g] == 0 {
				d.touched = append(d.touched, g)
			}
			d.nPot[g]++
		}
	}
	for _, g := range d.touched {
		if int(d.nPot[g]) < d.minTheta {
			continue // neither matching nor active (min_threshold <= threshold)
		}
		off, n := d.segOff[g], int64(d.segN[g])
		perm := d.slabPerm[off : off+n]
		conn := 0
		for k, c := range d.slabPre[off : off+n] {
			if int32(perm[k]) >= d.connQ && d.actBits[c>>6]&(1<<(c&63)) != 0 {
				conn++
			}
		}
		d.nConn[g] = uint16(conn)
		if j := d.segCell[g]; conn >= d.theta && d.cellBits[j>>6]&(1<<(j&63)) == 0 {
			d.cellBits[j>>6] |= 1 << (j & 63)
			d.predicted = append(d.predicted, j)
		}
	}
	for _, j := range d.predicted {
		d.cellBits[j>>6] = 0
	}
	slices.Sort(d.predicted)
}

// link and unlink keep the presynaptic index: the segments with a synapse
// onto each presynaptic cell (at most one synapse per cell and segment).
func (d *Segments) link(c, g int32) {
	l := d.preSegs[c]
	if len(l) == cap(l) { // grow by a quarter, not append's doubling
		nl := make([]int32, len(l), len(l)+max(4, len(l)/4))
		copy(nl, l)
		l = nl
	}
	d.preSegs[c] = append(l, g)
}

func (d *Segments) unlink(c, g int32) {
	l := d.preSegs[c]
	for k, h := range l {
		if h == g {
			l[k] = l[len(l)-1]
			d.preSegs[c] = l[:len(l)-1]
			return
		}
	}
}

// learn applies HTM temporal-memory learning for the neurons that fired
// this step (in index order), with the activity computed at the end of the
// previous step and the previous step's active cells.
func (d *Segments) learn(fired []int32) {
	if len(d.actList) > 0 {
		segs := d.segBuf[:0]
		defer func() { d.segBuf = segs[:0] }()
		for _, j32 := range fired {
			j := int(j32)
			segs = segs[:0]
			for g := d.cellHead[j]; g >= 0; g = d.segNext[g] {
				if int(d.nConn[g]) >= d.theta {
					segs = append(segs, g)
				}
			}
			if len(segs) == 0 {
				// not predicted: the best matching segment learns, else a new one
				best, bestPot := int32(-1), 0
				for g := d.cellHead[j]; g >= 0; g = d.segNext[g] {
					if p := int(d.nPot[g]); p >= d.minTheta && p > bestPot {
						best, bestPot = g, p
					}
				}
				if best >= 0 {
					segs = append(segs, best)
				}
			}
			for _, g := range segs {
				want := d.maxNew - int(d.nPot[g])
				d.segLast[g] = int32(d.step)
				if d.adapt(g, d.incQ, -d.decQ) {
					d.grow(j, g, want)
				}
			}
			if len(segs) == 0 && d.maxNew > 0 {
				d.newGrown(j)
			}
		}
	}
	if d.pdecQ > 0 && len(d.touched) > 0 {
		for _, j := range fired {
			d.cellBits[j>>6] |= 1 << (j & 63)
		}
		for _, g := range d.touched {
			if j := d.segCell[g]; j >= 0 && int(d.nPot[g]) >= d.minTheta && d.cellBits[j>>6]&(1<<(j&63)) == 0 {
				d.adapt(g, -d.pdecQ, 0)
			}
		}
		for _, j := range fired {
			d.cellBits[j>>6] = 0
		}
	}
}

// adapt adds dAct to the permanence of the synapses with an active
// presynaptic cell and dInact to the others, saturating in [0, 1];
// synapses at 0 are destroyed, and the segment when none is left. It
// reports whether the segment still exists.
func (d *Segments) adapt(g int32, dAct, dInact int32) bool {
	off, n := d.segOff[g], int64(d.segN[g])
	pre, perm := d.slabPre[off:off+n], d.slabPerm[off:off+n]
	w := 0
	for k, c := range pre {
		p := int32(perm[k])
		if d.isActive(c) {
			p += dAct
		} else {
			p += dInact
		}
		p = min(max(p, 0), permOne)
		if p == 0 {
			d.Destroyed++
			d.unlink(c, g)
			continue
		}
		pre[w], perm[w] = c, uint16(p)
		w++
	}
	d.nsyn -= n - int64(w)
	d.segN[g] = uint16(w)
	if w == 0 {
		d.freeSegment(g)
		return false
	}
	return true
}

// growCandidates lists neuron j's previously active candidates not yet on
// segment g (g < 0: any).
func (d *Segments) growCandidates(j int, g int32) []int32 {
	d.preToken++
	if g >= 0 {
		off, n := d.segOff[g], int64(d.segN[g])
		for _, c := range d.slabPre[off : off+n] {
			d.preMark[c] = d.preToken
		}
	}
	d.cands = d.cands[:0]
	for _, c := range d.actList {
		if d.preMark[c] != d.preToken && d.inPool(j, c) {
			d.cands = append(d.cands, c)
		}
	}
	return d.cands
}

// grow adds up to want synapses from segment g to previously active
// candidates of neuron j, chosen at random; when the segment is full the
// weakest synapses to inactive cells make room (as htm.core does).
func (d *Segments) grow(j int, g int32, want int) {
	if want <= 0 {
		return
	}
	cands := d.growCandidates(j, g)
	n := min(want, len(cands))
	if n == 0 {
		return
	}
	if over := int(d.segN[g]) + n - d.maxSyn; over > 0 {
		d.dropWeakest(g, over)
		n = min(n, d.maxSyn-int(d.segN[g]))
		if n <= 0 {
			return
		}
	}
	d.add(j, g, cands, n)
}

// newGrown creates a segment on neuron j (evicting its least recently used
// one at the cap) holding min(max_new_synapses, candidates) new synapses;
// nothing when no previously active cell is a candidate.
func (d *Segments) newGrown(j int) {
	cands := d.growCandidates(j, -1)
	n := min(d.maxNew, len(cands), d.maxSyn)
	if n == 0 {
		return
	}
	g := d.newSegment(j)
	d.add(j, g, cands, n)
}

// add appends n synapses onto a random n of cands to segment g.
func (d *Segments) add(j int, g int32, cands []int32, n int) {
	if n < len(cands) {
		rng := d.rng(j)
		for a := 0; a < n; a++ {
			b := a + rng.Intn(len(cands)-a)
			cands[a], cands[b] = cands[b], cands[a]
		}
		cands = cands[:n]
	}
	d.reserve(g, n)
	off := d.segOff[g] + int64(d.segN[g])
	for a, c := range cands {
		d.slabPre[off+int64(a)] = c
		d.slabPerm[off+int64(a)] = uint16(d.initQ)
		d.link(c, g)
	}
	d.segN[g] += uint16(n)
	d.nsyn += int64(n)
	d.Grown += int64(n)
}

// dropWeakest destroys the k synapses of g with the lowest permanence whose
// presynaptic cell was not active (ties: the older synapse).
func (d *Segments) dropWeakest(g int32, k int) {
	for ; k > 0; k-- {
		off, n := d.segOff[g], int(d.segN[g])
		pre, perm := d.slabPre[off:off+int64(n)], d.slabPerm[off:off+int64(n)]
		worst := -1
		for a, c := range pre {
			if !d.isActive(c) && (worst < 0 || perm[a] < perm[worst]) {
				worst = a
			}
		}
		if worst < 0 {
			return
		}
		d.unlink(pre[worst], g)
		copy(pre[worst:], pre[worst+1:])
		copy(perm[worst:], perm[worst+1:])
		d.segN[g]--
		d.nsyn--
		d.Destroyed++
	}
}

// newSegment returns an empty segment on neuron j, evicting the neuron's
// least recently used segment when it has `segments` already.
func (d *Segments) newSegment(j int) int32 {
	count, lru := 0, int32(-1)
	for g := d.cellHead[j]; g >= 0; g = d.segNext[g] {
		if lru < 0 || d.segLast[g] < d.segLast[lru] {
			lru = g
		}
		count++
	}
	if count >= d.maxSeg {
		d.Evicted++
		off, n := d.segOff[lru], int64(d.segN[lru])
		for _, c := range d.slabPre[off : off+n] {
			d.unlink(c, lru)
		}
		d.nsyn -= n
		d.freeSegment(lru)
	}
	var g int32
	if k := len(d.freeSegs); k > 0 {
		g = d.freeSegs[k-1]
		d.freeSegs = d.freeSegs[:k-1]
	} else {
		g = int32(len(d.segCell))
		d.segCell = append(d.segCell, 0)
		d.segOff = append(d.segOff, 0)
		d.segN = append(d.segN, 0)
		d.segCap = append(d.segCap, 0)
		d.segLast = append(d.segLast, 0)
		d.nConn = append(d.nConn, 0)
		d.nPot = append(d.nPot, 0)
		d.segNext = append(d.segNext, -1)
	}
	d.segCell[g], d.segOff[g], d.segN[g], d.segCap[g], d.segLast[g] = int32(j), 0, 0, 0, int32(d.step)
	d.nConn[g], d.nPot[g] = 0, 0
	// append to the neuron's list
	d.segNext[g] = -1
	if d.cellHead[j] < 0 {
		d.cellHead[j] = g
	} else {
		last := d.cellHead[j]
		for d.segNext[last] >= 0 {
			last = d.segNext[last]
		}
		d.segNext[last] = g
	}
	d.nseg++
	d.Created++
	return g
}

// freeSegment releases segment g (its synapses are already counted out).
func (d *Segments) freeSegment(g int32) {
	j := d.segCell[g]
	if d.cellHead[j] == g {
		d.cellHead[j] = d.segNext[g]
	} else {
		for h := d.cellHead[j]; h >= 0; h = d.segNext[h] {
			if d.segNext[h] == g {
				d.segNext[h] = d.segNext[g]
				break
			}
		}
	}
	d.holes += int64(d.segCap[g])
	d.segCell[g], d.segN[g], d.segCap[g], d.nConn[g], d.nPot[g] = -1, 0, 0, 0, 0
	d.freeSegs = append(d.freeSegs, g)
	d.nseg--
}

// reserve makes room in segment g for extra more synapses: in place when
// the segment ends the slab, else by moving it to the end with its
// capacity doubled (up to `synapses`).
func (d *Segments) reserve(g int32, extra int) {
	need := int(d.segN[g]) + extra
	c := int(d.segCap[g])
	if need <= c {
		return
	}
	nc := min(d.maxSyn, max(need, 2*c))
	end := int64(len(d.slabPre))
	if c > 0 && d.segOff[g]+int64(c) == end {
		d.extendSlab(nc - c)
	} else {
		n := int64(d.segN[g])
		off := d.segOff[g]
		d.extendSlab(nc)
		copy(d.slabPre[end:], d.slabPre[off:off+n])
		copy(d.slabPerm[end:], d.slabPerm[off:off+n])
		d.segOff[g] = end
		d.holes += int64(c)
	}
	d.segCap[g] = uint16(nc)
	if d.holes > 4096 && 2*d.holes > int64(len(d.slabPre)) {
		d.compact()
	}
}

// extendSlab lengthens the slab by k entries, growing its capacity by an
// eighth at a time (not append's doubling): at most 12.5 % is spare.
func (d *Segments) extendSlab(k int) {
	n := len(d.slabPre)
	if n+k > cap(d.slabPre) {
		c := n + max(k, n/8, 64)
		pre, perm := make([]int32, n, c), make([]uint16, n, c)
		copy(pre, d.slabPre)
		copy(perm, d.slabPerm)
		d.slabPre, d.slabPerm = pre, perm
	}
	d.slabPre = d.slabPre[:n+k]
	d.slabPerm = d.slabPerm[:n+k]
	clear(d.slabPre[n:])
	clear(d.slabPerm[n:])
}

// compact closes the holes left by moved and freed segments.
func (d *Segments) compact() {
	total := int64(len(d.slabPre)) - d.holes
	pre, perm := make([]int32, total), make([]uint16, total)
	w := int64(0)
	for g, j := range d.segCell {
		if j < 0 {
			continue
		}
		off, n := d.segOff[g], int64(d.segN[g])
		copy(pre[w:], d.slabPre[off:off+n])
		copy(perm[w:], d.slabPerm[off:off+n])
		d.segOff[g] = w
		w += int64(d.segCap[g])
	}
	d.slabPre, d.slabPerm, d.holes = pre, perm, 0
}

// Bytes is the memory of the segments and synapses (slab with reserve and
// holes, segment headers, per-neuron segment lists) and of the pools.
func (d *Segments) Bytes() (synapses, pools int64) {
	synapses = int64(cap(d.slabPre))*4 + int64(cap(d.slabPerm))*2
	synapses += int64(len(d.segCell)) * (4 + 8 + 2 + 2 + 4 + 2 + 2 + 4) // headers
	synapses += int64(len(d.cellHead))*4 + int64(len(d.cellBits))*8     // per neuron
	synapses += int64(len(d.preSegs)) * 24                              // presynaptic index
	for _, l := range d.preSegs {
		synapses += int64(cap(l)) * 4
	}
	synapses += int64(len(d.preMark))*4 + int64(len(d.actBits)+len(d.incBits))*8 // scratch per presynaptic cell
	pools = int64(len(d.poolPtr))*8 + int64(len(d.poolPre))*4
	return synapses, pools
}

// NumSynapses is the number of synapses alive.
func (d *Segments) NumSynapses() int64 { return d.nsyn }

// EachSegment calls f for every segment of neuron j, in creation order,
// with its presynaptic cells and permanences (fixed point, 65535 = 1; the
// slices are the dendrite's own: read only, not kept).
func (d *Segments) EachSegment(j int, f func(pre []int32, perm []uint16)) {
	for g := d.cellHead[j]; g >= 0; g = d.segNext[g] {
		off, n := d.segOff[g], int64(d.segN[g])
		f(d.slabPre[off:off+n], d.slabPerm[off:off+n])
	}
}

// PermOne is the fixed-point permanence 1.
const PermOne = permOne

// Summary describes neurons [lo, hi) of the dendrite as the run summary
// does; n is the population's size (the pools' share).
func (d *Segments) Summary(pop string, lo, hi int) DendriteSummary {
	ds := DendriteSummary{Population: pop, Name: d.Name, Kind: "segments"}
	for j := lo; j < hi; j++ {
		for g := d.cellHead[j]; g >= 0; g = d.segNext[g] {
			ds.Segments++
			ds.Synapses += int64(d.segN[g])
		}
	}
	syn, pools := d.Bytes()
	share := float64(hi-lo) / float64(d.n)
	if d.nsyn > 0 {
		share = float64(ds.Synapses) / float64(d.nsyn)
	}
	ds.Bytes = float64(syn) * share
	ds.PoolBytes = float64(pools) * float64(hi-lo) / float64(d.n)
	if ds.Synapses > 0 {
		ds.BytesPerSynapse = ds.Bytes / float64(ds.Synapses)
	}
	return ds
}

// PermQ is a permanence p in [0, 1] in the segments' 16-bit fixed point
// (65535 = 1), as NewSegments quantizes the settings.
func PermQ(p float64) int32 { return permQ(p) }

// Wiring visits the segments of neuron j in creation order: each one's
// presynaptic cells (ascending for a dendrite wired at the start) and
// permanences. The slices are the dendrite's own; do not keep them.
func (d *Segments) Wiring(j int, visit func(pre []int32, perm []uint16)) {
	for g := d.cellHead[j]; g >= 0; g = d.segNext[g] {
		off, n := d.segOff[g], int64(d.segN[g])
		visit(d.slabPre[off:off+n], d.slabPerm[off:off+n])
	}
}
