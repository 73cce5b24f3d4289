package rt

import (
	"testing"
)

// CUBA at N = 40000 with p = 80/N: 1.6e9 candidate pairs, 3.2e6 synapses.
func BenchmarkConnectBernoulli40000(b *testing.B) {
	const n = 40000
	spec := ConnSpec{Kind: "bernoulli", P: 80.0 / n}
	var c *CSR
	for b.Loop() {
		var err error
		c, err = Connect(spec, g1(n), g1(n), NewStream(1, Hash("E->E")))
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(c.NumSynapses()), "synapses")
	b.ReportMetric(float64(c.Bytes())/float64(c.NumSynapses()), "bytes/synapse")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(c.NumSynapses()), "ns/synapse")
}

func BenchmarkProceduralRow40000(b *testing.B) {
	const n = 40000
	p, _ := NewProcedural(ConnSpec{Kind: "bernoulli", P: 80.0 / n}, g1(n), g1(n), NewStream(1))
	var buf []int32
	i := 0
	for b.Loop() {
		buf = p.Row(i%n, buf)
		i++
	}
}

// 1000 Poisson inputs at 15 Hz, dt = 0.1 ms (the Song 2000 STDP input).
func BenchmarkPoissonStep(b *testing.B) {
	src := NewPoisson(1000, 15, 1e-4, NewStream(1))
	s := 0
	for b.Loop() {
		src.Step(s)
		s++
	}
}

// A large input: 40000 trains at 20 Hz.
func BenchmarkPoissonStep40000(b *testing.B) {
	src := NewPoisson(40000, 20, 1e-4, NewStream(1))
	s := 0
	for b.Loop() {
		src.Step(s)
		s++
	}
}

func BenchmarkUint64(b *testing.B) {
	s := NewStream(1)
	var x uint64
	for b.Loop() {
		x ^= s.Uint64()
	}
	_ = x
}

func BenchmarkBinomialBTPE(b *testing.B) {
	s := NewStream(1)
	for b.Loop() {
		s.Binomial(40000, 0.02)
	}
}
