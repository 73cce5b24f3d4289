package plan

import (
	"fmt"
	"path/filepath"

	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/runtime"
)

// NewSource builds a spike input as every executor sees it (the same
// stream keyed by its name, files relative to the model's directory base),
// so the fixed-point simulator gets the interpreter's events.
func NewSource(in *ir.Input, seed uint64, dt float64, base string) (runtime.Source, error) {
	stream := runtime.NewStream(seed, runtime.Hash("input", in.Name))
	path := func(name string) string {
		if filepath.IsAbs(name) || base == "" {
			return name
		}
		return filepath.Join(base, name)
	}
	switch in.Kind {
	case "poisson":
		rate, err := InputRate(in)
		if err != nil {
			return nil, err
		}
		return runtime.NewPoissonInput(in.Name, in.Size, rate, seed, dt, path)
	case "poisson_group":
		return runtime.NewPoisson(in.Size, in.Num["rate"], dt, stream), nil
	case "spikes":
		return runtime.LoadSpikeFile(path(in.Str["file"]), in.Size, dt)
	case "spike_times":
		var idx []int
		for _, v := range in.Lists["indices"] {
			idx = append(idx, int(v))
		}
		if in.Lists["indices"] == nil {
			idx = nil
		}
		return runtime.NewSpikeTimes(in.Size, in.Lists["times"], idx, in.Num["period"], dt)
	case "dataset":
		src, _, err := runtime.LoadDataset(path(in.Str["file"]), in.Num["present"], in.Num["rest"], in.Num["rate"], dt, stream)
		return src, err
	case "patterns":
		return runtime.NewPatterns(in.Size, int(in.Num["active"]), stream)
	}
	return nil, fmt.Errorf("unknown input kind %s", in.Kind)
}

// NewIntegerSource is NewSource for the integer targets (the fixed-point
// simulator and the Verilog it is co-simulated with), whose range proofs
// count one event per synapse a step: a poisson source there spikes once
// in each step the float run gives it a count ≥ 1 (the same steps), a rate
// of (1 - e^-λ)/dt for λ = rate·dt, about λ/2 below the float run's
// (quantize refuses λ > 1).
func NewIntegerSource(in *ir.Input, seed uint64, dt float64, base string) (runtime.Source, error) {
	src, err := NewSource(in, seed, dt, base)
	if err != nil || in.Kind != "poisson" {
		return src, err
	}
	return runtime.AtMostOnce(src), nil
}
