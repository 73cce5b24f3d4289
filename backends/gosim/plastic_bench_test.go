package gosim_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/snnc/snnc/backends/gosim"
)

// BenchmarkPlasticSTDP: pair STDP on 400k bernoulli synapses (2000 Poisson
// inputs at 20 Hz onto 2000 LIF, 0.2 s), with rows regenerated
// (procedural, 12 B a synapse) and stored (csr, 16 B a synapse). Reports
// ns per synaptic event (pre and post spikes times their synapses).
func BenchmarkPlasticSTDP(b *testing.B) {
	path := filepath.Join(b.TempDir(), "stdp.snn")
	src := `import "std/neurons"
import "std/plasticity"
network N {
    input P = poisson(2000, rate = 20 Hz)
    population B = LIF[2000]
    project p = P -> B : exc using PairSTDP { connect = bernoulli(0.1); weight = 1.5 mV }
    record spikes(B)
}
run N for 200 ms
`
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct{ name, off string }{{"procedural", ""}, {"csr", "sparsity"}} {
		b.Run(c.name, func(b *testing.B) {
			var off []string
			if c.off != "" {
				off = append(off, c.off)
			}
			p := compile(b, path, off...)
			var events float64
			for b.Loop() {
				res, err := gosim.Run(p, gosim.Options{})
				if err != nil {
					b.Fatal(err)
				}
				ps := res.Summary.Projections[0]
				post := float64(res.Summary.Populations[0].Spikes) * float64(ps.Synapses) / 2000
				pre := 2000 * 20 * 0.2 * float64(ps.Synapses) / 2000
				events = pre + post
			}
			b.ReportMetric(b.Elapsed().Seconds()*1e9/float64(b.N)/events, "ns/event")
		})
	}
}
