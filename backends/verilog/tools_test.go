package verilog_test

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/backends/fixed"
	"github.com/snnc/snnc/backends/verilog"
	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/ir/iir"
	"github.com/snnc/snnc/quantize"
)

var toolsOnce sync.Once
var toolsErr error

// needTools makes sure iverilog, verilator and yosys are installed: as root
// with apt-get it installs them, otherwise the test fails saying what to
// install (never a silent skip).
func needTools(t testing.TB) {
	t.Helper()
	toolsOnce.Do(func() {
		missing := func() []string {
			var m []string
			for _, tool := range []string{"iverilog", "vvp", "verilator", "yosys"} {
				if _, err := exec.LookPath(tool); err != nil {
					m = append(m, tool)
				}
			}
			return m
		}
		if len(missing()) == 0 {
			return
		}
		if _, err := exec.LookPath("apt-get"); err == nil && os.Geteuid() == 0 {
			cmd := exec.Command("sh", "-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iverilog verilator yosys")
			out, err := cmd.CombinedOutput()
			if err != nil {
				toolsErr = fmt.Errorf("installing iverilog verilator yosys: %v\n%s", err, out)
				return
			}
		}
		if m := missing(); len(m) > 0 {
			toolsErr = fmt.Errorf("the co-simulation tests need %s: apt-get install -y iverilog verilator yosys", strings.Join(m, ", "))
		}
	})
	if toolsErr != nil {
		t.Fatal(toolsErr)
	}
}

func compileSrc(t testing.TB, name, src string) *ir.Program {
	t.Helper()
	p, _, diags := snnc.CompileSource(name, []byte(src), snnc.Options{})
	if p == nil {
		t.Fatalf("%s: %v", name, diags)
	}
	return p
}

func compileFile(t testing.TB, path string) *ir.Program {
	t.Helper()
	p, _, diags := snnc.CompileIR(path, snnc.Options{})
	if p == nil {
		t.Fatalf("%s: %v", path, diags)
	}
	return p
}

// design lowers p for target and generates the design for steps steps.
func design(t testing.TB, p *ir.Program, target string, dur float64, seed uint64) *verilog.Design {
	t.Helper()
	return designAt(t, p, target, dur, seed, "")
}

// designAt is design for a model that reads data files from dir.
func designAt(t testing.TB, p *ir.Program, target string, dur float64, seed uint64, dir string) *verilog.Design {
	t.Helper()
	prof, err := iir.LoadProfile(target)
	if err != nil {
		t.Fatal(err)
	}
	q, diags := quantize.Lower(p, prof)
	if q == nil {
		t.Fatalf("lowering for %s: %v", target, diags)
	}
	o := fixed.Options{BaseDir: dir}
	o.Duration = dur
	o.Seed = &seed
	tr, err := fixed.RunTrace(p, q, o)
	if err != nil {
		t.Fatal(err)
	}
	d, err := verilog.Emit(tr)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// iverilog compiles and runs the design in a new directory; it returns the
// directory.
func iverilog(t testing.TB, d *verilog.Design) string {
	t.Helper()
	needTools(t)
	dir := t.TempDir()
	if err := d.Write(dir); err != nil {
		t.Fatal(err)
	}
	run := func(name string, args ...string) {
		cmd := exec.Command(name, args...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil || bytes.Contains(out, []byte("ERROR")) || bytes.Contains(out, []byte("error")) {
			t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
	}
	run("iverilog", "-g2005", "-Wall", "-o", "sim", "tb.v", verilog.Top+".v")
	run("vvp", "-n", "sim")
	lint(t, dir)
	return dir
}

// lint runs the generated README's lint command on a written design:
// every design a test co-simulates must be clean under -Wall.
func lint(t testing.TB, dir string) {
	t.Helper()
	cmd := exec.Command("verilator", "--lint-only", "-Wall", verilog.Top+".v")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("verilator --lint-only -Wall %s.v: %v\n%s", verilog.Top, err, out)
	}
}

// readHex reads a $writememh file.
func readHex(t testing.TB, path string) []uint64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []uint64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		if l == "" || strings.HasPrefix(l, "//") || strings.HasPrefix(l, "@") {
			continue
		}
		for _, tok := range strings.Fields(l) {
			x, err := strconv.ParseUint(tok, 16, 64)
			if err != nil {
				t.Fatalf("%s: %q: %v", path, tok, err)
			}
			out = append(out, x)
		}
	}
	return out
}

// compare checks the spikes and the final state memories of a run in dir
// against the Go bit-accurate simulator's trace; it returns the number of
// spikes.
func compare(t testing.TB, d *verilog.Design, dir string) int {
	t.Helper()
	got, err := os.ReadFile(filepath.Join(dir, "output_spikes.txt"))
	if err != nil {
		t.Fatal(err)
	}
	want := d.Files["expected_spikes.txt"]
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for k := 0; k < max(len(gl), len(wl)); k++ {
			var g, w string
			if k < len(gl) {
				g = gl[k]
			}
			if k < len(wl) {
				w = wl[k]
			}
			if g != w {
				t.Fatalf("spikes differ at line %d: verilog %q, Go %q (%d vs %d lines)", k+1, g, w, len(gl), len(wl))
			}
		}
	}
	for k, pop := range d.Map.Populations {
		tp := d.Trace.Pops[k]
		for vi, v := range pop.Vars {
			words := readHex(t, filepath.Join(dir, "final_"+v.Memory+".hex"))
			if len(words) != tp.Size {
				t.Fatalf("%s: %d words, want %d", v.Memory, len(words), tp.Size)
			}
			for i, x := range tp.Final[vi] {
				w := uint64(x)
				if v.Width < 64 {
					w &= uint64(1)<<uint(v.Width) - 1
				}
				if words[i] != w {
					t.Fatalf("final %s.%s[%d]: verilog %#x, Go %#x (%d)", pop.Name, v.Name, i, words[i], w, x)
				}
			}
		}
	}
	for k, mp := range d.Map.Projections {
		pl := mp.Plastic
		if pl == nil {
			continue
		}
		tp := d.Trace.Projs[k]
		for _, c := range []struct {
			mem   string
			want  []int64
			width int
		}{{pl.W, tp.FinalW, tp.Plastic.W.Width}, {pl.Pre, tp.FinalX, tp.Plastic.Pre.Width}, {pl.Post, tp.FinalY, tp.Plastic.Post.Width},
			{pl.Pre2, tp.FinalX2, width(tp.Plastic.Pre2)}, {pl.Post2, tp.FinalY2, width(tp.Plastic.Post2)}} {
			if c.mem == "" {
				continue
			}
			words := readHex(t, filepath.Join(dir, "final_"+c.mem+".hex"))
			for i, x := range c.want {
				if words[i] != uint64(x)&(uint64(1)<<uint(c.width)-1) {
					t.Fatalf("final %s[%d]: verilog %#x, Go %d", c.mem, i, words[i], x)
				}
			}
		}
	}
	compareDendrites(t, d, dir)
	return bytes.Count(want, []byte("\n"))
}

// width is v's width, 0 without v.
func width(v *iir.Var) int {
	if v == nil {
		return 0
	}
	return v.Width
}
