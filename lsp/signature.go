package lsp

import (
	"strings"

	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/snnc/snnc/lang"
)

// signatureHelp shows the parameters of the call the cursor is in: a
// built-in input or connector, or a function of the model. It reads the
// text, not the tree: while a call is being typed the file does not parse.
func (s *Server) signatureHelp(_ *glsp.Context, p *protocol.SignatureHelpParams) (*protocol.SignatureHelp, error) {
	d := s.doc(p.TextDocument.URI)
	if d == nil {
		return nil, nil
	}
	name, arg := openCall(d.text[:d.lines.offset(p.Position)])
	var params []string
	doc := ""
	switch {
	case name == "":
		return nil, nil
	case lang.BuiltinUsage(name) != "":
		params, doc = lang.BuiltinParams(name), lang.BuiltinUsage(name)
	case d.fileProg != nil && d.fileProg.Funcs[name] != nil:
		for _, fp := range d.fileProg.Funcs[name].Params {
			params = append(params, fp.Name.Name)
		}
		doc = docComment(d.fileProg, d.fileProg.Funcs[name])
	default:
		return nil, nil
	}
	sig := protocol.SignatureInformation{Label: name + "(" + strings.Join(params, ", ") + ")"}
	if doc != "" {
		sig.Documentation = doc
	}
	for _, pn := range params {
		sig.Parameters = append(sig.Parameters, protocol.ParameterInformation{Label: pn})
	}
	active := protocol.UInteger(min(arg, max(len(params)-1, 0)))
	zero := protocol.UInteger(0)
	return &protocol.SignatureHelp{Signatures: []protocol.SignatureInformation{sig}, ActiveSignature: &zero, ActiveParameter: &active}, nil
}

// openCall finds the call whose parenthesis is open at the end of text:
// its name and how many arguments come before the cursor's. Brackets
// inside are skipped; strings and comments are not looked into (a comma in
// one may miscount, which costs only the highlighted parameter).
func openCall(text string) (name string, arg int) {
	depth := 0
	for i := len(text) - 1; i >= 0 && len(text)-i < 4096; i-- {
		switch text[i] {
		case ')', ']', '}':
			depth++
		case '[', '{':
			if depth == 0 {
				return "", 0 // in a list or a block, not in a call
			}
			depth--
		case '(':
			if depth > 0 {
				depth--
				continue
			}
			j := i
			for j > 0 && (isIdentByte(text[j-1])) {
				j--
			}
			return text[j:i], arg
		case ',':
			if depth == 0 {
				arg++
			}
		}
	}
	return "", 0
}

func isIdentByte(b byte) bool {
	return b == '_' || 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9'
}
