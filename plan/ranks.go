package plan

import "fmt"

// Split is how a run splits over MPI ranks (issue 16), decided once here and
// read by both executors (gosim under `mpirun snnc run`, the program of
// `snnc build --mpi` under mpirun).
//
// Each rank owns a contiguous share of every Pop's neurons
// (runtime.Share(N, rank, size): the same on every rank, ascending with the
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
	// are dropped once built (runtime.KeepPostCSR/KeepPostRows), so a rank
	// stores and walks about 1/K of them. The other projections keep all
	// their synapses; their events onto other ranks' neurons change only
	// state the rank neither tests nor records.
	Keep []bool
}

// Split decides the rank split of the plan (the same for any number of
// ranks).
func (pl *Plan) Split() *Split {
	sp := &Split{Keep: make([]bool, len(pl.Projs))}
	recorded := map[string]bool{}
	for _, r := range pl.Records {
		if r.Kind == "weights" {
			recorded[r.Source] = true // rank 0 writes all of them
		}
	}
	for k, pp := range pl.Projs {
		sp.Keep[k] = pp.Syn == nil && pp.Dend == "" && len(pp.Merged) == 0 && !recorded[pp.Name] &&
			(pp.Storage == CSR || pp.Storage == Rows)
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
			loops = append(loops, m.Loop)
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
