//go:build !mpi

package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestRunUnderMPIWithoutMPI: started by mpirun as several processes, a
// build without the mpi tag refuses (status 1) and says how to build one
// with MPI, instead of running the model as K unconnected copies.
func TestRunUnderMPIWithoutMPI(t *testing.T) {
	t.Setenv("OMPI_COMM_WORLD_SIZE", "2")
	var out, errb bytes.Buffer
	st := run([]string{"run", "../../examples/cuba.snn", "--duration", "1ms", "-o", t.TempDir()}, &out, &errb)
	if st != 1 || !strings.Contains(errb.String(), "-tags mpi") || !strings.Contains(errb.String(), "2 processes") {
		t.Errorf("status %d, stderr %q", st, errb.String())
	}
	// mpirun -np 1 is one process anyway: it runs
	t.Setenv("OMPI_COMM_WORLD_SIZE", "1")
	errb.Reset()
	if st := run([]string{"run", "../../examples/cuba.snn", "--duration", "1ms", "-q", "-o", t.TempDir()}, &out, &errb); st != 0 {
		t.Errorf("-np 1: status %d, stderr %q", st, errb.String())
	}
}
