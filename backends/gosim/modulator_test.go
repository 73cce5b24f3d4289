package gosim_test

import (
	"math"
	"testing"
)

// TestModulatorPerPost: `modulator m = M one_to_one` runs the handler on
// the synapses onto postsynaptic neuron j for each spike of M's neuron j,
// and on no other synapse; a global binding runs it on every synapse per
// spike. M's neuron 1 spikes twice and neuron 3 once: with w += 1, the
// weights onto post 1 end at 2, onto post 3 at 1, the others at 0; the
// global binding adds 3 everywhere. The drawing handler (a Bernoulli
// trial, p = 0.3, per synapse and spike onto post 0, which M fires 40
// times) updates each synapse a Binomial(40, 0.3) number of times: the
// 200 synapses' mean count lies within 4 standard errors of 12.
func TestModulatorPerPost(t *testing.T) {
	src := relayNeuron + `
synapse Count {
    state { w = 0 }
    on pre { deliver w * weight }
    on modulator m { w += 1 }
}
synapse Draw {
    state { w = 0 }
    on pre { deliver w * weight }
    on modulator m {
        if rand() < 0.3 {
            w += 1
        }
    }
}
network Net {
    dt = 0.1 ms
    seed = 3
    input Pre = spike_times(200, times = [90 ms])
    input M = spike_times(4, times = [1 ms, 2 ms, 5 ms], indices = [1, 3, 1])
    input M0 = spike_times(4, times = [0.5 ms], indices = [0], period = 1 ms)
    population Post = Relay[4]
    project one = Pre[0:5] -> Post : drive using Count { connect = all_to_all  weight = 0  modulator m = M one_to_one }
    project all = Pre[0:5] -> Post : drive using Count { connect = all_to_all  weight = 0  modulator m = M }
    project draw = Pre -> Post : drive using Draw { connect = all_to_all  weight = 0  modulator m = M0 one_to_one }
    record weights(one), weights(all), weights(draw)
}
run Net for 40 ms
`
	res := plCompileRun(t, src)
	for _, name := range []string{"one", "all"} {
		m := weightMon(t, res, name)
		last := m.V[len(m.V)-1]
		for k, w := range last {
			want := map[int32]float64{1: 2, 3: 1}[m.Post[k]]
			if name == "all" {
				want = 3
			}
			if w != want {
				t.Errorf("%s: synapse %d -> %d: w = %g, want %g", name, m.Pre[k], m.Post[k], w, want)
			}
		}
	}
	m := weightMon(t, res, "draw")
	last := m.V[len(m.V)-1]
	sum, n := 0.0, 0
	for k, w := range last {
		if m.Post[k] != 0 {
			if w != 0 {
				t.Errorf("draw: synapse %d -> %d updated (%g) but M0 fires only neuron 0", m.Pre[k], m.Post[k], w)
			}
			continue
		}
		sum += w
		n++
	}
	mean, se := sum/float64(n), math.Sqrt(40*0.3*0.7/float64(n))
	t.Logf("draw: mean count %.2f over %d synapses (Binomial(40, 0.3): 12 ± %.2f)", mean, n, se)
	if n != 200 || math.Abs(mean-12) > 4*se {
		t.Errorf("draw: mean count %.2f over %d synapses, want 12 ± %.2f", mean, n, 4*se)
	}
}
