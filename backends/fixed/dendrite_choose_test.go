package fixed

import (
	"math"
	"testing"

	"github.com/snnc/snnc/ir/iir"
)

// TestChooseUniform: growth's selection sampling (ldend.choose) takes
// exactly n of the m candidates, and over many steps every candidate is
// taken with probability n/m and every pair with n(n−1)/(m(m−1)) — the
// closed forms of a uniform n-subset (the float interpreter's partial
// Fisher–Yates draws the same distribution). Chi-square at p = 0.001 on
// the single inclusions; the pairs within 4 standard errors.
func TestChooseUniform(t *testing.T) {
	const npre, m, n, steps = 40, 15, 6, 20000
	d := &iir.Dendrite{Segments: 2, Synapses: 16, Initial: 1000, Learn: &iir.DendLearn{Site: 7}}
	x := newLdend(d, 3, npre, 11)
	var cands []int
	for c := 0; c < npre; c += 2 { // 20 active cells, 15 of them in neuron 1's pool
		x.act[c] = true
		if len(cands) < m {
			x.pool[1*npre+c] = true
			cands = append(cands, c)
		}
	}
	if got := x.candidates(1); got != m {
		t.Fatalf("%d candidates, want %d", got, m)
	}
	count := map[int]float64{}
	pair := 0.0
	for step := range steps {
		g := 1*x.ns + step%2
		x.sn[g] = 0
		x.choose(step, 1, g, m, n)
		if x.sn[g] != n {
			t.Fatalf("step %d: chose %d, want %d", step, x.sn[g], n)
		}
		has := map[int]bool{}
		for s := g * x.nk; s < g*x.nk+n; s++ {
			c := int(x.pre[s])
			if !x.pool[npre+c] || has[c] {
				t.Fatalf("step %d: chose %d, not a candidate or twice", step, c)
			}
			has[c] = true
			count[c]++
		}
		if has[cands[0]] && has[cands[m-1]] {
			pair++
		}
	}
	e := float64(steps) * n / m
	chi := 0.0
	for _, c := range cands {
		chi += (count[c] - e) * (count[c] - e) / e
	}
	// the m counts sum to steps·n: m−1 degrees of freedom, and each is
	// binomial with variance e(1 − n/m), so Pearson's sum is scaled by (1 − n/m)
	chi /= 1 - float64(n)/m
	const crit = 36.12 // chi-square quantile at 0.999 for 14 degrees of freedom
	if chi > crit {
		t.Errorf("inclusion counts %v: chi2 %.1f > %.1f", count, chi, crit)
	}
	pp := float64(n*(n-1)) / float64(m*(m-1))
	if se := math.Sqrt(pp * (1 - pp) / steps); math.Abs(pair/steps-pp) > 4*se {
		t.Errorf("first and last candidate together in %.4f of the choices, want %.4f ± %.4f", pair/steps, pp, 4*se)
	}
}
