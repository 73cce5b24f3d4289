package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/snnc/snnc/runtime"
	"github.com/snnc/snnc/runtime/mpi"
)

// job is the MPI job `mpirun -np K snnc run` runs in: K ranks split the
// network (engine.Options.Comm); rank 0 prints and writes the outputs.
type job struct {
	comm       rt.Comm // nil: one process
	rank, size int
	stderr     io.Writer // where a rank's error is printed (before the others may end the job)
}

// reportedErr is an error end has printed already: its status stays
// (main prints errors whose text is not empty).
type reportedErr struct{ err error }

func (reportedErr) Error() string   { return "" }
func (e reportedErr) Unwrap() error { return e.err }

// startJob joins the MPI job this process was launched in, if any. A
// build without MPI refuses to run as K unconnected copies.
func startJob(stderr io.Writer) (*job, error) {
	n := mpi.Launched()
	if n == 0 || n == 1 && !mpi.Enabled { // mpirun -np 1: one process anyway
		return &job{size: 1, stderr: stderr}, nil
	}
	if !mpi.Enabled {
		return nil, fmt.Errorf("started by mpirun as %d processes, %w", n, mpi.ErrNoMPI)
	}
	if err := mpi.Init(); err != nil {
		return nil, err
	}
	j := &job{rank: mpi.Rank(), size: mpi.Size(), stderr: stderr}
	if j.size > 1 {
		j.comm = mpi.World()
	}
	return j, nil
}

// agree tells every rank whether one failed where the others did not
// (rank 0 opening the output directory), so none waits for it in the run.
func (j *job) agree(err error) error { return rt.AgreeErr(j.comm, err) }

// end finalizes MPI and marks err with the rank: a rank that stopped
// because another failed says nothing (rank 0 says which), every other
// error names its rank.
func (j *job) end(err error) error {
	if j.size > 1 {
		// print first, then wait for rank 0's outputs and messages:
		// mpirun ends the whole job as soon as one rank exits with an error
		if err = j.mark(err); err != nil {
			if _, ok := err.(errSilent); !ok {
				fmt.Fprintf(j.stderr, "snnc: error: %v\n", err)
				err = reportedErr{err}
			}
		}
		if berr := mpi.Barrier(); err == nil && berr != nil {
			err = berr
		}
	}
	if j.size > 1 || mpi.Launched() > 0 {
		if ferr := mpi.Finalize(); err == nil && ferr != nil {
			err = ferr
		}
	}
	return err
}

// mark names the rank in err: a rank that stopped because another failed
// says nothing (rank 0 says which), every other error names its rank.
func (j *job) mark(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := err.(errSilent); ok {
		return err
	}
	if j.rank != 0 && errors.As(err, new(*rt.RankError)) {
		return errSilent{}
	}
	return fmt.Errorf("rank %d of %d: %w", j.rank, j.size, err)
}
