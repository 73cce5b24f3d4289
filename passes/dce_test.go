package passes_test

import (
	"strings"
	"testing"
)

func TestDCEGolden(t *testing.T) { goldenPass(t, "dce") }

// TestDCERemoves: what nothing recorded depends on is gone, what feeds the
// recording stays, and the pass says what it removed.
func TestDCERemoves(t *testing.T) {
	p, diags := compile(t, "../testdata/passes/dce/unused.snn", "dce")
	var pops []string
	for _, pop := range p.Pops {
		pops = append(pops, pop.Name)
	}
	if strings.Join(pops, ",") != "E,I" {
		t.Errorf("populations %v, want E,I (Q reaches nothing recorded)", pops)
	}
	if len(p.Projs) != 3 || len(p.Inputs) != 1 || p.Inputs[0].Name != "P" {
		t.Errorf("%d projections and inputs %v; want 3 and [P]", len(p.Projs), p.Inputs)
	}
	for _, pop := range p.Pops {
		for _, v := range pop.Model.Vars {
			if v.Name == "count" {
				t.Errorf("%s.count is written but never read: it must go", pop.Name)
			}
		}
		if len(pop.Model.Reset) != 1 {
			t.Errorf("%s reset keeps only v = 0 mV, got %d statements", pop.Name, len(pop.Model.Reset))
		}
	}
	report := strings.Join(p.Removed, "; ")
	for _, want := range []string{"population Q", "input R", "count"} {
		if !strings.Contains(report, want) {
			t.Errorf("removed list %q lacks %q", report, want)
		}
	}
	notes := 0
	for _, d := range diags {
		if strings.HasPrefix(d.Msg, "dce:") && d.Pos.IsValid() {
			notes++
		}
	}
	if notes < 4 {
		t.Errorf("want positioned dce notes for Q, R, 2 projections and count; got %d", notes)
	}
}

// TestDCEOff: with dce switched off, everything stays.
func TestDCEOff(t *testing.T) {
	p, _ := compile(t, "../testdata/passes/dce/unused.snn", "", "dce")
	if len(p.Pops) != 3 || len(p.Projs) != 5 || len(p.Inputs) != 2 {
		t.Errorf("dce off: %d pops, %d projections, %d inputs; want 3, 5, 2", len(p.Pops), len(p.Projs), len(p.Inputs))
	}
}
