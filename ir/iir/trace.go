package iir

// Trace is a bit-accurate run laid out for a hardware backend: the memory
// images the run starts from (every variable of every population, the
// connectivity and integer weights of every projection), the spikes each
// spike input produced at every step (so that a hardware model sees the
// same events without its own random sources), the population spikes of
// every step and the final integers of every variable.
type Trace struct {
	Program  *Program
	Steps    int
	Taps     uint64
	LFSRBits int
	Seed     uint64 // the run's seed: the keys of the draw sites (draw.go)
	Pops     []*TracePop
	Inputs   []*TraceInput
	Projs    []*TraceProj
	Currents []*TraceCurrent
}

// TracePop is one population: Init[k] and Final[k] are the integers of
// Model.Vars[k]; Spikes[n] the neurons that fired at step n, ascending.
type TracePop struct {
	Name   string
	Size   int
	Model  *Model
	Init   [][]int64
	Final  [][]int64
	Spikes [][]int32
	// Dendrites are the model's segment dendrites, wired (dendrite.go)
	Dendrites []*TraceDendrite
}

// TraceInput is a spike input: Spikes[n] the neurons that fired at step n,
// ascending.
type TraceInput struct {
	Name   string
	Size   int
	Spikes [][]int32
}

// TraceProj is a projection with its merged parts joined: the synapses of
// presynaptic neuron i are RowPtr[i]..RowPtr[i+1] of Col (and W, one
// integer weight per synapse, nil when every synapse has Weight), in
// delivery order. Dense marks an all-to-all projection stored without
// indices (Col lists every target in order for every row).
type TraceProj struct {
	Name       string
	Pre        string
	PreIsInput bool
	NPre       int
	Post       string
	Port       int // index into the post model's Ports
	Delay      int // steps
	Dense      bool
	RowPtr     []int64
	Col        []int32
	W          []int64
	Weight     int64
	// an STDP rule: its kernels and the integers of w (per synapse), the
	// presynaptic and the postsynaptic traces at the start and the end
	Plastic                *Plastic
	InitW, InitX, InitY    []int64
	FinalW, FinalX, FinalY []int64
	// a triplet rule's second traces (Plastic.Pre2, Post2)
	InitX2, InitY2, FinalX2, FinalY2 []int64
}

// TraceCurrent is a current input: while Start <= n < Stop (Stop < 0: no
// end) the variable Var of the population gets Amp added after clearing.
type TraceCurrent struct {
	Pop         string
	Var         int // index into the model's Vars
	Amp         int64
	Start, Stop int64
}
