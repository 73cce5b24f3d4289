package runtime

// TopK is winner-take-all selection among the crossings of one step: it
// keeps the k entries of spk with the largest score (score[j] belongs to
// spk[j]; on equal scores the earlier entry wins), in their original order,
// reusing spk's array. chosen is scratch space (grown as needed).
func TopK(spk []int32, score []float64, k int, chosen []bool) ([]int32, []bool) {
	if len(spk) <= k {
		return spk, chosen
	}
	chosen = append(chosen[:0], make([]bool, len(spk))...)
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
