package plan_test

import (
	"math"
	"strings"
	"testing"

	"github.com/snnc/snnc/plan"
	"github.com/snnc/snnc/runtime"
)

// evalInit runs an initialisation loop with plan.Eval over [0, n), its
// draws from stream; pre gives a synapse's presynaptic neuron (nil: none).
func evalInit(t *testing.T, pl *plan.Plan, in *plan.Init, n int, stream *rt.Stream) []float64 {
	t.Helper()
	env := plan.NewEnv(pl)
	env.Stream = stream
	got := make([]float64, n)
	env.Result = func(i int, v float64) { got[i] = v }
	vals := make([]float64, len(in.Loop.Ops))
	for i := range n {
		if err := plan.Eval(in.Loop, env, i, vals); err != nil {
			t.Fatalf("%s, index %d: %v", in.Loop, i, err)
		}
	}
	return got
}

// TestInitLoopsDrawTakenBranches: the plan's initialisation loops of
// init_draws.snn, run by the reference evaluator, draw what the language
// defines, computed here by hand from the runtime's streams: a stream per
// variable (or the projection's weights, delays), element after element,
// and only the branch an `if` (or a short-circuited `and`) takes draws.
func TestInitLoopsDrawTakenBranches(t *testing.T) {
	pl := build(t, "../testdata/gocode/init_draws.snn")
	inits := map[string]*plan.Init{}
	for _, in := range pl.Inits {
		inits[in.Kind.String()+" "+in.Target+" "+in.Var] = in
	}
	stream := func(keys ...string) *rt.Stream { return rt.NewStream(pl.Seed, rt.Hash(keys...)) }
	same := func(what string, got, want []float64) {
		t.Helper()
		for i := range want {
			if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
				t.Errorf("%s[%d] = %v, want %v", what, i, got[i], want[i])
			}
		}
	}
	const n = 20
	lo, hi, mu, sd := -0.07, -0.06, -0.065, 0.002
	// v = if i < 8 then uniform(-0.07 V, -0.06 V) else normal(-0.065 V, 0.002 V)
	in := inits["state E v"]
	if in == nil || strings.Join(in.Stream, " ") != "init E v" {
		t.Fatalf("no initialisation of E.v from stream (init, E, v): %+v", in)
	}
	rng, want := stream("init", "E", "v"), make([]float64, n)
	for i := range want {
		if i < 8 {
			want[i] = lo + (hi-lo)*rng.Float64()
		} else {
			want[i] = mu + sd*rng.Normal()
		}
	}
	same("E.v", evalInit(t, pl, in, n, stream(in.Stream...)), want)
	// v_th = if i >= 4 and rand() < 0.5 then -0.05 V else -0.052 V: the
	// first four neurons draw nothing
	in = inits["state E v_th"]
	rng = stream("init", "E", "v_th")
	for i := range want {
		want[i] = -0.052
		if i >= 4 && rng.Float64() < 0.5 {
			want[i] = -0.05
		}
	}
	same("E.v_th", evalInit(t, pl, in, n, stream(in.Stream...)), want)
	// weight = clip(normal(1 mV, 0.5 mV), 0, 2 mV), one draw a synapse
	in = inits["weights E->E:exc "]
	if in == nil || in.Loop.Space != plan.Synapses {
		t.Fatalf("no weights loop over the synapses: %+v", in)
	}
	rng = stream("weight", "E->E:exc")
	for i := range want {
		want[i] = math.Min(math.Max(0.001+0.0005*rng.Normal(), 0), 0.002)
	}
	same("weights", evalInit(t, pl, in, n, stream(in.Stream...)), want)
	// delay = if rand() < 0.5 then uniform(1 ms, 3 ms) else 2 ms, from
	// the stream the runtime hands each block (here block 0's)
	in = inits["delays E->E:exc "]
	if in == nil || strings.Join(in.Stream, " ") != "delay E->E:exc" {
		t.Fatalf("no delays loop from stream (delay, E->E:exc): %+v", in)
	}
	block := stream("delay", "E->E:exc").Child(0)
	rng = &block
	dlo, dhi := 0.001, 0.003
	for i := range want {
		want[i] = 0.002
		if rng.Float64() < 0.5 {
			want[i] = dlo + (dhi-dlo)*rng.Float64()
		}
	}
	b0 := stream("delay", "E->E:exc").Child(0)
	same("delays", evalInit(t, pl, in, n, &b0), want)
}
