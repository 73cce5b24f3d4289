package rt

import (
	"runtime/debug"
	"testing"
)

func TestLeanHeap(t *testing.T) {
	old := debug.SetGCPercent(100)
	defer debug.SetGCPercent(old)

	t.Setenv("GOGC", "")
	restore := LeanHeap()
	if got := debug.SetGCPercent(10); got != 10 {
		t.Errorf("GOGC during the run = %d, want 10", got)
	}
	restore()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("after restore GOGC = %d, want 100", got)
	}

	// the user's GOGC wins
	t.Setenv("GOGC", "50")
	debug.SetGCPercent(50)
	restore = LeanHeap()
	if got := debug.SetGCPercent(50); got != 50 {
		t.Errorf("with GOGC=50 set, GOGC during the run = %d, want 50", got)
	}
	restore()
}
