// This file is the part of the driver of every program snnc build
// generates that joins an MPI job: `mpirun -np K ./program` splits the
// network over K ranks (plan.Split; the model code's exchange, shares and
// gathers), as `mpirun -np K snnc run` does, in a program built with
// snnc build --mpi (build tag mpi). backends/gocode writes it unchanged
// next to driver.go.

package main

import (
	"errors"
	"fmt"
	"io"

	rt "github.com/snnc/snnc/runtime"
	"github.com/snnc/snnc/runtime/mpi"
)

// job is the MPI job the program runs in: rank 0 prints and writes the
// outputs, every rank reports its own errors.
type job struct {
	comm       rt.Comm // nil: one process
	rank, size int
	mpi        bool // MPI was started: end finalizes it
}

// startJob joins the MPI job this process was launched in, if any. A
// program built without MPI refuses to run as K unconnected copies.
func startJob() (*job, error) {
	n := mpi.Launched()
	if n == 0 || n == 1 && !mpi.Enabled { // mpirun -np 1: one process anyway
		return &job{size: 1}, nil
	}
	if !mpi.Enabled {
		return &job{size: 1}, fmt.Errorf("started by mpirun as %d processes, but this program was built without MPI: build it with snnc build --mpi (needs apt-get install -y openmpi-bin libopenmpi-dev), or run it without mpirun", n)
	}
	if err := mpi.Init(); err != nil {
		return &job{size: 1}, err
	}
	j := &job{rank: mpi.Rank(), size: mpi.Size(), mpi: true}
	if j.size > 1 {
		j.comm = mpi.World()
		if splitRefusal != "" {
			return j, fmt.Errorf("%s: run with one rank (not split over %d)", splitRefusal, j.size)
		}
	}
	return j, nil
}

// rank0 is w on rank 0 and io.Discard on the others (what only rank 0 prints).
func (j *job) rank0(w io.Writer) io.Writer {
	if j.rank != 0 {
		return io.Discard
	}
	return w
}

// agree tells every rank whether one failed where the others did not, so
// none waits for it at an exchange.
func (j *job) agree(err error) error { return rt.AgreeErr(j.comm, err) }

// message is err as this rank reports it ("": a rank that stopped because
// another failed says nothing, rank 0 says which).
func (j *job) message(err error) string {
	if j.size <= 1 {
		return err.Error()
	}
	if j.rank != 0 && errors.As(err, new(*rt.RankError)) {
		return ""
	}
	return fmt.Sprintf("rank %d of %d: %v", j.rank, j.size, err)
}

// end waits for every rank (mpirun ends the whole job as soon as one rank
// exits with an error, so the messages are printed first) and finalizes
// MPI; it returns the exit status.
func (j *job) end(code int) int {
	if !j.mpi {
		return code
	}
	if j.size > 1 && mpi.Barrier() != nil && code == 0 {
		code = 1
	}
	if err := mpi.Finalize(); err != nil && code == 0 {
		code = 1
	}
	return code
}
