package lang

import "fmt"

// wtas checks `wta Pop { k = K; by = score }`: Pop a population (one wta
// each), k a constant whole number in 1..size (default 1), by a number
// computed from the population's neuron type (its state, aliases,
// parameters; no random draws).
func (c *checker) wtas(ni *NetInfo) {
	seen := map[string]bool{}
	for _, it := range ni.Decl.Items {
		w, ok := it.(*WtaDecl)
		if !ok {
			continue
		}
		sym, ok := ni.Scope[w.Pop.Name]
		if !ok {
			c.unknown(w.Pop, "population", popNames(ni, false))
			continue
		}
		c.prog.Uses[w.Pop] = sym
		if sym.Pop == nil || sym.Pop.Type == nil {
			if sym.Pop == nil || sym.Pop.Pop == nil {
				c.errorf(w.Pop, "%s is not a population; wta selects among neurons", w.Pop.Name)
			}
			continue
		}
		if seen[w.Pop.Name] {
			c.errorf(w.Pop, "population %s has a second wta", w.Pop.Name).Hint = "one wta per population; set k for k winners"
			continue
		}
		seen[w.Pop.Name] = true
		p := sym.Pop
		var by *Setting
		set := map[string]bool{}
		for _, s := range w.Settings {
			if set[s.Name.Name] {
				c.errorf(s.Name, "%s is set twice in wta %s", s.Name.Name, w.Pop.Name)
				continue
			}
			set[s.Name.Name] = true
			switch s.Name.Name {
			case "k":
				t := (&env{c: c, noTime: true}).expr(s.Value)
				if !c.expect(s.Value, t, dimless, "k") {
					continue
				}
				v, ok := constValue(s.Value)
				if !ok {
					c.errorf(s.Value, "k must be a constant")
					continue
				}
				if c.checkInt(s.Value, v, 1, "k") && p.Size > 0 && int(v) > p.Size {
					c.errorf(s.Value, "k = %v is more than the %d neurons of %s", v, p.Size, p.Name)
				}
			case "by":
				by = s
				e := &env{c: c, typ: p.Type, noRandom: "in a wta score (it ranks the neurons of one step)"}
				t := e.expr(s.Value)
				if t.Kind != Number && t.Kind != Invalid && t.Kind != Deferred {
					c.errorf(s.Value, "the wta score must be a number, not %s", t)
				}
			default:
				c.unknownSetting(s, []string{"k", "by"}, "wta")
			}
		}
		if by == nil {
			d := c.errorf(w, "wta %s needs a score: by = expr", w.Pop.Name)
			d.Hint = fmt.Sprintf("e.g. wta %s { by = v }: the crossing neurons with the largest v spike", w.Pop.Name)
		}
	}
}
