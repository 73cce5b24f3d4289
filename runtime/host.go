package runtime

import (
	"bufio"
	"fmt"
	"math"
	"os"
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
// no step of dt, as the checker refuses such a `run ... for`.
func CheckSteps(s string, d, dt float64) error {
	if math.Round(d/dt) < 1 {
		return fmt.Errorf("--duration %s is shorter than half a time step (dt = %g ms): the run would simulate nothing", strings.TrimSpace(s), dt*1e3)
	}
	return nil
}

// InputBytes estimates what a spike input allocates, as EstimateSynapses
// does for connectivity, so that a run refuses an input that cannot fit
// before creating it: a poisson source buffers a step's spikes
// (n·min(1, rate·dt) expected, 4 bytes each); patterns keep a mark per
// source, a permutation when more than half are active, and the active
// indices. Inputs read from files are bounded by their files (0 here).
func InputBytes(kind string, n int, active, rate, dt float64) float64 {
	switch kind {
	case "poisson":
		p := math.Min(1, rate*dt)
		if !(p > 0) {
			return 0
		}
		return 4 * float64(n) * p
	case "patterns":
		b := 4*float64(n) + 4*active
		if 2*active > float64(n) {
			b += 4 * float64(n)
		}
		return b
	}
	return 0
}

// CheckInputMemory refuses inputs estimated at total bytes (InputBytes)
// when they exceed limit (MemoryBudget), with the message that connectivity
// gets.
func CheckInputMemory(total float64, limit int64) error {
	if total > float64(limit) {
		return fmt.Errorf("the inputs need about %.1f GB but %.1f GB is available; reduce the input sizes, active counts or rates",
			total/1e9, float64(limit)/1e9)
	}
	return nil
}

// MemoryBudget is the connectivity a run may allocate: 80 % of the memory
// the machine has available now (16 GiB where /proc/meminfo is missing).
func MemoryBudget() int64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 16 << 30
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "MemAvailable:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err == nil {
				return kb * 1024 * 8 / 10
			}
		}
	}
	return 16 << 30
}
