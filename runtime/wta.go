package rt

import (
	"math"
	"slices"
)

// TopK is winner-take-all selection among the crossings of one step: it
// keeps the k entries of spk with the largest score (score[j] belongs to
// spk[j]; on equal scores the earlier entry wins), in their original order,
// reusing spk's array. chosen is scratch space (grown as needed).
func TopK(spk []int32, score []float64, k int, chosen []bool) ([]int32, []bool) {
	if len(spk) <= k {
		return spk, chosen
	}
	chosen = append(chosen[:0], make([]bool, len(spk))...)
	if k > 16 && !hasNaN(score[:len(spk)]) {
		// many winners: k rounds of a linear search cost k·n (seconds a step
		// for k = 10^4 of 2·10^4 crossings); a stable sort by descending score
		// picks the same entries (equal scores keep their order). With a NaN
		// the rounds below decide, as they always did.
		order := make([]int32, len(spk))
		for j := range order {
			order[j] = int32(j)
		}
		slices.SortStableFunc(order, func(a, b int32) int {
			switch {
			case score[a] > score[b]:
				return -1
			case score[a] < score[b]:
				return 1
			}
			return 0
		})
		for _, j := range order[:k] {
			chosen[j] = true
		}
		k = 0
	}
	for r := 0; r < k; r++ {
		best := -1
		for j := range spk {
			if !chosen[j] && (best < 0 || score[j] > score[best]) {
				best = j
			}
		}
		chosen[best] = true
	}
	out := spk[:0]
	for j, i := range spk { // out never overtakes j
		if chosen[j] {
			out = append(out, i)
		}
	}
	return out, chosen
}

func hasNaN(xs []float64) bool {
	for _, x := range xs {
		if math.IsNaN(x) {
			return true
		}
	}
	return false
}
