package engine

import (
	"fmt"

	"github.com/snnc/snnc/runtime"
)

// Input is a spike source as the plan describes it (plan.InputSpec): every
// executor builds it with NewSource, the interpreter from the plan and a
// built program from this value printed as a Go literal.
type Input struct {
	Name string
	Kind string // poisson, poisson_group, spikes, spike_times, dataset, patterns
	Size int
	Rate rt.Rate // poisson
	Hz   float64 // poisson_group and dataset: the rate
	File string  // spikes and dataset: relative to the model's directory
	// spike_times: the times (s), the neuron of each (nil: every neuron at
	// every time) and the period (0: once)
	Times   []float64
	Indices []int
	Period  float64
	Present float64 // dataset: seconds each sample is shown
	Rest    float64 // dataset: seconds of silence after each
	Active  int     // patterns: active neurons in each pattern
}

// NewSource builds the spike source in describes. Its random numbers come
// from a stream keyed by its name, so every executor draws the same
// events; path resolves the model's file names (against its directory).
func NewSource(in Input, seed uint64, dt float64, path func(string) string) (rt.Source, error) {
	stream := rt.NewStream(seed, rt.Hash("input", in.Name))
	switch in.Kind {
	case "poisson":
		return rt.NewPoissonInput(in.Name, in.Size, in.Rate, seed, dt, path)
	case "poisson_group":
		return rt.NewPoisson(in.Size, in.Hz, dt, stream), nil
	case "spikes":
		return rt.LoadSpikeFile(path(in.File), in.Size, dt)
	case "spike_times":
		return rt.NewSpikeTimes(in.Size, in.Times, in.Indices, in.Period, dt)
	case "dataset":
		src, _, err := rt.LoadDataset(path(in.File), in.Present, in.Rest, in.Hz, dt, stream)
		return src, err
	case "patterns":
		return rt.NewPatterns(in.Size, in.Active, stream)
	}
	return nil, fmt.Errorf("unknown input kind %s", in.Kind)
}
