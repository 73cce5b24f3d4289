package estimate_test

import (
	"fmt"
	"testing"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/backends/gosim"
	"github.com/snnc/snnc/estimate"
	"github.com/snnc/snnc/runtime"
)

const model = `
neuron C {
    state {
        v = 0 mV
        w = 0 mV
    }
    equations {
        v' = -v / 10 ms
        w' = -w / 20 ms
    }
    inputs {
        exc: v += weight
    }
    on threshold v > 5 mV {
        v = 0 mV
    }
}
network N {
    dt = 0.1 ms
    population P = C[1000]
    project d = P -> P : exc { connect = all_to_all  weight = 0.001 mV }
    project q = P -> P : exc { connect = one_to_one  weight = rand() * 1 mV }
    record P.v
    record P.w[0:10] every 1 ms
}
run N for 100 ms
`

// TestMemoryClosedForm: the estimate of a small model, item by item, is
// the closed form of what the run allocates: 2 state values a neuron (8 B
// each) plus 8 B of refractory deadline and spike list; dense all_to_all
// keeps only the 4-byte target list of a row; one_to_one with drawn weights
// is compact rows (2 B a target, 4 B a row pointer) plus a float32 weight; a
// recording keeps 8 B a neuron and sample plus 32 B a sample. The
// connectivity items equal what gosim reports having allocated.
func TestMemoryClosedForm(t *testing.T) {
	p, _, diags := snnc.CompileSource("m.snn", []byte(model), snnc.Options{})
	if p == nil {
		t.Fatal(diags)
	}
	const n = 1000
	steps := estimate.Steps(p, 0)
	if steps != 1000 {
		t.Fatalf("steps %d", steps)
	}
	want := map[string]float64{
		"population P (1000 neurons × 24 B)":       n * (2*8 + 8),
		"projection d (dense, 1000000 synapses)":   4 * n,
		"projection q (csr, 1000 synapses)":        2*n + 4*(n+1) + 4*n,
		"record P.v (1000 neurons, every 1 steps)": 16*n + 1000*(8*n+32),
		"record P.w (10 neurons, every 10 steps)":  16*10 + 100*(8*10+32),
	}
	items := estimate.Memory(p)
	got := map[string]float64{}
	for _, it := range items {
		got[it.Name] = it.Bytes(steps)
	}
	total := 0.0
	for name, b := range want {
		total += b
		if got[name] != b {
			t.Errorf("%s: %g bytes, want %g (items: %v)", name, got[name], b, got)
		}
	}
	if len(got) != len(want) || rt.MemTotal(items, steps) != total {
		t.Errorf("items %v, total %g, want %g", got, rt.MemTotal(items, steps), total)
	}
	res, err := gosim.Run(p, gosim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, ps := range res.Summary.Projections {
		est := got[fmt.Sprintf("projection %s (%s, %d synapses)", ps.Name, ps.Storage, ps.Synapses)]
		// dense rows share one target list, which gosim does not count
		if ps.Name == "q" && est != ps.ConnectivityBytes || ps.Name == "d" && est < ps.ConnectivityBytes {
			t.Errorf("projection %s: gosim allocated %g bytes, estimated %g", ps.Name, ps.ConnectivityBytes, est)
		}
		checked++
	}
	if checked != 2 {
		t.Errorf("%d projections in the summary", checked)
	}
}

// TestHugePopulationRefused: LIF[1000000000] (40 B a neuron: three state
// values and a current port) is refused with the estimate before anything
// is allocated, not by a Go fatal error.
func TestHugePopulationRefused(t *testing.T) {
	src := "import \"std/neurons\"\nnetwork N {\n    population P = LIF[1000000000]\n    record spikes(P)\n}\nrun N for 10 ms\n"
	p, _, diags := snnc.CompileSource("m.snn", []byte(src), snnc.Options{})
	if p == nil {
		t.Fatal(diags)
	}
	_, err := gosim.Run(p, gosim.Options{MemLimit: rt.MemLimit{Bytes: 16 << 30, Source: "16 GiB"}})
	want := "the run needs about 37.25 GiB but 16 GiB allows 16.00 GiB; the biggest items: population P (1000000000 neurons × 40 B): 37.25 GiB."
	if err == nil || err.Error()[:len(want)] != want {
		t.Fatalf("got %v\nwant %s", err, want)
	}
}
