package rt

import (
	goruntime "runtime"
	"slices"
	"testing"
)

// TestConnectRowsMatchesCSR: compact rows hold Connect's synapses in
// Connect's order, for every connector, with uint16 targets up to 65536
// postsynaptic neurons and uint32 beyond.
func TestConnectRowsMatchesCSR(t *testing.T) {
	file := writeFile(t, "edges.csv", "0,3\n2,1\n0,3\n1,0\n")
	for _, c := range []struct {
		spec      ConnSpec
		pre, post Geometry
	}{
		{ConnSpec{Kind: "bernoulli", P: 0.03}, g2(20, 20), g2(20, 20)},
		{ConnSpec{Kind: "bernoulli", P: 0.5, ExceptSelf: true, SamePop: true}, g1(300), g1(300)},
		{ConnSpec{Kind: "fan_out", K: 17}, g1(50), g1(1 << 16)},
		{ConnSpec{Kind: "fan_out", K: 5}, g1(40), g1(1<<16 + 1)},
		{ConnSpec{Kind: "fan_in", K: 7}, g1(90), g1(70000)},
		{ConnSpec{Kind: "all_to_all", ExceptSelf: true, SamePop: true}, g1(30), g1(30)},
		{ConnSpec{Kind: "one_to_one"}, g1(30), g1(30)},
		{ConnSpec{Kind: "fixed_total_number", K: 5000}, g1(40), g1(1<<16 + 1)},
		{ConnSpec{Kind: "gaussian", Sigma: 2}, g2(20, 20), g2(20, 20)},
		{ConnSpec{Kind: "from_file", File: file}, g1(3), g1(4)},
	} {
		rng := NewStream(77, Hash("proj"))
		want, err := Connect(c.spec, c.pre, c.post, rng)
		if err != nil {
			t.Fatal(err)
		}
		r, err := ConnectRows(c.spec, c.pre, c.post, rng, 1)
		if err != nil {
			t.Fatal(err)
		}
		if (r.Col16 != nil) != (c.post.N <= 1<<16) || r.Ptr == nil || r.Ptr64 != nil {
			t.Fatalf("%s onto %d: Col16 %v, Ptr %v: wrong widths", c.spec.Kind, c.post.N, r.Col16 != nil, r.Ptr != nil)
		}
		if r.NumSynapses() != want.NumSynapses() || want.NumSynapses() == 0 {
			t.Fatalf("%s: %d synapses, CSR %d", c.spec.Kind, r.NumSynapses(), want.NumSynapses())
		}
		width := int64(2)
		if c.post.N > 1<<16 {
			width = 4
		}
		if r.Bytes() != 4*int64(c.pre.N+1)+width*want.NumSynapses() {
			t.Errorf("%s: %d bytes", c.spec.Kind, r.Bytes())
		}
		var buf []int32
		for i := 0; i < c.pre.N; i++ {
			lo, hi := r.Span(i)
			buf = r.AppendRow(buf[:0], i)
			if int64(lo) != want.RowPtr[i] || int64(hi) != want.RowPtr[i+1] || !slices.Equal(buf, want.Row(i)) {
				t.Fatalf("%s: row %d = [%d, %d) %v, CSR [%d, %d) %v", c.spec.Kind, i, lo, hi, buf, want.RowPtr[i], want.RowPtr[i+1], want.Row(i))
			}
		}
	}
}

// TestRowsPtr64: row pointers beyond 32 bits are read from Ptr64.
func TestRowsPtr64(t *testing.T) {
	r := &Rows{NPre: 2, NPost: 5, Ptr64: []int64{0, 2, 3}, Col16: []uint16{1, 4, 0}}
	if lo, hi := r.Span(1); lo != 2 || hi != 3 {
		t.Fatalf("Span(1) = %d, %d", lo, hi)
	}
	if got := r.AppendRow(nil, 0); !slices.Equal(got, []int32{1, 4}) {
		t.Fatalf("row 0 = %v", got)
	}
	if r.Bytes() != 3*8+3*2 {
		t.Fatalf("%d bytes", r.Bytes())
	}
}

// TestConnectRowsNoTransientCopy: CUBA-at-40000-like rows (3.2 M synapses
// in all, here one projection of 2 M) are written straight into their final
// arrays: the bytes allocated stay within 10 % of the result's size (an
// int32 CSR first would allocate three times as much).
func TestConnectRowsNoTransientCopy(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 2 M synapses")
	}
	var before, after goruntime.MemStats
	goruntime.GC()
	goruntime.ReadMemStats(&before)
	r, err := ConnectRows(ConnSpec{Kind: "bernoulli", P: 0.002}, g1(32000), g1(32000), NewStream(1, Hash("connect", "E->E:exc")), 1)
	goruntime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	alloc := after.TotalAlloc - before.TotalAlloc
	if r.NumSynapses() < 2000000 || float64(alloc) > 1.1*float64(r.Bytes()) {
		t.Fatalf("%d synapses in %d bytes, %d allocated", r.NumSynapses(), r.Bytes(), alloc)
	}
}
