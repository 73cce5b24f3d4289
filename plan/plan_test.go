package plan_test

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/internal/golden"
	"github.com/snnc/snnc/internal/testmodel"
	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/plan"
)

func compile(t *testing.T, path string, off ...string) *ir.Program {
	return testmodel.Compile(t, path, off...)
}

func build(t *testing.T, path string, off ...string) *plan.Plan {
	t.Helper()
	pl, err := plan.Build(compile(t, path, off...), plan.Options{})
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return pl
}

// goldenModels cover every kind of loop and decision: exact rows (fused,
// lifBlock), Euler kernels, RK4, port handlers, plastic, summed and
// dendrite projections, run phases, wta, merged projections.
var goldenModels = []string{
	"../examples/cuba.snn",
	"../examples/coba.snn",
	"../examples/stdp_song2000.snn",
	"../examples/homeostasis.snn",
	"../examples/dendrites.snn",
	"../testdata/dendrites/fill.snn", // a segment dendrite's on dendrite active
	"../testdata/gocode/features.snn",
	"../testdata/gocode/phases.snn",
	"../testdata/gocode/summed.snn",
	"../testdata/gocode/wta.snn",
	"../testdata/gocode/simd_rk4.snn",
	"../testdata/passes/fuse/merge.snn",
}

// TestPrintGolden: `snnc ir --plan` of the golden models, as reviewed in
// testdata/plan (refresh with go test ./plan -update).
func TestPrintGolden(t *testing.T) {
	for _, m := range goldenModels {
		name := strings.TrimSuffix(filepath.Base(m), ".snn")
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			plan.Print(&buf, build(t, m))
			golden.Check(t, filepath.Join("..", "testdata", "plan", name+".plan"), buf.Bytes())
		})
	}
}

// TestJSONGolden: the JSON form of CUBA's plan, and every golden model's
// plan encodes (no ±Inf or NaN numbers, which JSON cannot hold).
func TestJSONGolden(t *testing.T) {
	for _, m := range goldenModels {
		b, err := json.MarshalIndent(plan.JSON(build(t, m)), "", "  ")
		if err != nil {
			t.Fatalf("%s: %v", m, err)
		}
		if strings.HasSuffix(m, "cuba.snn") {
			golden.Check(t, filepath.Join("..", "testdata", "plan", "cuba.json"), append(b, '\n'))
		}
	}
}

// TestTimeInSteps: every duration of a model is a step count in its plan.
func TestTimeInSteps(t *testing.T) {
	pl := build(t, "../testdata/gocode/phases.snn")
	if pl.Steps != plan.Steps(compile(t, "../testdata/gocode/phases.snn").Schedule.Duration, pl.Dt) || pl.Steps == 0 {
		t.Errorf("steps %d", pl.Steps)
	}
	if len(pl.RunPhases) == 0 {
		t.Fatal("no run phases")
	}
	for _, rp := range pl.RunPhases {
		if rp.At <= 0 || rp.At > pl.Steps {
			t.Errorf("phase %s at step %d of %d", rp.Name, rp.At, pl.Steps)
		}
	}
	if plan.Steps(1.5e-3, 1e-4) != 15 || plan.Every(1e-5, 1e-4) != 1 || plan.Steps(0.25e-4, 1e-4) != 0 {
		t.Errorf("Steps/Every round wrongly")
	}
	// a refractory period of 2 ms is 20 steps in CUBA's reset
	var found bool
	for _, ph := range build(t, "../examples/cuba.snn").Step {
		for _, l := range ph.Loops {
			for _, op := range l.Ops {
				found = found || ph.Kind == plan.Reset && op.Code == plan.Const && op.K == 50
			}
		}
	}
	if !found {
		t.Errorf("CUBA's 5 ms refractory period is not 50 steps in its reset loop")
	}
}

// TestDecisions: the choices executors used to make for themselves.
func TestDecisions(t *testing.T) {
	cuba := build(t, "../examples/cuba.snn")
	if pp := cuba.Pops[0]; !pp.Fused || pp.Kernel != "lifBlock" || pp.Simple == nil || len(pp.Members) != 2 {
		t.Errorf("CUBA's population: fused %v kernel %q simple %v members %v", pp.Fused, pp.Kernel, pp.Simple, pp.Members)
	}
	for _, pr := range cuba.Projs {
		if pr.Storage != plan.Rows || !pr.Parallel || pr.Direct == nil {
			t.Errorf("CUBA %s: storage %s parallel %v direct %v", pr.Name, pr.Storage, pr.Parallel, pr.Direct)
		}
	}
	// without fuse the populations run apart and nothing is fused
	for _, pp := range build(t, "../examples/cuba.snn", "fuse").Pops {
		if pp.Fused || pp.Kernel != "" {
			t.Errorf("fuse off: %s fused %v kernel %q", pp.Name, pp.Fused, pp.Kernel)
		}
	}
	coba := build(t, "../examples/coba.snn")
	for _, ph := range coba.Step {
		if ph.Kind == plan.Update && !strings.Contains(ph.Loops[0].Kernel, "eulerQMM v") {
			t.Errorf("COBA's v: kernels %q", ph.Loops[0].Kernel)
		}
	}
	song := build(t, "../examples/stdp_song2000.snn")
	for _, pr := range song.Projs {
		if pr.Plastic && (pr.Parallel || pr.Storage == plan.Rows) {
			t.Errorf("plastic %s: storage %s parallel %v", pr.Name, pr.Storage, pr.Parallel)
		}
	}
}

// TestCheckClockSystem: a clock-driven synapse system must have one
// storage and read only state stored the same way, or a neuron its loop
// has (post.v per synapse or per postsynaptic neuron, not per presynaptic
// neuron); the reasons name no backend (both Go backends ask plan).
func TestCheckClockSystem(t *testing.T) {
	x := &ir.Var{Name: "x", Kind: ir.State, Storage: ir.PerSynapse}
	y := &ir.Var{Name: "y", Kind: ir.State, Storage: ir.PerSynapse}
	pre := &ir.Var{Name: "apre", Kind: ir.State, Storage: ir.PerPre}
	sys := func(vars []*ir.Var, rhs ...ir.Expr) *ir.System {
		s := &ir.System{Vars: vars, Method: ir.RK4}
		for k, v := range vars {
			s.ODEs = append(s.ODEs, &ir.ODE{Var: v, Rhs: rhs[k]})
		}
		return s
	}
	if err := plan.CheckClockSystem(sys([]*ir.Var{x, y}, &ir.Ref{Var: y}, &ir.Ref{Var: x})); err != nil {
		t.Errorf("a coupled per-synapse system: %v", err)
	}
	v := &ir.Var{Name: "v", Kind: ir.State}
	if err := plan.CheckClockSystem(sys([]*ir.Var{x}, &ir.Ref{Var: v, Side: ir.Post})); err != nil {
		t.Errorf("a per-synapse equation reading post.v: %v", err)
	}
	for _, c := range []struct {
		s    *ir.System
		want string
	}{
		{sys([]*ir.Var{x, pre}, &ir.Ref{Var: pre}, &ir.Ref{Var: x}), "the system of x mixes per-synapse and per-neuron storage; snnc needs one"},
		{sys([]*ir.Var{x}, &ir.Ref{Var: pre}), "x' reads state stored differently (or a neuron its loop does not have); snnc integrates"},
		{sys([]*ir.Var{pre}, &ir.Ref{Var: v, Side: ir.Post}), "apre' reads state stored differently (or a neuron its loop does not have)"},
	} {
		err := plan.CheckClockSystem(c.s)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "gosim") {
			t.Errorf("got %v, want %q", err, c.want)
		}
	}
}

// BenchmarkBuild: lowering CUBA's and COBA's optimised IR to their plans
// (with Verify), the cost -d check=on pays after every pass.
func BenchmarkBuild(b *testing.B) {
	for _, m := range []string{"../examples/cuba.snn", "../examples/coba.snn"} {
		p, _, diags := snnc.CompileIR(m, snnc.Options{})
		if p == nil {
			b.Fatal(diags)
		}
		b.Run(strings.TrimSuffix(filepath.Base(m), ".snn"), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := plan.Build(p, plan.Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
