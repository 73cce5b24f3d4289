package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/snnc/snnc/nir"
	"github.com/snnc/snnc/runtime"
)

// importFlags are the choices NIR leaves to the importer (docs/nir.md).
type importFlags struct {
	dt, reset, input, rate string
	euler                  bool
	steps                  int
}

func (f *importFlags) add(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.dt, "dt", "0.1ms", "time step of the imported network (NIR has none; the NIR paper's is 0.1 ms)")
	fl.BoolVar(&f.euler, "euler", false, "forward Euler instead of exact integration of the neuron equations")
	fl.StringVar(&f.reset, "reset", "zero", "after a spike: zero (v = v_reset, NIR's convention) or subtract (v -= v_threshold, snnTorch's subtract)")
	fl.StringVar(&f.input, "input", "", "spike file (rows index,time_ms) for the Input node; default: Poisson spikes at --rate")
	fl.StringVar(&f.rate, "rate", "100Hz", "rate of the default Poisson input")
	fl.IntVar(&f.steps, "steps", 1000, "run length in time steps")
}

func (f *importFlags) options(name string) (nir.ImportOptions, error) {
	o := nir.ImportOptions{Name: name, Euler: f.euler, Input: f.input, Steps: f.steps}
	dt, err := rt.ParseDuration(f.dt)
	if err != nil || !(dt > 0) {
		return o, usagef("--dt %q: want a positive time such as 0.1ms", f.dt)
	}
	o.Dt = dt
	switch f.reset {
	case "zero":
	case "subtract":
		o.Subtract = true
	default:
		return o, usagef("--reset %q: want zero or subtract", f.reset)
	}
	r, err := parseRate(f.rate)
	if err != nil {
		return o, usagef("--rate %q: want a rate such as 100Hz", f.rate)
	}
	o.Rate = r
	if f.steps < 1 {
		return o, usagef("--steps must be at least 1")
	}
	return o, nil
}

func parseRate(s string) (float64, error) {
	var v float64
	if _, err := fmt.Sscanf(strings.TrimSuffix(strings.TrimSpace(s), "Hz"), "%g", &v); err != nil || !(v >= 0) {
		return 0, fmt.Errorf("bad rate")
	}
	return v, nil
}

func newImport(stdout, stderr io.Writer) *cobra.Command {
	var (
		out string
		fl  importFlags
	)
	cmd := &cobra.Command{
		Use:   "import FILE.nir -o MODEL.snn",
		Short: "Translate a NIR graph (.nir) into a .snn model",
		Long: `Import reads a NIR graph (the Neuromorphic Intermediate Representation, an
HDF5 file written by snnTorch, Norse, Sinabs, Rockpool, Lava, ...) and writes
a formatted .snn model: a population of a std/nir neuron type per neuron
node, a projection per chain of Linear/Affine/Conv/pooling nodes (weight
matrices and kernels in MODEL_data/), an input per Input node and a record
per Output node. snnc run, check and build also take a .nir file directly.

Examples:
  snnc import braille.nir -o braille.snn
  snnc import lif_norse.nir -o lif.snn --dt 0.1ms --euler --input spikes.csv
  snnc import braille_subtract.nir -o b.snn --reset subtract
  snnc run braille.nir --profile xylo

Reading .nir files needs libhdf5: build snnc with make snnc (go build -tags hdf5).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usagef("-o MODEL.snn is required (the weight files go beside it)")
			}
			if !strings.HasSuffix(out, ".snn") {
				return usagef("-o %s: the model's name must end in .snn", out)
			}
			opt, err := fl.options(nir.Ident(strings.TrimSuffix(filepath.Base(out), ".snn")))
			if err != nil {
				return err
			}
			m, err := importNIR(stderr, args[0], filepath.Dir(out), opt)
			if err != nil {
				return err
			}
			if err := writeImport(out, m); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "wrote %s and %d data files\n", out, len(m.Files))
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "out", "o", "", "the .snn file to write (data files go to NAME_data/ beside it)")
	fl.add(cmd)
	return cmd
}

// importNIR reads and imports a .nir file for a model in modelDir ("":
// file names absolute); errors name the file.
func importNIR(stderr io.Writer, path, modelDir string, opt nir.ImportOptions) (*nir.Model, error) {
	f, err := nir.Read(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if opt.Input != "" && !filepath.IsAbs(opt.Input) {
		// given relative to where the command runs; the model reads it
		// relative to its own directory (modelDir), or absolute
		if abs, err := filepath.Abs(opt.Input); err == nil {
			opt.Input = abs
			if d, err := filepath.Abs(modelDir); err == nil && modelDir != "" {
				if rel, err := filepath.Rel(d, abs); err == nil {
					opt.Input = filepath.ToSlash(rel)
				}
			}
		}
	}
	m, err := nir.Import(f, opt)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	for _, w := range m.Warnings {
		fmt.Fprintf(stderr, "%s: warning: %s\n", path, w)
	}
	return m, nil
}

// writeImport writes the model and its data files (each atomically).
func writeImport(out string, m *nir.Model) error {
	dir := filepath.Dir(out)
	for name, b := range m.Files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := rt.ReplaceFile(p, b); err != nil {
			return err
		}
	}
	return rt.ReplaceFile(out, m.Source)
}

// nirModel lets run, check and build take a .nir file: it imports it
// with the default choices into a temporary directory (into keep when
// set, for what must outlive the command: an executable reads its weight
// files when it runs) and returns the .snn there and a cleanup; other
// paths come back unchanged.
func nirModel(stderr io.Writer, path, keep string) (string, func(), error) {
	if !strings.HasSuffix(path, ".nir") {
		return path, func() {}, nil
	}
	var fl importFlags
	fs := &cobra.Command{}
	fl.add(fs)
	name := nir.Ident(strings.TrimSuffix(filepath.Base(path), ".nir"))
	opt, err := fl.options(name)
	if err != nil {
		return "", nil, err
	}
	m, err := importNIR(stderr, path, "", opt)
	if err != nil {
		return "", nil, err
	}
	dir, done := keep, func() {}
	if keep == "" {
		if dir, err = os.MkdirTemp("", "snnc-nir-"); err != nil {
			return "", nil, err
		}
		done = func() { os.RemoveAll(dir) }
	}
	snn := filepath.Join(dir, name+".snn")
	if err := writeImport(snn, m); err != nil {
		done()
		return "", nil, err
	}
	return snn, done, nil
}
