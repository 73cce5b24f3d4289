package fixed

import (
	"fmt"
	"slices"

	"github.com/snnc/snnc/engine"
	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/ir/iir"
)

// RunTrace runs q for the network p as Run does and returns the trace.
func RunTrace(p *ir.Program, q *iir.Program, o Options) (*iir.Trace, error) {
	if p.Network == "" {
		return nil, fmt.Errorf("the model has no network to run; add `network` and `run NET for T`")
	}
	s, err := build(p, q, o)
	if err != nil {
		return nil, err
	}
	tr := &iir.Trace{Program: q, Steps: s.steps, LFSRBits: q.Profile.LFSR.Bits, Seed: s.seed}
	if tr.Taps, err = q.Profile.Taps(); err != nil {
		return nil, err
	}
	for _, pp := range s.pops {
		tp := &iir.TracePop{Name: pp.nm, Size: pp.n, Model: pp.m}
		for _, v := range pp.vals {
			tp.Init = append(tp.Init, slices.Clone(v))
		}
		tr.Pops = append(tr.Pops, tp)
	}
	for _, in := range s.inputs {
		tr.Inputs = append(tr.Inputs, &iir.TraceInput{Name: in.nm, Size: in.size()})
	}
	traced := map[*xproj]*iir.TraceProj{}
	for _, pr := range s.projs {
		if pr.dend != nil {
			continue // in its population's dendrite
		}
		tp, err := traceProj(pr)
		if err != nil {
			return nil, err
		}
		tr.Projs = append(tr.Projs, tp)
		traced[pr] = tp
	}
	for k, pp := range s.pops {
		for _, d := range pp.dends {
			tr.Pops[k].Dendrites = append(tr.Pops[k].Dendrites, d.trace())
		}
	}
	for _, c := range s.conts {
		tc := &iir.TraceCurrent{Amp: c.amp, Start: int64(engine.Steps(c.step.Start, s.dt)), Stop: -1}
		if c.step.Stop != 0 {
			tc.Stop = int64(engine.Steps(c.step.Stop, s.dt))
		}
		for _, pp := range s.pops {
			for k := range pp.vals {
				if len(pp.vals[k]) > 0 && &pp.vals[k][0] == &c.vals[0] {
					tc.Pop, tc.Var = pp.nm, k
				}
			}
		}
		if tc.Pop == "" {
			continue // an empty population
		}
		tr.Currents = append(tr.Currents, tc)
	}
	for s.n = 0; s.n < s.steps; s.n++ {
		s.t = float64(s.n) * s.dt
		s.step()
		for k, in := range s.inputs {
			sp := slices.Clone(in.spikes)
			for j := 1; j < len(sp); j++ {
				if sp[j] <= sp[j-1] {
					return nil, fmt.Errorf("input %s: the spikes of step %d are not in ascending order without repeats", in.nm, s.n)
				}
			}
			tr.Inputs[k].Spikes = append(tr.Inputs[k].Spikes, sp)
		}
		for k, pp := range s.pops {
			tr.Pops[k].Spikes = append(tr.Pops[k].Spikes, slices.Clone(pp.spikes))
		}
	}
	for k, pp := range s.pops {
		for _, v := range pp.vals {
			tr.Pops[k].Final = append(tr.Pops[k].Final, slices.Clone(v))
		}
	}
	for k, pp := range s.pops {
		for di, d := range pp.dends {
			if d.learn != nil {
				tr.Pops[k].Dendrites[di].Final = d.learn.state()
			}
		}
	}
	for _, pr := range s.projs {
		if xp := pr.plastic; xp != nil {
			tp := traced[pr]
			tp.FinalW, tp.FinalX, tp.FinalY = slices.Clone(xp.w), slices.Clone(xp.x), slices.Clone(xp.y)
			tp.FinalX2, tp.FinalY2 = slices.Clone(xp.x2), slices.Clone(xp.y2)
		}
	}
	return tr, nil
}

func traceProj(pr *xproj) (*iir.TraceProj, error) {
	tp := &iir.TraceProj{Name: pr.name, Pre: pr.pre.name(), NPre: pr.pre.size(), Post: pr.post.nm, Port: pr.port, Delay: pr.delay,
		Dense: pr.all != nil && len(pr.parts) == 0, Weight: pr.w}
	_, tp.PreIsInput = pr.pre.(*spikeInput)
	if xp := pr.plastic; xp != nil {
		tp.Plastic = xp.pl
		tp.InitW, tp.InitX, tp.InitY = slices.Clone(xp.w), slices.Clone(xp.x), slices.Clone(xp.y)
		tp.InitX2, tp.InitY2 = slices.Clone(xp.x2), slices.Clone(xp.y2)
	}
	all := append([]*xproj{pr}, pr.parts...)
	perSyn := false
	for _, x := range all {
		if x.ws != nil || x.w != pr.w {
			perSyn = true
		}
	}
	tp.RowPtr = make([]int64, 1, tp.NPre+1)
	for i := 0; i < tp.NPre; i++ {
		for _, x := range all {
			first, targets := x.ownRow(i)
			tp.Col = append(tp.Col, targets...)
			if !perSyn {
				continue
			}
			for k := range targets {
				w := x.w
				if x.ws != nil {
					w = x.ws[first+int64(k)]
				}
				tp.W = append(tp.W, w)
			}
		}
		tp.RowPtr = append(tp.RowPtr, int64(len(tp.Col)))
	}
	return tp, nil
}
