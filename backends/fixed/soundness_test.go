package fixed_test

import (
	"path/filepath"
	"testing"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/backends/fixed"
	"github.com/snnc/snnc/backends/gosim"
	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/ir/iir"
	"github.com/snnc/snnc/passes"
)

// compileQ16 compiles a model file to the optimised IR and its q16 integer
// IR the way snnc run --profile q16 does (data files read from its directory).
func compileQ16(t *testing.T, path string) (*ir.Program, *iir.Program, string) {
	t.Helper()
	dir := filepath.Dir(path)
	o := snnc.Options{DataDir: dir, Passes: passes.Options{Off: map[string]bool{}, Verify: true, Target: "q16"}}
	p, q, _, diags := snnc.CompileTarget(path, o)
	if p == nil || q == nil {
		t.Fatalf("%s: %v", path, diags)
	}
	return p, q, dir
}

// checkProofs fails for every variable the IR calls proved that the
// bit-accurate run saturated or wrapped, or whose recorded integers leave
// the proved range, and for every recorded float value (mapped to the
// variable's scale) outside it by more than a quantization margin.
func checkProofs(t *testing.T, q *iir.Program, res *fixed.Result, fres *gosim.Result) {
	t.Helper()
	vars := map[string]*iir.Var{}
	for _, m := range q.Models {
		for _, v := range m.Vars {
			vars[m.Pop+"."+v.Name] = v
		}
	}
	for _, o := range res.Overflow {
		if v := vars[o.Pop+"."+o.Var]; v != nil && v.Proof == iir.Proved && o.Count > 0 {
			t.Errorf("%s.%s is proved in %v but the run changed it %d times", o.Pop, o.Var, v.Range, o.Count)
		}
	}
	for _, m := range res.Raw {
		v := vars[m.Pop+"."+m.Var]
		if v == nil || v.Proof != iir.Proved {
			continue
		}
		for s, row := range m.V {
			for _, x := range row {
				if x < v.Range.Lo || x > v.Range.Hi {
					t.Fatalf("%s.%s = %d at step %d, outside its proved range %v", m.Pop, m.Var, x, s, v.Range)
				}
			}
		}
	}
	for _, sm := range fres.States {
		v := vars[sm.Name+"."+sm.Var]
		if v == nil || v.Proof != iir.Proved || v.Scale == 0 {
			continue
		}
		lo, hi := v.SI(v.Range.Lo), v.SI(v.Range.Hi)
		if lo > hi {
			lo, hi = hi, lo
		}
		tol := 0.02*(hi-lo) + 1e-12
		for _, row := range sm.V {
			for _, x := range row {
				if x < lo-tol || x > hi+tol {
					t.Fatalf("float %s.%s = %g, outside its proved range [%g, %g]", sm.Name, sm.Var, x, lo, hi)
				}
			}
		}
	}
}

// runBoth runs the q16 program bit-accurately and the float64 interpreter
// over the same duration.
func runBoth(t *testing.T, p *ir.Program, q *iir.Program, dir string) (*fixed.Result, *gosim.Result) {
	t.Helper()
	res := run(t, p, q, fixed.Options{BaseDir: dir})
	fres, err := gosim.Run(p, fixed.Options{BaseDir: dir, Duration: res.Summary.Duration})
	if err != nil {
		t.Fatal(err)
	}
	return res, fres
}

// TestProofRefractoryInputs: an input port that keeps adding to v while the
// update holds it (unless refractory except inputs) is a writer of v the
// proof must count; before, v was "proved" below threshold and saturated 8
// times in 10 ms. Now v is proved up to the reset value plus a refractory
// period's events (12 steps × 30 mV), which the float run stays within.
func TestProofRefractoryInputs(t *testing.T) {
	p, q, dir := compileQ16(t, "../../testdata/fixed/soundness/refractory_inputs.snn")
	v := q.Models[0].Vars[1]
	if v.Name != "v" || v.Proof != iir.Proved || v.SI(v.Range.Hi) < 0.3 {
		t.Errorf("%s: %v in %v, want v proved up to about 325 mV", v.Name, v.Proof, v.Range)
	}
	res, fres := runBoth(t, p, q, dir)
	checkProofs(t, q, res, fres)
}

// TestProofStdlibIFRefractory: the first case as filed, stdlib IF
// with t_ref = 1.2 ms driven every step: its inputs are dropped while
// refractory, so v's proof holds and the run never saturates.
func TestProofStdlibIFRefractory(t *testing.T) {
	p, q, dir := compileQ16(t, "../../testdata/fixed/soundness/stdlib_if.snn")
	res, fres := runBoth(t, p, q, dir)
	if res.Spikes[0].Count() < 5 {
		t.Fatalf("the neuron should spike repeatedly, got %d spikes", res.Spikes[0].Count())
	}
	checkProofs(t, q, res, fres)
}

// TestProofFileMultapse: a from_file projection listing one edge 20 times
// delivers 20 weights per spike; the fan-in counted from the file makes ge
// unproved (saturated, said why) instead of "proved" for a fan-in of 2.
func TestProofFileMultapse(t *testing.T) {
	p, q, dir := compileQ16(t, "../../testdata/fixed/soundness/multapse.snn")
	if len(q.Projs) != 1 || q.Projs[0].Fanin != 20 {
		t.Fatalf("fan-in %d, want 20 (the file's repeated edge)", q.Projs[0].Fanin)
	}
	res, fres := runBoth(t, p, q, dir)
	checkProofs(t, q, res, fres)
}

// TestProofMatrixNegative: a matrix projection's factors have either sign
// (here −4 and 1, times 1 mV): ge must not be proved non-negative, as it
// was when the proof took the sign of `weight` alone.
func TestProofMatrixNegative(t *testing.T) {
	p, q, dir := compileQ16(t, "../../testdata/fixed/soundness/negative.snn")
	res, fres := runBoth(t, p, q, dir)
	if ge := raw(t, res, "ge"); ge[len(ge)-1] >= 0 {
		t.Fatalf("ge ends at %d: the network should drive it negative", ge[len(ge)-1])
	}
	checkProofs(t, q, res, fres)
}
