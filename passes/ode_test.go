package passes_test

import (
	"math"
	"strings"
	"testing"

	"github.com/snnc/snnc/ir"
)

func TestODEGolden(t *testing.T) {
	goldenPass(t, "ode", "exact_nonlinear.snn", "overflow.snn", "synapse_reads_neuron.snn", "exact_per_neuron.snn")
}

func systemOf(m *ir.Model, name string) *ir.System {
	for _, s := range m.Update {
		for _, v := range s.Vars {
			if v.Name == name {
				return s
			}
		}
	}
	return nil
}

// TestODEMethods: the split into systems and the method of each.
func TestODEMethods(t *testing.T) {
	p, _ := compile(t, "../testdata/passes/ode/methods.snn", "ode")
	m := p.Pops[0].Model
	for _, c := range []struct {
		vars   []string
		method ir.Method
	}{
		// I feeds v, so it integrates with v and w (weakly connected)
		{[]string{"v", "w", "I"}, ir.RK4},
		{[]string{"g", "h"}, ir.Exact},
		{[]string{"x", "y"}, ir.Euler},
	} {
		s := systemOf(m, c.vars[0])
		if s == nil || s.Method != c.method || len(s.Vars) != len(c.vars) {
			t.Errorf("%v: got %+v, want %s over %d variables", c.vars, s, c.method, len(c.vars))
		}
	}
	if s := systemOf(m, "v"); s == nil || !s.Clamped[0] || s.Clamped[1] {
		t.Error("v is held while refractory, w is not")
	}
}

// TestODEAlphaPropagator: the alpha synapse's propagator equals the closed
// form exp(-dt/tau)·[[1, dt],[0, 1]] to 1e-12.
func TestODEAlphaPropagator(t *testing.T) {
	p, _ := compile(t, "../testdata/passes/ode/methods.snn", "ode")
	s := systemOf(p.Pops[0].Model, "g")
	dt, tau := 1e-4, 5e-3
	e := math.Exp(-dt / tau)
	want := [][]float64{{e, dt * e}, {0, e}}
	for i := range want {
		for j := range want[i] {
			if d := math.Abs(s.P[i][j] - want[i][j]); d > 1e-12*math.Abs(want[i][j]) {
				t.Errorf("P[%d][%d] = %.17g, want %.17g", i, j, s.P[i][j], want[i][j])
			}
		}
	}
}

// TestODEStdlibMethods: the method chosen for every standard neuron's
// systems (conductance synapses make the membrane equation nonlinear).
func TestODEStdlibMethods(t *testing.T) {
	p, _ := compile(t, "../stdlib/neurons.snn", "ode")
	want := map[string]ir.Method{
		"LIF.v": ir.Exact, "IF.v": ir.Exact, "AdaptiveLIF.theta": ir.Exact,
		"AdaptiveLIF.v": ir.RK4, "CondLIF.v": ir.RK4, "Izhikevich.v": ir.RK4, "AdEx.v": ir.RK4,
		"UltraLIF.v": ir.Euler, // a discrete-time map written as an ODE (its own method euler)
	}
	for _, m := range p.Neurons {
		for _, s := range m.Update {
			key := m.Name + "." + s.Vars[0].Name
			if w, ok := want[key]; !ok || s.Method != w {
				t.Errorf("%s %v: %s, want %s", m.Name, names(s.Vars), s.Method, w)
			}
			delete(want, key)
		}
	}
	for key := range want {
		t.Errorf("no system for %s", key)
	}
}

func names(vs []*ir.Var) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.Name)
	}
	return out
}

// TestODEErrors: exact on a nonlinear system, an overflowing propagator and
// a synaptic equation reading a neuron (the backends stopped the run without
// a position) are positioned errors, and nothing is returned.
func TestODEErrors(t *testing.T) {
	for _, c := range []struct {
		file      string
		line, col int
		msg       string
	}{
		{"exact_nonlinear.snn", 8, 16, "method exact needs equations that are linear"},
		{"exact_per_neuron.snn", 12, 16, "method exact needs equations that are linear"},
		{"overflow.snn", 7, 9, "cannot integrate x over dt = 0.1 ms"},
		{"synapse_reads_neuron.snn", 13, 16, "method exact cannot integrate x', which reads post.v"},
	} {
		p, diags := try("../testdata/passes/ode/"+c.file, "")
		if p != nil || len(diags) == 0 {
			t.Errorf("%s: want an error", c.file)
			continue
		}
		d := diags[0]
		if c.file == "exact_per_neuron.snn" && !strings.Contains(d.Hint, "tau is a per-neuron parameter") {
			t.Errorf("%s: hint %q does not name the per-neuron parameter", c.file, d.Hint)
		}
		if d.Pos.Line != c.line || d.Pos.Col != c.col || !strings.Contains(d.Msg, c.msg) {
			t.Errorf("%s: got %s, want %d:%d %q", c.file, d.Error(), c.line, c.col, c.msg)
		}
	}
}
