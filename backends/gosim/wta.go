package gosim

import (
	"fmt"

	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/plan"
	"github.com/snnc/snnc/runtime"
)

// wta is winner-take-all selection on a population: after every threshold
// is tested, of the neurons that crossed only the k with the largest score
// keep their spike (ties go to the lower index); the others neither spike
// nor reset in this step.
type wta struct {
	p      *pop
	k      int
	score  sfn
	vals   []float64
	chosen []bool
}

func (s *sim) buildWtas(p *ir.Program, popOf map[*ir.Population]*part) error {
	for _, w := range p.Wtas {
		pt := popOf[w.Pop]
		if pt == nil {
			continue
		}
		if pt.off != 0 || pt.n != pt.p.n {
			return fmt.Errorf("wta %s: the population runs fused with others (a bug in the fuse pass)", w.Pop.Name)
		}
		cp := &compiler{slot: pt.p.slot, noRandom: "in a wta score"}
		f, err := cp.expr(plan.InlineAliases(w.By))
		if err != nil {
			return fmt.Errorf("wta %s: %w", w.Pop.Name, err)
		}
		s.wtas = append(s.wtas, &wta{p: pt.p, k: w.K, score: f})
	}
	return nil
}

// selectWinners keeps the k best-scoring crossings of each wta population.
func (s *sim) selectWinners() {
	for _, w := range s.wtas {
		spk := w.p.spikes
		if len(spk) <= w.k {
			continue
		}
		c := &ctx{t: s.t}
		w.vals = w.vals[:0]
		for _, i := range spk {
			c.i = int(i)
			w.vals = append(w.vals, w.score(c))
		}
		w.p.spikes, w.chosen = runtime.TopK(spk, w.vals, w.k, w.chosen)
		w.p.spikeCount -= int64(len(spk) - len(w.p.spikes))
	}
}
