package lsp

import (
	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/snnc/snnc/lang"
)

// uses are the names in d's file that refer to the declaration name (the
// declaring name included), in source order: what rename edits, references
// lists and highlight marks.
func (d *doc) uses(name *lang.Ident) []*lang.Ident {
	var out []*lang.Ident
	lang.Inspect(d.file, func(n lang.Node) bool {
		if id, ok := n.(*lang.Ident); ok {
			if r, ok := d.fileProg.Lookup(id); ok && r.Name() == name {
				out = append(out, id)
			}
		}
		return true
	})
	return out
}

// references lists the uses in this file of the name under the cursor
// (and, when asked, its declaration, wherever that is).
func (s *Server) references(_ *glsp.Context, p *protocol.ReferenceParams) ([]protocol.Location, error) {
	d := s.doc(p.TextDocument.URI)
	out := []protocol.Location{}
	if d == nil {
		return out, nil
	}
	_, r, ok := d.identAt(p.Position)
	name := r.Name()
	if !ok || name == nil {
		return out, nil
	}
	for _, id := range d.uses(name) {
		if id != name {
			out = append(out, protocol.Location{URI: d.uri, Range: d.srcLines.rangeOf(id.Pos, id.End)})
		}
	}
	if p.Context.IncludeDeclaration {
		if loc, ok := s.location(d, name.Pos, name.End); ok {
			out = append([]protocol.Location{loc}, out...)
		}
	}
	return out, nil
}

// highlight marks the uses in this file of the name under the cursor; its
// declaration is marked as written to.
func (s *Server) highlight(_ *glsp.Context, p *protocol.DocumentHighlightParams) ([]protocol.DocumentHighlight, error) {
	d := s.doc(p.TextDocument.URI)
	out := []protocol.DocumentHighlight{}
	if d == nil {
		return out, nil
	}
	_, r, ok := d.identAt(p.Position)
	name := r.Name()
	if !ok || name == nil {
		return out, nil
	}
	for _, id := range d.uses(name) {
		kind := protocol.DocumentHighlightKindRead
		if id == name {
			kind = protocol.DocumentHighlightKindWrite
		}
		out = append(out, protocol.DocumentHighlight{Range: d.srcLines.rangeOf(id.Pos, id.End), Kind: &kind})
	}
	return out, nil
}
