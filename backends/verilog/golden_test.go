package verilog_test

import (
	"testing"

	"github.com/snnc/snnc/internal/golden"
)

// TestGolden: the emitted core, testbench and address map of a small
// model (regenerate with go test -update after a deliberate change).
func TestGolden(t *testing.T) {
	p := compileFile(t, "../../testdata/verilog/small.snn")
	d := design(t, p, "q16", 0, 3)
	golden.Check(t, "../../testdata/verilog/small_core.v.golden", d.Files["snn_core.v"])
	golden.Check(t, "../../testdata/verilog/small_tb.v.golden", d.Files["tb.v"])
	golden.Check(t, "../../testdata/verilog/small_map.json.golden", d.Files["memory_map.json"])
	// determinism: a second generation is byte-identical
	d2 := design(t, compileFile(t, "../../testdata/verilog/small.snn"), "q16", 0, 3)
	for name, b := range d.Files {
		if string(d2.Files[name]) != string(b) {
			t.Errorf("%s differs between two generations", name)
		}
	}
	n := compare(t, d, iverilog(t, d))
	t.Logf("%d spikes identical", n)
}
