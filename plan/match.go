package plan

import (
	"fmt"
	"math"
)

// Which hand-written kernel runs a chain of a neuron loop's ops. The plan
// names each stored variable's kernel (Loop.Kernel: an exact propagator's
// row, an Euler step); Matcher finds the ops that kernel computes, and the
// shapes conductance-based right sides are made of, so an executor runs
// the chain as one loop over a block instead of one loop an op. A kernel
// does the same IEEE operations in the same order as the ops, so what
// runs is bit-identical to Eval. Matching works from the side effects
// back: a kernel absorbs the inner ops only it reads.

// Fusion is a matched chain: Shape names the kernel, Leaves are its
// per-lane operands and Ks its uniform ones (op indices, in the kernel's
// argument order), Ref the offset of the refractory steps its Euler step
// holds lanes by (-1: none), Neg: eulerScaled's x is negated.
//
// Shapes: row1..row3 (Σ c·x + r), row3Held (row3 held while refractory),
// eulerK (x + a uniform step), euler, eulerScaled, eulerAddM, eulerQMM
// (x + dt·d); and, not stored, qPlusM c*(k-x) + y*(k2-z),
// addVMulVSubKV a + y*(k-x), mulVSubKVAddV y*(k-x) + a, mulKVAddV c*x + y,
// addVMulKV y + c*x, subKVMulV (k-x)*y, mulVSubKV y*(k-x), mulKSubKV
// c*(k-x), negMulK (-x)*k.
type Fusion struct {
	Shape  string
	Leaves []int
	Ks     []int
	Ref    int
	Neg    bool
}

// Reports says the kernel itself reports a NaN or Inf it stores (the Euler
// steps that read a right side); after any other the executor looks.
func (f *Fusion) Reports() bool {
	switch f.Shape {
	case "euler", "eulerScaled", "eulerAddM", "eulerQMM":
		return true
	}
	return false
}

// Matcher matches the ops of one loop.
type Matcher struct {
	ops      []Op
	uniform  []bool
	uses     []int
	Absorbed []bool // ops a matched kernel computes itself
	trial    []int  // ops the match being tried absorbs
}

// NewMatcher matches ops; uniform marks the values the same for every lane
// (Uniform).
func NewMatcher(ops []Op, uniform []bool) *Matcher {
	m := &Matcher{ops: ops, uniform: uniform, uses: make([]int, len(ops)), Absorbed: make([]bool, len(ops))}
	for _, op := range ops {
		for _, a := range op.Args {
			m.uses[a]++
		}
	}
	return m
}

// Uses is how many ops read op id's value.
func (m *Matcher) Uses(id int) int { return m.uses[id] }

// Store matches the kernel name the plan chose for store k's variable
// (nil: the ops do not have its shape).
func (m *Matcher) Store(k int, name string) *Fusion {
	if len(m.ops[k].Args) != 1 {
		return nil
	}
	switch name {
	case "row1", "row2", "row3":
		return m.try(func() *Fusion { return m.rowStore(k, name) })
	case "row3Held":
		return m.try(func() *Fusion { return m.rowHeld(k) })
	case "euler", "eulerScaled", "eulerAddM", "eulerQMM":
		return m.try(func() *Fusion { return m.euler(k, name) })
	}
	return nil
}

// Fused matches a conductance shape whose value is op k (nil: none).
func (m *Matcher) Fused(k int) *Fusion { return m.try(func() *Fusion { return m.fused(k) }) }

func (m *Matcher) code(id int) Code { return m.ops[id].Code }

// vec: a value that differs per lane.
func (m *Matcher) vec(id int) bool { return !m.uniform[id] }

// inner is an op of code cd read only by the op being matched: the
// kernel computes it in its own loop. It returns its arguments.
func (m *Matcher) inner(id int, cd Code) ([]int, bool) {
	if m.code(id) != cd || m.uniform[id] || m.uses[id] != 1 || m.Absorbed[id] {
		return nil, false
	}
	m.trial = append(m.trial, id)
	return m.ops[id].Args, true
}

// try runs a match; on success its inner ops are absorbed.
func (m *Matcher) try(match func() *Fusion) *Fusion {
	m.trial = m.trial[:0]
	f := match()
	if f == nil {
		return nil
	}
	for _, id := range m.trial {
		m.Absorbed[id] = true
	}
	return f
}

// undo forgets the inner ops of a failed part of a match.
func (m *Matcher) undo(n int) { m.trial = m.trial[:n] }

// row matches Σ c_k·x_k + r summed from the left, one to three terms.
func (m *Matcher) row(id int) (xs, ks []int, ok bool) {
	a, ok := m.inner(id, Add)
	if !ok || m.vec(a[1]) {
		return nil, nil, false
	}
	var terms [][]int // last first
	acc := a[0]
	for {
		if t, ok := m.mulKV(acc); ok {
			terms = append(terms, t)
			break
		}
		s, ok := m.inner(acc, Add)
		if !ok || len(terms) == 2 {
			return nil, nil, false
		}
		t, ok := m.mulKV(s[1])
		if !ok {
			return nil, nil, false
		}
		terms, acc = append(terms, t), s[0]
	}
	for k := len(terms) - 1; k >= 0; k-- {
		ks = append(ks, terms[k][0])
		xs = append(xs, terms[k][1])
	}
	return xs, append(ks, a[1]), true
}

// mulKV matches c * x.
func (m *Matcher) mulKV(id int) ([]int, bool) {
	n := len(m.trial)
	a, ok := m.inner(id, Mul)
	if !ok || m.vec(a[0]) || !m.vec(a[1]) {
		m.undo(n)
		return nil, false
	}
	return a, true
}

// ownLoad: id loads the element the store k writes.
func (m *Matcher) ownLoad(id, k int) bool {
	op, st := m.ops[id], m.ops[k]
	return op.Code == Load && op.Arr == st.Arr && op.Off == st.Off
}

// rowStore: o = c0*a + c1*b + c2*c + r (as many terms as the name says).
func (m *Matcher) rowStore(k int, name string) *Fusion {
	xs, ks, ok := m.row(m.ops[k].Args[0])
	if !ok || fmt.Sprintf("row%d", len(xs)) != name {
		return nil
	}
	return &Fusion{Shape: name, Leaves: xs, Ks: ks, Ref: -1}
}

// rowHeld: select(refr, x, row3) stored into x. Its first leaf is x's old
// value.
func (m *Matcher) rowHeld(k int) *Fusion {
	s, ok := m.inner(m.ops[k].Args[0], Select)
	if !ok || m.code(s[0]) != Refr || !m.ownLoad(s[1], k) {
		return nil
	}
	xs, ks, ok := m.row(s[2])
	if !ok || len(xs) != 3 {
		return nil
	}
	return &Fusion{Shape: "row3Held", Leaves: append([]int{s[1]}, xs...), Ks: ks, Ref: m.ops[s[0]].Off}
}

// euler: x + dt·d stored into x, d = select(refr, 0, k) or k, k of the
// kernel's shape. The first leaf is x's old value, the first constant dt.
func (m *Matcher) euler(k int, name string) *Fusion {
	st := m.ops[k]
	s, ok := m.inner(st.Args[0], Add)
	if !ok || !m.ownLoad(s[0], k) {
		return nil
	}
	if name == "euler" && !m.vec(s[1]) {
		// a constant right side: dt·k folded, the step adds it
		return &Fusion{Shape: "eulerK", Leaves: []int{s[0]}, Ks: []int{s[1]}, Ref: -1}
	}
	mm, ok := m.inner(s[1], Mul)
	if !ok || m.vec(mm[0]) {
		return nil
	}
	dt, d, ref := mm[0], mm[1], -1
	if sel := m.ops[d].Args; m.code(d) == Select && m.code(sel[0]) == Refr &&
		m.code(sel[1]) == Const && math.Float64bits(m.ops[sel[1]].K) == 0 {
		if _, ok := m.inner(d, Select); ok {
			ref, d = m.ops[sel[0]].Off, sel[2]
		}
	}
	if !m.vec(d) {
		return nil
	}
	f := &Fusion{Shape: name, Leaves: []int{s[0]}, Ks: []int{dt}, Ref: ref}
	switch name {
	case "euler":
		f.Leaves = append(f.Leaves, d)
	case "eulerScaled":
		r, ok := m.inner(d, Mul)
		if !ok || m.vec(r[1]) || !m.vec(r[0]) {
			return nil
		}
		x := r[0]
		if nn, ok := m.inner(x, Neg); ok {
			x, f.Neg = nn[0], true
		}
		f.Leaves, f.Ks = append(f.Leaves, x), append(f.Ks, r[1])
	case "eulerAddM":
		r, ok := m.inner(d, Mul)
		if !ok || m.vec(r[1]) {
			return nil
		}
		a, y, kk, x, ok := m.addM(r[0])
		if !ok {
			return nil
		}
		f.Leaves, f.Ks = append(f.Leaves, a, x, y), append(f.Ks, kk, r[1])
	case "eulerQMM":
		r, ok := m.inner(d, Mul)
		if !ok || m.vec(r[1]) {
			return nil
		}
		p, y2, k3, x2, ok := m.addM(r[0])
		if !ok {
			return nil
		}
		q, ok := m.inner(p, Add)
		if !ok {
			return nil
		}
		c, k1, x, ok1 := m.mulSub(q[0], false)
		y, k2, z, ok2 := m.mulSub(q[1], true)
		if !ok1 || !ok2 {
			return nil
		}
		f.Leaves, f.Ks = append(f.Leaves, x, y, z, x2, y2), append(f.Ks, c, k1, k2, k3, r[1])
	default:
		return nil
	}
	return f
}

// addM matches a + y*(k - x).
func (m *Matcher) addM(id int) (a, y, k, x int, ok bool) {
	n := len(m.trial)
	s, ok := m.inner(id, Add)
	if ok && m.vec(s[0]) {
		if y, k, x, ok = m.mulSub(s[1], true); ok {
			return s[0], y, k, x, true
		}
	}
	m.undo(n)
	return 0, 0, 0, 0, false
}

// mulSub matches y * (k - x) (vecY: y a vector) or c * (k - x) (c uniform).
func (m *Matcher) mulSub(id int, vecY bool) (y, k, x int, ok bool) {
	n := len(m.trial)
	if r, ok := m.inner(id, Mul); ok && m.vec(r[0]) == vecY {
		if s, ok := m.inner(r[1], Sub); ok && !m.vec(s[0]) && m.vec(s[1]) {
			return r[0], s[0], s[1], true
		}
	}
	m.undo(n)
	return 0, 0, 0, false
}

// fused matches the shapes conductance-based right sides are made of,
// each one kernel loop (Fusion's list), trying them in that order.
func (m *Matcher) fused(k int) *Fusion {
	op := m.ops[k]
	a := op.Args
	fu := func(shape string, leaves []int, ks ...int) *Fusion {
		return &Fusion{Shape: shape, Leaves: leaves, Ks: ks, Ref: -1}
	}
	switch op.Code {
	case Add:
		if !m.vec(a[0]) || !m.vec(a[1]) {
			return nil
		}
		n := len(m.trial)
		if c, k1, x, ok := m.mulSub(a[0], false); ok {
			if y, k2, z, ok := m.mulSub(a[1], true); ok {
				return fu("qPlusM", []int{x, y, z}, c, k1, k2)
			}
		}
		m.undo(n)
		if y, kk, x, ok := m.mulSub(a[1], true); ok {
			return fu("addVMulVSubKV", []int{a[0], x, y}, kk)
		}
		m.undo(n)
		if y, kk, x, ok := m.mulSub(a[0], true); ok {
			return fu("mulVSubKVAddV", []int{a[1], x, y}, kk)
		}
		m.undo(n)
		if r, ok := m.inner(a[0], Mul); ok && !m.vec(r[0]) && m.vec(r[1]) {
			return fu("mulKVAddV", []int{r[1], a[1]}, r[0])
		}
		m.undo(n)
		if r, ok := m.inner(a[1], Mul); ok && !m.vec(r[0]) && m.vec(r[1]) {
			return fu("addVMulKV", []int{r[1], a[0]}, r[0])
		}
	case Mul:
		n := len(m.trial)
		if m.vec(a[1]) {
			if s, ok := m.inner(a[0], Sub); ok && !m.vec(s[0]) && m.vec(s[1]) {
				return fu("subKVMulV", []int{s[1], a[1]}, s[0])
			}
			m.undo(n)
			if s, ok := m.inner(a[1], Sub); ok && !m.vec(s[0]) && m.vec(s[1]) {
				if m.vec(a[0]) {
					return fu("mulVSubKV", []int{s[1], a[0]}, s[0])
				}
				return fu("mulKSubKV", []int{s[1]}, a[0], s[0])
			}
		} else if nn, ok := m.inner(a[0], Neg); ok {
			return fu("negMulK", []int{nn[0]}, a[1])
		}
	}
	return nil
}
