package gosim

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/snnc/snnc/runtime"
)

// Write saves the recordings (.npy and CSV), the summary (summary.json) and,
// with plot, a raster and a trace PNG into dir; it returns the files written.
func (r *Result) Write(dir string, plot bool) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	for _, m := range r.Spikes {
		if err := runtime.WriteSpikes(dir, m); err != nil {
			return nil, err
		}
	}
	for _, m := range r.States {
		if err := runtime.WriteState(dir, m); err != nil {
			return nil, err
		}
	}
	for _, m := range r.Weights {
		if err := runtime.WriteWeights(dir, m); err != nil {
			return nil, err
		}
	}
	if plot {
		if len(r.Spikes) > 0 {
			if err := runtime.PlotRaster(filepath.Join(dir, "raster.png"), r.Spikes, r.Summary.Duration); err != nil {
				return nil, fmt.Errorf("raster plot: %w", err)
			}
		}
		if len(r.States) > 0 {
			if err := runtime.PlotTraces(filepath.Join(dir, "traces.png"), r.States); err != nil {
				return nil, fmt.Errorf("trace plot: %w", err)
			}
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var files []string
	for _, e := range entries {
		if e.Name() != "summary.json" {
			files = append(files, e.Name())
		}
	}
	r.Summary.Outputs = files
	if err := runtime.WriteSummary(dir, r.Summary); err != nil {
		return nil, err
	}
	return append(files, "summary.json"), nil
}
