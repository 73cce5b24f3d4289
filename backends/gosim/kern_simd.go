//go:build goexperiment.simd && amd64

package gosim

import (
	bits2 "math/bits"
	"simd/archsimd"
)

// Vector bodies of the kernels in kern.go, 8 lanes (AVX-512; the 4-lane
// twins in kern_simd4.go are generated from these by TestKernSIMD4: edit
// here, then run go test -run KernSIMD4 -update): each handles the largest multiple of 8
// elements and returns how many it did. The loops walk the
// slices 8 elements at a time (rather than indexing) so that the compiler
// keeps everything in registers and drops the bounds checks.

// simdCPU is whether the CPU runs the bodies of w lanes.
func simdCPU(w int) bool {
	switch w {
	case 8:
		return archsimd.X86.AVX512()
	case 4:
		return archsimd.X86.AVX2()
	}
	return false
}

// kernels is the table of the bodies of w lanes (8 here, 4 in
// kern_simd4.go), or the empty one (scalar loops) when the CPU lacks them.
func kernels(w int) vecKernels {
	switch {
	case w == 8 && simdCPU(8):
		return vecKernels{w: 8,
			addVV:         addVV8,
			subVV:         subVV8,
			mulVV:         mulVV8,
			divVV:         divVV8,
			addVK:         addVK8,
			addKV:         addKV8,
			subVK:         subVK8,
			subKV:         subKV8,
			mulVK:         mulVK8,
			mulKV:         mulKV8,
			divVK:         divVK8,
			divKV:         divKV8,
			negMulK:       negMulK8,
			subKVMulV:     subKVMulV8,
			mulVSubKV:     mulVSubKV8,
			mulKSubKV:     mulKSubKV8,
			mulKVAddV:     mulKVAddV8,
			addVMulKV:     addVMulKV8,
			negV:          negV8,
			row1:          row18,
			row2:          row28,
			row3:          row38,
			addVMulVSubKV: addVMulVSubKV8,
			mulVSubKVAddV: mulVSubKVAddV8,
			qPlusM:        qPlusM8,
			eulerAddM:     eulerAddM8,
			eulerQMM:      eulerQMM8,
			row3Held:      row3Held8,
			euler:         euler8,
			eulerScaled:   eulerScaled8,
			nonFinite:     nonFinite8,
			crossings:     crossings8,
			lifBlock:      lifBlock8,
		}
	case w == 4 && simdCPU(4):
		return vecKernels{w: 4,
			addVV:         addVV4,
			subVV:         subVV4,
			mulVV:         mulVV4,
			divVV:         divVV4,
			addVK:         addVK4,
			addKV:         addKV4,
			subVK:         subVK4,
			subKV:         subKV4,
			mulVK:         mulVK4,
			mulKV:         mulKV4,
			divVK:         divVK4,
			divKV:         divKV4,
			negMulK:       negMulK4,
			subKVMulV:     subKVMulV4,
			mulVSubKV:     mulVSubKV4,
			mulKSubKV:     mulKSubKV4,
			mulKVAddV:     mulKVAddV4,
			addVMulKV:     addVMulKV4,
			negV:          negV4,
			row1:          row14,
			row2:          row24,
			row3:          row34,
			addVMulVSubKV: addVMulVSubKV4,
			mulVSubKVAddV: mulVSubKVAddV4,
			qPlusM:        qPlusM4,
			eulerAddM:     eulerAddM4,
			eulerQMM:      eulerQMM4,
			row3Held:      row3Held4,
			euler:         euler4,
			eulerScaled:   eulerScaled4,
			nonFinite:     nonFinite4,
			crossings:     crossings4,
			lifBlock:      lifBlock4,
		}
	}
	return vecKernels{}
}

// neg8 flips the sign bit, as the scalar -x does (0 - x would turn -0
// into +0).
func neg8(x archsimd.Float64x8) archsimd.Float64x8 {
	return x.AsUint64x8().Xor(archsimd.BroadcastUint64x8(1 << 63)).AsFloat64x8()
}

// active8 is the mask of neurons that are not refractory: n >= ref[i]
// (int32 values are exact in float64).
func active8(ref *[8]int32, nf archsimd.Float64x8) archsimd.Mask64x8 {
	return archsimd.LoadInt32x8(ref).ConvertToFloat64().LessEqual(nf)
}

// allZero8 is whether every bit of x is 0.
func allZero8(x archsimd.Uint64x8) bool {
	return x.Equal(archsimd.BroadcastUint64x8(0)).ToBits() == 0xff
}

func addVV8(o, x, y []float64) int {
	n := len(o) &^ 7
	o, x, y = o[:n], x[:n], y[:n]
	for len(o) >= 8 && len(x) >= 8 && len(y) >= 8 {
		X := archsimd.LoadFloat64x8((*[8]float64)(x))
		Y := archsimd.LoadFloat64x8((*[8]float64)(y))
		X.Add(Y).Store((*[8]float64)(o))
		o, x, y = o[8:], x[8:], y[8:]
	}
	return n
}

func addVK8(o, x []float64, k float64) int {
	K := archsimd.BroadcastFloat64x8(k)
	n := len(o) &^ 7
	o, x = o[:n], x[:n]
	for len(o) >= 8 && len(x) >= 8 {
		X := archsimd.LoadFloat64x8((*[8]float64)(x))
		X.Add(K).Store((*[8]float64)(o))
		o, x = o[8:], x[8:]
	}
	return n
}

func addKV8(o, x []float64, k float64) int {
	K := archsimd.BroadcastFloat64x8(k)
	n := len(o) &^ 7
	o, x = o[:n], x[:n]
	for len(o) >= 8 && len(x) >= 8 {
		X := archsimd.LoadFloat64x8((*[8]float64)(x))
		K.Add(X).Store((*[8]float64)(o))
		o, x = o[8:], x[8:]
	}
	return n
}

func subVV8(o, x, y []float64) int {
	n := len(o) &^ 7
	o, x, y = o[:n], x[:n], y[:n]
	for len(o) >= 8 && len(x) >= 8 && len(y) >= 8 {
		X := archsimd.LoadFloat64x8((*[8]float64)(x))
		Y := archsimd.LoadFloat64x8((*[8]float64)(y))
		X.Sub(Y).Store((*[8]float64)(o))
		o, x, y = o[8:], x[8:], y[8:]
	}
	return n
}

func subVK8(o, x []float64, k float64) int {
	K := archsimd.BroadcastFloat64x8(k)
	n := len(o) &^ 7
	o, x = o[:n], x[:n]
	for len(o) >= 8 && len(x) >= 8 {
		X := archsimd.LoadFloat64x8((*[8]float64)(x))
		X.Sub(K).Store((*[8]float64)(o))
		o, x = o[8:], x[8:]
	}
	return n
}

func subKV8(o, x []float64, k float64) int {
	K := archsimd.BroadcastFloat64x8(k)
	n := len(o) &^ 7
	o, x = o[:n], x[:n]
	for len(o) >= 8 && len(x) >= 8 {
		X := archsimd.LoadFloat64x8((*[8]float64)(x))
		K.Sub(X).Store((*[8]float64)(o))
		o, x = o[8:], x[8:]
	}
	return n
}

func mulVV8(o, x, y []float64) int {
	n := len(o) &^ 7
	o, x, y = o[:n], x[:n], y[:n]
	for len(o) >= 8 && len(x) >= 8 && len(y) >= 8 {
		X := archsimd.LoadFloat64x8((*[8]float64)(x))
		Y := archsimd.LoadFloat64x8((*[8]float64)(y))
		X.Mul(Y).Store((*[8]float64)(o))
		o, x, y = o[8:], x[8:], y[8:]
	}
	return n
}

func mulVK8(o, x []float64, k float64) int {
	K := archsimd.BroadcastFloat64x8(k)
	n := len(o) &^ 7
	o, x = o[:n], x[:n]
	for len(o) >= 8 && len(x) >= 8 {
		X := archsimd.LoadFloat64x8((*[8]float64)(x))
		X.Mul(K).Store((*[8]float64)(o))
		o, x = o[8:], x[8:]
	}
	return n
}

func mulKV8(o, x []float64, k float64) int {
	K := archsimd.BroadcastFloat64x8(k)
	n := len(o) &^ 7
	o, x = o[:n], x[:n]
	for len(o) >= 8 && len(x) >= 8 {
		X := archsimd.LoadFloat64x8((*[8]float64)(x))
		K.Mul(X).Store((*[8]float64)(o))
		o, x = o[8:], x[8:]
	}
	return n
}

func divVV8(o, x, y []float64) int {
	n := len(o) &^ 7
	o, x, y = o[:n], x[:n], y[:n]
	for len(o) >= 8 && len(x) >= 8 && len(y) >= 8 {
		X := archsimd.LoadFloat64x8((*[8]float64)(x))
		Y := archsimd.LoadFloat64x8((*[8]float64)(y))
		X.Div(Y).Store((*[8]float64)(o))
		o, x, y = o[8:], x[8:], y[8:]
	}
	return n
}

func divVK8(o, x []float64, k float64) int {
	K := archsimd.BroadcastFloat64x8(k)
	n := len(o) &^ 7
	o, x = o[:n], x[:n]
	for len(o) >= 8 && len(x) >= 8 {
		X := archsimd.LoadFloat64x8((*[8]float64)(x))
		X.Div(K).Store((*[8]float64)(o))
		o, x = o[8:], x[8:]
	}
	return n
}

func divKV8(o, x []float64, k float64) int {
	K := archsimd.BroadcastFloat64x8(k)
	n := len(o) &^ 7
	o, x = o[:n], x[:n]
	for len(o) >= 8 && len(x) >= 8 {
		X := archsimd.LoadFloat64x8((*[8]float64)(x))
		K.Div(X).Store((*[8]float64)(o))
		o, x = o[8:], x[8:]
	}
	return n
}

func subKVMulV8(o, x, y []float64, k float64) int {
	K := archsimd.BroadcastFloat64x8(k)
	n := len(o) &^ 7
	o, x, y = o[:n], x[:n], y[:n]
	for len(o) >= 8 && len(x) >= 8 && len(y) >= 8 {
		X := archsimd.LoadFloat64x8((*[8]float64)(x))
		Y := archsimd.LoadFloat64x8((*[8]float64)(y))
		K.Sub(X).Mul(Y).Store((*[8]float64)(o))
		o, x, y = o[8:], x[8:], y[8:]
	}
	return n
}

func mulVSubKV8(o, x, y []float64, k float64) int {
	K := archsimd.BroadcastFloat64x8(k)
	n := len(o) &^ 7
	o, x, y = o[:n], x[:n], y[:n]
	for len(o) >= 8 && len(x) >= 8 && len(y) >= 8 {
		X := archsimd.LoadFloat64x8((*[8]float64)(x))
		Y := archsimd.LoadFloat64x8((*[8]float64)(y))
		Y.Mul(K.Sub(X)).Store((*[8]float64)(o))
		o, x, y = o[8:], x[8:], y[8:]
	}
	return n
}

func mulKSubKV8(o, x []float64, c, k float64) int {
	C := archsimd.BroadcastFloat64x8(c)
	K := archsimd.BroadcastFloat64x8(k)
	n := len(o) &^ 7
	o, x = o[:n], x[:n]
	for len(o) >= 8 && len(x) >= 8 {
		X := archsimd.LoadFloat64x8((*[8]float64)(x))
		C.Mul(K.Sub(X)).Store((*[8]float64)(o))
		o, x = o[8:], x[8:]
	}
	return n
}

func mulKVAddV8(o, x, y []float64, c float64) int {
	C := archsimd.BroadcastFloat64x8(c)
	n := len(o) &^ 7
	o, x, y = o[:n], x[:n], y[:n]
	for len(o) >= 8 && len(x) >= 8 && len(y) >= 8 {
		X := archsimd.LoadFloat64x8((*[8]float64)(x))
		Y := archsimd.LoadFloat64x8((*[8]float64)(y))
		C.Mul(X).Add(Y).Store((*[8]float64)(o))
		o, x, y = o[8:], x[8:], y[8:]
	}
	return n
}

func addVMulKV8(o, x, y []float64, c float64) int {
	C := archsimd.BroadcastFloat64x8(c)
	n := len(o) &^ 7
	o, x, y = o[:n], x[:n], y[:n]
	for len(o) >= 8 && len(x) >= 8 && len(y) >= 8 {
		X := archsimd.LoadFloat64x8((*[8]float64)(x))
		Y := archsimd.LoadFloat64x8((*[8]float64)(y))
		Y.Add(C.Mul(X)).Store((*[8]float64)(o))
		o, x, y = o[8:], x[8:], y[8:]
	}
	return n
}

func negMulK8(o, x []float64, k float64) int {
	K := archsimd.BroadcastFloat64x8(k)
	n := len(o) &^ 7
	o, x = o[:n], x[:n]
	for len(o) >= 8 && len(x) >= 8 {
		X := archsimd.LoadFloat64x8((*[8]float64)(x))
		neg8(X).Mul(K).Store((*[8]float64)(o))
		o, x = o[8:], x[8:]
	}
	return n
}

func negV8(o, x []float64) int {
	n := len(o) &^ 7
	o, x = o[:n], x[:n]
	for len(o) >= 8 && len(x) >= 8 {
		X := archsimd.LoadFloat64x8((*[8]float64)(x))
		neg8(X).Store((*[8]float64)(o))
		o, x = o[8:], x[8:]
	}
	return n
}

func row18(o, a []float64, c0, r float64) int {
	C0 := archsimd.BroadcastFloat64x8(c0)
	R := archsimd.BroadcastFloat64x8(r)
	n := len(o) &^ 7
	o, a = o[:n], a[:n]
	for len(o) >= 8 && len(a) >= 8 {
		A := archsimd.LoadFloat64x8((*[8]float64)(a))
		C0.Mul(A).Add(R).Store((*[8]float64)(o))
		o, a = o[8:], a[8:]
	}
	return n
}

func row28(o, a, b []float64, c0, c1, r float64) int {
	C0 := archsimd.BroadcastFloat64x8(c0)
	C1 := archsimd.BroadcastFloat64x8(c1)
	R := archsimd.BroadcastFloat64x8(r)
	n := len(o) &^ 7
	o, a, b = o[:n], a[:n], b[:n]
	for len(o) >= 8 && len(a) >= 8 && len(b) >= 8 {
		A := archsimd.LoadFloat64x8((*[8]float64)(a))
		B := archsimd.LoadFloat64x8((*[8]float64)(b))
		C0.Mul(A).Add(C1.Mul(B)).Add(R).Store((*[8]float64)(o))
		o, a, b = o[8:], a[8:], b[8:]
	}
	return n
}

func row38(o, a, b, c []float64, c0, c1, c2, r float64) int {
	C0 := archsimd.BroadcastFloat64x8(c0)
	C1 := archsimd.BroadcastFloat64x8(c1)
	C2 := archsimd.BroadcastFloat64x8(c2)
	R := archsimd.BroadcastFloat64x8(r)
	n := len(o) &^ 7
	o, a, b, c = o[:n], a[:n], b[:n], c[:n]
	for len(o) >= 8 && len(a) >= 8 && len(b) >= 8 && len(c) >= 8 {
		A := archsimd.LoadFloat64x8((*[8]float64)(a))
		B := archsimd.LoadFloat64x8((*[8]float64)(b))
		Cc := archsimd.LoadFloat64x8((*[8]float64)(c))
		C0.Mul(A).Add(C1.Mul(B)).Add(C2.Mul(Cc)).Add(R).Store((*[8]float64)(o))
		o, a, b, c = o[8:], a[8:], b[8:], c[8:]
	}
	return n
}

func addVMulVSubKV8(o, a, x, y []float64, k float64) int {
	K := archsimd.BroadcastFloat64x8(k)
	n := len(o) &^ 7
	o, a, x, y = o[:n], a[:n], x[:n], y[:n]
	for len(o) >= 8 && len(a) >= 8 && len(x) >= 8 && len(y) >= 8 {
		A := archsimd.LoadFloat64x8((*[8]float64)(a))
		X := archsimd.LoadFloat64x8((*[8]float64)(x))
		Y := archsimd.LoadFloat64x8((*[8]float64)(y))
		A.Add(Y.Mul(K.Sub(X))).Store((*[8]float64)(o))
		o, a, x, y = o[8:], a[8:], x[8:], y[8:]
	}
	return n
}

func mulVSubKVAddV8(o, a, x, y []float64, k float64) int {
	K := archsimd.BroadcastFloat64x8(k)
	n := len(o) &^ 7
	o, a, x, y = o[:n], a[:n], x[:n], y[:n]
	for len(o) >= 8 && len(a) >= 8 && len(x) >= 8 && len(y) >= 8 {
		A := archsimd.LoadFloat64x8((*[8]float64)(a))
		X := archsimd.LoadFloat64x8((*[8]float64)(x))
		Y := archsimd.LoadFloat64x8((*[8]float64)(y))
		Y.Mul(K.Sub(X)).Add(A).Store((*[8]float64)(o))
		o, a, x, y = o[8:], a[8:], x[8:], y[8:]
	}
	return n
}

func qPlusM8(o, x, y, z []float64, c, k, k2 float64) int {
	C, K, K2 := archsimd.BroadcastFloat64x8(c), archsimd.BroadcastFloat64x8(k), archsimd.BroadcastFloat64x8(k2)
	n := len(o) &^ 7
	o, x, y, z = o[:n], x[:n], y[:n], z[:n]
	for len(o) >= 8 && len(x) >= 8 && len(y) >= 8 && len(z) >= 8 {
		X := archsimd.LoadFloat64x8((*[8]float64)(x))
		Y := archsimd.LoadFloat64x8((*[8]float64)(y))
		Z := archsimd.LoadFloat64x8((*[8]float64)(z))
		C.Mul(K.Sub(X)).Add(Y.Mul(K2.Sub(Z))).Store((*[8]float64)(o))
		o, x, y, z = o[8:], x[8:], y[8:], z[8:]
	}
	return n
}

func eulerAddM8(o, a, x, y []float64, k, c float64, ref []int32, n int32, dt float64) (int, bool) {
	DT, K, C := archsimd.BroadcastFloat64x8(dt), archsimd.BroadcastFloat64x8(k), archsimd.BroadcastFloat64x8(c)
	NF := archsimd.BroadcastFloat64x8(float64(n))
	var bad archsimd.Uint64x8
	m := len(o) &^ 7
	for i := 0; i+8 <= m; i += 8 {
		A := archsimd.LoadFloat64x8((*[8]float64)(a[i : i+8]))
		X := archsimd.LoadFloat64x8((*[8]float64)(x[i : i+8]))
		Y := archsimd.LoadFloat64x8((*[8]float64)(y[i : i+8]))
		D := A.Add(Y.Mul(K.Sub(X))).Mul(C)
		if ref != nil {
			D = D.Masked(active8((*[8]int32)(ref[i:i+8]), NF))
		}
		po := (*[8]float64)(o[i : i+8])
		O := archsimd.LoadFloat64x8(po).Add(DT.Mul(D))
		O.Store(po)
		bad = bad.Or(O.Sub(O).AsUint64x8())
	}
	return m, !allZero8(bad)
}

func eulerQMM8(o, x, y, z, x2, y2 []float64, c, k1, k2, k3, s float64, ref []int32, n int32, dt float64) (int, bool) {
	C, K1, K2, K3, S := archsimd.BroadcastFloat64x8(c), archsimd.BroadcastFloat64x8(k1), archsimd.BroadcastFloat64x8(k2), archsimd.BroadcastFloat64x8(k3), archsimd.BroadcastFloat64x8(s)
	DT, NF := archsimd.BroadcastFloat64x8(dt), archsimd.BroadcastFloat64x8(float64(n))
	var bad archsimd.Uint64x8
	m := len(o) &^ 7
	for i := 0; i+8 <= m; i += 8 {
		X := archsimd.LoadFloat64x8((*[8]float64)(x[i : i+8]))
		Y := archsimd.LoadFloat64x8((*[8]float64)(y[i : i+8]))
		Z := archsimd.LoadFloat64x8((*[8]float64)(z[i : i+8]))
		X2 := archsimd.LoadFloat64x8((*[8]float64)(x2[i : i+8]))
		Y2 := archsimd.LoadFloat64x8((*[8]float64)(y2[i : i+8]))
		D := C.Mul(K1.Sub(X)).Add(Y.Mul(K2.Sub(Z))).Add(Y2.Mul(K3.Sub(X2))).Mul(S)
		if ref != nil {
			D = D.Masked(active8((*[8]int32)(ref[i:i+8]), NF))
		}
		po := (*[8]float64)(o[i : i+8])
		O := archsimd.LoadFloat64x8(po).Add(DT.Mul(D))
		O.Store(po)
		bad = bad.Or(O.Sub(O).AsUint64x8())
	}
	return m, !allZero8(bad)
}

func row3Held8(o, a, b, c []float64, ref []int32, n int32, c0, c1, c2, r float64) int {
	C0, C1, C2, R := archsimd.BroadcastFloat64x8(c0), archsimd.BroadcastFloat64x8(c1), archsimd.BroadcastFloat64x8(c2), archsimd.BroadcastFloat64x8(r)
	NF := archsimd.BroadcastFloat64x8(float64(n))
	m := len(o) &^ 7
	o, a, b, c, ref = o[:m], a[:m], b[:m], c[:m], ref[:m]
	for len(o) >= 8 && len(a) >= 8 && len(b) >= 8 && len(c) >= 8 && len(ref) >= 8 {
		A := archsimd.LoadFloat64x8((*[8]float64)(a))
		B := archsimd.LoadFloat64x8((*[8]float64)(b))
		Cc := archsimd.LoadFloat64x8((*[8]float64)(c))
		v := C0.Mul(A).Add(C1.Mul(B)).Add(C2.Mul(Cc)).Add(R)
		v.StoreMasked((*[8]float64)(o), active8((*[8]int32)(ref), NF))
		o, a, b, c, ref = o[8:], a[8:], b[8:], c[8:], ref[8:]
	}
	return m
}

func euler8(o, k []float64, ref []int32, n int32, dt float64) (int, bool) {
	if ref == nil {
		return eulerFree8(o, k, dt)
	}
	DT := archsimd.BroadcastFloat64x8(dt)
	NF := archsimd.BroadcastFloat64x8(float64(n))
	var bad archsimd.Uint64x8 // the bits of x-x ored: 0 while every value is finite
	m := len(o) &^ 7
	o, k, ref = o[:m], k[:m], ref[:m]
	for len(o) >= 8 && len(k) >= 8 && len(ref) >= 8 {
		// +0 where refractory, as the scalar d = 0
		K := archsimd.LoadFloat64x8((*[8]float64)(k)).Masked(active8((*[8]int32)(ref), NF))
		O := archsimd.LoadFloat64x8((*[8]float64)(o)).Add(DT.Mul(K))
		O.Store((*[8]float64)(o))
		bad = bad.Or(O.Sub(O).AsUint64x8())
		o, k, ref = o[8:], k[8:], ref[8:]
	}
	return m, !allZero8(bad)
}

func eulerFree8(o, k []float64, dt float64) (int, bool) {
	DT := archsimd.BroadcastFloat64x8(dt)
	var bad archsimd.Uint64x8
	m := len(o) &^ 7
	o, k = o[:m], k[:m]
	for len(o) >= 8 && len(k) >= 8 {
		O := archsimd.LoadFloat64x8((*[8]float64)(o)).Add(DT.Mul(archsimd.LoadFloat64x8((*[8]float64)(k))))
		O.Store((*[8]float64)(o))
		bad = bad.Or(O.Sub(O).AsUint64x8())
		o, k = o[8:], k[8:]
	}
	return m, !allZero8(bad)
}

func eulerScaled8(o, x []float64, c float64, neg bool, ref []int32, n int32, dt float64) (int, bool) {
	if ref == nil {
		return eulerScaledFree8(o, x, c, neg, dt)
	}
	DT := archsimd.BroadcastFloat64x8(dt)
	C := archsimd.BroadcastFloat64x8(c)
	NF := archsimd.BroadcastFloat64x8(float64(n))
	var bad archsimd.Uint64x8
	m := len(o) &^ 7
	o, x, ref = o[:m], x[:m], ref[:m]
	for len(o) >= 8 && len(x) >= 8 && len(ref) >= 8 {
		K := archsimd.LoadFloat64x8((*[8]float64)(x))
		if neg {
			K = neg8(K)
		}
		K = K.Mul(C).Masked(active8((*[8]int32)(ref), NF))
		O := archsimd.LoadFloat64x8((*[8]float64)(o)).Add(DT.Mul(K))
		O.Store((*[8]float64)(o))
		bad = bad.Or(O.Sub(O).AsUint64x8())
		o, x, ref = o[8:], x[8:], ref[8:]
	}
	return m, !allZero8(bad)
}

func eulerScaledFree8(o, x []float64, c float64, neg bool, dt float64) (int, bool) {
	DT := archsimd.BroadcastFloat64x8(dt)
	C := archsimd.BroadcastFloat64x8(c)
	var bad archsimd.Uint64x8
	m := len(o) &^ 7
	o, x = o[:m], x[:m]
	for len(o) >= 8 && len(x) >= 8 {
		K := archsimd.LoadFloat64x8((*[8]float64)(x))
		if neg {
			K = neg8(K)
		}
		O := archsimd.LoadFloat64x8((*[8]float64)(o)).Add(DT.Mul(K.Mul(C)))
		O.Store((*[8]float64)(o))
		bad = bad.Or(O.Sub(O).AsUint64x8())
		o, x = o[8:], x[8:]
	}
	return m, !allZero8(bad)
}

func nonFinite8(x []float64) bool {
	var bad archsimd.Uint64x8
	for x = x[:len(x)&^7]; len(x) >= 8; x = x[8:] {
		X := archsimd.LoadFloat64x8((*[8]float64)(x))
		bad = bad.Or(X.Sub(X).AsUint64x8())
	}
	return !allZero8(bad)
}

func crossings8(spikes []int32, op string, vals []float64, ref []int32, n int32, c float64, lo int) ([]int32, int) {
	C := archsimd.BroadcastFloat64x8(c)
	NF := archsimd.BroadcastFloat64x8(float64(n))
	m := len(vals) &^ 7
	for i := 0; i+8 <= m; i += 8 {
		V := archsimd.LoadFloat64x8((*[8]float64)(vals[i : i+8]))
		var hit archsimd.Mask64x8
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
		bits &= active8((*[8]int32)(ref[i:i+8]), NF).ToBits()
		for ; bits != 0; bits &= bits - 1 {
			spikes = append(spikes, int32(lo+i+bits2.TrailingZeros8(bits)))
		}
	}
	return spikes, m
}

func lifBlock8(spikes []int32, k *lifRows, v, g1, g2 []float64, ref []int32, n int32, lo int) ([]int32, int) {
	C0, C1, C2, R := archsimd.BroadcastFloat64x8(k.c0), archsimd.BroadcastFloat64x8(k.c1), archsimd.BroadcastFloat64x8(k.c2), archsimd.BroadcastFloat64x8(k.r)
	D1, R1, D2, R2 := archsimd.BroadcastFloat64x8(k.d1), archsimd.BroadcastFloat64x8(k.r1), archsimd.BroadcastFloat64x8(k.d2), archsimd.BroadcastFloat64x8(k.r2)
	T := archsimd.BroadcastFloat64x8(k.thr)
	NF := archsimd.BroadcastFloat64x8(float64(n))
	held, op := k.held, k.op
	m := len(v) &^ 7
	for i := 0; i+8 <= m; i += 8 {
		pv, p1, p2 := (*[8]float64)(v[i:i+8]), (*[8]float64)(g1[i:i+8]), (*[8]float64)(g2[i:i+8])
		V, G1, G2 := archsimd.LoadFloat64x8(pv), archsimd.LoadFloat64x8(p1), archsimd.LoadFloat64x8(p2)
		act := active8((*[8]int32)(ref[i:i+8]), NF)
		nv := C0.Mul(V).Add(C1.Mul(G1)).Add(C2.Mul(G2)).Add(R)
		if held {
			nv = nv.Merge(V, act) // refractory neurons keep v
		}
		nv.Store(pv)
		D1.Mul(G1).Add(R1).Store(p1)
		D2.Mul(G2).Add(R2).Store(p2)
		var hit archsimd.Mask64x8
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
