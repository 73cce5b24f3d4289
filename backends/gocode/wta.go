package gocode

import (
	"fmt"

	"github.com/snnc/snnc/plan"
)

// wtas writes a method per winner-take-all population that keeps, after
// its threshold, the k best-scoring crossings (runtime.TopK, as gosim).
func (g *gen) wtas() error {
	for _, w := range g.p.Wtas {
		pt := g.partOf(w.Pop)
		if pt == nil {
			continue
		}
		if !pt.whole() {
			return fmt.Errorf("wta %s: the population runs fused with others (a bug in the fuse pass)", w.Pop.Name)
		}
		pg := pt.pop
		f := newFn()
		en := &env{g: g, ref: pg.scalarRef(f, "i", ""), time: lazy(f, "t", "s.t"), weight: "0.0", where: "in a wta score"}
		score, err := en.num(plan.InlineAliases(w.By))
		if err != nil {
			return fmt.Errorf("wta %s: %w", w.Pop.Name, err)
		}
		k := pg.k
		g.fields.line("wta%dscore []float64 // wta %s: scores of this step's crossings", k, comment(w.Pop.Name))
		g.fields.line("wta%dchosen []bool", k)
		f.line("if len(s.p%dspk) <= %d {", k, w.K)
		f.line("return")
		f.line("}")
		f.line("score := s.wta%dscore[:0]", k)
		f.line("for _, i32 := range s.p%dspk {", k)
		f.line("i := int(i32)")
		f.line("_ = i")
		f.line("score = append(score, %s)", score.s)
		f.line("}")
		f.line("s.wta%dscore = score", k)
		f.line("s.p%dspk, s.wta%dchosen = rt.TopK(s.p%dspk, score, %d, s.wta%dchosen)", k, k, k, w.K, k)
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
