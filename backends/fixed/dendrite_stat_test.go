package fixed_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snnc/snnc/backends/fixed"
	"github.com/snnc/snnc/backends/gosim"
)

// seqNet: 60 cells driven one to one, seeing each other through a
// learning segment dendrite whose growth must choose (5 new synapses of the
// 8 cells of the previous pattern).
const seqNet = `neuron Cell {
    state {
        v     = 0
        npred = 0
    }
    inputs {
        proximal: v += weight
    }
    dendrite distal {
        segments         = 4
        synapses         = 16
        threshold        = 3
        min_threshold    = 2
        max_new_synapses = 5
        permanence {
            connected = 0.5
            initial   = 0.3
            increment = 0.1
            decrement = 0.05
        }
    }
    on dendrite distal active {
        npred += 1
    }
    on threshold v > 0.5 {
        v = 0
    }
}

network Seq {
    dt   = 1 ms
    input X = spikes("sequence.csv", n = 60)
    population C = Cell[60]
    project X -> C : proximal { connect = one_to_one  weight = 1 }
    project C -> C : distal { connect = all_to_all }
    record C.npred
}

run Seq for 400 ms
`

// TestSegmentLearningStatistics: learning dendrites on q16 match float64
// in distribution (they draw their growth choices from different sources,
// so not draw for draw). A sequence of 5 random patterns (8 of 60 cells,
// one step apart) repeats 40 times, then 4 noisy variants (2 cells of
// each pattern replaced) follow; the number of predictions per run is
// measured for 12 seeds on each form, and the two means must agree within
// 3 standard errors of their difference.
func TestSegmentLearningStatistics(t *testing.T) {
	dir := t.TempDir()
	r := rand.New(rand.NewPCG(3, 4))
	var pats [5][]int
	for k := range pats {
		pats[k] = r.Perm(60)[:8]
	}
	var sb strings.Builder
	for rep := range 40 {
		for k, pat := range pats {
			p := pat
			if rep%10 == 9 { // a noisy presentation
				p = append(append([]int{}, pat[:6]...), r.Perm(60)[:2]...)
			}
			seen := map[int]bool{}
			for _, c := range p {
				if !seen[c] {
					seen[c] = true
					fmt.Fprintf(&sb, "%d,%d\n", c, 10*rep+k)
				}
			}
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "sequence.csv"), []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "seq.snn")
	if err := os.WriteFile(path, []byte(seqNet), 0o644); err != nil {
		t.Fatal(err)
	}
	p := compile(t, path)
	q := lower(t, p, "q16")
	total := func(vs [][]float64) float64 {
		s := 0.0
		for _, x := range vs[len(vs)-1] {
			s += x
		}
		return s
	}
	var fq, ff []float64
	for seed := uint64(1); seed <= 12; seed++ {
		o := fixed.Options{BaseDir: dir}
		o.Seed = &seed
		res := run(t, p, q, o)
		fres, err := gosim.Run(p, gosim.Options{BaseDir: dir, Seed: &seed})
		if err != nil {
			t.Fatal(err)
		}
		fq = append(fq, total(res.States[0].V))
		ff = append(ff, total(fres.States[0].V))
	}
	stats := func(xs []float64) (float64, float64) {
		m, v := 0.0, 0.0
		for _, x := range xs {
			m += x
		}
		m /= float64(len(xs))
		for _, x := range xs {
			v += (x - m) * (x - m)
		}
		return m, v / float64(len(xs)-1) / float64(len(xs))
	}
	mq, vq := stats(fq)
	mf, vf := stats(ff)
	se := math.Sqrt(vq + vf)
	t.Logf("predictions per run: q16 %.1f ± %.1f, float64 %.1f ± %.1f (q16 %v, float %v)", mq, math.Sqrt(vq), mf, math.Sqrt(vf), fq, ff)
	if mq < 100 || mf < 100 {
		t.Fatalf("few predictions (q16 %.0f, float %.0f): the sequence is not learned", mq, mf)
	}
	if math.Abs(mq-mf) > 3*se {
		t.Errorf("q16 makes %.1f predictions a run, float64 %.1f: more than 3 standard errors (%.2f) apart", mq, mf, se)
	}
}
