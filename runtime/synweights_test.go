package runtime

import "testing"

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
