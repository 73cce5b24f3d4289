package snnc

import (
	"strings"

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
	var src strings.Builder
	src.WriteString("network _ {\npopulation _ = _[1] {\n")
	type target struct{ name, param, value string }
	var ts []target
	for _, s := range sets {
		lhs, value, ok := strings.Cut(s, "=")
		name, param, dot := strings.Cut(strings.TrimSpace(lhs), ".")
		if !ok || !dot || name == "" || param == "" || strings.TrimSpace(value) == "" || strings.ContainsAny(s, "\n{}") {
			diags.Errorf(lang.Pos{File: SetFile}, lang.Pos{}, "--set %q: expected NAME.PARAM=VALUE", s).Hint =
				"NAME is a population or a named projection, e.g. --set E.tau_m=10ms"
			continue
		}
		ts = append(ts, target{name, strings.TrimSpace(param), strings.TrimSpace(value)})
		src.WriteString(strings.TrimSpace(param) + " = " + strings.TrimSpace(value) + "\n")
	}
	src.WriteString("}\n}\n")
	text := []byte(src.String())
	if diags.HasErrors() {
		return text, diags
	}
	g, pd := parser.Parse(SetFile, text)
	if pd.HasErrors() {
		return text, pd
	}
	settings := g.Decls[0].(*lang.NetworkDecl).Items[0].(*lang.PopulationDecl).Overrides
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
