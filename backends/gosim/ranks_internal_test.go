package gosim

import (
	"testing"

	"github.com/snnc/snnc/internal/testmodel"
	"github.com/snnc/snnc/runtime"
)

// TestRanksStoreTheirShare: split over 4 ranks, each rank stores only the
// static synapses onto its neurons: together exactly the one-process
// network's, each about a quarter of them; the summary still reports the
// whole network's connectivity.
func TestRanksStoreTheirShare(t *testing.T) {
	p := testmodel.Compile(t, "../../examples/cuba.snn")
	stored := func(s *sim) (n int64) {
		for _, pr := range s.projs {
			switch {
			case pr.csr != nil:
				n += pr.csr.NumSynapses()
			case pr.rows != nil:
				n += pr.rows.NumSynapses()
			}
		}
		return n
	}
	one, err := build(p, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	total := stored(one)
	if total == 0 {
		t.Fatal("no stored synapses")
	}
	comms := rt.LocalComms(4)
	sum := int64(0)
	for r, c := range comms {
		s, err := build(p, nil, Options{Comm: c}) // building exchanges nothing
		if err != nil {
			t.Fatal(err)
		}
		n := stored(s)
		if n > total/4+total/20 || n < total/4-total/20 {
			t.Errorf("rank %d stores %d of %d synapses, want about a quarter", r, n, total)
		}
		sum += n
		for k, ps := range s.summary(p, 0).Projections {
			if want := one.summary(p, 0).Projections[k]; ps != want {
				t.Errorf("rank %d: summary %+v, want %+v", r, ps, want)
			}
		}
	}
	if sum != total {
		t.Errorf("the ranks store %d synapses together, one process %d", sum, total)
	}
}
