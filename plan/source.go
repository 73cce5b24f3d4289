package plan

import (
	"path/filepath"

	"github.com/snnc/snnc/engine"
	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/runtime"
)

// InputSpec lowers a spike input once, for every executor: what
// engine.NewSource builds (the interpreter from this value, a built
// program from it printed as a Go literal).
func InputSpec(in *ir.Input) (engine.Input, error) {
	spec := engine.Input{Name: in.Name, Kind: in.Kind, Size: in.Size, Hz: in.Num["rate"], File: in.Str["file"],
		Times: in.Lists["times"], Period: in.Num["period"], Present: in.Num["present"], Rest: in.Num["rest"], Active: int(in.Num["active"])}
	for _, v := range in.Lists["indices"] {
		spec.Indices = append(spec.Indices, int(v))
	}
	if in.Kind == "poisson" {
		r, err := InputRate(in)
		if err != nil {
			return spec, err
		}
		spec.Rate, spec.Hz, spec.File = r, 0, ""
	}
	return spec, nil
}

// NewSource builds a spike input as every executor sees it (InputSpec,
// engine.NewSource; files relative to the model's directory base), so the
// fixed-point simulator gets the interpreter's events.
func NewSource(in *ir.Input, seed uint64, dt float64, base string) (rt.Source, error) {
	spec, err := InputSpec(in)
	if err != nil {
		return nil, err
	}
	return engine.NewSource(spec, seed, dt, func(name string) string {
		if filepath.IsAbs(name) || base == "" {
			return name
		}
		return filepath.Join(base, name)
	})
}

// NewIntegerSource is NewSource for the integer targets (the fixed-point
// simulator and the Verilog it is co-simulated with), whose range proofs
// count one event per synapse a step: a poisson source there spikes once
// in each step the float run gives it a count ≥ 1 (the same steps), a rate
// of (1 - e^-λ)/dt for λ = rate·dt, about λ/2 below the float run's
// (quantize refuses λ > 1).
func NewIntegerSource(in *ir.Input, seed uint64, dt float64, base string) (rt.Source, error) {
	src, err := NewSource(in, seed, dt, base)
	if err != nil || in.Kind != "poisson" {
		return src, err
	}
	return rt.AtMostOnce(src), nil
}
