// This file is the driver of every program snnc build generates: the
// command line (the flags of snnc run), Ctrl-C, the outputs, and the small
// helpers the model code calls. The run loop is snnc run's own
// (engine.Loop), which steps the model code through machine.
// backends/gocode embeds it and writes it unchanged next to the generated
// model code (main.go) as driver.go. In snnc's source (backends/gocode/
// driver), model.go stands in for that code, so that this file compiles,
// is vetted and tested with snnc.
//
// What the model code provides: the constants dt, runDuration (s),
// networkSeed, networkName, runOut, modelOut, modelFile, baseDir, msScale
// (the SI scale of ms) and spikeNeurons; the variables networkFiles,
// memItems and runSets (what --set may change); newSim; and the type sim with the fields n, t, steps, seed,
// threads and the methods of model.

package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/snnc/snnc/engine"
	rt "github.com/snnc/snnc/runtime"
)

// model is what the driver calls of the network's state (sim, generated).
type model interface {
	step() error // one time step at s.n, s.t
	finish()     // after the last step
	recordings() (spikes []*rt.SpikeMonitor, states []*rt.StateMonitor, weights []*rt.WeightMonitor)
	summary(wall float64) *rt.Summary
}

var _ model = (*sim)(nil)

// ---- the command line: the flags of snnc run ----

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) (code int) {
	prog := filepath.Base(os.Args[0])
	fs := flag.NewFlagSet(prog, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		out, duration string
		memFlag       string
		seed          int64
		threads       int
		plot, quiet   bool
		sets          []string
	)
	fs.StringVar(&out, "out", "", "output directory (default: the run's out setting, else MODEL_out)")
	fs.StringVar(&out, "o", "", "shorthand for --out")
	fs.StringVar(&duration, "duration", "", "simulated time, e.g. 500ms or 2s (default: the run's)")
	fs.Int64Var(&seed, "seed", 0, "random seed (default: the network's seed)")
	threads = 1
	fs.Var(rt.ThreadsFlag{N: &threads}, "threads", "worker goroutines (at most the usable cores)")
	fs.StringVar(&memFlag, "mem-limit", "", "memory the run may take, e.g. 4GB, or none (default: what the machine, cgroup and ulimit allow)")
	plotUsage := "also write raster.png and traces.png"
	if !rt.CanPlot() {
		plotUsage += " (needs a program built with snnc build --plot)"
	}
	fs.BoolVar(&plot, "plot", false, plotUsage)
	fs.BoolVar(&quiet, "quiet", false, "print nothing but errors")
	fs.BoolVar(&quiet, "q", false, "shorthand for --quiet")
	fs.Var(rt.SetFlag{List: &sets}, "set", "NAME.PARAM=VALUE: change a value at run time (repeatable; the values this program takes are listed below)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "%s simulates network %s (built by snnc build) and writes what it records:\n", prog, networkName)
		fmt.Fprintf(stderr, "spikes and state as .npy and CSV, summary.json and, with --plot, PNG plots.\n\nUsage: %s [flags]\n\nFlags:\n", prog)
		fs.PrintDefaults()
		fmt.Fprintf(stderr, "\nValues --set takes at run time (with the model's values):\n%s", rt.Usage(runSets))
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	jb := &job{size: 1} // under mpirun: the ranks of the job (ranks.go)
	fail := func(err error) int {
		if msg := jb.message(err); msg != "" {
			fmt.Fprintf(stderr, "%s: error: %s\n", prog, msg)
		}
		return 1
	}
	if fs.NArg() > 0 {
		return fail(fmt.Errorf("unexpected argument %q: the model is built into this program (flags: --out, --duration, --seed, --threads, --mem-limit, --plot, --set, -q)", fs.Arg(0)))
	}
	if plot && !rt.CanPlot() {
		return fail(rt.ErrNoPlot) // before the run, not after it
	}
	jb, err := startJob() // not K unconnected copies writing one --out
	defer func() { code = jb.end(code) }()
	if err != nil {
		return fail(err)
	}
	// rank 0 prints and writes; the others only report their own errors
	stdout, warnTo := jb.rank0(stdout), jb.rank0(stderr)
	quiet = quiet || jb.rank != 0
	if err := rt.ApplySets(runSets, sets); err != nil {
		return fail(err)
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	dur := runDuration
	if duration != "" {
		d, err := rt.ParseDuration(duration)
		if err != nil {
			return fail(err)
		}
		if err := rt.CheckSteps(duration, d, dt); err != nil {
			return fail(err)
		}
		dur = d
	}
	sd := uint64(networkSeed)
	if set["seed"] {
		if seed < 0 {
			return fail(fmt.Errorf("--seed must not be negative"))
		}
		sd = uint64(seed)
	}
	if out == "" {
		out = runOut // relative to the working directory, as the user's --out
	}
	if out == "" {
		out = modelOut
	}
	sig := rt.CatchSignals(prog, stderr)
	defer sig.Stop()
	// the output directory is locked and known writable before the run
	var od *rt.Out
	if jb.rank == 0 {
		od, err = sig.OpenOut(out)
	}
	if err := jb.agree(err); err != nil {
		return fail(err)
	}
	if od != nil {
		defer od.Close()
		for _, f := range networkFiles {
			od.Inputs = append(od.Inputs, inputPath(f)) // never written over
		}
	}
	steps := engine.Steps(dur, dt)
	if memFlag != "" {
		l, err := rt.ParseMemLimit(memFlag)
		if err != nil {
			return fail(err)
		}
		memLimit = l
	}
	if warn := rt.StepsWarning(steps, dt); warn != "" {
		fmt.Fprintf(warnTo, "%s: warning: %s\n", prog, warn)
	}
	if warn := rt.SpikeWarning(spikeNeurons, steps, dt, memLimit); warn != "" {
		fmt.Fprintf(warnTo, "%s: warning: %s\n", prog, warn)
	}
	threads, warn := rt.UsableThreads(threads)
	if warn != "" {
		fmt.Fprintf(warnTo, "%s: warning: %s\n", prog, warn)
	}
	s, err := newSim(sd, threads, steps, jb.comm)
	if err := jb.agree(err); err != nil { // before any rank waits at an exchange
		return fail(err)
	}
	sig.Running()
	defer rt.LeanHeap()()
	var progress io.Writer
	if !quiet && rt.IsTerminal(stderr) {
		progress = stderr
	}
	start := time.Now()
	loop := engine.Loop{Steps: s.steps, Dt: dt, Interrupt: sig.Done(), Progress: progress}
	if s.x != nil { // split over ranks: all stop after the step whose exchange carries a request
		loop.Ranks = machine{s}
	}
	n, interrupted, runErr := loop.Run(machine{s})
	s.n = n
	sum := s.summary(time.Since(start).Seconds())
	sum.Model = modelFile
	sum.MarkStopped(interrupted, runErr)
	if od == nil { // a rank other than 0: rank 0 writes the outputs
		if runErr != nil {
			return fail(runErr)
		}
		return 0
	}
	files, err := s.write(od, plot, sum)
	if err != nil {
		return fail(fmt.Errorf("writing outputs to %s: %w", out, err))
	}
	if !quiet {
		sum.Text(stdout)
		fmt.Fprintf(stdout, "wrote %d files to %s\n", len(files), out)
	}
	if runErr != nil {
		return fail(fmt.Errorf("%v (what was recorded up to then is in %s)", runErr, out))
	}
	if interrupted {
		return fail(fmt.Errorf("interrupted (%s) at t = %.1f ms; what was recorded so far is in %s", sig.Name(), sum.Duration*1e3, out))
	}
	return 0
}

// memLimit is the memory the run may take (--mem-limit; 0 bytes: what
// the machine allows).
var memLimit rt.MemLimit

// machine steps the model code for engine.Loop, the run loop snnc run
// shares.
type machine struct{ s *sim }

func (m machine) Step(n int, t float64) error {
	m.s.n, m.s.t = n, t
	return m.s.step()
}

func (m machine) Finish(n int, t float64) {
	m.s.n, m.s.t = n, t
	m.s.finish()
}

// RequestStop and StopAll are engine.Ranks: an interrupted rank asks the
// others at the next exchange, and all stop after it.
func (m machine) RequestStop()  { m.s.stopReq = true }
func (m machine) StopAll() bool { return m.s.stopAll }

// write saves the recordings (.npy and CSV), summary.json and, with plot,
// raster.png and traces.png into od; it returns the files written.
func (s *sim) write(od *rt.Out, plot bool, sum *rt.Summary) ([]string, error) {
	spikes, states, weights := s.recordings()
	return od.WriteRun(spikes, states, weights, plot, sum)
}

// ---- helpers of the model code ----

// team runs the threads (one simulation a process): long-lived workers
// that spin between fork-joins instead of a goroutine per share.
var team *rt.Team

func teamOf(threads int) *rt.Team {
	if team == nil || team.Size() != threads {
		team = rt.NewTeam(threads)
	}
	return team
}

// parallel runs f over [0, n) cut into one range per thread (small
// populations run on the calling goroutine). Every neuron is computed the
// same way whatever the cut.
func parallel(threads, n int, f func(lo, hi int)) {
	if threads <= 1 || n < 4096 {
		f(0, n)
		return
	}
	teamOf(threads).Split(n, func(_, lo, hi int) { f(lo, hi) })
}

// parallelSpikes runs f over [0, n) cut into one range per thread, each
// appending the spikes of its range to its own buffer, and returns dst with
// the buffers appended in order: the spikes in index order, as one thread
// finds them.
func parallelSpikes(threads, n int, dst []int32, parts *[][]int32, f func(lo, hi int, spk []int32) []int32) []int32 {
	if threads <= 1 || n < 4096 {
		return f(0, n, dst)
	}
	if len(*parts) < threads {
		*parts = make([][]int32, threads)
	}
	ps := *parts
	split(threads, n, func(t, lo, hi int) {
		ps[t] = f(lo, hi, ps[t][:0])
	})
	for _, p := range ps {
		dst = append(dst, p...)
	}
	return dst
}

// split runs f(t, lo, hi) for thread t's share [lo, hi) of n items, all
// threads at once (unlike parallel, also for small n; a share may be empty).
func split(threads, n int, f func(t, lo, hi int)) {
	if threads <= 1 || n < 2 {
		f(0, 0, n)
		return
	}
	teamOf(threads).Split(n, f)
}

// partSpikes appends the spikes in [off, off+n) of a loop, as indices of
// the population they belong to.
func partSpikes(dst, all []int32, off, n int) []int32 {
	for _, i := range all {
		if int(i) >= off && int(i) < off+n {
			dst = append(dst, i-int32(off))
		}
	}
	return dst
}

func indexRange(lo, hi int) []int {
	idx := make([]int, hi-lo)
	for k := range idx {
		idx[k] = lo + k
	}
	return idx
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// sel is if c then a else b, for branches without random draws.
func sel(c bool, a, b float64) float64 {
	if c {
		return a
	}
	return b
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// ms prints a time in ms as the interpreter's messages do.
func ms(t float64) string { return strconv.FormatFloat(t/msScale, 'g', 12, 64) + " ms" }

// inputPath resolves an input file name against the model's directory.
func inputPath(name string) string {
	if filepath.IsAbs(name) || baseDir == "" {
		return name
	}
	return filepath.Join(baseDir, name)
}
