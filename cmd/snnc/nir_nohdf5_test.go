//go:build !hdf5

package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestNIRWithoutHDF5SaysHowToBuild: a build without the hdf5 tag refuses
// .nir files with status 1 and the way to get a build that reads them.
func TestNIRWithoutHDF5SaysHowToBuild(t *testing.T) {
	for _, args := range [][]string{{"import", "x.nir", "-o", "x.snn"}, {"run", "x.nir"}, {"check", "x.nir"}, {"ir", "x.nir"}, {"build", "x.nir"}, {"export", "../../examples/cuba.snn", "-o", "/nonexistent/x.nir"}} {
		var out, errb bytes.Buffer
		st := run(args, &out, &errb)
		if st != 1 || !strings.Contains(errb.String(), "go build -tags hdf5") || !strings.Contains(errb.String(), "libhdf5-dev") {
			t.Errorf("snnc %s: status %d, stderr %q", strings.Join(args, " "), st, errb.String())
		}
	}
}
