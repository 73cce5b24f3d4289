package snnc_test

import (
	"strings"
	"testing"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/lang"
)

// TestSet: --set replaces a population's parameter (here the one a phase
// assigns) or adds an override, and bad overrides are positioned errors in
// the synthetic <--set> file.
func TestSet(t *testing.T) {
	const model = "testdata/gocode/phases.snn"
	value := func(sets ...string) float64 {
		t.Helper()
		p, _, diags := snnc.CompileIR(model, snnc.Options{Set: sets})
		if p == nil {
			t.Fatalf("%v", diags)
		}
		c, ok := p.Phases[0].Sets[0].Value.(*ir.Const)
		if !ok {
			t.Fatalf("phase value %s is not a constant", ir.ExprString(p.Phases[0].Sets[0].Value))
		}
		return c.V
	}
	if v := value(); v != 2 {
		t.Errorf("A.gain in phase fast = %g, want the file's g0 = 2", v)
	}
	if v := value("A.g0=3.5"); v != 3.5 {
		t.Errorf("with --set A.g0=3.5: A.gain = %g", v)
	}
	if v := value("B.g0=7"); v != 2 {
		t.Errorf("--set B.g0 changed A: %g", v)
	}
	for _, c := range []struct{ set, want string }{
		{"A.g1=2", `<--set>:3:1: error: neuron type Ramp has no parameter or state variable g1`},
		{"C.g0=2", `<--set>:3:1: error: --set C.g0: C is not a population, input or named projection`},
		{"A.v_th=2 ms", `<--set>:3:8: error: v_th must be voltage (mV), not time (ms)`},
		{"A.g0", `expected NAME.PARAM=VALUE`},
	} {
		p, _, diags := snnc.CompileIR(model, snnc.Options{Set: []string{c.set}})
		if p != nil || !strings.Contains(diags.Error(), c.want) {
			t.Errorf("--set %s: %v, want %q", c.set, diags, c.want)
		}
	}
}

// FuzzSet: any --set value, alone or with another, on a model with phases,
// a plastic named projection and compartments, gives a program or errors
// with positions (in <--set> or the model), never a panic.
// (`P.#=1` indexed past the parsed settings; `P.tau_m=tau_m` recursed
// until the stack overflowed.)
func FuzzSet(f *testing.F) {
	const model = `import "std/neurons"
import "std/plasticity"
import "std/dendrites"
network N {
    population P = LIF[4]
    population T = TwoCompartment[2]
    input S = poisson(4, rate = 50 Hz)
    project pl = S -> P : exc using PairSTDP { connect = one_to_one  weight = 6 mV }
    record spikes(P), P.v, T.dend.v_d
}
run N for 5 ms {
    phase a at 2 ms { P.v = v_reset }
}
`
	for _, s := range []string{"P.tau_m=10 ms", "pl.w_max=0.5", "P.#=1", "P.tau_m=1 ms v_th = 3 mV", "P.tau_m=tau_m",
		"P.v_th=v_reset", "P.tau_m=(", "P.tau_m==1 ms", "T.C_d=1 pF", "S.rate=1 Hz", "P.v=uniform(0 mV, 1 mV)", "pl.delay=-1 ms"} {
		f.Add(s, "P.v_reset=-70 mV")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		_, _, diags := snnc.CompileSource("m.snn", []byte(model), snnc.Options{Set: []string{a, b}})
		for _, d := range diags {
			if d.Severity == lang.Error && d.Pos.File == "" {
				t.Fatalf("error without a file: %s", d.Msg)
			}
		}
	})
}

// TestSetInputsAndPairs: --set reaches an input's arguments (P.rate) and
// unnamed projections, named PRE->POST or PRE->POST:PORT; an ambiguous or
// unknown pair, and a pair inside a projection of several populations, are
// positioned errors.
func TestSetInputsAndPairs(t *testing.T) {
	const model = `import "std/neurons"
network D {
    population E = LIF[10]
    population I = LIF[10]
    population F = LIF[10]
    input P = poisson(10, rate = 15 Hz)
    project P -> E : exc { connect = one_to_one  weight = 2 mV }
    project E -> I : exc { connect = all_to_all  weight = 1 mV }
    project E -> I : inh { connect = all_to_all  weight = 1 mV }
    project E, I -> F : exc { connect = all_to_all  weight = 1 mV }
    record spikes(E, I, F)
}
run D for 10 ms
`
	compile := func(sets ...string) (*ir.Program, lang.Diagnostics) {
		p, _, diags := snnc.CompileSource("m.snn", []byte(model), snnc.Options{Set: sets})
		return p, diags
	}
	p, diags := compile("P.rate=100 Hz", "P->E.weight=3 mV", "E->I:inh.weight=5 mV", "E -> I : exc.weight=0.5 mV")
	if p == nil {
		t.Fatalf("%v", diags)
	}
	if r := p.Inputs[0].Num["rate"]; r != 100 {
		t.Errorf("P.rate = %g Hz, want 100", r)
	}
	want := map[string]float64{"P->E:exc": 3e-3, "E->I:exc": 0.5e-3, "E->I:inh": 5e-3, "E->F:exc": 1e-3, "I->F:exc": 1e-3}
	for _, prj := range p.Projs {
		w, ok := prj.Weight.(*ir.Const)
		if !ok || w.V != want[prj.Name] {
			t.Errorf("%s: weight %s, want %g", prj.Name, ir.ExprString(prj.Weight), want[prj.Name])
		}
	}
	for _, c := range []struct{ set, want string }{
		{"E->I.weight=2 mV", "<--set>:3:1: error: --set E->I.weight: E->I matches 2 projections: line 8 (port exc), line 9 (port inh)"},
		{"X->I.weight=2 mV", "<--set>:3:1: error: --set X->I.weight: m.snn has no projection X->I"},
		{"E->F.weight=2 mV", "the projection on line 10 connects more than E->F"},
		{"P.rte=1 Hz", "<--set>:3:1: error: poisson has no argument rte"},
		{"P.rate=1 mV", "<--set>:3:8: error: argument rate must be frequency (Hz), not voltage (mV)"},
		{"E->.weight=1 mV", "expected NAME.PARAM=VALUE"},
	} {
		p, diags := compile(c.set)
		if p != nil || !strings.Contains(diags.Error(), c.want) {
			t.Errorf("--set %s: %v, want %q", c.set, diags, c.want)
		}
	}
}

// TestSetViews: an unnamed projection on population views is named by its
// views, as snnc ir and a built program name it: E[0:5]->I:exc.
func TestSetViews(t *testing.T) {
	const model = `import "std/neurons"
network D {
    population E = LIF[10]
    population I = LIF[10]
    project E[0:5] -> I : exc { connect = all_to_all  weight = 1 mV }
    project E[5:] -> I : exc { connect = all_to_all  weight = 1 mV }
    record spikes(I)
}
run D for 1 ms
`
	p, _, diags := snnc.CompileSource("m.snn", []byte(model), snnc.Options{Set: []string{"E[0:5]->I:exc.weight=2 mV", "E[5:10]->I.weight=3 mV"}})
	if p == nil {
		t.Fatalf("%v", diags)
	}
	want := map[string]float64{"E[0:5]->I:exc": 2e-3, "E[5:10]->I:exc": 3e-3}
	for _, prj := range p.Projs {
		if w, ok := prj.Weight.(*ir.Const); !ok || w.V != want[prj.Name] {
			t.Errorf("%s: weight %s, want %g", prj.Name, ir.ExprString(prj.Weight), want[prj.Name])
		}
	}
	_, _, diags = snnc.CompileSource("m.snn", []byte(model), snnc.Options{Set: []string{"E->I.weight=2 mV"}})
	if !strings.Contains(diags.Error(), "m.snn has no projection E->I") {
		t.Errorf("whole E: %v", diags)
	}
}
