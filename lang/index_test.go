package lang_test

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/lang"
)

// shipped are the models of the repository (stdlib and examples).
func shipped(t *testing.T) []string {
	var out []string
	for _, g := range []string{"../stdlib/*.snn", "../examples/*.snn", "../examples/*/*.snn", "../testdata/parse/*.snn"} {
		m, _ := filepath.Glob(g)
		out = append(out, m...)
	}
	if len(out) < 10 {
		t.Fatalf("only %d models", len(out))
	}
	return out
}

// allNodes collects every AST node reachable from n through any field, by
// reflection: what Inspect must visit, whatever fields the AST grows.
func allNodes(v reflect.Value, seen map[lang.Node]bool) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return
		}
		if n, ok := v.Interface().(lang.Node); ok {
			if seen[n] {
				return
			}
			if _, isFile := n.(*lang.File); !isFile {
				if _, isComment := n.(*lang.Comment); isComment {
					return // comments are not in the tree's walk
				}
				seen[n] = true
			}
		}
		allNodes(v.Elem(), seen)
	case reflect.Interface:
		if !v.IsNil() {
			allNodes(v.Elem(), seen)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				allNodes(v.Field(i), seen)
			}
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			allNodes(v.Index(i), seen)
		}
	}
}

// TestInspectVisitsEveryNode: Inspect reaches every node of every shipped
// model that reflection finds (a field added to the AST and not walked
// fails here).
func TestInspectVisitsEveryNode(t *testing.T) {
	for _, path := range shipped(t) {
		src, _ := os.ReadFile(path)
		f, _, err := snnc.ParseFile(path, src)
		if err != nil || f == nil {
			continue // testdata/parse has files that do not parse
		}
		want := map[lang.Node]bool{}
		allNodes(reflect.ValueOf(f), want)
		got := map[lang.Node]bool{}
		lang.Inspect(f, func(n lang.Node) bool {
			got[n] = true
			return true
		})
		for n := range want {
			if !got[n] {
				t.Errorf("%s: Inspect misses a %T at %s", path, n, n.Range().Pos)
			}
		}
	}
}

// TestLookupEveryName: in every shipped model that checks, each name in
// the main file resolves (Lookup) to a declaration of the same spelling,
// and NodeAt finds it at its position. Not names of anything: setting keys,
// named arguments, method names, normalize's function, a synapse's
// `weight` (its projection's, known per projection) and pre./post. (the
// projection's neurons), and modulator names (signals, bound per
// projection).
func TestLookupEveryName(t *testing.T) {
	for _, path := range shipped(t) {
		if strings.Contains(path, "testdata") {
			continue
		}
		src, _ := os.ReadFile(path)
		prog, diags := snnc.Check(path, src)
		if diags.HasErrors() {
			t.Fatalf("%s: %v", path, diags)
		}
		main := prog.Files[0]
		keys := map[*lang.Ident]bool{}
		lang.Inspect(main, func(n lang.Node) bool {
			switch n := n.(type) {
			case *lang.Setting:
				keys[n.Name] = true
			case *lang.Arg:
				keys[n.Name] = true
			case *lang.EquationsBlock:
				keys[n.Method] = true
			case *lang.NormalizeStmt:
				keys[n.Func] = true
			case *lang.OnBlock:
				if n.Event == "modulator" {
					keys[n.Name] = true
				}
			case *lang.ModulatorItem:
				keys[n.Name] = true
			case *lang.FieldExpr:
				if id, ok := n.X.(*lang.Ident); ok && (id.Name == "pre" || id.Name == "post") {
					keys[id] = true
				}
			case *lang.TypeDecl:
				if n.Kind == lang.SynapseKind {
					lang.Inspect(n, func(m lang.Node) bool {
						if id, ok := m.(*lang.Ident); ok && id.Name == "weight" {
							keys[id] = true
						}
						return true
					})
				}
			}
			return true
		})
		lang.Inspect(main, func(n lang.Node) bool {
			id, ok := n.(*lang.Ident)
			if !ok || keys[id] {
				return true
			}
			if lang.NodeAt(main, id.Pos.Offset) != id {
				t.Errorf("%s: NodeAt(%s) is not the name %s", path, id.Pos, id.Name)
			}
			r, ok := prog.Lookup(id)
			if !ok {
				t.Errorf("%s: %s at %s does not resolve", path, id.Name, id.Pos)
				return true
			}
			if name := r.Name(); name != nil && name.Name != id.Name {
				t.Errorf("%s: %s at %s resolves to %s", path, id.Name, id.Pos, name.Name)
			}
			return true
		})
	}
}

// TestDocComment: the comment block right above a declaration, else the
// comment at the end of its line; a comment after code above is not it.
func TestDocComment(t *testing.T) {
	src := []byte(`# Model header.

# A cell.
# Two lines.
neuron A {
    parameters {
        x = 1  # the x
        # the y
        y = 2
        z = 3
    }
}
`)
	f, _, err := snnc.ParseFile("a.snn", src)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"A": "A cell.\nTwo lines.", "x": "the x", "y": "the y", "z": ""}
	lang.Inspect(f, func(n lang.Node) bool {
		if name := lang.DeclName(n); name != nil && name != n {
			if w, ok := want[name.Name]; ok {
				if got := lang.DocComment(f, src, n); got != w {
					t.Errorf("%s: %q, want %q", name.Name, got, w)
				}
				delete(want, name.Name)
			}
		}
		return true
	})
	if len(want) > 0 {
		t.Errorf("declarations not found: %v", want)
	}
}

// TestSymbolConstValue: a parameter built from others has its value; a
// state variable its initial value; a random one none.
func TestSymbolConstValue(t *testing.T) {
	src := []byte(`neuron A {
    parameters {
        a = 2 ms
        b = a * 3 + 1 ms
    }
    state {
        v = b / 7
        w = uniform(0, 1)
    }
}
`)
	prog, diags := snnc.Check("a.snn", src)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	scope := prog.Types["A"].Scope
	for name, want := range map[string]float64{"a": 0.002, "b": 0.007, "v": 0.001} {
		if got, ok := scope[name].ConstValue(); !ok || math.Abs(got-want) > 1e-15 {
			t.Errorf("%s = %v (%v), want %v", name, got, ok, want)
		}
	}
	if _, ok := scope["w"].ConstValue(); ok {
		t.Error("a random initial value is constant")
	}
}
