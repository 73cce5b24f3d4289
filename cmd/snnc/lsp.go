package main

import (
	"context"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/snnc/snnc/lsp"
)

func newLSP(stdout, stderr io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "lsp",
		Short: "Run the language server (LSP over stdin/stdout) for editors",
		Long: `Lsp runs a Language Server Protocol server on stdin and stdout, for an
editor to start: diagnostics as you type (those of snnc check), hover with
units and values, go to definition (into std/... too), references, document symbols,
completion, formatting (snnc fmt) and rename. See docs/editors.md for the
VS Code and Neovim set-up.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			lsp.New(stderr, Version).Serve(context.Background(), stdio{os.Stdin, stdout})
			return nil
		},
	}
}

// stdio is the server's stream: the client writes to our stdin and reads
// our stdout.
type stdio struct {
	io.Reader
	io.Writer
}

func (stdio) Close() error { return os.Stdin.Close() }
