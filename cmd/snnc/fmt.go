package main

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/lang"
	"github.com/snnc/snnc/parser"
)

func newFmt(stdout, stderr io.Writer) *cobra.Command {
	var write, check bool
	cmd := &cobra.Command{
		Use:   "fmt [-w | --check] FILE...",
		Short: "Print models in canonical form",
		Long: `Fmt prints each model in canonical form (4-space indentation, aligned
parameter blocks, comments kept). With -w it rewrites the files; with
--check it lists the files whose formatting differs and exits with status 1.

Examples:
  snnc fmt examples/cuba.snn
  snnc fmt -w examples/*.snn
  snnc fmt --check stdlib/*.snn examples/*.snn`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if write && check {
				return usagef("-w and --check cannot be used together")
			}
			failed := false
			for _, path := range args {
				src, err := snnc.ReadSource(path)
				if err != nil {
					fmt.Fprintf(stderr, "%s: error: %v\n", path, err)
					failed = true
					continue
				}
				f, diags, err := snnc.ParseFile(path, src)
				if err != nil {
					fmt.Fprintf(stderr, "%s: error: %v\n", path, err)
					failed = true
					continue
				}
				if diags.HasErrors() {
					diags.Sort()
					printDiags(stderr, &lang.Program{Sources: lang.Sources{path: parser.Normalize(src)}}, diags)
					failed = true
					continue
				}
				out := lang.Format(f)
				switch {
				case check:
					if !bytes.Equal(out, src) {
						fmt.Fprintln(stdout, path)
						failed = true
					}
				case write:
					if !bytes.Equal(out, src) {
						if err := writeFileKeepMode(path, out); err != nil {
							fmt.Fprintf(stderr, "%s: error: %v\n", path, err)
							failed = true
						}
					}
				default:
					stdout.Write(out)
				}
			}
			if failed {
				return errSilent{}
			}
			return nil
		},
	}
	cmd.Flags().BoolVarP(&write, "write", "w", false, "write the result to the file instead of stdout")
	cmd.Flags().BoolVar(&check, "check", false, "list files whose formatting differs; exit status 1 if any")
	return cmd
}

func writeFileKeepMode(path string, data []byte) error {
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	tmp := path + ".snnc-fmt.tmp"
	if err := os.WriteFile(tmp, data, mode); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
