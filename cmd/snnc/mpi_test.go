//go:build mpi

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// snncMPI builds snnc with MPI into a temporary directory.
func snncMPI(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("mpirun"); err != nil {
		t.Fatal("MPI tests need mpirun: apt-get install -y openmpi-bin libopenmpi-dev (make deps)")
	}
	bin := filepath.Join(t.TempDir(), "snnc")
	if out, err := exec.Command("go", "build", "-tags", "mpi", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build -tags mpi: %v\n%s", err, out)
	}
	return bin
}

// mpirun runs `mpirun -np np bin args...` (as root in CI containers, more
// ranks than cores, no pinning: threads get their cores).
func mpirun(np int, bin string, args ...string) *exec.Cmd {
	a := append([]string{"--allow-run-as-root", "--oversubscribe", "--bind-to", "none", "-np", fmt.Sprint(np), bin}, args...)
	return exec.Command("mpirun", a...)
}

// outputs reads a run's output files; summary.json without its wall time
// and thread count (which differ from run to run by design).
func outputs(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if e.Name() == "summary.json" {
			var m map[string]any
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
			delete(m, "wall_s")
			delete(m, "threads")
			b, _ = json.Marshal(m)
		}
		files[e.Name()] = b
	}
	return files
}

// mpiModels are the split runs' models with their extra record lines
// (state across the ranks' boundaries) and durations.
var mpiModels = []struct{ path, extra, dur string }{
	{"../../examples/cuba.snn", "    record E.v[1590:1610], I.ge[390:410] every 1 ms", "200ms"},
	{"../../examples/coba.snn", "    record E.v[790:2410] every 5 ms", "100ms"},
	{"../../examples/stdp_song2000.snn", "    record N.v every 1 ms", "1s"},
	// float32 drawn weights and a drawn delay per synapse, cut to each
	// rank's share; delays of at least a step: spikes exchanged every 2 steps
	{"../../examples/potjans2014_scaled.snn", "    record L5i.v every 1 ms", "100ms"},
}

// TestMPIRunIdentical: `mpirun -np 1/2/4 snnc run --threads 1/2` writes
// the files of one process byte for byte (summary.json but for its wall
// time and thread count) on CUBA, COBA, an STDP model and the 0.1-scale
// microcircuit, with state recorded across the ranks' boundaries.
func TestMPIRunIdentical(t *testing.T) {
	bin := snncMPI(t)
	for _, m := range mpiModels {
		t.Run(filepath.Base(m.path), func(t *testing.T) {
			model := withRecordLine(t, m.path, m.extra)
			ref := filepath.Join(t.TempDir(), "ref")
			if out, err := exec.Command(bin, "run", model, "--duration", m.dur, "-q", "-o", ref).CombinedOutput(); err != nil {
				t.Fatalf("one process: %v\n%s", err, out)
			}
			want := outputs(t, ref)
			for _, np := range []int{1, 2, 4} {
				for _, threads := range []int{1, 2} {
					dir := filepath.Join(t.TempDir(), fmt.Sprintf("np%d_t%d", np, threads))
					out, err := mpirun(np, bin, "run", model, "--duration", m.dur, "--threads", fmt.Sprint(threads), "-q", "-o", dir).CombinedOutput()
					if err != nil {
						t.Fatalf("-np %d --threads %d: %v\n%s", np, threads, err, out)
					}
					if len(bytes.TrimSpace(out)) != 0 {
						t.Errorf("-np %d --threads %d printed with -q: %s", np, threads, out)
					}
					got := outputs(t, dir)
					if len(got) != len(want) {
						t.Errorf("-np %d --threads %d: %d files, want %d", np, threads, len(got), len(want))
					}
					for name, b := range want {
						if !bytes.Equal(got[name], b) {
							t.Errorf("-np %d --threads %d: %s differs from one process's", np, threads, name)
						}
					}
				}
			}
		})
	}
}

// TestMPIRunError: a neuron that blows up on rank 1 of 2 stops both; the
// error names the rank, exit status 1, and rank 0 says which rank failed.
func TestMPIRunError(t *testing.T) {
	bin := snncMPI(t)
	// Q has one neuron, which rank 1 of 2 owns: it blows up there only
	model := filepath.Join(t.TempDir(), "blowup.snn")
	if err := os.WriteFile(model, []byte(blowupModel), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := mpirun(2, bin, "run", model, "-q", "-o", filepath.Join(t.TempDir(), "out")).CombinedOutput()
	if err == nil {
		t.Fatalf("the run succeeded:\n%s", out)
	}
	if !strings.Contains(string(out), "rank 1 of 2") || !strings.Contains(string(out), "rank 0 of 2: stopped: rank 1 failed") {
		t.Errorf("want rank 1's error and rank 0 naming it:\n%s", out)
	}
}

// blowupModel: Q has one neuron, which rank 1 of 2 owns: it blows up there only.
const blowupModel = `neuron U {
    state {
        v = 1 mV
    }
    equations {
        v' = v * v / 1 mV / 1 ms
    }
}

neuron S {
    state {
        v = 1 mV
    }
    equations {
        v' = -v / 10 ms
    }
}

network N {
    population P = S[3]
    population Q = U[1]
    record P.v, Q.v
}

run N for 100 ms
`

// withRecordLine copies an example with one more record line before its
// spike records.
func withRecordLine(t *testing.T, path, extra string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	src := string(b)
	k := strings.Index(src, "    record spikes(")
	if k < 0 {
		t.Fatalf("%s records no spikes", path)
	}
	out := filepath.Join(t.TempDir(), filepath.Base(path))
	if err := os.WriteFile(out, []byte(src[:k]+extra+"\n"+src[k:]), 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestMPIRunOutputError: rank 0 cannot open the output directory; the
// other rank learns it instead of waiting for rank 0 in the run.
func TestMPIRunOutputError(t *testing.T) {
	bin := snncMPI(t)
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := mpirun(2, bin, "run", "../../examples/cuba.snn", "-q", "-o", filepath.Join(file, "out"))
	done := make(chan struct{})
	var out []byte
	var err error
	go func() { out, err = cmd.CombinedOutput(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Minute):
		cmd.Process.Kill()
		t.Fatal("the ranks hang")
	}
	if err == nil || !strings.Contains(string(out), "rank 0 of 2: output directory") {
		t.Errorf("want rank 0's error:\n%s", out)
	}
}

// TestMPIBuildIdentical: a program from `snnc build --mpi` under
// `mpirun -np 2/3 --threads 1/2` writes the files of the same program in
// one process byte for byte, and those of `mpirun -np 2 snnc run` (the
// one rank split of plan.Split), on CUBA, COBA, an STDP model and the
// 0.1-scale microcircuit, with state recorded across the ranks' boundaries.
func TestMPIBuildIdentical(t *testing.T) {
	bin := snncMPI(t)
	for _, m := range mpiModels {
		t.Run(filepath.Base(m.path), func(t *testing.T) {
			model := withRecordLine(t, m.path, m.extra)
			prog := filepath.Join(t.TempDir(), "prog")
			if out, err := exec.Command(bin, "build", "--mpi", "-q", model, "-o", prog).CombinedOutput(); err != nil {
				t.Fatalf("snnc build --mpi: %v\n%s", err, out)
			}
			ref := filepath.Join(t.TempDir(), "ref")
			if out, err := exec.Command(prog, "--duration", m.dur, "-q", "-o", ref).CombinedOutput(); err != nil {
				t.Fatalf("one process: %v\n%s", err, out)
			}
			want := outputs(t, ref)
			same := func(what, dir string) {
				got := outputs(t, dir)
				if len(got) != len(want) {
					t.Errorf("%s: %d files, want %d", what, len(got), len(want))
				}
				for name, b := range want {
					if !bytes.Equal(got[name], b) {
						t.Errorf("%s: %s differs from one process's", what, name)
					}
				}
			}
			run := filepath.Join(t.TempDir(), "run")
			if out, err := mpirun(2, bin, "run", model, "--duration", m.dur, "-q", "-o", run).CombinedOutput(); err != nil {
				t.Fatalf("mpirun -np 2 snnc run: %v\n%s", err, out)
			}
			same("mpirun -np 2 snnc run", run)
			for _, np := range []int{2, 3} {
				for _, threads := range []int{1, 2} {
					what := fmt.Sprintf("mpirun -np %d program --threads %d", np, threads)
					dir := filepath.Join(t.TempDir(), fmt.Sprintf("np%d_t%d", np, threads))
					out, err := mpirun(np, prog, "--duration", m.dur, "--threads", fmt.Sprint(threads), "-q", "-o", dir).CombinedOutput()
					if err != nil {
						t.Fatalf("%s: %v\n%s", what, err, out)
					}
					if len(bytes.TrimSpace(out)) != 0 {
						t.Errorf("%s printed with -q: %s", what, out)
					}
					same(what, dir)
				}
			}
		})
	}
}

// TestMPIBuildError: in a program from snnc build --mpi, a neuron that
// blows up on rank 1 of 2 stops both ranks; the error names the rank,
// exit status 1, and rank 0 says which rank failed. A model the split
// refuses is refused on every rank.
func TestMPIBuildError(t *testing.T) {
	bin := snncMPI(t)
	model := filepath.Join(t.TempDir(), "blowup.snn")
	if err := os.WriteFile(model, []byte(blowupModel), 0o644); err != nil {
		t.Fatal(err)
	}
	prog := filepath.Join(t.TempDir(), "prog")
	if out, err := exec.Command(bin, "build", "--mpi", "-q", model, "-o", prog).CombinedOutput(); err != nil {
		t.Fatalf("snnc build --mpi: %v\n%s", err, out)
	}
	out, err := mpirun(2, prog, "-q", "-o", filepath.Join(t.TempDir(), "out")).CombinedOutput()
	if err == nil {
		t.Fatalf("the run succeeded:\n%s", out)
	}
	if !strings.Contains(string(out), "rank 1 of 2: Q") || !strings.Contains(string(out), "rank 0 of 2: stopped: rank 1 failed") {
		t.Errorf("want rank 1's error and rank 0 naming it:\n%s", out)
	}

	wta := filepath.Join(t.TempDir(), "wta")
	if out, err := exec.Command(bin, "build", "--mpi", "-q", "../../testdata/gocode/wta.snn", "-o", wta).CombinedOutput(); err != nil {
		t.Fatalf("snnc build --mpi: %v\n%s", err, out)
	}
	out, err = mpirun(2, wta, "-q", "-o", filepath.Join(t.TempDir(), "wta_out")).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "winner-take-all groups do not run split over ranks yet: run with one rank (not split over 2)") {
		t.Errorf("want the split's refusal, got %v:\n%s", err, out)
	}
}
