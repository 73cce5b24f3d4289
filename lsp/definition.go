package lsp

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/snnc/snnc/lang"
	"github.com/snnc/snnc/stdlib"
)

// at finds the node under an LSP position of d, in the last tree d had.
func (d *doc) at(p protocol.Position) lang.Node {
	if d.file == nil {
		return nil
	}
	// the tree's source is normalized (no BOM, "\n" line ends): find the
	// place by line and column in it
	return lang.NodeAt(d.file, d.srcLines.offset(p))
}

// identAt is the name under p and what it refers to.
func (d *doc) identAt(p protocol.Position) (*lang.Ident, lang.Ref, bool) {
	id, ok := d.at(p).(*lang.Ident)
	if !ok {
		return nil, lang.Ref{}, false
	}
	r, ok := d.fileProg.Lookup(id)
	return id, r, ok
}

// importAt is the import whose path is under p, if any.
func (d *doc) importAt(p protocol.Position) *lang.ImportDecl {
	lit, ok := d.at(p).(*lang.StringLit)
	if !ok {
		return nil
	}
	for _, decl := range d.file.Decls {
		if imp, ok := decl.(*lang.ImportDecl); ok && imp.Path == lit {
			return imp
		}
	}
	return nil
}

func (s *Server) definition(_ *glsp.Context, p *protocol.DefinitionParams) (any, error) {
	d := s.doc(p.TextDocument.URI)
	if d == nil {
		return nil, nil
	}
	if imp := d.importAt(p.Position); imp != nil {
		// an import's path opens the file, at its top
		name := importedFile(d.path, imp)
		if strings.HasPrefix(name, stdlib.Prefix) {
			var err error
			if name, err = s.stdFile(name); err != nil {
				return nil, nil
			}
		}
		if _, err := os.Stat(name); err != nil {
			return nil, nil
		}
		return []protocol.Location{{URI: pathURI(name)}}, nil
	}
	_, r, ok := d.identAt(p.Position)
	if !ok {
		return nil, nil
	}
	var at lang.Span
	switch name := r.Name(); {
	case name != nil:
		at = name.Span
	case r.Decl != nil: // a port's weight: the port
		at = r.Decl.Range()
	default:
		return nil, nil // a built-in: nothing to open
	}
	loc, ok := s.location(d, at.Pos, at.End)
	if !ok {
		return nil, nil
	}
	return []protocol.Location{loc}, nil
}

// location is the protocol location of a span in any file of d's program:
// d itself, an imported file, or a standard-library module (written out to
// StdDir so that the editor can open it).
func (s *Server) location(d *doc, pos, end lang.Pos) (protocol.Location, bool) {
	if pos.File == filepath.Clean(d.path) || pos.File == "" {
		return protocol.Location{URI: d.uri, Range: d.srcLines.rangeOf(pos, end)}, true
	}
	var src []byte
	if d.fileProg != nil {
		src = d.fileProg.Sources[pos.File]
	}
	path := pos.File
	if strings.HasPrefix(path, stdlib.Prefix) {
		var err error
		if path, err = s.stdFile(path); err != nil {
			fmt.Fprintf(s.log, "snnc lsp: %v\n", err)
			return protocol.Location{}, false
		}
	}
	if src == nil {
		return protocol.Location{}, false
	}
	return protocol.Location{URI: pathURI(path), Range: newLines(string(src)).rangeOf(pos, end)}, true
}

// stdFile writes the embedded module std/NAME to StdDir (once; the
// directory is named by a hash of the whole library, so a newer snnc never
// shows an older copy) and returns its path.
func (s *Server) stdFile(module string) (string, error) {
	src, ok := stdlib.Lookup(module)
	if !ok {
		return "", fmt.Errorf("no standard library module %s", module)
	}
	dir := s.StdDir
	if dir == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			return "", err
		}
		dir = filepath.Join(cache, "snnc")
	}
	h := sha256.New()
	for _, n := range stdlib.Names() {
		b, _ := stdlib.Lookup(n)
		h.Write([]byte(n))
		h.Write(b)
	}
	dir = filepath.Join(dir, "std-"+hex.EncodeToString(h.Sum(nil))[:12])
	path := filepath.Join(dir, strings.TrimPrefix(module, stdlib.Prefix)+".snn")
	if b, err := os.ReadFile(path); err == nil && string(b) == string(src) {
		return path, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	// read-only: an edit there would change nothing the compiler reads
	tmp := path + ".tmp"
	os.Remove(tmp)
	if err := os.WriteFile(tmp, src, 0o444); err != nil {
		return "", err
	}
	return path, os.Rename(tmp, path)
}
