package fixed_test

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/snnc/snnc/backends/fixed"
)

// TestSTDPBareDeliver: a rule that delivers w itself (`deliver w`, w in the
// port's unit up to g_max, as Song et al. write it) is held in units of
// g_max, so it runs exactly like PairSTDP with w in [0, 1], every constant
// divided by g_max and weight = g_max: identical spikes, and weights equal
// after multiplying by g_max.
func TestSTDPBareDeliver(t *testing.T) {
	const gmax = 2.0
	net := func(rule, weight string) string {
		return fmt.Sprintf(`import "std/neurons"
import "std/plasticity"
synapse Bare {
    parameters {
        tau_pre  = 20 ms
        tau_post = 20 ms
        dA_pre   = %[1]g nS
        dA_post  = %[2]g nS
        g_max    = %[3]g nS
    }
    state {
        w      = uniform(0 nS, g_max)
        A_pre  = 0 nS
        A_post = 0 nS
    }
    equations {
        A_pre'  = -A_pre / tau_pre
        A_post' = -A_post / tau_post
    }
    on pre {
        deliver w
        A_pre += dA_pre
        w = clip(w + A_post, 0 nS, g_max)
    }
    on post {
        A_post += dA_post
        w = clip(w + A_pre, 0 nS, g_max)
    }
}
network Net {
    dt = 0.1 ms
    seed = 2
    input P = poisson(200, rate = 20 Hz)
    population N = CondLIF[4]
    project stdp = P -> N : exc using %[4]s {
        connect = all_to_all
%[5]s    }
    record spikes(N)
    record weights(stdp) every 250 ms
}
run Net for 1 s
`, 0.01*gmax, -0.0105*gmax, gmax, rule, weight)
	}
	dir := t.TempDir()
	write := func(name, src string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	bare := write("bare.snn", net("Bare", ""))
	pair := write("pair.snn", net("PairSTDP", fmt.Sprintf("        weight = %g nS\n        w = uniform(0, 1)\n        dA_pre = 0.01\n        dA_post = -0.0105\n", gmax)))
	pb, pp := compile(t, bare), compile(t, pair)
	rb := run(t, pb, lower(t, pb, "q16"), fixed.Options{})
	rp := run(t, pp, lower(t, pp, "q16"), fixed.Options{})
	if len(rb.Spikes[0].I) < 10 || !reflect.DeepEqual(rb.Spikes[0].I, rp.Spikes[0].I) || !reflect.DeepEqual(rb.Spikes[0].T, rp.Spikes[0].T) {
		t.Fatalf("spikes differ: %d with deliver w, %d with PairSTDP", len(rb.Spikes[0].I), len(rp.Spikes[0].I))
	}
	wb, wp := rb.Weights[0], rp.Weights[0]
	moved := false
	for s := range wb.V {
		for k := range wb.V[s] {
			if d := wb.V[s][k] - wp.V[s][k]*gmax*1e-9; math.Abs(d) > 1e-12*gmax*1e-9 { // nS in SI
				t.Fatalf("sample %d synapse %d: w = %g with deliver w, %g·g_max with PairSTDP", s, k, wb.V[s][k], wp.V[s][k])
			}
			moved = moved || wb.V[s][k] != wb.V[0][k]
		}
	}
	if !moved {
		t.Fatal("no weight moved: the test exercises no plasticity")
	}
}

// TestSong2000OnQ16: the Song, Miller & Abbott example lowers to q16 (its
// rule delivers w unscaled) and the conductance its 1000 Poisson inputs
// drive gets a range from their stationary mean (Campbell: 1000 × 15 Hz ×
// g_max × 5 ms = 0.75, times the profile's headroom), not from one weight:
// over 3 s it never saturates and fires within 10 % of the float run.
func TestSong2000OnQ16(t *testing.T) {
	p := compile(t, "../../examples/stdp_song2000.snn")
	res := runTarget(t, p, "q16", fixed.Options{Duration: 3})
	for _, o := range res.Overflow {
		if o.Var == "ge" && o.Count > 0 {
			t.Errorf("ge saturated %d times", o.Count)
		}
	}
	pe := res.Report.Populations[0]
	if pe.FloatRate < 10 || math.Abs(pe.FixedRate-pe.FloatRate) > 0.1*pe.FloatRate {
		t.Errorf("rate %.2f Hz on q16, %.2f Hz in float64", pe.FixedRate, pe.FloatRate)
	}
	for _, v := range lower(t, p, "q16").Models[0].Vars {
		if v.Name == "ge" && float64(v.Hi)*v.Scale < 2*0.75 {
			t.Errorf("ge holds up to %g, below twice the Poisson mean 0.75", float64(v.Hi)*v.Scale)
		}
	}
}
