package quantize_test

import (
	"strings"
	"testing"

	"github.com/snnc/snnc/ir/iir"
)

// TestSTDPGateVerify: a gated rule lowers with its gate bound to the
// postsynaptic model's flag, read by both weight updates and stored by
// neither; the verifier rejects a gate of another model and a kernel that
// stores it.
func TestSTDPGateVerify(t *testing.T) {
	p := compile(t, "../testdata/fixed/stdp_gate.snn")
	fresh := func() *iir.Proj {
		q := lower(t, p, "q16")
		for _, pr := range q.Projs {
			if pr.Plastic != nil {
				return pr
			}
		}
		t.Fatal("no plastic projection")
		return nil
	}
	pr := fresh()
	pl := pr.Plastic
	if pl.Gate == nil || pl.Gate.Name != "learn" || pl.Gate != variable(t, pr.Post, "learn") {
		t.Fatalf("gate %v, want the postsynaptic model's learn", pl.Gate)
	}
	for _, k := range []*iir.Kernel{pl.OnPre, pl.OnPost} {
		reads := false
		for _, o := range k.Ops {
			reads = reads || o.Code == iir.OpLoad && o.Var == pl.Gate
		}
		if !reads {
			t.Errorf("%s does not read the gate", k.Name)
		}
	}
	for _, c := range []struct {
		name   string
		mutate func(pr *iir.Proj)
		want   string
	}{
		{"foreign gate", func(pr *iir.Proj) {
			pr.Plastic.Gate = &iir.Var{Name: "learn", Kind: iir.StateVar, Width: 8, Hi: 1}
		}, "the STDP rule's gate learn is not a variable of"},
		{"stored gate", func(pr *iir.Proj) {
			k := pr.Plastic.OnPost
			last := k.Ops[len(k.Ops)-1]
			k.Ops = append(k.Ops, &iir.Op{ID: len(k.Ops), Code: iir.OpStore, Var: pr.Plastic.Gate, Args: []*iir.Op{last.Args[0]}, Width: pr.Plastic.Gate.Width, Signed: pr.Plastic.Gate.Signed})
		}, "the STDP rule stores its gate learn"},
	} {
		q := lower(t, p, "q16")
		for _, pr := range q.Projs {
			if pr.Plastic != nil {
				c.mutate(pr)
				break
			}
		}
		if err := iir.Verify(q); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.name, err, c.want)
		}
	}
}
