package examples_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/snnc/snnc/backends/fixed"
	"github.com/snnc/snnc/ir/iir"
)

// TestHTMSequence: examples/htm_sequence.snn against its closed form, in
// float64 and on q16 (issue 17 item 5). A → B → C → D every 10 ms: each B,
// C and D cell grows one segment of 4 synapses onto the pattern before it
// at 0.21 and gains 0.1 a presentation, so it connects (≥ 0.5) at the
// fourth and predicts from the fifth: npred sampled at 10 ms·k (before
// presentation k) is max(0, k − 4) for B, C and D and 0 for A. On q16 the
// final segments are also checked slot by slot: one per B, C, D cell, 4
// distinct cells of the previous pattern at 0.21 + 19·0.1 = 1 (saturated),
// chosen by the hash draws, and not the same 4 for every cell.
func TestHTMSequence(t *testing.T) {
	float := runSeed(t, "htm_sequence.snn", 0, 0)
	p, q := lowerQ16(t, "htm_sequence.snn")
	fres, err := fixed.Run(p, q, fixed.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for name, st := range map[string][][]float64{"float64": float.States[0].V, "q16": fres.States[0].V} {
		if len(st) != 20 {
			t.Fatalf("%s: %d samples, want 20", name, len(st))
		}
		for k, row := range st {
			for c, x := range row {
				want := float64(max(0, k-4))
				if c < 6 {
					want = 0
				}
				if x != want {
					t.Fatalf("%s: at %d ms cell %d predicted %g times, want %g", name, 10*k, c, x, want)
				}
			}
		}
	}
	tr, err := fixed.RunTrace(p, q, fixed.Options{})
	if err != nil {
		t.Fatal(err)
	}
	td := tr.Pops[0].Dendrites[0]
	ns, nk := td.Dendrite.Segments, td.Dendrite.Synapses
	sets := map[string]bool{}
	for j := 0; j < 24; j++ {
		var segs [][]int32
		for g := j * ns; g < (j+1)*ns; g++ {
			if n := int(td.Final.N[g]); n > 0 {
				pre := td.Final.Pre[g*nk : g*nk+n]
				for _, x := range td.Final.Perm[g*nk : g*nk+n] {
					if x != iir.PermOne {
						t.Errorf("cell %d: permanence %d, want saturated at %d", j, x, iir.PermOne)
					}
				}
				segs = append(segs, pre)
			}
		}
		if j < 6 {
			if len(segs) != 0 {
				t.Errorf("A cell %d has segments %v: nothing precedes A", j, segs)
			}
			continue
		}
		if len(segs) != 1 || len(segs[0]) != 4 {
			t.Fatalf("cell %d: segments %v, want one of 4 synapses", j, segs)
		}
		prev := int32(j/6*6 - 6)
		s := slices.Sorted(slices.Values(segs[0]))
		if len(slices.Compact(slices.Clone(s))) != 4 || s[0] < prev || s[3] >= prev+6 {
			t.Errorf("cell %d grew onto %v, want 4 distinct cells of %d..%d", j, s, prev, prev+5)
		}
		sets[fmt.Sprint(s)] = true
	}
	if len(sets) < 3 {
		t.Errorf("the 18 cells chose only %d different sets of 4: the choice should vary", len(sets))
	}
}
