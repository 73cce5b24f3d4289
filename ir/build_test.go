package ir_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/internal/golden"
	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/lang/units"
)

// models lists every shipped model: the standard library, the examples and
// the syntax tour.
func models(t *testing.T) []string {
	var files []string
	for _, pat := range []string{"../stdlib/*.snn", "../examples/*.snn", "../testdata/parse/*.snn"} {
		m, _ := filepath.Glob(pat)
		files = append(files, m...)
	}
	if len(files) < 8 {
		t.Fatalf("found only %d models", len(files))
	}
	return files
}

func build(t *testing.T, path string) *ir.Program {
	t.Helper()
	prog, diags := snnc.CheckFile(path)
	if diags.HasErrors() {
		t.Fatalf("%s: %v", path, diags)
	}
	p, bd := ir.Build(prog, "")
	if bd.HasErrors() {
		t.Fatalf("%s: %v", path, bd)
	}
	return p
}

// TestBuildGolden: the IR of every shipped model, before any pass, printed
// (testdata/ir/build/*.golden), and valid by the verifier.
func TestBuildGolden(t *testing.T) {
	for _, path := range models(t) {
		p := build(t, path)
		for _, err := range ir.Verify(p) {
			t.Errorf("%s: %v", path, err)
		}
		name := strings.TrimSuffix(filepath.Base(path), ".snn")
		golden.Check(t, filepath.Join("../testdata/ir/build", filepath.Base(filepath.Dir(path))+"_"+name+".golden"), []byte(p.String()))
	}
}

// TestLowering pins what the builder does with units, overrides and
// per-population models, on CUBA.
func TestLowering(t *testing.T) {
	p := build(t, "../examples/cuba.snn")
	if len(p.Pops) != 2 || p.Pops[0].Size != 3200 || p.Pops[1].Size != 800 {
		t.Fatalf("populations: %+v", p.Pops)
	}
	if p.Pops[0].Model == p.Pops[1].Model {
		t.Error("each population must get its own model")
	}
	if len(p.Projs) != 4 {
		t.Errorf("E -> E, I and I -> E, I should expand to 4 projections, got %d", len(p.Projs))
	}
	if p.Schedule.Dt != 1e-4 || p.Schedule.Duration != 1 || p.Schedule.Seed != 1 {
		t.Errorf("schedule %+v", p.Schedule)
	}
	// parameters are SI: tau_m = 20 ms = 0.02 s
	var tau *ir.Var
	for _, v := range p.Pops[0].Model.Vars {
		if v.Name == "tau_m" {
			tau = v
		}
	}
	if tau == nil || tau.Kind != ir.Param {
		t.Fatal("tau_m missing")
	}
	v, ok := ir.ConstValue(tau.Value)
	if !ok || v != 0.02 || tau.Dim != (units.Dim{units.Time: 1}) || tau.Unit != "ms" {
		t.Errorf("tau_m = %v (%v, %q), want 0.02 s shown in ms", v, tau.Dim, tau.Unit)
	}
	// the static weight: (60 * 0.27 / 10) * 1 mV = 1.62 mV
	w, ok := ir.ConstValue(p.Projs[0].Weight)
	if !ok || abs(w-1.62e-3) > 1e-15 {
		t.Errorf("E->E weight = %v, want 1.62e-3 V", w)
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// TestOverridesAndClassification: population overrides reach only their
// model; synapse traces are classified per-pre/per-post and lazy.
func TestOverridesAndClassification(t *testing.T) {
	dir := t.TempDir()
	src := `import "std/neurons"
import "std/plasticity"
network N {
    population A = LIF[10]
    population B = LIF[10] { tau_m = 10 ms }
    project p = A -> B : exc using PairSTDP { connect = all_to_all  weight = 1 mV }
    record spikes(B)
}
run N for 10 ms
`
	path := filepath.Join(dir, "m.snn")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	p := build(t, path)
	get := func(m *ir.Model, name string) *ir.Var {
		for _, v := range m.Vars {
			if v.Name == name {
				return v
			}
		}
		t.Fatalf("%s has no %s", m.Name, name)
		return nil
	}
	a, _ := ir.ConstValue(get(p.Pops[0].Model, "tau_m").Value)
	b, _ := ir.ConstValue(get(p.Pops[1].Model, "tau_m").Value)
	if a == b || b != 0.01 {
		t.Errorf("tau_m: A %v, B %v; want B overridden to 0.01", a, b)
	}
	syn := p.Projs[0].Synapse
	if syn == nil || syn.Name != "PairSTDP@p" {
		t.Fatalf("synapse model %v", syn)
	}
	for name, want := range map[string]ir.Storage{"A_pre": ir.PerPre, "A_post": ir.PerPost, "w": ir.PerSynapse} {
		if v := get(syn, name); v.Storage != want {
			t.Errorf("%s stored %v, want %v", name, v.Storage, want)
		}
	}
	if !get(syn, "A_pre").Lazy || !get(syn, "A_post").Lazy {
		t.Error("the traces only read at events must be lazy")
	}
	if syn.DeliverDim != (units.Dim{units.Mass: 1, units.Length: 2, units.Time: -3, units.Current: -1}) {
		t.Errorf("deliver dim %v, want volts (LIF's exc takes mV)", syn.DeliverDim)
	}
}

// TestCoupledTraceStorage: in testdata/gocode/coupled_traces.snn x alone
// would be a presynaptic trace (stored per presynaptic neuron), but y's
// equation reads it and y is per synapse: the two integrate as one system,
// so x must be per synapse too (the backends refused the mixed system).
func TestCoupledTraceStorage(t *testing.T) {
	p := build(t, "../testdata/gocode/coupled_traces.snn")
	for _, prj := range p.Projs {
		if prj.Synapse == nil {
			continue
		}
		for _, v := range prj.Synapse.Vars {
			if v.Kind == ir.State && v.Storage != ir.PerSynapse {
				t.Errorf("%s.%s stored %v, want per synapse", prj.Name, v.Name, v.Storage)
			}
		}
	}
}
