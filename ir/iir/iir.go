package iir

import (
	"math"

	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/lang"
	"github.com/snnc/snnc/lang/units"
)

// Program is an integer program: the integer form of every population's
// neuron model and of every projection's weights (the package
// documentation gives its semantics, step by step).
type Program struct {
	Profile *Profile
	Network string
	Dt      float64
	Models  []*Model // one per population, in the program's order (or per neuron type without a network)
	Projs   []*Proj
}

// VarKind says what a variable is for.
type VarKind int

const (
	StateVar   VarKind = iota // a state variable of the model
	InputVar                  // an input accumulator: a continuous port, or a port's spike input read by the next update
	CounterVar                // the refractory counter: steps left; the neuron is refractory while it is > 0
	LFSRVar                   // the neuron's LFSR for stochastic rounding
)

var varKindNames = [...]string{"state", "input", "counter", "lfsr"}

func (k VarKind) String() string { return varKindNames[k] }

// Var is one word of a neuron's state. The SI value it stands for is
// Offset + Scale·x.
type Var struct {
	Name   string
	Kind   VarKind
	Width  int
	Signed bool
	Lo, Hi int64 // the range saturation keeps (the full range, or Loihi's symmetric one)
	Scale  float64
	Offset float64
	Frac   int  // Scale = 2^-Frac when Pow2
	Pow2   bool // a Q-format variable
	Dim    units.Dim
	Unit   string
	Src    *ir.Var // the float variable (nil for counters, LFSRs, spike inputs)

	Init    ir.Expr // initial value (SI, may draw random numbers); nil: InitInt
	InitInt int64
	Cleared bool // an input cleared every step (continuous port driven by current inputs)
	Driven  bool // a continuous port some current input drives
	Range   Interval
	Proof   Overflow // Proved, or the overflow the variable's stores still need
	Why     string   // range analysis: how the bound was found or why it could not be proved
	Lag     bool     // Loihi's u: holds the current of the step before (see lower_compartment.go)
	Drive   Interval // a driven continuous port: the range the current inputs give it
	Max     int64    // the refractory counter: the longest period, in steps
}

// SI returns the SI value of x.
func (v *Var) SI(x int64) float64 { return v.Offset + v.Scale*float64(x) }

// Opcode is an operation of the integer IR.
type Opcode int

const (
	OpConst      Opcode = iota // Imm
	OpLoad                     // the neuron's Var
	OpWeight                   // the synaptic event's integer weight (port kernels)
	OpRefractory               // 1 while the neuron is refractory (its counter > 0)
	OpAdd                      // Args[0] + Args[1]
	OpSub                      // Args[0] − Args[1]
	OpNeg                      // −Args[0]
	OpMul                      // Args[0] · Args[1], exact
	OpShl                      // Args[0] << Imm, exact
	OpShr                      // Args[0] >> Imm with Round
	OpResize                   // Args[0] to Width/Signed with Ovf (saturating to [Lo, Hi])
	OpShiftDecay               // Args[0] − max(Args[0] >> Imm, 1 if Args[0] > 0 and MinStep)
	OpMin                      // min(Args[0], Args[1])
	OpMax                      // max(Args[0], Args[1])
	OpAbs                      // |Args[0]|
	OpCmp                      // Args[0] Cmp Args[1]: 1 or 0
	OpAnd                      // 1-bit and
	OpOr                       // 1-bit or
	OpNot                      // 1-bit not
	OpSelect                   // Args[0] ? Args[1] : Args[2]
	OpStore                    // Var ← Args[0]; with Hold, not while the neuron is refractory
	OpRefract                  // start a refractory period: counter ← Imm steps
	OpDiv                      // Args[0] / Args[1] with Round (Div; 0 when Args[1] is 0)
	OpDraw                     // DrawBits uniform random bits: Draw(DrawKey(seed, Imm), step, neuron) (draw.go)
	OpSqrt                     // ⌊√Args[0]⌋ (Sqrt; 0 for Args[0] ≤ 0)
)

var opNames = [...]string{"const", "load", "weight", "refractory", "add", "sub", "neg", "mul", "shl", "shr", "resize",
	"shiftdecay", "min", "max", "abs", "cmp", "and", "or", "not", "select", "store", "refract", "div", "draw", "sqrt"}

func (c Opcode) String() string { return opNames[c] }

// Op is one operation. Its result is an integer of Width bits (Signed or
// not); Scale is the SI value of one unit of the result, for reading (0 for
// flags and pure integers).
type Op struct {
	ID      int
	Code    Opcode
	Args    []*Op
	Imm     int64
	Var     *Var
	Cmp     string   // OpCmp: > >= < <= == !=
	Round   Rounding // OpShr, OpDiv
	Ovf     Overflow // OpResize
	Lo, Hi  int64    // OpResize: saturation range
	MinStep bool     // OpShiftDecay
	Hold    bool     // OpStore: skipped while refractory
	Width   int
	Signed  bool
	Range   Interval // proven interval of the result
	Scale   float64
	Note    string // what it is, for readers: "decay of v (tau 20 ms)"
}

// Kernel is a straight-line list of ops.
type Kernel struct {
	Name string
	Ops  []*Op
	Out  *Op // Threshold: the spike bit
}

// Port is an event input of a model.
type Port struct {
	Name   string
	Kernel *Kernel
	Input  *Var // the accumulator the kernel adds to, when the profile buffers input (Loihi's a_in)
	Exp    int  // input shift of the accumulator (Loihi's weight exponent), when Input is set
	// Unsigned: every weight onto the port has one sign, held as an
	// unsigned mantissa (the profile's SignModes: 0..255 for 8 bits)
	Unsigned bool
	// the integer weight the kernel receives is this many SI units of the
	// model's weight (for reading and for quantizing)
	WeightScale float64
	WeightDim   units.Dim
	Events      int64    // range analysis: most events in one step (Σ fan-in)
	Weights     Interval // range analysis: the integer weights the kernel can receive
	Why         string   // where Events comes from
}

// Model is the integer form of one population's neuron model.
type Model struct {
	Name      string
	Pop       string
	Size      int
	Src       *ir.Model
	SrcPop    *ir.Population
	Vars      []*Var
	Update    *Kernel
	Threshold *Kernel
	Reset     *Kernel
	Ports     []*Port
	Ref       *Var // refractory counter (nil: no refractoriness)
	LFSR      *Var // (nil: no stochastic rounding)
	// MaxSpikes > 1: a spike runs the reset and the threshold again, up to
	// this many spikes a step (XyloSim's hidden neurons); 0: one spike
	MaxSpikes int
	Dendrites []*Dendrite // segment dendrites (dendrite.go)
	Sets      []*Set      // the run's phases that set this model's state (phase.go)
	Consts    []Quantized
	Notes     []string // what the lowering did that a reader should know
	Pos       lang.Span
}

// Quantized reports one constant of the model: its SI value, the integer
// it became and the SI value that integer stands for.
type Quantized struct {
	What   string
	Value  float64 // SI
	Int    int64
	Got    float64 // SI value represented
	Unit   string
	Dim    units.Dim
	Detail string
}

// Proj is a projection's weights in integers.
type Proj struct {
	Name   string
	Src    *ir.Projection
	Post   *Model
	Port   *Port
	Shift  int     // synapse shift (weight = mantissa << Shift)
	Unit   float64 // SI weight of one mantissa step
	Const  bool    // one weight for every synapse
	Mant   int64   // the constant weight's mantissa
	Weight float64 // the constant weight (SI)
	MaxAbs float64 // largest |weight| the format was chosen for
	Sign   int64   // −1 when the port subtracts the weight, so the range analysis sees what is added
	// Unsigned: the mantissa is the magnitude in WeightBits bits (the
	// port's weights have one sign)
	Unsigned bool
	Fanin    int64 // most synapses onto one postsynaptic neuron (range analysis)
	Why      string
	// Plastic is the projection's STDP rule (plastic.go); the port kernel then
	// receives the weight its OnPre kernel delivers
	Plastic *Plastic
}

// Quantize returns the integer weight the port kernel receives for the
// SI weight w, and whether it had to be clipped to the mantissa range.
func (q *Proj) Quantize(w float64, bits int) (int64, bool) {
	m := RoundHalfAway(w / q.Unit)
	lo, hi := q.MantRange(bits)
	clipped := false
	if m > hi {
		m, clipped = hi, true
	} else if m < lo {
		m, clipped = lo, true
	}
	return m << uint(q.Shift), clipped
}

// MantRange is the range of a weight mantissa of bits bits: signed, or a
// magnitude of either sign when the projection's weights have one sign.
func (q *Proj) MantRange(bits int) (lo, hi int64) {
	if q.Unsigned {
		m := MaxOf(bits, false)
		return -m, m
	}
	return MinOf(bits, true), MaxOf(bits, true)
}

// Interval is a closed integer interval; bounds at ±Inf mean unbounded.
type Interval struct{ Lo, Hi int64 }

// Inf is the magnitude treated as unbounded by the range analysis.
const Inf = int64(1) << 62

// ToInt quantizes an SI value to the variable (nearest, saturating).
func (v *Var) ToInt(x float64) int64 {
	q := (x - v.Offset) / v.Scale
	if math.IsNaN(q) {
		return 0
	}
	if q > float64(v.Hi) {
		return v.Hi
	}
	if q < float64(v.Lo) {
		return v.Lo
	}
	return Clamp(RoundHalfAway(q), v.Lo, v.Hi)
}

// AddVar appends v to the model's variables.
func (m *Model) AddVar(v *Var) *Var {
	m.Vars = append(m.Vars, v)
	return v
}

// VarOf is the integer variable lowered from src (nil: none).
func (m *Model) VarOf(src *ir.Var) *Var {
	for _, v := range m.Vars {
		if v.Src == src {
			return v
		}
	}
	return nil
}

// Kernels lists the model's kernels.
func (m *Model) Kernels() []*Kernel {
	ks := []*Kernel{m.Update, m.Threshold, m.Reset}
	for _, p := range m.Ports {
		ks = append(ks, p.Kernel)
	}
	for _, d := range m.Dendrites {
		ks = append(ks, d.Kernel)
	}
	var out []*Kernel
	for _, k := range ks {
		if k != nil {
			out = append(out, k)
		}
	}
	return out
}
