package gosim

import (
	"slices"

	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/runtime"
)

// SynProbe is called around a synapse model's work in SynapseProbe: Kind
// "tick", "sum", "deliver" (the on_pre of the Spikes that arrive, in
// order), "on-post" (of the postsynaptic Spikes), "modulate" (Mods: the
// spikes of each modulator's source), "normalize" or, after the
// last step, "catch-up" (sim.finish's); After false
// before the work, true after it.
type SynProbe struct {
	Proj   string
	Kind   string
	Spikes []int32
	Mods   map[string][]int32
	// Arrays are the interpreter's buffers by the plan's array names:
	// "Pop.var", "Pop.refractory" (a copy, in steps), "proj.var",
	// "proj.var.last" (a lazy trace's last update time).
	Arrays map[string][]float64
	NPre   int
	NPost  int
	Row    func(i int) (first int, targets []int32)
	N      int
	T      float64
	After  bool
}

// SynapseProbe runs p for steps steps (one thread) and calls probe around
// the synapse work of every projection with a synapse model: the step of
// sim.step, with the probes around each projection's part. After the first
// full steps only the modulations and the final catch-up are probed.
func SynapseProbe(p *ir.Program, baseDir string, steps, full int, probe func(SynProbe) error) error {
	s, err := build(p, nil, Options{Threads: 1, BaseDir: baseDir})
	if err != nil {
		return err
	}
	s.team = rt.NewTeam(1)
	defer s.team.Close()
	var perr error
	call := func(pr *proj, kind string, after bool, spikes []int32, mods map[string][]int32) {
		if perr != nil || pr.syn == nil || pr.seg != nil || pr.cont != nil || pr.idle {
			return
		}
		perr = probe(SynProbe{Proj: pr.name, Kind: kind, Spikes: spikes, Mods: mods, Arrays: s.probeArrays(pr), NPre: pr.pre.size(), NPost: pr.post.n,
			Row: func(i int) (int, []int32) {
				first, t := pr.row(i)
				return int(first), slices.Clone(t)
			}, N: s.n, T: s.t, After: after})
	}
	around := func(pr *proj, kind string, spikes []int32, mods map[string][]int32, work func()) {
		idle := s.n >= full && kind != "catch-up" // past the full steps
		switch kind {
		case "deliver", "on-post":
			idle = idle || len(spikes) == 0
		case "modulate":
			idle = true
			for _, n := range mods {
				idle = idle && len(n) == 0
			}
		}
		if idle {
			work() // nothing to compare
			return
		}
		call(pr, kind, false, spikes, mods)
		work()
		call(pr, kind, true, spikes, mods)
	}
	for s.n = 0; s.n < min(steps, s.steps); s.n++ {
		s.t = float64(s.n) * s.dt
		if err := s.probedStep(around); err != nil || perr != nil {
			return perr // a run stopped by a NaN still compared its steps
		}
	}
	s.t = float64(s.n) * s.dt // the end, as sim.finish sees it
	for _, pr := range s.projs {
		around(pr, "catch-up", nil, nil, func() { pr.catchUp(s) })
	}
	return perr
}

// probedStep is sim.step with around() wrapped about each projection's
// synapse work.
func (s *sim) probedStep(around func(pr *proj, kind string, spikes []int32, mods map[string][]int32, work func())) error {
	s.applyPhases(false)
	for _, m := range s.stateMons {
		m.sample(s)
	}
	for _, p := range s.pops {
		for _, acc := range p.ports {
			clear(acc)
		}
	}
	for _, c := range s.conts {
		if a := c.step.AtStep(s.n, s.dt); a != 0 {
			for i := range c.port {
				c.port[i] += a
			}
		}
	}
	for _, pr := range s.projs {
		around(pr, "tick", nil, nil, func() { pr.tick(s) })
	}
	for _, pr := range s.projs {
		if pr.syn != nil && pr.syn.Summed != nil {
			around(pr, "sum", nil, nil, func() { pr.sum(s) })
		}
	}
	for _, p := range s.pops {
		p.update(s)
		if err := p.checkFinite(s); err != nil {
			return err
		}
	}
	s.applyPhases(true)
	for _, p := range s.pops {
		p.threshold(s)
	}
	s.selectWinners()
	for _, in := range s.inputs {
		in.spikes = in.src.Step(s.n)
	}
	for _, pr := range s.projs {
		// the spikes that arrive: those already in the ring's current slot,
		// and with no delay this step's
		due := slices.Clone(pr.ring.Current())
		if pr.delay == 0 {
			due = append(due, pr.pre.fired()...)
		}
		around(pr, "deliver", due, nil, func() { pr.propagate(s) })
	}
	for _, pr := range s.projs {
		if pr.syn != nil && len(pr.syn.OnPost) > 0 {
			around(pr, "on-post", slices.Clone(pr.post.fired()), nil, func() { pr.postSpikes(s) })
		}
		if len(pr.onMod) > 0 {
			mods := map[string][]int32{} // the modulation runs only with spikes
			for name, src := range pr.modSrc {
				mods[name] = slices.Clone(src.fired())
			}
			around(pr, "modulate", nil, mods, func() { pr.modulate(s) })
		}
		if pr.norm != nil && s.n%pr.normEvery == 0 {
			around(pr, "normalize", nil, nil, func() { pr.normalize(s) })
		}
		if pr.err != nil {
			return pr.err
		}
	}
	for _, p := range s.pops {
		p.reset(s)
	}
	for _, d := range s.dends {
		d.endStep(s)
	}
	for _, pt := range s.parts {
		pt.count += int64(len(pt.fired()))
	}
	return nil
}

// probeArrays are the buffers a projection's synapse work reads and
// writes, by the plan's names.
func (s *sim) probeArrays(pr *proj) map[string][]float64 {
	out := map[string][]float64{}
	for _, p := range s.pops {
		if pre, ok := pr.pre.(*part); p != pr.post.p && (!ok || p != pre.p) {
			continue
		}
		for name, v := range p.byVar {
			out[p.nm+"."+name] = v
		}
		ref := make([]float64, len(p.refUntil))
		for i, r := range p.refUntil {
			ref[i] = float64(r)
		}
		out[p.nm+".refractory"] = ref
	}
	for v, vals := range pr.vals {
		out[pr.name+"."+v.Name] = vals
	}
	for _, l := range pr.lazy {
		out[pr.name+"."+l.v.Name+".last"] = l.last
	}
	return out
}
