package iir_test

import (
	"testing"

	"github.com/snnc/snnc/ir/iir"
)

// TestApply: each pure opcode computes what its definition says, from the
// argument values Operands reads by op ID; ops on state are refused.
func TestApply(t *testing.T) {
	x := &iir.Op{ID: 0}
	y := &iir.Op{ID: 1}
	z := &iir.Op{ID: 2}
	regs := []int64{-7, 3, 1}
	for _, c := range []struct {
		op   *iir.Op
		want int64
	}{
		{&iir.Op{Code: iir.OpConst, Imm: 42}, 42},
		{&iir.Op{Code: iir.OpAdd, Args: []*iir.Op{x, y}}, -4},
		{&iir.Op{Code: iir.OpSub, Args: []*iir.Op{x, y}}, -10},
		{&iir.Op{Code: iir.OpNeg, Args: []*iir.Op{x}}, 7},
		{&iir.Op{Code: iir.OpMul, Args: []*iir.Op{x, y}}, -21},
		{&iir.Op{Code: iir.OpShl, Args: []*iir.Op{y}, Imm: 4}, 48},
		{&iir.Op{Code: iir.OpShr, Args: []*iir.Op{x}, Imm: 1, Round: iir.Floor}, -4},
		{&iir.Op{Code: iir.OpShr, Args: []*iir.Op{x}, Imm: 1, Round: iir.Trunc}, -3},
		{&iir.Op{Code: iir.OpResize, Args: []*iir.Op{x}, Width: 4, Signed: false, Ovf: iir.Saturate, Lo: 0, Hi: 15}, 0},
		{&iir.Op{Code: iir.OpShiftDecay, Args: []*iir.Op{y}, Imm: 4, MinStep: true}, 2},
		{&iir.Op{Code: iir.OpMin, Args: []*iir.Op{x, y}}, -7},
		{&iir.Op{Code: iir.OpMax, Args: []*iir.Op{x, y}}, 3},
		{&iir.Op{Code: iir.OpAbs, Args: []*iir.Op{x}}, 7},
		{&iir.Op{Code: iir.OpCmp, Cmp: "<", Args: []*iir.Op{x, y}}, 1},
		{&iir.Op{Code: iir.OpCmp, Cmp: "==", Args: []*iir.Op{x, y}}, 0},
		{&iir.Op{Code: iir.OpAnd, Args: []*iir.Op{z, z}}, 1},
		{&iir.Op{Code: iir.OpOr, Args: []*iir.Op{z, z}}, 1},
		{&iir.Op{Code: iir.OpNot, Args: []*iir.Op{z}}, 0},
		{&iir.Op{Code: iir.OpSelect, Args: []*iir.Op{z, x, y}}, -7},
	} {
		a, b, c3 := c.op.Operands(regs)
		if got := iir.Apply(c.op, a, b, c3, nil); got != c.want {
			t.Errorf("%s: got %d, want %d", c.op.Code, got, c.want)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("Apply computed a load")
		}
	}()
	iir.Apply(&iir.Op{Code: iir.OpLoad}, 0, 0, 0, nil)
}
