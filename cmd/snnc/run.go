package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/snnc/snnc"
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
		pf       profileFlag
		memLimit rt.MemLimit
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
  snnc run examples/cuba.snn --profile q16   bit-accurate fixed point, error vs float64

The arithmetic is float64, or with --profile a fixed-point profile (q16,
loihi, xylo or a JSON file) as in snnc ir and snnc build --target verilog;
--target q16, its old spelling here, still works with a warning.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) (err error) {
			// under mpirun the ranks split the network; rank 0 prints and
			// writes, the others only report their own errors
			jb, err := startJob(stderr)
			if err != nil {
				return err
			}
			defer func() { err = jb.end(err) }()
			stdout, stderr := stdout, stderr
			if jb.rank != 0 {
				stdout, stderr, quiet = io.Discard, io.Discard, true
			}
			path, done, err := nirModel(stderr, args[0], "") // a .nir file is imported first
			if err != nil {
				return err
			}
			defer done()
			profile, err := pf.get(cmd, stderr)
			if err != nil {
				return err
			}
			be := runBackend(profile)
			if be.integer && jb.comm != nil {
				return usagef("--profile runs in one process: run it without mpirun")
			}
			opt.Passes.Target = profile      // Compile quantizes for it
			opt.DataDir = filepath.Dir(path) // where the backend reads data files (BaseDir below)
			if err := passes.ParseDebug(debug, &opt.Passes); err != nil {
				return usage(err)
			}
			r, diags := snnc.Compile(path, opt)
			printDiags(stderr, &lang.Program{Sources: r.Sources}, dropNotes(diags))
			p, src := r.IR, r.Sources
			if p == nil {
				return errSilent{}
			}
			threads = clampThreads(stderr, threads)
			o := gosim.Options{Threads: threads, BaseDir: filepath.Dir(path), MemLimit: memLimit, Comm: jb.comm}
			if duration != "" {
				d, err := rt.ParseDuration(duration)
				if err != nil {
					return usage(err)
				}
				if err := rt.CheckSteps(duration, d, p.Schedule.Dt); err != nil {
					return usage(err)
				}
				o.Duration = d
			}
			if cmd.Flags().Changed("seed") {
				if seed < 0 {
					return usagef("--seed must not be negative")
				}
				s := uint64(seed)
				o.Seed = &s
			}
			warnRun(stderr, p, o.Duration, memLimit)
			if f, ok := stderr.(*os.File); ok && isatty.IsTerminal(f.Fd()) && !quiet {
				o.Progress = stderr
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
			sig := rt.CatchSignals("snnc", stderr)
			defer sig.Stop()
			if jb.rank != 0 { // the others' share of the run; rank 0 writes it all
				if err := jb.agree(nil); err != nil { // rank 0 could not open the outputs
					return err
				}
				o.Interrupt, o.Started = sig.Done(), sig.Running
				_, _, runErr := be.run(r, o)
				return runErr
			}
			// the output directory is locked and known writable before the run
			od, err := sig.OpenOut(out)
			if err := jb.agree(err); err != nil {
				return err
			}
			defer od.Close()
			od.Inputs = modelInputs(path, src, p)
			o.Interrupt, o.Started = sig.Done(), sig.Running
			res, fx, runErr := be.run(r, o)
			if res == nil {
				return runErr
			}
			res.Summary.Model = args[0] // the .nir itself, not its import
			res.Summary.MarkStopped(res.Interrupted, runErr)
			files, err := res.Write(od.Temp, plot)
			if err == nil && fx != nil {
				var more []string
				more, err = fx.Finish(od.Temp)
				files = append(files, more...)
			}
			if err == nil {
				err = od.Commit()
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
				return fmt.Errorf("interrupted (%s) at t = %.1f ms; what was recorded so far is in %s", sig.Name(), res.Summary.Duration*1e3, out)
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
	profileVar(cmd, &pf, "run bit-accurate in fixed point for a profile (q16, loihi, xylo or a JSON file) and report the error against float64")
	return cmd
}
