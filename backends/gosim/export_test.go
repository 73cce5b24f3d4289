package gosim

import (
	"fmt"
	"os"
	"strings"

	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/runtime"
)

// SetLanes sets the width of the vector kernels: 8, 4, or 0 for the scalar
// loops (also what a width the build or CPU lacks gives). It returns the
// previous width.
func SetLanes(w int) int {
	old := simd.w
	simd = kernels(w)
	return old
}

// Lanes is the vector widths this build and CPU have (8, 4), widest first.
func Lanes() []int {
	var ws []int
	for _, w := range []int{8, 4} {
		if simdCPU(w) {
			ws = append(ws, w)
		}
	}
	return ws
}

// EnvLanes is the width SNNC_SIMD selects on this build and CPU.
func EnvLanes() int { return vecLanes(os.Getenv("SNNC_SIMD")) }

// NeuronStep builds p's simulation (one thread) and returns a function that
// runs one step of the neuron work only: every population's update, finite
// check, threshold and reset, without inputs or synaptic delivery. It also
// returns the number of neurons.
func NeuronStep(p *ir.Program) (func() error, int, error) {
	s, err := build(p, nil, Options{Threads: 1})
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

// Probe is called around a population's neuron work in UpdateProbe:
// Kind "update" (the whole population, I = -1), "reset" (neuron I) or
// "port NAME" (an event into neuron I, with its Weight); After false
// before the work, true after it.
type Probe struct {
	Pop      string
	Kind     string
	I        int
	Weight   float64
	Vals     map[string][]float64 // the population's arrays by variable name
	RefUntil []int32
	N        int
	T        float64
	After    bool
}

// UpdateProbe runs p for steps steps (one thread, update, threshold and
// reset unfused) and calls probe around every population's neuron update,
// every reset of a neuron and every event a port handler (not a direct
// add) receives.
func UpdateProbe(p *ir.Program, baseDir string, steps int, probe func(Probe) error) error {
	s, err := build(p, nil, Options{Threads: 1, BaseDir: baseDir})
	if err != nil {
		return err
	}
	s.team = rt.NewTeam(1)
	defer s.team.Close()
	var perr error
	for _, pp := range s.pops {
		pp.fused, pp.lif = false, nil
		call := func(kind string, i int, w float64, after bool) {
			if perr == nil {
				perr = probe(Probe{Pop: pp.nm, Kind: kind, I: i, Weight: w, Vals: pp.byVar, RefUntil: pp.refUntil, N: s.n, T: s.t, After: after})
			}
		}
		pp.probe = call
		for name, ep := range pp.events {
			if ep.h != nil {
				ep.probe = func(i int, w float64, after bool) { call("port "+name, i, w, after) }
			}
		}
	}
	for s.n = 0; s.n < min(steps, s.steps); s.n++ {
		s.t = float64(s.n) * s.dt
		if err := s.step(); err != nil || perr != nil {
			return perr // a run stopped by a NaN still compared its steps
		}
	}
	return perr
}

// PopKernels describes, per population, how the interpreter runs its
// update: "fused=B lif=B" and, for each Euler system, the step kernel of
// each variable ("eulerQMM v; eulerScaled ge").
func PopKernels(p *ir.Program, baseDir string) (map[string][]string, error) {
	s, err := build(p, nil, Options{Threads: 1, BaseDir: baseDir})
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for _, pp := range s.pops {
		desc := []string{fmt.Sprintf("fused=%v lif=%v", pp.fused, pp.lif != nil)}
		for _, e := range pp.updates {
			if !strings.HasSuffix(e.l.Name, "(euler)") {
				continue
			}
			var names []string
			for _, st := range e.stores {
				name := st.name
				if name == "" {
					name = "none"
				}
				names = append(names, name+" "+pp.la.vars[st.arr])
			}
			desc = append(desc, strings.Join(names, "; "))
		}
		out[pp.nm] = desc
	}
	return out, nil
}
