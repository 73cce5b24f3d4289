package snnc

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/snnc/snnc/lang"
	"github.com/snnc/snnc/parser"
)

// SetFile is the file name that diagnostics give to --set values.
const SetFile = "<--set>"

// applySets applies `--set NAME.PARAM=VALUE` overrides to the main file
// before it is checked. NAME is a population (PARAM a parameter or initial
// value of its type, as in `population E = LIF[10] { PARAM = VALUE }`), an
// input (PARAM a named argument of its source: `--set P.rate=20Hz`), a
// named projection or an unnamed one written PRE->POST or PRE->POST:PORT
// (PARAM a setting, like weight, or a parameter or initial value of its
// synapse type). An override replaces the file's own setting of PARAM or adds one,
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
		lhs = strings.TrimSpace(lhs)
		dotAt := strings.LastIndex(lhs, ".")
		name, param, dot := lhs, "", dotAt >= 0
		if dot {
			name, param = strings.TrimSpace(lhs[:dotAt]), lhs[dotAt+1:]
		}
		param, value = strings.TrimSpace(param), strings.TrimSpace(value)
		if !ok || !(isName(name) || isPair(name)) || !dot || !isName(param) || value == "" || strings.ContainsAny(s, "\r\n{}") {
			diags.Errorf(lang.Pos{File: SetFile}, lang.Pos{}, "--set %q: expected NAME.PARAM=VALUE", s).Hint =
				"NAME is a population, an input, a named projection or PRE->POST (PRE->POST:PORT) for an unnamed one, e.g. --set E.tau_m=10ms"
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
		if isPair(t.name) {
			if msg, hint := overridePair(f, t.name, s); msg != "" {
				d := diags.Errorf(s.Name.Pos, s.Name.End, "--set %s.%s: %s", t.name, t.param, msg)
				d.Hint = hint
			}
			continue
		}
		if !override(f, t.name, s) {
			diags.Errorf(s.Name.Pos, s.Name.End, "--set %s.%s: %s is not a population, input or named projection of %s", t.name, t.param, t.name, f.Name).Hint =
				"name a population (--set E.tau_m=10ms), an input (--set P.rate=20Hz), a named projection (--set plastic.w_max=0.5) or an unnamed one as PRE->POST (--set 'E->I.weight=2mV')"
		}
	}
	return text, diags
}

// isPair reports whether s names an unnamed projection: PRE->POST or
// PRE->POST:PORT.
func isPair(s string) bool {
	pre, post, ok := strings.Cut(s, "->")
	if !ok {
		return false
	}
	port, hasPort := "", false
	if k := strings.LastIndex(post, ":"); k > strings.LastIndex(post, "]") {
		post, port, hasPort = post[:k], post[k+1:], true
	}
	_, _, _, okPre := splitEnd(pre)
	_, _, _, okPost := splitEnd(post)
	return okPre && okPost && (!hasPort || isName(strings.TrimSpace(port)))
}

// splitEnd reads a projection end of a --set name: NAME or NAME[lo:hi]
// (either bound may be left out: "" then).
func splitEnd(s string) (name, lo, hi string, ok bool) {
	s = strings.TrimSpace(s)
	name, view, sliced := strings.Cut(s, "[")
	if !sliced {
		return name, "", "", isName(name)
	}
	view, closed := strings.CutSuffix(view, "]")
	lo, hi, colon := strings.Cut(view, ":")
	digits := func(x string) bool { return strings.Trim(x, "0123456789") == "" }
	lo, hi = strings.TrimSpace(lo), strings.TrimSpace(hi)
	return name, lo, hi, isName(name) && closed && colon && digits(lo) && digits(hi)
}

// bound0 is a view bound as a whole number ("0" when left out).
func bound0(x lang.Expr) string {
	if x == nil {
		return "0"
	}
	v, _ := lang.ConstValue(x)
	return strconv.Itoa(int(v))
}

// norm0 is a --set bound as a whole number ("0" when left out).
func norm0(x string) string {
	if n, err := strconv.Atoi(x); err == nil {
		return strconv.Itoa(n)
	}
	return "0"
}

// popSizes maps the file's populations to their sizes, where constant.
func popSizes(f *lang.File) map[string]int {
	sizes := map[string]int{}
	for _, d := range f.Decls {
		nd, ok := d.(*lang.NetworkDecl)
		if !ok {
			continue
		}
		for _, it := range nd.Items {
			p, ok := it.(*lang.PopulationDecl)
			if !ok || p.Name == nil || len(p.Shape) == 0 {
				continue
			}
			n := 1
			for _, x := range p.Shape {
				v, ok := lang.ConstValue(x)
				if !ok || v < 1 || v > 1<<31 {
					n = -1
					break
				}
				n *= int(v)
			}
			if n > 0 {
				sizes[p.Name.Name] = n
			}
		}
	}
	return sizes
}

// endIs reports whether the projection end id (with its view, nil for the
// whole population) is the --set end NAME or NAME[lo:hi]: the same name
// and the same bounds (a bound left out is 0, or the population's size).
func endIs(id *lang.Ident, view *lang.Slice, end string, sizes map[string]int) bool {
	name, lo, hi, _ := splitEnd(end)
	if id == nil || id.Name != name {
		return false
	}
	sliced := strings.Contains(end, "[")
	if view == nil || !sliced {
		return view == nil && !sliced
	}
	top := "end"
	if n, ok := sizes[name]; ok {
		top = strconv.Itoa(n)
	}
	declHi := top
	if view.Hi != nil {
		declHi = bound0(view.Hi)
	}
	setHi := top
	if hi != "" {
		setHi = norm0(hi)
	}
	return bound0(view.Lo) == norm0(lo) && declHi == setHi
}

// overridePair puts s into the one projection declaration that connects
// PRE to POST (through PORT, if given). It returns why it could not: no
// such projection, several, or one that connects more populations than the
// pair (a setting there would change them all).
func overridePair(f *lang.File, pair string, s *lang.Setting) (msg, hint string) {
	pre, post, _ := strings.Cut(pair, "->")
	port := ""
	if k := strings.LastIndex(post, ":"); k > strings.LastIndex(post, "]") {
		post, port = post[:k], post[k+1:]
	}
	pre, post, port = strings.TrimSpace(pre), strings.TrimSpace(post), strings.TrimSpace(port)
	sizes := popSizes(f)
	has := func(ids []*lang.Ident, views []*lang.Slice, end string) bool {
		for k, id := range ids {
			var v *lang.Slice
			if k < len(views) {
				v = views[k]
			}
			if endIs(id, v, end, sizes) {
				return true
			}
		}
		return false
	}
	var found []*lang.ProjectDecl
	for _, d := range f.Decls {
		nd, ok := d.(*lang.NetworkDecl)
		if !ok {
			continue
		}
		for _, it := range nd.Items {
			p, ok := it.(*lang.ProjectDecl)
			if ok && has(p.Pre, p.PreSlice, pre) && has(p.Post, p.PostSlice, post) && (port == "" || p.Port != nil && p.Port.Name == port) {
				found = append(found, p)
			}
		}
	}
	switch {
	case len(found) == 0:
		return fmt.Sprintf("%s has no projection %s", f.Name, pair), "name the populations as written on either side of -> in the project line, and the port after a colon: E->I:exc"
	case len(found) > 1:
		var lines []string
		for _, p := range found {
			lines = append(lines, fmt.Sprintf("line %d (port %s)", p.Pos.Line, p.Port.Name))
		}
		hint = "add the port, --set 'PRE->POST:PORT.PARAM=VALUE', or name the projection (project NAME = ...)"
		if port != "" {
			hint = "name the projection (project NAME = ...) and --set NAME.PARAM=VALUE"
		}
		return fmt.Sprintf("%s matches %d projections: %s", pair, len(found), strings.Join(lines, ", ")), hint
	case len(found[0].Pre) > 1 || len(found[0].Post) > 1:
		return fmt.Sprintf("the projection on line %d connects more than %s; a setting there would change every pair", found[0].Pos.Line, pair),
			"name it (project NAME = ...) and --set NAME.PARAM=VALUE to change all its pairs"
	}
	setProj(found[0], s)
	return "", ""
}

// setProj replaces the projection's own setting of s's name, or adds s.
func setProj(p *lang.ProjectDecl, s *lang.Setting) {
	for i, pi := range p.Items {
		if o, ok := pi.(*lang.Setting); ok && o.Name != nil && o.Name.Name == s.Name.Name {
			p.Items[i] = s
			return
		}
	}
	p.Items = append(p.Items, s)
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
				setProj(it, s)
			case *lang.InputDecl:
				if it.Name == nil || it.Name.Name != name || it.Source == nil {
					continue
				}
				// an input's parameters are its source's named arguments
				found = true
				arg := &lang.Arg{Span: s.Span, Name: s.Name, Value: s.Value}
				replaced := false
				for i, a := range it.Source.Args {
					if a != nil && a.Name != nil && a.Name.Name == s.Name.Name {
						it.Source.Args[i], replaced = arg, true
					}
				}
				if !replaced {
					it.Source.Args = append(it.Source.Args, arg)
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
