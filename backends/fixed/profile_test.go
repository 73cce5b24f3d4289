package fixed_test

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/snnc/snnc/backends/fixed"
	"github.com/snnc/snnc/backends/gosim"
	_ "github.com/snnc/snnc/internal/golden"
	"github.com/snnc/snnc/internal/testmodel"
	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/ir/iir"
)

func compile(t *testing.T, path string) *ir.Program {
	return testmodel.Compile(t, path)
}

func lower(t *testing.T, p *ir.Program, target string) *iir.Program {
	return testmodel.Lower(t, p, target)
}

func run(t *testing.T, p *ir.Program, q *iir.Program, o fixed.Options) *fixed.Result {
	t.Helper()
	res, err := fixed.Run(p, q, o)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// runCompare is run followed by the float64 interpreter over the same
// duration and the quantization error report (what `snnc run --profile`
// does).
func runCompare(t *testing.T, p *ir.Program, q *iir.Program, o fixed.Options) *fixed.Result {
	t.Helper()
	res := run(t, p, q, o)
	o.Duration = res.Summary.Duration
	fres, err := gosim.Run(p, o)
	if err != nil {
		t.Fatal(err)
	}
	res.Compare(&fres.Result)
	return res
}

// runTarget lowers p for target and runs it with the comparison.
func runTarget(t *testing.T, p *ir.Program, target string, o fixed.Options) *fixed.Result {
	t.Helper()
	return runCompare(t, p, lower(t, p, target), o)
}

// raw returns the recorded integers of pop.v for neuron 0, one per step.
func raw(t *testing.T, res *fixed.Result, v string) []int64 {
	t.Helper()
	for _, m := range res.Raw {
		if m.Var == v {
			out := make([]int64, len(m.V))
			for s, row := range m.V {
				out[s] = row[0]
			}
			return out
		}
	}
	t.Fatalf("no recording of %s", v)
	return nil
}

func spikeSteps(res *fixed.Result, dt float64) []int {
	var out []int
	for _, tm := range res.Spikes[0].T {
		out = append(out, int(tm/dt+0.5))
	}
	return out
}

func constant(t *testing.T, m *iir.Model, what string) int64 {
	t.Helper()
	for _, c := range m.Consts {
		if c.What == what {
			return c.Int
		}
	}
	t.Fatalf("%s has no constant %q: %+v", m.Name, what, m.Consts)
	return 0
}

// TestLoihiTrace: testdata/fixed/loihi_lif.snn on loihi reproduces, integer
// for integer, the Lava PyLifModelBitAcc rule computed by hand:
//
//	u[t] = trunc(u[t−1]·(4096 − 390) / 4096) + a_in << 6      (wraps in 24 bits)
//	v[t] = trunc(v[t−1]·(4096 − 200) / 4096) + u[t] + 40960   (clipped to ±(2^23 − 1))
//	spike if v > 65535 << 6, then v = 0 (u is not reset)
//
// with a_in = 143 << 6 (weight mantissa 143, exponent 6: the port's weights
// are all positive, so the mantissa is Lava's unsigned 0..255) in the step
// after each input spike (t = 0, 1, 2, 10 ms). The values are recorded at the
// start of each step.
func TestLoihiTrace(t *testing.T) {
	p := compile(t, "../../testdata/fixed/loihi_lif.snn")
	q := lower(t, p, "loihi")
	m := q.Models[0]
	for what, want := range map[string]int64{"decay of u": 390, "decay of v": 200, "threshold": 65535 << 6, "bias of v": 2560 << 4, "weight of In->P:exc": 143} {
		if got := constant(t, m, what); got != want {
			t.Errorf("%s = %d, want %d", what, got, want)
		}
	}
	if m.Ports[0].Exp != 6 || !m.Ports[0].Unsigned {
		t.Errorf("weight exponent %d (unsigned %v), want 6 and an unsigned mantissa (one sign)", m.Ports[0].Exp, m.Ports[0].Unsigned)
	}
	res := run(t, p, q, fixed.Options{})
	wantU := []int64{0, 0, 585728, 1115686, 1595184, 1443298, 1305874, 1181535, 1069035, 967246, 875149, 791821, 1302155, 1178170,
		1065990, 964491, 872657, 789567, 714388, 646367, 584823, 529139, 478757, 433172, 391927, 354609, 320844, 290294, 262653,
		237644, 215016, 194543, 176019, 159259, 144095, 130375, 117961, 106729, 96566, 87371}
	wantV := []int64{0, 40960, 665648, 1789791, 3338542, 0, 1346834, 2503565, 3491315, 0, 916109, 1704158, 2964062, 4038462, 0,
		1005451, 1869973, 2609192, 3237138, 3766401, 0, 570099, 1061979, 1484256, 1844669, 2150166, 2406981, 2620706, 2796354,
		2938417, 3050915, 3137447, 3201230, 3245138, 3271738, 3283320, 3281922, 3269360, 3247249, 3217022}
	if got := raw(t, res, "u"); !reflect.DeepEqual(got, wantU) {
		t.Errorf("u\n got %v\nwant %v", got, wantU)
	}
	if got := raw(t, res, "v"); !reflect.DeepEqual(got, wantV) {
		t.Errorf("v\n got %v\nwant %v", got, wantV)
	}
	if got := spikeSteps(res, 1e-3); !reflect.DeepEqual(got, []int{4, 8, 13, 19}) {
		t.Errorf("spikes at steps %v, want [4 8 13 19]", got)
	}
	// as the float model: with a signed mantissa (71 << 7, −0.5 %) the last
	// spike came a step late
}

// TestXyloTrace: testdata/fixed/xylo_lif.snn on xylo reproduces the
// XyloSim IAF rule computed by hand:
//
//	i[t] = i − max(i >> 3, 1 if i > 0)
//	v[t] = sat16(v − max(v >> 4, 1 if v > 0) + i[t])
//	spike if v >= 16384, then v −= 16384
//	a spike adds 88 << 4 to i (saturating) after the step's update
//
// with input spikes at t = 0, 1, 2, 3, 10 ms.
func TestXyloTrace(t *testing.T) {
	p := compile(t, "../../testdata/fixed/xylo_lif.snn")
	q := lower(t, p, "xylo")
	m := q.Models[0]
	for what, want := range map[string]int64{"decay of i_syn": 3, "decay of v": 4, "threshold": 16384, "weight of In->P:exc": 88} {
		if got := constant(t, m, what); got != want {
			t.Errorf("%s = %d, want %d", what, got, want)
		}
	}
	if q.Projs[0].Shift != 4 {
		t.Errorf("weight shift %d, want 4", q.Projs[0].Shift)
	}
	res := run(t, p, q, fixed.Options{})
	wantI := []int64{0, 1408, 2640, 3718, 4662, 4080, 3570, 3124, 2734, 2393, 2094, 3241, 2836, 2482, 2172, 1901, 1664, 1456,
		1274, 1115, 976, 854, 748, 655, 574, 503, 441, 386, 338, 296}
	wantV := []int64{0, 0, 1232, 3465, 6503, 10177, 13111, 15416, 803, 3146, 5044, 6562, 8988, 10909, 12400, 13526, 14345,
		14905, 15248, 15410, 15423, 15314, 15105, 14816, 14464, 14063, 13626, 13161, 12677, 12181}
	if got := raw(t, res, "i_syn"); !reflect.DeepEqual(got, wantI) {
		t.Errorf("i_syn\n got %v\nwant %v", got, wantI)
	}
	if got := raw(t, res, "v"); !reflect.DeepEqual(got, wantV) {
		t.Errorf("v\n got %v\nwant %v", got, wantV)
	}
	if got := spikeSteps(res, 1e-3); !reflect.DeepEqual(got, []int{7}) {
		t.Errorf("spikes at steps %v, want [7]", got)
	}
}

// TestQ16Rounding: x' = −x/τ with τ = dt/ln 2 halves x each step. With
// frac 0 (LSB 1) the decay is one multiply-accumulate, x + ((−16384·x) >> 15)
// rounded by the profile, so the hand traces from 1000 are:
//
//	nearest (ties up)  1000 500 250 125 63 32 16 8 4 2 1 1 1  (stops at 1: −½ rounds to 0)
//	floor              1000 500 250 125 62 31 15 7 3 1 0 0 0
//	trunc              1000 500 250 125 63 32 16 8 4 2 1 1 1
//
// The profiles differ only in their JSON rounding field.
func TestQ16Rounding(t *testing.T) {
	p := compile(t, "../../testdata/fixed/halving.snn")
	for mode, want := range map[string][]int64{
		"nearest": {1000, 500, 250, 125, 63, 32, 16, 8, 4, 2, 1, 1, 1},
		"floor":   {1000, 500, 250, 125, 62, 31, 15, 7, 3, 1, 0, 0, 0},
		"trunc":   {1000, 500, 250, 125, 63, 32, 16, 8, 4, 2, 1, 1, 1},
	} {
		q16, _ := iir.LoadProfile("q16")
		q16.Name, q16.Rounding, q16.Frac = "q16-"+mode, iir.Rounding(mode), map[string]int{"x": 0}
		path := filepath.Join(t.TempDir(), mode+".json")
		if err := os.WriteFile(path, q16.JSON(), 0o644); err != nil {
			t.Fatal(err)
		}
		q := lower(t, p, path)
		res := run(t, p, q, fixed.Options{})
		if got := raw(t, res, "x"); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %v, want %v", mode, got, want)
		}
	}
}

// TestStochasticRounding: with stochastic rounding the same decay does not
// stop at 1, runs are reproducible, and the mean follows the float decay.
func TestStochasticRounding(t *testing.T) {
	p := compile(t, "../../testdata/fixed/halving.snn")
	q16, _ := iir.LoadProfile("q16")
	q16.Name, q16.Rounding, q16.Frac = "q16-stochastic", iir.Stochastic, map[string]int{"x": 0}
	path := filepath.Join(t.TempDir(), "s.json")
	if err := os.WriteFile(path, q16.JSON(), 0o644); err != nil {
		t.Fatal(err)
	}
	q := lower(t, p, path)
	if q.Models[0].LFSR == nil {
		t.Fatal("no LFSR state for stochastic rounding")
	}
	ra, rb := run(t, p, q, fixed.Options{}), run(t, p, q, fixed.Options{})
	if !reflect.DeepEqual(ra.Raw, rb.Raw) {
		t.Error("two runs with one seed differ")
	}
	// every neuron starts at 1000; exact halvings stay exact, and the
	// mean of the last step is below nearest rounding's stuck 1
	m := ra.Raw[0]
	last := m.V[len(m.V)-1]
	sum, differ := 0.0, false
	for k, x := range last {
		sum += float64(x)
		differ = differ || x != last[0]
		if m.V[1][k] != 500 || m.V[2][k] != 250 {
			t.Fatalf("neuron %d: exact halvings must stay exact: %v %v", k, m.V[1][k], m.V[2][k])
		}
	}
	if mean := sum / float64(len(last)); mean > 0.6 || !differ {
		t.Errorf("after 12 halvings of 1000 the mean is %g (float: 0.24), neurons differ: %v", mean, differ)
	}
}
