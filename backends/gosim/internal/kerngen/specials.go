package kerngen

// vectorSpecials are the archsimd helpers and the kernels that are not an
// element expression (scan, threshold, CUBA's block), for @W lanes.
const vectorSpecials = `
// neg@W flips the sign bit, as the scalar -x does (0 - x would turn -0
// into +0).
func neg@W(x archsimd.Float64x@W) archsimd.Float64x@W {
	return x.AsUint64x@W().Xor(archsimd.BroadcastUint64x@W(1 << 63)).AsFloat64x@W()
}

// active@W is the mask of neurons that are not refractory: n >= ref[i]
// (int32 values are exact in float64).
func active@W(ref *[@W]int32, nf archsimd.Float64x@W) archsimd.Mask64x@W {
	return archsimd.LoadInt32x@W(ref).ConvertToFloat64().LessEqual(nf)
}

// allZero@W is whether every bit of x is 0.
func allZero@W(x archsimd.Uint64x@W) bool {
	return x.Equal(archsimd.BroadcastUint64x@W(0)).ToBits() == @F
}

// flip@W is -x when neg, else x.
func flip@W(neg bool, x archsimd.Float64x@W) archsimd.Float64x@W {
	if neg {
		return neg@W(x)
	}
	return x
}

@CMP
func nonFinite@W(x []float64) bool {
	var bad archsimd.Uint64x@W
	for x = x[:len(x)&^@M]; len(x) >= @W; x = x[@W:] {
		X := archsimd.LoadFloat64x@W((*[@W]float64)(x))
		bad = bad.Or(X.Sub(X).AsUint64x@W())
	}
	return !allZero@W(bad)
}

func crossings@W(spikes []int32, op string, vals []float64, ref []int32, n int32, c float64, lo int) ([]int32, int) {
	C := archsimd.BroadcastFloat64x@W(c)
	NF := archsimd.BroadcastFloat64x@W(float64(n))
	m := len(vals) &^@M
	for i := 0; i+@W <= m; i += @W {
		V := archsimd.LoadFloat64x@W((*[@W]float64)(vals[i : i+@W]))
		bits := cmp@W(op, V, C).ToBits()
		if bits == 0 {
			continue // the usual case: test refractoriness only for candidates
		}
		bits &= active@W((*[@W]int32)(ref[i:i+@W]), NF).ToBits()
		for ; bits != 0; bits &= bits - 1 {
			spikes = append(spikes, int32(lo+i+bits2.TrailingZeros8(bits)))
		}
	}
	return spikes, m
}

func lifBlock@W(spikes []int32, k *lifRows, v, g1, g2 []float64, ref []int32, n int32, lo int) ([]int32, int) {
	C0, C1, C2, R := archsimd.BroadcastFloat64x@W(k.c0), archsimd.BroadcastFloat64x@W(k.c1), archsimd.BroadcastFloat64x@W(k.c2), archsimd.BroadcastFloat64x@W(k.r)
	D1, R1, D2, R2 := archsimd.BroadcastFloat64x@W(k.d1), archsimd.BroadcastFloat64x@W(k.r1), archsimd.BroadcastFloat64x@W(k.d2), archsimd.BroadcastFloat64x@W(k.r2)
	T := archsimd.BroadcastFloat64x@W(k.thr)
	NF := archsimd.BroadcastFloat64x@W(float64(n))
	held, op := k.held, k.op
	m := len(v) &^@M
	for i := 0; i+@W <= m; i += @W {
		pv, p1, p2 := (*[@W]float64)(v[i:i+@W]), (*[@W]float64)(g1[i:i+@W]), (*[@W]float64)(g2[i:i+@W])
		V, G1, G2 := archsimd.LoadFloat64x@W(pv), archsimd.LoadFloat64x@W(p1), archsimd.LoadFloat64x@W(p2)
		act := active@W((*[@W]int32)(ref[i:i+@W]), NF)
		nv := C0.Mul(V).Add(C1.Mul(G1)).Add(C2.Mul(G2)).Add(R)
		if held {
			nv = nv.Merge(V, act) // refractory neurons keep v
		}
		nv.Store(pv)
		D1.Mul(G1).Add(R1).Store(p1)
		D2.Mul(G2).Add(R2).Store(p2)
		for bits := cmp@W(op, nv, T).And(act).ToBits(); bits != 0; bits &= bits - 1 {
			spikes = append(spikes, int32(lo+i+bits2.TrailingZeros8(bits)))
		}
	}
	return spikes, m
}
`
