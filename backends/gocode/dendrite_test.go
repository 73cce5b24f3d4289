package gocode_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snnc/snnc/backends/gosim"
)

// TestSameOutputsDendrites: the dendrite test models (testdata/dendrites)
// give byte-identical outputs with snnc run and the built binary. Their
// input files (written by gosim's tests) are generated here, randomly but
// with enough structure that segments grow, reach the cap, drop their
// weakest synapses, die and are evicted.
func TestSameOutputsDendrites(t *testing.T) {
	models, _ := filepath.Glob("../../testdata/dendrites/*.snn")
	if len(models) == 0 {
		t.Fatal("no dendrite models")
	}
	for _, m := range models {
		name := strings.TrimSuffix(filepath.Base(m), ".snn")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			src, err := os.ReadFile(m)
			if err != nil {
				t.Fatal(err)
			}
			model := filepath.Join(dir, name+".snn")
			if err := os.WriteFile(model, src, 0o644); err != nil {
				t.Fatal(err)
			}
			writeDendriteInputs(t, dir)
			p := compile(t, model)
			res, err := gosim.Run(p, gosim.Options{BaseDir: dir})
			if err != nil {
				t.Fatalf("interpreter: %v", err)
			}
			want, got := t.TempDir(), t.TempDir()
			res.Summary.Model = model // as snnc run fills it in
			if _, err := res.Write(want, false); err != nil {
				t.Fatal(err)
			}
			if stderr, failed := runBinary(t, binary(t, model), "--out", got, "-q"); failed {
				t.Fatalf("binary failed: %s", stderr)
			}
			sameDirs(t, want, got)
		})
	}
}

// writeDendriteInputs writes sequence.csv (learn.snn, punish.snn: 80
// cells) and pool<k>.csv, patterns<k>.csv (segment_stats.snn).
func writeDendriteInputs(t *testing.T, dir string) {
	t.Helper()
	rng := rand.New(rand.NewPCG(8, 2016))
	write := func(name string, sb *strings.Builder) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(sb.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// a few fixed contexts followed by the same targets (so segments learn
	// and predict), mixed with random patterns (so they also grow new
	// segments, overflow and evict)
	var sb strings.Builder
	contexts := [][]int{rng.Perm(80)[:10], rng.Perm(80)[:12], rng.Perm(80)[:14]}
	target := rng.Perm(80)[:10]
	for k := 0; k < 39; k++ {
		x := contexts[k%3]
		if k%4 == 3 {
			x = rng.Perm(80)[:8+rng.IntN(8)]
		}
		y := target
		if k%5 == 4 {
			y = rng.Perm(80)[:10]
		}
		for _, c := range x {
			fmt.Fprintf(&sb, "%d,%d\n", c, 10*k)
		}
		for _, c := range y {
			fmt.Fprintf(&sb, "%d,%d\n", c, 10*k+1)
		}
	}
	write("sequence.csv", &sb)
	for k, d := range []struct{ n, s, a int }{{100, 10, 20}, {200, 16, 40}, {500, 24, 60}, {1000, 20, 60}} {
		sb.Reset()
		for _, c := range rng.Perm(d.n)[:d.s] {
			fmt.Fprintf(&sb, "%d,0\n", c)
		}
		write(fmt.Sprintf("pool%d.csv", k+1), &sb)
		sb.Reset()
		for step := 0; step < 2000; step++ {
			for _, c := range rng.Perm(d.n)[:d.a] {
				fmt.Fprintf(&sb, "%d,%d\n", c, step)
			}
		}
		write(fmt.Sprintf("patterns%d.csv", k+1), &sb)
	}
}
