package verilog

import (
	"fmt"
	"math/bits"
	"strings"

	"github.com/snnc/snnc/ir/iir"
)

// Kernels become combinational logic: every op of the integer IR is one
// net of its own width. Every net is declared signed, an unsigned n-bit
// value taking n+1 bits, so that all arithmetic is signed and every
// extension is a sign extension: Verilog then computes each operation in
// the widest of its operands and its result, which is exact because range
// analysis proved the result fits its width (the Go simulator computes in
// int64; the co-simulation tests check the two agree).

// sig is a signed net.
type sig struct {
	name string
	w    int
}

// sw is the signed width holding a width-bit value.
func sw(width int, signed bool) int {
	if signed {
		return width
	}
	return width + 1
}

// need is the signed width holding v.
func need(v int64) int {
	if v < 0 {
		return bits.Len64(uint64(^v)) + 1
	}
	return bits.Len64(uint64(v)) + 1
}

// lit is v as a signed literal of at least w bits.
func lit(v int64, w int) string {
	w = max(w, need(v))
	u := uint64(v)
	if w < 64 {
		u &= uint64(1)<<uint(w) - 1
	}
	return fmt.Sprintf("%d'sh%x", w, u)
}

// kstate is the state a kernel chain reads and writes: the current value
// of each variable (its load, then its latest store), the LFSR and the
// event weight.
type kstate struct {
	cur    map[*iir.Var]sig
	loaded map[*iir.Var]sig
	ref    *iir.Var
	lfsr   string // unsigned LFSR-width net ("" without stochastic rounding)
	lfsr0  string
	weight sig
	vals   map[*iir.Op]sig
	idx    string // the neuron's index, 32 bits (OpDraw; "" outside neuron kernels)
}

// kgen writes the nets of kernels.
type kgen struct {
	b     *strings.Builder
	taps  uint64
	lbits int
	seed  uint64 // the keys of the draw sites (draw.go)
}

func (g *kgen) def(name string, w int, expr string) sig {
	fmt.Fprintf(g.b, "    wire signed [%d:0] %s = %s;\n", w-1, name, expr)
	return sig{name, w}
}

// kernel emits k's ops with nets named prefix_ID, advancing st.
func (g *kgen) kernel(k *iir.Kernel, prefix string, st *kstate) {
	if k == nil {
		return
	}
	fmt.Fprintf(g.b, "    // %s\n", k.Name)
	for _, o := range k.Ops {
		name := fmt.Sprintf("%s_%d", prefix, o.ID)
		w := sw(o.Width, o.Signed)
		var a, b sig
		if len(o.Args) > 0 {
			a = st.vals[o.Args[0]]
		}
		if len(o.Args) > 1 {
			b = st.vals[o.Args[1]]
		}
		one, zero := lit(1, w), lit(0, w)
		var r sig
		switch o.Code {
		case iir.OpConst:
			r = g.def(name, w, lit(o.Imm, w))
		case iir.OpLoad:
			r = g.def(name, w, st.cur[o.Var].name)
		case iir.OpWeight:
			r = g.def(name, w, st.weight.name)
		case iir.OpRefractory:
			if st.ref == nil {
				r = g.def(name, w, zero)
			} else {
				r = g.def(name, w, fmt.Sprintf("(%s != 0) ? %s : %s", st.cur[st.ref].name, one, zero))
			}
		case iir.OpAdd:
			r = g.def(name, w, a.name+" + "+b.name)
		case iir.OpSub:
			r = g.def(name, w, a.name+" - "+b.name)
		case iir.OpNeg:
			r = g.def(name, w, "-"+a.name)
		case iir.OpMul:
			r = g.def(name, w, a.name+" * "+b.name)
		case iir.OpShl:
			r = g.def(name, w, fmt.Sprintf("%s <<< %d", a.name, o.Imm))
		case iir.OpShr:
			r = g.shr(name, w, o, a, st)
		case iir.OpResize:
			r = g.resize(name, w, o, a)
		case iir.OpShiftDecay:
			d := g.def(name+"_d", a.w, fmt.Sprintf("%s >>> %d", a.name, o.Imm))
			if o.MinStep {
				d = g.def(name+"_m", a.w, fmt.Sprintf("(%s == 0 && %s > 0) ? %s : %s", d.name, a.name, lit(1, a.w), d.name))
			}
			r = g.def(name, w, a.name+" - "+d.name)
		case iir.OpMin:
			r = g.def(name, w, fmt.Sprintf("(%s < %s) ? %s : %s", a.name, b.name, a.name, b.name))
		case iir.OpMax:
			r = g.def(name, w, fmt.Sprintf("(%s > %s) ? %s : %s", a.name, b.name, a.name, b.name))
		case iir.OpAbs:
			r = g.def(name, w, fmt.Sprintf("(%s < 0) ? -%s : %s", a.name, a.name, a.name))
		case iir.OpSqrt:
			r = g.sqrt(name, w, a)
		case iir.OpDiv:
			r = g.div(name, w, o, a, b)
		case iir.OpDraw:
			r = g.draw(name, w, o, st)
		case iir.OpCmp:
			r = g.def(name, w, fmt.Sprintf("(%s %s %s) ? %s : %s", a.name, o.Cmp, b.name, one, zero))
		case iir.OpAnd:
			r = g.def(name, w, a.name+" & "+b.name)
		case iir.OpOr:
			r = g.def(name, w, a.name+" | "+b.name)
		case iir.OpNot:
			r = g.def(name, w, one+" - "+a.name)
		case iir.OpSelect:
			c := st.vals[o.Args[2]]
			r = g.def(name, w, fmt.Sprintf("(%s != 0) ? %s : %s", a.name, b.name, c.name))
		case iir.OpStore:
			old := st.cur[o.Var]
			vw := sw(o.Var.Width, o.Var.Signed)
			expr := a.name
			if o.Hold && st.ref != nil {
				expr = fmt.Sprintf("(%s != 0) ? %s : %s", st.cur[st.ref].name, old.name, a.name)
			}
			st.cur[o.Var] = g.def(name+"_st", vw, expr)
		case iir.OpRefract:
			old := st.cur[st.ref]
			expr := lit(o.Imm, old.w)
			if len(o.Args) > 0 {
				expr = fmt.Sprintf("(%s != 0) ? %s : %s", a.name, lit(o.Imm, old.w), old.name)
			}
			st.cur[st.ref] = g.def(name+"_rf", old.w, expr)
		}
		if r.name != "" {
			st.vals[o] = r
		}
	}
}

// shr is Args[0] >> Imm with the op's rounding (iir.ShiftRight).
func (g *kgen) shr(name string, w int, o *iir.Op, a sig, st *kstate) sig {
	n := int(o.Imm)
	if n <= 0 {
		return g.def(name, w, a.name)
	}
	n = min(n, 63)
	t := max(a.w, n+1) + 1 // holds a plus a rounding term of n bits
	switch o.Round {
	case iir.Trunc:
		x := g.def(name+"_x", a.w+1, a.name)
		nx := g.def(name+"_n", a.w+1, "-"+x.name)
		q := g.def(name+"_q", a.w+1, fmt.Sprintf("%s >>> %d", nx.name, n))
		return g.def(name, w, fmt.Sprintf("(%s < 0) ? -%s : (%s >>> %d)", a.name, q.name, x.name, n))
	case iir.Nearest:
		x := g.def(name+"_t", t, fmt.Sprintf("%s + %s", a.name, lit(int64(1)<<uint(n-1), t)))
		return g.def(name, w, fmt.Sprintf("%s >>> %d", x.name, n))
	case iir.Stochastic:
		next := name + "_l"
		l := st.lfsr
		fmt.Fprintf(g.b, "    wire [%d:0] %s = %s[0] ? ((%s >> 1) ^ %d'h%x) : (%s >> 1);\n", g.lbits-1, next, l, l, g.lbits, g.taps, l)
		st.lfsr = next
		var rb string // the n random bits, unsigned
		if n <= g.lbits {
			rb = fmt.Sprintf("%s[%d:0]", next, n-1)
		} else {
			rb = fmt.Sprintf("{%s, %d'd0}", next, n-g.lbits)
		}
		x := g.def(name+"_t", t, fmt.Sprintf("%s + $signed({1'b0, %s})", a.name, rb))
		return g.def(name, w, fmt.Sprintf("%s >>> %d", x.name, n))
	}
	return g.def(name, w, fmt.Sprintf("%s >>> %d", a.name, n))
}

// resize saturates to [Lo, Hi] or keeps the low Width bits (iir.Resize).
func (g *kgen) resize(name string, w int, o *iir.Op, a sig) sig {
	if o.Ovf == iir.Saturate {
		t := max(a.w, w, need(o.Lo), need(o.Hi))
		lo, hi := lit(o.Lo, t), lit(o.Hi, t)
		return g.def(name, w, fmt.Sprintf("(%s < %s) ? %s : (%s > %s) ? %s : %s", a.name, lo, lo, a.name, hi, hi, a.name))
	}
	x := a
	if a.w < o.Width {
		x = g.def(name+"_x", o.Width, a.name)
	}
	if o.Ovf == iir.Modulo {
		// sign kept, |x| modulo 2^(Width−1): the low Width−1 bits of |x|
		n := g.def(name+"_n", x.w+1, "-"+x.name)
		pos := fmt.Sprintf("$signed({1'b0, %s[%d:0]})", x.name, o.Width-2)
		neg := fmt.Sprintf("-$signed({1'b0, %s[%d:0]})", n.name, o.Width-2)
		return g.def(name, w, fmt.Sprintf("(%s < 0) ? %s : %s", x.name, neg, pos))
	}
	if o.Signed {
		return g.def(name, w, fmt.Sprintf("$signed(%s[%d:0])", x.name, o.Width-1))
	}
	return g.def(name, w, fmt.Sprintf("$signed({1'b0, %s[%d:0]})", x.name, o.Width-1))
}
