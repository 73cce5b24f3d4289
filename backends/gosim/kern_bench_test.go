package gosim_test

import (
	"testing"

	"github.com/snnc/snnc/backends/gosim"
)

// BenchmarkCUBA40000: the interpreter on bench/models/cuba40k.snn (CUBA,
// N = 40000, p = 80/N), 0.2 s of model time, one thread, at the vector
// width this build and CPU select (SNNC_SIMD as in snnc). sim-s/op is the
// simulation loop alone (summary.json's wall_s), without the set-up.
// Compare a plain `go test` with a GOEXPERIMENT=simd one, as ratios in the
// same run (see BENCHMARKS.md).
func BenchmarkCUBA40000(b *testing.B) {
	p := compile(b, "../../bench/models/cuba40k.snn")
	defer gosim.SetLanes(gosim.SetLanes(gosim.EnvLanes()))
	b.ReportMetric(float64(gosim.EnvLanes()), "lanes")
	sim := 0.0
	for b.Loop() {
		res, err := gosim.Run(p, gosim.Options{Duration: 0.2, Threads: 1})
		if err != nil {
			b.Fatal(err)
		}
		sim += res.Summary.WallSeconds
	}
	b.ReportMetric(sim/float64(b.N), "sim-s/op")
}
