package lang_test

import (
	"bytes"
	"fmt"
	"github.com/snnc/snnc/internal/golden"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/snnc/snnc/lang"
	"github.com/snnc/snnc/parser"
)

func mustParse(t *testing.T, name string, src []byte) *lang.File {
	t.Helper()
	f, diags := parser.Parse(name, src)
	if diags.HasErrors() {
		t.Fatalf("parse %s: %v\n--- source ---\n%s", name, diags, src)
	}
	return f
}

// TestFormatGolden checks Format against testdata/fmt/*.golden; refresh with
// `go test ./lang/ -run Golden -update`.
func TestFormatGolden(t *testing.T) {
	inputs, err := filepath.Glob("../testdata/fmt/*.snn")
	if err != nil {
		t.Fatal(err)
	}
	if len(inputs) < 4 {
		t.Fatalf("found %d golden inputs in ../testdata/fmt, want at least 4", len(inputs))
	}
	for _, in := range inputs {
		t.Run(filepath.Base(in), func(t *testing.T) {
			src, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			got := lang.Format(mustParse(t, in, src))
			path := strings.TrimSuffix(in, ".snn") + ".golden"
			golden.Check(t, path, got)
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			// The golden file is itself canonical.
			checkFormat(t, path, want)
		})
	}
}

// TestFormatRoundTrip formats every valid .snn file of the repository.
func TestFormatRoundTrip(t *testing.T) {
	n := 0
	for _, dir := range []string{"../stdlib", "../examples", "../testdata"} {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				if os.IsNotExist(err) && path == dir {
					return filepath.SkipDir
				}
				return err
			}
			if d.IsDir() || !strings.HasSuffix(path, ".snn") {
				return nil
			}
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			if _, diags := parser.Parse(path, src); diags.HasErrors() {
				return nil // invalid on purpose (testdata/errors)
			}
			n++
			t.Run(path, func(t *testing.T) { checkFormat(t, path, src) })
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if n == 0 {
		t.Fatal("no .snn files found")
	}
}

// TestFormatCommentsEverywhere adds a comment at the end of every line and
// an own-line comment before every line of each golden input and the tour;
// no comment may be lost, duplicated or change the program.
func TestFormatCommentsEverywhere(t *testing.T) {
	files, _ := filepath.Glob("../testdata/fmt/*.snn")
	files = append(files, "../testdata/parse/tour.snn")
	for _, path := range files {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		orig := mustParse(t, path, src)
		lines := strings.Split(strings.TrimSuffix(string(src), "\n"), "\n")
		variants := map[string]func(i int, l string) string{
			"trailing": func(i int, l string) string { return fmt.Sprintf("%s  # t%d", l, i) },
			"own-line": func(i int, l string) string { return fmt.Sprintf("# o%d\n%s", i, l) },
			"both":     func(i int, l string) string { return fmt.Sprintf("  # o%d\n%s # t%d", i, l, i) },
		}
		for name, edit := range variants {
			t.Run(filepath.Base(path)+"/"+name, func(t *testing.T) {
				var b strings.Builder
				for i, l := range lines {
					b.WriteString(edit(i, l) + "\n")
				}
				commented := []byte(b.String())
				f := mustParse(t, path, commented)
				if diff := cmp.Diff(orig, f, astOpts, cmpopts.IgnoreFields(lang.File{}, "Comments")); diff != "" {
					t.Fatalf("adding comments changed the program:\n%s", diff)
				}
				checkFormat(t, path, commented)
			})
		}
	}
}

// TestFormatTour: the tour of every construct reads back to the same AST.
func TestFormatTour(t *testing.T) {
	src, err := os.ReadFile("../testdata/parse/tour.snn")
	if err != nil {
		t.Fatal(err)
	}
	checkFormat(t, "tour.snn", src)
}

var astOpts = cmp.Options{
	cmpopts.IgnoreTypes(lang.Pos{}, lang.Span{}),
	cmpopts.EquateEmpty(),
}

// checkFormat checks that Format(src) parses to the same AST as src, that
// Format is idempotent and that every comment survives exactly once.
func checkFormat(t *testing.T, name string, src []byte) {
	t.Helper()
	orig := mustParse(t, name, src)
	out := lang.Format(orig)
	again := mustParse(t, name, out)
	if diff := cmp.Diff(orig, again, astOpts); diff != "" {
		t.Errorf("%s: AST changed by Format (-orig +formatted):\n%s\n--- formatted ---\n%s", name, diff, out)
	}
	if out2 := lang.Format(again); !bytes.Equal(out, out2) {
		t.Errorf("%s: Format is not idempotent (-first +second):\n%s", name, cmp.Diff(string(out), string(out2)))
	}
	checkComments(t, name, orig, again, out)
	checkLayout(t, name, out)
}

// checkComments: each comment text occurs in the output as often as in the
// input, and the re-parsed file has the same comments in the same order.
func checkComments(t *testing.T, name string, orig, again *lang.File, out []byte) {
	t.Helper()
	texts := func(f *lang.File) []string {
		var s []string
		for _, c := range f.Comments {
			s = append(s, c.Text)
		}
		return s
	}
	if diff := cmp.Diff(texts(orig), texts(again), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("%s: comments changed (-in +out):\n%s", name, diff)
	}
	count := map[string]int{}
	for _, c := range orig.Comments {
		count[c.Text]++
	}
	for text, n := range count {
		contained := false // in another comment: counting the raw text would mislead
		for other := range count {
			contained = contained || other != text && strings.Contains(other, text)
		}
		if got := strings.Count(string(out), text); got != n && !contained {
			t.Errorf("%s: comment %q occurs %d times in the output, want %d", name, text, got, n)
		}
	}
}

// checkLayout checks the plain text rules: 4-space indentation, no trailing
// spaces or tabs, one final newline, no double blank lines.
func checkLayout(t *testing.T, name string, out []byte) {
	t.Helper()
	if len(out) == 0 {
		return
	}
	if !bytes.HasSuffix(out, []byte("\n")) || bytes.HasSuffix(out, []byte("\n\n")) {
		t.Errorf("%s: output must end in exactly one newline", name)
	}
	prevBlank := false
	for i, l := range strings.Split(strings.TrimSuffix(string(out), "\n"), "\n") {
		if strings.TrimRight(l, " \t") != l {
			t.Errorf("%s:%d: trailing white space: %q", name, i+1, l)
		}
		if strings.Contains(l, "\t") {
			t.Errorf("%s:%d: tab: %q", name, i+1, l)
		}
		ind := len(l) - len(strings.TrimLeft(l, " "))
		if ind%4 != 0 {
			t.Errorf("%s:%d: indentation %d is not a multiple of 4: %q", name, i+1, ind, l)
		}
		blank := l == ""
		if blank && (prevBlank || i == 0) {
			t.Errorf("%s:%d: extra blank line", name, i+1)
		}
		prevBlank = blank
	}
}

// TestFormatSnippets pins down individual rules.
func TestFormatSnippets(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"units", `function f(x: mV/ms): 1/ms = 2 mV/ms + 1/ms + 3 nS*mV + 4 mV^2 + 5 mV^-2 + 6 /ms`,
			"function f(x: mV/ms): 1/ms = 2 mV/ms + 1/ms + 3 nS*mV + 4 mV^2 + 5 mV^-2 + 6/ms\n"},
		{"numbers as written", "function f() = 1.50e-3 + .5 + 2.",
			"function f() = 1.50e-3 + .5 + 2.\n"},
		{"operators", "function f(a,b)=-a^2+(a-b)*b%2/ -b<=a and not a==b or a!=b",
			"function f(a, b) = -a ^ 2 + (a - b) * b % 2 / -b <= a and not a == b or a != b\n"},
		{"parens kept", "function f(a, b) = ((a)) * (b + 1)",
			"function f(a, b) = ((a)) * (b + 1)\n"},
		{"strings", "import \"a\\tb\\u00e9\\\"q\"", "import \"a\\tbé\\\"q\"\n"},
		{"postfix", "function f(E) = E.v[ 0 : 5 ] + E.v[:] + E.v[1:] + E.v[:2] + E.w[3] + g( a , b = 2, )+[1,2,]",
			"function f(E) = E.v[0:5] + E.v[:] + E.v[1:] + E.v[:2] + E.w[3] + g(a, b = 2) + [1, 2]\n"},
		{"if expr", "function f(x) = if x>0 then x else if x < -1 then 0 else -x",
			"function f(x) = if x > 0 then x else if x < -1 then 0 else -x\n"},
		{"decl spacing", "import \"a\"\nimport \"b\"\n\n\n\nfunction f() = 1\nneuron N {}\nneuron M { state { v = 1 } }\nfunction g() = 2\n",
			"import \"a\"\nimport \"b\"\n\nfunction f() = 1\n\nneuron N {}\n\nneuron M {\n    state {\n        v = 1\n    }\n}\n\nfunction g() = 2\n"},
		{"port forms", "neuron N { inputs { a: x += w\n b: {x += w;y=1}\n c: {\n x += w\n}\n d: current\n e: continuous nS\n f: continuous\n g: {}\n h: { a = 1; b = 2; c = 3; d = 4 } } }",
			"neuron N {\n    inputs {\n        a: x += w\n        b: { x += w; y = 1 }\n        c: { x += w }\n        d: current\n        e: continuous nS\n        f: continuous\n        g: {}\n        h: {\n            a = 1\n            b = 2\n            c = 3\n            d = 4\n        }\n    }\n}\n"},
		{"long port", "neuron N { inputs { b: { x_long_name += weight_long_name * 1 mV; y_long_name = 1 mV * factor_one_two; z_value = 2 } } }",
			"neuron N {\n    inputs {\n        b: {\n            x_long_name += weight_long_name * 1 mV\n            y_long_name = 1 mV * factor_one_two\n            z_value = 2\n        }\n    }\n}\n"},
		{"comments", "# head\n\n# about N\nneuron N { # open\n  # first\n  x = 1 # one\n  yy = 2   # two\n\n  # end\n} # close\n# tail\n",
			"# head\n\n# about N\nneuron N {  # open\n    # first\n    x  = 1  # one\n    yy = 2  # two\n\n    # end\n}  # close\n# tail\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := mustParse(t, tt.name, []byte(tt.in))
			got := string(lang.Format(f))
			if got != tt.want {
				t.Errorf("Format:\n%s\nwant:\n%s\ndiff (-want +got):\n%s", got, tt.want, cmp.Diff(tt.want, got))
			}
			checkFormat(t, tt.name, []byte(tt.in))
		})
	}
}

// TestFormatHandBuilt: trees the parser cannot build get the parentheses
// they need to read back the same.
func TestFormatHandBuilt(t *testing.T) {
	id := func(n string) *lang.Ident { return &lang.Ident{Name: n} }
	bin := func(op string, x, y lang.Expr) lang.Expr { return &lang.BinaryExpr{Op: op, X: x, Y: y} }
	num := func(s string) *lang.NumberLit { return &lang.NumberLit{Text: s} }
	tests := []struct {
		e    lang.Expr
		want string
	}{
		{bin("*", bin("+", id("a"), id("b")), id("c")), "(a + b) * c"},
		{bin("-", id("a"), bin("-", id("b"), id("c"))), "a - (b - c)"},
		{bin("-", bin("-", id("a"), id("b")), id("c")), "a - b - c"},
		{bin("^", bin("^", id("a"), id("b")), id("c")), "(a ^ b) ^ c"},
		{bin("^", id("a"), bin("^", id("b"), id("c"))), "a ^ b ^ c"},
		{bin("^", &lang.UnaryExpr{Op: "-", X: id("a")}, num("2")), "(-a) ^ 2"},
		{bin("<", bin("<", id("a"), id("b")), id("c")), "(a < b) < c"},
		{bin("and", bin("or", id("a"), id("b")), id("c")), "(a or b) and c"},
		{&lang.UnaryExpr{Op: "-", X: bin("+", id("a"), id("b"))}, "-(a + b)"},
		{&lang.UnaryExpr{Op: "not", X: bin("and", id("a"), id("b"))}, "not (a and b)"},
		{bin("+", &lang.IfExpr{Cond: id("c"), Then: id("a"), Else: id("b")}, num("1")), "(if c then a else b) + 1"},
		{bin("+", bin("*", num("2"), &lang.IfExpr{Cond: id("c"), Then: id("a"), Else: id("b")}), num("1")), "(2 * if c then a else b) + 1"},
		{&lang.FieldExpr{X: bin("+", id("a"), id("b")), Name: id("v")}, "(a + b).v"},
		{&lang.FieldExpr{X: num("2"), Name: id("v")}, "2 .v"},
		{bin("^", &lang.NumberLit{Text: "2", Unit: &lang.UnitExpr{Factors: []*lang.UnitFactor{{Name: "mV", Exp: 1}}}}, num("2")), "(2 mV) ^ 2"},
		{&lang.NumberLit{Value: 0.25}, "0.25"},
	}
	for _, tt := range tests {
		f := &lang.File{Decls: []lang.Decl{&lang.FuncDecl{Name: id("f"), Body: tt.e}}}
		got := string(lang.Format(f))
		want := "function f() = " + tt.want + "\n"
		if got != want {
			t.Errorf("got %q, want %q", got, want)
			continue
		}
		g, diags := parser.Parse("hand.snn", []byte(got))
		if diags.HasErrors() {
			t.Errorf("%q: %v", got, diags)
			continue
		}
		body := g.Decls[0].(*lang.FuncDecl).Body
		if diff := cmp.Diff(tt.e, stripParens(body), astOpts, cmpopts.IgnoreFields(lang.NumberLit{}, "Value", "Text")); diff != "" {
			t.Errorf("%q reads back differently (-built +parsed):\n%s", got, diff)
		}
	}
	// Nil parts and an empty file do not crash.
	lang.Format(&lang.File{Decls: []lang.Decl{nil, &lang.RunDecl{}, &lang.TypeDecl{Members: []lang.Member{&lang.OnBlock{Event: "pre"}}}}})
	if got := lang.Format(&lang.File{}); len(got) != 0 {
		t.Errorf("empty file formats as %q", got)
	}
}

// stripParens removes the ParenExpr nodes the printer added.
func stripParens(e lang.Expr) lang.Expr {
	switch x := e.(type) {
	case *lang.ParenExpr:
		return stripParens(x.X)
	case *lang.BinaryExpr:
		return &lang.BinaryExpr{Op: x.Op, X: stripParens(x.X), Y: stripParens(x.Y)}
	case *lang.UnaryExpr:
		return &lang.UnaryExpr{Op: x.Op, X: stripParens(x.X)}
	case *lang.FieldExpr:
		return &lang.FieldExpr{X: stripParens(x.X), Name: x.Name}
	case *lang.IfExpr:
		return &lang.IfExpr{Cond: stripParens(x.Cond), Then: stripParens(x.Then), Else: stripParens(x.Else)}
	}
	return e
}
