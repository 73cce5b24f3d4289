package fixed

import (
	"fmt"
	"math/rand/v2"
	"reflect"

	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/ir/iir"
)

// VectorScalarMismatches evaluates the update and threshold kernels of
// every population of q from random states twice, each op over the whole
// population and every op of one neuron after the other (as a hardware
// engine does), and lists where the results differ.
func VectorScalarMismatches(p *ir.Program, q *iir.Program) ([]string, error) {
	s, err := build(p, q, Options{})
	if err != nil {
		return nil, err
	}
	var bad []string
	rng := rand.New(rand.NewPCG(1, 2))
	for _, pp := range s.pops {
		for k, v := range pp.m.Vars {
			for i := range pp.vals[k] {
				switch v.Kind {
				case iir.LFSRVar:
					pp.vals[k][i] = 1 + rng.Int64N(1<<30)
				case iir.CounterVar:
					pp.vals[k][i] = rng.Int64N(3)
				default:
					pp.vals[k][i] = v.Lo + rng.Int64N(v.Hi-v.Lo+1)
				}
			}
		}
		for _, k := range pp.m.Kernels() {
			if k == nil || len(k.Ops) == 0 {
				continue
			}
			ref := make([][]int64, len(pp.vals))
			for j := range pp.vals {
				ref[j] = append([]int64(nil), pp.vals[j]...)
			}
			// neuron at a time
			one := &xpop{nm: pp.nm, n: pp.n, m: pp.m, index: pp.index, vals: ref, taps: pp.taps, lbits: pp.lbits, ovf: make([]int64, len(pp.vals))}
			one.scal = make([]int64, len(k.Ops))
			if pp.m.Ref != nil {
				one.ref = ref[pp.index[pp.m.Ref]]
			}
			if pp.m.LFSR != nil {
				one.lfsr = ref[pp.index[pp.m.LFSR]]
			}
			outs := make([]int64, pp.n)
			for i := 0; i < pp.n; i++ {
				one.scalar(k, i, 7)
				if k.Out != nil {
					outs[i] = one.scal[k.Out.ID]
				}
			}
			if k != pp.m.Update && k != pp.m.Threshold {
				continue // reset and ports run one neuron at a time anyway
			}
			pp.vector(k)
			if !reflect.DeepEqual(pp.vals, ref) {
				bad = append(bad, fmt.Sprintf("%s %s: vector and scalar evaluation differ", pp.m.Name, k.Name))
			}
			if k.Out != nil && !reflect.DeepEqual(pp.regs[k.Out.ID][:pp.n], outs) {
				bad = append(bad, fmt.Sprintf("%s: spikes differ", pp.m.Name))
			}
		}
	}
	return bad, nil
}
