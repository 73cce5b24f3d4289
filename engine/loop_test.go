package engine_test

import (
	"errors"
	"testing"

	"github.com/snnc/snnc/engine"
)

// counter records what the loop asks of it; it fails at step failAt and,
// as a rank, agrees to stop at the step after a request.
type counter struct {
	steps    []int
	times    []float64
	finished []float64
	failAt   int
	asked    int // the step RequestStop came in (-1: none)
}

func (c *counter) Step(n int, t float64) error {
	c.steps, c.times = append(c.steps, n), append(c.times, t)
	if n == c.failAt {
		return errors.New("boom")
	}
	return nil
}

func (c *counter) Finish(n int, t float64) { c.finished = append(c.finished, float64(n), t) }
func (c *counter) RequestStop()            { c.asked = len(c.steps) }
func (c *counter) StopAll() bool           { return c.asked >= 0 }

func newCounter() *counter { return &counter{failAt: -1, asked: -1} }

// TestLoopRun: the steps in order at n·dt and Finish once at the end; an
// interrupt stops before the next step without Finish; a step's error ends
// the run at that step; a split run stops after the step whose exchange
// carried the request.
func TestLoopRun(t *testing.T) {
	c := newCounter()
	n, intr, err := engine.Loop{Steps: 4, Dt: 0.5}.Run(c)
	if n != 4 || intr || err != nil || len(c.steps) != 4 || c.times[3] != 1.5 || len(c.finished) != 2 || c.finished[0] != 4 || c.finished[1] != 2 {
		t.Errorf("whole run: n %d, interrupted %v, err %v, steps %v times %v finish %v", n, intr, err, c.steps, c.times, c.finished)
	}

	stop := make(chan struct{})
	close(stop)
	c = newCounter()
	n, intr, err = engine.Loop{Steps: 4, Dt: 0.5, Interrupt: stop}.Run(c)
	if n != 0 || !intr || err != nil || len(c.steps) != 0 || c.finished != nil {
		t.Errorf("interrupted: n %d, interrupted %v, err %v, steps %v finish %v", n, intr, err, c.steps, c.finished)
	}

	c = newCounter()
	c.failAt = 2
	n, intr, err = engine.Loop{Steps: 4, Dt: 0.5}.Run(c)
	if n != 2 || intr || err == nil || len(c.steps) != 3 || c.finished != nil {
		t.Errorf("failing step: n %d, interrupted %v, err %v, steps %v finish %v", n, intr, err, c.steps, c.finished)
	}

	c = newCounter()
	n, intr, err = engine.Loop{Steps: 4, Dt: 0.5, Interrupt: stop, Ranks: c}.Run(c)
	if n != 1 || !intr || err != nil || len(c.steps) != 1 || c.asked != 0 || c.finished != nil {
		t.Errorf("ranks: n %d, interrupted %v, err %v, steps %v asked %d finish %v", n, intr, err, c.steps, c.asked, c.finished)
	}
}

// TestSummaries: a population's rate is spikes per neuron per second, 0
// for an empty run; a projection's bytes per synapse, 0 without synapses.
func TestSummaries(t *testing.T) {
	if p := engine.PopSummary("E", 4, 10, 0.5); p.RateHz != 5 || p.N != 4 || p.Spikes != 10 {
		t.Errorf("PopSummary: %+v", p)
	}
	if p := engine.PopSummary("E", 4, 10, 0); p.RateHz != 0 {
		t.Errorf("PopSummary at 0 s: %+v", p)
	}
	if p := engine.ProjSummary("C", 8, "csr", 40); p.BytesPerSynapse != 5 || p.ConnectivityBytes != 40 {
		t.Errorf("ProjSummary: %+v", p)
	}
	if p := engine.ProjSummary("C", 0, "dense", 40); p.BytesPerSynapse != 0 {
		t.Errorf("ProjSummary without synapses: %+v", p)
	}
}

// TestSteps: a duration rounds to the nearest step (0.3 ms / 0.1 ms is
// 2.9999999999999996 in floats, 3 steps), halves away from zero.
func TestSteps(t *testing.T) {
	for _, c := range []struct {
		d, dt float64
		want  int
	}{{0.0003, 0.0001, 3}, {0.00025, 0.0001, 3}, {0.00024, 0.0001, 2}, {1, 0.0001, 10000}, {0, 0.001, 0}} {
		if got := engine.Steps(c.d, c.dt); got != c.want {
			t.Errorf("Steps(%g, %g) = %d, want %d", c.d, c.dt, got, c.want)
		}
	}
}
