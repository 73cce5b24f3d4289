package gocode

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/snnc/snnc/estimate"
	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/lang/units"
	"github.com/snnc/snnc/plan"
	"github.com/snnc/snnc/runtime"
)

// rateLit is the Go literal of a poisson rate that is not a constant ("":
// a constant, r.Hz).
func (g *gen) rateLit(r rt.Rate) string {
	switch {
	case r.File != "":
		return "rt.Rate{File: " + quote(r.File) + "}"
	case r.PerSource != nil:
		return "rt.Rate{PerSource: " + g.floatsLit(r.PerSource) + "}"
	case r.Expr != nil:
		return fmt.Sprintf("rt.Rate{PerI: %t, Expr: %s}", r.PerI, g.exprLit(r.Expr))
	}
	return ""
}

// floatsLit is the Go literal of a []float64.
func (g *gen) floatsLit(xs []float64) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = g.litStr(x)
	}
	return "[]float64{" + strings.Join(s, ", ") + "}"
}

// exprLit is the Go literal of a postfix expression of t (and i).
func (g *gen) exprLit(expr []rt.RateOp) string {
	ops := make([]string, len(expr))
	for i, op := range expr {
		ops[i] = fmt.Sprintf("{Code: rt.RateCode(%d), K: %s, Fn: %s}", op.Code, g.litStr(op.K), quote(op.Fn))
	}
	return "[]rt.RateOp{" + strings.Join(ops, ", ") + "}"
}

// inputFields writes the spike sources (plan.InputSpec, built at run time
// by engine.NewSource as the interpreter builds them) and current steps.
func (g *gen) inputFields() error {
	f, b := &g.fields, &g.build
	for _, ig := range g.inputs {
		in := ig.in
		k := ig.k
		f.line("")
		f.line("// input %s: %s", comment(in.Name), comment(in.Kind))
		f.line("in%d rt.Source", k)
		f.line("in%dn int // its size", k)
		f.line("in%dspk []int32", k)
		spec, err := plan.InputSpec(in)
		if err != nil {
			return err
		}
		// the rates --set may change when the program starts
		rate, hz := g.rateLit(spec.Rate), g.litStr(spec.Hz)
		switch in.Kind {
		case "poisson":
			if rate == "" {
				hz = fmt.Sprintf("setIn%dRate", k)
				g.runSet(in.Name+".rate", hertz, true, spec.Rate.Hz, hz)
				rate = "rt.Rate{Hz: " + hz + "}"
			}
		case "poisson_group", "dataset":
			hz = fmt.Sprintf("setIn%dRate", k)
			g.runSet(in.Name+".rate", hertz, true, spec.Hz, hz)
		}
		lit := []string{"Name: " + quote(spec.Name), "Kind: " + quote(spec.Kind), fmt.Sprintf("Size: %d", spec.Size)}
		add := func(field, val string, set bool) {
			if set {
				lit = append(lit, field+": "+val)
			}
		}
		add("Rate", rate, in.Kind == "poisson")
		add("Hz", hz, in.Kind == "poisson_group" || in.Kind == "dataset")
		add("File", quote(spec.File), spec.File != "")
		add("Times", g.floatsLit(spec.Times), spec.Times != nil)
		if spec.Indices != nil {
			xs := make([]string, len(spec.Indices))
			for i, v := range spec.Indices {
				xs[i] = strconv.Itoa(v)
			}
			add("Indices", "[]int{"+strings.Join(xs, ", ")+"}", true)
		}
		add("Period", g.litStr(spec.Period), spec.Period != 0)
		add("Present", g.litStr(spec.Present), spec.Present != 0)
		add("Rest", g.litStr(spec.Rest), spec.Rest != 0)
		add("Active", strconv.Itoa(spec.Active), spec.Active != 0)
		b.line("")
		b.line("{ // input %s", comment(in.Name))
		b.line("src, err := engine.NewSource(engine.Input{%s}, seed, dt, inputPath)", strings.Join(lit, ", "))
		b.line("if err != nil {")
		b.line("return nil, fmt.Errorf(%s, err)", quote("input "+strings.ReplaceAll(in.Name, "%", "%%")+": %w"))
		b.line("}")
		b.line("s.in%d, s.in%dn = src, src.Size()", k, k)
		b.line("}")
	}
	if len(g.conts) > 0 {
		g.funcs.line("// current inputs")
		g.funcs.line("var (")
		for _, c := range g.conts {
			cur, err := plan.InputCurrent(c.in)
			if err != nil {
				return err
			}
			expr := ""
			if cur.Expr != nil { // an amplitude of t
				expr = ", Expr: " + g.exprLit(cur.Expr)
			}
			g.funcs.line("cur%d = rt.CurrentStep{Amplitude: %s, Start: %s, Stop: %s%s} // %s", c.k,
				g.litStr(cur.Amplitude), g.litStr(cur.Start), g.litStr(cur.Stop), expr, comment(c.in.Name))
			if cur.Expr == nil {
				g.runSet(c.in.Name+".amplitude", c.dim, false, cur.Amplitude, fmt.Sprintf("cur%d.Amplitude", c.k))
			}
			g.runSet(c.in.Name+".start", second, true, c.in.Num["start"], fmt.Sprintf("cur%d.Start", c.k))
			if c.in.Num["stop"] != 0 { // 0: to the end of the run
				g.runSet(c.in.Name+".stop", second, true, c.in.Num["stop"], fmt.Sprintf("cur%d.Stop", c.k))
			}
		}
		g.funcs.line(")")
		g.funcs.line("")
	}
	return nil
}

var (
	hertz  = units.MustParse("Hz").Dim
	second = units.MustParse("s").Dim
)

// memItems writes the run's memory estimate (package estimate, the
// interpreter's) as constants; newSim refuses a run that cannot fit before
// allocating any of it, for the steps of its --duration.
func (g *gen) memItems(o *buf) {
	o.line("// memItems is the memory estimate of the run (as snnc check --estimate prints it).")
	o.line("var memItems = []rt.MemItem{")
	for _, it := range estimate.Memory(g.p) {
		o.line("{Name: %s, Fixed: %s, PerSample: %s, Every: %d},", quote(it.Name),
			strconv.FormatFloat(it.Fixed, 'g', -1, 64), strconv.FormatFloat(it.PerSample, 'g', -1, 64), it.Every)
	}
	o.line("}")
	o.line("")
	o.line("// spikeNeurons is how many neurons the spike recordings cover (for the warning about their size).")
	o.line("const spikeNeurons = %d", estimate.SpikeNeurons(g.p))
	o.line("")
}

// sampleWeights writes the weight recordings taken every so many steps:
// before the step's synaptic events, at the step's time (as gosim), or
// with `at end` after everything of the step.
func (g *gen) sampleWeights(b *buf, atEnd bool) {
	for _, m := range g.mons {
		if m.kind == ir.RecWeights && m.every > 0 && m.atEnd == atEnd {
			b.line("if s.n%%%d == 0 {", m.every)
			if len(m.pr.lazy) > 0 {
				b.line("s.catchUp%d()", m.pr.k)
			}
			b.line("s.take%d(s.t)", m.k)
			b.line("}")
		}
	}
}

// stepBody writes (*sim).step, finish and summary.
func (g *gen) stepBody() {
	b := &g.step
	states := false
	for _, m := range g.mons {
		if m.kind == ir.RecState {
			if !states {
				b.line("// record state at the start of the step")
				states = true
			}
			b.line("if s.n%%%d == 0 {", m.every)
			b.line("s.sample%d()", m.k)
			b.line("}")
		}
	}

	b.line("s.tp = s.t")
	first := true
	for _, pg := range g.pops {
		for _, port := range pg.m.Ports {
			if port.Kind != ir.ContPort {
				continue
			}
			if first {
				b.line("// continuous ports: this step's input")
				first = false
			}
			b.line("clear(s.%s) // %s.%s", pg.field[port.Var], comment(pg.ip.Name), comment(port.Name))
		}
	}
	for _, c := range g.conts {
		target := g.partOf(c.in.Target)
		b.line("if a := cur%d.AtStep(s.n, dt); a != 0 {", c.k)
		lo, hi := target.off, target.off+target.n
		if v := c.in.View; v != nil { // only the neurons of the view
			lo, hi = target.off+v.Lo, target.off+v.Hi
		}
		b.line("port := s.%s[%d:%d]", c.port, lo, hi)
		b.line("for i := range port {")
		b.line("port[i] += a")
		b.line("}")
		b.line("}")
	}
	for _, pr := range g.projs { // before the sums: as gosim
		if pr.ticks() && !pr.plan.Syn.TickLate {
			b.line("s.tick%d()", pr.k)
		}
	}
	for _, pr := range g.projs {
		if pr.summed {
			b.line("s.sum%d()", pr.k)
		}
	}
	ticks := false
	for _, pr := range g.projs {
		ticks = ticks || pr.ticks()
	}
	inLoop := func(pg *popGen) bool { return pg.fused || pg.threshInLoop && !ticks }
	b.line("// integrate")
	b.line("var bad error // split over ranks: the step ends at the exchange, on every rank (ranks.go)")
	for _, pg := range g.pops {
		b.line("if s.x != nil {")
		g.rankIntegrate(pg, inLoop(pg))
		b.line("} else if s.threads <= 1 {")
		if pg.fused {
			b.line("s.fused%d()", pg.k)
		} else if inLoop(pg) {
			b.line("s.updateThreshold%d()", pg.k)
		} else {
			b.line("s.update%d(0, %d)", pg.k, pg.n)
		}
		b.line("} else {")
		if inLoop(pg) {
			b.line("s.p%dspk = parallelSpikes(s.threads, %d, s.p%dspk[:0], &s.p%dparts, s.updateRange%d)", pg.k, pg.n, pg.k, pg.k, pg.k)
		} else {
			b.line("parallel(s.threads, %d, s.update%d)", pg.n, pg.k)
		}
		b.line("}")
		b.line("if err := s.finite%d(); err != nil && bad == nil {", pg.k)
		b.line("if s.x == nil {")
		b.line("return err")
		b.line("}")
		b.line("bad = err")
		b.line("}")
	}
	b.Write(g.synPhases.Bytes())
	g.sampleWeights(b, false)
	for _, pr := range g.projs { // ticks that read the neurons: after their update, as gosim
		if pr.ticks() && pr.plan.Syn.TickLate {
			b.line("s.tick%d()", pr.k)
		}
	}
	b.line("// thresholds")
	for _, pg := range g.pops {
		if !inLoop(pg) {
			b.line("s.threshold%d()", pg.k)
		}
		if g.hasWta(pg) {
			b.line("s.wta%d()", pg.k)
		}
	}
	b.line("if s.x != nil {")
	b.line("if err := s.exchange(bad); err != nil {")
	b.line("return err")
	b.line("}")
	b.line("}")
	for _, pg := range g.pops {
		for _, pt := range pg.parts {
			if !pt.whole() {
				b.line("s.q%dspk = partSpikes(s.q%dspk[:0], s.p%dspk, %d, %d)", pt.k, pt.k, pg.k, pt.off, pt.n)
			}
		}
	}
	if len(g.inputs) > 0 {
		b.line("// inputs")
		for _, in := range g.inputs {
			b.line("s.in%dspk = s.in%d.Step(s.n)", in.k, in.k)
		}
	}
	if len(g.projs) > 0 {
		b.line("// synaptic events")
	}
	par := g.deliverParMethod()
	if par {
		b.line("if s.threads > 1 {")
		b.line("s.deliverPar()")
		b.line("} else {")
	}
	for _, pr := range g.projs {
		b.line("s.propagate%d()", pr.k)
	}
	if par {
		b.line("}")
	}
	for _, pr := range g.projs {
		if pr.syn == nil {
			continue
		}
		if len(pr.syn.OnPost) > 0 {
			b.line("s.post%d()", pr.k)
		}
		for name := range pr.syn.OnMod {
			if _, ok := pr.ip.Modulators[name]; ok {
				b.line("s.modulate%d()", pr.k)
				break
			}
		}
		if pr.normVar != nil {
			b.line("s.normalize%d()", pr.k)
		}
		if len(pr.written) > 0 {
			b.line("if s.c%derr != nil {", pr.k)
			b.line("return s.c%derr", pr.k)
			b.line("}")
		}
	}
	b.line("// resets")
	for _, pg := range g.pops {
		if pg.fused {
			b.line("if s.threads > 1 || s.x != nil {")
			b.line("s.reset%d()", pg.k)
			b.line("}")
		} else {
			b.line("s.reset%d()", pg.k)
		}
	}
	g.endDendrites(b)
	for _, pg := range g.pops {
		for _, pt := range pg.parts {
			b.line("s.q%dcnt += int64(len(%s))", pt.k, pt.fired())
		}
	}
	for _, m := range g.mons {
		if m.kind == ir.RecSpikes {
			b.line("s.mon%d.Record(s.t, %s)", m.k, m.fired)
		}
	}
	g.sampleWeights(b, true)

	fs := &g.funcs
	fs.line("// finish brings lazy synaptic state up to the end time and takes the")
	fs.line("// recordings made once, at the end.")
	fs.line("func (s *sim) finish() {")
	for _, pr := range g.projs {
		if len(pr.lazy) > 0 {
			fs.line("s.catchUp%d()", pr.k)
		}
	}
	for _, m := range g.mons {
		if m.kind == ir.RecWeights && m.every == 0 {
			fs.line("s.take%d(s.t)", m.k)
		}
	}
	fs.line("}")
	fs.line("")

	fs.line("// recordings returns the monitors in the order of the model's records.")
	fs.line("func (s *sim) recordings() (spikes []*rt.SpikeMonitor, states []*rt.StateMonitor, weights []*rt.WeightMonitor) {")
	for _, m := range g.mons {
		switch m.kind {
		case ir.RecSpikes:
			fs.line("spikes = append(spikes, s.mon%d)", m.k)
		case ir.RecState:
			fs.line("states = append(states, s.mon%d)", m.k)
		case ir.RecWeights:
			fs.line("weights = append(weights, s.mon%d)", m.k)
		}
	}
	fs.line("return")
	fs.line("}")
	fs.line("")

	fs.line("// summary describes the run as `snnc run` does.")
	fs.line("func (s *sim) summary(wall float64) *rt.Summary {")
	fs.line("sum := &rt.Summary{Network: networkName, Seed: s.seed, Dt: dt, Duration: float64(s.n) * dt, Threads: s.threads, WallSeconds: wall}")
	for _, pg := range g.pops {
		for _, pt := range pg.parts {
			fs.line("sum.Populations = append(sum.Populations, engine.PopSummary(%s, %d, s.q%dcnt, sum.Duration))", quote(pt.ip.Name), pt.n, pt.k)
		}
	}
	for _, pr := range g.projs {
		fs.line("sum.Projections = append(sum.Projections, engine.ProjSummary(%s, s.c%dnsyn, %s, %s))", quote(pr.ip.Name), pr.k, quote(pr.summaryStorage()), g.rankBytes(pr.k))
	}
	g.dendriteSummaries(fs)
	fs.line("return sum")
	fs.line("}")
	fs.line("")
}
