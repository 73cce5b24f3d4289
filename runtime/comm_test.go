package rt

import (
	"errors"
	"slices"
	"sync"
	"testing"
)

// onRanks runs f on size ranks exchanging through memory.
func onRanks(size int, f func(c Comm)) {
	var wg sync.WaitGroup
	for _, c := range LocalComms(size) {
		wg.Go(func() { f(c) })
	}
	wg.Wait()
}

// TestExchangeSpikes: each rank sends only its share's spikes, every rank
// gets all of them in index order, and the flags name the lowest failed
// rank and any stop request.
func TestExchangeSpikes(t *testing.T) {
	const n = 10
	got := make([][][]int32, 3)
	bad, stop := make([]int, 3), make([]bool, 3)
	onRanks(3, func(c Comm) {
		r := c.Rank()
		lo, hi := Share(n, r, 3)
		// every rank claims all even neurons: only its share's may travel
		x := &Exchange{Comm: c}
		spikes := [][]int32{{0, 2, 4, 6, 8}, {1, 3}}
		bad[r], stop[r] = x.Spikes(r >= 1, r == 0, spikes, []int{lo, lo}, []int{hi, hi})
		got[r] = spikes
	})
	for r := range 3 {
		if !slices.Equal(got[r][0], []int32{0, 2, 4, 6, 8}) || !slices.Equal(got[r][1], []int32{1, 3}) {
			t.Errorf("rank %d: %v", r, got[r])
		}
		if bad[r] != 1 || !stop[r] {
			t.Errorf("rank %d: failed rank %d, stop %v; want 1, true", r, bad[r], stop[r])
		}
	}
}

// TestExchangeGather: a recorded range across the shares gets each
// owner's values, bit for bit.
func TestExchangeGather(t *testing.T) {
	const n = 9
	got := make([][]float64, 2)
	onRanks(2, func(c Comm) {
		lo, hi := Share(n, c.Rank(), 2)
		buf := make([]float64, 5) // neurons 2..6
		for k := range buf {
			if i := 2 + k; i >= lo && i < hi {
				buf[k] = float64(i) + 0.1
			} // other ranks' neurons: stale zeros
		}
		(&Exchange{Comm: c}).Gather(buf, 2, lo, hi)
		got[c.Rank()] = buf
	})
	want := []float64{2.1, 3.1, 4.1, 5.1, 6.1}
	for r, g := range got {
		if !slices.Equal(g, want) {
			t.Errorf("rank %d: %v, want %v", r, g, want)
		}
	}
}

// TestAgreeErr: the failed rank keeps its error, the others learn which.
func TestAgreeErr(t *testing.T) {
	errs := make([]error, 2)
	onRanks(2, func(c Comm) {
		var err error
		if c.Rank() == 1 {
			err = errors.New("boom")
		}
		errs[c.Rank()] = AgreeErr(c, err)
	})
	var re *RankError
	if !errors.As(errs[0], &re) || re.Rank != 1 || errs[1] == nil || errs[1].Error() != "boom" {
		t.Errorf("errors %v", errs)
	}
	if AgreeErr(nil, nil) != nil {
		t.Error("one process without error failed")
	}
}

// TestKeepPost: the synapses onto [lo, hi) stay, in order, with their
// weights moved along; the others go.
func TestKeepPost(t *testing.T) {
	c := &CSR{NPre: 2, NPost: 4, RowPtr: []int64{0, 3, 5}, Col: []int32{0, 2, 3, 1, 2}, W: []float64{1, 2, 3, 4, 5}}
	moved := []float64{10, 20, 30, 40, 50}
	kept := KeepPostCSR(c, 1, 3, func(dst, src int64) { moved[dst] = moved[src] })
	if kept != 3 || !slices.Equal(c.RowPtr, []int64{0, 1, 3}) || !slices.Equal(c.Col, []int32{2, 1, 2}) ||
		!slices.Equal(c.W, []float64{2, 4, 5}) || !slices.Equal(moved[:kept], []float64{20, 40, 50}) {
		t.Errorf("csr: kept %d, %+v, moved %v", kept, c, moved)
	}
	r := &Rows{NPre: 2, NPost: 4, Ptr: []uint32{0, 3, 5}, Col16: []uint16{0, 2, 3, 1, 2}}
	if kept := KeepPostRows(r, 2, 4, func(int64, int64) {}); kept != 3 || !slices.Equal(r.Ptr, []uint32{0, 2, 3}) || !slices.Equal(r.Col16, []uint16{2, 3, 2}) {
		t.Errorf("rows: kept %d, %+v", kept, r)
	}
}
