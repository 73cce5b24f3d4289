package verilog

import (
	"fmt"

	"github.com/snnc/snnc/ir/iir"
)

// modPhases are the controller's phases of the modulated rules: after the
// postsynaptic updates, per modulator spike of the step, OnMod on every
// synapse, column by column (as the simulator's modulate).
func (e *emitter) modPhases() []*phase {
	var out []*phase
	for k, p := range e.tr.Projs {
		if pl := p.Plastic; pl != nil && pl.OnMod != nil && p.NPre > 0 && e.byName[p.Post].size > 0 {
			out = append(out, &phase{id: fmt.Sprintf("PH_MOD_%d", k), kind: "MOD", proj: p, k: k, node: e.byName[pl.ModSrc]})
		}
	}
	return out
}

// modKernel emits OnMod for the synapse of column entry k of neuron j,
// the column bounds of j and the modulator's spike count.
func (e *emitter) modKernel(k int, p *iir.TraceProj, pl *iir.Plastic, run func(string, *iir.Kernel, []bind) *kstate) {
	b := &e.b
	post, mod := e.byName[p.Post], e.byName[pl.ModSrc]
	ph := fmt.Sprintf("PH_MOD_%d", k)
	xa, ya, sa := clog2(p.NPre), clog2(post.size), clog2(max(1, len(p.Col)))
	gate := func(name string, w int, expr string) string {
		fmt.Fprintf(b, "    wire [%d:0] %s = (ph == %s) ? %s : %d'd0;\n", w-1, name, ph, expr, w)
		return name
	}
	wa := gate(fmt.Sprintf("mw%d_a", k), sa, zext(e.read(fmt.Sprintf("p%d_cs", k), zext("k", e.kw, sa), 1, ph), e.kw, sa))
	xa2 := gate(fmt.Sprintf("mx%d_a", k), xa, zext(e.read(fmt.Sprintf("p%d_cq", k), zext("k", e.kw, sa), 1, ph), clog2(max(p.NPre, 2)), xa))
	ja := gate(fmt.Sprintf("mj%d_a", k), ya, zext("i", e.iw, ya))
	run(fmt.Sprintf("om%d", k), pl.OnMod, []bind{{pl.W, fmt.Sprintf("p%d_pw", k), wa, ph}, {pl.Pre, fmt.Sprintf("p%d_px", k), xa2, ph}, {pl.Post, fmt.Sprintf("p%d_py", k), ja, ph}})
	rw := clog2(post.size + 1)
	cp := fmt.Sprintf("p%d_cp", k)
	fmt.Fprintf(b, "    wire [%d:0] p%d_mj1 = %s + 1'b1;\n", rw-1, k, zext("i", e.iw, rw))
	fmt.Fprintf(b, "    wire [%d:0] p%d_mlo = %s;\n    wire [%d:0] p%d_mhi = %s;\n", e.kw-1, k, e.read(cp, zext("i", e.iw, rw), 1, ph), e.kw-1, k, e.read(cp, fmt.Sprintf("p%d_mj1", k), 1, ph))
	fmt.Fprintf(b, "    wire [%d:0] p%d_mn = %s;\n", ubits(int64(mod.size))-1, k, e.read("sc_"+mod.id, e.slot(mod), 1, ph))
}

// ctlMod emits a modulated rule's phase: per modulator spike (counted in
// cnt, which the updates leave at 0), every postsynaptic neuron i and its
// column of synapses, one per clock. Every phase starts with i at 0 (j
// may hold a dense row's end).
func (e *emitter) ctlMod(ph *phase, next string) {
	b, ind := &e.b, "                "
	k := ph.k
	npost := e.byName[ph.proj.Post].size
	cw := ubits(int64(e.maxN))
	fmt.Fprintf(b, "%sif (!row) begin\n", ind)
	fmt.Fprintf(b, "%s    if (cnt == %s) begin\n%s        i <= %d'd0;\n%s        cnt <= %d'd0;\n%s        ph <= %s;\n", ind, zext(fmt.Sprintf("p%d_mn", k), ubits(int64(ph.node.size)), cw), ind, e.iw, ind, cw, ind, next)
	fmt.Fprintf(b, "%s    end else if (i == %d'd%d) begin\n%s        i <= %d'd0;\n%s        cnt <= cnt + 1'b1;\n", ind, e.iw, npost, ind, e.iw, ind)
	fmt.Fprintf(b, "%s    end else if (p%d_mlo != p%d_mhi) begin\n%s        row <= 1'b1;\n%s        k <= p%d_mlo;\n%s    end else\n%s        i <= i + 1'b1;\n", ind, k, k, ind, ind, k, ind, ind)
	fmt.Fprintf(b, "%send else begin\n", ind)
	for _, w := range e.plWrites[fmt.Sprintf("om%d", k)] {
		fmt.Fprintf(b, "%s    %s\n", ind, w)
	}
	fmt.Fprintf(b, "%s    k <= k + 1'b1;\n%s    if (k + 1'b1 == p%d_mhi) begin\n%s        row <= 1'b0;\n%s        i <= i + 1'b1;\n%s    end\n%send\n", ind, ind, k, ind, ind, ind, ind)
}
