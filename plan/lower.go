package plan

import (
	"fmt"
	"math"
	"sort"

	"github.com/snnc/snnc/ir"
)

// lowerer builds one loop's op list from IR expressions and statements.
// Loads are shared (a variable is read once per index), constants are
// folded with the operators' own definition (apply), and statements update
// an SSA environment whose values are stored at the end: a later statement
// reads what an earlier one wrote, as when they run one by one.
type lowerer struct {
	ops   []Op
	loads map[slot]int // the value loaded from each slot
	cur   map[slot]int // the current value of each written slot
	dirty []slot       // written slots, in first-write order
	// vars resolves a variable read or written with a side to its slot.
	vars func(v *ir.Var, side ir.Side) (slot, error)
	// over replaces a variable's value (RK stages): consulted first
	over   map[*ir.Var]int
	timeK  float64 // Time reads t + timeK
	refr   int     // the population's refractory array (-1: none)
	guard  int     // the condition the current statements run under (-1: always)
	dt     float64
	consts map[uint64]int
	draws  int // the loop's draws so far: the next draw's number
	// drawBase, if >= 0, is added to every draw's number (an input port's
	// event: its number in the neuron's step times the draws per event)
	drawBase int
	// weight is the constant `weight` of a synapse model's projection
	// (nil: the event's, a Weight op)
	weight *float64
	// input is the value of a continuous dendrite's segment input (the
	// activation's x; -1 elsewhere)
	input int
	// seq: an initialisation loop (init.go): draws are sequential (Draw),
	// each under drawGuard (-1: always), the time is 0 and `i` is the index
	seq       bool
	drawGuard int
}

// slot is an array element relative to the loop's indices; b: the array
// holds booleans.
type slot struct {
	arr int
	idx Idx
	off int
	b   bool
}

func newLowerer(vars func(*ir.Var, ir.Side) (slot, error), refr int, dt float64) *lowerer {
	return &lowerer{loads: map[slot]int{}, cur: map[slot]int{}, vars: vars, refr: refr, guard: -1, dt: dt, consts: map[uint64]int{}, drawBase: -1, input: -1, drawGuard: -1}
}

func (l *lowerer) emit(op Op) int {
	l.ops = append(l.ops, op)
	return len(l.ops) - 1
}

func (l *lowerer) konst(v float64) int {
	key := math.Float64bits(v)
	if id, ok := l.consts[key]; ok {
		return id
	}
	id := l.emit(Op{Code: Const, Type: Float, K: v, Arr: -1})
	l.consts[key] = id
	return id
}

// pure emits a pure op, folding it when every argument is a constant.
func (l *lowerer) pure(c Code, fn string, args ...int) int {
	vals := make([]float64, len(args))
	all := true
	for k, a := range args {
		if l.ops[a].Code != Const {
			all = false
			break
		}
		vals[k] = l.ops[a].K
	}
	if all {
		if v, err := apply(c, fn, vals); err == nil {
			if typeOf(c, l.ops, args) == Bool {
				return l.emit(Op{Code: Const, Type: Bool, K: v, Arr: -1}) // a folded comparison keeps its type
			}
			return l.konst(v)
		}
	}
	return l.emit(Op{Code: c, Type: typeOf(c, l.ops, args), Args: args, Fn: fn, Arr: -1})
}

func (l *lowerer) refractory() (int, error) {
	if l.refr < 0 {
		return 0, fmt.Errorf("no refractory state here")
	}
	return l.emit(Op{Code: Refr, Type: Bool, Arr: l.refr}), nil
}

// read is the current value of a slot: written, or loaded once.
func (l *lowerer) read(s slot) int {
	if id, ok := l.cur[s]; ok {
		return id
	}
	if id, ok := l.loads[s]; ok {
		return id
	}
	t := Float
	if s.b {
		t = Bool
	}
	id := l.emit(Op{Code: Load, Type: t, Arr: s.arr, Idx: s.idx, Off: s.off})
	l.loads[s] = id
	return id
}

func (l *lowerer) expr(e ir.Expr) (int, error) {
	switch x := e.(type) {
	case *ir.Const:
		return l.konst(x.V), nil
	case *ir.BoolConst:
		return l.emit(Op{Code: Const, Type: Bool, K: b2f(x.V), Arr: -1}), nil
	case *ir.Time:
		if l.seq {
			return l.konst(0), nil
		}
		return l.emit(Op{Code: Time, Type: Float, K: l.timeK, Arr: -1}), nil
	case *ir.Index:
		if !l.seq {
			return 0, fmt.Errorf("the neuron index i is only defined in initial values")
		}
		return l.emit(Op{Code: Index, Type: Float, Arr: -1}), nil
	case *ir.WeightRef:
		if l.weight != nil {
			return l.konst(*l.weight), nil
		}
		return l.emit(Op{Code: Weight, Type: Float, Arr: -1}), nil
	case *ir.InputRef:
		if l.input < 0 {
			return 0, fmt.Errorf("a dendrite's input outside its activation")
		}
		return l.input, nil
	case *ir.Ref:
		if x.Var.Kind == ir.Param {
			return l.expr(x.Var.Value) // fold switched off: still a constant of the model
		}
		if x.Var.Kind == ir.Alias && x.Side == ir.Own {
			return l.expr(x.Var.Value)
		}
		if id, ok := l.over[x.Var]; ok && x.Side == ir.Own {
			return id, nil
		}
		s, err := l.vars(x.Var, x.Side)
		if err != nil {
			return 0, err
		}
		return l.read(s), nil
	case *ir.Unary:
		a, err := l.expr(x.X)
		if err != nil {
			return 0, err
		}
		if x.Op == "not" {
			return l.pure(Not, "", a), nil
		}
		return l.pure(Neg, "", a), nil
	case *ir.Binary:
		a, err := l.expr(x.X)
		if err != nil {
			return 0, err
		}
		var b int
		switch x.Op {
		case "and": // short-circuit: y draws only where x holds
			b, err = l.under(a, x.Y)
		case "or":
			b, err = l.under(l.pure(Not, "", a), x.Y)
		default:
			b, err = l.expr(x.Y)
		}
		if err != nil {
			return 0, err
		}
		c, ok := binCodes[x.Op]
		if !ok {
			return 0, fmt.Errorf("unknown operator %s", x.Op)
		}
		return l.pure(c, "", a, b), nil
	case *ir.Cond:
		c, err := l.expr(x.C)
		if err != nil {
			return 0, err
		}
		a, err := l.under(c, x.A)
		if err != nil {
			return 0, err
		}
		b, err := l.under(l.pure(Not, "", c), x.B)
		if err != nil {
			return 0, err
		}
		return l.pure(Select, "", c, a, b), nil
	case *ir.Call:
		args := make([]int, len(x.Args))
		for k, a := range x.Args {
			id, err := l.expr(a)
			if err != nil {
				return 0, err
			}
			args[k] = id
		}
		if ir.IsRandom(x.Fn) {
			return l.random(x.Fn, args)
		}
		if err := checkCall(x.Fn, len(args)); err != nil {
			return 0, err
		}
		return l.pure(Call, x.Fn, args...), nil
	}
	return 0, fmt.Errorf("cannot lower %T", e)
}

// under lowers e whose sequential draws happen only where c holds (and
// the enclosing guard). Without draws in e it is expr: a pure op's value
// where it is not taken is never read.
func (l *lowerer) under(c int, e ir.Expr) (int, error) {
	if !l.seq || !ir.HasRandom(e) {
		return l.expr(e)
	}
	outer := l.drawGuard
	l.drawGuard = l.and(outer, c)
	defer func() { l.drawGuard = outer }()
	return l.expr(e)
}

// draw emits draw number l.draws of the loop's stream (in an
// initialisation loop: the stream's next number, under the draw guard).
func (l *lowerer) draw(fn string) int {
	if l.seq {
		op := Op{Code: Draw, Type: Float, Fn: fn, Arr: -1}
		if l.drawGuard >= 0 {
			op.Args = []int{l.drawGuard}
		}
		return l.emit(op)
	}
	l.draws++
	op := Op{Code: Rand, Type: Float, Fn: fn, K: float64(l.draws - 1), Arr: -1}
	if l.drawBase >= 0 {
		op.Args = []int{l.drawBase}
	}
	return l.emit(op)
}

// random lowers a random draw to a draw of the loop's stream and the
// arithmetic of its distribution: rand() = u, uniform(a, b) = a + (b-a)·u,
// normal(mu, sigma) = mu + sigma·z (a Bernoulli trial is rand() < p).
func (l *lowerer) random(fn string, args []int) (int, error) {
	switch fn {
	case "rand":
		return l.draw("rand"), nil
	case "uniform":
		u := l.draw("rand")
		return l.pure(Add, "", args[0], l.pure(Mul, "", l.pure(Sub, "", args[1], args[0]), u)), nil
	case "normal":
		z := l.draw("randn")
		return l.pure(Add, "", args[0], l.pure(Mul, "", args[1], z)), nil
	}
	return 0, fmt.Errorf("unknown random draw %s", fn)
}

// write sets a slot's current value.
func (l *lowerer) write(s slot, id int) {
	if _, ok := l.cur[s]; !ok {
		l.dirty = append(l.dirty, s)
	}
	l.cur[s] = id
}

// stmts lowers statements into the environment; side effects (deliver)
// carry the guard they run under.
func (l *lowerer) stmts(ss []ir.Stmt) error {
	for _, s := range ss {
		if err := l.stmt(s); err != nil {
			return err
		}
	}
	return nil
}

var assignCodes = map[string]Code{"+=": Add, "-=": Sub, "*=": Mul, "/=": Div}

func (l *lowerer) stmt(s ir.Stmt) error {
	switch s := s.(type) {
	case *ir.Assign:
		v, err := l.expr(s.Value)
		if err != nil {
			return err
		}
		sl, err := l.vars(s.Var, ir.Own)
		if err != nil {
			return err
		}
		if c, ok := assignCodes[s.Op]; ok {
			v = l.pure(c, "", l.read(sl), v)
		}
		if s.Held { // dropped while the neuron is refractory
			r, err := l.refractory()
			if err != nil {
				return err
			}
			v = l.pure(Select, "", r, l.read(sl), v)
		}
		l.write(sl, v)
	case *ir.Refractory:
		if l.refr < 0 {
			return fmt.Errorf("refractory outside a neuron")
		}
		var steps int
		if d, ok := ir.ConstValue(s.Duration); ok {
			steps = l.konst(float64(RefractorySteps(d, l.dt)))
		} else {
			d, err := l.expr(s.Duration)
			if err != nil {
				return err
			}
			// floor((d + shift)/dt), as RefractorySteps does (d ≥ 0: its
			// truncation; a negative d holds no step either way)
			steps = l.pure(Call, "floor", l.pure(Div, "", l.pure(Add, "", d, l.konst(RefractoryShift(l.dt))), l.konst(l.dt)))
		}
		until := l.pure(Add, "", l.emit(Op{Code: StepNo, Type: Float, Arr: -1}), steps)
		l.write(slot{arr: l.refr}, until)
	case *ir.Deliver:
		v, err := l.expr(s.Value)
		if err != nil {
			return err
		}
		args := []int{v}
		if l.guard >= 0 {
			args = append(args, l.guard)
		}
		l.emit(Op{Code: Send, Args: args, Arr: -1})
		// the port's handler may change the neurons' state: later reads of
		// a neuron (or per-neuron state) load again
		for s := range l.loads {
			if s.idx != I {
				delete(l.loads, s)
			}
		}
	case *ir.If:
		c, err := l.expr(s.Cond)
		if err != nil {
			return err
		}
		before, outer := copyEnv(l.cur), l.guard
		l.guard = l.and(outer, c)
		if err := l.stmts(s.Then); err != nil {
			return err
		}
		then := copyEnv(l.cur)
		l.cur = copyEnv(before)
		l.guard = l.and(outer, l.pure(Not, "", c))
		if err := l.stmts(s.Else); err != nil {
			return err
		}
		els := l.cur
		l.cur, l.guard = before, outer
		// merge: a slot either branch wrote takes the branch's value
		var keys []slot
		for k := range then {
			keys = append(keys, k)
		}
		for k := range els {
			if _, ok := then[k]; !ok {
				keys = append(keys, k)
			}
		}
		sort.Slice(keys, func(a, b int) bool { return lessSlot(keys[a], keys[b]) })
		for _, k := range keys {
			tv, ok1 := then[k]
			ev, ok2 := els[k]
			if !ok1 {
				tv = l.read(k)
			}
			if !ok2 {
				ev = l.read(k)
			}
			if tv != ev {
				l.write(k, l.pure(Select, "", c, tv, ev))
			}
		}
	default:
		return fmt.Errorf("cannot lower %T", s)
	}
	return nil
}

func lessSlot(a, b slot) bool {
	if a.arr != b.arr {
		return a.arr < b.arr
	}
	if a.idx != b.idx {
		return a.idx < b.idx
	}
	return a.off < b.off
}

func copyEnv(m map[slot]int) map[slot]int {
	out := make(map[slot]int, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func (l *lowerer) and(guard, c int) int {
	if guard < 0 {
		return c
	}
	return l.pure(And, "", guard, c)
}

// flush stores every written slot, in first-write order.
func (l *lowerer) flush() {
	for _, s := range l.dirty {
		if v := l.cur[s]; v != l.loads[s] || !l.loaded(s) {
			l.emit(Op{Code: Store, Args: []int{v}, Arr: s.arr, Idx: s.idx, Off: s.off})
		}
	}
	l.dirty, l.cur = nil, map[slot]int{}
}

func (l *lowerer) loaded(s slot) bool {
	_, ok := l.loads[s]
	return ok
}

// checkCall checks a built-in function's argument count (ir.Eval1 indexes
// its arguments).
func checkCall(fn string, n int) error {
	want, ok := callArity[fn]
	if !ok {
		return fmt.Errorf("unknown function %s", fn)
	}
	if (want >= 0 && n != want) || (want < 0 && n < 1) {
		return fmt.Errorf("%s takes %d arguments, not %d", fn, want, n)
	}
	return nil
}

var callArity = map[string]int{"exp": 1, "log": 1, "sqrt": 1, "abs": 1, "sin": 1, "cos": 1, "tanh": 1, "sigmoid": 1,
	"floor": 1, "ceil": 1, "round": 1, "pow": 2, "clip": 3, "min": -1, "max": -1}

// finish drops the values nothing uses (a guard no side effect needed, a
// load a clamped row did not read) and renumbers the rest, in order. Side
// effects stay; a draw nothing uses goes (draws are counter-based: the
// others keep their numbers).
func (l *lowerer) finish() []Op {
	live := make([]bool, len(l.ops))
	for k := len(l.ops) - 1; k >= 0; k-- {
		switch l.ops[k].Code {
		case Store, Spike, Send, Draw, Result: // a sequential draw advances its stream
			live[k] = true
		}
		if live[k] {
			for _, a := range l.ops[k].Args {
				live[a] = true
			}
		}
	}
	index := make([]int, len(l.ops))
	out := make([]Op, 0, len(l.ops))
	for k, op := range l.ops {
		if !live[k] {
			continue
		}
		index[k] = len(out)
		if len(op.Args) > 0 {
			args := make([]int, len(op.Args))
			for j, a := range op.Args {
				args[j] = index[a]
			}
			op.Args = args
		}
		out = append(out, op)
	}
	return out
}
