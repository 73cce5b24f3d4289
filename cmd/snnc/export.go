package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/lang"
	"github.com/snnc/snnc/nir"
)

func newExport(stdout, stderr io.Writer) *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "export MODEL.snn -o FILE.nir",
		Short: "Write a model's network as a NIR graph (.nir)",
		Long: `Export writes the network of a model built from std/nir neuron types as a NIR
graph (an HDF5 file the NIR reference reader, snnTorch, Norse, Lava, Rockpool
and others load): a neuron node per population, a Linear/Affine, Conv or
pooling node per projection (random connectivity drawn with the model's
seed), an Input node per spike input and an Output node per spike or v
recording. What NIR cannot hold (other neuron types, dendrites, plasticity,
current inputs, random weights) is an error at its position.

Examples:
  snnc export braille.snn -o braille.nir

Writing .nir files needs libhdf5: build snnc with make snnc (go build -tags hdf5).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := args[0]
			if out == "" {
				out = strings.TrimSuffix(filepath.Base(path), ".snn") + ".nir"
			}
			if !nir.HDF5 {
				return nir.ErrNoHDF5
			}
			// the IR as built: parameters by name, nothing merged or pruned
			r, diags := snnc.Compile(path, snnc.Options{DataDir: filepath.Dir(path), Stop: snnc.Checked})
			src := r.Sources
			var p *ir.Program
			if !diags.HasErrors() {
				var bd lang.Diagnostics
				p, bd = ir.Build(r.Checked, "")
				diags = append(diags, bd...)
			}
			printDiags(stderr, &lang.Program{Sources: src}, dropNotes(diags))
			if diags.HasErrors() {
				return errSilent{}
			}
			if in := inputAt(out, modelInputs(path, src, p)); in != "" {
				return fmt.Errorf("-o %s would replace %s, an input of the model", out, in)
			}
			f, d := nir.Export(p, filepath.Dir(path))
			if d.HasErrors() {
				d.Sort()
				printDiags(stderr, &lang.Program{Sources: src}, d)
				return errSilent{}
			}
			if err := nir.Write(out, f); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "wrote %s (%d nodes, %d edges)\n", out, len(f.Graph.Nodes), len(f.Graph.Edges))
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "out", "o", "", "the .nir file to write (default: MODEL.nir in the current directory)")
	return cmd
}
