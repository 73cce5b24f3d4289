package iir

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/lang/units"
)

// Print writes the integer IR: every variable with its format and proof
// status, every kernel op with its result width, rounding and overflow,
// the quantized constants and the projections' integer weights.
func Print(w io.Writer, p *Program) {
	pr := &printer{w: w}
	pf := p.Profile
	pr.line("# integer IR for target %s (%s): %s", pf.Name, pf.Structure, pf.Doc)
	if p.Network != "" {
		pr.line("# network %s: dt %s", p.Network, ir.Quantity(p.Dt, ir.TimeDim, "ms"))
	}
	for _, m := range p.Models {
		fmt.Fprintln(w)
		pr.model(m)
	}
	if len(p.Projs) > 0 {
		fmt.Fprintln(w)
		pr.open("projections")
		for _, q := range p.Projs {
			pr.proj(p, q)
		}
		pr.close()
	}
}

// String returns the printed program.
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

func (pr *printer) model(m *Model) {
	head := "neuron " + m.Name
	if m.Pop != "" {
		head += fmt.Sprintf(" (population %s, %d neurons)", m.Pop, m.Size)
	}
	pr.open("%s", head)
	pr.open("state")
	for _, v := range m.Vars {
		pr.variable(v)
	}
	pr.close()
	if len(m.Consts) > 0 {
		pr.open("constants")
		for _, c := range m.Consts {
			pr.constant(c)
		}
		pr.close()
	}
	if len(m.Sets) > 0 {
		pr.open("phases")
		for _, s := range m.Sets {
			pr.line("%s at step %d: %s ← %d  # %s", s.Phase, s.Step, s.Var.Name, s.Value, SIString(s.Var.SI(s.Value), s.Var.Dim))
		}
		pr.close()
	}
	for _, k := range []*Kernel{m.Update, m.Threshold, m.Reset} {
		if k != nil {
			pr.kernel(k.Name, k)
		}
	}
	for _, pt := range m.Ports {
		head := fmt.Sprintf("port %s (weight unit %s", pt.Name, SIString(math.Abs(pt.WeightScale), pt.WeightDim))
		if pt.Input != nil {
			head += fmt.Sprintf(", into %s, exponent %d", pt.Input.Name, pt.Exp)
		}
		if pt.Events > 0 {
			head += fmt.Sprintf("; up to %s events per step, weights in [%d, %d]", CountString(pt.Events), pt.Weights.Lo, pt.Weights.Hi)
		}
		pr.kernel(head+")", pt.Kernel)
	}
	for _, d := range m.Dendrites {
		head := fmt.Sprintf("dendrite %s (%d segment(s) of up to %d synapses, active at %d, permanence %d/%d, connected at %d",
			d.Name, d.Segments, d.Synapses, d.Threshold, d.Initial, PermOne, d.Connected)
		if !d.Live() {
			head += ": never connected"
		}
		if l := d.Learn; l != nil {
			head += fmt.Sprintf("; learns +%d/−%d, matching at %d, grows up to %d by draw site %d", l.Increment, l.Decrement, l.MinThreshold, l.MaxNew, l.Site)
		}
		if d.Kernel == nil {
			pr.line("%s)", head)
			continue
		}
		pr.kernel(head+"; on active)", d.Kernel)
	}
	pr.close()
}

func (pr *printer) variable(v *Var) {
	s := fmt.Sprintf("%-12s %-7s %s", v.Name, v.Kind, v.FormatString())
	switch v.Kind {
	case CounterVar:
		s += fmt.Sprintf("  # steps left, up to %d", v.Range.Hi)
		pr.line("%s", s)
		return
	case LFSRVar:
		s += "  # per-neuron LFSR for stochastic rounding"
		pr.line("%s", s)
		return
	}
	if v.Scale != 0 {
		s += fmt.Sprintf(", range [%s, %s]", SIString(v.SI(v.Lo), v.Dim), SIString(v.SI(v.Hi), v.Dim))
	}
	if v.Lag {
		s += ", one step late"
	}
	switch v.Proof {
	case Proved:
		s += "  # proved in " + v.RangeString()
	default:
		s += fmt.Sprintf("  # %s: %s", OverflowVerb(v.Proof), v.Why)
	}
	pr.line("%s", s)
}

func (pr *printer) constant(c Quantized) {
	if c.Dim.IsDimensionless() && c.Unit == "" && strings.HasPrefix(c.What, "decay") {
		pr.line("%s: %.10g → %d: %s", c.What, c.Value, c.Int, c.Detail)
		return
	}
	rel := ""
	if c.Value != 0 {
		rel = fmt.Sprintf(" (%+.3g %%)", 100*(c.Got-c.Value)/math.Abs(c.Value))
	}
	s := fmt.Sprintf("%s: %s → %d = %s%s", c.What, SIString(c.Value, c.Dim), c.Int, SIString(c.Got, c.Dim), rel)
	if c.Detail != "" {
		s += ": " + c.Detail
	}
	pr.line("%s", s)
}

// plastic prints an STDP rule's formats, constants and kernels.
func (pr *printer) plastic(pl *Plastic) {
	pr.open("plastic %s", pl.Rule)
	for _, v := range pl.Vars() {
		sign := "u"
		if v.Signed {
			sign = "s"
		}
		pr.line("%-12s %s%d Q.%d, range [%g, %g]", v.Name, sign, v.Width, v.Frac, v.SI(v.Lo), v.SI(v.Hi))
	}
	for _, c := range pl.Consts {
		pr.line("%s: %g → %d = %g", c.What, c.Value, c.Int, c.Got)
	}
	names := []string{"per step, each " + pl.Pre.Name, "per step, each " + pl.Post.Name, "on pre, once", "on pre, each synapse", "on post, once", "on post, each synapse", "on modulator " + pl.Mod + ", each synapse"}
	if pl.Gate != nil {
		pr.line("gated by the postsynaptic %s (0 or 1)", pl.Gate.Name)
	}
	for k, kk := range pl.Kernels() {
		pr.open("%s", names[k])
		for _, o := range kk.Ops {
			pr.line("%s", opString(o))
		}
		if kk.Out != nil {
			pr.line("deliver %%%d", kk.Out.ID)
		}
		pr.close()
	}
	pr.close()
}

func (pr *printer) kernel(head string, k *Kernel) {
	pr.open("%s", head)
	for _, o := range k.Ops {
		pr.line("%s", opString(o))
	}
	if k.Out != nil {
		pr.line("spike if %%%d", k.Out.ID)
	}
	pr.close()
}

func typ(o *Op) string {
	if o.Width == 0 {
		return ""
	}
	if o.Signed {
		return fmt.Sprintf("s%d", o.Width)
	}
	return fmt.Sprintf("u%d", o.Width)
}

func opString(o *Op) string {
	args := make([]string, len(o.Args))
	for i, a := range o.Args {
		args[i] = fmt.Sprintf("%%%d", a.ID)
	}
	a := strings.Join(args, ", ")
	var body string
	switch o.Code {
	case OpConst:
		body = fmt.Sprintf("const %d", o.Imm)
	case OpLoad:
		body = "load " + o.Var.Name
	case OpWeight:
		body = "weight"
	case OpRefractory:
		body = "refractory"
	case OpShl:
		body = fmt.Sprintf("shl %s, %d", a, o.Imm)
	case OpShr:
		body = fmt.Sprintf("shr %s, %d %s", a, o.Imm, o.Round)
	case OpDiv:
		body = fmt.Sprintf("div %s %s", a, o.Round)
	case OpDraw:
		body = fmt.Sprintf("draw site %d", o.Imm)
	case OpResize:
		t := fmt.Sprintf("s%d", o.Width)
		if !o.Signed {
			t = fmt.Sprintf("u%d", o.Width)
		}
		body = fmt.Sprintf("resize %s to %s %s", a, t, o.Ovf)
		if o.Ovf == Saturate && (o.Lo != MinOf(o.Width, o.Signed) || o.Hi != MaxOf(o.Width, o.Signed)) {
			body += fmt.Sprintf(" [%d, %d]", o.Lo, o.Hi)
		}
	case OpShiftDecay:
		body = fmt.Sprintf("shiftdecay %s, %d", a, o.Imm)
		if o.MinStep {
			body += " minstep"
		}
	case OpCmp:
		body = fmt.Sprintf("cmp %s %s %%%d", args[0], o.Cmp, o.Args[1].ID)
	case OpStore:
		s := fmt.Sprintf("store %s ← %s", o.Var.Name, a)
		if o.Hold {
			s += " unless refractory"
		}
		return s
	case OpRefract:
		s := fmt.Sprintf("refract %d steps", o.Imm)
		if len(o.Args) > 0 {
			s += " if " + a
		}
		if o.Note != "" {
			s += "  # " + o.Note
		}
		return s
	default:
		body = o.Code.String() + " " + a
	}
	s := fmt.Sprintf("%%%-3d = %-34s %-4s", o.ID, body, typ(o))
	if o.Code != OpStore && o.Code != OpRefract && (o.Range.Lo != 0 || o.Range.Hi != 0) && o.Code != OpConst {
		s += fmt.Sprintf(" [%d, %d]", o.Range.Lo, o.Range.Hi)
	}
	if o.Note != "" {
		s += "  # " + o.Note
	}
	return strings.TrimRight(s, " ")
}

func (pr *printer) proj(p *Program, q *Proj) {
	head := fmt.Sprintf("%s → %s.%s: fan-in up to %s", q.Name, q.Post.Pop, q.Port.Name, CountString(q.Fanin))
	if q.Const {
		got := float64(q.Mant) * q.Unit
		rel := ""
		if q.Weight != 0 {
			rel = fmt.Sprintf(" (%+.3g %%)", 100*(got-q.Weight)/math.Abs(q.Weight))
		}
		pr.line("%s; weight %s → %d << %d = %s%s", head, SIString(q.Weight, q.Port.WeightDim), q.Mant, q.Shift, SIString(got, q.Port.WeightDim), rel)
		if q.Plastic != nil {
			pr.plastic(q.Plastic)
		}
		return
	}
	pr.line("%s; weights %s drawn at run time, quantized to %d-bit mantissas × %s << %d", head, ir.ExprString(q.Src.Weight),
		p.Profile.WeightBits, SIString(math.Abs(q.Unit), q.Port.WeightDim), q.Shift)
}

func CountString(n int64) string {
	if n >= Inf {
		return "unboundedly many"
	}
	return fmt.Sprint(n)
}

func OverflowVerb(o Overflow) string {
	switch o {
	case Wrap:
		return "may wrap around"
	case Modulo:
		return "may wrap around (sign kept, modulo its half range)"
	}
	return "saturates"
}

// SIString prints an SI value in its preferred unit, to 6 significant
// digits.
func SIString(v float64, d units.Dim) string {
	if u, ok := units.Preferred(d); ok && u.Scale != 0 {
		x := strconv.FormatFloat(v/u.Scale, 'g', 6, 64)
		if d.IsDimensionless() || u.Symbol == "" || u.Symbol == "1" {
			return x
		}
		return x + " " + u.Symbol
	}
	return strconv.FormatFloat(v, 'g', 6, 64) + " " + d.String()
}

// FormatString is "s16 Q2.13" or "s24 ×1.2 µV".
func (v *Var) FormatString() string {
	s := "u"
	if v.Signed {
		s = "s"
	}
	s += fmt.Sprint(v.Width)
	switch {
	case v.Kind == CounterVar || v.Kind == LFSRVar:
	case v.Pow2:
		s += fmt.Sprintf(" Q%d.%d", v.Width-v.Frac-1, v.Frac)
	default:
		s += " LSB " + SIString(v.Scale, v.Dim)
	}
	if v.Offset != 0 {
		s += " offset " + SIString(v.Offset, v.Dim)
	}
	return s
}

// RangeString prints the proven range in SI.
func (v *Var) RangeString() string {
	if v.Kind == CounterVar || v.Kind == LFSRVar || v.Scale == 0 {
		return fmt.Sprintf("[%d, %d]", v.Range.Lo, v.Range.Hi)
	}
	return fmt.Sprintf("[%s, %s]", SIString(v.SI(v.Range.Lo), v.Dim), SIString(v.SI(v.Range.Hi), v.Dim))
}
