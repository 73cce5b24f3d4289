package fixed

import (
	"fmt"
	"math"
	"slices"

	"github.com/snnc/snnc/ir"
)

// Trace is a bit-accurate run laid out for a hardware backend: the memory
// images the run starts from (every variable of every population, the
// connectivity and integer weights of every projection), the spikes each
// spike input produced at every step (so that a hardware model sees the
// same events without its own random sources), the population spikes of
// every step and the final integers of every variable.
type Trace struct {
	Program  *Program
	Steps    int
	Taps     uint64
	LFSRBits int
	Pops     []*TracePop
	Inputs   []*TraceInput
	Projs    []*TraceProj
	Currents []*TraceCurrent
}

// TracePop is one population: Init[k] and Final[k] are the integers of
// Model.Vars[k]; Spikes[n] the neurons that fired at step n, ascending.
type TracePop struct {
	Name   string
	Size   int
	Model  *Model
	Init   [][]int64
	Final  [][]int64
	Spikes [][]int32
}

// TraceInput is a spike input: Spikes[n] the neurons that fired at step n,
// ascending.
type TraceInput struct {
	Name   string
	Size   int
	Spikes [][]int32
}

// TraceProj is a projection with its merged parts joined: the synapses of
// presynaptic neuron i are RowPtr[i]..RowPtr[i+1] of Col (and W, one
// integer weight per synapse, nil when every synapse has Weight), in
// delivery order. Dense marks an all-to-all projection stored without
// indices (Col lists every target in order for every row).
type TraceProj struct {
	Name       string
	Pre        string
	PreIsInput bool
	NPre       int
	Post       string
	Port       int // index into the post model's Ports
	Delay      int // steps
	Dense      bool
	RowPtr     []int64
	Col        []int32
	W          []int64
	Weight     int64
	// an STDP rule: its kernels and the integers of w (per synapse), the
	// presynaptic and the postsynaptic traces at the start and the end
	Plastic                *Plastic
	InitW, InitX, InitY    []int64
	FinalW, FinalX, FinalY []int64
}

// TraceCurrent is a current input: while Start <= n < Stop (Stop < 0: no
// end) the variable Var of the population gets Amp added after clearing.
type TraceCurrent struct {
	Pop         string
	Var         int // index into the model's Vars
	Amp         int64
	Start, Stop int64
}

// RunTrace runs q for the network p as Run does and returns the trace.
func RunTrace(p *ir.Program, q *Program, o Options) (*Trace, error) {
	if p.Network == "" {
		return nil, fmt.Errorf("the model has no network to run; add `network` and `run NET for T`")
	}
	s, err := build(p, q, o)
	if err != nil {
		return nil, err
	}
	tr := &Trace{Program: q, Steps: s.steps, LFSRBits: q.Profile.LFSR.Bits}
	if tr.Taps, err = q.Profile.taps(); err != nil {
		return nil, err
	}
	for _, pp := range s.pops {
		tp := &TracePop{Name: pp.nm, Size: pp.n, Model: pp.m}
		for _, v := range pp.vals {
			tp.Init = append(tp.Init, slices.Clone(v))
		}
		tr.Pops = append(tr.Pops, tp)
	}
	for _, in := range s.inputs {
		tr.Inputs = append(tr.Inputs, &TraceInput{Name: in.nm, Size: in.size()})
	}
	for _, pr := range s.projs {
		tp, err := traceProj(pr)
		if err != nil {
			return nil, err
		}
		tr.Projs = append(tr.Projs, tp)
	}
	for _, c := range s.conts {
		tc := &TraceCurrent{Amp: c.amp, Start: int64(math.Round(c.step.Start / s.dt)), Stop: -1}
		if c.step.Stop != 0 {
			tc.Stop = int64(math.Round(c.step.Stop / s.dt))
		}
		for _, pp := range s.pops {
			for k := range pp.vals {
				if len(pp.vals[k]) > 0 && &pp.vals[k][0] == &c.vals[0] {
					tc.Pop, tc.Var = pp.nm, k
				}
			}
		}
		if tc.Pop == "" {
			continue // an empty population
		}
		tr.Currents = append(tr.Currents, tc)
	}
	for s.n = 0; s.n < s.steps; s.n++ {
		s.t = float64(s.n) * s.dt
		s.step()
		for k, in := range s.inputs {
			sp := slices.Clone(in.spikes)
			for j := 1; j < len(sp); j++ {
				if sp[j] <= sp[j-1] {
					return nil, fmt.Errorf("input %s: the spikes of step %d are not in ascending order without repeats", in.nm, s.n)
				}
			}
			tr.Inputs[k].Spikes = append(tr.Inputs[k].Spikes, sp)
		}
		for k, pp := range s.pops {
			tr.Pops[k].Spikes = append(tr.Pops[k].Spikes, slices.Clone(pp.spikes))
		}
	}
	for k, pp := range s.pops {
		for _, v := range pp.vals {
			tr.Pops[k].Final = append(tr.Pops[k].Final, slices.Clone(v))
		}
	}
	for k, pr := range s.projs {
		if xp := pr.plastic; xp != nil {
			tp := tr.Projs[k]
			tp.FinalW, tp.FinalX, tp.FinalY = slices.Clone(xp.w), slices.Clone(xp.x), slices.Clone(xp.y)
		}
	}
	return tr, nil
}

func traceProj(pr *xproj) (*TraceProj, error) {
	tp := &TraceProj{Name: pr.name, Pre: pr.pre.name(), NPre: pr.pre.size(), Post: pr.post.nm, Port: pr.port, Delay: pr.delay,
		Dense: pr.all != nil && len(pr.parts) == 0, Weight: pr.w}
	_, tp.PreIsInput = pr.pre.(*spikeInput)
	if xp := pr.plastic; xp != nil {
		tp.Plastic = xp.pl
		tp.InitW, tp.InitX, tp.InitY = slices.Clone(xp.w), slices.Clone(xp.x), slices.Clone(xp.y)
	}
	all := append([]*xproj{pr}, pr.parts...)
	perSyn := false
	for _, x := range all {
		if x.ws != nil || x.w != pr.w {
			perSyn = true
		}
	}
	tp.RowPtr = make([]int64, 1, tp.NPre+1)
	for i := 0; i < tp.NPre; i++ {
		for _, x := range all {
			first, targets := x.ownRow(i)
			tp.Col = append(tp.Col, targets...)
			if !perSyn {
				continue
			}
			for k := range targets {
				w := x.w
				if x.ws != nil {
					w = x.ws[first+int64(k)]
				}
				tp.W = append(tp.W, w)
			}
		}
		tp.RowPtr = append(tp.RowPtr, int64(len(tp.Col)))
	}
	return tp, nil
}
