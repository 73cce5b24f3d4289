// Package plan is the execution plan of a network: what one time step
// does, as data, between the optimised IR and the executors.
//
// Build lowers an optimised ir.Program once into a Plan:
//
//   - time in steps: dt, the run's length, delays, refractory periods,
//     recording and normalisation intervals and run phases are step counts,
//     converted here and nowhere else (Steps, Every);
//   - the ordered phases of one step (Plan.Step), in the order the
//     interpreter runs them;
//   - for each phase its loops: the array range they run over and the list
//     of operations (Op), an SSA list in evaluation order: every executor
//     computes exactly these IEEE operations, so results are bit-identical;
//   - the decisions executors used to re-derive for themselves: connectivity
//     storage, fusion of update+threshold+reset, which work threads may
//     share, and which vector kernel a loop's op list matches.
//
// Verify checks a plan (defs before uses, types, array bounds, phase
// order); Eval is the reference evaluator of a loop, the specification the
// executors are tested against; Print and JSON show it (`snnc ir --plan`).
package plan

import (
	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/runtime"
)

// Plan is how one run of one network executes.
type Plan struct {
	Network   string
	Dt        float64 // s
	Steps     int     // the run's length
	Seed      uint64
	Arrays    []*Array // every buffer a loop reads or writes; Array.ID is its index
	Pops      []*Pop
	Inputs    []*Input
	Projs     []*Proj
	Records   []*Record
	RunPhases []*RunPhase
	Inits     []*Init  // once before the first step, in order (init.go)
	Step      []*Phase // one time step, in order
	Finish    []*Phase // once after the last step, at the end time (lazy traces caught up for the recordings)
}

// ArrayKind says what an array holds.
type ArrayKind int

const (
	NeuronState  ArrayKind = iota // a state variable of a population
	PortAcc                       // a continuous port: cleared, then summed into, every step
	DendriteOut                   // a continuous dendrite's output, written at the end of a step
	Refractory                    // the step until which a neuron is refractory (n < refractory[i])
	SynapseState                  // per-synapse state (length known once connected)
	PreState                      // synapse state stored per presynaptic neuron
	PostState                     // synapse state stored per postsynaptic neuron
	Weights                       // static weights drawn at random, one per synapse
	LastUpdate                    // the time (s) a lazy trace was last advanced, one per element of the trace
	Scratch                       // a phase's temporary values (normalisation sums), one per postsynaptic neuron
	RisingPrev                    // `on threshold COND rising`: whether COND held at the previous step's threshold
	DendriteIn                    // a continuous dendrite's segment inputs, segment-major: segment k of neuron j at k·N + j
)

var arrayKindNames = [...]string{"state", "port", "dendrite", "refractory", "synapse", "per-pre", "per-post", "weights", "last", "scratch", "rising-prev", "dendrite-in"}

func (k ArrayKind) String() string { return arrayKindNames[k] }

// Array is one buffer of float64 values (booleans are 0 and 1).
type Array struct {
	ID    int
	Name  string // "E.v", "E.refractory", "E->E:exc.w"
	Kind  ArrayKind
	Len   int // elements; -1: the synapse count, known once connected
	Bool  bool
	Owner string // population or projection
	Var   *ir.Var
}

// Pop is a population as the executors run it: a fused group (fuse) is one
// Pop whose members are ranges of it.
type Pop struct {
	Name    string
	Model   string
	N       int
	Members []Member
	// Fused: update, threshold and reset run in one pass, block by block
	// (the fuse pass allowed it, the threshold is simple and every system
	// is exact and can be updated in place).
	Fused bool
	// Kernel names the hand-written loop the whole fused step matches
	// ("lifBlock": CUBA's three rows and threshold in one pass), or "".
	Kernel string
	// Simple is the threshold `var op constant`, tested by one pass over
	// the variable (crossings), or nil for a general threshold.
	Simple *SimpleThreshold
	// FiniteEvery: the NaN/Inf check of variables integrated by exact
	// propagators runs every so many steps (RK4/Euler ones every step).
	FiniteEvery int
	// OnActive holds the segment dendrites' `on dendrite NAME active`
	// handlers, by dendrite (also the loops of its Dendrites phase): i =
	// each neuron with an active segment, at the end of the step, t the
	// next step's time.
	OnActive map[string]*Loop `json:"-"`
	// Continuous holds the continuous dendrites whose output is read, by
	// dendrite.
	Continuous map[string]*ContDendrite `json:"-"`
}

// ContDendrite is a continuous dendrite: the weights of arriving spikes
// add into In (array DendriteIn, segment k of neuron j at k·N + j; the
// synapses onto a neuron dealt round-robin to its segments); Output
// computes the output variable, combine(activation(x)) over each neuron's
// segments, from In once at the start (t = 0) and at the end of every step
// (t the next step's time), after which In decays by Decay (0: cleared).
type ContDendrite struct {
	Segments int
	Decay    float64
	In       int // the DendriteIn array
	Output   *Loop
}

// Member is one IR population inside a Pop: neurons [Off, Off+N).
type Member struct {
	Name string `json:"name"`
	Off  int    `json:"off"`
	N    int    `json:"n"`
}

// SimpleThreshold is `Var Op K`.
type SimpleThreshold struct {
	Var *ir.Var
	Op  string
	K   float64
}

// Input is a spike source or a current input.
type Input struct {
	Name   string `json:"name"`
	Kind   string `json:"kind"`
	N      int    `json:"n"`                // 0: known only at run time
	Target string `json:"target,omitempty"` // current inputs: the population
	Port   string `json:"port,omitempty"`
	// Rate: a poisson input's rate (InputRate), its form printed
	Rate *rt.Rate `json:"-"`
}

// Storage is how a projection's connectivity is held.
type Storage string

const (
	Dense      Storage = "dense"      // all to all: no index arrays
	CSR        Storage = "csr"        // row pointers and columns (editable: pruning, plastic)
	Rows       Storage = "rows"       // static rows stored compact
	Procedural Storage = "procedural" // regenerated from the seed at each spike
)

// Proj is a projection's decisions.
type Proj struct {
	Name, Pre, Post, Port string
	Storage               Storage
	DelaySteps            int
	// SynDelays: each synapse has its own delay, drawn from the IR's
	// expression at construction (DelaySteps is then 0).
	SynDelays bool
	// Direct: the port body is `Var += weight` (Sign 1) or -= (Sign -1),
	// added straight into the array; else the Handler loop runs per event.
	Direct  *DirectAdd
	Handler *Loop
	Weight  *float64 // a constant static weight; nil: per synapse
	Plastic bool
	Summed  bool     // `summed = e`: drives a continuous port every step
	Dend    string   // onto a dendrite (segment or continuous) instead of a port
	Merged  []string // projections delivered with this one (fuse)
	// Parallel: the threads may share its delivery by postsynaptic range
	// (static synapses straight into a port variable, no delay, no merge).
	Parallel       bool
	Lazy           []string // synaptic traces advanced at events only
	NormalizeEvery int      // steps between synaptic scalings (0: none)
	Syn            *Synapse // a synapse model's loops (synapse.go); nil for static synapses
}

// DirectAdd is a port body `Var += weight` (Sign 1) or `-=` (Sign -1).
// An add to a variable held `unless refractory` is not direct: it is
// dropped while the target is refractory (as Brian2 and NEST drop that
// input), so it runs as a handler loop with that guard in its ops.
type DirectAdd struct {
	Var  *ir.Var
	Sign float64
}

// Record is a recording with its interval in steps.
type Record struct {
	Kind   string `json:"kind"` // spikes, state, weights
	Source string `json:"source"`
	Var    string `json:"var,omitempty"`
	Every  int    `json:"every"`            // steps between samples (weights: 0 = at the end only)
	AtEnd  bool   `json:"at_end,omitempty"` // weights: at the end of the step (`at end`)
	// Lo, Hi: spikes of a view, neurons [Lo, Hi) of Source (Hi 0: all)
	Lo int `json:"lo,omitempty"`
	Hi int `json:"hi,omitempty"`
	// Alias computes a recorded alias (state records of a variable without
	// an array): its loop stores each recorded neuron's value into a
	// Scratch array, the sample; nil otherwise.
	Alias *Loop `json:"-"`
}

// RunPhase is a protocol step of the run at step At.
type RunPhase struct {
	Name string   `json:"name"`
	At   int      `json:"at"`
	Sets []RunSet `json:"sets"`
}

// RunSet is `Target.Var Op Value` at the phase's step; Synapse sets apply
// after the clock-driven synapse update.
type RunSet struct {
	Target  string  `json:"target"`
	Var     string  `json:"var"`
	Op      string  `json:"op"`
	Value   float64 `json:"value"`
	Synapse bool    `json:"synapse,omitempty"`
}

// PhaseKind is what a phase of the step does.
type PhaseKind int

const (
	SetNeurons       PhaseKind = iota // run phases' sets on neuron state at this step
	SampleState                       // state monitors sample (the values at the step's start)
	ClearPorts                        // continuous ports restart from 0
	Currents                          // current inputs add into their ports
	Tick                              // clock-driven synaptic state advances one step
	Sum                               // summed synapses add into continuous ports
	Update                            // neuron state advances one step (the Loops)
	Finite                            // the NaN/Inf check of a population
	SetSynapses                       // run phases' sets on synapse state
	Threshold                         // which neurons spike
	Winners                           // winner-take-all among the crossings
	Inputs                            // spike sources emit this step's spikes
	Deliver                           // presynaptic spikes go through the delay rings into ports
	OnPost                            // on_post of plastic synapses
	Modulate                          // on_modulator
	Normalize                         // synaptic scaling
	Reset                             // reset of the neurons that spiked
	Dendrites                         // segment learning and activity, continuous dendrite outputs
	RecordSpikes                      // spike monitors
	SampleWeights                     // weight monitors (before the events, after SetSynapses)
	SampleWeightsEnd                  // weight monitors `at end`: after everything of the step
	CatchUp                           // Plan.Finish: a projection's lazy traces advanced to the end time
	TickLate                          // Tick of a synapse whose equations read the neurons: after their update and the weight samples
)

var phaseKindNames = [...]string{"set-neurons", "sample-state", "clear-ports", "currents", "tick", "sum", "update",
	"finite", "set-synapses", "threshold", "winners", "inputs", "deliver", "on-post", "modulate", "normalize",
	"reset", "dendrites", "record-spikes", "sample-weights", "sample-weights-end", "catch-up", "tick-late"}

func (k PhaseKind) String() string { return phaseKindNames[k] }

// Phase is one part of the step. Phases run in Plan.Step order and, for
// one kind, in population or projection order.
type Phase struct {
	Kind   PhaseKind
	Target string  // population, projection, input or monitor; "" for the whole network
	Loops  []*Loop // the numeric work, where it is written as ops
	Every  int     // runs when step%Every == 0 (0 or 1: every step); Finite: 1 for RK4/Euler, 64 for exact
	// Parallel: the threads share the phase (neuron ranges; delivery by
	// postsynaptic range when every projection allows it).
	Parallel bool
	Note     string
	Source   string // Modulate: the node each of whose spikes runs the loops once
}

// Space is what a loop's index runs over.
type Space int

const (
	Neurons  Space = iota // i = 0..N-1 of a population
	Spiking               // i = each neuron that spiked this step
	Events                // i = the target of each delivered event (Weight is the event's)
	Synapses              // i = each synapse of a projection, row by row (Pre ascending), with its Pre and Post neurons
	// The spaces of a synapse model's work (synapse.go). Pre and Post index
	// the presynaptic and postsynaptic neuron, I the synapse; a space without
	// synapses defines only its own neuron's index.
	PreNeurons   // i = Pre = each presynaptic neuron
	PostNeurons  // i = Post = each postsynaptic neuron
	PreSpikes    // i = Pre = each presynaptic neuron whose spike arrives this step (after the delay), ascending as delivered
	PreSynapses  // i = each synapse of the arriving spike's row, in row order (Pre fixed, Post its target)
	PostSpikes   // i = Post = each postsynaptic neuron that spiked this step, ascending
	PostSynapses // i = each synapse onto the spiking neuron, in column order (Pre ascending)
)

var spaceNames = [...]string{"neurons", "spiking", "events", "synapses", "pre-neurons", "post-neurons", "pre-spikes",
	"pre-synapses", "post-spikes", "post-synapses"}

func (s Space) String() string { return spaceNames[s] }

// Loop is a loop over a population's neurons (or its spiking neurons, or a
// projection's synapses) running Ops for every index.
type Loop struct {
	Name   string
	Over   string // population or projection
	Space  Space
	N      int // index range [0, N) (-1: the synapse count)
	Ops    []Op
	Kernel string // the vector kernels the op list matches ("row3Held v; row1 ge; ...") or ""
	// Stream names the counter-based random stream of the loop's Rand ops
	// ("E noise": every update loop of E, so one noise name is one noise;
	// "E reset", "E port exc"), "" without draws. A draw is
	// rt.Draw(fn, rt.DrawKey(seed, Stream), i, n, K).
	Stream string
}

// ParallelMin is the smallest population whose neuron loops the threads
// share; smaller ones run on one thread (a fork-join costs more).
const ParallelMin = 4096
