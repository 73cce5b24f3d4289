package gocode

import (
	"fmt"

	"github.com/snnc/snnc/plan"
)

// wtas writes a method per winner-take-all population that keeps, after
// its threshold, the k best-scoring crossings (rt.TopK, as gosim):
// the plan's score loop stores each crossing's score into wta<k>score.
func (g *gen) wtas() error {
	for _, w := range g.p.Wtas {
		pt := g.partOf(w.Pop)
		if pt == nil {
			continue
		}
		ls := g.loops(plan.Winners, w.Pop.Name)
		if len(ls) != 1 {
			return fmt.Errorf("wta %s: no score loop in the plan", w.Pop.Name)
		}
		pg := pt.pop
		f := newFn()
		k := pg.k
		g.fields.line("wta%dscore []float64 // wta %s: the score of each crossing, by neuron", k, comment(w.Pop.Name))
		g.fields.line("wta%dvals []float64 // the scores of this step's crossings, in order", k)
		g.fields.line("wta%dchosen []bool", k)
		g.build.line("s.wta%dscore = make([]float64, %d)", k, pg.n)
		pg.scratch[ls[0].Ops[len(ls[0].Ops)-1].Arr] = fmt.Sprintf("wta%dscore", k)
		f.line("if len(s.p%dspk) <= %d {", k, w.K)
		f.line("return")
		f.line("}")
		f.line("vals := s.wta%dvals[:0]", k)
		f.line("for _, i32 := range s.p%dspk {", k)
		f.line("i := int(i32)")
		p := pg.printer(f, "")
		p.where = "in a wta score"
		p.file, p.line = w.Pos.Pos.File, w.Pos.Pos.Line
		if _, err := p.loop(&f.buf, ls[0], "ws", "i"); err != nil {
			return fmt.Errorf("wta %s: %w", w.Pop.Name, err)
		}
		f.line("vals = append(vals, s.wta%dscore[i])", k)
		f.line("}")
		f.line("s.wta%dvals = vals", k)
		f.line("s.p%dspk, s.wta%dchosen = rt.TopK(s.p%dspk, vals, %d, s.wta%dchosen)", k, k, k, w.K, k)
		f.write(&g.funcs, fmt.Sprintf("// wta%d keeps the %d best-scoring crossings of %s.\nfunc (s *sim) wta%d() {", k, w.K, comment(w.Pop.Name), k))
	}
	return nil
}

// hasWta reports whether the population has a wta (its method runs after
// its threshold).
func (g *gen) hasWta(pg *popGen) bool {
	for _, w := range g.p.Wtas {
		if w.Pop == pg.ip {
			return true
		}
	}
	return false
}
