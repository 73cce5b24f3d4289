package verilog

import (
	"fmt"

	"github.com/snnc/snnc/ir/iir"
)

// Random draws (iir.OpDraw, iir/draw.go): a counter-based hash of the
// site's key (a constant folded from the seed at build time), the step
// counter nstep and the neuron's index, three rounds of snn_mix32 — no
// state, so the draw is the simulator's whatever order the phases visit
// neurons in. Each draw site is its own combinational copy (six 32-bit
// multiplications by constants).

// drawFunction declares snn_mix32 (iir.Mix32) when a kernel draws.
func (e *emitter) drawFunction() {
	draws := false
	for _, tp := range e.tr.Pops {
		for _, td := range tp.Dendrites {
			draws = draws || learns(td) // growth's choices
		}
		for _, k := range tp.Model.Kernels() {
			for _, o := range k.Ops {
				draws = draws || o.Code == iir.OpDraw
			}
		}
	}
	if !draws {
		return
	}
	fmt.Fprintf(&e.b, `
    // random draws: iir.Mix32, a bijection of 32-bit words
    function [31:0] snn_mix32(input [31:0] x);
        reg [31:0] y;
        begin
            y = x ^ (x >> 16);
            y = y * 32'h7feb352d;
            y = y ^ (y >> 15);
            y = y * 32'h846ca68b;
            snn_mix32 = y ^ (y >> 16);
        end
    endfunction
`)
}

// draw is the DrawBits-bit draw of the kernel's neuron at this step.
func (g *kgen) draw(name string, w int, o *iir.Op, st *kstate) sig {
	if st.idx == "" {
		panic("verilog: a draw outside a neuron kernel") // quantize refuses it
	}
	key := iir.DrawKey(g.seed, o.Imm)
	fmt.Fprintf(g.b, "    wire [31:0] %s_h0 = snn_mix32(32'h%08x ^ nstep);\n", name, key)
	fmt.Fprintf(g.b, "    wire [31:0] %s_h1 = snn_mix32(%s_h0 ^ %s);\n", name, name, st.idx)
	fmt.Fprintf(g.b, "    wire [31:0] %s_h2 = snn_mix32(%s_h1 ^ nstep);\n", name, name)
	return g.def(name, w, fmt.Sprintf("$signed({1'b0, %s_h2[31:%d]})", name, 32-iir.DrawBits))
}
