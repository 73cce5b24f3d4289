package lsp

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	protocol "github.com/tliron/glsp/protocol_3_16"
)

// BenchmarkRecheck is the cost of one keystroke in an editor: an
// incremental didChange (a space typed at the end, then removed) and the
// full re-check and diagnostics it triggers, for every shipped example.
// The budget is 50 ms per change. The uncached variant parses
// every import again on each change (the server without its import
// cache), for comparison in the same run.
func BenchmarkRecheck(b *testing.B) {
	for _, uncached := range []bool{false, true} {
		name := "cached"
		if uncached {
			name = "uncached"
		}
		b.Run(name, func(b *testing.B) { benchRecheck(b, uncached) })
	}
}

func benchRecheck(b *testing.B, uncached bool) {
	var models []string
	for _, g := range []string{"../examples/*.snn", "../examples/*/*.snn"} {
		m, _ := filepath.Glob(g)
		models = append(models, m...)
	}
	for _, path := range models {
		b.Run(strings.TrimSuffix(filepath.Base(path), ".snn"), func(b *testing.B) {
			src, err := os.ReadFile(path)
			if err != nil {
				b.Fatal(err)
			}
			abs, _ := filepath.Abs(path)
			c := newClient(b)
			c.s.uncached = uncached
			uri := c.open(abs, string(src))
			end := newLines(string(src)).position(len(src))
			after := end
			after.Character++
			if end.Character == 0 { // text ends in a newline: type on the last, empty line
				after = protocol.Position{Line: end.Line, Character: 1}
			}
			cpu0 := cpuTime()
			n := 0
			for i := 0; b.Loop(); i++ {
				n++
				if i%2 == 0 {
					c.edit(uri, int32(i+2), end, end, " ")
				} else {
					c.edit(uri, int32(i+2), end, after, "")
				}
			}
			// the process's CPU time per change: on a shared machine the
			// wall clock (ns/op) also counts the time other jobs run
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(n)/1e6, "cpu-ms/op")
		})
	}
}

// cpuTime is the process's user+system CPU time in nanoseconds.
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
