package gocode

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/snnc/snnc/plan"
)

// The neuron update, threshold, reset and port handler loops are printed
// from the execution plan (package plan): one Go statement per op, each
// SSA value a local, the same IEEE operations in the same order as
// plan.Eval, so the binary computes what the plan's reference evaluator
// (and the interpreter, which runs the same ops) computes, bit for bit.
//
//   - constants are written inline as literals that round-trip exactly;
//   - products are written float64(a * b): the explicit conversion forbids
//     the Go compiler to fuse them into a multiply-add;
//   - comparisons, and, or, not and refractoriness are Go bools; a bool is
//     b2f(x) where a number is wanted and a number is x != 0 where a bool
//     is (loads stay numbers: they hold whatever was stored).

// opsPrinter prints the op lists of plan loops into one function body.
type opsPrinter struct {
	g *gen
	f *fnb // the function: its locals (arrays, n, t)
	// array returns the Go slice of a plan array (declaring it in f) and
	// whether it holds int32 step numbers (refractory state) instead of
	// float64 values.
	array func(id int) (name string, int32s bool, err error)
	// spike prints what a Spike op does when its condition holds.
	spike func(b *buf) error
	// where names the place, for the error on a deliver.
	where string
	// base is added to the loop index to give the neuron's index in its
	// population ("lo" when the arrays are sliced [lo:hi]): what random
	// draws are keyed by.
	base string
	// now is the Go expression of the time t ("": s.t, the step's).
	now string
	// file and line are the model position of the loop: its stores and
	// spikes (the statements' effects) carry //line directives counting
	// from there.
	file string
	line int

	// A synapse loop's (plan/synapse.go): pre and post are the Go names of
	// the presynaptic and postsynaptic neuron indices ("": not defined
	// there); send prints a Send op's delivery of value v.
	pre, post string
	send      func(b *buf, v string) error
	// arms: a select whose arms have pure ops of their own runs only the
	// arm it takes, as the interpreter's element programs do (elem.go): a
	// lazy trace already advanced to t costs no exp. A store of the
	// select into the element one arm loaded is that arm's guard, either
	// way round.
	arms bool
	// used records the indices (index, pre, post) the printed ops read or
	// wrote.
	used map[string]bool
	// An initialisation loop's (plan.Init): rng is the Go expression of its
	// sequential stream (Draw), result prints what becomes of the element's
	// value v (Result).
	rng    string
	result func(b *buf, v string)
}

// loop prints l's ops for loop index index into b; value k is the local
// prefix+k. Its values are those of plan.Eval(l, env, i) with i the value
// of index. It returns the Go expressions of the values it stores.
func (p *opsPrinter) loop(b *buf, l *plan.Loop, prefix, index string) (stored []string, err error) {
	ops := l.Ops
	name := func(k int) string { return fmt.Sprintf("%s%d", prefix, k) }
	isBool := make([]bool, len(ops)) // the value is a Go bool
	// inline is the Go expression of a value written where it is used
	// (constants, t, the step number, the weight), "" for a local
	inline := make([]string, len(ops))
	konst := make([]bool, len(ops)) // inline is a literal
	// num is value a as a float64, cond as a bool
	num := func(a int) string {
		switch {
		case inline[a] != "":
			return inline[a]
		case isBool[a]:
			return "b2f(" + name(a) + ")"
		}
		return name(a)
	}
	cond := func(a int) string {
		switch {
		case konst[a]:
			return inline[a] + " != 0"
		case isBool[a]:
			return name(a)
		}
		return num(a) + " != 0"
	}
	// binary is the operands of an arithmetic op: not both constants, which
	// Go would compute exactly at compile time
	binary := func(op *plan.Op) (string, string) {
		x, y := num(op.Args[0]), num(op.Args[1])
		if konst[op.Args[0]] && konst[op.Args[1]] {
			x = p.f.localOf("kc", "float64("+x+")")
		}
		return x, y
	}
	elem := func(op *plan.Op) (string, bool, error) {
		idx := index
		switch op.Idx {
		case plan.Pre:
			idx = p.pre
		case plan.Post:
			idx = p.post
		}
		if idx == "" {
			return "", false, fmt.Errorf("%s: a %s index where there is none", l, op.Idx)
		}
		if p.used != nil {
			p.used[idx] = true
		}
		arr, int32s, err := p.array(op.Arr)
		if err != nil {
			return "", false, err
		}
		if op.Off != 0 {
			idx = fmt.Sprintf("%s+%d", idx, op.Off)
		}
		return arr + "[" + idx + "]", int32s, nil
	}
	// A store of Select(c, the element's own value loaded before, v), the
	// select used by nothing else and no store to the element in between,
	// is `if !c { x[i] = v }`: the same values, and v is computed only where
	// it is stored (a row held while refractory). With arms, Select(c, v,
	// own) is `if c { x[i] = v }` too.
	guard := make([]int, len(ops)) // a store's select, or -1
	taken := make([]int, len(ops)) // a guard's arm stored: 1 (if c) or 2 (if !c)
	skip := make([]bool, len(ops)) // a select printed as its store's guard
	uses := make([]int, len(ops))
	for k, op := range ops {
		guard[k] = -1
		for _, a := range op.Args {
			if a >= 0 && a < k {
				uses[a]++
			}
		}
	}
	same := func(x, y *plan.Op) bool { return x.Arr == y.Arr && x.Idx == y.Idx && x.Off == y.Off }
	for k := range ops {
		op := &ops[k]
		if op.Code != plan.Store || len(op.Args) != 1 {
			continue
		}
		sel := op.Args[0]
		if sel < 0 || sel >= k || ops[sel].Code != plan.Select || uses[sel] != 1 || len(ops[sel].Args) != 3 {
			continue
		}
		own := func(ld int) bool {
			if ld < 0 || ld >= sel || ops[ld].Code != plan.Load || !same(&ops[ld], op) {
				return false
			}
			for j := ld + 1; j < k; j++ {
				if ops[j].Code == plan.Store && same(&ops[j], op) {
					return false
				}
			}
			return true
		}
		switch {
		case own(ops[sel].Args[1]):
			guard[k], skip[sel], taken[k] = sel, true, 2
		case p.arms && own(ops[sel].Args[2]):
			guard[k], skip[sel], taken[k] = sel, true, 1
		}
	}
	args := func(k int) []int {
		switch {
		case skip[k]:
			return nil
		case guard[k] >= 0:
			return []int{ops[guard[k]].Args[0], ops[guard[k]].Args[taken[k]]}
		}
		return ops[k].Args
	}
	owner := make([]int, len(ops)) // the select arm an op is printed in (plan.ArmOwners)
	for k := range owner {
		owner[k] = -1
	}
	if p.arms {
		owner = plan.ArmOwners(ops, nil)
	}
	// a value no effect needs is not computed (Go refuses unused locals)
	live := make([]bool, len(ops))
	for k := len(ops) - 1; k >= 0; k-- {
		switch ops[k].Code {
		case plan.Store, plan.Spike, plan.Send, plan.Draw, plan.Result:
			live[k] = true
		}
		for _, a := range args(k) {
			if live[k] && a >= 0 && a < k {
				live[a] = true
			}
		}
	}
	// an arm's ops are printed into its own buffer, spliced into the
	// select's (or guard's) if where the select is
	armBuf := map[int]*buf{}
	arm := func(o int) *buf {
		if armBuf[o] == nil {
			armBuf[o] = &buf{}
		}
		return armBuf[o]
	}
	hasArm := make([]bool, len(ops)) // a select with ops of its arms' own
	for k, o := range owner {
		if o >= 0 && live[k] {
			hasArm[o/2] = true
		}
	}
	out := b
	back := func() {}
	defer func() { back() }()
	for k := range ops {
		op := &ops[k]
		if !live[k] || skip[k] {
			continue
		}
		b := out
		if owner[k] >= 0 {
			b = arm(owner[k])
		}
		if c := op.Code; (c == plan.Store || c == plan.Spike) && p.file != "" {
			back = p.g.lineTo(b, p.file, p.line)
			p.file = ""
		}
		for _, a := range op.Args {
			if a < 0 || a >= k {
				return nil, fmt.Errorf("%s, op %d: argument %%%d is not defined before it", l, k, a)
			}
		}
		v := name(k)
		switch op.Code {
		case plan.Const:
			inline[k], konst[k] = p.g.litStr(op.K), true
		case plan.Load:
			e, int32s, err := elem(op)
			if err != nil {
				return nil, err
			}
			if int32s {
				e = "float64(" + e + ")"
			}
			b.line("%s := %s", v, e)
		case plan.Store:
			e, int32s, err := elem(op)
			if err != nil {
				return nil, err
			}
			if sel := guard[k]; sel >= 0 {
				a := taken[k]
				x := num(ops[sel].Args[a])
				if int32s {
					x = "int32(" + x + ")"
				}
				if a == 2 {
					b.line("if !%s {", paren(cond(ops[sel].Args[0])))
				} else {
					b.line("if %s {", cond(ops[sel].Args[0]))
				}
				b.Write(arm(2*sel + a - 1).Bytes())
				b.line("%s = %s", e, x)
				b.line("}")
				stored = append(stored, e)
				break
			}
			x := num(op.Args[0])
			stored = append(stored, x)
			if int32s {
				x = "int32(" + x + ")"
			}
			if len(op.Args) > 1 {
				b.line("if %s {", cond(op.Args[1]))
				b.line("%s = %s", e, x)
				b.line("}")
			} else {
				b.line("%s = %s", e, x)
			}
		case plan.Time:
			now := cmp.Or(p.now, "s.t")
			if op.K == 0 {
				inline[k] = p.f.local("t", now)
			} else {
				inline[k] = p.f.localOf("tk", now+" + "+p.g.litStr(op.K))
			}
		case plan.StepNo:
			inline[k] = p.f.local("stepf", "float64(s.n)")
		case plan.Refr:
			arr, int32s, err := p.array(op.Arr)
			if err != nil {
				return nil, err
			}
			if int32s {
				b.line("%s := %s < %s[%s]", v, p.f.local("n", "int32(s.n)"), arr, index)
			} else {
				b.line("%s := %s < %s[%s]", v, p.f.local("stepf", "float64(s.n)"), arr, index)
			}
			isBool[k] = true
		case plan.Weight:
			inline[k] = "w"
		case plan.Neg:
			if a := op.Args[0]; ops[a].Code == plan.Const {
				inline[k], konst[k] = p.g.litStr(-ops[a].K), true // (Go constants have no -0)
			} else {
				b.line("%s := -%s", v, num(a))
			}
		case plan.Not:
			b.line("%s := !%s", v, paren(cond(op.Args[0])))
			isBool[k] = true
		case plan.Add, plan.Sub, plan.Div:
			sym := map[plan.Code]string{plan.Add: "+", plan.Sub: "-", plan.Div: "/"}[op.Code]
			x, y := binary(op)
			b.line("%s := %s %s %s", v, x, sym, y)
		case plan.Mul:
			x, y := binary(op)
			b.line("%s := float64(%s * %s)", v, x, y)
		case plan.Mod, plan.Pow:
			fn := map[plan.Code]string{plan.Mod: "math.Mod", plan.Pow: "math.Pow"}[op.Code]
			b.line("%s := %s(%s, %s)", v, fn, num(op.Args[0]), num(op.Args[1]))
		case plan.Lt, plan.Le, plan.Gt, plan.Ge, plan.Eq, plan.Ne:
			sym := map[plan.Code]string{plan.Lt: "<", plan.Le: "<=", plan.Gt: ">", plan.Ge: ">=", plan.Eq: "==", plan.Ne: "!="}[op.Code]
			b.line("%s := %s %s %s", v, num(op.Args[0]), sym, num(op.Args[1]))
			isBool[k] = true
		case plan.And, plan.Or:
			sym := map[plan.Code]string{plan.And: "&&", plan.Or: "||"}[op.Code]
			b.line("%s := %s %s %s", v, paren(cond(op.Args[0])), sym, paren(cond(op.Args[1])))
			isBool[k] = true
		case plan.Select:
			c, x, y := op.Args[0], op.Args[1], op.Args[2]
			if hasArm[k] {
				p.armSelect(b, v, cond(c), [2]*buf{arm(2 * k), arm(2*k + 1)}, [2]int{x, y}, isBool, num, cond)
				isBool[k] = isBool[x] && isBool[y]
			} else if isBool[x] && isBool[y] {
				b.line("%s := %s && %s || !%s && %s", v, paren(cond(c)), name(x), paren(cond(c)), name(y))
				isBool[k] = true
			} else {
				b.line("%s := sel(%s, %s, %s)", v, cond(c), num(x), num(y))
			}
		case plan.Call:
			args := make([]string, len(op.Args))
			for j, a := range op.Args {
				args[j] = num(a)
			}
			call, ok := goCall(op.Fn, args)
			if !ok {
				return nil, fmt.Errorf("%s, op %d: unknown function %s with %d arguments", l, k, op.Fn, len(args))
			}
			b.line("%s := %s", v, call)
		case plan.Rand:
			fn := map[string]string{"rand": "rt.DrawUniform", "randn": "rt.DrawNormal"}[op.Fn]
			if fn == "" || l.Stream == "" {
				return nil, fmt.Errorf("%s, op %d: a draw %s without a stream or distribution", l, k, op.Fn)
			}
			key := p.f.localOf("dk", "rt.DrawKey(s.seed, "+strconv.Quote(l.Stream)+")")
			gi := index
			if p.base != "" {
				gi = p.base + "+" + index
			}
			d := strconv.Itoa(int(op.K))
			if len(op.Args) > 0 { // an event's draws start at the argument
				d += "+int(" + num(op.Args[0]) + ")"
			}
			b.line("%s := %s(%s, %s, s.n, %s)", v, fn, key, gi, d)
		case plan.Draw:
			call := map[string]string{"rand": ".Float64()", "randn": ".Normal()"}[op.Fn]
			if call == "" || p.rng == "" {
				return nil, fmt.Errorf("%s, op %d: a sequential draw %s without a stream or distribution", l, k, op.Fn)
			}
			read := false // a draw nothing reads still advances the stream
			for j := k + 1; j < len(ops) && !read; j++ {
				read = live[j] && slices.Contains(args(j), k)
			}
			switch {
			case len(op.Args) == 0 && read:
				b.line("%s := %s%s", v, p.rng, call)
			case len(op.Args) == 0:
				b.line("_ = %s%s", p.rng, call)
			default: // 0 where the guard does not hold: no number drawn
				if read {
					b.line("var %s float64", v)
				} else {
					v = "_"
				}
				b.line("if %s {", cond(op.Args[0]))
				b.line("%s = %s%s", v, p.rng, call)
				b.line("}")
			}
		case plan.Index:
			inline[k] = "float64(" + index + ")"
		case plan.Result:
			if p.result == nil {
				return nil, fmt.Errorf("%s: a result outside an initialisation loop", l)
			}
			p.result(b, num(op.Args[0]))
			if p.used != nil {
				p.used[index] = true // the result goes to the element
			}
		case plan.Spike:
			if p.spike == nil {
				return nil, fmt.Errorf("%s: a spike outside a threshold", l)
			}
			b.line("if %s {", cond(op.Args[0]))
			if err := p.spike(b); err != nil {
				return nil, err
			}
			b.line("}")
		case plan.Send:
			if p.send == nil || p.post == "" {
				return nil, fmt.Errorf("deliver outside a synapse's on_pre")
			}
			if len(op.Args) > 1 {
				b.line("if %s {", cond(op.Args[1]))
			}
			if err := p.send(b, num(op.Args[0])); err != nil {
				return nil, err
			}
			if len(op.Args) > 1 {
				b.line("}")
			}
		default:
			return nil, fmt.Errorf("%s, op %d: cannot print %s", l, k, op.Code)
		}
	}
	return stored, nil
}

// armSelect prints v = c ? x : y as an if whose branches first run the
// ops of their arm (arms[0], arms[1]).
func (p *opsPrinter) armSelect(b *buf, v, c string, arms [2]*buf, xy [2]int, isBool []bool, num, cond func(int) string) {
	typ := "float64"
	if isBool[xy[0]] && isBool[xy[1]] {
		typ = "bool"
	}
	b.line("var %s %s", v, typ)
	b.line("if %s {", c)
	for j, a := range xy {
		if j == 1 {
			b.line("} else {")
		}
		b.Write(arms[j].Bytes())
		if typ == "bool" {
			b.line("%s = %s", v, cond(a))
		} else {
			b.line("%s = %s", v, num(a))
		}
	}
	b.line("}")
}

// paren parenthesises a Go expression that is not a single operand.
func paren(s string) string {
	if strings.Contains(s, " ") {
		return "(" + s + ")"
	}
	return s
}

// goCall is a built-in function (ir.Eval1's) of Go expressions as Go, or
// false for an unknown function or a wrong number of arguments.
func goCall(fn string, args []string) (string, bool) {
	one := len(args) == 1
	switch {
	case one && (fn == "exp" || fn == "log" || fn == "sqrt" || fn == "abs" || fn == "sin" || fn == "cos" ||
		fn == "tanh" || fn == "floor" || fn == "ceil" || fn == "round"):
		return "math." + strings.ToUpper(fn[:1]) + fn[1:] + "(" + args[0] + ")", true
	case one && fn == "sigmoid":
		return "sigmoid(" + args[0] + ")", true
	case fn == "pow" && len(args) == 2:
		return "math.Pow(" + args[0] + ", " + args[1] + ")", true
	case fn == "clip" && len(args) == 3:
		return "math.Min(math.Max(" + args[0] + ", " + args[1] + "), " + args[2] + ")", true
	case (fn == "min" || fn == "max") && len(args) > 0:
		f := "math.Min("
		if fn == "max" {
			f = "math.Max("
		}
		s := args[0]
		for _, a := range args[1:] {
			s = f + s + ", " + a + ")"
		}
		return s, true
	}
	return "", false
}

// localOf is a local initialised to init, declared once (named prefix and
// a number).
func (f *fnb) localOf(prefix, init string) string {
	for _, d := range f.decl {
		if name, val, _ := strings.Cut(d, " := "); val == init && strings.HasPrefix(name, prefix) {
			return name
		}
	}
	return f.local(fmt.Sprintf("%s%d", prefix, len(f.decl)), init)
}
