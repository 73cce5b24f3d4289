package rt

import (
	"fmt"
	"math"
	"os"
	"slices"
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

// AgreeErr is Agree on this rank's err: every rank learns whether one
// failed where the others did not, so none waits for it at a collective;
// a rank that did not fail gets a RankError naming the lowest that did.
// nil c (one process) returns err.
func AgreeErr(c Comm, err error) error {
	if c == nil {
		return err
	}
	if bad := Agree(c, err != nil); err == nil && bad >= 0 {
		return &RankError{Rank: bad}
	}
	return err
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

// Exchange is a rank's side of a split run's collectives (plan.Split),
// with its buffers: the same protocol for both executors.
type Exchange struct {
	Comm   Comm
	Calls  int // collectives so far (for measurements)
	send   []int32
	recv   []int32
	counts []int
}

// Spikes replaces each spikes[j] (indices of population j, ascending) by
// the spikes of every rank's share [lo[j], hi[j]) of it, in index order:
// a rank sends only its share's. The step's flags travel with them, so a
// failed rank still takes part and no rank waits forever: it returns the
// lowest rank that failed (-1: none) and whether any rank asked to stop.
func (x *Exchange) Spikes(failed, stop bool, spikes [][]int32, lo, hi []int) (bad int, stopAll bool) {
	flag := int32(0)
	if failed {
		flag = 1
	}
	if stop {
		flag |= 2
	}
	send := append(x.send[:0], flag)
	at := len(send)
	send = append(send, make([]int32, len(spikes))...)
	for j, spk := range spikes {
		n := 0
		for _, i := range spk {
			if int(i) >= lo[j] && int(i) < hi[j] {
				send = append(send, i)
				n++
			}
		}
		send[at+j] = int32(n)
	}
	x.send = send
	x.recv, x.counts = x.Comm.Allgather(send, x.recv, x.counts)
	x.Calls++
	for j := range spikes {
		spikes[j] = spikes[j][:0]
	}
	bad, at = -1, 0
	for r, c := range x.counts {
		msg := x.recv[at : at+c]
		at += c
		if msg[0]&1 != 0 && bad < 0 {
			bad = r
		}
		stopAll = stopAll || msg[0]&2 != 0
		k := 1 + len(spikes)
		for j := range spikes {
			n := int(msg[1+j])
			spikes[j] = append(spikes[j], msg[k:k+n]...)
			k += n
		}
	}
	return bad, stopAll
}

// Gather fills buf, the values of neurons [a, a+len(buf)) of a population
// of which this rank owns [lo, hi), with every owner's values (the bits
// travel as two int32 each).
func (x *Exchange) Gather(buf []float64, a, lo, hi int) {
	lo, hi = max(lo, a), min(hi, a+len(buf))
	send := x.send[:0]
	for i := lo; i < hi; i++ {
		v := math.Float64bits(buf[i-a])
		send = append(send, int32(uint32(v)), int32(uint32(v>>32)))
	}
	x.send = send
	x.recv, x.counts = x.Comm.Allgather(send, x.recv, x.counts)
	x.Calls++
	for k := range buf {
		v := uint64(uint32(x.recv[2*k])) | uint64(uint32(x.recv[2*k+1]))<<32
		buf[k] = math.Float64frombits(v)
	}
}

// KeepPostCSR drops the synapses of c onto postsynaptic neurons outside
// [lo, hi) (plan.Split.Keep), keeping the others in order, and returns how
// many it kept; move(dst, src) moves each kept synapse's other arrays
// (weights, delays; dst <= src). The columns are copied out, so the whole
// rows are freed.
func KeepPostCSR(c *CSR, lo, hi int, move func(dst, src int64)) int64 {
	k, start := int64(0), int64(0)
	for i := range c.NPre {
		end := c.RowPtr[i+1]
		for syn := start; syn < end; syn++ {
			if j := int(c.Col[syn]); j >= lo && j < hi {
				c.Col[k] = c.Col[syn]
				if c.W != nil {
					c.W[k] = c.W[syn]
				}
				move(k, syn)
				k++
			}
		}
		start, c.RowPtr[i+1] = end, k
	}
	c.Col = slices.Clone(c.Col[:k])
	if c.W != nil {
		c.W = slices.Clone(c.W[:k])
	}
	return k
}

// KeepPostRows is KeepPostCSR for compact rows.
func KeepPostRows(r *Rows, lo, hi int, move func(dst, src int64)) int64 {
	k, a := 0, 0
	for i := range r.NPre {
		_, b := r.Span(i) // its start is already rewritten
		for syn := a; syn < b; syn++ {
			var j int
			if r.Col16 != nil {
				j = int(r.Col16[syn])
			} else {
				j = int(r.Col32[syn])
			}
			if j < lo || j >= hi {
				continue
			}
			if r.Col16 != nil {
				r.Col16[k] = r.Col16[syn]
			} else {
				r.Col32[k] = r.Col32[syn]
			}
			if r.W != nil {
				r.W[k] = r.W[syn]
			}
			move(int64(k), int64(syn))
			k++
		}
		a = b
		if r.Ptr != nil {
			r.Ptr[i+1] = uint32(k)
		} else {
			r.Ptr64[i+1] = int64(k)
		}
	}
	if r.Col16 != nil {
		r.Col16 = slices.Clone(r.Col16[:k])
	} else {
		r.Col32 = slices.Clone(r.Col32[:k])
	}
	if r.W != nil {
		r.W = slices.Clone(r.W[:k])
	}
	return int64(k)
}

// Rewind turns the ring back by back steps, for the pushes of a spike
// that fired back steps ago (its synapses' delays are at least back: a
// run exchanging spikes once per interval, plan.Split.Interval); the
// returned function turns it forward again.
func (r *SynRing) Rewind(back int) func() {
	cur := r.cur
	r.cur = ((cur-back)%len(r.slots) + len(r.slots)) % len(r.slots)
	return func() { r.cur = cur }
}

// MinSteps is the smallest delay in steps (MaxInt for no synapses).
func (d *SynDelays) MinSteps() int {
	least := math.MaxInt
	for _, x := range d.D8 {
		least = min(least, int(x))
	}
	for _, x := range d.D16 {
		least = min(least, int(x))
	}
	return least
}
