package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/lang"
	"github.com/snnc/snnc/runtime"
)

func newCheck(stdout, stderr io.Writer) *cobra.Command {
	var (
		quiet, est bool
		memLimit   rt.MemLimit
	)
	cmd := &cobra.Command{
		Use:   "check FILE...",
		Short: "Parse and check models: names, imports, units, ranges, methods",
		Long: `Check parses each model, resolves names and imports, checks the units of
every expression, and lowers it through the passes, so that every error
run and build would report about the model is reported here. Every error is reported as file:line:col with the source
line and a caret; the exit status is 1 if any file has an error (2 for a
mistake in the command line itself).

Examples:
  snnc check examples/cuba.snn
  snnc check stdlib/*.snn examples/*.snn
  snnc check --estimate examples/cuba.snn    the memory a run takes, item by item`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if est {
				return printEstimate(stdout, stderr, args, memLimit)
			}
			failed := false
			for _, arg := range args {
				path, done, err := nirModel(stderr, arg, "") // a .nir file is imported first
				if err != nil {
					fmt.Fprintf(stderr, "snnc: error: %v\n", err)
					failed = true
					continue
				}
				prog, diags := snnc.CheckModel(path, snnc.Options{DataDir: filepath.Dir(path)})
				done()
				path = arg
				printDiags(stderr, prog, diags)
				if diags.HasErrors() {
					failed = true
				} else if !quiet {
					fmt.Fprintf(stdout, "%s: ok\n", path)
				}
			}
			if failed {
				return errSilent{}
			}
			return nil
		},
	}
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "print nothing for files without errors")
	cmd.Flags().BoolVar(&est, "estimate", false, "compile and print the memory a run takes, item by item, against the limit (exit 1 if over)")
	memLimitVar(cmd, &memLimit)
	return cmd
}

// printDiags prints diagnostics with their source lines, in colour on a terminal.
func printDiags(w io.Writer, prog *lang.Program, diags lang.Diagnostics) {
	if len(diags) == 0 {
		return
	}
	var src lang.Sources
	if prog != nil {
		src = prog.Sources
	}
	diags.Print(w, src, useColor(w))
}

func useColor(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && os.Getenv("NO_COLOR") == "" && isatty.IsTerminal(f.Fd())
}
