package main

import "testing"

// TestBackendTable: every backend runs or builds (not both), names are
// unique, and run and build choose from the table: run's backend needs
// the integer IR exactly when a profile is given, and every build backend
// is a --target.
func TestBackendTable(t *testing.T) {
	seen := map[string]bool{}
	for _, b := range backends {
		if (b.run == nil) == (b.build == nil) {
			t.Errorf("backend %s: want exactly one of run and build", b.name)
		}
		if seen[b.name] {
			t.Errorf("backend %s listed twice", b.name)
		}
		seen[b.name] = true
		if b.build != nil {
			if got, err := buildBackend(b.name); err != nil || got != b {
				t.Errorf("--target %s: %v, %v", b.name, got, err)
			}
		}
	}
	if b := runBackend(""); b == nil || b.run == nil || b.integer {
		t.Errorf("run without a profile: %+v", b)
	}
	if b := runBackend("q16"); b == nil || b.run == nil || !b.integer {
		t.Errorf("run --profile q16: %+v", b)
	}
	if _, err := buildBackend("float"); err == nil {
		t.Error("build --target float: a run backend accepted as a build target")
	}
}
