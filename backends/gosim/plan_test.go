package gosim_test

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/backends/gosim"
	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/passes"
	"github.com/snnc/snnc/plan"
)

// planModels are the models whose neuron updates are compared with the
// plan: every example and runnable test model (testdata/dendrites' read
// input files their own tests generate; the same cells are in
// examples/dendrites.snn and testdata/gocode/dendrites.snn).
func planModels(t *testing.T) []string {
	var models []string
	for _, pattern := range []string{"../../examples/*.snn", "../../examples/*/*.snn", "../../testdata/run/*.snn",
		"../../testdata/passes/*/*.snn", "../../testdata/gocode/*.snn"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		models = append(models, m...)
	}
	return models
}

// TestPlanUpdateBitIdentical: running a population's update loops with
// the plan's reference evaluator (plan.Eval) from the interpreter's state
// before its update gives, bit for bit, the state the interpreter computes:
// the plan's op lists are the interpreter's semantics (exact rows, Euler,
// RK4, refractory clamping), for the first steps of every model.
func TestPlanUpdateBitIdentical(t *testing.T) {
	const steps = 300
	for _, model := range planModels(t) {
		name := strings.TrimSuffix(strings.TrimPrefix(model, "../../"), ".snn")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			p := compileOK(t, model)
			if p == nil {
				return // a model that is an error case of its pass
			}
			pl, err := plan.Build(p, plan.Options{})
			if err != nil {
				t.Fatal(err)
			}
			loops := map[string][]*plan.Loop{}
			for _, ph := range pl.Step {
				if ph.Kind == plan.Update {
					loops[ph.Target] = ph.Loops
				}
			}
			var env *plan.Env
			compared := 0
			err = gosim.UpdateProbe(p, filepath.Dir(model), steps, func(pop string, vals map[string][]float64, ref []int32, n int, tm float64, after bool) error {
				arrays := func() ([][]float64, error) {
					out := make([][]float64, len(pl.Arrays))
					for _, a := range pl.Arrays {
						if a.Owner != pop {
							continue
						}
						if a.Kind == plan.Refractory {
							out[a.ID] = make([]float64, len(ref))
							for i, r := range ref {
								out[a.ID][i] = float64(r)
							}
							continue
						}
						v, ok := vals[a.Var.Name]
						if !ok {
							return nil, fmt.Errorf("the interpreter has no %s", a.Name)
						}
						out[a.ID] = append([]float64(nil), v...)
					}
					return out, nil
				}
				got, err := arrays()
				if err != nil {
					return err
				}
				if !after {
					env = &plan.Env{Arrays: got, N: n, T: tm}
					for _, l := range loops[pop] {
						if err := plan.EvalLoop(l, env); err != nil {
							return err
						}
					}
					return nil
				}
				for id, want := range env.Arrays {
					for i := range want {
						if !sameBits(got[id][i], want[i]) {
							return fmt.Errorf("step %d: %s[%d]: interpreter %v (%#x), plan %v (%#x)", n, pl.Arrays[id].Name, i,
								got[id][i], math.Float64bits(got[id][i]), want[i], math.Float64bits(want[i]))
						}
					}
				}
				compared++
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if compared == 0 && len(pl.Pops) > 0 {
				t.Fatalf("no update compared")
			}
		})
	}
}

// sameBits: equal bits, or both NaN (a NaN's payload is not semantics).
func sameBits(a, b float64) bool {
	return math.Float64bits(a) == math.Float64bits(b) || math.IsNaN(a) && math.IsNaN(b)
}

// compileOK compiles a model with the IR verified after every pass, or
// returns nil for a model that does not compile (an error case of a pass).
func compileOK(t *testing.T, path string) *ir.Program {
	t.Helper()
	p, _, _ := snnc.Compile(path, snnc.Options{Passes: passes.Options{Verify: true}})
	return p
}

// TestPlanKernelsMatch: the plan's decisions on how a population's update
// runs (fused with threshold and reset, CUBA's lifBlock, each Euler
// variable's step kernel) are the ones the interpreter makes.
func TestPlanKernelsMatch(t *testing.T) {
	for _, model := range planModels(t) {
		p := compileOK(t, model)
		if p == nil {
			continue
		}
		pl, err := plan.Build(p, plan.Options{})
		if err != nil {
			t.Fatalf("%s: %v", model, err)
		}
		got, err := gosim.PopKernels(p, filepath.Dir(model))
		if err != nil {
			t.Fatalf("%s: %v", model, err)
		}
		for _, pp := range pl.Pops {
			want := []string{fmt.Sprintf("fused=%v lif=%v", pp.Fused, pp.Kernel == "lifBlock")}
			for _, ph := range pl.Step {
				if ph.Kind != plan.Update || ph.Target != pp.Name {
					continue
				}
				for _, l := range ph.Loops {
					if strings.HasSuffix(l.Name, "(euler)") {
						want = append(want, l.Kernel)
					}
				}
			}
			if g := got[pp.Name]; strings.Join(g, " | ") != strings.Join(want, " | ") {
				t.Errorf("%s, population %s: interpreter %q, plan %q", model, pp.Name, g, want)
			}
		}
	}
}
