package gocode_test

import (
	"path/filepath"
	"testing"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/backends/gocode"
	"github.com/snnc/snnc/backends/gosim"
	"github.com/snnc/snnc/passes"
)

// TestSameOutputsPrunedDelays: drawn delays on pruned projections (stored
// CSR, the delays drawn for the synapses kept): the binary writes the
// interpreter's files byte for byte, with 1 and 2 threads.
func TestSameOutputsPrunedDelays(t *testing.T) {
	model := "../../testdata/gocode/syndelays.snn"
	p, _, diags := snnc.CompileIR(model, snnc.Options{Passes: passes.Options{PruneBelow: 1.15e-3}})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	csr := 0
	for _, ip := range p.Projs {
		if ip.PruneBelow > 0 {
			csr++
		}
	}
	if csr == 0 {
		t.Fatal("no projection is pruned: the CSR path is not exercised")
	}
	files, err := gocode.EmitFiles(p, gocode.Options{Model: model, BaseDir: filepath.Dir(model)})
	if err != nil {
		t.Fatal(err)
	}
	bin, _, err := gocode.BuildFiles(files, gocode.BuildOptions{CacheDir: cacheDir})
	if err != nil {
		t.Fatal(err)
	}
	for _, threads := range []int{1, 2} {
		res, err := gosim.Run(p, gosim.Options{Threads: threads})
		if err != nil {
			t.Fatal(err)
		}
		res.Summary.Model = model
		want, got := t.TempDir(), t.TempDir()
		if _, err := res.Write(want, false); err != nil {
			t.Fatal(err)
		}
		args := []string{"--out", got, "-q"}
		if threads == 2 {
			args = append(args, "--threads", "2")
		}
		if stderr, failed := runBinary(t, bin, args...); failed {
			t.Fatalf("binary failed: %s", stderr)
		}
		sameDirs(t, want, got)
	}
}
