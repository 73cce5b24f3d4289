package gocode

import (
	"fmt"
	"maps"
	"strings"

	"github.com/snnc/snnc/estimate"
	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/plan"
	rt "github.com/snnc/snnc/runtime"
)

// projGen is a projection: connectivity in the storage the sparsity pass
// chose (fields c<k>...), a delay ring, static weights or a synapse model.
type projGen struct {
	g       *gen
	k       int
	ip      *ir.Projection
	plan    *plan.Proj // its decisions: storage, delay, threading
	pre     node
	post    *partGen
	summed  bool   // has a sum<k> method (a summed synapse)
	storage string // dense, csr, rows (static csr, stored compact) or procedural
	merged  []*connGen
	delay   int
	port    *eventGen
	weight  float64 // constant weight (static), or the synapse's `weight`
	// weightVar: the package variable holding a static constant weight,
	// which --set may change when the program starts ("" = a literal)
	weightVar string
	random    bool // static weights drawn per synapse (field c<k>w)
	w32       bool // c<k>w is []float32: weights drawn at random (rt.SynWeights)

	// plastic (plastic.go)
	syn      *ir.Model
	field    map[*ir.Var]string // synapse state variables' fields
	arrays   map[int]string     // the fields of the plan's arrays of the projection, by ID
	lazy     []*plan.Array      // the last update times of lazy traces
	columns  bool               // synapses indexed by postsynaptic neuron are needed
	normVar  *ir.Var
	normEach int
	written  []*ir.Var // state the handlers write, checked for NaN and Inf (field c<k>err)
	// while an initialisation loop prints (init): its stream and result
	initRng    string
	initResult func(b *buf, v string)

	// onto a dendrite (dendrite.go) instead of an event port
	dend *dendGen
	idle bool // onto a continuous dendrite nothing reads: not simulated
}

// connGen is connectivity of its own: a projection's, or one merged into it.
type connGen struct {
	ip      *ir.Projection
	prefix  string // field prefix: c<k> or c<k>m<m>
	storage string
}

func (g *gen) newProj(k int, ip *ir.Projection) (*projGen, error) {
	pre, ok := g.nodes[ip.Pre.Name()]
	post := g.partOf(ip.Post)
	if !ok || post == nil {
		return nil, fmt.Errorf("missing end")
	}
	if k >= len(g.plan.Projs) || g.plan.Projs[k].Name != ip.Name {
		return nil, fmt.Errorf("not in the plan (a bug in snnc)")
	}
	pr := &projGen{g: g, k: k, ip: ip, pre: pre, post: post, plan: g.plan.Projs[k]}
	pr.dend, pr.idle = post.pop.dends[ip.Port], post.pop.idleDends[ip.Port]
	pr.storage = string(pr.plan.Storage)
	if pr.storage == "dense" && (ip.Connector.Kind != "all_to_all" || ip.Connector.ExceptSelf) {
		return nil, fmt.Errorf("dense storage needs all_to_all connectivity")
	}
	for m, mp := range ip.Merged {
		st := string(plan.StorageOf(mp, pr.dend != nil || pr.idle))
		if st == "dense" && (mp.Connector.Kind != "all_to_all" || mp.Connector.ExceptSelf) {
			return nil, fmt.Errorf("merged %s: dense storage needs all_to_all connectivity", mp.Name)
		}
		pr.merged = append(pr.merged, &connGen{ip: mp, prefix: fmt.Sprintf("c%dm%d", k, m), storage: st})
	}
	pr.delay = pr.plan.DelaySteps
	if pr.dend != nil || pr.idle {
		return pr, pr.toDendrite()
	}
	summed := ip.Synapse != nil && ip.Synapse.Summed != nil // drives a continuous port
	ep, ok := post.pop.events[ip.Port]
	if !ok && !summed {
		return nil, fmt.Errorf("%s has no event port %s", post.ip.Name, ip.Port)
	}
	if summed {
		if _, ok := post.pop.ports[ip.Port]; !ok {
			return nil, fmt.Errorf("%s has no continuous port %s", post.ip.Name, ip.Port)
		}
	}
	pr.port = ep
	if len(ip.Merged) > 0 {
		if _, ok := ir.ConstValue(ip.Weight); !ok || ip.Synapse != nil {
			return nil, fmt.Errorf("merged projections need a constant weight and no synapse model")
		}
	}
	pr.fields()
	if ip.Synapse == nil {
		if err := pr.staticWeights(); err != nil {
			return nil, err
		}
		if pr.plan.SynDelays {
			if err := pr.synapseDelays(); err != nil {
				return nil, err
			}
		}
	} else {
		if err := pr.plastic(); err != nil {
			return nil, err
		}
		if pr.plan.SynDelays {
			if err := pr.synapseDelays(); err != nil {
				return nil, err
			}
		}
	}
	if err := pr.propagateMethod(); err != nil {
		return nil, err
	}
	pr.bytesMethod()
	return pr, nil
}

// fields declares the projection's connectivity and ring.
func (pr *projGen) fields() {
	f, ip, k := &pr.g.fields, pr.ip, pr.k
	f.line("")
	f.line("// projection %s: %s -> %s:%s, %s", comment(ip.Name), comment(pr.pre.name()), comment(pr.post.ip.Name), comment(ip.Port), pr.storage)
	pr.connFields(&connGen{ip: ip, prefix: fmt.Sprintf("c%d", k), storage: pr.storage})
	for _, m := range pr.merged {
		f.line("// merged: %s, %s", comment(m.ip.Name), m.storage)
		pr.connFields(m)
	}
	if pr.delay > 0 {
		f.line("c%dring *rt.DelayRing // spikes in flight (%d steps)", k, pr.delay)
	}
}

// rowsCol is the field of c's compact targets: uint16 up to 65536
// postsynaptic neurons (rt.Narrow16), else uint32.
func (pr *projGen) rowsCol(c *connGen) string {
	if rt.Narrow16(pr.post.n) {
		return "s." + c.prefix + "rows.Col16"
	}
	return "s." + c.prefix + "rows.Col32"
}

// rowPtr is the expression for the first synapse of each row: stored, or
// numbered once over the regenerated rows of a plastic projection.
func (pr *projGen) rowPtr(c *connGen) string {
	if c.storage == "csr" {
		return "s." + c.prefix + "csr.RowPtr"
	}
	return "s." + c.prefix + "rp"
}

func (g *gen) partOf(ip *ir.Population) *partGen {
	for _, pg := range g.pops {
		for _, pt := range pg.parts {
			if pt.ip == ip {
				return pt
			}
		}
	}
	return nil
}

func (pr *projGen) connFields(c *connGen) {
	f := &pr.g.fields
	switch c.storage {
	case "csr":
		f.line("%scsr *rt.CSR", c.prefix)
	case "rows":
		f.line("%srows *rt.Rows", c.prefix)
	case "procedural":
		f.line("%sproc *rt.Procedural", c.prefix)
		f.line("%sbatch []rt.RowBatch // rows regenerated by each thread", c.prefix)
		f.line("%sbuf []int32 // a regenerated row", c.prefix)
		if c.ip.Synapse != nil {
			f.line("%srp []int64 // first synapse of each row", c.prefix)
		}
		f.line("%sscr rt.RowScratch // a regenerated row, in draw order", c.prefix)
	}
	f.line("%snsyn int64", c.prefix)
}

// connSpec is the runtime's description of a connector
// (estimate.ConnSpec, which the interpreter uses) as a Go literal; resolve:
// a file is found relative to the model at run time.
func (g *gen) connSpec(c ir.Connector, samePop, resolve bool) string {
	spec := estimate.ConnSpec(c, samePop)
	parts := []string{"Kind: " + quote(spec.Kind)}
	if spec.P != 0 {
		parts = append(parts, "P: "+g.litStr(spec.P))
	}
	if spec.K != 0 {
		parts = append(parts, fmt.Sprintf("K: %d", spec.K))
	}
	if spec.Sigma != 0 {
		parts = append(parts, "Sigma: "+g.litStr(spec.Sigma))
	}
	if spec.File != "" {
		if resolve {
			parts = append(parts, "File: inputPath("+quote(spec.File)+")") // relative to the model, like input files
		} else {
			parts = append(parts, "File: "+quote(spec.File))
		}
	}
	if spec.ExceptSelf {
		parts = append(parts, "ExceptSelf: true")
	}
	for _, f := range []struct {
		field string
		v     []int
	}{{"Kernel", spec.Kernel}, {"Input", spec.Input}, {"Stride", spec.Stride}, {"Padding", spec.Padding}, {"Dilation", spec.Dilation}} {
		if f.v != nil {
			parts = append(parts, fmt.Sprintf("%s: %#v", f.field, f.v))
		}
	}
	if spec.Groups != 0 {
		parts = append(parts, fmt.Sprintf("Groups: %d", spec.Groups))
	}
	if spec.SamePop {
		parts = append(parts, "SamePop: true")
	}
	return "rt.ConnSpec{" + strings.Join(parts, ", ") + "}"
}

// connect writes the code that builds one connectivity (stream keyed by
// its projection's name).
func (pr *projGen) connect(b *buf, c *connGen, wrap string) {
	g := pr.g
	ip := c.ip
	same := ip.Pre.Pop != nil && ip.Pre.Pop.Name == pr.post.ip.Name
	b.line("{")
	if c.storage == "dense" {
		b.line("s.%snsyn = int64(%s) * int64(%d)", c.prefix, pr.pre.size(), pr.post.n)
		b.line("}")
		return
	}
	b.line("spec := %s", g.connSpec(ip.Connector, same, true))
	gpre, gpost := pr.pre.geometry(), node{part: pr.post}.geometry()
	if v := ip.PreView; v != nil {
		gpre = fmt.Sprintf("rt.Geometry{N: %d}", v.Hi-v.Lo)
	}
	if v := ip.PostView; v != nil {
		gpost = fmt.Sprintf("rt.Geometry{N: %d}", v.Hi-v.Lo)
	}
	b.line("pre, post := %s, %s", gpre, gpost)
	b.line("stream := rt.NewStream(seed, rt.Hash(\"connect\", %s))", quote(ip.Name))
	if c.storage == "procedural" {
		b.line("proc, err := rt.NewProcedural(spec, pre, post, stream)")
		b.line("if err != nil {")
		b.line("return nil, fmt.Errorf(%s, err)", quote(wrap+"%w"))
		b.line("}")
		b.line("s.%sproc = proc", c.prefix)
		if ip.Synapse != nil { // per-synapse state: number the regenerated rows
			b.line("s.%srp = proc.RowPointers()", c.prefix)
			b.line("s.%snsyn = s.%srp[len(s.%srp)-1]", c.prefix, c.prefix, c.prefix)
		} else {
			b.line("s.%snsyn = int64(rt.EstimateSynapses(spec, pre, post))", c.prefix)
		}
	} else if c.storage == "rows" {
		b.line("rows, err := rt.ConnectRows(spec, pre, post, stream, s.threads)")
		b.line("if err != nil {")
		b.line("return nil, fmt.Errorf(%s, err)", quote(wrap+"%w"))
		b.line("}")
		b.line("s.%srows = rows", c.prefix)
		b.line("s.%snsyn = rows.NumSynapses()", c.prefix)
	} else {
		b.line("csr, err := rt.Connect(spec, pre, post, stream)")
		b.line("if err != nil {")
		b.line("return nil, fmt.Errorf(%s, err)", quote(wrap+"%w"))
		b.line("}")
		if ip.Sliced() { // the views' rows, in the whole populations' indices
			lo := func(v *ir.View) int {
				if v == nil {
					return 0
				}
				return v.Lo
			}
			b.line("csr = rt.Embed(csr, %d, %s, %d, %d)", lo(ip.PreView), pr.pre.size(), lo(ip.PostView), pr.post.n)
		}
		b.line("s.%scsr = csr", c.prefix)
		b.line("s.%snsyn = csr.NumSynapses()", c.prefix)
	}
	b.line("}")
}

// buildConn writes the projection's connectivity, merged parts and ring.
func (pr *projGen) buildConn() {
	b := &pr.g.build
	k := pr.k
	b.line("")
	b.line("// projection %s", comment(pr.ip.Name))
	wrap := fmt.Sprintf("projection %s: ", strings.ReplaceAll(pr.ip.Name, "%", "%%"))
	pr.connect(b, &connGen{ip: pr.ip, prefix: fmt.Sprintf("c%d", k), storage: pr.storage}, wrap)
	for _, m := range pr.merged {
		pr.connect(b, m, wrap+"merged "+strings.ReplaceAll(m.ip.Name, "%", "%%")+": ")
		b.line("s.c%dnsyn += s.%snsyn", k, m.prefix)
	}
	if pr.delay > 0 {
		b.line("s.c%dring = rt.NewDelayRing(%d)", k, pr.delay)
	}
}

// synWeight is the code of synapse idx's weight from the per-synapse
// array, converted back to float64 where it is stored as float32.
func (pr *projGen) synWeight(f *fnb, idx string) string {
	w := f.local("w", fmt.Sprintf("s.c%dw", pr.k)) + "[" + idx + "]"
	if pr.w32 {
		return "float64(" + w + ")"
	}
	return w
}

func (pr *projGen) staticWeights() error {
	g, ip, k := pr.g, pr.ip, pr.k
	pr.buildConn()
	if ip.Weight == nil {
		return fmt.Errorf("no weight")
	}
	if ip.Connector.Weighted() { // matrix, conv: the connector's factors times the constant weight
		w, _ := ir.ConstValue(ip.Weight)
		pr.random = true
		g.fields.line("c%dw []float64 // weight of each synapse", k)
		src := fmt.Sprintf("s.c%dcsr.W", k)
		if pr.storage == "rows" {
			src = fmt.Sprintf("s.c%drows.W", k)
		}
		g.build.line("s.c%dw = rt.ScaleWeights(%s, %s)", k, src, g.litStr(w))
		if ip.PruneBelow > 0 {
			g.build.line("s.c%dnsyn = rt.PruneWeights(s.c%dcsr, &s.c%dw, %s)", k, k, k, g.litStr(ip.PruneBelow))
		}
		return nil
	}
	if w, ok := ir.ConstValue(ip.Weight); ok {
		pr.weight = w
		if len(pr.merged) == 0 { // merged projections share one literal
			pr.weightVar = fmt.Sprintf("setW%d", k)
			g.runSet(ip.Name+".weight", ip.Weight.Dim(), false, w, pr.weightVar)
		}
		return nil
	}
	in := g.initsOf(plan.InitWeights, ip.Name) // (the plan refuses them with procedural connectivity)
	if len(in) != 1 {
		return fmt.Errorf("internal: the plan does not draw the weights of %s", ip.Name)
	}
	f := newFn()
	var w fnb
	p := &opsPrinter{g: g, f: f, where: "in a weight", array: readsNothing("a weight"), rng: "rng", // the block's stream
		result: func(b *buf, v string) { b.line("return %s", v) }}
	if _, err := p.loop(&w.buf, in[0].Loop, "v", "i"); err != nil {
		return err
	}
	if ip.PruneBelow > 0 && pr.storage != "csr" {
		return fmt.Errorf("dropping small weights needs csr storage, not %s", pr.storage)
	}
	pr.random, pr.w32 = true, true
	g.fields.line("c%dw []float32 // weight of each synapse, drawn (rounded to float32 as the interpreter's)", k)
	b := &g.build
	b.line("{ // weights: block b of synapses draws from the stream's child b (rt.NewSynWeights)")
	b.line("stream := %s", streamOf(in[0]))
	b.line("s.c%dw = rt.NewSynWeights(s.c%dnsyn, s.threads, stream, func() func(*rt.Stream, int64) float64 {", k, k)
	for _, d := range f.decl {
		b.line("%s", d)
	}
	b.line("return func(rng *rt.Stream, syn int64) float64 {")
	b.line("i := int(syn)")
	b.line("_ = i")
	back := g.lineTo(b, ip.Pos.Pos.File, ip.Pos.Pos.Line)
	b.Write(w.Bytes())
	back()
	b.line("}")
	b.line("})")
	if ip.PruneBelow > 0 {
		b.line("s.c%dnsyn = rt.PruneWeights(s.c%dcsr, &s.c%dw, %s)", k, k, k, g.litStr(ip.PruneBelow))
	}
	b.line("}")
	return nil
}

// synapseDelays writes the drawing of each synapse's own delay: the
// projection's delay expression, each block of synapses from a child of
// the stream keyed by the projection's name (as the interpreter draws
// them, with the threads), quantised and stored by rt.NewSynDelays; the ring is sized by
// the longest.
func (pr *projGen) synapseDelays() error {
	g, ip, k := pr.g, pr.ip, pr.k
	in := g.initsOf(plan.InitDelays, ip.Name)
	if len(in) != 1 {
		return fmt.Errorf("internal: the plan does not draw the delays of %s", ip.Name)
	}
	f := newFn()
	var d fnb
	p := &opsPrinter{g: g, f: f, where: "in a delay", array: readsNothing("a delay"), rng: "rng", // the block's stream
		result: func(b *buf, v string) { b.line("return %s", v) }}
	if _, err := p.loop(&d.buf, in[0].Loop, "v", "i"); err != nil {
		return err
	}
	g.fields.line("c%ddel *rt.SynDelays // each synapse's delay in steps", k)
	g.fields.line("c%dsring *rt.SynRing // synapses in flight", k)
	b := &g.build
	b.line("{ // delays: block b of synapses draws from the stream's child b")
	b.line("stream := %s", streamOf(in[0]))
	b.line("d, err := rt.NewSynDelays(s.c%dnsyn, %s, s.threads, stream, func() func(*rt.Stream, int64) float64 {", k, g.litStr(g.p.Schedule.Dt))
	for _, dl := range f.decl {
		b.line("%s", dl)
	}
	b.line("return func(rng *rt.Stream, syn int64) float64 {")
	b.line("i := int(syn)")
	b.line("_ = i")
	b.Write(d.Bytes())
	b.line("}")
	b.line("})")
	b.line("if err != nil {")
	b.line("return nil, fmt.Errorf(%s, err)", quote(fmt.Sprintf("projection %s: %%w", strings.ReplaceAll(ip.Name, "%", "%%"))))
	b.line("}")
	b.line("s.c%ddel, s.c%dsring = d, rt.NewSynRing(d)", k, k)
	b.line("}")
	return nil
}

// propagateSyn writes the delivery of synapses with their own delays: this
// step's spikes put their rows' synapses in the ring, then the synapses
// due now add their weights in the ring's order (the interpreter's
// proj.propagateSyn). With one weight and compact rows the ring holds the
// targets themselves.
func (pr *projGen) propagateSyn(f *fnb) error {
	g, k := pr.g, pr.k
	ring := f.local("ring", fmt.Sprintf("s.c%dsring", k))
	del := f.local("del", fmt.Sprintf("s.c%ddel", k))
	targets := !pr.random && pr.storage == "rows"
	var col string
	if pr.storage == "rows" {
		r := f.local(fmt.Sprintf("c%drows", k), fmt.Sprintf("s.c%drows", k))
		col = f.local(fmt.Sprintf("c%dcol", k), pr.rowsCol(&connGen{prefix: fmt.Sprintf("c%d", k)}))
		f.line("for _, i32 := range %s {", pr.pre.fired())
		f.line("lo, hi := %s.Span(int(i32))", r)
		switch {
		case !targets:
			f.line("%s.PushRow(%s, int64(lo), int64(hi))", ring, del)
		case rt.Narrow16(pr.post.n):
			f.line("%s.PushTargets16(%s, int64(lo), int64(hi), %s)", ring, del, col)
		default:
			f.line("%s.PushTargets32(%s, int64(lo), int64(hi), %s)", ring, del, col)
		}
	} else {
		rp := f.local(fmt.Sprintf("c%drp", k), fmt.Sprintf("s.c%dcsr.RowPtr", k))
		col = f.local(fmt.Sprintf("c%dcol", k), fmt.Sprintf("s.c%dcsr.Col", k))
		f.line("for _, i32 := range %s {", pr.pre.fired())
		f.line("%s.PushRow(%s, %s[i32], %s[i32+1])", ring, del, rp, rp)
	}
	f.line("}")
	if pr.syn != nil {
		// each synapse's on_pre at its own arrival, in the ring's order
		// (plan.Synapse.OnPre is then the per-synapse loop alone)
		rp := f.local(fmt.Sprintf("c%drp", k), fmt.Sprintf("s.c%dcsr.RowPtr", k))
		f.line("for _, syn32 := range %s.Current() {", ring)
		f.line("syn := int(syn32)")
		f.line("post := int(%s[syn])", col)
		f.line("pre := rt.PreOf(%s, int64(syn))", rp)
		used := map[string]bool{}
		for _, l := range pr.plan.Syn.OnPre {
			u, err := pr.print(f, l, "v", "syn", "pre", "post")
			if err != nil {
				return err
			}
			maps.Copy(used, u)
		}
		pr.checkWritten(f, used, "syn", "pre", "post")
		unused(f, used, "syn", "pre", "post")
		f.line("}")
		f.line("%s.Advance()", ring)
		return nil
	}
	w := g.lit(pr.weight)
	if pr.random {
		w = atom(pr.synWeight(f, "syn"))
	}
	if targets {
		f.line("for _, j := range %s.Current() {", ring)
		f.line("post := int(j)")
	} else {
		f.line("for _, syn := range %s.Current() {", ring)
		f.line("post := int(%s[syn])", col)
	}
	f.line("%s", pr.deliverCode(f, "post", w))
	f.line("}")
	f.line("%s.Advance()", ring)
	return nil
}

// deliverCode adds value v into the postsynaptic port at neuron index post
// (within the post part).
func (pr *projGen) deliverCode(f *fnb, post string, v code) string {
	idx := post
	if pr.post.off != 0 {
		idx = fmt.Sprintf("%s+%d", post, pr.post.off)
	}
	if pr.port.method != "" {
		return fmt.Sprintf("s.%s(%s, %s)", pr.port.method, idx, v.s)
	}
	name := pr.post.pop.field[pr.port.direct]
	return fmt.Sprintf("%s[%s] %s %s", f.local(name, "s."+name), idx, pr.port.op, operand(v, precAdd, true))
}

// rows writes a loop over presynaptic neuron pre's synapses of connectivity
// c, with syn (synapse index, when stored) and post declared; body is the
// loop body.
func (pr *projGen) rows(f *fnb, c *connGen, pre string, needSyn bool, body func()) {
	n := pr.post.n
	switch c.storage {
	case "dense":
		f.line("for post := 0; post < %d; post++ {", n)
		if needSyn {
			f.line("syn := %s*%d + post", pre, n)
		}
	case "csr":
		rp := f.local(c.prefix+"rp", "s."+c.prefix+"csr.RowPtr")
		col := f.local(c.prefix+"col", "s."+c.prefix+"csr.Col")
		f.line("for syn := int(%s[%s]); syn < int(%s[%s+1]); syn++ {", rp, pre, rp, pre)
		f.line("post := int(%s[syn])", col)
	case "rows":
		r := f.local(c.prefix+"rows", "s."+c.prefix+"rows")
		col := f.local(c.prefix+"col", pr.rowsCol(c))
		f.line("%slo, %shi := %s.Span(%s)", c.prefix, c.prefix, r, pre)
		if needSyn {
			f.line("for k, j := range %s[%slo:%shi] {", col, c.prefix, c.prefix)
			f.line("syn := %slo + k", c.prefix)
		} else {
			f.line("for _, j := range %s[%slo:%shi] {", col, c.prefix, c.prefix)
		}
		f.line("post := int(j)")
	case "procedural":
		if !needSyn { // delivery: the row's order does not matter
			f.line("for _, j := range s.%sproc.Targets(%s, &s.%sscr) {", c.prefix, pre, c.prefix)
			f.line("post := int(j)")
			break
		}
		fallthrough
	default:
		f.line("s.%sbuf = s.%sproc.Row(%s, s.%sbuf[:0])", c.prefix, c.prefix, pre, c.prefix)
		if needSyn {
			rp := f.local(c.prefix+"rp", pr.rowPtr(c))
			f.line("for k, j := range s.%sbuf {", c.prefix)
			f.line("syn := int(%s[%s]) + k", rp, pre)
			f.line("_ = syn")
		} else {
			f.line("for _, j := range s.%sbuf {", c.prefix)
		}
		f.line("post := int(j)")
	}
	body()
	f.line("}")
}

// due writes the loop over this step's due presynaptic spikes.
func (pr *projGen) due(f *fnb) (open, close func()) {
	fired := pr.pre.fired()
	if pr.delay == 0 {
		return func() { f.line("for _, i32 := range %s {", fired) }, func() { f.line("}") }
	}
	ring := f.local("ring", fmt.Sprintf("s.c%dring", pr.k))
	return func() {
			f.line("%s.PushAll(%d, %s)", ring, pr.delay, fired)
			f.line("for _, i32 := range %s.Current() {", ring)
		}, func() {
			f.line("}")
			f.line("%s.Advance()", ring)
		}
}

func (pr *projGen) propagateMethod() error {
	g, k := pr.g, pr.k
	f := newFn()
	if pr.idle {
		f.write(&g.funcs, fmt.Sprintf("// propagate%d: projection %s is onto a dendrite nothing reads.\nfunc (s *sim) propagate%d() {", k, comment(pr.ip.Name), k))
		return nil
	}
	if pr.plan.SynDelays {
		if err := pr.propagateSyn(f); err != nil {
			return err
		}
		f.write(&g.funcs, fmt.Sprintf("// propagate%d delivers the synapses due on projection %s, each after its own delay.\nfunc (s *sim) propagate%d() {", k, comment(pr.ip.Name), k))
		return nil
	}
	if pr.dend == nil && pr.syn == nil && pr.storage == "rows" && pr.delay == 0 {
		// load the step's rows before walking them (rt.Rows.Touch)
		r := f.local(fmt.Sprintf("c%drows", pr.k), fmt.Sprintf("s.c%drows", pr.k))
		f.line("%s.Touch(%s)", r, pr.pre.fired())
	}
	open, close := pr.due(f)
	open()
	f.line("pre := int(i32)")
	if pr.dend != nil {
		pr.dendritePropagate(f)
	} else if pr.syn == nil {
		if pr.storage == "dense" && !pr.random && len(pr.merged) == 0 {
			f.line("_ = pre // every presynaptic neuron reaches every postsynaptic one")
		}
		w := pr.weightCode(f)
		if pr.random {
			w = atom(pr.synWeight(f, "syn"))
		}
		pr.rows(f, &connGen{ip: pr.ip, prefix: fmt.Sprintf("c%d", k), storage: pr.storage}, "pre", pr.random, func() {
			f.line("%s", pr.deliverCode(f, "post", w))
		})
		for _, m := range pr.merged {
			pr.rows(f, m, "pre", false, func() {
				f.line("%s", pr.deliverCode(f, "post", g.lit(pr.weight)))
			})
		}
	} else {
		pr.preSpike(f)
	}
	close()
	f.write(&g.funcs, fmt.Sprintf("// propagate%d delivers the spikes due on projection %s.\nfunc (s *sim) propagate%d() {", k, comment(pr.ip.Name), k))
	pr.parallelMethod()
	return nil
}

// weightCode is the static constant weight in f: a local copy of its
// package variable (read once per call, as fast as a literal in the loop),
// or the literal.
func (pr *projGen) weightCode(f *fnb) code {
	if pr.weightVar == "" {
		return pr.g.lit(pr.weight)
	}
	return atom(f.local("wc", pr.weightVar))
}

// parallelOK: the threads can share the delivery by postsynaptic neuron
// (the plan decided it, for the interpreter too).
func (pr *projGen) parallelOK() bool { return pr.plan.Parallel }

// parallelMethod writes deliver<k>(lo, hi), which adds this step's events
// whose target lies in [lo, hi) of the postsynaptic neurons, walking the
// rows in spike order, so every target receives its additions in the order
// one thread gives them; threads share a delivery by postsynaptic range
// (deliverPar). Procedural rows are regenerated first by rows<k>(t), thread
// t's share of the spikes.
func (pr *projGen) parallelMethod() {
	if !pr.parallelOK() {
		return
	}
	g, k := pr.g, pr.k
	f := newFn()
	w := pr.weightCode(f)
	if pr.random {
		w = atom(pr.synWeight(f, "syn"))
	}
	if pr.storage == "procedural" {
		r := newFn()
		r.line("spk := %s", pr.pre.fired())
		r.line("lo, hi := t*len(spk)/s.threads, (t+1)*len(spk)/s.threads")
		r.line("s.c%dbatch[t].Fill(s.c%dproc, spk[lo:hi])", k, k)
		r.write(&g.funcs, fmt.Sprintf("// rows%d regenerates thread t's share of the rows of projection %s.\nfunc (s *sim) rows%d(t int) {", k, comment(pr.ip.Name), k))
		f.line("for b := range s.c%dbatch {", k)
		f.line("for _, j := range s.c%dbatch[b].Targets {", k)
		f.line("post := int(j)")
		f.line("if post < lo || post >= hi {")
		f.line("continue")
		f.line("}")
		f.line("%s", pr.deliverCode(f, "post", w))
		f.line("}")
		f.line("}")
	} else if pr.storage == "rows" {
		c := &connGen{ip: pr.ip, prefix: fmt.Sprintf("c%d", k), storage: pr.storage}
		r := f.local(fmt.Sprintf("c%drows", k), fmt.Sprintf("s.c%drows", k))
		col := f.local(fmt.Sprintf("c%dcol", k), pr.rowsCol(c))
		f.line("%s.Touch(%s)", r, pr.pre.fired())
		f.line("for _, i32 := range %s {", pr.pre.fired())
		f.line("a, b := %s.Span(int(i32))", r)
		if pr.random {
			f.line("for k, j := range %s[a:b] {", col)
		} else {
			f.line("for _, j := range %s[a:b] {", col)
		}
		f.line("post := int(j)")
		f.line("if post >= hi {")
		f.line("break // rows are ascending")
		f.line("}")
		f.line("if post >= lo {")
		if pr.random {
			f.line("syn := a + k")
		}
		f.line("%s", pr.deliverCode(f, "post", w))
		f.line("}")
		f.line("}")
		f.line("}")
	} else {
		rp := f.local(fmt.Sprintf("c%drp", k), fmt.Sprintf("s.c%dcsr.RowPtr", k))
		col := f.local(fmt.Sprintf("c%dcol", k), fmt.Sprintf("s.c%dcsr.Col", k))
		f.line("for _, i32 := range %s {", pr.pre.fired())
		f.line("pre := int(i32)")
		f.line("for syn := int(%s[pre]); syn < int(%s[pre+1]); syn++ {", rp, rp)
		f.line("post := int(%s[syn])", col)
		f.line("if post >= hi {")
		f.line("break // rows are ascending")
		f.line("}")
		f.line("if post >= lo {")
		f.line("%s", pr.deliverCode(f, "post", w))
		f.line("}")
		f.line("}")
		f.line("}")
	}
	f.write(&g.funcs, fmt.Sprintf("// deliver%d adds the events of projection %s onto postsynaptic neurons [lo, hi).\nfunc (s *sim) deliver%d(lo, hi int) {", k, comment(pr.ip.Name), k))
}

// deliverParMethod writes deliverPar(), every projection's delivery shared
// between the threads by postsynaptic range (two fork-joins a step: the
// procedural rows, then the additions), when every projection allows it.
func (g *gen) deliverParMethod() bool {
	if len(g.projs) == 0 {
		return false
	}
	for _, pr := range g.projs {
		if !pr.parallelOK() {
			return false
		}
	}
	b := &g.funcs
	b.line("// deliverPar delivers every projection's events with the threads.")
	b.line("func (s *sim) deliverPar() {")
	b.line("T := s.threads")
	var proc []*projGen
	for _, pr := range g.projs {
		if pr.storage == "procedural" {
			proc = append(proc, pr)
			b.line("if len(s.c%dbatch) < T {", pr.k)
			b.line("s.c%dbatch = make([]rt.RowBatch, T)", pr.k)
			b.line("}")
		}
	}
	if len(proc) > 0 {
		b.line("split(T, T, func(t, _, _ int) {")
		for _, pr := range proc {
			b.line("s.rows%d(t)", pr.k)
		}
		b.line("})")
	}
	b.line("split(T, T, func(t, _, _ int) {")
	for _, pr := range g.projs {
		n := pr.post.n
		b.line("s.deliver%d(t*%d/T, (t+1)*%d/T)", pr.k, n, n)
	}
	b.line("})")
	for _, pr := range proc {
		b.line("for t := range s.c%dbatch {", pr.k)
		b.line("s.c%dbatch[t].Targets = s.c%dbatch[t].Targets[:0]", pr.k, pr.k)
		b.line("}")
	}
	b.line("}")
	b.line("")
	return true
}

// bytesMethod writes bytes<k>(), the connectivity memory the interpreter
// reports for the projection.
func (pr *projGen) bytesMethod() {
	k := pr.k
	b := &pr.g.funcs
	b.line("func (s *sim) bytes%d() int64 {", k)
	if pr.dend != nil && pr.dend.seg() {
		b.line("return 0 // the dendrite's pools hold the connectivity")
		b.line("}")
		b.line("")
		return
	}
	b.line("b := int64(0)")
	conns := []*connGen{{prefix: fmt.Sprintf("c%d", k), storage: pr.storage}}
	conns = append(conns, pr.merged...)
	for i, c := range conns {
		if c.storage == "rows" {
			b.line("b += s.%srows.Bytes()", c.prefix)
		}
		if c.storage == "csr" {
			b.line("b += s.%scsr.Bytes()", c.prefix)
			if pr.dend != nil && pr.dend.nseg > 1 {
				b.line("b += int64(len(s.%sseg)) * 2", c.prefix)
			}
		}
		if c.storage == "procedural" && pr.syn != nil && i == 0 {
			b.line("b += int64(len(s.%srp)) * 8", c.prefix)
		}
		if i > 0 {
			continue
		}
		if pr.random {
			size := 8
			if pr.w32 {
				size = 4
			}
			b.line("b += int64(len(s.c%dw)) * %d", k, size)
		}
		if pr.plan.SynDelays {
			b.line("b += s.c%ddel.Bytes()", k)
		}
		for _, v := range synVars(pr.syn) {
			if name, ok := pr.field[v]; ok {
				b.line("b += int64(len(s.%s)) * 8", name)
			}
		}
		if pr.columns {
			b.line("b += %d*8 + s.c%dnsyn*4 // synapses by postsynaptic neuron", pr.post.n+1, k)
		}
		for _, a := range pr.lazy {
			b.line("b += int64(len(s.%s)) * 8 // last updates of %s", pr.arrays[a.ID], comment(a.Var.Name))
		}
	}
	b.line("return b")
	b.line("}")
	b.line("")
}

func synVars(m *ir.Model) []*ir.Var {
	if m == nil {
		return nil
	}
	return m.Vars
}

// toDendrite makes the projection the synapses of a dendrite: candidate
// presynaptic cells of a segment dendrite, weighted inputs of a continuous
// one (weight 1 when the projection gives none).
func (pr *projGen) toDendrite() error {
	pr.fields()
	dg := pr.dend
	if dg != nil && dg.seg() {
		pr.buildConn()
		pr.g.fields.line("c%ddoff int // first index of its source in the dendrite's presynaptic space", pr.k)
		dg.projs = append(dg.projs, pr)
	} else {
		if pr.ip.Weight == nil {
			pr.weight = 1
			pr.buildConn()
		} else if err := pr.staticWeights(); err != nil {
			return err
		}
		if dg != nil {
			pr.segOf(&connGen{ip: pr.ip, prefix: fmt.Sprintf("c%d", pr.k), storage: pr.storage})
			for _, m := range pr.merged {
				pr.segOf(m)
			}
			dg.projs = append(dg.projs, pr)
		}
	}
	if err := pr.propagateMethod(); err != nil {
		return err
	}
	pr.bytesMethod()
	return nil
}

// summaryStorage is the storage the summary reports: a segment
// dendrite's projections are its pools.
func (pr *projGen) summaryStorage() string {
	if pr.dend != nil && pr.dend.seg() {
		return "pool"
	}
	if pr.storage == "rows" {
		return "csr" // stored compact, as the interpreter's csr rows
	}
	return pr.storage
}
