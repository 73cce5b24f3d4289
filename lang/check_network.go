package lang

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/snnc/snnc/internal/convgeom"
	"github.com/snnc/snnc/lang/units"
)

// Checking of networks: populations, inputs, projections and recordings.

var (
	hertzT = num(units.Dim{units.Time: -1})
)

// argSpec describes one argument of a network-level call such as
// poisson(n, rate = 15 Hz).
type argSpec struct {
	name       string
	want       string // int, count, prob, time, time0, rate, string, timelist, intlist, number, positive
	required   bool
	positional bool
}

type callSig struct {
	args []argSpec
	doc  string
}

var inputSigs = map[string]callSig{
	"poisson":       {[]argSpec{{"n", "int", true, true}, {"rate", "ratefn", true, false}}, "poisson(n, rate = 15 Hz)"},
	"poisson_group": {[]argSpec{{"n", "int", true, true}, {"rate", "rate", true, false}}, "poisson_group(n, rate = 15 Hz)"},
	"spikes":        {[]argSpec{{"file", "string", true, true}, {"n", "int", false, false}}, `spikes("file.csv", n = 100)`},
	"spike_times":   {[]argSpec{{"n", "int", true, true}, {"times", "timelist", true, false}, {"indices", "intlist", false, false}, {"period", "time", false, false}}, "spike_times(10, times = [1 ms, 26 ms], period = 75 ms)"},
	"current_step":  {[]argSpec{{"amplitude", "signal", true, false}, {"start", "time0", false, false}, {"stop", "time", false, false}}, "current_step(amplitude = 200 pA, start = 10 ms, stop = 100 ms) -> E : I_ext"},
	"patterns":      {[]argSpec{{"n", "int", true, true}, {"active", "count", true, false}}, "patterns(1000, active = 40)"},
	"dataset":       {[]argSpec{{"file", "string", true, true}, {"present", "time", true, false}, {"rest", "time0", false, false}, {"rate", "rate", false, false}, {"n", "int", false, false}}, `dataset("digits.csv", present = 350 ms, rest = 150 ms, rate = 63.75 Hz)`},
}

var connectorSigs = map[string]callSig{
	"all_to_all":         {nil, "all_to_all"},
	"one_to_one":         {nil, "one_to_one"},
	"bernoulli":          {[]argSpec{{"p", "prob", true, true}}, "bernoulli(0.02)"},
	"fan_in":             {[]argSpec{{"k", "int", true, true}}, "fan_in(20)"},
	"fan_out":            {[]argSpec{{"k", "int", true, true}}, "fan_out(20)"},
	"fixed_total_number": {[]argSpec{{"k", "count", true, true}}, "fixed_total_number(5000)"},
	"gaussian":           {[]argSpec{{"sigma", "positive", true, true}, {"p", "prob", false, false}}, "gaussian(sigma = 2, p = 1)"},
	"from_file":          {[]argSpec{{"file", "string", true, true}}, `from_file("edges.csv")`},
	"matrix":             {[]argSpec{{"file", "string", true, true}}, `matrix("weights.csv")`},
	"conv2d":             {convArgs, `conv2d("kernel.csv", kernel = [16, 2, 5, 5], input = [34, 34], stride = [2, 2], padding = [1, 1])`},
	"conv1d":             {convArgs, `conv1d("kernel.csv", kernel = [8, 2, 3], input = [100], stride = [1], padding = [1])`},
	"pool2d":             {convArgs[1:6], "pool2d(kernel = [2, 2], input = [16, 16], stride = [2, 2])"},
}

// convArgs are the arguments of conv1d and conv2d (pool2d: all but file
// and groups): PyTorch's, one list entry per spatial axis.
var convArgs = []argSpec{{"file", "string", true, true}, {"kernel", "intlist", true, false}, {"input", "intlist", true, false},
	{"stride", "intlist", false, false}, {"padding", "intlist", false, false}, {"dilation", "intlist", false, false}, {"groups", "int", false, false}}

// checkSig matches a call's arguments to a signature and checks each; it
// returns the arguments by name with their constant values where known.
func (c *checker) checkSig(e *env, call *CallExpr, sig callSig) (map[string]*Arg, map[string]float64) {
	byName := map[string]*Arg{}
	vals := map[string]float64{}
	pos := 0
	for _, a := range call.Args {
		var sp *argSpec
		if a.Name == nil {
			if pos < len(sig.args) && sig.args[pos].positional {
				sp = &sig.args[pos]
				pos++
			} else {
				c.errorf(a, "too many positional arguments to %s", call.Fun.Name).Hint = "usage: " + sig.doc
				continue
			}
		} else {
			for i := range sig.args {
				if sig.args[i].name == a.Name.Name {
					sp = &sig.args[i]
				}
			}
			if sp == nil {
				names := make([]string, len(sig.args))
				for i, s := range sig.args {
					names[i] = s.name
				}
				d := c.errorf(a.Name, "%s has no argument %s", call.Fun.Name, a.Name.Name)
				if m := DidYouMean(a.Name.Name, names); m != "" {
					d.Hint = fmt.Sprintf("did you mean %s? usage: %s", m, sig.doc)
				} else {
					d.Hint = "usage: " + sig.doc
				}
				continue
			}
		}
		if byName[sp.name] != nil {
			c.errorf(a, "argument %s given twice", sp.name)
			continue
		}
		byName[sp.name] = a
		if v, ok := c.checkArg(e, a.Value, sp); ok {
			vals[sp.name] = v
		}
	}
	for _, sp := range sig.args {
		if sp.required && byName[sp.name] == nil {
			c.errorf(call, "%s needs the argument %s", call.Fun.Name, sp.name).Hint = "usage: " + sig.doc
		}
	}
	return byName, vals
}

// checkRate checks a Poisson rate: a constant, a list of one rate per
// source, file("rates.csv"), or an expression of t and of the source index
// i (and the size N). ok only for a constant.
func (c *checker) checkRate(x Expr) (float64, bool) {
	switch x := x.(type) {
	case *CallExpr:
		if x.Fun.Name == "file" {
			if len(x.Args) != 1 || x.Args[0].Name != nil {
				c.errorf(x, "file takes one file name: file(\"rates.csv\")")
				return 0, false
			}
			lit, ok := x.Args[0].Value.(*StringLit)
			if !ok {
				c.errorf(x.Args[0], "argument rate: file(...) takes a file name in quotes")
				return 0, false
			}
			c.prog.Exprs[x] = Type{Kind: String}
			if !slices.Contains(c.prog.DataFiles, lit) {
				c.prog.DataFiles = append(c.prog.DataFiles, lit)
			}
			return 0, false
		}
	case *ListExpr:
		e := &env{c: c, noTime: true}
		for _, el := range x.Elems {
			t := e.expr(el)
			if t.Kind == Invalid || !c.expect(el, t, hertzT, "a rate") {
				continue
			}
			if v, ok := constValue(el); ok && v < 0 {
				c.errorf(el, "rates must not be negative")
			}
		}
		c.prog.Exprs[x] = Type{Kind: List, Dim: hertzT.Dim}
		return 0, false
	}
	e := &env{c: c, perNeuron: true, noRandom: "in an input's rate (a rate may depend on t and the source index i)"}
	t := e.expr(x)
	if t.Kind == Invalid || !c.expect(x, t, hertzT, "argument rate") {
		return 0, false
	}
	v, ok := constValue(x)
	if ok && v < 0 {
		c.errorf(x, "argument rate must not be negative")
		return v, false
	}
	return v, ok
}

// checkArg checks one argument against its wanted kind and range.
func (c *checker) checkArg(e *env, x Expr, sp *argSpec) (float64, bool) {
	if sp.want == "ratefn" {
		return c.checkRate(x)
	}
	if sp.want == "signal" { // a current's amplitude: a number or an expression of t (a ramp, a sine)
		e = &env{c: c, noRandom: "in a current's amplitude (it may depend on t)"}
		sp = &argSpec{name: sp.name, want: "number"}
	}
	t := e.expr(x)
	if t.Kind == Invalid {
		return 0, false
	}
	what := "argument " + sp.name
	switch sp.want {
	case "string":
		if t.Kind != String {
			c.errorf(x, "%s must be a file name in quotes, not %s", what, t)
		} else if lit, ok := x.(*StringLit); ok && !slices.Contains(c.prog.DataFiles, lit) {
			c.prog.DataFiles = append(c.prog.DataFiles, lit)
		}
		return 0, false
	case "timelist", "intlist":
		want := timeT.Dim
		if sp.want == "intlist" {
			want = units.Dimensionless
		}
		if t.Kind != List || (t.Dim != want && len(x.(*ListExpr).Elems) > 0) {
			c.errorf(x, "%s must be a list of %s, as in [1 ms, 2 ms]", what, units.Describe(want))
			return 0, false
		}
		for _, el := range x.(*ListExpr).Elems {
			if v, ok := constValue(el); ok && v < 0 {
				c.errorf(el, "%s: values must not be negative", what)
			}
		}
		return 0, false
	case "number":
		if t.Kind != Number {
			c.errorf(x, "%s must be a number, not %s", what, t)
		}
		return 0, false
	}
	want := dimless
	switch sp.want {
	case "time", "time0":
		want = timeT
	case "rate":
		want = hertzT
	}
	if !c.expect(x, t, want, what) {
		return 0, false
	}
	v, ok := constValue(x)
	if !ok {
		return 0, false
	}
	switch sp.want {
	case "int":
		return v, c.checkInt(x, v, 1, what)
	case "count":
		return v, c.checkInt(x, v, 0, what)
	case "prob":
		return v, c.checkProb(x, v, what)
	case "time", "positive":
		if v <= 0 {
			c.errorf(x, "%s must be positive", what)
			return v, false
		}
	case "time0", "rate":
		if v < 0 {
			c.errorf(x, "%s must not be negative", what)
			return v, false
		}
	}
	return v, true
}

func (c *checker) checkNetwork(nd *NetworkDecl) *NetInfo {
	ni := &NetInfo{Decl: nd, Pops: map[string]*PopInfo{}, Scope: map[string]*Symbol{}}
	declare := func(id *Ident, s *Symbol) bool {
		if id == nil {
			return false
		}
		if prev, ok := ni.Scope[id.Name]; ok {
			c.errorf(id, "%s is declared twice in network %s", id.Name, nd.Name.Name).Hint =
				fmt.Sprintf("the first is a %s at %s", prev.describe(), declNamePos(prev.Decl))
			return false
		}
		ni.Scope[id.Name] = s
		return true
	}
	// names first, so items may refer to later ones
	for _, it := range nd.Items {
		switch it := it.(type) {
		case *PopulationDecl:
			p := &PopInfo{Name: it.Name.Name, Pop: it}
			if declare(it.Name, &Symbol{Name: it.Name.Name, Kind: PopSym, Decl: it, Pop: p}) {
				ni.Pops[p.Name] = p
			}
		case *InputDecl:
			p := &PopInfo{Name: it.Name.Name, Input: it}
			if declare(it.Name, &Symbol{Name: it.Name.Name, Kind: PopSym, Decl: it, Pop: p}) {
				ni.Pops[p.Name] = p
			}
		case *ProjectDecl:
			pi := &ProjInfo{Decl: it}
			ni.Projs = append(ni.Projs, pi)
			if it.Name != nil {
				declare(it.Name, &Symbol{Name: it.Name.Name, Kind: ProjSym, Decl: it, Proj: pi})
			}
		}
	}
	var settings []*Setting
	for _, it := range nd.Items {
		switch it := it.(type) {
		case *Setting:
			settings = append(settings, it)
		case *PopulationDecl:
			c.population(ni, ni.Pops[it.Name.Name], it)
		case *InputDecl:
			c.input(ni, it)
		}
	}
	c.settings(settings, []settingSpec{{name: "dt", kind: "time"}, {name: "seed", kind: "int", min: 0}},
		"a network (populations, inputs, projections and records have their own keywords)", nd.Name, nil)
	for _, pi := range ni.Projs {
		c.projection(ni, pi)
	}
	recorded := map[string]Node{}
	written := map[string]recordSite{}
	for _, it := range nd.Items {
		if r, ok := it.(*RecordDecl); ok {
			c.record(ni, r, recorded, written)
		}
	}
	c.wtas(ni)
	return ni
}

func (c *checker) neuronType(id *Ident) *TypeInfo {
	t, ok := c.prog.Types[id.Name]
	if !ok {
		var cands []string
		for n, t := range c.prog.Types {
			if t.Kind == NeuronKind {
				cands = append(cands, n)
			}
		}
		sort.Strings(cands)
		c.unknown(id, "neuron type", cands)
		if len(cands) == 0 {
			c.diags[len(c.diags)-1].Hint = `no neuron types are declared; import "std/neurons" or declare one`
		}
		return nil
	}
	if t.Kind != NeuronKind {
		c.errorf(id, "%s is a %s type; a population needs a neuron type", id.Name, t.Kind)
		return nil
	}
	return t
}

func (c *checker) population(ni *NetInfo, p *PopInfo, d *PopulationDecl) {
	if p == nil || p.Pop != d {
		return
	}
	p.Type = c.neuronType(d.Type)
	size := 1
	e := &env{c: c, noTime: true}
	for _, x := range d.Shape {
		t := e.expr(x)
		if !c.expect(x, t, dimless, "a population size") {
			size = 0
			continue
		}
		v, ok := constValue(x)
		if !ok {
			c.errorf(x, "a population size must be a constant")
			size = 0
			continue
		}
		if !c.checkInt(x, v, 1, "a population size") {
			size = 0
			continue
		}
		p.Shape = append(p.Shape, int(v))
		if size == 0 {
			continue // an earlier dimension is reported already
		}
		if float64(size)*v <= 1<<31 {
			size *= int(v)
		} else {
			c.errorf(x, "population %s is too large (more than 2^31 neurons)", d.Name.Name)
			size = 0
		}
	}
	if len(d.Shape) == 0 {
		c.errorf(d.Type, "population %s needs a size: %s[N]", d.Name.Name, d.Type.Name)
		size = 0
	}
	p.Size = size
	if p.Type != nil {
		c.overrides(p.Type, d.Overrides, "neuron type "+p.Type.Name)
	}
}

// overrides checks `name = value` settings that replace a type's parameter
// or initial value (for populations and projections).
func (c *checker) overrides(t *TypeInfo, list []*Setting, where string) {
	seen := map[string]bool{}
	for _, s := range list {
		c.override(t, s, where, seen)
	}
	c.overrideCycles(t, list)
	if len(list) > 0 {
		c.zeroDivisors(t, list)
	}
}

// overrideCycles reports an override whose value depends on itself, directly
// (`tau_m = 2 * tau_m`) or through other overrides and defaults (`a = b`
// where b defaults to 2 * a): a type's own declarations only read earlier
// ones, so only an override can close a cycle, and lowering it would recurse
// forever.
func (c *checker) overrideCycles(t *TypeInfo, list []*Setting) {
	over := map[string]*Setting{}
	for _, s := range list {
		if sym, ok := t.Scope[s.Name.Name]; ok && (sym.Kind == ParamSym || sym.Kind == StateSym) && over[s.Name.Name] == nil {
			over[s.Name.Name] = s
		}
	}
	value := func(name string) Expr {
		if s := over[name]; s != nil {
			return s.Value
		}
		if sym, ok := t.Scope[name]; ok && (sym.Kind == ParamSym || sym.Kind == StateSym) {
			if v, ok := sym.Decl.(*VarDecl); ok {
				return v.Value
			}
		}
		return nil
	}
	reported := map[string]bool{}
	for _, s := range list {
		name := s.Name.Name
		if over[name] != s || reported[name] {
			continue
		}
		// depth-first from s's value, looking for name; path[n] is how n was reached
		path := map[string]string{}
		var stack []string
		push := func(from string, x Expr) {
			WalkExpr(x, func(x Expr) {
				if id, ok := x.(*Ident); ok {
					if _, seen := path[id.Name]; !seen && value(id.Name) != nil {
						path[id.Name] = from
						stack = append(stack, id.Name)
					}
				}
			})
		}
		push(name, s.Value)
		for len(stack) > 0 && path[name] == "" {
			n := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if n != name {
				push(n, value(n))
			}
		}
		if path[name] == "" {
			continue
		}
		chain := []string{name}
		for n := path[name]; n != name; n = path[n] {
			chain = append([]string{n}, chain...)
			reported[n] = true
		}
		chain = append([]string{name}, chain...)
		d := c.errorf(s.Value, "the value of %s depends on itself (%s)", name, strings.Join(chain, " -> "))
		d.Hint = "an override cannot refer to the value it replaces; write the value out"
	}
}

func (c *checker) override(t *TypeInfo, s *Setting, where string, seen map[string]bool) {
	sym, ok := t.Scope[s.Name.Name]
	if !ok || (sym.Kind != ParamSym && sym.Kind != StateSym) {
		d := c.errorf(s.Name, "%s has no parameter or state variable %s", where, s.Name.Name)
		var cands []string
		for _, o := range t.Order {
			if o.Kind != AliasSym {
				cands = append(cands, o.Name)
			}
		}
		if m := DidYouMean(s.Name.Name, cands); m != "" {
			d.Hint = fmt.Sprintf("did you mean %s?", m)
		}
		return
	}
	if seen[s.Name.Name] {
		c.errorf(s.Name, "%s is set twice", s.Name.Name)
		return
	}
	seen[s.Name.Name] = true
	c.prog.Uses[s.Name] = sym
	if s.IsBlock || s.ExceptSelf {
		c.errorf(s, "%s takes a value: %s = ...", s.Name.Name, s.Name.Name)
		return
	}
	e := &env{c: c, typ: t, noTime: true, initOf: "state", perNeuron: t.Kind == NeuronKind}
	if sym.Kind == ParamSym {
		if t.Kind != NeuronKind {
			e.noRandom = "for a synapse parameter (one value per projection); to draw a value per synapse, make it a state variable"
		}
		e.initOf = "parameters"
	}
	vt := e.expr(s.Value)
	if vt.Kind == Invalid || sym.Type.Kind == Invalid {
		return
	}
	if vt.Kind != sym.Type.Kind {
		c.errorf(s.Value, "%s is %s, not %s", s.Name.Name, sym.Type, vt)
		return
	}
	c.expect(s.Value, vt, sym.Type, s.Name.Name)
}

func (c *checker) input(ni *NetInfo, d *InputDecl) {
	p := ni.Pops[d.Name.Name]
	if p == nil || p.Input != d {
		return
	}
	name := d.Source.Fun.Name
	sig, ok := inputSigs[name]
	if !ok {
		d := c.errorf(d.Source.Fun, "unknown input %s", name)
		if m := DidYouMean(name, mapKeys(inputSigs)); m != "" {
			d.Hint = fmt.Sprintf("did you mean %s?", m)
		} else {
			d.Hint = "inputs: poisson, poisson_group, spikes, spike_times, patterns, current_step, dataset"
		}
		return
	}
	e := &env{c: c, noTime: true}
	args, vals := c.checkSig(e, d.Source, sig)
	if n, ok := vals["n"]; ok {
		p.Size = int(n)
		if n > 1<<31-1 { // as populations: neurons and sources are 32-bit indices
			c.errorf(args["n"], "input %s is too large (more than 2^31 sources)", d.Name.Name)
			p.Size = 0
		}
	}
	if name == "spike_times" && args["times"] != nil && args["indices"] != nil {
		if l1, ok := args["times"].Value.(*ListExpr); ok {
			if l2, ok := args["indices"].Value.(*ListExpr); ok && len(l1.Elems) != len(l2.Elems) {
				c.errorf(args["indices"], "times and indices must have the same length (%d vs %d)", len(l1.Elems), len(l2.Elems))
			}
		}
		if l2, ok := args["indices"].Value.(*ListExpr); ok {
			for _, el := range l2.Elems {
				if v, ok := constValue(el); ok && p.Size > 0 && (v < 0 || v >= float64(p.Size) || v != math.Trunc(v)) {
					c.errorf(el, "index %v is outside 0..%d", v, p.Size-1)
				}
			}
		}
	}
	if name == "spike_times" && args["times"] != nil {
		c.spikeTimesOncePerStep(ni, args)
	}
	if a := args["rate"]; a != nil && name == "poisson" {
		if l, ok := a.Value.(*ListExpr); ok && p.Size > 0 && len(l.Elems) != p.Size {
			c.errorf(l, "%d rates for %d sources; give one rate per source", len(l.Elems), p.Size)
		}
	}
	if r, ok := vals["rate"]; ok && name == "poisson_group" {
		// Brian2's PoissonGroup: at most one spike per step, p = min(1, rate·dt)
		if dt := netDt(ni); r*dt > 1 {
			c.warnf(args["rate"].Value, "poisson_group rate %g Hz is more than one spike per step at dt = %g ms: each source fires every step, %g Hz", r, dt*1e3, 1/dt).Hint =
				"poisson(n, rate = ...) emits a Poisson count per step and keeps the rate; or a smaller dt"
		}
	}
	if r, ok := vals["rate"]; ok && name == "dataset" {
		// a data set's sources emit at most one spike per step: p = min(1, x·rate·dt)
		if dt := netDt(ni); r*dt > 1 {
			c.warnf(args["rate"].Value, "dataset rate %g Hz is more than one spike per step at dt = %g ms: a source of value 1 fires every step, %g Hz", r, dt*1e3, 1/dt).Hint =
				fmt.Sprintf("a smaller dt, or a rate of at most %g Hz", 1/dt)
		}
	}
	if k, ok := vals["active"]; ok && p.Size > 0 && k > float64(p.Size) {
		c.errorf(args["active"].Value, "active must be at most n = %d, not %v", p.Size, k)
	}
	if start, ok := vals["start"]; ok {
		if stop, ok := vals["stop"]; ok && stop <= start {
			c.errorf(args["stop"], "stop must come after start")
		}
	}
	if name != "current_step" {
		if d.Target != nil {
			c.errorf(d.Target, "a spike input connects with `project %s -> %s : port`, not `->` on the input", d.Name.Name, d.Target.Name).Hint =
				"only continuous inputs such as current_step drive a port directly"
		}
		return
	}
	if d.Target == nil {
		c.errorf(d, "current_step drives a continuous port: add `-> Population : port`")
		return
	}
	ts, ok := ni.Scope[d.Target.Name]
	if !ok || ts.Pop == nil || ts.Pop.Type == nil {
		if !ok {
			c.unknown(d.Target, "population", popNames(ni, false))
		} else if ts.Pop != nil && ts.Pop.Input != nil {
			c.errorf(d.Target, "%s is an input; a current drives a population", d.Target.Name)
		}
		return
	}
	c.prog.Uses[d.Target] = ts
	if d.Slice != nil && c.view(ts.Pop, d.Slice) == nil {
		return
	}
	port, ok := ts.Pop.Type.Ports[d.Port.Name]
	if ok {
		c.prog.Ports[d.Port] = port
	}
	if !ok || !port.Continuous {
		de := c.errorf(d.Port, "%s has no continuous input port %s", ts.Pop.Type.Name, d.Port.Name)
		var cands []string
		for n, p := range ts.Pop.Type.Ports {
			if p.Continuous {
				cands = append(cands, n)
			}
		}
		if m := DidYouMean(d.Port.Name, cands); m != "" {
			de.Hint = fmt.Sprintf("did you mean %s?", m)
		} else if len(cands) == 0 {
			de.Hint = fmt.Sprintf("declare one in %s: inputs { I_ext: current }", ts.Pop.Type.Name)
		}
		return
	}
	if a := args["amplitude"]; a != nil {
		c.expect(a.Value, c.prog.Exprs[a.Value], num(port.Dim), "the amplitude for port "+d.Port.Name)
	}
}

func popNames(ni *NetInfo, inputs bool) []string {
	var out []string
	for n, p := range ni.Pops {
		if p.Type != nil || inputs {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// spikeSource resolves a presynaptic name: a population or a spike input.
func (c *checker) popRef(ni *NetInfo, id *Ident, pre bool) *PopInfo {
	s, ok := ni.Scope[id.Name]
	if !ok {
		c.unknown(id, "population", popNames(ni, pre))
		return nil
	}
	c.prog.Uses[id] = s
	if s.Pop == nil {
		c.errorf(id, "%s is a %s, not a population", id.Name, s.describe())
		return nil
	}
	if s.Pop.Input != nil {
		if !pre {
			c.errorf(id, "%s is an input and cannot receive a projection", id.Name)
			return nil
		}
		if s.Pop.Input.Source.Fun.Name == "current_step" {
			c.errorf(id, "%s is a current, not a spike source", id.Name).Hint = "a current drives a port directly: input I = current_step(...) -> Pop : port"
			return nil
		}
	}
	return s.Pop
}

// view checks a population view p[lo:hi] (bounds constant whole numbers,
// 0 <= lo < hi <= size) and returns p seen through it: its size hi-lo, no
// shape, named E[lo:hi]; nil when it is wrong (reported).
func (c *checker) view(p *PopInfo, sl *Slice) *PopInfo {
	e := &env{c: c, noTime: true}
	lo, hi, ok := 0.0, float64(p.Size), true
	for k, b := range []Expr{sl.Lo, sl.Hi} {
		if b == nil {
			continue
		}
		if !c.expect(b, e.expr(b), dimless, "a bound of a population view") {
			ok = false
			continue
		}
		v, isConst := constValue(b)
		if !isConst {
			c.errorf(b, "a bound of a population view must be a constant")
			ok = false
			continue
		}
		if !c.checkInt(b, v, 0, "a bound of a population view") {
			ok = false
			continue
		}
		if p.Size > 0 && v > float64(p.Size) {
			c.errorf(b, "%s%s is out of range: %s has %d neurons (0..%d)", p.Name, sliceText(sl), p.Name, p.Size, p.Size-1).Hint =
				fmt.Sprintf("the view [lo:hi] holds neurons lo..hi-1; the whole population is %s[0:%d]", p.Name, p.Size)
			ok = false
			continue
		}
		if k == 0 {
			lo = v
		} else {
			hi = v
		}
	}
	if !ok {
		return nil
	}
	if p.Size == 0 {
		c.errorf(sl, "%s has no size known before the run (it is read from a file), so it has no view", p.Name)
		return nil
	}
	if hi <= lo {
		c.errorf(sl, "empty population view %s%s: no neurons between %v and %v", p.Name, sliceText(sl), lo, hi).Hint = "the view [lo:hi] holds neurons lo..hi-1; hi must be above lo"
		return nil
	}
	v := *p
	v.Size, v.Shape = int(hi-lo), nil
	v.Name = fmt.Sprintf("%s[%d:%d]", p.Name, int(lo), int(hi))
	return &v
}

func (c *checker) projection(ni *NetInfo, pi *ProjInfo) {
	d := pi.Decl
	pres, posts := c.projEnds(ni, d)
	if d.Synapse != nil {
		t, ok := c.prog.Types[d.Synapse.Name]
		switch {
		case !ok:
			var cands []string
			for n, t := range c.prog.Types {
				if t.Kind == SynapseKind {
					cands = append(cands, n)
				}
			}
			c.unknown(d.Synapse, "synapse type", cands)
		case t.Kind != SynapseKind:
			c.errorf(d.Synapse, "%s is a neuron type; `using` needs a synapse type", d.Synapse.Name)
		default:
			pi.Synapse = t
		}
	}
	// the port must exist on every postsynaptic type
	ports := c.projPorts(d, pi, posts)
	// segment dendrites learn permanences; continuous ones sum weighted input
	toDendrite := len(ports) > 0 && ports[0].Dendrite != nil && !ports[0].Dendrite.Continuous
	toContinuous := len(ports) > 0 && ports[0].Dendrite != nil && ports[0].Dendrite.Continuous
	if (toDendrite || toContinuous) && pi.Synapse != nil {
		c.errorf(d.Synapse, "a projection onto the dendrite %s learns by the dendrite's own rule; drop `using %s`", d.Port.Name, d.Synapse.Name)
	}
	// bind the synapse to each (pre, post, port): it may read pre./post.
	// and its projection's weight, and what it delivers must suit the port.
	var weightT *Type
	for _, it := range d.Items {
		if s, ok := it.(*Setting); ok && s.Name.Name == "weight" && !s.IsBlock {
			t := (&env{c: c, noTime: true}).expr(s.Value)
			weightT = &t
		}
	}
	c.bindSynapse(d, pi, pres, posts, weightT, toDendrite)
	seen := map[string]bool{}
	hasConnect, hasWeight := false, false
	var synOverrides []*Setting
	normalized := false
	for _, it := range d.Items {
		switch it := it.(type) {
		case *Setting:
			switch it.Name.Name {
			case "connect":
				hasConnect = true
				c.connector(it, pres, posts)
			case "weight":
				hasWeight = true
				c.weightSetting(it, pi, ports, toDendrite)
			case "delay":
				// a draw gives every synapse its own delay: static synapses
				// onto an event port only
				e := &env{c: c, noTime: true}
				switch {
				case pi.Synapse != nil && pi.Synapse.Summed != nil:
					e.noRandom = "in the delay of a projection with a summed synapse: it drives a continuous port every step, without delays"
				case toDendrite || toContinuous:
					e.noRandom = "in the delay of a projection onto a dendrite: its synapses share one delay"
				}
				c.wantNonNegative(it.Value, e.expr(it.Value), timeT, "delay")
				c.drawnDelay(ni, it.Value)
			default:
				if pi.Synapse == nil && d.Synapse != nil {
					continue // the unknown synapse type is reported already
				}
				if pi.Synapse == nil {
					d := c.errorf(it.Name, "unknown setting %s in a projection", it.Name.Name)
					if m := DidYouMean(it.Name.Name, []string{"connect", "weight", "delay"}); m != "" {
						d.Hint = fmt.Sprintf("did you mean %s?", m)
					} else {
						d.Hint = "a projection without `using` takes connect, weight and delay"
					}
					continue
				}
				c.override(pi.Synapse, it, "synapse type "+pi.Synapse.Name, seen)
				synOverrides = append(synOverrides, it)
				continue
			}
			if seen[it.Name.Name] {
				c.errorf(it.Name, "%s is set twice", it.Name.Name)
			}
			seen[it.Name.Name] = true
			if it.ExceptSelf && it.Name.Name != "connect" {
				c.errorf(it, "`except self` belongs to connect")
			}
		case *NormalizeStmt:
			if pi.Synapse == nil && d.Synapse != nil {
				continue
			}
			if normalized {
				c.errorf(it, "a projection has one normalize").Hint = "keep one normalize sum(...) or normalize l2(...)"
				continue
			}
			normalized = true
			c.normalize(it, pi)
		case *ModulatorItem:
			if pi.Synapse == nil && d.Synapse != nil {
				continue
			}
			if pi.Synapse == nil {
				c.errorf(it, "a modulator needs a synapse type with `on modulator %s`: add `using`", it.Name.Name)
				continue
			}
			if !pi.Synapse.Mods[it.Name.Name] {
				c.errorf(it.Name, "synapse %s has no `on modulator %s` handler", pi.Synapse.Name, it.Name.Name)
			}
			src := c.popRef(ni, it.Source, true)
			if x := pi.Synapse.ModDraws[it.Name.Name]; x != nil && !it.PerPost {
				d := c.errorf(it, "synapse %s draws %s() in `on modulator %s`, which this binding runs on every synapse once per spike of %s: several spikes in one step would repeat the draws",
					pi.Synapse.Name, x.Fun.Name, it.Name.Name, it.Source.Name)
				d.Hint = fmt.Sprintf("bind it per postsynaptic neuron (neuron j of %s modulates the synapses onto neuron j): modulator %s = %s one_to_one", it.Source.Name, it.Name.Name, it.Source.Name)
			}
			if it.PerPost && src != nil {
				for _, post := range posts {
					if post != nil && src.Size != 0 && src.Size != post.Size {
						c.errorf(it.Source, "modulator %s = %s one_to_one: %s has %d neurons but the postsynaptic %s has %d", it.Name.Name, it.Source.Name, it.Source.Name, src.Size, post.Name, post.Size).Hint =
							"one_to_one pairs neuron j of the modulator with postsynaptic neuron j: the sizes must be equal"
					}
				}
			}
		}
	}
	c.weightedConnector(d)
	if pi.Synapse != nil {
		c.overrideCycles(pi.Synapse, synOverrides)
		if len(synOverrides) > 0 {
			c.zeroDivisors(pi.Synapse, synOverrides)
		}
	}
	if !hasConnect {
		c.errorf(d, "projection needs connect = ..., e.g. connect = bernoulli(0.02)")
	}
	if !hasWeight && d.Synapse == nil && !toDendrite && !toContinuous {
		c.errorf(d, "projection without a synapse type needs weight = ...").Hint = "or bind a synapse: using Static"
	}
}

// projEnds resolves a projection's presynaptic and postsynaptic
// populations (views included; `except self` does not go with a view).
func (c *checker) projEnds(ni *NetInfo, d *ProjectDecl) (pres, posts []*PopInfo) {
	for k, id := range d.Pre {
		if p := c.popRef(ni, id, true); p != nil {
			if k < len(d.PreSlice) && d.PreSlice[k] != nil {
				if p = c.view(p, d.PreSlice[k]); p == nil {
					continue
				}
			}
			pres = append(pres, p)
		}
	}
	for k, id := range d.Post {
		if p := c.popRef(ni, id, false); p != nil {
			if k < len(d.PostSlice) && d.PostSlice[k] != nil {
				if p = c.view(p, d.PostSlice[k]); p == nil {
					continue
				}
			}
			posts = append(posts, p)
		}
	}
	if len(d.PreSlice)+len(d.PostSlice) > 0 {
		for _, it := range d.Items {
			if s, ok := it.(*Setting); ok && s.ExceptSelf {
				c.errorf(s, "`except self` does not go with a population view ([lo:hi]): neuron i of one view is not neuron i of the other").Hint =
					"connect the whole population with except self, or leave it out"
			}
		}
	}
	return pres, posts
}

// projPorts finds the projection's port on every postsynaptic type (it
// must exist on each) and checks that spikes or a summed synapse can
// drive it.
func (c *checker) projPorts(d *ProjectDecl, pi *ProjInfo, posts []*PopInfo) []*PortInfo {
	var ports []*PortInfo
	for i, p := range posts {
		if p.Type == nil {
			continue
		}
		port, ok := p.Type.Ports[d.Port.Name]
		if !ok {
			de := c.errorf(d.Port, "neuron type %s (population %s) has no input %s", p.Type.Name, p.Name, d.Port.Name)
			var cands []string
			for n, pp := range p.Type.Ports {
				if !pp.Continuous {
					cands = append(cands, n)
				}
			}
			sort.Strings(cands)
			if m := DidYouMean(d.Port.Name, cands); m != "" {
				de.Hint = fmt.Sprintf("did you mean %s?", m)
			} else if len(cands) > 0 {
				de.Hint = fmt.Sprintf("%s has the inputs %v", p.Type.Name, cands)
			}
			continue
		}
		if c.prog.Ports[d.Port] == nil {
			c.prog.Ports[d.Port] = port // the first post type's, for tools
		}
		if port.Continuous && port.Dendrite == nil && pi.Synapse != nil && pi.Synapse.Summed != nil {
			// a summed synapse drives it; its weight is in the port's unit
			cp := *port
			cp.Weight = port.Dim
			ports = append(ports, &cp)
			continue
		}
		if port.Continuous {
			c.errorf(d.Port, "%s is a continuous port of %s; spikes need an event port (name: var += weight) or a segment dendrite", d.Port.Name, p.Type.Name).Hint =
				"drive a continuous port with input I = current_step(...) -> " + d.Post[i].Name + " : " + d.Port.Name + ", or a synapse with summed = ..."
			continue
		}
		if pi.Synapse != nil && pi.Synapse.Summed != nil {
			c.errorf(d.Port, "synapse %s has a summed output; %s must be a continuous port of %s", pi.Synapse.Name, d.Port.Name, p.Type.Name).Hint =
				"declare it in inputs { " + d.Port.Name + ": continuous UNIT }"
			continue
		}
		ports = append(ports, port)
	}
	return ports
}

// bindSynapse checks the synapse type against each (pre, post, port): it
// may read pre./post. and its projection's weight (of type weightT, nil
// without one), and what it delivers must suit the port.
func (c *checker) bindSynapse(d *ProjectDecl, pi *ProjInfo, pres, posts []*PopInfo, weightT *Type, toDendrite bool) {
	if syn := pi.Synapse; syn != nil && !toDendrite {
		if syn.UsesWeight && weightT == nil {
			c.errorf(d.Synapse, "synapse %s reads its projection's weight: add weight = ... to this projection", syn.Name)
		}
		for i, pre := range pres {
			if pre.Type == nil && c.deferredPre[syn] {
				c.errorf(d.Pre[i], "synapse %s reads pre.<variable>, but %s is an input without neuron state", syn.Name, pre.Name)
				continue
			}
			for _, post := range posts {
				if post.Type == nil {
					continue
				}
				port := post.Type.Ports[d.Port.Name]
				if port == nil {
					continue
				}
				if syn.Summed != nil {
					if !port.Continuous || port.Dendrite != nil {
						continue // reported above
					}
					w := num(port.Dim)
					dl := c.recheckSynapse(syn, pre.Type, post.Type, &w)
					if st := dl.summed; st != nil && st.Kind == Number && st.Dim != port.Dim {
						de := c.errorf(syn.Summed.Value, "synapse %s sums %s but input %s of %s is %s", syn.Name, *st, d.Port.Name, post.Type.Name, num(port.Dim))
						de.Hint = fmt.Sprintf("units: %s vs %s", unitOf(st.Dim), unitOf(port.Dim))
					}
					continue
				}
				if port.Continuous {
					continue
				}
				w := num(port.Weight)
				dl := c.recheckSynapse(syn, pre.Type, post.Type, &w)
				c.checkDelivery(d, syn, post.Type, d.Port.Name, dl.plain)
				for _, name := range sortedKeys(dl.to) {
					c.checkDelivery(d, syn, post.Type, name, &dl.to[name].Type)
				}
			}
		}
	}
}

// checkDelivery checks what a synapse delivers into a port of post.
func (c *checker) checkDelivery(d *ProjectDecl, syn, post *TypeInfo, port string, t *Type) {
	if t == nil || t.Kind != Number {
		return
	}
	p, ok := post.Ports[port]
	if !ok || p.Continuous || p.Dendrite != nil {
		de := c.errorf(d.Synapse, "synapse %s delivers to %s, which is not an event input of %s", syn.Name, port, post.Name)
		if m := DidYouMean(port, mapKeys(post.Ports)); m != "" {
			de.Hint = fmt.Sprintf("did you mean %s?", m)
		}
		return
	}
	if t.Dim != p.Weight {
		de := c.errorf(d.Synapse, "synapse %s delivers %s but input %s of %s expects %s", syn.Name, *t, port, post.Name, num(p.Weight))
		de.Hint = fmt.Sprintf("units: %s vs %s", unitOf(t.Dim), unitOf(p.Weight))
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := mapKeys(m)
	sort.Strings(keys)
	return keys
}

// delivery is what a synapse delivers in one binding.
type delivery struct {
	plain  *Type
	to     map[string]*DeliverTo
	summed *Type
}

// recheckSynapse checks a synapse's bodies again with pre./post. and
// weight bound, and returns what it delivers in that binding.
func (c *checker) recheckSynapse(syn, pre, post *TypeInfo, weight *Type) delivery {
	if !c.deferredSyn[syn] {
		return delivery{syn.Deliver, syn.DeliverTo, syn.SummedType}
	}
	key := bindKey{syn, pre, post, *weight}
	if dl, ok := c.rechecked[key]; ok {
		return dl
	}
	tc := &typeChecker{c: c, info: syn, aliases: map[*Symbol]*Alias{}, status: map[*Symbol]int{}, odes: map[*Symbol]bool{},
		pre: pre, post: post, weight: weight}
	// named expressions may read pre./post. too: type them again for this
	// binding, and restore their type-level types afterwards
	saved := map[*Symbol]Type{}
	for _, s := range syn.Scope {
		if a, ok := s.Decl.(*Alias); ok && s.Kind == AliasSym {
			tc.aliases[s] = a
			tc.aliasOrder = append(tc.aliasOrder, s)
			saved[s] = s.Type
		}
	}
	sort.Slice(tc.aliasOrder, func(i, j int) bool {
		return tc.aliasOrder[i].Decl.Range().Pos.Offset < tc.aliasOrder[j].Decl.Range().Pos.Offset
	})
	hook, deliver, to, summed := c.aliasHook, syn.Deliver, syn.DeliverTo, syn.SummedType
	c.aliasHook = func(s *Symbol) {
		if a, ok := tc.aliases[s]; ok {
			tc.resolveAlias(s, a)
		}
	}
	syn.Deliver, syn.DeliverTo = nil, map[string]*DeliverTo{}
	tc.body(syn, syn.Decl.Members)
	bound := delivery{syn.Deliver, syn.DeliverTo, syn.SummedType}
	c.aliasHook, syn.Deliver, syn.DeliverTo, syn.SummedType = hook, deliver, to, summed
	for s, t := range saved {
		s.Type = t
	}
	c.rechecked[key] = bound
	return bound
}

type bindKey struct {
	syn, pre, post *TypeInfo
	weight         Type
}

func (c *checker) connector(s *Setting, pres, posts []*PopInfo) {
	if s.IsBlock {
		c.errorf(s, "connect takes a connector: connect = bernoulli(0.02)")
		return
	}
	var call *CallExpr
	switch v := s.Value.(type) {
	case *CallExpr:
		call = v
	case *Ident:
		call = &CallExpr{Span: v.Span, Fun: v}
	default:
		c.errorf(s.Value, "connect needs a connector such as all_to_all or bernoulli(0.02)")
		return
	}
	sig, ok := connectorSigs[call.Fun.Name]
	if !ok {
		d := c.errorf(call.Fun, "unknown connector %s", call.Fun.Name)
		if m := DidYouMean(call.Fun.Name, mapKeys(connectorSigs)); m != "" {
			d.Hint = fmt.Sprintf("did you mean %s?", m)
		} else {
			d.Hint = "connectors: all_to_all, one_to_one, bernoulli(p), fan_in(k), fan_out(k), fixed_total_number(k), gaussian(sigma), from_file(\"f.csv\"), matrix(\"w.csv\"), conv1d, conv2d, pool2d"
		}
		return
	}
	args, vals := c.checkSig(&env{c: c, noTime: true}, call, sig)
	switch call.Fun.Name {
	case "conv1d", "conv2d", "pool2d":
		if s.ExceptSelf {
			c.errorf(s, "`except self` does not go with %s: a convolution has no neuron-to-partner pairs", call.Fun.Name)
			return
		}
		c.convGeometry(s, call, args, vals, pres, posts)
	case "one_to_one":
		for _, a := range pres {
			for _, b := range posts {
				if a.Size > 0 && b.Size > 0 && a.Size != b.Size {
					c.errorf(s.Value, "one_to_one needs equal sizes, but %s has %d and %s has %d", a.Name, a.Size, b.Name, b.Size)
				}
			}
		}
	case "fan_in", "fan_out":
		// `except self` leaves one candidate fewer (as the run counts them)
		what, side := "inputs", pres
		if call.Fun.Name == "fan_out" {
			what, side = "targets", posts
		}
		for _, a := range side {
			n, self := a.Size, ""
			if s.ExceptSelf {
				n, self = a.Size-1, " once `except self` drops one"
			}
			if k, ok := vals["k"]; ok && a.Size > 0 && int(k) > n {
				c.errorf(s.Value, "%s(%d) asks for more %s than %s has%s (%d)", call.Fun.Name, int(k), what, a.Name, self, n)
			}
		}
	case "gaussian":
		for _, p := range append(append([]*PopInfo{}, pres...), posts...) {
			if p.Pop != nil && len(p.Shape) < 2 {
				c.errorf(s.Value, "gaussian needs shaped populations such as %s[28, 28]; %s is one-dimensional", typeName(p), p.Name)
				break
			}
		}
	}
	if s.ExceptSelf {
		// i -> i is dropped between any two populations (a cell and its
		// partner, e.g. E -> I one to one, I -> E all but the partner)
		for _, a := range pres {
			for _, b := range posts {
				if a.Size > 0 && b.Size > 0 && a.Size != b.Size {
					d := c.errorf(s, "`except self` drops the synapse from neuron i to neuron i, but %s has %d neurons and %s %d", a.Name, a.Size, b.Name, b.Size)
					d.Hint = "use it within one population or between populations of the same size"
				}
			}
		}
	}
}

// drawnDelay: a delay drawn per synapse is drawn again while below dt
// (rt.NewSynDelays, at most 1000 times), so a distribution that
// almost never reaches dt is refused here instead of failing at the run:
// uniform(a, b) with b < dt, normal(mu, sigma) with P(x >= dt) < 0.1 %.
func (c *checker) drawnDelay(ni *NetInfo, x Expr) {
	call, ok := x.(*CallExpr)
	if !ok || len(call.Args) != 2 || call.Args[0].Name != nil || call.Args[1].Name != nil {
		return
	}
	a, ok1 := constValue(call.Args[0].Value)
	b, ok2 := constValue(call.Args[1].Value)
	if !ok1 || !ok2 {
		return
	}
	dt := netDt(ni)
	var d *Diagnostic
	switch call.Fun.Name {
	case "uniform":
		if max(a, b) < dt {
			d = c.errorf(x, "every delay uniform() draws is below dt = %g ms, and a drawn delay below dt is drawn again", dt*1e3)
		}
	case "normal":
		if b <= 0 && a < dt || b > 0 && (dt-a)/b > 3.09 {
			d = c.errorf(x, "normal() draws a delay below dt = %g ms more than 99.9 %% of the time, and a drawn delay below dt is drawn again", dt*1e3)
		}
	}
	if d != nil {
		d.Hint = "give a distribution that mostly lies at or above dt, or one delay for the projection"
	}
}

func (c *checker) weightSetting(s *Setting, pi *ProjInfo, ports []*PortInfo, toDendrite bool) {
	if toDendrite {
		c.errorf(s, "a projection onto a dendrite has permanences, not weights; drop weight")
		return
	}
	if pi.Synapse != nil && !pi.Synapse.UsesWeight {
		c.errorf(s.Name, "synapse %s does not read weight; set its own variables instead", pi.Synapse.Name).Hint =
			"e.g. w = uniform(0, w_max)"
		return
	}
	e := &env{c: c, noTime: true}
	if pi.Synapse != nil {
		// the backends keep a synapse type's weight as one number
		e.noRandom = "in the weight of a projection with a synapse type: the backends keep it as one number (draw the synapse's own state instead, e.g. w = uniform(0, w_max))"
	}
	t := e.expr(s.Value)
	if t.Kind == Invalid {
		return
	}
	for _, p := range ports {
		if !c.expect(s.Value, t, num(p.Weight), "the weight for input "+p.Name) {
			return
		}
	}
}

func (c *checker) normalize(n *NormalizeStmt, pi *ProjInfo) {
	if n.Func.Name != "sum" && n.Func.Name != "l2" {
		c.errorf(n.Func, "normalize supports sum(...) and l2(...), not %s(...)", n.Func.Name)
	}
	e := &env{c: c, noTime: true}
	target := e.expr(n.Target)
	c.wantPositive(n.Every, e.expr(n.Every), timeT, "the normalisation interval")
	if pi.Synapse == nil {
		c.errorf(n, "normalize needs a plastic synapse: add `using <Synapse>`")
		return
	}
	s, ok := pi.Synapse.Scope[n.Var.Name]
	if !ok || s.Kind != StateSym {
		d := c.errorf(n.Var, "synapse %s has no state variable %s", pi.Synapse.Name, n.Var.Name)
		if m := DidYouMean(n.Var.Name, varNames(pi.Synapse)); m != "" {
			d.Hint = fmt.Sprintf("did you mean %s?", m)
		}
		return
	}
	c.prog.Uses[n.Var] = s
	if s.Type.Kind == Bool {
		c.errorf(n.Var, "normalize rescales numbers; %s is boolean", n.Var.Name)
		return
	}
	if target.Kind == Number && s.Type.Kind == Number {
		c.expect(n.Target, target, s.Type, "the normalisation target (the unit of "+n.Var.Name+")")
	}
	if v, ok := constValue(n.Target); ok && v < 0 {
		c.errorf(n.Target, "the normalisation target must not be negative")
	}
}

// recordedTwice reports a variable or weights(P) recorded by two targets:
// both would write the same files (E_v.npy, ...), the second over the
// first. (spikes(E) twice writes the same spikes twice, which loses nothing.)
func (c *checker) recordedTwice(x Expr, seen map[string]Node) {
	var key string
	switch y := x.(type) {
	case *CallExpr:
		if y.Fun.Name == "spikes" {
			// spikes(E) and spikes(E[0:5]) write the same files (two
			// recordings of the same neurons write the same contents)
			view := func(x Expr) string {
				if ix, ok := x.(*IndexExpr); ok {
					return sliceText(&Slice{Lo: ix.Lo, Hi: ix.Hi})
				}
				return ""
			}
			for _, a := range y.Args {
				v := a.Value
				if ix, ok := v.(*IndexExpr); ok {
					v = ix.X
				}
				id, ok := v.(*Ident)
				if !ok {
					continue
				}
				key := "spikes(" + id.Name + ")"
				if first, dup := seen[key]; dup && view(first.(Expr)) != view(a.Value) {
					d := c.errorf(a.Value, "the spikes of %s are recorded twice (also on line %d); their files would hold only one of the recordings", id.Name, first.Range().Pos.Line)
					d.Hint = "record them once, with a view covering both: spikes(" + id.Name + ") or spikes(" + id.Name + "[lo:hi])"
					continue
				}
				seen[key] = a.Value
			}
			return
		}
		if y.Fun.Name != "weights" || len(y.Args) != 1 {
			return
		}
		id, ok := y.Args[0].Value.(*Ident)
		if !ok {
			return
		}
		key = "weights(" + id.Name + ")"
	default:
		if ix, ok := y.(*IndexExpr); ok {
			y = ix.X
		}
		for y != nil {
			switch z := y.(type) {
			case *FieldExpr:
				key, y = "."+z.Name.Name+key, z.X
			case *Ident:
				key, y = z.Name+key, nil
			default:
				key, y = "", nil
			}
		}
		if key == "" || !strings.Contains(key, ".") {
			return
		}
	}
	if first, dup := seen[key]; dup {
		d := c.errorf(x, "%s is recorded twice (also on line %d); its files would hold only one of the recordings", key, first.Range().Pos.Line)
		d.Hint = "record it once: a slice covering both, e.g. E.v[0:10] every 1 ms"
		return
	}
	seen[key] = x
}

// record checks `record spikes(A, B)`, `record weights(P)`, `record P.v[0:5]`.
func (c *checker) record(ni *NetInfo, r *RecordDecl, recorded map[string]Node, written map[string]recordSite) {
	stateful := false
	for _, x := range r.Targets {
		before := len(c.diags) // check for duplicates only targets without errors
		switch x := x.(type) {
		case *CallExpr:
			switch x.Fun.Name {
			case "spikes":
				if len(x.Args) == 0 {
					c.errorf(x, "spikes(...) needs at least one population")
				}
				for _, a := range x.Args {
					val := a.Value
					ix, isIndex := val.(*IndexExpr)
					if isIndex {
						val = ix.X
					}
					id, ok := val.(*Ident)
					if !ok || a.Name != nil {
						c.errorf(a, "spikes(...) takes population names or views, e.g. spikes(E, I[0:10])")
						continue
					}
					p := c.popRef(ni, id, true)
					if p == nil || !isIndex {
						continue
					}
					if !ix.IsSlice {
						c.errorf(ix, "spikes(%s[...]) needs a view lo:hi", id.Name).Hint = fmt.Sprintf("one neuron is a view of one: %s[3:4]", id.Name)
						continue
					}
					c.view(p, &Slice{Span: ix.Span, Lo: ix.Lo, Hi: ix.Hi})
				}
			case "weights":
				stateful = true
				c.recordWeights(ni, x)
			default:
				d := c.errorf(x.Fun, "cannot record %s(...)", x.Fun.Name)
				d.Hint = "record spikes(Pop), Pop.var, Pop.var[0:10] or weights(projection)"
			}
		default:
			stateful = true
			c.recordVar(ni, x)
		}
		if len(c.diags) == before {
			c.recordedTwice(x, recorded)
		}
		if len(c.diags) == before {
			c.outputCollisions(ni, x, written)
		}
	}
	if r.Every != nil {
		e := &env{c: c, noTime: true}
		c.wantPositive(r.Every, e.expr(r.Every), timeT, "the recording interval")
		if !stateful {
			c.errorf(r.Every, "spikes are recorded as events; `every` applies to state variables and weights")
		}
	}
	if r.AtEnd {
		for _, x := range r.Targets {
			if call, ok := x.(*CallExpr); !ok || call.Fun.Name != "weights" || r.Every == nil {
				d := c.errorf(x, "`at end` applies to `record weights(P) every T` only")
				d.Hint = "state is sampled at the start of each step; weights without `every` once, after the last step"
				break
			}
		}
	}
}

func (c *checker) recordWeights(ni *NetInfo, x *CallExpr) {
	if len(x.Args) != 1 {
		c.errorf(x, "weights(...) takes one named projection")
		return
	}
	id, ok := x.Args[0].Value.(*Ident)
	if !ok {
		c.errorf(x.Args[0], "weights(...) takes the name of a projection (project name = A -> B ...)")
		return
	}
	s, ok := ni.Scope[id.Name]
	if !ok || s.Kind != ProjSym {
		d := c.errorf(id, "%s is not a named projection", id.Name)
		var cands []string
		for n, s := range ni.Scope {
			if s.Kind == ProjSym {
				cands = append(cands, n)
			}
		}
		if m := DidYouMean(id.Name, cands); m != "" {
			d.Hint = fmt.Sprintf("did you mean %s?", m)
		} else {
			d.Hint = "name the projection: project name = A -> B : port ..."
		}
		return
	}
	c.prog.Uses[id] = s
	if s.Proj.Synapse == nil && s.Proj.Decl.Synapse != nil {
		return
	}
	for _, post := range s.Proj.Decl.Post {
		if p := ni.Pops[post.Name]; p != nil && p.Type != nil {
			if port := p.Type.Ports[s.Proj.Decl.Port.Name]; port != nil && port.Dendrite != nil && !port.Dendrite.Continuous {
				c.errorf(x, "%s projects onto the segment dendrite %s: its synapses are permanences on segments that grow and die, not weights to record", id.Name, port.Name)
				return
			}
		}
	}
	if syn := s.Proj.Synapse; syn != nil {
		if w, ok := syn.Scope["w"]; (!ok || w.Kind != StateSym) && !syn.UsesWeight {
			c.errorf(x, "synapse %s has no state variable w; record %s.<variable> instead", syn.Name, id.Name)
		}
	}
}

func (c *checker) recordVar(ni *NetInfo, x Expr) {
	var lo, hi Expr
	slice := false
	if ix, ok := x.(*IndexExpr); ok {
		lo, hi, slice = ix.Lo, ix.Hi, ix.IsSlice
		x = ix.X
	}
	f, ok := x.(*FieldExpr)
	if !ok {
		c.errorf(x, "cannot record this; record spikes(Pop), Pop.var, Pop.var[0:10] or weights(projection)")
		return
	}
	// Pop.comp.var: a variable of one of the neuron's compartments
	var comp *Ident
	if inner, isField := f.X.(*FieldExpr); isField {
		comp = inner.Name
		f = &FieldExpr{Span: f.Span, X: inner.X, Name: f.Name}
	}
	id, ok := f.X.(*Ident)
	if !ok {
		c.errorf(f.X, "expected a population or projection name")
		return
	}
	s, ok := ni.Scope[id.Name]
	if !ok {
		c.unknown(id, "population", popNames(ni, false))
		return
	}
	c.prog.Uses[id] = s
	var t *TypeInfo
	size := 0
	switch {
	case s.Kind == ProjSym:
		t = s.Proj.Synapse
		if t == nil && s.Proj.Decl.Synapse != nil {
			return // unknown synapse type, reported
		}
		if t == nil {
			c.errorf(f, "projection %s has no synapse type; record weights(%s)", id.Name, id.Name)
			return
		}
	case s.Pop != nil && s.Pop.Type != nil:
		t, size = s.Pop.Type, s.Pop.Size
	case s.Pop != nil && s.Pop.Pop != nil:
		return // a population of an unknown type, reported
	default:
		c.errorf(id, "%s is an input and has no state to record", id.Name)
		return
	}
	if comp != nil {
		cs, ok := t.Scope[comp.Name]
		if !ok || cs.Kind != CompSym {
			d := c.errorf(comp, "%s has no compartment %s", t.Name, comp.Name)
			d.Hint = "record Pop.var, or Pop.compartment.var for a variable of a compartment"
			return
		}
		c.prog.Uses[comp] = cs
		t = cs.Comp
	}
	v, ok := t.Scope[f.Name.Name]
	if !ok || (v.Kind != StateSym && v.Kind != AliasSym && v.Kind != PortSym) {
		d := c.errorf(f.Name, "%s has no variable %s to record", t.Name, f.Name.Name)
		if m := DidYouMean(f.Name.Name, varNames(t)); m != "" {
			d.Hint = fmt.Sprintf("did you mean %s?", m)
		}
		return
	}
	c.prog.Uses[f.Name] = v
	e := &env{c: c, noTime: true}
	for _, b := range []Expr{lo, hi} {
		if b == nil {
			continue
		}
		bt := e.expr(b)
		if !c.expect(b, bt, dimless, "an index") {
			continue
		}
		val, ok := constValue(b)
		if !ok {
			c.errorf(b, "an index must be a constant")
			continue
		}
		max := float64(size)
		if !slice {
			max = float64(size - 1)
		}
		if c.checkInt(b, val, 0, "an index") && size > 0 && val > max {
			c.errorf(b, "index %v is out of range: %s has %d neurons", val, id.Name, size)
		}
	}
	if l, ok := constValue0(lo); ok {
		if h, ok := constValue0(hi); ok && slice && h <= l {
			c.errorf(hi, "empty slice: %v:%v", l, h)
		}
	}
}

func constValue0(x Expr) (float64, bool) {
	if x == nil {
		return 0, false
	}
	return constValue(x)
}

// ConstValue evaluates a literal-only expression in SI units (for the IR
// builder; the checker has already reported non-constant ones).
func ConstValue(x Expr) (float64, bool) { return constValue(x) }

// NamedArgs maps the arguments of an input or connector call to their
// parameter names, positional ones included.
func NamedArgs(call *CallExpr) map[string]Expr {
	sig, ok := inputSigs[call.Fun.Name]
	if !ok {
		sig = connectorSigs[call.Fun.Name]
	}
	out := map[string]Expr{}
	pos := 0
	for _, a := range call.Args {
		switch {
		case a.Name != nil:
			out[a.Name.Name] = a.Value
		case pos < len(sig.args):
			out[sig.args[pos].name] = a.Value
			pos++
		}
	}
	return out
}

func typeName(p *PopInfo) string {
	if p.Type != nil {
		return p.Type.Name
	}
	return "Type"
}

// declNamePos is where a declaration's name is (not its keyword).
func declNamePos(n Node) Pos {
	switch d := n.(type) {
	case *PopulationDecl:
		return d.Name.Pos
	case *InputDecl:
		return d.Name.Pos
	case *ProjectDecl:
		if d.Name != nil {
			return d.Name.Pos
		}
	case *TypeDecl:
		return d.Name.Pos
	case *NetworkDecl:
		return d.Name.Pos
	case *FuncDecl:
		return d.Name.Pos
	}
	return n.Range().Pos
}

// spikeTimesOncePerStep: a source spikes at most once per step, so two of
// spike_times' times that fall in one step for the same source are an
// error at the second (the run refused them without a position). The step
// of a time is runtime.spikeTimeStep's: floor(t/dt + 1e-3).
func (c *checker) spikeTimesOncePerStep(ni *NetInfo, args map[string]*Arg) {
	times, ok := args["times"].Value.(*ListExpr)
	if !ok {
		return
	}
	var idx []Expr
	if a := args["indices"]; a != nil {
		l, ok := a.Value.(*ListExpr)
		if !ok || len(l.Elems) != len(times.Elems) {
			return
		}
		idx = l.Elems
	}
	dt := netDt(ni)
	type key struct{ src, step int64 }
	first := map[key]float64{}
	for k, el := range times.Elems {
		t, ok := constValue(el)
		if !ok {
			continue
		}
		src := int64(-1) // every source
		if idx != nil {
			v, ok := constValue(idx[k])
			if !ok {
				continue
			}
			src = int64(v)
		}
		kk := key{src, int64(math.Floor(t/dt + 1e-3))}
		if t0, dup := first[kk]; dup {
			who := "every source"
			if src >= 0 {
				who = fmt.Sprintf("source %d", src)
			}
			d := c.errorf(el, "%s spikes twice in time step %d (at %g ms and %g ms, dt = %g ms)", who, kk.step, t0*1e3, t*1e3, dt*1e3)
			d.Hint = "a source spikes at most once per step: drop one time, or make dt smaller"
			continue
		}
		first[kk] = t
	}
}

// intList is the constant whole numbers of a list argument (nil if absent
// or not constant).
func intList(a *Arg) []int {
	if a == nil {
		return nil
	}
	l, ok := a.Value.(*ListExpr)
	if !ok {
		return nil
	}
	var out []int
	for _, el := range l.Elems {
		v, ok := constValue(el)
		if !ok || v != float64(int(v)) {
			return nil
		}
		out = append(out, int(v))
	}
	return out
}

// convGeometry checks a convolution or pooling connector against the
// sizes of the populations it joins, as the run expands it.
func (c *checker) convGeometry(s *Setting, call *CallExpr, args map[string]*Arg, vals map[string]float64, pres, posts []*PopInfo) {
	spec := convgeom.Spec{Kind: call.Fun.Name, Kernel: intList(args["kernel"]), Input: intList(args["input"]),
		Stride: intList(args["stride"]), Padding: intList(args["padding"]), Dilation: intList(args["dilation"]), Groups: int(vals["groups"])}
	if args["kernel"] == nil || args["input"] == nil {
		return // reported: a required argument
	}
	for _, name := range []string{"kernel", "input", "stride", "padding", "dilation"} {
		if a := args[name]; a != nil && intList(a) == nil {
			if l, ok := a.Value.(*ListExpr); ok && len(l.Elems) > 0 {
				c.errorf(a.Value, "%s of %s must be whole numbers, as in [3, 3]", name, call.Fun.Name)
				return
			}
		}
	}
	for _, a := range pres {
		for _, b := range posts {
			if a.Size == 0 || b.Size == 0 {
				continue
			}
			if _, err := convgeom.Of(spec, a.Size, b.Size); err != nil {
				c.errorf(s.Value, "%s -> %s: %v", a.Name, b.Name, err).Hint = "usage: " + connectorSigs[call.Fun.Name].doc
				return
			}
		}
	}
}

// weightedConnector: a connector that gives each synapse its weight
// (matrix, conv1d, conv2d) scales it by a constant `weight` and serves
// static projections only (the runtime keeps one factor per synapse).
func (c *checker) weightedConnector(d *ProjectDecl) {
	var conn, weight *Setting
	for _, it := range d.Items {
		if s, ok := it.(*Setting); ok && s.Name.Name == "connect" {
			conn = s
		} else if ok && s.Name.Name == "weight" {
			weight = s
		}
	}
	if conn == nil {
		return
	}
	call, ok := conn.Value.(*CallExpr)
	if !ok || !convgeom.Weighted(call.Fun.Name) {
		return
	}
	if d.Synapse != nil {
		c.errorf(d.Synapse, "%s gives each synapse a fixed weight: it takes a projection without a synapse type", call.Fun.Name).Hint =
			"drop `using`; plastic weights drawn from a file are not supported"
	}
	if weight != nil {
		if _, ok := constValue(weight.Value); !ok {
			c.errorf(weight.Value, "with %s the weight must be a constant: each synapse's weight is the file's value times it", call.Fun.Name).Hint = "weight = 1 (in the unit of the port's variable) uses the file's values as they are"
		}
	}
}
