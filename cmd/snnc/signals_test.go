//go:build linux || darwin

package main

// These tests run snnc (and a built executable) as real processes, to
// send them signals: testscript.Main has put the command `snnc` on PATH.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/snnc/snnc/internal/numpy"
)

// endless runs far longer than any test: it is stopped by a signal.
const endless = `import "std/neurons"
network N {
    seed = 3
    population P = LIF[50]
    input S = poisson(50, rate = 200 Hz)
    project S -> P : exc { connect = one_to_one  weight = 5 mV }
    record spikes(P)
    record P.v[0:5] every 1 ms
}
run N for 100000 s
`

// bigBuild takes seconds to build (2e7 synapses drawn) and runs 1 ms.
const bigBuild = `import "std/neurons"
network N {
    population E = LIF[20000]
    project E -> E : exc { connect = bernoulli(0.05)  weight = uniform(0 mV, 1 mV) }
    record spikes(E)
}
run N for 1 ms
`

func snncCmd(t *testing.T, dir string, args ...string) *exec.Cmd {
	t.Helper()
	bin, err := exec.LookPath("snnc")
	if err != nil {
		t.Fatal(err)
	}
	return command(dir, bin, args...)
}

func command(dir, bin string, args ...string) *exec.Cmd {
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	root, _ := filepath.Abs("../..")
	cmd.Env = append(os.Environ(), "SNNC_ROOT="+root)
	return cmd
}

// started runs cmd in the background, its output collected.
func started(t *testing.T, cmd *exec.Cmd) (stdout, stderr *bytes.Buffer) {
	t.Helper()
	stdout, stderr = new(bytes.Buffer), new(bytes.Buffer)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	return stdout, stderr
}

// waitFor polls cond (a guard against a hang, not a timing assertion).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("gave up waiting for %s", what)
}

// tempOf: the temporary directories beside out (a run has opened out).
func tempOf(dir, out string) []string {
	m, _ := filepath.Glob(filepath.Join(dir, "."+out+".snnc-tmp-*"))
	return m
}

func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		return -2
	}
	return 0
}

// loadAllNpy loads every .npy in dir with numpy and returns how many.
func loadAllNpy(t *testing.T, dir string) int {
	t.Helper()
	py := numpy.Python(t)
	script := `import numpy as np, glob, sys
n = 0
for f in sorted(glob.glob(sys.argv[1] + "/*.npy")):
    np.load(f)
    n += 1
print(n)`
	out, err := exec.Command(py, "-c", script, dir).CombinedOutput()
	if err != nil {
		t.Fatalf("numpy cannot load the outputs in %s: %v\n%s", dir, err, out)
	}
	var n int
	fmt.Sscan(string(out), &n)
	return n
}

func readSummary(t *testing.T, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var s map[string]any
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return s
}

// TestSIGTERMWritesWhatWasSimulated: SIGTERM stops snnc run and a built
// executable as SIGINT does: the outputs are written, marked interrupted,
// and the exit status is 1.
func TestSIGTERMWritesWhatWasSimulated(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "m.snn"), []byte(endless), 0o644)
	if out, err := snncCmd(t, dir, "build", "m.snn", "-o", "m", "-q").CombinedOutput(); err != nil {
		t.Fatalf("snnc build: %v\n%s", err, out)
	}
	for _, c := range []struct {
		name string
		cmd  func() *exec.Cmd
	}{
		{"run", func() *exec.Cmd { return snncCmd(t, dir, "run", "m.snn", "--out", "out_run", "-q") }},
		{"built", func() *exec.Cmd { return command(dir, filepath.Join(dir, "m"), "--out", "out_built", "-q") }},
	} {
		out := "out_" + c.name
		var stderr *bytes.Buffer
		var err error
		// the network (50 neurons) is built in far less than the wait; on
		// a machine so loaded that it was not, the signal stopped the
		// building: try again, waiting longer
		for wait := 300 * time.Millisecond; ; wait *= 2 {
			cmd := c.cmd()
			_, stderr = started(t, cmd)
			waitFor(t, "the run to open "+out, func() bool { return len(tempOf(dir, out)) > 0 })
			time.Sleep(wait)
			cmd.Process.Signal(syscall.SIGTERM)
			err = cmd.Wait()
			if !strings.Contains(stderr.String(), "while building the network") || wait > 10*time.Second {
				break
			}
		}
		if code := exitCode(err); code != 1 {
			t.Errorf("%s: exit status %d (%v), want 1\n%s", c.name, code, err, stderr)
		}
		if !strings.Contains(stderr.String(), "interrupted (SIGTERM) at t = ") {
			t.Errorf("%s: stderr %q", c.name, stderr)
		}
		s := readSummary(t, filepath.Join(dir, out, "summary.json"))
		if s["interrupted"] != true || s["partial"] != true || !(s["duration_s"].(float64) > 0) {
			t.Errorf("%s: summary interrupted=%v partial=%v duration_s=%v", c.name, s["interrupted"], s["partial"], s["duration_s"])
		}
		if n := loadAllNpy(t, filepath.Join(dir, out)); n != 5 {
			t.Errorf("%s: %d .npy files loaded, want 5", c.name, n)
		}
		if left := tempOf(dir, out); len(left) > 0 {
			t.Errorf("%s: left %v", c.name, left)
		}
	}
}

// TestSignalWhileBuildingStopsAtOnce: Ctrl-C (or SIGTERM) while the network
// is being built ends the process without building the rest: status 1, a
// message, and no output directory.
func TestSignalWhileBuildingStopsAtOnce(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "big.snn"), []byte(bigBuild), 0o644)
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		cmd := snncCmd(t, dir, "run", "big.snn", "--out", "out", "-q")
		_, stderr := started(t, cmd)
		waitFor(t, "the run to open out", func() bool { return len(tempOf(dir, "out")) > 0 })
		cmd.Process.Signal(sig)
		err := cmd.Wait()
		if code := exitCode(err); code != 1 {
			t.Errorf("%v: exit status %d (%v), want 1\n%s", sig, code, err, stderr)
		}
		want := fmt.Sprintf("snnc: error: %s while building the network: stopped before simulating; nothing written\n", map[syscall.Signal]string{syscall.SIGINT: "SIGINT", syscall.SIGTERM: "SIGTERM"}[sig])
		if stderr.String() != want {
			t.Errorf("%v: stderr %q, want %q", sig, stderr, want)
		}
		if _, err := os.Stat(filepath.Join(dir, "out")); !os.IsNotExist(err) {
			t.Errorf("%v: out exists: %v", sig, err)
		}
		if left := tempOf(dir, "out"); len(left) > 0 {
			t.Errorf("%v: left %v", sig, left)
		}
	}
}

// TestSecondRunIntoSameOutRefused: a run into an output directory another
// run is writing is refused, naming that run's pid, with status 1.
func TestSecondRunIntoSameOutRefused(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "m.snn"), []byte(endless), 0o644)
	first := snncCmd(t, dir, "run", "m.snn", "--out", "out", "-q")
	_, firstErr := started(t, first)
	waitFor(t, "the first run to open out", func() bool { return len(tempOf(dir, "out")) > 0 })
	second := snncCmd(t, dir, "run", "m.snn", "--out", "out", "--duration", "10ms")
	got, err := second.CombinedOutput()
	want := fmt.Sprintf("snnc: error: output directory out is in use by another run (pid %d); wait for it to finish or choose another output directory\n", first.Process.Pid)
	if exitCode(err) != 1 || string(got) != want {
		t.Errorf("second run: %v\n%s\nwant status 1 and\n%s", err, got, want)
	}
	first.Process.Signal(syscall.SIGTERM)
	first.Wait()
	if strings.Contains(firstErr.String(), "while building the network") {
		return // a machine so loaded that the first run was still building: nothing written, rightly
	}
	if s := readSummary(t, filepath.Join(dir, "out", "summary.json")); s["interrupted"] != true {
		t.Errorf("the first run's summary: %v", s)
	}
}

// recordsMuch writes ~40 MB of .npy and ~90 MB of CSV: SIGKILL can land
// in the middle of the write.
const recordsMuch = `import "std/neurons"
network N {
    population P = LIF[1000]
    input S = poisson(1000, rate = 100 Hz)
    project S -> P : exc { connect = one_to_one  weight = 5 mV }
    record spikes(P)
    record P.v
}
run N for 500 ms
`

// TestSIGKILLNeverLeavesBrokenOutputs: a run killed at any moment (here:
// as soon as it starts writing, and a little later) leaves in --out the
// previous run's outputs or a whole new set, every .npy loadable.
func TestSIGKILLNeverLeavesBrokenOutputs(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "m.snn"), []byte(recordsMuch), 0o644)
	if out, err := snncCmd(t, dir, "run", "m.snn", "--out", "out", "-q").CombinedOutput(); err != nil {
		t.Fatalf("first run: %v\n%s", err, out)
	}
	if n := loadAllNpy(t, filepath.Join(dir, "out")); n != 5 {
		t.Fatalf("a complete run: %d .npy files, want 5", n)
	}
	for k, delay := range []time.Duration{0, 20 * time.Millisecond, 100 * time.Millisecond, 400 * time.Millisecond} {
		start := time.Now()
		cmd := snncCmd(t, dir, "run", "m.snn", "--out", "out", "-q", "--seed", fmt.Sprint(k+10))
		started(t, cmd)
		// writing has begun when an .npy newer than this run appears
		// (in the temporary directory, or in out itself)
		writing := func() bool {
			var all []string
			for _, d := range append(tempOf(dir, "out"), filepath.Join(dir, "out")) {
				m, _ := filepath.Glob(filepath.Join(d, "*.npy"))
				all = append(all, m...)
			}
			for _, f := range all {
				if fi, err := os.Stat(f); err == nil && fi.ModTime().After(start) {
					return true
				}
			}
			return false
		}
		waitFor(t, "the run to write", writing)
		time.Sleep(delay)
		cmd.Process.Kill()
		cmd.Wait()
		loadAllNpy(t, filepath.Join(dir, "out"))
		if _, err := os.Stat(filepath.Join(dir, "out", "summary.json")); err == nil {
			s := readSummary(t, filepath.Join(dir, "out", "summary.json"))
			for _, f := range s["outputs"].([]any) {
				if _, err := os.Stat(filepath.Join(dir, "out", f.(string))); err != nil {
					t.Errorf("kill %d: summary.json lists %s: %v", k, f, err)
				}
			}
		}
	}
}
