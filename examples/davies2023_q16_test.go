package examples_test

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/backends/fixed"
	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/ir/iir"
	"github.com/snnc/snnc/passes"
	"github.com/snnc/snnc/quantize"
)

// daviesQ16 runs the model bit-accurately on q16 (the whole run).
func daviesQ16(t *testing.T, model string) *fixed.Result {
	return runQ16(t, model, filepath.Dir(model))
}

// runQ16 compiles model, lowers it to q16 and runs it in the bit-accurate
// simulator (data files from dir).
func runQ16(t *testing.T, model, dir string) *fixed.Result {
	t.Helper()
	p, q := lowerQ16(t, model)
	res, err := fixed.Run(p, q, fixed.Options{BaseDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// lowerQ16 compiles model (verified passes) and lowers it to q16.
func lowerQ16(t *testing.T, model string) (*ir.Program, *iir.Program) {
	t.Helper()
	p, _, diags := snnc.CompileIR(model, snnc.Options{Passes: passes.Options{Verify: true}})
	if p == nil {
		t.Fatal(diags)
	}
	prof, err := iir.LoadProfile("q16")
	if err != nil {
		t.Fatal(err)
	}
	q, diags := quantize.Lower(p, prof)
	if q == nil {
		t.Fatalf("q16 refuses %s: %v", model, diags)
	}
	return p, q
}

// TestDavies2023OnQ16: the example in integers (gated nearest STDP, the
// division that computes h, the check phase; issue 17 item 6) detects
// exactly the code words the float run does — the closed form's TP, FP,
// FN and TN — for the shipped patterns and every case of TestDavies2023.
// The learned weights are the nearest-pair reference's within 0.05 (w's
// LSB is 2^-11; each of a synapse's at most six updates reads a trace
// quantized with guard bits and decayed in integers, and the weight the
// output receives is w·1 mV in the port's 0.98 mV unit), and h is the
// closed form times 1 + margin within the rounding of W (the weight 1 mV
// in that unit, and the patterns' 10 events of w rounded to an integer:
// up to 10 % for one pattern) and of the gain (10 fractional bits).
func TestDavies2023OnQ16(t *testing.T) {
	cases := append(daviesCases[:len(daviesCases):len(daviesCases)], struct {
		name     string
		patterns []uint
	}{"shipped", []uint{dvShipped1, dvShipped2}})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			model := "davies2023.snn"
			if c.name != "shipped" {
				model = daviesDir(t, c.patterns)
			}
			res := daviesQ16(t, model)
			wantW, hMin := daviesExpected(c.patterns)
			checkDaviesWeights(t, res.Result, wantW, 0.05)
			// W: 10 events of w rounded to an integer, times the weight 1 mV
			// rounded to the port's unit (1/1024 V: −2.34 %); the gain's LSB
			w := 15 * math.Exp(0.1) / hMin // in units of w
			want := hMin * (1 + dvMargin)
			tol := (1 - 1000.0/1024) + 10*0.5/w + math.Ldexp(1, -10)/want
			if got := modelH(t, res.Result); math.Abs(got/want-1) > tol {
				t.Errorf("q16 computed h = %.6g; closed form %.6g (times 1 + margin), tolerance %.2g", got, want, tol)
			}
			positives := outWindows(t, res.Result, dvTest, 1<<dvBits)
			checkDetection(t, c.patterns, positives)
		})
	}
}
