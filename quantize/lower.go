// Package quantize is the pipeline's fixed-point stage: it lowers the
// optimised float IR to the integer IR (package iir) of a numeric profile
// and runs the range analysis that gives every operation its width and
// proves (or saturates) every store. It returns the integer program as a
// value; the bit-accurate simulator and the Verilog backend take it from
// there.
package quantize

import (
	"fmt"
	"math"
	"strings"

	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/ir/iir"
	"github.com/snnc/snnc/lang"
	"github.com/snnc/snnc/plan"
)

// Lower turns the optimised IR into the integer IR of a profile, then runs
// the range analysis. Constructs the profile cannot express are positioned
// errors naming the construct and the target; constants the profile's
// widths cannot hold are errors giving the value and the closest
// representable one. Notes say what the lowering chose and where range
// analysis could not prove the absence of overflow (saturation or wrap-around
// is then in the IR). The program is nil when there are errors; it has
// passed iir.Verify otherwise.
func Lower(p *ir.Program, prof *iir.Profile) (*iir.Program, lang.Diagnostics) {
	l := &lowerer{p: p, prof: prof, out: &iir.Program{Profile: prof, Network: p.Network, Dt: p.Schedule.Dt}, diags: &lang.Diagnostics{}}
	if l.out.Dt == 0 {
		l.out.Dt = 1e-4
	}
	l.gather()
	if p.Network == "" {
		for _, m := range p.Neurons {
			l.model(nil, m)
		}
	} else {
		for _, pop := range p.Pops {
			perNeuron := false
			for _, v := range pop.Model.Vars {
				if v.Init != nil && usesIndex(v.Init) {
					l.errorf(v.Pos, "%s of population %s is computed from the neuron index i, which cannot be expressed on %s yet", v.Name, pop.Name, prof.Name)
					perNeuron = true
				}
			}
			if perNeuron {
				continue
			}
			l.model(pop, pop.Model)
		}
		for _, prj := range p.Projs {
			if n := prj.Normalize; n != nil && (n.Func != "sum" || prj.Synapse == nil || prj.Synapse.Summed != nil) {
				// the integer rules would run without it: refuse rather than drop it
				l.errorf(n.Pos, "synaptic scaling (normalize %s(%s)) of projection %s cannot be expressed on %s yet", n.Func, n.Var.Name, prj.Name, prof.Name).Hint =
					"an l2 norm needs a square root and a division per neuron; normalize sum(w) of an STDP rule's weight has an integer form"
			}
			if prj.Synapse != nil && prj.Synapse.Summed != nil {
				l.errorf(prj.Pos, "the summed synapse of projection %s cannot be expressed on %s yet", prj.Name, prof.Name)
				continue
			}
			if n := prj.Normalize; n != nil && n.Func != "sum" {
				continue
			}
			if prj.Sliced() {
				l.errorf(prj.Pos, "projection %s on a population view cannot be expressed on %s yet", prj.Name, prof.Name)
				continue
			}
			if prj.Delay != nil {
				if _, ok := ir.ConstValue(prj.Delay); !ok {
					l.errorf(prj.Pos, "projection %s draws a delay per synapse, which %s cannot express yet: give it one delay", prj.Name, prof.Name)
					continue
				}
			}
			if onDendrite(prj) {
				continue // its spikes mark cells active (fixed's dendrites): no weights
			}
			l.projection(prj)
		}
		for _, in := range p.Inputs {
			if in.View != nil {
				l.errorf(in.Pos, "input %s drives a population view, which cannot be expressed on %s yet", in.Name, prof.Name)
			}
			if lam := in.Num["rate"] * p.Schedule.Dt; in.Kind == "poisson" && lam > 1 {
				// the range proofs count one event per synapse a step: a source spikes
				// there once in each step of count ≥ 1 (plan.NewIntegerSource), a
				// rate (1 - e^-λ)/dt, λ/2 below at small λ, saturating above 1/dt
				l.errorf(in.Pos, "input %s: %g spikes per source and step on average (rate·dt); on %s a poisson source spikes at most once a step", in.Name, lam, prof.Name).Hint =
					"a smaller dt, or more sources at a lower rate onto the same targets"
			}
			if in.Kind == "current_step" && in.Exprs["amplitude"] != nil {
				l.errorf(in.Pos, "input %s: a current whose amplitude changes with t cannot be expressed on %s yet", in.Name, prof.Name)
			}
		}
		for _, w := range p.Wtas {
			l.errorf(w.Pos, "wta on %s cannot be expressed on %s yet", w.Pop.Name, prof.Name)
		}
		l.phases()
		l.records()
	}
	if l.diags.HasErrors() {
		l.diags.Sort()
		return nil, *l.diags
	}
	for _, m := range l.out.Models {
		analyse(l.out, m)
		l.report(m)
	}
	if !l.drawsPerEvent() {
		l.diags.Sort()
		return nil, *l.diags
	}
	if err := iir.Verify(l.out); err != nil { // a bug here, not in the model
		l.diags.Errorf(lang.Pos{}, lang.Pos{}, "internal error: the integer IR for %s is invalid:\n%v", prof.Name, err)
		l.diags.Sort()
		return nil, *l.diags
	}
	l.diags.Sort()
	return l.out, *l.diags
}

// records reports state recordings the integer model cannot serve (the
// simulator would stop at its start without a position).
func (l *lowerer) records() {
	for _, r := range l.p.Records {
		if r.Kind != ir.RecState {
			continue
		}
		if r.Pop == nil {
			l.errorf(r.Pos, "recording synapse state %s cannot be expressed on %s yet", r.Var.Name, l.prof.Name)
			continue
		}
		m := l.byPop[r.Pop]
		if m == nil {
			continue // the population did not lower, reported
		}
		found := false
		for _, v := range m.Vars {
			found = found || v.Src != nil && v.Src.Name == r.Var.Name
		}
		if !found {
			l.errorf(r.Pos, "%s.%s cannot be recorded on %s: the integer model has no such variable (aliases are not recorded on a fixed-point target)", r.Pop.Name, r.Var.Name, l.prof.Name).Hint =
				"record a state variable, or run without --profile"
		}
	}
}

type lowerer struct {
	p     *ir.Program
	prof  *iir.Profile
	out   *iir.Program
	diags *lang.Diagnostics
	ins   map[*ir.Population]*popInputs
	byPop map[*ir.Population]*iir.Model
	draws int64 // draw sites numbered so far (draw.go)
}

// popInputs is what drives a population: projections per port and current
// inputs per continuous port.
type popInputs struct {
	ports    map[string][]*ir.Projection
	currents map[string][]*ir.Input
}

func (l *lowerer) gather() {
	l.ins = map[*ir.Population]*popInputs{}
	l.byPop = map[*ir.Population]*iir.Model{}
	get := func(pop *ir.Population) *popInputs {
		pi := l.ins[pop]
		if pi == nil {
			pi = &popInputs{ports: map[string][]*ir.Projection{}, currents: map[string][]*ir.Input{}}
			l.ins[pop] = pi
		}
		return pi
	}
	for _, prj := range l.p.Projs {
		pi := get(prj.Post)
		pi.ports[prj.Port] = append(pi.ports[prj.Port], prj)
		pi.ports[prj.Port] = append(pi.ports[prj.Port], prj.Merged...)
	}
	for _, in := range l.p.Inputs {
		if in.Kind == "current_step" && in.Target != nil {
			pi := get(in.Target)
			pi.currents[in.Port] = append(pi.currents[in.Port], in)
		}
	}
}

func (l *lowerer) inputs(pop *ir.Population) *popInputs {
	if pi := l.ins[pop]; pi != nil {
		return pi
	}
	return &popInputs{ports: map[string][]*ir.Projection{}, currents: map[string][]*ir.Input{}}
}

// errorf reports a positioned error about a construct the target cannot express.
// usesIndex: e reads the neuron index i.
func usesIndex(e ir.Expr) bool {
	found := false
	ir.Walk(e, func(x ir.Expr) bool {
		if _, ok := x.(*ir.Index); ok {
			found = true
		}
		return !found
	})
	return found
}

func (l *lowerer) errorf(sp lang.Span, format string, args ...any) *lang.Diagnostic {
	return l.diags.Errorf(sp.Pos, sp.End, format, args...)
}

func (l *lowerer) notef(sp lang.Span, format string, args ...any) {
	l.diags.Notef(sp.Pos, sp.End, format, args...)
}

// model lowers one population's model (pop nil: a neuron type without a
// network) with the profile's structure.
func (l *lowerer) model(pop *ir.Population, m *ir.Model) {
	out := &iir.Model{Name: m.Name, Src: m, SrcPop: pop, Pos: m.Pos}
	if pop != nil {
		out.Pop, out.Size, out.Pos = pop.Name, pop.Size, pop.Pos
	}
	if !l.common(out, m) {
		return
	}
	if m.Rising {
		l.errorf(m.ThreshPos, "a rising threshold (on threshold ... rising) cannot be expressed on %s yet", l.prof.Name).Hint =
			"use a refractory period to stop a neuron held above threshold from firing every step, or run in float64"
		return
	}
	var ok bool
	if l.prof.Structure == "compartment" {
		ok = l.compartment(out, pop, m)
	} else {
		ok = l.general(out, pop, m)
	}
	if !ok {
		return
	}
	l.out.Models = append(l.out.Models, out)
	if pop != nil {
		l.byPop[pop] = out
	}
}

// common rejects what no profile expresses yet.
func (l *lowerer) common(out *iir.Model, m *ir.Model) bool {
	ok := l.dendritesRefused(m)
	for _, o := range m.ODEs {
		if len(o.Noise) > 0 {
			l.errorf(o.Pos, "white noise (%s) cannot be expressed on %s yet: the integer IR has no Gaussian draws", o.Noise[0].Name, l.prof.Name).Hint = "run it in float64 (without --profile)"
			ok = false
		}
	}
	for _, v := range m.Vars {
		if v.Kind == ir.State && v.Bool {
			l.errorf(v.Pos, "boolean state %s cannot be expressed on %s yet", v.Name, l.prof.Name)
			ok = false
		}
	}
	return ok
}

// ---- kernel building ----

type kb struct {
	m *iir.Model
	k *iir.Kernel
}

func newKernel(m *iir.Model, name string) *kb { return &kb{m: m, k: &iir.Kernel{Name: name}} }

func (b *kb) add(o *iir.Op) *iir.Op {
	o.ID = len(b.k.Ops)
	b.k.Ops = append(b.k.Ops, o)
	return o
}

func (b *kb) konst(v int64, scale float64, note string) *iir.Op {
	return b.add(&iir.Op{Code: iir.OpConst, Imm: v, Scale: scale, Note: note})
}

func (b *kb) load(v *iir.Var) *iir.Op {
	return b.add(&iir.Op{Code: iir.OpLoad, Var: v, Scale: v.Scale})
}

func (b *kb) bin(code iir.Opcode, x, y *iir.Op) *iir.Op {
	s := x.Scale
	if code == iir.OpMul {
		s = x.Scale * y.Scale
	}
	return b.add(&iir.Op{Code: code, Args: []*iir.Op{x, y}, Scale: s})
}

func (b *kb) shl(x *iir.Op, n int) *iir.Op {
	if n == 0 {
		return x
	}
	return b.add(&iir.Op{Code: iir.OpShl, Args: []*iir.Op{x}, Imm: int64(n), Scale: x.Scale / math.Ldexp(1, n)})
}

func (b *kb) shr(x *iir.Op, n int, r iir.Rounding) *iir.Op {
	if n == 0 {
		return x
	}
	if n < 0 {
		return b.shl(x, -n)
	}
	return b.add(&iir.Op{Code: iir.OpShr, Args: []*iir.Op{x}, Imm: int64(n), Round: r, Scale: x.Scale * math.Ldexp(1, n)})
}

func (b *kb) resize(x *iir.Op, v *iir.Var, ovf iir.Overflow) *iir.Op {
	return b.add(&iir.Op{Code: iir.OpResize, Args: []*iir.Op{x}, Width: v.Width, Signed: v.Signed, Ovf: ovf, Lo: v.Lo, Hi: v.Hi, Var: v, Scale: v.Scale})
}

func (b *kb) store(v *iir.Var, x *iir.Op, hold bool) *iir.Op {
	return b.add(&iir.Op{Code: iir.OpStore, Var: v, Args: []*iir.Op{x}, Hold: hold, Scale: v.Scale})
}

func (b *kb) cmp(op string, x, y *iir.Op) *iir.Op {
	return b.add(&iir.Op{Code: iir.OpCmp, Cmp: op, Args: []*iir.Op{x, y}})
}

func (b *kb) not(x *iir.Op) *iir.Op { return b.add(&iir.Op{Code: iir.OpNot, Args: []*iir.Op{x}}) }

func (b *kb) and(x, y *iir.Op) *iir.Op { return b.add(&iir.Op{Code: iir.OpAnd, Args: []*iir.Op{x, y}}) }

func (b *kb) sel(c, x, y *iir.Op) *iir.Op {
	return b.add(&iir.Op{Code: iir.OpSelect, Args: []*iir.Op{c, x, y}, Scale: x.Scale})
}

// ---- variables ----

func newVar(name string, kind iir.VarKind, width int, signed bool, sym bool) *iir.Var {
	v := &iir.Var{Name: name, Kind: kind, Width: width, Signed: signed, Lo: iir.MinOf(width, signed), Hi: iir.MaxOf(width, signed), Proof: iir.Proved}
	if sym && signed {
		v.Lo = -v.Hi
	}
	return v
}

// refractory adds the refractory counter when a statement of the reset
// starts a refractory period; it returns false (with an error) when the
// profile has none.
func (l *lowerer) refractory(out *iir.Model, m *ir.Model) bool {
	var longest float64
	var at *ir.Refractory
	ir.WalkStmts(m.Reset, func(s ir.Stmt) {
		if r, ok := s.(*ir.Refractory); ok {
			d, _ := ir.ConstValue(r.Duration)
			if at == nil || d > longest {
				longest, at = d, r
			}
		}
	})
	if at == nil {
		return true
	}
	if !l.prof.Refractory {
		l.errorf(at.Pos, "refractory periods cannot be expressed on %s: its neurons have none", l.prof.Name).Hint =
			"remove the refractory statement for this target, or use a profile with refractory periods (" + strings.Join(refractoryProfiles(), ", ") + ")"
		return false
	}
	if _, ok := ir.ConstValue(at.Duration); !ok {
		l.errorf(at.Pos, "a refractory period that is not a constant cannot be expressed on %s", l.prof.Name)
		return false
	}
	steps := int64(plan.RefractorySteps(longest, l.out.Dt))
	w, _ := iir.BitsFor(0, max(steps, 1))
	out.Ref = out.AddVar(newVar("refractory", iir.CounterVar, w, false, false))
	out.Ref.Max = max(steps, 0)
	return true
}

// steps converts a refractory duration to steps, as every executor does.
func (l *lowerer) steps(e ir.Expr) int64 {
	d, _ := ir.ConstValue(e)
	return int64(plan.RefractorySteps(d, l.out.Dt))
}

// ---- projections and weights ----

// fanIn is the most synapses a projection can make onto one postsynaptic
// neuron, from its connector alone (the connectivity itself is drawn at run
// time), and why.
func fanIn(prj *ir.Projection) (int64, string) {
	npre := int64(prj.Pre.Size())
	if npre == 0 {
		return iir.Inf, "the source's size is only known at run time"
	}
	self := prj.Connector.ExceptSelf
	if self {
		npre--
	}
	c := prj.Connector
	switch c.Kind {
	case "one_to_one":
		return 1, "one_to_one"
	case "from_file":
		// every line is a synapse: an edge listed k times delivers k
		// weights per spike (the file's count, read before lowering)
		if c.MaxFanIn > 0 {
			return c.MaxFanIn, fmt.Sprintf("from_file %s: at most %d synapses onto one neuron, repeated edges counted", c.File, c.MaxFanIn)
		}
		return iir.Inf, fmt.Sprintf("from_file %s: the edge list was not read, so any number of synapses may reach one neuron", c.File)
	case "fan_in":
		return int64(c.Num["k"]), fmt.Sprintf("fan_in(k = %d)", int64(c.Num["k"]))
	case "fixed_total_number":
		// pairs drawn with replacement: all k may land on one neuron
		return int64(c.Num["k"]), fmt.Sprintf("fixed_total_number(%d) may put every synapse onto one neuron", int64(c.Num["k"]))
	case "all_to_all":
		return npre, fmt.Sprintf("all %d of %s", npre, prj.Pre.Name())
	case "conv1d", "conv2d", "pool2d":
		k := c.Ints["kernel"]
		n := int64(1)
		for _, d := range k[max(len(k)-2, 0):] { // the window; conv: times the input channels of a group
			n *= int64(d)
		}
		if c.Kind != "pool2d" {
			n = int64(k[1])
			for _, d := range k[2:] {
				n *= int64(d)
			}
		}
		return n, fmt.Sprintf("%s kernel %v", c.Kind, k)
	}
	return npre, fmt.Sprintf("%s may connect all %d of %s", c.Kind, npre, prj.Pre.Name())
}

// weightBound is the largest |weight| of a projection (SI) and whether it
// is exact (a constant or a bounded draw) rather than a design value.
func weightBound(e ir.Expr) (float64, bool) {
	if e == nil {
		return 0, true
	}
	if w, ok := ir.ConstValue(e); ok {
		return math.Abs(w), true
	}
	lo, hi, sound := siInterval(e)
	return math.Max(math.Abs(lo), math.Abs(hi)), sound
}

// siInterval bounds a constant expression that may draw random numbers;
// sound is false when a draw is unbounded (normal: mean ± 5 sd is used).
func siInterval(e ir.Expr) (lo, hi float64, sound bool) {
	if v, ok := ir.ConstValue(e); ok {
		return v, v, true
	}
	switch x := e.(type) {
	case *ir.Unary:
		a, b, s := siInterval(x.X)
		if x.Op == "-" {
			return -b, -a, s
		}
		return 0, 1, s
	case *ir.Binary:
		a1, a2, s1 := siInterval(x.X)
		b1, b2, s2 := siInterval(x.Y)
		switch x.Op {
		case "+":
			return a1 + b1, a2 + b2, s1 && s2
		case "-":
			return a1 - b2, a2 - b1, s1 && s2
		case "*":
			ps := []float64{a1 * b1, a1 * b2, a2 * b1, a2 * b2}
			return minf(ps), maxf(ps), s1 && s2
		case "/":
			if b1 > 0 || b2 < 0 {
				ps := []float64{a1 / b1, a1 / b2, a2 / b1, a2 / b2}
				return minf(ps), maxf(ps), s1 && s2
			}
		}
	case *ir.Call:
		switch x.Fn {
		case "rand":
			return 0, 1, true
		case "uniform":
			a1, _, s1 := siInterval(x.Args[0])
			_, b2, s2 := siInterval(x.Args[1])
			return a1, b2, s1 && s2
		case "normal":
			m1, m2, _ := siInterval(x.Args[0])
			_, sd, _ := siInterval(x.Args[1])
			return m1 - 5*math.Abs(sd), m2 + 5*math.Abs(sd), false
		case "abs":
			a, b, s := siInterval(x.Args[0])
			if a >= 0 {
				return a, b, s
			}
			return 0, math.Max(-a, b), s
		case "clip":
			a, b, s := siInterval(x.Args[0])
			lo, _, _ := siInterval(x.Args[1])
			_, hi, _ := siInterval(x.Args[2])
			return math.Max(a, lo), math.Min(b, hi), s
		}
	case *ir.Cond:
		a1, a2, s1 := siInterval(x.A)
		b1, b2, s2 := siInterval(x.B)
		return math.Min(a1, b1), math.Max(a2, b2), s1 && s2
	}
	return math.Inf(-1), math.Inf(1), false
}

func minf(xs []float64) float64 {
	m := xs[0]
	for _, x := range xs[1:] {
		m = math.Min(m, x)
	}
	return m
}

func maxf(xs []float64) float64 {
	m := xs[0]
	for _, x := range xs[1:] {
		m = math.Max(m, x)
	}
	return m
}

// maxWeight is the largest |weight| over the projections into a port.
func maxWeight(prjs []*ir.Projection) float64 {
	m := 0.0
	for _, prj := range prjs {
		w, _ := weightBound(weightOf(prj))
		if prj.Connector.Weighted() { // matrix, conv: the file's factors times the weight
			w *= prj.Connector.MaxAbs
		}
		m = math.Max(m, w)
	}
	return m
}

// projection quantizes a projection's weights to its port's integer
// weights.
func (l *lowerer) projection(prj *ir.Projection) {
	m := l.byPop[prj.Post]
	if m == nil {
		return
	}
	all := append([]*ir.Projection{prj}, prj.Merged...)
	for _, x := range all {
		if x.Synapse != nil && !staticSynapse(x.Synapse) {
			if why := plasticWhy(x.Synapse, l.out.Dt); why != "" || len(all) > 1 {
				if len(all) > 1 {
					why = "merged projections cannot be plastic"
				}
				l.errorf(x.Pos, "plastic synapse %s (projection %s) cannot be expressed on %s: %s",
					x.Synapse.Type, x.Name, l.prof.Name, why).Hint = "pair-trace STDP (std/plasticity PairSTDP, NearestSTDP, SymSTDP, MultSTDP with mu 0 or 1) and TripletSTDP have integer forms"
				return
			}
		}
	}
	var port *iir.Port
	for _, pt := range m.Ports {
		if pt.Name == prj.Port {
			port = pt
		}
	}
	if port == nil {
		l.errorf(prj.Pos, "%s has no event port %s", prj.Post.Name, prj.Port)
		return
	}
	for _, x := range all {
		q := l.weights(bareWeight(x, port), m, port)
		if q != nil {
			q.Src = x
		}
		if q != nil && x.Synapse != nil && !staticSynapse(x.Synapse) && !l.stdp(x, q) {
			q = nil
		}
		if q != nil {
			l.out.Projs = append(l.out.Projs, q)
		}
	}
}

// weightOf is the weight a projection multiplies its deliveries by. A
// pair-STDP rule that delivers its w unscaled holds w in units of its clip
// bound hi (see stdp), so its weight is hi.
func weightOf(prj *ir.Projection) ir.Expr {
	if prj.Synapse == nil || prj.Weight != nil {
		return prj.Weight
	}
	if sh, _ := matchSTDP(prj.Synapse, 1); sh != nil && sh.bare {
		return &ir.Const{V: sh.hi}
	}
	return prj.Weight
}

// bareWeight is prj with its weight set to weightOf's (in the port's unit).
func bareWeight(prj *ir.Projection, port *iir.Port) *ir.Projection {
	w := weightOf(prj)
	if w == prj.Weight {
		return prj
	}
	c := *prj
	c.Weight = &ir.Const{V: w.(*ir.Const).V, D: port.WeightDim}
	return &c
}

// staticSynapse: a synapse model with no state whose on_pre only delivers
// the weight (std/synapses Static).
func staticSynapse(m *ir.Model) bool {
	for _, v := range m.Vars {
		if v.Kind == ir.State {
			return false
		}
	}
	if len(m.OnPost) > 0 || len(m.OnMod) > 0 || len(m.OnPre) != 1 {
		return false
	}
	d, ok := m.OnPre[0].(*ir.Deliver)
	if !ok {
		return false
	}
	_, isW := d.Value.(*ir.WeightRef)
	return isW
}

// oneSign: every weight of the projections has one sign (a file's factors
// may have either).
func oneSign(prjs []*ir.Projection) bool {
	pos, neg := false, false
	for _, prj := range prjs {
		if prj.Connector.Weighted() || (prj.Synapse != nil && !staticSynapse(prj.Synapse)) {
			return false
		}
		lo, hi, _ := siInterval(weightOf(prj))
		pos = pos || hi > 0
		neg = neg || lo < 0
	}
	return !(pos && neg)
}

// weights chooses a projection's weight unit (mantissa of WeightBits bits
// times a power-of-two shift) against its port's kernel scale.
func (l *lowerer) weights(prj *ir.Projection, m *iir.Model, port *iir.Port) *iir.Proj {
	pf := l.prof
	q := &iir.Proj{Name: prj.Name, Src: prj, Post: m, Port: port, Sign: 1, Unsigned: port.Unsigned}
	q.Fanin, q.Why = fanIn(prj)
	wmax, _ := weightBound(prj.Weight)
	if w, ok := ir.ConstValue(prj.Weight); ok && !prj.Connector.Weighted() {
		q.Const, q.Weight = true, w
	}
	if prj.Connector.Weighted() { // matrix, conv: the file's factors times the weight
		wmax *= prj.Connector.MaxAbs
	}
	q.MaxAbs = wmax
	unit := port.WeightScale // SI per integer unit the kernel receives
	if unit == 0 || math.IsNaN(unit) {
		l.errorf(prj.Pos, "internal: port %s of %s has no weight scale", port.Name, m.Name)
		return nil
	}
	_, mh := q.MantRange(pf.WeightBits)
	mantMax := float64(mh)
	name := fmt.Sprintf("weight of %s", prj.Name)
	switch pf.WeightShiftAt {
	case "synapse":
		// kernel integer = mantissa << shift; the smallest shift that holds wmax
		shift := pf.WeightShiftMin
		for shift < pf.WeightShiftMax && wmax/math.Abs(unit)/math.Ldexp(1, shift) > mantMax {
			shift++
		}
		q.Shift = shift
		q.Unit = unit * math.Ldexp(1, shift)
	case "input":
		// the port's exponent is shared by its projections (Loihi's
		// weight exponent, applied to the accumulated input): the kernel
		// receives the mantissa, worth WeightScale
		q.Shift = 0
		q.Unit = unit
	}
	if wmax/math.Abs(q.Unit) > mantMax+0.5 {
		best := mantMax * math.Abs(q.Unit)
		l.errorf(prj.Pos, "%s = %s cannot be held by %s's %d-bit weights (largest shift %d): the closest representable value is %s",
			name, iir.SIString(wmax, port.WeightDim), pf.Name, pf.WeightBits, pf.WeightShiftMax, iir.SIString(best, port.WeightDim)).Hint =
			"use smaller weights or a profile with wider weights"
		return nil
	}
	if q.Const {
		mi := iir.RoundHalfAway(q.Weight / q.Unit)
		q.Mant = mi
		got := float64(mi) * q.Unit
		if mi == 0 && q.Weight != 0 {
			l.errorf(prj.Pos, "%s = %s rounds to 0 on %s (one weight step is %s): the closest representable values are 0 and %s",
				name, iir.SIString(q.Weight, port.WeightDim), pf.Name, iir.SIString(math.Abs(q.Unit), port.WeightDim), iir.SIString(math.Copysign(q.Unit, q.Weight), port.WeightDim)).Hint =
				"the weight is below the resolution of the variable it is added to; use larger weights or a finer profile"
			return nil
		}
		m.Consts = append(m.Consts, iir.Quantized{What: name, Value: q.Weight, Int: mi, Got: got, Dim: port.WeightDim,
			Detail: fmt.Sprintf("mantissa %d << %d", mi, q.Shift)})
	}
	return q
}

// ---- notes ----

func (l *lowerer) report(m *iir.Model) {
	for _, v := range m.Vars {
		if v.Kind != iir.StateVar && v.Kind != iir.InputVar {
			continue
		}
		sp := m.Pos
		if v.Src != nil {
			sp = v.Src.Pos
		}
		switch v.Proof {
		case iir.Proved:
			l.notef(sp, "quantize (%s): %s.%s %s proved in %s", l.prof.Name, m.Name, v.Name, v.FormatString(), v.RangeString())
		default:
			l.notef(sp, "quantize (%s): %s.%s %s %s: %s", l.prof.Name, m.Name, v.Name, v.FormatString(), iir.OverflowVerb(v.Proof), v.Why)
		}
	}
	for _, n := range m.Notes {
		l.notef(m.Pos, "quantize (%s): %s: %s", l.prof.Name, m.Name, n)
	}
}

// unsupported is an expression the target cannot compute.
type unsupported struct{ what string }

func (u *unsupported) Error() string { return u.what }

func unsup(format string, args ...any) error {
	return &unsupported{fmt.Sprintf(format, args...)}
}

// describe names an expression for messages.
func describe(e ir.Expr) string {
	s := []rune(ir.ExprString(e))
	if len(s) > 60 {
		return string(s[:57]) + "..."
	}
	return string(s)
}

// refractoryProfiles are the built-in profiles with refractory periods.
func refractoryProfiles() []string {
	var out []string
	for _, n := range iir.Profiles() {
		if p, err := iir.LoadProfile(n); err == nil && p.Refractory {
			out = append(out, n)
		}
	}
	return out
}
