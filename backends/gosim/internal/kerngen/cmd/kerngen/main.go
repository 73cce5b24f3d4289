// Command kerngen writes the kernel files generated from the operator table
// (package kerngen) into the current directory: run by `go generate
// ./backends/gosim`.
package main

import (
	"fmt"
	"os"
	"slices"

	"github.com/snnc/snnc/backends/gosim/internal/kerngen"
)

func main() {
	files, err := kerngen.Files()
	if err != nil {
		fmt.Fprintln(os.Stderr, "kerngen:", err)
		os.Exit(1)
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if err := os.WriteFile(name, files[name], 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "kerngen:", err)
			os.Exit(1)
		}
	}
}
