package fixed_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/snnc/snnc/backends/fixed"
	"github.com/snnc/snnc/ir/iir"
	"github.com/snnc/snnc/runtime"
)

// learnSequence writes testdata/dendrites/learn.snn and its input into a
// new directory: pattern x at step 10k, y at step 10k+1 (cells fire one
// step after their input); it returns the model's path.
func learnSequence(t *testing.T, seq [][2][]int) string {
	t.Helper()
	dir := t.TempDir()
	src, err := os.ReadFile("../../testdata/dendrites/learn.snn")
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	for k, xy := range seq {
		for _, c := range xy[0] {
			fmt.Fprintf(&sb, "%d,%d\n", c, 10*k)
		}
		for _, c := range xy[1] {
			fmt.Fprintf(&sb, "%d,%d\n", c, 10*k+1)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "sequence.csv"), []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "learn.snn")
	if err := os.WriteFile(path, src, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func span(lo, hi int) []int {
	var r []int
	for c := lo; c < hi; c++ {
		r = append(r, c)
	}
	return r
}

// qseg is a segment of the integer dendrite's final state.
type qseg struct {
	neuron int
	pre    []int
	perm   []int64
}

func qsegments(td *iir.TraceDendrite, n int) []qseg {
	st, ns, nk := td.Final, td.Dendrite.Segments, td.Dendrite.Synapses
	var out []qseg
	for j := 0; j < n; j++ {
		for g := j * ns; g < (j+1)*ns; g++ {
			if st.N[g] == 0 {
				continue
			}
			sg := qseg{neuron: j}
			for s := g * nk; s < g*nk+int(st.N[g]); s++ {
				sg.pre = append(sg.pre, int(st.Pre[s]))
				sg.perm = append(sg.perm, st.Perm[s])
			}
			out = append(out, sg)
		}
	}
	return out
}

// TestSegmentLearningQ16: HTM learning in integers (iir.DendLearn) on
// learn.snn, against the closed forms TestSegmentLearning (gosim) holds the
// float interpreter to: segments 2, synapses 16, threshold 4,
// min_threshold 3, max_new_synapses 12, initial 0.21, connected 0.5,
// increment = decrement = 0.1 (permanences in 16-bit fixed point, 65535 =
// 1, as both forms hold them).
//
//  1. A → B eight times: each B cell grows one segment onto the 10 A
//     cells at `initial` and reinforces it by `increment` at each of the
//     next 7 presentations; connected after the fourth, so B is predicted
//     exactly when A fires from the fifth on (npred).
//  2. A' → B twenty times (5 A cells, 7 new ones): the segment grows onto
//     the 7 new cells, drops its weakest synapse to an inactive A cell to
//     stay within 16, and the other 4 decay to 0 and go: 12 synapses onto
//     A'. B is predicted 4 + 20 times in all.
//  3. Three new contexts of 14, 14 and 12 cells → B: each grows a new
//     segment of 12 synapses (12 of 14 by the hash draws, all 12 of the
//     last), the least recently used one evicted from the second on.
func TestSegmentLearningQ16(t *testing.T) {
	A, B := span(0, 10), span(20, 30)
	A2 := append(span(0, 5), span(10, 17)...)
	C1, C2, C3 := span(40, 54), span(54, 68), span(68, 80)
	var seq [][2][]int
	for range 8 {
		seq = append(seq, [2][]int{A, B})
	}
	for range 20 {
		seq = append(seq, [2][]int{A2, B})
	}
	seq = append(seq, [2][]int{C1, B}, [2][]int{C2, B}, [2][]int{C3, B})
	path := learnSequence(t, seq)
	p := compile(t, path)
	q := lower(t, p, "q16")
	d := q.Models[0].Dendrites[0]
	if d.Learn == nil {
		t.Fatal("the dendrite lowered without learning")
	}
	initQ, incQ := int64(rt.PermQ(0.21)), int64(rt.PermQ(0.1))
	isB := func(c int) bool { return c >= 20 && c < 30 }
	runFor := func(ms float64) (*iir.Trace, []qseg) {
		o := fixed.Options{BaseDir: filepath.Dir(path)}
		o.Duration = ms * 1e-3
		tr, err := fixed.RunTrace(p, q, o)
		if err != nil {
			t.Fatal(err)
		}
		segs := qsegments(tr.Pops[0].Dendrites[0], 80)
		for _, sg := range segs {
			if len(sg.pre) > 16 || len(slices.Compact(slices.Sorted(slices.Values(sg.pre)))) != len(sg.pre) {
				t.Errorf("neuron %d: segment %v over the cap or with a repeated cell", sg.neuron, sg.pre)
			}
			for _, x := range sg.perm {
				if x <= 0 || x > iir.PermOne {
					t.Errorf("neuron %d: permanence %d outside (0, 1]", sg.neuron, x)
				}
			}
		}
		return tr, segs
	}
	npred := func(tr *iir.Trace, c int) int64 {
		m := q.Models[0]
		for k, v := range m.Vars {
			if v.Name == "npred" {
				return int64(v.SI(tr.Pops[0].Final[k][c]))
			}
		}
		t.Fatal("no npred")
		return 0
	}

	// phase 1
	tr, segs := runFor(80)
	if len(segs) != 10 {
		t.Fatalf("after A→B ×8: %d segments, want one per B cell", len(segs))
	}
	for _, sg := range segs {
		if !isB(sg.neuron) || !slices.Equal(sg.pre, A) {
			t.Errorf("segment of neuron %d onto %v, want a B cell onto A", sg.neuron, sg.pre)
		}
		for _, x := range sg.perm {
			if x != initQ+7*incQ {
				t.Errorf("neuron %d: permanence %d, want initial + 7·increment = %d", sg.neuron, x, initQ+7*incQ)
				break
			}
		}
	}
	for c := range 80 {
		// predicted at the steps after A's at presentations 5..8
		if want := map[bool]int64{true: 4}[isB(c)]; npred(tr, c) != want {
			t.Errorf("80 ms: neuron %d predicted %d times, want %d", c, npred(tr, c), want)
		}
	}

	// phase 2
	tr, segs = runFor(280)
	if len(segs) != 10 {
		t.Fatalf("after A'→B ×20: %d segments, want 10", len(segs))
	}
	for _, sg := range segs {
		if !isB(sg.neuron) || !slices.Equal(slices.Sorted(slices.Values(sg.pre)), A2) {
			t.Errorf("segment of neuron %d onto %v, want a B cell onto %v", sg.neuron, sg.pre, A2)
		}
	}
	for c := range 80 {
		if want := map[bool]int64{true: 4 + 20}[isB(c)]; npred(tr, c) != want {
			t.Errorf("280 ms: neuron %d predicted %d times, want %d", c, npred(tr, c), want)
		}
	}

	// phase 3
	_, segs = runFor(400)
	if len(segs) != 20 {
		t.Fatalf("after three new contexts: %d segments, want 2 per B cell", len(segs))
	}
	chosen := map[int]int{}
	for _, sg := range segs {
		if len(sg.pre) != 12 || !isB(sg.neuron) {
			t.Errorf("neuron %d: a new segment of %d synapses, want 12 (max_new_synapses)", sg.neuron, len(sg.pre))
		}
		for _, c := range sg.pre {
			if c < 54 {
				t.Errorf("neuron %d keeps a synapse onto %d: the oldest segment should have been evicted", sg.neuron, c)
				break
			}
			chosen[c]++
		}
	}
	// C2's 14 cells: each B cell chose 12 of them; not the same 12 every time
	left := 0
	for _, c := range C2 {
		left += 10 - chosen[c]
	}
	if left != 20 || chosen[C2[0]] == 10 && chosen[C2[1]] == 10 && chosen[C2[2]] == 10 {
		t.Errorf("C2's cells chosen %v times: want 12 of 14 per B cell, varying", chosen)
	}
}
