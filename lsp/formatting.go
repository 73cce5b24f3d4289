package lsp

import (
	"errors"

	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/lang"
)

// formatting is `snnc fmt`: the whole text replaced by its canonical form,
// or no edit when it is canonical already. A file that does not parse is
// left alone, with the error (the diagnostics show where).
func (s *Server) formatting(_ *glsp.Context, p *protocol.DocumentFormattingParams) ([]protocol.TextEdit, error) {
	d := s.doc(p.TextDocument.URI)
	if d == nil {
		return nil, nil
	}
	f, diags, err := snnc.ParseFile(d.path, []byte(d.text))
	if err != nil {
		return nil, err
	}
	if diags.HasErrors() {
		diags.Sort()
		return nil, errors.New("cannot format: " + diags.Error())
	}
	out := string(lang.Format(f))
	if out == d.text {
		return []protocol.TextEdit{}, nil
	}
	end := d.lines.position(len(d.text))
	return []protocol.TextEdit{{Range: protocol.Range{End: end}, NewText: out}}, nil
}
