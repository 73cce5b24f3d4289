package plan

import (
	"fmt"

	"github.com/snnc/snnc/ir"
)

// Initialisation runs once, before the first step: the initial values of
// neuron and synapse state, random static weights and per-synapse delays.
// Each is a loop whose ops compute one value per element (a Result op);
// its random numbers come from a sequential stream (rt.NewStream):
// Draw ops take the stream's next number, element by element in the
// loop's order and op by op, and a draw under a guard that does not hold
// (an `if` arm not taken, the right side of a short-circuited and/or) does
// not draw. So the executors run these loops element by element, in order;
// the per-synapse loops (weights, delays) restart the stream at every block
// of rt.SynBlock synapses, block b from the stream's child b
// (rt.NewSynWeights, rt.NewSynDelays), so threads can share the
// blocks of a projection's 10^7-10^8 synapses and draw what one thread draws.

// InitKind says where an initialisation loop's values go.
type InitKind int

const (
	InitState   InitKind = iota // a state variable: Arr[Off+i]
	InitWeights                 // a projection's random static weights, one per synapse, kept as float32: rt.NewSynWeights draws them, block by block
	InitDelays                  // per-synapse delays (s): rt.NewSynDelays draws them, block by block (below)
)

var initKindNames = [...]string{"state", "weights", "delays"}

func (k InitKind) String() string { return initKindNames[k] }

// Init is one initialisation loop.
type Init struct {
	Kind   InitKind
	Target string // the population (a fused group's member) or projection
	Var    string // InitState: the variable
	Arr    int    // InitState: the array the values go into (-1 otherwise)
	Off    int    // InitState of a member of a fused group: its first neuron in Arr (Loop's loads carry it too)
	// Stream keys the loop's sequential stream:
	// rt.NewStream(seed, rt.Hash(Stream...)). InitWeights and
	// InitDelays: each block of rt.SynBlock synapses draws from the
	// stream's child of the block's number (so threads may share the
	// work); a delay below dt is drawn again (rt.NewSynDelays).
	Stream []string
	Loop   *Loop
}

// inits builds the initialisation loops: populations first (a synapse's
// initial value may read its neurons'), in population, variable and member
// order; then each projection's weights, delays and synapse state.
func (b *builder) inits() error {
	for _, pp := range b.p.Pops {
		m := b.model[pp]
		for _, v := range m.Vars {
			if v.Kind != ir.State || v.Init == nil {
				continue
			}
			arr := b.popArr[pp][v]
			for _, mb := range pp.Members {
				vars := func(v *ir.Var, side ir.Side) (slot, error) {
					s, err := b.neuronVars(pp)(v, side)
					s.off = mb.Off
					return s, err
				}
				l, err := b.initLoop(mb.Name+" init "+v.Name, mb.Name, Neurons, mb.N, vars, 0, InlineAliases(v.Init))
				if err != nil {
					return fmt.Errorf("population %s, initial value of %s: %w", mb.Name, v.Name, err)
				}
				b.p.Inits = append(b.p.Inits, &Init{Kind: InitState, Target: mb.Name, Var: v.Name, Arr: arr, Off: mb.Off,
					Stream: []string{"init", mb.Name, v.Name}, Loop: l})
			}
		}
	}
	// synapses draws a projection's weights or delays, one per synapse,
	// from the stream (what, projection)
	synapses := func(pr *Proj, kind InitKind, what string, e ir.Expr) error {
		l, err := b.initLoop(pr.Name+" "+kind.String(), pr.Name, Synapses, -1, func(v *ir.Var, _ ir.Side) (slot, error) {
			return slot{}, fmt.Errorf("a %s cannot read %s", what, v.Name)
		}, 0, e)
		if err != nil {
			return fmt.Errorf("projection %s: %w", pr.Name, err)
		}
		b.p.Inits = append(b.p.Inits, &Init{Kind: kind, Target: pr.Name, Arr: -1, Stream: []string{what, pr.Name}, Loop: l})
		return nil
	}
	for k, pr := range b.p.Projs {
		ip := b.ir.Projs[k]
		if ip.Synapse == nil && pr.Weight == nil && ip.Weight != nil && !ip.Connector.Weighted() {
			if pr.Storage == Procedural {
				return fmt.Errorf("projection %s: random weights need stored connectivity", pr.Name)
			}
			if err := synapses(pr, InitWeights, "weight", ip.Weight); err != nil {
				return err
			}
		}
		if pr.SynDelays {
			if err := synapses(pr, InitDelays, "delay", ip.Delay); err != nil {
				return err
			}
		}
		if pr.Syn == nil {
			continue
		}
		s := b.syn[pr]
		for _, v := range ip.Synapse.Vars {
			if v.Kind != ir.State || v.Init == nil {
				continue
			}
			space, n := spaceOf(v.Storage), -1
			switch space {
			case PreNeurons:
				n = s.preN
			case PostNeurons:
				n = s.postN
			}
			l, err := b.initLoop(pr.Name+" init "+v.Name, pr.Name, space, n, s.vars(space), s.weight, InlineAliases(v.Init))
			if err != nil {
				return fmt.Errorf("projection %s, synapse %s, initial value of %s: %w", pr.Name, ip.Synapse.Type, v.Name, err)
			}
			b.p.Inits = append(b.p.Inits, &Init{Kind: InitState, Target: pr.Name, Var: v.Name, Arr: s.arr[v],
				Stream: []string{"init", pr.Name, v.Name}, Loop: l})
		}
	}
	return nil
}

// initLoop lowers one initial value, weight or delay expression: at t = 0,
// with the constant weight w, its draws sequential.
func (b *builder) initLoop(name, over string, space Space, n int, vars func(*ir.Var, ir.Side) (slot, error), w float64, e ir.Expr) (*Loop, error) {
	l := newLowerer(vars, -1, b.p.Dt)
	l.seq, l.weight = true, &w
	v, err := l.expr(e)
	if err != nil {
		return nil, err
	}
	l.emit(Op{Code: Result, Args: []int{v}, Arr: -1})
	return &Loop{Name: name, Over: over, Space: space, N: n, Ops: l.finish()}, nil
}
