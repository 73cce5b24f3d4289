package iir_test

import (
	"strings"
	"testing"

	"github.com/snnc/snnc/ir/iir"
)

// withDendrite is valid() with a segment dendrite whose handler adds 1 to v.
func withDendrite() *iir.Program {
	p := valid()
	m := p.Models[0]
	v := m.Vars[0]
	ld := &iir.Op{ID: 0, Code: iir.OpLoad, Var: v, Width: 16, Signed: true}
	one := &iir.Op{ID: 1, Code: iir.OpConst, Imm: 1, Width: 1}
	add := &iir.Op{ID: 2, Code: iir.OpAdd, Args: []*iir.Op{ld, one}, Width: 17, Signed: true}
	rs := &iir.Op{ID: 3, Code: iir.OpResize, Args: []*iir.Op{add}, Ovf: iir.Saturate, Lo: v.Lo, Hi: v.Hi, Width: 16, Signed: true}
	st := &iir.Op{ID: 4, Code: iir.OpStore, Args: []*iir.Op{rs}, Var: v, Width: 16, Signed: true}
	m.Dendrites = []*iir.Dendrite{{Name: "d", Segments: 2, Synapses: 8, Threshold: 3, Initial: 32768, Connected: 32768,
		Kernel: &iir.Kernel{Name: "dendrite d", Ops: []*iir.Op{ld, one, add, rs, st}}}}
	return p
}

// TestVerifyDendrite: a segment dendrite passes; each broken invariant of
// its counts, permanences and handler is reported, naming the dendrite.
func TestVerifyDendrite(t *testing.T) {
	if err := iir.Verify(withDendrite()); err != nil {
		t.Fatalf("a valid dendrite: %v", err)
	}
	for _, c := range []struct {
		name   string
		mutate func(d *iir.Dendrite, m *iir.Model)
		want   string
	}{
		{"threshold above the synapses", func(d *iir.Dendrite, _ *iir.Model) { d.Threshold = 9 }, "model M dendrite d: threshold 9 outside 1..8"},
		{"threshold 0", func(d *iir.Dendrite, _ *iir.Model) { d.Threshold = 0 }, "threshold 0 outside 1..8"},
		{"no segments", func(d *iir.Dendrite, _ *iir.Model) { d.Segments = 0 }, "dendrite d: 0 segments of 8 synapses"},
		{"permanence above 1", func(d *iir.Dendrite, _ *iir.Model) { d.Initial = iir.PermOne + 1 }, "permanences 65536 and 32768 outside 0..65535"},
		{"weight in the handler", func(d *iir.Dendrite, _ *iir.Model) { d.Kernel.Ops[1].Code = iir.OpWeight },
			"model M dendrite d: op 1 (weight): an event's weight outside a port kernel"},
		{"foreign variable", func(d *iir.Dendrite, _ *iir.Model) { d.Kernel.Ops[4].Var = &iir.Var{Name: "x", Width: 8} },
			"dendrite d: op 4 (store): not a variable of its model"},
		{"two of one name", func(d *iir.Dendrite, m *iir.Model) {
			c := *d
			m.Dendrites = append(m.Dendrites, &c)
		}, "model M: two dendrites named d"},
	} {
		p := withDendrite()
		m := p.Models[0]
		c.mutate(m.Dendrites[0], m)
		err := iir.Verify(p)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.name, err, c.want)
		}
	}
}

// TestDendriteLive: without learning a synapse is connected for the whole
// run exactly when its initial permanence reaches connected.
func TestDendriteLive(t *testing.T) {
	for _, c := range []struct {
		init, conn int64
		live       bool
	}{{32768, 32768, true}, {32767, 32768, false}, {65535, 0, true}, {0, 1, false}} {
		d := &iir.Dendrite{Initial: c.init, Connected: c.conn}
		if d.Live() != c.live {
			t.Errorf("initial %d, connected %d: live %v, want %v", c.init, c.conn, d.Live(), c.live)
		}
	}
}
