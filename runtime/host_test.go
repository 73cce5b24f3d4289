package rt

import (
	"runtime/debug"
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

// TestMemoryLimit: the machine's limit is read (MemAvailable at least, on
// Linux), and a set GOMEMLIMIT lowers it.
func TestMemoryLimit(t *testing.T) {
	if l := MemoryLimit(); l.Bytes < 1<<20 || l.Source == "" {
		t.Errorf("limit %d bytes from %q: misread", l.Bytes, l.Source)
	}
	old := debug.SetMemoryLimit(300 << 20)
	defer debug.SetMemoryLimit(old)
	if l := MemoryLimit(); l.Bytes > 300<<20 {
		t.Errorf("limit %d bytes from %q with GOMEMLIMIT at 300 MiB", l.Bytes, l.Source)
	}
}

// TestCheckMemoryNamesTheBiggestItems: the refusal gives the total, the
// limit with its source, and the three biggest items largest first.
func TestCheckMemoryNamesTheBiggestItems(t *testing.T) {
	items := []MemItem{{Name: "a", Fixed: 1 << 20}, {Name: "rec", Fixed: 0, PerSample: 1 << 10, Every: 2}, {Name: "b", Fixed: 3 << 20}, {Name: "c", Fixed: 2 << 10}}
	if got := MemTotal(items, 10); got != 4<<20+7<<10 {
		t.Errorf("total %g", got)
	}
	if err := CheckMemory(items, 10, MemLimit{Bytes: 5 << 20, Source: "x"}); err != nil {
		t.Errorf("under the limit: %v", err)
	}
	err := CheckMemory(items, 10, MemLimit{Bytes: 1 << 20, Source: "--mem-limit 1MiB"})
	want := "the run needs about 4.0 MiB but --mem-limit 1MiB allows 1.0 MiB; the biggest items: b: 3.0 MiB; a: 1.0 MiB; rec: 5.0 KiB."
	if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "--mem-limit none") {
		t.Errorf("got %v\nwant %s", err, want)
	}
	for in, want := range map[string]int64{"512MB": 512e6, "2GiB": 2 << 30, "1e9": 1e9, "64 kB": 64e3} {
		if l, err := ParseMemLimit(in); err != nil || l.Bytes != want {
			t.Errorf("ParseMemLimit(%q) = %v, %v; want %d", in, l, err, want)
		}
	}
	for _, in := range []string{"", "-1GB", "NaNMB", "4XB", "0"} {
		if _, err := ParseMemLimit(in); err == nil {
			t.Errorf("ParseMemLimit(%q) accepted", in)
		}
	}
}

// TestStepBounds: a --duration of more than 2^53 steps is refused (2^63
// used to wrap to a negative count and simulate nothing), and more than
// 10^9 steps warned.
func TestStepBounds(t *testing.T) {
	if err := CheckSteps("1e20s", 1e20, 1e-4); err == nil || !strings.Contains(err.Error(), "more than 2^53") {
		t.Errorf("1e20 s: %v", err)
	}
	if err := CheckSteps("1e5s", 1e5, 1e-4); err != nil {
		t.Errorf("1e9 steps: %v", err)
	}
	if w := StepsWarning(1e9+1, 1e-4); !strings.Contains(w, "1e+09 steps of dt = 0.1 ms: it will take very long") {
		t.Errorf("warning %q", w)
	}
	if w := StepsWarning(1e9, 1e-4); w != "" {
		t.Errorf("warning at 1e9 steps: %q", w)
	}
}

// TestSpikeWarning: 4 bytes a spike at SpikeRate; a warning past half the
// limit, none below.
func TestSpikeWarning(t *testing.T) {
	if b := SpikeBytes(1000, 10000, 1e-4); b != 4*1000*SpikeRate*1 {
		t.Errorf("SpikeBytes = %g", b)
	}
	lim := MemLimit{Bytes: 80000, Source: "x"}
	if w := SpikeWarning(1000, 10000, 1e-4, lim); w != "" {
		t.Errorf("40 kB of 80 kB: %q", w)
	}
	if w := SpikeWarning(1001, 10000, 1e-4, lim); !strings.Contains(w, "the spike recordings (1001 neurons) would hold 39.1 KiB if they fired at 10 Hz") {
		t.Errorf("warning %q", w)
	}
}
