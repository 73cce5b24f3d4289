package main

import (
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/estimate"
	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/lang"
	"github.com/snnc/snnc/runtime"
)

// clampThreads lowers --threads to the cores this process may use, with a
// warning on stderr (rt.UsableThreads).
func clampThreads(stderr io.Writer, n int) int {
	n, warn := rt.UsableThreads(n)
	if warn != "" {
		fmt.Fprintf(stderr, "snnc: warning: %s\n", warn)
	}
	return n
}

// threadsVar defines --threads (default 1; 0 and negative counts refused
// while the flags are read).
func threadsVar(cmd *cobra.Command, n *int) {
	*n = 1
	cmd.Flags().Var(rt.ThreadsFlag{N: n}, "threads", "worker goroutines (at most the usable cores)")
}

// pruneFlag is --prune-weights: a finite threshold, not negative (NaN would
// compare false with every weight and prune nothing, silently).
type pruneFlag struct{ v *float64 }

func (f pruneFlag) String() string { return strconv.FormatFloat(*f.v, 'g', -1, 64) }
func (pruneFlag) Type() string     { return "float" }

func (f pruneFlag) Set(s string) error {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return fmt.Errorf("want a finite weight magnitude (SI units), at least 0")
	}
	*f.v = v
	return nil
}

// pruneVar defines --prune-weights.
func pruneVar(cmd *cobra.Command, v *float64) {
	cmd.Flags().Var(pruneFlag{v}, "prune-weights", "drop static synapses whose |weight| (SI units) is below this")
}

// memLimitFlag is --mem-limit: a size (512MB, 4GB) or none; empty: the
// machine's limit (rt.MemoryLimit).
type memLimitFlag struct{ lim *rt.MemLimit }

func (f memLimitFlag) String() string {
	if f.lim == nil || f.lim.Bytes == 0 {
		return ""
	}
	return f.lim.Source
}
func (memLimitFlag) Type() string { return "size" }

func (f memLimitFlag) Set(s string) error {
	l, err := rt.ParseMemLimit(s)
	if err != nil {
		return fmt.Errorf("want a size such as 512MB or 4GB, or none")
	}
	*f.lim = l
	return nil
}

// memLimitVar defines --mem-limit.
func memLimitVar(cmd *cobra.Command, lim *rt.MemLimit) {
	cmd.Flags().Var(memLimitFlag{lim}, "mem-limit", "memory the run may take, e.g. 4GB, or none (default: what the machine, cgroup and ulimit -v allow)")
}

// warnRun warns on stderr about a --duration d of very many steps (the
// checker warns about the run's own duration) and about spike recordings
// that may not fit.
func warnRun(stderr io.Writer, p *ir.Program, d float64, lim rt.MemLimit) {
	steps := estimate.Steps(p, d)
	if d > 0 {
		if w := rt.StepsWarning(steps, p.Schedule.Dt); w != "" {
			fmt.Fprintf(stderr, "snnc: warning: %s\n", w)
		}
	}
	if w := rt.SpikeWarning(estimate.SpikeNeurons(p), steps, p.Schedule.Dt, lim); w != "" {
		fmt.Fprintf(stderr, "snnc: warning: %s\n", w)
	}
}

// printEstimate compiles each model and prints its memory estimate (package
// estimate) against the limit; --estimate of snnc check.
func printEstimate(stdout, stderr io.Writer, paths []string, lim rt.MemLimit) error {
	if lim.Bytes == 0 {
		lim = rt.MemoryLimit()
	}
	failed := false
	for _, path := range paths {
		r, diags := snnc.Compile(path, snnc.Options{})
		printDiags(stderr, &lang.Program{Sources: r.Sources}, dropNotes(diags))
		p := r.IR
		if p == nil {
			failed = true
			continue
		}
		steps := estimate.Steps(p, 0)
		fmt.Fprintf(stdout, "%s: memory estimate (network %s, %d steps)\n", path, p.Network, steps)
		items := estimate.Memory(p)
		rt.MemTable(stdout, items, steps, lim)
		if n := estimate.SpikeNeurons(p); n > 0 {
			fmt.Fprintf(stdout, "spike recordings (%d neurons, not in the total): %s at %g Hz\n", n, rt.FormatBytes(rt.SpikeBytes(n, steps, p.Schedule.Dt)), rt.SpikeRate)
		}
		if err := rt.CheckMemory(items, steps, lim); err != nil {
			fmt.Fprintf(stderr, "snnc: error: %s: %v\n", path, err)
			failed = true
		}
	}
	if failed {
		return errSilent{}
	}
	return nil
}
