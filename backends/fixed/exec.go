package fixed

import "github.com/snnc/snnc/ir/iir"

// Kernel execution. A kernel's ops run one after the other; the update and
// threshold kernels run each op over the whole population (a vector per
// op), the reset and port kernels on one neuron at a time. Both evaluate
// the same ops in the same order per neuron, so they agree bit for bit
// with a neuron-at-a-time engine (the LFSR of stochastic rounding is per
// neuron and advances in op order).

func (p *xpop) vector(k *iir.Kernel) {
	if p.check != nil {
		defer p.check.vector(p, k)
	}
	n := p.n
	regs := p.regs
	for _, o := range k.Ops {
		r := regs[o.ID]
		arg := func(i int) []int64 { return regs[o.Args[i].ID] }
		switch o.Code {
		case iir.OpConst:
			for i := range r {
				r[i] = o.Imm
			}
		case iir.OpLoad:
			copy(r, p.vals[p.index[o.Var]])
		case iir.OpWeight:
			clear(r)
		case iir.OpDraw:
			key := p.drawKey(o)
			for i := range r {
				r[i] = iir.Draw(key, uint32(p.s.n), uint32(i))
			}
		case iir.OpRefractory:
			if p.ref == nil {
				clear(r)
				continue
			}
			for i, c := range p.ref {
				r[i] = b2i(c > 0)
			}
		case iir.OpAdd:
			a, b := arg(0), arg(1)
			for i := range r {
				r[i] = a[i] + b[i]
			}
		case iir.OpSub:
			a, b := arg(0), arg(1)
			for i := range r {
				r[i] = a[i] - b[i]
			}
		case iir.OpNeg:
			a := arg(0)
			for i := range r {
				r[i] = -a[i]
			}
		case iir.OpMul:
			a, b := arg(0), arg(1)
			for i := range r {
				r[i] = a[i] * b[i]
			}
		case iir.OpShl:
			a, s := arg(0), uint(o.Imm)
			for i := range r {
				r[i] = a[i] << s
			}
		case iir.OpShr:
			a, s := arg(0), int(o.Imm)
			switch o.Round {
			case iir.Floor:
				for i := range r {
					r[i] = a[i] >> uint(s)
				}
			case iir.Nearest:
				h := int64(1) << uint(s-1)
				for i := range r {
					r[i] = (a[i] + h) >> uint(s)
				}
			case iir.Stochastic:
				for i := range r {
					r[i] = (a[i] + p.rnd(i, s)) >> uint(s)
				}
			default:
				for i := range r {
					r[i] = iir.ShiftRight(a[i], s, o.Round, nil)
				}
			}
		case iir.OpResize:
			a := arg(0)
			var bad int64
			for i := range r {
				x := iir.Resize(a[i], o.Width, o.Signed, o.Ovf, o.Lo, o.Hi)
				if x != a[i] {
					bad++
				}
				r[i] = x
			}
			if bad > 0 && o.Var != nil {
				p.ovf[p.index[o.Var]] += bad
			}
		case iir.OpShiftDecay:
			a, d := arg(0), int(o.Imm)
			for i := range r {
				r[i] = iir.ShiftDecay(a[i], d, o.MinStep)
			}
		case iir.OpMin:
			a, b := arg(0), arg(1)
			for i := range r {
				r[i] = min(a[i], b[i])
			}
		case iir.OpMax:
			a, b := arg(0), arg(1)
			for i := range r {
				r[i] = max(a[i], b[i])
			}
		case iir.OpSqrt:
			a := arg(0)
			for i := range r {
				r[i] = iir.Sqrt(a[i])
			}
		case iir.OpDiv:
			a, b := arg(0), arg(1)
			for i := range r {
				r[i] = iir.Div(a[i], b[i], o.Round)
			}
		case iir.OpAbs:
			a := arg(0)
			for i := range r {
				r[i] = max(a[i], -a[i])
			}
		case iir.OpCmp:
			a, b := arg(0), arg(1)
			for i := range r {
				r[i] = iir.Compare(o.Cmp, a[i], b[i])
			}
		case iir.OpAnd:
			a, b := arg(0), arg(1)
			for i := range r {
				r[i] = a[i] & b[i]
			}
		case iir.OpOr:
			a, b := arg(0), arg(1)
			for i := range r {
				r[i] = a[i] | b[i]
			}
		case iir.OpNot:
			a := arg(0)
			for i := range r {
				r[i] = 1 - a[i]
			}
		case iir.OpSelect:
			c, a, b := arg(0), arg(1), arg(2)
			for i := range r {
				if c[i] != 0 {
					r[i] = a[i]
				} else {
					r[i] = b[i]
				}
			}
		case iir.OpStore:
			dst, a := p.vals[p.index[o.Var]], arg(0)
			if o.Hold && p.ref != nil {
				for i := 0; i < n; i++ {
					if p.ref[i] == 0 {
						dst[i] = a[i]
					}
				}
			} else {
				copy(dst, a)
			}
		case iir.OpRefract:
			for i := range r {
				if len(o.Args) == 0 || arg(0)[i] != 0 {
					p.ref[i] = o.Imm
				}
			}
		}
	}
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// scalar runs a kernel on neuron i (w: the event's weight).
func (p *xpop) scalar(k *iir.Kernel, i int, w int64) {
	if p.check != nil {
		defer p.check.scalar(p, k)
	}
	r := p.scal
	for _, o := range k.Ops {
		var x int64
		a := func(j int) int64 { return r[o.Args[j].ID] }
		switch o.Code {
		case iir.OpLoad:
			x = p.vals[p.index[o.Var]][i]
		case iir.OpWeight:
			x = w
		case iir.OpDraw:
			x = iir.Draw(p.drawKey(o), uint32(p.s.n), uint32(i))
		case iir.OpRefractory:
			if p.ref != nil {
				x = b2i(p.ref[i] > 0)
			}
		case iir.OpStore:
			x = a(0)
			if !o.Hold || p.ref == nil || p.ref[i] == 0 {
				p.vals[p.index[o.Var]][i] = x
			}
		case iir.OpRefract:
			if len(o.Args) == 0 || a(0) != 0 {
				p.ref[i] = o.Imm
			}
		default:
			var rnd func(n int) int64
			if o.Code == iir.OpShr && o.Round == iir.Stochastic {
				rnd = func(n int) int64 { return p.rnd(i, n) }
			}
			a0, a1, a2 := o.Operands(r)
			x = iir.Apply(o, a0, a1, a2, rnd)
			if o.Code == iir.OpResize && x != a0 && o.Var != nil {
				p.ovf[p.index[o.Var]]++
			}
		}
		r[o.ID] = x
	}
}
