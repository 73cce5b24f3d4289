package lsp

import (
	"regexp"
	"sort"
	"sync"

	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/lang"
	"github.com/snnc/snnc/stdlib"
)

// unitNames are the units offered after a number: the ones models write
// (every one is checked against units.Lookup by the tests).
var unitNames = []string{
	"s", "ms", "us", "ns", "min", "h", "Hz", "kHz", "MHz",
	"V", "mV", "uV", "A", "mA", "uA", "nA", "pA",
	"S", "mS", "uS", "nS", "pS", "F", "uF", "nF", "pF",
	"ohm", "kohm", "Mohm", "Gohm", "m", "mm", "um", "nm", "cm",
	"M", "mM", "uM", "nM", "mol", "C", "nC", "pC", "J", "W", "K", "g", "kg", "L",
}

// afterNumber: the text before the cursor ends in a number and a space,
// maybe with a unit begun: a unit comes next.
var afterNumber = regexp.MustCompile(`(^|[^A-Za-z0-9_.])[0-9][0-9.]*([eE][-+]?[0-9]+)?\s+[A-Za-z]*$`)

// fieldOf: the text before the cursor ends in NAME. (and maybe a name begun).
var fieldOf = regexp.MustCompile(`([A-Za-z_][A-Za-z0-9_]*)\.[A-Za-z0-9_]*$`)

func (s *Server) completion(_ *glsp.Context, p *protocol.CompletionParams) (any, error) {
	d := s.doc(p.TextDocument.URI)
	if d == nil {
		return nil, nil
	}
	off := d.lines.offset(p.Position)
	start, _ := d.lines.line(int(p.Position.Line))
	before := d.text[start:off]

	c := &completer{seen: map[string]bool{}}
	if inCommentOrString(before) {
		return c.list(), nil
	}
	if afterNumber.MatchString(before) {
		// a unit most likely comes next (the rest still does: 15 every ...)
		for _, u := range unitNames {
			c.add(u, protocol.CompletionItemKindUnit, "unit")
		}
	}
	var scope *scopeAt
	if d.file != nil {
		scope = d.scopeAt(d.srcLines.offset(p.Position))
	}
	if m := fieldOf.FindStringSubmatch(before); m != nil {
		// after "X.": the variables of population or compartment X
		if scope != nil {
			for _, v := range scope.fields(m[1]) {
				c.add(v.Name, itemKind(v), v.Describe())
			}
		}
		return c.list(), nil
	}
	if scope != nil {
		for _, sym := range scope.names() {
			c.add(sym.Name, itemKind(sym), sym.Describe())
		}
	}
	if prog := d.fileProg; prog != nil {
		for n, t := range prog.Types {
			c.add(n, protocol.CompletionItemKindClass, string(t.Kind)+" type")
		}
		for n := range prog.Funcs {
			c.add(n, protocol.CompletionItemKindFunction, "function")
		}
		for n := range prog.Networks {
			c.add(n, protocol.CompletionItemKindModule, "network")
		}
	}
	for _, n := range lang.BuiltinNames() {
		c.add(n, protocol.CompletionItemKindFunction, "built-in "+lang.BuiltinKind(n))
	}
	// the standard library's types, with the import added when missing
	for _, t := range stdTypes() {
		if item := c.add(t.name, protocol.CompletionItemKindClass, t.kind+" type from "+t.module); item != nil && d.file != nil && !imports(d.file, t.module) {
			line := importLine(d.file)
			item.AdditionalTextEdits = []protocol.TextEdit{{
				Range:   protocol.Range{Start: protocol.Position{Line: line}, End: protocol.Position{Line: line}},
				NewText: `import "` + t.module + "\"\n",
			}}
		}
	}
	for kw := range lang.Reserved {
		c.add(kw, protocol.CompletionItemKindKeyword, "keyword")
	}
	return c.list(), nil
}

type completer struct {
	items []protocol.CompletionItem
	seen  map[string]bool
}

// add offers name once (the first, most local, meaning wins).
func (c *completer) add(name string, kind protocol.CompletionItemKind, detail string) *protocol.CompletionItem {
	if c.seen[name] {
		return nil
	}
	c.seen[name] = true
	c.items = append(c.items, protocol.CompletionItem{Label: name, Kind: &kind, Detail: &detail})
	return &c.items[len(c.items)-1]
}

func (c *completer) list() []protocol.CompletionItem {
	// most local first: the order items were added in, kept by sortText
	for i := range c.items {
		st := string(rune('a'+i/(26*26)%26)) + string(rune('a'+i/26%26)) + string(rune('a'+i%26))
		c.items[i].SortText = &st
	}
	return c.items
}

func itemKind(s *lang.Symbol) protocol.CompletionItemKind {
	switch s.Kind {
	case lang.ParamSym:
		return protocol.CompletionItemKindConstant
	case lang.PopSym, lang.ProjSym, lang.CompSym:
		return protocol.CompletionItemKindModule
	case lang.PortSym, lang.DendriteSym:
		return protocol.CompletionItemKindEvent
	}
	return protocol.CompletionItemKindVariable
}

// scopeAt is what encloses an offset: a type (and compartment), a network
// or a function.
type scopeAt struct {
	prog *lang.Program
	typ  *lang.TypeInfo
	net  *lang.NetInfo
	fn   *lang.FuncDecl
}

func (d *doc) scopeAt(off int) *scopeAt {
	s := &scopeAt{prog: d.fileProg}
	for _, decl := range d.file.Decls {
		sp := decl.Range()
		if off < sp.Pos.Offset || off > sp.End.Offset {
			continue
		}
		switch decl := decl.(type) {
		case *lang.TypeDecl:
			s.typ = d.fileProg.Types[decl.Name.Name]
			if s.typ != nil && s.typ.Decl != decl {
				s.typ = nil // a type of that name declared elsewhere
			}
			if s.typ != nil {
				for _, m := range decl.Members {
					if cb, ok := m.(*lang.CompartmentBlock); ok && off >= cb.Pos.Offset && off <= cb.End.Offset {
						if cs := s.typ.Scope[cb.Name.Name]; cs != nil && cs.Comp != nil {
							s.typ = cs.Comp
						}
					}
				}
			}
		case *lang.NetworkDecl:
			if n := d.fileProg.Networks[decl.Name.Name]; n != nil && n.Decl == decl {
				s.net = n
			}
		case *lang.FuncDecl:
			s.fn = decl
		}
	}
	return s
}

// names are the names in scope, innermost first, each sorted.
func (s *scopeAt) names() []*lang.Symbol {
	var out []*lang.Symbol
	addScope := func(m map[string]*lang.Symbol) {
		var names []string
		for n := range m {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			out = append(out, m[n])
		}
	}
	if s.fn != nil {
		for _, p := range s.fn.Params {
			out = append(out, &lang.Symbol{Name: p.Name.Name, Kind: lang.FuncParamSym, Decl: p})
		}
	}
	for t := s.typ; t != nil; t = t.Parent {
		addScope(t.Scope)
	}
	if s.typ != nil {
		out = append(out, &lang.Symbol{Name: "t", Kind: lang.TimeSym})
	}
	if s.net != nil {
		addScope(s.net.Scope)
	}
	return out
}

// fields are the variables read as X.name: of a population's neuron type,
// or of a compartment.
func (s *scopeAt) fields(x string) []*lang.Symbol {
	var t *lang.TypeInfo
	if s.net != nil {
		if sym := s.net.Scope[x]; sym != nil && sym.Pop != nil {
			t = sym.Pop.Type
		}
	}
	if s.typ != nil {
		if sym := s.typ.Scope[x]; sym != nil && sym.Comp != nil {
			t = sym.Comp
		}
	}
	if t == nil {
		return nil
	}
	return t.Order
}

type stdType struct{ name, kind, module string }

var stdTypesOnce = sync.OnceValue(func() []stdType {
	var out []stdType
	for _, m := range stdlib.Names() {
		src, _ := stdlib.Lookup(m)
		f, _, err := snnc.ParseFile(m, src)
		if err != nil || f == nil {
			continue
		}
		for _, decl := range f.Decls {
			if t, ok := decl.(*lang.TypeDecl); ok {
				out = append(out, stdType{t.Name.Name, string(t.Kind), m})
			}
		}
	}
	return out
})

func stdTypes() []stdType { return stdTypesOnce() }

func imports(f *lang.File, module string) bool {
	for _, decl := range f.Decls {
		if imp, ok := decl.(*lang.ImportDecl); ok && imp.Path != nil && imp.Path.Value == module {
			return true
		}
	}
	return false
}

// importLine is the 0-based line a new import goes on: after the last
// import, else at the top.
func importLine(f *lang.File) uint32 {
	line := 0
	for _, decl := range f.Decls {
		if imp, ok := decl.(*lang.ImportDecl); ok {
			line = imp.End.Line
		}
	}
	return uint32(line)
}

// inCommentOrString: the line up to the cursor ends inside a comment or an
// open string, where nothing is completed.
func inCommentOrString(line string) bool {
	quoted := false
	for i := 0; i < len(line); i++ {
		switch {
		case quoted && line[i] == '\\':
			i++
		case line[i] == '"':
			quoted = !quoted
		case !quoted && line[i] == '#':
			return true
		}
	}
	return quoted
}
