package plan_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/snnc/snnc/plan"
)

var testArrays = []*plan.Array{
	{ID: 0, Name: "P.v", Kind: plan.NeuronState, Len: 4},
	{ID: 1, Name: "P.refractory", Kind: plan.Refractory, Len: 4},
	{ID: 2, Name: "P.short", Kind: plan.NeuronState, Len: 2},
}

func loop(ops ...plan.Op) *plan.Loop {
	return &plan.Loop{Name: "test", Over: "P", Space: plan.Neurons, N: 4, Ops: ops}
}

func k(v float64) plan.Op { return plan.Op{Code: plan.Const, Type: plan.Float, K: v, Arr: -1} }

func op(c plan.Code, t plan.Type, args ...int) plan.Op {
	return plan.Op{Code: c, Type: t, Args: args, Arr: -1}
}

// TestVerifyRejects: each malformed loop is rejected with the reason.
func TestVerifyRejects(t *testing.T) {
	load := plan.Op{Code: plan.Load, Type: plan.Float, Arr: 0}
	cases := []struct {
		name string
		l    *plan.Loop
		want string
		eval bool // Eval rejects it too
	}{
		{"use before def", loop(op(plan.Add, plan.Float, 1, 1), k(1)), "not defined before it", true},
		{"self use", loop(k(1), op(plan.Neg, plan.Float, 1)), "not defined before it", true},
		{"void argument", loop(k(1), plan.Op{Code: plan.Store, Args: []int{0}, Arr: 0}, op(plan.Neg, plan.Float, 1)), "has no value", false},
		{"arity", loop(k(1), op(plan.Add, plan.Float, 0)), "add takes 2 arguments, has 1", true},
		{"wrong type", loop(k(1), k(2), op(plan.Lt, plan.Float, 0, 1)), "lt has type float, not bool", false},
		{"select on a float", loop(k(1), op(plan.Select, plan.Float, 0, 0, 0)), "select on a non-boolean", false},
		{"not of a float", loop(k(1), op(plan.Not, plan.Bool, 0)), "not of a non-boolean", false},
		{"array out of range", loop(plan.Op{Code: plan.Load, Type: plan.Float, Arr: 7}), "missing array a7", true},
		{"overrun", loop(plan.Op{Code: plan.Load, Type: plan.Float, Arr: 2}), "overruns P.short[2]", true},
		{"offset overrun", loop(plan.Op{Code: plan.Load, Type: plan.Float, Arr: 0, Off: 1}), "P.v[i+1] for i < 4 overruns", false},
		{"refr of state", loop(plan.Op{Code: plan.Refr, Type: plan.Bool, Arr: 0}), "not a refractory array", false},
		{"pre outside synapses", loop(plan.Op{Code: plan.Load, Type: plan.Float, Arr: 0, Idx: plan.Pre}), "pre index outside a synapse loop", false},
		{"weight outside events", loop(op(plan.Weight, plan.Float)), "weight outside an event loop", false},
		{"unknown function", loop(load, plan.Op{Code: plan.Call, Type: plan.Float, Args: []int{0}, Fn: "frob", Arr: -1}), "unknown function frob", true},
		{"call arity", loop(load, plan.Op{Code: plan.Call, Type: plan.Float, Args: []int{0}, Fn: "pow", Arr: -1}), "pow takes 2 arguments", true},
		{"not random", loop(plan.Op{Code: plan.Rand, Type: plan.Float, Fn: "exp", Arr: -1}), "not a distribution", false},
		{"draw without stream", loop(plan.Op{Code: plan.Rand, Type: plan.Float, Fn: "rand", Arr: -1}), "without a stream", false},
		{"draw number", loop(plan.Op{Code: plan.Rand, Type: plan.Float, Fn: "randn", K: 0.5, Arr: -1}), "draw number 0.5", false},
		{"unknown code", loop(plan.Op{Code: 200}), "unknown code 200", true},
		// initialisation loops (init.go): sequential draws and a result, no effects
		{"draw in a step loop", loop(plan.Op{Code: plan.Draw, Type: plan.Float, Fn: "rand", Arr: -1}), "draw outside an initialisation loop", false},
		{"store in an init loop", loop(k(1), plan.Op{Code: plan.Store, Args: []int{0}, Arr: 0}, op(plan.Result, plan.Void, 0)), "store in an initialisation loop", false},
		{"result not last", loop(k(1), op(plan.Result, plan.Void, 0), op(plan.Result, plan.Void, 0)), "a result before the last op", false},
		{"draw of a function", loop(plan.Op{Code: plan.Draw, Type: plan.Float, Fn: "exp", Arr: -1}, op(plan.Result, plan.Void, 0)), "not a distribution", false},
	}
	for _, c := range cases {
		err := plan.VerifyLoop(c.l, testArrays)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.name, err, c.want)
		}
		// what would make Eval compute garbage or index out of range, it
		// refuses too (types are Verify's alone: Eval computes in float64)
		env := &plan.Env{Arrays: [][]float64{make([]float64, 4), make([]float64, 4), make([]float64, 2)}}
		if err := plan.Eval(c.l, env, 3, nil); err == nil && c.eval {
			t.Errorf("%s: Eval accepted it", c.name)
		}
	}
}

// TestVerifyPhaseOrder: a step whose phases are out of order is rejected.
func TestVerifyPhaseOrder(t *testing.T) {
	pl := &plan.Plan{Network: "N", Dt: 1e-4, Pops: []*plan.Pop{{Name: "P", N: 4, Members: []plan.Member{{Name: "P", N: 4}}}},
		Arrays: testArrays}
	pl.Step = []*plan.Phase{{Kind: plan.Update, Target: "P"}, {Kind: plan.Threshold, Target: "P"}}
	if err := plan.Verify(pl); err != nil {
		t.Fatalf("a valid step: %v", err)
	}
	pl.Step = []*plan.Phase{{Kind: plan.Threshold, Target: "P"}, {Kind: plan.Update, Target: "P"}}
	if err := plan.Verify(pl); err == nil || !strings.Contains(err.Error(), "runs after a later kind of phase") {
		t.Errorf("threshold before update: %v", err)
	}
	pl.Step = []*plan.Phase{{Kind: plan.Update, Target: "Q"}}
	if err := plan.Verify(pl); err == nil || !strings.Contains(err.Error(), "no population Q") {
		t.Errorf("unknown population: %v", err)
	}
	pl.Step = []*plan.Phase{{Kind: plan.Update, Target: "P", Loops: []*plan.Loop{{Name: "l", Over: "P", N: 3}}}}
	if err := plan.Verify(pl); err == nil || !strings.Contains(err.Error(), "does not run over P[4]") {
		t.Errorf("short loop: %v", err)
	}
}

// TestEval: a hand-written loop (a clamped Euler step) computes what the
// same Go expression does, and holds the clamped value while refractory.
func TestEval(t *testing.T) {
	l := loop(
		plan.Op{Code: plan.Load, Type: plan.Float, Arr: 0}, // %0 v
		k(-0.07),                       // %1
		op(plan.Sub, plan.Float, 1, 0), // %2 = -0.07 - v
		k(50),                          // %3
		op(plan.Mul, plan.Float, 2, 3), // %4
		plan.Op{Code: plan.Refr, Type: plan.Bool, Arr: 1}, // %5
		k(0),                                 // %6
		op(plan.Select, plan.Float, 5, 6, 4), // %7
		k(1e-4),                              // %8
		op(plan.Mul, plan.Float, 8, 7),       // %9
		op(plan.Add, plan.Float, 0, 9),       // %10
		plan.Op{Code: plan.Store, Args: []int{10}, Arr: 0},
	)
	if err := plan.VerifyLoop(l, testArrays); err != nil {
		t.Fatal(err)
	}
	v := []float64{-0.05, -0.06, -0.065, 0.01}
	env := &plan.Env{Arrays: [][]float64{append([]float64(nil), v...), {0, 10, 0, 0}, {0, 0}}, N: 5}
	if err := plan.EvalLoop(l, env); err != nil {
		t.Fatal(err)
	}
	for i, x := range v {
		want := x + 1e-4*((-0.07-x)*50)
		if i == 1 {
			want = x // refractory until step 10
		}
		if env.Arrays[0][i] != want {
			t.Errorf("v[%d] = %v, want %v", i, env.Arrays[0][i], want)
		}
	}
}

// FuzzLoop: random op lists never make Verify or Eval panic; Eval of a
// loop Verify accepts succeeds and is deterministic (the same bits twice),
// and a loop whose ops Verify rejects for their arguments Eval rejects too.
func FuzzLoop(f *testing.F) {
	f.Add(uint64(1), uint8(12))
	f.Add(uint64(2016), uint8(40))
	f.Add(uint64(7), uint8(3))
	f.Fuzz(func(t *testing.T, seed uint64, n uint8) {
		l := randomLoop(rand.New(rand.NewPCG(seed, 13)), int(n))
		verr := plan.VerifyLoop(l, testArrays)
		run := func() ([]float64, error) {
			env := &plan.Env{Arrays: [][]float64{{0.5, -1, math.Inf(1), 3}, {0, 9, 0, 0}, {2, -0}}, N: 4, T: 0.1, Weight: 0.25}
			vals := make([]float64, len(l.Ops))
			for i := 0; i < l.N; i++ {
				if err := plan.Eval(l, env, i, vals); err != nil {
					return nil, err
				}
			}
			return append(env.Arrays[0], vals...), nil
		}
		a, err1 := run()
		b, err2 := run()
		if (err1 == nil) != (err2 == nil) {
			t.Fatalf("Eval not deterministic: %v vs %v", err1, err2)
		}
		if verr == nil && err1 != nil && !strings.Contains(err1.Error(), "out of") {
			t.Fatalf("Verify accepted a loop Eval rejects: %v", err1)
		}
		for i := range a {
			if math.Float64bits(a[i]) != math.Float64bits(b[i]) && !(math.IsNaN(a[i]) && math.IsNaN(b[i])) {
				t.Fatalf("value %d: %v then %v", i, a[i], b[i])
			}
		}
	})
}

// randomLoop draws n ops, mostly well formed (arguments defined before,
// of fitting types), sometimes not.
func randomLoop(r *rand.Rand, n int) *plan.Loop {
	codes := []plan.Code{plan.Const, plan.Load, plan.Store, plan.Time, plan.StepNo, plan.Refr, plan.Weight, plan.Neg, plan.Not,
		plan.Add, plan.Sub, plan.Mul, plan.Div, plan.Mod, plan.Pow, plan.Lt, plan.Le, plan.Gt, plan.Ge, plan.Eq, plan.Ne,
		plan.And, plan.Or, plan.Select, plan.Call, plan.Spike, plan.Rand}
	fns := []string{"exp", "log", "sqrt", "abs", "tanh", "sigmoid", "pow", "min", "max", "clip", "nosuch"}
	l := &plan.Loop{Name: "fuzz", Over: "P", Space: plan.Neurons, N: 1 + r.IntN(4)}
	if r.IntN(4) != 0 {
		l.Stream = "P noise"
	}
	if r.IntN(4) == 0 {
		l.Space = plan.Events
	}
	var floats, bools []int
	pick := func(b bool) int {
		s := floats
		if b {
			s = bools
		}
		if len(s) == 0 || r.IntN(40) == 0 {
			return r.IntN(n+2) - 1 // anything, even undefined
		}
		return s[r.IntN(len(s))]
	}
	for k := 0; k < n; k++ {
		c := codes[r.IntN(len(codes))]
		o := plan.Op{Code: c, Arr: -1}
		switch c {
		case plan.Const:
			o.K = []float64{0, -0, 1, -2.5, 1e300, math.Inf(-1), math.NaN()}[r.IntN(7)]
		case plan.Load, plan.Store:
			o.Arr = r.IntN(3)
			if c == plan.Store {
				o.Args = []int{pick(false)}
			}
		case plan.Refr:
			o.Arr = 1
		case plan.Time:
			o.K = 5e-5
		case plan.Neg:
			o.Args = []int{pick(false)}
		case plan.Not, plan.Spike:
			o.Args = []int{pick(true)}
		case plan.And, plan.Or:
			o.Args = []int{pick(true), pick(true)}
		case plan.Select:
			o.Args = []int{pick(true), pick(false), pick(false)}
		case plan.Call:
			o.Fn = fns[r.IntN(len(fns))]
			for range 1 + r.IntN(3) {
				o.Args = append(o.Args, pick(false))
			}
		case plan.Rand:
			o.Fn = []string{"rand", "randn", "normal"}[r.IntN(3)]
			o.K = float64(r.IntN(3))
		default:
			o.Args = []int{pick(false), pick(false)}
		}
		switch c {
		case plan.Store, plan.Spike:
		case plan.Refr, plan.Not, plan.And, plan.Or, plan.Lt, plan.Le, plan.Gt, plan.Ge, plan.Eq, plan.Ne:
			o.Type = plan.Bool
			bools = append(bools, k)
		default:
			o.Type = plan.Float
			floats = append(floats, k)
		}
		if r.IntN(50) == 0 {
			o.Type = plan.Type(r.IntN(4))
		}
		l.Ops = append(l.Ops, o)
	}
	return l
}
