package main

import (
	"encoding/json"
	"io"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/ir/iir"
	"github.com/snnc/snnc/lang"
	"github.com/snnc/snnc/passes"
	"github.com/snnc/snnc/plan"
)

func newIR(stdout, stderr io.Writer) *cobra.Command {
	var (
		opt     snnc.Options
		debug   []string
		asJSON  bool
		verbose bool
		asPlan  bool
		pf      profileFlag
	)
	cmd := &cobra.Command{
		Use:   "ir FILE",
		Short: "Print the optimised intermediate representation of a model",
		Long: `IR checks a model, lowers it to the IR (SI units, one neuron model per
population, one synapse model per projection) and runs the passes
(` + passes.Names() + `), then prints the result. The integration method chosen
for every ODE system is shown, with the propagator of exact ones.

Examples:
  snnc ir examples/cuba.snn
  snnc ir examples/cuba.snn --after fold      stop after a pass
  snnc ir examples/cuba.snn -d dce=off        switch a pass off
  snnc ir examples/cuba.snn -d ode=dump       print the IR after a pass too
  snnc ir examples/cuba.snn --time-passes
  snnc ir stdlib/neurons.snn --json
  snnc ir examples/cuba.snn --profile q16     integer IR, formats, range proofs
  snnc ir examples/cuba.snn --plan            the execution plan: step phases, loops, ops
  snnc ir examples/cuba.snn -d check=on       verify the IR and the plan after every pass`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opt.Passes.Out = stdout
			path, done, err := nirModel(stderr, args[0], "") // a .nir file is imported first
			if err != nil {
				return err
			}
			defer done()
			opt.DataDir = filepath.Dir(path)
			if err := passes.ParseDebug(debug, &opt.Passes); err != nil {
				return usage(err)
			}
			profile, err := pf.get(cmd, stderr)
			if err != nil {
				return err
			}
			opt.Passes.Target = profile // Compile quantizes for it
			opt.Plan = asPlan
			r, diags := snnc.Compile(path, opt)
			if !verbose {
				diags = dropNotes(diags)
			}
			printDiags(stderr, &lang.Program{Sources: r.Sources}, diags)
			p := r.IR
			if p == nil {
				return errSilent{}
			}
			if r.Integer != nil {
				iir.Print(stdout, r.Integer)
				return nil
			}
			if r.Plan != nil {
				if asJSON {
					return encodeJSON(stdout, plan.JSON(r.Plan))
				}
				plan.Print(stdout, r.Plan)
				return nil
			}
			if asJSON {
				return encodeJSON(stdout, ir.JSON(p))
			}
			ir.Print(stdout, p)
			return nil
		},
	}
	cmd.Flags().StringVar(&opt.Passes.After, "after", "", "stop after this pass")
	cmd.Flags().StringArrayVarP(&debug, "debug", "d", nil, "pass switches: PASS=off, PASS=on, PASS=dump (repeatable)")
	cmd.Flags().BoolVar(&opt.Passes.TimePasses, "time-passes", false, "report the time each pass takes")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the IR as JSON, for tools")
	cmd.Flags().BoolVar(&asPlan, "plan", false, "print the execution plan (the step's phases, loops and ops) instead of the IR")
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "also print the passes' notes (what dce removed, ...)")
	cmd.Flags().StringVar(&opt.Network, "network", "", "network to lower (default: the one `run` names)")
	cmd.Flags().StringArrayVar(&opt.Set, "set", nil, "override a parameter or initial value: NAME.PARAM=VALUE, NAME a population or named projection (repeatable)")
	pruneVar(cmd, &opt.Passes.PruneBelow)
	profileVar(cmd, &pf, "print the integer IR for a fixed-point profile (q16, loihi, xylo or a JSON file), with each variable's format and proof")
	return cmd
}

func encodeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func dropNotes(d lang.Diagnostics) lang.Diagnostics {
	var out lang.Diagnostics
	for _, x := range d {
		if x.Severity != lang.Note {
			out = append(out, x)
		}
	}
	return out
}
