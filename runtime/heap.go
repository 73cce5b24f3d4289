package rt

import (
	"os"
	"runtime/debug"
)

// LeanHeap is called once the network is built, before the simulation
// loop: the collector runs when the heap has grown by a tenth (GOGC=10)
// instead of doubled, and the set-up's garbage (parsing, compilation,
// connectivity scratch) is returned to the OS. The loop allocates little
// (spike records), so collections stay rare, and the peak RSS falls by the
// heap's slack (CUBA at N = 40000: BENCHMARKS.md, "Compact stored rows and
// delivery"). A GOGC set by the user is kept. restore puts the previous
// setting back.
func LeanHeap() (restore func()) {
	debug.FreeOSMemory()
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	old := debug.SetGCPercent(10)
	return func() { debug.SetGCPercent(old) }
}
