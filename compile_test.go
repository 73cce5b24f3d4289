package snnc_test

import (
	"strings"
	"testing"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/passes"
)

// TestCompileStages: Compile returns each stage's output that the options
// ask for, stops where Options.Stop says, and on an error returns the
// sources (for printing it) and no later stage.
func TestCompileStages(t *testing.T) {
	const cuba = "examples/cuba.snn"
	r, diags := snnc.Compile(cuba, snnc.Options{Plan: true, Passes: passes.Options{Target: "q16"}})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if r.Sources[cuba] == nil || r.Checked == nil || r.IR == nil || r.Plan == nil || r.Integer == nil {
		t.Fatalf("every stage asked for: sources %v, checked %v, IR %v, plan %v, integer %v",
			r.Sources[cuba] != nil, r.Checked != nil, r.IR != nil, r.Plan != nil, r.Integer != nil)
	}
	if r.Plan.Network != r.IR.Network || r.Integer.Profile.Name != "q16" {
		t.Errorf("plan of network %q for IR of %q, integer IR for %q", r.Plan.Network, r.IR.Network, r.Integer.Profile.Name)
	}

	// without Plan and a profile: the IR only
	r, _ = snnc.Compile(cuba, snnc.Options{})
	if r.IR == nil || r.Plan != nil || r.Integer != nil {
		t.Errorf("plain Compile: IR %v, plan %v, integer %v", r.IR != nil, r.Plan != nil, r.Integer != nil)
	}

	// Stop: Checked ends after the check stage
	r, _ = snnc.Compile(cuba, snnc.Options{Stop: snnc.Checked, Plan: true})
	if r.Checked == nil || r.IR != nil || r.Plan != nil {
		t.Errorf("Stop: Checked: checked %v, IR %v, plan %v", r.Checked != nil, r.IR != nil, r.Plan != nil)
	}

	// an error in the source: sources for the caret, no IR
	src := []byte("network N {\n    population P = Nope[3]\n}\nrun N for 1 ms\n")
	r, diags = snnc.Compile("m.snn", snnc.Options{Source: src, Plan: true})
	if !diags.HasErrors() || r.IR != nil || r.Plan != nil || string(r.Sources["m.snn"]) != string(src) {
		t.Errorf("bad model: errors %v, IR %v, plan %v, sources %q", diags.HasErrors(), r.IR != nil, r.Plan != nil, r.Sources["m.snn"])
	}

	// a quantize-stage error (a profile that does not exist) is a
	// diagnostic too, with the IR withheld
	r, diags = snnc.Compile(cuba, snnc.Options{Passes: passes.Options{Target: "tpu"}})
	if r.IR != nil || !strings.Contains(diags.Error(), `--target: unknown profile "tpu"`) {
		t.Errorf("unknown profile: IR %v, diagnostics %v", r.IR != nil, diags)
	}
}
