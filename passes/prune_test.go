package passes_test

import (
	"strings"
	"testing"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/passes"
)

func TestPruneGolden(t *testing.T) { goldenPass(t, "prune") }

// TestPruneSilentSource: the projection out of a population without a
// threshold is gone; the one into it stays (its state is recorded).
func TestPruneSilentSource(t *testing.T) {
	p, diags := compile(t, "../testdata/passes/prune/silent.snn", "prune")
	for _, prj := range p.Projs {
		if prj.Pre.Name() == "S" {
			t.Errorf("projection %s from the silent S survived", prj.Name)
		}
	}
	if len(p.Projs) != 2 {
		t.Errorf("%d projections, want 2", len(p.Projs))
	}
	found := false
	for _, d := range diags {
		found = found || (strings.Contains(d.Msg, "prune: projection S->E:exc removed: S can never spike") && d.Pos.Line == 38)
	}
	if !found {
		t.Errorf("no positioned note: %v", diags)
	}
}

// TestPruneWeights: with --prune-weights the random weights are marked,
// constant ones below the threshold remove their projection.
func TestPruneWeights(t *testing.T) {
	o := snnc.Options{Passes: passes.Options{PruneBelow: 1e-6, Verify: true}}
	p, _, diags := snnc.CompileIR("../testdata/passes/prune/silent.snn", o)
	if p == nil {
		t.Fatal(diags)
	}
	if p.Projs[0].PruneBelow != 1e-6 {
		t.Errorf("P->E not marked: %v", p.Projs[0].PruneBelow)
	}
	o.Passes.PruneBelow = 2e-3 // above the constant 1 mV of P->S
	p, _, _ = snnc.CompileIR("../testdata/passes/prune/silent.snn", o)
	for _, prj := range p.Projs {
		if prj.Name == "P->S:exc" {
			t.Error("P->S has |w| = 1 mV < 2 mV and must be removed")
		}
	}
}
