package fixed

// Kernel execution. A kernel's ops run one after the other; the update and
// threshold kernels run each op over the whole population (a vector per
// op), the reset and port kernels on one neuron at a time. Both evaluate
// the same ops in the same order per neuron, so they agree bit for bit
// with a neuron-at-a-time engine (the LFSR of stochastic rounding is per
// neuron and advances in op order).

func (p *xpop) vector(k *Kernel) {
	n := p.n
	regs := p.regs
	for _, o := range k.Ops {
		r := regs[o.ID]
		arg := func(i int) []int64 { return regs[o.Args[i].ID] }
		switch o.Code {
		case OpConst:
			for i := range r {
				r[i] = o.Imm
			}
		case OpLoad:
			copy(r, p.vals[p.index[o.Var]])
		case OpWeight:
			clear(r)
		case OpRefractory:
			if p.ref == nil {
				clear(r)
				continue
			}
			for i, c := range p.ref {
				r[i] = b2i(c > 0)
			}
		case OpAdd:
			a, b := arg(0), arg(1)
			for i := range r {
				r[i] = a[i] + b[i]
			}
		case OpSub:
			a, b := arg(0), arg(1)
			for i := range r {
				r[i] = a[i] - b[i]
			}
		case OpNeg:
			a := arg(0)
			for i := range r {
				r[i] = -a[i]
			}
		case OpMul:
			a, b := arg(0), arg(1)
			for i := range r {
				r[i] = a[i] * b[i]
			}
		case OpShl:
			a, s := arg(0), uint(o.Imm)
			for i := range r {
				r[i] = a[i] << s
			}
		case OpShr:
			a, s := arg(0), int(o.Imm)
			switch o.Round {
			case Floor:
				for i := range r {
					r[i] = a[i] >> uint(s)
				}
			case Nearest:
				h := int64(1) << uint(s-1)
				for i := range r {
					r[i] = (a[i] + h) >> uint(s)
				}
			case Stochastic:
				for i := range r {
					r[i] = (a[i] + p.rnd(i, s)) >> uint(s)
				}
			default:
				for i := range r {
					r[i] = ShiftRight(a[i], s, o.Round, nil)
				}
			}
		case OpResize:
			a := arg(0)
			var bad int64
			for i := range r {
				x := Resize(a[i], o.Width, o.Signed, o.Ovf, o.Lo, o.Hi)
				if x != a[i] {
					bad++
				}
				r[i] = x
			}
			if bad > 0 && o.Var != nil {
				p.ovf[p.index[o.Var]] += bad
			}
		case OpShiftDecay:
			a, d := arg(0), int(o.Imm)
			for i := range r {
				r[i] = ShiftDecay(a[i], d, o.MinStep)
			}
		case OpMin:
			a, b := arg(0), arg(1)
			for i := range r {
				r[i] = min(a[i], b[i])
			}
		case OpMax:
			a, b := arg(0), arg(1)
			for i := range r {
				r[i] = max(a[i], b[i])
			}
		case OpAbs:
			a := arg(0)
			for i := range r {
				r[i] = max(a[i], -a[i])
			}
		case OpCmp:
			a, b := arg(0), arg(1)
			for i := range r {
				r[i] = cmp(o.Cmp, a[i], b[i])
			}
		case OpAnd:
			a, b := arg(0), arg(1)
			for i := range r {
				r[i] = a[i] & b[i]
			}
		case OpOr:
			a, b := arg(0), arg(1)
			for i := range r {
				r[i] = a[i] | b[i]
			}
		case OpNot:
			a := arg(0)
			for i := range r {
				r[i] = 1 - a[i]
			}
		case OpSelect:
			c, a, b := arg(0), arg(1), arg(2)
			for i := range r {
				if c[i] != 0 {
					r[i] = a[i]
				} else {
					r[i] = b[i]
				}
			}
		case OpStore:
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
		case OpRefract:
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

func cmp(op string, a, b int64) int64 {
	switch op {
	case ">":
		return b2i(a > b)
	case ">=":
		return b2i(a >= b)
	case "<":
		return b2i(a < b)
	case "<=":
		return b2i(a <= b)
	case "==":
		return b2i(a == b)
	}
	return b2i(a != b)
}

// scalar runs a kernel on neuron i (w: the event's weight).
func (p *xpop) scalar(k *Kernel, i int, w int64) {
	r := p.scal
	for _, o := range k.Ops {
		var x int64
		a := func(j int) int64 { return r[o.Args[j].ID] }
		switch o.Code {
		case OpConst:
			x = o.Imm
		case OpLoad:
			x = p.vals[p.index[o.Var]][i]
		case OpWeight:
			x = w
		case OpRefractory:
			if p.ref != nil {
				x = b2i(p.ref[i] > 0)
			}
		case OpAdd:
			x = a(0) + a(1)
		case OpSub:
			x = a(0) - a(1)
		case OpNeg:
			x = -a(0)
		case OpMul:
			x = a(0) * a(1)
		case OpShl:
			x = a(0) << uint(o.Imm)
		case OpShr:
			x = ShiftRight(a(0), int(o.Imm), o.Round, func(n int) int64 { return p.rnd(i, n) })
		case OpResize:
			x = Resize(a(0), o.Width, o.Signed, o.Ovf, o.Lo, o.Hi)
			if x != a(0) && o.Var != nil {
				p.ovf[p.index[o.Var]]++
			}
		case OpShiftDecay:
			x = ShiftDecay(a(0), int(o.Imm), o.MinStep)
		case OpMin:
			x = min(a(0), a(1))
		case OpMax:
			x = max(a(0), a(1))
		case OpAbs:
			x = max(a(0), -a(0))
		case OpCmp:
			x = cmp(o.Cmp, a(0), a(1))
		case OpAnd:
			x = a(0) & a(1)
		case OpOr:
			x = a(0) | a(1)
		case OpNot:
			x = 1 - a(0)
		case OpSelect:
			if a(0) != 0 {
				x = a(1)
			} else {
				x = a(2)
			}
		case OpStore:
			x = a(0)
			if !o.Hold || p.ref == nil || p.ref[i] == 0 {
				p.vals[p.index[o.Var]][i] = x
			}
		case OpRefract:
			if len(o.Args) == 0 || a(0) != 0 {
				p.ref[i] = o.Imm
			}
		}
		r[o.ID] = x
	}
}
