package fixed

import (
	"fmt"

	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/ir/iir"
)

// rangeCheck compares every value the run computes with the interval the
// range analysis gave it (which sets the op's width in hardware and makes
// its resizes "proved"): the simulator's integers are 64-bit, wider than
// any op, so a value outside is a false proof, not an overflow.
type rangeCheck struct {
	bad  []string
	seen map[any]bool
}

func (c *rangeCheck) fail(key any, format string, args ...any) {
	if c.seen[key] {
		return
	}
	c.seen[key] = true
	c.bad = append(c.bad, fmt.Sprintf(format, args...))
}

// value checks one op's value (after a kernel ran: every op keeps its own
// register).
func (c *rangeCheck) value(p *xpop, k *iir.Kernel, o *iir.Op, x int64) {
	switch o.Code {
	case iir.OpStore, iir.OpRefract:
		return // a store's value is its argument's; refract has none
	}
	if x < o.Range.Lo || x > o.Range.Hi {
		c.fail(o, "%s %s: %%%d = %s is %d at step %d, outside its range [%d, %d]", p.nm, k.Name, o.ID, o.Code, x, p.s.n, o.Range.Lo, o.Range.Hi)
	}
}

func (c *rangeCheck) vector(p *xpop, k *iir.Kernel) {
	for _, o := range k.Ops {
		for _, x := range p.regs[o.ID][:p.n] {
			c.value(p, k, o, x)
		}
	}
}

func (c *rangeCheck) scalar(p *xpop, k *iir.Kernel) {
	for _, o := range k.Ops {
		c.value(p, k, o, p.scal[o.ID])
	}
}

// state checks every variable at the end of a step against the analysis'
// invariant.
func (c *rangeCheck) state(s *sim) {
	for _, p := range s.pops {
		for k, v := range p.m.Vars {
			for i, x := range p.vals[k] {
				if x < v.Range.Lo || x > v.Range.Hi {
					c.fail(v, "%s.%s of neuron %d is %d after step %d, outside its range [%d, %d]", p.nm, v.Name, i, x, s.n, v.Range.Lo, v.Range.Hi)
				}
			}
		}
	}
}

// CheckRanges runs q for the network p as Run does, checking every op's
// value and every variable after each step against the range analysis;
// it returns the violations (at most one per op or variable).
func CheckRanges(p *ir.Program, q *iir.Program, o Options) ([]string, error) {
	if p.Network == "" {
		return nil, fmt.Errorf("the model has no network to run")
	}
	s, err := build(p, q, o)
	if err != nil {
		return nil, err
	}
	c := &rangeCheck{seen: map[any]bool{}}
	for _, pp := range s.pops {
		pp.check = c
	}
	for _, pr := range s.projs {
		if pr.plastic != nil {
			pr.plastic.check, pr.plastic.step, pr.plastic.pr = c, &s.n, pr
		}
	}
	for s.n = 0; s.n < s.steps; s.n++ {
		s.t = float64(s.n) * s.dt
		s.step()
		c.state(s)
		for _, pr := range s.projs {
			if pr.plastic != nil {
				c.plastic(pr, s.n)
			}
		}
	}
	return c.bad, nil
}
