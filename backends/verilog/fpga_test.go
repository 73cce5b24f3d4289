package verilog_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/snnc/snnc/backends/verilog"
)

// fpgaNet is a small xylo network (bit-shift decays, no multiplier) whose
// state, spike-list and synapse memories are large enough for yosys to
// put them in block RAM: 64 neurons, a Poisson input, recurrent CSR
// synapses with per-synapse weights and a delay.
const fpgaNet = `neuron XyloLIF {
    parameters {
        tau_syn = 8 ms
        tau_mem = 16 ms
        v_th    = 10 mV
    }
    state {
        i_syn = 0 mV
        v     = 0 mV
    }
    equations {
        method exact
        i_syn' = -i_syn / tau_syn
        v'     = (i_syn - v) / tau_mem
    }
    inputs {
        exc: i_syn += weight
    }
    on threshold v > v_th {
        v = 0 mV
    }
}

network Net {
    dt = 1 ms
    seed = 4
    input In = poisson(32, rate = 100 Hz)
    population P = XyloLIF[64]
    project In -> P : exc { connect = bernoulli(0.3)  weight = uniform(2, 9) * 1 mV }
    project P -> P : exc { connect = bernoulli(0.1)  weight = uniform(-6, 6) * 1 mV  delay = 2 ms }
    record spikes(P)
}

run Net for 40 ms
`

// tbCycles is the busy-cycle count the testbench prints.
func tbCycles(t *testing.T, dir string) int64 {
	t.Helper()
	cmd := exec.Command("vvp", "-n", "sim")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("vvp: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`(\d+) steps, (\d+) cycles`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("no cycle count in the testbench output:\n%s", out)
	}
	n, _ := strconv.ParseInt(string(m[2]), 10, 64)
	return n
}

// TestStepClocks: the clocks per step that the real-time factor of the
// FPGA report uses, counted from the trace, are those the testbench
// counts while the core is busy (plain, delayed and STDP projections,
// segment dendrites).
func TestStepClocks(t *testing.T) {
	needTools(t)
	for _, c := range []struct{ name, src, file, target string }{
		{name: "small", file: "../../testdata/verilog/small.snn", target: "q16"},
		{name: "fpga", src: fpgaNet, target: "xylo"},
		{name: "stdp", file: "../../testdata/fixed/stdp.snn", target: "q16"},
		{name: "segments", file: "../../testdata/fixed/segments.snn", target: "q16"},
		{name: "dendrite", file: "../../testdata/fixed/soundness/dendrite.snn", target: "q16"},
	} {
		p := compileSrc(t, c.name+".snn", c.src)
		if c.file != "" {
			p = compileFile(t, c.file)
		}
		d := design(t, p, c.target, 0, 3)
		dir := iverilog(t, d)
		compare(t, d, dir)
		var sum int64
		for _, x := range d.StepClocks() {
			sum += x
		}
		if got := tbCycles(t, dir); got != sum || sum == 0 {
			t.Errorf("%s: the testbench counts %d busy clocks, StepClocks %d", c.name, got, sum)
		}
	}
}

// TestFPGAFlow runs the real iCE40 flow on a small model: yosys
// synth_ice40, nextpnr-ice40 for an UP5K, icepack. Synthesis or place and
// route failing, no bitstream, or memories left in logic fail the test;
// the same design co-simulates bit-exact (synchronous reads included).
func TestFPGAFlow(t *testing.T) {
	needTools(t)
	for _, tool := range []string{"nextpnr-ice40", "icepack"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("the FPGA flow test needs %s: apt-get install -y nextpnr-ice40 fpga-icestorm (make deps)", tool)
		}
	}
	d := design(t, compileSrc(t, "fpga.snn", fpgaNet), "xylo", 0, 3)
	dir := iverilog(t, d)
	if n := compare(t, d, dir); n == 0 {
		t.Fatal("no spikes: the co-simulation checks nothing")
	}
	dev, err := verilog.LookupDevice("ice40-up5k")
	if err != nil {
		t.Fatal(err)
	}
	r, err := verilog.FPGA(dir, dev)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Join(dir, verilog.FPGATop+".bin"))
	if err != nil || st.Size() < 100000 {
		t.Fatalf("bitstream: %v", err)
	}
	// the memories that must be block RAM: the state, spike-list and
	// synapse tables (a row-pointer table is read at two addresses per
	// row, lo and hi: two read ports, which yosys may keep in logic when
	// that is cheaper than two RAMs)
	log, err := os.ReadFile(filepath.Join(dir, "yosys_ice40.log"))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range d.Map.Memories {
		if m.Depth < 64 || strings.HasPrefix(m.Name, "sc_") || strings.HasSuffix(m.Name, "_rp") {
			continue
		}
		if !strings.Contains(string(log), "mapping memory "+verilog.FPGATop+".core."+m.Name+" via $__ICE40_RAM4K_") &&
			!strings.Contains(string(log), "mapping memory "+verilog.Top+"."+m.Name+" via $__ICE40_RAM4K_") {
			t.Errorf("memory %s (%d×%d bits) is not in block RAM", m.Name, m.Depth, m.Width)
		}
	}
	if r.BRAMs == 0 || r.LCs == 0 || r.LCs > dev.LCs || r.FmaxMHz < 5 {
		t.Errorf("implausible report: %s", r)
	}
	t.Log(r)
}

// TestMakefileDSP: the generated Makefile's fpga target passes -dsp to
// synth_ice40 on a part with DSPs (up5k) and not on the default hx8k, as
// `snnc build --fpga` does (make -n prints the commands without running).
func TestMakefileDSP(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Fatal("make is not installed (apt-get install -y make): the generated Makefile cannot be checked")
	}
	d := design(t, compileSrc(t, "fpga.snn", fpgaNet), "xylo", 0.01, 3)
	dir := t.TempDir()
	if err := d.Write(dir); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		dsp  bool
	}{{nil, false}, {[]string{"DEVICE=up5k", "PACKAGE=sg48"}, true}, {[]string{"DEVICE=hx1k", "PACKAGE=tq144"}, false}} {
		cmd := exec.Command("make", append([]string{"-n", "fpga"}, c.args...)...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("make -n fpga %v: %v\n%s", c.args, err, out)
		}
		s := string(out)
		if !strings.Contains(s, "synth_ice40 ") || strings.Contains(s, "synth_ice40 -dsp ") != c.dsp {
			t.Errorf("make -n fpga %v: want -dsp %v:\n%s", c.args, c.dsp, s)
		}
		for _, dev := range verilog.Devices {
			if len(c.args) > 0 && c.args[0] == "DEVICE="+strings.TrimPrefix(dev.Flag, "--") {
				want := verilog.FPGACommands(dev)[0]
				if !strings.Contains(s, want[len(want)-1]) {
					t.Errorf("make -n fpga %v: not the command snnc build --fpga %s runs, %q:\n%s", c.args, dev.Name, want[len(want)-1], s)
				}
			}
		}
	}
}
