package verilog_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/snnc/snnc/ir/iir"
	"github.com/snnc/snnc/quantize"
)

// stdNet is a small network of one neuron type: Poisson inputs onto both
// ports (one with a delay), recurrent excitation with a delay, and a
// current step on I_ext where the model has it.
func stdNet(defs, model, exc, inh, current string, dt, dur float64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "import \"std/neurons\"\n\n%s\nnetwork Net {\n    dt = %g ms\n    seed = 5\n", defs, dt)
	fmt.Fprintf(&b, "    input In = poisson(12, rate = 150 Hz)\n")
	fmt.Fprintf(&b, "    population P = %s[6]\n", model)
	fmt.Fprintf(&b, "    project In -> P : exc { connect = bernoulli(0.5)  weight = %s }\n", exc)
	if inh != "" {
		fmt.Fprintf(&b, "    project In -> P : inh { connect = bernoulli(0.3)  weight = %s  delay = %g ms }\n", inh, 3*dt)
	}
	fmt.Fprintf(&b, "    project P -> P : exc { connect = bernoulli(0.5)  weight = %s  delay = %g ms }\n", exc, 5*dt)
	if current != "" {
		fmt.Fprintf(&b, "    input C = current_step(amplitude = %s, start = %g ms, stop = %g ms) -> P : I_ext\n", current, dur/8, dur*3/4)
	}
	fmt.Fprintf(&b, "    record spikes(P)\n}\n\nrun Net for %g ms\n", dur)
	return b.String()
}

// stochastic writes q16 with stochastic rounding as a profile file.
func stochastic(t *testing.T) string {
	prof, err := iir.LoadProfile("q16")
	if err != nil {
		t.Fatal(err)
	}
	prof.Name, prof.Rounding = "q16-stochastic", iir.Stochastic
	path := filepath.Join(t.TempDir(), "q16s.json")
	if err := os.WriteFile(path, prof.JSON(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestCosimStdlib: every standard neuron type that a profile can express,
// generated as Verilog and run in Icarus Verilog, gives the Go
// bit-accurate simulator's spikes step by step and its final state memory
// word for word. Which types lower on which profile is pinned too, so a
// type that starts (or stops) lowering is noticed.
func TestCosimStdlib(t *testing.T) {
	needTools(t)
	type model struct {
		name, exc, inh, current string
		defs                    string // testdata file with the definition ("": std/neurons)
		dt                      float64
	}
	models := []model{
		{"LIF", "6 mV", "-4 mV", "0.1 nA", "", 0.1},
		{"CondLIF", "8 nS", "4 nS", "0.2 nA", "", 0.1},
		{"AdaptiveLIF", "(3.0)", "(0.5)", "", "", 0.1},
		{"Izhikevich", "6 mV", "-3 mV", "8 pA", "", 0.1},
		{"AdEx", "8 nS", "4 nS", "0.5 nA", "", 0.1},
		{"IF", "3 mV", "-1 mV", "2 nA", "", 0.1},
		// the compartments loihi and xylo have (no standard type fits them)
		{"LIF1", "4 mV", "-3 mV", "", "../../testdata/fixed/cuba_one_current.snn", 0.1},
		{"LoihiLIF", "20 mV", "", "", "../../testdata/fixed/loihi_lif.snn", 1},
		{"XyloLIF", "9 mV", "", "", "../../testdata/fixed/xylo_lif.snn", 1},
	}
	q16s := stochastic(t)
	targets := []string{"q16", q16s, "loihi", "xylo"}
	want := map[string]bool{ // model@target that lower
		"LIF@q16": true, "CondLIF@q16": true, "AdaptiveLIF@q16": true, "Izhikevich@q16": true, "IF@q16": true, "LIF1@q16": true,
		"LoihiLIF@q16": true, "XyloLIF@q16": true,
		"LIF@q16-stochastic": true, "Izhikevich@q16-stochastic": true, "LIF1@q16-stochastic": true,
		"LoihiLIF@loihi": true, "XyloLIF@xylo": true, "LoihiLIF@xylo": true, "XyloLIF@loihi": true, // LIF1 has a refractory period: refused on loihi
	}
	var lowered []string
	for _, m := range models {
		defs := ""
		if m.defs != "" {
			defs = neuronDefs(t, m.defs)
		}
		dur := 400 * m.dt
		if m.name == "CondLIF" || m.name == "AdaptiveLIF" || m.name == "Izhikevich" {
			dur = 250 * m.dt // RK4 kernels: the slowest to simulate
		}
		p := compileSrc(t, m.name+".snn", stdNet(defs, m.name, m.exc, m.inh, m.current, m.dt, dur))
		short := compileSrc(t, m.name+".snn", stdNet(defs, m.name, m.exc, m.inh, m.current, m.dt, dur/2))
		for _, target := range targets {
			if target == q16s && m.name != "LIF" && m.name != "Izhikevich" && m.name != "LIF1" {
				continue // stochastic rounding on one linear, one RK4 and one compartment model (simulation time)
			}
			prof, err := iir.LoadProfile(target)
			if err != nil {
				t.Fatal(err)
			}
			key := m.name + "@" + prof.Name
			if q, _ := quantize.Lower(p, prof); q == nil {
				if want[key] {
					t.Errorf("%s no longer lowers", key)
				}
				continue
			}
			lowered = append(lowered, key)
			if !want[key] {
				t.Errorf("%s lowers now: add it to the table", key)
			}
			t.Run(key, func(t *testing.T) {
				pp := p
				if target == q16s {
					pp = short
				}
				d := design(t, pp, target, 0, 5)
				n := compare(t, d, iverilog(t, d))
				if n == 0 {
					t.Errorf("no spikes: the comparison shows nothing")
				}
				t.Logf("%d spikes identical", n)
			})
		}
	}
	slices.Sort(lowered)
	t.Logf("lowered: %v", lowered)
}
