package units

import (
	"runtime"
	"strings"
	"testing"
)

// TestSuggestLongNameCheap: a very long unknown name costs a few bytes a
// character, not a distance table per candidate unit (a 100 KB name in a
// model took seconds to report).
func TestSuggestLongNameCheap(t *testing.T) {
	const n = 20_000
	name := strings.Repeat("a", n)
	if s := Suggest(name); s != "" {
		t.Fatalf("Suggest(long name) = %q, want nothing", s)
	}
	bytes := allocBytes(func() { Suggest(name) })
	if b := float64(bytes) / n; b > 100 {
		t.Errorf("Suggest of a %d-character name allocated %d B (%.0f per character), want at most 100", n, bytes, b)
	}
	if s := Suggest("msecs"); s != "ms" {
		t.Errorf("Suggest(msecs) = %q, want ms", s)
	}
	if s := Suggest("mVV"); s != "mV" {
		t.Errorf("Suggest(mVV) = %q, want mV", s)
	}
}

func allocBytes(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}
