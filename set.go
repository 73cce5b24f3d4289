package snnc

import (
	"strings"
	"unicode"

	"github.com/snnc/snnc/lang"
	"github.com/snnc/snnc/parser"
)

// SetFile is the file name that diagnostics give to --set values.
const SetFile = "<--set>"

// applySets applies `--set NAME.PARAM=VALUE` overrides to the main file
// before it is checked. NAME is a population (PARAM a parameter or initial
// value of its type, as in `population E = LIF[10] { PARAM = VALUE }`) or a
// named projection (PARAM a parameter or initial value of its synapse
// type). An override replaces the file's own setting of PARAM or adds one,
// so the checker sees it exactly as if it had been written there. The values
// are parsed as .snn expressions from one synthetic file, SetFile, whose
// text is returned for printing diagnostics.
func applySets(f *lang.File, sets []string) ([]byte, lang.Diagnostics) {
	var diags lang.Diagnostics
	if len(sets) == 0 {
		return nil, nil
	}
	// line 3+k of the synthetic file is set k, "PARAM = VALUE"
	const head = "network _ {\npopulation _ = _[1] {\n"
	type target struct{ name, param, value, line string }
	var ts []target
	for _, s := range sets {
		lhs, value, ok := strings.Cut(s, "=")
		name, param, dot := strings.Cut(strings.TrimSpace(lhs), ".")
		param, value = strings.TrimSpace(param), strings.TrimSpace(value)
		if !ok || !isName(name) || !dot || !isName(param) || value == "" || strings.ContainsAny(s, "\r\n{}") {
			diags.Errorf(lang.Pos{File: SetFile}, lang.Pos{}, "--set %q: expected NAME.PARAM=VALUE", s).Hint =
				"NAME is a population or a named projection, e.g. --set E.tau_m=10ms"
			continue
		}
		ts = append(ts, target{name, param, value, param + " = " + value + "\n"})
	}
	var src strings.Builder
	src.WriteString(head)
	for _, t := range ts {
		src.WriteString(t.line)
	}
	src.WriteString("}\n}\n")
	text := []byte(src.String())
	if diags.HasErrors() {
		return text, diags
	}
	// Each set is parsed alone, at its own line and offset (the sets before
	// it blanked out), so that a syntax error points into its value and not
	// into the next set.
	settings := make([]*lang.Setting, len(ts))
	blank := head
	for k, t := range ts {
		at := lang.Pos{File: SetFile, Offset: len(blank) + len(t.param) + 3, Line: 3 + k, Col: len(t.param) + 4}
		g, pd := parser.Parse(SetFile, []byte(blank+t.line+"}\n}\n"))
		blank += strings.Repeat(" ", len(t.line)-1) + "\n"
		var list []*lang.Setting
		if !pd.HasErrors() {
			list = g.Decls[0].(*lang.NetworkDecl).Items[0].(*lang.PopulationDecl).Overrides
		}
		switch {
		case pd.HasErrors():
			kept := false
			for _, d := range pd {
				if d.Pos.Line == at.Line {
					diags = append(diags, d)
					kept = true
				}
			}
			if !kept { // the parser stopped elsewhere, e.g. after an unclosed "("
				diags.Errorf(at, lang.Pos{}, "--set %s.%s: cannot read %q as a value", t.name, t.param, t.value)
			}
		case len(list) == 1 && list[0].Name.Name == t.param:
			settings[k] = list[0]
		case len(list) > 1: // a second setting came from the value: --set 'E.a=1 b=2'
			s := list[1]
			diags.Errorf(s.Name.Pos, s.Name.End, "--set takes one value; %s = ... is a second setting", s.Name.Name).Hint =
				"repeat --set for each parameter: --set E.a=1 --set E.b=2"
		default:
			diags.Errorf(at, lang.Pos{}, "--set %s.%s: cannot read %q as a value", t.name, t.param, t.value)
		}
	}
	if diags.HasErrors() {
		return text, diags
	}
	for k, t := range ts {
		s := settings[k]
		if !override(f, t.name, s) {
			diags.Errorf(s.Name.Pos, s.Name.End, "--set %s.%s: %s is not a population or named projection of %s", t.name, t.param, t.name, f.Name).Hint =
				"name a population (--set E.tau_m=10ms) or a named projection (--set plastic.w_max=0.5)"
		}
	}
	return text, diags
}

// override puts s into every population or named projection called name in
// the file's networks; it reports whether there was one.
func override(f *lang.File, name string, s *lang.Setting) bool {
	found := false
	put := func(list []*lang.Setting) []*lang.Setting {
		found = true
		for i, o := range list {
			if o != nil && o.Name != nil && o.Name.Name == s.Name.Name {
				list[i] = s
				return list
			}
		}
		return append(list, s)
	}
	for _, d := range f.Decls {
		nd, ok := d.(*lang.NetworkDecl)
		if !ok {
			continue
		}
		for _, it := range nd.Items {
			switch it := it.(type) {
			case *lang.PopulationDecl:
				if it.Name != nil && it.Name.Name == name {
					it.Overrides = put(it.Overrides)
				}
			case *lang.ProjectDecl:
				if it.Name == nil || it.Name.Name != name {
					continue
				}
				found = true
				replaced := false
				for i, pi := range it.Items {
					if o, ok := pi.(*lang.Setting); ok && o.Name != nil && o.Name.Name == s.Name.Name {
						it.Items[i], replaced = s, true
					}
				}
				if !replaced {
					it.Items = append(it.Items, s)
				}
			}
		}
	}
	return found
}

// isName reports whether s is an identifier (NAME or PARAM of a --set).
func isName(s string) bool {
	for i, r := range s {
		if !(r == '_' || unicode.IsLetter(r) || i > 0 && unicode.IsDigit(r)) {
			return false
		}
	}
	return s != ""
}
