package rt

import (
	"fmt"
	"slices"
)

// Patterns is the `patterns(n, active = k)` input: at every step exactly k
// of the n sources spike, k distinct ones drawn uniformly at random — a
// fresh random sparse distributed representation per step, as in Ahmad &
// Hawkins (2016). The pattern of step s is drawn from the child stream s of
// the input's stream, so it does not depend on the steps asked before.
type Patterns struct {
	n, k int
	rng  *Stream
	mark []int32 // mark[c] == token: c already drawn in this step
	tok  int32
	buf  []int32
	perm []int32 // partial Fisher–Yates scratch (dense patterns)
}

// NewPatterns returns the source; it refuses k outside 0..n.
func NewPatterns(n, k int, rng *Stream) (*Patterns, error) {
	if n < 1 || k < 0 || k > n {
		return nil, fmt.Errorf("patterns: active must be in 0..n (n = %d), got %d", n, k)
	}
	return &Patterns{n: n, k: k, rng: rng, mark: make([]int32, n)}, nil
}

func (p *Patterns) Size() int { return p.n }

// Step returns the k active sources of step s, ascending.
func (p *Patterns) Step(s int) []int32 {
	r := p.rng.Child(uint64(s))
	p.buf = p.buf[:0]
	if 2*p.k <= p.n {
		// few of many: draw and reject repeats
		p.tok++
		if p.tok == 0 { // wrapped: forget every mark
			clear(p.mark)
			p.tok = 1
		}
		for len(p.buf) < p.k {
			c := int32(r.Intn(p.n))
			if p.mark[c] != p.tok {
				p.mark[c] = p.tok
				p.buf = append(p.buf, c)
			}
		}
	} else {
		if p.perm == nil {
			p.perm = make([]int32, p.n)
		}
		for c := range p.perm {
			p.perm[c] = int32(c)
		}
		for a := 0; a < p.k; a++ {
			b := a + r.Intn(p.n-a)
			p.perm[a], p.perm[b] = p.perm[b], p.perm[a]
		}
		p.buf = append(p.buf, p.perm[:p.k]...)
	}
	slices.Sort(p.buf)
	return p.buf
}
