package engine

import (
	"io"
	"math"

	"github.com/snnc/snnc/runtime"
)

// A Machine is a network an executor steps: the interpreter's, or the
// model code of a program snnc build generates.
type Machine interface {
	// Step runs time step n, at time t = n·dt.
	Step(n int, t float64) error
	// Finish runs once after the last step, at n = the steps run and the
	// end time t (lazy state brought up to it, the recordings taken at
	// the end).
	Finish(n int, t float64)
}

// Ranks is a Machine's side of a run split over ranks (rt.Comm), which
// must stop together: an interrupt on one rank is a request its next
// exchange carries to the others, and every rank stops after the step
// whose exchange carried one.
type Ranks interface {
	RequestStop()  // this rank was interrupted
	StopAll() bool // after a step: some rank asked to stop in it
}

// Loop is the run loop every executor shares: the steps in order, the
// progress bar, and an interrupt (Ctrl-C, a closed channel) that ends the
// run after a whole step, keeping what was recorded.
type Loop struct {
	Steps     int
	Dt        float64
	Interrupt <-chan struct{} // nil: never
	Progress  io.Writer       // nil: no progress bar
	Ranks     Ranks           // nil: one process
}

// Run steps m from step 0. It returns the number of steps run (the run
// reached time n·dt; Finish ran only if n == l.Steps and nothing stopped
// it), whether an interrupt stopped it, and the error a step returned.
func (l Loop) Run(m Machine) (n int, interrupted bool, err error) {
	prog := rt.NewProgress(l.Steps, l.Progress, l.Progress != nil)
	defer prog.Done()
	for n = 0; n < l.Steps; n++ {
		if l.Interrupt != nil {
			select {
			case <-l.Interrupt:
				if l.Ranks == nil {
					return n, true, nil
				}
				l.Ranks.RequestStop()
			default:
			}
		}
		if err := m.Step(n, float64(n)*l.Dt); err != nil {
			return n, false, err
		}
		if n%256 == 0 {
			prog.Update(n)
		}
		if l.Ranks != nil && l.Ranks.StopAll() {
			return n + 1, true, nil
		}
	}
	m.Finish(l.Steps, float64(l.Steps)*l.Dt)
	return l.Steps, false, nil
}

// Steps converts a duration to a number of steps: the one rounding every
// executor uses (plan.Steps is it), also for a duration a built program
// learns only at run time (--duration).
func Steps(d, dt float64) int { return int(math.Round(d / dt)) }

// PopSummary is a population's line of the run's summary.
func PopSummary(name string, n int, spikes int64, duration float64) rt.PopSummary {
	rate := 0.0
	if duration > 0 && n > 0 {
		rate = float64(spikes) / float64(n) / duration
	}
	return rt.PopSummary{Name: name, N: n, Spikes: spikes, RateHz: rate}
}

// ProjSummary is a projection's line of the run's summary: its synapses
// and the bytes its connectivity takes as stored.
func ProjSummary(name string, nsyn int64, storage string, bytes int64) rt.ProjSummary {
	ps := rt.ProjSummary{Name: name, Synapses: nsyn, Storage: storage, ConnectivityBytes: float64(bytes)}
	if nsyn > 0 {
		ps.BytesPerSynapse = ps.ConnectivityBytes / float64(nsyn)
	}
	return ps
}
