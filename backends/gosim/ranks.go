package gosim

import (
	"fmt"
	"math"
	"slices"

	"github.com/snnc/snnc/plan"
	"github.com/snnc/snnc/runtime"
)

// Runs split over ranks (Options.Comm: MPI processes, or goroutines in
// tests). Each rank owns a contiguous share of every pop's neurons (a
// fused group is one pop; runtime.Share, the same split everywhere),
// integrates, tests and checks only those, and stores and adds static
// synaptic events only onto them; after the thresholds the ranks exchange
// the step's spikes (one Allgather: rank order is index order, so every
// rank then holds the spikes one process finds, in its order). Everything
// else is replicated, so it stays identical: every rank builds the whole
// connectivity from the same streams (then keeps its share: keepOwn),
// draws every input, runs the
// synapse models of plastic projections on all their synapses (they may
// read only synaptic state and spikes: refused otherwise), and gathers the
// recorded neuron state from its owners before each sample. Rank 0 writes
// the outputs (cmd/snnc).

// share is this rank's neurons [lo, hi) of n.
func (s *sim) share(n int) (int, int) {
	if s.comm == nil {
		return 0, n
	}
	return runtime.Share(n, s.comm.Rank(), s.comm.Size())
}

// split runs f on the threads over neurons [lo, hi).
func (s *sim) split(lo, hi int, f func(t, lo, hi int)) {
	s.team.Split(hi-lo, func(t, a, b int) { f(t, lo+a, lo+b) })
}

// ownPost sets the projection's share of postsynaptic part indices: the
// pop's share of the rank, seen from the part.
func (pr *proj) ownPost() {
	p, pt := pr.post.p, pr.post
	pr.postLo = min(max(p.lo-pt.off, 0), pt.n)
	pr.postHi = min(max(p.hi-pt.off, 0), pt.n)
}

// distributable refuses what a split run cannot give identically yet.
func (s *sim) distributable() error {
	if s.comm == nil || s.comm.Size() == 1 {
		return nil
	}
	if len(s.dends) > 0 {
		return fmt.Errorf("dendrites do not run split over %d ranks yet: run with one rank", s.comm.Size())
	}
	if len(s.wtas) > 0 {
		return fmt.Errorf("winner-take-all groups do not run split over %d ranks yet: run with one rank", s.comm.Size())
	}
	for _, pp := range s.plan.Projs {
		if pp.Syn == nil {
			continue
		}
		loops := append(append(append(append([]*plan.Loop{}, pp.Syn.Tick...), pp.Syn.OnPre...), pp.Syn.OnPost...), pp.Syn.Normalize...)
		for _, m := range pp.Syn.Mods {
			loops = append(loops, m.Kernels()...)
		}
		if pp.Syn.Sum != nil {
			loops = append(loops, pp.Syn.Sum)
		}
		for _, l := range loops {
			for _, op := range l.Ops {
				if op.Code == plan.Load && s.plan.Arrays[op.Arr].Owner != pp.Name {
					return fmt.Errorf("projection %s: its synapses read %s, neuron state that only its owning rank holds; a split run supports synapses that read their own state and spikes: run with one rank",
						pp.Name, s.plan.Arrays[op.Arr].Name)
				}
			}
		}
	}
	return nil
}

// exchange replaces each pop's spikes (its share's) by every rank's, and
// tells whether any rank failed this step (the lowest such rank, or -1):
// the failure flag travels with the spikes, so a failed rank still takes
// part and no rank waits forever.
func (s *sim) exchange(failed bool) int {
	send := s.xsend[:0]
	flag := int32(0)
	if failed {
		flag = 1
	}
	if s.stopReq {
		flag |= 2
	}
	send = append(send, flag)
	for _, p := range s.pops {
		send = append(send, int32(len(p.spikes)))
	}
	for _, p := range s.pops {
		send = append(send, p.spikes...)
	}
	s.xsend = send
	s.xrecv, s.xcounts = s.comm.Allgather(send, s.xrecv, s.xcounts)
	bad := -1
	for _, p := range s.pops {
		p.spikes = p.spikes[:0]
	}
	at := 0
	for r, c := range s.xcounts {
		msg := s.xrecv[at : at+c]
		at += c
		if msg[0]&1 != 0 && bad < 0 {
			bad = r
		}
		if msg[0]&2 != 0 {
			s.stopAll = true
		}
		k := 1 + len(s.pops)
		for j, p := range s.pops {
			n := int(msg[1+j])
			p.spikes = append(p.spikes, msg[k:k+n]...)
			k += n
		}
	}
	for _, pt := range s.parts {
		pt.step = -1 // their cached spikes were of this rank only
	}
	return bad
}

// agree ends a step on every rank when any failed: the failed rank returns
// its own error, the others a RankError naming it.
func (s *sim) agree(err error) error {
	if s.comm == nil {
		return err
	}
	bad := s.exchange(err != nil)
	switch {
	case err != nil:
		return err
	case bad >= 0:
		return &runtime.RankError{Rank: bad}
	}
	return nil
}

// gather fills the recorded neurons [lo, lo+len(buf)) of a part's
// state monitor from the ranks that own them (their values as bits).
func (m *stateMon) gather(s *sim) {
	p, pt := m.pt.p, m.pt
	// the recorded range in pop indices, and this rank's part of it
	a, b := pt.off+m.lo, pt.off+m.lo+len(m.buf)
	lo, hi := max(a, p.lo), min(b, p.hi)
	send := s.xsend[:0]
	for i := lo; i < hi; i++ {
		v := math.Float64bits(m.buf[i-a])
		send = append(send, int32(uint32(v)), int32(uint32(v>>32)))
	}
	s.xsend = send
	s.xrecv, s.xcounts = s.comm.Allgather(send, s.xrecv, s.xcounts)
	for k := range m.buf {
		v := uint64(uint32(s.xrecv[2*k])) | uint64(uint32(s.xrecv[2*k+1]))<<32
		m.buf[k] = math.Float64frombits(v)
	}
}

// keepOwn drops the static synapses onto other ranks' neurons once the
// whole projection is built (every rank draws the same rows and weights,
// so what it keeps is exactly its share of the one-process network, in
// the same order): after building, a rank holds about 1/K of the synapses
// (copied out, so the whole rows are freed; the peak while building is
// still the whole projection's). Projections whose weights are recorded
// keep all (rank 0 writes them).
func (s *sim) keepOwn() {
	recorded := map[*proj]bool{}
	for _, m := range s.weightMons {
		recorded[m.pr] = true
	}
	for _, pr := range s.projs {
		if recorded[pr] || pr.syn != nil || pr.port == nil || pr.parts != nil || (pr.postLo == 0 && pr.postHi == pr.post.n) {
			continue
		}
		pr.fullBytes = pr.bytes() // the summary reports the whole network's
		lo, hi := pr.postLo, pr.postHi
		own := func(j int) bool { return j >= lo && j < hi }
		switch {
		case pr.csr != nil:
			c, k, start := pr.csr, int64(0), int64(0)
			for i := range c.NPre {
				end := c.RowPtr[i+1]
				for syn := start; syn < end; syn++ {
					if own(int(c.Col[syn])) {
						c.Col[k] = c.Col[syn]
						pr.weights.Move(k, syn)
						if pr.sdel != nil {
							pr.sdel.Move(k, syn)
						}
						k++
					}
				}
				start, c.RowPtr[i+1] = end, k
			}
			c.Col = slices.Clone(c.Col[:k])
			pr.weights.Truncate(k)
			if pr.sdel != nil {
				pr.sdel.Truncate(k)
			}
		case pr.rows != nil:
			r, k, a := pr.rows, 0, 0
			for i := range r.NPre {
				_, b := r.Span(i) // its start is already rewritten
				for syn := a; syn < b; syn++ {
					var j int
					if r.Col16 != nil {
						j = int(r.Col16[syn])
					} else {
						j = int(r.Col32[syn])
					}
					if !own(j) {
						continue
					}
					if r.Col16 != nil {
						r.Col16[k] = r.Col16[syn]
					} else {
						r.Col32[k] = r.Col32[syn]
					}
					pr.weights.Move(int64(k), int64(syn))
					if pr.sdel != nil {
						pr.sdel.Move(int64(k), int64(syn))
					}
					k++
				}
				a = b
				if r.Ptr != nil {
					r.Ptr[i+1] = uint32(k)
				} else {
					r.Ptr64[i+1] = int64(k)
				}
			}
			if r.Col16 != nil {
				r.Col16 = slices.Clone(r.Col16[:k])
			} else {
				r.Col32 = slices.Clone(r.Col32[:k])
			}
			pr.weights.Truncate(int64(k))
			if pr.sdel != nil {
				pr.sdel.Truncate(int64(k))
			}
		}
	}
}
