package gocode

import (
	"fmt"
	"sort"

	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/plan"
	"github.com/snnc/snnc/runtime"
)

// Dendrites, as the interpreter runs them (backends/gosim/dendrite.go):
//
//   - a segment dendrite is a *rt.Segments (field p<k>d<j>), the same code
//     the interpreter runs; projections onto it mark presynaptic cells
//     (Spike), and at the end of each step EndStep learns and returns the
//     neurons with an active segment, for which onActive<k>_<j> runs the
//     `on dendrite NAME active` handler;
//   - a continuous dendrite is one input per neuron and segment (field
//     p<k>d<j>in), summed weights of the spikes that arrived, decayed or
//     cleared at the end of each step after dendOut<k>_<j> has written
//     combine(activation(input)) into its output variable.
type dendGen struct {
	pg    *popGen
	d     *ir.Dendrite
	j     int    // index in the model's dendrites
	field string // p<k>d<j>
	projs []*projGen
	// continuous: the plan's ContDendrite
	cont  *plan.ContDendrite
	nseg  int
	decay float64 // per step; 0: the input holds one step's spikes only
}

func (dg *dendGen) seg() bool { return !dg.d.Continuous }

// dendrites declares the population's dendrites: fields, construction and
// handlers. A continuous dendrite whose output nothing reads (dce removed
// it) is not simulated, as in the interpreter.
func (pg *popGen) dendrites() error {
	pg.dends = map[string]*dendGen{}
	for j, d := range pg.m.Dendrites {
		dg := &dendGen{pg: pg, d: d, j: j, field: fmt.Sprintf("p%dd%d", pg.k, j)}
		if d.Continuous {
			if dg.cont = pg.planPop().Continuous[d.Name]; dg.cont == nil {
				pg.idleDends[d.Name] = true
				continue
			}
			if err := pg.contDendrite(dg); err != nil {
				return fmt.Errorf("population %s: %w", pg.ip.Name, err)
			}
		} else if err := pg.segDendrite(dg); err != nil {
			return err
		}
		pg.dends[d.Name] = dg
		pg.dendOrder = append(pg.dendOrder, dg)
	}
	return nil
}

func (pg *popGen) segDendrite(dg *dendGen) error {
	g, k, d := pg.g, pg.k, dg.d
	if _, err := rt.NewSegments(d.Name, d.Settings, 0, nil); err != nil {
		return fmt.Errorf("population %s: %w", pg.ip.Name, err) // the interpreter's refusal
	}
	g.fields.line("%s *rt.Segments // segment dendrite %s", dg.field, comment(d.Name))
	b := &g.build
	b.line("{ // segment dendrite %s", comment(d.Name))
	var streams []string
	for _, pt := range pg.parts {
		streams = append(streams, fmt.Sprintf("rt.NewStream(seed, rt.Hash(\"dendrite\", %s, %s))", quote(pt.ip.Name), quote(d.Name)))
	}
	b.line("streams := []*rt.Stream{%s}", joinComma(streams))
	b.line("rng := func(j int) *rt.Stream {")
	for m, pt := range pg.parts {
		b.line("if j >= %d && j < %d {", pt.off, pt.off+pt.n)
		b.line("return streams[%d]", m)
		b.line("}")
	}
	b.line("return streams[0]")
	b.line("}")
	var kv []string
	for _, key := range sortedKeys(d.Settings) {
		kv = append(kv, fmt.Sprintf("%s: %s", quote(key), g.litStr(d.Settings[key])))
	}
	b.line("d, err := rt.NewSegments(%s, map[string]float64{%s}, %d, rng)", quote(d.Name), joinComma(kv), pg.n)
	b.line("if err != nil {")
	b.line("return nil, fmt.Errorf(%s, err)", quote("population "+escapePct(pg.ip.Name)+": %w"))
	b.line("}")
	b.line("s.%s = d", dg.field)
	b.line("}")
	l := pg.planPop().OnActive[d.Name]
	if l == nil {
		return nil
	}
	f := newFn()
	p := pg.printer(f, "")
	if body := pg.m.OnActive[d.Name]; len(body) > 0 {
		p.file, p.line = stmtPos(body[0])
	}
	if _, err := p.loop(&f.buf, l, "da", "i"); err != nil {
		return fmt.Errorf("population %s, on dendrite %s active: %w", pg.ip.Name, d.Name, err)
	}
	f.write(&g.funcs, fmt.Sprintf("// onActive%d_%d runs `on dendrite %s active` of %s for neuron i.\nfunc (s *sim) onActive%d_%d(i int) {", k, dg.j, comment(d.Name), comment(pg.ip.Name), k, dg.j))
	return nil
}

func (pg *popGen) contDendrite(dg *dendGen) error {
	g, k, d, pd := pg.g, pg.k, dg.d, dg.cont
	dg.nseg, dg.decay = pd.Segments, pd.Decay
	g.fields.line("%sin []float64 // continuous dendrite %s: input of each segment and neuron (segment-major)", dg.field, comment(d.Name))
	g.fields.line("%snsyn int64", dg.field)
	g.build.line("s.%sin = make([]float64, %d)", dg.field, pg.n*dg.nseg)
	// the output at t = 0, from zero inputs
	g.build.line("s.dendOut%d_%d(0.0)", k, dg.j)

	pg.scratch[pd.In] = dg.field + "in"
	f := newFn()
	p := pg.printer(f, "")
	p.now = "t"
	p.file, p.line = d.Pos.Pos.File, d.Pos.Pos.Line
	f.line("for j := 0; j < %d; j++ {", pg.n)
	if _, err := p.loop(&f.buf, pd.Output, "do", "j"); err != nil {
		return fmt.Errorf("dendrite %s: %w", d.Name, err)
	}
	f.line("}")
	f.write(&g.funcs, fmt.Sprintf("// dendOut%d_%d writes combine(activation(input)) of dendrite %s of %s at time t.\nfunc (s *sim) dendOut%d_%d(t float64) {", k, dg.j, comment(d.Name), comment(pg.ip.Name), k, dg.j))
	return nil
}

// finishDendrites writes, after every projection is built, the segment
// dendrites' presynaptic space (sources sorted by name, offsets c<k>doff),
// candidate pools and, without learning, their segments; the projections'
// own connectivity is dropped (the pools hold it), and the continuous
// dendrites' synapse counts.
func (g *gen) finishDendrites() {
	b := &g.build
	for _, pg := range g.pops {
		for _, dg := range pg.dendOrder {
			if !dg.seg() {
				if len(dg.projs) > 0 {
					b.line("")
					b.line("// continuous dendrite %s of %s", comment(dg.d.Name), comment(pg.ip.Name))
					for _, pr := range dg.projs {
						b.line("s.%snsyn += s.c%dnsyn", dg.field, pr.k)
					}
				}
				continue
			}
			b.line("")
			b.line("{ // segment dendrite %s of %s: presynaptic space and pools", comment(dg.d.Name), comment(pg.ip.Name))
			sizes := map[string]string{}
			for _, pr := range dg.projs {
				if _, ok := sizes[pr.pre.name()]; !ok {
					sizes[pr.pre.name()] = pr.pre.size()
				}
			}
			names := make([]string, 0, len(sizes))
			for nm := range sizes {
				names = append(names, nm)
			}
			sort.Strings(names)
			b.line("npre := 0")
			offs := map[string]string{}
			for m, nm := range names {
				offs[nm] = fmt.Sprintf("off%d", m)
				b.line("off%d := npre // %s", m, comment(nm))
				b.line("npre += %s", sizes[nm])
			}
			all := len(dg.projs) > 0
			for _, pr := range dg.projs {
				b.line("s.c%ddoff = %s", pr.k, offs[pr.pre.name()])
				if pr.storage != "dense" || !pr.post.whole() {
					all = false
				}
			}
			b.line("s.%s.Connect(npre, %v, func(visit func(c int32, j int)) {", dg.field, all)
			for _, pr := range dg.projs {
				off := offs[pr.pre.name()]
				b.line("for i := 0; i < %s; i++ {", pr.pre.size())
				if pr.storage == "dense" {
					b.line("for j := 0; j < %d; j++ {", pr.post.n)
					b.line("visit(int32(%s+i), j+%d)", off, pr.post.off)
					b.line("}")
				} else {
					b.line("csr := s.c%dcsr", pr.k)
					b.line("for _, j := range csr.Col[csr.RowPtr[i]:csr.RowPtr[i+1]] {")
					b.line("visit(int32(%s+i), int(j)+%d)", off, pr.post.off)
					b.line("}")
				}
				b.line("}")
			}
			b.line("})")
			for _, pr := range dg.projs {
				if pr.storage == "csr" {
					b.line("s.c%dcsr = nil // the pools hold the connectivity", pr.k)
				}
			}
			b.line("}")
		}
	}
}

// endDendrites writes the dendrites' end of the step, in population and
// declaration order.
func (g *gen) endDendrites(b *buf) {
	for _, pg := range g.pops {
		for _, dg := range pg.dendOrder {
			if dg.seg() {
				call := fmt.Sprintf("s.%s.EndStep(s.n, s.p%dspk)", dg.field, pg.k)
				if pg.planPop().OnActive[dg.d.Name] != nil {
					b.line("for _, j := range %s {", call)
					b.line("s.onActive%d_%d(int(j))", pg.k, dg.j)
					b.line("}")
				} else {
					b.line("%s", call)
				}
				continue
			}
			b.line("s.dendOut%d_%d(s.t + dt)", pg.k, dg.j)
			if dg.decay == 0 {
				b.line("clear(s.%sin)", dg.field)
			} else {
				b.line("for k := range s.%sin {", dg.field)
				b.line("s.%sin[k] *= %s", dg.field, g.litStr(dg.decay))
				b.line("}")
			}
		}
	}
}

// dendriteSummaries writes the summary's dendrites, per member population.
func (g *gen) dendriteSummaries(fs *buf) {
	for _, pg := range g.pops {
		for _, dg := range pg.dendOrder {
			for _, pt := range pg.parts {
				if dg.seg() {
					fs.line("sum.Dendrites = append(sum.Dendrites, s.%s.Summary(%s, %d, %d))", dg.field, quote(pt.ip.Name), pt.off, pt.off+pt.n)
					continue
				}
				fs.line("sum.Dendrites = append(sum.Dendrites, rt.DendriteSummary{Population: %s, Name: %s, Kind: \"continuous\", Segments: %d, Synapses: s.%snsyn, Bytes: float64(int64(len(s.%sin))*8) * float64(%d) / float64(%d)})",
					quote(pt.ip.Name), quote(dg.d.Name), pt.n*dg.nseg, dg.field, dg.field, pt.n, pg.n)
			}
		}
	}
}

// ---- projections onto dendrites ----

// segOf writes the segment of each synapse of a csr connectivity onto a
// continuous dendrite of S > 1 segments: the synapses onto one neuron, in
// presynaptic order, dealt round-robin (field <prefix>seg).
func (pr *projGen) segOf(c *connGen) {
	g := pr.g
	if c.storage != "csr" || pr.dend.nseg == 1 {
		return
	}
	g.fields.line("%sseg []uint16 // segment of each synapse", c.prefix)
	b := &g.build
	b.line("{ // segments of %s's synapses", comment(c.ip.Name))
	b.line("cnt := make([]int32, %d)", pr.post.n)
	b.line("csr := s.%scsr", c.prefix)
	b.line("seg := make([]uint16, s.%snsyn)", c.prefix)
	b.line("for i := 0; i < csr.NPre; i++ {")
	b.line("for syn := csr.RowPtr[i]; syn < csr.RowPtr[i+1]; syn++ {")
	b.line("j := csr.Col[syn]")
	b.line("seg[syn] = uint16(int(cnt[j]) %% %d)", pr.dend.nseg)
	b.line("cnt[j]++")
	b.line("}")
	b.line("}")
	b.line("s.%sseg = seg", c.prefix)
	b.line("}")
}

// dendritePropagate writes the delivery of the due spikes to the dendrite.
func (pr *projGen) dendritePropagate(f *fnb) {
	g, k := pr.g, pr.k
	dg := pr.dend
	if dg.seg() {
		d := f.local("d", "s."+dg.field)
		off := f.local("off", fmt.Sprintf("s.c%ddoff", k))
		f.line("%s.Spike(int32(%s + pre))", d, off)
		return
	}
	S := dg.nseg
	in := f.local("in", "s."+dg.field+"in")
	conns := append([]*connGen{{ip: pr.ip, prefix: fmt.Sprintf("c%d", k), storage: pr.storage}}, pr.merged...)
	for _, c := range conns {
		needSyn := pr.random || (c.storage == "csr" && S > 1)
		pr.rows(f, c, "pre", needSyn, func() {
			seg := "" // segment-major: the segment's first element
			switch {
			case S == 1:
			case c.storage == "dense":
				seg = fmt.Sprintf("pre%%%d*%d+", S, pr.post.pop.n)
			default:
				seg = fmt.Sprintf("int(%s[syn])*%d+", f.local(c.prefix+"seg", "s."+c.prefix+"seg"), pr.post.pop.n)
			}
			w := g.lit(pr.weight).s
			if pr.random {
				w = pr.synWeight(f, "syn")
			}
			f.line("%s[%spost+%d] += %s", in, seg, pr.post.off, w)
		})
	}
}

func joinComma(xs []string) string {
	s := ""
	for i, x := range xs {
		if i > 0 {
			s += ", "
		}
		s += x
	}
	return s
}

func escapePct(s string) string {
	out := ""
	for _, r := range s {
		if r == '%' {
			out += "%%"
		} else {
			out += string(r)
		}
	}
	return out
}
