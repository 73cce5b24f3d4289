package lang_test

import (
	"strings"
	"testing"

	"github.com/snnc/snnc/lang"
	"github.com/snnc/snnc/parser"
)

// sumModel is a neuron whose equation is a sum of n terms.
func sumModel(n int) []byte {
	return []byte("neuron N {\n    state { v = 0 mV }\n    equations { v' = " +
		strings.Repeat("1 mV/ms + ", n-1) + "1 mV/ms }\n}\n")
}

// TestFormatLongSumLinear: printing a long sum looks at each node a bounded
// number of times (deciding the parentheses of each operand once walked the
// whole left operand, so 16,000 terms took seconds).
func TestFormatLongSumLinear(t *testing.T) {
	steps := func(n int) int64 {
		f := mustParse(t, "sum.snn", sumModel(n))
		before := lang.OpenEndedSteps.Load()
		out := lang.Format(f)
		if !strings.Contains(string(out), strings.Repeat("1 mV/ms + ", n-1)) {
			t.Fatalf("the sum did not print as one line:\n%.300s", out)
		}
		return lang.OpenEndedSteps.Load() - before
	}
	const n = 2000
	a, b := steps(n), steps(2*n)
	if r := float64(b) / float64(a); r > 3 || a > 10*n {
		t.Errorf("printing %d terms took %d steps, %d terms %d: want about %d and ratio about 2 (got %.1f)", n, a, 2*n, b, 2*n, r)
	}
}

func BenchmarkFormatSum16000(b *testing.B) {
	src := sumModel(16000)
	f, diags := parser.Parse("sum.snn", src)
	if diags.HasErrors() {
		b.Fatal(diags)
	}
	for b.Loop() {
		lang.Format(f)
	}
}
