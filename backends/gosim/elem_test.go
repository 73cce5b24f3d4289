package gosim

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/snnc/snnc/plan"
)

// lazyTraceLoop is a lazy trace's advance as the plan writes it,
// x·exp(a·d) + c·(exp(a·d)-1)/a when d > 0 else x, with d zero for about
// half the elements, inside an outer select (nested arms), then stored.
func lazyTraceLoop(space plan.Space, n int) *plan.Loop {
	var ops []plan.Op
	emit := func(op plan.Op) int {
		if op.Arr == 0 && op.Code != plan.Load && op.Code != plan.Store {
			op.Arr = -1
		}
		ops = append(ops, op)
		return len(ops) - 1
	}
	k := func(v float64) int { return emit(plan.Op{Code: plan.Const, Type: plan.Float, K: v}) }
	bin := func(c plan.Code, a, b int) int {
		ty := plan.Float
		if c == plan.Gt || c == plan.Lt {
			ty = plan.Bool
		}
		return emit(plan.Op{Code: c, Type: ty, Args: []int{a, b}})
	}
	x := emit(plan.Op{Code: plan.Load, Type: plan.Float, Arr: 0})
	last := emit(plan.Op{Code: plan.Load, Type: plan.Float, Arr: 1})
	on := emit(plan.Op{Code: plan.Load, Type: plan.Float, Arr: 3})
	now := emit(plan.Op{Code: plan.Time, Type: plan.Float})
	zero := k(0)
	d := emit(plan.Op{Code: plan.Select, Type: plan.Float, Args: []int{bin(plan.Gt, on, zero), bin(plan.Sub, now, last), zero}})
	a := k(-50)
	ed := emit(plan.Op{Code: plan.Call, Type: plan.Float, Fn: "exp", Args: []int{bin(plan.Mul, a, d)}})
	adv := bin(plan.Add, bin(plan.Mul, x, ed), bin(plan.Div, bin(plan.Mul, k(0.3), bin(plan.Sub, ed, k(1))), a))
	pos := bin(plan.Gt, d, zero)
	inner := emit(plan.Op{Code: plan.Select, Type: plan.Float, Args: []int{pos, adv, x}})
	outer := emit(plan.Op{Code: plan.Select, Type: plan.Float, Args: []int{bin(plan.Lt, on, k(1)), inner, bin(plan.Mul, x, k(2))}})
	emit(plan.Op{Code: plan.Store, Args: []int{bin(plan.Add, outer, k(0.01))}, Arr: 0})
	emit(plan.Op{Code: plan.Store, Args: []int{emit(plan.Op{Code: plan.Select, Type: plan.Float, Args: []int{pos, now, last}})}, Arr: 1})
	return &plan.Loop{Name: "lazy", Over: "P", Space: space, N: n, Ops: ops}
}

// TestElemSelectRunsItsArm: a select that runs only the arm it takes (the
// ops only that arm reads moved inside it, nested) stores what plan.Eval
// stores, bit for bit, for both arms.
func TestElemSelectRunsItsArm(t *testing.T) {
	for seed := range uint64(200) {
		r := rand.New(rand.NewPCG(seed, 13))
		space := []plan.Space{plan.Spiking, plan.Events, plan.Neurons}[seed%3]
		l := lazyTraceLoop(space, lanesFor(r))
		t.Run(fmt.Sprint(seed), func(t *testing.T) { checkExec(t, l, r) })
	}
	// the advance's ops run inside the inner select's first arm
	la := &loopArrays{meta: fuzzMeta(4), refArr: fzRefr, f64: make([][]float64, fzArrays+1)}
	for a := range fzArrays {
		la.f64[a] = make([]float64, 6)
	}
	l := lazyTraceLoop(plan.Spiking, 4)
	e, err := compileLoop(l, la, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(e.eprog) >= len(l.Ops)-len(e.euni)-5 {
		t.Errorf("%d ops run for every element (of %d, %d uniform): the arms' ops are not inside the selects", len(e.eprog), len(l.Ops), len(e.euni))
	}
}
