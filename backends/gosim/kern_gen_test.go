package gosim

import (
	"testing"

	"github.com/snnc/snnc/backends/gosim/internal/kerngen"
	"github.com/snnc/snnc/internal/golden"
)

// TestKernGenerated: the kernel files generated from the operator table
// (internal/kerngen) are up to date. After editing the table or the
// generator run `go generate ./backends/gosim` (or this test with -update)
// and review `git diff`.
func TestKernGenerated(t *testing.T) {
	files, err := kerngen.Files()
	if err != nil {
		t.Fatal(err)
	}
	for name, src := range files {
		golden.Check(t, name, src)
	}
}
