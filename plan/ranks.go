package plan

import "fmt"

// Split is how a run splits over MPI ranks (issue 16), decided once here and
// read by both executors (gosim under `mpirun snnc run`, the program of
// `snnc build --mpi` under mpirun).
//
// Each rank owns a contiguous share of every Pop's neurons
// (rt.Share(N, rank, size): the same on every rank, ascending with the
// rank, so the ranks' spikes joined in rank order are in index order). A
// rank integrates, tests and checks only its share; after the thresholds
// the ranks exchange the step's spikes of their shares (one Allgather that
// also carries a failure flag), so every rank then holds the spikes one
// process finds. Everything else is replicated: every rank draws the whole
// connectivity from the same streams, draws every input and runs every
// plastic synapse; a recorded neuron's state is gathered from its owner
// before each sample. Rank 0 writes the outputs.
type Split struct {
	// Refusal says why the model cannot run split ("": it can): what the
	// split cannot give identically yet.
	Refusal string
	// Keep[k]: projection k's static synapses onto other ranks' neurons
	// are dropped once built (rt.KeepPostCSR/KeepPostRows), so a rank
	// stores and walks about 1/K of them. The other projections keep all
	// their synapses; their events onto other ranks' neurons change only
	// state the rank neither tests nor records.
	Keep []bool
	// FromPop[k]: projection k carries a population's spikes, the ones the
	// ranks exchange; its smallest delay bounds the exchange interval.
	FromPop []bool
	// EveryStep: some population's spikes must reach every rank in the
	// step they fire (a synapse model's on_pre or on_post, replicated on
	// every rank; a modulator): the ranks exchange every step.
	EveryStep bool
}

// MaxInterval bounds the steps between exchanges (the failure and stop
// flags travel with the spikes; the held spikes take memory).
const MaxInterval = 256

// Interval is the number of steps between spike exchanges (NEST's
// min-delay scheme): a spike fired at step m and delivered d steps later
// is first needed at step m+d, so the ranks may hold the spikes of
// 1 + min d steps before exchanging them, and deliver them in step order
// then (the same pushes into the delay rings, so the same sums). delay(k)
// is projection k's smallest delay in steps (per-synapse delays are known
// only once drawn: the executor reads them, over all of the projection's
// synapses, so every rank finds the same).
func (sp *Split) Interval(delay func(k int) int) int {
	if sp.EveryStep {
		return 1
	}
	every := MaxInterval
	for k, from := range sp.FromPop {
		if from {
			every = min(every, 1+min(delay(k), MaxInterval)) // MaxInt: no synapses
		}
	}
	return max(every, 1)
}

// Split decides the rank split of the plan (the same for any number of
// ranks).
func (pl *Plan) Split() *Split {
	sp := &Split{Keep: make([]bool, len(pl.Projs)), FromPop: make([]bool, len(pl.Projs))}
	pops := map[string]bool{}
	for _, p := range pl.Pops {
		for _, m := range p.Members {
			pops[m.Name] = true
		}
		pops[p.Name] = true
	}
	recorded := map[string]bool{}
	for _, r := range pl.Records {
		if r.Kind == "weights" {
			recorded[r.Source] = true // rank 0 writes all of them
		}
	}
	for k, pp := range pl.Projs {
		sp.FromPop[k] = pops[pp.Pre]
		// a synapse model reads the spikes of its pre and post populations
		sp.EveryStep = sp.EveryStep || pp.Syn != nil || pp.Dend != ""
		sp.Keep[k] = pp.Syn == nil && pp.Dend == "" && len(pp.Merged) == 0 && !recorded[pp.Name] &&
			(pp.Storage == CSR || pp.Storage == Rows)
	}
	for _, ph := range pl.Step {
		if ph.Kind == Modulate && pops[ph.Source] {
			sp.EveryStep = true
		}
	}
	sp.Refusal = pl.splitRefusal()
	return sp
}

func (pl *Plan) splitRefusal() string {
	for _, ph := range pl.Step {
		switch ph.Kind {
		case Dendrites:
			return "dendrites do not run split over ranks yet"
		case Winners:
			return "winner-take-all groups do not run split over ranks yet"
		}
	}
	for _, pp := range pl.Projs {
		if pp.Dend != "" {
			return "dendrites do not run split over ranks yet"
		}
		if pp.Syn == nil {
			continue
		}
		loops := append(append(append(append([]*Loop{}, pp.Syn.Tick...), pp.Syn.OnPre...), pp.Syn.OnPost...), pp.Syn.Normalize...)
		for _, m := range pp.Syn.Mods {
			loops = append(loops, m.Kernels()...)
		}
		if pp.Syn.Sum != nil {
			loops = append(loops, pp.Syn.Sum)
		}
		for _, l := range loops {
			for _, op := range l.Ops {
				if op.Code == Load && pl.Arrays[op.Arr].Owner != pp.Name {
					return fmt.Sprintf("projection %s: its synapses read %s, neuron state that only its owning rank holds; a split run supports synapses that read their own state and spikes",
						pp.Name, pl.Arrays[op.Arr].Name)
				}
			}
		}
	}
	return ""
}

// SplitError is the refusal of a split over size ranks (nil: the model
// runs split, or runs in one process).
func (sp *Split) Error(size int) error {
	if size <= 1 || sp.Refusal == "" {
		return nil
	}
	return fmt.Errorf("%s: run with one rank (not split over %d)", sp.Refusal, size)
}
