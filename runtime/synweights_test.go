package rt

import (
	"slices"
	"testing"
)

// TestSynWeights: float32 weights read back as float64 exactly, Move and
// Truncate compact them (the kept rows of a split run), Bytes counts 4 a
// synapse for float32 and 8 for float64.
func TestSynWeights(t *testing.T) {
	w := SynWeights{F32: []float32{0.1, 0.2, 0.3, 0.4}}
	if !w.Set() || w.At(1) != float64(float32(0.2)) {
		t.Fatalf("At(1) = %v, want float32 0.2", w.At(1))
	}
	w.Move(0, 2)
	w.Move(1, 3)
	w.Truncate(2)
	if len(w.F32) != 2 || w.At(0) != float64(float32(0.3)) || w.At(1) != float64(float32(0.4)) || w.Bytes() != 8 {
		t.Errorf("after compaction: %v, %d bytes", w.F32, w.Bytes())
	}
	d := SynWeights{F64: []float64{0.1, 0.2}}
	if d.At(0) != 0.1 || d.Bytes() != 16 {
		t.Errorf("float64: At(0) = %v, %d bytes", d.At(0), d.Bytes())
	}
	if (&SynWeights{}).Set() {
		t.Error("empty weights are set")
	}
}

// TestPruneWeights: the synapses below eps go, the rest keep their order
// row by row (float64 and float32 alike), their weights in an array of
// their own length.
func TestPruneWeights(t *testing.T) {
	csr := &CSR{NPre: 2, NPost: 3, RowPtr: []int64{0, 2, 4}, Col: []int32{0, 1, 1, 2}}
	w := []float64{0.5, 1e-9, -1e-9, -0.25}
	if n := PruneWeights(csr, &w, 1e-6); n != 2 || !slices.Equal(csr.Col, []int32{0, 2}) || !slices.Equal(w, []float64{0.5, -0.25}) ||
		!slices.Equal(csr.RowPtr, []int64{0, 1, 2}) || cap(w) != 2 {
		t.Errorf("float64: %d %v %v %v (cap %d)", n, csr.RowPtr, csr.Col, w, cap(w))
	}
	csr = &CSR{NPre: 3, NPost: 2, RowPtr: []int64{0, 1, 1, 3}, Col: []int32{1, 0, 1}}
	w32 := []float32{-1e-7, 2, -3}
	if n := PruneWeights(csr, &w32, 1e-6); n != 2 || !slices.Equal(csr.Col, []int32{0, 1}) || !slices.Equal(w32, []float32{2, -3}) ||
		!slices.Equal(csr.RowPtr, []int64{0, 0, 0, 2}) {
		t.Errorf("float32: %d %v %v %v", n, csr.RowPtr, csr.Col, w32)
	}
}
