package plan

import (
	"fmt"
	"math"

	"github.com/snnc/snnc/ir"
)

// Code is an operation.
type Code uint8

const (
	Const  Code = iota // K
	Load               // Arr[index(Idx)+Off]
	Store              // Arr[index(Idx)+Off] = Args[0] (if Args[1], when there is a guard)
	Time               // t + K (RK4 stages read t + dt/2, t + dt)
	StepNo             // the step number n
	Refr               // the neuron is refractory: n < Arr[i]
	Weight             // the event's weight (port handlers)
	Neg
	Not
	Add
	Sub
	Mul
	Div
	Mod
	Pow
	Lt
	Le
	Gt
	Ge
	Eq
	Ne
	And
	Or
	Select // Args[0] ? Args[1] : Args[2]
	Call   // Fn(Args...), a built-in function of ir.Eval1
	Rand   // draw number K (+ Args[0], if given: an event's first draw) of the loop's stream for index i at step n: Fn rand (uniform in [0, 1)) or randn (standard normal); rt.Draw computes it
	Spike  // neuron i spikes if Args[0]
	Send   // send Args[0] into the projection's port (if Args[1])
	// Draw takes the next number of an initialisation loop's sequential
	// stream (Init.Stream): Fn rand (uniform in [0, 1), Stream.Float64) or
	// randn (standard normal, Stream.Normal). With Args[0] it draws only if
	// that guard is not 0 (else its value is 0): only the branch of an `if`
	// that is taken draws, so the ops run element by element, in order.
	Draw
	Index  // the loop's index i as a number (`i` in a neuron's initial value)
	Result // the element's value (Args[0]): where it goes is its Init's
	nCodes
)

var codeNames = [...]string{"const", "load", "store", "time", "step", "refr", "weight", "neg", "not", "add", "sub", "mul", "div",
	"mod", "pow", "lt", "le", "gt", "ge", "eq", "ne", "and", "or", "select", "call", "rand", "spike", "send", "draw", "index", "result"}

func (c Code) String() string {
	if c < nCodes {
		return codeNames[c]
	}
	return fmt.Sprintf("op%d", c)
}

// Type is the type of an op's value.
type Type uint8

const (
	Void  Type = iota // no value (store, spike, deliver)
	Float             // float64
	Bool              // 0 or 1, as float64
)

var typeNames = [...]string{"void", "float", "bool"}

func (t Type) String() string { return typeNames[t] }

// Idx says which index of the loop a load or store uses.
type Idx uint8

const (
	I    Idx = iota // the loop's index
	Pre             // the synapse's presynaptic neuron
	Post            // the synapse's postsynaptic neuron
)

var idxNames = [...]string{"i", "pre", "post"}

func (x Idx) String() string { return idxNames[x] }

// Op is one operation; its value is referred to by its position in the
// loop's op list (SSA: every value is defined once, before its uses).
type Op struct {
	Code Code
	Type Type
	Args []int
	Arr  int     // Load, Store, Refr: the array (index into Plan.Arrays)
	Idx  Idx     // Load, Store
	Off  int     // Load, Store: added to the index (a fused member's offset)
	K    float64 // Const: the value; Time: the offset; Rand: the draw number
	Fn   string  // Call: the function; Rand, Draw: the distribution (rand, randn)
}

// arity is the number of arguments of each code (-1: variable).
var arity = [...]int{Const: 0, Load: 0, Store: -1, Time: 0, StepNo: 0, Refr: 0, Weight: 0, Neg: 1, Not: 1,
	Add: 2, Sub: 2, Mul: 2, Div: 2, Mod: 2, Pow: 2, Lt: 2, Le: 2, Gt: 2, Ge: 2, Eq: 2, Ne: 2, And: 2, Or: 2,
	Select: 3, Call: -1, Rand: -1, Spike: 1, Send: -1, Draw: -1, Index: 0, Result: 1}

// binCodes maps the IR's binary operators to codes.
var binCodes = map[string]Code{"+": Add, "-": Sub, "*": Mul, "/": Div, "%": Mod, "^": Pow,
	"<": Lt, "<=": Le, ">": Gt, ">=": Ge, "==": Eq, "!=": Ne, "and": And, "or": Or}

// resultType is the type of a pure op's value.
func resultType(c Code) Type {
	switch c {
	case Store, Spike, Send, Result:
		return Void
	case Refr, Not, Lt, Le, Gt, Ge, Eq, Ne, And, Or:
		return Bool
	}
	return Float
}

// typeOf is the type of an op's value given its arguments: a select of two
// booleans is a boolean.
func typeOf(c Code, ops []Op, args []int) Type {
	if c == Select && len(args) == 3 && args[1] < len(ops) && args[2] < len(ops) &&
		ops[args[1]].Type == Bool && ops[args[2]].Type == Bool {
		return Bool
	}
	return resultType(c)
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// apply computes a pure arithmetic op of its argument values: the one
// definition of every operator's IEEE semantics that Eval, constant
// folding in Build and the executors' tests share.
func apply(c Code, fn string, a []float64) (float64, error) {
	switch c {
	case Neg:
		return -a[0], nil
	case Not:
		return b2f(a[0] == 0), nil
	case Add:
		return a[0] + a[1], nil
	case Sub:
		return a[0] - a[1], nil
	case Mul:
		return a[0] * a[1], nil
	case Div:
		return a[0] / a[1], nil
	case Mod:
		return math.Mod(a[0], a[1]), nil
	case Pow:
		return math.Pow(a[0], a[1]), nil
	case Lt:
		return b2f(a[0] < a[1]), nil
	case Le:
		return b2f(a[0] <= a[1]), nil
	case Gt:
		return b2f(a[0] > a[1]), nil
	case Ge:
		return b2f(a[0] >= a[1]), nil
	case Eq:
		return b2f(a[0] == a[1]), nil
	case Ne:
		return b2f(a[0] != a[1]), nil
	case And:
		return b2f(a[0] != 0 && a[1] != 0), nil
	case Or:
		return b2f(a[0] != 0 || a[1] != 0), nil
	case Select:
		if a[0] != 0 {
			return a[1], nil
		}
		return a[2], nil
	case Call:
		v, ok := ir.Eval1(fn, a)
		if !ok {
			return 0, fmt.Errorf("unknown function %s", fn)
		}
		return v, nil
	}
	return 0, fmt.Errorf("%s is not a pure operation", c)
}
