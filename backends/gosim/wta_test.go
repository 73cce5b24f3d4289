package gosim_test

import (
	"math"
	"sort"
	"testing"

	"github.com/snnc/snnc/backends/gosim"
)

// TestWta: in testdata/gocode/wta.snn an input spike lifts every cell over
// threshold at once. In F (no wta) all six spike in that step; in E (wta
// k = 2 by v) each step's spikes are exactly the two largest v among the
// cells above threshold after that step's decay, computed here from the
// recorded v, and the losers, not reset, win in the following steps.
func TestWta(t *testing.T) {
	for _, off := range [][]string{nil, {"fuse"}} {
		res := run(t, compile(t, "../../testdata/gocode/wta.snn", off...), gosim.Options{})
		byStep := func(name string) map[int][]int {
			out := map[int][]int{}
			for _, m := range res.Spikes {
				if m.Name == name {
					for k, ts := range m.T {
						n := int(math.Round(ts / 1e-4))
						out[n] = append(out[n], int(m.I[k]))
					}
				}
			}
			return out
		}
		e, f := byStep("E"), byStep("F")
		for n, idx := range f {
			if len(idx) != 6 {
				t.Errorf("F: %d spikes at step %d, want all 6", len(idx), n)
			}
		}
		v := res.States[0]
		decay := math.Exp(-0.1 / 10)
		multi := 0
		for n := range v.T {
			var cands []int
			for i, x := range v.V[n] {
				if x*decay > 10e-3 {
					cands = append(cands, i)
				}
			}
			if len(cands) > 2 {
				multi++
			}
			sort.SliceStable(cands, func(a, b int) bool { return v.V[n][cands[a]] > v.V[n][cands[b]] })
			want := cands[:min(2, len(cands))]
			sort.Ints(want)
			got := e[n]
			sort.Ints(got)
			if len(got) != len(want) || (len(want) > 0 && (got[0] != want[0] || got[len(got)-1] != want[len(want)-1])) {
				t.Errorf("off=%v step %d: E spikes %v, want the two largest v of %v: %v", off, n, got, cands, want)
			}
		}
		if multi < 4 {
			t.Errorf("only %d steps with more than two candidates; the model should make some", multi)
		}
	}
}
