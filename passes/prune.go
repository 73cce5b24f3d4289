package passes

import (
	"math"

	"github.com/snnc/snnc/ir"
)

// prune cuts what can never matter:
//   - projections whose presynaptic population can never spike (no
//     threshold, or one that folded to false) — they would never deliver;
//   - static synapses whose weight is below a threshold in magnitude, when
//     the user asks for it (--prune-weights EPS; off by default): a constant
//     weight removes the whole projection, random weights mark the
//     projection so the backend drops those synapses as it builds them.
//
// A projection whose weights are recorded is kept whole. What prune cuts
// off, dce then removes (prune runs first).
func prune(ctx *Context) {
	p := ctx.Prog
	recorded := map[*ir.Projection]bool{} // its weights are an output: keep them all
	for _, r := range p.Records {
		recorded[r.Proj] = true
	}
	var kept []*ir.Projection
	for _, prj := range p.Projs {
		if recorded[prj] {
			kept = append(kept, prj)
			continue
		}
		if pre := prj.Pre.Pop; pre != nil && neverSpikes(pre.Model) && prj.Synapse == nil {
			ctx.Diags.Notef(prj.Pos.Pos, prj.Pos.End, "prune: projection %s removed: %s can never spike", prj.Name, pre.Name)
			p.Removed = append(p.Removed, "projection "+prj.Name+" (silent source)")
			continue
		}
		if eps := ctx.Opts.PruneBelow; eps > 0 && prj.Synapse == nil {
			if w, ok := ir.ConstValue(prj.Weight); ok && !prj.Connector.Weighted() {
				if math.Abs(w) < eps {
					ctx.Diags.Notef(prj.Pos.Pos, prj.Pos.End, "prune: projection %s removed: |weight| %g < %g", prj.Name, math.Abs(w), eps)
					p.Removed = append(p.Removed, "projection "+prj.Name+" (weight below threshold)")
					continue
				}
			} else {
				prj.PruneBelow = eps
				ctx.Diags.Notef(prj.Pos.Pos, prj.Pos.End, "prune: synapses of %s with |weight| < %g are dropped when built", prj.Name, eps)
			}
		}
		kept = append(kept, prj)
	}
	p.Projs = kept
}

// neverSpikes: the model has no threshold, or one folded to false.
func neverSpikes(m *ir.Model) bool {
	if m.Threshold == nil {
		return true
	}
	b, ok := m.Threshold.(*ir.BoolConst)
	return ok && !b.V
}
