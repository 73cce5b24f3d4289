package gocode

import "fmt"

// A program runs split over MPI ranks when started by mpirun and built with
// snnc build --mpi (the driver joins the job: driver/ranks.go). The split is
// the plan's (plan.Split), as the interpreter runs it: each rank integrates,
// tests and checks its share [p<k>lo, p<k>hi) of each loop's neurons, the
// ranks exchange the step's spikes after the thresholds (exchange), the
// projections plan.Split keeps drop the synapses onto other ranks' neurons
// once built, and a recorded neuron's state is gathered from its owner.
// In one process the share is every neuron and none of this runs.

// rankFields declares the split's state.
func (g *gen) rankFields() {
	f := &g.fields
	f.line("")
	f.line("// a run split over MPI ranks (nil x: one process)")
	f.line("x *rt.Exchange")
	f.line("xspk [][]int32 // the loops' spikes, exchanged")
	f.line("xlo, xhi []int // the loops' shares")
	f.line("stopReq bool // this rank was interrupted: asks the others at the next exchange")
	f.line("stopAll bool // some rank was: all stop after this step")
	for _, pg := range g.pops {
		f.line("p%dlo, p%dhi int // this rank's neurons of loop %d", pg.k, pg.k, pg.k)
	}
}

// rankBuild writes the end of newSim: the shares, and the kept projections
// dropping other ranks' synapses (their whole size is kept for the summary).
func (g *gen) rankBuild() {
	b := &g.build
	keep := map[string]bool{}
	sp := g.plan.Split()
	for k, pp := range g.plan.Projs {
		keep[pp.Name] = sp.Keep[k]
	}
	b.line("")
	b.line("// the rank's share (plan.Split)")
	for _, pg := range g.pops {
		b.line("s.p%dlo, s.p%dhi = 0, %d", pg.k, pg.k, pg.n)
	}
	b.line("if comm != nil && comm.Size() > 1 {")
	b.line("s.x = &rt.Exchange{Comm: comm}")
	for _, pg := range g.pops {
		b.line("s.p%dlo, s.p%dhi = rt.Share(%d, comm.Rank(), comm.Size())", pg.k, pg.k, pg.n)
		b.line("s.xlo, s.xhi = append(s.xlo, s.p%dlo), append(s.xhi, s.p%dhi)", pg.k, pg.k)
	}
	for _, pr := range g.projs {
		if !keep[pr.ip.Name] || (pr.storage != "csr" && pr.storage != "rows") || len(pr.merged) > 0 {
			continue
		}
		k, pt := pr.k, pr.post
		b.line("{ // projection %s: the synapses onto this rank's neurons", comment(pr.ip.Name))
		b.line("lo, hi := min(max(s.p%dlo-%d, 0), %d), min(max(s.p%dhi-%d, 0), %d)", pt.pop.k, pt.off, pt.n, pt.pop.k, pt.off, pt.n)
		b.line("s.c%dfull = s.bytes%d()", k, k)
		conn := fmt.Sprintf("rt.KeepPostRows(s.c%drows, lo, hi, ", k)
		if pr.storage == "csr" {
			conn = fmt.Sprintf("rt.KeepPostCSR(s.c%dcsr, lo, hi, ", k)
		}
		if !pr.random && !pr.plan.SynDelays { // nothing else per synapse
			b.line("%sfunc(int64, int64) {})", conn)
		} else {
			b.line("kept := %sfunc(dst, src int64) {", conn)
			if pr.random {
				b.line("s.c%dw[dst] = s.c%dw[src]", k, k)
			}
			if pr.plan.SynDelays {
				b.line("s.c%ddel.Move(dst, src)", k)
			}
			b.line("})")
			if pr.random {
				b.line("s.c%dw = append(s.c%dw[:0:0], s.c%dw[:kept]...)", k, k, k)
			}
			if pr.plan.SynDelays {
				b.line("s.c%ddel.Truncate(kept)", k)
			}
		}
		b.line("}")
		g.fields.line("c%dfull int64 // the whole projection's connectivity bytes (a split run keeps its share)", k)
		g.rankFull[k] = true
	}
	b.line("}")
}

// rankBytes is the summary's connectivity bytes of projection k: the whole
// network's, as one process stores it.
func (g *gen) rankBytes(k int) string {
	if g.rankFull[k] {
		return fmt.Sprintf("max(s.c%dfull, s.bytes%d())", k, k)
	}
	return fmt.Sprintf("s.bytes%d()", k)
}

// exchangeMethod writes exchange: the step's spikes of every rank's share
// and the failure flags (rt.Exchange.Spikes), after the thresholds.
func (g *gen) exchangeMethod() {
	fs := &g.funcs
	fs.line("// splitRefusal is why the network cannot run split over ranks (plan.Split; \"\": it can).")
	fs.line("const splitRefusal = %s", quote(g.plan.Split().Refusal))
	fs.line("")
	fs.line("// exchange replaces each loop's spikes (its share's) by every rank's;")
	fs.line("// bad is this rank's error of the step, if any, and the error of the")
	fs.line("// lowest failed rank stops every rank.")
	fs.line("func (s *sim) exchange(bad error) error {")
	fs.line("s.xspk = s.xspk[:0]")
	for _, pg := range g.pops {
		fs.line("s.xspk = append(s.xspk, s.p%dspk)", pg.k)
	}
	fs.line("r, stop := s.x.Spikes(bad != nil, s.stopReq, s.xspk, s.xlo, s.xhi)")
	for j, pg := range g.pops {
		fs.line("s.p%dspk = s.xspk[%d]", pg.k, j)
	}
	fs.line("s.stopAll = s.stopAll || stop")
	fs.line("if bad != nil {")
	fs.line("return bad")
	fs.line("}")
	fs.line("if r >= 0 {")
	fs.line("return &rt.RankError{Rank: r}")
	fs.line("}")
	fs.line("return nil")
	fs.line("}")
	fs.line("")
	fs.line("// parallelSpikesIn is parallelSpikes over neurons [lo, hi) (a rank's share).")
	fs.line("func parallelSpikesIn(threads, lo, hi int, dst []int32, parts *[][]int32, f func(lo, hi int, spk []int32) []int32) []int32 {")
	fs.line("return parallelSpikes(threads, hi-lo, dst, parts, func(a, b int, spk []int32) []int32 { return f(lo+a, lo+b, spk) })")
	fs.line("}")
	fs.line("")
	fs.line("// parallelIn is parallel over neurons [lo, hi) (a rank's share).")
	fs.line("func parallelIn(threads, lo, hi int, f func(lo, hi int)) {")
	fs.line("parallel(threads, hi-lo, func(a, b int) { f(lo+a, lo+b) })")
	fs.line("}")
	fs.line("")
}

// rankIntegrate writes the integration of a loop split over ranks: its
// share with the threads' range functions (the fused loop's reset then
// runs after the events, as with threads).
func (g *gen) rankIntegrate(pg *popGen, inLoop bool) {
	b := &g.step
	if inLoop {
		b.line("s.p%dspk = parallelSpikesIn(s.threads, s.p%dlo, s.p%dhi, s.p%dspk[:0], &s.p%dparts, s.updateRange%d)", pg.k, pg.k, pg.k, pg.k, pg.k, pg.k)
	} else {
		b.line("parallelIn(s.threads, s.p%dlo, s.p%dhi, s.update%d)", pg.k, pg.k, pg.k)
	}
}

// rankGather writes the gathering of a state sample (buf, neurons lo.. of
// part pt) from the ranks that own them, before it is recorded.
func (g *gen) rankGather(fn *fnb, pt *partGen, lo int, buf string) {
	fn.line("if s.x != nil { // split over ranks: the owners' values")
	fn.line("s.x.Gather(%s, %d, s.p%dlo, s.p%dhi)", buf, pt.off+lo, pt.pop.k, pt.pop.k)
	fn.line("}")
}
