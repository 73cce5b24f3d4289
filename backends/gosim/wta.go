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
	score  *loopExec // the plan's score loop: stores each crossing's score into scores
	scores []float64
	vals   []float64
	chosen []bool
}

func (s *sim) buildWtas(p *ir.Program, popOf map[*ir.Population]*part) error {
	for _, w := range p.Wtas {
		pt := popOf[w.Pop]
		if pt == nil {
			continue
		}
		var l *plan.Loop
		for _, ph := range s.plan.Step {
			if ph.Kind == plan.Winners && ph.Target == w.Pop.Name && len(ph.Loops) == 1 {
				l = ph.Loops[0]
			}
		}
		if l == nil || len(l.Ops) == 0 || l.Ops[len(l.Ops)-1].Code != plan.Store {
			return fmt.Errorf("wta %s: no score loop in the plan", w.Pop.Name)
		}
		e, err := compileLoop(l, pt.p.la, false)
		if err != nil {
			return fmt.Errorf("wta %s: %w", w.Pop.Name, err)
		}
		s.wtas = append(s.wtas, &wta{p: pt.p, k: w.K, score: e, scores: pt.p.la.f64[l.Ops[len(l.Ops)-1].Arr]})
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
		w.score.start(s.n, s.t)
		var x lanes
		w.vals = w.vals[:0]
		for _, i := range spk {
			w.score.elem(int(i), 0, &x)
			w.vals = append(w.vals, w.scores[i])
		}
		w.p.spikes, w.chosen = rt.TopK(spk, w.vals, w.k, w.chosen)
		w.p.spikeCount -= int64(len(spk) - len(w.p.spikes))
	}
}
