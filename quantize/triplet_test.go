package quantize_test

import (
	"strings"
	"testing"

	"github.com/snnc/snnc/ir/iir"
)

// TestTripletKernels: the full triplet rule lowers with its second traces;
// on pre reads o1 and r2 (undoing r2's bump: the rule reads it before),
// on post reads r1 and o2, the bump kernels bump both traces of a side,
// and every trace's range is non-negative. The verifier rejects a rule
// with one second trace, and a kernel that loads a foreign variable.
func TestTripletKernels(t *testing.T) {
	p := compile(t, "../testdata/fixed/triplet.snn")
	q := lower(t, p, "q16")
	if len(q.Projs) != 1 || q.Projs[0].Plastic == nil || q.Projs[0].Plastic.Pre2 == nil || q.Projs[0].Plastic.Post2 == nil {
		t.Fatal("no triplet rule")
	}
	pl := q.Projs[0].Plastic
	names := func(k *iir.Kernel, code iir.Opcode) string {
		var s []string
		for _, o := range k.Ops {
			if o.Code == code {
				s = append(s, o.Var.Name)
			}
		}
		return strings.Join(s, " ")
	}
	for _, c := range []struct {
		k             *iir.Kernel
		loads, stores string
	}{
		{pl.OnPre, "w r2 o1", "w"},
		{pl.OnPost, "w o2 r1", "w"},
		{pl.PreOne, "r1 r2", "r1 r2"},
		{pl.PostOne, "o1 o2", "o1 o2"},
		{pl.TickPre, "r1 r2", "r1 r2"},
		{pl.TickPost, "o1 o2", "o1 o2"},
	} {
		if got := names(c.k, iir.OpLoad); got != c.loads {
			t.Errorf("%s loads %q, want %q", c.k.Name, got, c.loads)
		}
		if got := names(c.k, iir.OpStore); got != c.stores {
			t.Errorf("%s stores %q, want %q", c.k.Name, got, c.stores)
		}
	}
	undone := 0
	for _, o := range pl.OnPre.Ops {
		if o.Code == iir.OpSub && o.Args[0].Code == iir.OpLoad && o.Args[0].Var == pl.Pre2 && o.Args[1].Imm == int64(1)<<pl.Pre2.Frac {
			undone++
		}
	}
	if undone != 1 {
		t.Errorf("on pre undoes r2's bump %d times, want once", undone)
	}
	for _, v := range pl.Vars()[1:] {
		if v.Range.Lo != 0 || v.Range.Hi <= 0 {
			t.Errorf("%s: range %v, want [0, bound]", v.Name, v.Range)
		}
	}
	for _, c := range []struct {
		name   string
		mutate func(pl *iir.Plastic)
		want   string
	}{
		{"one second trace", func(pl *iir.Plastic) { pl.Post2 = nil }, "needs both second traces"},
		{"foreign variable", func(pl *iir.Plastic) { pl.OnPost.Ops[0].Var = &iir.Var{Name: "z", Width: 8} }, "not a variable"},
	} {
		q := lower(t, p, "q16")
		c.mutate(q.Projs[0].Plastic)
		if err := iir.Verify(q); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.name, err, c.want)
		}
	}
}
