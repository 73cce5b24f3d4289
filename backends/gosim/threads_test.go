package gosim_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/snnc/snnc/backends/gosim"
)

// TestThreadsOversubscribed: more threads than cores (8 on a CI machine of
// two) completes and gives the spikes of one thread.
func TestThreadsOversubscribed(t *testing.T) {
	p := compile(t, "../../examples/cuba.snn")
	one := run(t, p, gosim.Options{Duration: 0.1, Threads: 1})
	eight := run(t, p, gosim.Options{Duration: 0.1, Threads: 8})
	if len(one.Spikes) == 0 {
		t.Fatal("no spike monitors")
	}
	for k := range one.Spikes {
		a, b := one.Spikes[k], eight.Spikes[k]
		if len(a.I) == 0 || !slices.Equal(a.I, b.I) || !slices.Equal(a.T, b.T) {
			t.Errorf("monitor %d: %d spikes with 1 thread, %d with 8 (or they differ)", k, len(a.I), len(b.I))
		}
	}
}

// BenchmarkCUBAThreads: CUBA (4000 LIF, 0.2 s) with 1, 2 and 8 threads;
// 8 oversubscribes a 2-core machine, where spinning workers crawl.
func BenchmarkCUBAThreads(b *testing.B) {
	p := compile(b, "../../examples/cuba.snn")
	for _, n := range []int{1, 2, 8} {
		b.Run(fmt.Sprintf("threads=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := gosim.Run(p, gosim.Options{Duration: 0.2, Threads: n}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
