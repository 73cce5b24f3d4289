// Package testmodel compiles the models the tests of several packages run
// (the IR with the verifier on after every pass, and its integer lowering),
// so that each test package does not keep its own copy.
package testmodel

import (
	"testing"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/ir/iir"
	"github.com/snnc/snnc/passes"
	"github.com/snnc/snnc/quantize"
)

// Compile returns the optimised IR of the model at path, verified after
// every pass, with the passes named in off switched off; it fails t with
// the diagnostics otherwise.
func Compile(t testing.TB, path string, off ...string) *ir.Program {
	t.Helper()
	o := snnc.Options{Passes: passes.Options{Off: map[string]bool{}, Verify: true}}
	for _, p := range off {
		o.Passes.Off[p] = true
	}
	p, _, diags := snnc.CompileIR(path, o)
	if p == nil {
		t.Fatalf("%s: %v", path, diags)
	}
	return p
}

// Lower lowers p to the integer IR of the fixed-point profile target.
func Lower(t testing.TB, p *ir.Program, target string) *iir.Program {
	t.Helper()
	prof, err := iir.LoadProfile(target)
	if err != nil {
		t.Fatal(err)
	}
	q, diags := quantize.Lower(p, prof)
	if q == nil {
		t.Fatalf("lowering for %s: %v", target, diags)
	}
	return q
}
