// Package nir reads and writes NIR graphs (the Neuromorphic Intermediate
// Representation, neuromorphs/NIR): the in-memory graph, its validation and
// type inference, and (behind the hdf5 build tag) the HDF5 file format
// through a small cgo binding to libhdf5. See docs/nir.md.
package nir

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Array is a numeric parameter: a row-major array with its stored element
// type ("f32", "f64" or "i64"), kept so a round trip writes what it read.
type Array struct {
	DType string
	Shape []int // nil or empty: a scalar
	Data  []float64
}

// Len is the number of elements.
func (a Array) Len() int { return len(a.Data) }

// Node is one NIR node: a primitive with parameters, or a subgraph.
type Node struct {
	Name    string
	Type    string
	Params  map[string]Array  // numeric datasets
	Strings map[string]string // string datasets (a Conv padding of "same")
	Graph   *Graph            // Type == "NIRGraph"
}

// Graph is a NIRGraph: nodes (kept sorted by name, as h5py lists them) and
// directed edges (source, target) in stored order.
type Graph struct {
	Nodes []*Node
	Edges [][2]string
}

// File is a .nir file.
type File struct {
	Version string
	Graph   *Graph
}

// Node returns the node called name, or nil.
func (g *Graph) Node(name string) *Node {
	for _, n := range g.Nodes {
		if n.Name == name {
			return n
		}
	}
	return nil
}

// Sort orders the nodes by name.
func (g *Graph) Sort() {
	sort.Slice(g.Nodes, func(i, j int) bool { return g.Nodes[i].Name < g.Nodes[j].Name })
}

// params lists, per primitive, the numeric datasets it must have and those
// it may have; a string-or-numeric parameter (Conv padding) is listed as
// numeric and accepted as a string too.
var params = map[string]struct{ req, opt []string }{
	"Input":     {[]string{"shape"}, nil},
	"Output":    {[]string{"shape"}, nil},
	"Affine":    {[]string{"weight", "bias"}, nil},
	"Linear":    {[]string{"weight"}, nil},
	"Scale":     {[]string{"scale"}, nil},
	"Threshold": {[]string{"threshold"}, nil},
	"Flatten":   {[]string{"start_dim", "end_dim"}, []string{"input_type"}},
	"Delay":     {[]string{"delay"}, nil},
	"Conv1d":    {[]string{"weight", "bias", "stride", "padding", "dilation", "groups"}, []string{"input_shape"}},
	"Conv2d":    {[]string{"weight", "bias", "stride", "padding", "dilation", "groups"}, []string{"input_shape"}},
	"SumPool2d": {[]string{"kernel_size", "stride", "padding"}, nil},
	"AvgPool2d": {[]string{"kernel_size", "stride", "padding"}, nil},
	"I":         {[]string{"r"}, nil},
	"IF":        {[]string{"r", "v_threshold"}, []string{"v_reset"}},
	"LI":        {[]string{"tau", "r", "v_leak"}, nil},
	"LIF":       {[]string{"tau", "r", "v_leak", "v_threshold"}, []string{"v_reset"}},
	"CubaLI":    {[]string{"tau_syn", "tau_mem", "r", "v_leak", "w_in"}, nil},
	"CubaLIF":   {[]string{"tau_syn", "tau_mem", "r", "v_leak", "v_threshold", "w_in"}, []string{"v_reset"}},
}

// Types lists the primitives this package knows, NIRGraph included.
func Types() []string {
	t := []string{"NIRGraph"}
	for k := range params {
		t = append(t, k)
	}
	slices.Sort(t)
	return t
}

// Error is a problem with one node (path: outer graph names joined by
// '/', then the node) and, when known, one of its fields.
type Error struct {
	Node  string
	Field string
	Msg   string
}

func (e *Error) Error() string {
	switch {
	case e.Node == "":
		return e.Msg
	case e.Field == "":
		return fmt.Sprintf("node %q: %s", e.Node, e.Msg)
	}
	return fmt.Sprintf("node %q, field %s: %s", e.Node, e.Field, e.Msg)
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "/" + name
}

// Validate checks that every node has a known type and the datasets that
// type needs (and no others), and that every edge names existing nodes.
// Nested graphs are checked the same way. It is what a reader must do
// before anything trusts the graph.
func (g *Graph) Validate() error { return g.validate("") }

func (g *Graph) validate(path string) error {
	seen := map[string]bool{}
	for _, n := range g.Nodes {
		p := join(path, n.Name)
		if n.Name == "" || strings.Contains(n.Name, "/") {
			return &Error{Node: p, Msg: "a node name must be non-empty and without '/'"}
		}
		if seen[n.Name] {
			return &Error{Node: p, Msg: "two nodes have this name"}
		}
		seen[n.Name] = true
		if n.Type == "NIRGraph" {
			if n.Graph == nil {
				return &Error{Node: p, Field: "nodes", Msg: "a NIRGraph without nodes"}
			}
			if err := n.Graph.validate(p); err != nil {
				return err
			}
			continue
		}
		spec, ok := params[n.Type]
		if !ok {
			return &Error{Node: p, Field: "type", Msg: fmt.Sprintf("unknown NIR type %q (known: %s)", n.Type, strings.Join(Types(), ", "))}
		}
		for _, f := range sortedKeys(n.Strings) {
			if f != "padding" || (n.Type != "Conv1d" && n.Type != "Conv2d") {
				return &Error{Node: p, Field: f, Msg: fmt.Sprintf("a string where %s needs numbers", n.Type)}
			}
		}
		for _, f := range spec.req {
			_, num := n.Params[f]
			_, str := n.Strings[f]
			if !num && !(str && f == "padding") {
				return &Error{Node: p, Field: f, Msg: fmt.Sprintf("missing (a %s needs %s)", n.Type, strings.Join(spec.req, ", "))}
			}
		}
		for _, f := range sortedKeys(n.Params) {
			if !slices.Contains(spec.req, f) && !slices.Contains(spec.opt, f) {
				return &Error{Node: p, Field: f, Msg: fmt.Sprintf("not a field of %s", n.Type)}
			}
		}
	}
	for k, e := range g.Edges {
		for side, name := range e {
			if g.Node(name) == nil {
				field := fmt.Sprintf("edges[%d] (%s)", k, [2]string{"source", "target"}[side])
				where := path
				if where == "" {
					where = "the top-level graph"
				}
				return &Error{Node: join(path, name), Field: field,
					Msg: fmt.Sprintf("the edge %s -> %s of %s names a node that does not exist (nodes: %s)", e[0], e[1], where, strings.Join(g.names(), ", "))}
			}
		}
	}
	return nil
}

func (g *Graph) names() []string {
	var s []string
	for _, n := range g.Nodes {
		s = append(s, n.Name)
	}
	return s
}
