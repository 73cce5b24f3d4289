package fixed

import (
	"fmt"

	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/ir/iir"
	"github.com/snnc/snnc/runtime"
)

// xplastic is a plastic projection's state in the simulator.
type xplastic struct {
	pl         *iir.Plastic
	w, x, y    []int64
	colPtr     []int64
	colSyn     []int32
	colPre     []int32
	regs       []int64
	g          []int64 // the postsynaptic gate variable (nil: none)
	mod        node    // a modulated rule's modulator
	vx, vy, vw *int64  // the slots the running kernel reads and writes
	vg         *int64
	// a triplet rule's second traces (iir.Plastic.Pre2, Post2), read and
	// written at the same neurons as x and y
	x2, y2   []int64
	vx2, vy2 *int64
	check    *rangeCheck // CheckRanges: every op's value
	step     *int
	pr       *xproj
}

func newPlastic(s *sim, pr *xproj, ip *ir.Projection, pl *iir.Plastic) error {
	xp := &xplastic{pl: pl, w: make([]int64, pr.nsyn), x: make([]int64, pr.pre.size()), y: make([]int64, pr.post.n)}
	for i := range xp.x {
		xp.x[i] = pl.XInit
	}
	for j := range xp.y {
		xp.y[j] = pl.YInit
	}
	if pl.Pre2 != nil {
		xp.x2, xp.y2 = make([]int64, len(xp.x)), make([]int64, len(xp.y))
		for i := range xp.x2 {
			xp.x2[i] = pl.X2Init
		}
		for j := range xp.y2 {
			xp.y2[j] = pl.Y2Init
		}
	}
	// the initial w as the float interpreter draws it: one stream, synapses in row order
	c := &fctx{rng: rt.NewStream(s.seed, rt.Hash("init", ip.Name, pl.W.Src.Name))}
	rowPtr := make([]int64, pr.pre.size()+1)
	for i := 0; i < pr.pre.size(); i++ {
		first, targets := pr.ownRow(i)
		rowPtr[i+1] = first + int64(len(targets))
		for k := range targets {
			c.i = int(first) + k
			w := 0.0
			if pl.WInit != nil {
				var err error
				if w, err = feval(pl.WInit, c); err != nil {
					return fmt.Errorf("initial %s: %w", pl.W.Name, err)
				}
			}
			xp.w[c.i] = iir.Clamp(iir.RoundHalfAway(w/pl.W.Scale), pl.Lo, pl.Hi)
		}
	}
	// on_post walks the synapses onto a neuron: the same column index as
	// the float backends
	xp.colPtr, xp.colSyn = rt.Columns(pr.post.n, rowPtr, func(i int) []int32 { _, t := pr.ownRow(i); return t })
	xp.colPre = make([]int32, len(xp.colSyn))
	for k, syn := range xp.colSyn {
		xp.colPre[k] = int32(rt.PreOf(rowPtr, int64(syn)))
	}
	most := 0
	for _, k := range pl.Kernels() {
		most = max(most, len(k.Ops))
	}
	xp.regs = make([]int64, most)
	if pl.Gate != nil {
		xp.g = pr.post.vals[pr.post.index[pl.Gate]]
	}
	pr.plastic = xp
	return nil
}

// run executes a synapse kernel on the slots set in vx, vy, vw and
// returns its Out (0 without). Only the ops the rules use appear.
func (xp *xplastic) run(k *iir.Kernel) int64 {
	r := xp.regs
	slot := func(v *iir.Var) *int64 {
		switch v {
		case xp.pl.Pre:
			return xp.vx
		case xp.pl.Post:
			return xp.vy
		case xp.pl.Gate:
			return xp.vg
		}
		if v == xp.pl.Pre2 && v != nil {
			return xp.vx2
		}
		if v == xp.pl.Post2 && v != nil {
			return xp.vy2
		}
		return xp.vw
	}
	for _, o := range k.Ops {
		var x int64
		switch o.Code {
		case iir.OpLoad:
			x = *slot(o.Var)
		case iir.OpStore:
			x = r[o.Args[0].ID]
			*slot(o.Var) = x
		default:
			a0, a1, a2 := o.Operands(r)
			x = iir.Apply(o, a0, a1, a2, nil) // the lowering gives synapse kernels no stochastic rounding
		}
		if xp.check != nil {
			xp.check.synapse(xp.pr, *xp.step, k, o, x)
		}
		r[o.ID] = x
	}
	if k.Out != nil {
		return r[k.Out.ID]
	}
	return 0
}

// atPre points the kernels' presynaptic slots at neuron i.
func (xp *xplastic) atPre(i int) {
	xp.vx = &xp.x[i]
	if xp.x2 != nil {
		xp.vx2 = &xp.x2[i]
	}
}

// atPost points the kernels' postsynaptic slots (traces, gate) at neuron j.
func (xp *xplastic) atPost(j int) {
	xp.vy = &xp.y[j]
	if xp.y2 != nil {
		xp.vy2 = &xp.y2[j]
	}
	if xp.g != nil {
		xp.vg = &xp.g[j]
	}
}

// tick decays every trace once.
func (xp *xplastic) tick() {
	for i := range xp.x {
		xp.atPre(i)
		xp.run(xp.pl.TickPre)
	}
	for j := range xp.y {
		xp.atPost(j)
		xp.run(xp.pl.TickPost)
	}
}

// deliver runs a presynaptic spike of neuron i: the trace, then each
// synapse (the weight it delivers goes to the port kernel).
func (pr *xproj) deliverPlastic(i int) {
	xp := pr.plastic
	xp.atPre(i)
	xp.run(xp.pl.PreOne)
	first, targets := pr.ownRow(i)
	for k, j := range targets {
		xp.vw = &xp.w[first+int64(k)]
		xp.atPost(int(j))
		pr.post.receive(pr.port, int(j), xp.run(xp.pl.OnPre))
	}
}

// postSpikes runs the rule for this step's postsynaptic spikes.
func (pr *xproj) postSpikes() {
	xp := pr.plastic
	if xp == nil {
		return
	}
	for _, j := range pr.post.spikes {
		xp.atPost(int(j))
		xp.run(xp.pl.PostOne)
		for k := xp.colPtr[j]; k < xp.colPtr[j+1]; k++ {
			xp.vw = &xp.w[xp.colSyn[k]]
			xp.atPre(int(xp.colPre[k]))
			xp.run(xp.pl.OnPost)
		}
	}
}

// modulate runs a modulated rule: each spike of its modulator this step
// applies OnMod to every synapse, by postsynaptic neuron (the synapses are
// independent, so the order is the Verilog's and changes nothing).
func (pr *xproj) modulate() {
	xp := pr.plastic
	if xp == nil || xp.mod == nil {
		return
	}
	for range xp.mod.fired() {
		for j := range xp.y {
			xp.vy = &xp.y[j]
			for k := xp.colPtr[j]; k < xp.colPtr[j+1]; k++ {
				xp.vw, xp.vx = &xp.w[xp.colSyn[k]], &xp.x[xp.colPre[k]]
				xp.run(xp.pl.OnMod)
			}
		}
	}
}

// scale is a rule's synaptic scaling (normalize sum(w)) in step n: per
// postsynaptic neuron whose weights sum to S > 0, each
// W ← min(Div(W·target, S), Hi) (iir.Plastic.NormEvery).
func (pr *xproj) scale(n int) {
	xp := pr.plastic
	if xp == nil || xp.pl.NormEvery == 0 || n%xp.pl.NormEvery != 0 {
		return
	}
	pl := xp.pl
	for j := range xp.y {
		var sum int64
		for k := xp.colPtr[j]; k < xp.colPtr[j+1]; k++ {
			sum += xp.w[xp.colSyn[k]]
		}
		if sum <= 0 {
			continue
		}
		for k := xp.colPtr[j]; k < xp.colPtr[j+1]; k++ {
			w := &xp.w[xp.colSyn[k]]
			*w = min(iir.Div(*w*pl.NormTarget, sum, pl.NormRound), pl.Hi)
		}
	}
}
