package gosim

import (
	"fmt"

	"github.com/snnc/snnc/plan"
	"github.com/snnc/snnc/runtime"
)

// ctx is what a synapse kernel reads: the indices of the synapse being
// processed and the event's values.
type ctx struct {
	i      int // own neuron (neuron kernels) or synapse index (synapse kernels)
	pre    int
	post   int
	weight float64
	t      float64
	n      int // the step (event kernels' draws)
}

// kernel runs a compiled loop for a context's element.
type kernel func(c *ctx)

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// The plan's initialisation loops (plan.Init: initial values, random
// weights, per-synapse delays) run element by element, in order, their
// draws from the loop's sequential stream (elem.go: Draw, Result).

// compileInit makes an initialisation loop executable over la; its Result
// goes into out[Off+i] (out nil: into e.res).
func (s *sim) compileInit(in *plan.Init, la *loopArrays, out []float64) (*loopExec, error) {
	e, err := compileLoop(in.Loop, la, false)
	if err != nil {
		return nil, fmt.Errorf("%s of %s: %w", in.Kind, in.Target, err)
	}
	e.rng = rt.NewStream(s.seed, rt.Hash(in.Stream...))
	e.out, e.outOff = out, in.Off
	return e, nil
}

// initState runs the initial values of owner's variables, in the plan's
// order; run runs one loop over its space.
func (s *sim) initState(owner string, la *loopArrays, run func(e *loopExec)) error {
	for _, in := range s.plan.Inits {
		if in.Kind != plan.InitState || in.Target != owner && s.plan.Arrays[in.Arr].Owner != owner {
			continue
		}
		e, err := s.compileInit(in, la, la.f64[in.Arr])
		if err != nil {
			return err
		}
		run(e)
	}
	return nil
}

// synapseDraws compiles a per-synapse initialisation loop (weights,
// delays) for rt.NewSynWeights and NewSynDelays: the projection's
// stream, whose child b block b of the synapses draws from, and the draw
// function of each thread (its own compiled loop).
func (s *sim) synapseDraws(in *plan.Init) (*rt.Stream, func() func(*rt.Stream, int64) float64, error) {
	la := &loopArrays{meta: s.plan.Arrays, f64: make([][]float64, len(s.plan.Arrays)), refArr: -1, seed: s.seed}
	if _, err := s.compileInit(in, la, nil); err != nil {
		return nil, nil, err
	}
	return rt.NewStream(s.seed, rt.Hash(in.Stream...)), func() func(*rt.Stream, int64) float64 {
		e, _ := s.compileInit(in, la, nil) // (compiled above)
		x := &lanes{}
		return func(rng *rt.Stream, syn int64) float64 {
			e.rng = rng
			e.elem(int(syn), 0, x)
			return e.res
		}
	}, nil
}

// initOf is the plan's initialisation loop of that kind for a projection.
func (s *sim) initOf(kind plan.InitKind, proj string) *plan.Init {
	for _, in := range s.plan.Inits {
		if in.Kind == kind && in.Target == proj {
			return in
		}
	}
	return nil
}
