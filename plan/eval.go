package plan

import (
	"fmt"

	"github.com/snnc/snnc/runtime"
)

// Env is what a loop reads and writes besides its own values.
type Env struct {
	Arrays    [][]float64 // by Array.ID
	N         int         // the step number
	T         float64     // the time at the step's start (s)
	Pre, Post int         // synapse loops: the synapse's neurons
	Weight    float64     // event loops: the event's weight
	// Seed keys the loops' random streams (Loop.Stream).
	Seed uint64
	// Spike and Deliver receive a loop's events; nil: they are dropped.
	Spike   func(i int)
	Deliver func(v float64)
	// Stream is an initialisation loop's sequential stream (its Draw ops),
	// Result receives its value for index i.
	Stream *rt.Stream
	Result func(i int, v float64)
}

// Eval runs a loop's ops for index i, one after the other, in float64:
// the reference semantics of the plan, which every executor must match
// bit for bit. vals holds the op values (len(l.Ops) at least; nil: one is
// allocated).
func Eval(l *Loop, env *Env, i int, vals []float64) error {
	if len(vals) < len(l.Ops) {
		vals = make([]float64, len(l.Ops))
	}
	for k := range l.Ops {
		op := &l.Ops[k]
		for _, a := range op.Args {
			if a < 0 || a >= k {
				return fmt.Errorf("op %d: argument %%%d is not defined before it", k, a)
			}
		}
		var v float64
		switch op.Code {
		case Const:
			v = op.K
		case Time:
			v = env.T + op.K
		case StepNo:
			v = float64(env.N)
		case Weight:
			v = env.Weight
		case Load, Store, Refr:
			arr, j, err := env.element(op, i)
			if err != nil {
				return fmt.Errorf("op %d: %w", k, err)
			}
			switch op.Code {
			case Load:
				v = arr[j]
			case Refr:
				v = b2f(float64(env.N) < arr[j])
			case Store:
				if len(op.Args) == 0 {
					return fmt.Errorf("op %d: store without a value", k)
				}
				if len(op.Args) < 2 || vals[op.Args[1]] != 0 {
					arr[j] = vals[op.Args[0]]
				}
			}
		case Spike:
			if len(op.Args) != 1 {
				return fmt.Errorf("op %d: spike takes one argument", k)
			}
			if vals[op.Args[0]] != 0 && env.Spike != nil {
				env.Spike(i)
			}
		case Send:
			if len(op.Args) == 0 {
				return fmt.Errorf("op %d: deliver without a value", k)
			}
			if (len(op.Args) < 2 || vals[op.Args[1]] != 0) && env.Deliver != nil {
				env.Deliver(vals[op.Args[0]])
			}
		case Draw:
			if len(op.Args) > 0 && vals[op.Args[0]] == 0 {
				break // a guarded draw not taken: no number drawn
			}
			switch {
			case env.Stream == nil:
				return fmt.Errorf("op %d: a draw without a stream", k)
			case op.Fn == "rand":
				v = env.Stream.Float64()
			case op.Fn == "randn":
				v = env.Stream.Normal()
			default:
				return fmt.Errorf("op %d: unknown distribution %s", k, op.Fn)
			}
		case Index:
			v = float64(i)
		case Result:
			if len(op.Args) != 1 {
				return fmt.Errorf("op %d: a result without its value", k)
			}
			if env.Result != nil {
				env.Result(i, vals[op.Args[0]])
			}
		case Rand:
			if l.Stream == "" {
				return fmt.Errorf("op %d: a random draw (%s) in a loop without a stream", k, op.Fn)
			}
			var ok bool
			d := int(op.K)
			if len(op.Args) > 0 {
				d += int(vals[op.Args[0]])
			}
			if v, ok = rt.Draw(op.Fn, rt.DrawKey(env.Seed, l.Stream), i, env.N, d); !ok {
				return fmt.Errorf("op %d: unknown distribution %s", k, op.Fn)
			}
		default:
			if op.Code >= nCodes || arity[op.Code] >= 0 && len(op.Args) != arity[op.Code] {
				return fmt.Errorf("op %d: %s with %d arguments", k, op.Code, len(op.Args))
			}
			if op.Code == Call {
				if err := checkCall(op.Fn, len(op.Args)); err != nil {
					return fmt.Errorf("op %d: %w", k, err)
				}
			}
			var err error
			var buf [3]float64
			args := buf[:0]
			if len(op.Args) > 3 {
				args = make([]float64, 0, len(op.Args))
			}
			for _, a := range op.Args {
				args = append(args, vals[a])
			}
			if v, err = apply(op.Code, op.Fn, args); err != nil {
				return fmt.Errorf("op %d: %w", k, err)
			}
		}
		vals[k] = v
	}
	return nil
}

// element finds the array element a load, store or refractory test reads.
func (env *Env) element(op *Op, i int) ([]float64, int, error) {
	if op.Arr < 0 || op.Arr >= len(env.Arrays) {
		return nil, 0, fmt.Errorf("no array a%d", op.Arr)
	}
	j := i
	switch op.Idx {
	case Pre:
		j = env.Pre
	case Post:
		j = env.Post
	}
	j += op.Off
	arr := env.Arrays[op.Arr]
	if j < 0 || j >= len(arr) {
		return nil, 0, fmt.Errorf("index %d out of a%d's range [0, %d)", j, op.Arr, len(arr))
	}
	return arr, j, nil
}

// EvalLoop runs a neuron loop for every index [0, l.N), in order.
func EvalLoop(l *Loop, env *Env) error {
	vals := make([]float64, len(l.Ops))
	for i := 0; i < l.N; i++ {
		if err := Eval(l, env, i, vals); err != nil {
			return fmt.Errorf("%s, index %d: %w", l, i, err)
		}
	}
	return nil
}

// NewEnv allocates zeroed arrays for a plan (synapse arrays of unknown
// length empty).
func NewEnv(p *Plan) *Env {
	env := &Env{Arrays: make([][]float64, len(p.Arrays))}
	for k, a := range p.Arrays {
		env.Arrays[k] = make([]float64, max(0, a.Len))
	}
	return env
}
