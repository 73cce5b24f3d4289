package fixed

import "github.com/snnc/snnc/ir/iir"

// drawKey is the key of a draw site under the run's seed (iir/draw.go);
// the draw itself needs only the step and the neuron, so vector and scalar
// kernels, and the Verilog, agree whatever order they run in.
func (p *xpop) drawKey(o *iir.Op) uint32 { return iir.DrawKey(p.s.seed, o.Imm) }
