package gosim

import (
	"github.com/snnc/snnc/runtime"
)

// Write saves the recordings (.npy and CSV), the summary (summary.json) and,
// with plot, a raster and a trace PNG into dir; it returns the files written
// (by this run only: see runtime.WriteRun).
func (r *Result) Write(dir string, plot bool) ([]string, error) {
	return runtime.WriteRun(dir, r.Spikes, r.States, r.Weights, plot, r.Summary)
}
