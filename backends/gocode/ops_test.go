package gocode

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/snnc/snnc/plan"
	"github.com/snnc/snnc/runtime"
)

// The loop-level fuzzing of the printer: random op lists over a
// population's neurons, printed as Go by opsPrinter into one small
// program (one go build for the whole batch), run once, and compared bit
// for bit with plan.Eval on the same state: every array element after the
// loop and the spikes, for every loop.

const (
	fuzzN       = 12                  // neurons
	fuzzFloat   = 3                   // float arrays a0..a2
	fuzzBool    = fuzzFloat           // a3 holds booleans
	fuzzRefr    = fuzzFloat + 1       // a4 is the refractory state (int32 in Go)
	fuzzArrs    = fuzzRefr + 1        //
	fuzzStep    = 7                   // the step number
	fuzzDt      = 1e-4                // s
	fuzzT       = fuzzStep * fuzzDt   // the time at the step's start
	fuzzLoops   = 400                 // loops per program
	fuzzSeed    = 0x5eed_0f_c0de_2026 // the batch's random source
	fuzzRunSeed = 99                  // the run's seed: keys the loops' draws
)

var fuzzCalls = []struct {
	fn   string
	args int // -1: 1 to 3
}{{"exp", 1}, {"log", 1}, {"sqrt", 1}, {"abs", 1}, {"sin", 1}, {"cos", 1}, {"tanh", 1}, {"sigmoid", 1},
	{"floor", 1}, {"ceil", 1}, {"round", 1}, {"pow", 2}, {"clip", 3}, {"min", -1}, {"max", -1}}

// fuzzConst draws a constant, often one of IEEE's special values.
func fuzzConst(r *rand.Rand) float64 {
	special := []float64{0, math.Copysign(0, -1), 1, -1, 0.5, 2, 1e308, -1e-310, math.Inf(1), math.Inf(-1), math.NaN(), 0.1, 3}
	if r.IntN(3) > 0 {
		return special[r.IntN(len(special))]
	}
	return r.NormFloat64() * math.Pow(10, float64(r.IntN(9)-4))
}

// fuzzLoop draws a loop of neuron ops: values from loads, constants, t, the
// step number and refractoriness combined by every pure operation, then
// stores (some guarded) and at most one spike.
func fuzzLoop(r *rand.Rand, k int) *plan.Loop {
	var ops []plan.Op
	var vals []int // the ops with a value
	add := func(op plan.Op) int {
		ops = append(ops, op)
		id := len(ops) - 1
		if op.Type != plan.Void {
			vals = append(vals, id)
		}
		return id
	}
	arg := func() int { return vals[r.IntN(len(vals))] }
	isBool := func(a int) bool { return ops[a].Type == plan.Bool }
	add(plan.Op{Code: plan.Load, Type: plan.Float, Arr: r.IntN(fuzzFloat)})
	for n := 3 + r.IntN(25); n > 0; n-- {
		switch c := plan.Code(r.IntN(int(plan.Spike))); c {
		case plan.Const:
			if r.IntN(4) == 0 {
				add(plan.Op{Code: c, Type: plan.Bool, K: float64(r.IntN(2))})
			} else {
				add(plan.Op{Code: c, Type: plan.Float, K: fuzzConst(r)})
			}
		case plan.Load:
			if a := r.IntN(fuzzFloat + 1); a == fuzzBool {
				add(plan.Op{Code: c, Type: plan.Bool, Arr: a})
			} else {
				add(plan.Op{Code: c, Type: plan.Float, Arr: a})
			}
		case plan.Time:
			add(plan.Op{Code: c, Type: plan.Float, K: []float64{0, fuzzDt / 2, fuzzDt}[r.IntN(3)]})
		case plan.StepNo:
			add(plan.Op{Code: c, Type: plan.Float})
		case plan.Refr:
			add(plan.Op{Code: c, Type: plan.Bool, Arr: fuzzRefr})
		case plan.Rand: // a counter-based draw (rt.Draw), number 0..2
			add(plan.Op{Code: c, Type: plan.Float, Fn: []string{"rand", "randn"}[r.IntN(2)], K: float64(r.IntN(3))})
		case plan.Store, plan.Weight:
			n++ // drawn below, or not in a neuron loop
		case plan.Neg:
			add(plan.Op{Code: c, Type: plan.Float, Args: []int{arg()}})
		case plan.Not:
			add(plan.Op{Code: c, Type: plan.Bool, Args: []int{arg()}})
		case plan.Select:
			x, y := arg(), arg()
			t := plan.Float
			if isBool(x) && isBool(y) {
				t = plan.Bool
			}
			add(plan.Op{Code: c, Type: t, Args: []int{arg(), x, y}})
		case plan.Call:
			f := fuzzCalls[r.IntN(len(fuzzCalls))]
			na := f.args
			if na < 0 {
				na = 1 + r.IntN(3)
			}
			args := make([]int, na)
			for j := range args {
				args[j] = arg()
			}
			add(plan.Op{Code: c, Type: plan.Float, Fn: f.fn, Args: args})
		default: // binary
			t := plan.Float
			if c >= plan.Lt {
				t = plan.Bool
			}
			add(plan.Op{Code: c, Type: t, Args: []int{arg(), arg()}})
		}
	}
	for n := 1 + r.IntN(3); n > 0; n-- {
		args := []int{arg()}
		if r.IntN(3) == 0 {
			args = append(args, arg())
		}
		add(plan.Op{Code: plan.Store, Args: args, Arr: r.IntN(fuzzFloat + 1)})
	}
	if r.IntN(2) == 0 {
		add(plan.Op{Code: plan.Spike, Args: []int{arg()}})
	}
	for j := range ops {
		if ops[j].Code != plan.Load && ops[j].Code != plan.Store && ops[j].Code != plan.Refr {
			ops[j].Arr = -1
		}
	}
	return &plan.Loop{Name: fmt.Sprintf("fuzz%d", k), Over: "P", Space: plan.Neurons, N: fuzzN, Ops: ops, Stream: "P noise"}
}

// fuzzInit makes a fuzz loop an initialisation loop (plan.Init): its
// counter-based draws become sequential ones (Draw), some under a guard
// (an earlier value), the time and step the index, refractoriness a
// boolean constant; its effects give way to one Result.
func fuzzInit(r *rand.Rand, l *plan.Loop) {
	var ops []plan.Op
	for k, op := range l.Ops {
		switch op.Code {
		case plan.Rand:
			op = plan.Op{Code: plan.Draw, Type: plan.Float, Fn: op.Fn, Arr: -1}
			if k > 0 && r.IntN(2) == 0 {
				op.Args = []int{r.IntN(k)}
			}
		case plan.Time, plan.StepNo:
			op = plan.Op{Code: plan.Index, Type: plan.Float, Arr: -1}
		case plan.Refr:
			op = plan.Op{Code: plan.Const, Type: plan.Bool, K: 1, Arr: -1}
		case plan.Store, plan.Spike:
			continue
		}
		ops = append(ops, op)
	}
	l.Ops = append(ops, plan.Op{Code: plan.Result, Args: []int{r.IntN(len(ops))}, Arr: -1})
	l.Stream = ""
}

// fuzzState is the arrays every loop starts from.
func fuzzState(r *rand.Rand) [][]float64 {
	arrs := make([][]float64, fuzzArrs)
	for a := range arrs {
		arrs[a] = make([]float64, fuzzN)
		for i := range arrs[a] {
			switch a {
			case fuzzBool:
				arrs[a][i] = float64(r.IntN(2))
			case fuzzRefr:
				arrs[a][i] = float64(fuzzStep - 3 + r.IntN(7)) // some refractory, some not
			default:
				arrs[a][i] = fuzzConst(r)
			}
		}
	}
	return arrs
}

// fuzzDump is the outcome of a loop as the program prints it: every
// array's bits, then the spikes.
func fuzzDump(arrs [][]float64, spikes []int) string {
	var b strings.Builder
	for a, arr := range arrs {
		fmt.Fprintf(&b, "a%d", a)
		for _, x := range arr {
			fmt.Fprintf(&b, " %x", math.Float64bits(x))
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "spikes %v\n", spikes)
	return b.String()
}

// TestPrintedOpsMatchEval: random op lists printed as Go compute what
// plan.Eval computes, bit for bit (NaN, ±0, ±Inf, booleans as numbers and
// numbers as conditions, constants on both sides of an operator).
func TestPrintedOpsMatchEval(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Fatal("the test needs the go command")
	}
	r := rand.New(rand.NewPCG(fuzzSeed, 1))
	init := fuzzState(r)
	g := &gen{}
	var funcs, calls buf
	var sources []string // each loop's function
	var want strings.Builder
	// cases random lists rarely draw: -0 from a negated constant, constants
	// on both sides of an operator (Go would compute them exactly)
	fixed := [][]plan.Op{
		{{Code: plan.Const, Arr: -1}, {Code: plan.Neg, Type: plan.Float, Args: []int{0}, Arr: -1}, {Code: plan.Store, Args: []int{1}}},
		{{Code: plan.Const, K: 0.1, Arr: -1}, {Code: plan.Const, K: 0.2, Arr: -1}, {Code: plan.Add, Type: plan.Float, Args: []int{0, 1}, Arr: -1},
			{Code: plan.Neg, Type: plan.Float, Args: []int{1}, Arr: -1}, {Code: plan.Mul, Type: plan.Float, Args: []int{3, 0}, Arr: -1},
			{Code: plan.Store, Args: []int{2}, Arr: 1}, {Code: plan.Store, Args: []int{4}, Arr: 2}},
		// a row held while refractory (printed as a guarded store), and the
		// same with a store to the element in between (not guarded)
		{{Code: plan.Load, Type: plan.Float, Arr: 0}, {Code: plan.Refr, Type: plan.Bool, Arr: fuzzRefr}, {Code: plan.Const, K: 2.5, Arr: -1},
			{Code: plan.Add, Type: plan.Float, Args: []int{0, 2}, Arr: -1}, {Code: plan.Select, Type: plan.Float, Args: []int{1, 0, 3}, Arr: -1},
			{Code: plan.Store, Args: []int{4}, Arr: 0}},
		{{Code: plan.Load, Type: plan.Float, Arr: 0}, {Code: plan.Refr, Type: plan.Bool, Arr: fuzzRefr}, {Code: plan.Const, K: 2.5, Arr: -1},
			{Code: plan.Add, Type: plan.Float, Args: []int{0, 2}, Arr: -1}, {Code: plan.Store, Args: []int{3}, Arr: 0},
			{Code: plan.Select, Type: plan.Float, Args: []int{1, 0, 3}, Arr: -1}, {Code: plan.Store, Args: []int{5}, Arr: 0}},
		// a lazy trace's advance (plan/synapse.go), printed with arms (odd
		// loops): the exp runs only where the select takes it, the stores
		// are guarded the other way round
		nil,
		{{Code: plan.Load, Type: plan.Float, Arr: 0}, {Code: plan.Load, Type: plan.Float, Arr: 1}, {Code: plan.Time, Type: plan.Float, Arr: -1},
			{Code: plan.Sub, Type: plan.Float, Args: []int{2, 1}, Arr: -1}, {Code: plan.Const, K: -50, Arr: -1},
			{Code: plan.Mul, Type: plan.Float, Args: []int{4, 3}, Arr: -1}, {Code: plan.Call, Type: plan.Float, Fn: "exp", Args: []int{5}, Arr: -1},
			{Code: plan.Mul, Type: plan.Float, Args: []int{0, 6}, Arr: -1}, {Code: plan.Const, Arr: -1}, {Code: plan.Gt, Type: plan.Bool, Args: []int{3, 8}, Arr: -1},
			{Code: plan.Select, Type: plan.Float, Args: []int{9, 7, 0}, Arr: -1}, {Code: plan.Select, Type: plan.Float, Args: []int{9, 2, 1}, Arr: -1},
			{Code: plan.Store, Args: []int{10}, Arr: 0}, {Code: plan.Store, Args: []int{11}, Arr: 1}},
		nil,
		// the same select read again after its store (no guard: an if/else)
		{{Code: plan.Load, Type: plan.Float, Arr: 0}, {Code: plan.Load, Type: plan.Float, Arr: 1}, {Code: plan.Time, Type: plan.Float, Arr: -1},
			{Code: plan.Sub, Type: plan.Float, Args: []int{2, 1}, Arr: -1}, {Code: plan.Const, K: -50, Arr: -1},
			{Code: plan.Mul, Type: plan.Float, Args: []int{4, 3}, Arr: -1}, {Code: plan.Call, Type: plan.Float, Fn: "exp", Args: []int{5}, Arr: -1},
			{Code: plan.Mul, Type: plan.Float, Args: []int{0, 6}, Arr: -1}, {Code: plan.Const, Arr: -1}, {Code: plan.Gt, Type: plan.Bool, Args: []int{3, 8}, Arr: -1},
			{Code: plan.Select, Type: plan.Float, Args: []int{9, 7, 0}, Arr: -1}, {Code: plan.Add, Type: plan.Float, Args: []int{10, 4}, Arr: -1},
			{Code: plan.Store, Args: []int{11}, Arr: 0}, {Code: plan.Store, Args: []int{10}, Arr: 2}},
	}
	for k := 0; k < fuzzLoops; k++ {
		l := fuzzLoop(r, k)
		if k < len(fixed) && fixed[k] != nil {
			l.Ops = fixed[k]
		}
		// every fifth an initialisation loop: its result into a0, its draws
		// from a stream of its own
		isInit := k%5 == 4
		if isInit {
			fuzzInit(r, l)
		}
		// the reference
		env := &plan.Env{Arrays: make([][]float64, fuzzArrs), N: fuzzStep, T: fuzzT, Seed: fuzzRunSeed}
		if isInit {
			env.Stream = rt.NewStream(fuzzRunSeed, rt.Hash("init", strconv.Itoa(k)))
			env.Result = func(i int, v float64) { env.Arrays[0][i] = v }
		}
		for a := range init {
			env.Arrays[a] = append([]float64(nil), init[a]...)
		}
		var spikes []int
		env.Spike = func(i int) { spikes = append(spikes, i) }
		if err := plan.EvalLoop(l, env); err != nil {
			t.Fatalf("%v", err)
		}
		fmt.Fprintf(&want, "loop %d\n%s", k, fuzzDump(env.Arrays, spikes))
		// the printed loop
		f := newFn()
		p := &opsPrinter{g: g, f: f, where: "in a test", array: func(id int) (string, bool, error) {
			if id == fuzzRefr {
				return f.local("ref", "s.ref"), true, nil
			}
			return f.local(fmt.Sprintf("a%d", id), fmt.Sprintf("s.a[%d]", id)), false, nil
		}, spike: func(b *buf) error { b.line("spk = append(spk, i)"); return nil }, arms: k%2 == 1}
		if isInit && draws(l) {
			p.rng = f.local("rng", fmt.Sprintf("rt.NewStream(s.seed, rt.Hash(\"init\", \"%d\"))", k))
		}
		if isInit {
			p.result = func(b *buf, v string) { b.line("%s[i] = %s", f.local("a0", "s.a[0]"), v) }
		}
		var body buf
		if _, err := p.loop(&body, l, "v", "i"); err != nil {
			t.Fatalf("%s: %v", l, err)
		}
		f.line("for i := 0; i < %d; i++ {", fuzzN)
		f.Write(body.Bytes())
		f.line("}")
		f.line("return spk")
		f.have["spk"] = true
		var fn buf
		f.write(&fn, fmt.Sprintf("func (s *sim) loop%d() (spk []int) {", k))
		funcs.Write(fn.Bytes())
		sources = append(sources, fn.String())
		calls.line("s.reset()")
		calls.line("fmt.Printf(\"loop %d\\n\")", k)
		calls.line("s.dump(s.loop%d())", k)
	}
	var initLits []string
	for _, arr := range init {
		var xs []string
		for _, x := range arr {
			xs = append(xs, fmt.Sprintf("math.Float64frombits(%#x)", math.Float64bits(x)))
		}
		initLits = append(initLits, "{"+strings.Join(xs, ", ")+"}")
	}
	src := fmt.Sprintf(`package main

import (
	"fmt"
	"math"

	rt "fuzzops/rt"
)

var negZero = math.Copysign(0, -1)

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func sel(c bool, a, b float64) float64 {
	if c {
		return a
	}
	return b
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

var initial = [][]float64{%s}

var _ = rt.MaxDraws

type sim struct {
	n    int
	t    float64
	seed uint64
	a   [%d][]float64
	ref []int32
}

// reset restores the state every loop starts from.
func (s *sim) reset() {
	for k := range s.a {
		s.a[k] = append([]float64(nil), initial[k]...)
	}
	s.ref = make([]int32, len(initial[%d]))
	for i, x := range initial[%d] {
		s.ref[i] = int32(x)
	}
}

func (s *sim) dump(spk []int) {
	for k, arr := range s.a {
		fmt.Printf("a%%d", k)
		for _, x := range arr {
			fmt.Printf(" %%x", math.Float64bits(x))
		}
		fmt.Println()
	}
	fmt.Printf("a%d")
	for _, x := range s.ref {
		fmt.Printf(" %%x", math.Float64bits(float64(x)))
	}
	fmt.Println()
	if spk == nil {
		spk = []int{}
	}
	fmt.Printf("spikes %%v\n", spk)
}

%s
func main() {
	s := &sim{n: %d, t: %s, seed: %d}
%s}
`, strings.Join(initLits, ",\n"), fuzzRefr, fuzzRefr, fuzzRefr, fuzzRefr, funcs.String(), fuzzStep, g.litStr(fuzzT), fuzzRunSeed, calls.String())
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module fuzzops\n\ngo 1.24\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// the draws: runtime's own source (its stream and draw files depend on
	// the standard library only), as package rt
	if err := os.Mkdir(filepath.Join(dir, "rt"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"rng.go", "draw.go"} {
		src, err := os.ReadFile(filepath.Join("..", "..", "runtime", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "rt", name), src, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("go", "run", ".")
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("the printed loops do not build or run: %v\n%s", err, stderr.String())
	}
	got := strings.Split(string(out), "loop ")
	exp := strings.Split(want.String(), "loop ")
	if len(got) != len(exp) {
		t.Fatalf("%d loops ran, want %d", len(got)-1, len(exp)-1)
	}
	failed := 0
	for k := range got {
		if got[k] != exp[k] && failed < 3 {
			failed++
			t.Errorf("printed loop %s\ndiffers from plan.Eval:\n%s\n%s", got[k], exp[k], sources[k-1])
		}
	}
}
