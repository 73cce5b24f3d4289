package rt

import (
	"math"
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

// TestTopKManyWinners: with k above the linear-search limit the selection
// is the one k rounds of "largest score, earliest on ties" make, computed
// here directly, on scores with many ties and with a NaN.
func TestTopKManyWinners(t *testing.T) {
	rng := NewStream(1, 2)
	for trial := 0; trial < 50; trial++ {
		n := 40 + rng.Intn(200)
		k := 17 + rng.Intn(n-17)
		spk := make([]int32, n)
		score := make([]float64, n)
		for j := range spk {
			spk[j] = int32(3 * j)
			score[j] = float64(rng.Intn(10)) // ties
		}
		if trial%5 == 0 {
			score[rng.Intn(n)] = math.NaN()
		}
		// the reference: k rounds
		taken := make([]bool, n)
		for r := 0; r < k; r++ {
			best := -1
			for j := range spk {
				if !taken[j] && (best < 0 || score[j] > score[best]) {
					best = j
				}
			}
			taken[best] = true
		}
		var want []int32
		for j, x := range spk {
			if taken[j] {
				want = append(want, x)
			}
		}
		got, _ := TopK(append([]int32{}, spk...), score, k, nil)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("n=%d k=%d: got %v, want %v", n, k, got, want)
		}
	}
}

// BenchmarkTopKManyWinners: 20000 crossings, 10000 winners.
func BenchmarkTopKManyWinners(b *testing.B) {
	rng := NewStream(1, 3)
	spk := make([]int32, 20000)
	score := make([]float64, len(spk))
	for j := range spk {
		spk[j], score[j] = int32(j), rng.Float64()
	}
	buf := make([]int32, len(spk))
	var chosen []bool
	for b.Loop() {
		copy(buf, spk)
		_, chosen = TopK(buf, score, 10000, chosen)
	}
}
