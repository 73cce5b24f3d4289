package iir

import "fmt"

// Apply is the value of the pure operation o, given x, y and z, the values
// of its arguments (see Operands): the one definition of each opcode's
// arithmetic that the executors share (a hardware emitter implements the
// same). rnd draws the n random bits of stochastic rounding (nil where
// there is no random source). The ops that touch state (OpLoad, OpWeight,
// OpRefractory, OpStore, OpRefract) are the executor's own; Apply panics on
// them.
func Apply(o *Op, x, y, z int64, rnd func(n int) int64) int64 {
	switch o.Code {
	case OpConst:
		return o.Imm
	case OpAdd:
		return x + y
	case OpSub:
		return x - y
	case OpNeg:
		return -x
	case OpMul:
		return x * y
	case OpShl:
		return x << uint(o.Imm)
	case OpShr:
		return ShiftRight(x, int(o.Imm), o.Round, rnd)
	case OpResize:
		return Resize(x, o.Width, o.Signed, o.Ovf, o.Lo, o.Hi)
	case OpShiftDecay:
		return ShiftDecay(x, int(o.Imm), o.MinStep)
	case OpMin:
		return min(x, y)
	case OpMax:
		return max(x, y)
	case OpAbs:
		return max(x, -x)
	case OpCmp:
		return Compare(o.Cmp, x, y)
	case OpAnd:
		return x & y
	case OpOr:
		return x | y
	case OpNot:
		return 1 - x
	case OpSqrt:
		return Sqrt(x)
	case OpDiv:
		return Div(x, y, o.Round)
	case OpSelect:
		if x != 0 {
			return y
		}
		return z
	}
	panic(fmt.Sprintf("iir.Apply: %s reads or writes state", o.Code))
}

// Operands are the values of o's arguments (0 for those it lacks), read
// from regs, the values of the kernel's ops indexed by Op.ID.
func (o *Op) Operands(regs []int64) (x, y, z int64) {
	switch len(o.Args) {
	case 3:
		z = regs[o.Args[2].ID]
		fallthrough
	case 2:
		y = regs[o.Args[1].ID]
		fallthrough
	case 1:
		x = regs[o.Args[0].ID]
	}
	return x, y, z
}

// Compare is the 1-bit result of a op b for the comparison op of OpCmp.
func Compare(op string, a, b int64) int64 {
	var r bool
	switch op {
	case ">":
		r = a > b
	case ">=":
		r = a >= b
	case "<":
		r = a < b
	case "<=":
		r = a <= b
	case "==":
		r = a == b
	default:
		r = a != b
	}
	if r {
		return 1
	}
	return 0
}
