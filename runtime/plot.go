package rt

import "errors"

// PlotRaster and PlotTraces draw the PNG plots WriteRun writes with plot.
// They are nil unless package runtime/plots is linked (its init sets them):
// gonum/plot is most of a small program's size, so programs built by snnc
// build carry it only when asked to (snnc build --plot).
var (
	PlotRaster func(path string, mons []*SpikeMonitor, duration float64) error
	PlotTraces func(path string, mons []*StateMonitor) error
)

// ErrNoPlot is the refusal of plots in a program built without them.
var ErrNoPlot = errors.New("this program was built without plotting (to keep it small): rebuild it with `snnc build --plot` to use --plot")

// CanPlot reports whether the plots are linked into this program.
func CanPlot() bool { return PlotRaster != nil && PlotTraces != nil }
