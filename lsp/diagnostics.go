package lsp

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/lang"
	"github.com/snnc/snnc/parser"
	"github.com/snnc/snnc/stdlib"
)

// doc is an open document and the result of its last check.
type doc struct {
	uri     string
	path    string // the file name the checker sees (imports are relative to it)
	text    string // the editor's text
	version int32
	lines   *lines // over text

	prog       *lang.Program // last check, errors or not
	diags      lang.Diagnostics
	checkLines *lines // over the text the last check read (normalized), where diags point
	// file is the main file's tree from the last check that had one (a
	// text that does not parse at all leaves the previous tree for hover,
	// completion and symbols), fileProg its check, srcLines the index of
	// the source it was parsed from.
	file     *lang.File
	fileProg *lang.Program
	srcLines *lines
}

// check re-checks d from its text, as `snnc check` does (imports, units,
// data files next to the model).
func (d *doc) check(imports *importCache) {
	src := []byte(d.text)
	var load lang.Loader // nil: snnc.Load, every import parsed again
	if imports != nil {
		load = imports.load
	}
	prog, diags := snnc.CheckModel(d.path, snnc.Options{Source: src, DataDir: filepath.Dir(d.path), Load: load})
	d.prog, d.diags = prog, diags
	d.checkLines = newLines(string(parser.Normalize(src)))
	if p := prog; p != nil && len(p.Files) > 0 && p.Files[0] != nil {
		d.file, d.fileProg, d.srcLines = p.Files[0], p, d.checkLines
	}
	if d.srcLines == nil {
		d.srcLines = d.checkLines
	}
}

func (s *Server) didOpen(ctx *glsp.Context, p *protocol.DidOpenTextDocumentParams) error {
	d := &doc{uri: p.TextDocument.URI, path: uriPath(p.TextDocument.URI), text: p.TextDocument.Text, version: p.TextDocument.Version}
	s.mu.Lock()
	s.docs[d.uri] = d
	s.mu.Unlock()
	s.update(ctx, d)
	return nil
}

func (s *Server) didChange(ctx *glsp.Context, p *protocol.DidChangeTextDocumentParams) error {
	d := s.doc(p.TextDocument.URI)
	if d == nil {
		return fmt.Errorf("%s is not open", p.TextDocument.URI)
	}
	for _, c := range p.ContentChanges {
		switch c := c.(type) {
		case protocol.TextDocumentContentChangeEvent:
			d.text = applyChange(d.lines, c)
			d.lines = newLines(d.text)
		case protocol.TextDocumentContentChangeEventWhole:
			d.text = c.Text
			d.lines = newLines(d.text)
		}
	}
	d.version = p.TextDocument.Version
	s.update(ctx, d)
	return nil
}

// applyChange returns the text with one incremental change made.
func applyChange(l *lines, c protocol.TextDocumentContentChangeEvent) string {
	a, b := l.offset(c.Range.Start), l.offset(c.Range.End)
	if b < a {
		a, b = b, a
	}
	return l.text[:a] + c.Text + l.text[b:]
}

// didSave checks again: a data file the model names may have appeared
// meanwhile, and the files that import this one now read it from disk too.
func (s *Server) didSave(ctx *glsp.Context, p *protocol.DidSaveTextDocumentParams) error {
	if d := s.doc(p.TextDocument.URI); d != nil {
		s.update(ctx, d)
	}
	return nil
}

func (s *Server) didClose(ctx *glsp.Context, p *protocol.DidCloseTextDocumentParams) error {
	s.mu.Lock()
	d := s.docs[p.TextDocument.URI]
	delete(s.docs, p.TextDocument.URI)
	s.mu.Unlock()
	if d != nil {
		for _, o := range s.importers(d) {
			s.publish(ctx, o) // the file on disk again, not the closed buffer
		}
	}
	// the problems of a closed file are no longer shown, as gopls does
	ctx.Notify(protocol.ServerTextDocumentPublishDiagnostics, protocol.PublishDiagnosticsParams{URI: p.TextDocument.URI, Diagnostics: []protocol.Diagnostic{}})
	return nil
}

func (s *Server) doc(uri string) *doc {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.docs[uri]
}

// openText is the text of the open document at path (for imports).
func (s *Server) openText(path string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range s.docs {
		if d.path == path {
			return []byte(d.text), true
		}
	}
	return nil, false
}

// update checks d and publishes its diagnostics, then those of the other
// open documents that import it (they see its unsaved text).
func (s *Server) update(ctx *glsp.Context, d *doc) {
	s.publish(ctx, d)
	for _, o := range s.importers(d) {
		s.publish(ctx, o)
	}
}

// importers are the open documents other than d whose last check read d's
// file.
func (s *Server) importers(d *doc) []*doc {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*doc
	for _, o := range s.docs {
		if o != d && o.prog != nil && o.prog.Sources[filepath.Clean(d.path)] != nil {
			out = append(out, o)
		}
	}
	return out
}

// publish checks d and sends its diagnostics.
func (s *Server) publish(ctx *glsp.Context, d *doc) {
	if d.lines == nil {
		d.lines = newLines(d.text)
	}
	if s.uncached {
		d.check(nil)
	} else {
		d.check(&s.imports)
	}
	v := protocol.UInteger(max(d.version, 0))
	ctx.Notify(protocol.ServerTextDocumentPublishDiagnostics, protocol.PublishDiagnosticsParams{
		URI: d.uri, Version: &v, Diagnostics: s.diagnostics(d),
	})
}

// diagnostics turns the check's diagnostics into the protocol's. A hint
// becomes related information at the same place. A problem in an imported
// file is shown at the import that brings it in (or the first line) and
// points at its real place.
func (s *Server) diagnostics(d *doc) []protocol.Diagnostic {
	out := []protocol.Diagnostic{}
	main := filepath.Clean(d.path)
	for _, x := range d.diags {
		pd := protocol.Diagnostic{
			Severity: ptr(severity(x.Severity)),
			Source:   ptr("snnc"),
			Message:  x.Msg,
		}
		here := protocol.Location{URI: d.uri}
		if x.Pos.File == main || x.Pos.File == "" {
			pd.Range = d.checkLines.rangeOf(x.Pos, x.End)
			here.Range = pd.Range
		} else {
			loc, ok := s.location(d, x.Pos, x.End)
			pd.Range = s.importRange(d, x.Pos.File)
			pd.Message = fmt.Sprintf("%s: %s", x.Pos, x.Msg)
			here.Range = pd.Range
			if ok {
				here = loc
				pd.RelatedInformation = append(pd.RelatedInformation, protocol.DiagnosticRelatedInformation{Location: loc, Message: x.Msg})
			}
		}
		if x.Hint != "" {
			pd.RelatedInformation = append(pd.RelatedInformation, protocol.DiagnosticRelatedInformation{Location: here, Message: "hint: " + x.Hint})
		}
		out = append(out, pd)
	}
	return out
}

// importRange is where a problem of the imported file shows in d: at the
// import of d that names it, else on the first line.
func (s *Server) importRange(d *doc, file string) protocol.Range {
	if d.file != nil {
		for _, decl := range d.file.Decls {
			if imp, ok := decl.(*lang.ImportDecl); ok && imp.Path != nil {
				if importedFile(d.path, imp) == file {
					return d.srcLines.rangeOf(imp.Path.Pos, imp.Path.End)
				}
			}
		}
	}
	return protocol.Range{End: protocol.Position{Character: 1}}
}

// importedFile is the file name an import of the file at path reads: the
// std/ module, or the path resolved as snnc resolves it.
func importedFile(path string, imp *lang.ImportDecl) string {
	if strings.HasPrefix(imp.Path.Value, stdlib.Prefix) {
		return imp.Path.Value
	}
	return snnc.ImportName(path, imp.Path.Value)
}

func severity(s lang.Severity) protocol.DiagnosticSeverity {
	switch s {
	case lang.Warning:
		return protocol.DiagnosticSeverityWarning
	case lang.Note:
		return protocol.DiagnosticSeverityInformation
	}
	return protocol.DiagnosticSeverityError
}
