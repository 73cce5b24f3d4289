package passes_test

import "testing"

func TestFuseGolden(t *testing.T) { goldenPass(t, "fuse") }

// TestFuseDecisions: the population is fused, the parallel projections
// merged into the first.
func TestFuseDecisions(t *testing.T) {
	p, _ := compile(t, "../testdata/passes/fuse/merge.snn", "fuse")
	if !p.Pops[0].Model.Fused {
		t.Error("E should be fused")
	}
	if len(p.Projs) != 2 || len(p.Projs[1].Merged) != 1 || p.Projs[1].Merged[0].Connector.Kind != "fan_in" {
		t.Errorf("want P->E and E->E with the fan_in projection merged into it; got %d projections", len(p.Projs))
	}
}

// TestFuseRefusesVoltageRead: a synapse reading post.v forbids moving the
// reset of v before the synaptic events.
func TestFuseRefusesVoltageRead(t *testing.T) {
	p, _ := compile(t, "../testdata/passes/fuse/voltage.snn", "fuse")
	for _, pop := range p.Pops {
		if pop.Name == "B" && pop.Model.Fused {
			t.Error("B's reset writes v, which the synapse reads: no fusion")
		}
	}
}

// TestFuseGroups: identical models share one loop; an override makes a
// model different.
func TestFuseGroups(t *testing.T) {
	p, _ := compile(t, "../examples/cuba.snn", "fuse")
	e, i := p.Pops[0], p.Pops[1]
	if i.Group != e || i.Offset != 3200 || len(e.Members) != 2 {
		t.Errorf("CUBA's I should run in E's loop at offset 3200: group %v offset %d", i.Group, i.Offset)
	}
	p, _ = compile(t, "../testdata/passes/fold/params.snn", "fuse")
	for _, pop := range p.Pops {
		if pop.Group != nil {
			t.Errorf("%s grouped, but B overrides tau: the models differ", pop.Name)
		}
	}
}
