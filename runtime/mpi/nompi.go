//go:build !mpi

package mpi

import "github.com/snnc/snnc/runtime"

// Enabled: this build has MPI (build tag mpi).
const Enabled = false

// Init fails: this build has no MPI.
func Init() error { return ErrNoMPI }

// Finalize does nothing without MPI.
func Finalize() error { return nil }

// Rank is 0 without MPI.
func Rank() int { return 0 }

// Size is 1 without MPI.
func Size() int { return 1 }

// Barrier does nothing without MPI.
func Barrier() error { return nil }

// Abort does nothing without MPI (the caller exits).
func Abort(int) {}

// AllreduceMax returns x: one rank.
func AllreduceMax(x int32) (int32, error) { return x, nil }

// AllreduceSum leaves x: one rank.
func AllreduceSum([]float64) error { return nil }

// Allgatherv returns send: one rank.
func Allgatherv(send, recv []int32, counts []int) ([]int32, []int, error) {
	return append(recv[:0], send...), append(counts[:0], len(send)), nil
}

// Alltoallv returns send: one rank.
func Alltoallv(send []int32, _ []int, recv []int32, counts []int) ([]int32, []int, error) {
	return append(recv[:0], send...), append(counts[:0], len(send)), nil
}

// World is nil without MPI: one process.
func World() rt.Comm { return nil }
