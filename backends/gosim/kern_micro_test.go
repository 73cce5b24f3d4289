package gosim

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkKern: a few kernels on 4000 neurons at every width this build
// and CPU have (0 = the scalar loops): an operator (addVV), an exact row
// with refractoriness (row3Held), COBA's fused Euler step (eulerQMM) and
// CUBA's one-pass block (lifBlock). ns/op is per call of 4000 neurons.
func BenchmarkKern(b *testing.B) {
	const n = 4000
	rng := rand.New(rand.NewPCG(3, 4))
	vec := func() []float64 {
		x := make([]float64, n)
		for i := range x {
			x[i] = rng.Float64() - 0.5
		}
		return x
	}
	o, x, y, z, w, u := vec(), vec(), vec(), vec(), vec(), vec()
	ref := make([]int32, n)
	for i := range ref {
		ref[i] = int32(rng.IntN(20))
	}
	k := &lifRows{c0: 0.995, c1: 0.005, c2: 0.005, r: -0.0002, d1: 0.98, d2: 0.99, op: ">", thr: 0.49, held: true}
	defer func(v vecKernels) { simd = v }(simd)
	var spikes []int32
	kerns := []struct {
		name string
		run  func()
	}{
		{"addVV", func() { addVV(o, x, y) }},
		{"row3Held", func() { row3Held(o, x, y, z, ref, 10, 0.9, 0.1, 0.2, 0.3) }},
		{"eulerQMM", func() { eulerQMM(o, x, y, z, w, u, 0.1, 0.2, 0.3, 0.4, 0.5, ref, 10, 1e-4) }},
		{"lifBlock", func() {
			copy(o, x) // keep v in range, as the reset does
			spikes = lifBlock(spikes[:0], k, o, y, z, ref, 10, 0)
		}},
	}
	for _, kn := range kerns {
		for _, lanes := range append([]int{0}, Lanes()...) {
			b.Run(fmt.Sprintf("%s/lanes=%d", kn.name, lanes), func(b *testing.B) {
				simd = kernels(lanes)
				for b.Loop() {
					kn.run()
				}
			})
		}
	}
}
