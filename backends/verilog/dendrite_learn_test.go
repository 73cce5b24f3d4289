package verilog_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snnc/snnc/backends/verilog"
)

// compareDendrites compares the learning dendrites' final memories (slots,
// permanences, segment sizes, steps and counts) with the Go simulator's.
func compareDendrites(t testing.TB, d *verilog.Design, dir string) {
	t.Helper()
	for _, md := range d.Map.Dendrites {
		found := false
		for _, tp := range d.Trace.Pops {
			if tp.Name != md.Pop {
				continue
			}
			for _, td := range tp.Dendrites {
				if td.Dendrite.Name != md.Name || td.Final == nil {
					continue
				}
				found = true
				pre := make([]int64, len(td.Final.Pre))
				for k, c := range td.Final.Pre {
					pre[k] = int64(c)
				}
				for _, c := range []struct {
					mem  string
					want []int64
				}{{md.Pre, pre}, {md.Perm, td.Final.Perm}, {md.N, td.Final.N}, {md.Last, td.Final.Last}, {md.Pot, td.Final.Pot}, {md.Con, td.Final.Con}} {
					words := readHex(t, filepath.Join(dir, "final_"+c.mem+".hex"))
					if len(words) != len(c.want) {
						t.Fatalf("%s: %d words, want %d", c.mem, len(words), len(c.want))
					}
					for k, x := range c.want {
						if words[k] != uint64(x)&0xffffffff {
							t.Fatalf("final %s[%d]: verilog %#x, Go %d", c.mem, k, words[k], x)
						}
					}
				}
			}
		}
		if !found {
			t.Fatalf("dendrite %s.%s: not in the trace", md.Pop, md.Name)
		}
	}
}

// learnNet is a learning segment dendrite (HTM temporal memory) on 30
// cells driven one to one from a file of patterns, seeing each other
// through their distal dendrites.
const learnNet = `neuron Cell {
    state {
        v     = 0
        npred = 0
    }
    inputs {
        proximal: v += weight
    }
    dendrite distal {
        segments         = 2
        synapses         = 8
        threshold        = 3
        min_threshold    = 2
        max_new_synapses = 6
        permanence {
            connected = 0.5
            initial   = 0.21
            increment = 0.1
            decrement = 0.1
        }
    }
    on dendrite distal active {
        npred += 1
    }
    on threshold v > 0.5 {
        v = 0
    }
}

network Sequence {
    dt   = 1 ms
    input X = spikes("sequence.csv", n = 30)
    population C = Cell[30]
    project X -> C : proximal { connect = one_to_one  weight = 1 }
    project C -> C : distal { connect = all_to_all }
    record spikes(C)
    record C.npred
}

run Sequence for 190 ms
`

// TestCosimLearningDendrite: segment learning in integers (iir.DendLearn)
// gives the Go simulator's spikes, state, slots, permanences, segment
// sizes and steps bit for bit in Icarus, lint-clean. The sequence takes
// every path: A → B grows and reinforces a segment (B predicted from the
// fourth presentation); A' → B (3 of A's cells and 5 new ones) reinforces
// the 3, weakens the rest, grows 3 of the 5 new cells by the hash draws
// and drops the weakest synapse to fit 8; two presentations with fresh
// cells grow three synapses at the end of the full segment and then drop
// them again, the last from the last slot; two new contexts grow new
// segments of 6 of 7 cells, the second evicting the least recently used.
func TestCosimLearningDendrite(t *testing.T) {
	needTools(t)
	dir := t.TempDir()
	var sb strings.Builder
	pres := func(k int, x, y []int) {
		for _, c := range x {
			fmt.Fprintf(&sb, "%d,%d\n", c, 10*k)
		}
		for _, c := range y {
			fmt.Fprintf(&sb, "%d,%d\n", c, 10*k+1)
		}
	}
	A, B := []int{0, 1, 2, 3, 4, 5}, []int{6, 7, 8, 9, 10, 11}
	A2 := []int{0, 1, 2, 12, 13, 14, 15, 16}
	C1, C2 := []int{17, 18, 19, 20, 21, 22, 23}, []int{23, 24, 25, 26, 27, 28, 29}
	k := 0
	for range 6 {
		pres(k, A, B)
		k++
	}
	for range 8 {
		pres(k, A2, B)
		k++
	}
	// three fresh synapses at the end of the full segment, then all three
	// dropped again (the last one from the last slot)
	pres(k, []int{0, 1, 2, 24, 25, 26, 27}, B)
	pres(k+1, []int{0, 1, 2, 28, 29, 17, 18}, B)
	k += 2
	pres(k, C1, B)
	pres(k+1, C2[1:], B)
	if err := os.WriteFile(filepath.Join(dir, "sequence.csv"), []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "learn.snn")
	if err := os.WriteFile(path, []byte(learnNet), 0o644); err != nil {
		t.Fatal(err)
	}
	p := compileFile(t, path)
	for _, seed := range []uint64{1, 2} {
		d := designAt(t, p, "q16", 0, seed, dir)
		fin := d.Trace.Pops[0].Dendrites[0].Final
		grown := 0
		for _, n := range fin.N {
			grown += int(n)
		}
		if len(d.Map.Dendrites) != 1 {
			t.Fatalf("%d learning dendrites in the memory map, want 1", len(d.Map.Dendrites))
		}
		if grown == 0 {
			t.Fatal("no synapse grew: the co-simulation checks nothing")
		}
		n := compare(t, d, iverilog(t, d))
		t.Logf("seed %d: %d spikes, %d synapses and every slot identical", seed, n, grown)
	}
}
