package gosim_test

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snnc/snnc/backends/gosim"
	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/plan"
)

// TestPlanSynapseBitIdentical: running a synapse model's loops with the
// plan's reference evaluator from the interpreter's state before its work
// gives, bit for bit, the state the interpreter computes — synaptic
// weights and traces (the lazy ones with their last-update times), the
// ports summed outputs drive, and the postsynaptic state on_pre's
// deliveries change — for the clock-driven tick, summed outputs, on_pre
// per arriving spike, on_post per postsynaptic spike, on_modulator per
// modulator spike, normalisation and the lazy traces' catch-up at the end,
// for the first steps of every model with a synapse type.
func TestPlanSynapseBitIdentical(t *testing.T) {
	for _, model := range planModels(t) {
		name := strings.TrimSuffix(strings.TrimPrefix(model, "../../"), ".snn")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			compareSynapses(t, model)
		})
	}
}

// TestPlanSynapseReadsAfterDeliver: a handler that reads the postsynaptic
// neuron's state after its `deliver` sees what the port's handler made of
// the delivery (the plan loads it again after the send).
func TestPlanSynapseReadsAfterDeliver(t *testing.T) {
	model := filepath.Join(t.TempDir(), "seen.snn")
	if err := os.WriteFile(model, []byte(seenModel), 0o644); err != nil {
		t.Fatal(err)
	}
	if c := compareSynapses(t, model); c["deliver"] == 0 {
		t.Fatalf("no delivery compared: %v", c)
	}
}

const seenModel = `
neuron Cell {
    parameters {
        tau = 10 ms
    }
    state {
        v = 0
    }
    equations {
        v' = -v / tau
    }
    inputs {
        exc: v += 2 * weight
    }
    on threshold v > 100 {
        v = 0
    }
}

synapse Seen {
    state {
        w = 0.5
        x = 0
    }
    on pre {
        x = post.v
        deliver w
        w = w + 0.1 * (post.v - x)
    }
}

network N {
    dt   = 0.1 ms
    seed = 3
    input P = poisson(5, rate = 200 Hz)
    population E = Cell[3]
    project pe = P -> E : exc using Seen { connect = all_to_all }
    record weights(pe)
}

run N for 20 ms
`

// TestPlanSynapsePassesOff: the synapse loops match the interpreter with
// traces integrated every step (lazy off) and with stored rows instead of
// regenerated ones (sparsity off).
func TestPlanSynapsePassesOff(t *testing.T) {
	for _, model := range []string{"../../testdata/gocode/plastic.snn", "../../testdata/gocode/summed.snn"} {
		for _, off := range []string{"lazy", "sparsity"} {
			t.Run(filepath.Base(model)+"/"+off, func(t *testing.T) {
				t.Parallel()
				if c := compareIR(t, compile(t, model, off), filepath.Dir(model)); len(c) == 0 {
					t.Fatal("nothing compared")
				}
			})
		}
	}
}

// compareSynapses runs TestPlanSynapseBitIdentical's comparison on one
// model and returns how often each kind of work was compared.
func compareSynapses(t *testing.T, model string) map[string]int {
	p := compileOK(t, model)
	if p == nil {
		return nil // a model that is an error case of its pass
	}
	return compareIR(t, p, filepath.Dir(model))
}

func compareIR(t *testing.T, p *ir.Program, dir string) map[string]int {
	plastic := false
	for _, ip := range p.Projs {
		plastic = plastic || ip.Synapse != nil
	}
	if !plastic {
		return nil
	}
	pl, err := plan.Build(p, plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, pr := range pl.Projs {
		if pr.Plastic && pr.SynDelays {
			// the probe replays on_pre per arriving presynaptic spike; with a
			// delay per synapse each synapse arrives on its own (compared by
			// TestPlasticSynapseDelays and TestSameOutputs instead)
			return nil
		}
	}
	const steps = 1000
	run := steps
	for _, ph := range pl.Step {
		if ph.Kind == plan.Modulate {
			run = 4 * steps // modulators spike at a few Hz: only their work is compared after steps
		}
	}
	compared := map[string]int{}
	var env *plan.Env
	err = gosim.SynapseProbe(p, dir, run, steps, func(pr gosim.SynProbe) error {
		if !pr.After {
			env = synapseEnv(pl, pr)
			return runSynapsePhase(pl, pr, env, compared)
		}
		for _, a := range pl.Arrays {
			got, ok := pr.Arrays[a.Name]
			if !ok || env.Arrays[a.ID] == nil {
				continue // scratch, or not the projection's
			}
			want := env.Arrays[a.ID]
			if len(got) != len(want) {
				return fmt.Errorf("step %d, %s %s: %s has %d elements, the plan's %d", pr.N, pr.Proj, pr.Kind, a.Name, len(got), len(want))
			}
			for i := range want {
				if !sameBits(got[i], want[i]) {
					return fmt.Errorf("step %d, %s %s: %s[%d]: interpreter %v (%#x), plan %v (%#x)", pr.N, pr.Proj, pr.Kind, a.Name, i,
						got[i], math.Float64bits(got[i]), want[i], math.Float64bits(want[i]))
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(compared) == 0 {
		t.Fatalf("no synapse work compared")
	}
	t.Logf("compared %v", compared)
	return compared
}

// synapseEnv copies the interpreter's arrays of the projection and of its
// populations into the plan's layout; a scratch array starts zeroed.
func synapseEnv(pl *plan.Plan, pr gosim.SynProbe) *plan.Env {
	env := &plan.Env{Arrays: make([][]float64, len(pl.Arrays)), N: pr.N, T: pr.T, Seed: pl.Seed}
	owners := map[string]bool{pr.Proj: true}
	for _, p := range pl.Projs {
		if p.Name == pr.Proj {
			for _, pp := range pl.Pops {
				for _, m := range pp.Members {
					owners[pp.Name] = owners[pp.Name] || m.Name == p.Pre || m.Name == p.Post
				}
			}
		}
	}
	for _, a := range pl.Arrays {
		if !owners[a.Owner] {
			continue
		}
		if v, ok := pr.Arrays[a.Name]; ok {
			env.Arrays[a.ID] = append([]float64(nil), v...)
		} else {
			env.Arrays[a.ID] = make([]float64, max(0, a.Len))
		}
	}
	return env
}

// runSynapsePhase runs the plan's loops for the work the probe announces,
// as an executor would: loops without events over the connectivity,
// event loops per spike, on_pre's sends into the port.
func runSynapsePhase(pl *plan.Plan, pr gosim.SynProbe, env *plan.Env, compared map[string]int) error {
	var proj *plan.Proj
	for _, p := range pl.Projs {
		if p.Name == pr.Proj {
			proj = p
		}
	}
	if proj == nil || proj.Syn == nil {
		return fmt.Errorf("the plan has no synapse loops for %s", pr.Proj)
	}
	conn := &plan.Conn{NPre: pr.NPre, NPost: pr.NPost, Row: pr.Row}
	eval := func(loops []*plan.Loop) error {
		for _, l := range loops {
			if err := plan.EvalSynapseLoop(l, env, conn); err != nil {
				return err
			}
		}
		return nil
	}
	syn := proj.Syn
	switch pr.Kind {
	case "tick":
		if len(syn.Tick) > 0 {
			compared[pr.Kind]++
		}
		return eval(syn.Tick)
	case "sum":
		compared[pr.Kind]++
		return eval([]*plan.Loop{syn.Sum})
	case "deliver":
		send, err := sender(pl, proj, env)
		if err != nil {
			return err
		}
		env.Deliver = send
		for _, i := range pr.Spikes {
			compared[pr.Kind]++
			if err := plan.EvalSpike(syn.OnPre, env, conn, int(i)); err != nil {
				return err
			}
		}
	case "on-post":
		for _, j := range pr.Spikes {
			compared[pr.Kind]++
			if err := plan.EvalSpike(syn.OnPost, env, conn, int(j)); err != nil {
				return err
			}
		}
	case "modulate":
		for _, m := range syn.Mods {
			if m.PerPost {
				for _, j := range pr.Mods[m.Name] {
					compared[pr.Kind]++
					if err := plan.EvalSpike(m.Loops, env, conn, int(j)); err != nil {
						return err
					}
				}
				continue
			}
			for range pr.Mods[m.Name] {
				compared[pr.Kind]++
				if err := plan.EvalSynapseLoop(m.Loop, env, conn); err != nil {
					return err
				}
			}
		}
	case "normalize":
		compared[pr.Kind]++
		return eval(syn.Normalize)
	case "catch-up":
		if len(syn.CatchUp) > 0 {
			compared[pr.Kind]++
		}
		return eval(syn.CatchUp)
	default:
		return fmt.Errorf("unknown probe %s", pr.Kind)
	}
	return nil
}

// sender delivers a value into the projection's port at the synapse's
// postsynaptic neuron: the direct add, or the port's handler loop.
func sender(pl *plan.Plan, proj *plan.Proj, env *plan.Env) (func(v float64), error) {
	off, group := -1, ""
	for _, pp := range pl.Pops {
		for _, m := range pp.Members {
			if m.Name == proj.Post {
				off, group = m.Off, pp.Name
			}
		}
	}
	if off < 0 {
		return nil, fmt.Errorf("no population %s", proj.Post)
	}
	switch {
	case proj.Direct != nil:
		id := -1
		for _, a := range pl.Arrays {
			if a.Name == group+"."+proj.Direct.Var.Name {
				id = a.ID
			}
		}
		if id < 0 {
			return nil, fmt.Errorf("no array for %s.%s", group, proj.Direct.Var.Name)
		}
		return func(v float64) { env.Arrays[id][env.Post+off] += proj.Direct.Sign * v }, nil
	case proj.Handler != nil:
		return func(v float64) {
			port := *env
			port.Weight = v
			if err := plan.Eval(proj.Handler, &port, env.Post+off, nil); err != nil {
				panic(err)
			}
		}, nil
	}
	return func(float64) {}, nil // summed: no event port
}
