package verilog

import (
	"fmt"

	"github.com/snnc/snnc/ir/iir"
)

// Synaptic scaling (iir.Plastic.NormEvery): a NORM phase per projection,
// after the modulated rules, in the steps it applies in; per postsynaptic
// neuron i, one pass over its column sums W into nsum_k, a second
// replaces each W by min(Div(W·target, nsum), Hi), one synapse per clock.

// normPhases are the controller's phases of synaptic scaling.
func (e *emitter) normPhases() []*phase {
	var out []*phase
	for k, p := range e.tr.Projs {
		if pl := p.Plastic; pl != nil && pl.NormEvery > 0 && p.NPre > 0 && e.byName[p.Post].size > 0 {
			out = append(out, &phase{id: fmt.Sprintf("PH_NORM_%d", k), kind: "NORM", proj: p, k: k, node: e.byName[p.Post]})
		}
	}
	return out
}

// normKernel declares projection k's scaling: its sum and pass registers,
// the weight of column entry k, its scaled value and the column bounds of
// neuron i.
func (e *emitter) normKernel(k int, p *iir.TraceProj, pl *iir.Plastic) {
	b := &e.b
	post := e.byName[p.Post]
	ph := fmt.Sprintf("PH_NORM_%d", k)
	sa := clog2(max(1, len(p.Col)))
	sumW := ubits(int64(max(1, len(p.Col)))*pl.Hi) + 1
	fmt.Fprintf(b, "    reg signed [%d:0] nsum%d; // the column's sum of W\n    reg npass%d;             // 0: summing, 1: scaling\n", sumW-1, k, k)
	addr := fmt.Sprintf("nw%d_a", k)
	fmt.Fprintf(b, "    wire [%d:0] %s = (ph == %s) ? %s : %d'd0;\n", sa-1, addr, ph, zext(e.read(fmt.Sprintf("p%d_cs", k), zext("k", e.kw, sa), 1, ph), e.kw, sa), sa)
	ww := pl.W.Width + 1
	w := e.g.def(fmt.Sprintf("nw%d_w", k), ww, fmt.Sprintf("{1'b0, %s}", e.read(fmt.Sprintf("p%d_pw", k), addr, 2, ph)))
	e.g.def(fmt.Sprintf("nw%d_n", k), sumW, fmt.Sprintf("nsum%d + %s", k, w.name)) // the next sum
	pw := ww + need(pl.NormTarget)
	prod := e.g.def(fmt.Sprintf("nw%d_p", k), pw, fmt.Sprintf("%s * %s", w.name, lit(pl.NormTarget, pw)))
	q := e.g.div(fmt.Sprintf("nw%d_q", k), max(pw, sumW), &iir.Op{Round: pl.NormRound}, prod, sig{fmt.Sprintf("nsum%d", k), sumW})
	t := max(q.w, need(pl.Hi))
	e.g.def(fmt.Sprintf("nw%d_s", k), t, fmt.Sprintf("(%s > %s) ? %s : %s", q.name, lit(pl.Hi, t), lit(pl.Hi, t), q.name))
	rw := clog2(post.size + 1)
	cp := fmt.Sprintf("p%d_cp", k)
	fmt.Fprintf(b, "    wire [%d:0] p%d_ni1 = %s + 1'b1;\n", rw-1, k, zext("i", e.iw, rw))
	fmt.Fprintf(b, "    wire [%d:0] p%d_nlo = %s;\n    wire [%d:0] p%d_nhi = %s;\n", e.kw-1, k, e.read(cp, zext("i", e.iw, rw), 1, ph), e.kw-1, k, e.read(cp, fmt.Sprintf("p%d_ni1", k), 1, ph))
}

// ctlNorm emits the NORM phase.
func (e *emitter) ctlNorm(ph *phase, next string) {
	b, ind := &e.b, "                "
	k, pl := ph.k, ph.proj.Plastic
	npost := e.byName[ph.proj.Post].size
	fmt.Fprintf(b, "%sif (nstep %% 32'd%d != 32'd0) begin\n%s    ph <= %s;\n", ind, pl.NormEvery, ind, next)
	fmt.Fprintf(b, "%send else if (!row) begin\n", ind)
	fmt.Fprintf(b, "%s    if (i == %d'd%d) begin\n%s        i <= %d'd0;\n%s        ph <= %s;\n", ind, e.iw, npost, ind, e.iw, ind, next)
	fmt.Fprintf(b, "%s    end else if (p%d_nlo != p%d_nhi) begin\n%s        row <= 1'b1;\n%s        k <= p%d_nlo;\n%s        npass%d <= 1'b0;\n%s        nsum%d <= 0;\n%s    end else\n%s        i <= i + 1'b1;\n",
		ind, k, k, ind, ind, k, ind, k, ind, k, ind, ind)
	fmt.Fprintf(b, "%send else if (!npass%d) begin\n%s    nsum%d <= nw%d_n;\n", ind, k, ind, k, k)
	fmt.Fprintf(b, "%s    if (k + 1'b1 == p%d_nhi) begin\n%s        k <= p%d_nlo;\n%s        npass%d <= 1'b1;\n%s    end else\n%s        k <= k + 1'b1;\n", ind, k, ind, k, ind, k, ind, ind)
	fmt.Fprintf(b, "%send else begin\n%s    if (nsum%d != 0)\n%s        p%d_pw[nw%d_a] <= nw%d_s[%d:0];\n", ind, ind, k, ind, k, k, k, pl.W.Width-1)
	fmt.Fprintf(b, "%s    if (k + 1'b1 == p%d_nhi) begin\n%s        row <= 1'b0;\n%s        i <= i + 1'b1;\n%s    end else\n%s        k <= k + 1'b1;\n%send\n", ind, k, ind, ind, ind, ind, ind)
}
