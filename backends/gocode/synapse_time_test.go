package gocode_test

import (
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/snnc/snnc/backends/gosim"
)

// TestSynapseTime: `t` in a synapse equation is the simulation time in
// both backends (the built binary read 0 before the plan's synapse loops
// were printed): w' = t / s² from 0, sampled at step n (t_n = n·dt, after
// that step's clock-driven update), is dt²·n(n+1)/2 by Euler and the exact
// (n+1)²·dt²/2 by RK4; the binary writes the interpreter's files.
func TestSynapseTime(t *testing.T) {
	const model = "../../testdata/gocode/synapse_time.snn"
	const dt = 1e-3
	p := compile(t, model)
	res, err := gosim.Run(p, gosim.Options{BaseDir: filepath.Dir(model)})
	if err != nil {
		t.Fatal(err)
	}
	want, got := t.TempDir(), t.TempDir()
	res.Summary.Model = model
	if _, err := res.Write(want, false); err != nil {
		t.Fatal(err)
	}
	if stderr, failed := runBinary(t, binary(t, model), "--out", got, "-q"); failed {
		t.Fatalf("binary failed: %s", stderr)
	}
	for _, c := range []struct {
		file   string
		closed func(n float64) float64
	}{
		{"eu_w.csv", func(n float64) float64 { return dt * dt * n * (n + 1) / 2 }},
		{"rk_w.csv", func(n float64) float64 { return (n + 1) * (n + 1) * dt * dt / 2 }},
	} {
		for _, dir := range []string{want, got} {
			f, err := os.Open(filepath.Join(dir, c.file))
			if err != nil {
				t.Fatal(err)
			}
			rows, err := csv.NewReader(f).ReadAll()
			f.Close()
			if err != nil || len(rows) < 10 {
				t.Fatalf("%s: %d rows, %v", c.file, len(rows), err)
			}
			for _, r := range rows[1:] { // t_s,synapse,pre,post,w
				ts, _ := strconv.ParseFloat(r[0], 64)
				w, _ := strconv.ParseFloat(r[4], 64)
				if x := c.closed(math.Round(ts / dt)); math.Abs(w-x) > 1e-12*math.Max(1e-6, x) {
					t.Fatalf("%s (%s): w = %v at t = %v s, want %v", c.file, filepath.Base(dir), w, ts, x)
				}
			}
		}
	}
	sameDirs(t, want, got)
}
