package lsp

import (
	"fmt"
	"strings"

	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/snnc/snnc/lang"
)

// documentSymbol lists the file's outline: neurons and synapses with their
// parameters, state, ports and compartments; networks with their
// populations, inputs and projections; functions and the run.
func (s *Server) documentSymbol(_ *glsp.Context, p *protocol.DocumentSymbolParams) (any, error) {
	d := s.doc(p.TextDocument.URI)
	out := []protocol.DocumentSymbol{}
	if d == nil || d.file == nil {
		return out, nil
	}
	sym := func(name string, kind protocol.SymbolKind, detail string, n lang.Node, sel *lang.Ident) protocol.DocumentSymbol {
		sp := n.Range()
		ds := protocol.DocumentSymbol{Name: name, Kind: kind, Range: d.srcLines.rangeOf(sp.Pos, sp.End)}
		ds.SelectionRange = ds.Range
		if sel != nil {
			ds.SelectionRange = d.srcLines.rangeOf(sel.Pos, sel.End)
		}
		if detail != "" {
			ds.Detail = &detail
		}
		return ds
	}
	var members func([]lang.Member) []protocol.DocumentSymbol
	members = func(ms []lang.Member) []protocol.DocumentSymbol {
		var out []protocol.DocumentSymbol
		for _, m := range ms {
			switch m := m.(type) {
			case *lang.VarBlock:
				kind := protocol.SymbolKindConstant
				if m.Kind == "state" {
					kind = protocol.SymbolKindVariable
				}
				for _, v := range m.Vars {
					out = append(out, sym(v.Name.Name, kind, m.Kind, v, v.Name))
				}
			case *lang.EquationsBlock:
				for _, it := range m.Items {
					if a, ok := it.(*lang.Alias); ok {
						out = append(out, sym(a.Name.Name, protocol.SymbolKindVariable, "named expression", a, a.Name))
					}
				}
			case *lang.InputsBlock:
				for _, pt := range m.Ports {
					out = append(out, sym(pt.Name.Name, protocol.SymbolKindEvent, "input port", pt, pt.Name))
				}
			case *lang.DendriteBlock:
				out = append(out, sym(m.Name.Name, protocol.SymbolKindEvent, "dendrite", m, m.Name))
			case *lang.CompartmentBlock:
				c := sym(m.Name.Name, protocol.SymbolKindModule, "compartment", m, m.Name)
				c.Children = members(m.Members)
				out = append(out, c)
			}
		}
		return out
	}
	for _, decl := range d.file.Decls {
		switch decl := decl.(type) {
		case *lang.TypeDecl:
			kind := protocol.SymbolKindClass
			if decl.Kind == lang.SynapseKind {
				kind = protocol.SymbolKindStruct
			}
			t := sym(decl.Name.Name, kind, string(decl.Kind), decl, decl.Name)
			t.Children = members(decl.Members)
			out = append(out, t)
		case *lang.FuncDecl:
			out = append(out, sym(decl.Name.Name, protocol.SymbolKindFunction, "function", decl, decl.Name))
		case *lang.NetworkDecl:
			n := sym(decl.Name.Name, protocol.SymbolKindModule, "network", decl, decl.Name)
			for _, it := range decl.Items {
				switch it := it.(type) {
				case *lang.PopulationDecl:
					n.Children = append(n.Children, sym(it.Name.Name, protocol.SymbolKindObject, "population of "+it.Type.Name, it, it.Name))
				case *lang.InputDecl:
					src := ""
					if it.Source != nil && it.Source.Fun != nil {
						src = it.Source.Fun.Name
					}
					n.Children = append(n.Children, sym(it.Name.Name, protocol.SymbolKindEvent, "input "+src, it, it.Name))
				case *lang.ProjectDecl:
					arrow := idents(it.Pre) + " -> " + idents(it.Post)
					name, detail := arrow, "projection"
					if it.Name != nil {
						name, detail = it.Name.Name, "projection "+arrow
					}
					if it.Synapse != nil {
						detail += " using " + it.Synapse.Name
					}
					n.Children = append(n.Children, sym(name, protocol.SymbolKindInterface, detail, it, it.Name))
				}
			}
			out = append(out, n)
		case *lang.RunDecl:
			name := "run"
			if decl.Network != nil {
				name = fmt.Sprintf("run %s", decl.Network.Name)
			}
			out = append(out, sym(name, protocol.SymbolKindEvent, "", decl, decl.Network))
		}
	}
	return out, nil
}

func idents(ids []*lang.Ident) string {
	var s []string
	for _, id := range ids {
		s = append(s, id.Name)
	}
	return strings.Join(s, ", ")
}
