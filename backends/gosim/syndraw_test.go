package gosim_test

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/backends/gosim"
	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/passes"
)

// synDrawSrc: stochastic release and a stochastic on_post. 10 inputs spike
// together 20 times onto 200 accumulators (all to all): each arrival
// releases w with probability p_rel (bernoulli), so accumulator j holds
// w·Binomial(200, p_rel) if every (synapse, step) draws independently. B
// spikes every step (no reset); on each post spike each synapse of Q adds
// 1 to its w with probability q (rand() < q): after S steps w is
// Binomial(S, q).
const synDrawSrc = `
neuron Acc {
    state { g = 0 nS }
    inputs { exc: g += weight }
}
neuron Always {
    state { v = 0 mV }
    inputs { exc: v += weight }
    on threshold v > -1 mV { }
}
synapse Release {
    parameters { p_rel = 0.3 }
    on pre {
        if bernoulli(p_rel) {
            deliver weight
        }
    }
}
synapse Count {
    parameters { q = 0.2 }
    state { w = 0 }
    on pre { deliver 0 mV }
    on post {
        if rand() < q {
            w += 1
        }
    }
}
network N {
    dt = 1 ms
    seed = 11
    input S = spike_times(10, times = [1 ms, 2 ms, 3 ms, 4 ms, 5 ms, 6 ms, 7 ms, 8 ms, 9 ms, 10 ms,
                                       11 ms, 12 ms, 13 ms, 14 ms, 15 ms, 16 ms, 17 ms, 18 ms, 19 ms, 20 ms])
    population A = Acc[200]
    population B = Always[20]
    project S -> A : exc using Release { connect = all_to_all  weight = 2 nS }
    project Q = S -> B : exc using Count { connect = all_to_all }
    record A.g every 25 ms
    record weights(Q)
}
run N for 26 ms
`

// TestSynapseDrawMoments: the counts above against their binomial means
// and variances (closed forms), within 5 standard errors; a draw shared
// by the synapses of a spike, or by the steps, would leave the variance
// across accumulators far from np(1-p).
func TestSynapseDrawMoments(t *testing.T) {
	p, _, diags := snnc.CompileSource("m.snn", []byte(synDrawSrc), snnc.Options{Passes: passes.Options{Verify: true}})
	if p == nil {
		t.Fatal(diags)
	}
	res := run(t, p, gosim.Options{})
	binomial := func(name string, xs []float64, n, prob float64) {
		t.Helper()
		within(t, name, xs, n*prob, n*prob*(1-prob))
	}
	g := res.States[0].V
	if len(g) != 2 {
		t.Fatalf("%d samples of A.g, want 2", len(g))
	}
	counts := make([]float64, len(g[1]))
	for j, x := range g[1] {
		counts[j] = x / 2e-9
		if math.Abs(counts[j]-math.Round(counts[j])) > 1e-9 {
			t.Fatalf("A.g[%d] = %g is not a multiple of the weight", j, x)
		}
	}
	binomial("releases per accumulator (200 arrivals, p_rel 0.3)", counts, 200, 0.3)
	w := res.Weights[0].V
	// B spikes at every step of the run: 26 post spikes per synapse
	binomial("on_post increments per synapse (26 post spikes, q 0.2)", w[len(w)-1], 26, 0.2)

	two := run(t, p, gosim.Options{Threads: 2})
	if !reflect.DeepEqual(res.States, two.States) || !reflect.DeepEqual(res.Weights, two.Weights) {
		t.Error("one thread and two draw differently")
	}
	seed := uint64(12)
	other := run(t, p, gosim.Options{Seed: &seed})
	if reflect.DeepEqual(res.States, other.States) {
		t.Error("another seed released the same")
	}
}

// TestMultiplicativeNoise: geometric Brownian motion x' = mu·x + sigma·x·xi
// integrated by Euler–Maruyama in Itô's sense: E[x(t)] = exp(mu t) and
// Var x(t) = exp(2 mu t)(exp(sigma² t) - 1) (Stratonovich would give the
// mean exp((mu + sigma²/2) t), here 35 % higher). 4000 paths, 5 standard
// errors (the variance's from the lognormal's fourth moment).
func TestMultiplicativeNoise(t *testing.T) {
	src := `neuron G {
    parameters { mu = 1 / 1 s  sigma = 1 / sqrt(1 s) }
    state { x = 1 }
    equations { x' = mu * x + sigma * x * xi }
}
network N {
    dt = 0.1 ms
    seed = 4
    population A = G[4000]
    record A.x every 100 ms
}
run N for 301 ms`
	p, _, diags := snnc.CompileSource("m.snn", []byte(src), snnc.Options{Passes: passes.Options{Verify: true}})
	if p == nil {
		t.Fatal(diags)
	}
	res := run(t, p, gosim.Options{})
	const mu, s2 = 1.0, 1.0
	st := res.States[0]
	for k, tk := range st.T {
		if tk == 0 {
			continue
		}
		xs := st.V[k]
		n := float64(len(xs))
		m, v := sampleMoments(xs)
		mean := math.Exp(mu * tk)
		variance := math.Exp(2*mu*tk) * (math.Exp(s2*tk) - 1)
		m4 := math.Exp(4*mu*tk + 6*s2*tk) // E[x^4] of the lognormal
		if se := math.Sqrt(variance / n); math.Abs(m-mean) > 5*se {
			t.Errorf("t = %g s: mean %.5g, want exp(mu t) = %.5g ± %.2g", tk, m, mean, 5*se)
		}
		if se := math.Sqrt((m4 - (variance+mean*mean)*(variance+mean*mean)) / n); math.Abs(v-variance) > 5*se {
			t.Errorf("t = %g s: variance %.5g, want %.5g ± %.2g", tk, v, variance, 5*se)
		}
	}
	if len(st.T) != 4 {
		t.Fatalf("%d samples, want 4", len(st.T))
	}
}

// compileSrc compiles a model's source with the verifier on.
func compileSrc(t *testing.T, src string) *ir.Program {
	t.Helper()
	p, _, diags := snnc.CompileSource("m.snn", []byte(src), snnc.Options{Passes: passes.Options{Verify: true}})
	if p == nil {
		t.Fatal(diags)
	}
	return p
}

// TestPortDrawMoments: draws in an input port. 20 inputs spike together 10
// times onto 300 neurons (all to all), whose port adds the weight with
// probability 0.3 (`if bernoulli(0.3) { n += weight }`): 20 events reach a
// neuron in one step, each its own trial, so n is Binomial(200, 0.3)
// (one draw shared by the step's events would give 20²/20 times the
// variance). Two threads and another fuse setting give the same.
func TestPortDrawMoments(t *testing.T) {
	src := `neuron Coin {
    state { n = 0 }
    inputs { exc: if bernoulli(0.3) { n += weight } }
}
network N {
    dt = 1 ms
    seed = 21
    input S = spike_times(20, times = [1 ms, 2 ms, 3 ms, 4 ms, 5 ms, 6 ms, 7 ms, 8 ms, 9 ms, 10 ms])
    population A = Coin[300]
    project S -> A : exc { connect = all_to_all  weight = 1 }
    record A.n every 15 ms
}
run N for 16 ms`
	p := compileSrc(t, src)
	res := run(t, p, gosim.Options{})
	n := res.States[0].V[1]
	within(t, "successes per neuron (200 events, p 0.3)", n, 200*0.3, 200*0.3*0.7)
	two := run(t, p, gosim.Options{Threads: 2})
	if !reflect.DeepEqual(res.States, two.States) {
		t.Error("one thread and two draw differently")
	}
}

// TestSynapseDrawFromPoissonRefused: a poisson input emits a count of
// spikes a step, so on_pre would run several times at one draw key and
// repeat its draws; the plan refuses that instead of correlating them,
// and accepts the same model from poisson_group (at most one a step).
func TestSynapseDrawFromPoissonRefused(t *testing.T) {
	for _, c := range []struct{ input, want string }{
		{"poisson(10, rate = 20 kHz)", "from poisson input S"},
		{"poisson_group(10, rate = 200 Hz)", ""},
	} {
		src := strings.Replace(synDrawSrc, "spike_times(10, times = [1 ms, 2 ms, 3 ms, 4 ms, 5 ms, 6 ms, 7 ms, 8 ms, 9 ms, 10 ms,\n                                       11 ms, 12 ms, 13 ms, 14 ms, 15 ms, 16 ms, 17 ms, 18 ms, 19 ms, 20 ms])", c.input, 1)
		if src == synDrawSrc {
			t.Fatal("the input line of synDrawSrc changed")
		}
		p, _, diags := snnc.CompileSource("m.snn", []byte(src), snnc.Options{Passes: passes.Options{Verify: true}})
		if p == nil {
			t.Fatal(diags)
		}
		_, err := gosim.Run(p, gosim.Options{})
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.input, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: error %v, want one containing %q", c.input, err, c.want)
		}
	}
}
