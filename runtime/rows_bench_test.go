package rt

import "testing"

// Delivery of one constant weight from stored rows, as the generated code
// does it (backends/gocode propagate<k>): CUBA at N = 40000's E->E rows
// (32000 x 32000, p = 0.002, 64 targets a row) and at N = 4000 (3200 x
// 3200, p = 0.02), spikes drawn at random, ns/op = ns per synaptic event.
// The neuron arrays are not streamed between steps here, so the targets
// stay warmer than in a run; the rows (4 MB at 40000) do not.

func deliveryCase(b *testing.B, n int, p float64) (*CSR, *Rows, [][]int32, []float64) {
	rng := NewStream(1, Hash("bench"))
	spec := ConnSpec{Kind: "bernoulli", P: p}
	c, err := Connect(spec, g1(n), g1(n), rng)
	if err != nil {
		b.Fatal(err)
	}
	r := CompactCSR(c)
	pick := NewStream(2, Hash("spikes"))
	steps := make([][]int32, 256)
	for s := range steps {
		for range 2 + n/2000 { // ~5.5 Hz at dt = 0.1 ms: 0.00055 n spikes a step
			steps[s] = append(steps[s], int32(pick.Intn(n)))
		}
	}
	return c, r, steps, make([]float64, n)
}

func benchCSR(b *testing.B, n int, p float64) {
	c, _, steps, x := deliveryCase(b, n, p)
	events := 0
	b.ResetTimer()
	for k := 0; events < b.N; k++ {
		rp, col := c.RowPtr, c.Col
		for _, i32 := range steps[k%len(steps)] {
			pre := int(i32)
			for syn := int(rp[pre]); syn < int(rp[pre+1]); syn++ {
				x[int(col[syn])] += 0.00162
			}
			events += int(rp[pre+1] - rp[pre])
		}
	}
}

func benchRows(b *testing.B, n int, p float64, touch bool) {
	_, r, steps, x := deliveryCase(b, n, p)
	events := 0
	b.ResetTimer()
	for k := 0; events < b.N; k++ {
		col := r.Col16
		if touch {
			r.Touch(steps[k%len(steps)])
		}
		for _, i32 := range steps[k%len(steps)] {
			lo, hi := r.Span(int(i32))
			for _, j := range col[lo:hi] {
				x[int(j)] += 0.00162
			}
			events += hi - lo
		}
	}
}

func BenchmarkDeliverCSR4000(b *testing.B)        { benchCSR(b, 3200, 0.02) }
func BenchmarkDeliverRows4000(b *testing.B)       { benchRows(b, 3200, 0.02, false) }
func BenchmarkDeliverRowsTouch4000(b *testing.B)  { benchRows(b, 3200, 0.02, true) }
func BenchmarkDeliverCSR40000(b *testing.B)       { benchCSR(b, 32000, 0.002) }
func BenchmarkDeliverRows40000(b *testing.B)      { benchRows(b, 32000, 0.002, false) }
func BenchmarkDeliverRowsTouch40000(b *testing.B) { benchRows(b, 32000, 0.002, true) }

// BenchmarkDeliverProcedural40000: the same rows regenerated at every
// spike (Procedural.Targets), for comparison.
func BenchmarkDeliverProcedural40000(b *testing.B) {
	p, err := NewProcedural(ConnSpec{Kind: "bernoulli", P: 0.002}, g1(32000), g1(32000), NewStream(1, Hash("bench")))
	if err != nil {
		b.Fatal(err)
	}
	_, _, steps, x := deliveryCase(b, 32000, 0.002)
	var sc RowScratch
	events := 0
	b.ResetTimer()
	for k := 0; events < b.N; k++ {
		for _, i32 := range steps[k%len(steps)] {
			t := p.Targets(int(i32), &sc)
			for _, j := range t {
				x[int(j)] += 0.00162
			}
			events += len(t)
		}
	}
}
