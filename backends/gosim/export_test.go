package gosim

import (
	"github.com/snnc/snnc/ir"
)

// SetSIMD turns the vector kernels on (when the build and CPU have them)
// or off, and returns the previous setting.
func SetSIMD(on bool) bool {
	old := simdOn
	simdOn = on && simdCPU()
	return old
}

// SIMDAvailable is whether this build and CPU have the vector kernels.
func SIMDAvailable() bool { return simdCPU() }

// NeuronStep builds p's simulation (one thread) and returns a function that
// runs one step of the neuron work only: every population's update, finite
// check, threshold and reset, without inputs or synaptic delivery. It also
// returns the number of neurons.
func NeuronStep(p *ir.Program) (func() error, int, error) {
	s, err := build(p, Options{Threads: 1})
	if err != nil {
		return nil, 0, err
	}
	n := 0
	for _, pp := range s.pops {
		n += pp.n
	}
	return func() error {
		s.n = (s.n + 1) % s.steps
		s.t = float64(s.n) * s.dt
		for _, pp := range s.pops {
			pp.update(s)
			if err := pp.checkFinite(s); err != nil {
				return err
			}
			pp.threshold(s)
			pp.reset(s)
		}
		return nil
	}, n, nil
}
