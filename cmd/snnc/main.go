// Command snnc is the .snn compiler: it checks, formats and (in later
// phases) runs and builds spiking-network models. The logic lives in the
// library packages; this file only wires flags to them.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	_ "github.com/snnc/snnc/runtime/plots" // snnc run --plot draws with gonum/plot; the engine does not link it
)

// Version is set at build time with -ldflags "-X main.Version=...".
var Version = "0.1.0-dev"

// errSilent marks a failure already reported to stderr (diagnostics).
type errSilent struct{}

func (errSilent) Error() string { return "" }

// usageError is a mistake in the command line itself (a bad flag value,
// flags that do not go together): exit status 2, like the errors cobra
// reports before a command starts (unknown command or flag, wrong number of
// arguments). A model that fails to check or a run that fails is status 1.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// usagef is fmt.Errorf for usage errors.
func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

// usage marks err (if any) as a usage error.
func usage(err error) error {
	if err == nil {
		return nil
	}
	return usageError{err}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes the CLI with args and returns the exit status; tests call it
// directly.
func run(args []string, stdout, stderr io.Writer) (status int) {
	defer func() {
		// a bug must still end in one readable line and status 1, not a trace
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "snnc: internal error: %v\n(please report this with the model that caused it; SNNC_TRACE=1 shows the stack)\n", r)
			if os.Getenv("SNNC_TRACE") != "" {
				panic(r)
			}
			status = 1
		}
	}()
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	// cobra runs this hook only once the command line has parsed (command,
	// flags, argument count): an error before it is a usage error
	started := false
	root.PersistentPreRun = func(*cobra.Command, []string) { started = true }
	if err := root.Execute(); err != nil {
		if err.Error() != "" { // errSilent, reportedErr: printed already
			fmt.Fprintf(stderr, "snnc: error: %v\n", err)
		}
		if !started || errors.As(err, new(usageError)) {
			return 2
		}
		return 1
	}
	return 0
}

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "snnc",
		Short: "snnc compiles .snn spiking-neural-network models",
		Long: `snnc compiles .snn models: neurons as ODEs with physical units, dendritic
segments, plasticity rules and network topology, all in one file.

Examples:
  snnc check examples/cuba.snn        check a model and report every error
  snnc fmt -w examples/*.snn          rewrite files in canonical form
  snnc fmt --check stdlib/*.snn       list files that are not formatted
  snnc version`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.AddCommand(newCheck(stdout, stderr), newFmt(stdout, stderr), newIR(stdout, stderr), newRun(stdout, stderr), newBuild(stdout, stderr), newImport(stdout, stderr), newExport(stdout, stderr), newLSP(stdout, stderr), newVersion(stdout))
	return root
}

func newVersion(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the snnc version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprintf(stdout, "snnc %s\n", Version)
			return nil
		},
	}
}
