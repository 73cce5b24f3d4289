package fixed_test

import (
	"math"
	"testing"

	"github.com/snnc/snnc/backends/fixed"
	"github.com/snnc/snnc/backends/gosim"
	"github.com/snnc/snnc/ir/iir"
)

// TestDrawRandomWalk: uniform() in a port kernel on q16 (the hash draws of
// iir/draw.go) against the closed form, and the float run against the same
// closed form with its own streams. Each of M = 1000 neurons gets N = 100
// kicks w·U(-1, 1), w = 1 mV: x is a sum of N independent uniforms, mean 0
// and variance N·w²/3. Both runs' sample mean must lie within 3 standard
// errors (σ/√M) of 0 and their sample variance within 3 standard errors
// (σ²·√(2/(M−1)), x being close to normal) of N·w²/3; the two runs must
// differ (q16 does not copy the float stream) and q16 must repeat itself
// exactly for the same seed.
func TestDrawRandomWalk(t *testing.T) {
	p := compile(t, "../../testdata/fixed/draws.snn")
	q := lower(t, p, "q16")
	draws := 0
	for _, m := range q.Models {
		for _, k := range m.Kernels() {
			for _, o := range k.Ops {
				if o.Code == iir.OpDraw {
					draws++
				}
			}
		}
	}
	if draws != 3 {
		t.Fatalf("%d draw ops, want 3 (kick, drive, reset)", draws)
	}
	res := run(t, p, q, fixed.Options{})
	again := run(t, p, q, fixed.Options{})
	fres, err := gosim.Run(p, gosim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	const m, w = 1000, 1e-3
	// the sample at T follows the kicks of the steps before it (one per
	// step from t = 0): N = T/dt; one kick more or less changes σ² by 1 %,
	// a tenth of the tolerance
	ts := res.States[0].T
	n := math.Round(ts[len(ts)-1] / 1e-4)
	t.Logf("last sample at %g s: %g kicks", ts[len(ts)-1], n)
	sigma2 := n * w * w / 3
	last := func(vs [][]float64) []float64 { return vs[len(vs)-1] }
	xq, xf := last(res.States[0].V), last(fres.States[0].V)
	if len(xq) != m || len(xf) != m {
		t.Fatalf("recorded %d and %d neurons, want %d", len(xq), len(xf), m)
	}
	for name, x := range map[string][]float64{"q16": xq, "float64": xf} {
		mean, vr := 0.0, 0.0
		for _, v := range x {
			mean += v
		}
		mean /= m
		for _, v := range x {
			vr += (v - mean) * (v - mean)
		}
		vr /= m - 1
		seMean, seVar := math.Sqrt(sigma2/m), sigma2*math.Sqrt(2.0/(m-1))
		t.Logf("%s: mean %.4g mV (±%.3g), variance %.4g mV² (want %.4g ± %.3g)", name, mean*1e3, 3*seMean*1e3, vr*1e6, sigma2*1e6, 3*seVar*1e6)
		if math.Abs(mean) > 3*seMean {
			t.Errorf("%s: mean %.4g mV, want 0 within %.3g", name, mean*1e3, 3*seMean*1e3)
		}
		if math.Abs(vr-sigma2) > 3*seVar {
			t.Errorf("%s: variance %.4g mV², want %.4g within %.3g", name, vr*1e6, sigma2*1e6, 3*seVar*1e6)
		}
	}
	same := 0
	for k := range xq {
		if xq[k] == xf[k] {
			same++
		}
		if again.States[0].V[len(again.States[0].V)-1][k] != xq[k] {
			t.Fatalf("neuron %d: q16 gives %g, then %g for the same seed", k, xq[k], again.States[0].V[len(again.States[0].V)-1][k])
		}
	}
	if same > m/10 {
		t.Errorf("%d of %d walks equal the float run's: q16 should draw its own numbers", same, m)
	}
	if len(res.Spikes[0].T) == 0 {
		t.Errorf("no spikes: the reset's draw is never taken")
	}
}
