package runtime

import (
	goruntime "runtime"
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
	n       int
	spin    int // polls before blocking
	f       func(t int)
	gen     atomic.Uint64 // one more for every fork-join
	left    atomic.Int64  // workers still running this fork-join
	asleep  []atomic.Bool
	wake    []chan struct{}
	waiting atomic.Bool   // the caller blocks on done
	done    chan struct{} // the last worker of a fork-join wakes the caller
	closed  atomic.Bool
}

// spinLimit is how many times a thread polls before it blocks: tens of µs,
// longer than the serial stretch between two fork-joins of a step.
const spinLimit = 1 << 15

// NewTeam starts n−1 workers (none for n ≤ 1).
func NewTeam(n int) *Team {
	n = max(n, 1)
	tm := &Team{n: n, spin: spinLimit, asleep: make([]atomic.Bool, n), wake: make([]chan struct{}, n), done: make(chan struct{}, 1)}
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

func (tm *Team) work(t int) {
	var last uint64
	for {
		for spins := 0; tm.gen.Load() == last; spins++ {
			if spins < tm.spin {
				continue
			}
			// block, unless the next fork-join came meanwhile
			tm.asleep[t].Store(true)
			if tm.gen.Load() != last && tm.asleep[t].CompareAndSwap(true, false) {
				break
			}
			<-tm.wake[t]
			break
		}
		last = tm.gen.Load()
		if tm.closed.Load() {
			return
		}
		tm.f(t)
		if tm.left.Add(-1) == 0 && tm.waiting.CompareAndSwap(true, false) {
			tm.done <- struct{}{}
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
		if spins < tm.spin {
			continue
		}
		// block, unless the last worker finished meanwhile
		tm.waiting.Store(true)
		if tm.left.Load() == 0 && tm.waiting.CompareAndSwap(true, false) {
			break
		}
		<-tm.done
		break
	}
}

func (tm *Team) wakeAll() {
	for t := 1; t < tm.n; t++ {
		if tm.asleep[t].CompareAndSwap(true, false) {
			tm.wake[t] <- struct{}{}
		}
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
