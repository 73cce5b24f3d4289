package fixed

import (
	"fmt"
	"math"
	"path/filepath"

	"github.com/snnc/snnc/engine"
	"github.com/snnc/snnc/estimate"
	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/ir/iir"
	"github.com/snnc/snnc/runtime"
)

// xproj is a projection: the float interpreter's connectivity (same
// streams, so the same synapses), a delay ring, integer weights.
type xproj struct {
	name    string
	pre     node
	post    *xpop
	port    int
	csr     *rt.CSR
	all     []int32
	parts   []*xproj
	storage string
	nsyn    int64
	ring    *rt.DelayRing
	delay   int
	w       int64   // constant weight
	ws      []int64 // per synapse
	clipped int64
	plastic *xplastic // an STDP rule (plastic.go)
	dend    *xdend    // onto a segment dendrite: spikes mark its cells (dendrites.go)
}

func geometry(n node) rt.Geometry {
	g := rt.Geometry{N: n.size()}
	if p, ok := n.(*xpop); ok && len(p.m.SrcPop.Shape) > 0 {
		g.Shape = p.m.SrcPop.Shape
	}
	return g
}

func connSpec(c ir.Connector, samePop bool) rt.ConnSpec {
	return estimate.ConnSpec(c, samePop)
}

func newProj(s *sim, ip *ir.Projection, pre node, post *xpop, byProj map[*ir.Projection]*iir.Proj) (*xproj, error) {
	if pre == nil || post == nil {
		return nil, fmt.Errorf("missing end")
	}
	pr := &xproj{name: ip.Name, pre: pre, post: post, port: -1}
	if d := post.dendrite(ip.Port); d != nil {
		return pr, pr.toDendrite(s, ip, d)
	}
	for k, pt := range post.m.Ports {
		if pt.Name == ip.Port {
			pr.port = k
		}
	}
	if pr.port < 0 {
		return nil, fmt.Errorf("%s has no event port %s", post.nm, ip.Port)
	}
	if err := pr.connect(s, ip); err != nil {
		return nil, err
	}
	q := byProj[ip]
	if q == nil {
		return nil, fmt.Errorf("no integer weights")
	}
	if err := pr.weights(s, ip, q); err != nil {
		return nil, err
	}
	if q.Plastic != nil {
		if pr.csr == nil && pr.all == nil {
			return nil, fmt.Errorf("a plastic projection needs stored connectivity")
		}
		if err := newPlastic(s, pr, ip, q.Plastic); err != nil {
			return nil, err
		}
	}
	for _, m := range ip.Merged {
		part := &xproj{name: m.Name, pre: pre, post: post, port: pr.port}
		if err := part.connect(s, m); err != nil {
			return nil, fmt.Errorf("merged %s: %w", m.Name, err)
		}
		if byProj[m] == nil {
			return nil, fmt.Errorf("merged %s: no integer weights", m.Name)
		}
		if err := part.weights(s, m, byProj[m]); err != nil {
			return nil, err
		}
		pr.parts = append(pr.parts, part)
		pr.nsyn += part.nsyn
	}
	if ip.Delay != nil {
		d, ok := ir.ConstValue(ip.Delay)
		if !ok {
			return nil, fmt.Errorf("per-synapse random delays are not supported yet; use a constant delay")
		}
		pr.delay = engine.Steps(d, s.dt)
	}
	pr.ring = rt.NewDelayRing(pr.delay)
	return pr, nil
}

func (pr *xproj) connect(s *sim, ip *ir.Projection) error {
	pre, post := pr.pre, pr.post
	stream := rt.NewStream(s.seed, rt.Hash("connect", ip.Name))
	spec := connSpec(ip.Connector, ip.Pre.Pop != nil && ip.Pre.Pop == ip.Post)
	if spec.File != "" && !filepath.IsAbs(spec.File) && s.baseDir != "" {
		spec.File = filepath.Join(s.baseDir, spec.File) // relative to the model, as in snnc run
	}
	pr.storage = "csr"
	if ip.Storage == "dense" && ip.Connector.Kind == "all_to_all" && !ip.Connector.ExceptSelf {
		pr.storage = "dense"
		pr.all = make([]int32, post.n)
		for j := range pr.all {
			pr.all[j] = int32(j)
		}
		pr.nsyn = int64(pre.size()) * int64(post.n)
		return nil
	}
	csr, err := rt.Connect(spec, geometry(pre), geometry(post), stream)
	if err != nil {
		return err
	}
	pr.csr, pr.nsyn = csr, csr.NumSynapses()
	return nil
}

// weights quantizes the projection's weights (drawn as the float
// interpreter draws them).
func (pr *xproj) weights(s *sim, ip *ir.Projection, q *iir.Proj) error {
	bits := s.q.Profile.WeightBits
	if q.Const {
		pr.w, _ = q.Quantize(q.Weight, bits)
		return nil
	}
	if pr.csr == nil && pr.all != nil {
		// dense all_to_all with per-synapse weights: the same synapses,
		// numbered row by row, listed explicitly
		csr, err := rt.Connect(rt.ConnSpec{Kind: "all_to_all"}, geometry(pr.pre), geometry(pr.post), rt.NewStream(s.seed, rt.Hash("connect", ip.Name)))
		if err != nil {
			return err
		}
		pr.csr, pr.all, pr.storage = csr, nil, "csr"
	}
	if pr.csr == nil {
		return fmt.Errorf("random weights need stored connectivity")
	}
	var f []float64
	if ip.Connector.Weighted() { // matrix, conv: the connector's factors times the constant weight
		w, _ := ir.ConstValue(ip.Weight)
		f = rt.ScaleWeights(pr.csr.W, w)
	} else {
		stream := rt.NewStream(s.seed, rt.Hash("weight", ip.Name))
		c := &fctx{rng: new(rt.Stream)}
		f = make([]float64, pr.nsyn)
		for i := range f {
			if i%rt.SynBlock == 0 { // each block its own stream (rt.NewSynWeights)
				*c.rng = stream.Child(uint64(i / rt.SynBlock))
			}
			c.i = i
			w, err := feval(ip.Weight, c)
			if err != nil {
				return err
			}
			f[i] = w
		}
	}
	if ip.PruneBelow > 0 {
		f = pr.prune(f, ip.PruneBelow)
	}
	pr.ws = make([]int64, len(f))
	for i, w := range f {
		x, clipped := q.Quantize(w, bits)
		if clipped {
			pr.clipped++
		}
		pr.ws[i] = x
	}
	return nil
}

// prune drops synapses with |w| below eps as the float interpreter does.
func (pr *xproj) prune(ws []float64, eps float64) []float64 {
	csr := pr.csr
	k := int64(0)
	start := int64(0)
	for i := 0; i < csr.NPre; i++ {
		end := csr.RowPtr[i+1]
		for s := start; s < end; s++ {
			if math.Abs(ws[s]) >= eps {
				csr.Col[k], ws[k] = csr.Col[s], ws[s]
				k++
			}
		}
		start = end
		csr.RowPtr[i+1] = k
	}
	csr.Col, ws = csr.Col[:k], ws[:k]
	pr.nsyn = k
	return ws
}

func (pr *xproj) ownRow(i int) (int64, []int32) {
	if pr.all != nil {
		return int64(i) * int64(len(pr.all)), pr.all
	}
	a, b := pr.csr.RowPtr[i], pr.csr.RowPtr[i+1]
	return a, pr.csr.Col[a:b]
}

func (pr *xproj) bytes() int64 {
	b := int64(0)
	if pr.csr != nil {
		b += pr.csr.Bytes()
	}
	b += int64(len(pr.ws)) * 8
	for _, part := range pr.parts {
		b += part.bytes()
	}
	return b
}

// propagate delivers this step's presynaptic spikes (after their delay):
// the projection's own row, then its merged parts', in order.
func (pr *xproj) propagate() {
	if pr.dend != nil {
		pr.mark()
		return
	}
	for _, i := range pr.pre.fired() {
		pr.ring.Push(pr.delay, i)
	}
	if pr.plastic != nil {
		pr.plastic.tick()
		for _, i := range pr.ring.Current() {
			pr.deliverPlastic(int(i))
		}
		pr.ring.Advance()
		return
	}
	cur := pr.ring.Current()
	for a := 0; a < len(cur); {
		// k spikes of one neuron in one step (a multi-spike profile lists
		// them consecutively) deliver k·w per synapse, as XyloSim adds a
		// synapse's weight k times before the next synapse
		i, k := cur[a], 1
		for a+k < len(cur) && cur[a+k] == i {
			k++
		}
		a += k
		pr.deliver(int(i), int64(k))
		for _, part := range pr.parts {
			part.deliver(int(i), int64(k))
		}
	}
	pr.ring.Advance()
}

func (pr *xproj) deliver(i int, k int64) {
	first, targets := pr.ownRow(i)
	post, port := pr.post, pr.port
	if pr.ws == nil {
		for _, j := range targets {
			post.receive(port, int(j), k*pr.w)
		}
		return
	}
	for m, j := range targets {
		post.receive(port, int(j), k*pr.ws[first+int64(m)])
	}
}

// ---- monitors ----

type spikeMon struct {
	mon *rt.SpikeMonitor
	src node
}

type stateMon struct {
	mon   *rt.StateMonitor
	raw   *RawMonitor
	every int
	vals  []int64
	v     *iir.Var
	lo    int
	buf   []float64
}

func (m *stateMon) sample(s *sim) {
	if s.n%m.every != 0 {
		return
	}
	row := make([]int64, len(m.buf))
	for k := range m.buf {
		x := m.vals[m.lo+k]
		row[k] = x
		m.buf[k] = m.v.SI(x)
	}
	m.mon.Record(s.t, m.buf)
	m.raw.T = append(m.raw.T, s.t)
	m.raw.V = append(m.raw.V, row)
}

type weightMon struct {
	mon     *rt.WeightMonitor
	every   int
	atEnd   bool // `at end`: after everything of the step
	vals    []float64
	refresh func() // a plastic w: read the integers again
}

func (m *weightMon) sample(s *sim, atEnd bool) {
	if m.every == 0 || s.n%m.every != 0 || m.atEnd != atEnd {
		return
	}
	if m.refresh != nil {
		m.refresh()
	}
	m.mon.Record(s.t, m.vals)
}

func (m *weightMon) final(s *sim) {
	if m.every == 0 {
		if m.refresh != nil {
			m.refresh()
		}
		m.mon.Record(s.t, m.vals)
	}
}

func (s *sim) monitors(p *ir.Program, byName map[string]node, popOf map[*ir.Population]*xpop) error {
	projOf := map[*ir.Projection]*xproj{}
	for k, ip := range p.Projs {
		projOf[ip] = s.projs[k]
	}
	for _, r := range p.Records {
		switch r.Kind {
		case ir.RecSpikes:
			name := ""
			if r.Pop != nil {
				name = r.Pop.Name
			} else {
				name = r.Input.Name
			}
			s.spikeMons = append(s.spikeMons, &spikeMon{mon: &rt.SpikeMonitor{Name: name}, src: byName[name]})
		case ir.RecState:
			if r.Pop == nil {
				return fmt.Errorf("recording synapse state %s is not supported by the fixed-point simulator", r.Var.Name)
			}
			pp := popOf[r.Pop]
			var x *iir.Var
			for _, v := range pp.m.Vars {
				if v.Src != nil && v.Src.Name == r.Var.Name {
					x = v
				}
			}
			if x == nil {
				return fmt.Errorf("%s.%s is not a variable of the integer model (aliases are not recorded on a fixed-point target)", r.Pop.Name, r.Var.Name)
			}
			idx := make([]int, r.Hi-r.Lo)
			for k := range idx {
				idx[k] = r.Lo + k
			}
			every := max(1, engine.Steps(r.Every, s.dt))
			unit := r.Var.Unit
			mon := &rt.StateMonitor{Name: pp.nm, Var: r.Var.Name, Unit: unit, Index: idx}
			raw := &RawMonitor{Pop: pp.nm, Var: r.Var.Name, Index: idx}
			s.stateMons = append(s.stateMons, &stateMon{mon: mon, raw: raw, every: every, vals: pp.vals[pp.index[x]], v: x, lo: r.Lo, buf: make([]float64, len(idx))})
		case ir.RecWeights:
			pr := projOf[r.Proj]
			if pr.csr == nil && pr.all == nil {
				return fmt.Errorf("weights of %s: no synapse list to record", pr.name)
			}
			var q *iir.Proj
			for _, x := range s.q.Projs {
				if x.Src == r.Proj {
					q = x
				}
			}
			mon := &rt.WeightMonitor{Name: pr.name, Var: "weight", Pre: make([]int32, pr.nsyn), Post: make([]int32, pr.nsyn), Index: make([]int, pr.nsyn)}
			vals := make([]float64, pr.nsyn)
			unit := q.Unit / math.Ldexp(1, q.Shift)
			for k := range mon.Index {
				mon.Index[k] = k
				w := pr.w
				if pr.ws != nil {
					w = pr.ws[k]
				}
				vals[k] = float64(w) * unit
			}
			for i := 0; i < pr.pre.size(); i++ {
				first, targets := pr.ownRow(i)
				for k, j := range targets {
					mon.Pre[first+int64(k)], mon.Post[first+int64(k)] = int32(i), j
				}
			}
			every := 0
			if r.Every > 0 {
				every = max(1, engine.Steps(r.Every, s.dt))
			}
			wm := &weightMon{mon: mon, every: every, atEnd: r.AtEnd, vals: vals}
			if xp := pr.plastic; xp != nil && r.Var != nil && r.Var == xp.pl.W.Src {
				mon.Var = r.Var.Name
				wm.refresh = func() {
					for k := range vals {
						vals[k] = float64(xp.w[k]) * xp.pl.W.Scale
					}
				}
			}
			s.weightMons = append(s.weightMons, wm)
		}
	}
	return nil
}
