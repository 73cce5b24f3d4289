package main

import (
	"errors"
	"fmt"

	"github.com/snnc/snnc/runtime"
	"github.com/snnc/snnc/runtime/mpi"
)

// job is the MPI job `mpirun -np K snnc run` runs in: K ranks split the
// network (engine.Options.Comm); rank 0 prints and writes the outputs.
type job struct {
	comm       runtime.Comm // nil: one process
	rank, size int
}

// startJob joins the MPI job this process was launched in, if any. A
// build without MPI refuses to run as K unconnected copies.
func startJob() (*job, error) {
	n := mpi.Launched()
	if n == 0 || n == 1 && !mpi.Enabled { // mpirun -np 1: one process anyway
		return &job{size: 1}, nil
	}
	if !mpi.Enabled {
		return nil, fmt.Errorf("started by mpirun as %d processes, %w", n, mpi.ErrNoMPI)
	}
	if err := mpi.Init(); err != nil {
		return nil, err
	}
	j := &job{rank: mpi.Rank(), size: mpi.Size()}
	if j.size > 1 {
		j.comm = mpi.World()
	}
	return j, nil
}

// end finalizes MPI and marks err with the rank: a rank that stopped
// because another failed says nothing (rank 0 says which), every other
// error names its rank.
func (j *job) end(err error) error {
	if j.size > 1 || mpi.Launched() > 0 {
		if ferr := mpi.Finalize(); err == nil && ferr != nil {
			err = ferr
		}
	}
	if err == nil || j.size <= 1 {
		return err
	}
	if _, ok := err.(errSilent); ok {
		return err
	}
	if j.rank != 0 && errors.As(err, new(*runtime.RankError)) {
		return errSilent{}
	}
	return fmt.Errorf("rank %d of %d: %w", j.rank, j.size, err)
}
