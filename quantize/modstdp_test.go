package quantize_test

import (
	"strings"
	"testing"

	"github.com/snnc/snnc/ir/iir"
)

// TestModulatedVerify: a modulated rule lowers to traces in their own
// units, an on-modulator kernel that reads both traces and stores w, and
// on pre/on post kernels that leave w alone; the verifier rejects a
// modulated rule without its kernel, and one whose kernel loads a variable
// that is not the rule's.
func TestModulatedVerify(t *testing.T) {
	p := compile(t, "../testdata/fixed/modhebb.snn")
	q := lower(t, p, "q16")
	n := 0
	for _, pr := range q.Projs {
		pl := pr.Plastic
		if pl == nil || pl.Mod != "fb" || pl.OnMod == nil {
			t.Fatalf("projection %s: not a modulated rule", pr.Name)
		}
		n++
		loads, stores := map[*iir.Var]bool{}, map[*iir.Var]bool{}
		for _, o := range pl.OnMod.Ops {
			switch o.Code {
			case iir.OpLoad:
				loads[o.Var] = true
			case iir.OpStore:
				stores[o.Var] = true
			}
		}
		if !loads[pl.Pre] || !loads[pl.Post] || !loads[pl.W] || !stores[pl.W] || len(stores) != 1 {
			t.Errorf("%s: on modulator loads %v, stores %v", pr.Name, loads, stores)
		}
		for _, k := range []*iir.Kernel{pl.OnPre, pl.OnPost} {
			for _, o := range k.Ops {
				if o.Code == iir.OpStore {
					t.Errorf("%s: %s stores %s", pr.Name, k.Name, o.Var.Name)
				}
			}
		}
		if pl.Pre.Scale != 1/float64(int64(1)<<pl.GuardX) {
			t.Errorf("%s: x_pre's scale %g, want 2^-%d (its own unit)", pr.Name, pl.Pre.Scale, pl.GuardX)
		}
	}
	if n != 2 {
		t.Fatalf("%d modulated projections, want 2", n)
	}
	for _, c := range []struct {
		name   string
		mutate func(pl *iir.Plastic)
		want   string
	}{
		{"no kernel", func(pl *iir.Plastic) { pl.OnMod = nil }, "the STDP rule lacks a kernel"},
		{"foreign variable", func(pl *iir.Plastic) { pl.OnMod.Ops[0].Var = &iir.Var{Name: "z", Width: 8} }, "not a variable"},
	} {
		q := lower(t, p, "q16")
		c.mutate(q.Projs[0].Plastic)
		if err := iir.Verify(q); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.name, err, c.want)
		}
	}
}
