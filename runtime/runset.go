package rt

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/snnc/snnc/lang/units"
)

// RunSet is a value a built program takes from `--set NAME=VALUE` at run
// time: one its code reads from a variable instead of folding it in (an
// input's rate or amplitude, a projection's constant weight).
type RunSet struct {
	Name    string   // as snnc run --set spells it: P.rate, E->I:exc.weight
	Unit    string   // its unit ("" dimensionless), which gives its dimension
	NonNeg  bool     // the value must be >= 0 (rates, times)
	Default float64  // what the model says (SI)
	Ptr     *float64 // where the code reads it
}

// Usage lists the run-time settable values with their defaults, one a
// line, for a program's --help.
func Usage(list []RunSet) string {
	if len(list) == 0 {
		return "  (none: every parameter of this model is compiled into its code; rebuild with snnc build --set NAME.PARAM=VALUE)\n"
	}
	var b strings.Builder
	for _, rs := range list {
		fmt.Fprintf(&b, "  %s=%s\n", rs.Name, show(rs.Default, rs.Unit))
	}
	b.WriteString("  (the other parameters are compiled into the code as constants: rebuild with snnc build --set NAME.PARAM=VALUE)\n")
	return b.String()
}

func show(v float64, unit string) string {
	if unit == "" {
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	u, err := units.ParseExpr(unit)
	if err != nil || u.Scale == 0 {
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	return strconv.FormatFloat(v/u.Scale, 'g', 12, 64) + unit
}

func dimOf(unit string) units.Dim {
	if unit == "" {
		return units.Dimensionless
	}
	u, err := units.ParseExpr(unit)
	if err != nil {
		return units.Dimensionless
	}
	return u.Dim
}

// SetFlag collects repeated --set flags.
type SetFlag struct{ List *[]string }

func (f SetFlag) String() string {
	if f.List == nil {
		return ""
	}
	return strings.Join(*f.List, " ")
}

// Set appends one NAME=VALUE.
func (f SetFlag) Set(s string) error {
	*f.List = append(*f.List, s)
	return nil
}

// ApplySets parses each NAME=VALUE and stores VALUE (a number with its
// unit, as in the model: 20Hz, "2 mV") at the RunSet of that NAME. A name
// that is not in list is refused with the list of settable names: its value
// was compiled into the program as a constant (rebuild with snnc build
// --set). The value is converted to SI unit factor by unit factor, as the
// compiler converts a literal, so a program given --set computes what snnc
// run --set computes.
func ApplySets(list []RunSet, sets []string) error {
	byName := map[string]*RunSet{}
	var names []string
	for k := range list {
		byName[list[k].Name] = &list[k]
		names = append(names, list[k].Name)
	}
	sort.Strings(names)
	settable := "this program takes none at run time"
	if len(names) > 0 {
		settable = "settable at run time: " + strings.Join(names, ", ")
	}
	for _, s := range sets {
		name, value, ok := strings.Cut(s, "=")
		name, value = strings.Join(strings.Fields(name), ""), strings.TrimSpace(value)
		if !ok || name == "" || value == "" {
			return fmt.Errorf("--set %q: expected NAME.PARAM=VALUE (%s)", s, settable)
		}
		rs := byName[name]
		if rs == nil {
			rs = pairOf(list, name)
		}
		if rs == nil {
			return fmt.Errorf("--set %s: not settable at run time: the compiler folded it into this program's code as a constant (%s); rebuild with snnc build --set '%s=%s'", name, settable, name, value)
		}
		v, d, err := ParseQuantity(value)
		if err != nil {
			return fmt.Errorf("--set %s: %v", name, err)
		}
		if want := dimOf(rs.Unit); d != want {
			return fmt.Errorf("--set %s: %s is %s, not %s (the model's value: %s)", name, value, describe(d), describe(want), show(rs.Default, rs.Unit))
		}
		if math.IsNaN(v) || math.IsInf(v, 0) || rs.NonNeg && v < 0 {
			return fmt.Errorf("--set %s: %s is out of range (must be a finite value >= 0)", name, value)
		}
		*rs.Ptr = v
	}
	return nil
}

// pairOf finds PRE->POST.PARAM written without the port when one
// projection joins PRE to POST (its name is PRE->POST:PORT).
func pairOf(list []RunSet, name string) *RunSet {
	dot := strings.LastIndex(name, ".")
	if dot < 0 || !strings.Contains(name[:dot], "->") || strings.Contains(name[:dot], ":") {
		return nil
	}
	var found *RunSet
	for k := range list {
		n := list[k].Name
		if strings.HasPrefix(n, name[:dot]+":") && strings.HasSuffix(n, name[dot:]) && !strings.Contains(n[dot+1:len(n)-len(name)+dot], ".") {
			if found != nil {
				return nil // ambiguous: the port is needed
			}
			found = &list[k]
		}
	}
	return found
}

func describe(d units.Dim) string {
	if d.IsDimensionless() {
		return "a plain number"
	}
	return units.Describe(d)
}

// ParseQuantity reads "NUMBER [UNIT]" with UNIT names joined by * and /,
// each with an optional ^N: 20Hz, "2.5 mV", 1e-3, "3 nS/um^2". It returns
// the value in SI and its dimension.
func ParseQuantity(s string) (float64, units.Dim, error) {
	s = strings.TrimSpace(s)
	end := 0
	for end < len(s) && strings.IndexByte("+-0123456789.eE", s[end]) >= 0 {
		// an exponent's e must follow a digit and precede a digit or sign
		if (s[end] == 'e' || s[end] == 'E') && !(end+1 < len(s) && strings.IndexByte("+-0123456789", s[end+1]) >= 0) {
			break
		}
		end++
	}
	v, err := strconv.ParseFloat(s[:end], 64)
	if err != nil {
		return 0, units.Dim{}, fmt.Errorf("cannot read %q as a number with a unit (e.g. 20Hz, 2.5mV)", s)
	}
	var d units.Dim
	rest := strings.ReplaceAll(s[end:], " ", "")
	div := false
	for rest != "" {
		k := strings.IndexAny(rest, "*/")
		tok := rest
		next := ""
		if k >= 0 {
			tok, next = rest[:k], rest[k:]
		}
		name, expText, hasExp := strings.Cut(tok, "^")
		exp := 1
		if hasExp {
			if exp, err = strconv.Atoi(expText); err != nil {
				return 0, units.Dim{}, fmt.Errorf("cannot read the exponent in %q", tok)
			}
		}
		u, ok := units.Lookup(name)
		if !ok {
			return 0, units.Dim{}, fmt.Errorf("unknown unit %q in %q", name, s)
		}
		sc := math.Pow(u.Scale, float64(exp))
		if div {
			v /= sc
			d = d.Div(u.Dim.Pow(exp))
		} else {
			v *= sc
			d = d.Mul(u.Dim.Pow(exp))
		}
		if next == "" {
			break
		}
		div = next[0] == '/'
		rest = next[1:]
		if rest == "" {
			return 0, units.Dim{}, fmt.Errorf("a unit is missing after %q in %q", next[:1], s)
		}
	}
	return v, d, nil
}
