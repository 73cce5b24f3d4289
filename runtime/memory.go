package rt

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"math"
	"os"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
)

// MemItem is one item of a run's memory estimate (package estimate computes
// them from the IR; built binaries carry them as constants): Fixed bytes,
// plus PerSample bytes for every Every-th step simulated (recordings).
type MemItem struct {
	Name      string
	Fixed     float64
	PerSample float64
	Every     int // steps between samples; 0: one sample a run
}

// Bytes is the item's size for a run of steps steps.
func (it MemItem) Bytes(steps int) float64 {
	return it.Fixed + it.PerSample*float64(Samples(steps, it.Every))
}

// Samples is how many samples a recording takes in steps steps: at every
// step n with n % every == 0, or once at the end when every is 0.
func Samples(steps, every int) int {
	if every <= 0 {
		return 1
	}
	return (steps + every - 1) / every
}

// MemTotal is the estimate's total for a run of steps steps.
func MemTotal(items []MemItem, steps int) float64 {
	t := 0.0
	for _, it := range items {
		t += it.Bytes(steps)
	}
	return t
}

// MemLimit is the memory a run may use and where that bound comes from.
type MemLimit struct {
	Bytes  int64
	Source string
}

// Unlimited is a MemLimit that refuses nothing (--mem-limit none).
var Unlimited = MemLimit{math.MaxInt64, "--mem-limit none"}

// MemoryLimit is the memory this process may still allocate: the least of
// the cgroup's limit (v2 memory.max or v1 memory.limit_in_bytes) less its
// usage, the address-space limit (ulimit -v) less what is mapped, the
// machine's MemAvailable and GOMEMLIMIT.
func MemoryLimit() MemLimit {
	lim := MemLimit{math.MaxInt64, "no limit found"}
	try := func(b int64, src string) {
		if b >= 0 && b < lim.Bytes {
			lim = MemLimit{b, src}
		}
	}
	if max, ok := readBytes(cgroupFile("memory.max")); ok {
		cur, _ := readBytes(cgroupFile("memory.current"))
		try(max-cur, "the cgroup's memory.max")
	}
	if max, ok := readBytes("/sys/fs/cgroup/memory/memory.limit_in_bytes"); ok && max < 1<<60 {
		cur, _ := readBytes("/sys/fs/cgroup/memory/memory.usage_in_bytes")
		try(max-cur, "the cgroup's memory.limit_in_bytes")
	}
	if as, ok := addressSpaceLeft(); ok {
		try(as, "the address-space limit (ulimit -v)")
	}
	if kb, ok := meminfo("MemAvailable:"); ok {
		try(kb*1024, "MemAvailable in /proc/meminfo")
	}
	if gl := debug.SetMemoryLimit(-1); gl < math.MaxInt64 {
		try(gl, "GOMEMLIMIT")
	}
	return lim
}

// cgroupFile is a file of this process's cgroup (v2), or of the root one.
func cgroupFile(name string) string {
	if b, err := os.ReadFile("/proc/self/cgroup"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if path, ok := strings.CutPrefix(line, "0::"); ok {
				f := "/sys/fs/cgroup" + strings.TrimSuffix(path, "/") + "/" + name
				if _, err := os.Stat(f); err == nil {
					return f
				}
			}
		}
	}
	return "/sys/fs/cgroup/" + name
}

// readBytes reads a file holding a byte count ("max" is none).
func readBytes(path string) (int64, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	return n, err == nil
}

// meminfo reads a kB field of /proc/meminfo.
func meminfo(field string) (int64, bool) {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb, err == nil
		}
	}
	return 0, false
}

// ParseMemLimit reads a --mem-limit flag: "none", or a size such as 512MB,
// 4GB, 2GiB or a byte count.
func ParseMemLimit(s string) (MemLimit, error) {
	t := strings.TrimSpace(s)
	if t == "none" {
		return Unlimited, nil
	}
	num, scale := t, 1.0
	for _, u := range []struct {
		suffix string
		scale  float64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40}, {"kB", 1e3}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12}, {"B", 1}} {
		if n, ok := strings.CutSuffix(t, u.suffix); ok {
			num, scale = strings.TrimSpace(n), u.scale
			break
		}
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || !(v > 0) || v*scale >= math.MaxInt64 {
		return MemLimit{}, fmt.Errorf("--mem-limit %q: want a size such as 512MB or 4GB, or none", s)
	}
	return MemLimit{int64(v * scale), "--mem-limit " + t}, nil
}

// CheckMemory refuses a run of steps steps whose estimate exceeds the
// limit, naming the biggest items and how to override the limit.
// A limit of 0 bytes is MemoryLimit's; one without a source is "the
// memory limit".
func CheckMemory(items []MemItem, steps int, lim MemLimit) error {
	if lim.Bytes == 0 {
		lim = MemoryLimit()
	}
	if lim.Source == "" {
		lim.Source = "the memory limit"
	}
	total := MemTotal(items, steps)
	if total <= float64(lim.Bytes) {
		return nil
	}
	big := slices.Clone(items)
	slices.SortStableFunc(big, func(a, b MemItem) int { return cmp.Compare(b.Bytes(steps), a.Bytes(steps)) })
	var names []string
	for _, it := range big[:min(3, len(big))] {
		names = append(names, fmt.Sprintf("%s: %s", it.Name, fmtBytes(it.Bytes(steps))))
	}
	return fmt.Errorf("the run needs about %s but %s allows %s; the biggest items: %s. Reduce them (sizes, recordings, record ... every, the duration), or set the limit with --mem-limit SIZE (--mem-limit none skips this check)",
		fmtBytes(total), lim.Source, fmtBytes(float64(lim.Bytes)), strings.Join(names, "; "))
}

// MemTable prints the estimate as a table: every item, the total and the
// limit.
func MemTable(w io.Writer, items []MemItem, steps int, lim MemLimit) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "bytes\t  item\n")
	for _, it := range items {
		fmt.Fprintf(tw, "%s\t  %s\n", fmtBytes(it.Bytes(steps)), it.Name)
	}
	fmt.Fprintf(tw, "%s\t  total for %d steps\n", fmtBytes(MemTotal(items, steps)), steps)
	if lim.Bytes < math.MaxInt64 {
		fmt.Fprintf(tw, "%s\t  available (%s)\n", fmtBytes(float64(lim.Bytes)), lim.Source)
	}
	tw.Flush()
}

// SpikeRate is the firing rate assumed for spike recordings, whose size
// depends on the rates and is unknown before the run.
const SpikeRate = 10.0 // Hz

// SpikeBytes is what spike recordings of neurons neurons hold over steps
// steps of dt if each fires at SpikeRate: 4 bytes a spike (its index; the
// time is kept once a step).
func SpikeBytes(neurons, steps int, dt float64) float64 {
	return 4 * float64(neurons) * SpikeRate * float64(steps) * dt
}

// SpikeWarning warns ("" if not) when the spike recordings would take more
// than half the limit at SpikeRate: the run is not refused, as the rates
// may be lower.
func SpikeWarning(neurons, steps int, dt float64, lim MemLimit) string {
	if lim.Bytes == 0 {
		lim = MemoryLimit()
	}
	b := SpikeBytes(neurons, steps, dt)
	if b <= float64(lim.Bytes)/2 {
		return ""
	}
	return fmt.Sprintf("the spike recordings (%d neurons) would hold %s if they fired at %g Hz, more than half of the %s that %s allows; record fewer neurons or shorten the run",
		neurons, fmtBytes(b), SpikeRate, fmtBytes(float64(lim.Bytes)), lim.Source)
}

// FormatBytes writes a byte count as the run summary does (KiB, MiB, GiB).
func FormatBytes(b float64) string { return fmtBytes(b) }
