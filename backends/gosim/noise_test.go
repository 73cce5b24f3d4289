package gosim_test

import (
	"math"
	"reflect"
	"testing"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/backends/gosim"
	"github.com/snnc/snnc/passes"
)

// TestHandlerDrawMoments: random draws in `on threshold`. A neuron spikes
// when rand() < p (and never otherwise), so its spike count over S steps
// is Binomial(S, p); each spike sets v = uniform(a, b) and adds
// normal(1, 0.5) to k, so the recorded v is uniform on [a, b) and k after
// c spikes is normal with mean c and variance c/4. Means and variances
// over 2000 neurons, within 5 standard errors.
func TestHandlerDrawMoments(t *testing.T) {
	src := `neuron P {
    state {
        v = 0 mV
        k = 0
        n_spk = 0
    }
    on threshold rand() < 0.05 {
        v = uniform(-2 mV, 6 mV)
        k += normal(1, 0.5)
        n_spk += 1
    }
}
network N {
    dt = 1 ms
    seed = 5
    population A = P[2000]
    record A.v, A.k, A.n_spk every 200 ms
    record spikes(A)
}
run N for 201 ms`
	p, _, diags := snnc.CompileSource("m.snn", []byte(src), snnc.Options{Passes: passes.Options{Verify: true}})
	if p == nil {
		t.Fatal(diags)
	}
	res := run(t, p, gosim.Options{})
	const n, steps, prob = 2000, 201, 0.05
	counts := make([]float64, n)
	for _, i := range res.Spikes[0].I {
		counts[i]++
	}
	within(t, "spike count", counts, steps*prob, steps*prob*(1-prob))
	var vs, zs []float64
	last := len(res.States[0].V) - 1 // the sample at 200 ms
	for i := range n {
		c := res.States[2].V[last][i]
		if c != counts[i] && c != counts[i]-1 { // the spike at 200 ms resets after the sample
			t.Fatalf("neuron %d: c = %v after %v spikes", i, c, counts[i])
		}
		if c > 0 {
			vs = append(vs, res.States[0].V[last][i]*1e3)
			zs = append(zs, (res.States[1].V[last][i]-c)/math.Sqrt(c))
		}
	}
	within(t, "reset v = uniform(-2 mV, 6 mV)", vs, 2, 64.0/12)
	within(t, "(k - c)/sqrt(c), k a sum of normal(1, 0.5)", zs, 0, 0.25)
}

// TestNoiseThreadsIdentical: white noise and handler draws are
// counter-based, so two threads (which split populations above
// ParallelMin) give the spikes and states of one, bit for bit.
func TestNoiseThreadsIdentical(t *testing.T) {
	p := compile(t, "../../testdata/gocode/noise.snn")
	a := run(t, p, gosim.Options{})
	b := run(t, compile(t, "../../testdata/gocode/noise.snn"), gosim.Options{Threads: 2})
	if !reflect.DeepEqual(a.Spikes, b.Spikes) || !reflect.DeepEqual(a.States, b.States) {
		t.Error("one thread and two differ")
	}
	seed := uint64(12)
	c := run(t, compile(t, "../../testdata/gocode/noise.snn"), gosim.Options{Seed: &seed})
	if reflect.DeepEqual(a.States, c.States) {
		t.Error("another seed gave the same noise")
	}
}

// sampleMoments is the mean and the unbiased variance of xs.
func sampleMoments(xs []float64) (mean, variance float64) {
	n := float64(len(xs))
	for _, x := range xs {
		mean += x / n
	}
	for _, x := range xs {
		variance += (x - mean) * (x - mean) / (n - 1)
	}
	return mean, variance
}

// within fails unless xs's mean and variance are the closed forms' within
// 5 standard errors (the variance's for a normal-ish sample).
func within(t *testing.T, name string, xs []float64, mean, variance float64) {
	t.Helper()
	m, v := sampleMoments(xs)
	if se := math.Sqrt(variance / float64(len(xs))); math.Abs(m-mean) > 5*se {
		t.Errorf("%s: mean %.5g, want %.5g ± %.2g", name, m, mean, 5*se)
	}
	if se := variance * math.Sqrt(2/float64(len(xs)-1)); math.Abs(v-variance) > 5*se {
		t.Errorf("%s: variance %.5g, want %.5g ± %.2g", name, v, variance, 5*se)
	}
}
