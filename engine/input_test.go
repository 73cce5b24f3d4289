package engine_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/snnc/snnc/engine"
	"github.com/snnc/snnc/runtime"
)

// TestNewSource: each kind gets its own fields. spike_times puts time t in
// step floor(t/dt + 0.001), repeating every period; a spike file is read
// through path (the model's directory); poisson_group at 0 Hz is silent
// and at 1/dt fires every neuron every step; an unknown kind is an error.
func TestNewSource(t *testing.T) {
	const dt = 0.001
	steps := func(src rt.Source, n int) [][]int32 {
		var out [][]int32
		for k := 0; k < n; k++ {
			out = append(out, slices.Clone(src.Step(k)))
		}
		return out
	}
	src, err := engine.NewSource(engine.Input{Name: "T", Kind: "spike_times", Size: 3, Times: []float64{0.002, 0.001}, Indices: []int{2, 0}, Period: 0.003}, 1, dt, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := steps(src, 6)
	want := [][]int32{nil, {0}, {2}, nil, {0}, {2}}
	for k := range want {
		if len(got[k]) != len(want[k]) || !slices.Equal(got[k], want[k]) && len(want[k]) > 0 {
			t.Errorf("spike_times step %d: %v, want %v", k, got[k], want[k])
		}
	}

	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "s.csv"), []byte("index,time\n1,1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var asked string
	path := func(name string) string { asked = name; return filepath.Join(dir, name) }
	if src, err = engine.NewSource(engine.Input{Name: "F", Kind: "spikes", Size: 2, File: "s.csv"}, 1, dt, path); err != nil {
		t.Fatal(err)
	}
	if got := steps(src, 3); asked != "s.csv" || !slices.Equal(got[1], []int32{1}) || len(got[0]) != 0 || len(got[2]) != 0 {
		t.Errorf("spikes from s.csv (path asked %q): %v", asked, got)
	}

	for _, c := range []struct {
		hz   float64
		want int
	}{{0, 0}, {1 / dt, 4}} {
		src, err := engine.NewSource(engine.Input{Name: "G", Kind: "poisson_group", Size: 4, Hz: c.hz}, 1, dt, nil)
		if err != nil {
			t.Fatal(err)
		}
		for k, s := range steps(src, 5) {
			if len(s) != c.want {
				t.Errorf("poisson_group at %g Hz, step %d: %d spikes, want %d", c.hz, k, len(s), c.want)
			}
		}
	}

	if _, err := engine.NewSource(engine.Input{Name: "X", Kind: "telepathy"}, 1, dt, nil); err == nil || !strings.Contains(err.Error(), "telepathy") {
		t.Errorf("unknown kind: %v", err)
	}
}
