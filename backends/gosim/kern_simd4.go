// Code generated from kern_simd.go by TestKernSIMD4 (go test
// ./backends/gosim -run KernSIMD4 -update); DO NOT EDIT.

//go:build goexperiment.simd && amd64

package gosim

import (
	bits2 "math/bits"
	"simd/archsimd"
)

// The 4-lane (AVX2) twins of the 8-lane bodies of kern_simd.go, for CPUs
// without AVX-512 or with SNNC_SIMD=avx2. Each is its twin with 8 lanes
// replaced by 4 (Float64x8 by Float64x4, Int32x8 by Int32x4, Mask64x8 by
// Mask64x4, multiples of 8 by multiples of 4) and nothing else: the same
// operations in the same order, so the same bits.

// neg4 flips the sign bit, as the scalar -x does (0 - x would turn -0
// into +0).
func neg4(x archsimd.Float64x4) archsimd.Float64x4 {
	return x.AsUint64x4().Xor(archsimd.BroadcastUint64x4(1 << 63)).AsFloat64x4()
}

// active4 is the mask of neurons that are not refractory: n >= ref[i]
// (int32 values are exact in float64).
func active4(ref *[4]int32, nf archsimd.Float64x4) archsimd.Mask64x4 {
	return archsimd.LoadInt32x4(ref).ConvertToFloat64().LessEqual(nf)
}

// allZero4 is whether every bit of x is 0.
func allZero4(x archsimd.Uint64x4) bool {
	return x.Equal(archsimd.BroadcastUint64x4(0)).ToBits() == 0xf
}

func addVV4(o, x, y []float64) int {
	n := len(o) &^ 3
	o, x, y = o[:n], x[:n], y[:n]
	for len(o) >= 4 && len(x) >= 4 && len(y) >= 4 {
		X := archsimd.LoadFloat64x4((*[4]float64)(x))
		Y := archsimd.LoadFloat64x4((*[4]float64)(y))
		X.Add(Y).Store((*[4]float64)(o))
		o, x, y = o[4:], x[4:], y[4:]
	}
	return n
}

func addVK4(o, x []float64, k float64) int {
	K := archsimd.BroadcastFloat64x4(k)
	n := len(o) &^ 3
	o, x = o[:n], x[:n]
	for len(o) >= 4 && len(x) >= 4 {
		X := archsimd.LoadFloat64x4((*[4]float64)(x))
		X.Add(K).Store((*[4]float64)(o))
		o, x = o[4:], x[4:]
	}
	return n
}

func addKV4(o, x []float64, k float64) int {
	K := archsimd.BroadcastFloat64x4(k)
	n := len(o) &^ 3
	o, x = o[:n], x[:n]
	for len(o) >= 4 && len(x) >= 4 {
		X := archsimd.LoadFloat64x4((*[4]float64)(x))
		K.Add(X).Store((*[4]float64)(o))
		o, x = o[4:], x[4:]
	}
	return n
}

func subVV4(o, x, y []float64) int {
	n := len(o) &^ 3
	o, x, y = o[:n], x[:n], y[:n]
	for len(o) >= 4 && len(x) >= 4 && len(y) >= 4 {
		X := archsimd.LoadFloat64x4((*[4]float64)(x))
		Y := archsimd.LoadFloat64x4((*[4]float64)(y))
		X.Sub(Y).Store((*[4]float64)(o))
		o, x, y = o[4:], x[4:], y[4:]
	}
	return n
}

func subVK4(o, x []float64, k float64) int {
	K := archsimd.BroadcastFloat64x4(k)
	n := len(o) &^ 3
	o, x = o[:n], x[:n]
	for len(o) >= 4 && len(x) >= 4 {
		X := archsimd.LoadFloat64x4((*[4]float64)(x))
		X.Sub(K).Store((*[4]float64)(o))
		o, x = o[4:], x[4:]
	}
	return n
}

func subKV4(o, x []float64, k float64) int {
	K := archsimd.BroadcastFloat64x4(k)
	n := len(o) &^ 3
	o, x = o[:n], x[:n]
	for len(o) >= 4 && len(x) >= 4 {
		X := archsimd.LoadFloat64x4((*[4]float64)(x))
		K.Sub(X).Store((*[4]float64)(o))
		o, x = o[4:], x[4:]
	}
	return n
}

func mulVV4(o, x, y []float64) int {
	n := len(o) &^ 3
	o, x, y = o[:n], x[:n], y[:n]
	for len(o) >= 4 && len(x) >= 4 && len(y) >= 4 {
		X := archsimd.LoadFloat64x4((*[4]float64)(x))
		Y := archsimd.LoadFloat64x4((*[4]float64)(y))
		X.Mul(Y).Store((*[4]float64)(o))
		o, x, y = o[4:], x[4:], y[4:]
	}
	return n
}

func mulVK4(o, x []float64, k float64) int {
	K := archsimd.BroadcastFloat64x4(k)
	n := len(o) &^ 3
	o, x = o[:n], x[:n]
	for len(o) >= 4 && len(x) >= 4 {
		X := archsimd.LoadFloat64x4((*[4]float64)(x))
		X.Mul(K).Store((*[4]float64)(o))
		o, x = o[4:], x[4:]
	}
	return n
}

func mulKV4(o, x []float64, k float64) int {
	K := archsimd.BroadcastFloat64x4(k)
	n := len(o) &^ 3
	o, x = o[:n], x[:n]
	for len(o) >= 4 && len(x) >= 4 {
		X := archsimd.LoadFloat64x4((*[4]float64)(x))
		K.Mul(X).Store((*[4]float64)(o))
		o, x = o[4:], x[4:]
	}
	return n
}

func divVV4(o, x, y []float64) int {
	n := len(o) &^ 3
	o, x, y = o[:n], x[:n], y[:n]
	for len(o) >= 4 && len(x) >= 4 && len(y) >= 4 {
		X := archsimd.LoadFloat64x4((*[4]float64)(x))
		Y := archsimd.LoadFloat64x4((*[4]float64)(y))
		X.Div(Y).Store((*[4]float64)(o))
		o, x, y = o[4:], x[4:], y[4:]
	}
	return n
}

func divVK4(o, x []float64, k float64) int {
	K := archsimd.BroadcastFloat64x4(k)
	n := len(o) &^ 3
	o, x = o[:n], x[:n]
	for len(o) >= 4 && len(x) >= 4 {
		X := archsimd.LoadFloat64x4((*[4]float64)(x))
		X.Div(K).Store((*[4]float64)(o))
		o, x = o[4:], x[4:]
	}
	return n
}

func divKV4(o, x []float64, k float64) int {
	K := archsimd.BroadcastFloat64x4(k)
	n := len(o) &^ 3
	o, x = o[:n], x[:n]
	for len(o) >= 4 && len(x) >= 4 {
		X := archsimd.LoadFloat64x4((*[4]float64)(x))
		K.Div(X).Store((*[4]float64)(o))
		o, x = o[4:], x[4:]
	}
	return n
}

func subKVMulV4(o, x, y []float64, k float64) int {
	K := archsimd.BroadcastFloat64x4(k)
	n := len(o) &^ 3
	o, x, y = o[:n], x[:n], y[:n]
	for len(o) >= 4 && len(x) >= 4 && len(y) >= 4 {
		X := archsimd.LoadFloat64x4((*[4]float64)(x))
		Y := archsimd.LoadFloat64x4((*[4]float64)(y))
		K.Sub(X).Mul(Y).Store((*[4]float64)(o))
		o, x, y = o[4:], x[4:], y[4:]
	}
	return n
}

func mulVSubKV4(o, x, y []float64, k float64) int {
	K := archsimd.BroadcastFloat64x4(k)
	n := len(o) &^ 3
	o, x, y = o[:n], x[:n], y[:n]
	for len(o) >= 4 && len(x) >= 4 && len(y) >= 4 {
		X := archsimd.LoadFloat64x4((*[4]float64)(x))
		Y := archsimd.LoadFloat64x4((*[4]float64)(y))
		Y.Mul(K.Sub(X)).Store((*[4]float64)(o))
		o, x, y = o[4:], x[4:], y[4:]
	}
	return n
}

func mulKSubKV4(o, x []float64, c, k float64) int {
	C := archsimd.BroadcastFloat64x4(c)
	K := archsimd.BroadcastFloat64x4(k)
	n := len(o) &^ 3
	o, x = o[:n], x[:n]
	for len(o) >= 4 && len(x) >= 4 {
		X := archsimd.LoadFloat64x4((*[4]float64)(x))
		C.Mul(K.Sub(X)).Store((*[4]float64)(o))
		o, x = o[4:], x[4:]
	}
	return n
}

func mulKVAddV4(o, x, y []float64, c float64) int {
	C := archsimd.BroadcastFloat64x4(c)
	n := len(o) &^ 3
	o, x, y = o[:n], x[:n], y[:n]
	for len(o) >= 4 && len(x) >= 4 && len(y) >= 4 {
		X := archsimd.LoadFloat64x4((*[4]float64)(x))
		Y := archsimd.LoadFloat64x4((*[4]float64)(y))
		C.Mul(X).Add(Y).Store((*[4]float64)(o))
		o, x, y = o[4:], x[4:], y[4:]
	}
	return n
}

func addVMulKV4(o, x, y []float64, c float64) int {
	C := archsimd.BroadcastFloat64x4(c)
	n := len(o) &^ 3
	o, x, y = o[:n], x[:n], y[:n]
	for len(o) >= 4 && len(x) >= 4 && len(y) >= 4 {
		X := archsimd.LoadFloat64x4((*[4]float64)(x))
		Y := archsimd.LoadFloat64x4((*[4]float64)(y))
		Y.Add(C.Mul(X)).Store((*[4]float64)(o))
		o, x, y = o[4:], x[4:], y[4:]
	}
	return n
}

func negMulK4(o, x []float64, k float64) int {
	K := archsimd.BroadcastFloat64x4(k)
	n := len(o) &^ 3
	o, x = o[:n], x[:n]
	for len(o) >= 4 && len(x) >= 4 {
		X := archsimd.LoadFloat64x4((*[4]float64)(x))
		neg4(X).Mul(K).Store((*[4]float64)(o))
		o, x = o[4:], x[4:]
	}
	return n
}

func negV4(o, x []float64) int {
	n := len(o) &^ 3
	o, x = o[:n], x[:n]
	for len(o) >= 4 && len(x) >= 4 {
		X := archsimd.LoadFloat64x4((*[4]float64)(x))
		neg4(X).Store((*[4]float64)(o))
		o, x = o[4:], x[4:]
	}
	return n
}

func row14(o, a []float64, c0, r float64) int {
	C0 := archsimd.BroadcastFloat64x4(c0)
	R := archsimd.BroadcastFloat64x4(r)
	n := len(o) &^ 3
	o, a = o[:n], a[:n]
	for len(o) >= 4 && len(a) >= 4 {
		A := archsimd.LoadFloat64x4((*[4]float64)(a))
		C0.Mul(A).Add(R).Store((*[4]float64)(o))
		o, a = o[4:], a[4:]
	}
	return n
}

func row24(o, a, b []float64, c0, c1, r float64) int {
	C0 := archsimd.BroadcastFloat64x4(c0)
	C1 := archsimd.BroadcastFloat64x4(c1)
	R := archsimd.BroadcastFloat64x4(r)
	n := len(o) &^ 3
	o, a, b = o[:n], a[:n], b[:n]
	for len(o) >= 4 && len(a) >= 4 && len(b) >= 4 {
		A := archsimd.LoadFloat64x4((*[4]float64)(a))
		B := archsimd.LoadFloat64x4((*[4]float64)(b))
		C0.Mul(A).Add(C1.Mul(B)).Add(R).Store((*[4]float64)(o))
		o, a, b = o[4:], a[4:], b[4:]
	}
	return n
}

func row34(o, a, b, c []float64, c0, c1, c2, r float64) int {
	C0 := archsimd.BroadcastFloat64x4(c0)
	C1 := archsimd.BroadcastFloat64x4(c1)
	C2 := archsimd.BroadcastFloat64x4(c2)
	R := archsimd.BroadcastFloat64x4(r)
	n := len(o) &^ 3
	o, a, b, c = o[:n], a[:n], b[:n], c[:n]
	for len(o) >= 4 && len(a) >= 4 && len(b) >= 4 && len(c) >= 4 {
		A := archsimd.LoadFloat64x4((*[4]float64)(a))
		B := archsimd.LoadFloat64x4((*[4]float64)(b))
		Cc := archsimd.LoadFloat64x4((*[4]float64)(c))
		C0.Mul(A).Add(C1.Mul(B)).Add(C2.Mul(Cc)).Add(R).Store((*[4]float64)(o))
		o, a, b, c = o[4:], a[4:], b[4:], c[4:]
	}
	return n
}

func addVMulVSubKV4(o, a, x, y []float64, k float64) int {
	K := archsimd.BroadcastFloat64x4(k)
	n := len(o) &^ 3
	o, a, x, y = o[:n], a[:n], x[:n], y[:n]
	for len(o) >= 4 && len(a) >= 4 && len(x) >= 4 && len(y) >= 4 {
		A := archsimd.LoadFloat64x4((*[4]float64)(a))
		X := archsimd.LoadFloat64x4((*[4]float64)(x))
		Y := archsimd.LoadFloat64x4((*[4]float64)(y))
		A.Add(Y.Mul(K.Sub(X))).Store((*[4]float64)(o))
		o, a, x, y = o[4:], a[4:], x[4:], y[4:]
	}
	return n
}

func mulVSubKVAddV4(o, a, x, y []float64, k float64) int {
	K := archsimd.BroadcastFloat64x4(k)
	n := len(o) &^ 3
	o, a, x, y = o[:n], a[:n], x[:n], y[:n]
	for len(o) >= 4 && len(a) >= 4 && len(x) >= 4 && len(y) >= 4 {
		A := archsimd.LoadFloat64x4((*[4]float64)(a))
		X := archsimd.LoadFloat64x4((*[4]float64)(x))
		Y := archsimd.LoadFloat64x4((*[4]float64)(y))
		Y.Mul(K.Sub(X)).Add(A).Store((*[4]float64)(o))
		o, a, x, y = o[4:], a[4:], x[4:], y[4:]
	}
	return n
}

func qPlusM4(o, x, y, z []float64, c, k, k2 float64) int {
	C, K, K2 := archsimd.BroadcastFloat64x4(c), archsimd.BroadcastFloat64x4(k), archsimd.BroadcastFloat64x4(k2)
	n := len(o) &^ 3
	o, x, y, z = o[:n], x[:n], y[:n], z[:n]
	for len(o) >= 4 && len(x) >= 4 && len(y) >= 4 && len(z) >= 4 {
		X := archsimd.LoadFloat64x4((*[4]float64)(x))
		Y := archsimd.LoadFloat64x4((*[4]float64)(y))
		Z := archsimd.LoadFloat64x4((*[4]float64)(z))
		C.Mul(K.Sub(X)).Add(Y.Mul(K2.Sub(Z))).Store((*[4]float64)(o))
		o, x, y, z = o[4:], x[4:], y[4:], z[4:]
	}
	return n
}

func eulerAddM4(o, a, x, y []float64, k, c float64, ref []int32, n int32, dt float64) (int, bool) {
	DT, K, C := archsimd.BroadcastFloat64x4(dt), archsimd.BroadcastFloat64x4(k), archsimd.BroadcastFloat64x4(c)
	NF := archsimd.BroadcastFloat64x4(float64(n))
	var bad archsimd.Uint64x4
	m := len(o) &^ 3
	for i := 0; i+4 <= m; i += 4 {
		A := archsimd.LoadFloat64x4((*[4]float64)(a[i : i+4]))
		X := archsimd.LoadFloat64x4((*[4]float64)(x[i : i+4]))
		Y := archsimd.LoadFloat64x4((*[4]float64)(y[i : i+4]))
		D := A.Add(Y.Mul(K.Sub(X))).Mul(C)
		if ref != nil {
			D = D.Masked(active4((*[4]int32)(ref[i:i+4]), NF))
		}
		po := (*[4]float64)(o[i : i+4])
		O := archsimd.LoadFloat64x4(po).Add(DT.Mul(D))
		O.Store(po)
		bad = bad.Or(O.Sub(O).AsUint64x4())
	}
	return m, !allZero4(bad)
}

func eulerQMM4(o, x, y, z, x2, y2 []float64, c, k1, k2, k3, s float64, ref []int32, n int32, dt float64) (int, bool) {
	C, K1, K2, K3, S := archsimd.BroadcastFloat64x4(c), archsimd.BroadcastFloat64x4(k1), archsimd.BroadcastFloat64x4(k2), archsimd.BroadcastFloat64x4(k3), archsimd.BroadcastFloat64x4(s)
	DT, NF := archsimd.BroadcastFloat64x4(dt), archsimd.BroadcastFloat64x4(float64(n))
	var bad archsimd.Uint64x4
	m := len(o) &^ 3
	for i := 0; i+4 <= m; i += 4 {
		X := archsimd.LoadFloat64x4((*[4]float64)(x[i : i+4]))
		Y := archsimd.LoadFloat64x4((*[4]float64)(y[i : i+4]))
		Z := archsimd.LoadFloat64x4((*[4]float64)(z[i : i+4]))
		X2 := archsimd.LoadFloat64x4((*[4]float64)(x2[i : i+4]))
		Y2 := archsimd.LoadFloat64x4((*[4]float64)(y2[i : i+4]))
		D := C.Mul(K1.Sub(X)).Add(Y.Mul(K2.Sub(Z))).Add(Y2.Mul(K3.Sub(X2))).Mul(S)
		if ref != nil {
			D = D.Masked(active4((*[4]int32)(ref[i:i+4]), NF))
		}
		po := (*[4]float64)(o[i : i+4])
		O := archsimd.LoadFloat64x4(po).Add(DT.Mul(D))
		O.Store(po)
		bad = bad.Or(O.Sub(O).AsUint64x4())
	}
	return m, !allZero4(bad)
}

func row3Held4(o, a, b, c []float64, ref []int32, n int32, c0, c1, c2, r float64) int {
	C0, C1, C2, R := archsimd.BroadcastFloat64x4(c0), archsimd.BroadcastFloat64x4(c1), archsimd.BroadcastFloat64x4(c2), archsimd.BroadcastFloat64x4(r)
	NF := archsimd.BroadcastFloat64x4(float64(n))
	m := len(o) &^ 3
	o, a, b, c, ref = o[:m], a[:m], b[:m], c[:m], ref[:m]
	for len(o) >= 4 && len(a) >= 4 && len(b) >= 4 && len(c) >= 4 && len(ref) >= 4 {
		A := archsimd.LoadFloat64x4((*[4]float64)(a))
		B := archsimd.LoadFloat64x4((*[4]float64)(b))
		Cc := archsimd.LoadFloat64x4((*[4]float64)(c))
		v := C0.Mul(A).Add(C1.Mul(B)).Add(C2.Mul(Cc)).Add(R)
		v.StoreMasked((*[4]float64)(o), active4((*[4]int32)(ref), NF))
		o, a, b, c, ref = o[4:], a[4:], b[4:], c[4:], ref[4:]
	}
	return m
}

func euler4(o, k []float64, ref []int32, n int32, dt float64) (int, bool) {
	if ref == nil {
		return eulerFree4(o, k, dt)
	}
	DT := archsimd.BroadcastFloat64x4(dt)
	NF := archsimd.BroadcastFloat64x4(float64(n))
	var bad archsimd.Uint64x4 // the bits of x-x ored: 0 while every value is finite
	m := len(o) &^ 3
	o, k, ref = o[:m], k[:m], ref[:m]
	for len(o) >= 4 && len(k) >= 4 && len(ref) >= 4 {
		// +0 where refractory, as the scalar d = 0
		K := archsimd.LoadFloat64x4((*[4]float64)(k)).Masked(active4((*[4]int32)(ref), NF))
		O := archsimd.LoadFloat64x4((*[4]float64)(o)).Add(DT.Mul(K))
		O.Store((*[4]float64)(o))
		bad = bad.Or(O.Sub(O).AsUint64x4())
		o, k, ref = o[4:], k[4:], ref[4:]
	}
	return m, !allZero4(bad)
}

func eulerFree4(o, k []float64, dt float64) (int, bool) {
	DT := archsimd.BroadcastFloat64x4(dt)
	var bad archsimd.Uint64x4
	m := len(o) &^ 3
	o, k = o[:m], k[:m]
	for len(o) >= 4 && len(k) >= 4 {
		O := archsimd.LoadFloat64x4((*[4]float64)(o)).Add(DT.Mul(archsimd.LoadFloat64x4((*[4]float64)(k))))
		O.Store((*[4]float64)(o))
		bad = bad.Or(O.Sub(O).AsUint64x4())
		o, k = o[4:], k[4:]
	}
	return m, !allZero4(bad)
}

func eulerScaled4(o, x []float64, c float64, neg bool, ref []int32, n int32, dt float64) (int, bool) {
	if ref == nil {
		return eulerScaledFree4(o, x, c, neg, dt)
	}
	DT := archsimd.BroadcastFloat64x4(dt)
	C := archsimd.BroadcastFloat64x4(c)
	NF := archsimd.BroadcastFloat64x4(float64(n))
	var bad archsimd.Uint64x4
	m := len(o) &^ 3
	o, x, ref = o[:m], x[:m], ref[:m]
	for len(o) >= 4 && len(x) >= 4 && len(ref) >= 4 {
		K := archsimd.LoadFloat64x4((*[4]float64)(x))
		if neg {
			K = neg4(K)
		}
		K = K.Mul(C).Masked(active4((*[4]int32)(ref), NF))
		O := archsimd.LoadFloat64x4((*[4]float64)(o)).Add(DT.Mul(K))
		O.Store((*[4]float64)(o))
		bad = bad.Or(O.Sub(O).AsUint64x4())
		o, x, ref = o[4:], x[4:], ref[4:]
	}
	return m, !allZero4(bad)
}

func eulerScaledFree4(o, x []float64, c float64, neg bool, dt float64) (int, bool) {
	DT := archsimd.BroadcastFloat64x4(dt)
	C := archsimd.BroadcastFloat64x4(c)
	var bad archsimd.Uint64x4
	m := len(o) &^ 3
	o, x = o[:m], x[:m]
	for len(o) >= 4 && len(x) >= 4 {
		K := archsimd.LoadFloat64x4((*[4]float64)(x))
		if neg {
			K = neg4(K)
		}
		O := archsimd.LoadFloat64x4((*[4]float64)(o)).Add(DT.Mul(K.Mul(C)))
		O.Store((*[4]float64)(o))
		bad = bad.Or(O.Sub(O).AsUint64x4())
		o, x = o[4:], x[4:]
	}
	return m, !allZero4(bad)
}

func nonFinite4(x []float64) bool {
	var bad archsimd.Uint64x4
	for x = x[:len(x)&^3]; len(x) >= 4; x = x[4:] {
		X := archsimd.LoadFloat64x4((*[4]float64)(x))
		bad = bad.Or(X.Sub(X).AsUint64x4())
	}
	return !allZero4(bad)
}

func crossings4(spikes []int32, op string, vals []float64, ref []int32, n int32, c float64, lo int) ([]int32, int) {
	C := archsimd.BroadcastFloat64x4(c)
	NF := archsimd.BroadcastFloat64x4(float64(n))
	m := len(vals) &^ 3
	for i := 0; i+4 <= m; i += 4 {
		V := archsimd.LoadFloat64x4((*[4]float64)(vals[i : i+4]))
		var hit archsimd.Mask64x4
		switch op {
		case ">":
			hit = V.Greater(C)
		case ">=":
			hit = V.GreaterEqual(C)
		case "<":
			hit = V.Less(C)
		default:
			hit = V.LessEqual(C)
		}
		bits := hit.ToBits()
		if bits == 0 {
			continue // the usual case: test refractoriness only for candidates
		}
		bits &= active4((*[4]int32)(ref[i:i+4]), NF).ToBits()
		for ; bits != 0; bits &= bits - 1 {
			spikes = append(spikes, int32(lo+i+bits2.TrailingZeros8(bits)))
		}
	}
	return spikes, m
}

func lifBlock4(spikes []int32, k *lifRows, v, g1, g2 []float64, ref []int32, n int32, lo int) ([]int32, int) {
	C0, C1, C2, R := archsimd.BroadcastFloat64x4(k.c0), archsimd.BroadcastFloat64x4(k.c1), archsimd.BroadcastFloat64x4(k.c2), archsimd.BroadcastFloat64x4(k.r)
	D1, R1, D2, R2 := archsimd.BroadcastFloat64x4(k.d1), archsimd.BroadcastFloat64x4(k.r1), archsimd.BroadcastFloat64x4(k.d2), archsimd.BroadcastFloat64x4(k.r2)
	T := archsimd.BroadcastFloat64x4(k.thr)
	NF := archsimd.BroadcastFloat64x4(float64(n))
	held, op := k.held, k.op
	m := len(v) &^ 3
	for i := 0; i+4 <= m; i += 4 {
		pv, p1, p2 := (*[4]float64)(v[i:i+4]), (*[4]float64)(g1[i:i+4]), (*[4]float64)(g2[i:i+4])
		V, G1, G2 := archsimd.LoadFloat64x4(pv), archsimd.LoadFloat64x4(p1), archsimd.LoadFloat64x4(p2)
		act := active4((*[4]int32)(ref[i:i+4]), NF)
		nv := C0.Mul(V).Add(C1.Mul(G1)).Add(C2.Mul(G2)).Add(R)
		if held {
			nv = nv.Merge(V, act) // refractory neurons keep v
		}
		nv.Store(pv)
		D1.Mul(G1).Add(R1).Store(p1)
		D2.Mul(G2).Add(R2).Store(p2)
		var hit archsimd.Mask64x4
		switch op {
		case ">":
			hit = nv.Greater(T)
		case ">=":
			hit = nv.GreaterEqual(T)
		case "<":
			hit = nv.Less(T)
		default:
			hit = nv.LessEqual(T)
		}
		for bits := hit.And(act).ToBits(); bits != 0; bits &= bits - 1 {
			spikes = append(spikes, int32(lo+i+bits2.TrailingZeros8(bits)))
		}
	}
	return spikes, m
}
