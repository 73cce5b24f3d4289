package quantize_test

import (
	"os"
	"strings"
	"testing"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/ir/iir"
	"github.com/snnc/snnc/quantize"
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

// TestModulatedPerPostRefused: a modulator bound one_to_one (per
// postsynaptic neuron) has no integer form: the modulated rule that lowers
// with `modulator fb = P` is refused with a positioned error naming the
// binding once the modulator is bound one_to_one.
func TestModulatedPerPostRefused(t *testing.T) {
	src, err := os.ReadFile("../testdata/fixed/modhebb.snn")
	if err != nil {
		t.Fatal(err)
	}
	perPost := strings.Replace(string(src), "modulator fb = P\n", "modulator fb = M one_to_one\n", 1)
	if perPost == string(src) {
		t.Fatal("modhebb.snn no longer binds fb = P")
	}
	p, _, diags := snnc.CompileSource("../testdata/fixed/modhebb.snn", []byte(perPost), snnc.Options{})
	if p == nil {
		t.Fatal(diags)
	}
	prof, err := iir.LoadProfile("q16")
	if err != nil {
		t.Fatal(err)
	}
	q, ds := quantize.Lower(p, prof)
	if q != nil || len(ds) == 0 {
		t.Fatal("lowered a modulator bound one_to_one")
	}
	d := ds[0]
	if !strings.Contains(d.Msg, "modulator fb one_to_one") || !strings.Contains(d.Msg, "q16") || !d.Pos.IsValid() {
		t.Errorf("first error %q, want one naming modulator fb one_to_one on q16, with a position", d.Error())
	}
}
