package gosim

import (
	"fmt"
	"os"
	"slices"

	"github.com/snnc/snnc/runtime"
)

// Runs split over ranks (Options.Comm: MPI processes, or goroutines in
// tests). Each rank owns a contiguous share of every pop's neurons (a
// fused group is one pop; rt.Share, the same split everywhere),
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
	return rt.Share(n, s.comm.Rank(), s.comm.Size())
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
// the failure flag travels with the spikes (rt.Exchange.Spikes).
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
		return &rt.RankError{Rank: bad}
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
			kept = rt.KeepPostCSR(pr.csr, pr.postLo, pr.postHi, move)
		case pr.rows != nil:
			kept = rt.KeepPostRows(pr.rows, pr.postLo, pr.postHi, move)
		default:
			continue
		}
		pr.weights.Truncate(kept)
		if pr.sdel != nil {
			pr.sdel.Truncate(kept)
		}
	}
}

// Exchanging once per interval (plan.Split.Interval, NEST's min-delay
// scheme): between exchanges each rank holds its share's spikes of every
// step; at the exchange step the ranks swap them all at once, the
// projections from populations push the held steps' spikes into their
// delay rings as those steps would have (pushes), and the spike monitors
// and counts take them (recordHeld). Every spike is delivered in the
// same ring order and step as in one process, so the sums are the same.

// interval is the steps between exchanges: 1 + the smallest delay of the
// projections from populations, over all their synapses (before keepOwn:
// the same on every rank).
func (s *sim) interval() int {
	if os.Getenv("SNNC_EXCHANGE_EVERY_STEP") != "" {
		return 1
	}
	return s.rankSplit.Interval(func(k int) int {
		pr := s.projs[k]
		if pr.sdel == nil {
			return pr.delay
		}
		return pr.sdel.MinSteps()
	})
}

// exchangeStats prints, with SNNC_EXCHANGE_STATS set, how often this rank
// exchanged (BENCHMARKS.md); SNNC_EXCHANGE_EVERY_STEP exchanges every
// step instead of once per interval, for comparison.
func (s *sim) exchangeStats() {
	if s.x != nil && os.Getenv("SNNC_EXCHANGE_STATS") != "" {
		fmt.Fprintf(os.Stderr, "rank %d of %d: %d collectives in %d steps (spikes exchanged every %d steps)\n",
			s.comm.Rank(), s.comm.Size(), s.x.Calls, s.n, max(s.every, 1))
	}
}

// holding: this step's population spikes are the rank's own, held until
// the exchange (their records and pushes come then).
func (s *sim) holding() bool { return s.every > 1 && !s.flushed }

// endStepRanks ends a step's thresholds in a split run: the exchange (and
// the agreement on failures) every step, or once per interval.
func (s *sim) endStepRanks(bad error) error {
	if s.every <= 1 {
		return s.agree(bad)
	}
	if s.flushed { // the held steps were delivered at the last exchange
		s.heldN, s.flushed = 0, false
	}
	if bad != nil && s.heldErr == nil {
		s.heldErr = bad // every rank learns it at the exchange
	}
	np := len(s.pops)
	for len(s.held) < (s.heldN+1)*np {
		s.held = append(s.held, nil)
	}
	for j, p := range s.pops {
		s.held[s.heldN*np+j] = append(s.held[s.heldN*np+j][:0], p.spikes...)
	}
	s.heldT = append(s.heldT[:s.heldN], s.t)
	s.heldN++
	if (s.n+1)%s.every != 0 && s.n != s.steps-1 {
		return nil
	}
	lists := s.held[:s.heldN*np]
	s.xlo, s.xhi = s.xlo[:0], s.xhi[:0]
	for range s.heldN {
		for _, p := range s.pops {
			s.xlo, s.xhi = append(s.xlo, p.lo), append(s.xhi, p.hi)
		}
	}
	bad2, stop := s.x.Spikes(s.heldErr != nil, s.stopReq, lists, s.xlo, s.xhi)
	s.stopAll = s.stopAll || stop
	s.flushed = true
	for j, p := range s.pops {
		p.spikes = append(p.spikes[:0], lists[(s.heldN-1)*np+j]...)
	}
	for _, pt := range s.parts {
		pt.step = -1 // their cached spikes were of this rank only
	}
	for h := range s.heldN - 1 {
		s.recordHeld(h)
	}
	switch {
	case s.heldErr != nil:
		return s.heldErr
	case bad2 >= 0:
		return &rt.RankError{Rank: bad2}
	}
	return nil
}

// heldSpikes is part pt's spikes of held step h (every rank's, after the
// exchange), as part indices (valid until the next call).
func (s *sim) heldSpikes(pt *part, h int) []int32 {
	all := s.held[h*len(s.pops)+slices.Index(s.pops, pt.p)]
	if pt.off == 0 && pt.n == pt.p.n {
		return all
	}
	s.partBuf = s.partBuf[:0]
	for _, i := range all {
		if int(i) >= pt.off && int(i) < pt.off+pt.n {
			s.partBuf = append(s.partBuf, i-int32(pt.off))
		}
	}
	return s.partBuf
}

// recordHeld counts and records the spikes of held step h.
func (s *sim) recordHeld(h int) {
	for _, pt := range s.parts {
		pt.count += int64(len(s.heldSpikes(pt, h)))
	}
	for _, m := range s.spikeMons {
		if pt, ok := m.src.(*part); ok {
			m.mon.Record(s.heldT[h], s.heldSpikes(pt, h))
		}
	}
}

// pushes calls push(back, spikes) for the spikes projection pr puts into
// its delay ring this step, each list fired back steps ago: this step's
// in one process (or from an input); in a run exchanging once per
// interval, nothing while the spikes are held and, at the exchange, the
// held steps' in step order, then this step's.
func (s *sim) pushes(pr *proj, push func(back int, spikes []int32)) {
	pt, ok := pr.pre.(*part)
	if s.every <= 1 || !ok {
		push(0, pr.pre.fired())
		return
	}
	if !s.flushed {
		return
	}
	for h := range s.heldN - 1 {
		push(s.heldN-1-h, s.heldSpikes(pt, h))
	}
	push(0, pr.pre.fired())
}
