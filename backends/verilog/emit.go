// Package verilog emits synthesizable Verilog-2005 from the integer IR of
// backends/fixed: the same kernels, widths, roundings and overflow
// policies the bit-accurate Go simulator executes, in the same step order,
// so a design and `snnc run --profile` give identical spikes and state.
//
// The design (module snn_core) is a time-multiplexed engine, one neuron
// update or one synaptic event per logical cycle, over memories
// initialised with $readmemh and read synchronously, as block RAM is
// (sync.go: a logical cycle is ClocksPerCycle clocks):
//
//	m_POP_VAR   one word per neuron for each variable of the integer model
//	sq_NODE, sc_NODE  spike lists of a population or spike input: D+1
//	            slots (D: the longest delay of a projection leaving it),
//	            slot n mod (D+1) holding step n's spikes: sc[s] of them,
//	            ascending neuron indices from sq[s·N]
//	PROJ_rp/_col/_w  connectivity as the simulator stores it: CSR row
//	            pointers, targets and integer weights (no _rp/_col for a
//	            dense all-to-all projection, no _w for a constant weight)
//
// A step (the simulator's order, backends/fixed/iir.go) runs these phases:
//
//	UPD POP    per neuron: clear driven inputs and add the current inputs,
//	           count the refractory counter down, update, threshold; a
//	           spike is appended to the POP's list and reported on
//	           out_valid/out_addr
//	TRC PROJ   (STDP) per presynaptic and postsynaptic neuron: trace decay
//	PROP PROJ  per spike of the list d steps back (d: the delay), per
//	           synapse in row order: the port kernel on the target (STDP:
//	           the trace bump, then the rule's on-pre kernel per synapse)
//	POST PROJ  (STDP) per spike of the postsynaptic population, per synapse
//	           onto it (column index): the rule's on-post kernel
//	RST POP    per spike of the step: the reset kernel
//	DACT/DSEG/DCLR  segment dendrites: mark the arriving cells, count each
//	           segment's active synapses, run the handler (dendrites.go)
//	CLR INPUT  empty the list slot the next step's input spikes go to
//
// so a step takes N logical cycles per population plus one per spike and
// per synaptic event (and max(N_pre, N_post) per STDP projection):
// Design.StepClocks counts them.
//
// The host writes a step's input spikes (in_we, in_addr: the global index
// of a spike-input neuron, in ascending order: the order their events are
// delivered in) while the core is idle, pulses step and waits for done.
package verilog

import (
	"fmt"
	"math/bits"
	"slices"
	"strings"

	"github.com/snnc/snnc/ir/iir"
)

// Top is the name of the generated core module.
const Top = "snn_core"

// Design is a generated design: file name → contents.
type Design struct {
	Files map[string][]byte
	Map   *AddressMap
	Trace *iir.Trace
	// ClocksPerCycle: the clocks of one logical cycle (one neuron update
	// or synaptic event): the levels of dependent synchronous reads + 1
	ClocksPerCycle int
}

// AddressMap describes the design's memories and index spaces (written as
// memory_map.json).
type AddressMap struct {
	Top         string        `json:"top"`
	Target      string        `json:"target"`
	Steps       int           `json:"steps"`
	Populations []MapPop      `json:"populations"`
	Inputs      []MapInput    `json:"inputs"`
	Projections []MapProj     `json:"projections"`
	Memories    []MapMemory   `json:"memories"`
	Dendrites   []MapDendrite `json:"dendrites,omitempty"` // learning dendrites' storage (dendrite_learn.go)
}

// MapDendrite names a learning dendrite's memories.
type MapDendrite struct {
	Pop, Name                    string
	Pre, Perm, N, Last, Pot, Con string
}

// MapPop is a population: its neurons are out_addr Base..Base+Size-1.
type MapPop struct {
	Name    string   `json:"name"`
	Base    int      `json:"base"`
	Size    int      `json:"size"`
	Vars    []MapVar `json:"vars"`
	History string   `json:"history"` // spike list: slot·Size + k
	Counts  string   `json:"counts"`  // spikes per slot
}

// MapVar is a variable's memory: SI value = offset + scale·x.
type MapVar struct {
	Name   string  `json:"name"`
	Kind   string  `json:"kind"`
	Memory string  `json:"memory"`
	Width  int     `json:"width"`
	Signed bool    `json:"signed"`
	Scale  float64 `json:"scale"`
	Offset float64 `json:"offset"`
	Unit   string  `json:"unit,omitempty"`
	// Cleared: a continuous port recomputed every step from the current
	// inputs; its memory is only written (synthesis removes it)
	Cleared bool `json:"cleared,omitempty"`
}

// MapInput is a spike input: its neurons are in_addr Base..Base+Size-1.
type MapInput struct {
	Name    string `json:"name"`
	Base    int    `json:"base"`
	Size    int    `json:"size"`
	History string `json:"history"` // spike list: slot·Size + k
	Counts  string `json:"counts"`  // spikes per slot
}

// MapProj is a projection's synapse memories.
type MapProj struct {
	Name     string      `json:"name"`
	Pre      string      `json:"pre"`
	Post     string      `json:"post"`
	Port     string      `json:"port"`
	Delay    int         `json:"delay_steps"`
	Storage  string      `json:"storage"`
	Synapses int         `json:"synapses"`
	RowPtr   string      `json:"rowptr,omitempty"`
	Col      string      `json:"col,omitempty"`
	Weights  string      `json:"weights,omitempty"`
	Weight   *int64      `json:"weight,omitempty"` // the constant weight
	Plastic  *MapPlastic `json:"plastic,omitempty"`
}

// MapPlastic is a plastic projection's memories: w (unsigned, w =
// W·2^-Frac), the traces (signed, same units) and the column index
// (synapses by postsynaptic neuron) its postsynaptic updates walk.
type MapPlastic struct {
	Rule   string `json:"rule"`
	Frac   int    `json:"frac"`
	W      string `json:"w"`
	Pre    string `json:"pre_trace"`
	Post   string `json:"post_trace"`
	ColPtr string `json:"colptr"`
	ColSyn string `json:"colsyn"`
	ColPre string `json:"colpre"`
	// a triplet rule's second traces (iir.Plastic.Pre2, Post2)
	Pre2  string `json:"pre_trace2,omitempty"`
	Post2 string `json:"post_trace2,omitempty"`
}

// MapMemory is one memory and its image file.
type MapMemory struct {
	Name   string `json:"name"`
	File   string `json:"file"`
	Width  int    `json:"width"`
	Depth  int    `json:"depth"`
	Signed bool   `json:"signed"`
	What   string `json:"what"`
}

// clog2 is the number of bits that index n values (at least 1).
func clog2(n int) int {
	if n <= 1 {
		return 1
	}
	return bits.Len(uint(n - 1))
}

// ubits is the number of bits holding 0..n (at least 1).
func ubits(n int64) int { return max(1, bits.Len64(uint64(n))) }

type node struct {
	name  string
	id    string // identifier
	size  int
	depth int // history slots (D+1)
	input bool
	base  int
	pop   *iir.TracePop
}

type emitter struct {
	tr     *iir.Trace
	b      strings.Builder
	files  map[string][]byte
	amap   *AddressMap
	used   map[string]bool
	nodes  []*node
	byName map[string]*node
	mems   map[string]string // var memory identifier per "pop/var"
	iw     int               // neuron index register width
	kw     int               // synapse index width
	maxN   int               // the largest node
	// index spaces: out_addr (populations) and in_addr (spike inputs)
	obase, ibase, oaw, iaw int
	phases                 []*phase
	wmax                   int         // width of syn_w
	wbits                  map[int]int // width of projection k's weight memory p<k>_w
	g                      *kgen
	plWrites               map[string][]string // STDP kernel → its memory writes
	plOut                  map[int]sig         // plastic projection → the weight it delivers
	writes                 map[string][]string // phase → memory writes
	portWrites             map[string][]string // "pop/port" → memory writes
	memInfo                map[string]memInfo  // memory → width and depth
	rports                 map[string][]*rport // memory → its read ports
	rportList              []*rport            // in declaration order
	maxLevel               int                 // the deepest chain of reads
}

// ident makes a unique Verilog identifier from s.
func (e *emitter) ident(s string) string {
	var sb strings.Builder
	for _, r := range s {
		if r < 128 && (r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			sb.WriteRune(r)
		} else {
			sb.WriteByte('_')
		}
	}
	id := sb.String()
	if id == "" || id[0] >= '0' && id[0] <= '9' {
		id = "x" + id
	}
	base := id
	for k := 2; e.used[id]; k++ {
		id = fmt.Sprintf("%s_%d", base, k)
	}
	e.used[id] = true
	return id
}

// image writes a $readmemh file of width-bit words.
func (e *emitter) image(name string, width int, words []int64, signed bool, what string) {
	var sb strings.Builder
	digits := (width + 3) / 4
	for _, x := range words {
		u := uint64(x)
		if width < 64 {
			u &= uint64(1)<<uint(width) - 1
		}
		fmt.Fprintf(&sb, "%0*x\n", digits, u)
	}
	file := name + ".hex"
	e.files[file] = []byte(sb.String())
	e.memInfo[name] = memInfo{width, len(words)}
	e.amap.Memories = append(e.amap.Memories, MapMemory{Name: name, File: file, Width: width, Depth: len(words), Signed: signed, What: what})
	fmt.Fprintf(&e.b, "    reg [%d:0] %s [0:%d];\n", width-1, name, len(words)-1)
	fmt.Fprintf(&e.b, "    initial $readmemh(\"%s\", %s);\n", file, name)
}

// Emit generates the design for a trace (a bit-accurate run recorded by
// fixed.RunTrace): the core, the memory images, the testbench with the
// trace's input spikes, the expected output spikes and the address map.
func Emit(tr *iir.Trace) (*Design, error) {
	e := &emitter{tr: tr, files: map[string][]byte{}, used: map[string]bool{}, byName: map[string]*node{}, mems: map[string]string{},
		memInfo: map[string]memInfo{}, rports: map[string][]*rport{},
		amap: &AddressMap{Top: Top, Target: tr.Program.Profile.Name, Steps: tr.Steps}}
	for _, kw := range []string{Top, "clk", "rst", "step", "in_we", "in_addr", "busy", "done", "out_valid", "out_addr", "nstep",
		"ph", "i", "k", "j", "row", "syn_tgt", "syn_w", "tb", "dut", "sub", "commit"} {
		e.used[kw] = true
	}
	if err := e.core(); err != nil {
		return nil, err
	}
	e.files[Top+".v"] = []byte(e.b.String())
	e.testbench()
	return &Design{Files: e.files, Map: e.amap, Trace: tr, ClocksPerCycle: e.maxLevel + 1}, nil
}

// oneSpike refuses a model whose neurons can emit several spikes in one
// step (XyloSim's hidden neurons): the design's spike lists hold one spike
// per neuron and step. Several are possible when the membrane can reach
// twice the threshold (v ≥ θ after one subtraction).
func oneSpike(m *iir.Model, target string) error {
	if m.MaxSpikes <= 1 || m.Threshold == nil {
		return nil
	}
	var v *iir.Var
	thr := int64(0)
	for _, o := range m.Threshold.Ops {
		switch o.Code {
		case iir.OpLoad:
			v = o.Var
		case iir.OpConst:
			thr = o.Imm
		}
	}
	if v == nil || thr <= 0 || v.Hi < 2*thr {
		return nil
	}
	return fmt.Errorf("population %s: its neurons may emit up to %d spikes a step on %s (%s can reach %d, at least twice the threshold %d), but the Verilog design emits one spike per neuron and step; "+
		"a smaller largest weight onto it raises the threshold's integer above half of %s's range, or run it with `snnc run --profile`", m.Pop, m.MaxSpikes, target, v.Name, v.Hi, thr, v.Name)
}

// phase is one state of the step controller.
type phase struct {
	id   string
	kind string // UPD PROP RST CLR
	pop  *iir.TracePop
	node *node
	proj *iir.TraceProj
	k    int        // projection index
	dend *dendPhase // a dendrite's phase (dendrites.go)
	step int        // SET: the step it acts in
}

// core writes the module: the nodes and index widths, the interface, then
// each part in declaration order.
func (e *emitter) core() error {
	tr := e.tr
	maxSyn := int64(1)
	e.maxN = 1
	e.obase, e.ibase = 0, 0
	for _, tp := range tr.Pops {
		if err := oneSpike(tp.Model, tr.Program.Profile.Name); err != nil {
			return err
		}
		n := &node{name: tp.Name, id: e.ident(tp.Name), size: tp.Size, depth: 1, base: e.obase, pop: tp}
		e.obase += tp.Size
		e.nodes = append(e.nodes, n)
		e.byName[tp.Name] = n
		e.maxN = max(e.maxN, tp.Size)
	}
	for _, ti := range tr.Inputs {
		n := &node{name: ti.Name, id: e.ident(ti.Name), size: ti.Size, depth: 1, input: true, base: e.ibase}
		e.ibase += ti.Size
		e.nodes = append(e.nodes, n)
		e.byName[ti.Name] = n
		e.maxN = max(e.maxN, ti.Size)
	}
	for _, p := range tr.Projs {
		n := e.byName[p.Pre]
		if n == nil || e.byName[p.Post] == nil {
			return fmt.Errorf("projection %s: unknown end", p.Name)
		}
		n.depth = max(n.depth, p.Delay+1)
		maxSyn = max(maxSyn, int64(len(p.Col)), int64(p.NPre)*int64(e.byName[p.Post].size))
	}
	e.dendriteSizes()
	e.iw = ubits(int64(e.maxN))
	e.kw = ubits(maxSyn)
	e.oaw, e.iaw = clog2(max(e.obase, 1)), clog2(max(e.ibase, 1))
	b := &e.b
	fmt.Fprintf(b, "// Generated by snnc (backends/verilog) for target %s: do not edit.\n", tr.Program.Profile.Name)
	fmt.Fprintf(b, "// One time step: UPD (update+threshold per neuron), PROP (one synaptic event per cycle),\n")
	fmt.Fprintf(b, "// TRC/POST (STDP traces, postsynaptic updates), RST (reset per spike), CLR (input spike lists);\n")
	fmt.Fprintf(b, "// see memory_map.json and README.md.\n")
	fmt.Fprintf(b, "`timescale 1ns/1ps\n`default_nettype none\n\n")
	fmt.Fprintf(b, "module %s (\n", Top)
	fmt.Fprintf(b, "    input  wire clk,\n    input  wire rst,\n    input  wire step,\n")
	if e.ibase == 0 { // no spike input: the interface stays, unused
		fmt.Fprintf(b, "    // verilator lint_off UNUSED\n    input  wire in_we,\n    input  wire [%d:0] in_addr,\n    // verilator lint_on UNUSED\n", e.iaw-1)
	} else {
		fmt.Fprintf(b, "    input  wire in_we,\n    input  wire [%d:0] in_addr,\n", e.iaw-1)
	}
	fmt.Fprintf(b, "    output reg  busy,\n    output reg  done,\n    output wire out_valid,\n    output wire [%d:0] out_addr,\n", e.oaw-1)
	fmt.Fprintf(b, "    output reg  [31:0] nstep\n);\n")
	e.phaseList()
	e.memories()
	fmt.Fprintf(b, "%s", readMarker)
	e.propWires()
	e.plasticKernels()
	e.synEvent()
	e.neuronKernels()
	e.dendriteKernels()
	e.readPorts()
	e.outputs()
	e.controller()
	src := b.String()
	b.Reset()
	b.WriteString(strings.Replace(src, readMarker, e.readDecls(), 1))
	return nil
}

// readMarker is where the read registers are declared, once all reads
// are known.
const readMarker = "\n    //@@READS@@\n"

// phaseList lists the step controller's phases in step order and declares
// its registers.
func (e *emitter) phaseList() {
	b, tr := &e.b, e.tr
	// phases
	e.phases = append(e.phases, e.setPhases()...)
	for _, n := range e.nodes {
		if !n.input && n.size > 0 {
			e.phases = append(e.phases, &phase{id: "PH_UPD_" + n.id, kind: "UPD", pop: n.pop, node: n})
		}
	}
	for k, p := range tr.Projs {
		if p.NPre > 0 && e.byName[p.Post].size > 0 {
			if p.Plastic != nil {
				e.phases = append(e.phases, &phase{id: fmt.Sprintf("PH_TRC_%d", k), kind: "TRC", proj: p, k: k, node: e.byName[p.Pre]})
			}
			e.phases = append(e.phases, &phase{id: fmt.Sprintf("PH_PROP_%d", k), kind: "PROP", proj: p, k: k, node: e.byName[p.Pre]})
		}
	}
	for k, p := range tr.Projs {
		if p.Plastic != nil && p.NPre > 0 && e.byName[p.Post].size > 0 {
			e.phases = append(e.phases, &phase{id: fmt.Sprintf("PH_POST_%d", k), kind: "POST", proj: p, k: k, node: e.byName[p.Post]})
		}
	}
	e.phases = append(e.phases, e.modPhases()...)
	e.phases = append(e.phases, e.normPhases()...)
	for _, n := range e.nodes {
		if !n.input && n.size > 0 && n.pop.Model.Reset != nil {
			e.phases = append(e.phases, &phase{id: "PH_RST_" + n.id, kind: "RST", pop: n.pop, node: n})
		}
	}
	e.dendritePhases()
	for _, n := range e.nodes {
		if n.input && n.size > 0 {
			e.phases = append(e.phases, &phase{id: "PH_CLR_" + n.id, kind: "CLR", node: n})
		}
	}
	phw := clog2(len(e.phases) + 2)
	fmt.Fprintf(b, "\n    // step controller\n")
	fmt.Fprintf(b, "    localparam [%d:0] PH_IDLE = %d'd0;\n", phw-1, phw)
	for k, ph := range e.phases {
		fmt.Fprintf(b, "    localparam [%d:0] %s = %d'd%d;\n", phw-1, ph.id, phw, k+1)
	}
	fmt.Fprintf(b, "    localparam [%d:0] PH_FIN = %d'd%d;\n", phw-1, phw, len(e.phases)+1)
	fmt.Fprintf(b, "    reg [%d:0] ph;\n    reg [%d:0] i;\n", phw-1, e.iw-1)
	fmt.Fprintf(b, "    reg [%d:0] cnt; // spikes of the population being updated\n", ubits(int64(e.maxN))-1)
	fmt.Fprintf(b, "    // verilator lint_off UNUSED\n    reg [%d:0] k; // synapse\n    reg [%d:0] j; // target of a dense row\n    reg row;      // walking a row or column\n    // verilator lint_on UNUSED\n", e.kw-1, e.iw-1)
}

// memories declares the state, spike-list and synapse memories, writes
// their images and fills the address map.
func (e *emitter) memories() {
	b, tr := &e.b, e.tr
	// memories
	fmt.Fprintf(b, "\n    // state memories\n")
	for _, n := range e.nodes {
		if n.input || n.size == 0 {
			continue
		}
		mp := MapPop{Name: n.name, Base: n.base, Size: n.size}
		for k, v := range n.pop.Model.Vars {
			id := e.ident("m_" + n.id + "_" + v.Name)
			e.mems[n.name+"/"+v.Name] = id
			e.image(id, v.Width, n.pop.Init[k], v.Signed, fmt.Sprintf("%s.%s (%s)", n.name, v.Name, v.Kind))
			mp.Vars = append(mp.Vars, MapVar{Name: v.Name, Kind: v.Kind.String(), Memory: id, Width: v.Width, Signed: v.Signed, Scale: v.Scale, Offset: v.Offset, Unit: v.Unit, Cleared: v.Cleared})
		}
		e.amap.Populations = append(e.amap.Populations, mp)
	}
	fmt.Fprintf(b, "\n    // spike lists: slot s of node X holds the spikes of a step n with n mod depth = s:\n")
	fmt.Fprintf(b, "    // sc_X[s] of them, ascending neuron indices from sq_X[s*N]\n")
	for _, n := range e.nodes {
		if n.size == 0 {
			continue
		}
		lid, cid := "sq_"+n.id, "sc_"+n.id
		e.used[lid], e.used[cid] = true, true
		silent := !n.input && n.pop.Model.Threshold == nil // never spikes: maybe nothing reads its list (a dendrite's counters)
		// spikes without a reset or a projection from it: maybe nothing reads its list either
		silent = silent || !n.input && n.pop.Model.Reset == nil && !slices.ContainsFunc(tr.Projs, func(p *iir.TraceProj) bool { return p.Pre == n.name })
		if silent {
			fmt.Fprintf(b, "    // verilator lint_off UNUSED\n")
		}
		// an input that only modulates: its count is read, its list not
		unread := n.input && !slices.ContainsFunc(tr.Projs, func(p *iir.TraceProj) bool { return p.Pre == n.name })
		if unread {
			fmt.Fprintf(b, "    // verilator lint_off UNUSEDSIGNAL\n")
		}
		e.image(lid, clog2(n.size), make([]int64, n.depth*n.size), false, fmt.Sprintf("spike list of %s, %d slot(s) of %d", n.name, n.depth, n.size))
		if unread {
			fmt.Fprintf(b, "    // verilator lint_on UNUSEDSIGNAL\n")
		}
		e.image(cid, ubits(int64(n.size)), make([]int64, n.depth), false, fmt.Sprintf("spike count of %s per slot", n.name))
		if silent {
			fmt.Fprintf(b, "    // verilator lint_on UNUSED\n")
		}
		if n.depth > 1 {
			fmt.Fprintf(b, "    reg [%d:0] sl_%s; // slot of the current step\n", clog2(n.depth)-1, n.id)
		}
		if n.input {
			e.amap.Inputs = append(e.amap.Inputs, MapInput{Name: n.name, Base: n.base, Size: n.size, History: lid, Counts: cid})
		} else {
			for k := range e.amap.Populations {
				if e.amap.Populations[k].Name == n.name {
					e.amap.Populations[k].History, e.amap.Populations[k].Counts = lid, cid
				}
			}
		}
	}
	fmt.Fprintf(b, "\n    // synapse memories\n")
	e.wmax = 2
	for k, p := range tr.Projs {
		post := e.byName[p.Post]
		mp := MapProj{Name: p.Name, Pre: p.Pre, Post: p.Post, Port: post.pop.Model.Ports[p.Port].Name, Delay: p.Delay, Storage: "csr", Synapses: len(p.Col)}
		if p.Dense {
			mp.Storage = "dense"
		} else {
			mp.RowPtr, mp.Col = fmt.Sprintf("p%d_rp", k), fmt.Sprintf("p%d_col", k)
			e.image(mp.RowPtr, e.kw, p.RowPtr, false, p.Name+": CSR row pointers")
			cols := make([]int64, max(1, len(p.Col)))
			for s, c := range p.Col {
				cols[s] = int64(c)
			}
			e.image(mp.Col, clog2(max(post.size, 2)), cols, false, p.Name+": CSR targets")
		}
		if p.W != nil {
			lo, hi := int64(0), int64(0)
			for _, w := range p.W {
				lo, hi = min(lo, w), max(hi, w)
			}
			ww := max(need(lo), need(hi))
			e.wmax = max(e.wmax, ww)
			if e.wbits == nil {
				e.wbits = map[int]int{}
			}
			e.wbits[k] = ww
			mp.Weights = fmt.Sprintf("p%d_w", k)
			ws := p.W
			if len(ws) == 0 {
				ws = []int64{0}
			}
			e.image(mp.Weights, ww, ws, true, p.Name+": integer weights")
		} else if p.Plastic == nil {
			w := p.Weight
			mp.Weight = &w
			e.wmax = max(e.wmax, need(w))
		}
		if pl := p.Plastic; pl != nil {
			mp.Plastic = &MapPlastic{Rule: pl.Rule, Frac: pl.Frac,
				W: fmt.Sprintf("p%d_pw", k), Pre: fmt.Sprintf("p%d_px", k), Post: fmt.Sprintf("p%d_py", k),
				ColPtr: fmt.Sprintf("p%d_cp", k), ColSyn: fmt.Sprintf("p%d_cs", k), ColPre: fmt.Sprintf("p%d_cq", k)}
			nz := func(x []int64) []int64 {
				if len(x) == 0 {
					return []int64{0}
				}
				return x
			}
			e.image(mp.Plastic.W, pl.W.Width, nz(p.InitW), false, p.Name+": "+pl.W.Name+" per synapse")
			e.image(mp.Plastic.Pre, pl.Pre.Width, nz(p.InitX), true, p.Name+": "+pl.Pre.Name+" per presynaptic neuron")
			e.image(mp.Plastic.Post, pl.Post.Width, nz(p.InitY), true, p.Name+": "+pl.Post.Name+" per postsynaptic neuron")
			if pl.Pre2 != nil {
				mp.Plastic.Pre2, mp.Plastic.Post2 = fmt.Sprintf("p%d_px2", k), fmt.Sprintf("p%d_py2", k)
				e.image(mp.Plastic.Pre2, pl.Pre2.Width, nz(p.InitX2), true, p.Name+": "+pl.Pre2.Name+" per presynaptic neuron")
				e.image(mp.Plastic.Post2, pl.Post2.Width, nz(p.InitY2), true, p.Name+": "+pl.Post2.Name+" per postsynaptic neuron")
			}
			cp, cs, cq := columns(p, post.size)
			e.image(mp.Plastic.ColPtr, e.kw, cp, false, p.Name+": column pointers (synapses by postsynaptic neuron)")
			e.image(mp.Plastic.ColSyn, e.kw, nz(cs), false, p.Name+": synapse of each column entry")
			e.image(mp.Plastic.ColPre, clog2(max(p.NPre, 2)), nz(cq), false, p.Name+": presynaptic neuron of each column entry")
		}
		e.amap.Projections = append(e.amap.Projections, mp)
	}
	e.dendriteMemories()
}

// propWires declares what a PROP (or POST) cycle reads: the spike due now
// and its row.
func (e *emitter) propWires() {
	b := &e.b
	// the presynaptic neuron of each PROP cycle: entry i of the spike list
	// of the slot d steps back (d: the delay), and its row
	fmt.Fprintf(b, "\n    // PROP: the i-th spike due now and its synapses\n")
	for _, ph := range e.phases {
		if ph.kind != "PROP" {
			continue
		}
		p, pre := ph.proj, ph.node
		d := p.Delay
		slw := clog2(pre.depth)
		rs := e.slot(pre)
		if d > 0 {
			rs = fmt.Sprintf("p%d_slot", ph.k)
			fmt.Fprintf(b, "    wire [%d:0] %s = (sl_%s >= %d'd%d) ? sl_%s - %d'd%d : sl_%s + %d'd%d;\n", slw-1, rs, pre.id, slw, d, pre.id, slw, d, pre.id, slw, pre.depth-d)
		}
		lw := clog2(pre.size)
		fmt.Fprintf(b, "    wire [%d:0] p%d_n = %s;\n", ubits(int64(pre.size))-1, ph.k, e.read("sc_"+pre.id, rs, 1, ph.id))
		fmt.Fprintf(b, "    wire [%d:0] p%d_pre = %s;\n", lw-1, ph.k, e.read("sq_"+pre.id, e.histAddr(pre, rs, "i", e.iw), 1, ph.id))
		if !p.Dense {
			rw := clog2(p.NPre + 1)
			fmt.Fprintf(b, "    wire [%d:0] p%d_i1 = %s + 1'b1;\n", rw-1, ph.k, zext(fmt.Sprintf("p%d_pre", ph.k), lw, rw))
			rp := fmt.Sprintf("p%d_rp", ph.k)
			fmt.Fprintf(b, "    wire [%d:0] p%d_lo = %s;\n    wire [%d:0] p%d_hi = %s;\n", e.kw-1, ph.k, e.read(rp, zext(fmt.Sprintf("p%d_pre", ph.k), lw, rw), 2, ph.id),
				e.kw-1, ph.k, e.read(rp, fmt.Sprintf("p%d_i1", ph.k), 2, ph.id))
		}
	}
	for _, ph := range e.phases {
		if ph.kind != "POST" {
			continue
		}
		post := ph.node
		fmt.Fprintf(b, "    wire [%d:0] p%d_pn = %s;\n", ubits(int64(post.size))-1, ph.k, e.read("sc_"+post.id, e.slot(post), 1, ph.id))
		fmt.Fprintf(b, "    wire [%d:0] p%d_pj = %s;\n", clog2(post.size)-1, ph.k, e.read("sq_"+post.id, e.histAddr(post, e.slot(post), "i", e.iw), 1, ph.id))
	}
}

// plasticKernels emits the STDP rules' kernels of every plastic projection.
func (e *emitter) plasticKernels() {
	b, tr := &e.b, e.tr
	e.g = &kgen{b: b, taps: tr.Taps, lbits: tr.LFSRBits, seed: tr.Seed}
	e.plWrites = map[string][]string{} // kernel id → statements
	e.plOut = map[int]sig{}            // projection → the delivered weight
	plastic := false
	for _, p := range tr.Projs {
		plastic = plastic || p.Plastic != nil
	}
	if plastic {
		fmt.Fprintf(b, "\n    // verilator lint_off WIDTH\n    // verilator lint_off UNUSED\n")
	}
	for _, ph := range e.phases {
		if ph.proj == nil || ph.proj.Plastic == nil || ph.kind != "TRC" {
			continue
		}
		p, pl, k := ph.proj, ph.proj.Plastic, ph.k
		post := e.byName[p.Post]
		pw, px, py := fmt.Sprintf("p%d_pw", k), fmt.Sprintf("p%d_px", k), fmt.Sprintf("p%d_py", k)
		xa, ya, sa := clog2(p.NPre), clog2(post.size), clog2(max(1, len(p.Col)))
		fmt.Fprintf(b, "\n    // %s: %s\n", p.Name, pl.Rule)
		gate := func(name string, w int, phase, expr string) string {
			fmt.Fprintf(b, "    wire [%d:0] %s = (ph == %s) ? %s : %d'd0;\n", w-1, name, phase, expr, w)
			return name
		}
		run := func(pre string, kk *iir.Kernel, bs []bind) *kstate {
			bs = twin(pl, k, kk, bs)
			st := e.bind(e.g, pre, bs)
			e.g.kernel(kk, pre, st)
			e.plWrites[pre] = e.writeback(st, bs)
			return st
		}
		a := gate(fmt.Sprintf("tx%d_a", k), xa, ph.id, zext("i", e.iw, xa))
		run(fmt.Sprintf("tx%d", k), pl.TickPre, []bind{{pl.Pre, px, a, ph.id}})
		a = gate(fmt.Sprintf("ty%d_a", k), ya, ph.id, zext("i", e.iw, ya))
		run(fmt.Sprintf("ty%d", k), pl.TickPost, []bind{{pl.Post, py, a, ph.id}})
		prop, postPh := fmt.Sprintf("PH_PROP_%d", k), fmt.Sprintf("PH_POST_%d", k)
		a = gate(fmt.Sprintf("bx%d_a", k), xa, prop, zext(fmt.Sprintf("p%d_pre", k), clog2(ph.node.size), xa))
		run(fmt.Sprintf("bx%d", k), pl.PreOne, []bind{{pl.Pre, px, a, prop}})
		bxa := a
		tgt := zext("j", e.iw, ya)
		if !p.Dense {
			tgt = zext(e.read(fmt.Sprintf("p%d_col", k), zext("k", e.kw, sa), 1, prop), clog2(max(post.size, 2)), ya)
		}
		wa := gate(fmt.Sprintf("ow%d_a", k), sa, prop, zext("k", e.kw, sa))
		ya2 := gate(fmt.Sprintf("oy%d_a", k), ya, prop, tgt)
		// a gated rule also reads the postsynaptic neuron's gate (never stores it)
		gated := func(bs []bind, addr, phase string) []bind {
			if pl.Gate == nil {
				return bs
			}
			return append(bs, bind{pl.Gate, e.mems[post.name+"/"+pl.Gate.Name], addr, phase})
		}
		st := run(fmt.Sprintf("op%d", k), pl.OnPre, append(gated([]bind{{pl.W, pw, wa, prop}, {pl.Post, py, ya2, prop}}, ya2, prop), own(pl, k, pl.OnPre, true, bxa, prop)...))
		e.plOut[k] = st.vals[pl.OnPre.Out]
		e.wmax = max(e.wmax, e.plOut[k].w)
		a = gate(fmt.Sprintf("by%d_a", k), ya, postPh, fmt.Sprintf("p%d_pj", k))
		run(fmt.Sprintf("by%d", k), pl.PostOne, []bind{{pl.Post, py, a, postPh}})
		wa = gate(fmt.Sprintf("qw%d_a", k), sa, postPh, zext(e.read(fmt.Sprintf("p%d_cs", k), zext("k", e.kw, sa), 1, postPh), e.kw, sa))
		xa2 := gate(fmt.Sprintf("qx%d_a", k), xa, postPh, zext(e.read(fmt.Sprintf("p%d_cq", k), zext("k", e.kw, sa), 1, postPh), clog2(max(p.NPre, 2)), xa))
		run(fmt.Sprintf("oq%d", k), pl.OnPost, append(gated([]bind{{pl.W, pw, wa, postPh}, {pl.Pre, px, xa2, postPh}}, a, postPh), own(pl, k, pl.OnPost, false, a, postPh)...))
		rw := clog2(post.size + 1)
		fmt.Fprintf(b, "    wire [%d:0] p%d_j1 = %s + 1'b1;\n", rw-1, k, zext(fmt.Sprintf("p%d_pj", k), ya, rw))
		cp := fmt.Sprintf("p%d_cp", k)
		fmt.Fprintf(b, "    wire [%d:0] p%d_clo = %s;\n    wire [%d:0] p%d_chi = %s;\n", e.kw-1, k, e.read(cp, zext(fmt.Sprintf("p%d_pj", k), ya, rw), 2, postPh), e.kw-1, k, e.read(cp, fmt.Sprintf("p%d_j1", k), 2, postPh))
		if pl.OnMod != nil {
			e.modKernel(k, p, pl, run)
		}
		if pl.NormEvery > 0 {
			e.normKernel(k, p, pl)
		}
	}
	if plastic {
		fmt.Fprintf(b, "    // verilator lint_on UNUSED\n    // verilator lint_on WIDTH\n")
	}
}

// synEvent declares syn_tgt and syn_w: the target and the integer weight
// of this cycle's synaptic event.
func (e *emitter) synEvent() {
	b := &e.b
	// the synaptic event of the current PROP cycle
	fmt.Fprintf(b, "\n    // the synaptic event of this cycle (PROP phases)\n")
	tw := 1
	for _, ph := range e.phases {
		if ph.kind == "PROP" {
			tw = max(tw, clog2(e.byName[ph.proj.Post].size))
		}
	}
	var tgt, wsel []string
	for _, ph := range e.phases {
		if ph.kind != "PROP" {
			continue
		}
		p := ph.proj
		post := e.byName[p.Post]
		if !p.Dense {
			col := e.read(fmt.Sprintf("p%d_col", ph.k), zext("k", e.kw, clog2(max(1, len(p.Col)))), 1, ph.id)
			tgt = append(tgt, fmt.Sprintf("(ph == %s) ? %s : ", ph.id, zext(col, clog2(max(post.size, 2)), tw)))
		} else {
			tgt = append(tgt, fmt.Sprintf("(ph == %s) ? %s : ", ph.id, zext("j", e.iw, tw)))
		}
		if p.Plastic != nil {
			// the delivered weight, sign-extended to syn_w's width
			fmt.Fprintf(b, "    // verilator lint_off WIDTH\n    wire signed [%d:0] p%d_dw = %s;\n    // verilator lint_on WIDTH\n", e.wmax-1, ph.k, e.plOut[ph.k].name)
			wsel = append(wsel, fmt.Sprintf("(ph == %s) ? p%d_dw : ", ph.id, ph.k))
		} else if p.W != nil {
			// sign-extended to syn_w's width: projections' weight memories differ
			w := e.read(fmt.Sprintf("p%d_w", ph.k), zext("k", e.kw, clog2(max(1, len(p.W)))), 1, ph.id)
			if ww := e.wbits[ph.k]; ww < e.wmax {
				w = fmt.Sprintf("{{%d{%s[%d]}}, %s}", e.wmax-ww, w, ww-1, w)
			}
			wsel = append(wsel, fmt.Sprintf("(ph == %s) ? $signed(%s) : ", ph.id, w))
		} else {
			wsel = append(wsel, fmt.Sprintf("(ph == %s) ? %s : ", ph.id, lit(p.Weight, e.wmax)))
		}
	}
	fmt.Fprintf(b, "    // verilator lint_off UNUSED\n")
	fmt.Fprintf(b, "    wire [%d:0] syn_tgt = %s%d'd0;\n", tw-1, strings.Join(tgt, ""), tw)
	fmt.Fprintf(b, "    wire signed [%d:0] syn_w = %s%s;\n", e.wmax-1, strings.Join(wsel, ""), lit(0, e.wmax))
	fmt.Fprintf(b, "    // verilator lint_on UNUSED\n")
}

// neuronKernels emits the update, threshold, reset and port kernels of
// every population.
func (e *emitter) neuronKernels() {
	b, tr := &e.b, e.tr
	// kernels
	e.writes = map[string][]string{} // phase id → statements
	e.portWrites = map[string][]string{}
	e.drawFunction()
	fmt.Fprintf(b, "\n    // verilator lint_off WIDTH\n    // verilator lint_off UNUSED\n")
	for _, n := range e.nodes {
		if n.input || n.size == 0 {
			continue
		}
		m := n.pop.Model
		aw := clog2(n.size)
		// update + threshold at neuron i
		pre := "u_" + n.id
		fmt.Fprintf(b, "\n    // population %s: update and threshold of neuron i\n", n.name)
		// the address is held outside the phase, so the logic stays quiet
		fmt.Fprintf(b, "    wire [%d:0] %s_a = (ph == PH_UPD_%s) ? i[%d:0] : %d'd0;\n", aw-1, pre, n.id, aw-1, aw)
		st := e.loads(e.g, n, pre, pre+"_a", 1, "PH_UPD_"+n.id)
		for vi, v := range m.Vars {
			if v.Kind == iir.InputVar && v.Cleared {
				sum := lit(0, 2)
				for _, c := range tr.Currents {
					if c.Pop == n.name && c.Var == vi {
						on := fmt.Sprintf("nstep >= 32'd%d", c.Start)
						if c.Stop >= 0 {
							on += fmt.Sprintf(" && nstep < 32'd%d", c.Stop)
						}
						sum += fmt.Sprintf(" + ((%s) ? %s : %s)", on, lit(c.Amp, 2), lit(0, 2))
					}
				}
				st.cur[v] = e.g.def(fmt.Sprintf("%s_clr%d", pre, vi), sw(v.Width, v.Signed), sum)
			}
		}
		if m.Ref != nil {
			c := st.cur[m.Ref]
			st.cur[m.Ref] = e.g.def(pre+"_dec", c.w, fmt.Sprintf("(%s > 0) ? %s - %s : %s", c.name, c.name, lit(1, c.w), c.name))
		}
		e.g.kernel(m.Update, pre+"_u", st)
		e.g.kernel(m.Threshold, pre+"_t", st)
		spk := "1'b0"
		if m.Threshold != nil && m.Threshold.Out != nil {
			spk = fmt.Sprintf("(%s != 0)", st.vals[m.Threshold.Out].name)
		}
		fmt.Fprintf(b, "    wire %s_spk = %s;\n", pre, spk)
		id := "PH_UPD_" + n.id
		e.writes[id] = append(e.stores(n, st, pre+"_a"),
			fmt.Sprintf("if (%s_spk) begin", pre),
			fmt.Sprintf("    sq_%s[%s] <= %s_a;", n.id, e.histAddr(n, e.slot(n), "cnt", ubits(int64(e.maxN))), pre),
			"    cnt <= cnt + 1'b1;",
			"end")
		// reset of neuron i
		if m.Reset != nil {
			pre := "r_" + n.id
			fmt.Fprintf(b, "\n    // population %s: reset of neuron i\n", n.name)
			rst := "PH_RST_" + n.id
			fmt.Fprintf(b, "    wire [%d:0] %s_n = %s;\n", ubits(int64(n.size))-1, pre, e.read("sc_"+n.id, e.slot(n), 1, rst))
			fmt.Fprintf(b, "    wire [%d:0] %s_a = (ph == PH_RST_%s) ? %s : %d'd0;\n", aw-1, pre, n.id, e.read("sq_"+n.id, e.histAddr(n, e.slot(n), "i", e.iw), 1, rst), aw)
			st := e.loads(e.g, n, pre, pre+"_a", 2, rst)
			e.g.kernel(m.Reset, pre+"_r", st)
			ws := e.stores(n, st, pre+"_a")
			e.writes["PH_RST_"+n.id] = ws
		}
		// ports at the event's target
		for pi, pt := range m.Ports {
			pre := fmt.Sprintf("e_%s_%d", n.id, pi)
			fmt.Fprintf(b, "\n    // population %s: port %s at the event's target\n", n.name, pt.Name)
			var on, onPh []string
			for _, ph := range e.phases {
				if ph.kind == "PROP" && ph.proj.Post == n.name && ph.proj.Port == pi {
					on = append(on, "ph == "+ph.id)
					onPh = append(onPh, ph.id)
				}
			}
			if len(on) == 0 { // no projection reaches the port
				fmt.Fprintf(b, "    wire [%d:0] %s_a = %d'd0;\n", aw-1, pre, aw)
			} else {
				fmt.Fprintf(b, "    wire [%d:0] %s_a = (%s) ? syn_tgt[%d:0] : %d'd0;\n", aw-1, pre, strings.Join(on, " || "), aw-1, aw)
			}
			st := e.loads(e.g, n, pre, pre+"_a", 2, onPh...)
			st.weight = sig{"syn_w", e.wmax}
			e.g.kernel(pt.Kernel, pre+"_p", st)
			e.portWrites[n.name+"/"+pt.Name] = e.stores(n, st, pre+"_a")
		}
	}
	fmt.Fprintf(b, "\n    // verilator lint_on UNUSED\n    // verilator lint_on WIDTH\n")
}

// outputs drives out_valid and out_addr.
func (e *emitter) outputs() {
	b := &e.b
	// outputs
	var ov, oa []string
	for _, ph := range e.phases {
		if ph.kind == "UPD" {
			ov = append(ov, fmt.Sprintf("(ph == %s && u_%s_spk)", ph.id, ph.node.id))
			oa = append(oa, fmt.Sprintf("(ph == %s) ? %d'd%d + %s : ", ph.id, e.oaw, ph.node.base, zext("i", e.iw, e.oaw)))
		}
	}
	if len(ov) == 0 {
		ov = []string{"1'b0"}
	}
	fmt.Fprintf(b, "\n    assign out_valid = commit && (%s);\n", strings.Join(ov, " || "))
	fmt.Fprintf(b, "    assign out_addr = %s%d'd0;\n", strings.Join(oa, ""), e.oaw)
}

// controller emits the step controller: one case per phase.
func (e *emitter) controller() {
	b := &e.b
	// the controller
	for _, n := range e.nodes {
		if n.input && n.size > 0 && n.base > 0 {
			// the address within the input; its high bits are zero while in range
			fmt.Fprintf(b, "    // verilator lint_off UNUSEDSIGNAL\n    wire [%d:0] in_local_%s = in_addr - %d'd%d;\n    // verilator lint_on UNUSEDSIGNAL\n", e.iaw-1, n.id, e.iaw, n.base)
		}
		if n.input && n.size > 0 {
			e.used["in_n_"+n.id] = true
			fmt.Fprintf(b, "    reg [%d:0] in_n_%s; // spikes written so far this step\n", ubits(int64(n.size))-1, n.id)
		}
	}
	fmt.Fprintf(b, "\n    // phases other than IDLE act at commit, the last clock of a logical cycle\n")
	fmt.Fprintf(b, "    always @(posedge clk) begin\n        done <= 1'b0;\n        if (rst) begin\n")
	fmt.Fprintf(b, "            ph <= PH_IDLE;\n            busy <= 1'b0;\n            nstep <= 32'd0;\n            i <= %d'd0;\n            k <= %d'd0;\n            j <= %d'd0;\n            row <= 1'b0;\n            cnt <= %d'd0;\n", e.iw, e.kw, e.iw, ubits(int64(e.maxN)))
	for _, n := range e.nodes {
		if n.size > 0 && n.depth > 1 {
			fmt.Fprintf(b, "            sl_%s <= %d'd0;\n", n.id, clog2(n.depth))
		}
	}
	for _, n := range e.nodes {
		if n.input && n.size > 0 {
			fmt.Fprintf(b, "            in_n_%s <= %d'd0;\n", n.id, ubits(int64(n.size)))
		}
	}
	for _, l := range e.dendriteResets() {
		fmt.Fprintf(b, "            %s\n", l)
	}
	fmt.Fprintf(b, "        end else if (ph == PH_IDLE) begin\n")
	for _, n := range e.nodes {
		if n.input && n.size > 0 {
			cond := []string{"in_we"}
			if n.base > 0 {
				cond = append(cond, fmt.Sprintf("in_addr >= %d'd%d", e.iaw, n.base))
			}
			if n.base+n.size < 1<<uint(e.iaw) {
				cond = append(cond, fmt.Sprintf("in_addr < %d'd%d", e.iaw, n.base+n.size))
			}
			local := "in_addr"
			if n.base > 0 {
				local = fmt.Sprintf("in_local_%s", n.id)
			}
			fmt.Fprintf(b, "                if (%s) begin\n", strings.Join(cond, " && "))
			fmt.Fprintf(b, "                    sq_%s[%s] <= %s;\n", n.id, e.histAddr(n, e.slot(n), fmt.Sprintf("in_n_%s", n.id), ubits(int64(n.size))), zext(local, e.iaw, clog2(n.size)))
			fmt.Fprintf(b, "                    sc_%s[%s] <= in_n_%s + 1'b1;\n                    in_n_%s <= in_n_%s + 1'b1;\n                end\n", n.id, e.slot(n), n.id, n.id, n.id)
		}
	}
	first := "PH_FIN"
	if len(e.phases) > 0 {
		first = e.phases[0].id
	}
	fmt.Fprintf(b, "                if (step) begin\n                    ph <= %s;\n                    busy <= 1'b1;\n                    i <= %d'd0;\n", first, e.iw)
	for _, n := range e.nodes {
		if n.input && n.size > 0 {
			fmt.Fprintf(b, "                    in_n_%s <= %d'd0;\n", n.id, ubits(int64(n.size)))
		}
	}
	fmt.Fprintf(b, "                end\n        end else if (commit) begin\n            case (ph)\n")
	for k, ph := range e.phases {
		next := "PH_FIN"
		if k+1 < len(e.phases) {
			next = e.phases[k+1].id
		}
		fmt.Fprintf(b, "            %s: begin\n", ph.id)
		switch ph.kind {
		case "UPD":
			e.ctlUpdate(ph, next)
		case "RST":
			e.ctlReset(ph, next)
		case "CLR":
			e.ctlClear(ph, next)
		case "PROP":
			e.ctlProp(ph, next)
		case "TRC":
			e.ctlTrace(ph, next)
		case "POST":
			e.ctlPost(ph, next)
		case "DACT", "DSEG", "DCLR", "DLRN", "DCNT":
			e.ctlDendrite(ph, next)
		case "SET":
			e.ctlSet(ph, next)
		case "MOD":
			e.ctlMod(ph, next)
		case "NORM":
			e.ctlNorm(ph, next)
		}
		fmt.Fprintf(b, "            end\n")
	}
	fmt.Fprintf(b, "            PH_FIN: begin\n                ph <= PH_IDLE;\n                busy <= 1'b0;\n                done <= 1'b1;\n                nstep <= nstep + 1'b1;\n")
	for _, n := range e.nodes {
		if n.size > 0 && n.depth > 1 {
			fmt.Fprintf(b, "                sl_%s <= (sl_%s == %d'd%d) ? %d'd0 : sl_%s + 1'b1;\n", n.id, n.id, clog2(n.depth), n.depth-1, clog2(n.depth), n.id)
		}
	}
	fmt.Fprintf(b, "            end\n            default: ph <= PH_IDLE;\n            endcase\n        end\n    end\nendmodule\n\n`default_nettype wire\n")
}

// ctlUpdate emits the population update phase: one neuron per clock, counting its spikes.
func (e *emitter) ctlUpdate(ph *phase, next string) {
	b, ind := &e.b, "                "
	n := ph.node
	for _, w := range e.writes[ph.id] {
		fmt.Fprintf(b, "%s%s\n", ind, w)
	}
	cw := ubits(int64(e.maxN))
	fmt.Fprintf(b, "%sif (i == %d'd%d) begin\n%s    sc_%s[%s] <= %s + %s;\n%s    cnt <= %d'd0;\n%s    i <= %d'd0;\n%s    ph <= %s;\n%send else\n%s    i <= i + 1'b1;\n",
		ind, e.iw, n.size-1, ind, n.id, e.slot(n), zext("cnt", cw, ubits(int64(n.size))), zext("u_"+n.id+"_spk", 1, ubits(int64(n.size))), ind, cw, ind, e.iw, ind, next, ind, ind)
}

// ctlReset emits the reset phase: one spiking neuron per clock.
func (e *emitter) ctlReset(ph *phase, next string) {
	b, ind := &e.b, "                "
	n := ph.node
	fmt.Fprintf(b, "%sif (i == %s) begin\n%s    i <= %d'd0;\n%s    ph <= %s;\n%send else begin\n", ind, zext("r_"+n.id+"_n", ubits(int64(n.size)), e.iw), ind, e.iw, ind, next, ind)
	for _, w := range e.writes[ph.id] {
		fmt.Fprintf(b, "%s    %s\n", ind, w)
	}
	fmt.Fprintf(b, "%s    i <= i + 1'b1;\n%send\n", ind, ind)
}

// ctlClear emits the phase that starts the next step's list of input spikes.
func (e *emitter) ctlClear(ph *phase, next string) {
	b, ind := &e.b, "                "
	// the next step's input spikes start a new list
	n := ph.node
	nx := e.slot(n)
	if n.depth > 1 {
		nx = fmt.Sprintf("((sl_%s == %d'd%d) ? %d'd0 : sl_%s + 1'b1)", n.id, clog2(n.depth), n.depth-1, clog2(n.depth), n.id)
	}
	fmt.Fprintf(b, "%ssc_%s[%s] <= %d'd0;\n%sph <= %s;\n", ind, n.id, nx, ubits(int64(n.size)), ind, next)
}

// ctlProp emits a projection's propagation: per presynaptic spike, its row of synapses, one per clock.
func (e *emitter) ctlProp(ph *phase, next string) {
	b, ind := &e.b, "                "
	p := ph.proj
	post := e.byName[p.Post]
	pw := e.portWrites[p.Post+"/"+post.pop.Model.Ports[p.Port].Name]
	if p.Plastic != nil {
		pw = append(pw, e.plWrites[fmt.Sprintf("op%d", ph.k)]...)
	}
	start := fmt.Sprintf("p%d_lo != p%d_hi", ph.k, ph.k)
	if p.Dense {
		start = "1'b1"
	}
	fmt.Fprintf(b, "%sif (!row) begin\n", ind)
	fmt.Fprintf(b, "%s    if (i == %s) begin\n%s        i <= %d'd0;\n%s        ph <= %s;\n%s    end else begin\n", ind,
		zext(fmt.Sprintf("p%d_n", ph.k), ubits(int64(ph.node.size)), e.iw), ind, e.iw, ind, next, ind)
	for _, w := range e.plWrites[fmt.Sprintf("bx%d", ph.k)] {
		fmt.Fprintf(b, "%s        %s\n", ind, w)
	}
	fmt.Fprintf(b, "%s        if (%s) begin\n%s            row <= 1'b1;\n", ind, start, ind)
	if p.Dense {
		fmt.Fprintf(b, "%s            j <= %d'd0;\n%s            k <= %s * %d'd%d;\n", ind, e.iw, ind, zext(fmt.Sprintf("p%d_pre", ph.k), clog2(ph.node.size), e.kw), e.kw, post.size)
	} else {
		fmt.Fprintf(b, "%s            k <= p%d_lo;\n", ind, ph.k)
	}
	fmt.Fprintf(b, "%s        end else\n%s            i <= i + 1'b1;\n%s    end\n%send else begin\n", ind, ind, ind, ind)
	for _, w := range pw {
		fmt.Fprintf(b, "%s    %s\n", ind, w)
	}
	last := fmt.Sprintf("k + 1'b1 == p%d_hi", ph.k)
	if p.Dense {
		last = fmt.Sprintf("j == %d'd%d", e.iw, post.size-1)
	}
	fmt.Fprintf(b, "%s    k <= k + 1'b1;\n%s    j <= j + 1'b1;\n%s    if (%s) begin\n%s        row <= 1'b0;\n%s        i <= i + 1'b1;\n%s    end\n%send\n",
		ind, ind, ind, last, ind, ind, ind, ind)
}

// ctlTrace emits the decay of an STDP rule's traces, one pre and one post neuron per clock.
func (e *emitter) ctlTrace(ph *phase, next string) {
	b, ind := &e.b, "                "
	p := ph.proj
	npost := e.byName[p.Post].size
	for _, x := range []struct {
		n   int
		key string
	}{{p.NPre, "tx"}, {npost, "ty"}} {
		fmt.Fprintf(b, "%sif (i < %d'd%d) begin\n", ind, e.iw, x.n)
		for _, w := range e.plWrites[fmt.Sprintf("%s%d", x.key, ph.k)] {
			fmt.Fprintf(b, "%s    %s\n", ind, w)
		}
		fmt.Fprintf(b, "%send\n", ind)
	}
	fmt.Fprintf(b, "%sif (i == %d'd%d) begin\n%s    i <= %d'd0;\n%s    ph <= %s;\n%send else\n%s    i <= i + 1'b1;\n",
		ind, e.iw, max(p.NPre, npost)-1, ind, e.iw, ind, next, ind, ind)
}

// ctlPost emits an STDP rule's postsynaptic updates: per spiking neuron, its column of synapses.
func (e *emitter) ctlPost(ph *phase, next string) {
	b, ind := &e.b, "                "
	npost := ph.node.size
	fmt.Fprintf(b, "%sif (!row) begin\n", ind)
	fmt.Fprintf(b, "%s    if (i == %s) begin\n%s        i <= %d'd0;\n%s        ph <= %s;\n", ind, zext(fmt.Sprintf("p%d_pn", ph.k), ubits(int64(npost)), e.iw), ind, e.iw, ind, next)
	fmt.Fprintf(b, "%s    end else begin\n", ind)
	for _, w := range e.plWrites[fmt.Sprintf("by%d", ph.k)] {
		fmt.Fprintf(b, "%s        %s\n", ind, w)
	}
	fmt.Fprintf(b, "%s        if (p%d_clo != p%d_chi) begin\n%s            row <= 1'b1;\n%s            k <= p%d_clo;\n%s        end else\n%s            i <= i + 1'b1;\n",
		ind, ph.k, ph.k, ind, ind, ph.k, ind, ind)
	fmt.Fprintf(b, "%s    end\n%send else begin\n", ind, ind)
	for _, w := range e.plWrites[fmt.Sprintf("oq%d", ph.k)] {
		fmt.Fprintf(b, "%s    %s\n", ind, w)
	}
	fmt.Fprintf(b, "%s    k <= k + 1'b1;\n%s    if (k + 1'b1 == p%d_chi) begin\n%s        row <= 1'b0;\n%s        i <= i + 1'b1;\n%s    end\n%send\n",
		ind, ind, ph.k, ind, ind, ind, ind)
}

// zext widens an unsigned expression of width from to width to.
func zext(x string, from, to int) string {
	if from == to {
		return x
	}
	if from > to {
		return fmt.Sprintf("%s[%d:0]", x, to-1)
	}
	return fmt.Sprintf("{%d'd0, %s}", to-from, x)
}

// slot is the current slot of n's spike list.
func (e *emitter) slot(n *node) string {
	if n.depth == 1 {
		return "1'b0"
	}
	return "sl_" + n.id
}

// histAddr is the address of neuron idx (an unsigned expression of idxw
// bits) in slot (an expression) of n's history.
func (e *emitter) histAddr(n *node, slot, idx string, idxw int) string {
	if n.depth == 1 {
		return zext(idx, idxw, clog2(n.size))
	}
	hw := clog2(n.depth * n.size)
	return fmt.Sprintf("%s * %d'd%d + %s", zext(slot, clog2(n.depth), hw), hw, n.size, zext(idx, idxw, hw))
}

// loads reads every variable of n at address a into the kernel state.
func (e *emitter) loads(g *kgen, n *node, pre, a string, level int, phases ...string) *kstate {
	m := n.pop.Model
	st := &kstate{cur: map[*iir.Var]sig{}, loaded: map[*iir.Var]sig{}, ref: m.Ref, vals: map[*iir.Op]sig{}, idx: zext(a, clog2(n.size), 32)}
	for k, v := range m.Vars {
		mem := e.mems[n.name+"/"+v.Name]
		if v.Kind == iir.LFSRVar {
			st.lfsr0 = fmt.Sprintf("%s_lfsr", pre)
			fmt.Fprintf(g.b, "    wire [%d:0] %s = %s;\n", v.Width-1, st.lfsr0, e.read(mem, a, level, phases...))
			st.lfsr = st.lfsr0
			continue
		}
		name := fmt.Sprintf("%s_v%d", pre, k)
		rd := e.read(mem, a, level, phases...)
		if v.Signed {
			st.cur[v] = g.def(name, v.Width, rd)
		} else {
			st.cur[v] = g.def(name, v.Width+1, fmt.Sprintf("{1'b0, %s}", rd))
		}
		st.loaded[v] = st.cur[v]
	}
	return st
}

// stores are the memory writes of the variables a kernel chain changed.
func (e *emitter) stores(n *node, st *kstate, a string) []string {
	var out []string
	for _, v := range n.pop.Model.Vars {
		mem := e.mems[n.name+"/"+v.Name]
		if v.Kind == iir.LFSRVar {
			if st.lfsr != st.lfsr0 {
				out = append(out, fmt.Sprintf("%s[%s] <= %s;", mem, a, st.lfsr))
			}
			continue
		}
		if c := st.cur[v]; c != st.loaded[v] {
			out = append(out, fmt.Sprintf("%s[%s] <= %s[%d:0];", mem, a, c.name, v.Width-1))
		}
	}
	return out
}

// bind is a variable read from (and written back to) a memory at an
// address.
type bind struct {
	v     *iir.Var
	mem   string
	addr  string
	phase string // the phase it is read in
}

// bind loads the bound variables into a kernel state.
func (e *emitter) bind(g *kgen, pre string, bs []bind) *kstate {
	st := &kstate{cur: map[*iir.Var]sig{}, loaded: map[*iir.Var]sig{}, vals: map[*iir.Op]sig{}}
	for k, x := range bs {
		name := fmt.Sprintf("%s_v%d", pre, k)
		rd := e.read(x.mem, x.addr, 2, x.phase)
		if x.v.Signed {
			st.cur[x.v] = g.def(name, x.v.Width, rd)
		} else {
			st.cur[x.v] = g.def(name, x.v.Width+1, fmt.Sprintf("{1'b0, %s}", rd))
		}
		st.loaded[x.v] = st.cur[x.v]
	}
	return st
}

// writeback is the memory writes of the bound variables a kernel changed.
func (e *emitter) writeback(st *kstate, bs []bind) []string {
	var out []string
	for _, x := range bs {
		if c := st.cur[x.v]; c != st.loaded[x.v] {
			out = append(out, fmt.Sprintf("%s[%s] <= %s[%d:0];", x.mem, x.addr, c.name, x.v.Width-1))
		}
	}
	return out
}

// columns indexes a projection's synapses by postsynaptic neuron, in the
// simulator's order (presynaptic index, then row order): column pointers,
// the synapse and the presynaptic neuron of each entry.
func columns(p *iir.TraceProj, npost int) (ptr, syn, pre []int64) {
	ptr = make([]int64, npost+1)
	for _, j := range p.Col {
		ptr[j+1]++
	}
	for j := 0; j < npost; j++ {
		ptr[j+1] += ptr[j]
	}
	syn = make([]int64, len(p.Col))
	pre = make([]int64, len(p.Col))
	next := append([]int64(nil), ptr[:npost]...)
	for i := 0; i < p.NPre; i++ {
		for s := p.RowPtr[i]; s < p.RowPtr[i+1]; s++ {
			j := p.Col[s]
			syn[next[j]], pre[next[j]] = s, int64(i)
			next[j]++
		}
	}
	return ptr, syn, pre
}
