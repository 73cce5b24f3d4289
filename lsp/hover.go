package lsp

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/snnc/snnc/lang"
	"github.com/snnc/snnc/lang/units"
)

func (s *Server) hover(_ *glsp.Context, p *protocol.HoverParams) (*protocol.Hover, error) {
	d := s.doc(p.TextDocument.URI)
	if d == nil {
		return nil, nil
	}
	var text string
	var span lang.Span
	switch n := d.at(p.Position).(type) {
	case *lang.Ident:
		r, ok := d.fileProg.Lookup(n)
		if !ok {
			return nil, nil
		}
		text, span = hoverText(d.fileProg, n, r), n.Span
	case *lang.StringLit:
		imp := d.importAt(p.Position)
		if imp == nil {
			return nil, nil
		}
		text, span = importHover(d, imp), n.Span
	case *lang.UnitFactor:
		u, ok := units.Lookup(n.Name)
		if !ok {
			return nil, nil
		}
		text, span = fmt.Sprintf("**%s**: unit of %s, %s %s", n.Name, units.Describe(u.Dim), strconv.FormatFloat(u.Scale, 'g', -1, 64), siUnit(u.Dim)), n.Span
	default:
		return nil, nil
	}
	rg := d.srcLines.rangeOf(span.Pos, span.End)
	return &protocol.Hover{Contents: protocol.MarkupContent{Kind: protocol.MarkupKindMarkdown, Value: text}, Range: &rg}, nil
}

// hoverText explains what id refers to: its kind and owner, its unit
// (declared or inferred by the checker), the value of a constant and the
// declaration's doc comment.
func hoverText(prog *lang.Program, id *lang.Ident, r lang.Ref) string {
	var b strings.Builder
	switch {
	case r.Builtin != "":
		fmt.Fprintf(&b, "**%s**: built-in %s", r.Builtin, lang.BuiltinKind(r.Builtin))
		if u := lang.BuiltinUsage(r.Builtin); u != "" {
			fmt.Fprintf(&b, "\n\n`%s`", u)
		}
		return b.String()
	case r.Sym != nil:
		s := r.Sym
		fmt.Fprintf(&b, "**%s**: %s", s.Name, s.Describe())
		if s.Owner != nil {
			fmt.Fprintf(&b, " of %s %s", s.Owner.Kind, s.Owner.Name)
			if s.Owner.Parent != nil {
				fmt.Fprintf(&b, " (compartment %s of %s)", s.Owner.Name, s.Owner.Parent.Name)
			}
		}
		if s.Kind == lang.PopSym && s.Pop != nil {
			if s.Pop.Type != nil {
				fmt.Fprintf(&b, " of %s", s.Pop.Type.Name)
			}
			if s.Pop.Size > 0 {
				fmt.Fprintf(&b, ", %d neurons", s.Pop.Size)
			}
		}
		if s.Kind == lang.ProjSym && s.Proj != nil && s.Proj.Synapse != nil {
			fmt.Fprintf(&b, " using %s", s.Proj.Synapse.Name)
		}
		t := s.Type
		if t.Kind == lang.Invalid || t.Kind == lang.Deferred {
			if et, ok := prog.Exprs[id]; ok {
				t = et
			}
		}
		if t.Kind != lang.Invalid && t.Kind != lang.Deferred && s.Kind != lang.PopSym && s.Kind != lang.ProjSym && s.Kind != lang.CompSym {
			fmt.Fprintf(&b, "\n\nunit: %s", t)
		}
		// a value only for a variable that checked: 1 ms + 2 mV has none
		if x, ok := s.ConstValue(); ok && t.Kind == lang.Number {
			what := "value"
			if s.Kind == lang.StateSym {
				what = "initial value"
			}
			fmt.Fprintf(&b, "\n\n%s: %s", what, quantity(x, t))
		}
	default:
		switch decl := r.Decl.(type) {
		case *lang.TypeDecl:
			fmt.Fprintf(&b, "**%s**: %s type", decl.Name.Name, decl.Kind)
			if ti := prog.Types[decl.Name.Name]; ti != nil {
				var params []string
				for _, m := range ti.Order {
					if m.Kind == lang.ParamSym {
						params = append(params, m.Name)
					}
				}
				if len(params) > 0 {
					fmt.Fprintf(&b, "\n\nparameters: %s", strings.Join(params, ", "))
				}
			}
		case *lang.FuncDecl:
			var ps []string
			for _, p := range decl.Params {
				ps = append(ps, p.Name.Name)
			}
			fmt.Fprintf(&b, "**%s**: function %s(%s)", decl.Name.Name, decl.Name.Name, strings.Join(ps, ", "))
		case *lang.NetworkDecl:
			fmt.Fprintf(&b, "**%s**: network", decl.Name.Name)
		default:
			return ""
		}
	}
	if name := r.Name(); name != nil && name.Pos.File != "" && (len(prog.Files) == 0 || name.Pos.File != prog.Files[0].Name) {
		fmt.Fprintf(&b, "\n\ndeclared in %s", name.Pos.File)
	}
	if doc := docComment(prog, r.Decl); doc != "" {
		b.WriteString("\n\n" + doc)
	}
	return b.String()
}

// docComment is the doc comment of decl, looked up in the file it is in.
func docComment(prog *lang.Program, decl lang.Node) string {
	if decl == nil {
		return ""
	}
	file := decl.Range().Pos.File
	for _, f := range prog.Files {
		if f.Name == file {
			return lang.DocComment(f, prog.Sources[file], decl)
		}
	}
	return ""
}

// quantity prints an SI value in the preferred unit of t's dimension.
func quantity(x float64, t lang.Type) string {
	if t.Kind == lang.Number && !t.Dim.IsDimensionless() {
		if u, ok := units.Preferred(t.Dim); ok && u.Scale != 0 {
			return strconv.FormatFloat(x/u.Scale, 'g', 6, 64) + " " + u.Symbol
		}
	}
	return strconv.FormatFloat(x, 'g', 6, 64)
}

// siUnit names the coherent SI unit of a dimension ("s", "V").
func siUnit(d units.Dim) string {
	if d.IsDimensionless() {
		return ""
	}
	return d.String()
}

// importHover lists what an import declares.
func importHover(d *doc, imp *lang.ImportDecl) string {
	name := importedFile(d.path, imp)
	var decls []string
	for _, f := range d.fileProg.Files {
		if f.Name != name {
			continue
		}
		for _, decl := range f.Decls {
			switch decl := decl.(type) {
			case *lang.TypeDecl:
				decls = append(decls, string(decl.Kind)+" "+decl.Name.Name)
			case *lang.FuncDecl:
				decls = append(decls, "function "+decl.Name.Name)
			case *lang.NetworkDecl:
				decls = append(decls, "network "+decl.Name.Name)
			}
		}
	}
	if len(decls) == 0 {
		return fmt.Sprintf("**%s**", name)
	}
	return fmt.Sprintf("**%s** declares %s", name, strings.Join(decls, ", "))
}
