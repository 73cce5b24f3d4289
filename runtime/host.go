package rt

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ParseDuration reads a --duration flag: "500ms", "2s", "1.5 s", "100 ms".
// Shared by snnc run and built binaries, so both accept the same spellings.
func ParseDuration(s string) (float64, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	for _, u := range []struct {
		suffix string
		scale  float64
	}{{"ms", 1e-3}, {"us", 1e-6}, {"\u00b5s", 1e-6}, {"\u03bcs", 1e-6}, {"s", 1}, {"min", 60}} {
		if num, ok := strings.CutSuffix(s, u.suffix); ok {
			if v, err := strconv.ParseFloat(num, 64); err == nil && v > 0 && !math.IsInf(v, 0) {
				return v * u.scale, nil
			}
		}
	}
	return 0, fmt.Errorf("--duration %q: expected a positive time such as 500ms or 2s", s)
}

// CheckSteps refuses a --duration (s as typed, d in seconds) that rounds to
// no step of dt, or to more than MaxSteps, as the checker refuses such a
// `run ... for`.
func CheckSteps(s string, d, dt float64) error {
	steps := math.Round(d / dt)
	if steps < 1 {
		return fmt.Errorf("--duration %s is shorter than half a time step (dt = %g ms): the run would simulate nothing", strings.TrimSpace(s), dt*1e3)
	}
	if steps > MaxSteps {
		return fmt.Errorf("--duration %s is %.3g steps of dt = %g ms: more than 2^53, which a step counter cannot count exactly", strings.TrimSpace(s), steps, dt*1e3)
	}
	return nil
}

// MaxSteps is the most steps a run may have: beyond 2^53 a float64 step
// time no longer resolves dt (beyond 2^63 the step counter wraps and the
// run simulates nothing). ManySteps is where a run is warned about.
// The checker applies the same bounds to `run ... for`.
const (
	MaxSteps  = 1 << 53
	ManySteps = 1e9
)

// StepsWarning is the warning for a run of steps steps of dt ("" if none).
func StepsWarning(steps int, dt float64) string {
	if float64(steps) <= ManySteps {
		return ""
	}
	return fmt.Sprintf("the run has %.3g steps of dt = %g ms: it will take very long", float64(steps), dt*1e3)
}

// InputBytes estimates what a spike input allocates, as EstimateSynapses
// does for connectivity, so that a run refuses an input that cannot fit
// before creating it (package estimate): a poisson source buffers a step's spikes
// (n·rate·dt expected, 4 bytes each: a source may spike several times a step;
// poisson keeps each source's mean per step too, 8 bytes;
// a rate that is not a constant counts as 0 here); patterns keep a mark per
// source, a permutation when more than half are active, and the active
// indices. Inputs read from files are bounded by their files (0 here).
func InputBytes(kind string, n int, active, rate, dt float64) float64 {
	switch kind {
	case "poisson_group":
		p := math.Min(1, rate*dt)
		if !(p > 0) {
			return 0
		}
		return 4 * float64(n) * p
	case "poisson":
		p := rate * dt
		if !(p > 0) {
			return 0
		}
		return 4*float64(n)*p + 8*float64(n) // and each source's mean per step
	case "patterns":
		b := 4*float64(n) + 4*active
		if 2*active > float64(n) {
			b += 4 * float64(n)
		}
		return b
	}
	return 0
}
