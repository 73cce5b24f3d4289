package ir

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/snnc/snnc/lang/units"
)

// Print writes the IR in a deterministic text form that reads like the
// source: constants in the units the user wrote, one block per model, then
// the network graph. Golden tests compare these dumps.
func Print(w io.Writer, p *Program) {
	pr := &printer{w: w}
	pr.program(p)
}

// String returns the printed IR.
func (p *Program) String() string {
	var sb strings.Builder
	Print(&sb, p)
	return sb.String()
}

type printer struct {
	w      io.Writer
	indent int
}

func (pr *printer) line(format string, args ...any) {
	fmt.Fprintf(pr.w, "%s%s\n", strings.Repeat("    ", pr.indent), fmt.Sprintf(format, args...))
}

func (pr *printer) open(format string, args ...any) {
	pr.line(format+" {", args...)
	pr.indent++
}

func (pr *printer) close() {
	pr.indent--
	pr.line("}")
}

func (pr *printer) program(p *Program) {
	if p.Network != "" {
		s := p.Schedule
		dur := Quantity(s.Duration, TimeDim, "s")
		if s.Duration < 1 {
			dur = Quantity(s.Duration, TimeDim, "ms")
		}
		pr.line("# network %s: dt %s, duration %s, seed %d", p.Network, Quantity(s.Dt, TimeDim, "ms"), dur, s.Seed)
	}
	if len(p.Functions) > 0 {
		pr.line("# inlined functions: %s", strings.Join(p.Functions, ", "))
	}
	if len(p.Removed) > 0 {
		pr.line("# removed: %s", strings.Join(p.Removed, "; "))
	}
	for _, m := range p.Neurons {
		fmt.Fprintln(pr.w)
		pr.model(m)
	}
	for _, m := range p.Synapses {
		fmt.Fprintln(pr.w)
		pr.model(m)
	}
	if p.Network != "" {
		fmt.Fprintln(pr.w)
		pr.network(p)
	}
}

// TimeDim is the dimension of time.
var TimeDim = units.Dim{units.Time: 1}

func (pr *printer) model(m *Model) {
	kind := "neuron"
	if m.Kind == SynapseModel {
		kind = "synapse"
	}
	pr.open("%s %s", kind, m.Name)
	for _, k := range []VarKind{Param, State, Alias, ContinuousPort, DendriteOut} {
		var vs []*Var
		for _, v := range m.Vars {
			if v.Kind == k {
				vs = append(vs, v)
			}
		}
		if len(vs) == 0 {
			continue
		}
		pr.open("%s", map[VarKind]string{Param: "parameters", State: "state", Alias: "aliases", ContinuousPort: "continuous ports", DendriteOut: "dendrite outputs"}[k])
		for _, v := range vs {
			pr.variable(m, v)
		}
		pr.close()
	}
	if len(m.ODEs) > 0 {
		pr.open("equations")
		for _, o := range m.ODEs {
			s := fmt.Sprintf("%s' = %s", o.Var.Name, ExprString(o.Rhs)) + NoiseString(o)
			if o.UnlessRefractory {
				s += " unless refractory"
				if o.KeepInputs {
					s += " except inputs"
				}
			}
			if o.Method != "" {
				s += "  # method " + o.Method + " asked"
			}
			pr.line("%s", s)
		}
		pr.close()
	}
	for _, sys := range m.Update {
		pr.system(sys)
	}
	if m.Threshold != nil {
		rising := ""
		if m.Rising {
			rising = " rising"
		}
		pr.line("threshold %s%s", ExprString(m.Threshold), rising)
	}
	pr.stmtBlock("reset", m.Reset)
	for _, p := range m.Ports {
		switch p.Kind {
		case EventPort:
			pr.stmtBlock(fmt.Sprintf("port %s (weight in %s)", p.Name, unitName(p.Weight)), p.Body)
		case ContPort:
			pr.line("port %s continuous %s", p.Name, unitName(p.Var.Dim))
		case DendritePort:
			pr.line("port %s dendrite", p.Name)
		}
	}
	for _, d := range m.Dendrites {
		keys := make([]string, 0, len(d.Settings))
		for k := range d.Settings {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := []string{}
		for _, k := range keys {
			parts = append(parts, fmt.Sprintf("%s=%s", k, num(d.Settings[k])))
		}
		if d.Continuous {
			parts = append(parts, "activation="+ExprString(d.Activation), "combine="+d.Combine)
			pr.line("dendrite %s continuous: %s", d.Name, strings.Join(parts, " "))
		} else {
			pr.line("dendrite %s segments: %s", d.Name, strings.Join(parts, " "))
		}
	}
	for _, name := range sortedKeys(m.OnActive) {
		pr.stmtBlock("on dendrite "+name+" active", m.OnActive[name])
	}
	if m.Summed != nil {
		pr.line("summed %s", ExprString(m.Summed))
	}
	if m.Delay != nil {
		pr.line("delay %s", ExprString(m.Delay))
	}
	pr.stmtBlock("on_pre", m.OnPre)
	pr.stmtBlock("on_post", m.OnPost)
	for _, name := range sortedKeys(m.OnMod) {
		pr.stmtBlock("on_modulator "+name, m.OnMod[name])
	}
	pr.close()
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (pr *printer) variable(m *Model, v *Var) {
	var s string
	switch {
	case v.Kind == Param || v.Kind == Alias:
		s = fmt.Sprintf("%s = %s", v.Name, ExprString(v.Value))
	case v.Kind == State:
		s = fmt.Sprintf("%s = %s", v.Name, ExprString(v.Init))
	default:
		s = fmt.Sprintf("%s : %s", v.Name, unitName(v.Dim))
	}
	if m.Kind == SynapseModel && v.Kind == State {
		mode := "clock-driven"
		switch {
		case v.Integral:
			mode = "lazy, closed form"
		case v.Lazy:
			mode = "lazy"
		case !hasODE(m, v):
			mode = "event-only"
		}
		s += fmt.Sprintf("  # %s, %s", v.Storage, mode)
	}
	if v.PerNeuron {
		s += "  # per-neuron parameter"
	}
	pr.line("%s", s)
}

func (pr *printer) system(s *System) {
	names := make([]string, len(s.Vars))
	for i, v := range s.Vars {
		names[i] = v.Name
	}
	pr.line("update %s [%s]  # %s", s.Method, strings.Join(names, ", "), s.Why)
	// the propagator rows are in SI units: x(t+dt) = P·x + Q·u + r
	if s.Method != Exact {
		return
	}
	pr.indent++
	for i, row := range s.P {
		parts := make([]string, len(row))
		for j, x := range row {
			parts[j] = prop(x)
		}
		extra := ""
		if len(s.Inputs) > 0 {
			q := make([]string, len(s.Q[i]))
			for j, x := range s.Q[i] {
				q[j] = fmt.Sprintf("%s·%s", prop(x), s.Inputs[j].Name)
			}
			extra = " + " + strings.Join(q, " + ")
		}
		if s.R[i] != 0 {
			extra += " + " + prop(s.R[i])
		}
		clamp := ""
		if s.Clamped != nil && s.Clamped[i] {
			clamp = "  # held while refractory"
		}
		pr.line("%s <- [%s]·x%s%s", names[i], strings.Join(parts, " "), extra, clamp)
	}
	pr.indent--
}

func prop(x float64) string { return strconv.FormatFloat(x, 'g', 10, 64) }

func (pr *printer) stmtBlock(head string, ss []Stmt) {
	if len(ss) == 0 {
		return
	}
	pr.open("%s", head)
	pr.stmts(ss)
	pr.close()
}

func (pr *printer) stmts(ss []Stmt) {
	for _, s := range ss {
		switch s := s.(type) {
		case *Assign:
			name := "?"
			if s.Var != nil {
				name = s.Var.Name
			}
			held := ""
			if s.Held {
				held = "  # dropped while refractory"
			}
			pr.line("%s %s %s%s", name, s.Op, ExprString(s.Value), held)
		case *Refractory:
			pr.line("refractory %s", ExprString(s.Duration))
		case *Deliver:
			pr.line("deliver %s", ExprString(s.Value))
		case *If:
			pr.open("if %s", ExprString(s.Cond))
			pr.stmts(s.Then)
			pr.indent--
			if len(s.Else) > 0 {
				pr.line("} else {")
				pr.indent++
				pr.stmts(s.Else)
				pr.indent--
			}
			pr.line("}")
		}
	}
}

func (pr *printer) network(p *Program) {
	pr.open("network %s", p.Network)
	for _, pop := range p.Pops {
		shape := ""
		if len(pop.Shape) > 1 {
			dims := make([]string, len(pop.Shape))
			for i, d := range pop.Shape {
				dims[i] = strconv.Itoa(d)
			}
			shape = " shape [" + strings.Join(dims, ", ") + "]"
		}
		group := ""
		if pop.Group != nil && pop.Group != pop {
			group = fmt.Sprintf(" in one loop with %s at offset %d", pop.Group.Name, pop.Offset)
		}
		pr.line("population %s = %s[%d]%s%s", pop.Name, pop.Model.Name, pop.Size, shape, group)
	}
	for _, in := range p.Inputs {
		var args []string
		for _, k := range sortedKeys(in.Num) {
			args = append(args, fmt.Sprintf("%s = %s", k, numIn(in.Kind, k, in.Num[k])))
		}
		for _, k := range sortedKeys(in.Str) {
			args = append(args, fmt.Sprintf("%s = %q", k, in.Str[k]))
		}
		for _, k := range sortedKeys(in.Lists) {
			vals := make([]string, len(in.Lists[k]))
			for i, v := range in.Lists[k] {
				vals[i] = numIn(in.Kind, k, v)
			}
			args = append(args, fmt.Sprintf("%s = [%s]", k, strings.Join(vals, ", ")))
		}
		for _, k := range sortedKeys(in.Exprs) {
			args = append(args, fmt.Sprintf("%s = %s", k, ExprString(in.Exprs[k])))
		}
		s := fmt.Sprintf("input %s = %s(%s) size %d", in.Name, in.Kind, strings.Join(args, ", "), in.Size)
		if in.Target != nil {
			s += fmt.Sprintf(" -> %s : %s", in.Target.Name+in.View.String(), in.Port)
		}
		pr.line("%s", s)
	}
	for _, prj := range p.Projs {
		c := prj.Connector
		var args []string
		for _, k := range sortedKeys(c.Num) {
			args = append(args, fmt.Sprintf("%s = %s", k, num(c.Num[k])))
		}
		if c.File != "" {
			args = append(args, strconv.Quote(c.File))
		}
		conn := c.Kind + "(" + strings.Join(args, ", ") + ")"
		if c.ExceptSelf {
			conn += " except self"
		}
		s := fmt.Sprintf("projection %s: %s -> %s : %s connect %s", prj.Name, prj.Pre.Name()+prj.PreView.String(), prj.Post.Name+prj.PostView.String(), prj.Port, conn)
		if prj.Synapse != nil {
			s += " using " + prj.Synapse.Name
		}
		if prj.Weight != nil {
			s += " weight " + ExprString(prj.Weight)
		}
		if prj.Delay != nil {
			s += " delay " + ExprString(prj.Delay)
		}
		s += " storage " + prj.Storage
		if n := prj.Normalize; n != nil && n.Var != nil {
			s += fmt.Sprintf(" normalize %s(%s) = %s every %s", n.Func, n.Var.Name, num(n.Target), Quantity(n.Every, TimeDim, "ms"))
		}
		for _, m := range prj.Merged {
			s += " merged " + m.Name
		}
		for _, k := range sortedKeys(prj.Modulators) {
			s += fmt.Sprintf(" modulator %s = %s", k, prj.Modulators[k].Name())
			if prj.ModPerPost[k] {
				s += " one_to_one"
			}
		}
		pr.line("%s", s)
	}
	for _, r := range p.Records {
		pr.line("record %s", recordString(r))
	}
	for _, w := range p.Wtas {
		pr.line("wta %s k %d by %s", w.Pop.Name, w.K, ExprString(w.By))
	}
	for _, ph := range p.Phases {
		pr.open("phase %s at %s", ph.Name, Quantity(ph.At, TimeDim, "ms"))
		for _, st := range ph.Sets {
			pr.line("%s.%s %s %s", st.Target(), st.Var.Name, st.Op, ExprString(st.Value))
		}
		pr.close()
	}
	pr.close()
}

func recordString(r *Record) string {
	every := ""
	if r.Every > 0 {
		every = " every " + Quantity(r.Every, TimeDim, "ms")
	}
	switch r.Kind {
	case RecSpikes:
		name := ""
		if r.Pop != nil {
			name = r.Pop.Name
		} else {
			name = r.Input.Name
		}
		if r.Hi > 0 {
			name += fmt.Sprintf("[%d:%d]", r.Lo, r.Hi)
		}
		return "spikes(" + name + ")"
	case RecWeights:
		return "weights(" + r.Proj.Name + ")" + every
	}
	if r.Pop != nil {
		return fmt.Sprintf("%s.%s[%d:%d]%s", r.Pop.Name, varName(r.Var), r.Lo, r.Hi, every)
	}
	return fmt.Sprintf("%s.%s%s", r.Proj.Name, varName(r.Var), every)
}

func varName(v *Var) string {
	if v == nil {
		return "?"
	}
	return v.Name
}

// numIn prints an input argument in its natural unit.
func numIn(kind, name string, v float64) string {
	switch name {
	case "rate":
		return Quantity(v, units.Dim{units.Time: -1}, "Hz")
	case "times", "period", "present", "rest", "start", "stop":
		return Quantity(v, TimeDim, "ms")
	case "amplitude":
		return num(v) + " (SI)"
	}
	return num(v)
}

func num(v float64) string { return strconv.FormatFloat(v, 'g', 12, 64) }

// Quantity prints an SI value in the given unit (or the preferred one).
func Quantity(v float64, d units.Dim, unit string) string {
	if unit == "" && d[units.HalfTime] != 0 { // white noise's s^-1/2: the rest in display units
		if base := d.Mul(units.Dim{units.HalfTime: 1}); !base.IsDimensionless() {
			return Quantity(v, base, "") + "*s^-1/2"
		}
	}
	if unit == "" {
		if d.IsDimensionless() {
			return num(v)
		}
		if u, ok := units.Preferred(d); ok {
			unit = u.Symbol
		} else {
			return num(v) + " " + d.String()
		}
	}
	u, err := units.ParseExpr(unit)
	if err != nil || u.Dim != d {
		return num(v) + " " + d.String()
	}
	if x := v / u.Scale; math.IsInf(x, 0) && !math.IsInf(v, 0) || x == 0 && v != 0 {
		// the unit's scale would overflow (-1e306 V is -Inf mV) or
		// underflow a finite value: print it in SI base units
		return num(v) + " " + d.String()
	}
	if strings.HasPrefix(unit, "1/") {
		return num(v/u.Scale) + unit[1:] // 2/ms reads back as the literal 2 with unit 1/ms
	}
	return num(v/u.Scale) + " " + unit
}

func unitName(d units.Dim) string {
	if d.IsDimensionless() {
		return "dimensionless"
	}
	if u, ok := units.Preferred(d); ok {
		return u.Symbol
	}
	return d.String()
}

// ---- expressions ----

// precedence, low to high
func prec(e Expr) int {
	switch e := e.(type) {
	case *Binary:
		switch e.Op {
		case "or":
			return 1
		case "and":
			return 2
		case "<", "<=", ">", ">=", "==", "!=":
			return 4
		case "+", "-":
			return 5
		case "*", "/", "%":
			return 6
		case "^":
			return 8
		}
	case *Unary:
		if e.Op == "not" {
			return 3
		}
		return 7
	case *Cond:
		return 0
	case *Const:
		if e.V < 0 {
			return 7 // prints with a leading minus
		}
		// "20 ms" is one literal in .snn, so it needs no parentheses
	}
	return 9
}

// NoiseString is an equation's noise terms as " + g*xi" ("" without).
func NoiseString(o *ODE) string {
	s := ""
	for _, n := range o.Noise {
		s += " + " + ExprString(n.Coef) + "*" + n.Name
	}
	return s
}

// ExprString prints an expression with the parentheses it needs.
func ExprString(e Expr) string {
	var sb strings.Builder
	writeExpr(&sb, e, 0)
	return sb.String()
}

func writeExpr(sb *strings.Builder, e Expr, minPrec int) {
	if e == nil {
		sb.WriteString("<nil>")
		return
	}
	p := prec(e)
	if p < minPrec {
		sb.WriteString("(")
		defer sb.WriteString(")")
	}
	switch e := e.(type) {
	case *Const:
		sb.WriteString(Quantity(e.V, e.D, e.Unit))
	case *BoolConst:
		sb.WriteString(strconv.FormatBool(e.V))
	case *Ref:
		switch e.Side {
		case Pre:
			sb.WriteString("pre.")
		case Post:
			sb.WriteString("post.")
		}
		sb.WriteString(e.Var.Name)
	case *Time:
		sb.WriteString("t")
	case *WeightRef:
		sb.WriteString("weight")
	case *InputRef:
		sb.WriteString("input")
	case *Index:
		sb.WriteString("i")
	case *Unary:
		if e.Op == "not" {
			sb.WriteString("not ")
		} else {
			sb.WriteString(e.Op)
		}
		writeExpr(sb, e.X, p)
	case *Binary:
		// left-associative: the right operand needs parentheses at equal
		// precedence; ^ is right-associative
		l, r := p, p+1
		if e.Op == "^" {
			l, r = p+1, p
		}
		writeExpr(sb, e.X, l)
		sb.WriteString(" " + e.Op + " ")
		writeExpr(sb, e.Y, r)
	case *Call:
		sb.WriteString(e.Fn + "(")
		for i, a := range e.Args {
			if i > 0 {
				sb.WriteString(", ")
			}
			writeExpr(sb, a, 0)
		}
		sb.WriteString(")")
	case *Cond:
		sb.WriteString("if ")
		writeExpr(sb, e.C, 1)
		sb.WriteString(" then ")
		writeExpr(sb, e.A, 1)
		sb.WriteString(" else ")
		writeExpr(sb, e.B, 0)
	}
}

func hasODE(m *Model, v *Var) bool {
	for _, o := range m.ODEs {
		if o.Var == v {
			return true
		}
	}
	return false
}
