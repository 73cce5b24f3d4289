package lang_test

import (
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/lang"
)

// TestExpansionLimitFarAbove: every model in examples/ and stdlib/ checks
// clean with an expansion limit a hundred times lower than the real one.
func TestExpansionLimitFarAbove(t *testing.T) {
	var files []string
	for _, pat := range []string{"../examples/*.snn", "../examples/*/*.snn", "../stdlib/*.snn"} {
		m, err := filepath.Glob(pat)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 10 {
		t.Fatalf("found only %d models", len(files))
	}
	lang.SetMaxExpanded(t, lang.MaxExpanded/100)
	for _, f := range files {
		if _, diags := snnc.CheckFile(f); diags.HasErrors() {
			t.Errorf("%s: %v", f, diags)
		}
	}
}

// doublingFunctions is k functions, each calling the previous one twice,
// and a neuron using the last.
func doublingFunctions(k int) []byte {
	var b strings.Builder
	b.WriteString("function f0(x) = x\n")
	for i := 1; i <= k; i++ {
		fmt.Fprintf(&b, "function f%d(x) = f%d(x) + f%d(x)\n", i, i-1, i-1)
	}
	fmt.Fprintf(&b, "neuron N {\n    parameters { tau = 10 ms }\n    state { v = 0 mV }\n    equations { v' = -v / tau + f%d(v / tau) }\n}\n", k)
	return []byte(b.String())
}

// TestCheckDoublingFunctionsLinear: with the expansion limit out of the
// way, checking k functions that each call the previous one twice costs
// memory linear in k (each body was checked once per call: 2^k times).
func TestCheckDoublingFunctionsLinear(t *testing.T) {
	lang.SetMaxExpanded(t, 1<<62)
	bytes := func(k int) uint64 {
		src := doublingFunctions(k)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, diags := snnc.Check("f.snn", src)
		runtime.ReadMemStats(&after)
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		return after.TotalAlloc - before.TotalAlloc
	}
	const k = 10
	a, b := bytes(k), bytes(2*k)
	if r := float64(b) / float64(a); r > 3 {
		t.Errorf("checking %d functions allocated %d B, %d functions %d B: ratio %.1f, want about 2", k, a, 2*k, b, r)
	}
}

// BenchmarkCheckDoublingFunctions20: refused at f16 by the expansion limit.
func BenchmarkCheckDoublingFunctions20(b *testing.B) {
	src := doublingFunctions(20)
	for b.Loop() {
		snnc.Check("f.snn", src)
	}
}

// BenchmarkCheckDoublingFunctions20NoLimit: the same model checked in full.
func BenchmarkCheckDoublingFunctions20NoLimit(b *testing.B) {
	lang.SetMaxExpanded(b, 1<<62)
	src := doublingFunctions(20)
	for b.Loop() {
		if _, diags := snnc.Check("f.snn", src); diags.HasErrors() {
			b.Fatal(diags)
		}
	}
}

// TestExpansionOverflowNotNaN: a size past the float range counts as +Inf
// and is refused. k passes the huge nest to g, which ignores it: the
// argument is still built once, so 0 · +Inf must not make NaN (which
// compares below every limit). Generated here: the format round-trip test
// reads testdata, and comparing a 160-deep tree there takes minutes.
func TestExpansionOverflowNotNaN(t *testing.T) {
	src := "function f(x) = " + strings.Repeat("x + ", 99) + "x\n" +
		"function g(unused, y) = y\n" +
		"function k(x) = g(" + strings.Repeat("f(", 160) + "x" + strings.Repeat(")", 160) + ", x)\n" +
		"neuron N {\n    parameters { tau = 10 ms }\n    state { v = 0 mV }\n    equations { v' = -v / tau + k(v / tau) }\n}\n"
	_, diags := snnc.Check("k.snn", []byte(src))
	if len(diags) != 1 || diags[0].Pos.Line != 3 || diags[0].Pos.Col != 10 ||
		!strings.HasPrefix(diags[0].Msg, "function k expands to over 10^308 nodes") {
		t.Errorf("want one error at 3:10 for k over 10^308 nodes, got %v", diags)
	}
}
