package verilog

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// Resources are the figures of a yosys synthesis (synth.ys): generic
// cells after technology mapping (RAM cells excluded), the flip-flops
// among them, and the memories kept as RAM.
type Resources struct {
	Cells      int            // logic and flip-flop cells
	FlipFlops  int            // cells whose type names a flip-flop ($_DFF*, $_SDFF*, ...)
	Memories   int            // RAM blocks
	MemoryBits int            // their bits
	CellTypes  map[string]int // cell type → count
}

var (
	numRe  = regexp.MustCompile(`Number of (memories|memory bits|cells):\s+(\d+)`)
	cellRe = regexp.MustCompile(`^\s+(\$\S+)\s+(\d+)\s*$`)
)

// Synth runs yosys on the design written in dir and parses its statistics.
func Synth(dir string) (*Resources, error) {
	if _, err := exec.LookPath("yosys"); err != nil {
		return nil, fmt.Errorf("--synth needs yosys: apt-get install -y yosys")
	}
	cmd := exec.Command("yosys", "-q", "-s", "synth.ys")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("yosys: %v\n%s", err, out)
	}
	mem, err := os.ReadFile(filepath.Join(dir, "mem.txt"))
	if err != nil {
		return nil, err
	}
	st, err := os.ReadFile(filepath.Join(dir, "stat.txt"))
	if err != nil {
		return nil, err
	}
	return ParseStat(string(mem), string(st))
}

// ParseStat reads yosys `stat` reports: memories from the one taken
// before synthesis, cells from the one after.
func ParseStat(mem, cells string) (*Resources, error) {
	r := &Resources{CellTypes: map[string]int{}}
	for _, m := range numRe.FindAllStringSubmatch(mem, -1) {
		n, _ := strconv.Atoi(m[2])
		switch m[1] {
		case "memories":
			r.Memories = n
		case "memory bits":
			r.MemoryBits = n
		}
	}
	found := false
	for _, l := range strings.Split(cells, "\n") {
		m := cellRe.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		n, _ := strconv.Atoi(m[2])
		found = true
		r.CellTypes[m[1]] += n
		if strings.HasPrefix(m[1], "$mem") {
			continue
		}
		r.Cells += n
		if strings.Contains(m[1], "DFF") || strings.Contains(m[1], "DLATCH") {
			r.FlipFlops += n
		}
	}
	if !found {
		return nil, fmt.Errorf("no cells in the yosys statistics")
	}
	return r, nil
}

// String is a one-paragraph report.
func (r *Resources) String() string {
	return fmt.Sprintf("cells %d (flip-flops %d), memories %d with %d bits", r.Cells, r.FlipFlops, r.Memories, r.MemoryBits)
}
