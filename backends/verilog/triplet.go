package verilog

import (
	"fmt"
	"slices"

	"github.com/snnc/snnc/ir/iir"
)

// A triplet rule's second traces (iir.Plastic.Pre2, Post2) live in their
// own memories, p<k>_px2 and p<k>_py2, read and written by the same
// kernels at the same neuron as the first traces.

// twin adds to the bindings bs of kernel kk (projection k) the second
// traces kk loads and bs lacks, at the address and phase of the first
// trace of the same side.
func twin(pl *iir.Plastic, k int, kk *iir.Kernel, bs []bind) []bind {
	if pl.Pre2 == nil {
		return bs
	}
	out := bs
	for _, b := range bs {
		for _, t := range []struct {
			first, second *iir.Var
			mem           string
		}{{pl.Pre, pl.Pre2, fmt.Sprintf("p%d_px2", k)}, {pl.Post, pl.Post2, fmt.Sprintf("p%d_py2", k)}} {
			if b.v == t.first && loads(kk, t.second) && !slices.ContainsFunc(out, func(x bind) bool { return x.v == t.second }) {
				out = append(out, bind{t.second, t.mem, b.addr, b.phase})
			}
		}
	}
	return out
}

// own is the binding of a triplet rule's second trace of one side (pre or
// post) at addr, for that side's synapse kernel kk when it reads it.
func own(pl *iir.Plastic, k int, kk *iir.Kernel, pre bool, addr, phase string) []bind {
	switch {
	case pl.Pre2 == nil:
		return nil
	case pre && loads(kk, pl.Pre2):
		return []bind{{pl.Pre2, fmt.Sprintf("p%d_px2", k), addr, phase}}
	case !pre && loads(kk, pl.Post2):
		return []bind{{pl.Post2, fmt.Sprintf("p%d_py2", k), addr, phase}}
	}
	return nil
}

// loads: kernel kk reads v.
func loads(kk *iir.Kernel, v *iir.Var) bool {
	return slices.ContainsFunc(kk.Ops, func(o *iir.Op) bool { return o.Code == iir.OpLoad && o.Var == v })
}

// memories lists a plastic projection's state memories.
func (mp *MapPlastic) memories() []string {
	ms := []string{mp.W, mp.Pre, mp.Post}
	if mp.Pre2 != "" {
		ms = append(ms, mp.Pre2, mp.Post2)
	}
	return ms
}
