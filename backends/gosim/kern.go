package gosim

import "os"

//go:generate go run ./internal/kerngen/cmd/kerngen

// The loops the interpreter spends its time in: each kernel runs over
// whole slices, with a vector body for the bulk and a scalar loop for the
// rest, or for all of it when SIMD is off. The element-wise kernels are
// generated from one operator table (internal/kerngen/table.go): their
// scalar loops (kern_ops.go) and vector bodies of 8 float64 lanes
// (AVX-512) and 4 (AVX2), written with simd/archsimd for GOEXPERIMENT=simd
// builds (kern_simd.go, kern_simd4.go) and as assembly for the others on
// amd64 (kern_amd64.s). A vector lane does exactly the IEEE operations of the
// scalar loop in the same order: no fused multiply-add, no reassociation.
// So results are bit-identical either way, and to the code the gocode
// backend emits. This file holds the kernels that are not one element
// expression: the finite scan, the threshold, CUBA's block.

// simd holds the vector bodies the kernels use, all of one width, or none
// (w = 0: the scalar loops only). It is chosen once, here, as in built
// binaries: 8 lanes with AVX-512, 4 with AVX2;
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

// vecMin is the shortest slice handed to a vector kernel; shorter ones run
// the scalar loop (an indirect call per operator cost Song 2000's single
// neuron, a million steps of RK4, about 15 % of its run). The built binaries
// use the same bound (gocode's simdMinLen).
const vecMin = 32

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
