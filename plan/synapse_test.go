package plan_test

import (
	"strings"
	"testing"

	"github.com/snnc/snnc/plan"
)

var synArrays = []*plan.Array{
	{ID: 0, Name: "s.w", Kind: plan.SynapseState, Len: -1},
	{ID: 1, Name: "s.x", Kind: plan.PreState, Len: 3},
	{ID: 2, Name: "s.x.last", Kind: plan.LastUpdate, Len: 3},
	{ID: 3, Name: "s.y", Kind: plan.PostState, Len: 2},
}

// TestVerifySynapseLoops: a synapse loop may use only the indices its
// space defines, per-synapse arrays only by the synapse, and neuron-sized
// arrays within their length.
func TestVerifySynapseLoops(t *testing.T) {
	ld := func(arr int, idx plan.Idx) plan.Op {
		return plan.Op{Code: plan.Load, Type: plan.Float, Arr: arr, Idx: idx}
	}
	sl := func(space plan.Space, n int, ops ...plan.Op) *plan.Loop {
		return &plan.Loop{Name: "test", Over: "s", Space: space, N: n, Ops: ops}
	}
	for _, c := range []struct {
		name string
		l    *plan.Loop
		want string // "": valid
	}{
		{"synapse state by synapse", sl(plan.PreSynapses, -1, ld(0, plan.I), ld(1, plan.Pre), ld(3, plan.Post)), ""},
		{"per-pre state in a pre-spike loop", sl(plan.PreSpikes, 3, ld(1, plan.Pre), ld(2, plan.Pre)), ""},
		{"post index in a pre-spike loop", sl(plan.PreSpikes, 3, ld(3, plan.Post)), "post index in a loop over pre-spikes"},
		{"synapse index in a post-neuron loop", sl(plan.PostNeurons, 2, ld(0, plan.I)), "i index in a loop over post-neurons"},
		{"synapse state by pre", sl(plan.Synapses, -1, ld(0, plan.Pre)), "s.w, one per synapse, indexed by pre"},
		{"pre overrun", sl(plan.PreNeurons, 4, ld(1, plan.Pre)), "s.x[pre+0] for pre < 4 overruns s.x[3]"},
		{"synapse loop with a count", sl(plan.Synapses, 5, ld(0, plan.I)), "5 iterations over synapses"},
	} {
		err := plan.VerifyLoop(c.l, synArrays)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: got %v, want %q", c.name, err, c.want)
		}
	}
	// a phase's loops run over the spaces of its kind
	pl := build(t, "../examples/stdp_song2000.snn")
	for _, ph := range pl.Step {
		if ph.Kind == plan.OnPost {
			ph.Loops[0].Space = plan.Synapses
		}
	}
	if err := plan.Verify(pl); err == nil || !strings.Contains(err.Error(), "runs over synapses, not [post-spikes post-synapses]") {
		t.Errorf("on_post over synapses: %v", err)
	}
}

// TestSynapsePhasesHaveLoops: every synapse phase of the plastic models
// carries its loops — on_pre inside delivery, on_post, modulation,
// normalisation, summed outputs and clock-driven state — and every lazy
// trace has its last-update times.
func TestSynapsePhasesHaveLoops(t *testing.T) {
	for _, m := range []string{"../examples/stdp_song2000.snn", "../examples/homeostasis.snn", "../examples/plasticity_rules.snn",
		"../testdata/gocode/plastic.snn", "../testdata/gocode/summed.snn", "../testdata/gocode/coupled_traces.snn"} {
		pl := build(t, m)
		plastic := map[string]bool{}
		for _, pr := range pl.Projs {
			if pr.Plastic && pr.Dend == "" {
				plastic[pr.Name] = true
				if pr.Syn == nil {
					t.Errorf("%s: %s has no synapse loops", m, pr.Name)
				}
				for _, v := range pr.Lazy {
					found := false
					for _, a := range pl.Arrays {
						found = found || a.Kind == plan.LastUpdate && a.Name == pr.Name+"."+v+".last"
					}
					if !found {
						t.Errorf("%s: lazy %s.%s has no last-update array", m, pr.Name, v)
					}
				}
			}
		}
		kinds := map[plan.PhaseKind]int{}
		for _, ph := range pl.Step {
			switch ph.Kind {
			case plan.Tick, plan.Sum, plan.OnPost, plan.Modulate, plan.Normalize:
				if len(ph.Loops) == 0 {
					t.Errorf("%s: phase %s %s has no loops", m, ph.Kind, ph.Target)
				}
				kinds[ph.Kind]++
			case plan.Deliver:
				if plastic[ph.Target] && len(ph.Loops) == 0 {
					t.Errorf("%s: the delivery of %s runs no on_pre loops", m, ph.Target)
				}
			}
		}
		t.Logf("%s: %v", m, kinds)
	}
}
