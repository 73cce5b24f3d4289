package gosim

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/plan"
	"github.com/snnc/snnc/runtime"
)

// The interpreter executes the plan's loops (plan.Loop): the neuron
// update, threshold, reset and port handlers are op lists, the same ones
// plan.Eval defines and the code generator prints.
//
// A neuron loop runs block-wise: each op runs over a block of blockLanes
// neurons into a scratch slice, so the cost of dispatching an op is paid
// once a block, and the block stays in cache. Chains of ops that have the
// shape of a hand-written kernel (kern.go: a row of an exact propagator,
// an Euler step, a conductance term) run as that kernel in one loop; the
// kernels do the same IEEE operations in the same order, lane by lane, so
// results are bit-identical to plan.Eval's. Loops over the spiking neurons
// or a port's events, and neuron loops whose lanes would see each other's
// writes, run element by element.

// blockLanes is how many neurons one op runs over at a time: the
// interpreter's block before the plan, measured against 256 (BENCHMARKS.md:
// the per-call cost of a SIMD kernel is then spread over more lanes, and
// RK4's temporaries still fit in L2). BenchmarkLoopExec compares block-wise
// with element by element.
const blockLanes = 1024

type valKind uint8

const (
	vDead valKind = iota // not computed: absorbed into a kernel, or void
	vUni                 // the same for every lane: loopExec.uni[op]
	vArr                 // read in place from its array (a load nothing overwrites first)
	vBuf                 // a scratch buffer of the block
)

// val is where an op's value is while a block runs.
type val struct {
	kind valKind
	slot int // vBuf: the buffer; vArr: the array
	off  int // vArr: the load's offset
}

// lanes is one block [lo, hi) being run by one thread.
type lanes struct {
	lo, hi int
	buf    [][]float64 // the thread's scratch buffers
	spk    []int32     // spikes found
	bad    bool        // a checked store wrote a NaN or Inf
}

type instr func(e *loopExec, x *lanes)

// loopExec is a plan loop made executable over a population's arrays.
type loopExec struct {
	*loopArrays
	l      *plan.Loop
	ops    []plan.Op
	n      int32   // the step, set by start
	t      float64 // the step's time, set by start
	uni    []float64
	uniOps []int // ops the same for every lane, in order: computed once a run
	vals   []val
	prog   []instr
	nbuf   int
	block  bool // runs block-wise (else element by element)
	check  bool // report NaN/Inf among stored values (RK4/Euler)
	stores []storeKernel
	scr    []*lanes  // per thread
	sc     []float64 // element-by-element values
	args   []float64
	// the element-by-element program (elem.go): its ops, and the uniform
	// ops start computes into sc
	eprog   []eop
	euni    []int
	w       float64 // the event's weight, while elem runs
	started bool    // start ran for n and t
	// synapse loops (plastic.go): the synapse's neurons, and where a send goes
	pre, post int
	send      func(v float64)
	key       uint64 // the key of the loop's random stream (rt.DrawKey)
	// initialisation loops (init.go): the sequential stream of the Draw
	// ops, and where a Result goes: out[outOff+i], or res when out is nil
	rng    *rt.Stream
	out    []float64
	outOff int
	res    float64
}

// storeKernel is how a store runs: the kernel it matched ("" for none),
// the ops it reads and its constants, for PopKernels and lifBlock.
type storeKernel struct {
	name   string
	arr    int
	leaves []int
	ks     []int
}

// loopArrays are the arrays a population's loops run over.
type loopArrays struct {
	meta   []*plan.Array // the plan's arrays
	f64    [][]float64   // by plan array ID (nil: not the population's)
	vars   []string      // the variable of each (the plan names kernels by them)
	ref    []int32       // refractory steps: plan array refArr
	refArr int
	seed   uint64 // keys the loops' random streams (plan.Loop.Stream)
}

// compileLoop makes l executable over la. check: stores report NaN/Inf.
func compileLoop(l *plan.Loop, la *loopArrays, check bool) (*loopExec, error) {
	e := &loopExec{loopArrays: la, l: l, ops: l.Ops, check: check,
		uni: make([]float64, len(l.Ops)), vals: make([]val, len(l.Ops)), sc: make([]float64, len(l.Ops))}
	if err := e.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", l, err)
	}
	if l.Stream != "" {
		e.key = rt.DrawKey(la.seed, l.Stream)
	}
	e.block = e.blockable()
	if e.block {
		e.compileBlock()
	}
	e.compileElem()
	e.start(0, 0)
	return e, nil
}

// validate checks the loop (plan.VerifyLoop) and refuses what the
// interpreter cannot run in neuron code.
func (e *loopExec) validate() error {
	if err := plan.VerifyLoop(e.l, e.meta); err != nil {
		return err
	}
	for k, op := range e.ops {
		switch {
		case op.Code == plan.Rand && op.Fn != "rand" && op.Fn != "randn":
			return fmt.Errorf("op %d: unknown distribution %s", k, op.Fn)
		case op.Code == plan.Send && !e.l.Space.Defines(plan.Post):
			return fmt.Errorf("deliver outside a synapse's on_pre")
		case op.Code == plan.Load && op.Arr == e.refArr || (op.Code == plan.Load || op.Code == plan.Store) && op.Arr != e.refArr && e.f64[op.Arr] == nil:
			return fmt.Errorf("op %d: a%d is not an array of %s", k, op.Arr, e.l.Over)
		}
	}
	return nil
}

// blockable reports whether running each op over a block gives what
// element-by-element evaluation gives: a neuron loop, at most one spike
// (the order of spikes), no per-event value, nothing writing the
// refractory steps, and every array it writes read and written at one
// offset (no lane sees another's write).
func (e *loopExec) blockable() bool {
	if e.l.Space != plan.Neurons {
		return false
	}
	spikes := 0
	off := map[int]int{}
	for _, op := range e.ops {
		switch op.Code {
		case plan.Spike:
			spikes++
		case plan.Weight, plan.Draw, plan.Index, plan.Result: // an event's, or one element after another
			return false
		case plan.Store:
			if op.Arr == e.refArr {
				return false
			}
			off[op.Arr] = op.Off
		}
	}
	for _, op := range e.ops {
		if o, ok := off[op.Arr]; ok && (op.Code == plan.Load || op.Code == plan.Store) && o != op.Off {
			return false
		}
	}
	return spikes <= 1
}

// start sets the step and computes the values the same for every lane.
func (e *loopExec) start(n int, t float64) {
	if e.started && e.n == int32(n) && math.Float64bits(e.t) == math.Float64bits(t) {
		return // a synapse loop is started for each synapse of a spike
	}
	e.n, e.t, e.started = int32(n), t, true
	e.computeUniform(e.euni, e.sc)
	e.computeUniform(e.uniOps, e.uni)
}

// computeUniform computes ops ks (uniform, in order) of the step into vals.
func (e *loopExec) computeUniform(ks []int, vals []float64) {
	for _, k := range ks {
		op := &e.ops[k]
		switch op.Code {
		case plan.Const:
			vals[k] = op.K
		case plan.Time:
			vals[k] = e.t + op.K
		case plan.StepNo:
			vals[k] = float64(e.n)
		default:
			vals[k] = e.apply(op, vals)
		}
	}
}

// apply computes a pure op from the values of its arguments in vals.
func (e *loopExec) apply(op *plan.Op, vals []float64) float64 {
	a := e.args[:0]
	for _, x := range op.Args {
		a = append(a, vals[x])
	}
	e.args = a
	v, _ := plan.Apply(op.Code, op.Fn, a) // validated
	return v
}

// lanesOf is thread t's block state and scratch buffers.
func (e *loopExec) lanesOf(t int) *lanes {
	for len(e.scr) <= t {
		x := &lanes{buf: make([][]float64, e.nbuf)}
		for i := range x.buf {
			x.buf[i] = make([]float64, blockLanes)
		}
		e.scr = append(e.scr, x)
	}
	return e.scr[t]
}

// prepare makes room for threads threads (before they share a loop).
func (e *loopExec) prepare(threads int) { e.lanesOf(threads - 1) }

// runRange runs neurons [lo, hi) on thread t (start first), appending the
// spikes to spk; bad: a checked store wrote a NaN or Inf.
func (e *loopExec) runRange(t, lo, hi int, spk []int32) ([]int32, bool) {
	x := e.lanesOf(t)
	x.spk, x.bad = spk, false
	if !e.block {
		for i := lo; i < hi; i++ {
			e.elem(i, 0, x)
		}
	} else {
		for b := lo; b < hi; b += blockLanes {
			x.lo, x.hi = b, min(b+blockLanes, hi)
			for _, in := range e.prog {
				in(e, x)
			}
		}
	}
	spk, x.spk = x.spk, nil
	return spk, x.bad
}

// elem runs the loop's ops for index i, as plan.Eval does (w: the event's
// weight), appending a spike to x.spk: the program compileElem made.
func (e *loopExec) elem(i int, w float64, x *lanes) {
	e.w = w
	runOps(e.eprog, e, e.sc, i, x)
}

// index is the element a load or store of loop index i uses, before the
// op's offset: i, or the synapse's presynaptic or postsynaptic neuron.
func (e *loopExec) index(idx plan.Idx, i int) int {
	switch idx {
	case plan.Pre:
		return e.pre
	case plan.Post:
		return e.post
	}
	return i
}

// ---- block programs ----

// bcomp chooses the instructions of a block program.
type bcomp struct {
	e       *loopExec
	m       *plan.Matcher // which kernels run which ops
	uniform []bool
	needed  []bool
	sel     []*choice // by root op
	lastUse []int
	names   map[string]string // store kernels the plan named, by array name
}

// choice is the instruction chosen for a root op: the ops it reads
// (leaves) and how it runs.
type choice struct {
	name    string // a store's kernel
	reports bool   // the kernel reports a NaN or Inf it stores
	leaves  []int
	ks      []int // uniform parameters
	build   func(c *bcomp, out val, in []val) instr
}

func (e *loopExec) compileBlock() {
	uni := plan.Uniform(e.ops)
	c := &bcomp{e: e, m: plan.NewMatcher(e.ops, uni), uniform: uni, needed: make([]bool, len(e.ops)),
		sel: make([]*choice, len(e.ops)), lastUse: make([]int, len(e.ops)), names: map[string]string{}}
	for _, part := range strings.Split(e.l.Kernel, "; ") {
		if name, v, ok := strings.Cut(part, " "); ok {
			c.names[v] = name
		}
	}
	for k := range e.ops {
		if c.uniform[k] {
			e.uniOps = append(e.uniOps, k)
			e.vals[k] = val{kind: vUni, slot: k}
		}
		c.lastUse[k] = -1
	}
	// choose from the side effects back: a root's kernel absorbs the ops
	// only it reads
	for k := len(e.ops) - 1; k >= 0; k-- {
		op := e.ops[k]
		if op.Code == plan.Store || op.Code == plan.Spike {
			c.needed[k] = true
		}
		if !c.needed[k] || c.m.Absorbed[k] || c.uniform[k] {
			continue
		}
		ch := c.choose(k)
		c.sel[k] = ch
		for _, a := range append(ch.leaves, ch.ks...) {
			c.needed[a] = true
			if c.lastUse[a] < k {
				c.lastUse[a] = k
			}
		}
	}
	// a load read after a store to its array is copied when it is loaded
	firstStore := map[int][]int{}
	for k, op := range e.ops {
		if op.Code == plan.Store && c.needed[k] {
			firstStore[op.Arr] = append(firstStore[op.Arr], k)
		}
	}
	var free []int
	alloc := func() int {
		if n := len(free); n > 0 {
			s := free[n-1]
			free = free[:n-1]
			return s
		}
		e.nbuf++
		return e.nbuf - 1
	}
	for k, op := range e.ops {
		ch := c.sel[k]
		if ch == nil {
			continue
		}
		in := make([]val, len(ch.leaves))
		for j, a := range ch.leaves {
			in[j] = e.vals[a]
		}
		out := val{}
		switch {
		case op.Code == plan.Store || op.Code == plan.Spike:
		case op.Code == plan.Load && !c.overwritten(k, firstStore[op.Arr]):
			e.vals[k] = val{kind: vArr, slot: op.Arr, off: op.Off}
			continue
		default:
			out = val{kind: vBuf, slot: alloc()}
			e.vals[k] = out
		}
		run := ch.build(c, out, in)
		if op.Code == plan.Store && e.check && !ch.reports {
			// the kernel does not report NaN/Inf: look at what it wrote
			dst, inner := val{kind: vArr, slot: op.Arr, off: op.Off}, run
			run = func(e *loopExec, x *lanes) {
				inner(e, x)
				x.bad = x.bad || firstNonFinite(x.v(e, dst)) >= 0
			}
		}
		e.prog = append(e.prog, run)
		if op.Code == plan.Store {
			e.stores = append(e.stores, storeKernel{name: ch.name, arr: op.Arr, leaves: ch.leaves, ks: ch.ks})
		}
		for j, a := range ch.leaves {
			if c.lastUse[a] == k && e.vals[a].kind == vBuf && !slices.Contains(ch.leaves[:j], a) {
				free = append(free, e.vals[a].slot)
			}
		}
	}
}

// overwritten: a store to the load's array comes after the load and
// before its last use.
func (c *bcomp) overwritten(load int, stores []int) bool {
	for _, s := range stores {
		if s > load && s < c.lastUse[load] {
			return true
		}
	}
	return false
}

// ---- kernels ----

// vec: a value that differs per lane.
func (c *bcomp) vec(id int) bool { return !c.uniform[id] }

// choose picks the instruction of a root op k.
func (c *bcomp) choose(k int) *choice {
	op := c.e.ops[k]
	switch op.Code {
	case plan.Store:
		return c.store(k)
	case plan.Spike:
		return &choice{leaves: op.Args, build: buildSpike}
	}
	if f := c.m.Fused(k); f != nil {
		return &choice{leaves: f.Leaves, ks: f.Ks, build: func(_ *bcomp, out val, in []val) instr { return kernelInstr(f, out, in) }}
	}
	return &choice{leaves: op.Args, build: func(c *bcomp, out val, in []val) instr { return c.plain(k, out, in) }}
}

// store picks a store's kernel: the one the plan names for its variable
// (plan.Matcher), else its value computed straight into the array.
func (c *bcomp) store(k int) *choice {
	op := c.e.ops[k]
	dst := val{kind: vArr, slot: op.Arr, off: op.Off}
	name := c.names[c.arrName(op.Arr)]
	if f := c.m.Store(k, name); f != nil {
		return &choice{name: name, reports: f.Reports(), leaves: f.Leaves, ks: f.Ks, build: func(_ *bcomp, _ val, in []val) instr {
			return kernelInstr(f, dst, in)
		}}
	}
	if v := op.Args[0]; len(op.Args) == 1 && c.m.Uses(v) == 1 && c.vec(v) && c.e.ops[v].Code != plan.Load &&
		c.e.ops[v].Code != plan.Refr && !c.m.Absorbed[v] {
		// the value's instruction writes into the array
		inner := c.choose(v)
		c.m.Absorbed[v] = true
		return &choice{leaves: append([]int(nil), inner.leaves...), ks: inner.ks, build: func(c *bcomp, _ val, in []val) instr {
			return inner.build(c, dst, in)
		}}
	}
	return &choice{leaves: op.Args, build: func(c *bcomp, _ val, in []val) instr { return buildStore(dst, in) }}
}

func (c *bcomp) arrName(arr int) string {
	if arr < len(c.e.vars) {
		return c.e.vars[arr]
	}
	return ""
}

// kernelInstr runs a matched chain (plan.Fusion) into o: the kernel its
// shape names, with its leaves' lanes and its constants' values of the
// step.
func kernelInstr(f *plan.Fusion, o val, in []val) instr {
	k := f.Ks
	switch f.Shape {
	case "row1":
		a, c0, r := in[0], k[0], k[1]
		return func(e *loopExec, x *lanes) { row1(x.v(e, o), x.v(e, a), e.uni[c0], e.uni[r]) }
	case "row2":
		a, b, c0, c1, r := in[0], in[1], k[0], k[1], k[2]
		return func(e *loopExec, x *lanes) { row2(x.v(e, o), x.v(e, a), x.v(e, b), e.uni[c0], e.uni[c1], e.uni[r]) }
	case "row3":
		a, b, cc, c0, c1, c2, r := in[0], in[1], in[2], k[0], k[1], k[2], k[3]
		return func(e *loopExec, x *lanes) {
			row3(x.v(e, o), x.v(e, a), x.v(e, b), x.v(e, cc), e.uni[c0], e.uni[c1], e.uni[c2], e.uni[r])
		}
	case "row3Held":
		old, a, b, cc, c0, c1, c2, r, ref := in[0], in[1], in[2], in[3], k[0], k[1], k[2], k[3], f.Ref
		return func(e *loopExec, x *lanes) {
			dst := x.v(e, o)
			x.keep(e, dst, old, o)
			row3Held(dst, x.v(e, a), x.v(e, b), x.v(e, cc), e.ref[x.lo+ref:x.hi+ref], e.n, e.uni[c0], e.uni[c1], e.uni[c2], e.uni[r])
		}
	case "eulerK":
		old, step := in[0], k[0]
		return func(e *loopExec, x *lanes) {
			dst := x.v(e, o)
			x.keep(e, dst, old, o)
			addVK(dst, dst, e.uni[step])
		}
	case "euler", "eulerScaled", "eulerAddM", "eulerQMM":
		return eulerInstr(f, o, in)
	case "qPlusM":
		c0, k1, k2 := k[0], k[1], k[2]
		return func(e *loopExec, x *lanes) {
			qPlusM(x.v(e, o), x.v(e, in[0]), x.v(e, in[1]), x.v(e, in[2]), e.uni[c0], e.uni[k1], e.uni[k2])
		}
	}
	// the rest: per-lane operands, then one constant
	fn3 := map[string]func(o, a, b, c []float64, k float64){"addVMulVSubKV": addVMulVSubKV, "mulVSubKVAddV": mulVSubKVAddV}[f.Shape]
	fn2 := map[string]func(o, a, b []float64, k float64){"mulKVAddV": mulKVAddV, "addVMulKV": addVMulKV, "subKVMulV": subKVMulV, "mulVSubKV": mulVSubKV}[f.Shape]
	switch kk := k[0]; {
	case fn3 != nil:
		return func(e *loopExec, x *lanes) { fn3(x.v(e, o), x.v(e, in[0]), x.v(e, in[1]), x.v(e, in[2]), e.uni[kk]) }
	case fn2 != nil:
		return func(e *loopExec, x *lanes) { fn2(x.v(e, o), x.v(e, in[0]), x.v(e, in[1]), e.uni[kk]) }
	case f.Shape == "mulKSubKV":
		k1 := k[1]
		return func(e *loopExec, x *lanes) { mulKSubKV(x.v(e, o), x.v(e, in[0]), e.uni[kk], e.uni[k1]) }
	case f.Shape == "negMulK":
		return func(e *loopExec, x *lanes) { negMulK(x.v(e, o), x.v(e, in[0]), e.uni[kk]) }
	}
	panic("gosim: no kernel " + f.Shape)
}

// eulerInstr runs an Euler step x + dt·d into x (o), holding the lanes of
// refractory neurons when the plan's d is select(refr, 0, ...); the kernel
// reports a NaN or Inf it stores.
func eulerInstr(f *plan.Fusion, o val, in []val) instr {
	k, ref := f.Ks, f.Ref
	dt := k[0]
	var run func(e *loopExec, x *lanes, dst []float64, ref []int32) bool
	switch f.Shape {
	case "euler":
		run = func(e *loopExec, x *lanes, dst []float64, ref []int32) bool {
			return euler(dst, x.v(e, in[1]), ref, e.n, e.uni[dt])
		}
	case "eulerScaled":
		kc, neg := k[1], f.Neg
		run = func(e *loopExec, x *lanes, dst []float64, ref []int32) bool {
			return eulerScaled(dst, x.v(e, in[1]), e.uni[kc], neg, ref, e.n, e.uni[dt])
		}
	case "eulerAddM":
		kk, kc := k[1], k[2]
		run = func(e *loopExec, x *lanes, dst []float64, ref []int32) bool {
			return eulerAddM(dst, x.v(e, in[1]), x.v(e, in[2]), x.v(e, in[3]), e.uni[kk], e.uni[kc], ref, e.n, e.uni[dt])
		}
	case "eulerQMM":
		cc, k1, k2, k3, s := k[1], k[2], k[3], k[4], k[5]
		run = func(e *loopExec, x *lanes, dst []float64, ref []int32) bool {
			return eulerQMM(dst, x.v(e, in[1]), x.v(e, in[2]), x.v(e, in[3]), x.v(e, in[4]), x.v(e, in[5]),
				e.uni[cc], e.uni[k1], e.uni[k2], e.uni[k3], e.uni[s], ref, e.n, e.uni[dt])
		}
	}
	return func(e *loopExec, x *lanes) {
		dst := x.v(e, o)
		x.keep(e, dst, in[0], o)
		var r []int32
		if ref >= 0 {
			r = e.ref[x.lo+ref : x.hi+ref]
		}
		if run(e, x, dst, r) {
			x.bad = true
		}
	}
}

// plain is one op over the block: the arithmetic kernels for + - * / and
// negation, a loop per lane for the rest.
func (c *bcomp) plain(k int, out val, in []val) instr {
	op := c.e.ops[k]
	a := op.Args
	switch op.Code {
	case plan.Load: // copied: a store overwrites its array before its last use
		src := val{kind: vArr, slot: op.Arr, off: op.Off}
		return func(e *loopExec, x *lanes) { copy(x.v(e, out), x.v(e, src)) }
	case plan.Refr:
		off := op.Off
		return func(e *loopExec, x *lanes) {
			o, ref := x.v(e, out), e.ref[x.lo+off:x.hi+off]
			for i := range o {
				o[i] = b2f(e.n < ref[i])
			}
		}
	case plan.Rand: // lane i is neuron x.lo+i: the same draws for any block or thread split
		d := int(op.K)
		if op.Fn == "randn" {
			return func(e *loopExec, x *lanes) {
				o, n := x.v(e, out), int(e.n)
				for i := range o {
					o[i] = rt.DrawNormal(e.key, x.lo+i, n, d)
				}
			}
		}
		return func(e *loopExec, x *lanes) {
			o, n := x.v(e, out), int(e.n)
			for i := range o {
				o[i] = rt.DrawUniform(e.key, x.lo+i, n, d)
			}
		}
	case plan.Neg:
		return func(e *loopExec, x *lanes) { negV(x.v(e, out), x.v(e, in[0])) }
	case plan.Add, plan.Sub, plan.Mul, plan.Div:
		vv := [...]func(o, x, y []float64){addVV, subVV, mulVV, divVV}
		vk := [...]func(o, x []float64, k float64){addVK, subVK, mulVK, divVK}
		kv := [...]func(o, x []float64, k float64){addKV, subKV, mulKV, divKV}
		j := op.Code - plan.Add
		switch {
		case c.vec(a[0]) && c.vec(a[1]):
			f := vv[j]
			return func(e *loopExec, x *lanes) { f(x.v(e, out), x.v(e, in[0]), x.v(e, in[1])) }
		case c.vec(a[0]):
			f, kk := vk[j], a[1]
			return func(e *loopExec, x *lanes) { f(x.v(e, out), x.v(e, in[0]), e.uni[kk]) }
		default:
			f, kk := kv[j], a[0]
			return func(e *loopExec, x *lanes) { f(x.v(e, out), x.v(e, in[1]), e.uni[kk]) }
		}
	case plan.Select:
		return func(e *loopExec, x *lanes) {
			o := x.v(e, out)
			c, kc := x.arg(e, in[0])
			a, ka := x.arg(e, in[1])
			b, kb := x.arg(e, in[2])
			for i := range o {
				if lane(c, kc, i) != 0 {
					o[i] = lane(a, ka, i)
				} else {
					o[i] = lane(b, kb, i)
				}
			}
		}
	}
	f := binFn(op.Code)
	if op.Code == plan.Call && len(in) == 2 {
		f = ir.Func2(op.Fn) // pow, min, max of two
	}
	if f != nil {
		return func(e *loopExec, x *lanes) {
			o := x.v(e, out)
			a, ka := x.arg(e, in[0])
			b, kb := x.arg(e, in[1])
			for i := range o {
				o[i] = f(lane(a, ka, i), lane(b, kb, i))
			}
		}
	}
	if f := ir.Func1(op.Fn); op.Code == plan.Call && f != nil && len(in) == 1 {
		return func(e *loopExec, x *lanes) {
			o := x.v(e, out)
			a, ka := x.arg(e, in[0])
			for i := range o {
				o[i] = f(lane(a, ka, i))
			}
		}
	}
	// not, other calls: the plan's own definition, lane by lane
	return func(e *loopExec, x *lanes) {
		o := x.v(e, out)
		args := make([]float64, len(in))
		cols, ks := make([][]float64, len(in)), make([]float64, len(in))
		for j, v := range in {
			cols[j], ks[j] = x.arg(e, v)
		}
		for i := range o {
			for j := range in {
				args[j] = lane(cols[j], ks[j], i)
			}
			if op.Code == plan.Call {
				o[i], _ = ir.Eval1(op.Fn, args) // what plan.Apply calls, without its dispatch
			} else {
				o[i], _ = plan.Apply(op.Code, op.Fn, args)
			}
		}
	}
}

// binFn is a comparison, logic op, mod or pow (else nil).
func binFn(c plan.Code) func(x, y float64) float64 {
	if int(c) < len(binFns) {
		return binFns[c]
	}
	return nil
}

var binFns = [...]func(x, y float64) float64{
	plan.Mod: math.Mod,
	plan.Pow: math.Pow,
	plan.Lt:  func(x, y float64) float64 { return b2f(x < y) },
	plan.Le:  func(x, y float64) float64 { return b2f(x <= y) },
	plan.Gt:  func(x, y float64) float64 { return b2f(x > y) },
	plan.Ge:  func(x, y float64) float64 { return b2f(x >= y) },
	plan.Eq:  func(x, y float64) float64 { return b2f(x == y) },
	plan.Ne:  func(x, y float64) float64 { return b2f(x != y) },
	plan.And: func(x, y float64) float64 { return b2f(x != 0 && y != 0) },
	plan.Or:  func(x, y float64) float64 { return b2f(x != 0 || y != 0) },
}

// buildStore writes a value (under a guard) into its array.
func buildStore(dst val, in []val) instr {
	return func(e *loopExec, x *lanes) {
		o := x.v(e, dst)
		if len(in) == 1 && in[0] == dst {
			return // the value read in place
		}
		v, kv := x.arg(e, in[0])
		if len(in) == 1 && v != nil {
			copy(o, v)
			return
		}
		g, kg := []float64(nil), 1.0
		if len(in) > 1 {
			g, kg = x.arg(e, in[1])
		}
		for i := range o {
			if lane(g, kg, i) != 0 {
				o[i] = lane(v, kv, i)
			}
		}
	}
}

func buildSpike(_ *bcomp, _ val, in []val) instr {
	return func(e *loopExec, x *lanes) {
		c, kc := x.arg(e, in[0])
		for i := range x.hi - x.lo {
			if lane(c, kc, i) != 0 {
				x.spk = append(x.spk, int32(x.lo+i))
			}
		}
	}
}

// v is a vector value's lanes (a uniform one is filled into a buffer of
// its own: rare, the kernels take uniform operands as scalars).
func (x *lanes) v(e *loopExec, r val) []float64 {
	switch r.kind {
	case vArr:
		return e.f64[r.slot][x.lo+r.off : x.hi+r.off]
	case vBuf:
		return x.buf[r.slot][:x.hi-x.lo]
	}
	panic("gosim: a uniform value read as a vector")
}

// arg is a value's lanes, or (lanes nil) its uniform value.
func (x *lanes) arg(e *loopExec, r val) ([]float64, float64) {
	if r.kind == vUni {
		return nil, e.uni[r.slot]
	}
	return x.v(e, r), 0
}

// lane is lane i of an arg.
func lane(s []float64, k float64, i int) float64 {
	if s != nil {
		return s[i]
	}
	return k
}

// keep makes o hold old (the value a store's kernel updates in place) when
// it is not read in place from o's own array.
func (x *lanes) keep(e *loopExec, o []float64, old, dst val) {
	if old != dst {
		copy(o, x.v(e, old))
	}
}
