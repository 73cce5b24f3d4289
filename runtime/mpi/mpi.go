//go:build mpi

package mpi

/*
#cgo pkg-config: ompi-c
#include <mpi.h>
#include <stdlib.h>

static int init_serialized(int *provided) {
	return MPI_Init_thread(NULL, NULL, MPI_THREAD_SERIALIZED, provided);
}
static int comm_rank(int *r) { return MPI_Comm_rank(MPI_COMM_WORLD, r); }
static int comm_size(int *s) { return MPI_Comm_size(MPI_COMM_WORLD, s); }
static int allgather_int(int *send, int *recv) {
	return MPI_Allgather(send, 1, MPI_INT, recv, 1, MPI_INT, MPI_COMM_WORLD);
}
static int allgather_int32(void *send, int n, void *recv) {
	return MPI_Allgather(send, n, MPI_INT32_T, recv, n, MPI_INT32_T, MPI_COMM_WORLD);
}
static int allgatherv_int32(void *send, int n, void *recv, int *counts, int *displs) {
	return MPI_Allgatherv(send, n, MPI_INT32_T, recv, counts, displs, MPI_INT32_T, MPI_COMM_WORLD);
}
static int alltoallv_int32(void *send, int *scounts, int *sdispls, void *recv, int *rcounts, int *rdispls) {
	return MPI_Alltoallv(send, scounts, sdispls, MPI_INT32_T, recv, rcounts, rdispls, MPI_INT32_T, MPI_COMM_WORLD);
}
static int alltoall_int(int *send, int *recv) {
	return MPI_Alltoall(send, 1, MPI_INT, recv, 1, MPI_INT, MPI_COMM_WORLD);
}
static int allreduce_max_int32(int32_t *x) {
	return MPI_Allreduce(MPI_IN_PLACE, x, 1, MPI_INT32_T, MPI_MAX, MPI_COMM_WORLD);
}
static int allreduce_sum_double(double *x, int n) {
	return MPI_Allreduce(MPI_IN_PLACE, x, n, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
}
static int barrier(void) { return MPI_Barrier(MPI_COMM_WORLD); }
static int abort_world(int code) { return MPI_Abort(MPI_COMM_WORLD, code); }
static int finalize(void) { return MPI_Finalize(); }
static int initialized(void) { int f = 0; MPI_Initialized(&f); return f; }
*/
import "C"

import (
	"fmt"
	goruntime "runtime"
	"unsafe"

	"github.com/snnc/snnc/runtime"
)

// Enabled: this build has MPI.
const Enabled = true

var rank, size = 0, 1

func check(what string, rc C.int) error {
	if rc != 0 { // MPI_SUCCESS; the default error handler aborts first anyway
		return fmt.Errorf("MPI %s failed (error %d)", what, int(rc))
	}
	return nil
}

// Init starts MPI (MPI_THREAD_SERIALIZED: the calls come from one
// goroutine at a time, not always on one OS thread) and reads the rank
// and size of the world.
func Init() error {
	goruntime.LockOSThread() // MPI calls from the thread that initialised it
	var provided C.int
	if err := check("Init_thread", C.init_serialized(&provided)); err != nil {
		return err
	}
	var r, s C.int
	if err := check("Comm_rank", C.comm_rank(&r)); err != nil {
		return err
	}
	if err := check("Comm_size", C.comm_size(&s)); err != nil {
		return err
	}
	rank, size = int(r), int(s)
	return nil
}

// Finalize ends MPI; every rank must call it.
func Finalize() error {
	if C.initialized() == 0 {
		return nil
	}
	return check("Finalize", C.finalize())
}

// Rank of this process in the world (0 before Init).
func Rank() int { return rank }

// Size of the world (1 before Init).
func Size() int { return size }

// Barrier waits for every rank.
func Barrier() error { return check("Barrier", C.barrier()) }

// Abort ends every rank of the job with code.
func Abort(code int) { C.abort_world(C.int(code)) }

// AllreduceMax returns the largest x over the ranks.
func AllreduceMax(x int32) (int32, error) {
	v := C.int32_t(x)
	err := check("Allreduce", C.allreduce_max_int32(&v))
	return int32(v), err
}

// AllreduceSum replaces x by its element-wise sum over the ranks.
func AllreduceSum(x []float64) error {
	if len(x) == 0 {
		return nil
	}
	return check("Allreduce", C.allreduce_sum_double((*C.double)(unsafe.Pointer(&x[0])), C.int(len(x))))
}

// cInts is scratch for counts and displacements: C memory, as cgo forbids
// Go pointers to Go pointers and the MPI calls hold several arrays.
type cInts struct {
	p *C.int
	n int
}

func (c *cInts) get(n int) []C.int {
	if c.n < n {
		if c.p != nil {
			C.free(unsafe.Pointer(c.p))
		}
		c.p, c.n = (*C.int)(C.malloc(C.size_t(n)*C.size_t(unsafe.Sizeof(C.int(0))))), n
	}
	return unsafe.Slice(c.p, n)
}

var scratch [4]cInts

func ptr(x []int32) unsafe.Pointer {
	if len(x) == 0 {
		return nil
	}
	return unsafe.Pointer(&x[0])
}

// Allgatherv returns every rank's send concatenated in rank order
// (appended to recv[:0]) and each rank's count (in counts[:0]).
func Allgatherv(send, recv []int32, counts []int) ([]int32, []int, error) {
	cnt, disp := scratch[0].get(size), scratch[1].get(size)
	n := C.int(len(send))
	if err := check("Allgather", C.allgather_int(&n, &cnt[0])); err != nil {
		return recv, counts, err
	}
	total := 0
	counts = counts[:0]
	for r := range size {
		disp[r] = C.int(total)
		total += int(cnt[r])
		counts = append(counts, int(cnt[r]))
	}
	if cap(recv) < total+1 {
		recv = make([]int32, total, total+total/2+1)
	}
	recv = recv[:total]
	buf := recv[:total+1] // never empty: a valid address even for no data
	var sp unsafe.Pointer = ptr(send)
	if sp == nil {
		sp = unsafe.Pointer(&buf[0]) // nothing is read from it
	}
	err := check("Allgatherv", C.allgatherv_int32(sp, n, unsafe.Pointer(&buf[0]), &cnt[0], &disp[0]))
	return recv, counts, err
}

// Alltoallv sends sendCounts[r] int32 of send (in rank order) to each
// rank r and returns what every rank sent this one, in rank order, with
// the counts.
func Alltoallv(send []int32, sendCounts []int, recv []int32, counts []int) ([]int32, []int, error) {
	sc, sd := scratch[0].get(size), scratch[1].get(size)
	rc, rd := scratch[2].get(size), scratch[3].get(size)
	off := 0
	for r := range size {
		sc[r], sd[r] = C.int(sendCounts[r]), C.int(off)
		off += sendCounts[r]
	}
	if err := check("Alltoall", C.alltoall_int(&sc[0], &rc[0])); err != nil {
		return recv, counts, err
	}
	total := 0
	counts = counts[:0]
	for r := range size {
		rd[r] = C.int(total)
		total += int(rc[r])
		counts = append(counts, int(rc[r]))
	}
	if cap(recv) < total+1 {
		recv = make([]int32, total, total+total/2+1)
	}
	recv = recv[:total]
	buf := recv[:total+1]
	sbuf := append(send[:off:off], 0) // never empty
	err := check("Alltoallv", C.alltoallv_int32(unsafe.Pointer(&sbuf[0]), &sc[0], &sd[0], unsafe.Pointer(&buf[0]), &rc[0], &rd[0]))
	return recv, counts, err
}

// World is MPI_COMM_WORLD as the runtime's Comm (after Init). Its
// Allgather is one MPI_Allgather of fixed blocks while every rank's data
// fits (a step's spikes, usually), else a second MPI_Allgatherv with the
// lengths the blocks carried; the block grows to what was needed, the
// same on every rank. A failed collective aborts the job: MPI's default
// error handler does so before returning anyway.
func World() rt.Comm { return &world{block: 64} }

type world struct {
	block int     // int32 per rank in the first collective: length, then data
	out   []int32 // this rank's block
	in    []int32 // every rank's
}

func (*world) Rank() int { return rank }
func (*world) Size() int { return size }

func (w *world) Allgather(send, recv []int32, counts []int) ([]int32, []int) {
	w.out = append(append(w.out[:0], int32(len(send))), send[:min(len(send), w.block-1)]...)
	w.out = append(w.out, make([]int32, w.block-len(w.out))...)
	if cap(w.in) < w.block*size {
		w.in = make([]int32, w.block*size)
	}
	w.in = w.in[:w.block*size]
	if check("Allgather", C.allgather_int32(unsafe.Pointer(&w.out[0]), C.int(w.block), unsafe.Pointer(&w.in[0]))) != nil {
		Abort(1)
	}
	recv, counts = recv[:0], counts[:0]
	most := 0
	for r := range size {
		n := int(w.in[r*w.block])
		counts = append(counts, n)
		most = max(most, n)
	}
	if most < w.block {
		for r, n := range counts {
			recv = append(recv, w.in[r*w.block+1:r*w.block+1+n]...)
		}
		return recv, counts
	}
	// some rank's data did not fit: gather it all, with the lengths known
	for w.block <= most {
		w.block *= 2
	}
	cnt, disp := scratch[0].get(size), scratch[1].get(size)
	total := 0
	for r, n := range counts {
		cnt[r], disp[r] = C.int(n), C.int(total)
		total += n
	}
	recv = append(recv, make([]int32, total+1)...)
	sbuf := append(send[:len(send):len(send)], 0) // never empty
	if check("Allgatherv", C.allgatherv_int32(unsafe.Pointer(&sbuf[0]), C.int(len(send)), unsafe.Pointer(&recv[0]), &cnt[0], &disp[0])) != nil {
		Abort(1)
	}
	return recv[:total], counts
}
