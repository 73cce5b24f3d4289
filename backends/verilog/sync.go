package verilog

import (
	"fmt"
	"slices"
	"strings"
)

// Synchronous reads. Every memory is read through registered read ports
// (`always @(posedge clk) rd <= mem[addr]`), the only kind an FPGA's block
// RAM has (iCE40 SB_RAM40_4K, Xilinx/Intel BRAM), so yosys maps the
// memories to block RAM instead of LUTs and flip-flops.
//
// A read's address may come from another read (the spike list gives the
// neuron, the neuron its row pointers, the row the target whose state is
// loaded): a read has a level, 1 when its address comes from registers
// only, 1 + the level of the reads its address uses otherwise. A logical
// cycle of the controller (one neuron update or one synaptic event) then
// takes maxLevel+1 clocks: the registers hold still while the read ports
// settle level by level, and the last clock (commit) performs the memory
// writes and advances the controller. Reads of a memory in different
// phases share one port (an address multiplexer on the phase), so a state
// memory read by the update, the reset and a port kernel is one block RAM.

// rport is one synchronous read port of a memory.
type rport struct {
	mem   string
	reg   string
	w, aw int
	reads []rread
}

// rread is one address of a port and the phases it is read in.
type rread struct {
	addr   string
	phases []string
}

// memInfo is a memory's word width and depth.
type memInfo struct{ w, depth int }

// read returns the register that holds mem[addr] at commit: addr's value
// must be settled after level-1 clocks of a logical cycle; phases are the
// controller phases in which the value is used (ports whose reads have
// disjoint phases are shared).
func (e *emitter) read(mem, addr string, level int, phases ...string) string {
	mi, ok := e.memInfo[mem]
	if !ok {
		panic("verilog: read of unknown memory " + mem)
	}
	e.maxLevel = max(e.maxLevel, level)
	disjoint := func(p *rport, skip int, ph []string) bool {
		if len(ph) == 0 {
			return true
		}
		for k, r := range p.reads {
			if k == skip {
				continue
			}
			if len(r.phases) == 0 {
				continue
			}
			for _, x := range ph {
				if slices.Contains(r.phases, x) {
					return false
				}
			}
		}
		return true
	}
	ports := e.rports[mem]
	// the same address on a port: one register
	for _, p := range ports {
		for k := range p.reads {
			if p.reads[k].addr == addr && disjoint(p, k, phases) {
				for _, x := range phases {
					if !slices.Contains(p.reads[k].phases, x) {
						p.reads[k].phases = append(p.reads[k].phases, x)
					}
				}
				return p.reg
			}
		}
	}
	// a port whose reads happen in other phases
	if len(phases) > 0 {
		for _, p := range ports {
			if disjoint(p, -1, phases) && !p.anyUngated() {
				p.reads = append(p.reads, rread{addr, phases})
				return p.reg
			}
		}
	}
	p := &rport{mem: mem, reg: e.ident("rd_" + mem), w: mi.w, aw: clog2(mi.depth), reads: []rread{{addr, phases}}}
	e.rports[mem] = append(ports, p)
	e.rportList = append(e.rportList, p)
	return p.reg
}

// anyUngated: a read of the port is used in every phase.
func (p *rport) anyUngated() bool {
	for _, r := range p.reads {
		if len(r.phases) == 0 {
			return true
		}
	}
	return false
}

// readDecls declares the read registers (before their first use).
func (e *emitter) readDecls() string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n    // synchronous read ports: a logical cycle takes %d clocks, the last one (commit)\n", e.maxLevel+1)
	fmt.Fprintf(&b, "    // writes the memories and advances the controller (see readPorts)\n")
	fmt.Fprintf(&b, "    reg [%d:0] sub; // clock within the logical cycle\n", clog2(e.maxLevel+1)-1)
	fmt.Fprintf(&b, "    wire commit = (sub == %d'd%d);\n", clog2(e.maxLevel+1), e.maxLevel)
	fmt.Fprintf(&b, "    // verilator lint_off UNUSED\n")
	for _, p := range e.rportList {
		fmt.Fprintf(&b, "    reg [%d:0] %s;\n", p.w-1, p.reg)
	}
	fmt.Fprintf(&b, "    // verilator lint_on UNUSED\n")
	return b.String()
}

// readPorts emits the ports' address multiplexers and registers, and the
// clock counter of the logical cycle.
func (e *emitter) readPorts() {
	b := &e.b
	fmt.Fprintf(b, "\n    // synchronous read ports (block RAM): the address multiplexed on the phase\n")
	fmt.Fprintf(b, "    // verilator lint_off WIDTH\n")
	for _, p := range e.rportList {
		var sb strings.Builder
		for k, r := range p.reads {
			if k == len(p.reads)-1 {
				fmt.Fprintf(&sb, "%s", r.addr)
				break
			}
			var on []string
			for _, x := range r.phases {
				on = append(on, "ph == "+x)
			}
			fmt.Fprintf(&sb, "(%s) ? (%s) : ", strings.Join(on, " || "), r.addr)
		}
		fmt.Fprintf(b, "    wire [%d:0] %s_a = %s;\n", p.aw-1, p.reg, sb.String())
		fmt.Fprintf(b, "    always @(posedge clk) %s <= %s[%s_a];\n", p.reg, p.mem, p.reg)
	}
	fmt.Fprintf(b, "    // verilator lint_on WIDTH\n")
	fmt.Fprintf(b, "    always @(posedge clk)\n        if (rst || ph == PH_IDLE || commit) sub <= %d'd0;\n        else sub <= sub + 1'b1;\n", clog2(e.maxLevel+1))
}
