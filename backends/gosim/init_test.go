package gosim

import (
	"math"
	"testing"

	"github.com/snnc/snnc/internal/testmodel"
	"github.com/snnc/snnc/plan"
	"github.com/snnc/snnc/runtime"
)

// TestInitLoopsMatchEval: the interpreter runs every initialisation loop
// (plan.Inits: initial values under `if` and a short-circuited `and`,
// per-neuron parameters, clipped normal weights, per-synapse delays) as
// the plan's reference evaluator does, bit for bit: the same numbers drawn
// from the same sequential stream, only in the branches taken.
func TestInitLoopsMatchEval(t *testing.T) {
	models := []string{"../../testdata/gocode/init_draws.snn", "../../testdata/gocode/syndelays.snn",
		"../../testdata/gocode/per_neuron.snn", "../../testdata/gocode/features.snn", "../../testdata/gocode/plastic.snn"}
	loops := 0
	for _, m := range models {
		pl, err := plan.Build(testmodel.Compile(t, m), plan.Options{})
		if err != nil {
			t.Fatalf("%s: %v", m, err)
		}
		s := &sim{seed: pl.Seed}
		for _, in := range pl.Inits {
			n := in.Loop.N
			if n < 0 {
				n = 64 // synapses
			}
			// the same arrays, filled alike, on both sides
			env := plan.NewEnv(pl)
			la := &loopArrays{meta: pl.Arrays, f64: make([][]float64, len(pl.Arrays)), vars: make([]string, len(pl.Arrays)), refArr: -1, seed: pl.Seed}
			for id, a := range pl.Arrays {
				if a.Len < 0 {
					env.Arrays[id] = make([]float64, n)
				}
				for j := range env.Arrays[id] {
					env.Arrays[id][j] = float64(j%7) * 0.25
				}
				la.f64[id] = append([]float64(nil), env.Arrays[id]...)
			}
			env.Stream = rt.NewStream(pl.Seed, rt.Hash(in.Stream...))
			want := make([]float64, n)
			env.Result = func(i int, v float64) { want[i] = v }
			e, err := s.compileInit(in, la, nil)
			if err != nil {
				t.Fatalf("%s: %v", m, err)
			}
			vals := make([]float64, len(in.Loop.Ops))
			x := &lanes{}
			for i := range n {
				env.Pre, env.Post = i%5, i%3
				e.pre, e.post = env.Pre, env.Post
				if err := plan.Eval(in.Loop, env, i, vals); err != nil {
					t.Fatalf("%s, %s: %v", m, in.Loop, err)
				}
				e.elem(i, 0, x)
				if math.Float64bits(e.res) != math.Float64bits(want[i]) {
					t.Fatalf("%s, %s, element %d: the interpreter computes %v, plan.Eval %v", m, in.Loop, i, e.res, want[i])
				}
			}
			loops++
		}
	}
	if loops < 20 {
		t.Errorf("only %d initialisation loops checked", loops)
	}
}
