package nir

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/snnc/snnc/estimate"
	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/lang"
	"github.com/snnc/snnc/runtime"
)

// exportType is the NIR neuron primitive of a std/nir type ("" for
// other types), by neuronTypes.
func exportType(snnType string) string {
	base := baseType(snnType)
	for k, v := range neuronTypes {
		if v.snn == base {
			return k
		}
	}
	return ""
}

// baseType strips the method and reset variants (NirCubaLIFEulerSub).
func baseType(t string) string {
	return strings.TrimSuffix(strings.TrimSuffix(t, "Sub"), "Euler")
}

type exporter struct {
	inputShape map[string][]int
	p          *ir.Program
	dir        string
	g          *Graph
	diags      lang.Diagnostics
	seed       uint64
}

// Export maps a network built from std/nir types to a NIR graph. What
// NIR cannot hold (other neuron types, dendrites, plasticity, current
// inputs, random weights) is a positioned error naming it. dir is the
// model's directory (weight files are read relative to it).
func Export(p *ir.Program, dir string) (*File, lang.Diagnostics) {
	ex := &exporter{p: p, dir: dir, g: &Graph{}, seed: p.Schedule.Seed, inputShape: map[string][]int{}}
	for _, prj := range p.Projs {
		if prj.Sliced() {
			ex.errorf(prj.Pos, "projection %s connects a population view, which NIR cannot express (its edges join whole nodes)", prj.Name)
		}
	}
	for _, in := range p.Inputs {
		if in.View != nil {
			ex.errorf(in.Pos, "input %s drives a population view, which NIR cannot express", in.Name)
		}
	}
	if ex.diags.HasErrors() {
		return nil, ex.diags
	}
	ex.export()
	if ex.diags.HasErrors() {
		return nil, ex.diags
	}
	ex.g.Sort()
	return &File{Version: "0.2.0", Graph: ex.g}, nil
}

func (ex *exporter) errorf(sp lang.Span, f string, a ...any) *lang.Diagnostic {
	return ex.diags.Errorf(sp.Pos, sp.End, f, a...)
}

// array is n copies of v (or the values vs), as f32 when every value is a
// float32 (what trained weights are), else f64.
func array(shape []int, vs []float64) Array {
	for _, v := range vs {
		if !isFloat32Text(v) {
			return Array{DType: "f64", Shape: slices.Clone(shape), Data: vs}
		}
	}
	f := make([]float64, len(vs))
	for i, v := range vs {
		f[i] = float64(float32(v))
	}
	return Array{DType: "f32", Shape: slices.Clone(shape), Data: f}
}

// isFloat32Text: v is a float32 or the decimal text snnc import writes
// for one (the shortest that reads back as that float32), so storing
// float32(v) gives back the weight the file held.
func isFloat32Text(v float64) bool {
	if float64(float32(v)) == v {
		return true
	}
	x, err := strconv.ParseFloat(strconv.FormatFloat(float64(float32(v)), 'g', -1, 32), 64)
	return err == nil && x == v
}

func fill(n int, v float64) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = v
	}
	return s
}

func param(m *ir.Model, name string) (float64, bool) {
	for _, v := range m.Vars {
		if v.Name == name && v.Kind == ir.Param {
			return ir.ConstValue(v.Value)
		}
	}
	return 0, false
}

func shapeOfPop(p *ir.Population) []int {
	if len(p.Shape) > 0 {
		return p.Shape
	}
	return []int{p.Size}
}

// gain is the factor snnc import folded into the weights onto a Cuba
// population (k·w_in, see std/nir); 1 for the others.
func gain(p *ir.Population) float64 {
	t := p.Model.Type
	if !strings.HasPrefix(t, "NirCuba") {
		return 1
	}
	h, _ := param(p.Model, "h")
	ts, _ := param(p.Model, "tau_syn")
	w, _ := param(p.Model, "w_in")
	return cubaGain(h, ts, w, strings.Contains(t, "Euler"))
}

// isBias: the constant input snnc import writes for biases (one source
// spiking every step).
func (ex *exporter) isBias(in *ir.Input) bool {
	if in.Kind != "spike_times" || in.Size != 1 {
		return false
	}
	t := in.Lists["times"]
	per := in.Num["period"]
	return len(t) == 1 && t[0] == 0 && math.Abs(per-ex.p.Schedule.Dt) < 1e-12*ex.p.Schedule.Dt
}

func (ex *exporter) add(n *Node) { ex.g.Nodes = append(ex.g.Nodes, n) }
func (ex *exporter) edge(a, b string) {
	ex.g.Edges = append(ex.g.Edges, [2]string{a, b})
}

func (ex *exporter) export() {
	p := ex.p
	for _, pop := range p.Pops {
		m := pop.Model
		typ := exportType(m.Type)
		switch {
		case len(m.Dendrites) > 0:
			ex.errorf(pop.Pos, "population %s: NIR cannot hold dendrites (%s of %s)", pop.Name, m.Dendrites[0].Name, m.Type).Hint = "NIR's neurons are point neurons; export takes std/nir types"
			continue
		case typ == "":
			ex.errorf(pop.Pos, "population %s: neuron type %s has no NIR equivalent", pop.Name, m.Type).Hint =
				"NIR's neurons are std/nir's NirLIF, NirLI, NirIF, NirI, NirCubaLIF, NirCubaLI and NirThreshold (import \"std/nir\")"
			continue
		}
		n := &Node{Name: pop.Name, Type: typ, Params: map[string]Array{}}
		for _, f := range neuronTypes[typ].fields {
			v, ok := param(m, f)
			if !ok {
				ex.errorf(pop.Pos, "population %s: parameter %s is not a constant", pop.Name, f)
				continue
			}
			n.Params[f] = array(shapeOfPop(pop), fill(pop.Size, v))
		}
		ex.add(n)
	}
	// an input's shape: what the convolution with the most axes reading it
	// takes (the others get a Flatten)
	inputShape := ex.inputShape
	for _, prj := range p.Projs {
		if prj.Pre.Input != nil && (prj.Connector.Kind == "conv2d" || prj.Connector.Kind == "conv1d") {
			k, in := prj.Connector.Ints["kernel"], prj.Connector.Ints["input"]
			g := max(int(prj.Connector.Num["groups"]), 1)
			if s := append([]int{k[1] * g}, in...); len(s) > len(inputShape[prj.Pre.Input.Name]) {
				inputShape[prj.Pre.Input.Name] = s
			}
		}
	}
	for _, in := range p.Inputs {
		switch {
		case ex.isBias(in):
			continue
		case in.Kind == "current_step":
			ex.errorf(in.Pos, "input %s: NIR has no current inputs (its Input nodes take signals that feed Linear or Conv nodes)", in.Name)
			continue
		case in.Size == 0:
			ex.errorf(in.Pos, "input %s: its size is only known when the run reads its file; give n = ...", in.Name)
			continue
		}
		shape := inputShape[in.Name]
		if shape == nil {
			shape = []int{in.Size}
		}
		ex.add(&Node{Name: in.Name, Type: "Input", Params: map[string]Array{"shape": {DType: "i64", Shape: []int{len(shape)}, Data: ints2f(shape)}}})
	}
	biases := map[string]*ir.Projection{}
	for _, prj := range p.Projs {
		if prj.Pre.Input != nil && ex.isBias(prj.Pre.Input) {
			biases[strings.TrimSuffix(prj.Name, "_bias")] = prj
		}
	}
	for _, prj := range p.Projs {
		if prj.Pre.Input != nil && ex.isBias(prj.Pre.Input) {
			if biases[strings.TrimSuffix(prj.Name, "_bias")] == prj && !ex.hasProj(strings.TrimSuffix(prj.Name, "_bias")) {
				ex.errorf(prj.Pos, "projection %s: a bias needs the projection %s it belongs to", prj.Name, strings.TrimSuffix(prj.Name, "_bias"))
			}
			continue
		}
		ex.projection(prj, biases[prj.Name])
	}
	outs := 0
	for _, r := range p.Records {
		if (r.Kind == ir.RecSpikes) || (r.Kind == ir.RecState && r.Var != nil && r.Var.Name == "v") {
			outs++
		}
	}
	for _, r := range p.Records {
		var src string
		var shape []int
		switch {
		case r.Kind == ir.RecSpikes && r.Pop != nil:
			src, shape = r.Pop.Name, shapeOfPop(r.Pop)
		case r.Kind == ir.RecSpikes && r.Input != nil:
			src, shape = r.Input.Name, []int{r.Input.Size}
		case r.Kind == ir.RecState && r.Var != nil && r.Var.Name == "v" && r.Pop != nil:
			src, shape = r.Pop.Name, shapeOfPop(r.Pop)
		default:
			continue // NIR's Output reads a node's output: spikes, or v of the non-spiking types
		}
		name := "output"
		if outs > 1 {
			name = "output_" + src
		}
		if ex.g.Node(name) != nil {
			continue
		}
		ex.add(&Node{Name: name, Type: "Output", Params: map[string]Array{"shape": {DType: "i64", Shape: []int{len(shape)}, Data: ints2f(shape)}}})
		ex.edge(src, name)
	}
}

func (ex *exporter) hasProj(name string) bool {
	for _, prj := range ex.p.Projs {
		if prj.Name == name {
			return true
		}
	}
	return false
}

func ints2f(v []int) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

// projection exports one projection as a node between its ends (a
// Linear/Affine, Conv, pooling or Scale node, or a plain edge), with a
// Delay node after it when it has a delay.
func (ex *exporter) projection(prj *ir.Projection, bias *ir.Projection) {
	if prj.Synapse != nil {
		ex.errorf(prj.Pos, "projection %s: NIR has no synapse models or plasticity (synapse %s)", prj.Name, prj.Synapse.Type).Hint = "NIR weights are fixed; export a trained network without `using`"
		return
	}
	if prj.Pre.Pop == nil && prj.Pre.Input == nil {
		return
	}
	pre, post := prj.Pre.Name(), prj.Post.Name
	if exportType(prj.Post.Model.Type) == "" {
		return // reported at the population
	}
	w, ok := ir.ConstValue(prj.Weight)
	if !ok {
		ex.errorf(prj.Pos, "projection %s: NIR needs fixed weights, not weights drawn at run time", prj.Name)
		return
	}
	w /= gain(prj.Post)
	spec := estimate.ConnSpec(prj.Connector, prj.Pre.Pop != nil && prj.Pre.Pop == prj.Post)
	if spec.File != "" && !filepath.IsAbs(spec.File) {
		spec.File = filepath.Join(ex.dir, spec.File)
	}
	npre, npost := prj.Pre.Size(), prj.Post.Size
	preGeo := rt.Geometry{N: npre}
	if prj.Pre.Pop != nil {
		preGeo.Shape = prj.Pre.Pop.Shape
	}
	postGeo := rt.Geometry{N: npost, Shape: prj.Post.Shape}
	fail := func(err error) { ex.errorf(prj.Pos, "projection %s: %v", prj.Name, err) }
	var n *Node
	c := prj.Connector
	switch {
	case c.Kind == "conv2d" || c.Kind == "conv1d":
		kern, err := rt.ReadKernel(spec.File, spec.Kernel)
		if err != nil {
			fail(err)
			return
		}
		g, err := rt.Conv(spec, preGeo, postGeo)
		if err != nil {
			fail(err)
			return
		}
		typ := "Conv2d"
		pair := func(a, b int) Array {
			return Array{DType: "i64", Shape: []int{2}, Data: []float64{float64(a), float64(b)}}
		}
		n = &Node{Name: prj.Name, Type: typ, Params: map[string]Array{
			"weight": array(spec.Kernel, scaled(kern, w)), "stride": pair(g.Sh, g.Sw), "padding": pair(g.Ph, g.Pw),
			"dilation": pair(g.Dh, g.Dw), "groups": {DType: "i64", Data: []float64{float64(g.Groups)}}, "input_shape": pair(g.H, g.W)}}
		if c.Kind == "conv1d" {
			one := func(a int) Array { return Array{DType: "i64", Data: []float64{float64(a)}} }
			n.Type = "Conv1d"
			n.Params["stride"], n.Params["padding"], n.Params["dilation"], n.Params["input_shape"] = one(g.Sw), one(g.Pw), one(g.Dw), one(g.W)
		}
		b := make([]float64, g.Cout)
		if bias != nil {
			v, ok := ex.biasVector(bias)
			if !ok {
				return
			}
			per := npost / g.Cout
			for o := range b {
				b[o] = v[o*per]
				for k := 0; k < per; k++ {
					if v[o*per+k] != b[o] {
						ex.errorf(bias.Pos, "projection %s: a convolution's bias is one value per output channel; channel %d has different values", bias.Name, o)
						return
					}
				}
			}
		}
		n.Params["bias"] = array([]int{g.Cout}, b)
	case c.Kind == "pool2d":
		g, err := rt.Conv(spec, preGeo, postGeo)
		if err != nil {
			fail(err)
			return
		}
		typ := "SumPool2d"
		switch {
		case w == 1:
		case math.Abs(w*float64(g.Kh*g.Kw)-1) < 1e-12:
			typ = "AvgPool2d"
		default:
			ex.errorf(prj.Pos, "projection %s: pooling with weight %g is neither NIR's SumPool2d (1) nor AvgPool2d (1/%d)", prj.Name, w, g.Kh*g.Kw)
			return
		}
		pair := func(a, b int) Array {
			return Array{DType: "i64", Shape: []int{2}, Data: []float64{float64(a), float64(b)}}
		}
		n = &Node{Name: prj.Name, Type: typ, Params: map[string]Array{"kernel_size": pair(g.Kh, g.Kw), "stride": pair(g.Sh, g.Sw), "padding": pair(g.Ph, g.Pw)}}
	case c.Kind == "one_to_one" && !c.ExceptSelf && bias == nil:
		if w != 1 {
			n = &Node{Name: prj.Name, Type: "Scale", Params: map[string]Array{"scale": array(shapeOfPop(prj.Post), fill(npost, w))}}
		}
	default:
		// every other connector (matrix, all_to_all, random ones drawn
		// with the run's seed and stream) as an explicit weight matrix
		csr, err := rt.Connect(spec, preGeo, postGeo, rt.NewStream(ex.seed, rt.Hash("connect", prj.Name)))
		if err != nil {
			fail(err)
			return
		}
		m := make([]float64, npost*npre)
		for i := 0; i < npre; i++ {
			for s := csr.RowPtr[i]; s < csr.RowPtr[i+1]; s++ {
				f := 1.0
				if csr.W != nil {
					f = csr.W[s]
				}
				m[int(csr.Col[s])*npre+i] += f * w
			}
		}
		n = &Node{Name: prj.Name, Type: "Linear", Params: map[string]Array{"weight": array([]int{npost, npre}, m)}}
		if bias != nil {
			v, ok := ex.biasVector(bias)
			if !ok {
				return
			}
			n.Type = "Affine"
			n.Params["bias"] = array([]int{npost}, v)
		}
	}
	last := pre
	if n != nil {
		// NIR's type check compares shapes, not counts: a source shaped
		// otherwise than the node takes (a Linear takes a vector) is
		// flattened first
		from, to := ex.shapeOf(prj.Pre), []int{npre}
		switch n.Type {
		case "Conv1d", "Conv2d":
			to = append([]int{spec.Kernel[1] * max(spec.Groups, 1)}, spec.Input...)
		case "SumPool2d", "AvgPool2d":
			to = append([]int{npre / (spec.Input[0] * spec.Input[1])}, spec.Input...)
		}
		if !slices.Equal(from, to) {
			start, ok := flattenTo(from, to)
			if !ok {
				ex.errorf(prj.Pos, "projection %s: NIR cannot reshape %s's %v into the %v its %s node takes (only Flatten)", prj.Name, pre, from, to, n.Type)
				return
			}
			fl := &Node{Name: prj.Name + "_flatten", Type: "Flatten", Params: map[string]Array{
				"start_dim": {DType: "i64", Data: []float64{float64(start)}}, "end_dim": {DType: "i64", Data: []float64{-1}},
				"input_type": {DType: "i64", Shape: []int{len(from)}, Data: ints2f(from)}}}
			ex.add(fl)
			ex.edge(pre, fl.Name)
			last = fl.Name
		}
	}
	if n != nil {
		ex.add(n)
		ex.edge(last, n.Name)
		last = n.Name
	}
	if prj.Delay != nil {
		d, ok := ir.ConstValue(prj.Delay)
		if !ok {
			ex.errorf(prj.Pos, "projection %s: NIR's Delay node holds one delay per target, not one per synapse", prj.Name)
			return
		}
		if d > 0 {
			name := prj.Name + "_delay"
			ex.add(&Node{Name: name, Type: "Delay", Params: map[string]Array{"delay": array([]int{npost}, fill(npost, d))}})
			ex.edge(last, name)
			last = name
		}
	}
	ex.edge(last, post)
}

func scaled(v []float64, w float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = x * w
	}
	return out
}

// biasVector is a bias projection's value per target neuron.
func (ex *exporter) biasVector(b *ir.Projection) ([]float64, bool) {
	w, ok := ir.ConstValue(b.Weight)
	if !ok || b.Connector.Kind != "matrix" {
		ex.errorf(b.Pos, "projection %s: a bias is a matrix(...) with a constant weight", b.Name)
		return nil, false
	}
	w /= gain(b.Post)
	spec := estimate.ConnSpec(b.Connector, false)
	if !filepath.IsAbs(spec.File) {
		spec.File = filepath.Join(ex.dir, spec.File)
	}
	m, err := rt.ReadMatrix(spec.File, 1, b.Post.Size)
	if err != nil {
		ex.errorf(b.Pos, "projection %s: %v", b.Name, err)
		return nil, false
	}
	v := make([]float64, b.Post.Size)
	for i := range v {
		v[i] = m[i][0] * w
	}
	return v, true
}

// String describes a graph for messages and tests: its nodes (name,
// type, parameter shapes) and edges, sorted.
func (g *Graph) String() string {
	var b strings.Builder
	for _, n := range g.Nodes {
		fmt.Fprintf(&b, "%s %s", n.Name, n.Type)
		for _, k := range sortedKeys(n.Params) {
			fmt.Fprintf(&b, " %s%v", k, n.Params[k].Shape)
		}
		b.WriteByte('\n')
	}
	e := slices.Clone(g.Edges)
	slices.SortFunc(e, func(a, b [2]string) int { return strings.Compare(a[0]+"\x00"+a[1], b[0]+"\x00"+b[1]) })
	for _, x := range e {
		fmt.Fprintf(&b, "%s -> %s\n", x[0], x[1])
	}
	return b.String()
}

// shapeOf is the shape of a projection's source as exported.
func (ex *exporter) shapeOf(n ir.Node) []int {
	if n.Pop != nil {
		return shapeOfPop(n.Pop)
	}
	if s := ex.inputShape[n.Input.Name]; s != nil {
		return s
	}
	return []int{n.Input.Size}
}

// flattenTo is the start_dim of the Flatten (to the last axis) that turns
// shape from into shape to, if one does.
func flattenTo(from, to []int) (int, bool) {
	s := len(to) - 1
	if s < 0 || s >= len(from) || !slices.Equal(from[:s], to[:s]) {
		return 0, false
	}
	n := 1
	for _, d := range from[s:] {
		n *= d
	}
	return s, n == to[s]
}
