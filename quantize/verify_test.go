package quantize_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/ir/iir"
	"github.com/snnc/snnc/quantize"
)

// TestLoweredVerifies: every model of the examples and of testdata/fixed
// that lowers to a built-in profile gives an integer program that passes
// iir.Verify (Lower runs it; an internal error would say otherwise).
func TestLoweredVerifies(t *testing.T) {
	var files []string
	for _, dir := range []string{"../examples", "../testdata/fixed"} {
		fs, _ := filepath.Glob(filepath.Join(dir, "*.snn"))
		files = append(files, fs...)
	}
	lowered := 0
	for _, path := range files {
		p, _, _ := snnc.CompileIR(path, snnc.Options{})
		if p == nil || p.Network == "" {
			continue
		}
		for _, name := range iir.Profiles() {
			prof, err := iir.LoadProfile(name)
			if err != nil {
				t.Fatal(err)
			}
			q, diags := quantize.Lower(p, prof)
			if strings.Contains(diags.Error(), "internal error") {
				t.Errorf("%s on %s: %v", path, name, diags)
			}
			if q != nil {
				lowered++
				if err := iir.Verify(q); err != nil {
					t.Errorf("%s on %s: %v", path, name, err)
				}
			}
		}
	}
	if lowered < 10 {
		t.Errorf("only %d programs lowered", lowered)
	}
}
