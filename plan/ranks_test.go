package plan_test

import (
	"strings"
	"testing"

	"github.com/snnc/snnc/plan"
)

// TestSplit: the rank split keeps the static stored synapses on their
// receiving rank only, every synapse of plastic projections, and refuses
// what a split run cannot give identically (dendrites, wta, synapses that
// read neuron state), for more than one rank only.
func TestSplit(t *testing.T) {
	for _, c := range []struct {
		path    string
		keep    map[string]bool
		refusal string
	}{
		{"../examples/cuba.snn", map[string]bool{"E->E:exc": true, "E->I:exc": true, "I->E:inh": true, "I->I:inh": true}, ""},
		{"../examples/stdp_song2000.snn", map[string]bool{"stdp": false}, ""},
		{"../examples/davies2023.snn", nil, "neuron state that only its owning rank holds"},
		{"../testdata/gocode/wta.snn", nil, "winner-take-all"},
		{"../examples/dendrites.snn", nil, "dendrites"},
	} {
		pl := build(t, c.path)
		sp := pl.Split()
		seen := 0
		for k, pp := range pl.Projs {
			if want, ok := c.keep[pp.Name]; ok {
				seen++
				if sp.Keep[k] != want {
					t.Errorf("%s: %s keeps only its rank's synapses: %v, want %v", c.path, pp.Name, sp.Keep[k], want)
				}
			}
		}
		if seen != len(c.keep) {
			t.Errorf("%s: %d of the projections %v found", c.path, seen, c.keep)
		}
		err := sp.Error(2)
		switch {
		case c.refusal == "" && err != nil:
			t.Errorf("%s over 2 ranks: %v", c.path, err)
		case c.refusal != "" && (err == nil || !strings.Contains(err.Error(), c.refusal)):
			t.Errorf("%s over 2 ranks: got %v, want a refusal with %q", c.path, err, c.refusal)
		}
		if err := sp.Error(1); err != nil {
			t.Errorf("%s in one rank: %v", c.path, err)
		}
	}
}

// TestSplitInterval: the ranks exchange once per 1 + the smallest delay of
// the projections from populations (inputs' do not count), every step when
// a synapse model needs every spike at its step, at most MaxInterval.
func TestSplitInterval(t *testing.T) {
	cuba := build(t, "../testdata/run/cuba_delays.snn").Split()
	if got := cuba.Interval(func(k int) int { return 3 + k }); got != 4 {
		t.Errorf("delays 3, 4: interval %d, want 4", got)
	}
	if got := cuba.Interval(func(int) int { return 0 }); got != 1 {
		t.Errorf("no delay: interval %d, want 1", got)
	}
	if got := cuba.Interval(func(int) int { return 1 << 62 }); got != plan.MaxInterval {
		t.Errorf("no synapses: interval %d, want %d", got, plan.MaxInterval)
	}
	stdp := build(t, "../examples/stdp_song2000.snn").Split()
	if got := stdp.Interval(func(int) int { return 10 }); got != 1 {
		t.Errorf("STDP: interval %d, want 1 (on_post reads every spike at its step)", got)
	}
}
