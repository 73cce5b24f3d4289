package rt

import (
	goruntime "runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestTeam: every thread runs each fork-join exactly once and Run returns
// only after all have, whether the workers were spinning or had parked;
// Split covers every item once. With more threads than GOMAXPROCS the
// workers block without spinning.
func TestTeam(t *testing.T) {
	for _, n := range []int{1, 2, 3, 8, 2*goruntime.GOMAXPROCS(0) + 1} {
		tm := NewTeam(n)
		hits := make([]atomic.Int64, n)
		for round := 0; round < 600; round++ {
			if round%300 == 150 {
				time.Sleep(20 * time.Millisecond) // let the workers park
			}
			tm.Run(func(t int) { hits[t].Add(1) })
			for k := 0; k < n; k++ {
				if got := hits[k].Load(); got != int64(round+1) {
					t.Fatalf("n = %d, round %d: thread %d ran %d times", n, round, k, got)
				}
			}
		}
		for _, items := range []int{0, 1, 2, 1000} {
			var sum, calls atomic.Int64
			tm.Split(items, func(t, lo, hi int) {
				calls.Add(1)
				for i := lo; i < hi; i++ {
					sum.Add(int64(i) + 1)
				}
			})
			if sum.Load() != int64(items*(items+1)/2) || calls.Load() != int64(n) {
				t.Errorf("n = %d: Split(%d) summed %d in %d calls", n, items, sum.Load(), calls.Load())
			}
		}
		tm.Close()
	}
}

// BenchmarkForkJoin: fork-joins of two threads with 20 µs of serial work
// between them (a step's bookkeeping), a Team against a goroutine per share.
func BenchmarkForkJoin(b *testing.B) {
	serial := func() {
		x := 0.0
		for i := 0; i < 20000; i++ {
			x += float64(i)
		}
		sinkTeam = x
	}
	b.Run("team", func(b *testing.B) {
		tm := NewTeam(2)
		defer tm.Close()
		for b.Loop() {
			serial()
			tm.Run(func(int) {})
		}
	})
	b.Run("goroutines", func(b *testing.B) {
		for b.Loop() {
			serial()
			var wg sync.WaitGroup
			wg.Add(1)
			go func() { wg.Done() }()
			wg.Wait()
		}
	})
}

var sinkTeam float64
