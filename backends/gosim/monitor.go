package gosim

import (
	"fmt"

	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/plan"
	"github.com/snnc/snnc/runtime"
)

type spikeMon struct {
	mon *rt.SpikeMonitor
	src node
}

// stateMon samples a neuron variable (or an alias, computed on demand) of
// a range of neurons every `every` steps, at the start of the step.
type stateMon struct {
	mon   *rt.StateMonitor
	every int
	get   func(i int) float64
	lo    int
	buf   []float64
	pt    *part // the recorded population (split runs gather from its owners)
	// alias: the plan's loop computing a recorded alias into values
	alias  *loopExec
	values []float64
}

func (m *stateMon) sample(s *sim) {
	if s.n%m.every != 0 {
		return
	}
	if m.alias != nil {
		m.alias.start(s.n, m.pt.p.t) // the time of the population's last update
		var x lanes
		for k := range m.buf {
			m.alias.elem(k, 0, &x)
		}
		copy(m.buf, m.values)
	} else {
		for k := range m.buf {
			m.buf[k] = m.get(m.lo + k)
		}
	}
	if s.comm != nil {
		m.gather(s)
	}
	m.mon.Record(s.t, m.buf)
}

// weightMon samples a synapse variable of every synapse of a projection;
// every 0 means once, at the end of the run.
type weightMon struct {
	mon   *rt.WeightMonitor
	pr    *proj
	every int
	atEnd bool // `at end`: sampled after everything of the step
	get   func(syn int) float64
	buf   []float64
}

// sample takes the values of every `every`-th step before that step's
// synaptic events (Brian2's StateMonitor, when='start'; the sample at 0 is
// the initial weights): after the clock-driven synaptic state and lazy
// traces are advanced to the step's time and its phases' synapse sets,
// stamped with the step's time.
func (m *weightMon) sample(s *sim, atEnd bool) {
	if m.every == 0 || s.n%m.every != 0 || m.atEnd != atEnd {
		return
	}
	m.pr.catchUp(s)
	m.take(s.t)
}

func (m *weightMon) final(s *sim) {
	if m.every == 0 {
		m.take(s.t)
	}
}

func (m *weightMon) take(t float64) {
	for k := range m.buf {
		m.buf[k] = m.get(k)
	}
	m.mon.Record(t, m.buf)
}

func (s *sim) monitors(p *ir.Program, byName map[string]node, popOf map[*ir.Population]*part) error {
	projOf := map[*ir.Projection]*proj{}
	for k, ip := range p.Projs {
		projOf[ip] = s.projs[k]
	}
	for k, r := range p.Records {
		switch r.Kind {
		case ir.RecSpikes:
			name := ""
			if r.Pop != nil {
				name = r.Pop.Name
			} else {
				name = r.Input.Name
			}
			s.spikeMons = append(s.spikeMons, &spikeMon{mon: &rt.SpikeMonitor{Name: name, Lo: int32(r.Lo), Hi: int32(r.Hi)}, src: byName[name]})
		case ir.RecState:
			if r.Pop == nil {
				return fmt.Errorf("recording synapse state %s is not supported yet; record weights(...)", r.Var.Name)
			}
			pp := popOf[r.Pop]
			idx := make([]int, r.Hi-r.Lo)
			for k := range idx {
				idx[k] = r.Lo + k
			}
			every := plan.Every(r.Every, s.dt)
			mon := &rt.StateMonitor{Name: pp.nm, Var: r.Var.Name, Unit: r.Var.Unit, Index: idx}
			m := &stateMon{mon: mon, every: every, lo: r.Lo, pt: pp, buf: make([]float64, len(idx))}
			if l := s.plan.Records[k].Alias; l != nil {
				e, err := compileLoop(l, pp.p.la, false)
				if err != nil {
					return fmt.Errorf("record %s.%s: %w", pp.nm, r.Var.Name, err)
				}
				m.alias, m.values = e, pp.p.la.f64[l.Ops[len(l.Ops)-1].Arr]
			} else if m.get = pp.reader(r.Var); m.get == nil {
				return fmt.Errorf("%s.%s has no values to record", pp.nm, r.Var.Name)
			}
			s.stateMons = append(s.stateMons, m)
		case ir.RecWeights:
			pr := projOf[r.Proj]
			if pr.seg != nil {
				return fmt.Errorf("weights of %s: a segment dendrite's synapses are permanences on segments that grow and die; they cannot be recorded as weights", pr.name)
			}
			if pr.proc != nil && pr.procPtr == nil {
				return fmt.Errorf("weights of %s: procedural connectivity has no synapse list to record", pr.name)
			}
			get := func(int) float64 { return pr.weight }
			name := "weight"
			if pr.weights.Set() {
				get = func(k int) float64 { return pr.weights.At(int64(k)) }
			}
			if r.Var != nil && pr.vals[r.Var] != nil {
				vals := pr.vals[r.Var]
				get, name = func(k int) float64 { return vals[k] }, r.Var.Name
			}
			mon := &rt.WeightMonitor{Name: pr.name, Var: name, Pre: make([]int32, pr.nsyn), Post: make([]int32, pr.nsyn), Index: make([]int, pr.nsyn)}
			for k := range mon.Index {
				mon.Index[k] = k
			}
			for i := 0; i < pr.pre.size(); i++ {
				first, targets := pr.row(i)
				for k, j := range targets {
					mon.Pre[first+int64(k)], mon.Post[first+int64(k)] = int32(i), j
				}
			}
			every := 0
			if r.Every > 0 {
				every = plan.Every(r.Every, s.dt)
			}
			s.weightMons = append(s.weightMons, &weightMon{mon: mon, pr: pr, every: every, atEnd: r.AtEnd, get: get, buf: make([]float64, pr.nsyn)})
		}
	}
	return nil
}

// reader returns a function reading a variable of neuron i of the part
// that has an array (nil: none; an alias is the plan's Record.Alias loop).
func (pt *part) reader(v *ir.Var) func(i int) float64 {
	if vals := pt.vals(v); vals != nil {
		return func(i int) float64 { return vals[i] }
	}
	return nil
}
