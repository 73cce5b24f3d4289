//go:build unix

package gosim_test

import (
	"syscall"
	"testing"
	"time"

	"github.com/snnc/snnc/backends/gosim"
)

// BenchmarkCUBA40000: the interpreter on bench/models/cuba40k.snn (CUBA,
// N = 40000, p = 80/N), 0.2 s of model time, one thread, at the vector
// width this build and CPU select (SNNC_SIMD as in snnc). sim-s/op is the
// simulation loop's wall time (summary.json's wall_s), cpu-s/op the
// process's CPU time over the same loop (less sensitive to other processes
// on a loaded machine), both without the set-up. Compare a plain
// `go test` with a GOEXPERIMENT=simd one, as ratios in the same run (see
// BENCHMARKS.md).
func BenchmarkCUBA40000(b *testing.B) { benchSim(b, "../../bench/models/cuba40k.snn") }

// BenchmarkCOBA40000: the same on bench/models/coba40k.snn (COBA: Euler
// steps through the fused operators and eulerQMM).
func BenchmarkCOBA40000(b *testing.B) { benchSim(b, "../../bench/models/coba40k.snn") }

func benchSim(b *testing.B, model string) {
	p := compile(b, model)
	defer gosim.SetLanes(gosim.SetLanes(gosim.EnvLanes()))
	sim, cpu := 0.0, 0.0
	var start time.Duration
	for b.Loop() {
		res, err := gosim.Run(p, gosim.Options{Duration: 0.2, Threads: 1, Started: func() { start = cpuTime() }})
		if err != nil {
			b.Fatal(err)
		}
		cpu += (cpuTime() - start).Seconds()
		sim += res.Summary.WallSeconds
	}
	b.ReportMetric(sim/float64(b.N), "sim-s/op")
	b.ReportMetric(cpu/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(gosim.EnvLanes()), "lanes")
}

// cpuTime is the user and system CPU time of this process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
