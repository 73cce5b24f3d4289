// Package ahmadhawkins2016 holds the closed forms of Ahmad & Hawkins 2016
// (arXiv:1601.00720) that examples/ahmad_hawkins2016.snn is compared with,
// and the figure that puts the simulation next to them.
package ahmadhawkins2016

import (
	"math"
	"math/big"
)

// choose is the binomial coefficient C(n, k) (0 outside 0 ≤ k ≤ n).
func choose(n, k int) *big.Int {
	if k < 0 || k > n || n < 0 {
		return new(big.Int)
	}
	return new(big.Int).Binomial(int64(n), int64(k))
}

// ratio is num/den as a float64, exact up to the final rounding.
func ratio(num, den *big.Int) float64 {
	f, _ := new(big.Rat).SetFrac(num, den).Float64()
	return f
}

// FalseMatch is the probability that a random pattern of a of n cells
// activates a segment of s synapses with threshold theta:
// Σ_{b=θ..s} C(s,b)·C(n−s, a−b) / C(n,a).
func FalseMatch(n, a, s, theta int) float64 {
	num := new(big.Int)
	for b := theta; b <= s; b++ {
		num.Add(num, new(big.Int).Mul(choose(s, b), choose(n-s, a-b)))
	}
	return ratio(num, choose(n, a))
}

// Miss is the probability that a segment of s synapses onto a stored
// pattern of a cells stays below theta when v of the a cells are replaced:
// Σ_{b=s−θ+1..s} C(s,b)·C(a−s, v−b) / C(a,v), independent of n.
func Miss(a, s, theta, v int) float64 {
	num := new(big.Int)
	for b := s - theta + 1; b <= s; b++ {
		num.Add(num, new(big.Int).Mul(choose(s, b), choose(a-s, v-b)))
	}
	return ratio(num, choose(a, v))
}

// UnionSize is the paper's effective synapse count of a segment storing M
// patterns with s synapses each: a cell is absent with probability
// p0 = (1 − s/n)^M and s' = n·(1 − p0).
func UnionSize(n, s, M int) float64 {
	return float64(n) * (1 - math.Pow(1-float64(s)/float64(n), float64(M)))
}

// UnionFalseMatch is the paper's false-match rate of such a union:
// P_fm(n, a, round(s'), θ).
func UnionFalseMatch(n, a, s, M, theta int) float64 {
	return FalseMatch(n, a, int(math.Round(UnionSize(n, s, M))), theta)
}

// UnionFalseMatchExact is the same rate without the approximation: the
// union of M independent random s-subsets of n cells has a random size u
// (UnionSizes), and the rate is Σ_u P(u)·P_fm(n, a, u, θ). spread is the
// variance over segments of their own rate P_fm(n, a, u, θ), which makes
// the counts of one segment over many patterns vary more than binomially.
func UnionFalseMatchExact(n, a, s, M, theta int) (rate, spread float64) {
	dist := UnionSizes(n, s, M)
	for u, p := range dist {
		if p > 1e-15 {
			rate += p * FalseMatch(n, a, u, theta)
		}
	}
	for u, p := range dist {
		if p > 1e-15 {
			d := FalseMatch(n, a, u, theta) - rate
			spread += p * d * d
		}
	}
	return rate, spread
}

// UnionSizes is the distribution of the size of the union of M independent
// random s-subsets of n cells, adding one subset at a time: of its s
// cells, k are new with probability C(n−u, k)·C(u, s−k)/C(n, s).
func UnionSizes(n, s, M int) []float64 {
	dist := make([]float64, n+1)
	dist[s] = 1
	total := ratio(choose(n, s), big.NewInt(1))
	for range M - 1 {
		next := make([]float64, n+1)
		for u, p := range dist {
			if p == 0 {
				continue
			}
			for k := 0; k <= s && u+k <= n; k++ {
				w, _ := new(big.Float).SetInt(new(big.Int).Mul(choose(n-u, k), choose(u, s-k))).Float64()
				next[u+k] += p * w / total
			}
		}
		dist = next
	}
	return dist
}
