package runtime

import (
	"fmt"
	"os"
	"strconv"
	"sync"
)

// Comm is the group of processes (MPI ranks) one run is split over. Each
// rank owns a contiguous range of every population's neurons (Share),
// updates only those and exchanges the step's spikes with the others; the
// results are those of one process, bit for bit. nil means one process.
//
// The interpreter needs one collective: Allgather. runtime/mpi implements
// it over MPI (build tag mpi); LocalComms runs the ranks as goroutines of
// one process, for tests.
type Comm interface {
	Rank() int
	Size() int
	// Allgather returns every rank's send concatenated in rank order
	// (appended to recv[:0]) and each rank's length (in counts[:0]).
	// Every rank must call it, in the same order.
	Allgather(send, recv []int32, counts []int) ([]int32, []int)
}

// Share is the contiguous range [lo, hi) of n neurons that rank owns of
// size ranks: the same split on every rank, ascending with the rank, so
// joining the ranks' spikes in rank order gives them in index order.
func Share(n, rank, size int) (lo, hi int) {
	return int(int64(n) * int64(rank) / int64(size)), int(int64(n) * int64(rank+1) / int64(size))
}

// Agree tells every rank whether any rank failed: it returns the lowest
// failing rank, or -1. Every rank must call it at the same point.
func Agree(c Comm, failed bool) int {
	flag := int32(0)
	if failed {
		flag = 1
	}
	all, _ := c.Allgather([]int32{flag}, nil, nil)
	for r, f := range all {
		if f != 0 {
			return r
		}
	}
	return -1
}

// RankError is the error of a rank that stopped because another one
// failed (that rank reports its own error).
type RankError struct{ Rank int }

func (e *RankError) Error() string {
	return fmt.Sprintf("stopped: rank %d failed (it reports its error)", e.Rank)
}

// MPIProcesses returns the number of processes of the MPI job this
// process was started in (0: not started by an MPI launcher), read from
// what OpenMPI's mpirun, MPICH/Hydra and Slurm's srun --mpi set.
func MPIProcesses() int {
	for _, k := range []string{"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"} {
		if v := os.Getenv(k); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return 0
			}
			return n
		}
	}
	return 0
}

// LocalComms returns size ranks that exchange through memory: run each in
// its own goroutine (tests of the distribution without MPI).
func LocalComms(size int) []Comm {
	g := &localGroup{size: size, sends: make([][]int32, size)}
	g.cond = sync.NewCond(&g.mu)
	cs := make([]Comm, size)
	for r := range cs {
		cs[r] = &localComm{g: g, rank: r}
	}
	return cs
}

type localGroup struct {
	mu      sync.Mutex
	cond    *sync.Cond
	size    int
	sends   [][]int32
	arrived int // ranks that deposited their send in this round
	left    int // ranks that copied the result out of this round
	gen     int
}

type localComm struct {
	g    *localGroup
	rank int
}

func (c *localComm) Rank() int { return c.rank }
func (c *localComm) Size() int { return c.g.size }

func (c *localComm) Allgather(send, recv []int32, counts []int) ([]int32, []int) {
	g := c.g
	g.mu.Lock()
	defer g.mu.Unlock()
	for g.left > 0 { // the previous round is still being read
		g.cond.Wait()
	}
	g.sends[c.rank] = append(g.sends[c.rank][:0], send...) // the caller may reuse send once it returns
	g.arrived++
	gen := g.gen
	if g.arrived == g.size {
		g.gen++
		g.left = g.size
		g.cond.Broadcast()
	}
	for gen == g.gen {
		g.cond.Wait()
	}
	recv, counts = recv[:0], counts[:0]
	for _, s := range g.sends {
		recv = append(recv, s...)
		counts = append(counts, len(s))
	}
	g.left--
	if g.left == 0 {
		g.arrived = 0
		g.cond.Broadcast()
	}
	return recv, counts
}
