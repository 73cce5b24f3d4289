package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/backends/fixed"
	"github.com/snnc/snnc/backends/gosim"
	"github.com/snnc/snnc/engine"
	"github.com/snnc/snnc/ir/iir"
)

// A backend is one way to execute or emit a model that snnc.Compile has
// compiled. The flags choose one the same way in every command:
//
//	--profile P   the arithmetic: float64 when absent, else the fixed-point
//	              profile P (q16, loihi, xylo or a JSON file), for which
//	              Compile also runs the quantize stage (run, ir, build)
//	--target T    what snnc build makes: go (an executable) or verilog
//
// snnc run executes the model: with the float backend, or with --profile
// the fixed one. snnc build makes what --target names.
type backend struct {
	name  string
	about string // for help
	// integer: the backend executes the integer IR of a fixed-point profile
	// (snnc.Result.Integer); its commands ask Compile for the quantize stage.
	integer bool
	run     func(r *snnc.Result, o engine.Options) (*engine.Result, *fixed.Result, error) // snnc run
	build   func(j buildJob) error                                                        // snnc build
}

// backends lists every backend; runBackend and buildBackend choose from it.
var backends = []*backend{
	{name: "float", about: "the float64 interpreter", run: runFloat},                  // backends/gosim
	{name: "fixed", about: "bit-accurate fixed point", integer: true, run: runFixed},  // backends/fixed
	{name: "go", about: "an executable", build: buildGo},                              // backends/gocode
	{name: "verilog", about: "a hardware design", integer: true, build: buildVerilog}, // backends/verilog
}

// runBackend is the backend snnc run executes a model with: float64, or
// with a fixed-point profile the fixed backend.
func runBackend(profile string) *backend {
	if profile != "" {
		return lookupBackend("fixed")
	}
	return lookupBackend("float")
}

// buildBackend is the backend of snnc build --target NAME.
func buildBackend(name string) (*backend, error) {
	if b := lookupBackend(name); b != nil && b.build != nil {
		return b, nil
	}
	return nil, usagef("unknown --target %q: want %s", name, buildTargets(false))
}

// buildTargets lists the names of snnc build --target, or with about their
// descriptions too: "go (an executable) or verilog (a hardware design)".
func buildTargets(about bool) string {
	var names []string
	for _, b := range backends {
		if b.build != nil && about {
			names = append(names, b.name+" ("+b.about+")")
		} else if b.build != nil {
			names = append(names, b.name)
		}
	}
	return strings.Join(names, " or ")
}

func lookupBackend(name string) *backend {
	for _, b := range backends {
		if b.name == name {
			return b
		}
	}
	return nil
}

// runFloat runs the optimised IR with the interpreter.
func runFloat(r *snnc.Result, o engine.Options) (*engine.Result, *fixed.Result, error) {
	o.StreamSpikes = true // only written by the caller: times streamed, not held twice
	res, err := gosim.RunPlan(r.IR, r.Plan, o)
	if res == nil {
		return nil, nil, err
	}
	return &res.Result, nil, err
}

// runFixed runs the integer IR bit-accurately, then the float64
// interpreter for the same duration, and reports the quantization error
// between the two.
func runFixed(r *snnc.Result, o engine.Options) (*engine.Result, *fixed.Result, error) {
	res, err := fixed.Run(r.IR, r.Integer, o)
	if res == nil {
		return nil, nil, err
	}
	if err != nil || res.Interrupted {
		return res.Result, res, err
	}
	fo := o
	fo.Progress = nil
	fo.Duration = res.Summary.Duration
	fres, err := gosim.RunPlan(r.IR, r.Plan, fo)
	if err != nil {
		return res.Result, res, fmt.Errorf("the float64 run to compare with: %w", err)
	}
	res.Compare(&fres.Result)
	return res.Result, res, nil
}

// buildJob is what snnc build hands its backend: the model, its compiled
// form and the command's flags.
type buildJob struct {
	path           string
	r              *snnc.Result
	out            string // -o ("" = the backend's default)
	emit           string // --emit (go)
	plot           bool   // --plot (go): link the plots into the executable
	mpi            bool   // --mpi (go): build with MPI (runs split over ranks under mpirun)
	quiet          bool
	vf             verilogFlags
	start          time.Time
	stdout, stderr io.Writer
}

// profileFlag is --profile on run and ir, with --target, its old spelling
// there, kept working with a deprecation warning (--target now names what
// snnc build makes).
type profileFlag struct{ profile, old string }

func profileVar(cmd *cobra.Command, pf *profileFlag, usage string) {
	cmd.Flags().StringVar(&pf.profile, "profile", "", usage)
	cmd.Flags().StringVar(&pf.old, "target", "", "deprecated: use --profile")
	_ = cmd.Flags().MarkHidden("target")
}

// get returns the profile asked for ("" = float64), loaded once to check
// it: an unknown one is a usage error naming the flag as typed.
func (pf profileFlag) get(cmd *cobra.Command, stderr io.Writer) (string, error) {
	name, flag := pf.profile, "--profile"
	if cmd.Flags().Changed("target") {
		if cmd.Flags().Changed("profile") {
			return "", usagef("--target is the old spelling of --profile: give only --profile")
		}
		name, flag = pf.old, "--target"
		fmt.Fprintf(stderr, "snnc: warning: %s --target is deprecated: use --profile %s\n", cmd.Name(), name)
	}
	return name, loadProfile(flag, name)
}

// loadProfile checks a profile named by flag ("" = none) before compiling,
// so that a bad one is reported in the CLI's error format.
func loadProfile(flag, name string) error {
	if name == "" {
		return nil
	}
	if _, err := iir.LoadProfile(name); err != nil {
		return usagef("%s: %w", flag, err)
	}
	return nil
}
