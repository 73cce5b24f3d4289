package runtime

import (
	"reflect"
	"testing"
)

func TestTopK(t *testing.T) {
	for _, c := range []struct {
		spk   []int32
		score []float64
		k     int
		want  []int32
	}{
		{[]int32{1, 4, 7}, []float64{0.2, 0.9, 0.5}, 1, []int32{4}},
		{[]int32{1, 4, 7}, []float64{0.2, 0.9, 0.5}, 2, []int32{4, 7}},
		{[]int32{1, 4, 7}, []float64{0.5, 0.5, 0.5}, 2, []int32{1, 4}}, // ties: lower index
		{[]int32{1, 4}, []float64{0.1, 0.2}, 3, []int32{1, 4}},
		{[]int32{2, 3, 5, 8}, []float64{-1, 3, 3, 2}, 2, []int32{3, 5}},
	} {
		got, _ := TopK(append([]int32{}, c.spk...), c.score, c.k, nil)
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("TopK(%v, %v, %d) = %v, want %v", c.spk, c.score, c.k, got, c.want)
		}
	}
}
