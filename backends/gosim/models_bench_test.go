package gosim_test

import (
	"testing"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/backends/gosim"
)

// benchModel runs a model for dur seconds per iteration with the
// interpreter (compiled once, outside the timing).
func benchModel(b *testing.B, path string, dur float64, threads int) {
	p, _, diags := snnc.CompileIR(path, snnc.Options{})
	if diags.HasErrors() {
		b.Fatal(diags)
	}
	cpu := int64(cpuTime())
	for b.Loop() {
		if _, err := gosim.Run(p, gosim.Options{Duration: dur, Threads: threads}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(int64(cpuTime())-cpu)/float64(b.N), "cpu-ns/op")
}

// cpuTime is the process's CPU time (user and system) in ns: on a shared,
// loaded machine it varies far less than the wall time between runs.

func BenchmarkRunCUBA4000(b *testing.B)    { benchModel(b, "../../examples/cuba.snn", 0.2, 1) }
func BenchmarkRunCUBA40000(b *testing.B)   { benchModel(b, "../../bench/models/cuba40k.snn", 0.05, 1) }
func BenchmarkRunCUBA40000T2(b *testing.B) { benchModel(b, "../../bench/models/cuba40k.snn", 0.05, 2) }

// a delay per projection against a delay per synapse: 1 s, and the
// construction alone (one step)
func BenchmarkRunCUBADelay(b *testing.B) { benchModel(b, "../../bench/models/cuba_delay.snn", 1, 1) }
func BenchmarkRunCUBASynDelay(b *testing.B) {
	benchModel(b, "../../bench/models/cuba_syndelay.snn", 1, 1)
}
func BenchmarkBuildCUBADelay(b *testing.B) {
	benchModel(b, "../../bench/models/cuba_delay.snn", 1e-4, 1)
}
func BenchmarkBuildCUBASynDelay(b *testing.B) {
	benchModel(b, "../../bench/models/cuba_syndelay.snn", 1e-4, 1)
}

func BenchmarkRunCOBA4000(b *testing.B)  { benchModel(b, "../../examples/coba.snn", 0.1, 1) }
func BenchmarkRunCOBA40000(b *testing.B) { benchModel(b, "../../bench/models/coba40k.snn", 0.02, 1) }
func BenchmarkRunRK4(b *testing.B)       { benchModel(b, "../../testdata/gocode/simd_rk4.snn", 0.2, 1) }
func BenchmarkRunIzhikevich(b *testing.B) {
	benchModel(b, "../../bench/models/izhikevich2006.snn", 0.2, 1)
}

// benchNeurons times one step of the neuron work only (update, finite
// check, threshold, reset: gosim.NeuronStep), per neuron.
func benchNeurons(b *testing.B, path string) {
	p, _, diags := snnc.CompileIR(path, snnc.Options{})
	if diags.HasErrors() {
		b.Fatal(diags)
	}
	step, n, err := gosim.NeuronStep(p)
	if err != nil {
		b.Fatal(err)
	}
	cpu := int64(cpuTime())
	for b.Loop() {
		if err := step(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(int64(cpuTime())-cpu)/float64(b.N)/float64(n), "cpu-ns/neuron")
}

func BenchmarkNeuronsCUBA4000(b *testing.B)  { benchNeurons(b, "../../examples/cuba.snn") }
func BenchmarkNeuronsCUBA40000(b *testing.B) { benchNeurons(b, "../../bench/models/cuba40k.snn") }
func BenchmarkNeuronsCOBA40000(b *testing.B) { benchNeurons(b, "../../bench/models/coba40k.snn") }
func BenchmarkNeuronsRK4(b *testing.B)       { benchNeurons(b, "../../testdata/gocode/simd_rk4.snn") }
func BenchmarkNeuronsIzhikevich(b *testing.B) {
	benchNeurons(b, "../../bench/models/izhikevich2006.snn")
}

// BenchmarkRunDendrites: continuous dendrites (10 segments a neuron,
// their output computed every step) and two-compartment cells.
func BenchmarkRunDendrites(b *testing.B) { benchModel(b, "../../examples/dendrites.snn", 1, 1) }
