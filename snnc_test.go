package snnc_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/lang"
)

// corpus returns every .snn file shipped in the repository.
func corpus(t testing.TB) []string {
	var files []string
	for _, dir := range []string{"stdlib", "examples", "testdata"} {
		filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, ".snn") {
				files = append(files, p)
			}
			return nil
		})
	}
	if len(files) == 0 {
		t.Fatal("no .snn files found")
	}
	return files
}

// TestShippedModelsCheck: every stdlib module, example and parse test input
// checks without errors.
func TestShippedModelsCheck(t *testing.T) {
	for _, p := range corpus(t) {
		if strings.Contains(p, "errors") || strings.Contains(p, "fmt") {
			continue
		}
		prog, diags := snnc.CheckFile(p)
		if diags.HasErrors() {
			var b strings.Builder
			diags.Print(&b, prog.Sources, false)
			t.Errorf("%s does not check:\n%s", p, b.String())
		}
	}
}

// FuzzCheck: parse and check must never panic or hang, and any error must
// carry a position.
func FuzzCheck(f *testing.F) {
	for _, p := range corpus(f) {
		if src, err := os.ReadFile(p); err == nil {
			f.Add(src)
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		_, diags := snnc.Check("fuzz.snn", src)
		for _, d := range diags {
			if d.Severity == lang.Error && !d.Pos.IsValid() {
				t.Fatalf("error without a position: %s", d.Msg)
			}
		}
	})
}

// BenchmarkCheckCuba measures `snnc check examples/cuba.snn` minus process
// start-up: read, parse, resolve and unit-check.
func BenchmarkCheckCuba(b *testing.B) {
	for b.Loop() {
		if _, diags := snnc.CheckFile("examples/cuba.snn"); diags.HasErrors() {
			b.Fatal(diags)
		}
	}
}
