package verilog

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Device is an FPGA the flow places and routes for: the open iCE40
// toolchain (yosys synth_ice40, nextpnr-ice40, icepack).
type Device struct {
	Name    string // the --fpga value
	Flag    string // nextpnr-ice40's device flag
	Package string
	LCs     int // logic cells
	BRAMs   int // SB_RAM40_4K blocks of 4 kbit
	DSPs    int // SB_MAC16 multipliers (synth_ice40 -dsp maps products to them)
}

// Devices are the iCE40 parts --fpga accepts.
var Devices = []Device{
	{Name: "ice40-hx8k", Flag: "--hx8k", Package: "ct256", LCs: 7680, BRAMs: 32},
	{Name: "ice40-up5k", Flag: "--up5k", Package: "sg48", LCs: 5280, BRAMs: 30, DSPs: 8},
	{Name: "ice40-hx1k", Flag: "--hx1k", Package: "tq144", LCs: 1280, BRAMs: 16},
}

// LookupDevice finds a device by its --fpga name.
func LookupDevice(name string) (Device, error) {
	var names []string
	for _, d := range Devices {
		if d.Name == name {
			return d, nil
		}
		names = append(names, d.Name)
	}
	return Device{}, fmt.Errorf("unknown FPGA %q (known: %s)", name, strings.Join(names, ", "))
}

// FPGATop is the module the FPGA flow synthesizes: the core without
// nstep, so that the pins fit small packages (the UP5K's SG48 has 39).
const FPGATop = "snn_fpga"

// FPGAReport is what place and route reports.
type FPGAReport struct {
	Device    Device
	LCs       int     // logic cells used (LUT and/or flip-flop)
	BRAMs     int     // block RAMs used
	DSPs      int     // DSP multipliers used
	IOs       int     // pins used
	FmaxMHz   float64 // the clock's achieved frequency (nextpnr's timing analysis)
	Bitstream string  // path of the icepack output
}

// String is a one-line report.
func (r *FPGAReport) String() string {
	dsp := ""
	if r.Device.DSPs > 0 {
		dsp = fmt.Sprintf("%d/%d DSPs, ", r.DSPs, r.Device.DSPs)
	}
	return fmt.Sprintf("%s: %d/%d logic cells, %d/%d block RAMs, %s%d pins, Fmax %.1f MHz, bitstream %s",
		r.Device.Name, r.LCs, r.Device.LCs, r.BRAMs, r.Device.BRAMs, dsp, r.IOs, r.FmaxMHz, r.Bitstream)
}

// FPGACommands are the commands of the flow, run in the design's
// directory (the Makefile's fpga target runs the same).
func FPGACommands(dev Device) [][]string {
	dsp := ""
	if dev.DSPs > 0 {
		dsp = "-dsp "
	}
	return [][]string{
		{"yosys", "-q", "-l", "yosys_ice40.log", "-p", "read_verilog -D SYNTHESIS " + Top + ".v " + FPGATop + ".v; synth_ice40 " + dsp + "-top " + FPGATop + " -json " + FPGATop + ".json"},
		{"nextpnr-ice40", dev.Flag, "--package", dev.Package, "--json", FPGATop + ".json", "--asc", FPGATop + ".asc",
			"--pcf-allow-unconstrained", "--seed", "1", "--report", "nextpnr_report.json", "-q", "-l", "nextpnr.log"},
		{"icepack", FPGATop + ".asc", FPGATop + ".bin"},
	}
}

// FPGA runs synthesis for the iCE40 (yosys synth_ice40), place and route
// (nextpnr-ice40, pins left to the placer) and bitstream packing
// (icepack) on the design written in dir, and reads the utilisation and
// Fmax from nextpnr's report.
func FPGA(dir string, dev Device) (*FPGAReport, error) {
	for _, tool := range []string{"yosys", "nextpnr-ice40", "icepack"} {
		if _, err := exec.LookPath(tool); err != nil {
			return nil, fmt.Errorf("--fpga needs %s: apt-get install -y yosys nextpnr-ice40 fpga-icestorm", tool)
		}
	}
	for _, f := range []string{FPGATop + ".bin", "nextpnr_report.json"} {
		os.Remove(filepath.Join(dir, f)) // a stale result must not pass for this run's
	}
	for _, args := range FPGACommands(dev) {
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			msg := string(out)
			if len(msg) > 4000 {
				msg = "..." + msg[len(msg)-4000:]
			}
			return nil, fmt.Errorf("%s failed (%v); log in %s:\n%s", args[0], err, dir, msg)
		}
	}
	js, err := os.ReadFile(filepath.Join(dir, "nextpnr_report.json"))
	if err != nil {
		return nil, err
	}
	r, err := ParseNextpnrReport(js)
	if err != nil {
		return nil, err
	}
	r.Device = dev
	r.Bitstream = filepath.Join(dir, FPGATop+".bin")
	if st, err := os.Stat(r.Bitstream); err != nil || st.Size() == 0 {
		return nil, fmt.Errorf("icepack wrote no bitstream %s", r.Bitstream)
	}
	return r, nil
}

// ParseNextpnrReport reads nextpnr's --report JSON: the utilisation of
// logic cells, block RAMs and pins, and the clock's achieved frequency.
func ParseNextpnrReport(js []byte) (*FPGAReport, error) {
	var rep struct {
		Fmax map[string]struct {
			Achieved   float64 `json:"achieved"`
			Constraint float64 `json:"constraint"`
		} `json:"fmax"`
		Utilization map[string]struct {
			Used      int `json:"used"`
			Available int `json:"available"`
		} `json:"utilization"`
	}
	if err := json.Unmarshal(js, &rep); err != nil {
		return nil, fmt.Errorf("nextpnr report: %v", err)
	}
	r := &FPGAReport{}
	r.LCs = rep.Utilization["ICESTORM_LC"].Used
	r.BRAMs = rep.Utilization["ICESTORM_RAM"].Used
	r.IOs = rep.Utilization["SB_IO"].Used
	r.DSPs = rep.Utilization["ICESTORM_DSP"].Used
	for name, f := range rep.Fmax {
		if strings.Contains(name, "clk") {
			r.FmaxMHz = f.Achieved
		}
	}
	if r.LCs == 0 || r.FmaxMHz == 0 {
		return nil, fmt.Errorf("nextpnr report without logic cells or the clock's Fmax")
	}
	return r, nil
}

// fpgaTop is the FPGA wrapper: the core's ports but nstep.
func (e *emitter) fpgaTop() string {
	var b strings.Builder
	fmt.Fprintf(&b, "// Generated by snnc (backends/verilog): the top of the FPGA flow (make fpga):\n")
	fmt.Fprintf(&b, "// %s without its step counter, so that the pins fit small packages.\n", Top)
	fmt.Fprintf(&b, "`default_nettype none\n\nmodule %s (\n", FPGATop)
	fmt.Fprintf(&b, "    input  wire clk,\n    input  wire rst,\n    input  wire step,\n    input  wire in_we,\n    input  wire [%d:0] in_addr,\n", e.iaw-1)
	fmt.Fprintf(&b, "    output wire busy,\n    output wire done,\n    output wire out_valid,\n    output wire [%d:0] out_addr\n);\n", e.oaw-1)
	fmt.Fprintf(&b, "    // verilator lint_off UNUSEDSIGNAL\n    wire [31:0] nstep;\n    // verilator lint_on UNUSEDSIGNAL\n")
	fmt.Fprintf(&b, "    %s core (.clk(clk), .rst(rst), .step(step), .in_we(in_we), .in_addr(in_addr),\n        .busy(busy), .done(done), .out_valid(out_valid), .out_addr(out_addr), .nstep(nstep));\n", Top)
	fmt.Fprintf(&b, "endmodule\n\n`default_nettype wire\n")
	return b.String()
}

// makefile runs the design's tools: simulation, lint, generic synthesis
// and the iCE40 flow (DEVICE and PACKAGE choose the part).
func (e *emitter) makefile() string {
	d := Devices[0]
	var b strings.Builder
	fmt.Fprintf(&b, "# Generated by snnc (backends/verilog): the tools on this design.\n")
	fmt.Fprintf(&b, "#   make sim     Icarus Verilog co-simulation, compared with expected_spikes.txt\n")
	fmt.Fprintf(&b, "#   make lint    verilator --lint-only -Wall\n")
	fmt.Fprintf(&b, "#   make synth   yosys generic synthesis (synth.ys)\n")
	fmt.Fprintf(&b, "#   make fpga    iCE40: yosys synth_ice40, nextpnr-ice40 (pins unconstrained:\n")
	fmt.Fprintf(&b, "#                add --pcf FILE for a board), icepack -> %s.bin\n", FPGATop)
	fmt.Fprintf(&b, "#                DEVICE=up5k PACKAGE=sg48 for an UP5K (default: hx8k ct256);\n")
	fmt.Fprintf(&b, "#                on a part with DSPs (up5k) synth_ice40 maps products to them (-dsp)\n")
	fmt.Fprintf(&b, "DEVICE  ?= %s\nPACKAGE ?= %s\n", strings.TrimPrefix(d.Flag, "--"), d.Package)
	var withDSP []string
	for _, dev := range Devices {
		if dev.DSPs > 0 {
			withDSP = append(withDSP, strings.TrimPrefix(dev.Flag, "--"))
		}
	}
	fmt.Fprintf(&b, "DSP     ?= $(if $(filter %s,$(DEVICE)),-dsp )\n\n", strings.Join(withDSP, " "))
	fmt.Fprintf(&b, ".PHONY: sim lint synth fpga\n\n")
	fmt.Fprintf(&b, "sim:\n\tiverilog -g2005 -o sim tb.v %s.v && vvp -n sim\n\tdiff output_spikes.txt expected_spikes.txt\n\n", Top)
	fmt.Fprintf(&b, "lint:\n\tverilator --lint-only -Wall %s.v\n\n", Top)
	fmt.Fprintf(&b, "synth:\n\tyosys -s synth.ys\n\n")
	nodsp := d
	nodsp.DSPs = 0 // -dsp comes from $(DSP)
	cmds := FPGACommands(nodsp)
	cmds[0][len(cmds[0])-1] = strings.Replace(cmds[0][len(cmds[0])-1], "synth_ice40 ", "synth_ice40 $(DSP)", 1)
	q := func(args []string) string {
		var out []string
		for _, a := range args {
			switch {
			case a == d.Flag:
				a = "--$(DEVICE)"
			case a == d.Package:
				a = "$(PACKAGE)"
			case strings.ContainsAny(a, " ;"):
				a = "'" + a + "'"
			}
			out = append(out, a)
		}
		return strings.Join(out, " ")
	}
	fmt.Fprintf(&b, "fpga: %s.bin\n\n%s.json: %s.v %s.v\n\t%s\n\n", FPGATop, FPGATop, Top, FPGATop, q(cmds[0]))
	fmt.Fprintf(&b, "%s.asc: %s.json\n\t%s\n\n%s.bin: %s.asc\n\t%s\n", FPGATop, FPGATop, q(cmds[1]), FPGATop, FPGATop, q(cmds[2]))
	return b.String()
}

// StepClocks are the clocks the core is busy in each step of the trace
// (what the testbench counts): the logical cycles of the controller's
// phases, each ClocksPerCycle clocks. Per step: N per population update;
// per projection, one per presynaptic spike due (d steps back), one per
// synaptic event of its rows and one to finish; an STDP projection's trace
// decay max(N_pre, N_post) and its postsynaptic phase like propagation
// over columns; a reset one per spike and one; one per input list clear;
// one to finish the step; the segment dendrites' (dendriteCycles). A
// learning dendrite's phases (dendrite_learn.go) are not counted: their
// cycles depend on what the segments hold and learn, so for a design with
// one the figure is a lower bound.
func (d *Design) StepClocks() []int64 {
	tr := d.Trace
	spikes := map[string][][]int32{}
	size := map[string]int{}
	for _, p := range tr.Pops {
		spikes[p.Name], size[p.Name] = p.Spikes, p.Size
	}
	for _, in := range tr.Inputs {
		spikes[in.Name], size[in.Name] = in.Spikes, in.Size
	}
	at := func(node string, n int) []int32 {
		if n < 0 || n >= len(spikes[node]) {
			return nil
		}
		return spikes[node][n]
	}
	cols := make([][]int64, len(tr.Projs)) // synapses per postsynaptic neuron
	for k, p := range tr.Projs {
		if p.Plastic != nil {
			c := make([]int64, size[p.Post])
			for _, j := range p.Col {
				c[j]++
			}
			cols[k] = c
		}
	}
	out := make([]int64, tr.Steps)
	for n := range out {
		var c int64 = 1 // PH_FIN
		for _, p := range tr.Pops {
			if p.Size == 0 {
				continue
			}
			c += int64(p.Size)
			if p.Model.Reset != nil {
				c += int64(len(at(p.Name, n))) + 1
			}
		}
		for _, in := range tr.Inputs {
			if in.Size > 0 {
				c++ // CLR
			}
		}
		for k, p := range tr.Projs {
			npost := size[p.Post]
			if p.NPre == 0 || npost == 0 {
				continue
			}
			due := at(p.Pre, n-p.Delay)
			c += int64(len(due)) + 1
			for _, i := range due {
				if p.Dense {
					c += int64(npost)
				} else {
					c += p.RowPtr[i+1] - p.RowPtr[i]
				}
			}
			if p.Plastic != nil {
				c += int64(max(p.NPre, npost))
				post := at(p.Post, n)
				c += int64(len(post)) + 1
				for _, j := range post {
					c += cols[k][j]
				}
			}
		}
		c += dendriteCycles(tr, n, at)
		out[n] = c * int64(d.ClocksPerCycle)
	}
	return out
}
