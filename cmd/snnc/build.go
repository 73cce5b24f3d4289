package main

import (
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/backends/gocode"
	"github.com/snnc/snnc/backends/verilog"
	"github.com/snnc/snnc/lang"
	"github.com/snnc/snnc/passes"
)

func newBuild(stdout, stderr io.Writer) *cobra.Command {
	var (
		out   string
		emit  string
		quiet bool
		debug []string
		opt   snnc.Options
		vf    verilogFlags
		tgt   string
		plot  bool
		mpi   bool
	)
	cmd := &cobra.Command{
		Use:   "build FILE",
		Short: "Compile a model into a standalone executable",
		Long: `Build checks and compiles a model, emits a Go program specialised to it
(constants and propagators inlined, one loop per population, delivery written
for the chosen connectivity storage) and compiles it with the local Go
toolchain. The executable takes the flags of snnc run (--out, --duration,
--seed, --threads, --plot, -q) and writes the same outputs; for the same seed
it gives the same spikes as snnc run. Its --plot needs a build with --plot,
which links the plotting library (a larger executable, a slower first build).

Builds are cached (in the user cache directory, snnc/build) by a hash of the
generated program, the Go toolchain and snnc's runtime: rebuilding an
unchanged model only copies the executable. The generated program compiles
against snnc's source: snnc finds it where it was built from, or set
SNNC_ROOT to the directory holding snnc's go.mod.

On amd64 the population loops whose equations are plain arithmetic also get
SIMD kernels (8 lanes with AVX-512, 4 with AVX2, chosen at run time; built
with GOEXPERIMENT=simd), which compute every neuron with the scalar code's
operations, so the outputs are the same bytes. SNNC_SIMD=off in the
environment of the executable runs the scalar loops.

Examples:
  snnc build examples/cuba.snn -o cuba
  ./cuba --duration 2s --seed 7 --out /tmp/cuba
  snnc build examples/cuba.snn --emit /tmp/cuba-src   write the Go source instead

With --target verilog, build writes a hardware design instead: synthesizable
Verilog-2005 of the model's integer IR for a fixed-point profile (--profile,
default q16), bit-identical to snnc run --profile PROFILE, with memory images,
a testbench and the input spikes of the run (--duration, --seed), into the
directory -o; --synth also runs yosys and reports cells, flip-flops and
memory bits; --fpga DEVICE (ice40-hx8k, ice40-up5k, ice40-hx1k) runs the
iCE40 flow (yosys synth_ice40, nextpnr-ice40 with the pins left to the
placer, icepack), writes the bitstream snn_fpga.bin and reports logic
cells, block RAMs, Fmax and the real-time factor of the testbench's run
(make fpga in the directory runs the same commands).
  snnc build --target verilog examples/cuba.snn -o cuba_hw --duration 100ms
  snnc build --target verilog --synth bench/models/cuba256.snn -o cuba256_hw
  snnc build --target verilog --profile xylo --fpga ice40-up5k examples/hardware/xylo_recurrent.snn -o xylo_hw`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := args[0]
			if strings.HasSuffix(path, ".nir") {
				// the import is kept: an executable reads its weight files when it runs
				keep := strings.TrimSuffix(filepath.Base(path), ".nir") + "_nir"
				if out != "" {
					keep = strings.TrimSuffix(out, string(filepath.Separator)) + "_nir"
				}
				var err error
				if path, _, err = nirModel(stderr, path, keep); err != nil {
					return err
				}
				fmt.Fprintf(stdout, "imported %s into %s\n", args[0], path)
			}
			opt.DataDir = filepath.Dir(path)
			if err := passes.ParseDebug(debug, &opt.Passes); err != nil {
				return usage(err)
			}
			be, err := buildBackend(tgt)
			if err != nil {
				return err
			}
			if plot && be.integer {
				return usagef("--plot is for --target go (the executable's --plot)")
			}
			if mpi && be.integer {
				return usagef("--mpi is for --target go (the executable split over MPI ranks)")
			}
			if be.integer {
				// a bad profile names the flag the user typed, before the
				// quantize stage reports it as a --target diagnostic
				if err := loadProfile("--profile", vf.profile); err != nil {
					return err
				}
				opt.Passes.Target = vf.profile // Compile quantizes for it
			} else if vf.synth || vf.fpga != "" || cmd.Flags().Changed("profile") {
				return usagef("--synth, --fpga and --profile need --target verilog")
			}
			if vf.fpga != "" {
				if _, err := verilog.LookupDevice(vf.fpga); err != nil {
					return usage(err)
				}
			}
			vf.seedSet = cmd.Flags().Changed("seed")
			opt.Plan = !be.integer // the Go program is printed from the execution plan
			j := buildJob{path: path, out: out, emit: emit, plot: plot, mpi: mpi, quiet: quiet, vf: vf, start: time.Now(), stdout: stdout, stderr: stderr}
			r, diags := snnc.Compile(path, opt)
			printDiags(stderr, &lang.Program{Sources: r.Sources}, dropNotes(diags))
			if r.IR == nil {
				return errSilent{}
			}
			j.r = r
			return be.build(j)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&out, "output", "o", "", "executable to write (default: the model's name); with --target verilog, the directory")
	f.StringVar(&tgt, "target", "go", "what to make: "+buildTargets(true))
	f.StringVar(&vf.profile, "profile", "q16", "--target verilog: fixed-point profile (q16, loihi, xylo or a JSON file)")
	f.BoolVar(&vf.synth, "synth", false, "--target verilog: synthesize with yosys and report the resources")
	f.StringVar(&vf.fpga, "fpga", "", "--target verilog: place and route for an iCE40 (ice40-hx8k, ice40-up5k, ice40-hx1k) and write the bitstream")
	f.StringVar(&vf.duration, "duration", "", "--target verilog: steps of the testbench, as simulated time (default: the run's)")
	f.Int64Var(&vf.seed, "seed", 0, "--target verilog: seed of the input spikes and initial values (default: the network's)")
	f.BoolVar(&plot, "plot", false, "link the PNG plots into the executable, for its --plot")
	f.BoolVar(&mpi, "mpi", false, "build with MPI (OpenMPI, cgo): under mpirun -np K the executable splits the network over K ranks")
	f.StringVar(&emit, "emit", "", "write the generated Go source (and go.mod) to this directory instead of building")
	f.BoolVarP(&quiet, "quiet", "q", false, "print nothing but errors")
	f.StringArrayVarP(&debug, "debug", "d", nil, "pass switches: PASS=off, PASS=on, PASS=dump")
	f.StringArrayVar(&opt.Set, "set", nil, "override a parameter or initial value: NAME.PARAM=VALUE, NAME a population or named projection (repeatable)")
	pruneVar(cmd, &opt.Passes.PruneBelow)
	return cmd
}

// buildGo emits the Go program of the model and compiles it, or with
// --emit writes its source.
func buildGo(j buildJob) error {
	path, p, src, out, emit, quiet, stdout, start := j.path, j.r.IR, j.r.Sources, j.out, j.emit, j.quiet, j.stdout, j.start
	base, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		return err
	}
	code, err := gocode.EmitFiles(p, gocode.Options{Model: path, BaseDir: base, Plot: j.plot, Plan: j.r.Plan})
	if err != nil {
		return err
	}
	inputs := modelInputs(path, src, p)
	if emit != "" {
		names := []string{"go.mod", "go.sum"}
		for name := range code {
			names = append(names, name)
		}
		if err := checkEmitDir(emit, names, inputs); err != nil {
			return err
		}
		root, err := gocode.FindRoot()
		if err != nil {
			return err
		}
		if err := os.MkdirAll(emit, 0o755); err != nil {
			return err
		}
		if err := gocode.WriteFiles(emit, code, root); err != nil {
			return err
		}
		if !quiet {
			wrote := strings.Join(slices.Sorted(maps.Keys(code)), ", ")
			if _, ok := code[gocode.SIMDFile]; ok {
				fmt.Fprintf(stdout, "wrote %s and go.mod to %s (build it with: cd %s && GOEXPERIMENT=simd go build; plain go build leaves the SIMD kernels out)\n", wrote, emit, emit)
			} else {
				fmt.Fprintf(stdout, "wrote %s and go.mod to %s (build it with: cd %s && go build)\n", wrote, emit, emit)
			}
		}
		return nil
	}
	named := out != ""
	if out == "" {
		out = strings.TrimSuffix(filepath.Base(path), ".snn")
	}
	if err := checkExecutableOut(out, named, inputs); err != nil {
		return err
	}
	bin, cached, err := gocode.BuildFiles(code, gocode.BuildOptions{MPI: j.mpi})
	if err != nil {
		return err
	}
	if err := copyExecutable(bin, out); err != nil {
		return fmt.Errorf("writing %s: %w", out, err)
	}
	if !quiet {
		how := "built"
		if cached {
			how = "unchanged: copied from the build cache"
		}
		fmt.Fprintf(stdout, "%s -> %s (%s, %.2f s)\n", path, out, how, time.Since(start).Seconds())
	}
	return nil
}

// copyExecutable writes the cached binary to dst (replacing it atomically).
func copyExecutable(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	dir := filepath.Dir(dst)
	tmp, err := os.CreateTemp(dir, ".snnc-build-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := io.Copy(tmp, in); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o755); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), dst)
}
