package verilog

import (
	"fmt"

	"github.com/snnc/snnc/ir/iir"
)

// Segment dendrites (iir.Dendrite, wired before the first step, no
// learning). Per dendrite (D<k>), three phases after the resets, in the
// simulator's order (models in program order, dendrites in declaration
// order):
//
//	ACT D<k>_<s>  per projection s onto it, per spike of the list d steps
//	              back: the cell off+i becomes active (d<k>_act, one bit per
//	              cell of the dendrite's presynaptic space)
//	SEG D<k>      per neuron, per synapse (d<k>_rp: CSR pointers by neuron,
//	              d<k>_syn: the cell, with the end-of-segment flag as its top
//	              bit): count the active ones; at a segment's end, the
//	              segment is active when the count reaches θ; after the
//	              neuron's last synapse, the handler kernel runs on it if a
//	              segment was active
//	CLR D<k>      clear d<k>_act, one cell per cycle
//
// so a dendrite costs one cycle per arriving spike, per synapse, two per
// neuron and one per presynaptic cell. Every synapse has the same
// permanence for the whole run, so none is stored: a dendrite whose
// synapses are not connected (or that has no handler) has no phases.

// dendPhase is what a dendrite phase works on.
type dendPhase struct {
	k   int // the dendrite's number
	td  *iir.TraceDendrite
	src int // ACT: the projection
}

// emitted reports whether a dendrite has phases.
func emitted(td *iir.TraceDendrite) bool {
	return td.Dendrite.Learn == nil && td.Dendrite.Live() && td.Dendrite.Kernel != nil && len(td.Pre) > 0
}

// dendriteSizes widens the neuron index to the dendrites' presynaptic
// spaces (CLR walks them) and the sources' spike lists to their delays.
func (e *emitter) dendriteSizes() {
	for _, tp := range e.tr.Pops {
		for _, td := range tp.Dendrites {
			if !emitted(td) && !learns(td) {
				continue
			}
			e.maxN = max(e.maxN, td.NPre)
			for _, src := range td.Srcs {
				if n := e.byName[src.Pre]; n != nil {
					n.depth = max(n.depth, src.Delay+1)
				}
			}
		}
	}
}

// dendritePhases appends the dendrites' phases.
func (e *emitter) dendritePhases() {
	k := 0
	for _, n := range e.nodes {
		if n.input || n.size == 0 {
			continue
		}
		for _, td := range n.pop.Dendrites {
			if learns(td) {
				e.learnPhases(n, td, k)
				k++
				continue
			}
			if !emitted(td) {
				continue
			}
			for s := range td.Srcs {
				e.phases = append(e.phases, &phase{id: fmt.Sprintf("PH_DACT_%d_%d", k, s), kind: "DACT", pop: n.pop, node: n, dend: &dendPhase{k: k, td: td, src: s}})
			}
			e.phases = append(e.phases, &phase{id: fmt.Sprintf("PH_DSEG_%d", k), kind: "DSEG", pop: n.pop, node: n, dend: &dendPhase{k: k, td: td}})
			e.phases = append(e.phases, &phase{id: fmt.Sprintf("PH_DCLR_%d", k), kind: "DCLR", pop: n.pop, node: n, dend: &dendPhase{k: k, td: td}})
			k++
		}
	}
}

// dendriteMemories declares each dendrite's memories and registers.
func (e *emitter) dendriteMemories() {
	b := &e.b
	for _, ph := range e.phases {
		if ph.kind != "DSEG" {
			continue
		}
		k, td := ph.dend.k, ph.dend.td
		fmt.Fprintf(b, "\n    // population %s, dendrite %s: %d synapses onto %d cells\n", ph.node.name, td.Dendrite.Name, len(td.Pre), td.NPre)
		e.image(fmt.Sprintf("d%d_act", k), 1, make([]int64, td.NPre), false, fmt.Sprintf("%s.%s: active presynaptic cells", ph.node.name, td.Dendrite.Name))
		sw := ubits(int64(len(td.Pre)))
		e.image(fmt.Sprintf("d%d_rp", k), sw, td.Ptr, false, fmt.Sprintf("%s.%s: synapses by neuron (pointers)", ph.node.name, td.Dendrite.Name))
		cw := clog2(td.NPre)
		syn := make([]int64, len(td.Pre))
		for s, c := range td.Pre {
			syn[s] = int64(c)
			if td.End[s] {
				syn[s] |= 1 << uint(cw)
			}
		}
		e.image(fmt.Sprintf("d%d_syn", k), cw+1, syn, false, fmt.Sprintf("%s.%s: each synapse's cell, the top bit ending its segment", ph.node.name, td.Dendrite.Name))
		fmt.Fprintf(b, "    reg [%d:0] d%d_k;   // synapse\n    reg [%d:0] d%d_cnt; // active synapses of the segment so far\n    reg d%d_hit;       // a segment of the neuron is active\n    reg [1:0] d%d_st;  // 0: start the neuron, 1: its synapses, 2: its handler\n",
			sw-1, k, ubits(int64(td.Dendrite.Synapses))-1, k, k, k)
	}
	e.learnMemories()
}

// dendriteKernels emits the reads of the dendrite phases and the handler
// kernels (at neuron i of the SEG phase).
func (e *emitter) dendriteKernels() {
	b := &e.b
	if len(e.dendriteResets()) == 0 {
		return // no dendrite has phases
	}
	fmt.Fprintf(b, "\n    // verilator lint_off WIDTH\n    // verilator lint_off UNUSED\n")
	for _, ph := range e.phases {
		if ph.dend == nil {
			continue
		}
		k, td := ph.dend.k, ph.dend.td
		switch ph.kind {
		case "DACT":
			src := td.Srcs[ph.dend.src]
			pre := e.byName[src.Pre]
			slw := clog2(pre.depth)
			rs := e.slot(pre)
			if d := src.Delay; d > 0 {
				rs = fmt.Sprintf("d%d_%d_slot", k, ph.dend.src)
				fmt.Fprintf(b, "    wire [%d:0] %s = (sl_%s >= %d'd%d) ? sl_%s - %d'd%d : sl_%s + %d'd%d;\n", slw-1, rs, pre.id, slw, d, pre.id, slw, d, pre.id, slw, pre.depth-d)
			}
			fmt.Fprintf(b, "    wire [%d:0] d%d_%d_n = %s;\n", ubits(int64(pre.size))-1, k, ph.dend.src, e.read("sc_"+pre.id, rs, 1, ph.id))
			cw := clog2(td.NPre)
			fmt.Fprintf(b, "    wire [%d:0] d%d_%d_c = %d'd%d + %s;\n", cw-1, k, ph.dend.src, cw, src.Off,
				zext(e.read("sq_"+pre.id, e.histAddr(pre, rs, "i", e.iw), 1, ph.id), clog2(pre.size), cw))
		case "DLRN":
			e.learnWires(ph)
		case "DCNT":
			e.countWires(ph)
		case "DSEG":
			n := ph.node
			sw := ubits(int64(len(td.Pre)))
			cw := clog2(td.NPre)
			rw := clog2(n.size + 1)
			fmt.Fprintf(b, "    wire [%d:0] d%d_i1 = %s + 1'b1;\n", rw-1, k, zext("i", e.iw, rw))
			fmt.Fprintf(b, "    wire [%d:0] d%d_lo = %s;\n    wire [%d:0] d%d_hi = %s;\n", sw-1, k, e.read(fmt.Sprintf("d%d_rp", k), zext("i", e.iw, rw), 1, ph.id),
				sw-1, k, e.read(fmt.Sprintf("d%d_rp", k), fmt.Sprintf("d%d_i1", k), 1, ph.id))
			syn := e.read(fmt.Sprintf("d%d_syn", k), fmt.Sprintf("d%d_k", k), 1, ph.id)
			fmt.Fprintf(b, "    wire d%d_end = %s[%d];\n", k, syn, cw)
			fmt.Fprintf(b, "    wire d%d_on = %s;\n", k, e.read(fmt.Sprintf("d%d_act", k), fmt.Sprintf("%s[%d:0]", syn, cw-1), 2, ph.id))
			ww := ubits(int64(td.Dendrite.Synapses))
			fmt.Fprintf(b, "    wire [%d:0] d%d_next = d%d_cnt + %s;\n", ww-1, k, k, zext(fmt.Sprintf("d%d_on", k), 1, ww))
			// the handler at neuron i
			aw := clog2(n.size)
			pre := fmt.Sprintf("h%d", k)
			fmt.Fprintf(b, "\n    // population %s: on dendrite %s active, at neuron i\n", n.name, td.Dendrite.Name)
			fmt.Fprintf(b, "    wire [%d:0] %s_a = (ph == %s) ? i[%d:0] : %d'd0;\n", aw-1, pre, ph.id, aw-1, aw)
			st := e.loads(e.g, n, pre, pre+"_a", 1, ph.id)
			e.g.kernel(td.Dendrite.Kernel, pre+"_k", st)
			e.writes[ph.id] = e.stores(n, st, pre+"_a")
		}
	}
	fmt.Fprintf(b, "    // verilator lint_on UNUSED\n    // verilator lint_on WIDTH\n")
}

// dendriteResets are the controller's reset lines of the dendrites'
// registers.
func (e *emitter) dendriteResets() []string {
	var out []string
	for _, ph := range e.phases {
		if ph.kind == "DSEG" {
			out = append(out, fmt.Sprintf("d%d_st <= 2'd0;", ph.dend.k))
		}
	}
	return append(out, e.learnResets()...)
}

// ctlDendrite emits the controller of a dendrite phase.
func (e *emitter) ctlDendrite(ph *phase, next string) {
	b, ind := &e.b, "                "
	k, td := ph.dend.k, ph.dend.td
	// the next neuron (or cell), or the next phase after the last
	advance := func(ind string, last int) {
		fmt.Fprintf(b, "%sif (i == %d'd%d) begin\n%s    i <= %d'd0;\n%s    ph <= %s;\n%send else\n%s    i <= i + 1'b1;\n", ind, e.iw, last, ind, e.iw, ind, next, ind, ind)
	}
	switch ph.kind {
	case "DACT":
		s := ph.dend.src
		pre := e.byName[td.Srcs[s].Pre]
		fmt.Fprintf(b, "%sif (i == %s) begin\n%s    i <= %d'd0;\n%s    ph <= %s;\n%send else begin\n%s    d%d_act[d%d_%d_c] <= 1'b1;\n%s    i <= i + 1'b1;\n",
			ind, zext(fmt.Sprintf("d%d_%d_n", k, s), ubits(int64(pre.size)), e.iw), ind, e.iw, ind, next, ind, ind, k, k, s, ind)
		if learns(td) {
			fmt.Fprintf(b, "%s    d%d_any <= 1'b1;\n", ind, k)
		}
		fmt.Fprintf(b, "%send\n", ind)
	case "DCLR":
		fmt.Fprintf(b, "%sd%d_act[%s] <= 1'b0;\n", ind, k, zext("i", e.iw, clog2(td.NPre)))
		if learns(td) {
			fmt.Fprintf(b, "%sd%d_any <= 1'b0;\n", ind, k)
		}
		advance(ind, td.NPre-1)
	case "DLRN":
		e.ctlLearn(ph, next)
	case "DCNT":
		e.ctlCount(ph, next)
	case "DSEG":
		n := ph.node
		ww := ubits(int64(td.Dendrite.Synapses))
		fmt.Fprintf(b, "%sif (d%d_st == 2'd0) begin\n", ind, k)
		fmt.Fprintf(b, "%s    if (d%d_lo != d%d_hi) begin\n%s        d%d_k <= d%d_lo;\n%s        d%d_cnt <= %d'd0;\n%s        d%d_hit <= 1'b0;\n%s        d%d_st <= 2'd1;\n%s    end else begin\n",
			ind, k, k, ind, k, k, ind, k, ww, ind, k, ind, k, ind)
		advance(ind+"        ", n.size-1)
		fmt.Fprintf(b, "%s    end\n%send else if (d%d_st == 2'd1) begin\n", ind, ind, k)
		fmt.Fprintf(b, "%s    if (d%d_end) begin\n%s        if (d%d_next >= %d'd%d) d%d_hit <= 1'b1;\n%s        d%d_cnt <= %d'd0;\n%s    end else\n%s        d%d_cnt <= d%d_next;\n",
			ind, k, ind, k, ww, td.Dendrite.Threshold, k, ind, k, ww, ind, ind, k, k)
		fmt.Fprintf(b, "%s    d%d_k <= d%d_k + 1'b1;\n%s    if (d%d_k + 1'b1 == d%d_hi) d%d_st <= 2'd2;\n%send else begin\n", ind, k, k, ind, k, k, k, ind)
		fmt.Fprintf(b, "%s    if (d%d_hit) begin\n", ind, k)
		for _, w := range e.writes[ph.id] {
			fmt.Fprintf(b, "%s        %s\n", ind, w)
		}
		fmt.Fprintf(b, "%s    end\n%s    d%d_st <= 2'd0;\n", ind, ind, k)
		advance(ind+"    ", n.size-1)
		fmt.Fprintf(b, "%send\n", ind)
	}
}

// dendriteCycles are the logical cycles of the dendrites' phases in step
// n: per projection onto a dendrite, one per spike due and one to finish;
// per neuron, one, plus, when it has synapses, one per synapse and one for
// the handler; one per presynaptic cell to clear.
func dendriteCycles(tr *iir.Trace, n int, at func(node string, n int) []int32) int64 {
	var c int64
	for _, tp := range tr.Pops {
		for _, td := range tp.Dendrites {
			if !emitted(td) {
				continue
			}
			for _, src := range td.Srcs {
				c += int64(len(at(src.Pre, n-src.Delay))) + 1
			}
			for j := 0; j < tp.Size; j++ {
				c++
				if syn := td.Ptr[j+1] - td.Ptr[j]; syn > 0 {
					c += syn + 1
				}
			}
			c += int64(td.NPre)
		}
	}
	return c
}
