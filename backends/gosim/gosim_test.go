package gosim_test

import (
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/backends/gosim"
	_ "github.com/snnc/snnc/internal/golden"
	"github.com/snnc/snnc/internal/numpy"
	"github.com/snnc/snnc/internal/testmodel"
	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/passes"
	"github.com/snnc/snnc/plan"
	"github.com/snnc/snnc/runtime"
	_ "github.com/snnc/snnc/runtime/plots" // TestOutputsReadableByNumpy writes the plots
)

func compile(t testing.TB, path string, off ...string) *ir.Program {
	return testmodel.Compile(t, path, off...)
}

func run(t *testing.T, p *ir.Program, o gosim.Options) *gosim.Result {
	t.Helper()
	res, err := gosim.Run(p, o)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestLIFClosedForm: under a constant current the first spike comes when
// v(t) = E + RI(1 - exp(-t/tau)) crosses the threshold, at T = tau·ln 3,
// and then every refractory period plus T again. With dt steps: the spike is
// stamped at the start of the step whose update crossed, so at
// (ceil(T/dt) - 1)·dt, then every (tref/dt + ceil(T/dt) - 1) steps.
func TestLIFClosedForm(t *testing.T) {
	res := run(t, compile(t, "../../testdata/run/lif_step.snn"), gosim.Options{})
	dt, tau, tref := 1e-4, 10e-3, 2e-3
	T := tau * math.Log(3)
	first := math.Ceil(T/dt) - 1
	period := math.Round(tref/dt) + math.Ceil(T/dt) - 1
	got := res.Spikes[0].T
	if len(got) != int((1000-first)/period)+1 {
		t.Fatalf("%d spikes, want %d: %v", len(got), int((1000-first)/period)+1, got)
	}
	for k, ts := range got {
		want := (first + float64(k)*period) * dt
		if math.Abs(ts-want) > 1e-12 {
			t.Errorf("spike %d at %.6f ms, want %.6f ms", k, ts*1e3, want*1e3)
		}
	}
	// the membrane between spikes follows the closed form exactly
	v := res.States[0]
	for n := 1; n <= int(first); n++ {
		want := -70e-3 + 30e-3*(1-math.Exp(-float64(n)*dt/tau))
		if d := math.Abs(v.V[n][0] - want); d > 1e-15 {
			t.Errorf("v at step %d = %.17g, want %.17g", n, v.V[n][0], want)
		}
	}
}

// TestDeterminism: the same model and seed give the same spikes; another
// seed gives others.
func TestDeterminism(t *testing.T) {
	p := compile(t, "../../examples/cuba.snn")
	o := gosim.Options{Duration: 0.2}
	a, b := run(t, p, o), run(t, compile(t, "../../examples/cuba.snn"), o)
	if !reflect.DeepEqual(a.Spikes, b.Spikes) {
		t.Error("two runs with one seed differ")
	}
	seed := uint64(99)
	c := run(t, compile(t, "../../examples/cuba.snn"), gosim.Options{Duration: 0.2, Seed: &seed})
	if reflect.DeepEqual(a.Spikes[0].I, c.Spikes[0].I) {
		t.Error("another seed gave the same spikes")
	}
}

// TestPassesPreserveSpikes: each pass leaves the recorded spikes
// bit-identical (sparsity: procedural and dense rows equal stored ones; dce
// removes only what no recording sees).
func TestPassesPreserveSpikes(t *testing.T) {
	for _, c := range []struct{ model, pass string }{
		{"../../examples/cuba.snn", "sparsity"},
		{"../../examples/cuba.snn", "dce"},
		{"../../examples/coba.snn", "sparsity"},
		{"../../examples/stdp_song2000.snn", "sparsity"},
		{"../../testdata/gocode/procedural.snn", "sparsity"},
		{"../../testdata/passes/dce/unused.snn", "dce"},
		{"../../examples/cuba.snn", "fuse"},
		{"../../testdata/passes/fuse/merge.snn", "fuse"},
		{"../../testdata/passes/fuse/voltage.snn", "fuse"},
		{"../../examples/cuba.snn", "prune"},
		{"../../examples/cuba.snn", "fold"},
		{"../../examples/coba.snn", "fold"},
		{"../../examples/stdp_song2000.snn", "fold"},
	} {
		o := gosim.Options{Duration: 0.3}
		on := run(t, compile(t, c.model), o)
		off := run(t, compile(t, c.model, c.pass), o)
		if !reflect.DeepEqual(on.Spikes, off.Spikes) {
			t.Errorf("%s: spikes differ with %s on and off", c.model, c.pass)
		}
	}
}

// TestLazyPreservesLearning: event-driven traces (lazy on) and traces
// integrated every step (lazy off) give the same output spikes and weights
// equal to rounding.
func TestLazyPreservesLearning(t *testing.T) {
	o := gosim.Options{Duration: 2}
	on := run(t, compile(t, "../../examples/stdp_song2000.snn"), o)
	off := run(t, compile(t, "../../examples/stdp_song2000.snn", "lazy"), o)
	if !reflect.DeepEqual(on.Spikes, off.Spikes) {
		t.Fatalf("spikes differ: %d vs %d", len(on.Spikes[0].T), len(off.Spikes[0].T))
	}
	w1, w2 := on.Weights[0].V[0], off.Weights[0].V[0]
	for k := range w1 {
		if d := math.Abs(w1[k] - w2[k]); d > 1e-12*0.01 {
			t.Fatalf("weight %d: %.17g lazy vs %.17g clocked", k, w1[k], w2[k])
		}
	}
}

// TestLazyIntegral: reward-modulated STDP's weight, w' = c·(d + d0)/tau_s
// with c and d decaying alone, is advanced in closed form at events
// (no per-step loop for it in the plan). With the lazy pass off, RK4
// integrates (w, c, d) every step instead; the spikes are the same and the
// weights agree within RK4's global error, of order (dt/tau)^4 ≈ 1e-13
// here (tau = 1/(1/tau_c + 1/tau_d) = 167 ms, dt = 0.1 ms) relative to the
// weights' change: 1e-11 of their range.
func TestLazyIntegral(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.snn")
	src := `import "std/neurons"
synapse DA {
    parameters { tau_c = 1 s; tau_d = 200 ms; tau_s = 10 ms; d0 = 0.002 }
    state { w = 0.5; c = 0; d = 0; x = 0; y = 0 }
    equations {
        x' = -x / 20 ms
        y' = -y / 20 ms
        c' = -c / tau_c
        d' = -d / tau_d
        w' = c * (d + d0) / tau_s
    }
    on pre { deliver w * weight; x += 0.1; c -= 1.5 * y }
    on post { y += 0.1; c += x }
    on modulator dopamine { d += 0.5 }
}
network N {
    dt = 0.1 ms
    seed = 3
    input P = poisson(50, rate = 20 Hz)
    input R = poisson(1, rate = 2 Hz)
    population B = LIF[5]
    project p = P -> B : exc using DA { connect = all_to_all; weight = 3 mV; modulator dopamine = R }
    record spikes(B)
    record weights(p) every 100 ms
}
run N for 2 s
`
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	on := compile(t, path)
	pl, err := plan.Build(on, plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(pl.Projs[0].Lazy, " "); got != "w c d x y" || len(pl.Projs[0].Syn.Tick) > 0 {
		t.Errorf("lazy %q with %d per-step loops; want w c d x y lazy and none", got, len(pl.Projs[0].Syn.Tick))
	}
	a, b := run(t, on, gosim.Options{}), run(t, compile(t, path, "lazy"), gosim.Options{})
	if !reflect.DeepEqual(a.Spikes, b.Spikes) {
		t.Fatal("spikes differ with lazy on and off")
	}
	lo, hi, maxDiff := math.Inf(1), math.Inf(-1), 0.0
	for k, row := range a.Weights[0].V {
		for j, w := range row {
			lo, hi = math.Min(lo, w), math.Max(hi, w)
			maxDiff = math.Max(maxDiff, math.Abs(w-b.Weights[0].V[k][j]))
		}
	}
	if hi-lo < 0.1 || maxDiff > 1e-11*(hi-lo) {
		t.Errorf("weights in [%g, %g], closed form vs RK4 differ by up to %g (want a range >= 0.1 and <= 1e-11 of it)", lo, hi, maxDiff)
	}
	t.Logf("weights in [%.3g, %.3g]; closed form vs RK4: %.3g", lo, hi, maxDiff)
}

// TestLazyMemory: with many synapses per neuron, traces stored per neuron
// make pair STDP cost about 12 bytes a synapse (w and the on_post column
// index; dense rows need no target index), against 28 with per-synapse
// traces.
func TestLazyMemory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.snn")
	src := `import "std/neurons"
import "std/plasticity"
network N {
    population A = LIF[200]
    population B = LIF[200]
    project p = A -> B : exc using PairSTDP { connect = all_to_all; weight = 0.1 mV }
    record spikes(B)
}
run N for 10 ms
`
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	on := run(t, compile(t, path), gosim.Options{})
	off := run(t, compile(t, path, "lazy"), gosim.Options{})
	b1, b2 := on.Summary.Projections[0].BytesPerSynapse, off.Summary.Projections[0].BytesPerSynapse
	if b1 > 12.5 || b2 < 27 {
		t.Errorf("bytes per synapse: %.2f with per-neuron traces (want <= 12.5), %.2f per synapse (want about 28)", b1, b2)
	}
}

// TestProceduralPlastic: sparse random plastic connectivity regenerates its
// rows and stores only the weight and the on_post column index: 12 bytes a
// synapse (the marginal cost between two densities; per-neuron traces and
// row pointers come on top), with the same synapses, weights and spikes as
// stored CSR rows.
func TestProceduralPlastic(t *testing.T) {
	model := func(p float64) string {
		path := filepath.Join(t.TempDir(), "p.snn")
		src := fmt.Sprintf(`import "std/neurons"
import "std/plasticity"
network N {
    input P = poisson(400, rate = 20 Hz)
    population B = LIF[300]
    project p = P -> B : exc using PairSTDP { connect = bernoulli(%g); weight = 1.5 mV }
    record spikes(B)
    record weights(p) every 100 ms
}
run N for 300 ms
`, p)
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	sparse, dense := model(0.1), model(0.25)
	proc := run(t, compile(t, dense), gosim.Options{})
	csr := run(t, compile(t, dense, "sparsity"), gosim.Options{})
	ps, cs := proc.Summary.Projections[0], csr.Summary.Projections[0]
	if ps.Storage != "procedural" || cs.Storage != "csr" {
		t.Fatalf("storages %s and %s, want procedural and csr", ps.Storage, cs.Storage)
	}
	if ps.Synapses != cs.Synapses || ps.Synapses < 25000 {
		t.Fatalf("%d synapses procedural, %d stored", ps.Synapses, cs.Synapses)
	}
	marginal := func(off ...string) float64 {
		a := run(t, compile(t, sparse, off...), gosim.Options{Duration: 0.001}).Summary.Projections[0]
		b := run(t, compile(t, dense, off...), gosim.Options{Duration: 0.001}).Summary.Projections[0]
		return (b.ConnectivityBytes - a.ConnectivityBytes) / float64(b.Synapses-a.Synapses)
	}
	if mp, mc := marginal(), marginal("sparsity"); mp != 12 || mc != 16 {
		t.Errorf("bytes per added synapse: %g procedural (want 12), %g csr (want 16)", mp, mc)
	}
	if !reflect.DeepEqual(proc.Spikes[0].I, csr.Spikes[0].I) || len(proc.Spikes[0].I) == 0 {
		t.Fatalf("spikes differ: %d procedural, %d stored", len(proc.Spikes[0].I), len(csr.Spikes[0].I))
	}
	pw, cw := proc.Weights[0], csr.Weights[0]
	if !reflect.DeepEqual(pw.Pre, cw.Pre) || !reflect.DeepEqual(pw.Post, cw.Post) || !reflect.DeepEqual(pw.V, cw.V) {
		t.Fatal("synapse lists or weights differ between procedural and stored rows")
	}
	moved := 0
	for k := range pw.V[0] {
		if pw.V[len(pw.V)-1][k] != pw.V[0][k] {
			moved++
		}
	}
	if moved == 0 {
		t.Fatal("no weight changed: the test exercises no plasticity")
	}
}

// TestNonFinite: NaN or Inf stops the run naming population, neuron,
// variable and time.
func TestNonFinite(t *testing.T) {
	res, err := gosim.Run(compile(t, "../../testdata/run/blowup.snn"), gosim.Options{})
	if err == nil || !strings.Contains(err.Error(), "P[0].v became") || !strings.Contains(err.Error(), "ms") {
		t.Fatalf("got %v", err)
	}
	if res == nil || len(res.States[0].T) == 0 {
		t.Error("what was recorded before the failure must be kept")
	}
}

// TestInterrupt: a closed interrupt channel stops the run, keeps the
// recording so far, and says so.
func TestInterrupt(t *testing.T) {
	stop := make(chan struct{})
	close(stop)
	res, err := gosim.Run(compile(t, "../../examples/cuba.snn"), gosim.Options{Interrupt: stop})
	if err != nil || !res.Interrupted || res.Summary.Duration != 0 {
		t.Fatalf("err %v, interrupted %v, duration %v", err, res.Interrupted, res.Summary.Duration)
	}
}

// TestMemoryRefusal: connectivity that cannot fit is refused before any of
// it is allocated, with the estimate.
func TestMemoryRefusal(t *testing.T) {
	_, err := gosim.Run(compile(t, "../../examples/cuba.snn", "sparsity"), gosim.Options{MemLimit: rt.MemLimit{Bytes: 512 << 10, Source: "the test's limit"}})
	if err == nil || !strings.Contains(err.Error(), "needs about") {
		t.Fatalf("got %v", err)
	}
}

// TestInputMemoryRefusal: an input that cannot fit is refused before it is
// created, with the estimate of rt.InputBytes: patterns(1e9, active =
// 5e8) keeps a 4-byte mark per source and the active indices, 4·1e9 +
// 4·5e8 = 6 GB; a poisson input at rate·dt = 2 buffers two spikes of each
// of its 1e9 sources a step (4 bytes each) and keeps each source's mean
// (8 bytes), 16 GB. (Both used to allocate gigabytes first.)
func TestInputMemoryRefusal(t *testing.T) {
	for _, c := range []struct{ input, want string }{
		{"patterns(1e9, active = 5e8)", "the run needs about 5.59 GiB but the test's limit allows 1.00 GiB; the biggest items: input S (1000000000 sources): 5.59 GiB"},
		{"poisson(1e9, rate = 20 kHz)", "the run needs about 14.90 GiB but the test's limit allows 1.00 GiB; the biggest items: input S (1000000000 sources): 14.90 GiB"},
	} {
		src := `
neuron C { state { v = 0 mV }; equations { v' = -v / 10 ms }; inputs { exc: v += weight }; on threshold v > 5 mV { v = 0 mV } }
network N {
    population P = C[2]
    input S = ` + c.input + `
    project S -> P : exc { connect = bernoulli(1e-9)  weight = 1 mV }
    record spikes(P)
}
run N for 1 ms`
		p, _, diags := snnc.CompileSource("m.snn", []byte(src), snnc.Options{})
		if p == nil {
			t.Fatalf("%s: %v", c.input, diags)
		}
		_, err := gosim.Run(p, gosim.Options{MemLimit: rt.MemLimit{Bytes: 1 << 30, Source: "the test's limit"}})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.input, err, c.want)
		}
	}
}

// TestOutputsReadableByNumpy: the .npy files load in numpy with the right
// shapes (numpy from the system python, where python3-numpy installs it).
func TestOutputsReadableByNumpy(t *testing.T) {
	py := numpy.Python(t)
	res := run(t, compile(t, "../../testdata/run/lif_step.snn"), gosim.Options{})
	dir := t.TempDir()
	if _, err := res.Write(dir, true); err != nil {
		t.Fatal(err)
	}
	script := `import numpy as np, json, sys
d = sys.argv[1]
t = np.load(d + "/spikes_P_t.npy"); i = np.load(d + "/spikes_P_i.npy")
v = np.load(d + "/P_v.npy")
s = json.load(open(d + "/summary.json"))
assert i.dtype == np.int32 and t.dtype == np.float64 and len(t) == len(i) == s["populations"][0]["spikes"]
assert v.shape == (1000, 1), v.shape
print("ok")`
	out, err := exec.Command(py, "-c", script, dir).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "ok" {
		t.Fatalf("numpy: %v\n%s", err, out)
	}
	for _, png := range []string{"raster.png", "traces.png"} {
		if fi, err := os.Stat(filepath.Join(dir, png)); err != nil || fi.Size() < 1000 {
			t.Errorf("%s missing or empty: %v", png, err)
		}
	}
}

var _ = rt.Hash

// TestPrunePreservesSpikes: prune removes a projection from a population
// that never spikes and (with --prune-weights) the zero-weight synapses;
// the recorded spikes stay bit-identical and there are fewer synapses.
func TestPrunePreservesSpikes(t *testing.T) {
	path := "../../testdata/passes/prune/silent.snn"
	mk := func(o passes.Options) *ir.Program {
		o.Verify = true
		p, _, diags := snnc.CompileIR(path, snnc.Options{Passes: o})
		if p == nil {
			t.Fatal(diags)
		}
		return p
	}
	base := run(t, mk(passes.Options{Off: map[string]bool{"prune": true}}), gosim.Options{})
	pruned := run(t, mk(passes.Options{PruneBelow: 1e-9}), gosim.Options{})
	if !reflect.DeepEqual(base.Spikes, pruned.Spikes) || len(base.Spikes[0].T) == 0 {
		t.Fatalf("spikes differ (or none): %d vs %d", len(base.Spikes[0].T), len(pruned.Spikes[0].T))
	}
	count := func(r *gosim.Result) (n int64) {
		for _, p := range r.Summary.Projections {
			n += p.Synapses
		}
		return n
	}
	if count(pruned) >= count(base)*3/4 {
		t.Errorf("synapses %d pruned vs %d: half of P->E and all of S->E should be gone", count(pruned), count(base))
	}
}

// TestSynapseNaN: a weight that becomes NaN stops the run naming the
// projection, the synapse and its ends, and the time.
func TestSynapseNaN(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nan.snn")
	src := `neuron Cell {
    state {
        v = 0 mV
    }
    inputs {
        exc: v += weight
    }
    on threshold v > 100 mV {
        v = 0 mV
    }
}
synapse Bad {
    state {
        w = uniform(1 mV, 2 mV)
    }
    on pre {
        w = w * log(-1)
        deliver w
    }
}
network N {
    input P = spike_times(2, times = [3 ms])
    population C = Cell[2]
    project p = P -> C : exc using Bad { connect = one_to_one }
    record spikes(C)
}
run N for 10 ms
`
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := gosim.Run(compile(t, path), gosim.Options{})
	if err == nil || !strings.Contains(err.Error(), "projection p, synapse 0 (pre 0 -> post 0): w became NaN at t = 3 ms") {
		t.Fatalf("got %v", err)
	}
}

// TestThreadsSameSpikes: 2 threads give the spikes of 1, for exact and
// Euler populations, stored and procedural rows (populations of 4096 or
// more neurons share their update and threshold between the threads).
func TestThreadsSameSpikes(t *testing.T) {
	for _, c := range []struct {
		model string
		dur   float64
	}{
		{"../../examples/cuba.snn", 0.3},
		{"../../examples/coba.snn", 0.3},
		{"../../testdata/gocode/procedural.snn", 0.06},
		{"../../bench/models/cuba40k.snn", 0.1},  // fused step shared by the threads
		{"../../bench/models/coba40k.snn", 0.05}, // threshold shared by the threads
	} {
		p := compile(t, c.model)
		one := run(t, p, gosim.Options{Duration: c.dur, Threads: 1})
		two := run(t, compile(t, c.model), gosim.Options{Duration: c.dur, Threads: 2})
		if !reflect.DeepEqual(one.Spikes, two.Spikes) {
			t.Errorf("%s: spikes differ between 1 and 2 threads", c.model)
		}
		if len(one.Spikes) == 0 || len(one.Spikes[0].I) == 0 {
			t.Errorf("%s: no spikes to compare", c.model)
		}
	}
}
