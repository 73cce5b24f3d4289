package parser

import (
	_ "github.com/snnc/snnc/internal/golden" // defines -update for go test ./... -update
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/snnc/snnc/lang"
)

var ignorePos = cmpopts.IgnoreTypes(lang.Span{})

func parseExpr(t *testing.T, src string) lang.Expr {
	t.Helper()
	f, d := Parse("x.snn", []byte("neuron N { parameters { x = "+src+" } }"))
	if d.HasErrors() {
		t.Fatalf("%q: %v", src, d)
	}
	return f.Decls[0].(*lang.TypeDecl).Members[0].(*lang.VarBlock).Vars[0].Value
}

func id(n string) *lang.Ident { return &lang.Ident{Name: n} }
func bin(op string, x, y lang.Expr) *lang.BinaryExpr {
	return &lang.BinaryExpr{Op: op, X: x, Y: y}
}
func numU(text string, v float64, fs ...*lang.UnitFactor) *lang.NumberLit {
	n := &lang.NumberLit{Text: text, Value: v}
	if len(fs) > 0 {
		n.Unit = &lang.UnitExpr{Factors: fs}
	}
	return n
}
func uf(name string, exp int, div bool) *lang.UnitFactor {
	return &lang.UnitFactor{Name: name, Exp: exp, Div: div}
}

// TestExprShapes pins precedence, associativity and the unit rules.
func TestExprShapes(t *testing.T) {
	tests := []struct {
		src  string
		want lang.Expr
	}{
		{"a + b * c", bin("+", id("a"), bin("*", id("b"), id("c")))},
		{"a - b - c", bin("-", bin("-", id("a"), id("b")), id("c"))},
		{"-a ^ 2", &lang.UnaryExpr{Op: "-", X: bin("^", id("a"), numU("2", 2))}},
		{"a ^ b ^ c", bin("^", id("a"), bin("^", id("b"), id("c")))},
		{"a < b and not c or d", bin("or", bin("and", bin("<", id("a"), id("b")), &lang.UnaryExpr{Op: "not", X: id("c")}), id("d"))},
		// a unit is read only right after a number; '/' continues it only
		// when a unit name follows
		{"2 mV/ms", numU("2", 2, uf("mV", 1, false), uf("ms", 1, true))},
		{"2 mV / tau", bin("/", numU("2", 2, uf("mV", 1, false)), id("tau"))},
		{"2 ms * x", bin("*", numU("2", 2, uf("ms", 1, false)), id("x"))},
		{"1/ms", numU("1", 1, uf("ms", 1, true))},
		{"2 mV * min(a, b)", bin("*", numU("2", 2, uf("mV", 1, false)), &lang.CallExpr{Fun: id("min"), Args: []*lang.Arg{{Value: id("a")}, {Value: id("b")}}})},
		{"1 / tau", bin("/", numU("1", 1), id("tau"))},
		{"3 um^2", numU("3", 3, uf("um", 2, false))},
		{"5 m^-2", numU("5", 5, uf("m", -2, false))},
		{"1.5e-3 nS*mV", numU("1.5e-3", 1.5e-3, uf("nS", 1, false), uf("mV", 1, false))},
		{"if a then 1 else 2", &lang.IfExpr{Cond: id("a"), Then: numU("1", 1), Else: numU("2", 2)}},
		{"f(a, n = 2)", &lang.CallExpr{Fun: id("f"), Args: []*lang.Arg{{Value: id("a")}, {Name: id("n"), Value: numU("2", 2)}}}},
		{"[1 ms, 2 ms]", &lang.ListExpr{Elems: []lang.Expr{numU("1", 1, uf("ms", 1, false)), numU("2", 2, uf("ms", 1, false))}}},
		{"E.v[0:5]", &lang.IndexExpr{X: &lang.FieldExpr{X: id("E"), Name: id("v")}, Lo: numU("0", 0), Hi: numU("5", 5), IsSlice: true}},
		{"(a +\n b)", &lang.ParenExpr{X: bin("+", id("a"), id("b"))}},
	}
	for _, tt := range tests {
		got := parseExpr(t, tt.src)
		if d := cmp.Diff(tt.want, got, ignorePos); d != "" {
			t.Errorf("%q (-want +got):\n%s", tt.src, d)
		}
	}
}

// TestNewlines: a newline ends an item except after an operator or inside
// brackets, so a number never takes the next line's name as its unit.
func TestNewlines(t *testing.T) {
	src := "neuron N {\n  parameters {\n    a = 3\n    b = 4 +\n      5\n    c = f(1,\n      2)\n  }\n}\n"
	f, d := Parse("x.snn", []byte(src))
	if d.HasErrors() {
		t.Fatal(d)
	}
	vars := f.Decls[0].(*lang.TypeDecl).Members[0].(*lang.VarBlock).Vars
	if len(vars) != 3 {
		t.Fatalf("got %d vars, want 3", len(vars))
	}
	if n, ok := vars[0].Value.(*lang.NumberLit); !ok || n.Unit != nil {
		t.Errorf("a = %#v, want the plain number 3", vars[0].Value)
	}
	if _, ok := vars[1].Value.(*lang.BinaryExpr); !ok {
		t.Errorf("b should continue over the line break after +")
	}
}

// TestPositions: spans are 1-based line:col and End is exclusive.
func TestPositions(t *testing.T) {
	src := "neuron N {\n    state { v = 2 mV + x }\n}\n"
	f, d := Parse("p.snn", []byte(src))
	if d.HasErrors() {
		t.Fatal(d)
	}
	v := f.Decls[0].(*lang.TypeDecl).Members[0].(*lang.VarBlock).Vars[0]
	sp := v.Value.Range()
	if sp.Pos.Line != 2 || sp.Pos.Col != 17 || sp.End.Col != 25 || sp.Pos.File != "p.snn" {
		t.Errorf("span = %v..%v, want p.snn:2:17..2:25", sp.Pos, sp.End)
	}
	u := v.Value.(*lang.BinaryExpr).X.(*lang.NumberLit).Unit
	if u.Pos.Col != 19 || u.End.Col != 21 {
		t.Errorf("unit span = %v..%v, want cols 19..21", u.Pos, u.End)
	}
}

func TestDDtForm(t *testing.T) {
	f, d := Parse("x.snn", []byte("neuron N { equations { dv/dt = 1 } }"))
	if d.HasErrors() {
		t.Fatal(d)
	}
	o := f.Decls[0].(*lang.TypeDecl).Members[0].(*lang.EquationsBlock).Items[0].(*lang.ODE)
	if o.Var.Name != "v" || !o.DDt || o.Var.Pos.Col != 25 {
		t.Errorf("got var %q ddt=%v col %d, want v true 25", o.Var.Name, o.DDt, o.Var.Pos.Col)
	}
}

// TestSyntaxErrors: each bad input gets one positioned error with the
// expected words.
func TestSyntaxErrors(t *testing.T) {
	tests := []struct {
		src       string
		line, col int
		msg, hint string
	}{
		{"neuron N { parameters { x = 3 ", 1, 31, "end of file", "never closed"},
		{"neuron N {\n  state { v = 1 @ }\n}", 2, 17, "invalid character", ""},
		{"neuron N { x = " + strings.Repeat("(", 300) + "1" + strings.Repeat(")", 300) + " }", 1, 215, "nested too deeply", ""},
		{"neuron N { x = " + strings.Repeat("- ", 200) + "1 }", 1, 216, "nested too deeply", ""},
		{"\xff\xfe", 1, 1, "not valid UTF-8", "binary"},
		{"neuron N { }\x00", 1, 13, "NUL", ""},
		{"neuron if { }", 1, 8, "keyword", ""},
		{"neuron N { on foo { } }", 1, 15, "unknown event", ""},
		{"neuron N { equations { x/dt = 1 } }", 1, 24, "expected d<variable>/dt", ""},
		{"neuron N { x = 1e999 }", 1, 16, "out of range", ""},
	}
	for _, tt := range tests {
		_, d := Parse("e.snn", []byte(tt.src))
		if !d.HasErrors() {
			t.Errorf("%q: no error", tt.src)
			continue
		}
		e := d[0]
		if e.Pos.Line != tt.line || e.Pos.Col != tt.col || !strings.Contains(e.Msg, tt.msg) || !strings.Contains(e.Hint, tt.hint) {
			t.Errorf("%q: got %d:%d %q (hint %q), want %d:%d containing %q (hint %q)", tt.src, e.Pos.Line, e.Pos.Col, e.Msg, e.Hint, tt.line, tt.col, tt.msg, tt.hint)
		}
	}
}
