package main

import (
	"bytes"
	"os"
	"path/filepath"
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

// TestMatrixFileShapeIsPositionedError: a weight matrix that does not fit
// its projection is an error at the projection, before the run.
func TestMatrixFileShapeIsPositionedError(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "w.csv"), []byte("1, 2, 3\n"), 0o644)
	m := filepath.Join(dir, "m.snn")
	os.WriteFile(m, []byte(`import "std/nir"

network N {
    population A = NirIF[4]
    population B = NirIF[2]
    project A -> B : syn { connect = matrix("w.csv")  weight = 1 }
}
run N for 1 ms
`), 0o644)
	var out, errb bytes.Buffer
	st := run([]string{"run", m, "--out", filepath.Join(dir, "o")}, &out, &errb)
	if want := "m.snn:6:5: error: projection A->B:syn: " + filepath.Join(dir, "w.csv") + ": 1 rows, but the target has 2 neurons"; st != 1 || !strings.Contains(errb.String(), want) {
		t.Errorf("status %d, stderr %q, want 1 and %q", st, errb.String(), want)
	}
}
