package fixed

import (
	"slices"

	"github.com/snnc/snnc/ir/iir"
)

// ldend is a learning segment dendrite in integers (iir.DendLearn), laid
// out and stepped as the Verilog holds and steps it: every slot reserved,
// segments' synapses in their first slots, a pool bit per neuron and cell,
// growth chosen by selection sampling with the hash draws. It replaces
// rt.Segments for a dendrite that learns on an integer profile.
type ldend struct {
	d         *iir.Dendrite
	l         *iir.DendLearn
	n, ns, nk int // neurons, segments per neuron, slots per segment
	npre      int
	key       uint32
	pool      []bool   // [j·npre + c]
	pre       []int32  // [(j·ns + g)·nk + s]
	perm      []uint16 // same
	sn        []int    // [j·ns + g]: synapses (0: free)
	last      []int64  // step of creation or last learning
	pot, con  []int    // active potential / connected synapses at the last count
	act, inc  []bool   // active cells (the last step's), cells of this step
	mk        []bool   // cells on the segment being grown
	any       bool     // some cell is active
	predicted []int32
}

func newLdend(d *iir.Dendrite, n, npre int, seed uint64) *ldend {
	ns, nk := d.Segments, d.Synapses
	return &ldend{d: d, l: d.Learn, n: n, ns: ns, nk: nk, npre: npre, key: iir.DrawKey(seed, d.Learn.Site),
		pool: make([]bool, n*npre), pre: make([]int32, n*ns*nk), perm: make([]uint16, n*ns*nk),
		sn: make([]int, n*ns), last: make([]int64, n*ns), pot: make([]int, n*ns), con: make([]int, n*ns),
		act: make([]bool, npre), inc: make([]bool, npre), mk: make([]bool, npre)}
}

func (x *ldend) spike(c int32) { x.inc[c] = true }

// endStep is iir.DendLearn's end of step t: learning, the new active
// cells, the counts; it returns the neurons with an active segment.
func (x *ldend) endStep(t int, fired []int32) []int32 {
	if x.any {
		for _, j := range fired {
			x.learnNeuron(t, int(j))
		}
	}
	x.act, x.inc = x.inc, x.act
	clear(x.inc)
	x.any = false
	for _, a := range x.act {
		x.any = x.any || a
	}
	x.predicted = x.predicted[:0]
	for j := 0; j < x.n; j++ {
		hit := false
		for g := j * x.ns; g < (j+1)*x.ns; g++ {
			pot, con := 0, 0
			for s := g * x.nk; s < g*x.nk+x.sn[g]; s++ {
				if x.act[x.pre[s]] {
					pot++
					if int64(x.perm[s]) >= x.d.Connected {
						con++
					}
				}
			}
			x.pot[g], x.con[g] = pot, con
			hit = hit || con >= x.d.Threshold
		}
		if hit {
			x.predicted = append(x.predicted, int32(j))
		}
	}
	return x.predicted
}

func (x *ldend) learnNeuron(t, j int) {
	first := j * x.ns
	active, best, bestPot, free, lru, live := false, -1, 0, -1, -1, 0
	for g := first; g < first+x.ns; g++ {
		if x.sn[g] == 0 {
			if free < 0 {
				free = g
			}
			continue
		}
		live++
		active = active || x.con[g] >= x.d.Threshold
		if x.pot[g] >= x.l.MinThreshold && x.pot[g] > bestPot {
			best, bestPot = g, x.pot[g]
		}
		if lru < 0 || x.last[g] < x.last[lru] {
			lru = g
		}
	}
	learned := false
	for g := first; g < first+x.ns; g++ {
		if x.sn[g] > 0 && (active && x.con[g] >= x.d.Threshold || !active && g == best) {
			x.learnSegment(t, j, g)
			learned = true
		}
	}
	if learned || x.l.MaxNew == 0 {
		return
	}
	m := x.candidates(j)
	n := min(x.l.MaxNew, m, x.nk)
	if n == 0 {
		return
	}
	g := free
	if live == x.ns {
		g = lru
	}
	x.sn[g], x.last[g], x.pot[g], x.con[g] = 0, int64(t), 0, 0
	x.choose(t, j, g, m, n)
}

// learnSegment adapts segment g of neuron j and grows it.
func (x *ldend) learnSegment(t, j, g int) {
	want := x.l.MaxNew - x.pot[g]
	x.last[g] = int64(t)
	base := g * x.nk
	w := 0
	for s := base; s < base+x.sn[g]; s++ {
		c := x.pre[s]
		p := int64(x.perm[s])
		if x.act[c] {
			p += x.l.Increment
		} else {
			p -= x.l.Decrement
		}
		p = min(max(p, 0), iir.PermOne)
		if p > 0 {
			x.pre[base+w], x.perm[base+w] = c, uint16(p)
			x.mk[c] = true
			w++
		}
	}
	x.sn[g] = w
	if w == 0 {
		x.pot[g], x.con[g] = 0, 0
	}
	if w > 0 && want > 0 {
		m := x.candidates(j)
		n := min(want, m)
		for over := x.sn[g] + n - x.nk; n > 0 && over > 0; over-- {
			if !x.dropWeakest(g) {
				break
			}
		}
		if n = min(n, x.nk-x.sn[g]); n > 0 {
			x.choose(t, j, g, m, n)
		}
	}
	clear(x.mk)
}

// candidates counts neuron j's candidates: active cells in its pool, not
// marked (on the segment).
func (x *ldend) candidates(j int) int {
	m := 0
	for c := 0; c < x.npre; c++ {
		if x.cand(j, c) {
			m++
		}
	}
	return m
}

func (x *ldend) cand(j, c int) bool { return x.act[c] && x.pool[j*x.npre+c] && !x.mk[c] }

// dropWeakest removes the synapse of g with the lowest permanence onto an
// inactive cell (ties: the lowest slot); false when there is none.
func (x *ldend) dropWeakest(g int) bool {
	base, worst := g*x.nk, -1
	for s := base; s < base+x.sn[g]; s++ {
		if !x.act[x.pre[s]] && (worst < 0 || x.perm[s] < x.perm[worst]) {
			worst = s
		}
	}
	if worst < 0 {
		return false
	}
	copy(x.pre[worst:base+x.sn[g]-1], x.pre[worst+1:base+x.sn[g]])
	copy(x.perm[worst:base+x.sn[g]-1], x.perm[worst+1:base+x.sn[g]])
	x.sn[g]--
	return true
}

// choose appends n of the m candidates to segment g by selection
// sampling in ascending cell order.
func (x *ldend) choose(t, j, g, m, n int) {
	rem, need := int64(m), int64(n)
	for c := 0; c < x.npre && need > 0; c++ {
		if !x.cand(j, c) {
			continue
		}
		r := iir.DrawNth(x.key, uint32(t), uint32(j), uint32((g-j*x.ns)*x.npre+c))
		if r*rem < need<<iir.DrawBits {
			s := g*x.nk + x.sn[g]
			x.pre[s], x.perm[s] = int32(c), uint16(x.d.Initial)
			x.sn[g]++
			need--
		}
		rem--
	}
}

// state is the dendrite's storage now.
func (x *ldend) state() *iir.DendState {
	st := &iir.DendState{Pre: slices.Clone(x.pre)}
	for _, p := range x.perm {
		st.Perm = append(st.Perm, int64(p))
	}
	for g := range x.sn {
		st.N = append(st.N, int64(x.sn[g]))
		st.Last = append(st.Last, x.last[g])
		st.Pot = append(st.Pot, int64(x.pot[g]))
		st.Con = append(st.Con, int64(x.con[g]))
	}
	return st
}
