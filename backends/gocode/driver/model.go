package main

// This file stands in for the model code snnc build generates (main.go of
// a generated program; see driver.go): a small network with what the
// driver calls, so that the driver compiles and its tests run. It is not
// copied into generated programs.

import (
	"fmt"

	"github.com/snnc/snnc/engine"
	rt "github.com/snnc/snnc/runtime"
)

const (
	dt           = 0.0001 // s
	runDuration  = 0.05   // s: the run's duration
	networkSeed  = 4
	networkName  = "N"
	runOut       = ""
	modelOut     = "model_out"
	modelFile    = "model.snn"
	baseDir      = ""
	msScale      = 0.001
	spikeNeurons = 20
)

var networkFiles = []string{}

var memItems = []rt.MemItem{{Name: "spike recordings", PerSample: 4, Every: 1}}

// kick is the largest random kick per step (--set P.kick=0.2).
var kick = 0.1

var runSets = []rt.RunSet{{Name: "P.kick", Default: 0.1, NonNeg: true, Ptr: &kick}}

// sim is a population P of leaky neurons driven by random input: v decays,
// takes a uniform kick each step and spikes above 1.
type sim struct {
	n       int
	t       float64
	steps   int
	seed    uint64
	threads int

	v     []float64
	spk   []int32
	parts [][]int32
	cnt   int64
	in    *rt.Stream
	spkP  *rt.SpikeMonitor
	stP   *rt.StateMonitor

	// split over ranks (never here: splitRefusal)
	x       *rt.Exchange
	stopReq bool
	stopAll bool
}

const splitRefusal = "the stand-in model does not run split over ranks"

func newSim(seed uint64, threads int, steps int, comm rt.Comm) (*sim, error) {
	s := &sim{seed: seed, threads: max(1, threads), steps: steps}
	if err := rt.CheckMemory(memItems, steps, memLimit); err != nil {
		return nil, err
	}
	s.v = make([]float64, spikeNeurons)
	s.in = rt.NewStream(seed, rt.Hash("P"))
	s.spkP = &rt.SpikeMonitor{Name: "P", N: spikeNeurons}
	s.stP = &rt.StateMonitor{Name: "P", Var: "v", Index: indexRange(0, 2)}
	return s, nil
}

func (s *sim) step() error {
	for i := range s.v {
		s.v[i] = s.v[i]*0.95 + kick*s.in.Float64()
	}
	s.spk = parallelSpikes(s.threads, len(s.v), s.spk[:0], &s.parts, func(lo, hi int, spk []int32) []int32 {
		for i := lo; i < hi; i++ {
			if s.v[i] > 1 {
				s.v[i] = 0
				spk = append(spk, int32(i))
			}
		}
		return spk
	})
	s.cnt += int64(len(s.spk))
	s.spkP.Record(s.t, s.spk)
	s.stP.Record(s.t, s.v[:2])
	if s.v[0] != s.v[0] {
		return fmt.Errorf("P.v[0] is NaN at t = %s", ms(s.t))
	}
	return nil
}

func (s *sim) finish() {}

func (s *sim) recordings() (spikes []*rt.SpikeMonitor, states []*rt.StateMonitor, weights []*rt.WeightMonitor) {
	return []*rt.SpikeMonitor{s.spkP}, []*rt.StateMonitor{s.stP}, nil
}

func (s *sim) summary(wall float64) *rt.Summary {
	sum := &rt.Summary{Network: networkName, Seed: s.seed, Dt: dt, Duration: float64(s.n) * dt, Threads: s.threads, WallSeconds: wall}
	sum.Populations = append(sum.Populations, engine.PopSummary("P", spikeNeurons, s.cnt, sum.Duration))
	return sum
}
