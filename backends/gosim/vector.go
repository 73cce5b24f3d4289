package gosim

import (
	"fmt"
	"math"

	"github.com/snnc/snnc/ir"
)

// Vector closures evaluate an expression for a range of neurons at once:
// each node runs one tight loop over the range per call, so the per-node
// cost of interpretation is paid once per block of neurons, not once per
// neuron. A node's result is its buffer for the whole population, of which
// the call computed [lo, hi): blocks keep the temporaries in cache, and
// disjoint blocks can run on different threads.

// vfn computes a node's values for neurons [lo, hi).
type vfn = func(lo, hi int) []float64

// vnode is a compiled vector expression. A constant node has no function;
// its value is c.
type vnode struct {
	f       vfn
	isConst bool
	c       float64
	ref     *ir.Var // the node reads this variable's storage as it is
	// the node's shape when a parent (or an Euler step) can fuse it into
	// its own loop, so that f is never called: k - x ('-'), k * x ('*'),
	// -x ('n'), y * (k - x) ('m'), k2 * (k - x) ('q'), a + y*(k - x)
	// ('A', xn its a node), k2*(k - x) + y*(k3 - a) ('P'), x * k ('c', xn
	// its x node) or (-x) * k ('N')
	shape            byte
	x, y, a          vfn
	xref, yref, aref *ir.Var // their refs
	k, k2, k3        float64
	xn               *vnode
}

type vcompiler struct {
	n    int
	t    *float64                   // current time
	slot func(v *ir.Var) *[]float64 // where a variable's values are now (RK4 swaps stage buffers)
}

func (vc *vcompiler) buf() []float64 { return make([]float64, vc.n) }

// vals returns the node's values as a slice (materialising constants).
func (vc *vcompiler) vals(v vnode) vfn {
	if !v.isConst {
		return v.f
	}
	b := vc.buf()
	for i := range b {
		b[i] = v.c
	}
	return func(lo, hi int) []float64 { return b }
}

func (vc *vcompiler) expr(e ir.Expr) (vnode, error) {
	switch x := e.(type) {
	case *ir.Const:
		return vnode{isConst: true, c: x.V}, nil
	case *ir.BoolConst:
		return vnode{isConst: true, c: b2f(x.V)}, nil
	case *ir.Time:
		out := vc.buf()
		t := vc.t
		return vnode{f: func(lo, hi int) []float64 {
			for i := lo; i < hi; i++ {
				out[i] = *t
			}
			return out
		}}, nil
	case *ir.Ref:
		if x.Var.Kind == ir.Param {
			return vc.expr(x.Var.Value) // fold switched off: still a constant
		}
		if x.Side != ir.Own {
			return vnode{}, fmt.Errorf("%s.%s in a neuron equation", sideName(x.Side), x.Var.Name)
		}
		p := vc.slot(x.Var)
		if p == nil {
			return vnode{}, fmt.Errorf("no storage for %s", x.Var.Name)
		}
		return vnode{f: func(lo, hi int) []float64 { return *p }, ref: x.Var}, nil
	case *ir.Unary:
		a, err := vc.expr(x.X)
		if err != nil {
			return vnode{}, err
		}
		if a.isConst {
			if x.Op == "not" {
				return vnode{isConst: true, c: b2f(a.c == 0)}, nil
			}
			return vnode{isConst: true, c: -a.c}, nil
		}
		out := vc.buf()
		if x.Op != "not" {
			return vnode{f: func(lo, hi int) []float64 {
				negV(out[lo:hi], a.f(lo, hi)[lo:hi])
				return out
			}, shape: 'n', x: a.f, xref: a.ref}, nil
		}
		return vnode{f: func(lo, hi int) []float64 {
			v := a.f(lo, hi)
			for i := lo; i < hi; i++ {
				out[i] = b2f(v[i] == 0)
			}
			return out
		}}, nil
	case *ir.Binary:
		a, err := vc.expr(x.X)
		if err != nil {
			return vnode{}, err
		}
		b, err := vc.expr(x.Y)
		if err != nil {
			return vnode{}, err
		}
		return vc.binary(x.Op, a, b)
	case *ir.Cond:
		cn, err := vc.expr(x.C)
		if err != nil {
			return vnode{}, err
		}
		a, err := vc.expr(x.A)
		if err != nil {
			return vnode{}, err
		}
		b, err := vc.expr(x.B)
		if err != nil {
			return vnode{}, err
		}
		cf, af, bf := vc.vals(cn), vc.vals(a), vc.vals(b)
		out := vc.buf()
		return vnode{f: func(lo, hi int) []float64 {
			c, av, bv := cf(lo, hi), af(lo, hi), bf(lo, hi)
			for i := lo; i < hi; i++ {
				if c[i] != 0 {
					out[i] = av[i]
				} else {
					out[i] = bv[i]
				}
			}
			return out
		}}, nil
	case *ir.Call:
		if ir.IsRandom(x.Fn) {
			return vnode{}, fmt.Errorf("random draw %s in an equation", x.Fn)
		}
		args := make([]vfn, len(x.Args))
		for i, a := range x.Args {
			n, err := vc.expr(a)
			if err != nil {
				return vnode{}, err
			}
			args[i] = vc.vals(n)
		}
		out := vc.buf()
		fn := x.Fn
		return vnode{f: func(lo, hi int) []float64 {
			vals := make([]float64, len(args)) // per call: blocks may run at once
			cols := make([][]float64, len(args))
			for k, a := range args {
				cols[k] = a(lo, hi)
			}
			for i := lo; i < hi; i++ {
				for k := range cols {
					vals[k] = cols[k][i]
				}
				out[i], _ = ir.Eval1(fn, vals)
			}
			return out
		}}, nil
	}
	return vnode{}, fmt.Errorf("cannot compile %T", e)
}

func sideName(s ir.Side) string {
	if s == ir.Pre {
		return "pre"
	}
	return "post"
}

func (vc *vcompiler) binary(op string, a, b vnode) (vnode, error) {
	if a.isConst && b.isConst {
		f, err := binary(op, func(*ctx) float64 { return a.c }, func(*ctx) float64 { return b.c })
		if err != nil {
			return vnode{}, err
		}
		return vnode{isConst: true, c: f(nil)}, nil
	}
	out := vc.buf()
	if n, ok := fused(op, a, b, out); ok {
		return n, nil
	}
	// arithmetic gets a loop per operator and operand shape: a closure call
	// per node per block, none per neuron
	if fn := arith(op, a, b, out); fn != nil {
		n := vnode{f: fn}
		switch {
		case !b.isConst && a.isConst && (op == "-" || op == "*"):
			n.shape, n.x, n.xref, n.k = op[0], b.f, b.ref, a.c // k - x, k * x: a parent may fuse it
		case !a.isConst && b.isConst && op == "*":
			n.shape, n.x, n.xref, n.k, n.xn = 'c', a.f, a.ref, b.c, &a
		}
		return n, nil
	}
	af, bf := vc.vals(a), vc.vals(b)
	var f func(x, y float64) float64
	switch op {
	case "%":
		f = math.Mod
	case "^":
		f = math.Pow
	case "<":
		f = func(x, y float64) float64 { return b2f(x < y) }
	case "<=":
		f = func(x, y float64) float64 { return b2f(x <= y) }
	case ">":
		f = func(x, y float64) float64 { return b2f(x > y) }
	case ">=":
		f = func(x, y float64) float64 { return b2f(x >= y) }
	case "==":
		f = func(x, y float64) float64 { return b2f(x == y) }
	case "!=":
		f = func(x, y float64) float64 { return b2f(x != y) }
	case "and":
		f = func(x, y float64) float64 { return b2f(x != 0 && y != 0) }
	case "or":
		f = func(x, y float64) float64 { return b2f(x != 0 || y != 0) }
	default:
		return vnode{}, fmt.Errorf("unknown operator %s", op)
	}
	return vnode{f: func(lo, hi int) []float64 {
		x, y := af(lo, hi), bf(lo, hi)
		for i := lo; i < hi; i++ {
			out[i] = f(x[i], y[i])
		}
		return out
	}}, nil
}

// arith returns a specialised loop for + - * / on (vector, vector),
// (vector, constant) and (constant, vector), or nil for other operators.
func arith(op string, a, b vnode, out []float64) vfn {
	switch {
	case !a.isConst && !b.isConst:
		af, bf := a.f, b.f
		switch op {
		case "+":
			return func(lo, hi int) []float64 {
				addVV(out[lo:hi], af(lo, hi)[lo:hi], bf(lo, hi)[lo:hi])
				return out
			}
		case "-":
			return func(lo, hi int) []float64 {
				subVV(out[lo:hi], af(lo, hi)[lo:hi], bf(lo, hi)[lo:hi])
				return out
			}
		case "*":
			return func(lo, hi int) []float64 {
				mulVV(out[lo:hi], af(lo, hi)[lo:hi], bf(lo, hi)[lo:hi])
				return out
			}
		case "/":
			return func(lo, hi int) []float64 {
				divVV(out[lo:hi], af(lo, hi)[lo:hi], bf(lo, hi)[lo:hi])
				return out
			}
		}
	case b.isConst:
		af, k := a.f, b.c
		switch op {
		case "+":
			return func(lo, hi int) []float64 {
				addVK(out[lo:hi], af(lo, hi)[lo:hi], k)
				return out
			}
		case "-":
			return func(lo, hi int) []float64 {
				subVK(out[lo:hi], af(lo, hi)[lo:hi], k)
				return out
			}
		case "*":
			return func(lo, hi int) []float64 {
				mulVK(out[lo:hi], af(lo, hi)[lo:hi], k)
				return out
			}
		case "/":
			return func(lo, hi int) []float64 {
				divVK(out[lo:hi], af(lo, hi)[lo:hi], k)
				return out
			}
		}
	default:
		k, bf := a.c, b.f
		switch op {
		case "+":
			return func(lo, hi int) []float64 {
				addKV(out[lo:hi], bf(lo, hi)[lo:hi], k)
				return out
			}
		case "-":
			return func(lo, hi int) []float64 {
				subKV(out[lo:hi], bf(lo, hi)[lo:hi], k)
				return out
			}
		case "*":
			return func(lo, hi int) []float64 {
				mulKV(out[lo:hi], bf(lo, hi)[lo:hi], k)
				return out
			}
		case "/":
			return func(lo, hi int) []float64 {
				divKV(out[lo:hi], bf(lo, hi)[lo:hi], k)
				return out
			}
		}
	}
	return nil
}

// fused returns one loop for an operator whose operand is itself a node
// of a known shape, in the shapes conductance-based equations are made of:
// (k - x) * y, y * (k - x), c * (k - x), (-x) * c, c*x + y, y + c*x,
// a + y*(k - x), y*(k - x) + a and c*(k - x) + y*(k2 - z). The loop does
// the operations of the
// tree, in its order, per neuron; the operand's own loop never runs.
func fused(op string, a, b vnode, out []float64) (vnode, bool) {
	var f vfn
	var n vnode
	switch {
	case op == "+" && a.shape == 'q' && b.shape == 'm':
		x, c, k, y, z, k2 := a.x, a.k2, a.k, b.y, b.x, b.k
		f = func(lo, hi int) []float64 {
			xv := x(lo, hi)[lo:hi]
			qPlusM(out[lo:hi], xv, y(lo, hi)[lo:hi], z(lo, hi)[lo:hi], c, k, k2)
			return out
		}
		n = vnode{shape: 'P', x: x, y: y, a: z, k: k, k2: c, k3: k2, xref: a.xref, yref: b.yref, aref: b.xref}
	case op == "+" && b.shape == 'm' && !a.isConst:
		av, x, y, k := a.f, b.x, b.y, b.k
		f = func(lo, hi int) []float64 {
			addVMulVSubKV(out[lo:hi], av(lo, hi)[lo:hi], x(lo, hi)[lo:hi], y(lo, hi)[lo:hi], k)
			return out
		}
		n = vnode{shape: 'A', a: av, x: x, y: y, k: k, aref: a.ref, xref: b.xref, yref: b.yref, xn: &a}
	case op == "+" && a.shape == 'm' && !b.isConst:
		av, x, y, k := b.f, a.x, a.y, a.k
		f = func(lo, hi int) []float64 {
			mulVSubKVAddV(out[lo:hi], av(lo, hi)[lo:hi], x(lo, hi)[lo:hi], y(lo, hi)[lo:hi], k)
			return out
		}
	case op == "*" && a.shape == '-' && !b.isConst:
		x, k, y := a.x, a.k, b.f
		f = func(lo, hi int) []float64 {
			subKVMulV(out[lo:hi], x(lo, hi)[lo:hi], y(lo, hi)[lo:hi], k)
			return out
		}
	case op == "*" && b.shape == '-' && !a.isConst:
		x, k, y := b.x, b.k, a.f
		f = func(lo, hi int) []float64 {
			mulVSubKV(out[lo:hi], x(lo, hi)[lo:hi], y(lo, hi)[lo:hi], k)
			return out
		}
		n = vnode{shape: 'm', x: x, y: y, k: k, xref: b.xref, yref: a.ref}
	case op == "*" && b.shape == '-' && a.isConst:
		x, k, c := b.x, b.k, a.c
		f = func(lo, hi int) []float64 {
			mulKSubKV(out[lo:hi], x(lo, hi)[lo:hi], c, k)
			return out
		}
		n = vnode{shape: 'q', x: x, xref: b.xref, k: k, k2: c}
	case op == "*" && a.shape == 'n' && b.isConst:
		x, k := a.x, b.c
		f = func(lo, hi int) []float64 {
			negMulK(out[lo:hi], x(lo, hi)[lo:hi], k)
			return out
		}
		n = vnode{shape: 'N', x: x, xref: a.xref, k: k}
	case op == "+" && a.shape == '*' && !b.isConst:
		x, c, y := a.x, a.k, b.f
		f = func(lo, hi int) []float64 {
			mulKVAddV(out[lo:hi], x(lo, hi)[lo:hi], y(lo, hi)[lo:hi], c)
			return out
		}
	case op == "+" && b.shape == '*' && !a.isConst:
		x, c, y := b.x, b.k, a.f
		f = func(lo, hi int) []float64 {
			addVMulKV(out[lo:hi], x(lo, hi)[lo:hi], y(lo, hi)[lo:hi], c)
			return out
		}
	default:
		return vnode{}, false
	}
	n.f = f
	return n, true
}
