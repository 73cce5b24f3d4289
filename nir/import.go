package nir

import (
	"fmt"
	"math"
	"path"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/snnc/snnc/internal/convgeom"
	"github.com/snnc/snnc/lang"
	"github.com/snnc/snnc/parser"
	"github.com/snnc/snnc/runtime"
)

// ImportOptions choose what NIR leaves open (docs/nir.md).
type ImportOptions struct {
	Name     string  // network name ("" = "Net")
	Dt       float64 // time step in s (0 = 1e-4, the NIR paper's)
	Euler    bool    // forward Euler instead of exact integration
	Subtract bool    // reset by subtraction instead of NIR's reset to v_reset
	Input    string  // spikes("FILE") for the Input node instead of Poisson spikes
	Rate     float64 // Poisson rate of the input in Hz (snnc import: 100 Hz unless told)
	Steps    int     // run length in steps (0 = 1000)
	DataDir  string  // directory of the weight files, relative to the model ("" = NAME_data)
}

// Model is an imported graph: the .snn source and the data files it
// reads (weight matrices, kernels), by name relative to the model.
type Model struct {
	Source   []byte
	Files    map[string][]byte
	Warnings []string // what was accepted although the file is not quite right
}

// neuronTypes are NIR's neuron primitives: the std/nir type each maps to
// (the base name: Cuba types add Euler and Sub), the parameters the NIR
// node holds (std/nir's parameters of the same names), and whether it
// spikes (the others are read through their v). Import and export both
// go by it.
var neuronTypes = map[string]struct {
	snn     string
	fields  []string
	spiking bool
}{
	"LIF":       {"NirLIF", []string{"tau", "r", "v_leak", "v_threshold", "v_reset"}, true},
	"LI":        {"NirLI", []string{"tau", "r", "v_leak"}, false},
	"IF":        {"NirIF", []string{"r", "v_threshold", "v_reset"}, true},
	"I":         {"NirI", []string{"r"}, false},
	"CubaLIF":   {"NirCubaLIF", []string{"tau_syn", "tau_mem", "r", "v_leak", "v_threshold", "v_reset", "w_in"}, true},
	"CubaLI":    {"NirCubaLI", []string{"tau_syn", "tau_mem", "r", "v_leak", "w_in"}, false},
	"Threshold": {"NirThreshold", []string{"threshold"}, true},
}

func spikes(nirType string) bool { return neuronTypes[nirType].spiking }

// reservedNames are words a .snn network gives a meaning to besides the
// reserved ones; a node with such a name gets a '_' appended.
var reservedNames = map[string]bool{"input": true, "output": true, "connect": true, "weight": true, "delay": true,
	"dt": true, "seed": true, "wta": true, "phase": true, "spikes": true, "weights": true, "t": true, "syn": true}

// Ident turns a NIR node name into a .snn identifier: characters other
// than letters, digits and '_' become '_', a leading digit gets an 'n'
// prefix, a reserved word a '_' suffix. Ident(Ident(x)) == Ident(x).
func Ident(name string) string {
	var b strings.Builder
	for _, r := range name {
		if r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	s := b.String()
	if s == "" || unicode.IsDigit(rune(s[0])) {
		s = "n" + s
	}
	if lang.Reserved[s] || reservedNames[s] {
		s += "_"
	}
	return s
}

type importer struct {
	opt      ImportOptions
	g        *Graph // flattened
	shapes   map[string][]int
	names    map[string]string // node → identifier
	out      strings.Builder
	files    map[string][]byte
	biasIn   bool
	projs    map[string]bool // projection names written
	biased   map[string]bool // bias paths written (a node's bias reaches a target once)
	warnings []string
}

// Import maps a NIR graph to a .snn model.
func Import(f *File, opt ImportOptions) (*Model, error) {
	if opt.Dt == 0 {
		opt.Dt = 1e-4
	}
	if opt.Name == "" {
		opt.Name = "Net"
	}
	if opt.Steps == 0 {
		opt.Steps = 1000
	}
	if opt.DataDir == "" {
		opt.DataDir = opt.Name + "_data"
	}
	if !(opt.Dt > 0) || math.IsInf(opt.Dt, 0) {
		return nil, fmt.Errorf("dt must be a positive time, got %g s", opt.Dt)
	}
	if err := f.Graph.Validate(); err != nil {
		return nil, err
	}
	g, err := flatten(f.Graph, "")
	if err != nil {
		return nil, err
	}
	im := &importer{opt: opt, g: g, files: map[string][]byte{}, names: map[string]string{}, projs: map[string]bool{}, biased: map[string]bool{}}
	used := map[string]string{}
	for _, n := range g.Nodes {
		id := Ident(n.Name)
		for k := 2; used[id] != ""; k++ {
			id = fmt.Sprintf("%s_%d", Ident(n.Name), k)
		}
		used[id] = n.Name
		im.names[n.Name] = id
	}
	if err := im.inferShapes(); err != nil {
		return nil, err
	}
	if err := im.write(); err != nil {
		return nil, err
	}
	pf, diags := parser.Parse(opt.Name+".snn", []byte(im.out.String()))
	if diags.HasErrors() {
		return nil, fmt.Errorf("internal: the imported model does not parse: %v\n%s", diags, im.out.String())
	}
	return &Model{Source: lang.Format(pf), Files: im.files, Warnings: im.warnings}, nil
}

// flatten inlines nested NIRGraph nodes: their nodes are named
// "outer.inner", an edge into the subgraph goes to its Input node and an
// edge out of it leaves from its Output node (which become pass-through
// nodes).
func flatten(g *Graph, prefix string) (*Graph, error) {
	out := &Graph{}
	ports := map[string][2]string{} // subgraph → (its input node, its output node)
	for _, n := range g.Nodes {
		name := prefix + n.Name
		if n.Type != "NIRGraph" {
			c := *n
			c.Name = name
			out.Nodes = append(out.Nodes, &c)
			continue
		}
		sub, err := flatten(n.Graph, name+".")
		if err != nil {
			return nil, err
		}
		var ins, outs []string
		for _, s := range n.Graph.Nodes {
			switch s.Type {
			case "Input":
				ins = append(ins, name+"."+s.Name)
			case "Output":
				outs = append(outs, name+"."+s.Name)
			}
		}
		if len(ins) != 1 || len(outs) != 1 {
			return nil, &Error{Node: name, Msg: fmt.Sprintf("a subgraph needs exactly one Input and one Output node to be inlined, it has %d and %d", len(ins), len(outs))}
		}
		for _, s := range sub.Nodes {
			if s.Name == ins[0] || s.Name == outs[0] {
				s.Type = "Identity" // the subgraph's ports pass their signal through
			}
		}
		ports[name] = [2]string{ins[0], outs[0]}
		out.Nodes = append(out.Nodes, sub.Nodes...)
		out.Edges = append(out.Edges, sub.Edges...)
	}
	for _, e := range g.Edges {
		a, b := prefix+e[0], prefix+e[1]
		if p, ok := ports[a]; ok {
			a = p[1]
		}
		if p, ok := ports[b]; ok {
			b = p[0]
		}
		out.Edges = append(out.Edges, [2]string{a, b})
	}
	out.Sort()
	return out, nil
}

func count(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

func (im *importer) preds(name string) []string {
	var p []string
	for _, e := range im.g.Edges {
		if e[1] == name {
			p = append(p, e[0])
		}
	}
	return p
}

func (im *importer) succs(name string) []string {
	var s []string
	for _, e := range im.g.Edges {
		if e[0] == name {
			s = append(s, e[1])
		}
	}
	slices.Sort(s)
	return slices.Compact(s)
}

// ints reads an integer parameter (scalar or list) of a node.
func ints(n *Node, field string) []int {
	a, ok := n.Params[field]
	if !ok {
		return nil
	}
	out := make([]int, len(a.Data))
	for i, v := range a.Data {
		out[i] = int(v)
	}
	return out
}

// outShape is a node's output shape from its parameters and input shape
// (nil in: unknown yet).
func (im *importer) outShape(n *Node, in []int) ([]int, error) {
	fail := func(field, f string, a ...any) error {
		return &Error{Node: n.Name, Field: field, Msg: fmt.Sprintf(f, a...)}
	}
	switch n.Type {
	case "Input", "Output":
		return dims(n.Params["shape"]), nil
	case "Affine", "Linear":
		w := n.Params["weight"]
		if len(w.Shape) != 2 {
			return nil, fail("weight", "a %s weight must be 2-D (outputs × inputs), got shape %v", n.Type, w.Shape)
		}
		if n.Type == "Affine" && n.Params["bias"].Len() != w.Shape[0] {
			return nil, fail("bias", "%d values for %d outputs", n.Params["bias"].Len(), w.Shape[0])
		}
		return []int{w.Shape[0]}, nil
	case "Conv1d", "Conv2d", "SumPool2d", "AvgPool2d":
		if in == nil && (n.Type == "SumPool2d" || n.Type == "AvgPool2d") {
			return nil, nil
		}
		_, g, err := im.convSpec(n, in)
		if err != nil {
			return nil, err
		}
		return convOut(n, g), nil
	case "Flatten":
		if it := ints(n, "input_type"); it != nil {
			in = it
		}
		if in == nil {
			return nil, nil
		}
		s, e := ints(n, "start_dim")[0], ints(n, "end_dim")[0]
		if s < 0 {
			s += len(in)
		}
		if e < 0 {
			e += len(in)
		}
		if s < 0 || e >= len(in) || s > e {
			return nil, fail("start_dim", "dimensions %d..%d do not fit the input shape %v", s, e, in)
		}
		out := slices.Clone(in[:s])
		out = append(out, count(in[s:e+1]))
		return append(out, in[e+1:]...), nil
	case "Identity":
		return in, nil
	}
	// neurons, Scale, Threshold, Delay: the shape of their parameters
	for _, f := range []string{"v_threshold", "tau", "tau_mem", "r", "scale", "threshold", "delay"} {
		if a, ok := n.Params[f]; ok {
			return shapeOf(a), nil
		}
	}
	return nil, fail("", "no parameter gives the shape")
}

// shapeOf is the shape of a parameter array (a scalar counts as [1]).
func shapeOf(a Array) []int {
	if len(a.Shape) == 0 {
		return []int{1}
	}
	return slices.Clone(a.Shape)
}

// dims reads an Input's or Output's `shape` dataset: the dimensions as
// numbers.
func dims(a Array) []int {
	out := make([]int, len(a.Data))
	for i, v := range a.Data {
		out[i] = int(v)
	}
	return out
}

// inferShapes propagates shapes along the edges until nothing changes,
// then checks that every edge joins equal element counts.
func (im *importer) inferShapes() error {
	im.shapes = map[string][]int{}
	for _, n := range im.g.Nodes {
		if n.Type == "Input" || n.Type == "Output" {
			im.shapes[n.Name] = dims(n.Params["shape"])
		}
	}
	for range len(im.g.Nodes) + 1 {
		changed := false
		for _, n := range im.g.Nodes {
			if n.Type == "Input" || n.Type == "Output" {
				continue
			}
			var in []int
			if p := im.preds(n.Name); len(p) > 0 {
				in = im.shapes[p[0]]
			}
			s, err := im.outShape(n, in)
			if err != nil {
				return err
			}
			if s != nil && !slices.Equal(s, im.shapes[n.Name]) {
				im.shapes[n.Name] = s
				changed = true
			}
		}
		if !changed {
			break
		}
	}
	for _, n := range im.g.Nodes {
		if im.shapes[n.Name] == nil {
			return &Error{Node: n.Name, Msg: "its shape cannot be inferred (no path from an Input gives it)"}
		}
	}
	for k, e := range im.g.Edges {
		a, b := im.shapes[e[0]], im.g.Node(e[1])
		want := im.inShape(b)
		if want == nil {
			continue
		}
		if count(a) != count(want) {
			return &Error{Node: e[1], Field: fmt.Sprintf("edges[%d]", k),
				Msg: fmt.Sprintf("%s gives %v (%d values) but %s takes %v (%d)", e[0], a, count(a), e[1], want, count(want))}
		}
		if !slices.Equal(a, want) && b.Type == "Output" {
			// Rockpool writes [1, 1, 1] after a [1] LIF: the same values
			im.warnings = append(im.warnings, fmt.Sprintf("node %q: shape %v, but %s gives %v (the same %d values: accepted)", e[1], want, e[0], a, count(a)))
		}
	}
	return nil
}

// inShape is the input shape a node declares (nil: whatever it gets).
func (im *importer) inShape(n *Node) []int {
	switch n.Type {
	case "Affine", "Linear":
		return []int{n.Params["weight"].Shape[1]}
	case "Output", "Identity", "SumPool2d", "AvgPool2d", "Flatten", "Conv1d", "Conv2d":
		if n.Type == "Output" {
			return im.shapes[n.Name]
		}
		return nil
	}
	return im.shapes[n.Name]
}

// convSpec is a Conv or pooling node as the runtime's connector (the
// input shape from input_shape or the incoming signal in) and its
// geometry, checked by the connectors' own rules (internal/convgeom).
func (im *importer) convSpec(n *Node, in []int) (rt.ConnSpec, convgeom.Geometry, error) {
	fail := func(field, f string, a ...any) error {
		return &Error{Node: n.Name, Field: field, Msg: fmt.Sprintf(f, a...)}
	}
	dims := 2
	kind := map[string]string{"Conv1d": "conv1d", "Conv2d": "conv2d", "SumPool2d": "pool2d", "AvgPool2d": "pool2d"}[n.Type]
	if kind == "conv1d" {
		dims = 1
	}
	spec := rt.ConnSpec{Kind: kind}
	// NIR stores a value for every axis or one for all (a Python int)
	axes := func(field string) []int {
		v := ints(n, field)
		if len(v) == 1 && dims == 2 {
			v = []int{v[0], v[0]}
		}
		return v
	}
	spec.Stride, spec.Dilation, spec.Padding = axes("stride"), axes("dilation"), axes("padding")
	if kind == "pool2d" {
		spec.Dilation = nil
		if len(in) != 3 {
			return spec, convgeom.Geometry{}, fail("", "pooling needs a (channels, height, width) input, got %v", in)
		}
		spec.Kernel, spec.Input = axes("kernel_size"), in[1:]
	} else {
		w := n.Params["weight"]
		spec.Kernel = slices.Clone(w.Shape)
		if gr := ints(n, "groups"); len(gr) == 1 {
			spec.Groups = gr[0]
		}
		spec.Input = ints(n, "input_shape")
		if spec.Input == nil && in != nil {
			spec.Input = in[1:]
		}
		if len(w.Shape) == dims+2 && spec.Groups > 0 {
			if b := n.Params["bias"]; b.Len() != w.Shape[0] && b.Len() != 1 {
				return spec, convgeom.Geometry{}, fail("bias", "%d values for %d output channels", b.Len(), w.Shape[0])
			}
		}
	}
	if s, ok := n.Strings["padding"]; ok {
		spec.Padding = nil
		switch s {
		case "valid":
		case "same":
			if len(spec.Kernel) < dims {
				break
			}
			k := spec.Kernel[len(spec.Kernel)-dims:]
			d := spec.Dilation
			if d == nil {
				d = []int{1, 1}[:dims]
			}
			for a := range dims {
				if d[a]*(k[a]-1)%2 != 0 {
					return spec, convgeom.Geometry{}, fail("padding", `"same" with an even kernel pads unevenly, which snnc's conv cannot`)
				}
				spec.Padding = append(spec.Padding, d[a]*(k[a]-1)/2)
			}
		default:
			return spec, convgeom.Geometry{}, fail("padding", "%q: want numbers, \"same\" or \"valid\"", s)
		}
	}
	npre := count(in)
	if in == nil && kind != "pool2d" && len(spec.Kernel) == dims+2 {
		npre = spec.Kernel[1] * max(spec.Groups, 1) * count(spec.Input)
	}
	g, err := convgeom.Out(convgeom.Spec{Kind: kind, Kernel: spec.Kernel, Input: spec.Input, Stride: spec.Stride,
		Padding: spec.Padding, Dilation: spec.Dilation, Groups: spec.Groups}, npre)
	if err != nil {
		return spec, g, fail("", "%v", err)
	}
	if s, ok := n.Strings["padding"]; ok && s == "same" && (g.Sh != 1 || g.Sw != 1) {
		return spec, g, fail("padding", `"same" needs stride 1`)
	}
	return spec, g, nil
}

// outShape of a Conv or pooling node.
func convOut(n *Node, g convgeom.Geometry) []int {
	if n.Type == "Conv1d" {
		return []int{g.Cout, g.Wo}
	}
	return []int{g.Cout, g.Ho, g.Wo}
}

// ---- writing the model ----

func (im *importer) line(f string, a ...any) { fmt.Fprintf(&im.out, f+"\n", a...) }

// num formats a value read with element type dtype: the shortest text
// that reads back to the same float32 for f32 values, float64 otherwise.
func num(v float64, dtype string) string {
	if dtype == "f32" || float64(float32(v)) == v {
		// a float64 holding a float32 (exporters widen their float32
		// parameters) reads better as the float32 it was
		return strconv.FormatFloat(v, 'g', -1, 32)
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// uniform is the one value of an array a population parameter takes.
func uniform(n *Node, field string, def float64) (string, error) {
	a, ok := n.Params[field]
	if !ok {
		return strconv.FormatFloat(def, 'g', -1, 64), nil
	}
	if a.Len() == 0 {
		return "", &Error{Node: n.Name, Field: field, Msg: "empty"}
	}
	for _, v := range a.Data {
		if v != a.Data[0] {
			return "", &Error{Node: n.Name, Field: field, Msg: fmt.Sprintf("the neurons have different values (%s and %s): snnc gives a population one value per parameter", num(a.Data[0], a.DType), num(v, a.DType))}
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return "", &Error{Node: n.Name, Field: field, Msg: "not a finite number"}
		}
	}
	return num(a.Data[0], a.DType), nil
}

func (im *importer) role(n *Node) string {
	switch {
	case n.Type == "Input":
		return "input"
	case n.Type == "Output":
		return "output"
	case neuronTypes[n.Type].snn != "":
		return "pop"
	}
	return "linear"
}

func (im *importer) write() error {
	o := im.opt
	im.line("# Imported from NIR by snnc import (docs/nir.md): dt = %s, %s integration, %s.",
		seconds(o.Dt), map[bool]string{false: "exact", true: "forward Euler"}[o.Euler],
		map[bool]string{false: "reset to v_reset", true: "reset by subtraction"}[o.Subtract])
	im.line(`import "std/nir"`)
	im.line("network %s {", o.Name)
	im.line("dt = %s", seconds(o.Dt))
	var inputs []*Node
	byID := slices.Clone(im.g.Nodes)
	slices.SortFunc(byID, func(a, b *Node) int { return strings.Compare(im.names[a.Name], im.names[b.Name]) })
	for _, n := range byID {
		switch im.role(n) {
		case "pop":
			if err := im.population(n); err != nil {
				return err
			}
		case "input":
			inputs = append(inputs, n)
		}
	}
	if o.Input != "" && len(inputs) > 1 {
		return fmt.Errorf("--input gives one spike file, but the graph has %d Input nodes", len(inputs))
	}
	for _, n := range inputs {
		size := count(im.shapes[n.Name])
		if o.Input != "" {
			im.line("input %s = spikes(%q, n = %d)", im.names[n.Name], o.Input, size)
		} else {
			im.line("input %s = poisson(%d, rate = %s Hz)", im.names[n.Name], size, strconv.FormatFloat(o.Rate, 'g', -1, 64))
		}
	}
	var records []string
	for _, n := range byID { // by identifier: an exported and re-imported model keeps its order
		r := im.role(n)
		if r != "pop" && r != "input" {
			continue
		}
		recs, err := im.projections(n)
		if err != nil {
			return err
		}
		records = append(records, recs...)
	}
	if im.biasIn {
		im.line("# the constant input of Affine and Conv biases: one spike every step")
		im.line("input bias = spike_times(1, times = [0 ms], period = %s)", seconds(o.Dt))
	}
	slices.Sort(records)
	for _, r := range slices.Compact(records) {
		im.line("record %s", r)
	}
	im.line("}")
	im.line("run %s for %s", o.Name, seconds(o.Dt*float64(o.Steps)))
	return nil
}

// seconds formats a time in ms (or s when large).
func seconds(t float64) string {
	ms := t * 1e3
	r := strconv.FormatFloat(ms, 'g', 12, 64)
	if ms >= 1e4 {
		return strconv.FormatFloat(t, 'g', 12, 64) + " s"
	}
	return r + " ms"
}

func (im *importer) population(n *Node) error {
	typ := neuronTypes[n.Type].snn
	var sets []string
	set := func(field, name, unit string, def float64) error {
		v, err := uniform(n, field, def)
		if err != nil {
			return err
		}
		if unit != "" {
			v += " " + unit
		}
		sets = append(sets, name+" = "+v)
		return nil
	}
	fields := neuronTypes[n.Type].fields
	for _, f := range fields {
		unit := ""
		if strings.HasPrefix(f, "tau") {
			unit = "s"
		}
		if err := set(f, f, unit, 0); err != nil {
			return err
		}
	}
	sets = append(sets, "h = "+seconds(im.opt.Dt))
	cuba := strings.HasPrefix(n.Type, "Cuba")
	if cuba { // one type per method and reset (see std/nir)
		if im.opt.Euler {
			typ += "Euler"
		}
		if im.opt.Subtract && spikes(n.Type) {
			typ += "Sub"
		}
	}
	if !cuba && n.Type != "IF" && n.Type != "I" && n.Type != "Threshold" {
		sets = append(sets, fmt.Sprintf("exact = %d", map[bool]int{true: 0, false: 1}[im.opt.Euler]))
	}
	if spikes(n.Type) && !cuba && n.Type != "Threshold" && im.opt.Subtract {
		sets = append(sets, "subtract = 1")
	}
	shape := im.shapes[n.Name]
	dims := make([]string, len(shape))
	for i, d := range shape {
		dims[i] = strconv.Itoa(d)
	}
	im.line("# NIR %s %q", n.Type, n.Name)
	im.line("population %s = %s[%s] {", im.names[n.Name], typ, strings.Join(dims, ", "))
	for _, s := range sets {
		im.line("%s", s)
	}
	im.line("}")
	return nil
}

// projections writes the projections from source n (a population or an
// input) through every chain of linear nodes to the populations it
// reaches, and returns the recordings its Output nodes ask for.
func (im *importer) projections(src *Node) ([]string, error) {
	var records []string
	type target struct {
		chain []*Node
		dst   *Node
	}
	var targets []target
	var walk func(at string, chain []*Node, seen map[string]bool) error
	walk = func(at string, chain []*Node, seen map[string]bool) error {
		for _, s := range im.succs(at) {
			t := im.g.Node(s)
			switch im.role(t) {
			case "output":
				for _, c := range chain {
					if c.Type != "Identity" && c.Type != "Flatten" {
						return &Error{Node: c.Name, Msg: fmt.Sprintf("the Output %s reads the result of this %s node: snnc records populations (spikes or v), not computed signals", t.Name, c.Type)}
					}
				}
				if src.Type == "Input" || spikes(src.Type) {
					records = append(records, fmt.Sprintf("spikes(%s)", im.names[src.Name]))
				} else {
					records = append(records, im.names[src.Name]+".v")
				}
			case "pop":
				if !spikes(src.Type) && src.Type != "Input" {
					return &Error{Node: src.Name, Msg: fmt.Sprintf("a %s feeds %s: its output is a value, not spikes, and snnc projections carry spikes (only an Output may read a non-spiking node)", src.Type, t.Name)}
				}
				targets = append(targets, target{chain, t})
			case "input":
				return &Error{Node: t.Name, Msg: "an edge goes into an Input node"}
			default:
				if seen[s] {
					return &Error{Node: s, Msg: "a cycle of linear nodes with no neuron in it"}
				}
				seen[s] = true
				if err := walk(s, append(slices.Clone(chain), t), seen); err != nil {
					return err
				}
				delete(seen, s)
			}
		}
		return nil
	}
	if err := walk(src.Name, nil, map[string]bool{}); err != nil {
		return nil, err
	}
	// by projection name: an exported and re-imported model keeps its order
	slices.SortStableFunc(targets, func(a, b target) int {
		return strings.Compare(im.projName(src, a.chain, a.dst), im.projName(src, b.chain, b.dst))
	})
	for _, t := range targets {
		if err := im.project(src, t.chain, t.dst); err != nil {
			return nil, err
		}
	}
	return records, nil
}

// projName names the projection of a chain: after its last computing
// node, or source_target when there is none.
func (im *importer) projName(src *Node, chain []*Node, dst *Node) string {
	for k := len(chain) - 1; k >= 0; k-- {
		if t := chain[k].Type; t != "Flatten" && t != "Identity" && t != "Delay" {
			return im.names[chain[k].Name]
		}
	}
	return im.names[src.Name] + "_" + im.names[dst.Name]
}

// project writes one projection: a native connector when the chain is
// one weighted node (plus reshapes and a delay), else the chain's
// composition as a matrix; biases become a matrix from the bias input.
func (im *importer) project(src *Node, chain []*Node, dst *Node) error {
	var core []*Node // the nodes that compute (not Flatten/Identity/Delay)
	delay := 0.0
	for _, n := range chain {
		switch n.Type {
		case "Flatten", "Identity":
		case "Delay":
			d, err := uniform(n, "delay", 0)
			if err != nil {
				return err
			}
			v, _ := strconv.ParseFloat(d, 64)
			delay += v
		default:
			core = append(core, n)
		}
	}
	name := im.projName(src, chain, dst)
	if im.projs[name] { // a node several sources reach: one projection each
		name += "_from_" + im.names[src.Name]
	}
	im.projs[name] = true
	settings := []string{}
	if delay > 0 {
		settings = append(settings, "delay = "+seconds(delay))
	}
	head := fmt.Sprintf("project %s = %s -> %s : syn", name, im.names[src.Name], im.names[dst.Name])
	file := func(suffix string) string { return path.Join(im.opt.DataDir, name+suffix+".csv") }
	npre, npost := count(im.shapes[src.Name]), count(im.shapes[dst.Name])
	connect, weight := "", "1"
	scale := 1.0 // Cuba types: NIR's input enters i times k·w_in (see std/nir)
	if strings.HasPrefix(dst.Type, "Cuba") {
		var err error
		if scale, err = im.cubaGainOf(dst); err != nil {
			return err
		}
		weight = strconv.FormatFloat(scale, 'g', -1, 64)
	}
	switch {
	case len(core) == 0:
		if npre != npost {
			return &Error{Node: dst.Name, Msg: fmt.Sprintf("%s (%d) feeds it (%d) directly with different sizes", src.Name, npre, npost)}
		}
		connect = "one_to_one"
	case len(core) == 1 && (core[0].Type == "Conv2d" || core[0].Type == "Conv1d"):
		c, err := im.convConnect(core[0], nil, file(""))
		if err != nil {
			return err
		}
		connect = c
	case len(core) == 1 && (core[0].Type == "SumPool2d" || core[0].Type == "AvgPool2d"):
		n := core[0]
		_, g, err := im.convSpec(n, im.shapes[im.predOf(n, chain, src)])
		if err != nil {
			return err
		}
		connect = fmt.Sprintf("pool2d(kernel = [%d, %d], input = [%d, %d], stride = [%d, %d], padding = [%d, %d])", g.Kh, g.Kw, g.H, g.W, g.Sh, g.Sw, g.Ph, g.Pw)
		if n.Type == "AvgPool2d" {
			weight = strconv.FormatFloat(scale/float64(g.Kh*g.Kw), 'g', -1, 64)
		}
	case len(core) == 2 && core[0].Type == "SumPool2d" && core[1].Type == "Conv2d" && im.poolConv(core[0], core[1], chain, src):
		c, err := im.convConnect(core[1], core[0], file(""))
		if err != nil {
			return err
		}
		connect = c
	case len(core) == 1 && core[0].Type == "Scale" && npre == npost && uniformArray(core[0].Params["scale"]):
		connect, weight = "one_to_one", strconv.FormatFloat(scale*core[0].Params["scale"].Data[0], 'g', -1, 64)
	default:
		m, err := im.compose(src, chain, npre, npost)
		if err != nil {
			return err
		}
		im.files[file("")] = matrixCSV(m, npost, npre, dtypeOf(core))
		connect = fmt.Sprintf("matrix(%q)", file(""))
	}
	im.line("%s {", head)
	im.line("connect = %s", connect)
	im.line("weight = %s", weight)
	for _, s := range settings {
		im.line("%s", s)
	}
	im.line("}")
	// the biases, carried through the rest of the chain
	bias := make([]float64, npost)
	nonzero := false
	for k, n := range chain {
		b := im.biasOf(n)
		path := dst.Name
		for _, c := range chain[k:] {
			path = c.Name + ">" + path
		}
		if b == nil || im.biased[path] {
			continue // added once, whichever source reaches the node
		}
		im.biased[path] = true
		v, err := im.apply(chain[k+1:], b)
		if err != nil {
			return err
		}
		for i := range bias {
			bias[i] += v[i]
			nonzero = nonzero || v[i] != 0
		}
	}
	if nonzero {
		im.biasIn = true
		im.files[file("_bias")] = matrixCSV(bias, npost, 1, dtypeOf(core))
		im.line("project %s_bias = bias -> %s : syn {", name, im.names[dst.Name])
		im.line("connect = matrix(%q)", file("_bias"))
		im.line("weight = %s", strconv.FormatFloat(scale, 'g', -1, 64))
		for _, s := range settings {
			im.line("%s", s)
		}
		im.line("}")
	}
	return nil
}

func uniformArray(a Array) bool {
	for _, v := range a.Data {
		if v != a.Data[0] {
			return false
		}
	}
	return a.Len() > 0
}

// dtypeOf: f32 when every computing node stores f32 weights.
func dtypeOf(core []*Node) string {
	for _, n := range core {
		for _, f := range []string{"weight", "scale", "bias"} {
			if a, ok := n.Params[f]; ok && a.DType != "f32" {
				return "f64"
			}
		}
	}
	if len(core) == 0 {
		return "f64"
	}
	return "f32"
}

// predOf is the node before n in the chain (src for the first).
func (im *importer) predOf(n *Node, chain []*Node, src *Node) string {
	prev := src.Name
	for _, c := range chain {
		if c == n {
			return prev
		}
		prev = c.Name
	}
	return prev
}

// poolConv: a sum pooling whose windows tile its input (stride = kernel,
// no padding) followed by an undilated convolution is one convolution
// with each kernel entry repeated over a pooling window, stride and
// padding multiplied by the window: shared weights kept, no matrix.
func (im *importer) poolConv(pool, conv *Node, chain []*Node, src *Node) bool {
	_, pg, err := im.convSpec(pool, im.shapes[im.predOf(pool, chain, src)])
	if err != nil || pg.Sh != pg.Kh || pg.Sw != pg.Kw || pg.Ph != 0 || pg.Pw != 0 || pg.H%pg.Kh != 0 || pg.W%pg.Kw != 0 {
		return false
	}
	_, cg, err := im.convSpec(conv, []int{pg.Cout, pg.Ho, pg.Wo})
	return err == nil && cg.Dh == 1 && cg.Dw == 1
}

// convConnect writes a convolution's kernel file and returns its
// connector; with pool, the pooled convolution of poolConv.
func (im *importer) convConnect(n, pool *Node, file string) (string, error) {
	w := n.Params["weight"]
	var in []int
	if p := im.preds(n.Name); len(p) > 0 {
		in = im.shapes[p[0]]
	}
	_, g, err := im.convSpec(n, in)
	if err != nil {
		return "", err
	}
	kern, shape := w.Data, slices.Clone(w.Shape)
	if pool != nil {
		_, pg, _ := im.convSpec(pool, im.shapes[im.preds(pool.Name)[0]])
		kh, kw := g.Kh*pg.Kh, g.Kw*pg.Kw
		up := make([]float64, g.Cout*(g.Cin/g.Groups)*kh*kw)
		for oc := 0; oc < g.Cout*(g.Cin/g.Groups); oc++ {
			for u := 0; u < kh; u++ {
				for v := 0; v < kw; v++ {
					up[(oc*kh+u)*kw+v] = w.Data[(oc*g.Kh+u/pg.Kh)*g.Kw+v/pg.Kw]
				}
			}
		}
		kern = up
		shape = []int{g.Cout, g.Cin / g.Groups, kh, kw}
		g.H, g.W = pg.H, pg.W
		g.Sh, g.Sw, g.Ph, g.Pw = g.Sh*pg.Kh, g.Sw*pg.Kw, g.Ph*pg.Kh, g.Pw*pg.Kw
	}
	rows := len(kern) / shape[len(shape)-1]
	im.files[file] = matrixCSV(kern, rows, shape[len(shape)-1], w.DType)
	list := func(v ...int) string {
		s := make([]string, len(v))
		for i, x := range v {
			s[i] = strconv.Itoa(x)
		}
		return "[" + strings.Join(s, ", ") + "]"
	}
	if n.Type == "Conv1d" {
		return fmt.Sprintf("conv1d(%q, kernel = %s, input = %s, stride = %s, padding = %s, dilation = %s, groups = %d)",
			file, list(shape...), list(g.W), list(g.Sw), list(g.Pw), list(g.Dw), g.Groups), nil
	}
	return fmt.Sprintf("conv2d(%q, kernel = %s, input = %s, stride = %s, padding = %s, dilation = %s, groups = %d)",
		file, list(shape...), list(g.H, g.W), list(g.Sh, g.Sw), list(g.Ph, g.Pw), list(g.Dh, g.Dw), g.Groups), nil
}

// matrixCSV writes rows × cols values (row-major), one row a line.
func matrixCSV(v []float64, rows, cols int, dtype string) []byte {
	var b strings.Builder
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			if c > 0 {
				b.WriteByte(',')
			}
			b.WriteString(num(v[r*cols+c], dtype))
		}
		b.WriteByte('\n')
	}
	return []byte(b.String())
}

// biasOf is a node's bias in its output space (nil: none).
func (im *importer) biasOf(n *Node) []float64 {
	b, ok := n.Params["bias"]
	if !ok {
		return nil
	}
	out := make([]float64, count(im.shapes[n.Name]))
	per := len(out) / max(b.Len(), 1)
	for i := range out {
		if b.Len() == 1 {
			out[i] = b.Data[0]
		} else {
			out[i] = b.Data[i/per] // Conv: one value per output channel
		}
	}
	return out
}

// compose is the chain as a dense matrix (npost × npre), column by
// column: the chain applied to each unit input.
func (im *importer) compose(src *Node, chain []*Node, npre, npost int) ([]float64, error) {
	if float64(npre)*float64(npost) > 1<<24 {
		return nil, &Error{Node: chain[0].Name, Msg: fmt.Sprintf("this chain of %d nodes would need a %dx%d weight matrix: too large (snnc keeps a lone Conv or pooling as a shared-weight connector)", len(chain), npost, npre)}
	}
	m := make([]float64, npost*npre)
	x := make([]float64, npre)
	for j := 0; j < npre; j++ {
		clear(x)
		x[j] = 1
		y, err := im.linear(chain, x)
		if err != nil {
			return nil, err
		}
		for i, v := range y {
			m[i*npre+j] = v
		}
	}
	return m, nil
}

// apply runs the chain on a signal, biases included.
func (im *importer) apply(chain []*Node, x []float64) ([]float64, error) {
	for _, n := range chain {
		y, err := im.linear([]*Node{n}, x)
		if err != nil {
			return nil, err
		}
		if b := im.biasOf(n); b != nil {
			for i := range y {
				y[i] += b[i]
			}
		}
		x = y
	}
	return x, nil
}

// linear applies the chain's linear parts (no biases) to x.
func (im *importer) linear(chain []*Node, x []float64) ([]float64, error) {
	for _, n := range chain {
		var in []int
		if p := im.preds(n.Name); len(p) > 0 {
			in = im.shapes[p[0]]
		}
		var y []float64
		switch n.Type {
		case "Flatten", "Identity", "Delay":
			y = x
		case "Scale":
			s := n.Params["scale"]
			y = make([]float64, len(x))
			for i := range x {
				y[i] = x[i] * s.Data[i%s.Len()]
			}
		case "Affine", "Linear":
			w := n.Params["weight"]
			rows, cols := w.Shape[0], w.Shape[1]
			y = make([]float64, rows)
			for r := 0; r < rows; r++ {
				s := 0.0
				for c := 0; c < cols; c++ {
					s += w.Data[r*cols+c] * x[c]
				}
				y[r] = s
			}
		case "Conv1d", "Conv2d", "SumPool2d", "AvgPool2d":
			// the connector snnc runs, applied to x
			spec, g, err := im.convSpec(n, in)
			if err != nil {
				return nil, err
			}
			var kern []float64
			if n.Type == "Conv1d" || n.Type == "Conv2d" {
				kern = n.Params["weight"].Data
			}
			c, err := rt.ConvCSR(spec, kern, rt.Geometry{N: len(x)}, rt.Geometry{N: count(convOut(n, g))})
			if err != nil {
				return nil, &Error{Node: n.Name, Msg: err.Error()}
			}
			scale := 1.0
			if n.Type == "AvgPool2d" {
				scale = 1 / float64(g.Kh*g.Kw)
			}
			y = make([]float64, c.NPost)
			for i := 0; i < c.NPre; i++ {
				for k := c.RowPtr[i]; k < c.RowPtr[i+1]; k++ {
					w := scale
					if c.W != nil {
						w = c.W[k]
					}
					y[c.Col[k]] += w * x[i]
				}
			}
		default:
			return nil, &Error{Node: n.Name, Msg: fmt.Sprintf("a %s cannot sit between two populations", n.Type)}
		}
		x = y
	}
	return x, nil
}

// cubaGainOf is cubaGain for a Cuba node of the graph.
func (im *importer) cubaGainOf(n *Node) (float64, error) {
	vals := map[string]float64{}
	for _, f := range []string{"tau_syn", "w_in"} {
		v, err := uniform(n, f, 0)
		if err != nil {
			return 0, err
		}
		vals[f], _ = strconv.ParseFloat(v, 64)
	}
	if !(vals["tau_syn"] > 0) {
		return 0, &Error{Node: n.Name, Field: "tau_syn", Msg: "must be > 0"}
	}
	return cubaGain(im.opt.Dt, vals["tau_syn"], vals["w_in"], im.opt.Euler), nil
}

// cubaGain is k·w_in, what a unit of input held over a step of h adds to
// the current of a Cuba type: k = h/tau_syn (Euler) or 1 − exp(−h/tau_syn)
// (exact). Import multiplies the weights by it, export divides it out.
func cubaGain(h, tauSyn, wIn float64, euler bool) float64 {
	k := -math.Expm1(-h / tauSyn)
	if euler {
		k = h / tauSyn
	}
	return k * wIn
}
