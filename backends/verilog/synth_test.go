package verilog_test

import (
	"os"
	"os/exec"
	"testing"

	"github.com/snnc/snnc/backends/verilog"
)

// TestSynth: yosys synthesizes the design of a small model; there are
// cells and flip-flops, and the memory bits it counts are those of the
// address map (Σ width·depth): every memory became a RAM.
func TestSynth(t *testing.T) {
	needTools(t)
	// Xylo's shift decays need no multiplier: a quick synthesis
	p := compileFile(t, "../../testdata/fixed/xylo_lif.snn")
	d := design(t, p, "xylo", 0, 3)
	dir := t.TempDir()
	if err := d.Write(dir); err != nil {
		t.Fatal(err)
	}
	lint(t, dir)
	r, err := verilog.Synth(dir)
	if err != nil {
		t.Fatal(err)
	}
	// every memory of the map is a RAM, but the write-only ones of
	// continuous ports (synthesis removes them) and perhaps one-word ones
	// (yosys may make them registers)
	lo, hi, nlo, nhi := 0, 0, 0, 0
	cleared := map[string]bool{}
	for _, p := range d.Map.Populations {
		for _, v := range p.Vars {
			cleared[v.Memory] = v.Cleared
		}
	}
	for _, m := range d.Map.Memories {
		if cleared[m.Name] {
			continue
		}
		hi, nhi = hi+m.Width*m.Depth, nhi+1
		if m.Depth > 1 {
			lo, nlo = lo+m.Width*m.Depth, nlo+1
		}
	}
	if r.Cells == 0 || r.FlipFlops == 0 || r.MemoryBits < lo || r.MemoryBits > hi || r.Memories < nlo || r.Memories > nhi {
		t.Errorf("%s; the address map has %d-%d memories with %d-%d bits", r, nlo, nhi, lo, hi)
	}
	t.Log(r)
}

// TestLint: the core passes verilator --lint-only -Wall, with and without
// plasticity, delays and stochastic rounding, with weight memories of
// different widths and several spike inputs (every co-simulated design is
// linted too: iverilog in tools_test.go).
func TestLint(t *testing.T) {
	needTools(t)
	stdp := compileSrc(t, "stdp.snn", `import "std/neurons"
import "std/plasticity"

network Net {
    dt = 0.1 ms
    input In = poisson(10, rate = 50 Hz)
    population P = Izhikevich[4]
    project In -> P : exc using PairSTDP { connect = bernoulli(0.5)  weight = 4 mV  delay = 0.3 ms }
    project P -> P : exc using NearestSTDP { connect = all_to_all  weight = 2 mV }
}

run Net for 10 ms
`)
	// issue 17 item 4: stored weights of different widths (7 and 8 bits
	// beside a constant) and several spike inputs, which need sign
	// extension into syn_w and an offset input address
	widths := compileSrc(t, "widths.snn", `import "std/neurons"

network Net {
    dt = 0.1 ms
    input A = poisson(3, rate = 200 Hz)
    input B = poisson(4, rate = 200 Hz)
    input C = poisson(2, rate = 200 Hz)
    population P = LIF[4]
    project A -> P : exc { connect = bernoulli(0.5)  weight = uniform(1, 2) * 1 mV }
    project B -> P : exc { connect = bernoulli(0.5)  weight = uniform(2, 7) * 1 mV }
    project C -> P : inh { connect = all_to_all  weight = -1 mV }
}

run Net for 10 ms
`)
	for _, d := range []*verilog.Design{
		design(t, compileFile(t, "../../testdata/verilog/small.snn"), "q16", 0, 3),
		design(t, stdp, stochastic(t), 0, 3),
		design(t, widths, "q16", 0, 3),
	} {
		dir := t.TempDir()
		if err := d.Write(dir); err != nil {
			t.Fatal(err)
		}
		lint(t, dir)
	}
}

// TestCosimVerilator: the testbench built with Verilator 5 (the README's
// command) gives the Go simulator's spikes and state too. The C++ build
// took 65 s for two models on two busy cores, so it runs on request:
// SNNC_VERILATOR=1 go test ./backends/verilog -run Verilator.
func TestCosimVerilator(t *testing.T) {
	if os.Getenv("SNNC_VERILATOR") == "" {
		t.Skip("set SNNC_VERILATOR=1 to build the testbench with Verilator (about a minute on two busy cores)")
	}
	needTools(t)
	for _, c := range []struct{ file, target string }{
		{"../../testdata/verilog/small.snn", "q16"},
		{"../../testdata/fixed/loihi_lif.snn", "loihi"},
	} {
		d := design(t, compileFile(t, c.file), c.target, 0, 3)
		dir := t.TempDir()
		if err := d.Write(dir); err != nil {
			t.Fatal(err)
		}
		for _, args := range [][]string{
			{"verilator", "--binary", "--timing", "-Wno-fatal", "--top-module", "tb", "tb.v", verilog.Top + ".v"},
			{"./obj_dir/Vtb"},
		} {
			cmd := exec.Command(args[0], args[1:]...)
			cmd.Dir = dir
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("%v: %v\n%s", args, err, out)
			}
		}
		t.Logf("%s on %s: %d spikes identical", c.file, c.target, compare(t, d, dir))
	}
}
