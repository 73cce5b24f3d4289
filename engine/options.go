// Package engine holds what every executor of a network shares and no
// backend owns: the run options, the run loop, the recorded result and its
// outputs. The float interpreter (backends/gosim), the bit-accurate
// fixed-point simulator (backends/fixed) and every program snnc build
// generates use it, so it imports nothing runtime does not: no compiler
// package (ir, plan) and no plotting (runtime/plots, which snnc and programs
// built with --plot link themselves).
package engine

import (
	"io"

	"github.com/snnc/snnc/runtime"
)

// Options control a run.
type Options struct {
	Duration  float64 // 0: the run's duration
	Seed      *uint64 // nil: the network's seed
	Threads   int
	BaseDir   string // directory the model's relative file names are read from
	Progress  io.Writer
	Interrupt <-chan struct{} // closed to stop early; what was recorded is kept
	Started   func()          // if set, called once the network is built, before the first step
	// StreamSpikes leaves the spike monitors' times unflushed (T nil until
	// SpikeMonitor.Flush): for a caller that only writes them with
	// Result.Write, which streams them, so they are never all in memory.
	StreamSpikes bool
	// MemLimit is the memory the run may take (estimated by package
	// estimate); 0 bytes: rt.MemoryLimit.
	MemLimit rt.MemLimit
	// Comm splits the run over ranks (runtime/mpi.World under mpirun);
	// nil: one process. Every rank gets the whole result.
	Comm rt.Comm
}

// Result is what a run recorded.
type Result struct {
	Spikes      []*rt.SpikeMonitor
	States      []*rt.StateMonitor
	Weights     []*rt.WeightMonitor
	Summary     *rt.Summary
	Interrupted bool
}

// Write saves the recordings (.npy and CSV), the summary (summary.json) and,
// with plot, a raster and a trace PNG into dir; it returns the files written
// (by this run only: see rt.WriteRun).
func (r *Result) Write(dir string, plot bool) ([]string, error) {
	return rt.WriteRun(dir, r.Spikes, r.States, r.Weights, plot, r.Summary)
}
