package iir_test

import (
	"strings"
	"testing"

	"github.com/snnc/snnc/ir/iir"
)

// TestVerifySetsAndDiv: a run phase's assignment (iir.Set) and a division
// pass the verifier when well formed; a set of another model's variable,
// a value outside the variable's proven range, a negative step and a
// division without a known rounding are reported.
func TestVerifySetsAndDiv(t *testing.T) {
	withSet := func() *iir.Program {
		p := valid()
		m := p.Models[0]
		v := m.Vars[0]
		v.Range = iir.Interval{Lo: -10, Hi: 10}
		m.Sets = []*iir.Set{{Phase: "test", Step: 5, Var: v, Value: 3}}
		ops := m.Update.Ops
		div := &iir.Op{ID: len(ops), Code: iir.OpDiv, Args: []*iir.Op{ops[0], ops[1]}, Round: iir.Nearest, Width: 16, Signed: true}
		m.Update.Ops = append(ops, div)
		return p
	}
	if err := iir.Verify(withSet()); err != nil {
		t.Fatalf("a valid program: %v", err)
	}
	for _, c := range []struct {
		name   string
		mutate func(p *iir.Program)
		want   string
	}{
		{"foreign variable", func(p *iir.Program) {
			p.Models[0].Sets[0].Var = &iir.Var{Name: "x", Width: 8}
		}, "model M: phase test sets a variable that is not state of the model"},
		{"outside the range", func(p *iir.Program) {
			p.Models[0].Sets[0].Value = 11
		}, "model M: phase test sets v to 11, outside its range [-10, 10]"},
		{"negative step", func(p *iir.Program) {
			p.Models[0].Sets[0].Step = -1
		}, "model M: phase test at step -1"},
		{"division rounding", func(p *iir.Program) {
			ops := p.Models[0].Update.Ops
			ops[len(ops)-1].Round = "sideways"
		}, `op 5 (div): unknown rounding "sideways"`},
	} {
		p := withSet()
		c.mutate(p)
		err := iir.Verify(p)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.name, err, c.want)
		}
	}
}
