package verilog_test

import (
	"os/exec"
	"testing"

	"github.com/snnc/snnc/backends/verilog"
)

// TestSynth: yosys synthesizes the design of a small model; there are
// cells and flip-flops, and the memory bits it counts are those of the
// address map (Σ width·depth), so every memory became a RAM (but the
// write-only ones of continuous ports, which synthesis removes).
func TestSynth(t *testing.T) {
	needTools(t)
	p := compileFile(t, "../../testdata/verilog/small.snn")
	d := design(t, p, "q16", 0, 3)
	dir := t.TempDir()
	if err := d.Write(dir); err != nil {
		t.Fatal(err)
	}
	r, err := verilog.Synth(dir)
	if err != nil {
		t.Fatal(err)
	}
	bits, mems := 0, 0
	cleared := map[string]bool{}
	for _, p := range d.Map.Populations {
		for _, v := range p.Vars {
			cleared[v.Memory] = v.Cleared
		}
	}
	for _, m := range d.Map.Memories {
		if !cleared[m.Name] {
			bits += m.Width * m.Depth
			mems++
		}
	}
	if r.Cells == 0 || r.FlipFlops == 0 || r.MemoryBits != bits || r.Memories != mems {
		t.Errorf("%s; the address map has %d memories with %d bits (besides the write-only ones)", r, mems, bits)
	}
	t.Log(r)
}

// TestLint: the core passes verilator --lint-only -Wall.
func TestLint(t *testing.T) {
	needTools(t)
	p := compileFile(t, "../../testdata/verilog/small.snn")
	d := design(t, p, "q16", 0, 3)
	dir := t.TempDir()
	if err := d.Write(dir); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("verilator", "--lint-only", "-Wall", verilog.Top+".v")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("verilator --lint-only -Wall: %v\n%s", err, out)
	}
}
