// Package ir is snnc's typed intermediate representation: a checked model
// lowered to numbers in SI units, expressions that keep their dimension,
// kernels per neuron and synapse model, and the network as a graph.
//
// Every population gets its own neuron model (the type with the population's
// overrides applied) and every (pre, post) pair of a projection its own
// synapse model, so that parameters are plain constants after `fold` and a
// propagator can be computed per model. The `fuse` pass merges identical
// models again.
package ir

import (
	"fmt"
	"sort"

	"github.com/snnc/snnc/internal/convgeom"
	"github.com/snnc/snnc/lang"
	"github.com/snnc/snnc/lang/units"
)

// Program is the IR of one run of one network.
type Program struct {
	Network   string
	Neurons   []*Model // one per population
	Synapses  []*Model // one per projection (plastic ones)
	Pops      []*Population
	Inputs    []*Input
	Projs     []*Projection
	Records   []*Record
	Phases    []*Phase // protocol steps of the run, in time order
	Wtas      []*Wta   // winner-take-all selections, one per population at most
	Schedule  Schedule
	Removed   []string // what dce removed, for reports
	Functions []string // user functions inlined (for the printer's header)
}

// Schedule says how long and how finely to simulate.
type Schedule struct {
	Dt       float64 // s
	Duration float64 // s
	Seed     uint64
	Out      string // output directory ("" = default)
}

// ModelKind distinguishes neuron and synapse models.
type ModelKind int

const (
	NeuronModel ModelKind = iota
	SynapseModel
)

// VarKind classifies a model variable.
type VarKind int

const (
	Param VarKind = iota
	State
	Alias // named expression, computed when read
	ContinuousPort
	DendriteOut // output of a continuous dendrite
)

var varKindNames = [...]string{"param", "state", "alias", "port", "dendrite"}

func (k VarKind) String() string { return varKindNames[k] }

// Storage says where a synapse variable lives.
type Storage int

const (
	PerSynapse Storage = iota
	PerPre             // a trace that depends only on presynaptic spikes
	PerPost            // a trace that depends only on postsynaptic spikes
)

var storageNames = [...]string{"per-synapse", "per-pre", "per-post"}

func (s Storage) String() string { return storageNames[s] }

// Var is a variable of a model.
type Var struct {
	Name  string // compartment variables are "dend.v_d"
	Kind  VarKind
	Dim   units.Dim
	Bool  bool
	Unit  string // display unit the user wrote (or a preferred one)
	Value Expr   // parameter value, alias expression
	Init  Expr   // initial value of state (may draw random numbers)
	Pos   lang.Span

	// synapse state classification (set by the builder's analysis)
	Storage Storage
	Lazy    bool // only read at events: integrated over the elapsed time there
	// Integral: lazy, with w' a polynomial of lazy traces that decay alone
	// (x' = a·x), so w advances in closed form at events (classify)
	Integral bool
	// PerNeuron: a neuron parameter whose value differs between neurons
	// (it reads `i` or draws), kept as a state variable without an equation
	PerNeuron bool
}

// Model is a neuron model (for one population) or a synapse model (for one
// projection).
type Model struct {
	Name   string // e.g. "CubaLIF" with the population appended: "CubaLIF@E"
	Type   string // the .snn type name
	Kind   ModelKind
	Vars   []*Var
	ODEs   []*ODE
	Update []*System // filled by the ode pass
	Pos    lang.Span

	// neuron kernels
	Threshold Expr // nil: never spikes
	Fused     bool // update, threshold and reset may run in one pass (fuse)
	// Rising: the neuron spikes only in a step where Threshold holds and
	// did not hold in the step before (`on threshold COND rising`)
	Rising    bool
	ThreshPos lang.Span
	Reset     []Stmt
	Ports     []*Port
	Dendrites []*Dendrite
	OnActive  map[string][]Stmt // on dendrite NAME active

	// synapse kernels
	OnPre      []Stmt
	OnPost     []Stmt
	OnMod      map[string][]Stmt
	Delay      Expr // default delay (nil: none)
	DeliverDim units.Dim
	Summed     Expr // `summed = e`: every step, e summed over a neuron's synapses drives the continuous port
}

// ODE is one differential equation of a model.
type ODE struct {
	Var              *Var
	Rhs              Expr
	UnlessRefractory bool
	KeepInputs       bool   // `except inputs`: input ports still write Var while refractory
	Method           string // asked for by the user ("" = choose)
	MethodPos        lang.Span
	Pos              lang.Span
	// Noise are the white-noise terms g·xi of the right side (Rhs is the
	// deterministic part f): Var' = f + Σ g·xi. A system with noise is
	// integrated by Euler–Maruyama, x + dt·f + Σ g·sqrt(dt)·N(0,1).
	Noise []*NoiseTerm
}

// NoiseTerm is one white-noise term Coef·xi_Name of an equation; its
// coefficient reads no integrated variable (additive noise) and has the
// equation's variable's dimension times s^-1/2.
type NoiseTerm struct {
	Name string // xi, xi_1, ...: the same name in two equations of a model is one noise
	Coef Expr
}

// NoiseNames are the distinct white noises of a model's equations, sorted:
// a noise's draw number in the update is its index here.
func (m *Model) NoiseNames() []string {
	seen := map[string]bool{}
	var names []string
	for _, o := range m.ODEs {
		for _, n := range o.Noise {
			if !seen[n.Name] {
				seen[n.Name] = true
				names = append(names, n.Name)
			}
		}
	}
	sort.Strings(names)
	return names
}

// Method is how a system of ODEs is integrated.
type Method string

const (
	Exact Method = "exact" // precomputed propagator (linear, constant coefficients)
	RK4   Method = "rk4"
	Euler Method = "euler"
)

// System is a set of coupled ODEs integrated together.
type System struct {
	Vars   []*Var
	ODEs   []*ODE
	Method Method
	Why    string // why this method was chosen, for `snnc ir`
	// For Exact: x(t+dt) = P·x(t) + Q·u + r, where u are the step-constant
	// inputs (state without ODE, continuous ports). PRef is the propagator
	// while the neuron is refractory (clamped variables held).
	P, PRef    [][]float64
	Inputs     []*Var
	InputSides []Side // a synapse's inputs may be pre./post. variables
	Q, QRef    [][]float64
	R, RRef    []float64
	Clamped    []bool // per var: held during refractoriness
}

// PortKind distinguishes input ports.
type PortKind int

const (
	EventPort PortKind = iota
	ContPort
	DendritePort
)

// Port is an input of a neuron model.
type Port struct {
	Name   string
	Kind   PortKind
	Weight units.Dim // event port: unit of `weight`
	Var    *Var      // continuous port: its variable
	Body   []Stmt    // event port kernel
	Pos    lang.Span
}

// Dendrite is a segment dendrite or a continuous dendrite.
type Dendrite struct {
	Name       string
	Continuous bool
	Settings   map[string]float64 // segments, synapses, threshold, permanence.connected, ...
	Activation Expr               // continuous: f(input)
	Combine    string             // continuous: max | sum | mean
	Out        *Var               // continuous: its output variable
	Pos        lang.Span
}

// ---- statements ----

// Stmt is a kernel statement.
type Stmt interface{ stmt() }

// Assign is `Var op= Value` with Op one of = += -= *= /=.
type Assign struct {
	Var   *Var
	Op    string
	Value Expr
	// Held: an input port's write to a variable declared `unless
	// refractory`, dropped while the neuron is refractory (Brian2's
	// conditional write, NEST's iaf_psc_*); set by MarkHeldInputs.
	Held bool
	Pos  lang.Span
}

// Refractory starts the refractory period.
type Refractory struct {
	Duration Expr
	Pos      lang.Span
}

// Deliver sends a value into the projection's port.
type Deliver struct {
	Value Expr
	Pos   lang.Span
}

// If is a conditional.
type If struct {
	Cond       Expr
	Then, Else []Stmt
	Pos        lang.Span
}

func (*Assign) stmt()     {}
func (*Refractory) stmt() {}
func (*Deliver) stmt()    {}
func (*If) stmt()         {}

// ---- network ----

// Population is a group of neurons of one model.
type Population struct {
	Name  string
	Size  int
	Shape []int
	Model *Model
	Pos   lang.Span
	// fuse: populations with identical models run as one loop. The first of
	// a group lists the group in Members; every member points to it in
	// Group and knows its Offset in the combined index range.
	Group   *Population
	Offset  int
	Members []*Population
}

// Input is a spike source or a current.
type Input struct {
	Name   string
	Kind   string // poisson, spikes, spike_times, current_step, dataset
	Size   int    // 0: known only at run time (from a file)
	Num    map[string]float64
	Str    map[string]string
	Lists  map[string][]float64
	Exprs  map[string]Expr // arguments that are not constants: a rate of t and of the source index i
	Target *Population     // current inputs
	View   *View           // current inputs on a view of Target (nil: all of it)
	Port   string
	Pos    lang.Span
}

// Node is a projection end: a population or an input.
type Node struct {
	Pop   *Population
	Input *Input
}

// Name returns the node's name.
func (n Node) Name() string {
	if n.Pop != nil {
		return n.Pop.Name
	}
	return n.Input.Name
}

// Size returns the node's size (0 if unknown before run time).
func (n Node) Size() int {
	if n.Pop != nil {
		return n.Pop.Size
	}
	return n.Input.Size
}

// Projection connects one presynaptic node to one postsynaptic population.
type Projection struct {
	Name string // user name, or "pre->post:port" (with views: "E[0:50]->I:exc")
	Pre  Node
	Post *Population
	// PreView, PostView: the neurons of Pre and Post it connects, when a
	// view E[lo:hi] names them (nil: all). The connector sees the views as
	// populations of hi-lo neurons; the synapses are stored with the whole
	// populations' indices.
	PreView, PostView *View
	Port              string
	Synapse           *Model // nil: static weight
	Connector         Connector
	Weight            Expr // static weight, or the synapse's `weight`
	Delay             Expr // nil: no delay
	Storage           string
	PruneBelow        float64       // drop synapses with |weight| below this when building (0: none)
	Merged            []*Projection // same source, target, port, weight and delay: delivered with this one (fuse)
	Normalize         *Normalize
	Modulators        map[string]Node
	// ModPerPost: the modulators bound one_to_one (a spike of the source's
	// neuron j runs the handler on the synapses onto postsynaptic neuron j)
	ModPerPost map[string]bool
	Pos        lang.Span
}

// View is the neurons Lo..Hi-1 of a population (`E[lo:hi]`).
type View struct{ Lo, Hi int }

// String prints the view as written: [lo:hi].
func (v *View) String() string {
	if v == nil {
		return ""
	}
	return "[" + itoa(v.Lo) + ":" + itoa(v.Hi) + "]"
}

func itoa(n int) string { return fmt.Sprint(n) }

// Sliced reports whether either end is a view.
func (p *Projection) Sliced() bool { return p.PreView != nil || p.PostView != nil }

// Connector is the connection rule.
type Connector struct {
	Kind       string // all_to_all, one_to_one, bernoulli, fan_in, fan_out, gaussian, from_file, matrix, conv1d, conv2d, pool2d
	Num        map[string]float64
	Ints       map[string][]int // list arguments (conv kernel, input, stride, padding, dilation)
	File       string
	MaxAbs     float64 // weighted connectors: the largest |factor| in the file (set before quantize)
	MaxFanIn   int64   // from_file: the most synapses onto one target, repeated edges counted (set before quantize; 0: not read)
	ExceptSelf bool
}

// Weighted: the connector gives each synapse a weight factor (matrix,
// conv1d, conv2d), which multiplies the projection's constant weight.
func (c Connector) Weighted() bool { return convgeom.Weighted(c.Kind) }

// Normalize is synaptic scaling of a synapse variable.
type Normalize struct {
	Func   string // "sum" (the values sum to Target) or "l2" (their Euclidean norm is Target)
	Var    *Var
	Target float64
	Every  float64
	Pos    lang.Span
}

// RecordKind is what a record samples.
type RecordKind int

const (
	RecSpikes RecordKind = iota
	RecState
	RecWeights
)

// Record is one recording.
type Record struct {
	Kind   RecordKind
	Pop    *Population // spikes of populations; state
	Input  *Input      // spikes of an input
	Proj   *Projection // weights, synapse state
	Var    *Var
	Lo, Hi int // neuron range [Lo, Hi) for state
	Every  float64
	AtEnd  bool // weights: sampled at the end of the step (`at end`), not before its events
	Pos    lang.Span
}

// Phase is a protocol step of a run: at time At (the start of step
// round(At/dt)) each Set changes a state variable of every neuron of a
// population or of every synapse of a projection.
type Phase struct {
	Name string
	At   float64 // s
	Sets []*PhaseSet
	Pos  lang.Span
}

// PhaseSet is `Pop.var op value` (Proj nil) or `Proj.var op value` on
// the synapses of one projection (Pop nil); Value is a constant of the
// population's or synapse's model (a Const after fold).
type PhaseSet struct {
	Pop   *Population
	Proj  *Projection
	Var   *Var
	Op    string // = += -= *= /=
	Value Expr
	Pos   lang.Span
}

// Wta is winner-take-all selection on a population: of the neurons whose
// threshold holds in a step (and that are not refractory), only the K with
// the largest By spike; ties go to the lower index. The others neither
// spike nor reset.
type Wta struct {
	Pop *Population
	K   int
	By  Expr // in the population's model
	Pos lang.Span
}

// Target names what the set changes: the population or the projection.
func (st *PhaseSet) Target() string {
	if st.Proj != nil {
		return st.Proj.Name
	}
	return st.Pop.Name
}

// Files lists the files the network reads, as the model names them
// (relative names are relative to the model's directory): spike trains
// and data sets of inputs, connection lists of projections. Runs never
// write over them.
func (p *Program) Files() []string {
	var files []string
	for _, in := range p.Inputs {
		if f := in.Str["file"]; f != "" {
			files = append(files, f)
		}
	}
	for _, pr := range p.Projs {
		if f := pr.Connector.File; f != "" {
			files = append(files, f)
		}
	}
	return files
}
