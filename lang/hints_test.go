package lang_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/parser"
)

// hintCode finds the code a hint offers in place of the user's: each
// pattern's first group is an expression.
var hintCode = []*regexp.Regexp{
	regexp.MustCompile(`write (.+) to use the `),                 // 4/ms * m where m is a name
	regexp.MustCompile(`to multiply, write (.+)$`),               // 2 tau where tau is a name
	regexp.MustCompile(`goes right after a number: write (.+)$`), // a bare unit name
	regexp.MustCompile(`e\.g\. (\(.+)$`),                         // (v / 1 mV)^1.5
	regexp.MustCompile(`compare, as in (.+)$`),                   // a non-boolean condition
}

// Every expression a hint suggests must parse: the hint for `4/ms * m`
// (m a parameter) used to suggest `(4 1/ms) * m`, itself a syntax error.
// The hints come from the error corpus and from models that put each shape
// of unit (leading division, powers, products) before a clashing name.
func TestHintSuggestionsParse(t *testing.T) {
	files, _ := filepath.Glob("../testdata/errors/*.snn")
	type input struct {
		name string
		src  []byte
	}
	var inputs []input
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, input{f, src})
	}
	for i, e := range []string{"4/ms * m", "4/ms^2 * m", "4 ms^2 * m", "4 mV/ms^2 * m", "4 mV*ms^-1 * m", "4/ms/mV * m", "2.5e-3 ms * m", "2 m"} {
		src := fmt.Sprintf("neuron A {\n    parameters {\n        m = 2\n    }\n    state {\n        v = 0 mV\n    }\n    equations {\n        v' = %s * 1 mV/ms\n    }\n}\n", e)
		inputs = append(inputs, input{fmt.Sprintf("clash%d.snn", i), []byte(src)})
	}
	used := make([]int, len(hintCode))
	for _, in := range inputs {
		_, diags := snnc.Check(in.name, in.src)
		for _, d := range diags {
			for k, re := range hintCode {
				m := re.FindStringSubmatch(d.Hint)
				if m == nil {
					continue
				}
				used[k]++
				model := "neuron A {\n    equations {\n        x' = " + m[1] + "\n    }\n}\n"
				if _, pd := parser.Parse("hint.snn", []byte(model)); pd.HasErrors() {
					t.Errorf("%s: the hint %q suggests %q, which does not parse: %v", d.Pos, d.Hint, m[1], pd[0].Msg)
				}
			}
		}
	}
	for k, n := range used {
		if n == 0 {
			t.Errorf("no hint matched %v: the test no longer sees these suggestions", hintCode[k])
		}
	}
}
