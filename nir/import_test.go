package nir

import (
	"strings"
	"testing"
)

func f32(shape []int, v ...float64) Array {
	n := 1
	for _, d := range shape {
		n *= d
	}
	data := make([]float64, n)
	for i := range data {
		data[i] = v[i%len(v)]
	}
	return Array{DType: "f32", Shape: shape, Data: data}
}

func shape(v ...float64) Array { return Array{DType: "i64", Shape: []int{len(v)}, Data: v} }

// chain is Input(n) → Linear → LIF(m) → Output, to be broken by the cases.
func chain(n, m int) *Graph {
	g := &Graph{Nodes: []*Node{
		{Name: "in", Type: "Input", Params: map[string]Array{"shape": shape(float64(n))}},
		{Name: "lin", Type: "Linear", Params: map[string]Array{"weight": f32([]int{m, n}, 1)}},
		{Name: "lif", Type: "LIF", Params: map[string]Array{"tau": f32([]int{m}, 0.01), "r": f32([]int{m}, 1), "v_leak": f32([]int{m}, 0), "v_threshold": f32([]int{m}, 1)}},
		{Name: "out", Type: "Output", Params: map[string]Array{"shape": shape(float64(m))}},
	}, Edges: [][2]string{{"in", "lin"}, {"lin", "lif"}, {"lif", "out"}}}
	g.Sort()
	return g
}

// TestImportErrorsNameNodeAndField: malformed or unsupported graphs are
// errors naming the node and, where one is at fault, the field.
func TestImportErrorsNameNodeAndField(t *testing.T) {
	for _, c := range []struct {
		name   string
		break_ func(g *Graph)
		want   string
	}{
		{"unknown type", func(g *Graph) { g.Node("lif").Type = "LIFF" }, `node "lif", field type: unknown NIR type "LIFF"`},
		{"missing field", func(g *Graph) { delete(g.Node("lif").Params, "tau") }, `node "lif", field tau: missing`},
		{"extra field", func(g *Graph) { g.Node("lif").Params["foo"] = f32([]int{3}, 1) }, `node "lif", field foo: not a field of LIF`},
		{"string for numbers", func(g *Graph) { g.Node("lif").Strings = map[string]string{"r": "one"} }, `node "lif", field r: a string where LIF needs numbers`},
		{"missing node", func(g *Graph) { g.Edges = append(g.Edges, [2]string{"lif", "nowhere"}) }, `node "nowhere", field edges[3] (target)`},
		{"shape mismatch", func(g *Graph) { g.Node("lin").Params["weight"] = f32([]int{3, 5}, 1) }, `node "lin", field edges[0]: in gives [4] (4 values) but lin takes [5] (5)`},
		{"weight rank", func(g *Graph) { g.Node("lin").Params["weight"] = f32([]int{12}, 1) }, `node "lin", field weight: a Linear weight must be 2-D`},
		{"per-neuron values", func(g *Graph) { g.Node("lif").Params["tau"] = f32([]int{3}, 0.01, 0.02) }, `node "lif", field tau: the neurons have different values (0.01 and 0.02)`},
		{"non-spiking feeds a population", func(g *Graph) {
			g.Node("lif").Type = "LI"
			delete(g.Node("lif").Params, "v_threshold")
			g.Nodes = append(g.Nodes, &Node{Name: "lif2", Type: "IF", Params: map[string]Array{"r": f32([]int{3}, 1), "v_threshold": f32([]int{3}, 1)}})
			g.Edges = append(g.Edges, [2]string{"lif", "lif2"})
			g.Sort()
		}, `node "lif": a LI feeds lif2: its output is a value, not spikes`},
		{"output of a computed signal", func(g *Graph) { g.Edges[2] = [2]string{"lin", "out"} }, `node "lin": the Output out reads the result of this Linear node`},
	} {
		g := chain(4, 3)
		c.break_(g)
		_, err := Import(&File{Graph: g}, ImportOptions{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.name, err, c.want)
		}
	}
	if _, err := Import(&File{Graph: chain(4, 3)}, ImportOptions{}); err != nil {
		t.Errorf("the unbroken graph: %v", err)
	}
}

// TestIdentIsIdempotent: node names become identifiers that map to
// themselves, so an exported and re-imported graph keeps its names.
func TestIdentIsIdempotent(t *testing.T) {
	for in, want := range map[string]string{"lif1.lif": "lif1_lif", "0": "n0", "input": "input_", "0_LinearTorch": "n0_LinearTorch", "network": "network_", "a-b": "a_b"} {
		if got := Ident(in); got != want || Ident(got) != got {
			t.Errorf("Ident(%q) = %q (again: %q), want %q", in, got, Ident(got), want)
		}
	}
}

// TestImportIntegerParameters: NIR writers may store integer arrays where
// floats are expected (int64 datasets); they are values, not shapes.
func TestImportIntegerParameters(t *testing.T) {
	g := chain(4, 3)
	g.Node("lif").Params["r"] = Array{DType: "i64", Shape: []int{3}, Data: []float64{2, 2, 2}}
	m, err := Import(&File{Graph: g}, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(m.Source), "population lif = NirLIF[3] {") || !strings.Contains(string(m.Source), "r = 2\n") {
		t.Errorf("import:\n%s", m.Source)
	}
}

// TestImportSharedAffine: two sources through one Affine node into one
// population make two projections (distinct names) and its bias once.
func TestImportSharedAffine(t *testing.T) {
	g := chain(4, 3)
	g.Node("lin").Type = "Affine"
	g.Node("lin").Params["bias"] = f32([]int{3}, 0.5)
	g.Nodes = append(g.Nodes, &Node{Name: "in2", Type: "Input", Params: map[string]Array{"shape": shape(4)}})
	g.Edges = append(g.Edges, [2]string{"in2", "lin"})
	g.Sort()
	m, err := Import(&File{Graph: g}, ImportOptions{Rate: 10})
	if err != nil {
		t.Fatal(err)
	}
	src := string(m.Source)
	if strings.Count(src, "project lin = in -> lif") != 1 || strings.Count(src, "project lin_from_in2 = in2 -> lif") != 1 || strings.Count(src, "= bias -> lif") != 1 {
		t.Errorf("import:\n%s", src)
	}
}
