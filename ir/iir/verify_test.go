package iir_test

import (
	"strings"
	"testing"

	"github.com/snnc/snnc/ir/iir"
)

// valid is a one-variable model: v ← resize(v + 1), spike when v > 10.
func valid() *iir.Program {
	prof, _ := iir.LoadProfile("q16")
	v := &iir.Var{Name: "v", Kind: iir.StateVar, Width: 16, Signed: true, Lo: -32768, Hi: 32767}
	ld := &iir.Op{Code: iir.OpLoad, Var: v, Width: 16, Signed: true}
	one := &iir.Op{Code: iir.OpConst, Imm: 1, Width: 1}
	add := &iir.Op{Code: iir.OpAdd, Args: []*iir.Op{ld, one}, Width: 17, Signed: true}
	rs := &iir.Op{Code: iir.OpResize, Args: []*iir.Op{add}, Ovf: iir.Saturate, Lo: v.Lo, Hi: v.Hi, Width: 16, Signed: true}
	st := &iir.Op{Code: iir.OpStore, Args: []*iir.Op{rs}, Var: v, Width: 16, Signed: true}
	ld2 := &iir.Op{Code: iir.OpLoad, Var: v, Width: 16, Signed: true}
	ten := &iir.Op{Code: iir.OpConst, Imm: 10, Width: 5}
	cmp := &iir.Op{Code: iir.OpCmp, Cmp: ">", Args: []*iir.Op{ld2, ten}, Width: 1}
	m := &iir.Model{Name: "M", Vars: []*iir.Var{v},
		Update:    &iir.Kernel{Name: "update", Ops: []*iir.Op{ld, one, add, rs, st}},
		Threshold: &iir.Kernel{Name: "threshold", Ops: []*iir.Op{ld2, ten, cmp}, Out: cmp}}
	return &iir.Program{Profile: prof, Dt: 1e-4, Models: []*iir.Model{m}}
}

// TestVerify: a well-formed program passes; each broken invariant is
// reported, naming the model, kernel and op.
func TestVerify(t *testing.T) {
	if err := iir.Verify(valid()); err != nil {
		t.Fatalf("a valid program: %v", err)
	}
	for _, c := range []struct {
		name   string
		mutate func(p *iir.Program)
		want   string
	}{
		{"use before definition", func(p *iir.Program) {
			ops := p.Models[0].Update.Ops
			ops[1], ops[2] = ops[2], ops[1]
		}, "model M update: op 1 (add) uses a value not computed before it"},
		{"arity", func(p *iir.Program) {
			p.Models[0].Update.Ops[2].Args = p.Models[0].Update.Ops[2].Args[:1]
		}, "op 2 (add) has 1 arguments, want 2"},
		{"foreign variable", func(p *iir.Program) {
			p.Models[0].Update.Ops[4].Var = &iir.Var{Name: "x", Width: 8}
		}, "op 4 (store): not a variable of its model"},
		{"overflow", func(p *iir.Program) {
			p.Models[0].Update.Ops[3].Ovf = "explode"
		}, `op 3 (resize): unknown overflow "explode"`},
		{"width", func(p *iir.Program) {
			p.Models[0].Update.Ops[2].Width = 0
		}, "op 2 (add): width 0"},
		{"range outside the format", func(p *iir.Program) {
			p.Models[0].Vars[0].Hi = 1 << 20
		}, "variable v: range [-32768, 1048576] is not inside its 16 bits"},
		{"weight outside a port", func(p *iir.Program) {
			p.Models[0].Update.Ops[1].Code = iir.OpWeight
		}, "an event's weight outside a port kernel"},
		{"refractory without a counter", func(p *iir.Program) {
			p.Models[0].Update.Ops[1].Code = iir.OpRefractory
		}, "the model has no refractory counter"},
		{"spike bit", func(p *iir.Program) {
			p.Models[0].Threshold.Out = &iir.Op{Code: iir.OpConst, Width: 1}
		}, "model M threshold: the kernel's output is not one of its ops"},
		{"projection port", func(p *iir.Program) {
			p.Projs = append(p.Projs, &iir.Proj{Name: "P", Post: p.Models[0], Port: &iir.Port{Name: "exc"}})
		}, "projection P: its port is not a port of M"},
	} {
		p := valid()
		c.mutate(p)
		err := iir.Verify(p)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.name, err, c.want)
		}
	}
}
