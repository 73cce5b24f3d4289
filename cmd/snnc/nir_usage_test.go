package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestNIRImportUsageErrors: a wrong import command line is status 2,
// before any file is read (so with or without the hdf5 tag).
func TestNIRImportUsageErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"import", "m.nir"}, "-o MODEL.snn is required"},
		{[]string{"import", "m.nir", "-o", "m.txt"}, "must end in .snn"},
		{[]string{"import", "m.nir", "-o", "m.snn", "--reset", "half"}, `--reset "half": want zero or subtract`},
		{[]string{"import", "m.nir", "-o", "m.snn", "--dt", "-1ms"}, "--dt"},
		{[]string{"import", "m.nir", "-o", "m.snn", "--steps", "0"}, "--steps must be at least 1"},
		{[]string{"import", "m.nir", "-o", "m.snn", "--rate", "fast"}, `--rate "fast"`},
	} {
		var out, errb bytes.Buffer
		if st := run(c.args, &out, &errb); st != 2 || !strings.Contains(errb.String(), c.want) {
			t.Errorf("snnc %s: status %d, stderr %q, want 2 and %q", strings.Join(c.args, " "), st, errb.String(), c.want)
		}
	}
}
