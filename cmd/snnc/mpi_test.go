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

// TestMPIRunIdentical: `mpirun -np 1/2/4 snnc run --threads 1/2` writes
// the files of one process byte for byte (summary.json but for its wall
// time and thread count) on CUBA, COBA, an STDP model and the 0.1-scale
// microcircuit, with state recorded across the ranks' boundaries.
func TestMPIRunIdentical(t *testing.T) {
	bin := snncMPI(t)
	models := []struct{ path, extra, dur string }{
		{"../../examples/cuba.snn", "    record E.v[1590:1610], I.ge[390:410] every 1 ms", "200ms"},
		{"../../examples/coba.snn", "    record E.v[790:2410] every 5 ms", "100ms"},
		{"../../examples/stdp_song2000.snn", "    record N.v every 1 ms", "1s"},
		// float32 drawn weights and a drawn delay per synapse, cut to each rank's share
		{"../../examples/potjans2014_scaled.snn", "    record L5i.v every 1 ms", "100ms"},
	}
	for _, m := range models {
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
	src := `neuron U {
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
	model := filepath.Join(t.TempDir(), "blowup.snn")
	if err := os.WriteFile(model, []byte(src), 0o644); err != nil {
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
