package passes_test

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/internal/golden"
	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/lang"
	"github.com/snnc/snnc/passes"
)

// compile runs the pipeline up to and including pass `after`, with the
// verifier after every pass, and fails the test on errors.
func compile(t *testing.T, path, after string, off ...string) (*ir.Program, lang.Diagnostics) {
	t.Helper()
	p, diags := try(path, after, off...)
	if p == nil {
		t.Fatalf("%s: %v", path, diags)
	}
	return p, diags
}

func try(path, after string, off ...string) (*ir.Program, lang.Diagnostics) {
	o := snnc.Options{Passes: passes.Options{After: after, Verify: true, Off: map[string]bool{}}}
	for _, name := range off {
		o.Passes.Off[name] = true
	}
	p, _, diags := snnc.CompileIR(path, o)
	return p, diags
}

// goldenPass checks the IR after `pass` for every input in
// testdata/passes/<pass>/ against its .golden file.
func goldenPass(t *testing.T, pass string, skip ...string) {
	inputs, _ := filepath.Glob(filepath.Join("../testdata/passes", pass, "*.snn"))
	if len(inputs) == 0 {
		t.Fatalf("no inputs for %s", pass)
	}
	for _, in := range inputs {
		if contains(skip, filepath.Base(in)) {
			continue
		}
		p, diags := compile(t, in, pass)
		var out bytes.Buffer
		ir.Print(&out, p)
		for _, d := range diags {
			out.WriteString("# " + d.Error() + "\n")
		}
		golden.Check(t, strings.TrimSuffix(in, ".snn")+".golden", out.Bytes())
	}
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// TestVerifyAllModels: every shipped model passes the verifier after every
// pass (compile sets Verify).
func TestVerifyAllModels(t *testing.T) {
	var files []string
	for _, pat := range []string{"../stdlib/*.snn", "../examples/*.snn", "../testdata/parse/*.snn"} {
		m, _ := filepath.Glob(pat)
		files = append(files, m...)
	}
	for _, f := range files {
		compile(t, f, "")
	}
}

func TestOrderConstraints(t *testing.T) {
	if err := passes.CheckOrder(passes.Table, passes.Constraints); err != nil {
		t.Fatal(err)
	}
	// a table that breaks a constraint is refused, with the reason
	swapped := []*passes.Pass{passes.Lookup("ode"), passes.Lookup("fold"), passes.Lookup("dce")}
	err := passes.CheckOrder(swapped, passes.Constraints)
	if err == nil || !strings.Contains(err.Error(), "numeric coefficients") {
		t.Errorf("swapped fold and ode: got %v, want the constraint's reason", err)
	}
}

func TestDebugFlags(t *testing.T) {
	var o passes.Options
	if err := passes.ParseDebug([]string{"dce=off", "fold=dump"}, &o); err != nil || !o.Off["dce"] || !o.Dump["fold"] {
		t.Errorf("dce=off,fold=dump: %v %+v", err, o)
	}
	for flag, want := range map[string]string{
		"nosuch=off": "expected PASS=off|on|dump with PASS one of fold, ode, prune, dce",
		"ode=off":    "required",
		"dce=maybe":  "expected off, on or dump",
		"dce":        "expected PASS=off",
	} {
		var o passes.Options
		if err := passes.ParseDebug([]string{flag}, &o); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("-d %s: got %v, want %q", flag, err, want)
		}
	}
	o = passes.Options{After: "nope"}
	if err := passes.ParseDebug(nil, &o); err == nil {
		t.Error("--after nope: want an error")
	}
}

// TestDumpAndTimes: -d PASS=dump prints the IR after the pass, and
// --time-passes reports each pass that ran.
func TestDumpAndTimes(t *testing.T) {
	var buf bytes.Buffer
	o := snnc.Options{Passes: passes.Options{Dump: map[string]bool{"fold": true}, TimePasses: true, Out: &buf}}
	if p, _, diags := snnc.CompileIR("../examples/cuba.snn", o); p == nil {
		t.Fatal(diags)
	}
	out := buf.String()
	for _, want := range []string{"# after fold", "neuron CubaLIF@E", "pass fold", "pass ode", "pass dce"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if strings.Contains(out, "# after ode") {
		t.Error("only fold was asked to dump")
	}
}

// TestLostRecord: a pass that removes a recorded variable is caught with a
// positioned error naming the pass (simulated by a rogue pass).
func TestLostRecord(t *testing.T) {
	rogue := &passes.Pass{Name: "rogue", Run: func(ctx *passes.Context) {
		for _, pop := range ctx.Prog.Pops {
			pop.Model.Vars = nil
		}
	}}
	passes.Table = append(passes.Table, rogue)
	defer func() { passes.Table = passes.Table[:len(passes.Table)-1] }()
	p, diags := try("../testdata/passes/fold/never.snn", "")
	if p != nil || len(diags) == 0 {
		t.Fatal("want an error")
	}
	for _, d := range diags {
		if d.Pos.Line == 20 && d.Pos.Col == 12 && strings.Contains(d.Msg, "v cannot be recorded: pass rogue removed it") {
			return
		}
	}
	for _, d := range diags {
		t.Log(d.Error())
	}
	t.Error("no positioned error about the lost record")
}

// TestCheckPlan: -d check=on turns the verifier on, and with it the plan
// check runs after every pass from ode on (the IR is executable from
// there); a failing check is an internal error naming the pass.
func TestCheckPlan(t *testing.T) {
	var o passes.Options
	if err := passes.ParseDebug([]string{"check=on"}, &o); err != nil || !o.Verify {
		t.Fatalf("check=on: verify %v, err %v", o.Verify, err)
	}
	var after []string
	o.CheckPlan = func(*ir.Program) error {
		after = append(after, "checked")
		return nil
	}
	prog, _, diags := snnc.CompileIR("../examples/cuba.snn", snnc.Options{Passes: o})
	if prog == nil {
		t.Fatal(diags)
	}
	ran := 0
	for i, p := range passes.Table {
		if p.Name == "ode" {
			ran = len(passes.Table) - i // ode and every later pass
		}
	}
	if len(after) != ran {
		t.Errorf("the plan was checked %d times, want %d (ode and every later pass that ran)", len(after), ran)
	}
	o.CheckPlan = func(*ir.Program) error { return errors.New("broken") }
	if _, _, diags := snnc.CompileIR("../examples/cuba.snn", snnc.Options{Passes: o}); !strings.Contains(diags.Error(), "internal: no valid plan after pass ode: broken") {
		t.Errorf("a failing plan check: %v", diags)
	}
}
