package verilog_test

import "testing"

func TestCosimSmoke(t *testing.T) {
	for _, c := range []struct{ file, target string }{
		{"../../testdata/fixed/xylo_lif.snn", "xylo"},
		{"../../testdata/fixed/loihi_lif.snn", "loihi"},
		{"../../testdata/fixed/ranges.snn", "q16"},
	} {
		p := compileFile(t, c.file)
		d := design(t, p, c.target, 0.05, 1)
		dir := iverilog(t, d)
		n := compare(t, d, dir)
		t.Logf("%s on %s: %d spikes identical", c.file, c.target, n)
	}
}
