package plan

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/snnc/snnc/runtime"
)

// Verify checks that a plan is well formed: every loop is SSA (each value
// defined before its uses, of the type its use needs), loads and stores
// stay inside their arrays, and the step's phases are in order. Build runs
// it on every plan; a failure is a compiler bug.
func Verify(p *Plan) error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if !(p.Dt > 0) {
		bad("dt %v is not positive", p.Dt)
	}
	if p.Steps < 0 {
		bad("%d steps", p.Steps)
	}
	names := map[string]bool{}
	for k, a := range p.Arrays {
		if a == nil {
			bad("array %d is nil", k)
			continue
		}
		if a.ID != k {
			bad("array %s has ID %d at position %d", a.Name, a.ID, k)
		}
		if names[a.Name] {
			bad("two arrays named %s", a.Name)
		}
		names[a.Name] = true
		if a.Len < -1 {
			bad("array %s has length %d", a.Name, a.Len)
		}
	}
	pops := map[string]*Pop{}
	for _, pp := range p.Pops {
		pops[pp.Name] = pp
		n := 0
		for _, m := range pp.Members {
			if m.Off != n {
				bad("population %s: member %s starts at %d, not %d", pp.Name, m.Name, m.Off, n)
			}
			n += m.N
		}
		if n != pp.N {
			bad("population %s: members hold %d neurons, not %d", pp.Name, n, pp.N)
		}
		if pp.Kernel != "" && !pp.Fused {
			bad("population %s: kernel %s without fusion", pp.Name, pp.Kernel)
		}
	}
	projs := map[string]bool{}
	for _, pr := range p.Projs {
		projs[pr.Name] = true
		if pr.DelaySteps < 0 {
			bad("projection %s: delay of %d steps", pr.Name, pr.DelaySteps)
		}
		if pr.SynDelays && (pr.Summed || pr.Dend != "" || pr.Storage != CSR && pr.Storage != Rows || len(pr.Merged) > 0) {
			bad("projection %s: per-synapse delays need stored synapses onto an event port, unmerged", pr.Name)
		}
		if pr.SynDelays && pr.Syn != nil {
			for _, l := range pr.Syn.OnPre {
				if l.Space != PreSynapses {
					bad("projection %s: per-synapse delays with %s, a loop per presynaptic spike", pr.Name, l.Name)
				}
			}
		}
		if pr.Parallel && (pr.Direct == nil || pr.Plastic || pr.DelaySteps != 0 || pr.SynDelays || len(pr.Merged) > 0) {
			bad("projection %s: parallel delivery needs a direct port, static synapses, no delay and no merge", pr.Name)
		}
		if pr.Direct != nil && pr.Handler != nil {
			bad("projection %s: both a direct add and a handler", pr.Name)
		}
	}
	// projPhase checks the loops of a projection's phase: their spaces and
	// what they run over
	projPhase := func(where string, k int, ph *Phase) {
		if !projs[ph.Target] {
			bad("%s %d (%s): no projection %s", where, k, ph.Kind, ph.Target)
		}
		for _, l := range ph.Loops {
			if !slices.Contains(phaseSpaces[ph.Kind], l.Space) {
				bad("%s %d (%s): %s runs over %s, not %v", where, k, ph.Kind, l, l.Space, phaseSpaces[ph.Kind])
			} else if l.Space != Events && l.Over != ph.Target {
				bad("%s %d (%s): %s runs over %s, not its projection %s", where, k, ph.Kind, l, l.Over, ph.Target)
			}
		}
		if ph.Kind == Modulate && len(ph.Loops) > 0 && ph.Source == "" {
			bad("%s %d (%s %s): a modulation without its source", where, k, ph.Kind, ph.Target)
		}
	}
	for k, ph := range p.Finish {
		if ph.Kind != CatchUp {
			bad("finish %d: a %s phase", k, ph.Kind)
		}
		projPhase("finish", k, ph)
		for _, l := range ph.Loops {
			if err := VerifyLoop(l, p.Arrays); err != nil {
				errs = append(errs, fmt.Errorf("finish %d (%s %s): %w", k, ph.Kind, ph.Target, err))
			}
		}
	}
	for k, in := range p.Inits {
		verifyInit(k, in, p.Arrays, pops, projs, bad)
	}
	last := -1
	for k, ph := range p.Step {
		r := rank(ph.Kind)
		if r < last {
			bad("phase %d (%s %s) runs after a later kind of phase", k, ph.Kind, ph.Target)
		}
		last = r
		if ph.Every < 0 {
			bad("phase %d (%s): every %d steps", k, ph.Kind, ph.Every)
		}
		switch ph.Kind {
		case Update, Finite, Threshold, Reset:
			pp := pops[ph.Target]
			if pp == nil {
				bad("phase %d (%s): no population %s", k, ph.Kind, ph.Target)
				continue
			}
			for _, l := range ph.Loops {
				if l.N != pp.N || l.Over != pp.Name {
					bad("phase %d (%s): %s does not run over %s[%d]", k, ph.Kind, l, pp.Name, pp.N)
				}
			}
		case Deliver, OnPost, Modulate, Normalize, Tick, TickLate, Sum:
			projPhase("phase", k, ph)
		case CatchUp:
			bad("phase %d (%s %s) in the step, not in its finish", k, ph.Kind, ph.Target)
		}
		for _, l := range ph.Loops {
			if err := VerifyLoop(l, p.Arrays); err != nil {
				errs = append(errs, fmt.Errorf("phase %d (%s %s): %w", k, ph.Kind, ph.Target, err))
			}
		}
	}
	return errors.Join(errs...)
}

// verifyInit checks an initialisation loop: where its values go, its
// stream and its ops.
func verifyInit(k int, in *Init, arrays []*Array, pops map[string]*Pop, projs map[string]bool, bad func(string, ...any)) {
	if in.Loop == nil || len(in.Stream) == 0 || in.Kind < InitState || in.Kind > InitDelays {
		bad("init %d (%s): no loop, stream or kind", k, in.Target)
		return
	}
	l := in.Loop
	if err := VerifyLoop(l, arrays); err != nil {
		bad("init %d (%s %s): %w", k, in.Kind, in.Target, err)
	}
	if len(l.Ops) == 0 || l.Ops[len(l.Ops)-1].Code != Result {
		bad("init %d (%s): %s ends without a result", k, in.Target, l)
	}
	if in.Kind != InitState {
		if in.Arr != -1 || !projs[in.Target] || l.Space != Synapses {
			bad("init %d (%s %s): the %s of a projection are a loop over its synapses into no array", k, in.Kind, in.Target, in.Kind)
		}
		return
	}
	if in.Arr < 0 || in.Arr >= len(arrays) || arrays[in.Arr].Var == nil || arrays[in.Arr].Var.Name != in.Var {
		bad("init %d (%s.%s): not the array of its variable", k, in.Target, in.Var)
		return
	}
	a := arrays[in.Arr]
	if l.Space == Neurons && (in.Off < 0 || a.Len >= 0 && in.Off+l.N > a.Len) {
		bad("init %d (%s.%s): neurons [%d, %d) overrun %s[%d]", k, in.Target, in.Var, in.Off, in.Off+l.N, a.Name, a.Len)
	}
	if (a.Len < 0) != l.Space.OverSynapses() {
		bad("init %d (%s.%s): %s of %s", k, in.Target, in.Var, l.Space, a.Name)
	}
}

// phaseSpaces are the spaces the loops of a projection's phases run over.
var phaseSpaces = map[PhaseKind][]Space{
	Tick:      {Synapses, PreNeurons, PostNeurons},
	TickLate:  {Synapses, PreNeurons, PostNeurons},
	Sum:       {Synapses},
	Deliver:   {PreSpikes, PreSynapses, Events},
	OnPost:    {PostSpikes, PostSynapses},
	Modulate:  {Synapses, PostSpikes, PostSynapses}, // the last two: one_to_one
	Normalize: {PostNeurons, Synapses},
	CatchUp:   {Synapses, PreNeurons, PostNeurons},
}

// OverSynapses reports whether a loop over s runs over synapses (its count is
// known once connected).
func (s Space) OverSynapses() bool { return s == Synapses || s == PreSynapses || s == PostSynapses }

// Defines reports whether a loop over s has index x: synapse loops have
// all three; a loop over presynaptic (postsynaptic) neurons has Pre (Post).
func (s Space) Defines(x Idx) bool {
	switch {
	case s.OverSynapses():
		return true
	case s == PreNeurons || s == PreSpikes:
		return x == Pre
	case s == PostNeurons || s == PostSpikes:
		return x == Post
	}
	return x == I
}

// rank orders phase kinds.
// A population's update and finite check alternate, population by
// population, as do a projection's on_post, modulation and normalisation.
func rank(k PhaseKind) int {
	switch k {
	case Finite:
		return int(Update)
	case Modulate, Normalize:
		return int(OnPost)
	case SampleWeights, TickLate:
		return int(SetSynapses) // before the step's events
	}
	return int(k)
}

// InvalidError is a plan Verify rejected: a compiler bug, not the model's.
type InvalidError struct {
	Network string
	Err     error
}

func (e *InvalidError) Error() string {
	return fmt.Sprintf("internal: the plan of %s is invalid: %v", e.Network, e.Err)
}

func (e *InvalidError) Unwrap() error { return e.Err }

// VerifyLoop checks one loop against the arrays it may use.
func VerifyLoop(l *Loop, arrays []*Array) error {
	var errs []error
	bad := func(k int, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: op %d: %s", l.Name, k, fmt.Sprintf(format, args...)))
	}
	if l.N < -1 || l.Space.OverSynapses() != (l.N == -1) {
		errs = append(errs, fmt.Errorf("%s: %d iterations over %s", l.Name, l.N, l.Space))
	}
	// an initialisation loop (init.go) computes one value an element
	init := len(l.Ops) > 0 && l.Ops[len(l.Ops)-1].Code == Result
	for k, op := range l.Ops {
		if op.Code >= nCodes {
			bad(k, "unknown code %d", op.Code)
			continue
		}
		switch op.Code {
		case Draw, Index, Result:
			if !init {
				bad(k, "%s outside an initialisation loop", op.Code)
			}
		case Store, Rand, Spike, Send, Time, StepNo, Refr, Weight:
			if init {
				bad(k, "%s in an initialisation loop", op.Code)
			}
		}
		if n := arity[op.Code]; n >= 0 && len(op.Args) != n {
			bad(k, "%s takes %d arguments, has %d", op.Code, n, len(op.Args))
			continue
		}
		ok := true
		for _, a := range op.Args {
			if a < 0 || a >= k {
				bad(k, "argument %%%d is not defined before it", a)
				ok = false
			} else if l.Ops[a].Type == Void {
				bad(k, "argument %%%d has no value", a)
				ok = false
			}
		}
		if !ok {
			continue
		}
		argType := func(n int) Type { return l.Ops[op.Args[n]].Type }
		want := typeOf(op.Code, l.Ops, op.Args)
		if op.Code == Const || op.Code == Load {
			want = op.Type // constants and loads may be either
			if op.Type == Void {
				bad(k, "%s without a type", op.Code)
			}
		}
		if op.Type != want {
			bad(k, "%s has type %s, not %s", op.Code, op.Type, want)
		}
		switch op.Code {
		case Load, Store, Refr:
			if op.Arr < 0 || op.Arr >= len(arrays) || arrays[op.Arr] == nil {
				bad(k, "%s of a missing array a%d", op.Code, op.Arr)
				continue
			}
			a := arrays[op.Arr]
			if op.Code == Refr && a.Kind != Refractory {
				bad(k, "refr reads %s, not a refractory array", a.Name)
			}
			if op.Off < 0 {
				bad(k, "negative offset %d", op.Off)
			}
			if op.Idx > Post {
				bad(k, "unknown index %d", op.Idx)
				continue
			}
			if !l.Space.Defines(op.Idx) {
				where := "outside a synapse loop"
				if l.Space > Synapses {
					where = "in a loop over " + l.Space.String()
				}
				bad(k, "%s index %s", op.Idx, where)
				continue
			}
			if !l.Space.OverSynapses() && a.Len >= 0 && (l.N < 0 || op.Off+l.N > a.Len) {
				bad(k, "%s[%s+%d] for %s < %d overruns %s[%d]", a.Name, op.Idx, op.Off, op.Idx, l.N, a.Name, a.Len)
			}
			if a.Len < 0 && (op.Idx != I || !l.Space.OverSynapses()) {
				bad(k, "%s, one per synapse, indexed by %s in a loop over %s", a.Name, op.Idx, l.Space)
			}
			if op.Code == Store && len(op.Args) != 1 && len(op.Args) != 2 {
				bad(k, "store takes a value and an optional guard")
			}
			if op.Code == Store && len(op.Args) == 2 && argType(1) != Bool {
				bad(k, "store's guard is not a boolean")
			}
			if op.Code != Store && len(op.Args) != 0 {
				bad(k, "%s takes no arguments", op.Code)
			}
		case Not, And, Or:
			for n := range op.Args {
				if argType(n) != Bool {
					bad(k, "%s of a non-boolean %%%d", op.Code, op.Args[n])
				}
			}
		case Select, Spike:
			if argType(0) != Bool {
				bad(k, "%s on a non-boolean %%%d", op.Code, op.Args[0])
			}
		case Send:
			if len(op.Args) != 1 && len(op.Args) != 2 {
				bad(k, "deliver takes a value and an optional guard")
			} else if len(op.Args) == 2 && argType(1) != Bool {
				bad(k, "deliver's guard is not a boolean")
			}
		case Call:
			if err := checkCall(op.Fn, len(op.Args)); err != nil {
				bad(k, "%v", err)
			}
		case Rand:
			if op.Fn != "rand" && op.Fn != "randn" {
				bad(k, "rand of %q, not a distribution (rand, randn)", op.Fn)
			}
			if op.K != math.Trunc(op.K) || op.K < 0 || op.K >= rt.MaxDraws {
				bad(k, "draw number %v is not an integer in [0, %d)", op.K, rt.MaxDraws)
			}
			if len(op.Args) > 1 || len(op.Args) == 1 && l.Space != Events {
				bad(k, "a draw with %d arguments (an event's offset, in event loops only)", len(op.Args))
			}
			if l.Stream == "" {
				bad(k, "a random draw in a loop without a stream")
			}
		case Draw:
			if op.Fn != "rand" && op.Fn != "randn" {
				bad(k, "draw of %q, not a distribution (rand, randn)", op.Fn)
			}
			if len(op.Args) > 1 {
				bad(k, "a draw takes one guard at most, has %d arguments", len(op.Args))
			}
		case Index:
			if l.Space != Neurons {
				bad(k, "the index i outside a loop over neurons")
			}
		case Result:
			if k != len(l.Ops)-1 {
				bad(k, "a result before the last op")
			}
		case Weight:
			if l.Space != Events {
				bad(k, "the event's weight outside an event loop")
			}
		}
		if op.Code == Spike && l.Space != Neurons {
			bad(k, "spike outside a neuron loop")
		}
	}
	return errors.Join(errs...)
}
