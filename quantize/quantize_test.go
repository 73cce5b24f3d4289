package quantize_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/ir/iir"
	"github.com/snnc/snnc/lang"
	"github.com/snnc/snnc/passes"
)

func quantized(t *testing.T, path, target string) (*iir.Program, lang.Diagnostics) {
	t.Helper()
	_, q, _, diags := snnc.CompileTarget(path, snnc.Options{Passes: passes.Options{Target: target, Verify: true}})
	return q, diags
}

// TestQuantizeOnlyWithTarget: without a target the pipeline stops at the
// float IR.
func TestQuantizeOnlyWithTarget(t *testing.T) {
	p, q, _, diags := snnc.CompileTarget("../examples/cuba.snn", snnc.Options{})
	if p == nil {
		t.Fatal(diags)
	}
	if q != nil {
		t.Error("an integer program without --target")
	}
	if q, _ := quantized(t, "../examples/cuba.snn", "q16"); q == nil {
		t.Fatal("no integer program with --target q16")
	}
}

// TestQuantizeNotes: the pass says which variables are proved and where
// saturation stays (notes, seen with -v).
func TestQuantizeNotes(t *testing.T) {
	q, diags := quantized(t, "../testdata/fixed/ranges.snn", "q16")
	if q == nil {
		t.Fatal(diags)
	}
	var notes []string
	for _, d := range diags {
		if d.Severity == lang.Note && strings.HasPrefix(d.Msg, "quantize (q16)") {
			notes = append(notes, d.Error())
		}
	}
	all := strings.Join(notes, "\n")
	for _, want := range []string{
		"LIF@Proved.ge s15 Q-2.16 proved in [0 mV, 210.281 mV]",
		"LIF@Saturated.ge s16 Q-4.19 saturates: port exc may add 1000 events",
		"ranges.snn:12:9: note: quantize (q16): LIF@Proved.ge", // at the declaration of ge
	} {
		if !strings.Contains(all, want) {
			t.Errorf("no note with %q in\n%s", want, all)
		}
	}
}

// TestQuantizeErrors: what a target cannot express stops the compilation
// with positioned errors; an unknown target is an error.
func TestQuantizeErrors(t *testing.T) {
	p, diags := quantized(t, "../examples/cuba.snn", "xylo")
	if p != nil || !diags.HasErrors() {
		t.Fatal("CUBA compiled for xylo")
	}
	want := "cuba.snn:42:9: error: refractory periods cannot be expressed on xylo: its neurons have none"
	if !strings.Contains(diags.Error(), want) {
		t.Errorf("got %v, want %s", diags, want)
	}
	// issue 17 item 3: Lava's bit-accurate LIF has no refractory period and
	// its Dense no learning: loihi refuses both, naming them
	_, diags = quantized(t, "../examples/cuba.snn", "loihi")
	if !strings.Contains(diags.Error(), "cuba.snn:42:9: error: refractory periods cannot be expressed on loihi") {
		t.Errorf("loihi accepts a refractory period: %v", diags)
	}
	stdp := filepath.Join(t.TempDir(), "stdp.snn")
	lif, err := os.ReadFile("../examples/hardware/loihi_network.snn")
	if err != nil {
		t.Fatal(err)
	}
	src := string(lif[:strings.Index(string(lif), "\nnetwork ")+1]) + `import "std/plasticity"

network Net {
    dt = 1 ms
    input In = poisson(4, rate = 50 Hz)
    population P = LoihiLIF[2]
    project In -> P : exc using PairSTDP { connect = all_to_all  weight = 5 mV }
}

run Net for 10 ms
`
	if err := os.WriteFile(stdp, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	_, diags = quantized(t, stdp, "loihi")
	if !strings.Contains(diags.Error(), "stdp.snn:47:5: error: plastic synapse PairSTDP (projection In->P:exc) cannot be expressed on loihi: its synapses do not learn on chip") {
		t.Errorf("loihi accepts STDP: %v", diags)
	}
	// values computed from the neuron index, and population views
	_, diags = quantized(t, "../testdata/run/fi_ramp.snn", "q16")
	if !strings.Contains(diags.Error(), "fi_ramp.snn:12:9: error: I0 of population P is computed from the neuron index i, which cannot be expressed on q16 yet") {
		t.Errorf("index: %v", diags)
	}
	_, diags = quantized(t, "../testdata/run/views.snn", "q16")
	var msgs []string
	for _, d := range diags {
		msgs = append(msgs, d.Error())
	}
	if all := strings.Join(msgs, "\n"); !strings.Contains(all, "projection S[2:5]->E[10:13]:exc on a population view cannot be expressed on q16 yet") ||
		!strings.Contains(all, "input C drives a population view") {
		t.Errorf("views: %v", diags)
	}
	_, diags = quantized(t, "../examples/cuba.snn", "tpu")
	if !strings.Contains(diags.Error(), `--target: unknown profile "tpu"`) {
		t.Errorf("unknown target: %v", diags)
	}
}
