package gosim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/plan"
)

// The loop executor against the plan's reference evaluator: random op
// lists, drawn mostly in the shapes the kernels match (exact rows, Euler
// steps, conductance terms) and partly at random, give the same arrays and
// spikes, bit for bit (a NaN's payload aside), whether a loop runs block
// by block, as kernels, split between threads, or element by element.

const (
	fzArrays = 4 // float arrays 0..3, then the refractory array
	fzRefr   = fzArrays
)

// loopGen draws a loop's ops.
type loopGen struct {
	r      *rand.Rand
	ops    []plan.Op
	vecs   []int // per-lane values
	loads  map[[2]int]int
	names  []string // kernel names per stored array
	offMax int
	draws  int // random draws so far (their draw numbers)
}

// draw is a random draw of the loop's stream: per lane, counter-based.
func (g *loopGen) draw() int {
	g.draws++
	return g.emit(plan.Op{Code: plan.Rand, Type: plan.Float, Fn: []string{"rand", "randn"}[g.r.IntN(2)], K: float64(g.draws - 1), Arr: -1})
}

func (g *loopGen) emit(op plan.Op) int {
	g.ops = append(g.ops, op)
	return len(g.ops) - 1
}

func (g *loopGen) konst() int {
	ks := []float64{0, math.Copysign(0, -1), 1, -2.5, 0.995, 1e-4, 0.5, 3e300, math.Inf(1), math.NaN(), -65}
	return g.emit(plan.Op{Code: plan.Const, Type: plan.Float, K: ks[g.r.IntN(len(ks))], Arr: -1})
}

// uni is a value the same for every lane: a constant, time, the step, or
// arithmetic of them.
func (g *loopGen) uni() int {
	switch g.r.IntN(8) {
	case 0:
		return g.emit(plan.Op{Code: plan.Time, Type: plan.Float, K: 5e-5, Arr: -1})
	case 1:
		return g.emit(plan.Op{Code: plan.StepNo, Type: plan.Float, Arr: -1})
	case 2:
		return g.bin(plan.Mul, g.konst(), g.konst())
	}
	return g.konst()
}

func (g *loopGen) load(arr, off int) int {
	if id, ok := g.loads[[2]int{arr, off}]; ok {
		return id
	}
	id := g.emit(plan.Op{Code: plan.Load, Type: plan.Float, Arr: arr, Off: off})
	g.loads[[2]int{arr, off}] = id
	g.vecs = append(g.vecs, id)
	return id
}

func (g *loopGen) vec() int {
	if len(g.vecs) == 0 || g.r.IntN(4) == 0 {
		off := 0
		if g.offMax > 0 && g.r.IntN(6) == 0 {
			off = g.r.IntN(g.offMax + 1)
		}
		return g.load(g.r.IntN(fzArrays), off)
	}
	return g.vecs[g.r.IntN(len(g.vecs))]
}

func (g *loopGen) bin(c plan.Code, a, b int) int {
	id := g.emit(plan.Op{Code: c, Type: plan.Float, Args: []int{a, b}, Arr: -1})
	if c >= plan.Lt && c <= plan.Or {
		g.ops[id].Type = plan.Bool
	}
	return id
}

func (g *loopGen) refr() int {
	return g.emit(plan.Op{Code: plan.Refr, Type: plan.Bool, Arr: fzRefr})
}

// mulSub is y * (k - x) or c * (k - x).
func (g *loopGen) mulSub(vecY bool) int {
	y := g.uni()
	if vecY {
		y = g.vec()
	}
	return g.bin(plan.Mul, y, g.bin(plan.Sub, g.uni(), g.vec()))
}

// row is Σ c·x + r, one to three terms.
func (g *loopGen) row(terms int) int {
	acc := g.bin(plan.Mul, g.uni(), g.vec())
	for range terms - 1 {
		acc = g.bin(plan.Add, acc, g.bin(plan.Mul, g.uni(), g.vec()))
	}
	return g.bin(plan.Add, acc, g.uni())
}

// shaped is a value in one of the kernels' shapes, or random arithmetic.
func (g *loopGen) shaped() (int, string) {
	switch g.r.IntN(13) {
	case 10:
		return g.bin([]plan.Code{plan.Add, plan.Mul}[g.r.IntN(2)], g.vec(), g.draw()), ""
	case 0:
		t := 1 + g.r.IntN(3)
		return g.row(t), fmt.Sprintf("row%d", t)
	case 1:
		return g.bin(plan.Add, g.mulSub(false), g.mulSub(true)), "" // qPlusM
	case 2:
		return g.bin(plan.Add, g.vec(), g.mulSub(true)), ""
	case 3:
		return g.bin(plan.Add, g.mulSub(true), g.vec()), ""
	case 4:
		return g.bin(plan.Mul, g.bin(plan.Sub, g.uni(), g.vec()), g.vec()), ""
	case 5:
		return g.bin(plan.Mul, g.emit(plan.Op{Code: plan.Neg, Type: plan.Float, Args: []int{g.vec()}, Arr: -1}), g.uni()), ""
	case 6:
		return g.bin(plan.Add, g.bin(plan.Mul, g.uni(), g.vec()), g.vec()), ""
	case 7:
		return g.bin(plan.Add, g.vec(), g.bin(plan.Mul, g.uni(), g.vec())), ""
	case 8:
		c := g.bin([]plan.Code{plan.Lt, plan.Ge, plan.Eq, plan.Ne}[g.r.IntN(4)], g.vec(), g.uni())
		if g.r.IntN(2) == 0 {
			c = g.bin(plan.And, c, g.emit(plan.Op{Code: plan.Not, Type: plan.Bool, Args: []int{g.refr()}, Arr: -1}))
		}
		return g.emit(plan.Op{Code: plan.Select, Type: plan.Float, Args: []int{c, g.vec(), g.uni()}, Arr: -1}), ""
	case 9:
		fn := []string{"exp", "tanh", "abs", "sigmoid", "floor"}[g.r.IntN(5)]
		if g.r.IntN(3) == 0 {
			return g.emit(plan.Op{Code: plan.Call, Type: plan.Float, Fn: "clip", Args: []int{g.vec(), g.uni(), g.vec()}, Arr: -1}), ""
		}
		return g.emit(plan.Op{Code: plan.Call, Type: plan.Float, Fn: fn, Args: []int{g.vec()}, Arr: -1}), ""
	}
	codes := []plan.Code{plan.Add, plan.Sub, plan.Mul, plan.Div, plan.Mod, plan.Pow}
	a, b := g.vec(), g.vec()
	switch g.r.IntN(3) {
	case 0:
		a = g.uni()
	case 1:
		b = g.uni()
	}
	return g.bin(codes[g.r.IntN(len(codes))], a, b), ""
}

// stepValue is what a store of array arr writes: an Euler step, a held
// row, or a shaped value; name is the kernel it has the shape of.
func (g *loopGen) stepValue(arr int) (int, string) {
	x := g.load(arr, 0)
	switch g.r.IntN(5) {
	case 0, 1: // x + dt·d, d perhaps held at 0 while refractory
		var d int
		name := "euler"
		switch g.r.IntN(4) {
		case 0:
			d, name = g.bin(plan.Mul, g.vec(), g.uni()), "eulerScaled"
			if g.r.IntN(2) == 0 {
				d = g.bin(plan.Mul, g.emit(plan.Op{Code: plan.Neg, Type: plan.Float, Args: []int{g.vec()}, Arr: -1}), g.uni())
			}
		case 1:
			d, name = g.bin(plan.Mul, g.bin(plan.Add, g.vec(), g.mulSub(true)), g.uni()), "eulerAddM"
		case 2:
			p := g.bin(plan.Add, g.mulSub(false), g.mulSub(true))
			d, name = g.bin(plan.Mul, g.bin(plan.Add, p, g.mulSub(true)), g.uni()), "eulerQMM"
		default:
			d, _ = g.shaped()
		}
		if g.r.IntN(2) == 0 {
			zero := g.emit(plan.Op{Code: plan.Const, Type: plan.Float, Arr: -1})
			d = g.emit(plan.Op{Code: plan.Select, Type: plan.Float, Args: []int{g.refr(), zero, d}, Arr: -1})
		}
		step := g.bin(plan.Add, x, g.bin(plan.Mul, g.uni(), d))
		if g.r.IntN(3) == 0 { // Euler–Maruyama: + (g·sqrt(dt))·z
			step, name = g.bin(plan.Add, step, g.bin(plan.Mul, g.uni(), g.draw())), ""
		}
		return step, name
	case 2:
		r := g.row(3)
		return g.emit(plan.Op{Code: plan.Select, Type: plan.Float, Args: []int{g.refr(), x, r}, Arr: -1}), "row3Held"
	}
	return g.shaped()
}

// randomExecLoop draws a loop of about n values over lanes neurons.
func randomExecLoop(r *rand.Rand, n, lanes int) *plan.Loop {
	g := &loopGen{r: r, loads: map[[2]int]int{}, names: make([]string, fzArrays)}
	if r.IntN(8) == 0 {
		g.offMax = 2 // lanes reading their neighbours: element by element
	}
	l := &plan.Loop{Name: "fuzz", Over: "P", Space: plan.Neurons, N: lanes, Stream: "P noise"}
	switch r.IntN(8) {
	case 0:
		l.Space = plan.Spiking
	case 1:
		l.Space = plan.Events
	}
	for range n {
		v, _ := g.shaped()
		g.vecs = append(g.vecs, v)
	}
	stored := map[int]bool{}
	for range 1 + r.IntN(4) {
		arr := r.IntN(fzArrays)
		v, name := g.stepValue(arr)
		if !stored[arr] {
			g.names[arr] = name
		}
		args := []int{v}
		if r.IntN(6) == 0 { // an if's store, under a guard
			args = append(args, g.bin(plan.Gt, g.vec(), g.uni()))
		}
		g.emit(plan.Op{Code: plan.Store, Args: args, Arr: arr})
		stored[arr] = true
		if r.IntN(4) == 0 {
			g.vecs = append(g.vecs, v)
		}
	}
	if l.Space == plan.Events && r.IntN(2) == 0 {
		w := g.emit(plan.Op{Code: plan.Weight, Type: plan.Float, Arr: -1})
		g.emit(plan.Op{Code: plan.Store, Args: []int{g.bin(plan.Add, g.load(0, 0), w)}, Arr: 0})
	}
	if l.Space == plan.Spiking && r.IntN(2) == 0 { // refractory until n + k
		until := g.bin(plan.Add, g.emit(plan.Op{Code: plan.StepNo, Type: plan.Float, Arr: -1}), g.emit(plan.Op{Code: plan.Const, Type: plan.Float, K: 3, Arr: -1}))
		g.emit(plan.Op{Code: plan.Store, Args: []int{until}, Arr: fzRefr})
	}
	if l.Space == plan.Neurons {
		for range r.IntN(3) {
			c := g.bin([]plan.Code{plan.Gt, plan.Le}[r.IntN(2)], g.vec(), g.uni())
			g.emit(plan.Op{Code: plan.Spike, Args: []int{c}, Arr: -1})
		}
	}
	var kern []string
	for arr, name := range g.names {
		if name != "" && r.IntN(6) != 0 {
			kern = append(kern, fmt.Sprintf("%s a%d", name, arr))
		}
	}
	l.Kernel = strings.Join(kern, "; ")
	l.Ops = g.ops
	return l
}

// fuzzArrays are a loop's arrays: floats with some extremes, and
// refractory steps around the step 4.
func fuzzArrays(r *rand.Rand, n int) ([][]float64, []int32) {
	vals := []float64{0, math.Copysign(0, -1), 1, -1, 0.5, -70e-3, 1e-300, 1e300, math.Inf(1), math.Inf(-1), math.NaN(), 12.5, -3}
	arrs := make([][]float64, fzArrays)
	for a := range arrs {
		arrs[a] = make([]float64, n+2)
		for i := range arrs[a] {
			if r.IntN(3) == 0 {
				arrs[a][i] = vals[r.IntN(len(vals))]
			} else {
				arrs[a][i] = r.NormFloat64()
			}
		}
	}
	ref := make([]int32, n+2)
	for i := range ref {
		ref[i] = int32(r.IntN(8))
	}
	return arrs, ref
}

// fuzzMeta describes the arrays of fuzzArrays.
func fuzzMeta(n int) []*plan.Array {
	var out []*plan.Array
	for a := range fzArrays {
		out = append(out, &plan.Array{ID: a, Name: fmt.Sprintf("a%d", a), Len: n + 2})
	}
	return append(out, &plan.Array{ID: fzRefr, Name: "refractory", Kind: plan.Refractory, Len: n + 2})
}

// checkExec runs l both ways from the same arrays and compares.
func checkExec(t *testing.T, l *plan.Loop, r *rand.Rand) {
	t.Helper()
	arrs, ref := fuzzArrays(r, l.N)
	const step, now = 4, 4e-4
	// the reference: plan.Eval, the refractory steps as float64
	const seed = 42
	env := &plan.Env{N: step, T: now, Weight: 0.75, Seed: seed}
	for _, a := range arrs {
		env.Arrays = append(env.Arrays, slices.Clone(a))
	}
	fref := make([]float64, len(ref))
	for i, x := range ref {
		fref[i] = float64(x)
	}
	env.Arrays = append(env.Arrays, fref)
	var want []int32
	env.Spike = func(i int) { want = append(want, int32(i)) }
	idx := indices(l, r)
	vals := make([]float64, len(l.Ops))
	for _, i := range idx {
		if err := plan.Eval(l, env, i, vals); err != nil {
			t.Fatalf("plan.Eval: %v\n%s", err, opsString(l))
		}
	}
	// the executor, over fresh copies
	la := &loopArrays{meta: fuzzMeta(l.N), ref: slices.Clone(ref), refArr: fzRefr, seed: seed}
	for a, x := range arrs {
		la.f64 = append(la.f64, slices.Clone(x))
		la.vars = append(la.vars, fmt.Sprintf("a%d", a))
	}
	la.f64 = append(la.f64, nil)
	la.vars = append(la.vars, "refractory")
	e, err := compileLoop(l, la, true)
	if err != nil {
		t.Fatalf("compileLoop: %v\n%s", err, opsString(l))
	}
	e.prepare(2)
	e.start(step, now)
	var got []int32
	if l.Space == plan.Neurons {
		cut := r.IntN(l.N + 1) // two threads' ranges, run one after the other
		var bad1, bad2 bool
		got, bad1 = e.runRange(0, 0, cut, got)
		got, bad2 = e.runRange(1, cut, l.N, got)
		for a := range arrs {
			for i, w := range env.Arrays[a] {
				if w-w != 0 && arrs[a][i]-arrs[a][i] == 0 && !bad1 && !bad2 {
					t.Fatalf("a%d[%d] became %v, not reported\n%s", a, i, w, opsString(l))
				}
			}
		}
	} else {
		x := &lanes{}
		for _, i := range idx {
			e.elem(i, 0.75, x)
		}
		got = x.spk
	}
	for a := range arrs {
		for i, w := range env.Arrays[a] {
			if g := la.f64[a][i]; !sameBits(g, w) {
				t.Fatalf("a%d[%d]: executor %v (%#x), plan %v (%#x) (block %v, stores %+v)\n%s", a, i, g, math.Float64bits(g), w,
					math.Float64bits(w), e.block, e.stores, opsString(l))
			}
		}
	}
	for i, w := range fref {
		if float64(la.ref[i]) != w {
			t.Fatalf("refractory[%d]: executor %d, plan %v\n%s", i, la.ref[i], w, opsString(l))
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("spikes: executor %v, plan %v\n%s", got, want, opsString(l))
	}
}

// indices are the elements a loop runs for: every neuron, or some (the
// spiking ones, or a port's events, repeats allowed) for the others.
func indices(l *plan.Loop, r *rand.Rand) []int {
	var idx []int
	if l.Space == plan.Neurons {
		for i := range l.N {
			idx = append(idx, i)
		}
		return idx
	}
	for range r.IntN(2 * l.N) {
		idx = append(idx, r.IntN(l.N))
	}
	return idx
}

func sameBits(a, b float64) bool {
	return math.Float64bits(a) == math.Float64bits(b) || math.IsNaN(a) && math.IsNaN(b)
}

func opsString(l *plan.Loop) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s over %d, space %s, kernels %q\n", l.Name, l.N, l.Space, l.Kernel)
	for k, op := range l.Ops {
		fmt.Fprintf(&b, "  %%%d = %s %v arr %d off %d k %v %s\n", k, op.Code, op.Args, op.Arr, op.Off, op.K, op.Fn)
	}
	return b.String()
}

// lanesFor is a loop length: short, around a block, or several blocks.
func lanesFor(r *rand.Rand) int {
	return []int{1, 3, 31, 33, blockLanes - 1, blockLanes + 1, 700}[r.IntN(7)]
}

// TestLoopExecMatchesEval: 3000 random loops.
func TestLoopExecMatchesEval(t *testing.T) {
	for seed := range uint64(3000) {
		r := rand.New(rand.NewPCG(seed, 77))
		l := randomExecLoop(r, 1+r.IntN(12), lanesFor(r))
		t.Run(fmt.Sprint(seed), func(t *testing.T) { checkExec(t, l, r) })
	}
}

// FuzzLoopExec: a random loop runs the same in the executor and plan.Eval.
func FuzzLoopExec(f *testing.F) {
	f.Add(uint64(1), uint8(6))
	f.Add(uint64(42), uint8(20))
	f.Fuzz(func(t *testing.T, seed uint64, n uint8) {
		r := rand.New(rand.NewPCG(seed, 77))
		l := randomExecLoop(r, int(n%40), lanesFor(r))
		checkExec(t, l, r)
	})
}

// TestLoopExecKernels: the shapes of CUBA's exact rows and of a
// conductance-based Euler step run as the kernels the plan names.
func TestLoopExecKernels(t *testing.T) {
	for seed := range uint64(400) {
		r := rand.New(rand.NewPCG(seed, 5))
		l := randomExecLoop(r, 2, 300)
		if l.Space != plan.Neurons || l.Kernel == "" {
			continue
		}
		la := &loopArrays{meta: fuzzMeta(300), ref: make([]int32, 302), refArr: fzRefr}
		for a := range fzArrays {
			la.f64 = append(la.f64, make([]float64, 302))
			la.vars = append(la.vars, fmt.Sprintf("a%d", a))
		}
		e, err := compileLoop(l, la, false)
		if err != nil {
			t.Fatal(err)
		}
		if !e.block {
			continue
		}
		named := map[string]string{}
		for _, part := range strings.Split(l.Kernel, "; ") {
			name, v, _ := strings.Cut(part, " ")
			named[v] = name
		}
		for _, st := range e.stores {
			want := named[la.vars[st.arr]]
			if want != "" && st.name != want && !guarded(l, st.arr) {
				t.Errorf("seed %d: store of a%d runs %q, the plan names %q\n%s", seed, st.arr, st.name, want, opsString(l))
			}
		}
	}
}

// guarded: some store of arr has a guard, arr is stored twice, or the
// stored value is read elsewhere too (the kernel then does not apply).
func guarded(l *plan.Loop, arr int) bool {
	n := 0
	uses := map[int]int{}
	for _, op := range l.Ops {
		for _, a := range op.Args {
			uses[a]++
		}
	}
	for _, op := range l.Ops {
		if op.Code == plan.Store && op.Arr == arr {
			n++
			if len(op.Args) > 1 || uses[op.Args[0]] > 1 {
				return true
			}
		}
	}
	return n > 1
}

// BenchmarkLoopExec compares the two ways the executor runs a neuron loop
// of a real model: block-wise (blockLanes lanes an op, kernels matched)
// and element by element (every op per neuron, plan.Eval's order).
func BenchmarkLoopExec(b *testing.B) {
	for _, m := range []struct{ name, path string }{
		{"exact", "../../examples/cuba.snn"}, {"euler", "../../examples/coba.snn"}, {"rk4", "../../testdata/gocode/simd_rk4.snn"}} {
		p, _, diags := snnc.CompileIR(m.path, snnc.Options{})
		if diags.HasErrors() {
			b.Fatal(diags)
		}
		pl, err := plan.Build(p, plan.Options{})
		if err != nil {
			b.Fatal(err)
		}
		var l *plan.Loop
		for _, ph := range pl.Step {
			if ph.Kind == plan.Update && l == nil {
				l = ph.Loops[0]
			}
		}
		la := &loopArrays{meta: pl.Arrays, f64: make([][]float64, len(pl.Arrays)), vars: make([]string, len(pl.Arrays)), refArr: -1}
		for _, a := range pl.Arrays {
			if a.Owner != l.Over {
				continue
			}
			if a.Kind == plan.Refractory {
				la.ref, la.refArr = make([]int32, a.Len), a.ID
				continue
			}
			la.f64[a.ID], la.vars[a.ID] = make([]float64, a.Len), a.Var.Name
			for i := range la.f64[a.ID] {
				la.f64[a.ID][i] = -0.06 + 1e-3*float64(i%7)
			}
		}
		for _, mode := range []string{"block", "element"} {
			b.Run(m.name+"/"+mode, func(b *testing.B) {
				e, err := compileLoop(l, la, true)
				if err != nil {
					b.Fatal(err)
				}
				e.block = e.block && mode == "block"
				e.prepare(1)
				for b.Loop() {
					e.start(1, 1e-4)
					e.runRange(0, 0, l.N, nil)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(l.N), "ns/neuron")
			})
		}
	}
}
