package rt

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

// TestOutWritesNothingUnderDirUntilCommit: the outputs go to a temporary
// directory beside Dir; Dir appears whole at Commit, and nothing is left
// beside it after Close.
func TestOutWritesNothingUnderDirUntilCommit(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "out")
	o, err := OpenOut(dir)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(o.Temp) != parent {
		t.Errorf("temporary directory %s is not beside %s", o.Temp, dir)
	}
	sm, st, wm := testMonitors()
	sum := &Summary{Network: "N"}
	if _, err := WriteRun(o.Temp, []*SpikeMonitor{sm}, []*StateMonitor{st}, []*WeightMonitor{wm}, false, sum); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("%s exists before Commit: %v", dir, err)
	}
	if err := o.Commit(); err != nil {
		t.Fatal(err)
	}
	o.Close()
	if got := entries(t, parent); !slices.Equal(got, []string{"out"}) {
		t.Errorf("beside the outputs after Close: %v, want only out", got)
	}
	if !slices.Contains(entries(t, dir), "summary.json") || !slices.Contains(entries(t, dir), "E_v.npy") {
		t.Errorf("committed: %v", entries(t, dir))
	}
}

// TestOutCommitIntoExistingDirKeepsOtherFiles: a second run replaces the
// files it writes, keeps the user's, and replaces summary.json.
func TestOutCommitIntoExistingDirKeepsOtherFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644)
	os.WriteFile(filepath.Join(dir, "summary.json"), []byte("old"), 0o644)
	os.WriteFile(filepath.Join(dir, "spikes_E_i.npy"), []byte("old"), 0o644)
	o, err := OpenOut(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	sm, _, _ := testMonitors()
	if _, err := o.WriteRun([]*SpikeMonitor{sm}, nil, nil, false, &Summary{Network: "N2"}); err != nil {
		t.Fatal(err)
	}
	if got := readText(t, filepath.Join(dir, "notes.txt")); got != "mine" {
		t.Errorf("the user's file changed: %q", got)
	}
	var s Summary
	if err := json.Unmarshal([]byte(readText(t, filepath.Join(dir, "summary.json"))), &s); err != nil || s.Network != "N2" {
		t.Errorf("summary.json not replaced: %v %+v", err, s)
	}
	var idx []int32
	readNpy(t, filepath.Join(dir, "spikes_E_i.npy"), &idx)
	if want := []int32{1, 4, 0, 9}; !slices.Equal(idx, want) { // as testMonitors records them
		t.Errorf("spikes_E_i.npy = %v, want %v", idx, want)
	}
}

// TestOutSecondRunRefusedNamingPid: while one run holds the directory, a
// second is refused with the holder's pid; after Close it may go.
func TestOutSecondRunRefusedNamingPid(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	o, err := OpenOut(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = OpenOut(dir)
	want := fmt.Sprintf("output directory %s is in use by another run (pid %d)", dir, os.Getpid())
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("second OpenOut: %v, want %q", err, want)
	}
	o.Close()
	o2, err := OpenOut(dir)
	if err != nil {
		t.Fatalf("after Close: %v", err)
	}
	o2.Close()
}

// TestOutRemovesStaleTempDirs: a run killed before Commit leaves its
// temporary directory; the next run into the same Dir removes it.
func TestOutRemovesStaleTempDirs(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "out")
	stale := filepath.Join(parent, ".out.snnc-tmp-123")
	os.MkdirAll(stale, 0o755)
	os.WriteFile(filepath.Join(stale, "x.npy"), []byte("partial"), 0o644)
	other := filepath.Join(parent, ".outer.snnc-tmp-1") // another directory's
	os.MkdirAll(other, 0o755)
	o, err := OpenOut(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale %s still there: %v", stale, err)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("another directory's temporary %s removed: %v", other, err)
	}
}

// TestOutUnwritableRefusedAtOpen: an output directory that cannot be
// created is reported by OpenOut, before a run.
func TestOutUnwritableRefusedAtOpen(t *testing.T) {
	file := filepath.Join(t.TempDir(), "f")
	os.WriteFile(file, nil, 0o644)
	for _, dir := range []string{file, filepath.Join(file, "out")} {
		if o, err := OpenOut(dir); err == nil {
			o.Close()
			t.Errorf("OpenOut(%s) succeeded", dir)
		} else if !strings.Contains(err.Error(), "output directory "+dir) {
			t.Errorf("OpenOut(%s): %v", dir, err)
		}
	}
}

// TestSummaryMarksPartialRuns: summary.json says whether the run reached
// its end.
func TestSummaryMarksPartialRuns(t *testing.T) {
	for _, c := range []struct {
		interrupted bool
		err         error
		want        string
	}{
		{false, nil, `"partial": false,
  "interrupted": false
}`},
		{true, nil, `"partial": true,
  "interrupted": true
}`},
		{false, fmt.Errorf("P[0].v became NaN"), `"partial": true,
  "interrupted": false,
  "error": "P[0].v became NaN"
}`},
	} {
		dir := t.TempDir()
		s := &Summary{Network: "N"}
		s.MarkStopped(c.interrupted, c.err)
		if err := WriteSummary(dir, s); err != nil {
			t.Fatal(err)
		}
		if got := readText(t, filepath.Join(dir, "summary.json")); !strings.HasSuffix(got, c.want+"\n") {
			t.Errorf("%v %v: summary.json\n%s\nwant it to end in\n%s", c.interrupted, c.err, got, c.want)
		}
	}
}

// TestOutputsInTheUnitTheyName: a CSV column and a trace headed "(mV)" hold
// millivolts (0.03 V is 30), the .npy SI values.
func TestOutputsInTheUnitTheyName(t *testing.T) {
	m := &StateMonitor{Name: "P", Var: "v", Unit: "mV", Index: []int{0}}
	m.Record(0, []float64{30 * 1e-3})
	g := &StateMonitor{Name: "P", Var: "g", Unit: "nS", Index: []int{0}}
	g.Record(0, []float64{2.5e-9})
	dir := t.TempDir()
	if _, err := WriteRun(dir, nil, []*StateMonitor{m, g}, nil, false, &Summary{}); err != nil {
		t.Fatal(err)
	}
	if got := readText(t, filepath.Join(dir, "P_v.csv")); got != "t_s,v[0] (mV)\n0,30\n" {
		t.Errorf("P_v.csv = %q", got)
	}
	if got := readText(t, filepath.Join(dir, "P_g.csv")); got != "t_s,g[0] (nS)\n0,2.5\n" {
		t.Errorf("P_g.csv = %q", got)
	}
	if y := m.V[0][0] / UnitScale(m.Unit); y != 30 { // the trace plot's axis (package plots)
		t.Errorf("trace value %v, want 30 mV", y)
	}
	var v []float64
	readNpy(t, filepath.Join(dir, "P_v.npy"), &v)
	if len(v) != 1 || v[0] != 30*1e-3 {
		t.Errorf("P_v.npy = %v, want SI 0.03", v)
	}
}

// readOnly makes dir unwritable, for root too (chattr +i), until the test
// ends.
func readOnly(t *testing.T, dir string) {
	t.Helper()
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o755) })
	probe := filepath.Join(dir, "probe")
	if os.WriteFile(probe, nil, 0o644) != nil {
		return
	}
	os.Remove(probe) // root: permissions do not stop it, the immutable flag does
	if out, err := exec.Command("chattr", "+i", dir).CombinedOutput(); err != nil {
		t.Fatalf("cannot make %s read-only: chattr: %v %s", dir, err, out)
	}
	t.Cleanup(func() { exec.Command("chattr", "-i", dir).Run() })
}

// TestOutInsideDirWhenParentReadOnly: an existing output directory whose
// parent may not be written (a directory prepared for the user) is still
// written whole: the lock and temporary directory go inside it.
func TestOutInsideDirWhenParentReadOnly(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "out")
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644)
	readOnly(t, parent)
	o, err := OpenOut(dir)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(o.Temp) != dir {
		t.Errorf("temporary directory %s, want it in %s", o.Temp, dir)
	}
	if _, err := OpenOut(dir); err == nil || !strings.Contains(err.Error(), "in use by another run") {
		t.Errorf("second OpenOut: %v", err)
	}
	sm, _, _ := testMonitors()
	if _, err := o.WriteRun([]*SpikeMonitor{sm}, nil, nil, false, &Summary{Network: "N"}); err != nil {
		t.Fatal(err)
	}
	o.Close()
	want := []string{"notes.txt", "spikes_E.csv", "spikes_E_i.npy", "spikes_E_t.npy", "summary.json"}
	if got := entries(t, dir); !slices.Equal(got, want) {
		t.Errorf("out holds %v, want %v", got, want)
	}
}

// TestPlotNeedsPlotsLinked: a program without package plots (this test, and
// binaries built without snnc build --plot) refuses --plot before writing
// anything, with the way to get the plots.
func TestPlotNeedsPlotsLinked(t *testing.T) {
	sm, st, _ := testMonitors()
	dir := filepath.Join(t.TempDir(), "out")
	_, err := WriteRun(dir, []*SpikeMonitor{sm}, []*StateMonitor{st}, nil, true, &Summary{})
	if !errors.Is(err, ErrNoPlot) || !strings.Contains(err.Error(), "snnc build --plot") {
		t.Fatalf("WriteRun with plot, plots not linked: %v", err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("refused WriteRun left %s behind (%v)", dir, err)
	}
}
