package rt

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"codeberg.org/sbinet/npyio"
	"github.com/snnc/snnc/internal/numpy"
	"gonum.org/v1/gonum/mat"
)

func readNpy(t *testing.T, path string, ptr any) npyio.Header {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := npyio.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if err := r.Read(ptr); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return r.Header
}

func readText(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func testMonitors() (*SpikeMonitor, *StateMonitor, *WeightMonitor) {
	sm := &SpikeMonitor{Name: "E", N: 10}
	sm.Record(0, []int32{1, 4})
	sm.Record(1e-4, nil)
	sm.Record(2e-4, []int32{0})
	sm.Record(0.1, []int32{9})
	st := &StateMonitor{Name: "E", Var: "v", Unit: "V", Index: []int{0, 3, 7}}
	vals := []float64{-0.065, -0.06, -0.0501}
	for s := 0; s < 4; s++ {
		st.Record(float64(s)*1e-3, vals)
		for k := range vals {
			vals[k] += 1e-3 // the monitor must have copied
		}
	}
	wm := &WeightMonitor{Name: "plastic", Var: "w", Index: []int{0, 1}, Pre: []int32{0, 2}, Post: []int32{5, 1}}
	wm.Record(0, []float64{0.5, 0.25})
	wm.Record(0.1, []float64{0.75, 1.0 / 3})
	return sm, st, wm
}

func TestWriteOutputs(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out") // created by the writer
	sm, st, wm := testMonitors()
	o := &OutputDir{Dir: dir}
	if err := o.Spikes(sm); err != nil {
		t.Fatal(err)
	}
	if err := o.State(st); err != nil {
		t.Fatal(err)
	}
	if err := o.Weights(wm); err != nil {
		t.Fatal(err)
	}
	empty := &StateMonitor{Name: "I", Var: "g e", Index: []int{1, 2}}
	if err := WriteState(dir, empty); err != nil {
		t.Fatal(err)
	}
	if err := WriteSpikes(dir, &SpikeMonitor{Name: "silent"}); err != nil {
		t.Fatal(err)
	}
	wantFiles := []string{"spikes_E_i.npy", "spikes_E_t.npy", "spikes_E.csv", "E_v.npy", "E_v_t.npy", "E_v_index.npy", "E_v.csv",
		"plastic_w.npy", "plastic_w_t.npy", "plastic_w_index.npy", "plastic_w_pre.npy", "plastic_w_post.npy", "plastic_w.csv"}
	if !slices.Equal(o.Files, wantFiles) {
		t.Errorf("files %v\nwant %v", o.Files, wantFiles)
	}

	// read back with npyio
	var i []int32
	if h := readNpy(t, filepath.Join(dir, "spikes_E_i.npy"), &i); strings.Trim(h.Descr.Type, "'") != "<i4" || !slices.Equal(h.Descr.Shape, []int{4}) {
		t.Errorf("spikes_E_i header %+v", h.Descr)
	}
	var tt []float64
	readNpy(t, filepath.Join(dir, "spikes_E_t.npy"), &tt)
	if !slices.Equal(i, []int32{1, 4, 0, 9}) || !slices.Equal(tt, []float64{0, 0, 2e-4, 0.1}) {
		t.Errorf("spikes read back: %v %v", i, tt)
	}
	var v mat.Dense
	if h := readNpy(t, filepath.Join(dir, "E_v.npy"), &v); !slices.Equal(h.Descr.Shape, []int{4, 3}) || strings.Trim(h.Descr.Type, "'") != "<f8" {
		t.Errorf("E_v header %+v", h.Descr)
	}
	if v.At(0, 0) != -0.065 || math.Abs(v.At(3, 2)-(-0.0501+3e-3)) > 1e-15 || v.At(1, 1) != -0.06+1e-3 {
		t.Errorf("E_v read back:\n%v", mat.Formatted(&v))
	}
	var idx []int64
	readNpy(t, filepath.Join(dir, "E_v_index.npy"), &idx)
	if !slices.Equal(idx, []int64{0, 3, 7}) {
		t.Errorf("index %v", idx)
	}
	var pre []int32
	readNpy(t, filepath.Join(dir, "plastic_w_pre.npy"), &pre)
	if !slices.Equal(pre, []int32{0, 2}) {
		t.Errorf("pre %v", pre)
	}
	var w mat.Dense
	readNpy(t, filepath.Join(dir, "plastic_w.npy"), &w)
	if w.At(1, 1) != 1.0/3 {
		t.Errorf("w read back %v", w.At(1, 1))
	}
	// the empty 2-D file (hand-written header) parses too
	f, _ := os.Open(filepath.Join(dir, "I_g_e.npy"))
	r, err := npyio.NewReader(f)
	f.Close()
	if err != nil || !slices.Equal(r.Header.Descr.Shape, []int{0, 2}) {
		t.Errorf("empty state file: %v %+v", err, r)
	}

	// CSV
	if got, want := readText(t, filepath.Join(dir, "spikes_E.csv")), "index,time_s\n1,0\n4,0\n0,0.0002\n9,0.1\n"; got != want {
		t.Errorf("spikes CSV:\n%s\nwant\n%s", got, want)
	}
	csv := readText(t, filepath.Join(dir, "E_v.csv"))
	lines := strings.Split(strings.TrimSpace(csv), "\n")
	if lines[0] != "t_s,v[0] (V),v[3] (V),v[7] (V)" || lines[1] != "0,-0.065,-0.06,-0.0501" || len(lines) != 5 {
		t.Errorf("state CSV:\n%s", csv)
	}
	if got := readText(t, filepath.Join(dir, "plastic_w.csv")); !strings.HasPrefix(got, "t_s,synapse,pre,post,w\n0,0,0,5,0.5\n0,1,2,1,0.25\n0.1,0,0,5,0.75\n") {
		t.Errorf("weights CSV:\n%s", got)
	}
	if got := readText(t, filepath.Join(dir, "spikes_silent.csv")); got != "index,time_s\n" {
		t.Errorf("empty spikes CSV %q", got)
	}

	checkWithNumpy(t, dir)
}

// checkWithNumpy loads the files with numpy itself: the outputs exist to be
// read there. numpy is required (apt-get install python3-numpy); set
// SNNC_NO_PYTHON=1 to skip this check explicitly.
func checkWithNumpy(t *testing.T, dir string) {
	t.Helper()
	python := numpy.Python(t)
	script := `
import sys, numpy as np
d = sys.argv[1]
i = np.load(d + "/spikes_E_i.npy"); t = np.load(d + "/spikes_E_t.npy")
assert i.dtype == np.int32 and t.dtype == np.float64, (i.dtype, t.dtype)
assert i.tolist() == [1, 4, 0, 9], i
assert t.tolist() == [0, 0, 2e-4, 0.1], t
v = np.load(d + "/E_v.npy")
assert v.shape == (4, 3) and v.dtype == np.float64, v.shape
assert v[0, 0] == -0.065 and abs(v[3, 2] - (-0.0501 + 3e-3)) < 1e-15, v
assert np.load(d + "/E_v_t.npy").tolist() == [0, 1e-3, 2e-3, 3e-3]
assert np.load(d + "/E_v_index.npy").tolist() == [0, 3, 7]
e = np.load(d + "/I_g_e.npy")
assert e.shape == (0, 2) and e.dtype == np.float64, e.shape
w = np.load(d + "/plastic_w.npy")
assert w.shape == (2, 2) and w[1, 1] == 1/3, w
assert np.load(d + "/plastic_w_post.npy").tolist() == [5, 1]
s = np.load(d + "/spikes_silent_i.npy")
assert s.shape == (0,) and s.dtype == np.int32
c = np.loadtxt(d + "/E_v.csv", delimiter=",", skiprows=1)
assert np.array_equal(c[:, 1:], v) and np.array_equal(c[:, 0], np.load(d + "/E_v_t.npy"))
c = np.loadtxt(d + "/spikes_E.csv", delimiter=",", skiprows=1)
assert np.array_equal(c[:, 0], i) and np.array_equal(c[:, 1], t)
print("ok")
`
	out, err := exec.Command(python, "-c", script, dir).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "ok" {
		t.Errorf("numpy check failed: %v\n%s", err, out)
	}
}

func TestSummary(t *testing.T) {
	dir := t.TempDir()
	s := &Summary{
		Model: "examples/cuba.snn", Network: "CUBA", Seed: 3, Dt: 1e-4, Duration: 1, Threads: 2, WallSeconds: 0.42,
		Populations: []PopSummary{{Name: "E", N: 3200, Spikes: 19200, RateHz: MeanRate(19200, 3200, 1)}, {Name: "I", N: 800, Spikes: 4000, RateHz: 5}},
		Projections: []ProjSummary{{Name: "E->E", Synapses: 204800, Storage: "csr", ConnectivityBytes: 844800, BytesPerSynapse: 4.125}},
		Outputs:     []string{"spikes_E.csv"},
	}
	if s.Populations[0].RateHz != 6 {
		t.Errorf("MeanRate = %g", s.Populations[0].RateHz)
	}
	if err := WriteSummary(dir, s); err != nil {
		t.Fatal(err)
	}
	raw := readText(t, filepath.Join(dir, "summary.json"))
	if !strings.Contains(raw, "\n  \"network\": \"CUBA\"") {
		t.Errorf("summary.json not indented:\n%s", raw)
	}
	var back map[string]any
	if err := json.Unmarshal([]byte(raw), &back); err != nil {
		t.Fatal(err)
	}
	if back["seed"].(float64) != 3 || back["dt_s"].(float64) != 1e-4 || back["wall_s"].(float64) != 0.42 {
		t.Errorf("summary fields: %v", back)
	}
	pops := back["populations"].([]any)
	if p := pops[0].(map[string]any); p["name"] != "E" || p["spikes"].(float64) != 19200 || p["rate_hz"].(float64) != 6 {
		t.Errorf("population: %v", p)
	}
	if p := back["projections"].([]any)[0].(map[string]any); p["bytes_per_synapse"].(float64) != 4.125 || p["storage"] != "csr" {
		t.Errorf("projection: %v", p)
	}
	// empty lists are [] not null; NaN bytes/synapse (no synapses) is not JSON
	if err := WriteSummary(dir, &Summary{Projections: []ProjSummary{{Name: "x", BytesPerSynapse: math.NaN()}}}); err != nil {
		t.Fatal(err)
	}
	if raw := readText(t, filepath.Join(dir, "summary.json")); !strings.Contains(raw, `"populations": []`) {
		t.Errorf("empty populations:\n%s", raw)
	}

	var buf bytes.Buffer
	s.Text(&buf)
	text := buf.String()
	for _, want := range []string{"examples/cuba.snn: CUBA", "1 s simulated at dt = 0.1 ms", "420 ms wall (2 threads)", "population", "3200", "19200", "6.00", "total", "E->E", "csr", "825.0 KiB", "4.12", "outputs: spikes_E.csv"} {
		if !strings.Contains(text, want) {
			t.Errorf("summary text lacks %q:\n%s", want, text)
		}
	}
}

func TestSafeName(t *testing.T) {
	for in, want := range map[string]string{"E": "E", "E.v": "E.v", "../x": "_._x", "a/b c": "a_b_c", "": "_", ".hidden": "_hidden", "µ": "_xB5_", "Ω": "_x3A9_", "Ωµ": "_x3A9__xB5_"} {
		if got := SafeName(in); got != want {
			t.Errorf("SafeName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestProgress(t *testing.T) {
	var buf bytes.Buffer
	p := NewProgress(1000, &buf, false)
	for s := 0; s <= 1000; s++ {
		p.Update(s)
	}
	p.Done()
	if buf.Len() != 0 {
		t.Errorf("disabled progress wrote %q", buf.String())
	}
	// a run shorter than a second shows no bar, even when enabled
	p = NewProgress(1000, &buf, true)
	for s := 0; s <= 1000; s++ {
		p.Update(s)
	}
	p.Done()
	if buf.Len() != 0 {
		t.Errorf("a fast run drew a bar: %q", buf.String())
	}
	saved := barDelay
	barDelay = 0
	defer func() { barDelay = saved }()
	p = NewProgress(1000, &buf, true)
	for s := 0; s <= 1000; s++ {
		p.Update(s)
	}
	p.Done()
	p.Done()
	if !strings.Contains(buf.String(), "simulating") {
		t.Errorf("enabled progress wrote %q", buf.String())
	}
	if IsTerminal(&buf) {
		t.Error("a buffer is not a terminal")
	}
}

// TestNpy1DLikeNpyio: the hand-written 1-D writer gives npyio.Write's bytes
// (header, padding and data) for every type and a range of lengths.
func TestNpy1DLikeNpyio(t *testing.T) {
	for _, n := range []int{1, 2, 7, 100, 12345, 183544} {
		i32, i64, f64 := make([]int32, n), make([]int64, n), make([]float64, n)
		for k := range n {
			i32[k], i64[k], f64[k] = int32(k*7-3), int64(k)<<33-5, float64(k)*1e-4-0.5
		}
		for _, v := range []any{i32, i64, f64} {
			var want, got bytes.Buffer
			if err := npyio.Write(&want, v); err != nil {
				t.Fatal(err)
			}
			if err := writeNpy1D(&got, v); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(want.Bytes(), got.Bytes()) {
				t.Fatalf("%T of length %d: bytes differ from npyio's (%d vs %d bytes)", v, n, got.Len(), want.Len())
			}
		}
	}
}

// TestSpikesUnflushed: spikes written before Flush (streamed from the
// index chunks and recorded steps), or partly flushed, are byte for byte
// those written after it, across several chunks, and Flush gives each spike
// its step's time.
func TestSpikesUnflushed(t *testing.T) {
	record := func(m *SpikeMonitor, from, to int) {
		for s := from; s < to; s++ {
			if s%7 != 3 {
				idx := make([]int32, 1+s%29)
				for k := range idx {
					idx[k] = int32((s + k) % 1000)
				}
				m.Record(float64(s)*1e-4, idx)
			}
		}
	}
	whole := &SpikeMonitor{Name: "E", N: 1000}
	record(whole, 0, 5000)
	part := &SpikeMonitor{Name: "E", N: 1000}
	record(part, 0, 1234)
	part.Flush()
	record(part, 1234, 5000)
	flushed := &SpikeMonitor{Name: "E", N: 1000}
	record(flushed, 0, 5000)
	flushed.Flush()
	if n := whole.Count(); n < 3*spikeChunk || n != part.Count() || n != int64(len(flushed.I)) || len(flushed.T) != len(flushed.I) {
		t.Fatalf("counts %d, %d, %d indices and %d times", n, part.Count(), len(flushed.I), len(flushed.T))
	}
	if flushed.I[0] != 0 || flushed.T[0] != 0 || flushed.I[1] != 1 || flushed.T[1] != 1e-4 || flushed.I[2] != 2 || flushed.T[3] != 2e-4 {
		t.Fatalf("first spikes %v at %v", flushed.I[:4], flushed.T[:4])
	}
	dirs := []string{t.TempDir(), t.TempDir(), t.TempDir()}
	for k, m := range []*SpikeMonitor{flushed, whole, part} {
		if err := WriteSpikes(dirs[k], m); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"spikes_E_i.npy", "spikes_E_t.npy", "spikes_E.csv"} {
		want, _ := os.ReadFile(filepath.Join(dirs[0], f))
		for k, d := range dirs[1:] {
			got, _ := os.ReadFile(filepath.Join(d, f))
			if len(want) == 0 || string(got) != string(want) {
				t.Errorf("%s differs from the flushed one's (%d bytes, want %d) when %s", f, len(got), len(want), []string{"unflushed", "partly flushed"}[k])
			}
		}
	}
}

// TestReplaceFileLeavesOldOrNew: ReplaceFile replaces a file whole and
// leaves no temporary file behind; when it cannot write, the old file stays.
func TestReplaceFileLeavesOldOrNew(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "design.v")
	if err := os.WriteFile(path, []byte("old contents, longer than the new\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := ReplaceFile(path, []byte("new\n")); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil || string(got) != "new\n" {
		t.Fatalf("after ReplaceFile: %q, %v", got, err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("files left in the directory: %v", entries)
	}
	// the target is a directory: the rename fails and nothing else changes
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(sub, "keep"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := ReplaceFile(sub, []byte("x")); err == nil || !strings.Contains(err.Error(), "writing "+sub) {
		t.Errorf("ReplaceFile over a non-empty directory: %v, want an error naming it", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("a failed ReplaceFile left files behind: %v", entries)
	}
}
