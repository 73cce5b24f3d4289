package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/backends/fixed"
	"github.com/snnc/snnc/backends/gosim"
	"github.com/snnc/snnc/lang"
	"github.com/snnc/snnc/passes"
	"github.com/snnc/snnc/runtime"
)

func newRun(stdout, stderr io.Writer) *cobra.Command {
	var (
		out      string
		duration string
		seed     int64
		threads  int
		plot     bool
		quiet    bool
		debug    []string
		opt      snnc.Options
		target   string
		memLimit runtime.MemLimit
	)
	cmd := &cobra.Command{
		Use:   "run FILE",
		Short: "Simulate a model with the built-in Go runtime",
		Long: `Run checks and compiles a model, simulates its network with the interpreter,
and writes what it records: spikes and state as .npy (numpy) and CSV, a
summary.json (neurons, synapses, spikes and rates per population, wall time,
connectivity bytes) and, with --plot, raster.png and traces.png.

Examples:
  snnc run examples/cuba.snn
  snnc run examples/cuba.snn --out /tmp/cuba --plot
  snnc run examples/cuba.snn --duration 200ms --seed 7
  snnc run examples/coba.snn -d dce=off
  snnc run examples/cuba.snn --target q16    bit-accurate fixed point, error vs float64`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := args[0]
			if target != "" { // in the CLI's error format, not as a diagnostic without position
				if _, err := fixed.LoadProfile(target); err != nil {
					return fmt.Errorf("--target: %w", err)
				}
			}
			opt.Passes.Target = target
			if err := passes.ParseDebug(debug, &opt.Passes); err != nil {
				return err
			}
			p, src, diags := snnc.Compile(path, opt)
			printDiags(stderr, &lang.Program{Sources: src}, dropNotes(diags))
			if p == nil {
				return errSilent{}
			}
			threads = clampThreads(stderr, threads)
			o := gosim.Options{Threads: threads, BaseDir: filepath.Dir(path), MemLimit: memLimit.Bytes, MemLimitName: memLimit.Source}
			if duration != "" {
				d, err := runtime.ParseDuration(duration)
				if err != nil {
					return err
				}
				if err := runtime.CheckSteps(duration, d, p.Schedule.Dt); err != nil {
					return err
				}
				o.Duration = d
			}
			if cmd.Flags().Changed("seed") {
				if seed < 0 {
					return fmt.Errorf("--seed must not be negative")
				}
				s := uint64(seed)
				o.Seed = &s
			}
			warnRun(stderr, p, o.Duration, memLimit)
			if f, ok := stderr.(*os.File); ok && isatty.IsTerminal(f.Fd()) && !quiet {
				o.Progress = stderr
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
			defer stop()
			o.Interrupt = ctx.Done()
			var fx *fixed.Result
			var res *gosim.Result
			var runErr error
			if target != "" {
				if fx, runErr = fixed.RunTarget(p, target, o); fx != nil {
					res = fx.Result
				}
			} else {
				o.StreamSpikes = true // only written below: times streamed, not held twice
				res, runErr = gosim.Run(p, o)
			}
			if res == nil {
				return runErr
			}
			if out == "" {
				out = p.Schedule.Out
			}
			if out == "" {
				out = strings.TrimSuffix(filepath.Base(path), ".snn") + "_out"
			}
			if !filepath.IsAbs(out) && p.Schedule.Out != "" && !cmd.Flags().Changed("out") {
				out = filepath.Join(filepath.Dir(path), out)
			}
			files, err := res.Write(out, plot)
			if err == nil && fx != nil {
				var more []string
				more, err = fx.Finish(out)
				files = append(files, more...)
			}
			if err != nil {
				return fmt.Errorf("writing outputs to %s: %w", out, err)
			}
			if !quiet {
				res.Summary.Text(stdout)
				if fx != nil && fx.Report != nil {
					fx.Report.Text(stdout)
				}
				fmt.Fprintf(stdout, "wrote %d files to %s\n", len(files), out)
			}
			if runErr != nil {
				return fmt.Errorf("%v (what was recorded up to then is in %s)", runErr, out)
			}
			if res.Interrupted {
				return fmt.Errorf("interrupted at t = %.1f ms; what was recorded so far is in %s", res.Summary.Duration*1e3, out)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&out, "out", "o", "", "output directory (default: the run's out setting, else MODEL_out)")
	f.StringVar(&duration, "duration", "", "simulated time, e.g. 500ms or 2s (default: the run's)")
	f.Int64Var(&seed, "seed", 0, "random seed (default: the network's seed)")
	threadsVar(cmd, &threads)
	memLimitVar(cmd, &memLimit)
	f.BoolVar(&plot, "plot", false, "also write raster.png and traces.png")
	f.BoolVarP(&quiet, "quiet", "q", false, "print nothing but errors")
	f.StringArrayVarP(&debug, "debug", "d", nil, "pass switches: PASS=off, PASS=on, PASS=dump")
	f.StringArrayVar(&opt.Set, "set", nil, "override a parameter or initial value: NAME.PARAM=VALUE, NAME a population or named projection (repeatable)")
	pruneVar(cmd, &opt.Passes.PruneBelow)
	f.StringVar(&target, "target", "", "run bit-accurate in fixed point for a profile (q16, loihi, xylo or a JSON file) and report the error against float64")
	return cmd
}
