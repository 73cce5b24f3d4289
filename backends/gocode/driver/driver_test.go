package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/snnc/snnc/runtime/mpi"
)

// TestDriverRuns: the driver runs the model for the run's duration and
// writes its recordings and summary, as a generated program does.
func TestDriverRuns(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"--out", out, "--duration", "20ms", "--seed", "3"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	for _, f := range []string{"spikes_P.csv", "P_v.csv", "summary.json"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
	if !strings.Contains(stdout.String(), "wrote 8 files to "+out) {
		t.Errorf("stdout:\n%s", stdout.String())
	}
}

// TestDriverPlotNeedsPlotBuild: --plot in a program built without plots
// (this test does not link runtime/plots) fails before the run, naming the
// way to get them, and --help says so too.
func TestDriverPlotNeedsPlotBuild(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"--out", out, "--plot"}, &stdout, &stderr); code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	if !strings.Contains(stderr.String(), "error: this program was built without plotting (to keep it small): rebuild it with `snnc build --plot`") {
		t.Errorf("stderr: %s", stderr.String())
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("refused --plot left %s (%v)", out, err)
	}
	stderr.Reset()
	if code := run([]string{"--help"}, &stdout, &stderr); code != 0 || !strings.Contains(stderr.String(), "needs a program built with snnc build --plot") {
		t.Errorf("--help (exit %d):\n%s", code, stderr.String())
	}
}

// TestDriverRefusesArguments: the model is built in; a file argument is a
// mistake, reported with the flags.
func TestDriverRefusesArguments(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"m.snn"}, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), `unexpected argument "m.snn"`) {
		t.Errorf("exit %d: %s", code, stderr.String())
	}
	if code := run([]string{"--no-such-flag"}, &stdout, &stderr); code != 2 {
		t.Errorf("unknown flag: exit %d, want 2", code)
	}
}

// TestHelpers: the helpers the generated model code calls.
func TestHelpers(t *testing.T) {
	// the spikes of one part of a loop, as its own indices
	if got := partSpikes(nil, []int32{1, 5, 6, 9}, 5, 4); !slices.Equal(got, []int32{0, 1}) {
		t.Errorf("partSpikes = %v", got)
	}
	// parallelSpikes: the spikes in index order whatever the threads
	var parts [][]int32
	odd := func(lo, hi int, spk []int32) []int32 {
		for i := lo; i < hi; i++ {
			if i%3 == 0 {
				spk = append(spk, int32(i))
			}
		}
		return spk
	}
	one := parallelSpikes(1, 10000, nil, &parts, odd)
	four := parallelSpikes(4, 10000, nil, &parts, odd)
	if len(one) != 3334 || !slices.Equal(one, four) {
		t.Errorf("parallelSpikes: %d spikes with 1 thread, equal with 4: %v", len(one), slices.Equal(one, four))
	}
	covered := make([]int, 10)
	split(3, 10, func(_, lo, hi int) {
		for i := lo; i < hi; i++ {
			covered[i]++
		}
	})
	if !slices.Equal(covered, []int{1, 1, 1, 1, 1, 1, 1, 1, 1, 1}) {
		t.Errorf("split covered %v", covered)
	}
	hits := make([]int32, 10000)
	parallel(4, len(hits), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			hits[i]++
		}
	})
	if slices.Min(hits) != 1 || slices.Max(hits) != 1 {
		t.Errorf("parallel: items run %d to %d times, want once", slices.Min(hits), slices.Max(hits))
	}

	if sel(true, 1, 2) != 1 || sel(false, 1, 2) != 2 || b2f(true) != 1 || b2f(false) != 0 || sigmoid(0) != 0.5 {
		t.Error("sel, b2f or sigmoid")
	}
	if got := ms(0.0125); got != "12.5 ms" {
		t.Errorf("ms(0.0125) = %q", got)
	}
	if got := inputPath("a.txt"); got != "a.txt" { // baseDir "" here
		t.Errorf("inputPath = %q", got)
	}
}

// TestDriverRefusesMPI: started by mpirun as several processes, a
// program built without MPI refuses (it would run unconnected copies) and
// says how to build one that splits the run over ranks.
func TestDriverRefusesMPI(t *testing.T) {
	if mpiEnabled {
		t.Skip("this test binary has MPI (-tags mpi)")
	}
	t.Setenv("OMPI_COMM_WORLD_SIZE", "2")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"--out", t.TempDir()}, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), "snnc build --mpi") {
		t.Errorf("exit %d: %s", code, stderr.String())
	}
}

const mpiEnabled = mpi.Enabled
