package quantize_test

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/snnc/snnc/internal/golden"
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

func model(t *testing.T, q *iir.Program, pop string) *iir.Model {
	t.Helper()
	for _, m := range q.Models {
		if m.Pop == pop {
			return m
		}
	}
	t.Fatalf("no model for %s", pop)
	return nil
}

func variable(t *testing.T, m *iir.Model, name string) *iir.Var {
	t.Helper()
	for _, v := range m.Vars {
		if v.Name == name {
			return v
		}
	}
	t.Fatalf("%s has no variable %s", m.Name, name)
	return nil
}

// resizes returns the overflow handling of every resize into v.
func resizes(m *iir.Model, v *iir.Var) []iir.Overflow {
	var out []iir.Overflow
	for _, k := range []*iir.Kernel{m.Update, m.Threshold, m.Reset} {
		if k == nil {
			continue
		}
		for _, o := range k.Ops {
			if o.Code == iir.OpResize && o.Var == v {
				out = append(out, o.Ovf)
			}
		}
	}
	for _, p := range m.Ports {
		for _, o := range p.Kernel.Ops {
			if o.Code == iir.OpResize && o.Var == v {
				out = append(out, o.Ovf)
			}
		}
	}
	return out
}

// TestRangeProved: with one input per neuron the bound of ge is the
// fixed point of ge ← P·ge + w, proved tight; v's is the threshold plus one
// step's rise; no saturation is left and v gets a narrower word.
func TestRangeProved(t *testing.T) {
	p := compile(t, "../testdata/fixed/ranges.snn")
	q := lower(t, p, "q16")
	m := model(t, q, "Proved")
	ge, v := variable(t, m, "ge"), variable(t, m, "v")
	for _, x := range []*iir.Var{ge, v} {
		if x.Proof != iir.Proved {
			t.Errorf("%s not proved: %s", x.Name, x.Why)
		}
		for _, o := range resizes(m, x) {
			if o != iir.Proved {
				t.Errorf("%s still has a %s resize", x.Name, o)
			}
		}
	}
	w := float64(q.Projs[0].Mant)
	decay := math.Exp(-0.1 / 1)
	exact := w / (1 - decay) // the sum w·(1 + P + P² + ...), reached after an input every step
	if hi := float64(ge.Range.Hi); hi < exact || hi > exact*1.01+10 {
		t.Errorf("ge's bound %g, want just above w/(1−P) = %g", hi, exact)
	}
	if ge.Range.Lo != 0 {
		t.Errorf("ge's lower bound %d, want 0 (weights are positive)", ge.Range.Lo)
	}
	thr := math.Floor(-0.05 / v.Scale)
	if lo, hi := v.SI(v.Range.Lo), float64(v.Range.Hi); math.Abs(lo+0.060) > 2*v.Scale || hi > thr {
		t.Errorf("v's range %s, want [-60 mV, threshold]", v.RangeString())
	}
	if v.Width >= 16 {
		t.Errorf("v proved in %s but kept %d bits", v.RangeString(), v.Width)
	}
}

// TestRangeSaturation: 1000 inputs that may all spike in one step cannot
// be bounded in 16 bits: the port's resize keeps its saturation and the
// variable says why.
func TestRangeSaturation(t *testing.T) {
	p := compile(t, "../testdata/fixed/ranges.snn")
	q := lower(t, p, "q16")
	m := model(t, q, "Saturated")
	ge := variable(t, m, "ge")
	if ge.Proof != iir.Saturate {
		t.Fatalf("ge: %s", ge.Proof)
	}
	for _, want := range []string{"port exc may add 1000 events", "all 1000 of Many"} {
		if !strings.Contains(ge.Why, want) {
			t.Errorf("why %q lacks %q", ge.Why, want)
		}
	}
	port := m.Ports[0].Kernel
	found := false
	for _, o := range port.Ops {
		if o.Code == iir.OpResize && o.Ovf == iir.Saturate {
			found = true
		}
	}
	if !found {
		t.Errorf("no saturation in port exc:\n%s", q)
	}
	// the update of ge only decays it: proved even here
	for _, o := range m.Update.Ops {
		if o.Code == iir.OpResize && o.Var == ge && o.Ovf != iir.Proved {
			t.Errorf("ge's decay needs no saturation, has %s", o.Ovf)
		}
	}
}

// TestWidthsExplicit: every op of every lowered model has a width, and a
// value's interval fits it.
func TestWidthsExplicit(t *testing.T) {
	for _, c := range []struct{ path, target string }{
		{"../examples/cuba.snn", "q16"},
		{"../testdata/fixed/ranges.snn", "q16"},
		{"../testdata/fixed/loihi_lif.snn", "loihi"},
		{"../testdata/fixed/xylo_lif.snn", "xylo"},
	} {
		q := lower(t, compile(t, c.path), c.target)
		for _, m := range q.Models {
			for _, k := range []*iir.Kernel{m.Update, m.Threshold, m.Reset} {
				if k == nil {
					continue
				}
				for _, o := range k.Ops {
					if o.Code == iir.OpRefract {
						continue
					}
					if o.Width < 1 {
						t.Errorf("%s %s %s: %%%d %s has no width", c.path, m.Name, k.Name, o.ID, o.Code)
					}
					if o.Code != iir.OpStore && (o.Range.Lo < iir.MinOf(o.Width, o.Signed) || o.Range.Hi > iir.MaxOf(o.Width, o.Signed)) {
						t.Errorf("%s %s %s: %%%d %s range [%d, %d] does not fit its width %d", c.path, m.Name, k.Name, o.ID, o.Code, o.Range.Lo, o.Range.Hi, o.Width)
					}
				}
			}
		}
	}
}

// TestPrintGolden: `snnc ir --target` output for CUBA on q16 and the LIF
// compartments on loihi and xylo.
func TestPrintGolden(t *testing.T) {
	for _, c := range []struct{ path, target, golden string }{
		{"../examples/cuba.snn", "q16", "cuba_q16.golden"},
		{"../testdata/fixed/ranges.snn", "q16", "ranges_q16.golden"},
		{"../testdata/fixed/loihi_lif.snn", "loihi", "loihi_lif.golden"},
		{"../testdata/fixed/xylo_lif.snn", "xylo", "xylo_lif.golden"},
		{"../testdata/fixed/stdp.snn", "q16", "stdp_q16.golden"},
	} {
		var out bytes.Buffer
		iir.Print(&out, lower(t, compile(t, c.path), c.target))
		golden.Check(t, "../testdata/fixed/"+c.golden, out.Bytes())
	}
}
