package fixed_test

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/snnc/snnc/backends/fixed"
)

// gatedNet: 10 Poisson sources onto 3 neurons whose `learn` flag gates
// nearest-pair STDP (Davies et al.'s rule: w + post.learn·trace); rule is
// Gated or the same rule without the gate, off the time (ms) at which a
// spike clears learn (0: never).
func gatedNet(rule string, off float64) string {
	offIn := ""
	if off > 0 {
		offIn = fmt.Sprintf("    input Off = spike_times(1, times = [%g ms])\n    project Off -> P : off { connect = all_to_all  weight = 1 }\n", off)
	}
	return fmt.Sprintf(`neuron GIF {
    parameters {
        tau = 10 ms
        v_th = 10 mV
    }
    state {
        v = 0 mV
        learn = 1
    }
    equations {
        v' = -v / tau
    }
    inputs {
        exc: v += weight
        off: learn = 0
    }
    on threshold v > v_th {
        v = 0 mV
    }
}
%s%snetwork Net {
    dt = 0.1 ms
    seed = 3
    input In = poisson(10, rate = 60 Hz)
    population P = GIF[3]
%s    project learn = In -> P : exc using %s { connect = all_to_all  weight = 8 mV }
    record spikes(P)
    record weights(learn) every 100 ms
}
run Net for 1 s
`, gatedRule("Gated", "post.learn * "), gatedRule("Plain", ""), offIn, rule)
}

// gatedRule is Davies et al.'s nearest-pair rule named name, its updates
// multiplied by gate ("post.learn * " or nothing).
func gatedRule(name, gate string) string {
	return fmt.Sprintf(`synapse %s {
    parameters {
        tau_pre = 5 ms
        tau_post = 5 ms
        dA_pre = 0.1
        dA_post = -0.12
    }
    state {
        w = 0.5
        A_pre = 0
        A_post = 0
    }
    equations {
        A_pre' = -A_pre / tau_pre
        A_post' = -A_post / tau_post
    }
    on pre {
        deliver w * weight
        A_pre = dA_pre
        w = clip(w + %sA_post, 0, 1)
    }
    on post {
        A_post = dA_post
        w = clip(w + %sA_pre, 0, 1)
    }
}
`, name, gate, gate)
}

// TestSTDPGate: a rule gated by a postsynaptic 0/1 flag on q16. With the
// flag always 1 it is the ungated rule: the same spikes and weights, bit
// for bit. Cleared at 450 ms, the weights are the ungated run's up to then
// and never change after (gate·trace = 0), in the integer run as in the
// float one.
func TestSTDPGate(t *testing.T) {
	dir := t.TempDir()
	get := func(name, src string) (*fixed.Result, [][]float64) {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		p := compile(t, path)
		res := runCompare(t, p, lower(t, p, "q16"), fixed.Options{})
		return res, res.Weights[0].V
	}
	on, won := get("on.snn", gatedNet("Gated", 0))
	plain, wplain := get("plain.snn", gatedNet("Plain", 0))
	if len(on.Spikes[0].I) < 20 || !reflect.DeepEqual(on.Spikes[0].I, plain.Spikes[0].I) || !reflect.DeepEqual(on.Spikes[0].T, plain.Spikes[0].T) {
		t.Fatalf("spikes differ: %d gated (flag 1), %d ungated", len(on.Spikes[0].I), len(plain.Spikes[0].I))
	}
	if !reflect.DeepEqual(won, wplain) {
		t.Fatal("weights differ between the gated rule with its flag at 1 and the ungated rule")
	}
	if reflect.DeepEqual(wplain[0], wplain[len(wplain)-1]) {
		t.Fatal("no weight moved: the test exercises no plasticity")
	}
	off, woff := get("off.snn", gatedNet("Gated", 450))
	for s := range woff {
		switch {
		case s <= 4 && !reflect.DeepEqual(woff[s], wplain[s]):
			t.Errorf("sample %d (before the switch): weights differ from the ungated run", s)
		case s >= 5 && !reflect.DeepEqual(woff[s], woff[5]):
			t.Errorf("sample %d (after the switch at 450 ms): weights changed", s)
		}
	}
	if reflect.DeepEqual(woff[len(woff)-1], wplain[len(wplain)-1]) {
		t.Error("the ungated run's weights did not move after 450 ms: the switch is not tested")
	}
	if len(woff) != 10 || len(off.Spikes[0].T) == 0 || off.Spikes[0].T[len(off.Spikes[0].T)-1] < 0.6 {
		t.Errorf("%d weight samples, or no spikes after the switch: the frozen weights are not tested", len(woff))
	}
}
