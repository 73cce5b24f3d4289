package gocode

import (
	"fmt"
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
	// file and line are the model position of the loop: its stores and
	// spikes (the statements' effects) carry //line directives counting
	// from there.
	file string
	line int
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
		if op.Idx != plan.I {
			return "", false, fmt.Errorf("a %s index in a neuron loop", op.Idx)
		}
		arr, int32s, err := p.array(op.Arr)
		if err != nil {
			return "", false, err
		}
		idx := index
		if op.Off != 0 {
			idx = fmt.Sprintf("%s+%d", index, op.Off)
		}
		return arr + "[" + idx + "]", int32s, nil
	}
	// A store of Select(c, the element's own value loaded before, v), the
	// select used by nothing else and no store to the element in between,
	// is `if !c { x[i] = v }`: the same values, and v is computed only where
	// it is stored (a row held while refractory).
	guard := make([]int, len(ops)) // a store's select, or -1
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
		ld := ops[sel].Args[1]
		if ld < 0 || ld >= sel || ops[ld].Code != plan.Load || !same(&ops[ld], op) {
			continue
		}
		ok := true
		for j := ld + 1; j < k; j++ {
			ok = ok && !(ops[j].Code == plan.Store && same(&ops[j], op))
		}
		if ok {
			guard[k], skip[sel] = sel, true
		}
	}
	args := func(k int) []int {
		switch {
		case skip[k]:
			return nil
		case guard[k] >= 0:
			return []int{ops[guard[k]].Args[0], ops[guard[k]].Args[2]}
		}
		return ops[k].Args
	}
	// a value no effect needs is not computed (Go refuses unused locals)
	live := make([]bool, len(ops))
	for k := len(ops) - 1; k >= 0; k-- {
		switch ops[k].Code {
		case plan.Store, plan.Spike, plan.Send:
			live[k] = true
		}
		for _, a := range args(k) {
			if live[k] && a >= 0 && a < k {
				live[a] = true
			}
		}
	}
	back := func() {}
	defer func() { back() }()
	for k := range ops {
		op := &ops[k]
		if !live[k] || skip[k] {
			continue
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
				x := num(ops[sel].Args[2])
				if int32s {
					x = "int32(" + x + ")"
				}
				b.line("if !%s {", paren(cond(ops[sel].Args[0])))
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
			if op.K == 0 {
				inline[k] = p.f.local("t", "s.t")
			} else {
				inline[k] = p.f.localOf("tk", "s.t + "+p.g.litStr(op.K))
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
			if isBool[x] && isBool[y] {
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
			b.line("%s := %s(%s, %s, s.n, %d)", v, fn, key, gi, int(op.K))
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
			return nil, fmt.Errorf("deliver outside a synapse's on_pre")
		default:
			return nil, fmt.Errorf("%s, op %d: cannot print %s", l, k, op.Code)
		}
	}
	return stored, nil
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
