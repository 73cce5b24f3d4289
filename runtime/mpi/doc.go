// Package mpi is a thin cgo binding to MPI (OpenMPI's libmpi through
// pkg-config ompi-c) for runs split over ranks: Init, Finalize, the rank
// and size of MPI_COMM_WORLD, Allgatherv and Alltoallv of int32,
// Allreduce of int32 and float64, Barrier and Abort; World is the
// rt.Comm the interpreter and built binaries exchange spikes with.
//
// It is compiled only with the build tag mpi (go build -tags mpi; make
// snnc-mpi); without it every function says how to get it (ErrNoMPI), so
// the default build and `go run` need no MPI installed. Launched reports
// whether the process was started by mpirun (or srun), so a binary
// without MPI can refuse to run as K independent copies.
package mpi

import (
	"errors"

	"github.com/snnc/snnc/runtime"
)

// ErrNoMPI is returned by Init in a build without the mpi tag.
var ErrNoMPI = errors.New("this snnc was built without MPI: build it with `make snnc-mpi` " +
	"(go build -tags mpi ./cmd/snnc; needs apt-get install -y openmpi-bin libopenmpi-dev), or run it without mpirun")

// Launched returns the number of processes of the MPI job this process
// was started in (0: not started by an MPI launcher), read from the
// environment OpenMPI's mpirun, MPICH/Hydra and Slurm's srun --mpi set.
func Launched() int { return rt.MPIProcesses() }
