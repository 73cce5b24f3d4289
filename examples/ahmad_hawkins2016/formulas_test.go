package ahmadhawkins2016

import (
	"math"
	"testing"
)

// TestClosedForms: values computed by hand (small cases) and the paper's
// limits.
func TestClosedForms(t *testing.T) {
	// n = 4, a = 2, s = 2, θ = 1: 1 − C(2,2)/C(4,2) = 5/6
	if got := FalseMatch(4, 2, 2, 1); math.Abs(got-5.0/6) > 1e-15 {
		t.Errorf("FalseMatch(4,2,2,1) = %v, want 5/6", got)
	}
	// θ = 2: C(2,2)·C(2,0)/C(4,2) = 1/6
	if got := FalseMatch(4, 2, 2, 2); math.Abs(got-1.0/6) > 1e-15 {
		t.Errorf("FalseMatch(4,2,2,2) = %v, want 1/6", got)
	}
	// no noise never misses; replacing every cell always misses
	if Miss(40, 20, 10, 0) != 0 || Miss(40, 20, 10, 40) != 1 {
		t.Error("Miss at v = 0 or v = a")
	}
	// a = 4, s = 2, θ = 2, v = 1: a miss when the replaced cell is one of
	// the segment's two: 2/4
	if got := Miss(4, 2, 2, 1); math.Abs(got-0.5) > 1e-15 {
		t.Errorf("Miss(4,2,2,1) = %v, want 1/2", got)
	}
	// one stored pattern: the union is the segment itself
	if math.Abs(UnionSize(1000, 24, 1)-24) > 1e-9 {
		t.Error("UnionSize with M = 1")
	}
	if a, spread := UnionFalseMatchExact(1000, 40, 24, 1, 3); math.Abs(a-FalseMatch(1000, 40, 24, 3)) > 1e-15 || spread > 1e-15 {
		t.Errorf("exact union of one pattern %v (spread %v), want %v", a, spread, FalseMatch(1000, 40, 24, 3))
	}
	// two subsets of 2 of 4 cells: the union has 2 cells with probability
	// 1/6, 3 with 4/6, 4 with 1/6
	want := (FalseMatch(4, 2, 2, 2) + 4*FalseMatch(4, 2, 3, 2) + FalseMatch(4, 2, 4, 2)) / 6
	if got, _ := UnionFalseMatchExact(4, 2, 2, 2, 2); math.Abs(got-want) > 1e-15 {
		t.Errorf("exact union (4,2,2,2,2) = %v, want %v", got, want)
	}
}
