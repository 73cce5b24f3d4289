package gosim_test

import (
	"math"
	"reflect"
	"slices"
	"testing"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/backends/gosim"
	"github.com/snnc/snnc/runtime"
)

// synDelaySrc: one source neuron spikes at 1 ms onto 4000 accumulators per
// projection, each through a synapse with its own drawn delay, and onto B
// through the single delay of 1.5 ms (the reference for when a spike with
// a known delay arrives).
const synDelaySrc = `
neuron Acc {
    state { v = 0 mV }
    inputs { exc: v += weight }
}
network D {
    dt = 0.1 ms
    seed = 5
    input S = spike_times(1, times = [1 ms])
    population A = Acc[4000]
    population C = Acc[4000]
    population B = Acc[1]
    project S -> A : exc { connect = all_to_all  weight = 1 mV  delay = normal(1.5 ms, 0.75 ms) }
    project S -> C : exc { connect = all_to_all  weight = 1 mV  delay = uniform(0.5 ms, 20 ms) }
    project S -> B : exc { connect = all_to_all  weight = 1 mV  delay = 1.5 ms }
    record A.v
    record C.v
    record B.v
}
run D for 25 ms
`

// arrivals returns, per recorded neuron, the first sample index where v is
// no longer 0 (-1: never).
func arrivals(t *testing.T, res *gosim.Result, name string) []int {
	t.Helper()
	for _, m := range res.States {
		if m.Name != name {
			continue
		}
		first := make([]int, len(m.Index))
		for j := range first {
			first[j] = -1
			for k, row := range m.V {
				if row[j] != 0 {
					first[j] = k
					break
				}
			}
		}
		return first
	}
	t.Fatalf("no recording of %s", name)
	return nil
}

func normCDF(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }
func normPDF(x float64) float64 { return math.Exp(-x*x/2) / math.Sqrt(2*math.Pi) }

// TestSynapseDelays: every synapse's event arrives exactly its own delay
// after the spike (counted against a single-delay projection: arrival
// minus the 15 steps of 1.5 ms), each delay is the draw of the projection's
// stream, redrawn below dt and rounded to the nearest step (re-derived
// here from the stream), and the delays' mean and variance are those of a
// normal truncated at dt (plus rounding's dt²/12), and of a rounded
// uniform.
func TestSynapseDelays(t *testing.T) {
	p, _, diags := snnc.CompileSource("d.snn", []byte(synDelaySrc), snnc.Options{})
	if p == nil {
		t.Fatal(diags)
	}
	res := run(t, p, gosim.Options{})
	ref := arrivals(t, res, "B")[0]
	if ref < 0 {
		t.Fatal("the single-delay spike never arrived")
	}
	const dt = 1e-4
	steps := func(name string) []int {
		got := arrivals(t, res, name)
		d := make([]int, len(got))
		for j, a := range got {
			if a < 0 {
				t.Fatalf("%s[%d]: no event arrived", name, j)
			}
			d[j] = a - ref + 15
		}
		return d
	}
	// the draws, re-derived: normal(mu, sigma) = mu + sigma·N(0, 1) from the
	// stream of the synapse's block, drawn again while below dt, rounded to
	// the nearest step
	a := steps("A")
	stream := rt.NewStream(5, rt.Hash("delay", "S->A:exc"))
	var rng rt.Stream
	for j := range a {
		if j%rt.SynBlock == 0 { // each block of synapses its own stream
			rng = stream.Child(uint64(j / rt.SynBlock))
		}
		x := 1.5e-3 + 0.75e-3*rng.Normal()
		for x < dt {
			x = 1.5e-3 + 0.75e-3*rng.Normal()
		}
		if want := int(math.Round(x / dt)); a[j] != want {
			t.Fatalf("synapse %d arrived after %d steps, its delay is %d steps (%g s)", j, a[j], want, x)
		}
	}
	moments := func(d []int) (mean, variance float64) {
		for _, k := range d {
			mean += float64(k) * dt
		}
		mean /= float64(len(d))
		for _, k := range d {
			variance += (float64(k)*dt - mean) * (float64(k)*dt - mean)
		}
		return mean, variance / float64(len(d)-1)
	}
	check := func(name string, d []int, mean, variance float64) {
		n := float64(len(d))
		m, v := moments(d)
		if se := math.Sqrt(variance / n); math.Abs(m-mean) > 5*se {
			t.Errorf("%s: mean delay %.5g s, want %.5g ± %.2g", name, m, mean, 5*se)
		}
		if se := variance * math.Sqrt(2/(n-1)) * 1.5; math.Abs(v-variance) > 5*se { // 1.5: excess kurtosis slack
			t.Errorf("%s: delay variance %.5g s², want %.5g ± %.2g", name, v, variance, 5*se)
		}
	}
	// normal(1.5 ms, 0.75 ms) truncated below at dt: mean mu + sigma·λ,
	// variance sigma²(1 + α·λ - λ²), λ = φ(α)/(1 - Φ(α)), α = (dt - mu)/sigma
	mu, sigma := 1.5e-3, 0.75e-3
	al := (dt - mu) / sigma
	lam := normPDF(al) / (1 - normCDF(al))
	check("normal", a, mu+sigma*lam, sigma*sigma*(1+al*lam-lam*lam)+dt*dt/12)
	if slices.Min(a) < 1 {
		t.Errorf("a delay of %d steps, below one step", slices.Min(a))
	}
	// uniform(0.5 ms, 20 ms) rounded: symmetric, mean 10.25 ms; variance
	// (19.5 ms)²/12 + dt²/12
	check("uniform", steps("C"), 10.25e-3, 19.5e-3*19.5e-3/12+dt*dt/12)
}

// TestSynapseDelaysThreads: a network with drawn delays and
// fixed_total_number gives the same spikes with 1 and 2 threads, and the
// 0.1-scale microcircuit (rows, drawn weights and delays built by the
// threads) with 1 and 3. (CUBA's 320 k synapses draw their delays with
// both threads.)
func TestSynapseDelaysThreads(t *testing.T) {
	for _, c := range []struct {
		m        string
		threads  int
		duration float64
	}{{"../../testdata/gocode/syndelays.snn", 2, 0.2}, {"../../bench/models/cuba_syndelay.snn", 2, 0.2}, {"../../examples/potjans2014_scaled.snn", 3, 0.1}} {
		p := compile(t, c.m)
		one := run(t, p, gosim.Options{Threads: 1, Duration: c.duration})
		more := run(t, p, gosim.Options{Threads: c.threads, Duration: c.duration})
		n := 0
		for k := range one.Spikes {
			n += len(one.Spikes[k].T)
			if !slices.Equal(one.Spikes[k].I, more.Spikes[k].I) || !slices.Equal(one.Spikes[k].T, more.Spikes[k].T) {
				t.Errorf("%s: %s: spikes differ between 1 and %d threads", c.m, one.Spikes[k].Name, c.threads)
			}
		}
		if n < 100 {
			t.Errorf("%s: only %d spikes: too quiet to compare", c.m, n)
		}
	}
}

// TestPlasticSynapseDelays: testdata/gocode/plastic_syndelays.snn, a
// plastic (trace STDP) projection whose delay = uniform(1 ms, 5 ms) is
// drawn per synapse. Every synapse's event lands exactly its own delay
// after the spike (against the single 1.5 ms delay of S -> B), each delay
// being the draw of the projection's stream (re-derived here); and each
// synapse's presynaptic trace starts at its own arrival, so the post spike
// leaves w = w0 + dA_pre·exp(-(t_post - t_arrival)/tau_pre) on each
// synapse (the closed form of the trace). Two threads give the same.
func TestPlasticSynapseDelays(t *testing.T) {
	p := compile(t, "../../testdata/gocode/plastic_syndelays.snn")
	res := run(t, p, gosim.Options{})
	ref := arrivals(t, res, "B")[0]
	if ref < 0 {
		t.Fatal("the single-delay spike never arrived")
	}
	const dt, w0, dA, tau = 1e-4, 0.5, 0.01, 4e-3
	got := arrivals(t, res, "A")
	stream := rt.NewStream(8, rt.Hash("delay", "P"))
	var rng rt.Stream
	distinct := map[int]bool{}
	for j, a := range got {
		if j%rt.SynBlock == 0 {
			rng = stream.Child(uint64(j / rt.SynBlock))
		}
		want := int(math.Round((1e-3 + 4e-3*rng.Float64()) / dt))
		if a < 0 || a-ref+15 != want {
			t.Fatalf("synapse %d arrived after %d steps, its delay is %d steps", j, a-ref+15, want)
		}
		distinct[want] = true
	}
	if len(distinct) < 30 {
		t.Fatalf("only %d distinct delays among %d synapses", len(distinct), len(got))
	}
	sp := res.Spikes[0]
	if len(sp.I) != len(got) {
		t.Fatalf("%d post spikes, want one per A neuron (%d)", len(sp.I), len(got))
	}
	tPost := sp.T[0]
	w := res.Weights[0].V[len(res.Weights[0].V)-1]
	for j, a := range got {
		// the event ran in the step before the first sample that shows it
		tArr := float64(a-1) * dt
		want := w0 + dA*math.Exp(-(tPost-tArr)/tau)
		if math.Abs(w[j]-want) > 1e-12 {
			t.Fatalf("synapse %d: w = %.15g after the post spike at %g s, want %.15g (arrival at %g s)", j, w[j], tPost, want, tArr)
		}
	}
	two := run(t, compile(t, "../../testdata/gocode/plastic_syndelays.snn"), gosim.Options{Threads: 2})
	if !reflect.DeepEqual(res.Weights, two.Weights) || !reflect.DeepEqual(res.Spikes, two.Spikes) {
		t.Error("two threads differ from one")
	}
}

// TestPlasticSynapseDelaysPostTrace: with per-synapse delays, `on pre`
// runs at each synapse's own arrival and reads the postsynaptic trace
// decayed to that time (testdata/gocode/plastic_syndelays_post.snn):
// w = w0 + dA_post·exp(-(t_arrival - t_post)/tau) for a spike arriving
// after the post spike, w0 for one arriving in its step or before (on pre
// runs before on post), as Brian2's per-synapse event-driven traces.
func TestPlasticSynapseDelaysPostTrace(t *testing.T) {
	res := run(t, compile(t, "../../testdata/gocode/plastic_syndelays_post.snn"), gosim.Options{})
	const dt, w0, dA, tau = 1e-4, 0.5, -0.01, 4e-3
	sp := res.Spikes[0]
	if len(sp.I) != 500 || math.Abs(sp.T[0]-2.2e-3) > 1e-9 {
		t.Fatalf("%d post spikes, the first at %g s; want every A neuron at 2.2 ms", len(sp.I), sp.T[0])
	}
	tPost := sp.T[0]
	w := res.Weights[0].V[len(res.Weights[0].V)-1]
	after, before := 0, 0
	for j, a := range arrivals(t, res, "A") {
		// the event ran in the step before the first sample that shows it
		tArr := float64(a-1) * dt
		want := w0
		if tArr > tPost+dt/2 {
			want += dA * math.Exp(-(tArr-tPost)/tau)
			after++
		} else {
			before++
		}
		if a < 0 || math.Abs(w[j]-want) > 1e-12 {
			t.Fatalf("synapse %d: w = %.15g, want %.15g (arrival at %g s, post spike at %g s)", j, w[j], want, tArr, tPost)
		}
	}
	if after < 400 || before < 10 {
		t.Fatalf("%d arrivals after the post spike and %d before: want both kinds", after, before)
	}
}
