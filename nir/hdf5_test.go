//go:build hdf5

package nir

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

var fixtures = []string{"lif_norse", "lif_rockpool", "two_lif_neurons", "cnn_sinabs",
	"braille_noDelay_bias_zero", "braille_noDelay_noBias_subtract"}

func fixture(name string) string { return filepath.Join("..", "testdata", "nir", name+".nir") }

// TestReadFixtures checks the reader against the tables of NIR.md
// section 10: names, types, element types, shapes and a few values.
func TestReadFixtures(t *testing.T) {
	f, err := Read(fixture("lif_norse"))
	if err != nil {
		t.Fatal(err)
	}
	if f.Version != "0.1.1" || len(f.Graph.Nodes) != 4 || len(f.Graph.Edges) != 3 {
		t.Fatalf("lif_norse: version %q, %d nodes, %d edges", f.Version, len(f.Graph.Nodes), len(f.Graph.Edges))
	}
	lif := f.Graph.Node("1")
	if lif.Type != "LIF" || lif.Params["tau"].DType != "f32" || float32(lif.Params["tau"].Data[0]) != float32(0.0025) || lif.Params["v_threshold"].Data[0] != float64(float32(0.1)) {
		t.Errorf("lif_norse node 1: %+v", lif)
	}
	f, err = Read(fixture("cnn_sinabs"))
	if err != nil {
		t.Fatal(err)
	}
	c := f.Graph.Node("0")
	if c.Type != "Conv2d" || !reflect.DeepEqual(c.Params["weight"].Shape, []int{16, 2, 5, 5}) || c.Params["groups"].Shape != nil || c.Params["groups"].DType != "i64" || c.Params["groups"].Data[0] != 1 {
		t.Errorf("cnn node 0: %v %v %+v", c.Type, c.Params["weight"].Shape, c.Params["groups"])
	}
	if fl := f.Graph.Node("8"); fl.Params["end_dim"].Data[0] != -1 {
		t.Errorf("flatten end_dim %v", fl.Params["end_dim"])
	}
	f, err = Read(fixture("braille_noDelay_bias_zero"))
	if err != nil {
		t.Fatal(err)
	}
	if n := f.Graph.Node("lif1.lif"); n.Type != "CubaLIF" || n.Params["w_in"].DType != "f64" || len(n.Params["w_in"].Data) != 38 {
		t.Errorf("braille lif1.lif: %+v", n)
	}
	if len(f.Graph.Edges) != 7 || f.Graph.Edges[0] != [2]string{"lif1.w_rec", "lif1.lif"} {
		t.Errorf("braille edges %v", f.Graph.Edges)
	}
}

// TestSubgraphFixturesRejected: the inner edges name a node "lif" that
// does not exist; the error names the node and the field.
func TestSubgraphFixturesRejected(t *testing.T) {
	for _, name := range []string{"braille_noDelay_bias_zero_subgraph", "braille_noDelay_noBias_subtract_subgraph"} {
		_, err := Read(fixture(name))
		if err == nil || !strings.Contains(err.Error(), `node "lif1/lif"`) || !strings.Contains(err.Error(), "edges[") {
			t.Errorf("%s: got %v, want an error naming lif1/lif and its edge", name, err)
		}
	}
}

// TestWriteReadBack: read → write → read keeps names, types, element
// types, shapes and values bit for bit.
func TestWriteReadBack(t *testing.T) {
	for _, name := range fixtures {
		f, err := Read(fixture(name))
		if err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(t.TempDir(), name+".nir")
		if err := Write(out, f); err != nil {
			t.Fatal(err)
		}
		g, err := Read(out)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(f, g) {
			t.Errorf("%s: the graph read back differs", name)
		}
	}
}

// TestH5pyReadsWrittenFile: h5py (the reference reader's library) sees
// the layout NIR expects: vlen UTF-8 scalar strings, (E, 2) edges, and
// the stored element types.
func TestH5pyReadsWrittenFile(t *testing.T) {
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import h5py").Run(); err != nil {
		t.Fatalf("python3-h5py is needed (make deps installs it): %v", err)
	}
	f, err := Read(fixture("cnn_sinabs"))
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "cnn.nir")
	if err := Write(out, f); err != nil {
		t.Fatal(err)
	}
	script := `
import sys, h5py
f = h5py.File(sys.argv[1], "r")
def s(d):
    assert d.shape == (), d.shape
    assert h5py.check_string_dtype(d.dtype).encoding == "utf-8", d.dtype
    return d[()].decode()
print(s(f["version"]), s(f["node/type"]))
e = f["node/edges"]
assert h5py.check_string_dtype(e.dtype).encoding == "utf-8"
print(e.shape, sorted((a.decode(), b.decode()) for a, b in e[()])[0])
c = f["node/nodes/0"]
print(s(c["type"]), c["weight"].dtype, c["weight"].shape, c["groups"].dtype, c["groups"].shape, c["stride"][()].tolist())
print(f["node/nodes/1/r"].dtype, f["node/nodes/8/end_dim"][()])
`
	b, err := exec.Command(py, "-c", script, out).CombinedOutput()
	if err != nil {
		t.Fatalf("h5py: %v\n%s", err, b)
	}
	want := "0.2.0 NIRGraph\n(14, 2) ('0', '1')\nConv2d float32 (16, 2, 5, 5) int64 () [2, 2]\nfloat32 -1\n"
	if string(b) != want {
		t.Errorf("h5py read:\n%s\nwant:\n%s", b, want)
	}
}

// TestReadMalformedFiles: files that are not NIR graphs are errors naming
// what is wrong (the node and field where there is one), never a crash.
func TestReadMalformedFiles(t *testing.T) {
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk.nir")
	os.WriteFile(junk, []byte("not hdf5 at all\x00\x01"), 0o644)
	if _, err := Read(junk); err == nil || !strings.Contains(err.Error(), "not an HDF5 file") {
		t.Errorf("junk: %v", err)
	}
	py := "/usr/bin/python3"
	script := `
import sys, h5py, numpy as np
d = sys.argv[1]
def base(name):
    f = h5py.File(d + "/" + name + ".nir", "w")
    f["version"] = "0.2.0"
    g = f.create_group("node")
    return f, g
f, g = base("nonode"); del f["node"]; f.close()
f, g = base("numtype"); g["type"] = 3; f.close()
f, g = base("noedges"); g["type"] = "NIRGraph"; g.create_group("nodes"); f.close()
f, g = base("badedges"); g["type"] = "NIRGraph"; g.create_group("nodes"); g["edges"] = np.zeros((2, 2)); f.close()
f, g = base("strparam"); g["type"] = "NIRGraph"; n = g.create_group("nodes").create_group("lif"); n["type"] = "LIF"
for k in ["tau", "r", "v_leak"]: n[k] = np.ones(2)
n["v_threshold"] = "high"; g["edges"] = np.array([], dtype=float); f.close()
f, g = base("emptyedges"); g["type"] = "NIRGraph"; n = g.create_group("nodes").create_group("in"); n["type"] = "Input"; n["shape"] = np.array([2]); g["edges"] = np.array([], dtype=float); f.close()
`
	if b, err := exec.Command(py, "-c", script, dir).CombinedOutput(); err != nil {
		t.Fatalf("h5py: %v\n%s", err, b)
	}
	for name, want := range map[string]string{
		"nonode":   "no /node group",
		"numtype":  `node "(top-level graph)", field type: not a string`,
		"noedges":  `field edges: missing`,
		"badedges": `field edges: not strings`,
		"strparam": `node "lif", field v_threshold: a string where LIF needs numbers`,
	} {
		_, err := Read(filepath.Join(dir, name+".nir"))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want %q", name, err, want)
		}
	}
	// the reference writer's empty edge list: zero float64 values
	f, err := Read(filepath.Join(dir, "emptyedges.nir"))
	if err != nil || len(f.Graph.Edges) != 0 || len(f.Graph.Nodes) != 1 {
		t.Errorf("emptyedges: %v %+v", err, f)
	}
}
