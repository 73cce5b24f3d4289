package lsp

import (
	"fmt"
	"path/filepath"
	"regexp"

	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/snnc/snnc/lang"
	"github.com/snnc/snnc/lang/units"
)

// Rename works on a name declared in the open file (a parameter, state
// variable, port, population, projection, function parameter, or a type,
// function or network of this file): every use in the file is renamed.
// Names declared elsewhere (std/..., another file) are refused: the other
// files that use them are not known here.

func (s *Server) prepareRename(_ *glsp.Context, p *protocol.PrepareRenameParams) (any, error) {
	d := s.doc(p.TextDocument.URI)
	if d == nil {
		return nil, nil
	}
	id, _, err := d.renameTarget(p.Position)
	if err != nil {
		return nil, err
	}
	return d.srcLines.rangeOf(id.Pos, id.End), nil
}

func (s *Server) rename(_ *glsp.Context, p *protocol.RenameParams) (*protocol.WorkspaceEdit, error) {
	d := s.doc(p.TextDocument.URI)
	if d == nil {
		return nil, nil
	}
	_, target, err := d.renameTarget(p.Position)
	if err != nil {
		return nil, err
	}
	if err := d.canRenameTo(target, p.NewName); err != nil {
		return nil, err
	}
	edits := []protocol.TextEdit{}
	for _, id := range d.uses(target.Name()) {
		edits = append(edits, protocol.TextEdit{Range: d.srcLines.rangeOf(id.Pos, id.End), NewText: p.NewName})
	}
	return &protocol.WorkspaceEdit{Changes: map[protocol.DocumentUri][]protocol.TextEdit{d.uri: edits}}, nil
}

// renameTarget is the name under p and its declaration, if it may be
// renamed.
func (d *doc) renameTarget(p protocol.Position) (*lang.Ident, lang.Ref, error) {
	id, r, ok := d.identAt(p)
	if !ok {
		return nil, r, fmt.Errorf("no name to rename here")
	}
	name := r.Name()
	if name == nil {
		return nil, r, fmt.Errorf("%s is not declared by name and cannot be renamed", id.Name)
	}
	if name.Pos.File != filepath.Clean(d.path) {
		return nil, r, fmt.Errorf("%s is declared in %s; only names declared in this file can be renamed", id.Name, name.Pos.File)
	}
	return id, r, nil
}

var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// canRenameTo: the new name is a name, and not one the target's scope
// already has (the checker would then see two declarations).
func (d *doc) canRenameTo(r lang.Ref, name string) error {
	switch {
	case !identRE.MatchString(name):
		return fmt.Errorf("%q is not a valid name", name)
	case lang.Reserved[name]:
		return fmt.Errorf("%s is a reserved word", name)
	case units.IsUnitName(name):
		return fmt.Errorf("%s is a unit name", name)
	case lang.BuiltinKind(name) != "":
		return fmt.Errorf("%s is a built-in %s", name, lang.BuiltinKind(name))
	}
	prog := d.fileProg
	switch decl := r.Decl.(type) {
	case *lang.TypeDecl, *lang.FuncDecl, *lang.NetworkDecl:
		if prog.Global(name) != nil {
			return fmt.Errorf("%s is already declared", name)
		}
		return nil
	case *lang.PhaseDecl:
		for _, run := range prog.Runs {
			for _, ph := range run.Phases {
				if ph.Name != nil && ph.Name.Name == name {
					return fmt.Errorf("the run already has a phase %s", name)
				}
			}
		}
		return nil
	case *lang.Port, *lang.DendriteBlock:
		// an event port or segment dendrite: its type's names
		for _, t := range prog.Types {
			if pt := t.Ports[r.Name().Name]; pt != nil && (lang.Node(pt.Port) == decl || lang.Node(pt.Dendrite) == decl) {
				if taken(t, name) {
					return fmt.Errorf("%s already has a member or input %s", t.Name, name)
				}
			}
		}
		return nil
	}
	if r.Sym == nil {
		return nil
	}
	if o := r.Sym.Owner; o != nil && taken(o, name) {
		return fmt.Errorf("%s already has a member or input %s", o.Name, name)
	}
	for _, n := range prog.Networks {
		if n.Scope[r.Sym.Name] == r.Sym && n.Scope[name] != nil {
			return fmt.Errorf("network %s already has a %s %s", n.Decl.Name.Name, n.Scope[name].Describe(), name)
		}
	}
	return nil
}

// taken: t has a member or an input port called name.
func taken(t *lang.TypeInfo, name string) bool {
	return t.Scope[name] != nil || t.Ports[name] != nil
}
