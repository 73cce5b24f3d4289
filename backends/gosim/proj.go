package gosim

import (
	"fmt"
	"math"
	"path/filepath"

	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/runtime"
)

// proj is a projection: connectivity, a delay ring, static weights or a
// synapse model with its state and kernels.
type proj struct {
	name    string
	pre     node
	post    *part
	port    *eventPort
	csr     *runtime.CSR
	proc    *runtime.Procedural
	all     []int32 // dense storage: every postsynaptic index
	parts   []*proj // merged projections (fuse): their rows follow this one's
	joined  []int32
	rowBuf  []int32
	scratch runtime.RowScratch // procedural rows for delivery
	storage string
	nsyn    int64
	ring    *runtime.DelayRing
	delay   int

	// static projections
	weight  float64   // the same for every synapse
	weights []float64 // per synapse, when drawn at random

	// plastic projections
	syn         *ir.Model
	vals        map[*ir.Var][]float64
	lazy        []*lazyVar
	clocked     []*clockVar
	systems     []*clockSys
	written     []*ir.Var // per-synapse state the handlers write (checked for NaN)
	err         error     // the first non-finite synaptic value // coupled or nonlinear synapse equations
	onPre       kernel    // per-synapse part of on_pre
	onPreOne    kernel    // statements on per-pre state: once per presynaptic spike
	onPost      kernel
	onPostOne   kernel
	onPreAfter  kernel // per-pre statements that must follow the synapse loop
	onPostAfter kernel
	onMod       map[string]kernel
	modSrc      map[string]node
	colPtr      []int64 // synapses by postsynaptic neuron (for on_post)
	colSyn      []int32
	norm        *ir.Normalize
	normEvery   int
	cx          ctx
	portCx      ctx // delivery into the postsynaptic port

	dendProj // onto a dendrite instead of an event port (dendrite.go)
}

// lazyVar is a synaptic trace advanced exactly at events:
// x(t+Δ) = x·exp(aΔ) + c·(exp(aΔ)-1)/a.
type lazyVar struct {
	v    *ir.Var
	vals []float64
	last []float64 // time of the last update, per storage index
	a, c float64
	kind ir.Storage
}

func (l *lazyVar) advance(idx int, t float64) {
	d := t - l.last[idx]
	if d <= 0 {
		return
	}
	l.last[idx] = t
	if l.a == 0 {
		l.vals[idx] += l.c * d
		return
	}
	e := math.Exp(l.a * d)
	l.vals[idx] = l.vals[idx]*e + l.c*(e-1)/l.a
}

func geometry(n node) runtime.Geometry {
	g := runtime.Geometry{N: n.size()}
	if p, ok := n.(*part); ok && p.shape != nil {
		g.Shape = p.shape
	}
	return g
}

func connSpec(c ir.Connector, samePop bool) runtime.ConnSpec {
	spec := runtime.ConnSpec{Kind: c.Kind, P: c.Num["p"], K: int(c.Num["k"]), Sigma: c.Num["sigma"], File: c.File, ExceptSelf: c.ExceptSelf, SamePop: samePop}
	if c.Kind == "gaussian" && spec.P == 0 {
		spec.P = 1
	}
	return spec
}

func newProj(s *sim, ip *ir.Projection, pre node, post *part, byName map[string]node) (*proj, error) {
	if pre == nil || post == nil {
		return nil, fmt.Errorf("missing end")
	}
	pr := &proj{name: ip.Name, pre: pre, post: post, storage: "csr"}
	pr.seg, pr.cont = post.p.segDends[ip.Port], post.p.contDends[ip.Port]
	// a continuous dendrite whose output nothing reads is not simulated
	pr.idle = pr.seg == nil && pr.cont == nil && post.p.hasDendrite(ip.Port)
	if err := pr.connect(s, ip); err != nil {
		return nil, err
	}
	// projections merged into this one (fuse): same source, port, constant
	// weight and delay; a spike walks all their rows together
	for _, m := range ip.Merged {
		part := &proj{name: m.Name, pre: pre, post: post, storage: "csr"}
		part.dendProj = dendProj{seg: pr.seg, cont: pr.cont, idle: pr.idle}
		if err := part.connect(s, m); err != nil {
			return nil, fmt.Errorf("merged %s: %w", m.Name, err)
		}
		pr.parts = append(pr.parts, part)
		pr.nsyn += part.nsyn
	}
	if ip.Delay != nil {
		d, ok := ir.ConstValue(ip.Delay)
		if !ok {
			return nil, fmt.Errorf("per-synapse random delays are not supported yet; use a constant delay")
		}
		pr.delay = int(math.Round(d / s.dt))
	}
	pr.ring = runtime.NewDelayRing(pr.delay)
	if pr.seg != nil || pr.cont != nil || pr.idle {
		return pr, pr.toDendrite(s, ip)
	}
	ep, ok := post.p.events[ip.Port]
	if !ok {
		return nil, fmt.Errorf("%s has no event port %s", post.nm, ip.Port)
	}
	pr.port = ep
	if ip.Synapse == nil {
		return pr, pr.staticWeights(s, ip)
	}
	return pr, pr.plastic(s, ip, byName)
}

// connect builds the projection's own connectivity in the storage the
// sparsity pass chose; the stream is keyed by the projection's name.
func (pr *proj) connect(s *sim, ip *ir.Projection) error {
	pre, post := pr.pre, pr.post
	stream := runtime.NewStream(s.seed, runtime.Hash("connect", ip.Name))
	spec := connSpec(ip.Connector, ip.Pre.Pop != nil && ip.Pre.Pop.Name == post.nm)
	if spec.File != "" && !filepath.IsAbs(spec.File) && s.baseDir != "" {
		spec.File = filepath.Join(s.baseDir, spec.File) // relative to the model, like input files
	}
	switch {
	case ip.Storage == "dense":
		if ip.Connector.Kind != "all_to_all" || ip.Connector.ExceptSelf {
			return fmt.Errorf("dense storage needs all_to_all connectivity")
		}
		pr.storage = "dense"
		pr.all = make([]int32, post.n)
		for j := range pr.all {
			pr.all[j] = int32(j)
		}
		pr.nsyn = int64(pre.size()) * int64(post.n)
	case ip.Storage == "procedural" && ip.Synapse == nil && pr.seg == nil && pr.cont == nil && !pr.idle:
		// (dendrites need their synapses stored: pools and segment numbers)
		proc, err := runtime.NewProcedural(spec, geometry(pre), geometry(post), stream)
		if err != nil {
			return err
		}
		pr.proc, pr.storage = proc, "procedural"
		pr.nsyn = int64(runtime.EstimateSynapses(spec, geometry(pre), geometry(post)))
	default:
		csr, err := runtime.Connect(spec, geometry(pre), geometry(post), stream)
		if err != nil {
			return err
		}
		pr.csr, pr.nsyn = csr, csr.NumSynapses()
	}
	return nil
}

func (pr *proj) staticWeights(s *sim, ip *ir.Projection) error {
	if ip.Weight == nil {
		return fmt.Errorf("no weight")
	}
	if w, ok := ir.ConstValue(ip.Weight); ok {
		pr.weight = w
		return nil
	}
	if pr.proc != nil {
		return fmt.Errorf("random weights need stored connectivity")
	}
	cp := &compiler{slot: func(r *ir.Ref) ([]float64, func(*ctx) int, error) {
		return nil, nil, fmt.Errorf("a weight cannot read %s", r.Var.Name)
	}}
	f, err := cp.expr(ip.Weight)
	if err != nil {
		return err
	}
	c := &ctx{rng: runtime.NewStream(s.seed, runtime.Hash("weight", ip.Name))}
	pr.weights = make([]float64, pr.nsyn)
	for i := range pr.weights {
		c.i = i
		pr.weights[i] = f(c)
	}
	if ip.PruneBelow > 0 {
		pr.pruneWeights(ip.PruneBelow)
	}
	return nil
}

// pruneWeights drops the synapses whose |weight| is below eps, keeping the
// order of the rest (so delivery sums in the same order).
func (pr *proj) pruneWeights(eps float64) {
	csr := pr.csr
	k := int64(0)
	start := int64(0)
	for i := 0; i < csr.NPre; i++ {
		end := csr.RowPtr[i+1]
		for s := start; s < end; s++ {
			if math.Abs(pr.weights[s]) >= eps {
				csr.Col[k], pr.weights[k] = csr.Col[s], pr.weights[s]
				k++
			}
		}
		start = end
		csr.RowPtr[i+1] = k
	}
	csr.Col, pr.weights = csr.Col[:k], pr.weights[:k]
	pr.nsyn = k
}

// row returns the synapses of presynaptic neuron i as (first synapse
// index, targets).
func (pr *proj) row(i int) (int64, []int32) {
	if pr.parts != nil {
		// static and constant-weight: synapse indices are not needed
		_, own := pr.ownRow(i)
		pr.joined = append(pr.joined[:0], own...)
		for _, part := range pr.parts {
			_, t := part.ownRow(i)
			pr.joined = append(pr.joined, t...)
		}
		return -1, pr.joined
	}
	return pr.ownRow(i)
}

func (pr *proj) ownRow(i int) (int64, []int32) {
	if pr.all != nil {
		return int64(i) * int64(len(pr.all)), pr.all
	}
	if pr.csr != nil {
		a, b := pr.csr.RowPtr[i], pr.csr.RowPtr[i+1]
		return a, pr.csr.Col[a:b]
	}
	pr.rowBuf = pr.proc.Row(i, pr.rowBuf[:0])
	return -1, pr.rowBuf
}

// targets is row for the delivery of static synapses: a procedural row
// comes in draw order (Procedural.Targets), which is cheaper to generate.
func (pr *proj) targets(i int) (int64, []int32) {
	if pr.proc == nil || pr.parts != nil {
		return pr.row(i)
	}
	return -1, pr.proc.Targets(i, &pr.scratch)
}

func (pr *proj) bytes() int64 {
	b := int64(0)
	if pr.csr != nil {
		b += pr.csr.Bytes()
	}
	b += int64(len(pr.weights)) * 8
	for _, v := range pr.vals {
		b += int64(len(v)) * 8
	}
	b += int64(len(pr.colPtr))*8 + int64(len(pr.colSyn))*4
	for _, l := range pr.lazy {
		b += int64(len(l.last)) * 8 // time of each trace's last update
	}
	b += int64(len(pr.segOf)) * 2
	for _, part := range pr.parts {
		b += part.bytes()
	}
	return b
}

// propagate delivers this step's presynaptic spikes (after their delay).
func (pr *proj) propagate(s *sim) {
	if pr.idle {
		return // onto a dendrite that is not simulated
	}
	for _, i := range pr.pre.fired() {
		pr.ring.Push(pr.delay, i)
	}
	pr.portCx.t = s.t // port kernels may read t
	due := pr.ring.Current()
	if pr.seg != nil || pr.cont != nil {
		for _, i := range due {
			if pr.seg != nil {
				pr.seg.spike(int32(pr.dendOff) + i)
			} else {
				pr.cont.deliver(pr, int(i))
			}
		}
		pr.ring.Advance()
		return
	}
	c := &pr.cx
	c.t = s.t
	for _, i := range due {
		if pr.syn == nil {
			first, targets := pr.targets(int(i))
			for k, j := range targets {
				w := pr.weight
				if pr.weights != nil {
					w = pr.weights[first+int64(k)]
				}
				pr.port.receive(&pr.portCx, int(j)+pr.post.off, w)
			}
			continue
		}
		first, targets := pr.row(int(i))
		pr.preSpike(s, int(i), first, targets)
	}
	pr.ring.Advance()
}

// toDendrite makes the projection the synapses of a dendrite: candidate
// presynaptic cells of a segment dendrite, weighted inputs of a continuous
// one (weight 1 when the projection gives none).
func (pr *proj) toDendrite(s *sim, ip *ir.Projection) error {
	if pr.seg != nil {
		pr.seg.addProj(pr)
		return nil
	}
	if ip.Weight == nil {
		pr.weight = 1
	} else if err := pr.staticWeights(s, ip); err != nil {
		return err
	}
	if pr.cont != nil {
		pr.cont.addProj(pr)
	}
	return nil
}
