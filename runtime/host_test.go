package runtime

import (
	"strings"
	"testing"
)

func TestParseDuration(t *testing.T) {
	for in, want := range map[string]float64{"500ms": 0.5, "2s": 2, "1.5 s": 1.5, " 100 ms ": 0.1, "250us": 250e-6, "2min": 120} {
		if got, err := ParseDuration(in); err != nil || got != want {
			t.Errorf("ParseDuration(%q) = %g, %v; want %g", in, got, err, want)
		}
	}
	for _, in := range []string{"", "5", "-1s", "0ms", "1h", "ms", "1.5.2s", "1e999s", "NaNs"} {
		if _, err := ParseDuration(in); err == nil || !strings.Contains(err.Error(), "expected a positive time") {
			t.Errorf("ParseDuration(%q): %v, want an error", in, err)
		}
	}
}

func TestMemoryBudget(t *testing.T) {
	if b := MemoryBudget(); b < 1<<20 {
		t.Errorf("budget %d bytes: /proc/meminfo misread", b)
	}
}
