package examples_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/snnc/snnc/backends/fixed"
	"github.com/snnc/snnc/backends/gosim"
)

// TestAhmadHawkins2016Q16 (issue 17 item 5): the example lowered to the
// q16 integer IR and run by the bit-accurate simulator reproduces the
// paper's closed forms as the float run does (checkAhmadHawkins: false
// matches vs θ and s, misses vs noise, unions), and every counter is
// within 3 standard errors of the float run's with the same seed, and in
// fact equal to it: segments are integer by nature and wired with the
// float interpreter's draws.
func TestAhmadHawkins2016Q16(t *testing.T) {
	p, q := lowerQ16(t, "ahmad_hawkins2016.snn")
	for _, seed := range []uint64{1, 2} {
		t.Run(fmt.Sprintf("seed%d", seed), func(t *testing.T) {
			s := seed
			fres, err := fixed.Run(p, q, fixed.Options{Seed: &s})
			if err != nil {
				t.Fatal(err)
			}
			if len(fres.Overflow) > 0 {
				t.Errorf("counters overflowed: %+v", fres.Overflow)
			}
			res := &gosim.Result{Result: *fres.Result}
			checkAhmadHawkins(t, res, false)
			float := runSeed(t, "ahmad_hawkins2016.snn", 0, seed)
			points := 0
			for _, m := range res.States {
				hits, trials := counts(t, res, m.Name, m.Var)
				fhits, ftrials := counts(t, float, m.Name, m.Var)
				if trials != ftrials {
					t.Fatalf("%s.%s: %g trials, float %g", m.Name, m.Var, trials, ftrials)
				}
				pf := fhits / ftrials
				se := math.Sqrt(pf * (1 - pf) / trials)
				if d := math.Abs(hits-fhits) / trials; d > 3*se || (se == 0 && hits != fhits) {
					t.Errorf("%s.%s: q16 rate %.6f, float %.6f (± %.6f, 3 SE)", m.Name, m.Var, hits/trials, pf, 3*se)
				} else if hits != fhits {
					t.Errorf("%s.%s: q16 counts %g, float %g: the integer segments should be the float ones", m.Name, m.Var, hits, fhits)
				}
				points++
			}
			if points < 30 {
				t.Fatalf("compared %d counters, want the example's 34", points)
			}
		})
	}
}
