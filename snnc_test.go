package snnc_test

import (
	"fmt"
	"github.com/rogpeppe/go-internal/txtar"
	_ "github.com/snnc/snnc/internal/golden" // defines -update for go test ./... -update
	"github.com/snnc/snnc/passes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/lang"
)

// corpus returns every .snn file shipped in the repository.
func corpus(t testing.TB) []string {
	var files []string
	for _, dir := range []string{"stdlib", "examples", "testdata"} {
		filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, ".snn") {
				files = append(files, p)
			}
			return nil
		})
	}
	if len(files) == 0 {
		t.Fatal("no .snn files found")
	}
	return files
}

// TestShippedModelsCheck: every stdlib module, example and parse test input
// checks without errors.
func TestShippedModelsCheck(t *testing.T) {
	for _, p := range corpus(t) {
		if strings.Contains(p, "errors") || strings.Contains(p, "fmt") {
			continue
		}
		prog, diags := snnc.CheckFile(p)
		if diags.HasErrors() {
			var b strings.Builder
			diags.Print(&b, prog.Sources, false)
			t.Errorf("%s does not check:\n%s", p, b.String())
		}
	}
}

// FuzzCheck: parse, check, IR lowering and the passes must never panic or
// hang, and any error must carry a position.
func FuzzCheck(f *testing.F) {
	for _, p := range corpus(f) {
		if src, err := os.ReadFile(p); err == nil {
			f.Add(src)
		}
	}
	// and the models of the CLI scripts (--set, phases, verilog, ...)
	scripts, _ := filepath.Glob("testdata/script/*.txtar")
	for _, p := range scripts {
		if a, err := txtar.ParseFile(p); err == nil {
			for _, file := range a.Files {
				if strings.HasSuffix(file.Name, ".snn") {
					f.Add(file.Data)
				}
			}
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		done := make(chan struct{})
		defer close(done)
		go func() {
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				panic(fmt.Sprintf("compile took over 10 s on %q", src))
			}
		}()
		_, _, diags := snnc.CompileSource("fuzz.snn", src, snnc.Options{Passes: passes.Options{Verify: true}})
		for _, d := range diags {
			if d.Severity == lang.Error && !d.Pos.IsValid() {
				t.Fatalf("error without a position: %s", d.Msg)
			}
		}
	})
}

// BenchmarkCheckCuba measures `snnc check examples/cuba.snn` minus process
// start-up: read, parse, resolve and unit-check.
func BenchmarkCheckCuba(b *testing.B) {
	for b.Loop() {
		if _, diags := snnc.CheckFile("examples/cuba.snn"); diags.HasErrors() {
			b.Fatal(diags)
		}
	}
}

// BenchmarkCompileCuba measures building the IR and running every pass on
// examples/cuba.snn (checking included).
func BenchmarkCompileCuba(b *testing.B) {
	for b.Loop() {
		if p, _, diags := snnc.CompileIR("examples/cuba.snn", snnc.Options{}); p == nil {
			b.Fatal(diags)
		}
	}
}

// BenchmarkCompileLarge: a generated model with 50 neuron types (a mix of
// linear and nonlinear ODEs) in 50 populations and 200 projections.
func BenchmarkCompileLarge(b *testing.B) {
	path := filepath.Join(b.TempDir(), "large.snn")
	if err := os.WriteFile(path, []byte(largeModel(50, 200)), 0o644); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if p, _, diags := snnc.CompileIR(path, snnc.Options{}); p == nil {
			b.Fatal(diags)
		}
	}
}

// TestLargeModelCompiles keeps the benchmark's generated model valid.
func TestLargeModelCompiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "large.snn")
	if err := os.WriteFile(path, []byte(largeModel(50, 200)), 0o644); err != nil {
		t.Fatal(err)
	}
	p, _, diags := snnc.CompileIR(path, snnc.Options{})
	if p == nil {
		t.Fatal(diags)
	}
	n := len(p.Projs) // fuse merges the repeated ones; count them all
	for _, prj := range p.Projs {
		n += len(prj.Merged)
	}
	if len(p.Pops) != 50 || n != 200 {
		t.Errorf("%d populations, %d projections; want 50, 200", len(p.Pops), n)
	}
}

func largeModel(types, projs int) string {
	var sb strings.Builder
	for i := 0; i < types; i++ {
		nonlinear := ""
		if i%3 == 0 {
			nonlinear = " + 0.1 mV / ms * exp((v - v_th) / 2 mV)"
		}
		fmt.Fprintf(&sb, `neuron T%d {
    parameters {
        tau_m = %d ms
        tau_e = 5 ms
        v_th  = -50 mV
    }
    state {
        v  = -65 mV
        ge = 0 mV
        a  = 0
    }
    equations {
        v'  = (-65 mV - v + ge) / tau_m%s unless refractory
        ge' = -ge / tau_e
        a'  = -a / 100 ms
    }
    inputs {
        exc: ge += weight
    }
    on threshold v > v_th {
        v = -65 mV
        a += 1
        refractory 2 ms
    }
}
`, i, 10+i%20, nonlinear)
	}
	sb.WriteString("network Big {\n")
	for i := 0; i < types; i++ {
		fmt.Fprintf(&sb, "    population P%d = T%d[100]\n", i, i)
	}
	for k := 0; k < projs; k++ {
		fmt.Fprintf(&sb, "    project P%d -> P%d : exc { connect = bernoulli(0.05)  weight = 0.5 mV }\n", k%types, (k*7+1)%types)
	}
	for i := 0; i < types; i++ {
		fmt.Fprintf(&sb, "    record spikes(P%d)\n", i)
	}
	sb.WriteString("}\nrun Big for 1 s\n")
	return sb.String()
}
