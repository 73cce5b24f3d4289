package gosim

import (
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

// distributable refuses what a split run cannot give identically yet
// (plan.Split).
func (s *sim) distributable() error {
	if s.comm == nil {
		return nil
	}
	return s.rankSplit.Error(s.comm.Size())
}

// exchange replaces each pop's spikes (its share's) by every rank's, and
// tells whether any rank failed this step (the lowest such rank, or -1):
// the failure flag travels with the spikes (runtime.Exchange.Spikes).
func (s *sim) exchange(failed bool) int {
	spikes, lo, hi := s.xspk[:0], s.xlo[:0], s.xhi[:0]
	for _, p := range s.pops {
		spikes, lo, hi = append(spikes, p.spikes), append(lo, p.lo), append(hi, p.hi)
	}
	bad, stop := s.x.Spikes(failed, s.stopReq, spikes, lo, hi)
	for j, p := range s.pops {
		p.spikes = spikes[j]
	}
	s.xspk, s.xlo, s.xhi = spikes, lo, hi
	s.stopAll = s.stopAll || stop
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
// state monitor from the ranks that own them.
func (m *stateMon) gather(s *sim) {
	p, pt := m.pt.p, m.pt
	s.x.Gather(m.buf, pt.off+m.lo, p.lo, p.hi)
}

// keepOwn drops the static synapses onto other ranks' neurons once the
// whole projection is built, for the projections plan.Split keeps (every
// rank draws the same rows and weights, so what it keeps is exactly its
// share of the one-process network, in the same order): after building, a
// rank holds about 1/K of the synapses (the peak while building is still
// the whole projection's).
func (s *sim) keepOwn() {
	for k, pr := range s.projs {
		if !s.rankSplit.Keep[k] || pr.parts != nil || (pr.postLo == 0 && pr.postHi == pr.post.n) {
			continue
		}
		pr.fullBytes = pr.bytes() // the summary reports the whole network's
		move := func(dst, src int64) {
			pr.weights.Move(dst, src)
			if pr.sdel != nil {
				pr.sdel.Move(dst, src)
			}
		}
		var kept int64
		switch {
		case pr.csr != nil:
			kept = runtime.KeepPostCSR(pr.csr, pr.postLo, pr.postHi, move)
		case pr.rows != nil:
			kept = runtime.KeepPostRows(pr.rows, pr.postLo, pr.postHi, move)
		default:
			continue
		}
		pr.weights.Truncate(kept)
		if pr.sdel != nil {
			pr.sdel.Truncate(kept)
		}
	}
}
