package gosim_test

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/snnc/snnc/backends/gosim"
	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/runtime"
)

// runRanks runs p split over size ranks (goroutines exchanging through
// memory, as MPI ranks would) and returns each rank's result and error.
func runRanks(p *ir.Program, o gosim.Options, size int) ([]*gosim.Result, []error) {
	comms := rt.LocalComms(size)
	res, errs := make([]*gosim.Result, size), make([]error, size)
	var wg sync.WaitGroup
	for r := range size {
		wg.Go(func() {
			o := o
			o.Comm = comms[r]
			res[r], errs[r] = gosim.Run(p, o)
		})
	}
	wg.Wait()
	return res, errs
}

// withRecord copies an example with more record lines (state across the
// ranks' boundaries).
func withRecord(t *testing.T, path, extra string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	src := string(b)
	k := strings.Index(src, "    record spikes(")
	if k < 0 {
		t.Fatalf("%s records no spikes", path)
	}
	out := filepath.Join(t.TempDir(), filepath.Base(path))
	if err := os.WriteFile(out, []byte(src[:k]+extra+"\n"+src[k:]), 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

// sameRecordings fails unless b recorded what a did, bit for bit.
func sameRecordings(t *testing.T, what string, a, b *gosim.Result) {
	t.Helper()
	if len(a.Spikes) != len(b.Spikes) || len(a.States) != len(b.States) || len(a.Weights) != len(b.Weights) {
		t.Fatalf("%s: %d/%d/%d monitors, want %d/%d/%d", what, len(b.Spikes), len(b.States), len(b.Weights), len(a.Spikes), len(a.States), len(a.Weights))
	}
	for k := range a.Spikes {
		x, y := a.Spikes[k], b.Spikes[k]
		if !slices.Equal(x.I, y.I) || !slices.Equal(x.T, y.T) {
			t.Errorf("%s: spikes of %s: %d, want %d (or they differ)", what, x.Name, len(y.I), len(x.I))
		}
	}
	bits := func(v [][]float64) (out []uint64) {
		for _, row := range v {
			for _, x := range row {
				out = append(out, math.Float64bits(x))
			}
		}
		return out
	}
	for k := range a.States {
		x, y := a.States[k], b.States[k]
		if !slices.Equal(bits(x.V), bits(y.V)) || !slices.Equal(x.T, y.T) {
			t.Errorf("%s: state %s.%s differs", what, x.Name, x.Var)
		}
	}
	for k := range a.Weights {
		x, y := a.Weights[k], b.Weights[k]
		if !slices.Equal(bits(x.V), bits(y.V)) || !slices.Equal(x.Post, y.Post) {
			t.Errorf("%s: weights of %s differ", what, x.Name)
		}
	}
	for k, pa := range a.Summary.Populations {
		if pb := b.Summary.Populations[k]; pa != pb {
			t.Errorf("%s: summary %+v, want %+v", what, pb, pa)
		}
	}
	if !slices.Equal(a.Summary.Projections, b.Summary.Projections) {
		t.Errorf("%s: summary projections %+v, want %+v", what, b.Summary.Projections, a.Summary.Projections)
	}
}

// TestRanksIdentical: split over 2 and 4 ranks, with 1 and 2 threads each,
// every rank records the spikes, the state (across the ranks' boundaries)
// and the weights of one process, bit for bit: CUBA, COBA, and STDP.
func TestRanksIdentical(t *testing.T) {
	models := []struct{ path, extra string }{
		{"../../examples/cuba.snn", "    record E.v[1590:1610], E.ge[790:810], I.v[0:3] every 1 ms"},
		{"../../examples/coba.snn", "    record E.v[790:2410] every 2 ms"},
		{"../../examples/stdp_song2000.snn", "    record N.v every 1 ms"},
		// each synapse's own delay kept with the synapses a rank keeps
		{"../../testdata/run/cuba_syndelay.snn", "    record E.ge[1590:1610] every 1 ms"},
		// noise and draws keyed by neuron index, not by a rank's loop position
		{"../../testdata/gocode/noise.snn", ""},
		// synapse handlers' draws keyed by synapse index, plastic synapses
		// with their own delays
		{"../../testdata/gocode/draws_synapse.snn", ""},
		{"../../testdata/gocode/plastic_syndelays.snn", ""},
	}
	for _, m := range models {
		t.Run(filepath.Base(m.path), func(t *testing.T) {
			p := compile(t, withRecord(t, m.path, m.extra))
			o := gosim.Options{Duration: 0.1}
			if strings.Contains(m.path, "stdp") {
				o.Duration = 1
			}
			one := run(t, p, o)
			if n := len(one.Spikes[0].I); n == 0 {
				t.Fatal("no spikes: nothing compared")
			}
			for _, size := range []int{2, 4} {
				for _, threads := range []int{1, 2} {
					o := o
					o.Threads = threads
					res, errs := runRanks(p, o, size)
					for r := range size {
						if errs[r] != nil {
							t.Fatalf("%d ranks, rank %d: %v", size, r, errs[r])
						}
						sameRecordings(t, fmt.Sprintf("%d ranks x %d threads, rank %d", size, threads, r), one, res[r])
					}
				}
			}
		})
	}
}

// TestRanksError: a neuron that blows up stops every rank at the same
// step; the ranks that own it name it, the others name the lowest such
// rank.
func TestRanksError(t *testing.T) {
	p := compile(t, "../../testdata/run/blowup.snn")
	_, want := gosim.Run(p, gosim.Options{})
	if want == nil {
		t.Fatal("the model does not blow up")
	}
	res, errs := runRanks(p, gosim.Options{}, 4) // 3 neurons: rank 0 owns none
	var re *rt.RankError
	if !errors.As(errs[0], &re) || re.Rank != 1 {
		t.Errorf("rank 0: %v, want that rank 1 failed", errs[0])
	}
	if errs[1] == nil || !strings.Contains(errs[1].Error(), "P[0]") {
		t.Errorf("rank 1: %v, want its neuron P[0] named", errs[1])
	}
	if errs[3] == nil || !strings.Contains(errs[3].Error(), "P[2]") {
		t.Errorf("rank 3: %v, want its neuron P[2] named", errs[3])
	}
	for r := range res {
		if res[r] == nil || res[r].Summary.Duration != res[0].Summary.Duration {
			t.Errorf("rank %d stopped at another step", r)
		}
	}
}

// TestRanksInterrupt: an interrupt that reaches one rank only stops every
// rank after the same step, each with the recordings of that step.
func TestRanksInterrupt(t *testing.T) {
	p := compile(t, "../../examples/cuba.snn")
	comms := rt.LocalComms(2)
	stop := make(chan struct{})
	res, errs := make([]*gosim.Result, 2), make([]error, 2)
	var wg sync.WaitGroup
	for r := range 2 {
		wg.Go(func() {
			o := gosim.Options{Comm: comms[r], Duration: 10}
			if r == 1 {
				o.Interrupt = stop
				o.Started = func() { close(stop) }
			}
			res[r], errs[r] = gosim.Run(p, o)
		})
	}
	wg.Wait()
	for r := range 2 {
		if errs[r] != nil || !res[r].Interrupted {
			t.Fatalf("rank %d: %v, interrupted %v", r, errs[r], res[r] != nil && res[r].Interrupted)
		}
	}
	if res[0].Summary.Duration != res[1].Summary.Duration || res[0].Summary.Duration >= 10 {
		t.Errorf("stopped at %g s and %g s", res[0].Summary.Duration, res[1].Summary.Duration)
	}
	sameRecordings(t, "rank 1 against rank 0", res[0], res[1])
}

// TestRanksRefuse: what a split run cannot give identically yet is
// refused on every rank with a message, before the first step.
func TestRanksRefuse(t *testing.T) {
	for _, c := range []struct{ path, want string }{
		{"../../examples/dendrites.snn", "dendrites do not run split"},
		{"../../examples/davies2023.snn", "neuron state that only its owning rank holds"},
		{"../../examples/feast.snn", "run with one rank"},
	} {
		p := compile(t, c.path)
		_, errs := runRanks(p, gosim.Options{Duration: 0.001, BaseDir: "../../examples"}, 2)
		for r, err := range errs {
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s, rank %d: %v, want %q", c.path, r, err, c.want)
			}
		}
	}
}

// countingComm counts a rank's collectives.
type countingComm struct {
	rt.Comm
	calls int
}

func (c *countingComm) Allgather(send, recv []int32, counts []int) ([]int32, []int) {
	c.calls++
	return c.Comm.Allgather(send, recv, counts)
}

// TestRanksExchangeInterval: with every projection from a population
// delayed by at least 3 steps, the ranks exchange their spikes once every
// 4 steps (plan.Split.Interval: NEST's min-delay scheme) instead of every
// step, and still record the spikes and state of one process bit for bit.
func TestRanksExchangeInterval(t *testing.T) {
	p := compile(t, withRecord(t, "../../testdata/run/cuba_delays.snn", "    record E.v[1590:1610] every 1 ms"))
	o := gosim.Options{Duration: 0.1} // 1000 steps
	one := run(t, p, o)
	if n := len(one.Spikes[0].I); n == 0 {
		t.Fatal("no spikes: nothing compared")
	}
	for _, size := range []int{2, 3} {
		comms := rt.LocalComms(size)
		counted := make([]*countingComm, size)
		res, errs := make([]*gosim.Result, size), make([]error, size)
		var wg sync.WaitGroup
		for r := range size {
			counted[r] = &countingComm{Comm: comms[r]}
			wg.Go(func() {
				o := o
				o.Comm = counted[r]
				res[r], errs[r] = gosim.Run(p, o)
			})
		}
		wg.Wait()
		for r := range size {
			if errs[r] != nil {
				t.Fatalf("%d ranks, rank %d: %v", size, r, errs[r])
			}
			sameRecordings(t, fmt.Sprintf("%d ranks, rank %d", size, r), one, res[r])
			// one agreement after building, 1000/4 exchanges, 100 state samples
			if want := 1 + 250 + 100; counted[r].calls != want {
				t.Errorf("%d ranks, rank %d: %d collectives, want %d", size, r, counted[r].calls, want)
			}
		}
	}
}
