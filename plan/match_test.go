package plan

import (
	"slices"
	"testing"
)

func ld(arr int) Op           { return Op{Code: Load, Arr: arr} }
func kc(v float64) Op         { return Op{Code: Const, K: v} }
func bin(c Code, a, b int) Op { return Op{Code: c, Args: []int{a, b}} }
func st(arr, v int) Op        { return Op{Code: Store, Arr: arr, Args: []int{v}} }

// TestMatcherRow3Held: v = select(refr, v, c0*v + c1*g1 + c2*g2 + r), the
// shape of CUBA's held membrane row, is one row3Held kernel whose leaves
// are v's old value and the three variables, whose constants are the
// coefficients in order, and which absorbs the select and the arithmetic.
func TestMatcherRow3Held(t *testing.T) {
	ops := []Op{
		ld(0), ld(1), ld(2), // 0 v, 1 g1, 2 g2
		kc(0.9), kc(0.1), kc(0.2), kc(-1), // 3..6
		bin(Mul, 3, 0), bin(Mul, 4, 1), bin(Add, 7, 8), // 7, 8, 9
		bin(Mul, 5, 2), bin(Add, 9, 10), bin(Add, 11, 6), // 10, 11, 12
		{Code: Refr, Arr: 3, Off: 4},           // 13
		{Code: Select, Args: []int{13, 0, 12}}, // 14
		st(0, 14),                              // 15
	}
	m := NewMatcher(ops, Uniform(ops))
	if f := m.Store(15, "row3"); f != nil {
		t.Fatalf("a held row matched row3: %+v", f)
	}
	f := m.Store(15, "row3Held")
	if f == nil {
		t.Fatal("no row3Held")
	}
	if f.Shape != "row3Held" || !slices.Equal(f.Leaves, []int{0, 0, 1, 2}) || !slices.Equal(f.Ks, []int{3, 4, 5, 6}) || f.Ref != 4 || f.Reports() {
		t.Errorf("got %+v", f)
	}
	for _, k := range []int{7, 8, 9, 10, 11, 12, 14} {
		if !m.Absorbed[k] {
			t.Errorf("op %d not absorbed", k)
		}
	}
	if m.Absorbed[0] || m.Absorbed[13] {
		t.Error("a leaf or the refractory test absorbed")
	}
}

// TestMatcherEulerScaled: x + dt*select(refr, 0, -x*k) is eulerScaled with
// x negated, held while refractory; the same with a second reader of the
// product matches nothing (the kernel would hide a value another op needs).
func TestMatcherEulerScaled(t *testing.T) {
	ops := []Op{
		ld(0), kc(0.5), kc(0.1), kc(0), // 0 x, 1 k, 2 dt, 3 zero
		{Code: Neg, Args: []int{0}}, bin(Mul, 4, 1), // 4 -x, 5 -x*k
		{Code: Refr, Arr: 3}, {Code: Select, Args: []int{6, 3, 5}}, // 6, 7
		bin(Mul, 2, 7), bin(Add, 0, 8), st(0, 9), // 8, 9, 10
	}
	f := NewMatcher(ops, Uniform(ops)).Store(10, "eulerScaled")
	if f == nil || f.Shape != "eulerScaled" || !f.Neg || f.Ref != 0 || !slices.Equal(f.Leaves, []int{0, 0}) ||
		!slices.Equal(f.Ks, []int{2, 1}) || !f.Reports() {
		t.Fatalf("got %+v", f)
	}
	ops = append(ops, st(1, 5)) // a second reader of -x*k
	if f := NewMatcher(ops, Uniform(ops)).Store(10, "eulerScaled"); f != nil {
		t.Errorf("matched with a shared inner op: %+v", f)
	}
}

// TestMatcherFused: c*(k - x) + y*(k2 - z) is qPlusM; with the uniform c
// made per-lane it is a + y*(k2 - z) (addVMulVSubKV), the first term left
// to its own instruction.
func TestMatcherFused(t *testing.T) {
	ops := []Op{
		ld(0), ld(1), ld(2), kc(2), kc(3), kc(4), // 0 x, 1 y, 2 z, 3 c, 4 k, 5 k2
		bin(Sub, 4, 0), bin(Mul, 3, 6), // 6 k-x, 7 c*(k-x)
		bin(Sub, 5, 2), bin(Mul, 1, 8), // 8 k2-z, 9 y*(k2-z)
		bin(Add, 7, 9), st(3, 10), // 10, 11
	}
	f := NewMatcher(ops, Uniform(ops)).Fused(10)
	if f == nil || f.Shape != "qPlusM" || !slices.Equal(f.Leaves, []int{0, 1, 2}) || !slices.Equal(f.Ks, []int{3, 4, 5}) {
		t.Fatalf("got %+v", f)
	}
	ops[3] = ld(4) // c per lane
	m := NewMatcher(ops, Uniform(ops))
	f = m.Fused(10)
	if f == nil || f.Shape != "addVMulVSubKV" || !slices.Equal(f.Leaves, []int{7, 2, 1}) || !slices.Equal(f.Ks, []int{5}) {
		t.Fatalf("got %+v", f)
	}
	if m.Absorbed[6] || m.Absorbed[7] || !m.Absorbed[8] || !m.Absorbed[9] {
		t.Errorf("absorbed %v", m.Absorbed)
	}
}

// TestArmOwners: in select(c, exp(a), select(d, b*2, 1)) the exp runs in
// the outer select's first arm, the product in the inner select's first
// arm; an op read outside the selects, and (skipped) uniform ones, stay
// with the loop.
func TestArmOwners(t *testing.T) {
	ops := []Op{
		ld(0), ld(1), ld(2), ld(3), kc(2), kc(1), // 0 c, 1 a, 2 d, 3 b, 4 two, 5 one
		{Code: Call, Fn: "exp", Args: []int{1}}, // 6
		bin(Mul, 3, 4),                          // 7
		{Code: Select, Args: []int{2, 7, 5}},    // 8
		{Code: Select, Args: []int{0, 6, 8}},    // 9
		bin(Add, 1, 1),                          // 10: a read outside
		st(0, 9), st(1, 10),
	}
	got := ArmOwners(ops, Uniform(ops))
	want := []int{-1, -1, -1, -1, -1, -1, 2*9 + 0, 2*8 + 0, 2*9 + 1, -1, -1, -1, -1}
	if !slices.Equal(got, want) {
		t.Errorf("owners %v, want %v", got, want)
	}
	skip := make([]bool, len(ops))
	skip[6] = true
	if got := ArmOwners(ops, skip); got[6] != -1 || got[7] != 2*8 {
		t.Errorf("with the exp skipped: owners %v", got)
	}
}

// TestSplitEvent: an event's loops split around the synapse loop.
func TestSplitEvent(t *testing.T) {
	before, syn, after := &Loop{Space: PreSpikes}, &Loop{Space: Synapses}, &Loop{Space: PreSpikes}
	if o, e, a := SplitEvent([]*Loop{before, syn, after}, PreSpikes); o != before || e != syn || a != after {
		t.Error("three loops split wrong")
	}
	if o, e, a := SplitEvent([]*Loop{syn, after}, PreSpikes); o != nil || e != syn || a != after {
		t.Error("a loop after the synapses taken for one before")
	}
}
