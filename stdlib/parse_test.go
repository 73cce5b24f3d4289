package stdlib_test

import (
	"bytes"
	"testing"

	"github.com/snnc/snnc/lang"
	"github.com/snnc/snnc/parser"
	"github.com/snnc/snnc/stdlib"
)

// Every module parses without diagnostics and declares at least one type.
func TestModulesParse(t *testing.T) {
	for _, p := range stdlib.Names() {
		src, _ := stdlib.Lookup(p)
		f, diags := parser.Parse(p, src)
		if len(diags) > 0 {
			var b bytes.Buffer
			diags.Print(&b, lang.Sources{p: src}, false)
			t.Errorf("%s does not parse:\n%s", p, b.String())
			continue
		}
		types := 0
		for _, d := range f.Decls {
			if _, ok := d.(*lang.TypeDecl); ok {
				types++
			}
		}
		if types == 0 {
			t.Errorf("%s declares no neuron or synapse type", p)
		}
	}
}
