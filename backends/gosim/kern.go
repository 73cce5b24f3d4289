package gosim

import "os"

// The loops the interpreter spends its time in: each kernel runs over
// whole slices, with a vector version (kern_simd.go, 8 float64 lanes with
// AVX-512, or kern_simd4.go, 4 lanes with AVX2; built with
// GOEXPERIMENT=simd) for the bulk and this scalar loop
// for the rest, or for all of it when SIMD is off. A vector lane does
// exactly the IEEE operations of the scalar loop in the same order: no
// fused multiply-add, no reassociation. So results are bit-identical
// either way, and to the code the gocode backend emits.

// simd holds the vector bodies the kernels use, all of one width, or none
// (w = 0: the scalar loops only). It is chosen once, here, as in built
// binaries: 8 lanes with AVX-512, 4 with AVX2 (kern_simd4.go);
// SNNC_SIMD=off keeps the scalar loops, SNNC_SIMD=avx2 forces 4 lanes.
var simd = kernels(vecLanes(os.Getenv("SNNC_SIMD")))

// vecLanes is the vector width for SNNC_SIMD=mode on this build and CPU.
func vecLanes(mode string) int {
	switch {
	case mode == "off":
		return 0
	case mode != "avx2" && simdCPU(8):
		return 8
	case simdCPU(4):
		return 4
	}
	return 0
}

// vecKernels is one width's vector bodies. Each handles the largest
// multiple of w elements and returns how many it did (see kern_simd.go).
// vecMin is the shortest slice handed to a vector kernel; shorter ones run
// the scalar loop (an indirect call per operator cost Song 2000's single
// neuron, a million steps of RK4, about 15 % of its run). The built binaries
// use the same bound (gocode's simdMinLen).
const vecMin = 32

type vecKernels struct {
	w                                                      int
	addVV, subVV, mulVV, divVV                             func(o, x, y []float64) int
	addVK, addKV, subVK, subKV, mulVK, mulKV, divVK, divKV func(o, x []float64, k float64) int
	negMulK                                                func(o, x []float64, k float64) int
	subKVMulV, mulVSubKV                                   func(o, x, y []float64, k float64) int
	mulKSubKV                                              func(o, x []float64, c, k float64) int
	mulKVAddV, addVMulKV                                   func(o, x, y []float64, c float64) int
	negV                                                   func(o, x []float64) int
	row1                                                   func(o, a []float64, c0, r float64) int
	row2                                                   func(o, a, b []float64, c0, c1, r float64) int
	row3                                                   func(o, a, b, c []float64, c0, c1, c2, r float64) int
	addVMulVSubKV, mulVSubKVAddV                           func(o, a, x, y []float64, k float64) int
	qPlusM                                                 func(o, x, y, z []float64, c, k, k2 float64) int
	eulerAddM                                              func(o, a, x, y []float64, k, c float64, ref []int32, n int32, dt float64) (int, bool)
	eulerQMM                                               func(o, x, y, z, x2, y2 []float64, c, k1, k2, k3, s float64, ref []int32, n int32, dt float64) (int, bool)
	row3Held                                               func(o, a, b, c []float64, ref []int32, n int32, c0, c1, c2, r float64) int
	euler                                                  func(o, k []float64, ref []int32, n int32, dt float64) (int, bool)
	eulerScaled                                            func(o, x []float64, c float64, neg bool, ref []int32, n int32, dt float64) (int, bool)
	nonFinite                                              func(x []float64) bool
	crossings                                              func(spikes []int32, op string, vals []float64, ref []int32, n int32, c float64, lo int) ([]int32, int)
	lifBlock                                               func(spikes []int32, k *lifRows, v, g1, g2 []float64, ref []int32, n int32, lo int) ([]int32, int)
}

// addVV sets o = x + y.
func addVV(o, x, y []float64) {
	if simd.w != 0 && len(o) >= vecMin {
		done := simd.addVV(o, x, y)
		o, x, y = o[done:], x[done:], y[done:]
	}
	x, y = x[:len(o)], y[:len(o)]
	for i := range o {
		o[i] = x[i] + y[i]
	}
}

// addVK sets o = x + k.
func addVK(o, x []float64, k float64) {
	if simd.w != 0 && len(o) >= vecMin {
		done := simd.addVK(o, x, k)
		o, x = o[done:], x[done:]
	}
	x = x[:len(o)]
	for i := range o {
		o[i] = x[i] + k
	}
}

// addKV sets o = k + x.
func addKV(o, x []float64, k float64) {
	if simd.w != 0 && len(o) >= vecMin {
		done := simd.addKV(o, x, k)
		o, x = o[done:], x[done:]
	}
	x = x[:len(o)]
	for i := range o {
		o[i] = k + x[i]
	}
}

// subVV sets o = x - y.
func subVV(o, x, y []float64) {
	if simd.w != 0 && len(o) >= vecMin {
		done := simd.subVV(o, x, y)
		o, x, y = o[done:], x[done:], y[done:]
	}
	x, y = x[:len(o)], y[:len(o)]
	for i := range o {
		o[i] = x[i] - y[i]
	}
}

// subVK sets o = x - k.
func subVK(o, x []float64, k float64) {
	if simd.w != 0 && len(o) >= vecMin {
		done := simd.subVK(o, x, k)
		o, x = o[done:], x[done:]
	}
	x = x[:len(o)]
	for i := range o {
		o[i] = x[i] - k
	}
}

// subKV sets o = k - x.
func subKV(o, x []float64, k float64) {
	if simd.w != 0 && len(o) >= vecMin {
		done := simd.subKV(o, x, k)
		o, x = o[done:], x[done:]
	}
	x = x[:len(o)]
	for i := range o {
		o[i] = k - x[i]
	}
}

// mulVV sets o = x * y.
func mulVV(o, x, y []float64) {
	if simd.w != 0 && len(o) >= vecMin {
		done := simd.mulVV(o, x, y)
		o, x, y = o[done:], x[done:], y[done:]
	}
	x, y = x[:len(o)], y[:len(o)]
	for i := range o {
		o[i] = x[i] * y[i]
	}
}

// mulVK sets o = x * k.
func mulVK(o, x []float64, k float64) {
	if simd.w != 0 && len(o) >= vecMin {
		done := simd.mulVK(o, x, k)
		o, x = o[done:], x[done:]
	}
	x = x[:len(o)]
	for i := range o {
		o[i] = x[i] * k
	}
}

// mulKV sets o = k * x.
func mulKV(o, x []float64, k float64) {
	if simd.w != 0 && len(o) >= vecMin {
		done := simd.mulKV(o, x, k)
		o, x = o[done:], x[done:]
	}
	x = x[:len(o)]
	for i := range o {
		o[i] = k * x[i]
	}
}

// divVV sets o = x / y.
func divVV(o, x, y []float64) {
	if simd.w != 0 && len(o) >= vecMin {
		done := simd.divVV(o, x, y)
		o, x, y = o[done:], x[done:], y[done:]
	}
	x, y = x[:len(o)], y[:len(o)]
	for i := range o {
		o[i] = x[i] / y[i]
	}
}

// divVK sets o = x / k.
func divVK(o, x []float64, k float64) {
	if simd.w != 0 && len(o) >= vecMin {
		done := simd.divVK(o, x, k)
		o, x = o[done:], x[done:]
	}
	x = x[:len(o)]
	for i := range o {
		o[i] = x[i] / k
	}
}

// divKV sets o = k / x.
func divKV(o, x []float64, k float64) {
	if simd.w != 0 && len(o) >= vecMin {
		done := simd.divKV(o, x, k)
		o, x = o[done:], x[done:]
	}
	x = x[:len(o)]
	for i := range o {
		o[i] = k / x[i]
	}
}

// subKVMulV sets o = (k - x) * y.
func subKVMulV(o, x, y []float64, k float64) {
	if simd.w != 0 && len(o) >= vecMin {
		done := simd.subKVMulV(o, x, y, k)
		o, x, y = o[done:], x[done:], y[done:]
	}
	x, y = x[:len(o)], y[:len(o)]
	for i := range o {
		o[i] = (k - x[i]) * y[i]
	}
}

// mulVSubKV sets o = y * (k - x).
func mulVSubKV(o, x, y []float64, k float64) {
	if simd.w != 0 && len(o) >= vecMin {
		done := simd.mulVSubKV(o, x, y, k)
		o, x, y = o[done:], x[done:], y[done:]
	}
	x, y = x[:len(o)], y[:len(o)]
	for i := range o {
		o[i] = y[i] * (k - x[i])
	}
}

// mulKSubKV sets o = c * (k - x).
func mulKSubKV(o, x []float64, c, k float64) {
	if simd.w != 0 && len(o) >= vecMin {
		done := simd.mulKSubKV(o, x, c, k)
		o, x = o[done:], x[done:]
	}
	x = x[:len(o)]
	for i := range o {
		o[i] = c * (k - x[i])
	}
}

// mulKVAddV sets o = c*x + y.
func mulKVAddV(o, x, y []float64, c float64) {
	if simd.w != 0 && len(o) >= vecMin {
		done := simd.mulKVAddV(o, x, y, c)
		o, x, y = o[done:], x[done:], y[done:]
	}
	x, y = x[:len(o)], y[:len(o)]
	for i := range o {
		o[i] = c*x[i] + y[i]
	}
}

// addVMulKV sets o = y + c*x.
func addVMulKV(o, x, y []float64, c float64) {
	if simd.w != 0 && len(o) >= vecMin {
		done := simd.addVMulKV(o, x, y, c)
		o, x, y = o[done:], x[done:], y[done:]
	}
	x, y = x[:len(o)], y[:len(o)]
	for i := range o {
		o[i] = y[i] + c*x[i]
	}
}

// negMulK sets o = (-x) * k.
func negMulK(o, x []float64, k float64) {
	if simd.w != 0 && len(o) >= vecMin {
		done := simd.negMulK(o, x, k)
		o, x = o[done:], x[done:]
	}
	x = x[:len(o)]
	for i := range o {
		o[i] = (-x[i]) * k
	}
}

// negV sets o = -x.
func negV(o, x []float64) {
	if simd.w != 0 && len(o) >= vecMin {
		done := simd.negV(o, x)
		o, x = o[done:], x[done:]
	}
	x = x[:len(o)]
	for i := range o {
		o[i] = -x[i]
	}
}

// row1 sets o = c0*a + r.
func row1(o, a []float64, c0, r float64) {
	if simd.w != 0 && len(o) >= vecMin {
		done := simd.row1(o, a, c0, r)
		o, a = o[done:], a[done:]
	}
	a = a[:len(o)]
	for i := range o {
		o[i] = c0*a[i] + r
	}
}

// row2 sets o = c0*a + c1*b + r.
func row2(o, a, b []float64, c0, c1, r float64) {
	if simd.w != 0 && len(o) >= vecMin {
		done := simd.row2(o, a, b, c0, c1, r)
		o, a, b = o[done:], a[done:], b[done:]
	}
	a, b = a[:len(o)], b[:len(o)]
	for i := range o {
		o[i] = c0*a[i] + c1*b[i] + r
	}
}

// row3 sets o = c0*a + c1*b + c2*c + r.
func row3(o, a, b, c []float64, c0, c1, c2, r float64) {
	if simd.w != 0 && len(o) >= vecMin {
		done := simd.row3(o, a, b, c, c0, c1, c2, r)
		o, a, b, c = o[done:], a[done:], b[done:], c[done:]
	}
	a, b, c = a[:len(o)], b[:len(o)], c[:len(o)]
	for i := range o {
		o[i] = c0*a[i] + c1*b[i] + c2*c[i] + r
	}
}

// addVMulVSubKV sets o = a + y*(k - x).
func addVMulVSubKV(o, a, x, y []float64, k float64) {
	if simd.w != 0 && len(o) >= vecMin {
		done := simd.addVMulVSubKV(o, a, x, y, k)
		o, a, x, y = o[done:], a[done:], x[done:], y[done:]
	}
	a, x, y = a[:len(o)], x[:len(o)], y[:len(o)]
	for i := range o {
		o[i] = a[i] + y[i]*(k-x[i])
	}
}

// mulVSubKVAddV sets o = y*(k - x) + a.
func mulVSubKVAddV(o, a, x, y []float64, k float64) {
	if simd.w != 0 && len(o) >= vecMin {
		done := simd.mulVSubKVAddV(o, a, x, y, k)
		o, a, x, y = o[done:], a[done:], x[done:], y[done:]
	}
	a, x, y = a[:len(o)], x[:len(o)], y[:len(o)]
	for i := range o {
		o[i] = y[i]*(k-x[i]) + a[i]
	}
}

// qPlusM sets o = c*(k - x) + y*(k2 - z): two conductance terms.
func qPlusM(o, x, y, z []float64, c, k, k2 float64) {
	if simd.w != 0 && len(o) >= vecMin {
		done := simd.qPlusM(o, x, y, z, c, k, k2)
		o, x, y, z = o[done:], x[done:], y[done:], z[done:]
	}
	x, y, z = x[:len(o)], y[:len(o)], z[:len(o)]
	for i := range o {
		o[i] = c*(k-x[i]) + y[i]*(k2-z[i])
	}
}

// row3Held is row3 for neurons that are not refractory (n >= ref[i]);
// refractory ones keep their value.
func row3Held(o, a, b, c []float64, ref []int32, n int32, c0, c1, c2, r float64) {
	if simd.w != 0 && len(o) >= vecMin {
		done := simd.row3Held(o, a, b, c, ref, n, c0, c1, c2, r)
		o, a, b, c, ref = o[done:], a[done:], b[done:], c[done:], ref[done:]
	}
	a, b, c, ref = a[:len(o)], b[:len(o)], c[:len(o)], ref[:len(o)]
	for i := range o {
		if n < ref[i] {
			continue
		}
		o[i] = c0*a[i] + c1*b[i] + c2*c[i] + r
	}
}

// euler takes the Euler step o += dt*k, with k taken as 0 for refractory
// neurons (n < ref[i]) when ref is not nil. It reports whether a new value
// is NaN or infinite.
func euler(o, k []float64, ref []int32, n int32, dt float64) bool {
	bad := false
	if simd.w != 0 && len(o) >= vecMin {
		var done int
		done, bad = simd.euler(o, k, ref, n, dt)
		o, k = o[done:], k[done:]
		if ref != nil {
			ref = ref[done:]
		}
	}
	k = k[:len(o)]
	for i := range o {
		d := k[i]
		if ref != nil && n < ref[i] {
			d = 0
		}
		o[i] += dt * d
		bad = bad || o[i]-o[i] != 0
	}
	return bad
}

// eulerScaled is euler with k = x*c, or (-x)*c when neg: the right side's
// last multiplication done in the same loop.
func eulerScaled(o, x []float64, c float64, neg bool, ref []int32, n int32, dt float64) bool {
	bad := false
	if simd.w != 0 && len(o) >= vecMin {
		var done int
		done, bad = simd.eulerScaled(o, x, c, neg, ref, n, dt)
		o, x = o[done:], x[done:]
		if ref != nil {
			ref = ref[done:]
		}
	}
	x = x[:len(o)]
	for i := range o {
		d := x[i]
		if neg {
			d = -d
		}
		d *= c
		if ref != nil && n < ref[i] {
			d = 0
		}
		o[i] += dt * d
		bad = bad || o[i]-o[i] != 0
	}
	return bad
}

// eulerAddM is euler with k = (a + y*(k - x)) * c: the last conductance
// term, the scaling and the step in one loop.
func eulerAddM(o, a, x, y []float64, k, c float64, ref []int32, n int32, dt float64) bool {
	bad := false
	if simd.w != 0 && len(o) >= vecMin {
		var done int
		done, bad = simd.eulerAddM(o, a, x, y, k, c, ref, n, dt)
		o, a, x, y = o[done:], a[done:], x[done:], y[done:]
		if ref != nil {
			ref = ref[done:]
		}
	}
	a, x, y = a[:len(o)], x[:len(o)], y[:len(o)]
	for i := range o {
		d := (a[i] + y[i]*(k-x[i])) * c
		if ref != nil && n < ref[i] {
			d = 0
		}
		o[i] += dt * d
		bad = bad || o[i]-o[i] != 0
	}
	return bad
}

// eulerQMM is euler with k = ((c*(k1 - x) + y*(k2 - z)) + y2*(k3 - x2)) * s:
// a conductance-based membrane with three terms (COBA's), its scaling and
// the step in one loop.
func eulerQMM(o, x, y, z, x2, y2 []float64, c, k1, k2, k3, s float64, ref []int32, n int32, dt float64) bool {
	bad := false
	if simd.w != 0 && len(o) >= vecMin {
		var done int
		done, bad = simd.eulerQMM(o, x, y, z, x2, y2, c, k1, k2, k3, s, ref, n, dt)
		o, x, y, z, x2, y2 = o[done:], x[done:], y[done:], z[done:], x2[done:], y2[done:]
		if ref != nil {
			ref = ref[done:]
		}
	}
	x, y, z, x2, y2 = x[:len(o)], y[:len(o)], z[:len(o)], x2[:len(o)], y2[:len(o)]
	for i := range o {
		d := ((c*(k1-x[i]) + y[i]*(k2-z[i])) + y2[i]*(k3-x2[i])) * s
		if ref != nil && n < ref[i] {
			d = 0
		}
		o[i] += dt * d
		bad = bad || o[i]-o[i] != 0
	}
	return bad
}

// firstNonFinite returns the index of the first NaN or infinity in x, or -1.
func firstNonFinite(x []float64) int {
	i := 0
	if simd.w != 0 && !simd.nonFinite(x) {
		i = len(x) &^ (simd.w - 1) // the vector pass found none in the bulk
	}
	for ; i < len(x); i++ {
		if x[i]-x[i] != 0 { // NaN or ±Inf: one comparison instead of two calls
			return i
		}
	}
	return -1
}

// crossings appends lo+i for every i where vals[i] op c and the neuron is
// not refractory (n >= ref[i]), in index order.
func crossings(spikes []int32, op string, vals []float64, ref []int32, n int32, c float64, lo int) []int32 {
	ref = ref[:len(vals)]
	i := 0
	if simd.w != 0 && len(vals) >= vecMin {
		spikes, i = simd.crossings(spikes, op, vals, ref, n, c, lo)
	}
	vals, ref = vals[i:], ref[i:]
	lo += i
	// one loop per operator keeps the comparison out of the inner branch
	switch op {
	case ">":
		for i, v := range vals {
			if v > c && n >= ref[i] {
				spikes = append(spikes, int32(lo+i))
			}
		}
	case ">=":
		for i, v := range vals {
			if v >= c && n >= ref[i] {
				spikes = append(spikes, int32(lo+i))
			}
		}
	case "<":
		for i, v := range vals {
			if v < c && n >= ref[i] {
				spikes = append(spikes, int32(lo+i))
			}
		}
	default:
		for i, v := range vals {
			if v <= c && n >= ref[i] {
				spikes = append(spikes, int32(lo+i))
			}
		}
	}
	return spikes
}

// lifRows is the exact update of the common current-based LIF (CUBA): v
// reads the old g1 and g2, then each g decays on its own:
//
//	v  = c0*v + c1*g1 + c2*g2 + r   (unchanged while refractory, if held)
//	g1 = d1*g1 + r1
//	g2 = d2*g2 + r2
//
// and the threshold test `v op thr` of neurons that are not refractory.
type lifRows struct {
	c0, c1, c2, r, d1, r1, d2, r2 float64
	held                          bool
	op                            string
	thr                           float64
}

// lifBlock integrates neurons [lo, lo+len(v)) and appends the ones that
// cross. The vector version does it in one pass; the rest (all of it
// without SIMD) runs the row-by-row loops, the same operations per neuron.
func lifBlock(spikes []int32, k *lifRows, v, g1, g2 []float64, ref []int32, n int32, lo int) []int32 {
	g1, g2, ref = g1[:len(v)], g2[:len(v)], ref[:len(v)]
	i := 0
	if simd.w != 0 && len(v) >= vecMin {
		spikes, i = simd.lifBlock(spikes, k, v, g1, g2, ref, n, lo)
	}
	v, g1, g2, ref = v[i:], g1[i:], g2[i:], ref[i:]
	if k.held {
		row3Held(v, v, g1, g2, ref, n, k.c0, k.c1, k.c2, k.r)
	} else {
		row3(v, v, g1, g2, k.c0, k.c1, k.c2, k.r)
	}
	row1(g1, g1, k.d1, k.r1)
	row1(g2, g2, k.d2, k.r2)
	return crossings(spikes, k.op, v, ref, n, k.thr, lo+i)
}
