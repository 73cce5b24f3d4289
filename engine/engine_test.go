package engine_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestEngineImportsOnlyRuntime: every built program links the engine, so it
// must not bring the compiler (ir, plan) or gonum/plot with it: it depends
// on nothing runtime does not already.
func TestEngineImportsOnlyRuntime(t *testing.T) {
	deps := func(pkg string) []string {
		out, err := exec.Command("go", "list", "-deps", pkg).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", pkg, err)
		}
		return strings.Fields(string(out))
	}
	ok := map[string]bool{"github.com/snnc/snnc/engine": true}
	for _, d := range deps("github.com/snnc/snnc/runtime") {
		ok[d] = true
	}
	for _, d := range deps("github.com/snnc/snnc/engine") {
		if !ok[d] {
			t.Errorf("engine depends on %s, which runtime does not", d)
		}
		if strings.Contains(d, "gonum.org/v1/plot") || strings.HasSuffix(d, "/runtime/plots") {
			t.Errorf("engine links plotting: %s", d)
		}
	}
}
