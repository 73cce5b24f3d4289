package gosim

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestKernelsSIMDBitIdentical: every kernel gives the bits of its scalar
// loop (written out here independently, one neuron at a time; a product
// added to something is converted to float64, which the Go spec says keeps
// the compiler from fusing the two into one FMA, as it does with
// GOAMD64=v3) with the
// scalar loops, 4 lanes (AVX2) and 8 lanes (AVX-512), on lengths around the vector width and on inputs with signed
// zeros, NaNs, infinities and subnormals (NaN payloads aside).
func TestKernelsSIMDBitIdentical(t *testing.T) {
	widths := []int{0} // the scalar loops, then every width the CPU has
	for _, w := range []int{4, 8} {
		if simdCPU(w) {
			widths = append(widths, w)
		} else {
			t.Logf("no %d-lane kernels in this build or CPU: not checked", w)
		}
	}
	defer func(v vecKernels) { simd = v }(simd)
	rng := rand.New(rand.NewPCG(1, 2))
	special := []float64{0, math.Copysign(0, -1), math.NaN(), math.Inf(1), math.Inf(-1), 5e-324, -1e-310, 1e308}
	vec := func(n int) []float64 {
		x := make([]float64, n)
		for i := range x {
			if rng.IntN(6) == 0 {
				x[i] = special[rng.IntN(len(special))]
			} else {
				x[i] = rng.NormFloat64() * math.Pow(10, float64(rng.IntN(7)-3))
			}
		}
		return x
	}
	// bits equal; any NaN equals any NaN: which operand's payload and sign
	// an x86 operation passes on depends on the order the compiler chose
	// for commutative operands, and no NaN reaches an output (the finite
	// check stops the run at the first)
	same := func(a, b []float64) bool {
		return slices.EqualFunc(a, b, func(x, y float64) bool {
			return math.Float64bits(x) == math.Float64bits(y) || math.IsNaN(x) && math.IsNaN(y)
		})
	}
	k0, k1, k2, k3 := -0.3, 1.7, math.Copysign(0, -1), 2.5e-3
	for n := 0; n < 40; n++ {
		x, y, z, w, u := vec(n), vec(n), vec(n), vec(n), vec(n)
		ref := make([]int32, n)
		for i := range ref {
			ref[i] = int32(rng.IntN(20))
		}
		const step = 10
		cases := []struct {
			name string
			run  func(o []float64)
			one  func(i int, o float64) float64
		}{
			{"addVV", func(o []float64) { addVV(o, x, y) }, func(i int, _ float64) float64 { return x[i] + y[i] }},
			{"addVK", func(o []float64) { addVK(o, x, k1) }, func(i int, _ float64) float64 { return x[i] + k1 }},
			{"addKV", func(o []float64) { addKV(o, x, k2) }, func(i int, _ float64) float64 { return k2 + x[i] }},
			{"subVV", func(o []float64) { subVV(o, x, y) }, func(i int, _ float64) float64 { return x[i] - y[i] }},
			{"subVK", func(o []float64) { subVK(o, x, k1) }, func(i int, _ float64) float64 { return x[i] - k1 }},
			{"mulVV", func(o []float64) { mulVV(o, x, y) }, func(i int, _ float64) float64 { return x[i] * y[i] }},
			{"mulVK", func(o []float64) { mulVK(o, x, k3) }, func(i int, _ float64) float64 { return x[i] * k3 }},
			{"divVK", func(o []float64) { divVK(o, x, k0) }, func(i int, _ float64) float64 { return x[i] / k0 }},
			{"subKV", func(o []float64) { subKV(o, x, k2) }, func(i int, _ float64) float64 { return k2 - x[i] }},
			{"mulKV", func(o []float64) { mulKV(o, x, k0) }, func(i int, _ float64) float64 { return k0 * x[i] }},
			{"divVV", func(o []float64) { divVV(o, x, y) }, func(i int, _ float64) float64 { return x[i] / y[i] }},
			{"divKV", func(o []float64) { divKV(o, x, k1) }, func(i int, _ float64) float64 { return k1 / x[i] }},
			{"subKVMulV", func(o []float64) { subKVMulV(o, x, y, k0) }, func(i int, _ float64) float64 { return (k0 - x[i]) * y[i] }},
			{"mulVSubKV", func(o []float64) { mulVSubKV(o, x, y, k2) }, func(i int, _ float64) float64 { return y[i] * (k2 - x[i]) }},
			{"mulKSubKV", func(o []float64) { mulKSubKV(o, x, k1, k2) }, func(i int, _ float64) float64 { return k1 * (k2 - x[i]) }},
			{"mulKVAddV", func(o []float64) { mulKVAddV(o, x, y, k3) }, func(i int, _ float64) float64 { return float64(k3*x[i]) + y[i] }},
			{"addVMulKV", func(o []float64) { addVMulKV(o, x, y, k3) }, func(i int, _ float64) float64 { return y[i] + float64(k3*x[i]) }},
			{"negMulK", func(o []float64) { negMulK(o, x, k3) }, func(i int, _ float64) float64 { return (-x[i]) * k3 }},
			{"negV", func(o []float64) { negV(o, x) }, func(i int, _ float64) float64 { return -x[i] }},
			{"row1", func(o []float64) { row1(o, x, k0, k1) }, func(i int, _ float64) float64 { return float64(k0*x[i]) + k1 }},
			{"row2", func(o []float64) { row2(o, x, y, k0, k1, k3) }, func(i int, _ float64) float64 { return float64(k0*x[i]) + float64(k1*y[i]) + k3 }},
			{"row3", func(o []float64) { row3(o, x, y, z, k0, k1, k3, k2) }, func(i int, _ float64) float64 { return float64(k0*x[i]) + float64(k1*y[i]) + float64(k3*z[i]) + k2 }},
			{"row3Held", func(o []float64) { row3Held(o, x, y, z, ref, step, k0, k1, k3, k2) }, func(i int, o float64) float64 {
				if step < ref[i] {
					return o
				}
				return float64(k0*x[i]) + float64(k1*y[i]) + float64(k3*z[i]) + k2
			}},
			{"addVMulVSubKV", func(o []float64) { addVMulVSubKV(o, z, x, y, k1) }, func(i int, _ float64) float64 { return z[i] + float64(y[i]*(k1-x[i])) }},
			{"mulVSubKVAddV", func(o []float64) { mulVSubKVAddV(o, z, x, y, k1) }, func(i int, _ float64) float64 { return float64(y[i]*(k1-x[i])) + z[i] }},
			{"qPlusM", func(o []float64) { qPlusM(o, x, y, z, k0, k1, k2) }, func(i int, _ float64) float64 { return float64(k0*(k1-x[i])) + float64(y[i]*(k2-z[i])) }},
			{"eulerAddM", func(o []float64) { eulerAddM(o, z, x, y, k1, k0, ref, step, k3) }, func(i int, o float64) float64 {
				d := (z[i] + float64(y[i]*(k1-x[i]))) * k0
				if step < ref[i] {
					d = 0
				}
				return o + float64(k3*d)
			}},
			{"eulerAddMFree", func(o []float64) { eulerAddM(o, z, x, y, k1, k0, nil, step, k3) }, func(i int, o float64) float64 { return o + float64(k3*((z[i]+float64(y[i]*(k1-x[i])))*k0)) }},
			{"eulerQMM", func(o []float64) { eulerQMM(o, x, y, z, w, u, k0, k1, k2, k3, k1, ref, step, k3) }, func(i int, o float64) float64 {
				d := ((float64(k0*(k1-x[i])) + float64(y[i]*(k2-z[i]))) + float64(u[i]*(k3-w[i]))) * k1
				if step < ref[i] {
					d = 0
				}
				return o + float64(k3*d)
			}},
			{"eulerQMMFree", func(o []float64) { eulerQMM(o, x, y, z, w, u, k0, k1, k2, k3, k1, nil, step, k3) }, func(i int, o float64) float64 {
				d := ((float64(k0*(k1-x[i])) + float64(y[i]*(k2-z[i]))) + float64(u[i]*(k3-w[i]))) * k1
				return o + float64(k3*d)
			}},
			{"eulerFree", func(o []float64) { euler(o, y, nil, step, k3) }, func(i int, o float64) float64 { return o + float64(k3*y[i]) }},
			{"eulerScaled", func(o []float64) { eulerScaled(o, y, k1, true, ref, step, k3) }, func(i int, o float64) float64 {
				d := (-y[i]) * k1
				if step < ref[i] {
					d = 0
				}
				return o + float64(k3*d)
			}},
			{"eulerScaledFree", func(o []float64) { eulerScaled(o, y, k1, false, nil, step, k3) }, func(i int, o float64) float64 { return o + float64(k3*(y[i]*k1)) }},
			{"euler", func(o []float64) { euler(o, y, ref, step, k3) }, func(i int, o float64) float64 {
				d := y[i]
				if step < ref[i] {
					d = 0
				}
				return o + float64(k3*d)
			}},
		}
		for _, c := range cases {
			init := vec(n)
			want := slices.Clone(init)
			for i := range want {
				want[i] = c.one(i, want[i])
			}
			for _, w := range widths {
				simd = kernels(w)
				got := slices.Clone(init)
				c.run(got)
				if !same(got, want) {
					t.Errorf("%s, n = %d, lanes %d: got %v, want %v", c.name, n, w, got, want)
				}
			}
		}
		for _, op := range []string{">", ">=", "<", "<="} {
			for _, held := range []bool{false, true} {
				// CUBA's one-pass block against the row-by-row loops
				k := &lifRows{c0: k0, c1: k1, c2: k3, r: k2, d1: 0.99, r1: k2, d2: -0.5, r2: 1e-3, held: held, op: op, thr: 0.1}
				simd = kernels(0)
				v, g1, g2 := slices.Clone(x), slices.Clone(y), slices.Clone(z)
				if held {
					row3Held(v, v, g1, g2, ref, step, k.c0, k.c1, k.c2, k.r)
				} else {
					row3(v, v, g1, g2, k.c0, k.c1, k.c2, k.r)
				}
				row1(g1, g1, k.d1, k.r1)
				row1(g2, g2, k.d2, k.r2)
				want := crossings(nil, op, v, ref, step, k.thr, 7)
				for _, w := range widths {
					simd = kernels(w)
					gv, gg1, gg2 := slices.Clone(x), slices.Clone(y), slices.Clone(z)
					got := lifBlock(nil, k, gv, gg1, gg2, ref, step, 7)
					if !same(gv, v) || !same(gg1, g1) || !same(gg2, g2) || !slices.Equal(got, want) {
						t.Errorf("lifBlock %s held %v, n = %d, lanes %d: v %v g1 %v g2 %v spikes %v, want %v %v %v %v", op, held, n, w, gv, gg1, gg2, got, v, g1, g2, want)
					}
				}
			}
			var want []int32
			for i, v := range x {
				hit := map[string]bool{">": v > k0, ">=": v >= k0, "<": v < k0, "<=": v <= k0}[op]
				if hit && step >= ref[i] {
					want = append(want, int32(100+i))
				}
			}
			for _, w := range widths {
				simd = kernels(w)
				if got := crossings(nil, op, x, ref, step, k0, 100); !slices.Equal(got, want) {
					t.Errorf("crossings %s, n = %d, lanes %d: %v, want %v", op, n, w, got, want)
				}
				wantBad := slices.IndexFunc(x, func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) })
				if got := firstNonFinite(x); got != wantBad {
					t.Errorf("firstNonFinite, n = %d, lanes %d: %d, want %d", n, w, got, wantBad)
				}
			}
		}
		// one NaN or infinity at each place, the rest finite: the random
		// inputs above may have none in a vector's bulk
		for p := range n {
			f := make([]float64, n)
			f[p] = []float64{math.NaN(), math.Inf(1), math.Inf(-1)}[p%3]
			for _, w := range widths {
				simd = kernels(w)
				if got := firstNonFinite(f); got != p {
					t.Errorf("firstNonFinite, n = %d, lanes %d: %d, want %d", n, w, got, p)
				}
			}
		}
	}
}
