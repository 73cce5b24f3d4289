//go:build !mpi

package mpi

import (
	"strings"
	"testing"
)

// Without the tag, Init says how to build with MPI, and the collectives
// are those of one rank.
func TestNoMPI(t *testing.T) {
	if err := Init(); err == nil || !strings.Contains(err.Error(), "-tags mpi") {
		t.Fatalf("Init = %v, want how to build with MPI", err)
	}
	if World() != nil || Size() != 1 {
		t.Fatal("one process without MPI")
	}
	t.Setenv("OMPI_COMM_WORLD_SIZE", "4")
	if Launched() != 4 {
		t.Fatalf("Launched = %d under mpirun -np 4", Launched())
	}
}
