package gosim_test

import (
	"slices"
	"testing"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/backends/gosim"
	"github.com/snnc/snnc/runtime"
)

// drawnWeightsSrc: 20000 synapses with weights drawn per synapse (normal,
// sign kept).
const drawnWeightsSrc = `
neuron Acc {
    state { v = 0 mV }
    inputs { exc: v += weight }
}
network W {
    dt = 0.1 ms
    seed = 3
    population A = Acc[200]
    population B = Acc[200]
    project drawn = A -> B : exc { connect = fixed_total_number(20000)  weight = max(normal(0.15 mV, 0.015 mV), 0 mV) }
    record weights(drawn)
}
run W for 1 ms
`

// TestDrawnWeightsFloat32 (issue 16): weights drawn per synapse are stored
// as float32, rounded once when drawn: every recorded weight is a float32
// value, they still follow the drawn normal (mean and sd within 3 %), and
// the summary counts 4 bytes a synapse for them: compact rows (a 2-byte
// target a synapse, 201 4-byte row starts) plus the weights,
// 2 + 4·201/20000 + 4 (float64 weights: 10.04).
func TestDrawnWeightsFloat32(t *testing.T) {
	p, _, diags := snnc.CompileSource("w.snn", []byte(drawnWeightsSrc), snnc.Options{})
	if p == nil {
		t.Fatal(diags)
	}
	res := run(t, p, gosim.Options{})
	if len(res.Weights) != 1 || len(res.Weights[0].V) == 0 {
		t.Fatalf("want one weight recording, got %d", len(res.Weights))
	}
	ws := res.Weights[0].V[len(res.Weights[0].V)-1]
	if len(ws) != 20000 {
		t.Fatalf("%d weights, want 20000", len(ws))
	}
	var m, v float64
	for _, w := range ws {
		if float64(float32(w)) != w {
			t.Fatalf("weight %v is not a float32 value", w)
		}
		m += w / float64(len(ws))
	}
	for _, w := range ws {
		v += (w - m) * (w - m) / float64(len(ws))
	}
	if m < 0.97*0.15e-3 || m > 1.03*0.15e-3 || v < 0.94*0.015e-3*0.015e-3 || v > 1.06*0.015e-3*0.015e-3 {
		t.Errorf("weights: mean %v sd^2 %v, want 0.15 mV and (0.015 mV)^2", m, v)
	}
	pr := res.Summary.Projections[0]
	if want := 2 + 4*201/20000.0 + 4; pr.BytesPerSynapse != want {
		t.Errorf("%s: %v bytes a synapse, want %v", pr.Name, pr.BytesPerSynapse, want)
	}
}

// blockWeightsSrc: 60000 drawn weights, a third of them clipped to 0.
const blockWeightsSrc = `
neuron Acc {
    state { v = 0 mV }
    inputs { exc: v += weight }
}
network W {
    dt = 0.1 ms
    seed = 6
    population A = Acc[400]
    population B = Acc[300]
    project drawn = A -> B : exc { connect = fixed_total_number(60000)  weight = max(normal(0.2 mV, 0.4 mV), 0 mV)  delay = normal(0.75 ms, 0.375 ms) }
    record weights(drawn)
}
run W for 0.2 ms
`

// TestDrawnWeightsBlocks (issue 16): drawn weights come block by block,
// block b of rt.SynBlock synapses from the child b of the stream
// ("weight", projection), re-derived here; 1, 2 and 3 threads draw the
// same weights onto the same synapses.
func TestDrawnWeightsBlocks(t *testing.T) {
	p, _, diags := snnc.CompileSource("w.snn", []byte(blockWeightsSrc), snnc.Options{})
	if p == nil {
		t.Fatal(diags)
	}
	var first []float64
	var pre, post []int32
	for _, threads := range []int{1, 2, 3} {
		res := run(t, p, gosim.Options{Threads: threads})
		ws := res.Weights[0].V[len(res.Weights[0].V)-1]
		if first != nil {
			if !slices.Equal(ws, first) || !slices.Equal(res.Weights[0].Pre, pre) || !slices.Equal(res.Weights[0].Post, post) {
				t.Errorf("%d threads: other weights or synapses than 1 thread's", threads)
			}
			continue
		}
		first, pre, post = ws, res.Weights[0].Pre, res.Weights[0].Post
		stream := rt.NewStream(6, rt.Hash("weight", "drawn"))
		var rng rt.Stream
		zeros := 0
		for s, w := range ws {
			if s%rt.SynBlock == 0 {
				rng = stream.Child(uint64(s / rt.SynBlock))
			}
			want := float64(float32(max(0.2e-3+0.4e-3*rng.Normal(), 0)))
			if w != want {
				t.Fatalf("synapse %d: weight %v, its block's stream gives %v", s, w, want)
			}
			if w == 0 {
				zeros++
			}
		}
		if zeros < 15000 || zeros > 25000 {
			t.Errorf("%d weights clipped to 0 of 60000, expected about 18500", zeros)
		}
	}
}
