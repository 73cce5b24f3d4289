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
		for _, f := range m {
			if filepath.Base(f) != "potjans2014.snn" { // full scale, 2.6 GB: bench/potjans2014.sh runs it
				models = append(models, f)
			}
		}
	}
	return models
}

// TestPlanUpdateBitIdentical: running a population's loops with the
// plan's reference evaluator (plan.Eval) from the interpreter's state
// before its work gives, bit for bit, the state the interpreter computes:
// the plan's op lists are the interpreter's semantics — the update (exact
// rows, Euler, RK4, refractory clamping), the reset of each spiking neuron
// (conditionals, refractory periods in steps) and each event a port
// handler receives — for the first steps of every model; and the
// threshold loop, run on the updated state, finds the neurons that spike.
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
			loops := map[string][]*plan.Loop{} // by "pop kind"
			wta := map[string]bool{}
			for _, ph := range pl.Step {
				switch ph.Kind {
				case plan.Threshold:
					loops[ph.Target+" threshold"] = ph.Loops
				case plan.Winners:
					wta[ph.Target] = true
				case plan.Update:
					loops[ph.Target+" update"] = ph.Loops
				case plan.Reset:
					loops[ph.Target+" reset"] = ph.Loops
				}
			}
			for _, pr := range pl.Projs {
				if pr.Handler != nil {
					loops[pr.Handler.Over+" port "+pr.Port] = []*plan.Loop{pr.Handler}
				}
			}
			var env *plan.Env
			compared := map[string]int{}
			// the spikes the plan's threshold finds after each update, and
			// the neurons the interpreter then resets
			want, reset := map[string][]int{}, map[string][]int{}
			spikesAgree := func(pop string, n int) error {
				if wta[pop] {
					return nil // winner-take-all keeps only some crossings
				}
				if fmt.Sprint(want[pop]) != fmt.Sprint(reset[pop]) {
					return fmt.Errorf("step %d, %s: the plan's threshold finds %v, the interpreter resets %v", n, pop, want[pop], reset[pop])
				}
				compared["threshold"]++
				return nil
			}
			err = gosim.UpdateProbe(p, filepath.Dir(model), steps, func(pr gosim.Probe) error {
				got, err := planArrays(pl, pr)
				if err != nil {
					return err
				}
				key := pr.Pop + " " + pr.Kind
				if pr.Kind == "reset" && !pr.After {
					reset[pr.Pop] = append(reset[pr.Pop], pr.I)
				}
				if pr.Kind == "update" && !pr.After && pr.N > 0 {
					if err := spikesAgree(pr.Pop, pr.N-1); err != nil {
						return err
					}
				}
				if !pr.After {
					env = &plan.Env{Arrays: got, N: pr.N, T: pr.T, Weight: pr.Weight, Seed: p.Schedule.Seed}
					ls, ok := loops[key]
					if !ok && pr.Kind != "update" && pr.Kind != "reset" { // an empty reset has no loop
						return fmt.Errorf("the plan has no loop for %s", key)
					}
					for _, l := range ls {
						if pr.I < 0 {
							err = plan.EvalLoop(l, env)
						} else {
							err = plan.Eval(l, env, pr.I, nil)
						}
						if err != nil {
							return err
						}
					}
					return nil
				}
				for id, want := range env.Arrays {
					for i := range want {
						if !sameBits(got[id][i], want[i]) {
							return fmt.Errorf("step %d, %s: %s[%d]: interpreter %v (%#x), plan %v (%#x)", pr.N, key, pl.Arrays[id].Name, i,
								got[id][i], math.Float64bits(got[id][i]), want[i], math.Float64bits(want[i]))
						}
					}
				}
				compared[pr.Kind]++
				if pr.Kind == "update" {
					want[pr.Pop], reset[pr.Pop] = nil, nil
					th := &plan.Env{Arrays: got, N: pr.N, T: pr.T, Seed: p.Schedule.Seed, Spike: func(i int) { want[pr.Pop] = append(want[pr.Pop], i) }}
					for _, l := range loops[pr.Pop+" threshold"] {
						if err := plan.EvalLoop(l, th); err != nil {
							return err
						}
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if compared["update"] == 0 && len(pl.Pops) > 0 {
				t.Fatalf("no update compared")
			}
			t.Logf("compared %v", compared)
		})
	}
}

// planArrays copies a population's arrays as the interpreter holds them
// into the plan's layout (refractory steps as float64); other arrays nil.
func planArrays(pl *plan.Plan, pr gosim.Probe) ([][]float64, error) {
	out := make([][]float64, len(pl.Arrays))
	for _, a := range pl.Arrays {
		if a.Owner != pr.Pop {
			continue
		}
		if a.Kind == plan.Refractory {
			out[a.ID] = make([]float64, len(pr.RefUntil))
			for i, r := range pr.RefUntil {
				out[a.ID][i] = float64(r)
			}
			continue
		}
		if a.Kind == plan.Scratch || a.Kind == plan.DendriteIn { // temporaries and dendrite inputs: no loop compared here reads them
			out[a.ID] = make([]float64, a.Len)
			if v, ok := pr.Vals[a.Name]; ok && a.Kind == plan.Scratch { // but an input port's event numbers persist across steps
				copy(out[a.ID], v)
			}
			continue
		}
		name := gosim.RisingKey
		if a.Var != nil {
			name = a.Var.Name
		}
		v, ok := pr.Vals[name]
		if !ok {
			return nil, fmt.Errorf("the interpreter has no %s", a.Name)
		}
		out[a.ID] = append([]float64(nil), v...)
	}
	return out, nil
}

// sameBits: equal bits, or both NaN (a NaN's payload is not semantics).
func sameBits(a, b float64) bool {
	return math.Float64bits(a) == math.Float64bits(b) || math.IsNaN(a) && math.IsNaN(b)
}

// compileOK compiles a model with the IR verified after every pass, or
// returns nil for a model that does not compile (an error case of a pass).
func compileOK(t *testing.T, path string) *ir.Program {
	t.Helper()
	p, _, _ := snnc.CompileIR(path, snnc.Options{Passes: passes.Options{Verify: true}})
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
