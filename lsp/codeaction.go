package lsp

import (
	"path/filepath"
	"regexp"
	"strings"

	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"
)

// didYouMean is the checker's hint for a misspelt name.
var didYouMean = regexp.MustCompile(`^did you mean ([A-Za-z_µμΩ][A-Za-z0-9_µμΩ]*(?:\.[A-Za-z_µμΩ][A-Za-z0-9_µμΩ]*)?)\?`)

// codeAction offers the checker's "did you mean X?" hints as quick fixes:
// the misspelt name replaced by X.
func (s *Server) codeAction(_ *glsp.Context, p *protocol.CodeActionParams) (any, error) {
	d := s.doc(p.TextDocument.URI)
	out := []protocol.CodeAction{}
	if d == nil || d.checkLines == nil {
		return out, nil
	}
	main := filepath.Clean(d.path)
	for _, x := range d.diags {
		m := didYouMean.FindStringSubmatch(x.Hint)
		if m == nil || x.Pos.File != main {
			continue
		}
		rg := d.checkLines.rangeOf(x.Pos, x.End)
		if !overlaps(rg, p.Range) {
			continue
		}
		// the diagnostic marks the name as written; "pre.v" suggested for
		// the v of pre.vv replaces only vv
		a, b := d.checkLines.offset(rg.Start), d.checkLines.offset(rg.End)
		old := d.checkLines.text[a:b]
		fix := m[1]
		if !strings.Contains(old, ".") {
			fix = fix[strings.LastIndex(fix, ".")+1:]
		}
		if old == fix || !isName(old) {
			continue
		}
		kind := protocol.CodeActionKindQuickFix
		pref := true
		out = append(out, protocol.CodeAction{
			Title:       "Change " + old + " to " + fix,
			Kind:        &kind,
			IsPreferred: &pref,
			Diagnostics: []protocol.Diagnostic{{Range: rg, Severity: ptr(severity(x.Severity)), Source: ptr("snnc"), Message: x.Msg}},
			Edit:        &protocol.WorkspaceEdit{Changes: map[protocol.DocumentUri][]protocol.TextEdit{d.uri: {{Range: rg, NewText: fix}}}},
		})
	}
	return out, nil
}

func isName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isIdentByte(s[i]) && s[i] < 0x80 {
			return false
		}
	}
	return true
}

// overlaps: the ranges share a position (an empty range at a diagnostic's
// edge counts, as a cursor there does).
func overlaps(a, b protocol.Range) bool {
	return !before(a.End, b.Start) && !before(b.End, a.Start)
}

func before(x, y protocol.Position) bool {
	return x.Line < y.Line || x.Line == y.Line && x.Character < y.Character
}
