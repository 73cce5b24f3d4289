package rt

import (
	goruntime "runtime"
	"sync"
	"sync/atomic"
)

// Team runs the threads of a simulation: the caller plus n−1 long-lived
// worker goroutines. A goroutine per share and a WaitGroup park and wake an
// OS thread at every fork-join (futex calls, microseconds in a VM, several
// times a step); a worker instead spins briefly after its share, in case
// the next fork-join comes at once, and then blocks on a channel, as
// OpenMP's default wait policy does; the caller waits for the workers the
// same way. The spin is short (tens of µs) and skipped when the team has
// more threads than Go may run at once: a spinning thread then holds a core
// that a thread with work needs, and the run crawls (issue 15).
// One goroutine drives a Team at a time; Close ends its workers.
type Team struct {
	n      int
	spin   int // polls before blocking
	f      func(t int)
	gen    atomic.Uint64   // one more for every fork-join
	left   atomic.Int64    // workers still running this fork-join
	wake   []chan struct{} // a hint that gen moved (capacity 1)
	done   chan struct{}   // a hint that left reached 0 (capacity 1)
	closed atomic.Bool
}

// spinLimit is how many times a thread polls before it blocks: tens of µs,
// longer than the serial stretch between two fork-joins of a step.
const spinLimit = 1 << 15

// NewTeam starts n−1 workers (none for n ≤ 1).
func NewTeam(n int) *Team {
	n = max(n, 1)
	tm := &Team{n: n, spin: spinLimit, wake: make([]chan struct{}, n), done: make(chan struct{}, 1)}
	if n > goruntime.GOMAXPROCS(0) {
		tm.spin = 0
	}
	for t := 1; t < n; t++ {
		tm.wake[t] = make(chan struct{}, 1)
		go tm.work(t)
	}
	return tm
}

// Size is the number of threads.
func (tm *Team) Size() int { return tm.n }

// hint sends a token unless one is already waiting. The channels only
// say "look again": a thread re-checks the atomic counter after every
// token, so a stale token costs one extra check, and a token sent after
// the counter moved always finds the thread that blocked before it moved.
func hint(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

func (tm *Team) work(t int) {
	var last uint64
	for {
		for spins := 0; tm.gen.Load() == last; spins++ {
			if spins >= tm.spin {
				<-tm.wake[t]
			}
		}
		last = tm.gen.Load()
		if tm.closed.Load() {
			return
		}
		tm.f(t)
		if tm.left.Add(-1) == 0 {
			hint(tm.done)
		}
	}
}

// Run calls f(t) for every thread t in [0, Size()) at once and returns when
// all have returned; the caller runs f(0).
func (tm *Team) Run(f func(t int)) {
	if tm.n <= 1 {
		f(0)
		return
	}
	tm.f = f
	tm.left.Store(int64(tm.n - 1))
	tm.gen.Add(1)
	tm.wakeAll()
	f(0)
	for spins := 0; tm.left.Load() > 0; spins++ {
		if spins >= tm.spin {
			<-tm.done
		}
	}
}

func (tm *Team) wakeAll() {
	for t := 1; t < tm.n; t++ {
		hint(tm.wake[t])
	}
}

// Split calls f(t, lo, hi) with thread t's share [lo, hi) of n items (an
// empty share when n < Size()).
func (tm *Team) Split(n int, f func(t, lo, hi int)) {
	tm.Run(func(t int) { f(t, t*n/tm.n, (t+1)*n/tm.n) })
}

// Close ends the workers; the Team must not be used afterwards.
func (tm *Team) Close() {
	if tm.n <= 1 || tm.closed.Swap(true) {
		return
	}
	tm.gen.Add(1)
	tm.wakeAll()
}

// ForChunks cuts n items into chunks of size items ([lo, hi), the last
// one shorter) and runs them on up to threads goroutines, each taking the
// next chunk when it has finished one: on a shared machine a thread that
// gets less of a core takes fewer chunks, instead of holding up the rest
// with a fixed share. Construction uses it for work whose result depends
// on the chunk alone (each block of synapses or rows draws from its own
// stream), so any number of threads gives the same result. newWorker is
// called once a goroutine for its working state. After a chunk fails no
// new chunk is started; every chunk below it has been taken and is
// finished, so the error returned, the lowest failed chunk's, is the one a
// single thread would return.
func ForChunks(n, size int64, threads int, newWorker func() func(lo, hi int64) error) error {
	if n <= 0 {
		return nil
	}
	size = max(size, 1)
	nc := (n + size - 1) / size
	W := int(min(int64(max(threads, 1)), nc))
	var next atomic.Int64
	var failed atomic.Bool
	errs := make([]error, nc) // by chunk
	run := func() {
		f := newWorker()
		for !failed.Load() {
			c := next.Add(1) - 1
			if c >= nc {
				return
			}
			if err := f(c*size, min((c+1)*size, n)); err != nil {
				errs[c] = err
				failed.Store(true)
			}
		}
	}
	var wg sync.WaitGroup
	for range W - 1 {
		wg.Go(run)
	}
	run()
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
