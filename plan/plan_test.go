package plan_test

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
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
	"../testdata/gocode/init_draws.snn", // initialisation loops: draws in the branches taken
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

// TestWtaScoreLoop: a wta's score is a plan loop over the crossings that
// stores by's value per neuron (here 2·v - level + 1 mV) into a scratch
// array, the values every executor ranks.
func TestWtaScoreLoop(t *testing.T) {
	src, err := os.ReadFile("../testdata/gocode/wta.snn")
	if err != nil {
		t.Fatal(err)
	}
	model := filepath.Join(t.TempDir(), "wta.snn")
	if err := os.WriteFile(model, bytes.Replace(src, []byte("by = v }"), []byte("by = 2 * v - level + 1 mV }"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	pl := build(t, model)
	var score *plan.Loop
	for _, ph := range pl.Step {
		if ph.Kind == plan.Winners {
			if len(ph.Loops) != 1 {
				t.Fatalf("winners phase has %d loops", len(ph.Loops))
			}
			score = ph.Loops[0]
		}
	}
	if score == nil || score.Space != plan.Spiking || score.Over != "E" {
		t.Fatalf("no score loop over E's crossings: %v", score)
	}
	arr := map[string]int{}
	for _, a := range pl.Arrays {
		arr[a.Name] = a.ID
	}
	if pl.Arrays[arr["E.wta"]].Kind != plan.Scratch {
		t.Fatalf("E.wta is %s", pl.Arrays[arr["E.wta"]].Kind)
	}
	env := plan.NewEnv(pl)
	for i := range 6 {
		env.Arrays[arr["E.v"]][i] = 0.001 * float64(i+1)
		env.Arrays[arr["E.level"]][i] = 0.0005 * float64(7-i)
	}
	if err := plan.EvalLoop(score, env); err != nil {
		t.Fatal(err)
	}
	for i := range 6 {
		v, level := 0.001*float64(i+1), 0.0005*float64(7-i)
		if got, want := env.Arrays[arr["E.wta"]][i], 2*v-level+0.001; got != want {
			t.Errorf("score of neuron %d: %v, want %v", i, got, want)
		}
	}
}

// TestAliasLoop: a recorded alias is a plan loop over the recorded
// neurons (features.snn: A.drive[1:3] = R·I_ext + 0.5 mV·sin(2π·t/20 ms),
// R = 50 MΩ) storing each value into the sample array; a recorded
// variable with an array has none.
func TestAliasLoop(t *testing.T) {
	pl := build(t, "../testdata/gocode/features.snn")
	var alias *plan.Loop
	for _, r := range pl.Records {
		switch {
		case r.Kind == "state" && r.Var == "drive":
			alias = r.Alias
		case r.Alias != nil:
			t.Errorf("%s.%s has an alias loop", r.Source, r.Var)
		}
	}
	if alias == nil || alias.N != 2 || alias.Space != plan.Neurons {
		t.Fatalf("no alias loop over A.drive[1:3]: %v", alias)
	}
	arr := map[string]int{}
	for _, a := range pl.Arrays {
		arr[a.Name] = a.ID
	}
	env := plan.NewEnv(pl)
	env.T = 0.0123
	for i := range 4 {
		env.Arrays[arr["A.I_ext"]][i] = 1e-10 * float64(i+1)
	}
	if err := plan.EvalLoop(alias, env); err != nil {
		t.Fatal(err)
	}
	for k := range 2 {
		want := 50e6*(1e-10*float64(k+2)) + 0.0005*math.Sin(2*3.14159*env.T/0.02)
		if got := env.Arrays[arr["A.drive[1:3]"]][k]; math.Abs(got-want) > 1e-15 {
			t.Errorf("drive of neuron %d: %v, want %v", k+1, got, want)
		}
	}
}

// TestContDendriteLoop: a continuous dendrite's output is a plan loop that
// combines the activation of each segment's input (segment-major array),
// against the hand computation of testdata/dendrites/continuous.snn:
// A max of sigmoid(2x - 1) over 2 segments, B mean of tanh(x) + 0.25 over 3.
func TestContDendriteLoop(t *testing.T) {
	pl := build(t, "../testdata/dendrites/continuous.snn")
	arr := map[string]int{}
	for _, a := range pl.Arrays {
		arr[a.Name] = a.ID
	}
	sigmoid := func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }
	cases := []struct {
		pop  string
		in   []float64
		want float64
	}{
		{"A", []float64{0.3, 1.1}, math.Max(sigmoid(2*0.3-1), sigmoid(2*1.1-1))},
		{"B", []float64{0.8, -0.5, 0}, ((math.Tanh(0.8) + 0.25) + (math.Tanh(-0.5) + 0.25) + (math.Tanh(0) + 0.25)) / 3},
	}
	for _, c := range cases {
		var pp *plan.Pop
		for _, p := range pl.Pops {
			if p.Name == c.pop {
				pp = p
			}
		}
		cd := pp.Continuous["ctx"]
		if cd == nil || cd.Segments != len(c.in) || pl.Arrays[cd.In].Kind != plan.DendriteIn {
			t.Fatalf("%s: continuous dendrite %+v", c.pop, cd)
		}
		env := plan.NewEnv(pl)
		copy(env.Arrays[cd.In], c.in)
		if err := plan.EvalLoop(cd.Output, env); err != nil {
			t.Fatal(err)
		}
		if got := env.Arrays[arr[c.pop+".ctx"]][0]; math.Abs(got-c.want) > 1e-15 {
			t.Errorf("%s.ctx = %v, want %v", c.pop, got, c.want)
		}
	}
	if d := pl.Pops[0].Continuous["ctx"].Decay; math.Abs(d-math.Exp(-0.1)) > 1e-15 {
		t.Errorf("A's decay per step %v, want exp(-1 ms/10 ms)", d)
	}
}
